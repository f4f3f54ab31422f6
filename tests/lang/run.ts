// Runs one language test file: compiles it, checks every diagnostic against its @expect-error /
// @expect-warning lines, runs it over its bars (synthetic or a fixture), ticks and confirmations,
// and checks plots, logs, runtime errors, host errors, program metadata and code size. Returns the
// list of failures (empty when the file passes), each naming the annotation line it comes from.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  compile,
  disassemble,
  Instance,
  InstanceError,
  PineRuntimeError,
  DEFAULT_SYMBOL,
  type Bar,
  type Program,
  type SymbolInfo,
} from '../../vm/index.js';
import { OP_LEN } from '../../vm/bytecode/opcodes.js';
import { parseSymbolToml } from '../../vm/builtins/time/symbol-info.js';
import { barAt } from '../../vm/data/bars.js';
import { loadFixture, type Fixture } from '../ta/fixture.js';
import { readSpec, type Spec, type Value } from './spec.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'tradingview');
const DAY = 86_400_000;

export interface FileResult {
  failures: string[];
  assertions: number;
}

/** The synthetic bars of `@bars N` (see README.md): close = 10 + i, open = close - 0.5,
 * high = close + 1, low = close - 1, volume = 100·(i + 1), one bar per timeframe period from
 * 2024-01-01 UTC (daily unless `@timeframe` says otherwise). `@series` replaces a column; open,
 * high and low follow a replaced close unless replaced themselves. */
export function syntheticBars(spec: Spec, n: number, stepMs: number): Bar[] {
  const col = (name: string, i: number): number | undefined => spec.series.get(name)?.[i];
  for (const [name, vals] of spec.series) {
    if (vals.length !== n) throw new Error(`@series ${name} has ${vals.length} values for ${n} bars`);
  }
  const bars: Bar[] = [];
  for (let i = 0; i < n; i++) {
    const close = col('close', i) ?? 10 + i;
    bars.push({
      time: spec.start + i * stepMs,
      open: col('open', i) ?? close - 0.5,
      high: col('high', i) ?? close + 1,
      low: col('low', i) ?? close - 1,
      close,
      volume: col('volume', i) ?? 100 * (i + 1),
    });
  }
  return bars;
}

function timeframeMs(tf: string): number {
  const m = /^(\d*)([SDWM]?)$/.exec(tf);
  if (!m) throw new Error(`bad @timeframe ${tf}`);
  const k = m[1] ? Number(m[1]) : 1;
  switch (m[2]) {
    case 'S':
      return k * 1000;
    case 'D':
      return k * DAY;
    case 'W':
      return k * 7 * DAY;
    case 'M':
      return k * 30 * DAY;
    default:
      return k * 60_000;
  }
}

function sameValue(ours: number, want: Value): boolean {
  if (want === 'na') return Number.isNaN(ours);
  if (Number.isNaN(ours)) return false;
  if (ours === want) return true;
  // 1e-9 relative, at most 1e-6 absolute: bar times and colors (large integers) compare exactly.
  return Math.abs(ours - want) <= Math.min(1e-9 * Math.max(1, Math.abs(want)), 1e-6);
}

function show(v: number | Value): string {
  return typeof v === 'number' && Number.isNaN(v) ? 'na' : String(v);
}

/** Instructions of the function named `name` (its first specialisation when several). */
function instructionCount(p: Program, name: string): number {
  const fns = [...p.functions].sort((a, b) => a.entry - b.entry);
  const i = fns.findIndex((f) => f.name === name || f.name.startsWith(`${name}(`));
  const fn = fns[i];
  if (!fn) throw new Error(`no function '${name}' (have ${p.functions.map((f) => f.name).join(', ')})`);
  const end = fns[i + 1]?.entry ?? p.code.length;
  let n = 0;
  for (let pc = fn.entry; pc < end; pc += OP_LEN[p.code[pc] ?? 0] ?? 1) n++;
  return n;
}

function getPath(root: unknown, path: string): unknown {
  let cur: unknown = root;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export interface RunOptions {
  /** Save the instance after this many history bars and go on with one restored from the bytes
   * (outputs included): every expectation must hold across a snapshot too. */
  snapshotAt?: number;
  /** Run in the interpreter instead of the compiled tier (both must meet every expectation). */
  interpreted?: boolean;
}

/** The number of history bars a file runs (null when it does not run). */
export function barsOf(path: string): number | null {
  const spec = readSpec(readFileSync(path, 'utf8'), path);
  if (spec.data) return loadFixture(spec.data.path).rows;
  return spec.bars;
}

export function runFile(path: string, opts: RunOptions = {}): FileResult {
  const source = readFileSync(path, 'utf8');
  const spec = readSpec(source, path);
  const failures: string[] = [];
  const fail = (line: number, msg: string) => failures.push(`line ${line}: ${msg}`);

  // 1. Diagnostics: every one expected, every expectation met.
  const { program, diagnostics } = compile(source);
  const unmet = [...spec.diags];
  for (const d of diagnostics) {
    const k = unmet.findIndex(
      (x) => x.severity === d.severity && x.code === d.code && x.at.line === d.line && x.at.column === d.column && d.message.includes(x.text),
    );
    if (k >= 0) unmet.splice(k, 1);
    else failures.push(`unexpected ${d.severity} ${d.line}:${d.column} ${d.code} ${d.message}`);
  }
  for (const x of unmet) {
    fail(x.line, `expected ${x.severity} ${x.at.line}:${x.at.column} ${x.code} "${x.text}" was not reported`);
  }
  const wantsRun = spec.plots.length + spec.logs.length + spec.alerts.length > 0 || spec.runtimeError !== null || spec.hostError !== null || spec.bars !== null || spec.data !== null;
  if (!program) {
    if (wantsRun) failures.push('the file expects a run, but it did not compile');
    return { failures, assertions: spec.assertions };
  }

  for (const c of spec.codeSize) {
    const n = instructionCount(program, c.fn);
    if (n > c.max) fail(c.line, `'${c.fn}' has ${n} instructions, expected at most ${c.max}\n${disassemble(program)}`);
  }
  for (const x of spec.program) {
    const got = getPath(program, x.path);
    if (JSON.stringify(got) !== JSON.stringify(x.value)) fail(x.line, `program.${x.path} is ${JSON.stringify(got)}, expected ${JSON.stringify(x.value)}`);
  }
  if (!wantsRun) return { failures, assertions: spec.assertions };

  // 2. Bars.
  let bars: Bar[];
  let fixture: Fixture | null = null;
  let symbol: SymbolInfo = { ...DEFAULT_SYMBOL };
  let tf = spec.timeframe ?? '1D';
  if (spec.data) {
    fixture = loadFixture(spec.data.path, spec.data.naValue !== null ? { naValue: spec.data.naValue } : {});
    const fx = fixture;
    bars = Array.from({ length: fx.rows }, (_, i) => barAt(fx, i));
    const toml = join(FIXTURES, spec.data.path.replace(/\.csv$/, '.toml'));
    if (existsSync(toml)) symbol = parseSymbolToml(readFileSync(toml, 'utf8'));
    if (!spec.timeframe) {
      const dt = ((fx.time[1] ?? 0) - (fx.time[0] ?? 0)) / 60000;
      tf = dt >= 1440 ? '1D' : String(Math.round(dt));
    }
  } else {
    bars = syntheticBars(spec, spec.bars ?? 0, timeframeMs(tf));
  }
  symbol = { ...symbol, ...(spec.symbol as Partial<SymbolInfo>) };

  // 3. Instance (input and limit errors surface here).
  let inst: Instance;
  try {
    const b = Instance.builder(program).symbol(symbol).timeframe(tf).inputs(spec.inputs).limits(spec.limits);
    const total = spec.total === 'bars' ? bars.length : spec.total;
    if (total !== null) b.totalBars(total);
    if (opts.interpreted) b.interpreted();
    inst = b.build();
  } catch (e) {
    const h = spec.hostError;
    if (e instanceof InstanceError && h) {
      if (e.code !== h.code || !e.message.includes(h.text)) fail(h.line, `host error ${e.code} "${e.message}", expected ${h.code} "${h.text}"`);
    } else failures.push(`building the instance failed: ${String(e)}`);
    return { failures, assertions: spec.assertions };
  }
  if (spec.hostError) fail(spec.hostError.line, `expected host error ${spec.hostError.code}, but the instance was built`);

  // 4. Run history bars, then ticks of the next bar, then its confirmation.
  let rtError: unknown = null;
  try {
    for (let i = 0; i < bars.length; i++) {
      if (i === opts.snapshotAt) {
        // The host sets its limits again: a restore never takes them from the file.
        const rb = Instance.restoreState(inst.saveState({ includeOutputs: true })).limits(spec.limits);
        if (opts.interpreted) rb.interpreted();
        inst = rb.build();
      }
      const bar = bars[i];
      if (bar) inst.runBar(bar);
    }
    const n = bars.length;
    const stepMs = timeframeMs(tf);
    const time = spec.start + n * stepMs;
    let last: Bar | null = null;
    for (const t of spec.ticks) {
      last = {
        time,
        open: t.open ?? 10 + n - 0.5,
        high: t.high ?? t.close + 1,
        low: t.low ?? t.close - 1,
        close: t.close,
        volume: t.volume ?? 100 * (n + 1),
      };
      inst.updateBar(last);
    }
    if (spec.confirm) {
      if (!last) throw new Error('@confirm needs at least one @tick');
      inst.runBar(last);
    }
  } catch (e) {
    rtError = e;
  }
  const want = spec.runtimeError;
  if (rtError instanceof PineRuntimeError) {
    const e = rtError;
    const where = `bar ${e.bar} at ${e.line}:${e.column} ${e.code} "${e.detail}" stack ${e.frames.map((f) => `${f.fn}@${f.line}:${f.column}`).join(', ')}`;
    if (!want) failures.push(`unexpected runtime error: ${where}`);
    else {
      const ok =
        e.bar === want.bar &&
        e.line === want.at.line &&
        (want.at.column === null || e.column === want.at.column) &&
        e.code === want.code &&
        (want.text === null || e.detail.includes(want.text)) &&
        (want.stack === null ||
          (e.frames.length === want.stack.length && want.stack.every((f, i) => e.frames[i]?.fn === f.fn && e.frames[i]?.line === f.line && e.frames[i]?.column === f.column)));
      if (!ok) fail(want.line, `runtime error was: ${where}`);
    }
  } else if (rtError !== null) {
    failures.push(`the run threw ${rtError instanceof Error ? rtError.stack ?? rtError.message : String(rtError)}`);
  } else if (want) {
    fail(want.line, `expected a runtime error ${want.code} on bar ${want.bar}, but the run finished`);
  }

  // 5. Plots.
  for (const p of spec.plots) {
    const out = program.outputs.find((o) => o.title === p.title);
    if (!out) {
      fail(p.line, `no output titled "${p.title}" (have ${program.outputs.map((o) => `"${o.title}"`).join(', ')})`);
      continue;
    }
    const ch = p.channel === null ? 0 : out.channels.indexOf(p.channel);
    if (ch < 0) {
      fail(p.line, `output "${p.title}" has no channel '${p.channel}' (have ${out.channels.join(', ')})`);
      continue;
    }
    if (out.channels.length === 0) {
      fail(p.line, `output "${p.title}" records no per-bar values`);
      continue;
    }
    const col = inst.outputs.column(out.id, ch);
    if (p.fixtureColumn !== null) {
      const tv = fixture?.cols.get(p.fixtureColumn);
      if (!tv) {
        fail(p.line, `no fixture column "${p.fixtureColumn}"`);
        continue;
      }
      const rows = p.rows ?? tv.length;
      const bad: string[] = [];
      for (let i = 0; i < rows; i++) {
        const o = col[i] ?? NaN;
        const t = tv[i] ?? NaN;
        const same = Number.isNaN(t) || Number.isNaN(o) ? Number.isNaN(t) && Number.isNaN(o) : Math.abs(o - t) <= 1e-8 + 1e-5 * Math.abs(t);
        if (!same) bad.push(`row ${i}: ours ${show(o)} tv ${show(t)}`);
      }
      if (bad.length > 0) fail(p.line, `plot "${p.title}" differs from "${p.fixtureColumn}" on ${bad.length} rows: ${bad.slice(0, 5).join('; ')}`);
      continue;
    }
    const got = Array.from(col);
    const n = p.prefix ? p.values.length : Math.max(p.values.length, got.length);
    const bad: number[] = [];
    for (let i = 0; i < n; i++) {
      const w = p.values[i];
      const g = got[i];
      if (w === undefined || g === undefined || !sameValue(g, w)) bad.push(i);
    }
    if (bad.length > 0) {
      fail(p.line, `plot "${p.title}"${p.channel ? ` ${p.channel}` : ''} = [${got.map(show).join(', ')}], expected [${p.values.map(show).join(', ')}${p.prefix ? ', ...' : ''}] (rows ${bad.join(', ')} differ)`);
    }
  }

  // 6. Logs: every entry expected, in order.
  const logs = inst.logs;
  const fmtLog = (l: { bar: number; level: string; message: string }) => `bar ${l.bar} ${l.level} ${JSON.stringify(l.message)}`;
  const n = Math.max(logs.length, spec.logs.length);
  for (let i = 0; i < n; i++) {
    const got = logs[i];
    const w = spec.logs[i];
    if (!w && got) failures.push(`unexpected log ${fmtLog(got)}`);
    else if (w && !got) fail(w.line, `expected log ${w.level} ${JSON.stringify(w.message)}, but there are only ${logs.length} entries`);
    else if (w && got && (got.level !== w.level || got.message !== w.message || (w.bar !== null && got.bar !== w.bar))) {
      fail(w.line, `log #${i} is ${fmtLog(got)}, expected ${w.bar !== null ? `bar ${w.bar} ` : ''}${w.level} ${JSON.stringify(w.message)}`);
    }
  }
  // 7. Alerts: every firing expected, in order.
  const alerts = inst.alerts;
  const fmtAlert = (x: { bar: number; kind: string; message: string }) => `bar ${x.bar} ${x.kind} ${JSON.stringify(x.message)}`;
  for (let i = 0; i < Math.max(alerts.length, spec.alerts.length); i++) {
    const got = alerts[i];
    const w = spec.alerts[i];
    if (!w && got) failures.push(`unexpected alert ${fmtAlert(got)}`);
    else if (w && !got) fail(w.line, `expected alert ${JSON.stringify(w.message)}, but there are only ${alerts.length}`);
    else if (w && got && (got.kind !== w.kind || got.message !== w.message || (w.bar !== null && got.bar !== w.bar))) {
      fail(w.line, `alert #${i} is ${fmtAlert(got)}, expected ${w.bar !== null ? `bar ${w.bar} ` : ''}${w.kind} ${JSON.stringify(w.message)}`);
    }
  }
  return { failures, assertions: spec.assertions };
}

/** Every `.pine` file below `dir`, sorted. */
export function pineFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...pineFiles(p));
    else if (e.name.endsWith('.pine')) out.push(p);
  }
  return out.sort();
}
