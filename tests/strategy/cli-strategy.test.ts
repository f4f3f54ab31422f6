// The strategy side of `evergreen run` as a user meets it: --trades writes TradingView's list of
// trades, the JSON output gains a "strategy" section, and --trades on an indicator is one clear line.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/evergreen.mjs');
let dir = '';

function cli(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

// Four daily bars, close 10, 11, 12, 13 (open = close - 0.5): the entry of bar 0 fills at bar 1's
// open, 10.5; the close of bar 2 sells at bar 3's open, 12.5: profit (12.5 - 10.5) · 3 = 6.
const BARS = 'time,open,high,low,close\n2024-01-01,9.5,11,9,10\n2024-01-02,10.5,12,10,11\n2024-01-03,11.5,13,11,12\n2024-01-04,12.5,14,12,13\n';
const SCRIPT = `//@version=6
strategy("cli", initial_capital = 100)
if bar_index == 0
    strategy.entry("Buy", strategy.long, qty = 3, comment = "go")
if bar_index == 2
    strategy.close("Buy", comment = "out")
plot(strategy.equity, "equity")
`;

beforeAll(() => {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT });
  dir = mkdtempSync(join(tmpdir(), 'evergreen-strategy-cli-'));
  writeFileSync(join(dir, 's.pine'), SCRIPT);
  writeFileSync(join(dir, 'i.pine'), '//@version=6\nindicator("i")\nplot(close)\n');
  writeFileSync(join(dir, 'bars.csv'), BARS);
});

test('--trades writes the list of trades, two rows per trade', () => {
  const r = cli(['run', join(dir, 's.pine'), '--data', join(dir, 'bars.csv'), '--trades', join(dir, 't.csv'), '--out', join(dir, 'o.json')]);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  const lines = readFileSync(join(dir, 't.csv'), 'utf8').split('\r\n');
  expect(lines[0]).toBe('Trade #,Type,Date/Time,Signal,Price USD,Position size (qty),Position size (value),Net P&L USD,Net P&L %,Run-up USD,Run-up %,Drawdown USD,Drawdown %,Cumulative P&L USD,Cumulative P&L %');
  // Value 3 · 10.5 = 31.5; 6 / 31.5 = 19.047…%; cumulative 6 of 100 capital = 6%.
  expect(lines[1]?.split(',').slice(0, 8)).toEqual(['1', 'Entry long', '2024-01-02T00:00:00+0000', 'go', '10.5', '3', '31.5', '6']);
  expect(lines[2]?.split(',').slice(0, 8)).toEqual(['1', 'Exit long', '2024-01-04T00:00:00+0000', 'out', '12.5', '3', '31.5', '6']);
  expect(Number(lines[1]?.split(',')[8])).toBeCloseTo((6 / 31.5) * 100, 9);
  expect(lines[2]?.split(',').slice(13)).toEqual(['6', '6']);
  const json = JSON.parse(readFileSync(join(dir, 'o.json'), 'utf8')) as { plots: Record<string, number[]>; strategy: { trades: unknown[]; summary: Record<string, number>; equity: { equity: number; drawdown: number; buyHold: number }[] } };
  // Equity at each close: 100; 100 + (11 - 10.5)·3 = 101.5; 100 + (12 - 10.5)·3 = 104.5; 100 + 6.
  expect(json.plots.equity).toEqual([100, 101.5, 104.5, 106]);
  expect(json.strategy.trades).toHaveLength(1);
  expect(json.strategy.summary.netProfit).toBe(6);
  expect(json.strategy.summary.totalClosedTrades).toBe(1);
  expect(json.strategy.summary.percentProfitable).toBe(100);
  expect(json.strategy.equity.map((p) => p.equity)).toEqual([106]);
  // Buy & hold at the exit: 100 of capital bought at the first open, 9.5, worth 100 · 12.5 / 9.5.
  const point = json.strategy.equity[0];
  expect(point.drawdown).toBe(0);
  expect(point.buyHold).toBeCloseTo((100 * 12.5) / 9.5, 9);
});

test('a strategy that draws: the JSON has both its drawings and its strategy section', () => {
  // TradingView's reference example for strategy.closedtrades.exit_comment() draws a table of the
  // closed trades; a label here says the same. Trade 1: bought at bar 1's open 10.5, sold at 12.5.
  writeFileSync(
    join(dir, 'draw.pine'),
    `//@version=6
strategy("draws", initial_capital = 100)
if bar_index == 0
    strategy.entry("Buy", strategy.long, qty = 3)
if bar_index == 2
    strategy.close("Buy")
var t = table.new(position.top_right, 1, 1)
if barstate.islast
    table.cell(t, 0, 0, "closed " + str.tostring(strategy.closedtrades))
    label.new(bar_index, high, str.tostring(strategy.netprofit))
`,
  );
  const r = cli(['run', join(dir, 'draw.pine'), '--data', join(dir, 'bars.csv'), '--format', 'json']);
  expect(r.code).toBe(0);
  const json = JSON.parse(r.out) as { drawings: { kind: string; text?: string; cells?: { text: string }[] }[]; strategy: { summary: Record<string, number> } };
  expect(json.strategy.summary.netProfit).toBe(6);
  expect(json.drawings.map((d) => d.kind).sort()).toEqual(['label', 'table']);
  expect(json.drawings.find((d) => d.kind === 'table')?.cells?.[0]?.text).toBe('closed 1');
  expect(json.drawings.find((d) => d.kind === 'label')?.text).toBe('6');
});

test('--trades on an indicator says what is wrong', () => {
  const r = cli(['run', join(dir, 'i.pine'), '--data', join(dir, 'bars.csv'), '--trades', join(dir, 'x.csv')]);
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/^evergreen: --trades needs a strategy: .*i\.pine declares indicator\(\)\n$/);
});

// The bar magnifier from the CLI: the long bracket (stop 95, limit 108) sits inside the daily bar
// of 2024-01-02 (open 100, high 110, low 90). On the bar's own path (the low first: both extremes
// are 10 from the open) the stop fills at 95; the first 6-hour bar of the day (100, 108.5, 99.5,
// 108) shows the price reached the limit first: it fills at 108.
const MAG_SCRIPT = `//@version=6
strategy("magnifier", initial_capital = 1000, use_bar_magnifier = true)
if bar_index == 0
    strategy.entry("L", strategy.long, qty = 1)
    strategy.exit("X", "L", stop = 95, limit = 108)
`;
const MAG_CHART = 'time,open,high,low,close\n2024-01-01,100,101,99,100\n2024-01-02,100,110,90,105\n2024-01-03,105,106,104,105\n';
const MAG_LOWER = 'time,open,high,low,close\n2024-01-02T00:00:00Z,100,108.5,99.5,108\n2024-01-02T06:00:00Z,108,110,95,96\n2024-01-02T12:00:00Z,96,100,90,99\n2024-01-02T18:00:00Z,99,106,98,105\n';

test('--magnifier-data: the lower bars decide the fill; without it one clear message', () => {
  writeFileSync(join(dir, 'mag.pine'), MAG_SCRIPT);
  writeFileSync(join(dir, 'mag-chart.csv'), MAG_CHART);
  writeFileSync(join(dir, 'mag-lower.csv'), MAG_LOWER);
  const r = cli(['run', join(dir, 'mag.pine'), '--data', join(dir, 'mag-chart.csv'), '--magnifier-data', join(dir, 'mag-lower.csv'), '--trades', '-']);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  const exit = r.out.split('\r\n')[2]?.split(',');
  expect(exit?.slice(1, 5)).toEqual(['Exit long', '2024-01-02T00:00:00+0000', 'X', '108']);
  expect(exit?.[7]).toBe('8');

  const missing = cli(['run', join(dir, 'mag.pine'), '--data', join(dir, 'mag-chart.csv'), '--trades', '-']);
  expect(missing.code).toBe(1);
  expect(missing.err).toMatch(/strategy\(use_bar_magnifier = true\) needs lower-timeframe bars: give them \(CLI: --magnifier-data lower\.csv/);
});
