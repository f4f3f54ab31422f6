// A page load's first look at a restore, read by the page itself while the engine worker's script
// is still loading: the checkpoint the engine will restore (the same choice as its quick path,
// EngineCheckpoints.restoreAtOpen), the candles stored beside it and the plot rows of the chart's
// last window, with the program and dataset the page showed last (remembered in localStorage). The
// chart is drawn from them at once; the engine's own reset and rows, when they come, are compared
// with them value for value (sameReset / sameRows): equal, the chart already shows what the VM says
// and is not drawn again; different, it is drawn again from the engine's (the preview was a
// guess). Opens the database without ever creating or upgrading it (the worker does that).

import { wrap, type IDBPDatabase } from 'idb';
import { DB_NAME, DB_VERSION, type EvergreenDB } from '../store/schema.js';
import { Store } from '../store/store.js';
import { mark } from '../marks.js';
import { hashText } from '../worker/hash.js';
import { removeFirstPaint, type Locate, type PageLayout } from './first-paint.js';
import { CHART_WINDOW, type BarsChunk, type DatasetInfo, type EngineEvent, type InitOptions, type OutputsChunk, type ProgramInfo } from '../worker/protocol.js';

/** What a restore's first frame shows. */
export interface RestorePreview {
  program: ProgramInfo;
  dataset: DatasetInfo;
  total: number;
  bars: BarsChunk;
  rows: OutputsChunk;
  /** Where the chart library drew this program last (first-paint.ts draws the first frame there). */
  layout?: PageLayout;
  /** When the page's first frame (first-paint.ts) showed it (performance.now()), if it did. */
  paintedAt?: number;
}

const SHOWN_KEY = 'evergreen.restore-shown';
/** The chart's id in the studies store (engine-studies.ts CHART_ID). */
const CHART_ID = 'current';

/** Datasets whose last shown program is kept (the newest ones). */
const SHOWN_KEEP = 8;

interface Shown {
  program: ProgramInfo;
  dataset: DatasetInfo;
  layout?: PageLayout;
}

function shownList(): Shown[] {
  try {
    const raw = localStorage.getItem(SHOWN_KEY);
    const v: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(v) ? v.filter((x: Partial<Shown>) => x?.program && Array.isArray(x.program.outputs) && typeof x.dataset?.id === 'string') : [];
  } catch {
    return [];
  }
}

/** Keeps the program and dataset of a restored or run chart for the next page load's preview
 * (one per dataset, the newest SHOWN_KEEP datasets). */
export function rememberShown(program: ProgramInfo, dataset: DatasetInfo): void {
  try {
    const list = [{ program, dataset }, ...shownList().filter((x) => x.dataset.id !== dataset.id)].slice(0, SHOWN_KEEP);
    localStorage.setItem(SHOWN_KEY, JSON.stringify(list));
  } catch {
    // storage full or disabled: the next load draws when the engine answers
  }
}

/** Keeps where the chart library drew the chart of `program` over `datasetId` (the entry of
 * rememberShown), for the next page load's first frame. */
export function rememberLayout(program: ProgramInfo, datasetId: string, layout: PageLayout): void {
  try {
    const list = shownList();
    const entry = list.find((x) => x.dataset.id === datasetId);
    if (!entry || JSON.stringify(entry.program) !== JSON.stringify(program)) return;
    entry.layout = layout;
    localStorage.setItem(SHOWN_KEY, JSON.stringify(list));
  } catch {
    // storage full or disabled: the next load has no first frame before the chart library's
  }
}

/** The program the page showed last, over any dataset: the next page load lays the chart out with
 * its outputs before the engine has said anything. */
export function rememberedLayout(): ProgramInfo | null {
  return shownList()[0]?.program ?? null;
}

/** What the page last showed over `datasetId`. */
function shownLast(datasetId: string): Shown | null {
  return shownList().find((x) => x.dataset.id === datasetId) ?? null;
}

/** Reads the preview of the restore the engine will do for `opts`, or null when there is none to
 * guess (no matching checkpoint with stored candles, other scripts on the chart, a run from
 * scratch asked for, a database of another version, ...). Never throws. The database is opened
 * in any case, and stays open until `keepOpen` settles: the browser opens the origin's storage once
 * for the page's connection and the worker's, and the page gets there first. */
export async function readRestorePreview(opts: InitOptions, keepOpen: Promise<unknown>, dbName: string = DB_NAME): Promise<RestorePreview | null> {
  let store: Store;
  try {
    store = Store.wrap(wrap(await openExisting(dbName)) as IDBPDatabase<EvergreenDB>);
  } catch {
    return null;
  }
  const read = readWith(store, opts);
  // Closed once read and once the engine has answered, whichever is later.
  void Promise.allSettled([read, keepOpen]).then(() => store.close());
  return read;
}

async function readWith(store: Store, opts: InitOptions): Promise<RestorePreview | null> {
  if (opts.restore === false || opts.sample || opts.hold) return null;
  try {
    const [session, all, studies, scripts] = await Promise.all([store.getSession(), store.listSnapshots(), store.listStudies(CHART_ID), store.listScripts()]);
    if (!session || studies.length > 0) return null;
    const datasetId = opts.datasetId ?? session.datasetId;
    const replayFrom = opts.datasetId && opts.datasetId !== session.datasetId ? null : session.replay.from;
    const last = shownLast(datasetId);
    if (!last) return null;
    const script = scripts.find((x) => x.id === session.scriptId);
    if (!script) return null;
    const sourceHash = hashText(script.source);
    const meta = all.find((s) => s.status === 'ok' && s.sourceHash === sourceHash && s.datasetId === datasetId && s.replayFrom === replayFrom);
    if (!meta) return null;
    const end = meta.bar + 1;
    if ((replayFrom ?? meta.totalBars) > end || end > meta.totalBars) return null;
    // Inputs set for the script that the checkpoint was not made with: another run.
    const overrides = session.inputs[script.id] ?? {};
    if (Object.entries(overrides).some(([k, v]) => k in meta.inputs && meta.inputs[k] !== v)) return null;
    const shape = last.program.outputs.map((o) => o.channels.length);
    const [rec, rows] = await Promise.all([store.getSnapshotRecord(meta.id), store.readOutputTail(meta.runKey, Math.max(0, end - CHART_WINDOW), end, shape)]);
    const t = rec?.tail;
    if (!t || t.firstBar < 0 || t.time.length === 0 || t.firstBar + t.time.length !== end) return null;
    mark('p:preview-read');
    return { program: last.program, dataset: { ...last.dataset, length: meta.totalBars }, total: meta.totalBars, bars: { ...t, length: t.time.length }, rows, ...(last.layout ? { layout: last.layout } : {}) };
  } catch {
    return null;
  }
}

/** The app's database as it is: never created or upgraded here (an upgrade is aborted, and the
 * open fails). */
function openExisting(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name, DB_VERSION);
    req.onupgradeneeded = () => req.transaction?.abort();
    req.onerror = (e) => {
      e.preventDefault();
      reject(req.error ?? new Error('The database could not be opened.'));
    };
    req.onblocked = () => reject(new Error('The database is being upgraded.'));
    req.onsuccess = () => {
      const db = req.result;
      db.onversionchange = () => db.close();
      resolve(db);
    };
  });
}

type ResetEvent = Extract<EngineEvent, { type: 'reset' }>;

function sameFloats(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** The engine's reset starts the run the preview showed: same program, dataset, bar count and
 * candles, a restore, no other scripts. */
export function sameReset(e: ResetEvent, p: RestorePreview): boolean {
  if (e.restoring !== true || (e.studies?.length ?? 0) > 0 || e.total !== p.total) return false;
  if (JSON.stringify(e.program) !== JSON.stringify(p.program) || JSON.stringify(e.dataset) !== JSON.stringify(p.dataset)) return false;
  const a = e.bars;
  const b = p.bars;
  return a.firstBar === b.firstBar && a.length === b.length && (['time', 'open', 'high', 'low', 'close', 'volume'] as const).every((k) => sameFloats(a[k], b[k]));
}

/** The engine's first rows of the restore are the ones the preview drew, bit for bit. */
export function sameRows(a: OutputsChunk, b: OutputsChunk): boolean {
  if (a.firstBar !== b.firstBar || a.length !== b.length || !sameFloats(a.time, b.time) || a.columns.length !== b.columns.length) return false;
  return a.columns.every((cols, o) => {
    const other = b.columns[o];
    return other !== undefined && cols.length === other.length && cols.every((c, ch) => {
      const d = other[ch];
      return d !== undefined && sameFloats(c, d);
    });
  });
}

/** The preview's sequencing in the page (AppController): shown at once (the page's first frame,
 * first-paint.ts, may show it before; the library's paint or anything else that draws the chart
 * takes that frame away), then the engine's reset and its first rows compared with it. The engine's run is drawn, at the time the preview was
 * painted, once the preview is painted and both matched (`onDrawn`); the first that does not match
 * drops the preview and the page draws the engine's run as any other. */
export class PreviewRun {
  private data: RestorePreview | null = null;
  /** The engine's reset that starts the run the preview shows. */
  private reset: ResetEvent | null = null;
  private confirmed = false;
  /** When the preview was first on screen, and when the chart library painted it (performance.now()). */
  private drawnAt: number | null = null;
  private libraryAt = NaN;

  constructor(private readonly onDrawn: (runId: number, at: number, libraryAt: number) => void) {}

  /** A preview is shown and the engine's run has not yet replaced it. */
  get showing(): boolean {
    return this.data !== null;
  }

  /** Takes `p` to show; false when one is already shown. */
  start(p: RestorePreview): boolean {
    if (this.data) return false;
    this.data = p;
    this.reset = null;
    this.confirmed = false;
    this.drawnAt = null;
    return true;
  }

  /** The chart's next paint shows the preview as run `runId`: the engine's run that matched it,
   * drawn from the preview's rows (the chart was made after the engine answered). */
  shows(runId: number): boolean {
    return this.data !== null && this.reset?.runId === runId && this.drawnAt === null;
  }

  /** The chart library painted the preview at `at` (`locate`: where it puts values; drawn from
   * when the page's first frame showed it). */
  painted(at: number, locate: Locate, layout: PageLayout | null): void {
    removeFirstPaint(locate, layout);
    if (!this.data) return;
    this.libraryAt = at;
    this.drawnAt = Math.min(at, this.data.paintedAt ?? Infinity);
    mark('p:preview-drawn');
    this.confirm();
  }

  /** The engine's reset: true when it starts the run the preview shows (kept as drawn until its
   * rows are compared); otherwise the preview is dropped. */
  matchReset(e: ResetEvent): boolean {
    if (this.data && !this.reset && sameReset(e, this.data)) {
      this.reset = e;
      return true;
    }
    this.drop();
    return false;
  }

  /** The engine's rows of the preview's run: 'same' (the chart shows them; `confirm` draws the
   * run once the preview is painted), the engine's reset to apply again (they differ: the preview
   * was a guess, and is dropped), or null (no preview waits for rows). */
  matchRows(chunk: OutputsChunk): 'same' | ResetEvent | null {
    const r = this.reset;
    if (!this.data || !r || this.confirmed) return null;
    if (sameRows(chunk, this.data.rows)) {
      this.confirmed = true;
      return 'same';
    }
    this.drop();
    return r;
  }

  /** The run is drawn when the preview is painted and its reset and rows matched. */
  confirm(): void {
    const r = this.reset;
    if (!r || !this.confirmed || this.drawnAt === null) return;
    mark('p:preview-confirmed');
    this.onDrawn(r.runId, this.drawnAt, this.libraryAt);
  }

  /** No preview (any more): the engine's run is drawn as any other. */
  drop(): void {
    this.data = null;
    this.reset = null;
    removeFirstPaint();
  }
}
