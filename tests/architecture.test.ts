// The floors of vm/README.md, checked on the source: every import of every .ts/.tsx file in vm/ and
// app/ (static, re-export, side-effect and dynamic; type-only imports count too) is read, and the test
// fails on an import that goes up a floor, closes a cycle, leaves vm/ for app/ or bench/, or reaches
// the VM from the app other than through its doors (vm/index.ts; vm/values.ts for the page). Each
// failure names the file and the import. The rules are also run on a small made-up tree to show
// they catch what they should.

import { describe, expect, test } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';

const ROOT = join(dirname(new URL(import.meta.url).pathname), '..');

/** vm/ floors, lowest first: a file may import its own floor and the floors below. Files directly
 * in vm/ (index.ts, values.ts) are the 'doors' floor. */
const VM_FLOORS = ['core', 'bytecode', 'builtins', 'data', 'snapshot', 'runtime', 'compiler', 'doors', 'cli'] as const;
/** What the app may import from vm/: the doors. The page (everything in app/ but the worker) takes
 * values only from the side-effect-free door; from vm/index.ts, types only. */
const APP_DOORS = ['vm/index.ts', 'vm/values.ts'];
const PAGE_DOOR = 'vm/values.ts';
/** Nothing reachable from the page's door may live on these floors (or be these files). */
const NOT_FROM_PAGE_DOOR = ['vm/compiler/', 'vm/runtime/', 'vm/snapshot/', 'vm/builtins/registry.ts', 'vm/builtins/index.ts'];

interface Import {
  /** As written. */
  spec: string;
  /** Repository-relative path of the file it names (null when it names a package). */
  target: string | null;
  typeOnly: boolean;
  line: number;
}

type Graph = Map<string, Import[]>;

/** The source with comments blanked out (strings and template literals kept). */
function stripComments(src: string): string {
  let out = '';
  let i = 0;
  const n = src.length;
  /** Template literal nesting: each entry is the brace depth of a `${` being read as code. */
  const templates: number[] = [];
  let depth = 0;
  while (i < n) {
    const c = src[i] as string;
    const d = src[i + 1];
    if (c === '/' && d === '/') {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && d === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      out += src.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < n && src[j] !== c && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === '`' || (c === '}' && templates.length > 0 && templates[templates.length - 1] === depth)) {
      if (c === '}') templates.pop();
      // Inside a template literal up to its end or the next `${`.
      let j = i + 1;
      while (j < n && src[j] !== '`' && !(src[j] === '$' && src[j + 1] === '{')) j += src[j] === '\\' ? 2 : 1;
      if (src[j] === '$') {
        templates.push(depth);
        out += src.slice(i, j + 2);
        i = j + 2;
      } else {
        out += src.slice(i, j + 1);
        i = j + 1;
      }
      continue;
    }
    if (c === '{') depth++;
    if (c === '}') depth--;
    out += c;
    i++;
  }
  return out;
}

const IMPORT_FROM = /^[ \t]*(import|export)\b([^'"`;]*?)\bfrom\s*['"]([^'"]+)['"]/gm;
const IMPORT_BARE = /^[ \t]*import\s*['"]([^'"]+)['"]/gm;
const IMPORT_DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function lineAt(src: string, at: number): number {
  let line = 1;
  for (let i = 0; i < at; i++) if (src.charCodeAt(i) === 10) line++;
  return line;
}

/** The imports of `src` (a file at repository path `file`), resolved against `exists`. */
function importsOf(file: string, src: string, exists: (p: string) => boolean): Import[] {
  const code = stripComments(src);
  const found: { spec: string; typeOnly: boolean; at: number }[] = [];
  for (const m of code.matchAll(IMPORT_FROM)) {
    const clause = (m[2] ?? '').trim();
    // `import type {...}` / `export type {...}`; `import { type A, type B }` counts as a value import
    // when any name lacks `type` (TypeScript keeps such an import).
    const names = /^\{([^}]*)\}$/.exec(clause)?.[1];
    const allTyped = names !== undefined && names.split(',').every((s) => s.trim() === '' || /^type\s/.test(s.trim()));
    found.push({ spec: m[3] as string, typeOnly: /^type\b/.test(clause) || allTyped, at: m.index ?? 0 });
  }
  for (const m of code.matchAll(IMPORT_BARE)) found.push({ spec: m[1] as string, typeOnly: false, at: m.index ?? 0 });
  for (const m of code.matchAll(IMPORT_DYNAMIC)) found.push({ spec: m[1] as string, typeOnly: false, at: m.index ?? 0 });
  return found.map(({ spec, typeOnly, at }) => ({ spec, typeOnly, line: lineAt(code, at), target: resolve(file, spec, exists) }));
}

/** The file a relative specifier names (`.js` written for `.ts`), or null for a package. Unresolvable
 * relative imports keep their joined path (and are reported). */
function resolve(file: string, spec: string, exists: (p: string) => boolean): string | null {
  if (!spec.startsWith('.')) return null;
  const base = posix.normalize(posix.join(posix.dirname(file), spec));
  const stem = base.replace(/\.(js|jsx|mjs)$/, '');
  for (const c of [base, `${stem}.ts`, `${stem}.tsx`, `${stem}/index.ts`]) if (exists(c)) return c;
  return base;
}

function vmFloor(path: string): string | null {
  const parts = path.split('/');
  if (parts[0] !== 'vm') return null;
  return parts.length === 2 ? 'doors' : (parts[1] as string);
}

/** Every rule but the cycles: one message per offending import. */
function floorViolations(graph: Graph, exists: (p: string) => boolean): string[] {
  const out: string[] = [];
  for (const [file, imports] of graph) {
    const from = vmFloor(file);
    for (const imp of imports) {
      const at = `${file}:${imp.line} imports '${imp.spec}'`;
      const to = imp.target;
      if (to === null) continue;
      if (!exists(to)) {
        out.push(`${at}: no such file`);
        continue;
      }
      if (from !== null) {
        const fromRank = VM_FLOORS.indexOf(from as (typeof VM_FLOORS)[number]);
        if (fromRank < 0) {
          out.push(`${file}: vm/${from}/ is not a floor of vm/README.md (add it to the floors there and here)`);
          continue;
        }
        const toFloor = vmFloor(to);
        if (toFloor === null) {
          out.push(`${at}: vm/ imports ${to}, outside vm/`);
          continue;
        }
        const toRank = VM_FLOORS.indexOf(toFloor as (typeof VM_FLOORS)[number]);
        if (toRank > fromRank) out.push(`${at}: goes up from floor '${from}' to floor '${toFloor}' (${VM_FLOORS.join(' → ')})`);
      } else if (file.startsWith('app/')) {
        if (to.startsWith('app/')) continue;
        if (!to.startsWith('vm/')) {
          out.push(`${at}: the app imports ${to}, outside app/ and the VM's doors`);
          continue;
        }
        if (!APP_DOORS.includes(to)) {
          out.push(`${at}: the app reaches into the VM; import it from ${APP_DOORS.join(' or ')}`);
          continue;
        }
        const page = !file.startsWith('app/worker/');
        if (page && to !== PAGE_DOOR && !imp.typeOnly) {
          out.push(`${at}: the page takes values from ${PAGE_DOOR} only (types may come from vm/index.ts)`);
        }
      }
    }
  }
  return out;
}

/** Every import that closes a cycle, with the cycle it closes. */
function cycles(graph: Graph): string[] {
  const out: string[] = [];
  const state = new Map<string, 1 | 2>(); // 1: on the path, 2: done
  const path: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 1);
    path.push(file);
    for (const imp of graph.get(file) ?? []) {
      const to = imp.target;
      if (to === null || !graph.has(to)) continue;
      const s = state.get(to);
      if (s === 1) {
        const loop = [...path.slice(path.indexOf(to)), to];
        out.push(`${file}:${imp.line} imports '${imp.spec}': closes the cycle ${loop.join(' → ')}`);
      } else if (s === undefined) visit(to);
    }
    path.pop();
    state.set(file, 2);
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return out;
}

/** Files reachable from `start` (through every import, types included). */
function reach(graph: Graph, start: string): Set<string> {
  const seen = new Set<string>([start]);
  const todo = [start];
  for (let f = todo.pop(); f !== undefined; f = todo.pop()) {
    for (const imp of graph.get(f) ?? []) {
      if (imp.target !== null && graph.has(imp.target) && !seen.has(imp.target)) {
        seen.add(imp.target);
        todo.push(imp.target);
      }
    }
  }
  return seen;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const rel = `${dir}/${name}`;
    if (statSync(join(ROOT, rel)).isDirectory()) out.push(...sourceFiles(rel));
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

function realGraph(): { graph: Graph; exists: (p: string) => boolean } {
  const exists = (p: string): boolean => existsSync(join(ROOT, p)) && statSync(join(ROOT, p)).isFile();
  const graph: Graph = new Map();
  for (const file of [...sourceFiles('vm'), ...sourceFiles('app')]) {
    graph.set(file, importsOf(file, readFileSync(join(ROOT, file), 'utf8'), exists));
  }
  return { graph, exists };
}

function fakeGraph(files: Record<string, string>): { graph: Graph; exists: (p: string) => boolean } {
  const exists = (p: string): boolean => p in files;
  const graph: Graph = new Map();
  for (const [file, src] of Object.entries(files)) graph.set(file, importsOf(file, src, exists));
  return { graph, exists };
}

describe('architecture: floors without cycles', () => {
  const { graph, exists } = realGraph();

  test('the source tree is read: every vm/ floor and the app have files with imports', () => {
    const floors = new Set([...graph.keys()].map((f) => vmFloor(f)).filter((f) => f !== null));
    for (const f of VM_FLOORS) expect(floors, `vm floor ${f}`).toContain(f);
    expect([...graph.keys()].some((f) => f.startsWith('app/'))).toBe(true);
    // A file known to import the runtime interface from the ground floor (vm/builtins/registry.ts).
    expect(graph.get('vm/builtins/registry.ts')?.some((i) => i.target === 'vm/core/runtime.ts' && i.typeOnly)).toBe(true);
  });

  test('no import goes up a floor, leaves vm/, or reaches the VM from the app other than by its doors', () => {
    expect(floorViolations(graph, exists)).toEqual([]);
  });

  test('no import closes a cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  test("the page's door (vm/values.ts) loads no compiler, interpreter, snapshot code or builtin registry", () => {
    const bad = [...reach(graph, PAGE_DOOR)].filter((f) => NOT_FROM_PAGE_DOOR.some((p) => f.startsWith(p)));
    expect(bad).toEqual([]);
  });

  test('the rules catch an upward import, a cycle, a reach into the VM and a page value from vm/index.ts', () => {
    const fake = fakeGraph({
      'vm/core/a.ts': "import { b } from '../runtime/b.js';\n// import { x } from '../compiler/x.js';\n",
      'vm/runtime/b.ts': "import type { a } from '../core/a.js';\nconst s = `import ${'x'} from './nowhere.js'`;\n",
      'vm/index.ts': "export { b } from './runtime/b.js';\n",
      'vm/values.ts': "export { a } from './core/a.js';\n",
      'app/ui/view.ts': "import { compile } from '../../vm/index.js';\nimport { b } from '../../vm/runtime/b.js';\n",
      'app/ui/ok.ts': "import type { Program } from '../../vm/index.js';\nimport { makeColor } from '../../vm/values.js';\n",
      'app/worker/w.ts': "import { compile } from '../../vm/index.js';\nimport { bars } from '../../bench/synthetic.js';\n",
      'bench/synthetic.ts': '',
    });
    expect(floorViolations(fake.graph, fake.exists)).toEqual([
      "vm/core/a.ts:1 imports '../runtime/b.js': goes up from floor 'core' to floor 'runtime' (core → bytecode → builtins → data → snapshot → runtime → compiler → doors → cli)",
      "app/ui/view.ts:1 imports '../../vm/index.js': the page takes values from vm/values.ts only (types may come from vm/index.ts)",
      "app/ui/view.ts:2 imports '../../vm/runtime/b.js': the app reaches into the VM; import it from vm/index.ts or vm/values.ts",
      "app/worker/w.ts:2 imports '../../bench/synthetic.js': the app imports bench/synthetic.ts, outside app/ and the VM's doors",
    ]);
    expect(cycles(fake.graph)).toEqual(["vm/core/a.ts:1 imports '../runtime/b.js': closes the cycle vm/runtime/b.ts → vm/core/a.ts → vm/runtime/b.ts"]);
  });
});

