// Enums (Pine v6): `enum Side` with members and optional titles, `Side.buy` (a const value: the
// member's index, stored as a number like every enum value; na is NaN), `==`/`!=` and `switch` on
// them (numeric comparison, same enum only), `str.tostring(e)` (the member's title) and
// `input.enum(Side.buy, "Side")` (an input whose options are the titles; the host gives the title,
// converted back to the member by `__enum.from_title`).

import type * as A from '../ast.js';
import { Qual, baseName, type PType } from '../types.js';
import { Scope } from '../scope.js';
import { Op } from '../../bytecode/opcodes.js';
import { lookupFn } from '../../builtins/registry.js';
import { type EnumInfo, type LowerContext, type Val } from './context.js';

/** Separator of the titles passed to the `__enum.*` builtins in one constant string. */
const SEP = '\u0001';

/** `enum Name` with its members: declared for the rest of the script. */
export function enumDef(cx: LowerContext, s: A.EnumDef, scope: Scope): void {
  if (scope !== cx.globalScope) {
    cx.err('E407', s.nameSpan, `The enum '${s.name}' must be declared in the global scope.`);
    return;
  }
  const qname = (cx.libPrefix ?? '') + s.name;
  const prev = cx.enums.get(qname) ?? cx.udts.get(qname);
  if (prev) {
    const line = cx.sink.lines.lineCol(prev.def.nameSpan.start).line;
    cx.err('E303', s.nameSpan, `'${s.name}' is already declared on line ${line}.`);
    return;
  }
  const info: EnumInfo = { name: qname, def: s, members: [], titles: [] };
  for (const f of s.fields) {
    if (info.members.includes(f.name)) {
      cx.err('E303', f.span, `The member '${f.name}' is declared twice in the enum '${s.name}'.`);
      continue;
    }
    let title = f.name;
    if (f.title) {
      const v = cx.expr(f.title, new Scope(null, scope.fn));
      if (typeof v.cv === 'string' && v.type.qual === Qual.Const) title = v.cv;
      else if (!v.bad) cx.err('E307', f.title.span, `The title of '${s.name}.${f.name}' must be a constant string, got \`${cx.q(f.title)}\`.`);
    }
    if (info.titles.includes(title)) {
      cx.err('E303', f.span, `The title "${title}" is used twice in the enum '${s.name}': each member needs its own.`);
    }
    info.members.push(f.name);
    info.titles.push(title);
  }
  cx.enums.set(qname, info);
}

export function enumType(info: EnumInfo, qual: Qual = Qual.Series): PType {
  return { base: 'enum', qual, name: info.name };
}

/** `Side.buy`: the member's index, a const value of the enum's type. */
export function enumMember(cx: LowerContext, info: EnumInfo, e: A.Member): Val {
  const k = info.members.indexOf(e.name);
  if (k < 0) {
    cx.err('E301', e.nameSpan, `The enum '${info.name}' has no member '${e.name}'. Its members: ${info.members.join(', ') || '(none)'}.`);
    return cx.poison(enumType(info));
  }
  return cx.constVal(k, enumType(info, Qual.Const));
}

function builtin(cx: LowerContext, name: string): number {
  const spec = lookupFn(name)?.[0];
  if (!spec) throw new Error(`Internal: the builtin ${name} is not registered`);
  return cx.builtinRef(spec.name, spec.overload, spec.signature);
}

/** `str.tostring(e)` of an enum value: its member's title (na for na). */
export function enumToString(cx: LowerContext, v: Val, scope: Scope): Val {
  const info = cx.enums.get(v.type.name ?? '');
  if (!info) return cx.poison({ base: 'string', qual: v.type.qual });
  if (typeof v.cv === 'number') return cx.constVal(info.titles[v.cv] ?? null, { base: 'string', qual: Qual.Const });
  const fn = scope.fn;
  const block = cx.newReg(2);
  cx.place(fn, v, block);
  cx.preload.push({ reg: block + 1, value: info.titles.join(SEP) });
  const d = fn.temp();
  const at = fn.em.emit(Op.CALLB, builtin(cx, '__enum.title'), block, d, 0);
  return { reg: d, type: { base: 'string', qual: v.type.qual }, defAt: at + 3 };
}

/** `input.enum(defval, title, tooltip, inline, group, options, display, confirm, active)`: an
 * input of kind 'enum' whose value (a title) is converted to the member each bar. */
export function inputEnum(cx: LowerContext, e: A.Call, scope: Scope): Val {
  const fn = scope.fn;
  if (!(fn.isMain && scope === cx.globalScope)) {
    cx.err('E406', e.callee.span, `'input.enum' can only be called in the global scope, not inside a function or block.`);
  }
  const names = ['defval', 'title', 'tooltip', 'inline', 'group', 'options', 'display', 'confirm', 'active'];
  const byName = new Map<string, A.Expr>();
  let pos = 0;
  for (const a of e.args) {
    const name = a.name ?? names[pos++];
    if (name === undefined || !names.includes(name)) {
      cx.err('E331', a.nameSpan ?? a.value.span, `Cannot call 'input.enum': ${a.name ? `it has no parameter named '${a.name}'` : 'too many arguments'}.`);
      return cx.poison();
    }
    byName.set(name, a.value);
  }
  const dExpr = byName.get('defval');
  if (!dExpr) {
    cx.err('E331', e.span, `Cannot call 'input.enum': missing argument 'defval' (a member of an enum, such as \`Side.buy\`).`);
    return cx.poison();
  }
  const dv = cx.expr(dExpr, scope);
  if (dv.bad) return cx.poison();
  const info = dv.type.base === 'enum' ? cx.enums.get(dv.type.name ?? '') : undefined;
  if (!info || typeof dv.cv !== 'number') {
    cx.err('E331', dExpr.span, `Cannot call 'input.enum' with argument 'defval'=\`${cx.q(dExpr)}\`: expected a member of an enum (\`Side.buy\`), got ${baseName(dv.type)}.`);
    return cx.poison();
  }
  const str = (k: string): string | null => {
    const x = byName.get(k);
    if (!x) return null;
    const v = cx.expr(x, scope);
    if (typeof v.cv === 'string' && v.type.qual === Qual.Const) return v.cv;
    if (!v.bad && v.type.base !== 'na') cx.err('E331', x.span, `Cannot call 'input.enum' with argument '${k}'=\`${cx.q(x)}\`: expected const string, got ${baseName(v.type)}.`);
    return null;
  };
  let options = info.titles.slice();
  const oExpr = byName.get('options');
  if (oExpr) {
    if (oExpr.kind !== 'Tuple') {
      cx.err('E335', oExpr.span, `The options of input.enum() must be a list of members of '${info.name}': \`options = [${info.name}.${info.members[0] ?? 'a'}, ...]\`.`);
    } else {
      options = [];
      for (const it of oExpr.items) {
        const v = cx.expr(it, scope);
        if (v.type.base !== 'enum' || v.type.name !== info.name || typeof v.cv !== 'number') {
          if (!v.bad) cx.err('E335', it.span, `The options of input.enum() must be members of '${info.name}', got \`${cx.q(it)}\`.`);
          continue;
        }
        options.push(info.titles[v.cv] ?? '');
      }
    }
  }
  const defTitle = info.titles[dv.cv] ?? '';
  if (oExpr && !options.includes(defTitle)) {
    cx.err('E335', dExpr.span, `The default ${cx.q(dExpr)} of input.enum() is not one of its options.`);
  }
  for (const k of ['display', 'confirm', 'active']) {
    const x = byName.get(k);
    if (x) cx.expr(x, scope);
  }
  const id = cx.inputs.length;
  const reg = cx.newReg();
  const title = str('title');
  cx.inputs.push({
    id,
    kind: 'enum',
    title: title !== null && title !== '' ? title : (cx.declName ?? `input${id}`),
    varName: cx.declName,
    defval: defTitle,
    options,
    minval: null,
    maxval: null,
    step: null,
    tooltip: str('tooltip'),
    group: str('group'),
    inline: str('inline'),
    reg,
  });
  const block = cx.newReg(2);
  fn.em.emit(Op.MOV_O, block, reg);
  cx.preload.push({ reg: block + 1, value: info.titles.join(SEP) });
  const d = fn.temp();
  const at = fn.em.emit(Op.CALLB, builtin(cx, '__enum.from_title'), block, d, 0);
  return { reg: d, type: enumType(info, Qual.Input), defAt: at + 3 };
}
