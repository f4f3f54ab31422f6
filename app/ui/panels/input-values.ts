// Checks and conversions of the values typed in the inputs panel (app/ui/panels/inputs-panel.tsx), kept
// apart from its React components so Node tests can import them.

import type { InputInfo } from '../../../vm/index.js';
import { parseTimeframe } from '../../../vm/values.js';

/** Offered in the timeframe field's list (any other valid timeframe may be typed). */
export const TIMEFRAMES = ['1', '5', '15', '30', '60', '240', '1D', '1W', '1M'];
/** A session string: "24x7", or HHMM-HHMM ranges (comma-separated) with optional days ":1234567". */
const SESSION_RE = /^(24x7|\d{4}-\d{4}(,\d{4}-\d{4})*)(:[1-7]{1,7})?$/;

/** Why `text` is not a valid value for a text-like input (null when it is). */
export function textInputProblem(kind: InputInfo['kind'], text: string): string | null {
  const t = text.trim();
  switch (kind) {
    case 'timeframe':
      return t === '' || parseTimeframe(t) ? null : `"${t}" is not a timeframe (examples: 1, 15, 60, 240, 1D, 1W, 1M)`;
    case 'session': {
      if (!SESSION_RE.test(t)) return `"${t}" is not a session (examples: 0930-1600, 0930-1600:23456, 24x7)`;
      const times = t.split(':')[0]?.match(/\d{4}/g) ?? [];
      const bad = times.find((hm) => Number(hm.slice(0, 2)) > 24 || Number(hm.slice(2)) > 59);
      return bad ? `"${bad}" is not a time of day (HHMM)` : null;
    }
    default:
      return null;
  }
}

/** A time input's value (unix ms) as the text of a datetime-local field, in UTC. */
export function msToUtcField(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  return new Date(ms).toISOString().slice(0, 16);
}

/** The text of a datetime-local field (UTC), or a unix time in ms, as unix ms; NaN if neither. */
export function utcFieldToMs(text: string): number {
  const t = text.trim();
  if (/^-?\d+$/.test(t)) return Number(t);
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(t);
  if (!m) return NaN;
  const [y, mo, d, h, mi, sec] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x))) as number[];
  const ms = Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, sec ?? 0);
  const back = new Date(ms);
  return back.getUTCMonth() === (mo ?? 1) - 1 && back.getUTCDate() === d ? ms : NaN;
}
