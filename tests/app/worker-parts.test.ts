// Small parts of the engine worker: intrabar ticks, run identity (inputs, keys), the checkpoint
// export file format, timeframe and tick size inference.

import { describe, expect, it } from 'vitest';
import { ticksForBar, TICKS_PER_BAR } from '../../app/worker/ticks.js';
import { resolveInputs, runKeyOf } from '../../app/worker/run-config.js';
import { hashText, stableJson } from '../../app/worker/hash.js';
import { decodeExportFile, ExportFileError } from '../../app/worker/export-file.js';
import { encodeCheckpointFile, type CheckpointRun } from '../../vm/index.js';
import { tickerFromFileName } from '../../app/worker/datasets.js';
import { inferMintick, inferTimeframe } from '../../vm/index.js';
import { createBars, type BarColumns } from '../../vm/data/bars.js';
import type { InputInfo } from '../../vm/index.js';

describe('ticks', () => {
  it('walks an up bar open → low → high → close with the range seen so far', () => {
    const t = ticksForBar({ time: 1, open: 10, high: 13, low: 9, close: 12, volume: 100 });
    expect(t).toHaveLength(TICKS_PER_BAR);
    expect(t.map((x) => x.close)).toEqual([10, 9, 13, 12]);
    expect(t.map((x) => [x.high, x.low])).toEqual([
      [10, 10],
      [10, 9],
      [13, 9],
      [13, 9],
    ]);
    expect(t.map((x) => x.volume)).toEqual([25, 50, 75, 100]);
  });

  it('walks a down bar open → high → low → close and keeps na volume na', () => {
    const t = ticksForBar({ time: 1, open: 10, high: 11, low: 7, close: 8, volume: NaN });
    expect(t.map((x) => x.close)).toEqual([10, 11, 7, 8]);
    expect(t.every((x) => Number.isNaN(x.volume))).toBe(true);
    expect(t.every((x) => x.open === 10 && x.time === 1)).toBe(true);
  });
});

describe('run identity', () => {
  const input = (over: Partial<InputInfo>): InputInfo => ({
    id: 0, kind: 'int', title: 'Length', varName: 'len', defval: 14, options: null, minval: null, maxval: null, step: null, tooltip: null, group: null, inline: null, reg: 0, ...over,
  });
  const inputs = [input({}), input({ id: 1, kind: 'bool', title: 'Show', varName: null, defval: true })];

  it('resolves every input, passing on only overrides that fit', () => {
    const r = resolveInputs(inputs, { len: 20, Show: true, gone: 3 });
    expect(r.values).toEqual({ len: 20, Show: true });
    expect(r.overrides).toEqual({ len: 20 });
    expect(r.dropped).toEqual(['gone']);
    expect(resolveInputs(inputs, { len: 'x' }).dropped).toEqual(['len']);
  });

  it('keys a run by source, inputs, dataset and replay start, whatever the key order', () => {
    const base = { sourceHash: hashText('plot(close)'), inputs: { a: 1, b: true }, datasetId: 'd', replayFrom: null };
    const k = runKeyOf(base);
    expect(runKeyOf({ ...base, inputs: { b: true, a: 1 } })).toBe(k);
    expect(runKeyOf({ ...base, inputs: { a: 2, b: true } })).not.toBe(k);
    expect(runKeyOf({ ...base, datasetId: 'e' })).not.toBe(k);
    expect(runKeyOf({ ...base, replayFrom: 100 })).not.toBe(k);
    expect(runKeyOf({ ...base, sourceHash: hashText('plot(open)') })).not.toBe(k);
    expect(stableJson({ b: [1, { d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[1,{"c":2,"d":1}]}');
    expect(hashText('a')).toMatch(/^[0-9a-f]{16}$/);
    expect(hashText('ab')).not.toBe(hashText('ba'));
  });
});

describe('export file', () => {
  const run: CheckpointRun = {
    bar: 2, scriptName: 'S', source: 'plot(close)', inputs: { len: 3 }, datasetId: 'sample:sp500-daily', datasetName: 'D', replayFrom: 1, totalBars: 10, barsDigest: null,
  };
  const outputs = { time: Float64Array.of(1, 2, 3), columns: [[Float64Array.of(NaN, -0, 4)]] };

  it('round-trips the run record, source, snapshot bytes and plot rows (na and -0 included)', () => {
    const bytes = encodeCheckpointFile({ run, snapshot: Uint8Array.of(1, 2, 3), outputs, dataset: null });
    expect(bytes.byteLength).toBe(bytes.buffer.byteLength);
    const f = decodeExportFile(bytes);
    expect(f.run).toEqual(run);
    expect(Array.from(f.snapshot)).toEqual([1, 2, 3]);
    const col = f.outputs.columns[0]?.[0];
    expect(col).toBeInstanceOf(Float64Array);
    expect(Number.isNaN(col?.[0] as number)).toBe(true);
    expect(Object.is(col?.[1], -0)).toBe(true);
  });

  it('refuses damaged or foreign files by naming what is wrong', () => {
    const good = encodeCheckpointFile({ run, snapshot: Uint8Array.of(1), outputs, dataset: null });
    expect(() => decodeExportFile(new TextEncoder().encode('hello'))).toThrow(ExportFileError);
    expect(() => decodeExportFile(good.subarray(0, good.length - 5))).toThrow(/Not a valid Evergreen checkpoint file/);
    const wrongVersion = encodeCheckpointFile({ run, snapshot: Uint8Array.of(1), outputs, dataset: null });
    // Version field: patch the encoded number 3 after the 'version' key.
    const at = Buffer.from(wrongVersion).indexOf(Buffer.from('version')) + 'version'.length;
    wrongVersion[at] = 0x07;
    expect(() => decodeExportFile(wrongVersion)).toThrow('Unsupported checkpoint file version 7: this version of Evergreen reads versions 1 to 3 (the file was made by a newer Evergreen: update this one to import it).');
    const bad = encodeCheckpointFile({ run, snapshot: Uint8Array.of(1), outputs: { ...outputs, columns: [[Float64Array.of(1)]] }, dataset: null });
    expect(() => decodeExportFile(bad)).toThrow('Not a valid Evergreen checkpoint file: the plot rows are inconsistent.');
  });

  it('writes the same bytes whatever order the records were made in (NaN payloads and key order normalised)', () => {
    const odd = new Float64Array(3);
    new DataView(odd.buffer).setUint32(4, 0xfff80000, true); // a negative quiet NaN, as x86 makes 0 * Infinity
    odd[1] = 5;
    odd[2] = NaN;
    const a = encodeCheckpointFile({ run, snapshot: Uint8Array.of(9), outputs: { time: Float64Array.of(1, 2, 3), columns: [[odd]] }, dataset: null });
    const reordered: CheckpointRun = { totalBars: 10, barsDigest: null, replayFrom: 1, datasetName: 'D', datasetId: 'sample:sp500-daily', inputs: { len: 3 }, source: 'plot(close)', scriptName: 'S', bar: 2 };
    const b = encodeCheckpointFile({ dataset: null, outputs: { columns: [[Float64Array.of(NaN, 5, NaN)]], time: Float64Array.of(1, 2, 3) }, snapshot: Uint8Array.of(9), run: reordered });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });
});

describe('dataset inference (one set of rules for the app and the CLI)', () => {
  const day = 86_400_000;
  const barsAt = (times: number[]): BarColumns => {
    const b = createBars(times.length);
    b.time.set(times);
    return b;
  };
  const pricedAt = (closes: number[]): BarColumns => {
    const b = createBars(closes.length);
    b.time.set(closes.map((_, i) => i * day));
    for (const col of [b.open, b.high, b.low, b.close]) col.set(closes);
    return b;
  };
  it('infers the timeframe from the most common bar spacing', () => {
    expect(inferTimeframe(barsAt([0, 1, 2, 3, 6, 7, 8, 9, 10, 13].map((d) => d * day)))).toBe('1D');
    expect(inferTimeframe(barsAt(Array.from({ length: 50 }, (_, i) => i * 3_600_000)))).toBe('60');
    expect(inferTimeframe(barsAt(Array.from({ length: 10 }, (_, i) => i * 7 * day)))).toBe('1W');
    expect(inferTimeframe(barsAt(Array.from({ length: 10 }, (_, i) => i * 30_000)))).toBe('30S');
    expect(inferTimeframe(barsAt([0]))).toBe('1D');
  });

  it('infers the tick size from the decimals prices are written with', () => {
    expect(inferMintick(pricedAt([1.5, 1.25, 1.125]))).toBe(0.001);
    expect(inferMintick(pricedAt([100, 101]))).toBe(1);
    // Six decimals that are real: 1455.219971 counts 6, though scaling it by 1e6 is not exact
    // (1455.219971 + 1e-6 is not a 32-bit float printed with 6 decimals).
    expect(inferMintick(pricedAt([1455.219972, 1399.420045]))).toBe(1e-6);
    // Yahoo writes 32-bit floats with 6 decimals: 1455.219971 is Math.fround(1455.22) printed
    // (1455.219970703125), 1399.420044 is Math.fround(1399.42) (1399.4200439453125): the prices
    // are 1455.22 and 1399.42, a tick of 0.01 (the sample S&P 500 file's).
    expect(inferMintick(pricedAt([1455.219971, 1399.420044]))).toBe(0.01);
    // 1381.76001 (written with 5 decimals: Math.fround(1381.76) is 1381.760009765625) is 1381.76.
    expect(inferMintick(pricedAt([1381.76001, 1400.5]))).toBe(0.01);
    // A float32 cannot hold 43000.123456 (its nearest float prints 43000.125000): 6 decimals stay.
    expect(inferMintick(pricedAt([43000.123456]))).toBe(1e-6);
    // Small prices are held by a float32 to 7 significant digits: 1.083451 stays 6 decimals.
    expect(inferMintick(pricedAt([1.083451]))).toBe(1e-6);
    expect(tickerFromFileName('my data (2024).csv')).toBe('MY_DATA_2024');
    // TradingView's "Export chart data" names: EXCHANGE_SYMBOL, TIMEFRAME[_id] gives SYMBOL.
    expect(tickerFromFileName('FX_EURUSD, 60.csv')).toBe('EURUSD');
    expect(tickerFromFileName('BINANCE_BTCUSDT, 1D_3f2a1.csv')).toBe('BTCUSDT');
    expect(tickerFromFileName('BYBIT_BTCUSDT.P, 240.csv')).toBe('BTCUSDT_P');
    expect(tickerFromFileName('NASDAQ_AAPL, 1W.csv')).toBe('AAPL');
    // Other names with a comma keep the whole name.
    expect(tickerFromFileName('prices, old.csv')).toBe('PRICES_OLD');
  });
});
