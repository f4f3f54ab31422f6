// Which messages the page keeps: one per cause (a new message with the code of one shown replaces
// it, so repeated failures do not pile up), and messages whose cause has gone are dropped — a
// compile error once the script compiles, a run's errors and warnings once another run starts, and
// everything once storage is cleared.

import type { NoticeLevel } from '../worker/protocol.js';

/** A message shown to the user; `code` names its cause. */
export interface Notice {
  id: number;
  level: NoticeLevel;
  code: string;
  message: string;
  at: number;
}

/** Most messages kept at once. */
const MAX_NOTICES = 6;

/** Codes of messages about the script's source: gone once it compiles. */
const SOURCE_CODES = new Set(['compile']);

/** Codes of messages about one run or replay: gone when the next run starts. */
const RUN_CODES = new Set(['compile', 'runtime', 'engine', 'internal', 'mismatch', 'replay-end', 'no-replay', 'replay-range', 'bar-open', 'action']);

export function withNotice(list: readonly Notice[], n: Notice): Notice[] {
  const kept = list.filter((x) => x.code !== n.code);
  kept.push(n);
  return kept.slice(-MAX_NOTICES);
}

/** The script compiled without errors. */
export function afterCompiled(list: Notice[]): Notice[] {
  return list.some((n) => SOURCE_CODES.has(n.code)) ? list.filter((n) => !SOURCE_CODES.has(n.code)) : list;
}

/** A new run (from bar 0, a restore or a replay start) began. */
export function afterRunStart(list: Notice[]): Notice[] {
  return list.some((n) => RUN_CODES.has(n.code)) ? list.filter((n) => !RUN_CODES.has(n.code)) : list;
}
