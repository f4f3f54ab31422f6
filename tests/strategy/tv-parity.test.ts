// TradingView parity of the broker emulator: every strategy in tests/fixtures/tradingview/strategy
// runs through the `evergreen` CLI (`--trades`), and its trade list must equal TradingView's
// export (see tv-trades.ts for what is compared and how closely). Each script runs on
// `<name>_ohlcv.csv` when that file exists, else on `ohlcv.csv`; its symbol file is `<name>.toml`
// when present, else `fx.toml` — the layout of the fixture folder, the same rule for all. No
// difference is allowed.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { compareTrades, readTrades } from './tv-trades.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/evergreen.mjs');
const FIX = join(ROOT, 'tests/fixtures/tradingview/strategy');
const NAMES = readdirSync(FIX)
  .filter((f) => f.endsWith('.pine'))
  .map((f) => f.slice(0, -5))
  .sort();
let dir = '';

/** The README's "Known differences": `- name: difference line`, each explained there. */
const KNOWN = new Map<string, string[]>();
for (const m of readFileSync(join(FIX, 'README.md'), 'utf8').matchAll(/^- ([a-z_]+): (trade .*)$/gm)) {
  const [, name = '', line = ''] = m;
  KNOWN.set(name, [...(KNOWN.get(name) ?? []), line]);
}

beforeAll(() => {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT });
  dir = mkdtempSync(join(tmpdir(), 'evergreen-strategy-'));
});

describe('TradingView parity of the strategy trade lists', () => {
  test('the fixture folder holds the twelve strategies', () => {
    expect(NAMES).toHaveLength(12);
  });

  for (const name of NAMES) {
    test(name, () => {
      const data = existsSync(join(FIX, `${name}_ohlcv.csv`)) ? `${name}_ohlcv.csv` : 'ohlcv.csv';
      const symbol = existsSync(join(FIX, `${name}.toml`)) ? `${name}.toml` : 'fx.toml';
      const out = join(dir, `${name}_trades.csv`);
      const r = spawnSync(process.execPath, [BIN, 'run', join(FIX, `${name}.pine`), '--data', join(FIX, data), '--symbol', join(FIX, symbol), '--trades', out, '--out', join(dir, `${name}.json`)], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const ours = readTrades(readFileSync(out, 'utf8'));
      const tv = readTrades(readFileSync(join(FIX, `${name}_trades.csv`), 'utf8'));
      expect(compareTrades(ours, tv)).toEqual([]);
    });
  }
});
