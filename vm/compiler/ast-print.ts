// A compact S-expression rendering of the AST, for golden tests and debugging. Spans are not shown.
//
//   14  1.5  "str"  true  na  #ff0000ff        literals (floats always show a '.' or exponent;
//                                              colors always show 8 hex digits, alpha last)
//   close  ta.sma                              names; a Member chain of names prints dotted
//   (. (call f) x)                             a Member on anything else
//   (call ta.sma close 14)  (call plot x title="t")  (call array.new<float> 10)
//   (index close 1)  (- x)  (not c)  (+ a b)  (and a b)  (? c a b)  (tuple a b)
//   (if c (block ...) (block ...))  (switch s (case 1 (block ...)) (default (block ...)))
//   (for i 0 10 (block ...))  (for i 0 10 2 (block ...))  (for-in x xs (block ...))
//   (for-in [i x] xs (block ...))  (while c (block ...))
//   (decl x 1)  (decl var float x 1)  (decl [a b] (call f))  (:= x 1)  (+= p.x 1)  break  continue
//   (fn f [a, b=1] (block ...))  (method m [Point p, int n] (block ...))
//   (type Point (field float x 0.0) (field int y) (field varip int n))  (enum E a (b "B"))
//   (import user/lib/1 as L)
// A Script prints `version N` (when annotated) and then one top-level statement per line.

import type { Block, Expr, Script, Stmt, TypeRef } from './ast.js';

export type PrintableNode = Script | Stmt | Expr | Block | TypeRef;

export function printAst(node: PrintableNode): string {
  switch (node.kind) {
    case 'Script': {
      const lines = node.body.map(printStmt);
      if (node.version !== null) lines.unshift(`version ${node.version}`);
      return lines.join('\n');
    }
    case 'Block':
      return printBlock(node);
    case 'TypeRef':
      return printType(node);
    case 'VarDecl':
    case 'TupleDecl':
    case 'Assign':
    case 'ExprStmt':
    case 'Break':
    case 'Continue':
    case 'FuncDef':
    case 'TypeDef':
    case 'EnumDef':
    case 'Import':
      return printStmt(node);
    default:
      return printExpr(node);
  }
}

export function printType(t: TypeRef): string {
  const base = t.args.length > 0 ? `${t.name}<${t.args.map(printType).join(',')}>` : t.name;
  return t.qualifier ? `${t.qualifier} ${base}` : base;
}

function printNumber(value: number, isInt: boolean): string {
  const s = String(value);
  if (isInt || !Number.isFinite(value) || /[.e]/.test(s)) return s;
  return `${s}.0`;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** `a.b.c` when the expression is a chain of plain names, else null. */
function dotted(e: Expr): string | null {
  if (e.kind === 'Ident') return e.name;
  if (e.kind === 'Member') {
    const left = dotted(e.object);
    return left === null ? null : `${left}.${e.name}`;
  }
  return null;
}

export function printExpr(e: Expr): string {
  switch (e.kind) {
    case 'Number':
      return printNumber(e.value, e.isInt);
    case 'String':
      return JSON.stringify(e.value);
    case 'Bool':
      return e.value ? 'true' : 'false';
    case 'Color':
      return `#${hex2(e.r)}${hex2(e.g)}${hex2(e.b)}${hex2(e.a)}`;
    case 'Na':
      return 'na';
    case 'Ident':
      return e.name;
    case 'Member':
      return dotted(e) ?? `(. ${printExpr(e.object)} ${e.name})`;
    case 'Call': {
      const targs = e.typeArgs.length > 0 ? `<${e.typeArgs.map(printType).join(',')}>` : '';
      const parts = [`call ${printExpr(e.callee)}${targs}`];
      for (const a of e.args) parts.push(a.name === null ? printExpr(a.value) : `${a.name}=${printExpr(a.value)}`);
      return `(${parts.join(' ')})`;
    }
    case 'Index':
      return `(index ${printExpr(e.object)} ${printExpr(e.index)})`;
    case 'Unary':
      return `(${e.op} ${printExpr(e.operand)})`;
    case 'Binary':
      return `(${e.op} ${printExpr(e.left)} ${printExpr(e.right)})`;
    case 'Ternary':
      return `(? ${printExpr(e.cond)} ${printExpr(e.then)} ${printExpr(e.else)})`;
    case 'Tuple':
      return e.items.length === 0 ? '(tuple)' : `(tuple ${e.items.map(printExpr).join(' ')})`;
    case 'If':
      return `(if ${printExpr(e.cond)} ${printBlock(e.then)}${e.else ? ` ${printBlock(e.else)}` : ''})`;
    case 'Switch': {
      const parts = ['switch'];
      if (e.subject) parts.push(printExpr(e.subject));
      for (const c of e.cases) {
        parts.push(c.when ? `(case ${printExpr(c.when)} ${printBlock(c.body)})` : `(default ${printBlock(c.body)})`);
      }
      return `(${parts.join(' ')})`;
    }
    case 'For': {
      const step = e.step ? ` ${printExpr(e.step)}` : '';
      return `(for ${e.counter} ${printExpr(e.from)} ${printExpr(e.to)}${step} ${printBlock(e.body)})`;
    }
    case 'ForIn': {
      const vars = e.indexName === null ? e.valueName : `[${e.indexName} ${e.valueName}]`;
      return `(for-in ${vars} ${printExpr(e.collection)} ${printBlock(e.body)})`;
    }
    case 'While':
      return `(while ${printExpr(e.cond)} ${printBlock(e.body)})`;
  }
}

function printBlock(b: Block): string {
  return b.body.length === 0 ? '(block)' : `(block ${b.body.map(printStmt).join(' ')})`;
}

export function printStmt(s: Stmt): string {
  switch (s.kind) {
    case 'VarDecl': {
      const parts = ['decl'];
      if (s.mode !== 'plain') parts.push(s.mode);
      if (s.type) parts.push(printType(s.type));
      parts.push(s.name, s.broken ? '<error>' : printExpr(s.value));
      return `(${parts.join(' ')})`;
    }
    case 'TupleDecl':
      return `(decl [${s.names.map((n) => n.name).join(' ')}] ${s.broken ? '<error>' : printExpr(s.value)})`;
    case 'Assign':
      return `(${s.op} ${printExpr(s.target)} ${printExpr(s.value)})`;
    case 'ExprStmt':
      return printExpr(s.expr);
    case 'Break':
      return 'break';
    case 'Continue':
      return 'continue';
    case 'FuncDef': {
      const params = s.params.map((p) => {
        const head = p.type ? `${printType(p.type)} ${p.name}` : p.name;
        return p.defaultValue ? `${head}=${printExpr(p.defaultValue)}` : head;
      });
      return `(${s.isMethod ? 'method' : 'fn'} ${s.name} [${params.join(', ')}] ${printBlock(s.body)})`;
    }
    case 'TypeDef': {
      const fields = s.fields.map((f) => {
        const parts = ['field'];
        if (f.varip) parts.push('varip');
        parts.push(printType(f.type), f.name);
        if (f.defaultValue) parts.push(printExpr(f.defaultValue));
        return `(${parts.join(' ')})`;
      });
      return `(type ${[s.name, ...fields].join(' ')})`;
    }
    case 'EnumDef': {
      const fields = s.fields.map((f) => (f.title ? `(${f.name} ${printExpr(f.title)})` : f.name));
      return `(enum ${[s.name, ...fields].join(' ')})`;
    }
    case 'Import':
      return `(import ${s.path}${s.alias === null ? '' : ` as ${s.alias}`})`;
  }
}
