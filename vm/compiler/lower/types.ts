// Type references written in the script (`float x`, `array<int> a`, `Point p`, parameter types)
// → PType, and user-defined types: `type` declarations, `T.new(...)`, field reads and writes
// (`o.x`, `o.x := v`), `copy()`. Objects are heap records built by the `__obj.*` builtins
// (builtins/objects.ts); a field is addressed by its index, passed as the call's constant operand.

import type * as A from '../ast.js';
import { Qual, baseName, isNumericStorage, t, type PType, type Base } from '../types.js';
import { typeFromRef } from '../tier2-types.js';
import { Scope } from '../scope.js';
import { Op } from '../../bytecode/opcodes.js';
import { lookupFn } from '../../builtins/registry.js';
import { type LowerContext, normConst, type UdtInfo, type Val } from './context.js';

/** The PType of a declared type (`float`, `const int`, `array<float>`), or null after reporting that
 * it is not supported. A missing qualifier means series (the widest). */
export function declTypeFromRef(cx: LowerContext, ref: A.TypeRef): PType | null {
  const q: Qual =
    ref.qualifier === 'const'
      ? Qual.Const
      : ref.qualifier === 'input'
        ? Qual.Input
        : ref.qualifier === 'simple'
          ? Qual.Simple
          : Qual.Series;
  const en = cx.enumNamed(ref.name);
  if (en) {
    if (ref.args.length > 0) {
      cx.err('E312', ref.span, `The type '${ref.name}' does not take template arguments (\`${cx.sink.quote(ref.span)}\`).`);
      return null;
    }
    return { base: 'enum', qual: q, name: en.name };
  }
  const udt = cx.udt(ref.name);
  if (udt) {
    if (ref.args.length > 0) {
      cx.err('E312', ref.span, `The type '${ref.name}' does not take template arguments (\`${cx.sink.quote(ref.span)}\`).`);
      return null;
    }
    if (ref.qualifier === 'const' || ref.qualifier === 'input' || ref.qualifier === 'simple') {
      cx.err('E312', ref.span, `Objects of '${ref.name}' are always series: remove the '${ref.qualifier}' qualifier.`);
      return null;
    }
    return { base: 'udt', qual: Qual.Series, name: udt.name };
  }
  if (ref.name === 'array' || ref.name === 'matrix') {
    const arg = ref.args[0];
    const udtElem = arg && ref.args.length === 1 && arg.args.length === 0 ? cx.udt(arg.name) : undefined;
    if (udtElem) return { base: ref.name, qual: Qual.Series, elem: { base: 'udt', qual: Qual.Series, name: udtElem.name } };
  }
  const dot = ref.name.indexOf('.');
  if (dot > 0 && ref.name !== 'chart.point' && cx.libs.get(ref.name.slice(0, dot))?.broken) return null;
  // Scalars, drawings, array/matrix/map of any element type: compiler/tier2-types.ts.
  const r = typeFromRef(ref, q, (sp) => cx.sink.quote(sp));
  if (!r.ok) {
    cx.err(r.code, r.span, r.message);
    return null;
  }
  return r.type;
}

/** Types written by name in declarations and parameters. */
const SIMPLE_TYPES: Readonly<Record<string, Base>> = { int: 'int', float: 'float', bool: 'bool', color: 'color', string: 'string' };

/** `type Name` with its fields: declared for the rest of the script. A field's type may be the type
 * itself or any type declared before (nested and recursive types). */
export function typeDef(cx: LowerContext, s: A.TypeDef, scope: Scope): void {
  if (scope !== cx.globalScope) {
    cx.err('E407', s.nameSpan, `The type '${s.name}' must be declared in the global scope.`);
    return;
  }
  const qname = (cx.libPrefix ?? '') + s.name;
  const prev = cx.udts.get(qname) ?? cx.enums.get(qname);
  if (prev) {
    const line = cx.sink.lines.lineCol(prev.def.nameSpan.start).line;
    cx.err('E303', s.nameSpan, `The type '${s.name}' is already declared on line ${line}.`);
    return;
  }
  if (SIMPLE_TYPES[s.name] || BUILTIN_TYPE_NAMES.has(s.name)) {
    cx.err('E304', s.nameSpan, `Cannot declare a type named '${s.name}': it is a built-in type.`);
    return;
  }
  const info: UdtInfo = { name: qname, def: s, fields: [] };
  // Declared before its fields are read, so that a field can be of the type itself.
  cx.udts.set(qname, info);
  const seen = new Set<string>();
  for (const f of s.fields) {
    if (seen.has(f.name)) {
      cx.err('E303', f.span, `The field '${f.name}' is declared twice in the type '${s.name}'.`);
      continue;
    }
    seen.add(f.name);
    const type = declTypeFromRef(cx, f.type) ?? t('float');
    info.fields.push({ name: f.name, type, def: f });
    if (f.defaultValue) {
      // Checked once here; compiled again at each T.new() that leaves the field out.
      const fn = scope.fn;
      const dv = f.defaultValue;
      cx.checkOnly(fn, () => fieldDefault(cx, info, f.name, type, dv, scope));
    }
  }
}

/** The value of a field's default (`float x = 1.5`, `float o = open`): an expression of builtins,
 * evaluated where the object is created. */
function fieldDefault(cx: LowerContext, udt: UdtInfo, name: string, type: PType, e: A.Expr, scope: Scope): Val {
  const fn = scope.fn;
  const v = cx.expr(e, new Scope(null, fn));
  if (v.bad) return cx.poison(type);
  return cx.convert(fn, v, type, e.span, `Cannot use \`${cx.q(e)}\` as the default of the field '${name}' of '${udt.name}'`);
}

function objBuiltin(cx: LowerContext, name: string): number {
  const spec = lookupFn(name)?.[0];
  if (!spec) throw new Error(`Internal: the builtin ${name} is not registered`);
  return cx.builtinRef(spec.name, spec.overload, spec.signature);
}

/** `T.new(...)`, `T.copy(o)`: the built-in functions of a user-defined type. */
export function udtStaticCall(cx: LowerContext, udt: UdtInfo, e: A.Call, callee: A.Member, scope: Scope): Val {
  if (callee.name === 'new') return newObject(cx, udt, e, scope);
  if (callee.name === 'copy') {
    const a = e.args[0];
    if (e.args.length !== 1 || !a || (a.name !== null && a.name !== 'id')) {
      for (const x of e.args) cx.expr(x.value, scope);
      cx.err('E331', e.span, `Cannot call '${udt.name}.copy': it takes one argument, the object to copy (\`${udt.name}.copy(obj)\`).`);
      return cx.poison({ base: 'udt', qual: Qual.Series, name: udt.name });
    }
    const v = cx.expr(a.value, scope);
    return copyObject(cx, v, a.value, udt.name, scope);
  }
  for (const x of e.args) cx.expr(x.value, scope);
  cx.err('E301', callee.nameSpan, `Unknown function '${udt.name}.${callee.name}': a user-defined type has 'new' and 'copy' (and the methods declared for it).`);
  return cx.poison();
}

/** `o.copy()` / `T.copy(o)`: a shallow copy (na stays na). */
export function copyObject(cx: LowerContext, v: Val, at: A.Expr, typeName: string, scope: Scope): Val {
  const type: PType = { base: 'udt', qual: Qual.Series, name: typeName };
  if (v.bad) return cx.poison(type);
  if (v.type.base !== 'udt' || v.type.name !== typeName) {
    if (v.type.base !== 'na') {
      cx.err('E302', at.span, `Cannot copy \`${cx.q(at)}\` as a '${typeName}': it is ${baseName(v.type)}.`);
      return cx.poison(type);
    }
  }
  const fn = scope.fn;
  const d = fn.temp();
  const at2 = fn.em.emit(Op.CALLB, objBuiltin(cx, '__obj.copy'), v.reg, d, 0);
  return { reg: d, type, defAt: at2 + 3 };
}

/** `T.new(a, b, name = c)`: fields by position or by name; a field left out gets its default
 * (na without one). */
function newObject(cx: LowerContext, udt: UdtInfo, e: A.Call, scope: Scope): Val {
  const fn = scope.fn;
  const type: PType = { base: 'udt', qual: Qual.Series, name: udt.name };
  if (e.typeArgs.length > 0) cx.err('E312', e.span, `'${udt.name}.new' does not take template arguments.`);
  const bound: (A.Expr | null)[] = udt.fields.map(() => null);
  let pos = 0;
  let sawNamed = false;
  let ok = true;
  for (const a of e.args) {
    if (a.name === null) {
      if (sawNamed) {
        cx.err('E341', a.value.span, `Positional argument \`${cx.q(a.value)}\` follows a named argument in '${udt.name}.new': name it too, or move it before the named ones.`);
        ok = false;
        continue;
      }
      if (pos >= udt.fields.length) {
        cx.err('E313', a.value.span, `Too many arguments in '${udt.name}.new': '${udt.name}' has ${udt.fields.length} field${udt.fields.length === 1 ? '' : 's'} (\`${cx.q(a.value)}\` is extra).`);
        ok = false;
        continue;
      }
      bound[pos++] = a.value;
    } else {
      sawNamed = true;
      const k = udt.fields.findIndex((f) => f.name === a.name);
      if (k < 0) {
        cx.err('E314', a.nameSpan ?? a.value.span, `'${udt.name}' has no field named '${a.name}'. Its fields: ${udt.fields.map((f) => f.name).join(', ') || '(none)'}.`);
        ok = false;
        continue;
      }
      if (bound[k]) cx.err('E315', a.nameSpan ?? a.value.span, `Argument '${a.name}' is given twice.`);
      bound[k] = a.value;
    }
  }
  const n = udt.fields.length;
  const block = cx.newReg(n + 1);
  const layout = `${udt.name}:${udt.fields.map((f) => (isNumericStorage(f.type) ? 'f' : 'o')).join('')}`;
  cx.preload.push({ reg: block, value: layout });
  udt.fields.forEach((f, i) => {
    const reg = block + 1 + i;
    const arg = bound[i];
    let v: Val;
    if (arg) {
      v = cx.expr(arg, scope);
      if (v.type.base === 'void' || v.type.base === 'tuple') {
        cx.err('E305', arg.span, `\`${cx.q(arg)}\` has no value to give the field '${f.name}'.`);
        v = cx.poison(f.type);
      }
      v = cx.convert(fn, v, f.type, arg.span, `Cannot give \`${cx.q(arg)}\` to the field '${f.name}' of '${udt.name}'`);
    } else if (f.def.defaultValue) {
      v = fieldDefault(cx, udt, f.name, f.type, f.def.defaultValue, scope);
    } else {
      v = { reg: cx.naOf(fn, f.type), type: f.type, cv: f.type.base === 'bool' && cx.version >= 6 ? 0 : isNumericStorage(f.type) ? NaN : null };
    }
    if (v.bad) ok = false;
    if (v.cv !== undefined) cx.preload.push({ reg, value: normConst(v.cv) });
    else if (v.type.base === 'na') cx.preload.push({ reg, value: null });
    else cx.place(fn, v, reg);
  });
  if (!ok) return cx.poison(type);
  const d = fn.temp();
  fn.em.at = cx.pinnedAt ?? e.span.start;
  const at = fn.em.emit(Op.CALLB, objBuiltin(cx, '__obj.new'), block, d, n);
  return { reg: d, type, defAt: at + 3 };
}

/** The field of a user-defined type named `name`, or null after reporting that there is none. */
function fieldOf(cx: LowerContext, ty: PType, name: string, span: A.Span, text: string): { index: number; type: PType } | null {
  const udt = cx.udts.get(ty.name ?? '');
  const index = udt ? udt.fields.findIndex((f) => f.name === name) : -1;
  const f = udt?.fields[index];
  if (!udt || !f) {
    cx.err('E338', span, `'${ty.name ?? '?'}' has no field '${name}' (\`${text}\`).${udt ? ` Its fields: ${udt.fields.map((x) => x.name).join(', ') || '(none)'}.` : ''}`);
    return null;
  }
  return { index, type: { ...f.type, qual: Qual.Series } };
}

/** `o.x`: the field of an object (a runtime error when `o` is na). */
export function fieldRead(cx: LowerContext, obj: Val, e: A.Member, scope: Scope): Val {
  const f = fieldOf(cx, obj.type, e.name, e.nameSpan, cx.q(e));
  if (!f) return cx.poison();
  const fn = scope.fn;
  const d = fn.temp();
  fn.em.at = cx.pinnedAt ?? e.nameSpan.start;
  const numeric = isNumericStorage(f.type);
  const at = fn.em.emit(Op.CALLB, objBuiltin(cx, numeric ? '__obj.get_f' : '__obj.get_o'), obj.reg, d, f.index);
  return { reg: d, type: f.type, defAt: at + 3 };
}

/** `o.x := v`, `o.x += v`: writes the field of the object `o` refers to (every variable that refers
 * to the same object sees the new value). */
export function fieldAssign(cx: LowerContext, s: A.Assign, target: A.Member, scope: Scope, want: boolean): Val[] | null {
  const fn = scope.fn;
  const obj = cx.expr(target.object, scope);
  if (obj.bad) {
    cx.expr(s.value, scope);
    return null;
  }
  if (obj.type.base !== 'udt') {
    cx.expr(s.value, scope);
    cx.err('E309', target.span, `Cannot assign to \`${cx.q(target)}\`: \`${cx.q(target.object)}\` is ${baseName(obj.type)}, not an object of a user-defined type.`);
    return null;
  }
  const f = fieldOf(cx, obj.type, target.name, target.nameSpan, cx.q(target));
  if (!f) {
    cx.expr(s.value, scope);
    return null;
  }
  let v: Val;
  if (s.op === ':=') v = cx.expr(s.value, scope);
  else {
    // `o.x += v`: the field's current value, the operation, then the write.
    const cur = fieldRead(cx, obj, target, scope);
    const rhs = cx.expr(s.value, scope);
    const op = s.op.slice(0, 1) as '+' | '-' | '*' | '/' | '%';
    v = cx.binaryVals(op, cur, rhs, s.span, scope, target, s.value);
  }
  if (v.type.base === 'void' || v.type.base === 'tuple') {
    cx.err('E305', s.value.span, `\`${cx.q(s.value)}\` has no value to assign to '${target.name}'.`);
    return null;
  }
  v = cx.convert(fn, v, f.type, s.value.span, `Cannot assign to \`${cx.q(target)}\` (${baseName(f.type)})`);
  if (v.bad) return null;
  const block = cx.newReg(2);
  cx.place(fn, { reg: obj.reg, type: obj.type }, block);
  if (v.type.base === 'na') cx.place(fn, { reg: cx.naOf(fn, f.type), type: f.type }, block + 1);
  else cx.place(fn, v, block + 1);
  fn.em.at = cx.pinnedAt ?? s.span.start;
  const numeric = isNumericStorage(f.type);
  fn.em.emit(Op.CALLB, objBuiltin(cx, numeric ? '__obj.set_f' : '__obj.set_o'), block, 0, f.index);
  return want ? [{ reg: block + 1, type: f.type }] : null;
}

/** The element type when `array.<name>(...)` works on an array of objects (its template argument or
 * an argument names a user-defined type): the call then goes to `__oarray.<name>`
 * (builtins/object-arrays.ts). Null for every other array call. */
export function objectArrayElem(cx: LowerContext, e: A.Call, args: readonly Val[]): PType | null {
  const ta = e.typeArgs[0];
  if (ta && e.typeArgs.length === 1) {
    const u = cx.udt(ta.name);
    return u && ta.args.length === 0 ? { base: 'udt', qual: Qual.Series, name: u.name } : null;
  }
  for (const v of args) {
    if (v.type.base === 'array' && v.type.elem?.base === 'udt') return v.type.elem;
    if (v.type.base === 'udt') return v.type;
  }
  return null;
}

/** The element type of a matrix call on objects of a user-defined type (`matrix.new<Point>()`, or a
 * matrix<Point> argument), or null. */
export function objectMatrixElem(cx: LowerContext, e: A.Call, args: readonly Val[]): PType | null {
  const ta = e.typeArgs[0];
  if (ta && e.typeArgs.length === 1) {
    const u = cx.udt(ta.name);
    return u && ta.args.length === 0 ? { base: 'udt', qual: Qual.Series, name: u.name } : null;
  }
  for (const v of args) if (v.type.base === 'matrix' && v.type.elem?.base === 'udt') return v.type.elem;
  return null;
}

/** Built-in type names a user type cannot take. */
const BUILTIN_TYPE_NAMES = new Set(['array', 'matrix', 'map', 'line', 'label', 'box', 'table', 'linefill', 'polyline', 'chart']);
