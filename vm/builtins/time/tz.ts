// Time zones: the UTC offset of an IANA zone ("America/New_York", "US/Eastern", "Etc/UTC") or of a
// fixed-offset name ("UTC", "GMT+6", "UTC-3:30", "GMT+0530") at any instant, and the conversion of
// a local wall-clock time back to an instant.
//
// IANA offsets come from Intl.DateTimeFormat, which costs microseconds per call, so each zone keeps
// the intervals of constant offset it has already seen (sorted, non-overlapping). A lookup first
// tries the interval used last, then binary-searches the others; only an instant outside every
// known interval asks Intl. The intervals are discovered by probing a week ahead and behind and
// bisecting to the second where the offset changes, which assumes a zone never changes its offset
// twice within a week (true of the whole tz database since 1970 and of nearly all of it before).
// The caches are memos of pure functions, not VM state: dropping them changes no result.

import { TIME_ERROR, TimeError } from './errors.js';

const SECOND = 1000;
const WEEK = 7 * 86_400_000;
/** Largest |instant| probed: Date's limit (8.64e15) less the two weeks the probes look around it. */
const MAX_INSTANT = 8.64e15 - 2 * WEEK;

export interface Zone {
  /** The name as written by the script or symbol. */
  readonly name: string;
  /** Fixed offset in ms for "UTC+3"-style names; NaN for IANA zones. */
  readonly fixed: number;
  readonly fmt: Intl.DateTimeFormat | null;
  /** Known intervals [lo[i], hi[i]) of constant offset off[i], sorted by lo. */
  lo: number[];
  hi: number[];
  off: number[];
  /** Index of the interval that answered last. */
  last: number;
}

const ZONES = new Map<string, Zone>();
let lastName = '';
let lastZone: Zone | null = null;

const FIXED_RE = /^(?:UTC|GMT)(?:\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?)?$/i;

/** Resolves a zone name; throws a TimeError naming it when it is unknown. */
export function zoneOf(name: string): Zone {
  if (name === lastName && lastZone !== null) return lastZone;
  let z = ZONES.get(name);
  if (z === undefined) {
    z = makeZone(name);
    ZONES.set(name, z);
  }
  lastName = name;
  lastZone = z;
  return z;
}

/** True when `name` is a time zone Pine accepts. */
export function isValidZone(name: string): boolean {
  try {
    zoneOf(name);
    return true;
  } catch {
    return false;
  }
}

function makeZone(name: string): Zone {
  const trimmed = name.trim();
  const m = FIXED_RE.exec(trimmed);
  if (m !== null) {
    let fixed = 0;
    if (m[1] !== undefined) {
      const h = Number(m[2]);
      const min = m[3] === undefined ? 0 : Number(m[3]);
      if (h > 14 || min > 59) throw badZone(name);
      fixed = (m[1] === '-' ? -1 : 1) * (h * 3_600_000 + min * 60_000);
    }
    return { name, fixed, fmt: null, lo: [], hi: [], off: [], last: -1 };
  }
  if (trimmed === '' || /^[+-]/.test(trimmed)) throw badZone(name);
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: trimmed,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw badZone(name);
  }
  return { name, fixed: Number.NaN, fmt, lo: [], hi: [], off: [], last: -1 };
}

function badZone(name: string): TimeError {
  return new TimeError(
    TIME_ERROR.timezone,
    `Unknown time zone "${name}": expected an IANA name like "America/New_York" or an offset like "UTC+3", "GMT-3:30".`,
  );
}

/** Offset in ms to add to the instant `t` (ms UTC) to get the wall-clock time in `z`. */
export function offsetAt(z: Zone, t: number): number {
  if (z.fmt === null) return z.fixed;
  const i = z.last;
  if (i >= 0 && t >= (z.lo[i] as number) && t < (z.hi[i] as number)) return z.off[i] as number;
  return offsetSlow(z, t);
}

function offsetSlow(z: Zone, t: number): number {
  // Binary search the known intervals.
  const lo = z.lo;
  let a = 0;
  let b = lo.length - 1;
  while (a <= b) {
    const mid = (a + b) >> 1;
    if ((lo[mid] as number) <= t) a = mid + 1;
    else b = mid - 1;
  }
  const k = a - 1;
  if (k >= 0 && t < (z.hi[k] as number)) {
    z.last = k;
    return z.off[k] as number;
  }
  // Beyond ±100,000,000 days from the epoch Date (and Intl) cannot represent the instant.
  if (!(Math.abs(t) <= MAX_INSTANT)) return Number.NaN;
  const o = rawOffset(z, t);
  // Discover the interval of constant offset around t: [from, to).
  let to = t + WEEK;
  if (rawOffset(z, to) !== o) to = bisect(z, t, to, o);
  let from = t - WEEK;
  if (rawOffset(z, from) !== o) from = bisect(z, t, from, o);
  insertInterval(z, from, to, o);
  return o;
}

/** The edge, on the side of `outside`, of the interval of offset `o` that holds `inside`:
 * forward, its exclusive end; backward, its first instant. Transitions fall on whole seconds. */
function bisect(z: Zone, inside: number, outside: number, o: number): number {
  let a = inside;
  let b = outside;
  // Invariant: offset(a) === o, offset(b) !== o; narrow until one second apart.
  while (Math.abs(b - a) > SECOND) {
    const mid = Math.floor((a + b) / 2 / SECOND) * SECOND;
    if (mid === a || mid === b) break;
    if (rawOffset(z, mid) === o) a = mid;
    else b = mid;
  }
  return outside > inside ? b : a;
}

function insertInterval(z: Zone, from: number, to: number, o: number): void {
  // Merge with overlapping or touching intervals of the same offset; trim others.
  const los: number[] = [];
  const his: number[] = [];
  const offs: number[] = [];
  let nlo = from;
  let nhi = to;
  for (let i = 0; i < z.lo.length; i++) {
    const l = z.lo[i] as number;
    const h = z.hi[i] as number;
    const f = z.off[i] as number;
    if (h < nlo || l > nhi || (f !== o && (h === nlo || l === nhi))) {
      los.push(l);
      his.push(h);
      offs.push(f);
    } else if (f === o) {
      nlo = Math.min(nlo, l);
      nhi = Math.max(nhi, h);
    } else {
      // Different offsets cannot overlap in reality; keep the older interval's part outside ours.
      if (l < nlo) {
        los.push(l);
        his.push(nlo);
        offs.push(f);
      }
      if (h > nhi) {
        los.push(nhi);
        his.push(h);
        offs.push(f);
      }
    }
  }
  los.push(nlo);
  his.push(nhi);
  offs.push(o);
  const order = los.map((_, i) => i).sort((x, y) => (los[x] as number) - (los[y] as number));
  z.lo = order.map((i) => los[i] as number);
  z.hi = order.map((i) => his[i] as number);
  z.off = order.map((i) => offs[i] as number);
  z.last = z.lo.indexOf(nlo);
}

/** Asks Intl for the offset at `t`, to the second. */
function rawOffset(z: Zone, t: number): number {
  const fmt = z.fmt;
  if (fmt === null) return z.fixed;
  const parts = fmt.formatToParts(t);
  let y = 0;
  let mo = 1;
  let d = 1;
  let h = 0;
  let mi = 0;
  let s = 0;
  let bc = false;
  for (const p of parts) {
    switch (p.type) {
      case 'year':
        y = Number(p.value);
        break;
      case 'month':
        mo = Number(p.value);
        break;
      case 'day':
        d = Number(p.value);
        break;
      case 'hour':
        h = Number(p.value);
        break;
      case 'minute':
        mi = Number(p.value);
        break;
      case 'second':
        s = Number(p.value);
        break;
      case 'era':
        bc = p.value.startsWith('B');
        break;
      default:
        break;
    }
  }
  if (bc) y = 1 - y;
  const local = utcFields(y, mo, d, h, mi, s);
  return local - Math.floor(t / SECOND) * SECOND;
}

/** Date.UTC without its two-digit-year quirk. */
function utcFields(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const dt = new Date(0);
  dt.setUTCFullYear(y, mo - 1, d);
  dt.setUTCHours(h, mi, s, 0);
  return dt.getTime();
}

/** Wall-clock time (ms, as if UTC) of the instant `t` in `z`. */
export function toLocal(z: Zone, t: number): number {
  return t + offsetAt(z, t);
}

/** The instant whose wall-clock time in `z` is `local`. Like java.time: a time that occurs twice
 * (clocks set back) gives the earlier instant; a time that does not exist (clocks set forward)
 * moves forward by the length of the gap. */
export function fromLocal(z: Zone, local: number): number {
  if (z.fmt === null) return local - z.fixed;
  const before = offsetAt(z, local - 86_400_000);
  const after = offsetAt(z, local + 86_400_000);
  if (before === after) {
    const o = offsetAt(z, local - before);
    if (o === before) return local - before;
    // A transition and its reversal within two days never happens; fall through defensively.
  }
  if (offsetAt(z, local - before) === before) return local - before;
  if (offsetAt(z, local - after) === after) return local - after;
  return local - before;
}
