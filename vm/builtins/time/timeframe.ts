// Pine timeframe strings: parsing ("1", "15", "60", "240", "1D", "D", "2D", "W", "3W", "M", "3M",
// "12M", "1S", "30S", "100T"), formatting (timeframe.period), and conversion to and from seconds
// (timeframe.in_seconds, timeframe.from_seconds).
//
// Limits follow TradingView: minutes 1..1440, days 1..365, weeks 1..52, months 1..12; a month counts
// 2,628,003 seconds (365/12 days, as the reference and the fixtures say). Units are upper case;
// minutes have no unit and hours are written in minutes ("240").

import type { TimeframeInfo } from '../../core/runtime.js';
import { TIME_ERROR, TimeError } from './errors.js';

export const MONTH_SECONDS = 2_628_003;

const MAX: Record<TimeframeInfo['unit'], number> = {
  T: 1_000_000,
  S: 86_400,
  '': 1440,
  D: 365,
  W: 52,
  M: 12,
};

const TF_RE = /^(\d*)([SDWMT]?)$/;

/** Reads a Pine timeframe string; null when it is not one. The empty string is not a timeframe
 * here (Pine reads it as "the chart's timeframe"; callers resolve that first). */
export function parseTimeframe(tf: string): TimeframeInfo | null {
  const m = TF_RE.exec(tf.trim());
  if (m === null) return null;
  const digits = m[1] as string;
  const unit = m[2] as TimeframeInfo['unit'];
  if (digits === '' && unit === '') return null;
  if (digits === '' && (unit === 'S' || unit === 'T')) return null;
  if (digits.length > 7) return null;
  const multiplier = digits === '' ? 1 : Number(digits);
  if (multiplier < 1 || multiplier > MAX[unit]) return null;
  return { period: tf.trim(), multiplier, unit };
}

/** Canonical text of a timeframe: "1D" in Pine v6; Pine v5 wrote "D", "W", "M" for a multiplier of 1. */
export function formatTimeframe(info: TimeframeInfo, version = 6): string {
  if (info.unit === '') return String(info.multiplier);
  if (version < 6 && info.multiplier === 1 && (info.unit === 'D' || info.unit === 'W' || info.unit === 'M')) {
    return info.unit;
  }
  return `${info.multiplier}${info.unit}`;
}

/** Length in seconds; NaN for tick timeframes, which have none. */
export function timeframeSeconds(info: TimeframeInfo): number {
  switch (info.unit) {
    case 'S':
      return info.multiplier;
    case '':
      return info.multiplier * 60;
    case 'D':
      return info.multiplier * 86_400;
    case 'W':
      return info.multiplier * 604_800;
    case 'M':
      return info.multiplier * MONTH_SECONDS;
    case 'T':
      return Number.NaN;
  }
}

/** True for seconds, minutes and ticks: the timeframes shorter than a day. */
export function isIntraday(info: TimeframeInfo): boolean {
  return info.unit === 'S' || info.unit === '' || info.unit === 'T';
}

/** Parses or throws a TimeError naming the bad string (`what` names the caller in the message). */
export function requireTimeframe(tf: string, what: string): TimeframeInfo {
  const info = parseTimeframe(tf);
  if (info === null) {
    throw new TimeError(
      TIME_ERROR.timeframe,
      `${what}: "${tf}" is not a timeframe. Expected a number of minutes ("1", "60", "240") or a number with a unit S, D, W or M ("30S", "1D", "2W", "3M").`,
    );
  }
  return info;
}

/** timeframe.in_seconds(tf). */
export function inSeconds(tf: string): number {
  const info = requireTimeframe(tf, 'timeframe.in_seconds()');
  if (info.unit === 'T') {
    throw new TimeError(
      TIME_ERROR.timeframe,
      `timeframe.in_seconds(): the tick timeframe "${tf}" has no length in seconds.`,
    );
  }
  return timeframeSeconds(info);
}

/** Seconds timeframes TradingView offers; from_seconds rounds up to one of these below a minute. */
const SECOND_STEPS = [1, 5, 10, 15, 30, 45];

/** timeframe.from_seconds(seconds): the smallest valid timeframe at least `seconds` long; on a tie
 * the larger unit ("1W", not "7D"); everything above 366 days is "12M". NaN gives "". */
export function fromSeconds(seconds: number): string {
  if (Number.isNaN(seconds)) return '';
  const s = Math.ceil(seconds);
  if (s <= 1) return '1S';
  if (s < 60) {
    for (const step of SECOND_STEPS) if (s <= step) return `${step}S`;
    return '1';
  }
  if (s < 86_400) {
    const minutes = Math.ceil(s / 60);
    return minutes >= 1440 ? '1D' : String(minutes);
  }
  if (s > 31_622_400) return '12M';
  if (s % MONTH_SECONDS === 0) return `${s / MONTH_SECONDS}M`;
  if (s % 604_800 === 0) return `${s / 604_800}W`;
  const days = Math.ceil(s / 86_400);
  if (days > 365) return '12M';
  return `${days}D`;
}
