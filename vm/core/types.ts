// Pine's static types (ground floor): a base type with a qualifier (const < input < simple < series).
// Used by the checker, by builtin signatures and by codegen to pick register files and opcodes.

export const enum Qual {
  Const = 0,
  Input = 1,
  Simple = 2,
  Series = 3,
}

export const QUAL_NAMES = ['const', 'input', 'simple', 'series'] as const;

/** Base types. Numeric ones (int, float, bool, color, enum) live in the float register file as
 * doubles; the others (string and every reference type) live in the object register file. */
export type Base =
  | 'int'
  | 'float'
  | 'bool'
  | 'color'
  | 'string'
  | 'na' // the type of a bare `na` literal before context gives it one
  | 'void'
  | 'array'
  | 'matrix'
  | 'map'
  | 'udt'
  | 'enum'
  | 'line'
  | 'label'
  | 'box'
  | 'table'
  | 'linefill'
  | 'polyline'
  | 'chart.point'
  | 'plot' // the id returned by plot(), for fill()
  | 'hline' // the id returned by hline(), for fill()
  | 'tuple';

export interface PType {
  base: Base;
  qual: Qual;
  /** Element type of array/matrix, value type of map. */
  elem?: PType;
  /** Key type of map. */
  key?: PType;
  /** Name of a user-defined type or enum. */
  name?: string;
  /** Items of a tuple. */
  items?: PType[];
}

export function t(base: Base, qual: Qual = Qual.Series): PType {
  return { base, qual };
}

export const NUMERIC_BASES: ReadonlySet<Base> = new Set<Base>([
  'int', 'float', 'bool', 'color', 'enum', 'na', 'plot', 'hline',
  // Drawings are ids into the drawing registry (compiler/tier2-types.ts, builtins/draw/store.ts).
  'label', 'line', 'box', 'table', 'polyline', 'linefill',
]);

/** True when values of this type are stored as doubles in the float register file. */
export function isNumericStorage(ty: PType): boolean {
  return NUMERIC_BASES.has(ty.base);
}

export function withQual(ty: PType, qual: Qual): PType {
  return { ...ty, qual };
}

export function maxQual(a: Qual, b: Qual): Qual {
  return a > b ? a : b;
}

export function typeName(ty: PType): string {
  const q = QUAL_NAMES[ty.qual];
  return `${q} ${baseName(ty)}`;
}

export function baseName(ty: PType): string {
  switch (ty.base) {
    case 'array':
      return `array<${ty.elem ? baseName(ty.elem) : '?'}>`;
    case 'matrix':
      return `matrix<${ty.elem ? baseName(ty.elem) : '?'}>`;
    case 'map':
      return `map<${ty.key ? baseName(ty.key) : '?'}, ${ty.elem ? baseName(ty.elem) : '?'}>`;
    case 'udt':
    case 'enum':
      return ty.name ?? ty.base;
    case 'tuple':
      return `[${(ty.items ?? []).map(baseName).join(', ')}]`;
    default:
      return ty.base;
  }
}

export function sameBase(a: PType, b: PType): boolean {
  if (a.base !== b.base) return false;
  if (a.name !== b.name) return false;
  if (!!a.elem !== !!b.elem || (a.elem && b.elem && !sameBase(a.elem, b.elem))) return false;
  if (!!a.key !== !!b.key || (a.key && b.key && !sameBase(a.key, b.key))) return false;
  return true;
}

/** The kinds of script output (plots and their relatives), as recorded in a Program. */
export type OutputKind =
  | 'plot'
  | 'plotshape'
  | 'plotchar'
  | 'plotarrow'
  | 'plotcandle'
  | 'plotbar'
  | 'hline'
  | 'fill'
  | 'bgcolor'
  | 'barcolor';
