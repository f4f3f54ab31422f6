// `evergreen inspect`: a snapshot's header, the sizes of its sections, what it was run with, and
// the values of the script's variables at its last bar (vm/runtime/inspect.ts reads it; the app's
// snapshot inspector shows the same report). A damaged file is refused by the same checks as a
// restore (the caller prints the one-line reason).

import { formatSnapshotReport, inspectSnapshotBytes } from '../index.js';

export function inspectSnapshot(bytes: Uint8Array, file: string): string {
  return formatSnapshotReport(inspectSnapshotBytes(bytes), file);
}
