// Symbol information files (the TOML files beside the TradingView fixtures, accepted by the CLI's
// `--symbol`), and the default symbol for plain CSV data.
//
// File layout:
//   [symbol]              ticker, prefix, description, type, currency, basecurrency, timezone,
//                         mintick (or pricescale + minmove), pointvalue, period, volumetype, ...
//   [[opening_hours]]     day, start, end       market hours; end "00:00:00" is midnight
//   [[session_starts]]    day, time             when each trading day's session starts
//   [[session_ends]]      day, time             when it ends; the end's day names the trading day
// Days are 0 = Monday ... 6 = Sunday (the files' convention; SymbolInfo uses Pine's 1 = Sunday).
// Times are "HH:MM:SS" or "HH:MM" in the symbol's timezone. Every error names the line and field.
//
// Only the TOML these files use is read: tables, arrays of tables, comments, and string, number
// and boolean values. Unknown keys in [symbol] are ignored (newer files may carry more facts).

import type { SymbolInfo, WeeklyRange, WeeklyTime } from '../../core/runtime.js';
import { TimeError } from './errors.js';
import { parseTimeframe } from './timeframe.js';
import { isValidZone } from './tz.js';
import { sessionSchedule, symbolSchedule } from './session.js';

export class SymbolFileError extends Error {
  constructor(
    readonly line: number,
    readonly field: string | null,
    readonly detail: string,
  ) {
    super(`symbol file line ${line}${field === null ? '' : `, field '${clip(field, 60)}'`}: ${clip(detail, 300)}`);
    this.name = 'SymbolFileError';
  }
}

/** Text of a message cut to about `max` characters (a hostile line, key or value can be a megabyte
 * long): its start, its end and how long it was. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.floor(max * 0.7);
  const tail = max - head - 20;
  return `${text.slice(0, head)}…${text.slice(text.length - tail)} (${text.length.toLocaleString('en-US')} characters)`;
}

type TomlValue = string | number | boolean;

interface TomlEntry {
  value: TomlValue;
  line: number;
}

interface TomlTable {
  name: string;
  line: number;
  entries: Map<string, TomlEntry>;
}

interface TomlDoc {
  tables: Map<string, TomlTable>;
  arrays: Map<string, TomlTable[]>;
}

// ---------------------------------------------------------------------------------------------
// A small TOML reader

function parseToml(text: string): TomlDoc {
  const doc: TomlDoc = { tables: new Map(), arrays: new Map() };
  const root: TomlTable = { name: '', line: 0, entries: new Map() };
  let current = root;
  const lines = text.split(/\r\n|\n|\r/);
  const nul = lines.findIndex((l) => l.includes('\u0000'));
  if (nul >= 0) throw new SymbolFileError(nul + 1, null, 'NUL characters: this is a binary or UTF-16 file, not a UTF-8 text file (save it as UTF-8)');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = stripComment(lines[i] as string, lineNo).trim();
    if (line === '') continue;
    const arr = /^\[\[\s*([A-Za-z0-9_.-]+)\s*\]\]$/.exec(line);
    if (arr !== null) {
      const name = arr[1] as string;
      current = { name, line: lineNo, entries: new Map() };
      const list = doc.arrays.get(name) ?? [];
      list.push(current);
      doc.arrays.set(name, list);
      continue;
    }
    const tab = /^\[\s*([A-Za-z0-9_.-]+)\s*\]$/.exec(line);
    if (tab !== null) {
      const name = tab[1] as string;
      if (doc.tables.has(name)) throw new SymbolFileError(lineNo, null, `the table [${name}] appears twice`);
      current = { name, line: lineNo, entries: new Map() };
      doc.tables.set(name, current);
      continue;
    }
    if (line.startsWith('[')) throw new SymbolFileError(lineNo, null, `"${line}" is not a table header like [symbol] or [[opening_hours]]`);
    const eq = line.indexOf('=');
    if (eq < 0) throw new SymbolFileError(lineNo, null, `expected "key = value", got "${line}"`);
    let key = line.slice(0, eq).trim();
    const quoted = /^"([^"\\]*)"$|^'([^']*)'$/.exec(key);
    if (quoted !== null) key = quoted[1] ?? quoted[2] ?? '';
    else if (!/^[A-Za-z0-9_-]+$/.test(key)) throw new SymbolFileError(lineNo, key, 'not a plain key (dotted keys are not supported)');
    if (current.entries.has(key)) throw new SymbolFileError(lineNo, key, 'given twice in the same table');
    current.entries.set(key, { value: parseValue(line.slice(eq + 1).trim(), lineNo, key), line: lineNo });
  }
  if (root.entries.size > 0) {
    const [k, e] = [...root.entries][0] as [string, TomlEntry];
    throw new SymbolFileError(e.line, k, 'keys must be inside a table such as [symbol]');
  }
  return doc;
}

/** Removes a # comment that is not inside a string. */
function stripComment(line: string, lineNo: number): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line.charAt(i);
    if (quote !== '') {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return line.slice(0, i);
  }
  if (quote !== '') throw new SymbolFileError(lineNo, null, 'a string is not closed on this line');
  return line;
}

function parseValue(raw: string, line: number, key: string): TomlValue {
  if (raw === '') throw new SymbolFileError(line, key, 'no value after "="');
  if (raw.startsWith('"')) {
    if (raw.length < 2 || !raw.endsWith('"')) throw new SymbolFileError(line, key, `the string ${raw} is not closed`);
    return unescape(raw.slice(1, -1), line, key);
  }
  if (raw.startsWith("'")) {
    if (raw.length < 2 || !raw.endsWith("'")) throw new SymbolFileError(line, key, `the string ${raw} is not closed`);
    return raw.slice(1, -1);
  }
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw === 'inf' || raw === '+inf') return Number.POSITIVE_INFINITY;
  if (raw === '-inf') return Number.NEGATIVE_INFINITY;
  if (raw === 'nan' || raw === '+nan' || raw === '-nan') return Number.NaN;
  if (/^[+-]?(\d[\d_]*)(\.\d[\d_]*)?([eE][+-]?\d+)?$/.test(raw)) return Number(raw.replace(/_/g, ''));
  if (/^0x[0-9a-fA-F_]+$/.test(raw)) return Number.parseInt(raw.slice(2).replace(/_/g, ''), 16);
  if (raw.startsWith('[') || raw.startsWith('{')) throw new SymbolFileError(line, key, 'arrays and inline tables are not supported here');
  throw new SymbolFileError(line, key, `${raw} is not a string, number or boolean (strings need quotes)`);
}

function unescape(s: string, line: number, key: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (c === '"') throw new SymbolFileError(line, key, 'unexpected " inside a string');
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = s.charAt(++i);
    switch (e) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case 'u': {
        const hex = s.slice(i + 1, i + 5);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new SymbolFileError(line, key, `bad escape \\u${hex}`);
        out += String.fromCharCode(Number.parseInt(hex, 16));
        i += 4;
        break;
      }
      default:
        throw new SymbolFileError(line, key, `bad escape \\${e}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Typed access

function getString(t: TomlTable, key: string): string | undefined {
  const e = t.entries.get(key);
  if (e === undefined) return undefined;
  if (typeof e.value !== 'string') throw new SymbolFileError(e.line, key, `expected a string in quotes, got ${String(e.value)}`);
  return e.value;
}

function getNumber(t: TomlTable, key: string): number | undefined {
  const e = t.entries.get(key);
  if (e === undefined) return undefined;
  if (typeof e.value !== 'number') throw new SymbolFileError(e.line, key, `expected a number, got ${JSON.stringify(e.value)}`);
  // TOML's inf (or 1e400) is no price step, scale or count (nan stays: a fact the file does not know).
  if (e.value === Infinity || e.value === -Infinity) throw new SymbolFileError(e.line, key, `expected a finite number, got ${e.value}`);
  return e.value;
}

function requireEntry(t: TomlTable, key: string): TomlEntry {
  const e = t.entries.get(key);
  if (e === undefined) throw new SymbolFileError(t.line, key, `missing in this [[${t.name}]] entry`);
  return e;
}

/** Day 0 = Monday ... 6 = Sunday → Pine day (1 = Sunday ... 7 = Saturday). */
function dayField(t: TomlTable): number {
  const e = requireEntry(t, 'day');
  const v = e.value;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 6) {
    throw new SymbolFileError(e.line, 'day', `expected 0 (Monday) .. 6 (Sunday), got ${JSON.stringify(v)}`);
  }
  return ((v + 1) % 7) + 1;
}

/** "HH:MM[:SS]" → seconds after midnight (24:00 allowed). */
function clockField(t: TomlTable, key: string): number {
  const e = requireEntry(t, key);
  const v = e.value;
  const m = typeof v === 'string' ? /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(v.trim()) : null;
  if (m === null) throw new SymbolFileError(e.line, key, `expected a time "HH:MM:SS", got ${JSON.stringify(v)}`);
  const h = Number(m[1]);
  const mi = Number(m[2]);
  const s = m[3] === undefined ? 0 : Number(m[3]);
  if (h > 24 || mi > 59 || s > 59 || (h === 24 && (mi > 0 || s > 0))) {
    throw new SymbolFileError(e.line, key, `${JSON.stringify(v)} is not a time of day`);
  }
  return h * 3600 + mi * 60 + s;
}

const STRING_FIELDS = [
  ['volumetype', 'volumetype'],
  ['root', 'root'],
  ['country', 'country'],
  ['industry', 'industry'],
  ['sector', 'sector'],
  ['isin', 'isin'],
  ['current_contract', 'currentContract'],
] as const;

const NUMBER_FIELDS = [
  ['pricescale', 'pricescale'],
  ['minmove', 'minmove'],
  ['mincontract', 'mincontract'],
  ['expiration_date', 'expirationDate'],
  ['employees', 'employees'],
  ['shareholders', 'shareholders'],
  ['shares_outstanding_float', 'sharesOutstandingFloat'],
  ['shares_outstanding_total', 'sharesOutstandingTotal'],
] as const;

/** A symbol file read in full: the symbol and the timeframe of the data it describes (null when
 * the file has no `period`). */
export interface SymbolFile {
  symbol: SymbolInfo;
  period: string | null;
}

/** Reads a symbol file; throws SymbolFileError naming the line and field of the first problem. */
export function readSymbolToml(text: string): SymbolFile {
  const doc = parseToml(text);
  for (const name of doc.tables.keys()) {
    if (name !== 'symbol') throw new SymbolFileError((doc.tables.get(name) as TomlTable).line, null, `unknown table [${name}]; expected [symbol]`);
  }
  for (const [name, list] of doc.arrays) {
    if (name !== 'opening_hours' && name !== 'session_starts' && name !== 'session_ends') {
      throw new SymbolFileError((list[0] as TomlTable).line, null, `unknown table [[${name}]]; expected [[opening_hours]], [[session_starts]] or [[session_ends]]`);
    }
  }
  const sym = doc.tables.get('symbol');
  if (sym === undefined) throw new SymbolFileError(1, null, 'no [symbol] table');
  const ticker = getString(sym, 'ticker');
  if (ticker === undefined || ticker.trim() === '') throw new SymbolFileError(sym.line, 'ticker', 'missing: every symbol needs a ticker');
  const prefix = getString(sym, 'prefix') ?? '';
  const timezone = getString(sym, 'timezone') ?? 'Etc/UTC';
  if (!isValidZone(timezone)) {
    const line = sym.entries.get('timezone')?.line ?? sym.line;
    throw new SymbolFileError(line, 'timezone', `unknown time zone "${timezone}"; expected an IANA name like "America/New_York"`);
  }
  const pricescale = getNumber(sym, 'pricescale');
  const minmove = getNumber(sym, 'minmove');
  let mintick = getNumber(sym, 'mintick');
  if (mintick === undefined && pricescale !== undefined && pricescale > 0) mintick = (minmove ?? 1) / pricescale;
  if (mintick === undefined) throw new SymbolFileError(sym.line, 'mintick', 'missing (give mintick, or pricescale and minmove)');
  if (!(mintick > 0)) throw new SymbolFileError(sym.entries.get('mintick')?.line ?? sym.line, 'mintick', `must be a positive number, got ${mintick}`);
  const pointvalue = getNumber(sym, 'pointvalue') ?? 1;
  if (!(pointvalue > 0)) throw new SymbolFileError(sym.entries.get('pointvalue')?.line ?? sym.line, 'pointvalue', `must be a positive number, got ${pointvalue}`);
  const sessionType = getString(sym, 'session_type');
  if (sessionType !== undefined && sessionType !== 'regular' && sessionType !== 'extended') {
    throw new SymbolFileError(sym.entries.get('session_type')?.line ?? sym.line, 'session_type', `expected "regular" or "extended", got "${sessionType}"`);
  }
  const period = getString(sym, 'period') ?? null;
  if (period !== null && parseTimeframe(period) === null) {
    throw new SymbolFileError(sym.entries.get('period')?.line ?? sym.line, 'period', `"${period}" is not a timeframe like "60", "1D", "1W"`);
  }

  const info: SymbolInfo = {
    ticker,
    tickerid: prefix === '' ? ticker : `${prefix}:${ticker}`,
    prefix,
    description: getString(sym, 'description') ?? ticker,
    type: getString(sym, 'type') ?? '',
    currency: getString(sym, 'currency') ?? '',
    basecurrency: getString(sym, 'basecurrency') ?? '',
    timezone,
    session: getString(sym, 'session') ?? '24x7',
    mintick,
    pointvalue,
  };
  if (sessionType !== undefined) info.sessionType = sessionType;
  const sessionEntry = sym.entries.get('session');
  if (sessionEntry !== undefined) {
    // Checked here, so a bad session names this file's line, not a later step.
    try {
      sessionSchedule(info.session, timezone);
    } catch (e) {
      if (e instanceof TimeError) throw new SymbolFileError(sessionEntry.line, 'session', e.message);
      throw e;
    }
  }
  for (const [key, field] of STRING_FIELDS) {
    const v = getString(sym, key);
    if (v !== undefined) info[field] = v;
  }
  for (const [key, field] of NUMBER_FIELDS) {
    const v = getNumber(sym, key);
    if (v !== undefined) info[field] = v;
  }
  if (pricescale !== undefined) info.pricescale = pricescale;
  if (minmove !== undefined) info.minmove = minmove;

  const hours = doc.arrays.get('opening_hours') ?? [];
  const starts = doc.arrays.get('session_starts') ?? [];
  const ends = doc.arrays.get('session_ends') ?? [];
  if (hours.length > 0) {
    const openingHours: WeeklyRange[] = hours.map((t) => ({ day: dayField(t), start: clockField(t, 'start'), end: clockField(t, 'end') }));
    const sessionStarts: WeeklyTime[] = starts.map((t) => ({ day: dayField(t), time: clockField(t, 'time') }));
    const sessionEnds: WeeklyTime[] = ends.map((t) => ({ day: dayField(t), time: clockField(t, 'time') }));
    if (sessionStarts.length === 0 && sessionEnds.length > 0) {
      throw new SymbolFileError((ends[0] as TomlTable).line, null, '[[session_ends]] without any [[session_starts]]');
    }
    if (sessionEnds.length === 0 && sessionStarts.length > 0) {
      throw new SymbolFileError((starts[0] as TomlTable).line, null, '[[session_starts]] without any [[session_ends]]');
    }
    info.openingHours = openingHours;
    if (sessionStarts.length > 0) {
      info.sessionStarts = sessionStarts;
      info.sessionEnds = sessionEnds;
    }
    if (!sym.entries.has('session')) info.session = sessionStringOf(openingHours);
    // Compile once now so a schedule that makes no sense is reported with the file.
    try {
      symbolSchedule(info);
    } catch (e) {
      if (e instanceof TimeError) throw new SymbolFileError((hours[0] as TomlTable).line, null, e.message);
      throw e;
    }
  } else if (starts.length > 0 || ends.length > 0) {
    const t = (starts[0] ?? ends[0]) as TomlTable;
    throw new SymbolFileError(t.line, null, 'session starts/ends need [[opening_hours]] too');
  }
  return { symbol: info, period };
}

/** parseSymbolToml(text): the SymbolInfo of a symbol file (see readSymbolToml). */
export function parseSymbolToml(text: string): SymbolInfo {
  return readSymbolToml(text).symbol;
}

/** A readable session string for opening hours (display only: the hours themselves drive the
 * schedule). "24x7" when every day is open all day. */
export function sessionStringOf(hours: readonly WeeklyRange[]): string {
  const perDay = new Map<number, string[]>();
  for (const r of hours) {
    const list = perDay.get(r.day) ?? [];
    list.push(`${hhmm(r.start)}-${hhmm(r.end)}`);
    perDay.set(r.day, list);
  }
  if (perDay.size === 7 && [...perDay.values()].every((l) => l.length === 1 && l[0] === '0000-0000')) return '24x7';
  const groups = new Map<string, number[]>();
  for (const [day, list] of [...perDay].sort((a, b) => a[0] - b[0])) {
    const k = list.join(',');
    const days = groups.get(k) ?? [];
    days.push(day);
    groups.set(k, days);
  }
  return [...groups].map(([k, days]) => `${k}:${days.join('')}`).join('|');
}

function hhmm(sec: number): string {
  const m = Math.round(sec / 60) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}${String(m % 60).padStart(2, '0')}`;
}

/** The symbol assumed for plain CSV data: trades 24x7, UTC, point value 1. The caller supplies the
 * tick size (inferred from the prices) and may name the ticker. */
export function defaultSymbolInfo(mintick: number, ticker = 'DATA'): SymbolInfo {
  return {
    ticker,
    tickerid: ticker,
    prefix: '',
    description: ticker,
    type: 'crypto',
    currency: 'USD',
    basecurrency: '',
    timezone: 'Etc/UTC',
    session: '24x7',
    mintick,
    pointvalue: 1,
  };
}
