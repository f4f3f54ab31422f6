// An imported .evergreen file that is empty, cut short or something else altogether is refused
// with a message a user can act on, never the decoder's own words.

import { describe, expect, it } from 'vitest';
import { decodeCheckpointFile as decodeExportFile, encodeCheckpointFile } from '../../vm/index.js';

const outputs = { time: Float64Array.of(1, 2, 3), columns: [[Float64Array.of(1, 2, 3)]] };
const good = encodeCheckpointFile({
  run: { bar: 2, scriptName: 'S', source: 'plot(close)', inputs: {}, datasetId: 'sample:sp500-daily', datasetName: 'D', replayFrom: null, totalBars: 10, barsDigest: null },
  snapshot: new Uint8Array(200).fill(7),
  outputs,
  dataset: null,
});

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
