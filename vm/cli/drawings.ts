// The CLI's drawings output: the live drawings at the end of a run (Instance.drawings(), every
// property a renderer needs) as JSON — appended to `--format json` as a "drawings" section for
// scripts that draw, or written alone by `--drawings <file>`.

import { writeFileSync } from 'node:fs';
import type { DrawingRecord, Program } from '../index.js';
import { TextSink } from './output.js';

/** Whether the program can draw (the compiler reserved its drawing registry). */
export function drawsAnything(program: Program): boolean {
  return program.builtins.some((b) => /^(label|line|box|table|polyline|linefill)\.new$/.test(b.name));
}

/** The drawings as a JSON array, one drawing per line, indented by `indent`. */
export function drawingsJson(records: readonly DrawingRecord[], indent = ''): string {
  if (records.length === 0) return '[]';
  return `[\n${records.map((r) => `${indent}  ${JSON.stringify(r)}`).join(',\n')}\n${indent}]`;
}

/** A TextSink for toJson's output that adds `"drawings": [...]` as the last member of the object
 * (it rewrites the object's closing text, the last thing toJson writes). */
export class JsonWithDrawings extends TextSink {
  constructor(
    emit: ((chunk: Buffer) => void) | null,
    private readonly records: readonly DrawingRecord[],
    reuse = false,
  ) {
    super(emit, reuse);
  }

  override write(s: string): void {
    if (s === '\n  }\n}\n') {
      super.write(`\n  },\n  "drawings": ${drawingsJson(this.records, '  ')}\n}\n`);
      return;
    }
    super.write(s);
  }
}

/** `--drawings <file>`: the drawings alone, as a JSON array. */
export function writeDrawingsFile(path: string, records: readonly DrawingRecord[]): void {
  writeFileSync(path, `${drawingsJson(records)}\n`);
}
