// input.*() builtins. The compiler records each call in Program.inputs and preloads the chosen value
// into a register when an instance is built (lower.ts inputCall); the impls here are never run.

import { defineFn, type BuiltinImpl } from './registry.js';

const compiledAway: BuiltinImpl = (rt) => rt.fail('internal', 'Inputs are preloaded, not called.');

const tail = 'tooltip: const string = na, inline: const string = na, group: const string = na, confirm: const bool = false, display: const int = display.all, active: input bool = true';

const def = (sig: string) => defineFn(sig, compiledAway, { input: true, globalOnly: true });

def(`input.int(defval: const int, title: const string = na, options: const tuple, ${tail}): input int`);
def(`input.int(defval: const int, title: const string = na, minval: const int = na, maxval: const int = na, step: const int = 1, ${tail}): input int`);
def(`input.float(defval: const float, title: const string = na, options: const tuple, ${tail}): input float`);
def(`input.float(defval: const float, title: const string = na, minval: const float = na, maxval: const float = na, step: const float = na, ${tail}): input float`);
def(`input.bool(defval: const bool, title: const string = na, ${tail}): input bool`);
def(`input.color(defval: const color, title: const string = na, ${tail}): input color`);
def(`input.string(defval: const string, title: const string = na, options: const tuple = na, ${tail}): input string`);
def(`input.text_area(defval: const string, title: const string = na, tooltip: const string = na, group: const string = na, confirm: const bool = false, display: const int = display.all, active: input bool = true): input string`);
def(`input.timeframe(defval: const string, title: const string = na, options: const tuple = na, ${tail}): input string`);
def(`input.symbol(defval: const string, title: const string = na, ${tail}): input string`);
def(`input.session(defval: const string, title: const string = na, options: const tuple = na, ${tail}): input string`);
def(`input.source(defval: series float, title: const string = na, tooltip: const string = na, inline: const string = na, group: const string = na, display: const int = display.all, active: input bool = true): series float`);
def(`input.price(defval: const float, title: const string = na, ${tail}): input float`);
def(`input.time(defval: const int, title: const string = na, ${tail}): input int`);
def(`input(defval: const int, title: const string = na, tooltip: const string = na, inline: const string = na, group: const string = na, display: const int = display.all, active: input bool = true): input int`);
def(`input(defval: const float, title: const string = na, tooltip: const string = na, inline: const string = na, group: const string = na, display: const int = display.all, active: input bool = true): input float`);
def(`input(defval: const bool, title: const string = na, tooltip: const string = na, inline: const string = na, group: const string = na, display: const int = display.all, active: input bool = true): input bool`);
def(`input(defval: const color, title: const string = na, tooltip: const string = na, inline: const string = na, group: const string = na, display: const int = display.all, active: input bool = true): input color`);
def(`input(defval: const string, title: const string = na, tooltip: const string = na, inline: const string = na, group: const string = na, display: const int = display.all, active: input bool = true): input string`);
def(`input(defval: series float, title: const string = na, tooltip: const string = na, inline: const string = na, group: const string = na, display: const int = display.all, active: input bool = true): series float`);
