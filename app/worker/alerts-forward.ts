// Forwarding the script's alerts to the page: alert() and alertcondition() firings (the VM appends
// them to the instance's `alerts`) go out with the run's logs. Confirmed bars' firings are sent once
// each; while a replay bar is forming, the firings of its latest tick are sent marked `tick` (the
// VM rolls a tick back before the next one, so the page decides which of them are new). How many
// of a run's firings were sent is kept here, by run, so the run record needs no field for it.

import type { AlertEntry } from '../../vm/index.js';

export interface AlertsEvent {
  type: 'alerts';
  runId: number;
  /** Firings in bar order. */
  entries: AlertEntry[];
  /** The list restarts (the instance's list got shorter: a rollback or a restore). */
  reset: boolean;
  /** Firings of the forming bar's latest tick (not confirmed yet). */
  tick: boolean;
}

/** At most this many firings per message (a history run with an alert on every bar sends the newest). */
const MAX_SENT = 500;

interface RunLike {
  id: number;
  inst: { alerts: readonly AlertEntry[] };
  open: { bar: number } | null;
}

const sentByRun = new WeakMap<object, number>();

function capped(entries: AlertEntry[]): AlertEntry[] {
  return entries.length > MAX_SENT ? entries.slice(entries.length - MAX_SENT) : entries;
}

/** The alert events to send for a run now (none when nothing new fired). */
export function alertEvents(run: RunLike): AlertsEvent[] {
  const all = run.inst.alerts;
  let sent = sentByRun.get(run) ?? 0;
  const out: AlertsEvent[] = [];
  let reset = false;
  if (all.length < sent) {
    sent = 0;
    reset = true;
  }
  // Confirmed firings: those of bars before the forming one (all of them when no bar is forming).
  let end = all.length;
  const openBar = run.open?.bar ?? null;
  if (openBar !== null) while (end > sent && (all[end - 1]?.bar ?? -1) >= openBar) end--;
  if (end > sent || reset) out.push({ type: 'alerts', runId: run.id, entries: capped(all.slice(sent, end)), reset, tick: false });
  sentByRun.set(run, end);
  if (openBar !== null && all.length > end) out.push({ type: 'alerts', runId: run.id, entries: all.slice(end), reset: false, tick: true });
  return out;
}
