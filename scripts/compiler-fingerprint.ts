// Compiler fingerprint: compiles every `.pine` file of the language suite, the public examples, the
// bench scripts, the fixtures and the shared TradingView reference data, and prints (or compares) a
// hash per file of its AST print, its disassembly, the whole Program and its diagnostics text. Used
// to prove a refactor of the compiler changes no output byte.
//
//   node --import tsx scripts/compiler-fingerprint.ts > /tmp/before.json
//   node --import tsx scripts/compiler-fingerprint.ts --compare /tmp/before.json

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { compile } from '../vm/compiler/compile.js';
import { parse } from '../vm/compiler/parser/index.js';
import { printAst } from '../vm/compiler/ast-print.js';
import { DiagnosticSink } from '../vm/compiler/diagnostics.js';
import { disassemble } from '../vm/bytecode/disasm.js';

const root = resolve(import.meta.dirname, '..');
const dirs = ['tests/lang', 'public', 'bench', 'tests/fixtures', join(root, '..', 'shared', 'data', 'tradingview') /* the shared reference data beside the checkout, when present */];

function walk(dir: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.pine')) out.push(p);
  }
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
}

function programJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v instanceof Int32Array || v instanceof Float64Array ? Array.from(v) : v,
  );
}

const files: string[] = [];
for (const d of dirs) walk(resolve(root, d), files);

// Script texts written inline in the test files (template literals without substitutions).
const inline: { key: string; source: string }[] = [];
function walkTs(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walkTs(p, out);
    else if (name.endsWith('.ts')) out.push(p);
  }
}
const tsFiles: string[] = [];
walkTs(resolve(root, 'tests'), tsFiles);
for (const f of tsFiles) {
  const text = readFileSync(f, 'utf8');
  let i = 0;
  for (const m of text.matchAll(/`([^`$\\]*)`/g)) {
    const t = m[1] ?? '';
    if (t.includes('\n') || t.includes('plot') || t.includes('=')) inline.push({ key: `${relative(root, f)}#${i++}`, source: t });
  }
}

const result: Record<string, { ast: string; disasm: string; program: string; diagnostics: string }> = {};
const sources = [
  ...files.map((f) => ({ key: f.startsWith(root) ? relative(root, f) : f, source: readFileSync(f, 'utf8') })),
  ...inline,
];
for (const { key, source } of sources) {
  const sink = new DiagnosticSink(source);
  const ast = printAst(parse(source, sink));
  const r = compile(source);
  const diags = r.diagnostics
    .map((d) => `${d.line}:${d.column}-${d.endLine}:${d.endColumn} ${d.severity} ${d.code} ${d.message}`)
    .join('\n');
  result[key] = {
    ast: hash(ast),
    disasm: r.program ? hash(disassemble(r.program)) : 'none',
    program: r.program ? hash(programJson(r.program)) : 'none',
    diagnostics: hash(diags),
  };
}

const cmp = process.argv.indexOf('--compare');
if (cmp >= 0) {
  const before = JSON.parse(readFileSync(process.argv[cmp + 1] ?? '', 'utf8')) as typeof result;
  let diff = 0;
  const keys = new Set([...Object.keys(before), ...Object.keys(result)]);
  for (const k of keys) {
    if (!(k in before)) {
      console.log(`NEW  ${k} (not in the saved fingerprint)`);
      continue;
    }
    const a = JSON.stringify(before[k]);
    const b = JSON.stringify(result[k]);
    if (a !== b) {
      diff++;
      console.log(`DIFF ${k}\n  before ${a}\n  after  ${b}`);
    }
  }
  const compiled = Object.values(result).filter((r) => r.program !== 'none').length;
  console.log(`${keys.size} files compared (${compiled} compiled to programs), ${diff} differ`);
  process.exit(diff ? 1 : 0);
} else {
  console.log(JSON.stringify(result, null, 1));
}
