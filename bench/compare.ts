// Compares output columns of two engines plot by plot, with the project's tolerance
// (|a - b| <= 1e-8 + 1e-5·|b|, na equal only to na), and summarises where they differ.

export type Columns = Record<string, Float64Array>;

export interface PlotComparison {
  plot: string;
  /** Bars compared (from `from` to the shorter column's end). */
  compared: number;
  mismatches: number;
  /** First mismatching bar, or -1. */
  firstMismatch: number;
  /** Values at firstMismatch: [expected, actual]. */
  firstValues: [number, number] | null;
  /** Largest |expected - actual| where both are numbers. */
  maxAbsDiff: number;
  /** Bars where exactly one side is na. */
  naMismatches: number;
}

export interface CompareOptions {
  absTol?: number;
  relTol?: number;
  /** Per plot, the first bar to compare (to skip a documented warm-up difference). */
  from?: Record<string, number>;
}

export function withinTolerance(expected: number, actual: number, absTol = 1e-8, relTol = 1e-5): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  return Math.abs(actual - expected) <= absTol + relTol * Math.abs(expected);
}

/** Compares every plot of `expected` with the same-named plot of `actual` (a missing plot counts as
 * all-na). Plots only in `actual` are ignored. */
export function comparePlots(expected: Columns, actual: Columns, opts: CompareOptions = {}): PlotComparison[] {
  const absTol = opts.absTol ?? 1e-8;
  const relTol = opts.relTol ?? 1e-5;
  return Object.keys(expected).map((plot) => {
    const e = expected[plot] ?? new Float64Array(0);
    const a = actual[plot] ?? new Float64Array(e.length).fill(NaN);
    const start = opts.from?.[plot] ?? 0;
    const end = Math.min(e.length, a.length);
    let mismatches = 0;
    let naMismatches = 0;
    let firstMismatch = -1;
    let maxAbsDiff = 0;
    for (let i = start; i < end; i++) {
      const x = e[i] as number;
      const y = a[i] as number;
      if (!withinTolerance(x, y, absTol, relTol)) {
        mismatches++;
        if (Number.isNaN(x) !== Number.isNaN(y)) naMismatches++;
        if (firstMismatch < 0) firstMismatch = i;
      }
      if (!Number.isNaN(x) && !Number.isNaN(y)) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(x - y));
    }
    return {
      plot,
      compared: Math.max(0, end - start),
      mismatches,
      firstMismatch,
      firstValues: firstMismatch < 0 ? null : [e[firstMismatch] as number, a[firstMismatch] as number],
      maxAbsDiff,
      naMismatches,
    };
  });
}

/** True when every plot compared without a mismatch. */
export function allAgree(results: PlotComparison[]): boolean {
  return results.every((r) => r.mismatches === 0);
}
