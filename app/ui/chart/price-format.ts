// How prices and plot values are written on the price axes, the last-value labels and the legend,
// as TradingView does: the symbol's prices with the decimals of its tick size (syminfo.mintick),
// a script's values with its indicator(format=, precision=) and each plot with its own
// plot(format=, precision=), each falling back to the one above it. format.percent appends '%'
// (2 decimals unless a precision is given), format.volume abbreviates with K, M, B and T.

import type { OutputInfo, ScriptMeta } from '../../../vm/index.js';

export interface ValueFormat {
  kind: 'price' | 'percent' | 'volume';
  /** Digits after the decimal point. */
  decimals: number;
}

/** Digits after the decimal point of a tick size (0.00001 → 5, 0.25 → 2, 1 → 0). */
export function decimalsOf(mintick: number): number {
  if (!(mintick > 0) || !Number.isFinite(mintick)) return 2;
  for (let d = 0; d <= 10; d++) {
    const scaled = mintick * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, scaled)) return d;
  }
  return 10;
}

export function symbolFormat(mintick: number): ValueFormat {
  return { kind: 'price', decimals: decimalsOf(mintick) };
}

function precisionOf(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? Math.max(0, Math.min(16, Math.trunc(v))) : null;
}

/** A format from `format` and `precision` arguments, falling back to `parent`. */
function derive(format: unknown, precision: unknown, parent: ValueFormat): ValueFormat {
  const p = precisionOf(precision);
  switch (format) {
    case 'percent':
      return { kind: 'percent', decimals: p ?? 2 };
    case 'volume':
      return { kind: 'volume', decimals: p ?? 3 };
    case 'price':
    case 'mintick':
      return { kind: 'price', decimals: p ?? (parent.kind === 'price' ? parent.decimals : 2) };
    default:
      // format.inherit or none: the parent's kind, with the precision given.
      return { kind: parent.kind, decimals: p ?? parent.decimals };
  }
}

/** The script's values: indicator(format=, precision=) over the symbol's format. */
export function scriptFormat(meta: Pick<ScriptMeta, 'format' | 'precision'> | null, symbol: ValueFormat): ValueFormat {
  return meta ? derive(meta.format, meta.precision, symbol) : symbol;
}

/** One output's values: plot(format=, precision=) over the script's format. */
export function outputFormat(o: Pick<OutputInfo, 'options'> | undefined, script: ValueFormat): ValueFormat {
  return o ? derive(o.options.format, o.options.precision, script) : script;
}

const VOLUME_UNITS: [number, string][] = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'K'],
];

/** A value as the axis and legend write it ('∅' for na). */
export function formatValue(v: number, f: ValueFormat): string {
  if (Number.isNaN(v)) return '∅';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  switch (f.kind) {
    case 'percent':
      return `${v.toFixed(f.decimals)}%`;
    case 'volume': {
      const a = Math.abs(v);
      for (const [unit, suffix] of VOLUME_UNITS) {
        if (a >= unit) return `${trimZeros((v / unit).toFixed(Math.min(f.decimals, 3)))}${suffix}`;
      }
      return trimZeros(v.toFixed(Math.min(f.decimals, 3)));
    }
    default:
      return v.toFixed(f.decimals);
  }
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** The smallest price step the axis shows for a format. */
export function minMoveOf(f: ValueFormat): number {
  return f.kind === 'volume' ? 1 : Number(`1e-${Math.min(f.decimals, 15)}`);
}
