// An imported .evergreen file that is empty, cut short or something else altogether is refused
// with a message a user can act on, never the decoder's own words.

import { describe, expect, it } from 'vitest';
import { decodeExportFile, encodeExportFile } from '../../app/worker/export-file.js';
import type { SnapshotMeta } from '../../app/store/schema.js';

const meta: SnapshotMeta = {
  id: 'x', createdAt: 5, bar: 2, size: 3, kind: 'manual', status: 'ok', statusMessage: null, scriptId: 's', scriptName: 'S', sourceHash: 'h',
  datasetId: 'sample:sp500-daily', datasetName: 'D', inputs: {}, replayFrom: null, runKey: 'k', totalBars: 10,
};
const outputs = { firstBar: 0, length: 3, time: Float64Array.of(1, 2, 3), columns: [[Float64Array.of(1, 2, 3)]] };
const good = encodeExportFile({ meta, source: 'plot(close)', snapshot: new Uint8Array(200).fill(7), outputs, dataset: null });

function messageOf(bytes: Uint8Array): string {
  try {
    decodeExportFile(bytes);
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
}

describe('export file: clear messages for bad files', () => {
  it('says an empty file is empty', () => {
    expect(messageOf(new Uint8Array(0))).toBe('Not a valid Evergreen checkpoint file: the file is empty.');
  });

  it('says a file cut anywhere past its start is truncated, with its length', () => {
    for (let n = 40; n < good.length; n += 7) {
      expect(messageOf(good.subarray(0, n))).toBe(
        `Not a valid Evergreen checkpoint file: the file is truncated (it ends after ${n.toLocaleString('en-US')} bytes, before the checkpoint does); export it again.`,
      );
    }
  });

  it('says text, a CSV or random bytes are not a checkpoint export', () => {
    const notOne = 'Not a valid Evergreen checkpoint file: it is not a checkpoint export (an .evergreen file made with "Export" in the checkpoints panel).';
    expect(messageOf(new TextEncoder().encode('date,open,high,low,close\n2024-01-02,1,2,0.5,1.5\n'))).toBe(notOne);
    expect(messageOf(new TextEncoder().encode('hello this is not a checkpoint\n'.repeat(10)))).toBe(notOne);
    let seed = 42;
    const random = Uint8Array.from({ length: 500 }, () => (seed = (seed * 1103515245 + 12345) % 2147483648) & 255);
    expect(messageOf(random)).toMatch(/^Not a valid Evergreen checkpoint file: /);
    expect(messageOf(random)).not.toMatch(/buffer|MessagePack|Data read/);
  });
});
