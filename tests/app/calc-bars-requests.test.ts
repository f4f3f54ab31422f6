// indicator(calc_bars_count = N) in the app with a request of the chart's own symbol at a higher
// timeframe: the chart shows the last N bars, and the weekly values come from the whole dataset
// (the worker answers the chart's own ticker with every bar), so a weekly ta.sma has the weeks
// before the window. Expected values from the CSV rows read here (weeks from Monday, UTC).

import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { boot, engineList } from './engine-harness.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const LINES = readFileSync(`${ROOT}public/samples/sp500-daily-2000-2020.csv`, 'utf8').trim().split('\n');
const DATA = `${LINES.slice(0, 201).join('\n')}\n`;
const HEADER = (LINES[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
const rows = LINES.slice(1, 201).map((l) => {
  const c = l.split(',');
  return { time: Date.parse(`${c[0]}T00:00:00Z`), close: Number(c[HEADER.indexOf('close')]) };
});
const N = 40;
const SCRIPT = `//@version=6
indicator("Weekly over the last bars", calc_bars_count = ${N})
plot(request.security(syminfo.tickerid, "1W", ta.sma(close, 5)), "W")
plot(bar_index, "Bar")
`;
const DAY = 86_400_000;
const monday = (t: number): number => t - ((new Date(t).getUTCDay() + 6) % 7) * DAY;

const engines = engineList();

describe('calc_bars_count and request.security of the chart\'s own symbol in the app', () => {
  it('the weekly values are built from every bar of the dataset, the chart shows the last N', async () => {
    const weeks: { mon: number; close: number }[] = [];
    for (const r of rows) {
      const m = monday(r.time);
      const w = weeks.at(-1);
      if (w && w.mon === m) w.close = r.close;
      else weeks.push({ mon: m, close: r.close });
    }
    const want = rows.slice(-N).map((r) => {
      const k = weeks.findIndex((w) => w.mon === monday(r.time)) - 1;
      return k >= 4 ? weeks.slice(k - 4, k + 1).reduce((a, w) => a + w.close, 0) / 5 : null;
    });
    expect(want[0]).not.toBeNull();

    const { engine, page } = await boot(`cbc-req-${Date.now()}`);
    engines.push(engine);
    await page.settled();
    const imported = await engine.importCsv('spx.csv', new TextEncoder().encode(DATA));
    expect(imported.ok).toBe(true);
    await engine.setSource(SCRIPT);
    await engine.run();
    await page.until('the run', () => page.lastEnd?.status === 'done' && page.buffer.outputIdByTitle('Bar') >= 0 && page.buffer.barCount === N);
    expect(page.values('Bar')).toEqual(Array.from({ length: N }, (_, i) => i));
    const got = page.values('W');
    expect(got.length).toBe(N);
    got.forEach((v, i) => {
      const w = want[i] ?? null;
      if (w === null) expect(v).toBeNull();
      else expect(Math.abs((v ?? NaN) - w)).toBeLessThan(1e-9);
    });
  });
});
