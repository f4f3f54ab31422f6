// `evergreen run` and drawings: --format json gains a "drawings" section (every live drawing at the
// end of the run) for a script that draws, `--drawings <file>` writes them alone, and a script
// that draws nothing keeps the JSON it always had.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/evergreen.mjs');
let dir = '';

function cli(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const DRAWS = `//@version=6
indicator("levels", overlay = true, max_lines_count = 2)
l = line.new(bar_index, close, bar_index + 1, close, color = color.red)
if barstate.islast
    label.new(bar_index, high, "last " + str.tostring(close), style = label.style_label_left)
plot(close, "close")
`;

beforeAll(() => {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT });
  dir = mkdtempSync(join(tmpdir(), 'evergreen-draw-'));
  writeFileSync(join(dir, 'levels.pine'), DRAWS);
  writeFileSync(join(dir, 'plain.pine'), '//@version=6\nindicator("plain")\nplot(close)\n');
  // Four daily bars, closes 10, 11, 12, 13.
  const rows = [0, 1, 2, 3].map((i) => `2024-01-0${i + 1},${9.5 + i},${11 + i},${9 + i},${10 + i},100`);
  writeFileSync(join(dir, 'bars.csv'), `time,open,high,low,close,volume\n${rows.join('\n')}\n`);
});

describe('evergreen run: drawings', () => {
  test('--format json lists the live drawings after the plots', () => {
    const r = cli(['run', join(dir, 'levels.pine'), '--data', join(dir, 'bars.csv')]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { bars: number; plots: Record<string, number[]>; drawings: Record<string, unknown>[] };
    expect(json.plots.close).toEqual([10, 11, 12, 13]);
    // max_lines_count = 2: the lines of bars 2 and 3 remain, then the label of the last bar.
    expect(json.drawings.map((d) => d.kind)).toEqual(['label', 'line', 'line']);
    expect(json.drawings[0]).toMatchObject({ x: 3, y: 14, text: 'last 13', style: 'label_left', xloc: 'bar_index' });
    expect(json.drawings[1]).toMatchObject({ x1: 2, y1: 12, x2: 3, y2: 12, color: '#F23645FF', style: 'solid', width: 1 });
    expect(json.drawings[2]).toMatchObject({ x1: 3, y1: 13 });
  });

  test('--drawings <file> writes them alone; a script without drawings keeps its JSON', () => {
    const file = join(dir, 'out.json');
    const r = cli(['run', join(dir, 'levels.pine'), '--data', join(dir, 'bars.csv'), '--format', 'csv', '--drawings', file]);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe('time,close');
    const list = JSON.parse(readFileSync(file, 'utf8')) as { kind: string }[];
    expect(list.map((d) => d.kind)).toEqual(['label', 'line', 'line']);
    const plain = JSON.parse(cli(['run', join(dir, 'plain.pine'), '--data', join(dir, 'bars.csv')]).out) as Record<string, unknown>;
    expect(Object.keys(plain)).toEqual(['bars', 'plots']);
  });

  test('--drawings without a file is a usage error', () => {
    const r = cli(['run', join(dir, 'levels.pine'), '--data', join(dir, 'bars.csv'), '--drawings']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('--drawings needs a value');
  });
});
