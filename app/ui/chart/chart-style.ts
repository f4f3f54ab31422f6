// The chart's look and its first view, shared by the chart (chart-view.ts, with the chart library)
// and a restoring load's first frame (first-paint.ts, drawn before the library is loaded): both must
// put every bar and value at the same pixel. Plain constants, no imports.

export const THEME = {
  background: '#131722',
  text: '#b2b5be',
  grid: '#1e222d',
  border: '#2a2e39',
  up: '#26a69a',
  down: '#ef5350',
};

/** Initial distance between bars (px). */
export const BAR_SPACING = 6;
/** Bars of empty space right of the last bar in the first view. */
export const RIGHT_OFFSET = 8;
/** The price scales' margins (fractions of a pane's height; the library's default). */
export const SCALE_MARGINS = { top: 0.2, bottom: 0.1 };
