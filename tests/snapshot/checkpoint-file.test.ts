// The portable checkpoint file (vm/snapshot/checkpoint-file.ts): version-1 files (the app's first
// exports: a `meta` record, the source beside it, the dataset as {meta, bars}) still read, mapped to
// the version-2 run record; the bars digest tells equal bars from changed ones; a carried dataset
// shorter than its checkpoint is refused.

import { describe, expect, it } from 'vitest';
import { Packr } from 'msgpackr';
import { barsDigest, carriedDatasetId, decodeCheckpointFile, encodeCheckpointFile, CheckpointFileError } from '../../vm/index.js';

const packr = new Packr({ moreTypes: true, useRecords: false, structuredClone: false });
const cols = (n: number, base: number) => ({
  time: Float64Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * 60_000),
  open: Float64Array.from({ length: n }, (_, i) => base + i),
  high: Float64Array.from({ length: n }, (_, i) => base + i + 1),
  low: Float64Array.from({ length: n }, (_, i) => base + i - 1),
  close: Float64Array.from({ length: n }, (_, i) => base + i + 0.5),
  volume: Float64Array.from({ length: n }, () => NaN),
});

describe('checkpoint files', () => {
  it('reads a version-1 file as its run record', () => {
    const bars = cols(5, 100);
    const v1 = packr.pack({
      format: 'evergreen-checkpoint',
      version: 1,
      meta: { id: 'x', createdAt: 1, bar: 2, size: 1, kind: 'manual', status: 'ok', statusMessage: null, scriptId: 's', scriptName: 'Mine', sourceHash: 'h', datasetId: 'csv:abc', datasetName: 'prices', inputs: { len: 3 }, replayFrom: null, runKey: 'k', totalBars: 5 },
      source: 'plot(close)',
      snapshot: Uint8Array.of(1, 2),
      outputs: { firstBar: 0, length: 3, time: bars.time.slice(0, 3), columns: [[Float64Array.of(1, 2, 3)]] },
      dataset: { meta: { id: 'csv:abc', name: 'prices', fileName: 'prices.csv', length: 5, firstTime: 0, lastTime: 0, timeframe: '1', warnings: [], createdAt: 1 }, bars: { id: 'csv:abc', ...bars } },
    });
    const f = decodeCheckpointFile(new Uint8Array(v1));
    expect(f.run).toEqual({ bar: 2, scriptName: 'Mine', source: 'plot(close)', inputs: { len: 3 }, datasetId: 'csv:abc', datasetName: 'prices', replayFrom: null, totalBars: 5, barsDigest: null });
    expect(f.dataset?.fileName).toBe('prices.csv');
    expect(Array.from(f.dataset?.close ?? [])).toEqual(Array.from(bars.close));
  });

  it('gives equal bars equal digests and a changed price another one', () => {
    const a = cols(50, 10);
    const b = cols(50, 10);
    expect(barsDigest(a, 50)).toBe(barsDigest(b, 50));
    expect(carriedDatasetId(a)).toBe(`csv:${barsDigest(a, 50)}`);
    b.close[30] = (b.close[30] ?? 0) + 0.01;
    expect(barsDigest(b, 50)).not.toBe(barsDigest(a, 50));
    // Only bars before `end` count.
    expect(barsDigest(b, 30)).toBe(barsDigest(a, 30));
  });

  it('refuses a file carrying fewer bars than its checkpoint ran on', () => {
    const bars = cols(3, 1);
    const bytes = encodeCheckpointFile({
      run: { bar: 4, scriptName: 'S', source: 'plot(close)', inputs: {}, datasetId: 'csv:x', datasetName: 'x', replayFrom: null, totalBars: 5, barsDigest: null },
      snapshot: Uint8Array.of(1),
      outputs: { time: Float64Array.from([0, 1, 2, 3, 4]), columns: [] },
      dataset: { name: 'x', fileName: 'x.csv', timeframe: '1', ...bars, symbol: null },
    });
    expect(() => decodeCheckpointFile(bytes)).toThrow(CheckpointFileError);
    expect(() => decodeCheckpointFile(bytes)).toThrow('Not a valid Evergreen checkpoint file: it carries 3 bars, fewer than its checkpoint needs.');
  });

  // Version 3: the run record carries a digest of the plot rows (run.outputsDigest), so a damaged
  // plot value is refused instead of restored; version 2 files (no digest) still read, unchecked.
  const plotRun = { bar: 2, scriptName: 'S', source: 'plot(close)', inputs: {}, datasetId: 'csv:x', datasetName: 'x', replayFrom: null, totalBars: 3, barsDigest: null };
  const plotRows = () => ({ time: Float64Array.of(1_700_000_000_000, 1_700_000_060_000, 1_700_000_120_000), columns: [[Float64Array.of(1.5, NaN, 2.5)], [Float64Array.of(7, 8, 9), Float64Array.of(0, 0, 1)]] });
  /** The file's bytes with the float64 `from` (big-endian, as msgpack writes it) replaced by `to`. */
  const patched = (bytes: Uint8Array, from: number, to: number): Uint8Array => {
    const out = bytes.slice();
    const want = new Uint8Array(8);
    new DataView(want.buffer).setFloat64(0, from, true); // typed arrays are stored in host (little-endian) order
    const at = Buffer.from(out).indexOf(Buffer.from(want));
    if (at < 0) throw new Error(`value ${from} not found in the file`);
    new DataView(out.buffer, out.byteOffset + at, 8).setFloat64(0, to, true);
    return out;
  };

  it('version 3 reads back its plot rows, and refuses a file whose plot value was changed, naming the field', () => {
    const bytes = encodeCheckpointFile({ run: plotRun, snapshot: Uint8Array.of(1), outputs: plotRows(), dataset: null });
    expect((packr.unpack(bytes) as { version: number }).version).toBe(3);
    const f = decodeCheckpointFile(bytes);
    expect(f.outputs.columns.map((chs) => chs.map((c) => Array.from(c)))).toEqual([[[1.5, NaN, 2.5]], [[7, 8, 9], [0, 0, 1]]]);
    const damaged = patched(bytes, 8, 8.000000001);
    expect(() => decodeCheckpointFile(damaged)).toThrow(/^Not a valid Evergreen checkpoint file: the plot rows are damaged: their values do not match the file's digest of them \(field 'outputs', digest [0-9a-f]{16}\); export it again\.$/);
    // A NaN turned into a number, a value in the first column, a plot time: each refused.
    expect(() => decodeCheckpointFile(patched(bytes, 2.5, 2.25))).toThrow(/the plot rows are damaged/);
    expect(() => decodeCheckpointFile(patched(bytes, 1.5, -1.5))).toThrow(/the plot rows are damaged/);
    expect(() => decodeCheckpointFile(patched(bytes, 1_700_000_060_000, 1_700_000_070_000))).toThrow(/the plot rows are damaged/);
  });

  it('version 3 without the digest is refused naming the field', () => {
    const raw = packr.unpack(encodeCheckpointFile({ run: plotRun, snapshot: Uint8Array.of(1), outputs: plotRows(), dataset: null })) as { run: Record<string, unknown> };
    delete raw.run.outputsDigest;
    expect(() => decodeCheckpointFile(new Uint8Array(packr.pack(raw)))).toThrow("Not a valid Evergreen checkpoint file: the run record has no digest of the plot rows (field 'run.outputsDigest').");
  });

  it('version 2 files (no plot digest) still read, their plot rows unchecked as before', () => {
    const raw = packr.unpack(encodeCheckpointFile({ run: plotRun, snapshot: Uint8Array.of(1), outputs: plotRows(), dataset: null })) as { version: number; run: Record<string, unknown> };
    raw.version = 2;
    delete raw.run.outputsDigest;
    const v2 = patched(new Uint8Array(packr.pack(raw)), 8, 80);
    const f = decodeCheckpointFile(v2);
    expect(Array.from(f.outputs.columns[1]?.[0] ?? [])).toEqual([7, 80, 9]);
    expect(f.run).toEqual(plotRun);
  });
});
