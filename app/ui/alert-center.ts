// The page's alerts: the firings the engine forwards (app/worker/alerts-forward.ts) kept for the
// alerts panel, the alertconditions the user armed (kept in localStorage, by what a firing says),
// and an optional browser notification for each firing that comes live during a replay. alert()
// firings are always listed; an alertcondition()'s only once armed. While a replay bar forms, the
// VM re-runs the bar at every tick, so a firing is shown the first time its bar fires it (counted
// per message within the bar) and not again at later ticks or when the bar is confirmed.

import type { AlertEntry } from '../../vm/index.js';
import type { AlertsEvent } from '../worker/alerts-forward.js';

export interface AlertFiring {
  id: number;
  bar: number;
  time: number;
  message: string;
  kind: 'alert' | 'condition';
  /** Fired as a replay bar arrived (not during the history run). */
  live: boolean;
}

const MAX_FIRINGS = 500;
const ARMED_KEY = 'evergreen.armed-alerts';
const NOTIFY_KEY = 'evergreen.alert-notifications';

function readArmed(): Set<string> {
  try {
    const v = JSON.parse(localStorage.getItem(ARMED_KEY) ?? '[]') as unknown;
    return new Set(Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  } catch {
    return new Set();
  }
}

export interface AlertCenterState {
  firings: AlertFiring[];
  armed: ReadonlySet<string>;
  notify: boolean;
}

export class AlertCenter {
  private state: AlertCenterState = { firings: [], armed: readArmed(), notify: localStorage.getItem(NOTIFY_KEY) === '1' };
  private listeners = new Set<() => void>();
  private seq = 0;
  /** Keys shown for each forming bar (see keysOf). */
  private shownForming = new Map<number, Set<string>>();

  getState = (): AlertCenterState => this.state;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  private set(patch: Partial<AlertCenterState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  /** A new run: its firings replace the last run's. */
  reset(): void {
    this.shownForming.clear();
    if (this.state.firings.length > 0) this.set({ firings: [] });
  }

  clear(): void {
    this.set({ firings: [] });
  }

  arm(key: string, on: boolean): void {
    const armed = new Set(this.state.armed);
    if (on) armed.add(key);
    else armed.delete(key);
    try {
      localStorage.setItem(ARMED_KEY, JSON.stringify([...armed]));
    } catch {
      // kept for this page only
    }
    this.set({ armed });
  }

  async setNotify(on: boolean): Promise<void> {
    if (on && typeof Notification !== 'undefined' && Notification.permission === 'default') await Notification.requestPermission();
    const granted = typeof Notification !== 'undefined' && Notification.permission === 'granted';
    const notify = on && granted;
    localStorage.setItem(NOTIFY_KEY, notify ? '1' : '0');
    this.set({ notify });
  }

  /** Firings from the engine. `liveFrom`: the replay's first bar (null: no replay). */
  onEvent(e: AlertsEvent, liveFrom: number | null): void {
    const added: AlertFiring[] = [];
    const byBar = new Map<number, AlertEntry[]>();
    for (const a of e.entries) {
      const list = byBar.get(a.bar);
      if (list) list.push(a);
      else byBar.set(a.bar, [a]);
    }
    for (const [bar, entries] of byBar) {
      let shown = this.shownForming.get(bar);
      if (e.tick && !shown) {
        shown = new Set<string>();
        this.shownForming.set(bar, shown);
      }
      const counts = new Map<string, number>();
      for (const a of entries) {
        const base = `${a.kind}:${a.message}`;
        const n = (counts.get(base) ?? 0) + 1;
        counts.set(base, n);
        const key = `${base}#${n}`;
        if (shown?.has(key)) continue;
        if (e.tick) shown?.add(key);
        if (a.kind === 'condition' && !this.state.armed.has(a.message)) continue;
        added.push({ id: ++this.seq, bar: a.bar, time: a.time, message: a.message, kind: a.kind, live: liveFrom !== null && a.bar >= liveFrom });
      }
      if (!e.tick) this.shownForming.delete(bar);
    }
    const base = e.reset ? [] : this.state.firings;
    if (added.length === 0 && !e.reset) return;
    const firings = base.concat(added);
    this.set({ firings: firings.length > MAX_FIRINGS ? firings.slice(firings.length - MAX_FIRINGS) : firings });
    if (this.state.notify) for (const f of added) if (f.live) this.notifyBrowser(f);
  }

  private notifyBrowser(f: AlertFiring): void {
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    try {
      new Notification('Evergreen alert', { body: `${f.message} (bar ${f.bar})`, tag: `evergreen-${f.id}` });
    } catch {
      // notifications unavailable in this context
    }
  }
}
