// The browser bench's library floor (`npm run bench:browser`, e2e/bench-browser.ts): the least any
// restoring load of the app must do in this browser, with the app's chart library and build. It
// starts a module worker that reads the app's newest checkpoint straight from the app's IndexedDB
// (its stored last candles and plot rows: the same data the app draws), and draws them with
// lightweight-charts as the app lays out benchmark (b): candles in the price pane, the 19 plots as
// lines in a second pane, the last 560 bars, at the size of the app's chart (`?w=&h=`). The time
// is taken in the task after the frame in which the library painted, as the app's `p:drawn` is.
// No React, no app code, no VM.

import { CandlestickSeries, ColorType, createChart, LineSeries, type UTCTimestamp } from 'lightweight-charts';

interface FloorData {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  /** Plot rows aligned with `time` (first channel of each output). */
  plots: Float64Array[];
}

const q = new URLSearchParams(location.search);
const width = Number(q.get('w') ?? 1600);
const height = Number(q.get('h') ?? 1000);
const BARS = 560;

const worker = new Worker(new URL('./floor.worker.ts', import.meta.url), { type: 'module' });
worker.onmessage = (e: MessageEvent<FloorData | string>) => {
  if (typeof e.data === 'string') throw new Error(e.data);
  draw(e.data);
};

function draw(d: FloorData): void {
  const el = document.getElementById('c');
  if (!el) return;
  const chart = createChart(el, {
    width,
    height,
    layout: { background: { type: ColorType.Solid, color: '#131722' }, textColor: '#d1d4dc', fontSize: 11, attributionLogo: false },
    grid: { vertLines: { color: '#1e222d' }, horzLines: { color: '#1e222d' } },
    timeScale: { timeVisible: true, rightOffset: 5 },
  });
  const n = d.time.length;
  const from = Math.max(0, n - BARS);
  const t = (i: number) => ((d.time[i] ?? 0) / 1000) as UTCTimestamp;
  const candles = chart.addSeries(CandlestickSeries, { upColor: '#26a69a', downColor: '#ef5350', wickUpColor: '#26a69a', wickDownColor: '#ef5350', borderVisible: false }, 0);
  const cs = [];
  for (let i = from; i < n; i++) cs.push({ time: t(i), open: d.open[i] ?? NaN, high: d.high[i] ?? NaN, low: d.low[i] ?? NaN, close: d.close[i] ?? NaN });
  candles.setData(cs);
  d.plots.forEach((col, k) => {
    const s = chart.addSeries(LineSeries, { color: `hsl(${k * 19}, 70%, 60%)`, lineWidth: 1, priceLineVisible: false }, 1);
    const pts = [];
    for (let i = from; i < n; i++) {
      const v = col[i] ?? NaN;
      pts.push(Number.isNaN(v) ? { time: t(i) } : { time: t(i), value: v });
    }
    s.setData(pts);
  });
  // The library paints in the next animation frame: a frame asked for now runs after its paint,
  // and a task queued from there runs once it is on screen.
  requestAnimationFrame(() => setTimeout(() => ((window as unknown as { __floorDrawn: number }).__floorDrawn = performance.now()), 0));
}
