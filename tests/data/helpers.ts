// Shared by the CSV loader's tests.

import { type ParseError, isParseError, parseBarsCsv } from '../../vm/data/csv.js';

/** The ParseError thrown by parsing `text`, or a failed expectation when nothing is thrown. */
export function errorOf(text: string, name?: string): ParseError {
  try {
    parseBarsCsv(text, name === undefined ? {} : { name });
  } catch (e) {
    if (isParseError(e)) return e;
    throw e;
  }
  throw new Error('expected a ParseError, but the text parsed');
}

/** A column as a plain array, for toEqual. */
export const list = (a: Float64Array): number[] => Array.from(a);
