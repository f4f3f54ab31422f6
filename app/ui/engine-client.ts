// The page's connection to the engine worker, created once at module scope (a component effect
// would start two under StrictMode), and the watchdog over it: the page pings the worker every
// second; a worker that leaves a ping unanswered for HANG_MS (a script stuck inside one bar) is
// terminated and a new one started in its place. Calls made to a worker that was replaced reject
// with EngineRestarted rather than waiting forever. Only the API's types and the worker name's
// encoding are imported from the worker side.

import * as Comlink from 'comlink';
import { workerName, type EngineApi, type InitOptions } from '../worker/protocol.js';
import { initOptionsFromUrl } from './init-options.js';

/** A worker silent this long (with the page visible and its own timers on time) has hung. */
export const HANG_MS = 6000;
const PING_MS = 1000;
/** The script that hung last (kept across reloads: it is not run again until the user asks). */
const HELD_KEY = 'evergreen.held';

export class EngineRestarted extends Error {
  override readonly name = 'EngineRestarted';
  constructor() {
    super('The engine was restarted.');
  }
}

export interface HeldScript {
  scriptId: string;
  scriptName: string;
  at: number;
}

export function heldScript(): HeldScript | null {
  try {
    const raw = localStorage.getItem(HELD_KEY);
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<HeldScript>;
    return typeof v.scriptId === 'string' && typeof v.scriptName === 'string' ? { scriptId: v.scriptId, scriptName: v.scriptName, at: Number(v.at) || 0 } : null;
  } catch {
    return null;
  }
}

export function setHeldScript(h: HeldScript | null): void {
  try {
    if (h) localStorage.setItem(HELD_KEY, JSON.stringify(h));
    else localStorage.removeItem(HELD_KEY);
  } catch {
    // storage disabled: the hold lasts for this page only
  }
}

export class EngineHost {
  private worker: Worker;
  private remote: Comlink.Remote<EngineApi>;
  /** Rejects (with EngineRestarted) when the current worker is replaced. */
  private gone: { promise: Promise<never>; reject: (e: Error) => void };
  private timer: ReturnType<typeof setInterval> | null = null;
  private pingSentAt: number | null = null;
  private lastTick = 0;
  private onHang: ((silentMs: number) => void) | null = null;
  /** The worker said it blocks on bounded work until then (performance.now()). */
  private graceUntil = 0;
  generation = 0;

  constructor(public options: InitOptions) {
    this.worker = this.spawn(options);
    this.remote = Comlink.wrap<EngineApi>(this.worker);
    this.gone = deferredRejection();
  }

  private spawn(opts: InitOptions): Worker {
    return new Worker(new URL('../worker/engine.worker.ts', import.meta.url), { type: 'module', name: workerName(opts) });
  }

  get api(): Comlink.Remote<EngineApi> {
    return this.remote;
  }

  /** Races `p` (a call to the current worker) against the worker being replaced. */
  guard<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.gone.promise]);
  }

  /** The watchdog gave up: the worker was terminated and no new one started. */
  stopped = false;

  /** Terminates the worker for good (calls to it reject with EngineRestarted). */
  stop(): void {
    this.worker.terminate();
    this.gone.reject(new EngineRestarted());
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Terminates the worker (stuck or not) and starts a new one opening `opts`. */
  restart(opts: InitOptions): void {
    this.worker.terminate();
    this.gone.reject(new EngineRestarted());
    this.gone = deferredRejection();
    this.options = opts;
    this.generation++;
    this.worker = this.spawn(opts);
    this.remote = Comlink.wrap<EngineApi>(this.worker);
    this.pingSentAt = null;
    this.graceUntil = 0;
  }

  /** The worker blocks on bounded work of its own for up to `ms`: no verdict until it answers. */
  allowBusy(ms: number): void {
    this.graceUntil = performance.now() + ms;
  }

  /** Pings the worker every second; `onHang` is called once a ping has waited HANG_MS. A page
   * that is hidden, or whose own timers ran late (throttled, frozen), does not judge. */
  watch(onHang: (silentMs: number) => void): void {
    this.onHang = onHang;
    if (this.timer) return;
    this.lastTick = performance.now();
    this.timer = setInterval(() => this.tick(), PING_MS);
  }

  private tick(): void {
    const t = performance.now();
    const late = t - this.lastTick > PING_MS * 3;
    this.lastTick = t;
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden') {
      this.pingSentAt = null;
      return;
    }
    if (this.pingSentAt !== null) {
      if (late) this.pingSentAt = t;
      else if (t - this.pingSentAt >= HANG_MS && t > this.graceUntil) {
        const silent = t - this.pingSentAt;
        this.pingSentAt = null;
        this.onHang?.(silent);
      }
      return;
    }
    const gen = this.generation;
    this.pingSentAt = t;
    this.remote.ping().then(
      () => {
        if (this.generation !== gen) return;
        this.pingSentAt = null;
        this.graceUntil = 0;
      },
      () => undefined,
    );
  }
}

function deferredRejection(): { promise: Promise<never>; reject: (e: Error) => void } {
  let reject: (e: Error) => void = () => undefined;
  const promise = new Promise<never>((_, rej) => {
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, reject };
}

/** What the page asks the engine to open, from its URL (and the script that hung last time, which
 * is opened without running). The worker is named with it, so it starts opening the session as
 * soon as its script runs; the page's init() call then only attaches. */
export const initOptions: InitOptions = (() => {
  const opts = initOptionsFromUrl(location.href, import.meta.env.BASE_URL);
  const held = heldScript();
  return held ? { ...opts, hold: held.scriptId } : opts;
})();

export const host = new EngineHost(initOptions);
