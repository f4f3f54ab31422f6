// Libraries a script may import: `import user/Name/1 as N` takes the script in the user's list that
// declares `library("Name")` (the compiler matches the title; a name that no script declares is one
// clear error naming it). Only a source with an `import` looks at the list.

import type { ScriptRecord } from '../store/schema.js';

const IMPORT = /^[ \t]*import[ \t]+\S/m;
const LIBRARY = /^[ \t]*library[ \t]*\(/m;

/** The sources of the scripts in `scripts` that declare a library, when `source` imports one. */
export function librarySources(source: string, scripts: readonly ScriptRecord[]): string[] {
  if (!IMPORT.test(source)) return [];
  return scripts.filter((s) => s.source !== source && LIBRARY.test(s.source)).map((s) => s.source);
}
