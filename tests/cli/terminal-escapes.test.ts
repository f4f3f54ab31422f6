// Escape injection (issue 11 item 7): text a script or a data file controls - log messages,
// alerts, runtime errors, plot titles, column names - reaches the terminal with its control
// characters shown as escapes (`\x1b`), never as the raw bytes a terminal would act on.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { escapeControls } from '../../vm/cli/terminal-text.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/evergreen.mjs');
const ESC = '\u001b';
let dir = '';

function cli(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const BARS = 'time,open,high,low,close\n2024-01-02,1,2,0.5,1.5\n2024-01-03,1.5,2.5,1,2\n2024-01-04,2,3,1.5,2.5\n';

beforeAll(() => {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT });
  dir = mkdtempSync(join(tmpdir(), 'evergreen-escapes-'));
});

describe('control characters in CLI output', () => {
  test('a log.info message holding ESC [31m is printed as the text \\x1b[31m', () => {
    const script = file('log.pine', `//@version=6\nindicator("log")\nif bar_index == 1\n    log.info("red ${ESC}[31m text")\nplot(close)\n`);
    const r = cli(['run', script, '--data', file('bars.csv', BARS)]);
    expect(r.code).toBe(0);
    expect(r.err).toBe('[info] bar 1: red \\x1b[31m text\n');
    expect(r.err).not.toContain(ESC);
  });

  test('alerts, carriage returns, bells and direction overrides are escaped too', () => {
    const script = file('alert.pine', `//@version=6\nindicator("alert")\nif bar_index == 0\n    alert("a${ESC}]0;title\u0007 b\rc \u202e d")\nplot(close)\n`);
    const r = cli(['run', script, '--data', file('bars.csv', BARS)]);
    expect(r.code).toBe(0);
    expect(r.err).toBe('[alert] bar 0: a\\x1b]0;title\\x07 b\\rc \\u202e d\n');
  });

  test('a runtime error message keeps its frame lines but not its escape sequence', () => {
    const script = file('boom.pine', `//@version=6\nindicator("boom")\nif bar_index == 2\n    runtime.error("boom ${ESC}[2J")\nplot(close)\n`);
    const r = cli(['run', script, '--data', file('bars.csv', BARS)]);
    expect(r.code).toBe(1);
    expect(r.err).not.toContain(ESC);
    expect(r.err.split('\n')[0]).toBe(`evergreen: ${script}:4:5: runtime error at bar 2: boom \\x1b[2J`);
  });

  test('a plot title with ESC: escaped in the CSV header, JSON-escaped in JSON', () => {
    const script = file('title.pine', `//@version=6\nindicator("title")\nplot(close, "a${ESC}[31mb")\n`);
    const data = file('bars.csv', BARS);
    const csv = cli(['run', script, '--data', data, '--format', 'csv']);
    expect(csv.out.split('\n')[0]).toBe('time,a\\x1b[31mb');
    const json = cli(['run', script, '--data', data]);
    expect(json.out).not.toContain(ESC);
    expect(Object.keys((JSON.parse(json.out) as { plots: Record<string, unknown> }).plots)).toEqual([`a${ESC}[31mb`]);
  });

  test('a column name with ESC in a data file is escaped in the error naming it', () => {
    const script = file('plain.pine', '//@version=6\nindicator("plain")\nplot(close)\n');
    const data = file('esc-header.csv', `time,open,high,low,${ESC}[31mclose\n2024-01-02,1,2,0.5,1.5\n`);
    const r = cli(['run', script, '--data', data]);
    expect(r.code).toBe(1);
    expect(r.err).not.toContain(ESC);
    expect(r.err).toContain("'\\x1b[31mclose'");
  });
});

describe('escapeControls', () => {
  test('keeps newlines, tabs and ordinary Unicode; escapes C0, DEL, C1 and bidi controls', () => {
    expect(escapeControls('a\nb\tc é 日本')).toBe('a\nb\tc é 日本');
    expect(escapeControls('\u0000\u0008\u000b\u001f\u007f\u009b\u2066')).toBe('\\x00\\x08\\x0b\\x1f\\x7f\\x9b\\u2066');
  });
});
