// Indicators of the kind users paste from TradingView, written for this QA pass, run through the
// whole VM (compiled tier) on the S&P 500 daily sample and compared on every bar with independent
// plain-JS computations of the same formulas (written here from Pine's documented semantics, not
// from the VM's output). They hold history references to locals, `nz` seeding, var state,
// user functions with ta.* calls, arrays, v5's eager versus v6's lazy `and`, and tuples.

import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { compile, Instance } from '../../vm/index.js';
import { parseBarsCsv } from '../../vm/data/csv.js';
import type { BarColumns } from '../../vm/data/bars.js';

const CSV = new URL('../fixtures/ohlcv/sp500-daily-2000-2020.csv', import.meta.url);
const bars: BarColumns = parseBarsCsv(readFileSync(CSV, 'utf8'), { name: 'sp500' }).bars;
const N = bars.length;
const O = Array.from(bars.open);
const H = Array.from(bars.high);
const L = Array.from(bars.low);
const C = Array.from(bars.close);

/** Every plot of `source`, by title, one value per bar. */
function run(source: string): Record<string, number[]> {
  const { program, diagnostics } = compile(source);
  if (!program) throw new Error(diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n'));
  const inst = Instance.builder(program).totalBars(N).build();
  inst.runBars(bars);
  const out: Record<string, number[]> = {};
  program.outputs.forEach((o, id) => {
    if (o.title) out[o.title] = Array.from(inst.outputs.column(id).subarray(0, N));
  });
  return out;
}

/** Equal on every bar within `tol` relative (1e-9 absolute floor), na equal to na. */
function expectSeries(name: string, ours: number[] | undefined, ref: number[], tol = 1e-9): void {
  expect(ours, `plot '${name}'`).toBeDefined();
  const bad: string[] = [];
  for (let i = 0; i < ref.length; i++) {
    const a = ours?.[i] ?? NaN;
    const b = ref[i] ?? NaN;
    if (Number.isNaN(a) && Number.isNaN(b)) continue;
    if (Number.isNaN(a) !== Number.isNaN(b) || Math.abs(a - b) > 1e-9 + tol * Math.abs(b)) bad.push(`bar ${i}: ${a} vs ${b}`);
  }
  expect(bad.slice(0, 3), `${name}: ${bad.length} bars differ`).toEqual([]);
}

// --- plain-JS references ------------------------------------------------------------------------

const isNa = (x: number) => Number.isNaN(x);
const nz = (x: number | undefined, r = 0) => (x === undefined || isNa(x) ? r : x);

/** Pine's ema family: the first value is the SMA of the first `len` non-na values. */
function ema(s: number[], len: number, alpha = 2 / (len + 1)): number[] {
  const r: number[] = [];
  let prev = NaN;
  let sum = 0;
  let cnt = 0;
  for (const x of s) {
    if (isNa(x)) r.push(prev);
    else if (isNa(prev)) {
      sum += x;
      if (++cnt === len) prev = sum / len;
      r.push(prev);
    } else r.push((prev = alpha * x + (1 - alpha) * prev));
  }
  return r;
}
const rma = (s: number[], len: number) => ema(s, len, 1 / len);
const window = (s: number[], len: number, f: (w: number[]) => number) => s.map((_, i) => (i < len - 1 ? NaN : f(s.slice(i - len + 1, i + 1))));
const sma = (s: number[], len: number) => window(s, len, (w) => w.reduce((a, b) => a + b, 0) / len);
const stdev = (s: number[], len: number) =>
  window(s, len, (w) => {
    const m = w.reduce((a, b) => a + b, 0) / len;
    return Math.sqrt(w.reduce((a, x) => a + (x - m) ** 2, 0) / len);
  });
const highest = (s: number[], len: number) => window(s, len, (w) => Math.max(...w));
const lowest = (s: number[], len: number) => window(s, len, (w) => Math.min(...w));
/** ta.tr(true): high - low on the first bar. */
const trueRange = () => C.map((_, i) => (i === 0 ? (H[0] ?? 0) - (L[0] ?? 0) : Math.max(H[i]! - L[i]!, Math.abs(H[i]! - C[i - 1]!), Math.abs(L[i]! - C[i - 1]!))));
const atr = (len: number) => rma(trueRange(), len);
function rsi(s: number[], len: number): number[] {
  const up = s.map((x, i) => (i === 0 ? NaN : Math.max(x - s[i - 1]!, 0)));
  const dn = s.map((x, i) => (i === 0 ? NaN : Math.max(s[i - 1]! - x, 0)));
  const u = rma(up, len);
  const d = rma(dn, len);
  return u.map((a, i) => (d[i] === 0 ? 100 : a === 0 ? 0 : 100 - 100 / (1 + a / d[i]!)));
}
function linreg(s: number[], len: number): number[] {
  return window(s, len, (w) => {
    let sx = 0, sy = 0, sxx = 0, sxy = 0;
    w.forEach((y, x) => {
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    });
    const slope = (len * sxy - sx * sy) / (len * sxx - sx * sx);
    return (sy - slope * sx) / len + slope * (len - 1);
  });
}
const crosses = (a: number[], b: number[], i: number) =>
  i > 0 && ![a[i], b[i], a[i - 1], b[i - 1]].some((x) => x === undefined || isNa(x)) && (a[i]! > b[i]! ? a[i - 1]! <= b[i - 1]! : a[i]! < b[i]! && a[i - 1]! >= b[i - 1]!);

// --- the scripts --------------------------------------------------------------------------------

describe('pasted indicators against independent calculations (S&P 500 daily, 5105 bars)', () => {
  test('WaveTrend: ema of a normalised channel index, its sma and the cross markers', () => {
    const out = run(`//@version=5
indicator(title="WaveTrend", shorttitle="WT")
n1 = input(10, "Channel Length")
n2 = input(21, "Average Length")
ap = hlc3
esa = ta.ema(ap, n1)
d = ta.ema(math.abs(ap - esa), n1)
ci = (ap - esa) / (0.015 * d)
wt1 = ta.ema(ci, n2)
wt2 = ta.sma(wt1,4)
plot(wt1, title = "wt1")
plot(wt2, style=plot.style_circles, title = "wt2")
plot(ta.cross(wt1, wt2) ? wt2 : na, style = plot.style_circles, linewidth = 3, title = "cross")
`);
    const ap = C.map((c, i) => (H[i]! + L[i]! + c) / 3);
    const esa = ema(ap, 10);
    const d = ema(ap.map((x, i) => Math.abs(x - esa[i]!)), 10);
    const wt1 = ema(ap.map((x, i) => (x - esa[i]!) / (0.015 * d[i]!)), 21);
    const wt2 = sma(wt1, 4);
    expectSeries('wt1', out.wt1, wt1, 1e-9);
    expectSeries('wt2', out.wt2, wt2, 1e-9);
    expectSeries('cross', out.cross, wt1.map((_, i) => (crosses(wt1, wt2, i) ? wt2[i]! : NaN)), 1e-9);
  });

  test('Chandelier exit: stops seeded with nz(x[1], x), ratcheted with :=, direction kept in var', () => {
    const out = run(`//@version=6
indicator("Chandelier Exit", "CE", overlay = true)
length = input.int(22, "ATR Period")
mult = input.float(3.0, "ATR Multiplier")
atr = mult * ta.atr(length)
longStop = ta.highest(close, length) - atr
longStopPrev = nz(longStop[1], longStop)
longStop := close[1] > longStopPrev ? math.max(longStop, longStopPrev) : longStop
shortStop = ta.lowest(close, length) + atr
shortStopPrev = nz(shortStop[1], shortStop)
shortStop := close[1] < shortStopPrev ? math.min(shortStop, shortStopPrev) : shortStop
var int dir = 1
dir := close > shortStopPrev ? 1 : close < longStopPrev ? -1 : dir
plot(dir == 1 ? longStop : na, "Long Stop", style = plot.style_linebr)
plot(dir == 1 ? na : shortStop, "Short Stop", style = plot.style_linebr)
plot(dir, "dir")
`);
    const a = atr(22).map((x) => 3 * x);
    const hh = highest(C, 22);
    const ll = lowest(C, 22);
    const ls: number[] = [], ss: number[] = [], dirs: number[] = [];
    let dir = 1;
    for (let i = 0; i < N; i++) {
      const lsRaw = hh[i]! - a[i]!;
      const lsPrev = i ? nz(ls[i - 1], lsRaw) : lsRaw;
      ls.push(i && C[i - 1]! > lsPrev ? Math.max(lsRaw, lsPrev) : lsRaw);
      const ssRaw = ll[i]! + a[i]!;
      const ssPrev = i ? nz(ss[i - 1], ssRaw) : ssRaw;
      ss.push(i && C[i - 1]! < ssPrev ? Math.min(ssRaw, ssPrev) : ssRaw);
      dir = C[i]! > ssPrev ? 1 : C[i]! < lsPrev ? -1 : dir;
      dirs.push(dir);
    }
    expectSeries('dir', out.dir, dirs);
    expectSeries('Long Stop', out['Long Stop'], ls.map((x, i) => (dirs[i] === 1 ? x : NaN)));
    expectSeries('Short Stop', out['Short Stop'], ss.map((x, i) => (dirs[i] === 1 ? NaN : x)));
  });

  test('ATR trailing stop (UT style): a plain variable reassigned from its own history', () => {
    const out = run(`//@version=5
indicator("ATR trailing stop", overlay = true)
nLoss = 1 * ta.atr(10)
src = close
stop = 0.0
iff_1 = src > nz(stop[1], 0) ? src - nLoss : src + nLoss
iff_2 = src < nz(stop[1], 0) and src[1] < nz(stop[1], 0) ? math.min(nz(stop[1]), src + nLoss) : iff_1
stop := src > nz(stop[1], 0) and src[1] > nz(stop[1], 0) ? math.max(nz(stop[1]), src - nLoss) : iff_2
pos = 0
iff_3 = src[1] > nz(stop[1], 0) and src < nz(stop[1], 0) ? -1 : nz(pos[1], 0)
pos := src[1] < nz(stop[1], 0) and src > nz(stop[1], 0) ? 1 : iff_3
plot(stop, "stop")
plot(pos, "pos")
`);
    const loss = atr(10);
    const stops: number[] = [], poss: number[] = [];
    for (let i = 0; i < N; i++) {
      const prev = i ? nz(stops[i - 1]) : 0;
      const src = C[i]!;
      const src1 = i ? C[i - 1]! : NaN;
      const iff1 = src > prev ? src - loss[i]! : src + loss[i]!;
      const iff2 = src < prev && src1 < prev ? Math.min(prev, src + loss[i]!) : iff1;
      stops.push(src > prev && src1 > prev ? Math.max(prev, src - loss[i]!) : iff2);
      const iff3 = src1 > prev && src < prev ? -1 : i ? nz(poss[i - 1]) : 0;
      poss.push(src1 < prev && src > prev ? 1 : iff3);
    }
    expectSeries('stop', out.stop, stops);
    expectSeries('pos', out.pos, poss);
  });

  test('QQE: bands from their own [1] history and ta.cross of shifted series', () => {
    const out = run(`//@version=5
indicator("QQE-like", overlay = false)
RsiMa = ta.ema(ta.rsi(close, 14), 5)
AtrRsi = math.abs(RsiMa[1] - RsiMa)
dar = ta.ema(ta.ema(AtrRsi, 27), 27) * 4.238
longband = 0.0
shortband = 0.0
trend = 0
newshortband = RsiMa + dar
newlongband = RsiMa - dar
longband := RsiMa[1] > longband[1] and RsiMa > longband[1] ? math.max(longband[1], newlongband) : newlongband
shortband := RsiMa[1] < shortband[1] and RsiMa < shortband[1] ? math.min(shortband[1], newshortband) : newshortband
cross_1 = ta.cross(longband[1], RsiMa)
trend := ta.cross(RsiMa, shortband[1]) ? 1 : cross_1 ? -1 : nz(trend[1], 1)
plot(trend == 1 ? longband : shortband, "QQE line")
plot(trend, "trend")
`);
    const rm = ema(rsi(C, 14), 5);
    const dar = ema(ema(rm.map((x, i) => (i ? Math.abs(rm[i - 1]! - x) : NaN)), 27), 27).map((x) => x * 4.238);
    const lb: number[] = [], sb: number[] = [], tr: number[] = [], line: number[] = [];
    for (let i = 0; i < N; i++) {
      const plb = i ? lb[i - 1]! : NaN;
      const psb = i ? sb[i - 1]! : NaN;
      const pr = i ? rm[i - 1]! : NaN;
      lb.push(pr > plb && rm[i]! > plb ? Math.max(plb, rm[i]! - dar[i]!) : rm[i]! - dar[i]!);
      sb.push(pr < psb && rm[i]! < psb ? Math.min(psb, rm[i]! + dar[i]!) : rm[i]! + dar[i]!);
      const lb1 = lb.map((_, k) => (k ? lb[k - 1]! : NaN));
      const sb1 = sb.map((_, k) => (k ? sb[k - 1]! : NaN));
      const up = crosses(rm, sb1, i);
      const down = crosses(lb1, rm, i);
      tr.push(up ? 1 : down ? -1 : i ? nz(tr[i - 1], 1) : 1);
      line.push(tr[i] === 1 ? lb[i]! : sb[i]!);
    }
    expectSeries('trend', out.trend, tr);
    expectSeries('QQE line', out['QQE line'], line, 1e-9);
  });

  test('Squeeze momentum: ta.linreg of a detrended close, squeeze state from BB inside KC', () => {
    const out = run(`//@version=5
indicator(shorttitle = "SQZMOM", title="Squeeze Momentum", overlay=false)
length = input(20, title="BB Length")
multKC = input(1.5, title="KC MultFactor")
source = close
basis = ta.sma(source, length)
dev = multKC * ta.stdev(source, length)
rangema = ta.sma(ta.tr, length)
sqzOn  = (basis - dev > basis - rangema * multKC) and (basis + dev < basis + rangema * multKC)
val = ta.linreg(source  -  math.avg(math.avg(ta.highest(high, length), ta.lowest(low, length)),ta.sma(close,length)), length,0)
plot(val, color = val > 0 ? (val > nz(val[1]) ? color.lime : color.green) : (val < nz(val[1]) ? color.red : color.maroon), style=plot.style_histogram, linewidth=4, title = "val")
plot(sqzOn ? 1 : 0, "sqzOn")
`);
    const hh = highest(H, 20), ll = lowest(L, 20), m = sma(C, 20), sd = stdev(C, 20);
    const x = C.map((c, i) => c - ((hh[i]! + ll[i]!) / 2 + m[i]!) / 2);
    expectSeries('val', out.val, linreg(x, 20), 1e-6);
    const tr = trueRange().map((v, i) => (i === 0 ? NaN : v));
    const rm = sma(tr, 20);
    const on = m.map((b, i) => (b - 1.5 * sd[i]! > b - rm[i]! * 1.5 && b + 1.5 * sd[i]! < b + rm[i]! * 1.5 ? 1 : 0));
    expectSeries('sqzOn', out.sqzOn, on);
  });

  test('Heikin-Ashi by hand with var and plotcandle, and a signed streak counter', () => {
    const out = run(`//@version=5
indicator("Heikin Ashi by hand", overlay = false)
var float haOpen = na
haClose = (open + high + low + close) / 4
haOpen := na(haOpen[1]) ? (open + close) / 2 : (haOpen[1] + haClose[1]) / 2
haHigh = math.max(high, math.max(haOpen, haClose))
haLow = math.min(low, math.min(haOpen, haClose))
plotcandle(haOpen, haHigh, haLow, haClose, "HA", color = haClose >= haOpen ? color.teal : color.red)
var int streak = 0
streak := haClose >= haOpen ? (streak > 0 ? streak + 1 : 1) : (streak < 0 ? streak - 1 : -1)
plot(streak, "streak", style = plot.style_stepline)
`);
    const ho: number[] = [], hc: number[] = [], streaks: number[] = [];
    let streak = 0;
    for (let i = 0; i < N; i++) {
      hc.push((O[i]! + H[i]! + L[i]! + C[i]!) / 4);
      ho.push(i === 0 ? (O[0]! + C[0]!) / 2 : (ho[i - 1]! + hc[i - 1]!) / 2);
      streak = hc[i]! >= ho[i]! ? (streak > 0 ? streak + 1 : 1) : streak < 0 ? streak - 1 : -1;
      streaks.push(streak);
    }
    const { program } = compile(`//@version=5
indicator("HA channels")
var float haOpen = na
haClose = (open + high + low + close) / 4
haOpen := na(haOpen[1]) ? (open + close) / 2 : (haOpen[1] + haClose[1]) / 2
plotcandle(haOpen, math.max(high, haOpen, haClose), math.min(low, haOpen, haClose), haClose, "HA")
`);
    expect(program).not.toBeNull();
    if (!program) return;
    const inst = Instance.builder(program).build();
    inst.runBars(bars);
    const ch = (k: number) => Array.from(inst.outputs.column(0, k).subarray(0, N));
    expectSeries('HA open', ch(0), ho);
    expectSeries('HA high', ch(1), ho.map((o, i) => Math.max(H[i]!, o, hc[i]!)));
    expectSeries('HA low', ch(2), ho.map((o, i) => Math.min(L[i]!, o, hc[i]!)));
    expectSeries('HA close', ch(3), hc);
    expectSeries('streak', out.streak, streaks);
  });

  test('ZigZag-style swing tracking in var arrays (push, shift, last, get, max)', () => {
    const out = run(`//@version=6
indicator("ZigZag arrays", overlay = true)
dev = input.float(5.0, "Deviation %")
var pivPrices = array.new_float()
var pivBars = array.new_int()
var int trend = 0
var float ext = na
var int extBar = na
if na(ext)
    ext := close, extBar := bar_index, trend := 1
if trend == 1
    if high > ext
        ext := high, extBar := bar_index
    else if low < ext * (1 - dev / 100)
        pivPrices.push(ext), array.push(pivBars, extBar)
        trend := -1, ext := low, extBar := bar_index
else
    if low < ext
        ext := low, extBar := bar_index
    else if high > ext * (1 + dev / 100)
        array.push(pivPrices, ext), pivBars.push(extBar)
        trend := 1, ext := high, extBar := bar_index
if array.size(pivPrices) > 10
    array.shift(pivPrices), array.shift(pivBars)
n = array.size(pivPrices)
plot(n > 0 ? array.last(pivPrices) : na, "last pivot")
plot(n > 0 ? pivBars.get(n - 1) : na, "last pivot bar")
plot(n >= 2 ? array.max(pivPrices) : na, "max piv")
`);
    const prices: number[] = [], barsAt: number[] = [];
    const last: number[] = [], lastBar: number[] = [], max: number[] = [];
    let trend = 0, ext = NaN, extBar = NaN;
    for (let i = 0; i < N; i++) {
      if (isNa(ext)) [ext, extBar, trend] = [C[i]!, i, 1];
      if (trend === 1) {
        if (H[i]! > ext) [ext, extBar] = [H[i]!, i];
        else if (L[i]! < ext * 0.95) {
          prices.push(ext);
          barsAt.push(extBar);
          [trend, ext, extBar] = [-1, L[i]!, i];
        }
      } else if (L[i]! < ext) [ext, extBar] = [L[i]!, i];
      else if (H[i]! > ext * 1.05) {
        prices.push(ext);
        barsAt.push(extBar);
        [trend, ext, extBar] = [1, H[i]!, i];
      }
      if (prices.length > 10) {
        prices.shift();
        barsAt.shift();
      }
      const k = prices.length;
      last.push(k ? prices[k - 1]! : NaN);
      lastBar.push(k ? barsAt[k - 1]! : NaN);
      max.push(k >= 2 ? Math.max(...prices) : NaN);
    }
    expectSeries('last pivot', out['last pivot'], last);
    expectSeries('last pivot bar', out['last pivot bar'], lastBar);
    expectSeries('max piv', out['max piv'], max);
  });

  test("RSI divergence: v5 evaluates both sides of 'and' every bar, v6 skips the right side (its ta.barssince) when the left is false", () => {
    const script = (version: number) => `//@version=${version}
indicator("RSI divergence")
osc = ta.rsi(close, 14)
plFound = not na(ta.pivotlow(osc, 5, 5))
_inRange(bool cond) =>
    bars = ta.barssince(cond)
    5 <= bars and bars <= 60
oscHL = osc[5] > ta.valuewhen(plFound, osc[5], 1) and _inRange(plFound[1])
priceLL = low[5] < ta.valuewhen(plFound, low[5], 1)
plot(priceLL and oscHL and plFound ? 1 : 0, "bull")
`;
    const osc = rsi(C, 14);
    // pivotlow(5, 5): the value 5 bars back is below every newer value and not above any older one.
    const pl = osc.map((_, i) => {
      const c = i - 5;
      if (c < 5 || isNa(osc[c]!)) return false;
      for (let j = c - 5; j <= c + 5; j++) {
        if (j === c || isNa(osc[j]!)) continue;
        if (j > c ? !(osc[j]! > osc[c]!) : !(osc[j]! >= osc[c]!)) return false;
      }
      return true;
    });
    const back5 = (s: number[]) => s.map((_, i) => (i >= 5 ? s[i - 5]! : NaN));
    const valuewhen1 = (src: number[]) => {
      const seen: number[] = [];
      return pl.map((f, i) => {
        if (f) seen.push(src[i]!);
        return seen.length > 1 ? seen[seen.length - 2]! : NaN;
      });
    };
    const osc5 = back5(osc), low5 = back5(L);
    const vwOsc = valuewhen1(osc5), vwLow = valuewhen1(low5);
    /** barssince(plFound[1]) counted over the executions listed in `runs`. */
    const inRange = (runs: boolean[]) => {
      let last = -1, execs = 0;
      return pl.map((_, i) => {
        if (!runs[i]) return false;
        if (i > 0 && pl[i - 1]) last = execs;
        const bars = last < 0 ? NaN : execs - last;
        execs++;
        return 5 <= bars && bars <= 60;
      });
    };
    const left = osc5.map((x, i) => x > vwOsc[i]!);
    const eager = inRange(pl.map(() => true));
    const lazy = inRange(left);
    const bull = (range: boolean[]) => pl.map((f, i) => (low5[i]! < vwLow[i]! && left[i] && range[i] && f ? 1 : 0));
    expectSeries('bull (v5)', run(script(5)).bull, bull(eager));
    expectSeries('bull (v6)', run(script(6)).bull, bull(lazy));
  });
});
