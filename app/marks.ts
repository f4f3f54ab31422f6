// Timing marks for the load benchmark (`npm run bench:browser`): each mark is a name with an
// absolute time (performance.timeOrigin + performance.now(), ms since the epoch), so marks taken in
// the page and in the engine worker fall on one time line. Also a `performance.mark` entry, so they
// show in a DevTools trace. Only the first mark of a name is kept (the first load path is the one
// measured); touches no DOM, runs in the page, the worker and Node.

export interface TimingMark {
  name: string;
  /** ms since the epoch. */
  at: number;
}

const list: TimingMark[] = [];
const seen = new Set<string>();

export function mark(name: string): void {
  if (seen.has(name)) return;
  markAt(name, performance.now());
  try {
    performance.mark(name);
  } catch {
    // performance.mark is missing in some hosts: the list is what counts.
  }
}

/** A mark at `t` (performance.now()) rather than now. */
export function markAt(name: string, t: number): void {
  if (seen.has(name)) return;
  seen.add(name);
  list.push({ name, at: performance.timeOrigin + t });
}

export function timingMarks(): TimingMark[] {
  return list.slice();
}
