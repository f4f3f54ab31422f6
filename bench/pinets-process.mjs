// PineTS doing the whole job the `evergreen run` command does, as its own process, for the
// end-to-end bench (bench/data-path.ts): read a CSV of bars (`time,open,high,low,close,volume`,
// unix-second times), run a Pine script over them with PineTS, write its plots as JSON
// (`{"bars": N, "plots": {"<title>": [v0, ...]}}`, null for na). Plain JavaScript, so that no
// TypeScript loader adds to its start-up time.
//
//   node bench/pinets-process.mjs <script.pine> <bars.csv> <out.json> [timeframe]

import { readFileSync, writeFileSync } from 'node:fs';
import { PineTS } from 'pinets';

const [script, data, out, timeframe = '1'] = process.argv.slice(2);
if (!script || !data || !out) {
  process.stderr.write('usage: node bench/pinets-process.mjs <script.pine> <bars.csv> <out.json> [timeframe]\n');
  process.exit(1);
}
const lines = readFileSync(data, 'utf8').split('\n');
const candles = [];
for (let i = 1; i < lines.length; i++) {
  const line = lines[i];
  if (line === '') continue;
  const f = line.split(',');
  const t = Number(f[0]) * 1000;
  candles.push({
    openTime: t, closeTime: t + 60_000, open: Number(f[1]), high: Number(f[2]), low: Number(f[3]), close: Number(f[4]), volume: Number(f[5]),
  });
}
const context = await new PineTS(candles, 'SYNTH', timeframe).run(readFileSync(script, 'utf8'));
const plots = {};
for (const [title, plot] of Object.entries(context.plots)) {
  if (title.startsWith('__')) continue;
  plots[title] = plot.data.map((p) => (typeof p.value === 'number' && Number.isFinite(p.value) ? p.value : null));
}
writeFileSync(out, JSON.stringify({ bars: candles.length, plots }));
