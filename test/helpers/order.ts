// The order SQLite gives an `ORDER BY <column> <dir>, pk <dir>`, computed independently in JS,
// so list tests can check the exact sequence a page walk must produce.

export type SortValue = string | number | null;

const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** NULL first, numbers before text, text by code point (BINARY) or ASCII-case-folded (NOCASE). */
export function sqliteCompare(a: SortValue, b: SortValue, nocase = false): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  const x = nocase && typeof a === 'string' ? asciiLower(a) : a;
  const y = nocase && typeof b === 'string' ? asciiLower(b as string) : b;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Rows in list order: by key, ties by pk (insertion order); descending is the exact reverse. */
export function expectedOrder<T>(
  rows: readonly T[],
  key: (r: T) => SortValue,
  pk: (r: T) => number,
  dir: 'asc' | 'desc',
  nocase = false,
): T[] {
  const asc = [...rows].sort((a, b) => sqliteCompare(key(a), key(b), nocase) || pk(a) - pk(b));
  return dir === 'asc' ? asc : asc.reverse();
}
