// Identity hashes for scripts and runs: a 64-bit hash (two independent 32-bit multiply-xorshift
// lanes) of a string, printed as 16 hex digits, and a key-order-independent JSON for records.
// Used to recognise "the same source / the same inputs", not for security.

export function hashText(s: string): string {
  let a = 0x811c9dc5 ^ s.length;
  let b = 0x9e3779b9 ^ Math.imul(s.length, 0x85ebca6b);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x7feb352d);
  a ^= a >>> 15;
  b ^= b >>> 13;
  b = Math.imul(b, 0x846ca68b);
  b ^= b >>> 16;
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** JSON with object keys sorted at every level, so equal records give equal text. */
export function stableJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(',')}}`;
}
