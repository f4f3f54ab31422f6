// Pine's size limit on strings, checked by every builtin that makes a string before it allocates
// (a script that doubles a string in a loop gets a runtime error naming the call, not a V8 abort).
// TradingView documents 40,960 characters as the longest message alert() takes (Help Center,
// "Alert name and message size limits"); it is the only string size it states, and the one
// applied here to every string. Arrays have their own limit, MAX_ARRAY_SIZE in array.ts.

import type { Runtime } from '../runtime/runtime.js';

/** The longest string a builtin makes, in UTF-16 code units (Pine's str.length). */
export const MAX_STRING_LENGTH = 40_960;

/** Fails when a string of `length` characters would exceed the limit (call before building it). */
export function checkStringLength(rt: Runtime, length: number, fn: string): void {
  if (length > MAX_STRING_LENGTH) failStringLength(rt, length, fn);
}

export function failStringLength(rt: Runtime, length: number | null, fn: string): never {
  const size = length === null ? `more than ${MAX_STRING_LENGTH.toLocaleString('en-US')}` : length.toLocaleString('en-US');
  return rt.fail('string-too-long', `'${fn}()' would make a string of ${size} characters: Pine strings hold at most ${MAX_STRING_LENGTH.toLocaleString('en-US')}.`);
}

/** Thrown by pure string helpers that have no runtime at hand (formatMessage); the builtin turns it
 * into failStringLength. */
export class StringLengthError extends Error {
  constructor() {
    super(`string longer than ${MAX_STRING_LENGTH}`);
  }
}
