// Pine's size limit on strings, checked by every builtin that makes a string before it allocates
// (a script that doubles a string in a loop gets a runtime error naming the call, not a V8 abort).
// TradingView documents 40,960 characters as the longest message alert() takes (Help Center,
// "Alert name and message size limits"); it is the only string size it states, and the one
// applied here to every string. Arrays have their own limit, MAX_ARRAY_SIZE in array.ts.
//
// And the memory budget: every limit above bounds one value, not how many a script keeps (100,000
// distinct 40,960-character strings in an array, or in a series' history, are 8 GB). Builtins that
// allocate note the bytes (noteAlloc); after every 32 MB noted, the host's memory in use is read
// (Node: JS heap + ArrayBuffers; a Chromium page: the JS heap) and above the budget (1 GiB unless
// the host sets another, setMemoryBudget) the script stops with a runtime error naming the call.
// Where the host exposes no memory figure the budget is not enforced: browsers' workers have none
// (Chromium's performance.memory is on pages only), so in the app the worker's own heap limit and
// the page's watchdog are the guards.

import type { Runtime } from '../core/runtime.js';

/** The longest string a builtin makes, in UTF-16 code units (Pine's str.length). */
export const MAX_STRING_LENGTH = 40_960;

/** Fails when a string of `length` characters would exceed the limit (call before building it). */
export function checkStringLength(rt: Runtime, length: number, fn: string): void {
  if (length > MAX_STRING_LENGTH) failStringLength(rt, length, fn);
  noteAlloc(rt, length * 2, fn);
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

// ---------------------------------------------------------------------------------------------
// Memory budget

let budgetBytes = 1 << 30;
/** Bytes noted since the host's memory was last read. */
let sinceCheck = 0;
const CHECK_EVERY = 32 << 20;

/** Sets the memory budget (bytes) that scripts run in this host may reach; returns the old one. */
export function setMemoryBudget(bytes: number): number {
  const old = budgetBytes;
  budgetBytes = bytes;
  return old;
}

export function memoryBudget(): number {
  return budgetBytes;
}

interface NodeProcess {
  memoryUsage?: () => { heapUsed: number; arrayBuffers: number };
}
interface ChromiumPerformance {
  memory?: { usedJSHeapSize: number };
}

/** Memory in use by this host (bytes), or null when it exposes no figure. */
export function hostMemoryInUse(): number | null {
  const proc = (globalThis as { process?: NodeProcess }).process;
  if (proc && typeof proc.memoryUsage === 'function') {
    const m = proc.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  }
  const perf = (globalThis as { performance?: ChromiumPerformance }).performance;
  if (perf?.memory) return perf.memory.usedJSHeapSize;
  return null;
}

/** Notes that builtin `fn` allocated about `bytes`; every 32 MB, checks the budget. Cheap enough
 * for every array push. */
export function noteAlloc(rt: Runtime, bytes: number, fn: string): void {
  sinceCheck += bytes;
  if (sinceCheck >= CHECK_EVERY) checkBudget(rt, fn);
}

function checkBudget(rt: Runtime, fn: string): void {
  sinceCheck = 0;
  const used = hostMemoryInUse();
  if (used !== null && used > budgetBytes) {
    const mb = (x: number) => `${Math.round(x / (1 << 20)).toLocaleString('en-US')} MB`;
    rt.fail('memory-budget', `The script uses more memory than its budget (${mb(used)} in use, budget ${mb(budgetBytes)}): stopped in '${fn}()'. Keep fewer or smaller arrays, strings and objects.`);
  }
}
