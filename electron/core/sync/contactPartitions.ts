// The parallel first pull's plan: a workspace's contacts cut into ranges of creation days, each a
// contact search of its own, so several can be read at once (see Puller.firstPull).
import type { SearchFilter } from './intercomTypes';

/**
 * One range of creation days: the contacts created from `from`'s calendar day (in the workspace's
 * timezone) up to, not including, `to`'s. Null ends are open: the last range has no end, so a
 * contact created while the import runs falls in it (and in the pull after it, by its updated_at).
 */
export interface ContactPartition {
  from: number | null;
  to: number | null;
  /**
   * Only the contacts whose Intercom id ends with this (lower-case hex): how a range too narrow to
   * cut by time (a day holding many contacts, as after a bulk import) is cut further.
   */
  idEnds?: string;
  /** `starting_after` of its next page (null: its first page comes next). */
  cursor: string | null;
}

/**
 * Two bounds at least this far apart fall on different calendar days in any timezone, even across
 * a 25-hour day (daylight saving), so neighbouring ranges never share a day.
 */
export const MIN_SPLIT_S = 25 * 3600;

/**
 * The search for one range. Intercom's search matches dates by calendar day and knows only
 * `=`, `<` and `>` on them (`>` starts at the next day, `<` ends at the day's start), so a range
 * from day F to day T is "on F, or after F and before T": exact in the workspace's own
 * timezone without knowing it. Two levels of nesting, the most search allows.
 */
export function partitionQuery(p: Pick<ContactPartition, 'from' | 'to' | 'idEnds'>): SearchFilter {
  const on = (op: '=' | '<' | '>', value: number) => ({ field: 'created_at', operator: op, value });
  // the id filter goes into each branch, so the query stays within two levels
  const all = (...filters: SearchFilter[]): SearchFilter => {
    const list = p.idEnds ? [...filters, { field: 'id', operator: '$', value: p.idEnds }] : filters;
    return list.length === 1 ? list[0]! : { operator: 'AND', value: list };
  };
  if (p.from === null && p.to === null) return all(on('>', 0));
  if (p.from === null) return all(on('<', p.to!));
  if (p.to === null) return { operator: 'OR', value: [all(on('=', p.from)), all(on('>', p.from))] };
  return { operator: 'OR', value: [all(on('=', p.from)), all(on('>', p.from), on('<', p.to))] };
}

const HEX = '0123456789abcdef';
/** Intercom's contact ids are 24 hex digits (Mongo object ids); the last ones count up, so they spread evenly. */
const HEX_ID = /^[0-9a-f]{8,}$/;

/**
 * Cuts a range into 16 by the last hex digit of the id (then the one before it), when the ids of
 * its first page are all hex: a range that holds too many contacts but cannot be cut by time.
 * Null when the ids do not look like Intercom's, or the range is cut that way 3 times already.
 */
export function splitById(p: ContactPartition, sampleIds: readonly string[]): ContactPartition[] | null {
  if ((p.idEnds?.length ?? 0) >= 3 || sampleIds.length === 0 || !sampleIds.every((id) => HEX_ID.test(id))) return null;
  return [...HEX].map((h) => ({ from: p.from, to: p.to, idEnds: h + (p.idEnds ?? ''), cursor: null }));
}

/**
 * Cuts a range holding `total` contacts into about total / target ranges of equal time, from the
 * oldest contact in it (`oldest`, Unix s) to its end (`now` for an open one). With `lanes` (ranges
 * read at once), more pieces than lanes are rounded to a multiple of them, so the last round of
 * ranges is not a few stragglers read while the other lanes stand idle. Returns null when it
 * cannot be cut (less than two days wide, or small enough already): it is then read as it is.
 */
export function splitPartition(p: ContactPartition, total: number, oldest: number, nowS: number, target: number, lanes = 1): ContactPartition[] | null {
  if (total <= target * 2) return null;
  const lo = p.from ?? oldest;
  const hi = p.to ?? Math.max(nowS, lo + 1);
  const span = hi - lo;
  let wanted = Math.ceil(total / target);
  if (wanted > lanes) wanted = Math.max(1, Math.round(wanted / lanes)) * lanes;
  const pieces = Math.min(wanted, Math.floor(span / MIN_SPLIT_S), 4096);
  if (pieces < 2) return null;
  const bounds: number[] = [];
  for (let j = 1; j < pieces; j++) bounds.push(lo + Math.round((j * span) / pieces));
  const out: ContactPartition[] = [];
  let from = p.from;
  const ends = p.idEnds ? { idEnds: p.idEnds } : {};
  for (const b of bounds) {
    out.push({ from, to: b, ...ends, cursor: null });
    from = b;
  }
  out.push({ from, to: p.to, ...ends, cursor: null });
  return out;
}
