// The strategy side of `evergreen run`'s JSON output: a TextSink that adds the `strategy` section
// (trades, performance summary, equity curve) to the JSON that output.ts writes. The trade list
// CSV itself is vm/builtins/strategy/trades-csv.ts (shared with the app).

import { TextSink } from './output.js';
import type { StrategyReport } from '../builtins/strategy/report.js';

export { tradesCsv } from '../builtins/strategy/trades-csv.js';

/** The JSON `strategy` section: finite numbers, null for na. */
export function strategyJson(report: StrategyReport): string {
  return JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2).replace(/\n/g, '\n  ');
}

/** The end toJson writes (output.ts): the JSON's last chunk, where the strategy section goes. */
const JSON_END = '\n  }\n}\n';

/** A TextSink that adds `"strategy": …` as the last member of the JSON object toJson writes, after
 * `"drawings": …` when the strategy draws (`drawings`: that section's JSON, or null). */
export class StrategyJsonSink extends TextSink {
  constructor(
    emit: ((chunk: Buffer) => void) | null,
    private readonly section: string,
    reuse = false,
    private readonly drawings: string | null = null,
  ) {
    super(emit, reuse);
  }

  override write(s: string): void {
    const drawn = this.drawings === null ? '' : `\n  "drawings": ${this.drawings},`;
    super.write(s === JSON_END ? `\n  },${drawn}\n  "strategy": ${this.section}\n}\n` : s);
  }
}
