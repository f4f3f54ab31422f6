// `evergreen run --symbol x.toml --export f.evergreen` carries the symbol file with the bars (the
// app stores it with them on import, so another browser gets the same sessions), and a file
// resumed and exported again keeps it.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { decodeCheckpointFile } from '../../vm/index.js';
import { cli, fixture, ROOT } from './helpers.js';

describe('--export with --symbol', () => {
  const dir = mkdtempSync(join(tmpdir(), 'evergreen-export-symbol-'));
  const data = join(dir, 'EURUSD.csv');
  writeFileSync(data, `${fixture('eurusd-1h-2022-2025.csv').trim().split('\n').slice(0, 121).join('\n')}\n`);
  const tomlPath = join(ROOT, 'tests/fixtures/tradingview/ta/vwap.toml');
  const script = join(dir, 'd.pine');
  writeFileSync(script, '//@version=6\nindicator("d")\nplot(time("D"), "day")\n');

  test('the file carries the symbol file; resumed and exported again, it still does', () => {
    const first = join(dir, 'a.evergreen');
    const r = cli(['run', script, '--data', data, '--symbol', tomlPath, '--timeframe', '60', '--save-at', '60', '--export', first]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const toml = readFileSync(tomlPath, 'utf8');
    expect(decodeCheckpointFile(readFileSync(first)).dataset?.symbol).toBe(toml);
    const second = join(dir, 'b.evergreen');
    const again = cli(['run', '--resume', first, '--export', second]);
    expect(again.code).toBe(0);
    expect(decodeCheckpointFile(readFileSync(second)).dataset?.symbol).toBe(toml);
    // Without --symbol: none.
    const plain = join(dir, 'c.evergreen');
    expect(cli(['run', script, '--data', data, '--export', plain]).code).toBe(0);
    expect(decodeCheckpointFile(readFileSync(plain)).dataset?.symbol).toBeNull();
  });
});
