// The strategy broker as a host step of the bar driver (bar-feed.ts): before a strategy's body the
// broker fills what is pending on the bar's path (vm/builtins/strategy/broker.ts processBar), after
// it the close fills, excursions, equity and risk rules (finishBar). Its record is
// `state.host.strategy` (plain data: ticks, snapshots and clones carry it with the rest).

import type { Program } from '../bytecode/program.js';
import type { ScriptState } from '../core/state.js';
import type { SymbolInfo } from '../core/runtime.js';
import { HOST_STEPS, type BarInfo, type HostStep } from './bar-feed.js';
import { finishBar, processBar, type BarView } from '../builtins/strategy/broker.js';
import { brokerFor, dayAndMonth, HOST_KEY } from '../builtins/strategy/index.js';

/** What the step reads of the machine it runs on besides the state record. */
interface StepTarget extends ScriptState {
  program: Program;
  syminfo: SymbolInfo;
}

const VIEW: BarView = { bar: 0, time: 0, open: 0, high: 0, low: 0, close: 0 };

function view(bar: BarInfo): BarView {
  VIEW.bar = bar.index;
  VIEW.time = bar.time;
  VIEW.open = bar.open;
  VIEW.high = bar.high;
  VIEW.low = bar.low;
  VIEW.close = bar.close;
  return VIEW;
}

const brokerStep: HostStep = {
  name: HOST_KEY,
  beforeBar(state: ScriptState, bar: BarInfo): void {
    const m = state as StepTarget;
    processBar(brokerFor(m.host, m.program.meta.options, m.syminfo), view(bar));
  },
  afterBar(state: ScriptState, bar: BarInfo): void {
    const m = state as StepTarget;
    const b = brokerFor(m.host, m.program.meta.options, m.syminfo);
    const { day, month } = dayAndMonth(b, bar.time, m.syminfo.timezone);
    finishBar(b, view(bar), day, month);
  },
};

HOST_STEPS.push({ applies: (p) => p.meta.kind === 'strategy', step: brokerStep });
