// What keeps this page in step with the app's other copies of itself: the broadcast channel to the
// other tabs (same origin, same storage), and the page's own copy of typing its engine has not
// saved yet (localStorage), so an engine that hangs or a page closed before the save loses nothing.

/** What one tab tells the others: a script's saved source, a change to the stored checkpoints, or
 * to the scripts and datasets. */
export type TabMessage = { type: 'source'; scriptId: string; source: string } | { type: 'snapshots' } | { type: 'session' };

/** What a tab does when another tells it something. */
export interface TabHandlers {
  /** Another tab saved `source` as the script `scriptId`'s. */
  source(scriptId: string, source: string): void;
  /** Scripts or datasets were added, renamed or deleted there. */
  session(): void;
  /** The stored checkpoints changed there (told at most once per SNAPSHOTS_DELAY_MS). */
  snapshots(): void;
}

const CHANNEL = 'evergreen-tabs';
const SNAPSHOTS_DELAY_MS = 200;

/** The channel to the other tabs (none where BroadcastChannel is missing). */
export class TabChannel {
  private readonly channel: BroadcastChannel | null = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANNEL);
  private snapshotsLater: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly on: TabHandlers) {
    if (this.channel) this.channel.onmessage = (m: MessageEvent<TabMessage>) => this.receive(m.data);
  }

  tell(msg: TabMessage): void {
    try {
      this.channel?.postMessage(msg);
    } catch {
      // the channel is closed (page going away)
    }
  }

  private receive(msg: TabMessage): void {
    if (msg.type === 'source') {
      this.on.source(msg.scriptId, msg.source);
      return;
    }
    if (msg.type === 'session') {
      this.on.session();
      return;
    }
    if (this.snapshotsLater) return;
    this.snapshotsLater = setTimeout(() => {
      this.snapshotsLater = null;
      this.on.snapshots();
    }, SNAPSHOTS_DELAY_MS);
  }
}

const DRAFT_KEY = 'evergreen.draft:';

/** Keeps `source` as the script's unsaved typing (storage full or disabled: the engine's save is
 * the only copy). */
export function saveDraft(scriptId: string, source: string): void {
  try {
    localStorage.setItem(DRAFT_KEY + scriptId, source);
  } catch {
    // nothing kept
  }
}

/** Forgets the script's unsaved typing when it is what was just saved. */
export function clearDraft(scriptId: string, saved: string): void {
  try {
    if (localStorage.getItem(DRAFT_KEY + scriptId) === saved) localStorage.removeItem(DRAFT_KEY + scriptId);
  } catch {
    // nothing kept
  }
}

/** The script's unsaved typing, or null. */
export function readDraft(scriptId: string): string | null {
  try {
    return localStorage.getItem(DRAFT_KEY + scriptId);
  } catch {
    return null;
  }
}
