// The time builtins inside the whole VM: the fixture scripts compiled and run bar by bar by an
// Instance on the fixture's symbol file, every plotted row compared with TradingView's.

import { describe, expect, it } from 'vitest';
import '../../vm/builtins/time/index.js';
import { parseSymbolToml } from '../../vm/builtins/time/symbol-info.js';
import { compile, Instance } from '../../vm/index.js';
import { readCsv, readText, rowTime } from './harness.js';

function run(source: string, symbolFile: string, timeframe: string, csvFile: string): string[] {
  const { program, diagnostics } = compile(source);
  if (program === null || program === undefined) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  const inst = Instance.builder(program).symbol(parseSymbolToml(readText(symbolFile))).timeframe(timeframe).build();
  const csv = readCsv(csvFile);
  for (const row of csv.rows) {
    inst.runBar({ time: rowTime(row[0] as string), open: Number(row[1]), high: Number(row[2]), low: Number(row[3]), close: Number(row[4]), volume: Number(row[5]) });
  }
  const bad: string[] = [];
  csv.rows.forEach((row, i) => {
    for (let j = 6; j < row.length; j++) {
      const got = inst.outputs.column(j - 6)[i];
      if (got !== Number(row[j])) bad.push(`row ${i} ${row[0]} ${csv.header[j]}: want ${row[j]}, got ${got}`);
    }
  });
  return bad;
}

describe('fixture scripts through compile() and Instance', () => {
  it('timeframe.csv', () => {
    const src = [
      '//@version=6',
      'indicator("timeframe.change")',
      'plot(timeframe.change("15") ? 1 : 0)',
      'plot(timeframe.change("240") ? 1.5 : 0)',
      'plot(timeframe.change("D") ? 2 : 0)',
      'plot(timeframe.change("2D") ? 2.2 : 0)',
      'plot(timeframe.change("W") ? 2.5 : 0)',
      'plot(timeframe.change("3W") ? 2.8 : 0)',
      'plot(timeframe.change("M") ? 3 : 0)',
    ].join('\n');
    expect(run(src, 'timeframe/timeframe.toml', '5', 'timeframe/timeframe.csv')).toEqual([]);
  });

  it('timeframe2.csv on a 240-minute chart', () => {
    const src = [
      '//@version=6',
      'indicator("timeframe.change")',
      'plot(timeframe.change("3D") ? 1 : 0)',
      'plot(timeframe.change("7D") ? 2 : 0)',
      'plot(timeframe.change("5W") ? 3 : 0)',
      'plot(timeframe.change("7W") ? 4 : 0)',
      'plot(timeframe.change("M") ? 5 : 0)',
      'plot(timeframe.change("3M") ? 6 : 0)',
    ].join('\n');
    expect(run(src, 'timeframe/timeframe.toml', '240', 'timeframe/timeframe2.csv')).toEqual([]);
  });

  it('session.csv and session_24x7.csv', () => {
    const lines = [
      '//@version=6',
      'indicator("session")',
      'plot(session.isfirstbar ? 1 : 0)',
      'plot(session.isfirstbar_regular ? 1.5 : 0)',
      'plot(session.islastbar ? 2 : 0)',
      'plot(session.islastbar_regular ? 2.5 : 0)',
    ];
    expect(run([...lines, 'plot(session.ismarket ? 3 : 0)'].join('\n'), 'session/session.toml', '60', 'session/session.csv')).toEqual([]);
    expect(run(lines.join('\n'), 'session/session_24x7.toml', '60', 'session/session_24x7.csv')).toEqual([]);
  });
});
