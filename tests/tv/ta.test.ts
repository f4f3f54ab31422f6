// Every column of every TradingView export in tests/fixtures/tradingview/ta/ (and
// core/series_if_for.csv), reproduced by compiling the Pine expression that produced it (the
// header, or COLUMNS.md's formula) and running it through the whole VM. Tolerance
// 1e-8 + 1e-5·|tv| on every row (or the verified prefix), na equal to na.

import { describe, test } from 'vitest';
import { expectColumn, runOnFixture } from './harness.js';
import { TA_CASES, caseBody } from './cases.js';

describe('ta.* through the VM against TradingView', () => {
  for (const c of TA_CASES) {
    test(c.name, () => {
      const run = runOnFixture(c.file, caseBody(c), c.naValue !== undefined ? { naValue: c.naValue } : {});
      const cols = c.pairs.length > 0 ? c.pairs.map(([, col]) => col) : [...run.plots.keys()];
      for (const col of cols) expectColumn(run, col, col, c.limit);
    });
  }
});
