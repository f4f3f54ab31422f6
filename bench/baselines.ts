// Hand-written JavaScript equivalents of the benchmark scripts in bench/scripts/{a,b,c}.pine: what a
// competent developer would write for speed — one pass over the bars, small incremental state per
// indicator, typed arrays out. They give the "no interpreter" speed the VM is compared with, and an
// independent check of its values.
//
// Pine semantics reproduced (from the reference manual, checked against the TradingView fixtures in
// tests/bench/baselines.test.ts):
// - ta.sma/ema/rma and everything built on them are na until `length` values have been seen; ema and
//   rma seed with the SMA of their first `length` values, then `alpha*x + (1-alpha)*prev` with
//   alpha = 2/(len+1) (ema) or 1/len (rma).
// - na inputs (warm-up of a derived series such as the MACD line) are skipped: they neither enter
//   the window nor advance the state, and the output on such a bar is na.
// - ta.atr is the rma of ta.tr(true) (high - low on the first bar); ta.dmi uses ta.tr, na on bar 0.
// - Division by zero follows IEEE (Infinity or NaN); the synthetic bars never produce it.

import type { BarColumns } from '../vm/data/bars.js';

/** Simple moving average over the last `len` non-na values. */
export class Sma {
  private readonly window: Float64Array;
  private next = 0;
  private count = 0;
  private sum = 0;
  constructor(readonly len: number) {
    this.window = new Float64Array(len);
  }
  step(x: number): number {
    if (x !== x) return NaN;
    const w = this.window;
    if (this.count < this.len) this.count++;
    else this.sum -= w[this.next];
    w[this.next] = x;
    this.sum += x;
    if (++this.next === this.len) this.next = 0;
    return this.count === this.len ? this.sum / this.len : NaN;
  }
}

/** Exponential smoothing seeded with the SMA of the first `len` values (Pine's ema and rma). */
export class Smoother {
  private readonly alpha: number;
  private count = 0;
  private seedSum = 0;
  value = NaN;
  private constructor(readonly len: number, alpha: number) {
    this.alpha = alpha;
  }
  static ema(len: number): Smoother {
    return new Smoother(len, 2 / (len + 1));
  }
  static rma(len: number): Smoother {
    return new Smoother(len, 1 / len);
  }
  step(x: number): number {
    if (x !== x) return NaN;
    if (this.count < this.len) {
      this.seedSum += x;
      if (++this.count === this.len) this.value = this.seedSum / this.len;
      return this.value;
    }
    this.value = this.alpha * x + (1 - this.alpha) * this.value;
    return this.value;
  }
}

/** ta.rsi: rma of upward and downward changes. */
export class Rsi {
  private readonly up: Smoother;
  private readonly down: Smoother;
  private prev = NaN;
  constructor(len: number) {
    this.up = Smoother.rma(len);
    this.down = Smoother.rma(len);
  }
  step(x: number): number {
    const change = x - this.prev; // NaN on the first bar: both rmas skip it
    this.prev = x;
    const u = this.up.step(change > 0 ? change : change === change ? 0 : NaN);
    const d = this.down.step(change < 0 ? -change : change === change ? 0 : NaN);
    return 100 - 100 / (1 + u / d);
  }
}

/** A fixed window of the last `len` values, for statistics that need all of them. */
class Window {
  readonly values: Float64Array;
  private next = 0;
  count = 0;
  sum = 0;
  constructor(readonly len: number) {
    this.values = new Float64Array(len);
  }
  push(x: number): boolean {
    const w = this.values;
    if (this.count < this.len) this.count++;
    else this.sum -= w[this.next];
    w[this.next] = x;
    this.sum += x;
    if (++this.next === this.len) this.next = 0;
    return this.count === this.len;
  }
}

/** ta.stdev (biased, population): square root of the mean squared deviation from the SMA. */
export class Stdev {
  private readonly w: Window;
  mean = NaN;
  constructor(len: number) {
    this.w = new Window(len);
  }
  step(x: number): number {
    if (!this.w.push(x)) return (this.mean = NaN);
    const { values, len } = this.w;
    const mean = this.w.sum / len;
    let ss = 0;
    for (let i = 0; i < len; i++) {
      const d = values[i] - mean;
      ss += d * d;
    }
    this.mean = mean;
    return Math.sqrt(ss / len);
  }
}

/** ta.cci: (x - sma) / (0.015 * mean absolute deviation). */
export class Cci {
  private readonly w: Window;
  constructor(len: number) {
    this.w = new Window(len);
  }
  step(x: number): number {
    if (!this.w.push(x)) return NaN;
    const { values, len } = this.w;
    // The window's own sum, not the running one: near a zero cci, (x - mean) cancels, and a running
    // sum's rounding drift (~1e-8 after 280k bars here) would be all that is left.
    let sum = 0;
    for (let i = 0; i < len; i++) sum += values[i];
    const mean = sum / len;
    let dev = 0;
    for (let i = 0; i < len; i++) dev += Math.abs(values[i] - mean);
    return (x - mean) / (0.015 * (dev / len));
  }
}

/** ta.highest / ta.lowest over the last `len` bars with a monotonic deque: amortised O(1). The
 * deque is a ring whose size is a power of two, so wrapping is a mask, not a division. */
export class Extreme {
  private readonly idx: Int32Array;
  private readonly val: Float64Array;
  private readonly mask: number;
  private head = 0;
  private size = 0;
  private bar = -1;
  constructor(readonly len: number, private readonly wantMax: boolean) {
    let cap = 1;
    while (cap < len) cap <<= 1;
    this.mask = cap - 1;
    this.idx = new Int32Array(cap);
    this.val = new Float64Array(cap);
  }
  step(x: number): number {
    const bar = ++this.bar;
    const mask = this.mask;
    const idx = this.idx;
    const val = this.val;
    // Drop the oldest when it leaves the window, then every value the new one dominates.
    if (this.size > 0 && idx[this.head] <= bar - this.len) {
      this.head = (this.head + 1) & mask;
      this.size--;
    }
    let size = this.size;
    if (this.wantMax) {
      while (size > 0 && val[(this.head + size - 1) & mask] <= x) size--;
    } else {
      while (size > 0 && val[(this.head + size - 1) & mask] >= x) size--;
    }
    const at = (this.head + size) & mask;
    idx[at] = bar;
    val[at] = x;
    this.size = size + 1;
    return bar >= this.len - 1 ? val[this.head] : NaN;
  }
}

/** ta.supertrend(factor, atrPeriod) → [value, direction], following the manual's Pine version. */
export class Supertrend {
  private readonly atr: Smoother;
  private prevClose = NaN;
  private prevAtr = NaN;
  private prevUpper = NaN;
  private prevLower = NaN;
  private prevValue = NaN;
  value = NaN;
  direction = NaN;
  constructor(private readonly factor: number, atrPeriod: number) {
    this.atr = Smoother.rma(atrPeriod);
  }
  step(high: number, low: number, close: number): void {
    const pc = this.prevClose;
    const tr = pc !== pc ? high - low : Math.max(high - low, Math.abs(high - pc), Math.abs(low - pc));
    const atr = this.atr.step(tr);
    const src = (high + low) / 2;
    let upper = src + this.factor * atr;
    let lower = src - this.factor * atr;
    const pl = this.prevLower === this.prevLower ? this.prevLower : 0;
    const pu = this.prevUpper === this.prevUpper ? this.prevUpper : 0;
    lower = lower > pl || pc < pl ? lower : pl;
    upper = upper < pu || pc > pu ? upper : pu;
    let dir: number;
    if (this.prevAtr !== this.prevAtr) dir = 1;
    else if (this.prevValue === pu) dir = close > upper ? -1 : 1;
    else dir = close < lower ? 1 : -1;
    this.value = dir === -1 ? lower : upper;
    this.direction = dir;
    this.prevClose = close;
    this.prevAtr = atr;
    this.prevUpper = upper;
    this.prevLower = lower;
    this.prevValue = this.value;
  }
}

/** ta.dmi(diLength, adxSmoothing) → [+DI, -DI, ADX]. */
export class Dmi {
  private readonly tr: Smoother;
  private readonly plusDm: Smoother;
  private readonly minusDm: Smoother;
  private readonly adxRma: Smoother;
  private prevHigh = NaN;
  private prevLow = NaN;
  private prevClose = NaN;
  plus = NaN;
  minus = NaN;
  adx = NaN;
  constructor(diLength: number, adxSmoothing: number) {
    this.tr = Smoother.rma(diLength);
    this.plusDm = Smoother.rma(diLength);
    this.minusDm = Smoother.rma(diLength);
    this.adxRma = Smoother.rma(adxSmoothing);
  }
  step(high: number, low: number, close: number): void {
    const up = high - this.prevHigh;
    const down = this.prevLow - low;
    const pc = this.prevClose;
    const tr = pc !== pc ? NaN : Math.max(high - low, Math.abs(high - pc), Math.abs(low - pc));
    const pdm = up !== up ? NaN : up > down && up > 0 ? up : 0;
    const mdm = down !== down ? NaN : down > up && down > 0 ? down : 0;
    const trur = this.tr.step(tr);
    const p = (100 * this.plusDm.step(pdm)) / trur;
    const m = (100 * this.minusDm.step(mdm)) / trur;
    if (p === p) this.plus = p; // fixnan: keep the last value
    if (m === m) this.minus = m;
    const sum = this.plus + this.minus;
    this.adx = 100 * this.adxRma.step(Math.abs(this.plus - this.minus) / (sum === 0 ? 1 : sum));
    this.prevHigh = high;
    this.prevLow = low;
    this.prevClose = close;
  }
}

const MS_PER_DAY = 86_400_000;

/** ta.vwap(src, timeframe.change("D")) on UTC days: na until the first day change, then the
 * volume-weighted mean of src since the latest day change. */
export class DailyVwap {
  private prevDay = NaN;
  private started = false;
  private sumPV = 0;
  private sumV = 0;
  step(timeMs: number, src: number, volume: number): number {
    const day = Math.floor(timeMs / MS_PER_DAY);
    const anchor = this.prevDay === this.prevDay && day !== this.prevDay;
    this.prevDay = day;
    if (anchor) {
      this.started = true;
      this.sumPV = src * volume;
      this.sumV = volume;
    } else if (this.started) {
      this.sumPV += src * volume;
      this.sumV += volume;
    }
    return this.started ? this.sumPV / this.sumV : NaN;
  }
}

// ---------------------------------------------------------------- script (a)

export const PLOTS_A = ['sma14', 'rsi14', 'ema20'] as const;
export type OutputA = Record<(typeof PLOTS_A)[number], Float64Array>;
export interface ParamsA {
  smaLen: number;
  rsiLen: number;
  emaLen: number;
}
export const DEFAULT_A: ParamsA = { smaLen: 14, rsiLen: 14, emaLen: 20 };

/** `plot(ta.sma(close,14)); plot(ta.rsi(close,14)); plot(ta.ema(close,20))` */
/** The indicator objects of the latest run of each baseline, kept alive on purpose. V8's optimized
 * code holds the hidden classes of the objects it has seen weakly: when every object of a class is
 * garbage (between two timed runs, after the forced GCs of bench/measure.ts), the class dies and
 * the optimized `step` methods are thrown away, so the next run starts in the slow tiers. The VM
 * keeps its own shapes alive the same way (vm/runtime/shapes.ts); without this the baselines were
 * measured 5-10x slower than they run once optimized, which flattered the VM. */
const live: { a: unknown[]; b: unknown[] } = { a: [], b: [] };

export function baselineA(bars: BarColumns, p: ParamsA = DEFAULT_A): OutputA {
  const n = bars.length;
  const close = bars.close;
  const sma14 = new Float64Array(n);
  const rsi14 = new Float64Array(n);
  const ema20 = new Float64Array(n);
  const sma = new Sma(p.smaLen);
  const rsi = new Rsi(p.rsiLen);
  const ema = Smoother.ema(p.emaLen);
  for (let i = 0; i < n; i++) {
    const c = close[i];
    sma14[i] = sma.step(c);
    rsi14[i] = rsi.step(c);
    ema20[i] = ema.step(c);
  }
  live.a = [sma, rsi, ema];
  return { sma14, rsi14, ema20 };
}

// ---------------------------------------------------------------- script (b)

export const PLOTS_B = [
  'macd', 'signal', 'hist',
  'bb_basis', 'bb_upper', 'bb_lower',
  'atr',
  'stoch_k', 'stoch_d',
  'cci',
  'supertrend', 'st_direction',
  'plus_di', 'minus_di', 'adx',
  'vwap',
  'highest', 'lowest',
  'cross',
] as const;
export type OutputB = Record<(typeof PLOTS_B)[number], Float64Array>;
export interface ParamsB {
  macd: [fast: number, slow: number, signal: number];
  bb: [length: number, mult: number];
  atrLen: number;
  stoch: [periodK: number, smoothK: number, periodD: number];
  cciLen: number;
  supertrend: [factor: number, atrPeriod: number];
  dmi: [diLength: number, adxSmoothing: number];
  extremeLen: number;
  cross: [fast: number, slow: number];
}
export const DEFAULT_B: ParamsB = {
  macd: [12, 26, 9],
  bb: [20, 2],
  atrLen: 14,
  stoch: [14, 3, 3],
  cciLen: 20,
  supertrend: [3, 10],
  dmi: [14, 14],
  extremeLen: 20,
  cross: [9, 21],
};

/** The ten-indicator script bench/scripts/b.pine, in one pass. */
export function baselineB(bars: BarColumns, p: ParamsB = DEFAULT_B): OutputB {
  const n = bars.length;
  const { time, high, low, close, volume } = bars;
  const out = Object.fromEntries(PLOTS_B.map((k) => [k, new Float64Array(n)])) as OutputB;
  const o = out; // locals below keep the hot loop free of property lookups by name
  const [macdA, macdB, macdC] = [o.macd, o.signal, o.hist];
  const [bbA, bbB, bbC] = [o.bb_basis, o.bb_upper, o.bb_lower];
  const [atrO, kO, dO, cciO, stO, dirO] = [o.atr, o.stoch_k, o.stoch_d, o.cci, o.supertrend, o.st_direction];
  const [pdiO, mdiO, adxO, vwapO, hiO, loO, crossO] = [o.plus_di, o.minus_di, o.adx, o.vwap, o.highest, o.lowest, o.cross];

  const fast = Smoother.ema(p.macd[0]);
  const slow = Smoother.ema(p.macd[1]);
  const signal = Smoother.ema(p.macd[2]);
  const bbDev = new Stdev(p.bb[0]);
  const bbMult = p.bb[1];
  const atr = Smoother.rma(p.atrLen);
  const stochHi = new Extreme(p.stoch[0], true);
  const stochLo = new Extreme(p.stoch[0], false);
  const kSma = new Sma(p.stoch[1]);
  const dSma = new Sma(p.stoch[2]);
  const cci = new Cci(p.cciLen);
  const st = new Supertrend(p.supertrend[0], p.supertrend[1]);
  const dmi = new Dmi(p.dmi[0], p.dmi[1]);
  const vwap = new DailyVwap();
  const hi = new Extreme(p.extremeLen, true);
  const lo = new Extreme(p.extremeLen, false);
  const crossFast = Smoother.ema(p.cross[0]);
  const crossSlow = Smoother.ema(p.cross[1]);
  let prevFast = NaN;
  let prevSlow = NaN;
  let prevClose = NaN;

  for (let i = 0; i < n; i++) {
    const h = high[i];
    const l = low[i];
    const c = close[i];

    const m = fast.step(c) - slow.step(c);
    const s = signal.step(m);
    macdA[i] = m;
    macdB[i] = s;
    macdC[i] = m - s;

    const dev = bbMult * bbDev.step(c);
    const basis = bbDev.mean;
    bbA[i] = basis;
    bbB[i] = basis + dev;
    bbC[i] = basis - dev;

    const tr = prevClose !== prevClose ? h - l : Math.max(h - l, Math.abs(h - prevClose), Math.abs(l - prevClose));
    atrO[i] = atr.step(tr);

    const hh = stochHi.step(h);
    const ll = stochLo.step(l);
    const k = kSma.step((100 * (c - ll)) / (hh - ll));
    kO[i] = k;
    dO[i] = dSma.step(k);

    const hlc3 = (h + l + c) / 3;
    cciO[i] = cci.step(hlc3);

    st.step(h, l, c);
    stO[i] = st.value;
    dirO[i] = st.direction;

    dmi.step(h, l, c);
    pdiO[i] = dmi.plus;
    mdiO[i] = dmi.minus;
    adxO[i] = dmi.adx;

    vwapO[i] = vwap.step(time[i], hlc3, volume[i]);

    hiO[i] = hi.step(h);
    loO[i] = lo.step(l);

    const f = crossFast.step(c);
    const sl = crossSlow.step(c);
    crossO[i] = f > sl && prevFast <= prevSlow ? 1 : 0;
    prevFast = f;
    prevSlow = sl;
    prevClose = c;
  }
  live.b = [fast, slow, signal, bbDev, atr, stochHi, stochLo, kSma, dSma, cci, st, dmi, vwap, hi, lo, crossFast, crossSlow];
  return out;
}

// ---------------------------------------------------------------- script (c)

export const PLOTS_C = ['f'] as const;
export type OutputC = Record<(typeof PLOTS_C)[number], Float64Array>;

/** `f(src, len) => var float acc = 0.0; s = 0.0; for i = 0 to len - 1: s += nz(src[i]) * (len - i);
 * acc := 0.9 * acc + 0.1 * s; acc` then `plot(f(close, 10))`. Same operation order as the Pine
 * loop, so the values match an exact interpreter bit for bit. */
export function baselineC(bars: BarColumns, len = 10): OutputC {
  const n = bars.length;
  const close = bars.close;
  const f = new Float64Array(n);
  let acc = 0.0;
  for (let bar = 0; bar < n; bar++) {
    let s = 0.0;
    for (let i = 0; i < len; i++) {
      const x = bar - i >= 0 ? close[bar - i] : 0; // nz(src[i]): na before the first bar
      s += x * (len - i);
    }
    acc = 0.9 * acc + 0.1 * s;
    f[bar] = acc;
  }
  return { f };
}
