// Built-in variables read straight from the bar registers (runtime.ts R): prices, volume, times,
// bar_index and barstate.*. Scripts read them with no instruction at all.

import { defineVar } from './registry.js';
import { R } from '../core/runtime.js';

defineVar('open: series float', { reg: R.open });
defineVar('high: series float', { reg: R.high });
defineVar('low: series float', { reg: R.low });
defineVar('close: series float', { reg: R.close });
defineVar('volume: series float', { reg: R.volume });
defineVar('hl2: series float', { reg: R.hl2 });
defineVar('hlc3: series float', { reg: R.hlc3 });
defineVar('ohlc4: series float', { reg: R.ohlc4 });
defineVar('hlcc4: series float', { reg: R.hlcc4 });
defineVar('time: series int', { reg: R.time });
defineVar('time_close: series int', { reg: R.timeClose });
defineVar('bar_index: series int', { reg: R.barIndex });
defineVar('last_bar_index: series int', { reg: R.lastBarIndex });
defineVar('last_bar_time: series int', { reg: R.lastBarTime });
defineVar('timenow: series int', { reg: R.timeNow });
defineVar('barstate.isfirst: series bool', { reg: R.isFirst });
defineVar('barstate.islast: series bool', { reg: R.isLast });
defineVar('barstate.ishistory: series bool', { reg: R.isHistory });
defineVar('barstate.isrealtime: series bool', { reg: R.isRealtime });
defineVar('barstate.isnew: series bool', { reg: R.isNew });
defineVar('barstate.isconfirmed: series bool', { reg: R.isConfirmed });
defineVar('barstate.islastconfirmedhistory: series bool', { reg: R.isLastConfirmedHistory });
