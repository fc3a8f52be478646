// Reading request bodies and query strings the way Intercom does: the typed field readers, the
// page size and the opaque list cursors shared by every resource.
import { badParam } from './errors';

export const MAX_PER_PAGE = 150;

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const has = (o: Record<string, unknown>, k: string) => Object.prototype.hasOwnProperty.call(o, k) && o[k] !== undefined;

export function body(input: unknown): Record<string, unknown> {
  if (input === undefined || input === null) return {};
  if (!isObject(input)) throw badParam('The request body must be a JSON object');
  return input;
}

export function optText(b: Record<string, unknown>, key: string): string | null | undefined {
  if (!has(b, key)) return undefined;
  const v = b[key];
  if (v === null) return null;
  if (typeof v === 'string') return v;
  throw badParam(`${key} must be a string`, key);
}

export function optInt(b: Record<string, unknown>, key: string): number | null | undefined {
  if (!has(b, key)) return undefined;
  const v = b[key];
  if (v === null) return null;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw badParam(`${key} must be an integer`, key);
}

/** external_id / company_id: Intercom takes numbers too and stores them as strings. */
export function optKey(b: Record<string, unknown>, key: string): string | null | undefined {
  if (!has(b, key)) return undefined;
  const v = b[key];
  if (v === null || v === '') return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw badParam(`${key} must be a string`, key);
}

export function parsePerPage(raw: unknown, fallback: number): number {
  if (raw === undefined || raw === null || raw === '') return fallback;
  const n = typeof raw === 'string' ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_PER_PAGE) {
    throw badParam(`per_page must be an integer between 1 and ${MAX_PER_PAGE}`, 'per_page');
  }
  return n;
}

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor(raw: unknown, kind: 'list' | 'search'): { page: number; pos: number; key?: unknown } {
  if (typeof raw !== 'string' || raw === '') throw badParam('starting_after is invalid', 'starting_after');
  try {
    const v: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v[0] === kind && typeof v[1] === 'number' && typeof v[2] === 'number') return { page: v[1], pos: v[2], key: v[3] };
  } catch {
    // fall through
  }
  throw badParam('starting_after is invalid', 'starting_after');
}

