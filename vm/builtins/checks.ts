// Runtime checks that the compiler emits itself (never written in scripts): each fails with its
// own error code when a value breaks a rule that can only be checked while the script runs.

import { defineFn } from './registry.js';

/** `for ... by step` with a series step: the step is a size and must be positive (na is allowed:
 * the loop then runs once). */
defineFn('__check.for_step(step: series float): void', (rt, a) => {
  const step = rt.f[a] ?? NaN;
  if (step <= 0) {
    rt.fail('bad-step', `The step of a 'for' loop must be positive, got ${step}: the loop counts down by itself when 'from' is greater than 'to'.`);
  }
});

/** `x[k]` with a dynamic offset beyond the series' history limit (max_bars_back, or the larger
 * buffer that constant offsets or max_bars_back(x, n) ask for). Emitted only when `k > limit`. */
defineFn('__check.history_limit(offset: series int, limit: series int): void', (rt, a) => {
  // An int offset may carry a fraction (`x[n / 2]`): it counts whole bars, truncated toward zero.
  const k = Math.trunc(rt.f[a] ?? NaN);
  const limit = rt.f[a + 1] ?? NaN;
  if (k <= limit) return;
  rt.fail(
    'max-bars-back',
    `The history offset ${k} is beyond the ${limit} bars kept for this series (max_bars_back); raise max_bars_back in indicator() or call max_bars_back() on this series.`,
  );
});
