// Registers Pine v6's `ta` namespace: every function (with all overloads, parameter names as in
// the reference manual) and the variables ta.accdist, ta.iii, ta.nvi, ta.obv, ta.pvi, ta.pvt,
// ta.tr, ta.vwap, ta.wad, ta.wvad. Each adapter is one line: it reads arguments from the
// registers, validates lengths through rt.fail, and calls a step function of this folder on the
// call site's state record. Importing this module registers them; registerTa() is idempotent.

import { defineFn, defineVar } from '../registry.js';
import { R, state, type Runtime } from '../../core/runtime.js';
import { newArray } from '../../core/heap.js';
import { barTradingDay } from '../time/periods.js';
import { newRawWin, nonNeg, posLen } from './window.js';
import {
  almaStep,
  cumStep,
  hmaStep,
  linregStep,
  newAlmaState,
  newCumState,
  newExpState,
  newHmaState,
  newSmaState,
  newVwmaState,
  newWmaState,
  rmaStep,
  smaInto,
  emaInto,
  swmaStep,
  vwmaStep,
  wmaStep,
} from './moving-averages.js';
import {
  atrStep,
  bbStep,
  bbwStep,
  correlationStep,
  devStep,
  kcStep,
  kcwStep,
  newAtrState,
  newBbState,
  newCorrState,
  newDevState,
  newKcState,
  newSarState,
  newSupertrendState,
  newTrState,
  newVarState,
  sarStep,
  stdevStep,
  supertrendRegs,
  trStep,
  varianceStep,
} from './volatility.js';
import {
  cciStep,
  changeBoolStep,
  changeStep,
  cmoStep,
  cogStep,
  dmiStep,
  macdStep,
  mfiStep,
  newCciState,
  newCmoState,
  newCogState,
  newDmiState,
  newHistState,
  newMacdState,
  newMfiState,
  newRciState,
  newRsiState,
  newStochState,
  newTsiState,
  rciStep,
  rocStep,
  rsiInto,
  stochStep,
  tsiStep,
  wprStep,
} from './oscillators.js';
import {
  allTimeStep,
  extremeBarsStep,
  extremeStep,
  medianStep,
  modeStep,
  newAllTimeState,
  newExtremeState,
  newOrderState,
  percentileLinearStep,
  percentileNearestRankStep,
  percentrankStep,
  rangeStep,
  risingStep,
} from './extremes.js';
import { isPivotType, newPivotLevelsState, newPivotState, pivotLevelsStep, pivotStep, PIVOT_TYPES, type PivotType } from './pivots.js';
import {
  accdistStep,
  iiiValue,
  newCumVarState,
  newVolIndexState,
  newVwapState,
  newVwapVarState,
  obvStep,
  pvtStep,
  volIndexStep,
  vwapStep,
  vwapValueStep,
  vwapVarStep,
  wadStep,
  wvadValue,
} from './volume.js';
import {
  barssinceStep,
  crossStep,
  newBarssinceState,
  newCrossState,
  newValuewhenState,
  valuewhenStep,
} from './signals.js';

const S = { stateful: true };

/** bool register → JS boolean (bools are 0/1; na reads as false). */
function bool(v: number): boolean {
  return v > 0;
}

function pivotType(rt: Runtime, v: unknown, developing: boolean): PivotType {
  if (typeof v !== 'string' || !isPivotType(v)) {
    const shown = typeof v === 'string' ? `"${v}"` : 'na';
    rt.fail('E_TA_ARG', `Invalid value of the 'type' argument (${shown}) in 'ta.pivot_point_levels'. It must be one of: ${PIVOT_TYPES.join(', ')}.`);
  }
  if (v === 'Woodie' && developing) {
    rt.fail('E_TA_ARG', `'ta.pivot_point_levels' cannot use 'developing' = true with the "Woodie" type.`);
  }
  return v;
}

interface LevelsSite {
  st: ReturnType<typeof newPivotLevelsState>;
  out: Float64Array;
}

function newLevelsSite(): LevelsSite {
  return { st: newPivotLevelsState(), out: new Float64Array(11) };
}

function levels(rt: Runtime, a: number, d: number, s: number): void {
  const site = state(rt, s, newLevelsSite);
  const developing = bool(rt.f[a + 2]);
  const type = pivotType(rt, rt.o[a], developing);
  pivotLevelsStep(site.st, rt.bar, type, bool(rt.f[a + 1]), developing, rt.f[R.open], rt.f[R.high], rt.f[R.low], rt.f[R.close], site.out);
  rt.o[d] = newArray(Array.from(site.out));
}

/** time_tradingday of the current bar (the symbol's session decides where a day starts). */
function tradingDay(rt: Runtime): number {
  return barTradingDay(rt.syminfo, rt.timeframe, rt.f[R.time] as number);
}

let registered = false;

export function registerTa(): void {
  if (registered) return;
  registered = true;

  // Moving averages
  defineFn('ta.sma(source: series float, length: series int): series float', (rt, a, d, s) => { smaInto(state(rt, s, newSmaState), rt.bar, rt.f, a, d, posLen(rt, rt.f[a + 1], 'ta.sma')); }, S);
  defineFn('ta.ema(source: series float, length: simple int): series float', (rt, a, d, s) => { emaInto(state(rt, s, newExpState), rt.bar, rt.f, a, d, posLen(rt, rt.f[a + 1], 'ta.ema')); }, S);
  defineFn('ta.rma(source: series float, length: simple int): series float', (rt, a, d, s) => { rt.f[d] = rmaStep(state(rt, s, newExpState), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.rma')); }, S);
  defineFn('ta.wma(source: series float, length: series int): series float', (rt, a, d, s) => { rt.f[d] = wmaStep(state(rt, s, newWmaState), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.wma')); }, S);
  defineFn('ta.vwma(source: series float, length: series int): series float', (rt, a, d, s) => { rt.f[d] = vwmaStep(state(rt, s, newVwmaState), rt.bar, rt.f[a], rt.f[R.volume], posLen(rt, rt.f[a + 1], 'ta.vwma')); }, S);
  defineFn('ta.swma(source: series float): series float', (rt, a, d, s) => { rt.f[d] = swmaStep(state(rt, s, newRawWin), rt.bar, rt.f[a]); }, S);
  defineFn('ta.alma(series: series float, length: series int, offset: simple float, sigma: simple float, floor: simple bool = false): series float', (rt, a, d, s) => { rt.f[d] = almaStep(state(rt, s, newAlmaState), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.alma'), rt.f[a + 2], rt.f[a + 3], bool(rt.f[a + 4])); }, S);
  defineFn('ta.hma(source: series float, length: simple int): series float', (rt, a, d, s) => { rt.f[d] = hmaStep(state(rt, s, newHmaState), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.hma')); }, S);
  defineFn('ta.linreg(source: series float, length: series int, offset: simple int): series float', (rt, a, d, s) => { rt.f[d] = linregStep(state(rt, s, newRawWin), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.linreg'), rt.f[a + 2]); }, S);
  defineFn('ta.cum(source: series float): series float', (rt, a, d, s) => { rt.f[d] = cumStep(state(rt, s, newCumState), rt.bar, rt.f[a]); }, S);

  // Momentum and oscillators
  defineFn('ta.change(source: series int, length: series int = 1): series int', (rt, a, d, s) => { rt.f[d] = changeStep(state(rt, s, newHistState), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.change')); }, S);
  defineFn('ta.change(source: series float, length: series int = 1): series float', (rt, a, d, s) => { rt.f[d] = changeStep(state(rt, s, newHistState), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.change')); }, S);
  defineFn('ta.change(source: series bool, length: series int = 1): series bool', (rt, a, d, s) => { rt.f[d] = changeBoolStep(state(rt, s, newHistState), rt.bar, bool(rt.f[a]), posLen(rt, rt.f[a + 1], 'ta.change')) ? 1 : 0; }, S);
  defineFn('ta.mom(source: series float, length: series int): series float', (rt, a, d, s) => { rt.f[d] = changeStep(state(rt, s, newHistState), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.mom')); }, S);
  defineFn('ta.roc(source: series float, length: series int): series float', (rt, a, d, s) => { rt.f[d] = rocStep(state(rt, s, newHistState), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.roc')); }, S);
  defineFn('ta.rsi(source: series float, length: simple int): series float', (rt, a, d, s) => { rsiInto(state(rt, s, newRsiState), rt.bar, rt.f, a, d, posLen(rt, rt.f[a + 1], 'ta.rsi')); }, S);
  defineFn('ta.cmo(series: series float, length: series int): series float', (rt, a, d, s) => { rt.f[d] = cmoStep(state(rt, s, newCmoState), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.cmo')); }, S);
  defineFn('ta.cci(source: series float, length: series int): series float', (rt, a, d, s) => { rt.f[d] = cciStep(state(rt, s, newCciState), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.cci')); }, S);
  defineFn('ta.cog(source: series float, length: series int): series float', (rt, a, d, s) => { rt.f[d] = cogStep(state(rt, s, newCogState), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.cog')); }, S);
  defineFn('ta.mfi(series: series float, length: series int): series float', (rt, a, d, s) => { rt.f[d] = mfiStep(state(rt, s, newMfiState), rt.bar, rt.f[a], rt.f[R.volume], posLen(rt, rt.f[a + 1], 'ta.mfi')); }, S);
  defineFn('ta.stoch(source: series float, high: series float, low: series float, length: series int): series float', (rt, a, d, s) => { rt.f[d] = stochStep(state(rt, s, newStochState), rt.bar, rt.f[a], rt.f[a + 1], rt.f[a + 2], posLen(rt, rt.f[a + 3], 'ta.stoch')); }, S);
  defineFn('ta.wpr(length: series int): series float', (rt, a, d, s) => { rt.f[d] = wprStep(state(rt, s, newStochState), rt.bar, rt.f[R.close], rt.f[R.high], rt.f[R.low], posLen(rt, rt.f[a], 'ta.wpr')); }, S);
  defineFn('ta.tsi(source: series float, short_length: simple int, long_length: simple int): series float', (rt, a, d, s) => { rt.f[d] = tsiStep(state(rt, s, newTsiState), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.tsi', 'short_length'), posLen(rt, rt.f[a + 2], 'ta.tsi', 'long_length')); }, S);
  defineFn('ta.macd(source: series float, fastlen: simple int, slowlen: simple int, siglen: simple int): [series float, series float, series float]', (rt, a, d, s) => { macdStep(state(rt, s, newMacdState), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.macd', 'fastlen'), posLen(rt, rt.f[a + 2], 'ta.macd', 'slowlen'), posLen(rt, rt.f[a + 3], 'ta.macd', 'siglen'), rt.f, d); }, S);
  defineFn('ta.dmi(diLength: simple int, adxSmoothing: simple int): [series float, series float, series float]', (rt, a, d, s) => { dmiStep(state(rt, s, newDmiState), rt.bar, rt.f[R.high], rt.f[R.low], rt.f[R.close], posLen(rt, rt.f[a], 'ta.dmi', 'diLength'), posLen(rt, rt.f[a + 1], 'ta.dmi', 'adxSmoothing'), rt.f, d); }, S);
  defineFn('ta.rci(source: series float, length: simple int): series float', (rt, a, d, s) => { rt.f[d] = rciStep(state(rt, s, newRciState), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.rci')); }, S);

  // Volatility and dispersion
  defineFn('ta.tr(handle_na: simple bool): series float', (rt, a, d, s) => { rt.f[d] = trStep(state(rt, s, newTrState), rt.bar, rt.f[R.high], rt.f[R.low], rt.f[R.close], bool(rt.f[a])); }, S);
  defineFn('ta.atr(length: simple int): series float', (rt, a, d, s) => { rt.f[d] = atrStep(state(rt, s, newAtrState), rt.bar, rt.f[R.high], rt.f[R.low], rt.f[R.close], posLen(rt, rt.f[a], 'ta.atr')); }, S);
  defineFn('ta.variance(source: series float, length: series int, biased: series bool = true): series float', (rt, a, d, s) => { rt.f[d] = varianceStep(state(rt, s, newVarState), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.variance'), bool(rt.f[a + 2])); }, S);
  defineFn('ta.stdev(source: series float, length: series int, biased: series bool = true): series float', (rt, a, d, s) => { rt.f[d] = stdevStep(state(rt, s, newVarState), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.stdev'), bool(rt.f[a + 2])); }, S);
  defineFn('ta.dev(source: series float, length: series int): series float', (rt, a, d, s) => { rt.f[d] = devStep(state(rt, s, newDevState), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.dev')); }, S);
  defineFn('ta.bb(series: series float, length: series int, mult: simple float): [series float, series float, series float]', (rt, a, d, s) => { bbStep(state(rt, s, newBbState), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.bb'), rt.f[a + 2], rt.f, d); }, S);
  defineFn('ta.bbw(series: series float, length: series int, mult: simple float): series float', (rt, a, d, s) => { rt.f[d] = bbwStep(state(rt, s, newBbState), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.bbw'), rt.f[a + 2]); }, S);
  defineFn('ta.kc(series: series float, length: simple int, mult: simple float, useTrueRange: simple bool = true): [series float, series float, series float]', (rt, a, d, s) => { kcStep(state(rt, s, newKcState), rt.bar, rt.f[a], rt.f[R.high], rt.f[R.low], rt.f[R.close], posLen(rt, rt.f[a + 1], 'ta.kc'), rt.f[a + 2], bool(rt.f[a + 3]), rt.f, d); }, S);
  defineFn('ta.kcw(series: series float, length: simple int, mult: simple float, useTrueRange: simple bool = true): series float', (rt, a, d, s) => { rt.f[d] = kcwStep(state(rt, s, newKcState), rt.bar, rt.f[a], rt.f[R.high], rt.f[R.low], rt.f[R.close], posLen(rt, rt.f[a + 1], 'ta.kcw'), rt.f[a + 2], bool(rt.f[a + 3])); }, S);
  defineFn('ta.correlation(source1: series float, source2: series float, length: series int): series float', (rt, a, d, s) => { rt.f[d] = correlationStep(state(rt, s, newCorrState), rt.bar, rt.f[a], rt.f[a + 1], posLen(rt, rt.f[a + 2], 'ta.correlation')); }, S);
  defineFn('ta.supertrend(factor: series float, atrPeriod: simple int): [series float, series float]', (rt, a, d, s) => { supertrendRegs(state(rt, s, newSupertrendState), rt.bar, rt.f, a, posLen(rt, rt.f[a + 1], 'ta.supertrend', 'atrPeriod'), d); }, S);
  defineFn('ta.sar(start: simple float, inc: simple float, max: simple float): series float', (rt, a, d, s) => { rt.f[d] = sarStep(state(rt, s, newSarState), rt.bar, rt.f[R.high], rt.f[R.low], rt.f[R.close], rt.f[a], rt.f[a + 1], rt.f[a + 2]); }, S);

  // Extremes and order statistics
  defineFn('ta.highest(source: series float, length: series int): series float', (rt, a, d, s) => { rt.f[d] = extremeStep(state(rt, s, newExtremeState), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.highest'), 1); }, S);
  defineFn('ta.highest(length: series int): series float', (rt, a, d, s) => { rt.f[d] = extremeStep(state(rt, s, newExtremeState), rt.bar, rt.f[R.high], posLen(rt, rt.f[a], 'ta.highest'), 1); }, S);
  defineFn('ta.lowest(source: series float, length: series int): series float', (rt, a, d, s) => { rt.f[d] = extremeStep(state(rt, s, newExtremeState), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.lowest'), -1); }, S);
  defineFn('ta.lowest(length: series int): series float', (rt, a, d, s) => { rt.f[d] = extremeStep(state(rt, s, newExtremeState), rt.bar, rt.f[R.low], posLen(rt, rt.f[a], 'ta.lowest'), -1); }, S);
  defineFn('ta.highestbars(source: series float, length: series int): series int', (rt, a, d, s) => { rt.f[d] = extremeBarsStep(state(rt, s, newExtremeState), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.highestbars'), 1); }, S);
  defineFn('ta.highestbars(length: series int): series int', (rt, a, d, s) => { rt.f[d] = extremeBarsStep(state(rt, s, newExtremeState), rt.bar, rt.f[R.high], posLen(rt, rt.f[a], 'ta.highestbars'), 1); }, S);
  defineFn('ta.lowestbars(source: series float, length: series int): series int', (rt, a, d, s) => { rt.f[d] = extremeBarsStep(state(rt, s, newExtremeState), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.lowestbars'), -1); }, S);
  defineFn('ta.lowestbars(length: series int): series int', (rt, a, d, s) => { rt.f[d] = extremeBarsStep(state(rt, s, newExtremeState), rt.bar, rt.f[R.low], posLen(rt, rt.f[a], 'ta.lowestbars'), -1); }, S);
  defineFn('ta.range(source: series int, length: series int): series int', (rt, a, d, s) => { rt.f[d] = rangeStep(state(rt, s, newRawWin), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.range')); }, S);
  defineFn('ta.range(source: series float, length: series int): series float', (rt, a, d, s) => { rt.f[d] = rangeStep(state(rt, s, newRawWin), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.range')); }, S);
  defineFn('ta.max(source: series float): series float', (rt, a, d, s) => { rt.f[d] = allTimeStep(state(rt, s, newAllTimeState), rt.bar, rt.f[a], 1); }, S);
  defineFn('ta.min(source: series float): series float', (rt, a, d, s) => { rt.f[d] = allTimeStep(state(rt, s, newAllTimeState), rt.bar, rt.f[a], -1); }, S);
  defineFn('ta.median(source: series int, length: series int): series int', (rt, a, d, s) => { rt.f[d] = medianStep(state(rt, s, newOrderState), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.median'), true); }, S);
  defineFn('ta.median(source: series float, length: series int): series float', (rt, a, d, s) => { rt.f[d] = medianStep(state(rt, s, newOrderState), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.median'), false); }, S);
  defineFn('ta.mode(source: series int, length: series int): series int', (rt, a, d, s) => { rt.f[d] = modeStep(state(rt, s, newOrderState), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.mode')); }, S);
  defineFn('ta.mode(source: series float, length: series int): series float', (rt, a, d, s) => { rt.f[d] = modeStep(state(rt, s, newOrderState), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.mode')); }, S);
  defineFn('ta.percentile_linear_interpolation(source: series float, length: series int, percentage: simple float): series float', (rt, a, d, s) => { rt.f[d] = percentileLinearStep(state(rt, s, newOrderState), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.percentile_linear_interpolation'), rt.f[a + 2]); }, S);
  defineFn('ta.percentile_nearest_rank(source: series float, length: series int, percentage: simple float): series float', (rt, a, d, s) => { rt.f[d] = percentileNearestRankStep(state(rt, s, newOrderState), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.percentile_nearest_rank'), rt.f[a + 2]); }, S);
  defineFn('ta.percentrank(source: series float, length: series int): series float', (rt, a, d, s) => { rt.f[d] = percentrankStep(state(rt, s, newRawWin), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.percentrank')); }, S);
  defineFn('ta.rising(source: series float, length: series int): series bool', (rt, a, d, s) => { rt.f[d] = risingStep(state(rt, s, newRawWin), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.rising'), 1) ? 1 : 0; }, S);
  defineFn('ta.falling(source: series float, length: series int): series bool', (rt, a, d, s) => { rt.f[d] = risingStep(state(rt, s, newRawWin), rt.bar, rt.f[a], posLen(rt, rt.f[a + 1], 'ta.falling'), -1) ? 1 : 0; }, S);

  // Pivots
  defineFn('ta.pivothigh(leftbars: series float, rightbars: series float): series float', (rt, a, d, s) => { rt.f[d] = pivotStep(state(rt, s, newPivotState), rt.bar, rt.f[R.high], nonNeg(rt, rt.f[a], 'ta.pivothigh', 'leftbars'), nonNeg(rt, rt.f[a + 1], 'ta.pivothigh', 'rightbars'), 1); }, S);
  defineFn('ta.pivothigh(source: series float, leftbars: series float, rightbars: series float): series float', (rt, a, d, s) => { rt.f[d] = pivotStep(state(rt, s, newPivotState), rt.bar, rt.f[a], nonNeg(rt, rt.f[a + 1], 'ta.pivothigh', 'leftbars'), nonNeg(rt, rt.f[a + 2], 'ta.pivothigh', 'rightbars'), 1); }, S);
  defineFn('ta.pivotlow(leftbars: series float, rightbars: series float): series float', (rt, a, d, s) => { rt.f[d] = pivotStep(state(rt, s, newPivotState), rt.bar, rt.f[R.low], nonNeg(rt, rt.f[a], 'ta.pivotlow', 'leftbars'), nonNeg(rt, rt.f[a + 1], 'ta.pivotlow', 'rightbars'), -1); }, S);
  defineFn('ta.pivotlow(source: series float, leftbars: series float, rightbars: series float): series float', (rt, a, d, s) => { rt.f[d] = pivotStep(state(rt, s, newPivotState), rt.bar, rt.f[a], nonNeg(rt, rt.f[a + 1], 'ta.pivotlow', 'leftbars'), nonNeg(rt, rt.f[a + 2], 'ta.pivotlow', 'rightbars'), -1); }, S);
  defineFn('ta.pivot_point_levels(type: series string, anchor: series bool, developing: series bool = false): array<float>', levels, S);

  // Events
  defineFn('ta.cross(source1: series float, source2: series float): series bool', (rt, a, d, s) => { rt.f[d] = crossStep(state(rt, s, newCrossState), rt.bar, rt.f[a], rt.f[a + 1], 0) ? 1 : 0; }, S);
  defineFn('ta.crossover(source1: series float, source2: series float): series bool', (rt, a, d, s) => { rt.f[d] = crossStep(state(rt, s, newCrossState), rt.bar, rt.f[a], rt.f[a + 1], 1) ? 1 : 0; }, S);
  defineFn('ta.crossunder(source1: series float, source2: series float): series bool', (rt, a, d, s) => { rt.f[d] = crossStep(state(rt, s, newCrossState), rt.bar, rt.f[a], rt.f[a + 1], -1) ? 1 : 0; }, S);
  defineFn('ta.barssince(condition: series bool): series int', (rt, a, d, s) => { rt.f[d] = barssinceStep(state(rt, s, newBarssinceState), rt.bar, bool(rt.f[a])); }, S);
  defineFn('ta.valuewhen(condition: series bool, source: series color, occurrence: simple int): series color', (rt, a, d, s) => { rt.f[d] = valuewhenStep(state(rt, s, newValuewhenState), rt.bar, bool(rt.f[a]), rt.f[a + 1], nonNeg(rt, rt.f[a + 2], 'ta.valuewhen', 'occurrence')); }, S);
  defineFn('ta.valuewhen(condition: series bool, source: series int, occurrence: simple int): series int', (rt, a, d, s) => { rt.f[d] = valuewhenStep(state(rt, s, newValuewhenState), rt.bar, bool(rt.f[a]), rt.f[a + 1], nonNeg(rt, rt.f[a + 2], 'ta.valuewhen', 'occurrence')); }, S);
  defineFn('ta.valuewhen(condition: series bool, source: series float, occurrence: simple int): series float', (rt, a, d, s) => { rt.f[d] = valuewhenStep(state(rt, s, newValuewhenState), rt.bar, bool(rt.f[a]), rt.f[a + 1], nonNeg(rt, rt.f[a + 2], 'ta.valuewhen', 'occurrence')); }, S);
  defineFn('ta.valuewhen(condition: series bool, source: series bool, occurrence: simple int): series bool', (rt, a, d, s) => { rt.f[d] = valuewhenStep(state(rt, s, newValuewhenState), rt.bar, bool(rt.f[a]), rt.f[a + 1], nonNeg(rt, rt.f[a + 2], 'ta.valuewhen', 'occurrence')) > 0 ? 1 : 0; }, S);

  // Volume. The default anchor is a new day, and also the first bar: TradingView's ta.vwap(close)
  // has a value on bar 0 (tests/fixtures/tradingview/ta/vwap.csv) while timeframe.change("1D")
  // is false there (timeframe/timeframe.csv).
  defineFn('ta.vwap(source: series float, anchor: series bool = timeframe.change("1D") or barstate.isfirst): series float', (rt, a, d, s) => { rt.f[d] = vwapValueStep(state(rt, s, newVwapState), rt.bar, rt.f[a], rt.f[R.volume], bool(rt.f[a + 1])); }, S);
  defineFn('ta.vwap(source: series float, anchor: series bool = timeframe.change("1D") or barstate.isfirst, stdev_mult: series float): [series float, series float, series float]', (rt, a, d, s) => { vwapStep(state(rt, s, newVwapState), rt.bar, rt.f[a], rt.f[R.volume], bool(rt.f[a + 1]), rt.f[a + 2], rt.f, d); }, S);

  // Variables
  defineVar('ta.tr: series float', { get: (rt, _a, d, s) => { rt.f[d] = trStep(state(rt, s, newTrState), rt.bar, rt.f[R.high], rt.f[R.low], rt.f[R.close], false); }, stateful: true });
  defineVar('ta.accdist: series float', { get: (rt, _a, d, s) => { rt.f[d] = accdistStep(state(rt, s, newCumVarState), rt.bar, rt.f[R.high], rt.f[R.low], rt.f[R.close], rt.f[R.volume]); }, stateful: true });
  defineVar('ta.iii: series float', { get: (rt, _a, d) => { rt.f[d] = iiiValue(rt.f[R.high], rt.f[R.low], rt.f[R.close], rt.f[R.volume]); } });
  defineVar('ta.nvi: series float', { get: (rt, _a, d, s) => { rt.f[d] = volIndexStep(state(rt, s, newVolIndexState), rt.bar, rt.f[R.close], rt.f[R.volume], -1); }, stateful: true });
  defineVar('ta.pvi: series float', { get: (rt, _a, d, s) => { rt.f[d] = volIndexStep(state(rt, s, newVolIndexState), rt.bar, rt.f[R.close], rt.f[R.volume], 1); }, stateful: true });
  defineVar('ta.obv: series float', { get: (rt, _a, d, s) => { rt.f[d] = obvStep(state(rt, s, newCumVarState), rt.bar, rt.f[R.close], rt.f[R.volume]); }, stateful: true });
  defineVar('ta.pvt: series float', { get: (rt, _a, d, s) => { rt.f[d] = pvtStep(state(rt, s, newCumVarState), rt.bar, rt.f[R.close], rt.f[R.volume]); }, stateful: true });
  defineVar('ta.wad: series float', { get: (rt, _a, d, s) => { rt.f[d] = wadStep(state(rt, s, newCumVarState), rt.bar, rt.f[R.high], rt.f[R.low], rt.f[R.close], rt.f[R.volume]); }, stateful: true });
  defineVar('ta.wvad: series float', { get: (rt, _a, d) => { rt.f[d] = wvadValue(rt.f[R.open], rt.f[R.high], rt.f[R.low], rt.f[R.close], rt.f[R.volume]); } });
  defineVar('ta.vwap: series float', { get: (rt, _a, d, s) => { rt.f[d] = vwapVarStep(state(rt, s, newVwapVarState), rt.bar, rt.f[R.hlc3], rt.f[R.volume], tradingDay(rt)); }, stateful: true });
}

registerTa();
