// Keyset ("seek") paging over an ORDER BY <column>, pk that may hold NULLs. SQLite sorts NULL
// first ascending and last descending; the predicate below continues after (value, pk) in
// exactly that order, so a deep page costs as much as the first one.
import { AppError } from '../../../shared/errors';

export interface Cursor {
  f: string; // sort field the cursor was made for
  d: 'asc' | 'desc';
  v: string | number | null;
  p: number; // pk of the last row seen
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

export function decodeCursor(raw: string, field: string, dir: 'asc' | 'desc'): Cursor {
  let c: unknown;
  try {
    c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw new AppError('VALIDATION', 'That page no longer exists; start again from the first page.', { field: 'cursor' });
  }
  const ok =
    typeof c === 'object' &&
    c !== null &&
    (c as Cursor).f === field &&
    (c as Cursor).d === dir &&
    typeof (c as Cursor).p === 'number' &&
    ['string', 'number'].includes(typeof (c as Cursor).v) !== ((c as Cursor).v === null);
  if (!ok) {
    throw new AppError('VALIDATION', 'That page belongs to another sort; start again from the first page.', { field: 'cursor' });
  }
  return c as Cursor;
}

/** A predicate (with params) selecting one run of rows, contiguous in the sort index. */
export interface SeekRange {
  sql: string;
  params: unknown[];
}

/**
 * The rows strictly after the cursor, as one or two ranges to read in order (the second only
 * when the first runs out). Each range is written so SQLite seeks the (value, pk) index to the
 * cursor instead of scanning from the top of the table:
 *   asc,  v set:  value >= v AND (value > v OR pk > p)   (NULLs sort first, so none follow)
 *   asc,  v null: NULLs after p, then every non-NULL value
 *   desc, v set:  value <= v AND (value < v OR pk < p), then the NULLs (they sort last)
 *   desc, v null: NULLs before p
 * `notNull` drops the NULL range for columns that cannot hold one.
 */
export function seekAfter(expr: string, pkExpr: string, c: Cursor, notNull = false): SeekRange[] {
  if (c.d === 'asc') {
    if (c.v === null) return [{ sql: `(${expr} IS NULL AND ${pkExpr} > ?)`, params: [c.p] }, { sql: `${expr} IS NOT NULL`, params: [] }];
    return [{ sql: `(${expr} >= ? AND (${expr} > ? OR ${pkExpr} > ?))`, params: [c.v, c.v, c.p] }];
  }
  if (c.v === null) return [{ sql: `(${expr} IS NULL AND ${pkExpr} < ?)`, params: [c.p] }];
  const before: SeekRange = { sql: `(${expr} <= ? AND (${expr} < ? OR ${pkExpr} < ?))`, params: [c.v, c.v, c.p] };
  return notNull ? [before] : [before, { sql: `${expr} IS NULL`, params: [] }];
}
