// Reads the inline expectations of a language test file (tests/lang/<area>/*.pine). Every
// annotation is a `// @word ...` comment, alone on its line or after code; the format is described
// in tests/lang/README.md. Produces a Spec (plain data) or throws an Error naming the bad line.

export type Value = number | 'na';

export interface PlotExpect {
  line: number;
  title: string;
  /** Channel name ('value' by default: the first channel). */
  channel: string | null;
  values: Value[];
  /** True when the list ends with `...`: only its first rows are compared. */
  prefix: boolean;
  /** Compare against a column of the @data fixture instead of a list. */
  fixtureColumn: string | null;
  /** Rows of the fixture column to compare (all when null). */
  rows: number | null;
}

export interface DiagExpect {
  line: number;
  severity: 'error' | 'warning';
  at: { line: number; column: number };
  code: string;
  text: string;
}

export interface RuntimeErrorExpect {
  line: number;
  bar: number;
  at: { line: number; column: number | null };
  code: string;
  text: string | null;
  /** Innermost first: `fn@line:column`. */
  stack: { fn: string; line: number; column: number }[] | null;
}

export interface LogExpect {
  line: number;
  bar: number | null;
  level: 'info' | 'warning' | 'error';
  message: string;
}

export interface AlertExpect {
  line: number;
  bar: number | null;
  kind: 'alert' | 'condition';
  message: string;
}

export interface ProgramExpect {
  line: number;
  path: string;
  value: unknown;
}

export interface CodeSizeExpect {
  line: number;
  fn: string;
  max: number;
}

export interface Tick {
  close: number;
  open: number | null;
  high: number | null;
  low: number | null;
  volume: number | null;
}

export interface Spec {
  bars: number | null;
  series: Map<string, number[]>;
  data: { path: string; naValue: number | null } | null;
  timeframe: string | null;
  start: number;
  symbol: Record<string, string | number | boolean>;
  /** totalBars given to the builder: the bar count unless `@total` says otherwise (null: unset). */
  total: number | 'bars' | null;
  inputs: Record<string, number | string | boolean>;
  limits: Record<string, number>;
  ticks: Tick[];
  confirm: boolean;
  plots: PlotExpect[];
  diags: DiagExpect[];
  runtimeError: RuntimeErrorExpect | null;
  hostError: { line: number; code: string; text: string } | null;
  logs: LogExpect[];
  alerts: AlertExpect[];
  program: ProgramExpect[];
  codeSize: CodeSizeExpect[];
  /** Number of individual expectations, for the suite's tally. */
  assertions: number;
}

const DEFAULT_START = Date.UTC(2024, 0, 1);

/** Parses every annotation of `source`. */
export function readSpec(source: string, file: string): Spec {
  const spec: Spec = {
    bars: null,
    series: new Map(),
    data: null,
    timeframe: null,
    start: DEFAULT_START,
    symbol: {},
    total: 'bars',
    inputs: {},
    limits: {},
    ticks: [],
    confirm: false,
    plots: [],
    diags: [],
    runtimeError: null,
    hostError: null,
    logs: [],
    alerts: [],
    program: [],
    codeSize: [],
    assertions: 0,
  };
  const lines = source.split('\n');
  lines.forEach((text, i) => {
    const lineNo = i + 1;
    const at = text.indexOf('// @');
    // `//@version=6` and other compiler annotations have no space after `//`.
    if (at < 0) return;
    const body = text.slice(at + 4).trim();
    const fail = (why: string): never => {
      throw new Error(`${file}:${lineNo}: ${why}: '${text.trim()}'`);
    };
    const sc = new Scanner(body, fail);
    const word = sc.word();
    switch (word) {
      case 'bars':
        spec.bars = sc.int();
        break;
      case 'series': {
        const name = sc.word();
        if (!['open', 'high', 'low', 'close', 'volume'].includes(name)) fail(`unknown series '${name}'`);
        sc.expect('=');
        spec.series.set(name, sc.list().map((v) => (v === 'na' ? NaN : v)));
        break;
      }
      case 'data': {
        const path = sc.rest();
        const m = /^(\S+)(?:\s+na=(\S+))?$/.exec(path);
        if (!m || !m[1]) return fail('expected a fixture path');
        spec.data = { path: m[1], naValue: m[2] !== undefined ? Number(m[2]) : null };
        break;
      }
      case 'timeframe':
        spec.timeframe = sc.token();
        break;
      case 'start': {
        const t = Date.parse(sc.token());
        if (Number.isNaN(t)) fail('bad start time');
        spec.start = t;
        break;
      }
      case 'symbol':
        Object.assign(spec.symbol, sc.pairs());
        break;
      case 'total': {
        const tok = sc.token();
        spec.total = tok === 'none' ? null : Number(tok);
        if (typeof spec.total === 'number' && !Number.isInteger(spec.total)) fail('bad @total');
        break;
      }
      case 'inputs':
        Object.assign(spec.inputs, sc.pairs());
        break;
      case 'limits': {
        for (const [k, v] of Object.entries(sc.pairs())) {
          if (typeof v !== 'number') fail(`limit '${k}' must be a number`);
          else spec.limits[k] = v;
        }
        break;
      }
      case 'tick': {
        const p = sc.pairs();
        const num = (k: string): number | null => {
          const v = p[k];
          if (v === undefined) return null;
          if (typeof v !== 'number') return fail(`tick ${k} must be a number`);
          return v;
        };
        const close = num('close');
        if (close === null) return fail('a tick needs close=');
        spec.ticks.push({ close, open: num('open'), high: num('high'), low: num('low'), volume: num('volume') });
        break;
      }
      case 'confirm':
        spec.confirm = true;
        break;
      case 'expect':
        readExpect(spec, sc, lineNo, fail);
        break;
      case 'expect-error':
      case 'expect-warning': {
        const pos = sc.position(lineNo);
        const code = sc.token();
        if (!/^[EW]\d{3}$/.test(code)) fail(`bad diagnostic code '${code}'`);
        spec.diags.push({
          line: lineNo,
          severity: word === 'expect-error' ? 'error' : 'warning',
          at: pos,
          code,
          text: sc.rest(),
        });
        spec.assertions += 1;
        break;
      }
      case 'expect-runtime-error': {
        if (spec.runtimeError) fail('only one runtime error per file');
        sc.keyword('bar');
        const bar = sc.int();
        let pos: { line: number; column: number | null };
        const kw = sc.word();
        if (kw === 'line') pos = { line: sc.int(), column: null };
        else if (kw === 'at') pos = sc.position(lineNo);
        else return fail("expected 'line N' or 'at L:C'");
        const code = sc.token();
        let msg: string | null = null;
        let stack: RuntimeErrorExpect['stack'] = null;
        if (sc.peek() === '"') msg = sc.string();
        if (!sc.done()) {
          sc.keyword('stack');
          stack = sc.rest().split(',').map((f) => {
            const m = /^\s*([^@\s]+)@(\d+):(\d+)\s*$/.exec(f);
            if (!m || !m[1]) return fail(`bad stack frame '${f}' (want fn@line:column)`);
            return { fn: m[1], line: Number(m[2]), column: Number(m[3]) };
          });
        }
        spec.runtimeError = { line: lineNo, bar, at: pos, code, text: msg, stack };
        spec.assertions += 1;
        break;
      }
      case 'expect-host-error': {
        const code = sc.token();
        spec.hostError = { line: lineNo, code, text: sc.peek() === '"' ? sc.string() : sc.rest() };
        spec.assertions += 1;
        break;
      }
      default:
        fail(`unknown annotation '@${word}'`);
    }
    if (!sc.done() && word !== 'expect') fail(`unexpected text '${sc.rest()}'`);
  });
  return spec;
}

function readExpect(spec: Spec, sc: Scanner, lineNo: number, fail: (why: string) => never): void {
  const what = sc.word();
  switch (what) {
    case 'plot': {
      const title = sc.string();
      let channel: string | null = null;
      if (sc.peek() !== '=') channel = sc.word();
      sc.expect('=');
      if (sc.peek() === '[') {
        const { values, prefix } = sc.listWithPrefix();
        spec.plots.push({ line: lineNo, title, channel, values, prefix, fixtureColumn: null, rows: null });
        spec.assertions += values.length;
      } else {
        sc.keyword('fixture');
        const column = sc.string();
        let rows: number | null = null;
        if (!sc.done()) {
          sc.keyword('rows');
          rows = sc.int();
        }
        spec.plots.push({ line: lineNo, title, channel, values: [], prefix: false, fixtureColumn: column, rows });
        spec.assertions += 1;
      }
      break;
    }
    case 'log': {
      let bar: number | null = null;
      if (sc.peek() === 'b') {
        sc.keyword('bar');
        bar = sc.int();
      }
      const level = sc.word();
      if (level !== 'info' && level !== 'warning' && level !== 'error') return fail(`bad log level '${level}'`);
      spec.logs.push({ line: lineNo, bar, level, message: sc.string() });
      spec.assertions += 1;
      break;
    }
    case 'alert': {
      let bar: number | null = null;
      if (sc.peek() === 'b') {
        sc.keyword('bar');
        bar = sc.int();
      }
      let kind: 'alert' | 'condition' = 'alert';
      if (sc.peek() === 'c') {
        sc.keyword('condition');
        kind = 'condition';
      }
      spec.alerts.push({ line: lineNo, bar, kind, message: sc.string() });
      spec.assertions += 1;
      break;
    }
    case 'program': {
      const path = sc.token();
      sc.expect('=');
      const raw = sc.rest();
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        fail(`the value must be JSON, got '${raw}'`);
      }
      spec.program.push({ line: lineNo, path, value });
      spec.assertions += 1;
      break;
    }
    case 'instructions': {
      const fn = sc.token();
      sc.expect('<=');
      spec.codeSize.push({ line: lineNo, fn, max: sc.int() });
      spec.assertions += 1;
      break;
    }
    default:
      fail(`unknown expectation '${what}'`);
  }
  if (!sc.done()) fail(`unexpected text '${sc.rest()}'`);
}

/** A tiny scanner over the text of one annotation. */
class Scanner {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly fail: (why: string) => never,
  ) {}

  private ws(): void {
    while (this.pos < this.text.length && /\s/.test(this.text.charAt(this.pos))) this.pos++;
  }

  done(): boolean {
    this.ws();
    return this.pos >= this.text.length;
  }

  peek(): string {
    this.ws();
    return this.text.charAt(this.pos);
  }

  word(): string {
    this.ws();
    const m = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(this.text.slice(this.pos));
    if (!m) return this.fail('expected a word');
    this.pos += m[0].length;
    return m[0];
  }

  keyword(k: string): void {
    const w = this.word();
    if (w !== k) this.fail(`expected '${k}', found '${w}'`);
  }

  token(): string {
    this.ws();
    const m = /^\S+/.exec(this.text.slice(this.pos));
    if (!m) return this.fail('expected a value');
    this.pos += m[0].length;
    return m[0];
  }

  int(): number {
    const t = this.token();
    const n = Number(t);
    if (!Number.isInteger(n)) this.fail(`expected an integer, found '${t}'`);
    return n;
  }

  expect(s: string): void {
    this.ws();
    if (!this.text.startsWith(s, this.pos)) this.fail(`expected '${s}'`);
    this.pos += s.length;
  }

  rest(): string {
    this.ws();
    const r = this.text.slice(this.pos).trim();
    this.pos = this.text.length;
    return r;
  }

  /** A double-quoted string with JSON escapes. */
  string(): string {
    this.ws();
    if (this.text.charAt(this.pos) !== '"') return this.fail('expected a "string"');
    let end = this.pos + 1;
    while (end < this.text.length && this.text.charAt(end) !== '"') end += this.text.charAt(end) === '\\' ? 2 : 1;
    if (end >= this.text.length) return this.fail('unterminated string');
    const raw = this.text.slice(this.pos, end + 1);
    this.pos = end + 1;
    return JSON.parse(raw) as string;
  }

  /** `L:C`, or `:C` for the line the annotation is on. */
  position(here: number): { line: number; column: number } {
    const t = this.token();
    const m = /^(\d*):(\d+)$/.exec(t);
    if (!m) return this.fail(`expected line:column, found '${t}'`);
    return { line: m[1] ? Number(m[1]) : here, column: Number(m[2]) };
  }

  value(): Value {
    this.ws();
    if (this.text.startsWith('na', this.pos)) {
      this.pos += 2;
      return 'na';
    }
    if (this.text.startsWith('true', this.pos)) {
      this.pos += 4;
      return 1;
    }
    if (this.text.startsWith('false', this.pos)) {
      this.pos += 5;
      return 0;
    }
    if (this.text.charAt(this.pos) === '#') {
      const m = /^#([0-9a-fA-F]{6})([0-9a-fA-F]{2})?/.exec(this.text.slice(this.pos));
      if (!m || !m[1]) return this.fail('bad color');
      this.pos += m[0].length;
      const rgb = parseInt(m[1], 16);
      const a = m[2] ? parseInt(m[2], 16) : 255;
      // Same encoding as vm/runtime/color-value.ts (rgb24·1024 + transparency·10).
      return rgb * 1024 + Math.round(((255 - a) / 255) * 1000);
    }
    const m = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(this.text.slice(this.pos));
    if (!m) return this.fail(`expected a number or na at '${this.text.slice(this.pos, this.pos + 10)}'`);
    this.pos += m[0].length;
    return Number(m[0]);
  }

  list(): Value[] {
    const r = this.listWithPrefix();
    if (r.prefix) this.fail("'...' is not allowed here");
    return r.values;
  }

  /** `[v, v, ...]`: a trailing `...` marks a prefix. `N*v` repeats v N times. */
  listWithPrefix(): { values: Value[]; prefix: boolean } {
    this.expect('[');
    const values: Value[] = [];
    let prefix = false;
    if (this.peek() === ']') {
      this.pos++;
      return { values, prefix };
    }
    for (;;) {
      this.ws();
      if (this.text.startsWith('...', this.pos)) {
        this.pos += 3;
        prefix = true;
        this.expect(']');
        return { values, prefix };
      }
      const rep = /^(\d+)\*/.exec(this.text.slice(this.pos));
      if (rep) {
        this.pos += rep[0].length;
        const v = this.value();
        for (let i = 0; i < Number(rep[1]); i++) values.push(v);
      } else values.push(this.value());
      if (this.peek() === ',') {
        this.pos++;
        continue;
      }
      this.expect(']');
      return { values, prefix };
    }
  }

  /** `key=value ...`: numbers, true/false, "strings" or bare words (strings). */
  pairs(): Record<string, number | string | boolean> {
    const out: Record<string, number | string | boolean> = {};
    while (!this.done()) {
      const k = this.word();
      this.expect('=');
      this.ws();
      if (this.text.charAt(this.pos) === '"') {
        out[k] = this.string();
        continue;
      }
      const t = this.token();
      if (t === 'true' || t === 'false') out[k] = t === 'true';
      else if (t !== '' && !Number.isNaN(Number(t))) out[k] = Number(t);
      else out[k] = t;
    }
    return out;
  }
}
