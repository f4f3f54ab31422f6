// The alertcondition() calls of a script's source, for the dialog that arms them: each call's
// title and message when written as string literals (positional or named). A light scan of the
// text (strings and comments skipped, arguments split at the call's own commas), so the page needs
// no compiler; the VM reports a firing with the message, or the title when there is no message.

export interface AlertConditionInfo {
  title: string;
  message: string | null;
  /** What a firing of this condition says (the message, else the title): the key it is armed by. */
  key: string;
  line: number;
}

/** The text of a string literal argument ('...' or "..."), or null. */
function literal(arg: string): string | null {
  const m = /^\s*(["'])((?:\\.|(?!\1).)*)\1\s*$/s.exec(arg);
  return m ? (m[2] ?? '').replace(/\\(.)/g, '$1') : null;
}

/** Top-level arguments of the call whose '(' is at `open`, and the index after its ')'. */
function argsAt(src: string, open: number): { args: string[]; end: number } {
  const args: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = open + 1; i < src.length; i++) {
    const ch = src[i] as string;
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== ch && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
      cur += src.slice(i, j + 1);
      i = j;
      continue;
    }
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') {
      if (depth === 0) {
        args.push(cur);
        return { args, end: i + 1 };
      }
      depth--;
    } else if (ch === ',' && depth === 0) {
      args.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  args.push(cur);
  return { args, end: src.length };
}

/** Source with comments blanked (same length, so offsets and lines stay). */
function withoutComments(src: string): string {
  return src.replace(/("(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')|\/\/[^\n]*/g, (m, str: string | undefined) => (str ? m : ' '.repeat(m.length)));
}

export function alertConditionsOf(source: string): AlertConditionInfo[] {
  const src = withoutComments(source);
  const out: AlertConditionInfo[] = [];
  const re = /\balertcondition\s*\(/g;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    const open = m.index + m[0].length - 1;
    const { args, end } = argsAt(src, open);
    re.lastIndex = end;
    let title: string | null = null;
    let message: string | null = null;
    let pos = 0;
    for (const a of args) {
      const named = /^\s*(\w+)\s*=(?!=)([\s\S]*)$/.exec(a);
      if (named) {
        if (named[1] === 'title') title = literal(named[2] ?? '');
        else if (named[1] === 'message') message = literal(named[2] ?? '');
        continue;
      }
      if (pos === 1) title = literal(a);
      else if (pos === 2) message = literal(a);
      pos++;
    }
    const line = source.slice(0, m.index).split('\n').length;
    const t = title ?? `alertcondition on line ${line}`;
    out.push({ title: t, message, key: message ?? title ?? '', line });
  }
  return out;
}
