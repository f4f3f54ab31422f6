// The syntax tree produced by the parser and consumed by the checker.
// Every node carries a span of source offsets [start, end); line:column is computed only when a
// diagnostic is printed (see diagnostics.ts). Nodes are plain data: no methods, no parent links.

export interface Span {
  start: number;
  end: number;
}

// ---------------------------------------------------------------------------------------------
// Type annotations as written in the source: `float`, `series int`, `array<float>`, `float[]`,
// `map<string, int>`, `MyType`, `chart.point`.
export interface TypeRef {
  kind: 'TypeRef';
  span: Span;
  qualifier: 'const' | 'input' | 'simple' | 'series' | null;
  /** Dotted name: 'float', 'array', 'chart.point', 'MyType', 'lib.Type'. */
  name: string;
  /** Template arguments: array<float> → [float]; `float[]` is written as array<float>. */
  args: TypeRef[];
}

// ---------------------------------------------------------------------------------------------
// Expressions

export type Expr =
  | NumberLit
  | StringLit
  | BoolLit
  | ColorLit
  | NaLit
  | Ident
  | Member
  | Call
  | Index
  | Unary
  | Binary
  | Ternary
  | TupleExpr
  | IfExpr
  | SwitchExpr
  | ForExpr
  | ForInExpr
  | WhileExpr;

export interface NumberLit {
  kind: 'Number';
  span: Span;
  value: number;
  /** True when written without '.', exponent or fraction: `14` is int, `14.0` and `1e3` are float. */
  isInt: boolean;
}

export interface StringLit {
  kind: 'String';
  span: Span;
  /** The value with escapes resolved. */
  value: string;
}

export interface BoolLit {
  kind: 'Bool';
  span: Span;
  value: boolean;
}

/** `#RRGGBB` or `#RRGGBBAA`. */
export interface ColorLit {
  kind: 'Color';
  span: Span;
  r: number;
  g: number;
  b: number;
  /** Alpha 0..255 as written (255 when the literal has 6 digits). */
  a: number;
}

export interface NaLit {
  kind: 'Na';
  span: Span;
}

export interface Ident {
  kind: 'Ident';
  span: Span;
  name: string;
}

/** `object.name`. A dotted built-in name such as `ta.sma` is also a Member chain; the checker
 * decides whether it names a namespace member or a field/method of a value. */
export interface Member {
  kind: 'Member';
  span: Span;
  object: Expr;
  name: string;
  nameSpan: Span;
}

export interface Arg {
  /** Present for `name = value` arguments. */
  name: string | null;
  nameSpan: Span | null;
  value: Expr;
}

export interface Call {
  kind: 'Call';
  span: Span;
  /** Ident (`f`), Member (`ta.sma`, `arr.push`), never anything else. */
  callee: Ident | Member;
  /** Explicit template arguments: `array.new<float>(...)`. */
  typeArgs: TypeRef[];
  args: Arg[];
}

/** The history-reference operator: `expr[offset]`. */
export interface Index {
  kind: 'Index';
  span: Span;
  object: Expr;
  index: Expr;
}

export interface Unary {
  kind: 'Unary';
  span: Span;
  op: '-' | '+' | 'not';
  operand: Expr;
}

export type BinaryOp =
  | '+' | '-' | '*' | '/' | '%'
  | '==' | '!=' | '<' | '<=' | '>' | '>='
  | 'and' | 'or';

export interface Binary {
  kind: 'Binary';
  span: Span;
  op: BinaryOp;
  left: Expr;
  right: Expr;
}

export interface Ternary {
  kind: 'Ternary';
  span: Span;
  cond: Expr;
  then: Expr;
  else: Expr;
}

/** `[a, b, c]`: only valid as the value of a function body (a tuple result) or as an array literal
 * argument where Pine allows it; the checker decides. */
export interface TupleExpr {
  kind: 'Tuple';
  span: Span;
  items: Expr[];
}

/** A block's value is the value of its last statement when that is an expression statement. */
export interface Block {
  kind: 'Block';
  span: Span;
  body: Stmt[];
}

export interface IfExpr {
  kind: 'If';
  span: Span;
  cond: Expr;
  then: Block;
  /** `else if` is an IfExpr inside a one-statement else block; plain else is a Block. */
  else: Block | null;
}

export interface SwitchCase {
  /** null for the default case `=>`. */
  when: Expr | null;
  body: Block;
  span: Span;
}

/** `switch expr` (subject form) or bare `switch` (conditions form: each `when` is a bool). */
export interface SwitchExpr {
  kind: 'Switch';
  span: Span;
  subject: Expr | null;
  cases: SwitchCase[];
}

export interface ForExpr {
  kind: 'For';
  span: Span;
  counter: string;
  counterSpan: Span;
  from: Expr;
  to: Expr;
  step: Expr | null;
  body: Block;
}

/** `for x in coll` (indexName null) or `for [i, x] in coll`. */
export interface ForInExpr {
  kind: 'ForIn';
  span: Span;
  indexName: string | null;
  indexSpan: Span | null;
  valueName: string;
  valueSpan: Span;
  collection: Expr;
  body: Block;
}

export interface WhileExpr {
  kind: 'While';
  span: Span;
  cond: Expr;
  body: Block;
}

// ---------------------------------------------------------------------------------------------
// Statements

export type Stmt =
  | VarDecl
  | TupleDecl
  | Assign
  | ExprStmt
  | Break
  | Continue
  | FuncDef
  | TypeDef
  | EnumDef
  | Import;

export type DeclMode = 'plain' | 'var' | 'varip';

/** `[var|varip] [type] name = value`. */
export interface VarDecl {
  kind: 'VarDecl';
  span: Span;
  mode: DeclMode;
  type: TypeRef | null;
  name: string;
  nameSpan: Span;
  value: Expr;
  /** The statement had a syntax error after `name =`: the name is declared (so that its uses do
   * not report it as undeclared) but its type is unknown and `value` is a placeholder. */
  broken?: boolean;
}

/** `[a, b, _] = value`. */
export interface TupleDecl {
  kind: 'TupleDecl';
  span: Span;
  names: { name: string; span: Span }[];
  value: Expr;
  /** As VarDecl.broken. */
  broken?: boolean;
}

export type AssignOp = ':=' | '+=' | '-=' | '*=' | '/=' | '%=';

/** `target := value` and compound forms. Target is an Ident, or a Member for UDT fields. */
export interface Assign {
  kind: 'Assign';
  span: Span;
  op: AssignOp;
  target: Ident | Member;
  value: Expr;
}

export interface ExprStmt {
  kind: 'ExprStmt';
  span: Span;
  expr: Expr;
}

export interface Break {
  kind: 'Break';
  span: Span;
}

export interface Continue {
  kind: 'Continue';
  span: Span;
}

export interface Param {
  name: string;
  span: Span;
  /** Declared type, or null for a generic parameter (typed per call site). */
  type: TypeRef | null;
  defaultValue: Expr | null;
}

/** `name(params) => body`, `method name(Type self, ...) => body`; `export` is accepted and ignored. */
export interface FuncDef {
  kind: 'FuncDef';
  span: Span;
  name: string;
  nameSpan: Span;
  isMethod: boolean;
  params: Param[];
  /** Single-line functions have a one-statement block. */
  body: Block;
}

export interface FieldDef {
  name: string;
  span: Span;
  type: TypeRef;
  defaultValue: Expr | null;
  /** True for a field declared `varip` (its value survives realtime rollback); absent otherwise. */
  varip?: boolean;
}

/** `type Name` followed by an indented list of fields. */
export interface TypeDef {
  kind: 'TypeDef';
  span: Span;
  name: string;
  nameSpan: Span;
  fields: FieldDef[];
}

export interface EnumField {
  name: string;
  span: Span;
  title: Expr | null;
}

export interface EnumDef {
  kind: 'EnumDef';
  span: Span;
  name: string;
  nameSpan: Span;
  fields: EnumField[];
}

/** `import user/lib/1 as alias`: parsed so the checker can reject it with a clear message. */
export interface Import {
  kind: 'Import';
  span: Span;
  path: string;
  alias: string | null;
}

export interface Script {
  kind: 'Script';
  span: Span;
  /** From `//@version=N`; null when absent (treated as 6 with a warning by the checker). */
  version: number | null;
  body: Stmt[];
}
