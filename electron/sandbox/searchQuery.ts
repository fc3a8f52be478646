// Compiles a POST /contacts/search query into a predicate over contact snapshots, with
// Intercom's limits (2 levels, 15 per group) and its calendar-day rule for date fields.
import { badParam } from './errors';
import type { ContactData } from './model';

export type FieldKind = 'string' | 'number' | 'boolean' | 'date';

export interface SearchContext {
  /** The kind of a custom attribute by name, or undefined when the workspace has no such attribute. */
  customKind(name: string): FieldKind | undefined;
  timezoneOffsetMinutes: number;
}

type Accessor = (c: ContactData) => unknown;
export type Predicate = (c: ContactData) => boolean;

const STANDARD: Record<string, { kind: FieldKind; get: Accessor }> = {
  id: { kind: 'string', get: (c) => c.id },
  role: { kind: 'string', get: (c) => c.role },
  email: { kind: 'string', get: (c) => c.email },
  external_id: { kind: 'string', get: (c) => c.external_id },
  name: { kind: 'string', get: (c) => c.name },
  phone: { kind: 'string', get: (c) => c.phone },
  created_at: { kind: 'date', get: (c) => c.created_at },
  updated_at: { kind: 'date', get: (c) => c.updated_at },
  signed_up_at: { kind: 'date', get: (c) => c.signed_up_at },
  last_seen_at: { kind: 'date', get: (c) => c.last_seen_at },
  unsubscribed_from_emails: { kind: 'boolean', get: (c) => c.unsubscribed_from_emails },
};

const OPERATORS: Record<FieldKind, readonly string[]> = {
  string: ['=', '!=', 'IN', 'NIN', '~', '!~', '^', '$'],
  number: ['=', '!=', 'IN', 'NIN', '<', '>', '<=', '>='],
  boolean: ['=', '!=', 'IN', 'NIN'],
  // 2.14 matches dates by calendar day and rejects everything else (API-NOTES: the date trap)
  date: ['=', '<', '>'],
};

export const MAX_DEPTH = 2;
export const MAX_PER_GROUP = 15;

export interface ResolvedField {
  kind: FieldKind;
  get: Accessor;
}

export function resolveField(field: unknown, ctx: SearchContext): ResolvedField {
  if (typeof field !== 'string' || field === '') throw badParam('field is required for each filter', 'field');
  const std = STANDARD[field];
  if (std) return std;
  if (field.startsWith('custom_attributes.')) {
    const name = field.slice('custom_attributes.'.length);
    const kind = ctx.customKind(name);
    if (kind) return { kind, get: (c) => c.custom_attributes[name] };
  }
  throw badParam(`'${field}' is not a valid search field`, field);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function compileQuery(query: unknown, ctx: SearchContext): Predicate {
  if (!isObject(query)) throw badParam('query must be an object', 'query');
  return compileNode(query, ctx, 0);
}

function compileNode(node: Record<string, unknown>, ctx: SearchContext, depth: number): Predicate {
  if ('field' in node) return compileFilter(node, ctx);
  const op = node.operator;
  if (op !== 'AND' && op !== 'OR') throw badParam(`operator '${String(op)}' is not supported for a group of filters; use AND or OR`, 'operator');
  if (depth + 1 > MAX_DEPTH) throw badParam(`Search queries can only be nested ${MAX_DEPTH} levels deep`, 'query');
  const children = node.value;
  if (!Array.isArray(children) || children.length === 0) throw badParam('A group of filters needs a non-empty value array', 'value');
  if (children.length > MAX_PER_GROUP) throw badParam(`A group can hold at most ${MAX_PER_GROUP} filters`, 'value');
  const preds = children.map((child) => {
    if (!isObject(child)) throw badParam('Each filter must be an object', 'value');
    return compileNode(child, ctx, depth + 1);
  });
  return op === 'AND' ? (c) => preds.every((p) => p(c)) : (c) => preds.some((p) => p(c));
}

function compileFilter(node: Record<string, unknown>, ctx: SearchContext): Predicate {
  const field = node.field as string;
  const { kind, get } = resolveField(field, ctx);
  const op = node.operator;
  if (typeof op !== 'string' || !OPERATORS[kind].includes(op)) {
    throw badParam(`operator '${String(op)}' is not supported for field '${field}' (${kind})`, field);
  }
  const raw = node.value;

  if (op === 'IN' || op === 'NIN') {
    if (!Array.isArray(raw)) throw badParam(`value must be an array for operator ${op}`, field);
    const set = raw.map((v) => normalise(v, kind, field, false));
    const fold = field === 'email';
    const wanted = new Set(set.map((v) => (fold && typeof v === 'string' ? v.toLowerCase() : v)));
    const has = (c: ContactData) => {
      const v = get(c);
      return v !== null && v !== undefined && wanted.has(fold && typeof v === 'string' ? v.toLowerCase() : (v as string | number | boolean));
    };
    return op === 'IN' ? has : (c) => !has(c);
  }

  if (Array.isArray(raw)) throw badParam(`value must not be an array for operator ${op}`, field);
  // `= null` / `!= null` ask whether the field is empty at all
  if (raw === null && (op === '=' || op === '!=')) {
    return op === '=' ? (c) => get(c) === null || get(c) === undefined || get(c) === '' : (c) => !(get(c) === null || get(c) === undefined || get(c) === '');
  }
  const value = normalise(raw, kind, field, false);

  if (kind === 'date') {
    const tz = ctx.timezoneOffsetMinutes * 60;
    const day = (s: number) => Math.floor((s + tz) / 86_400);
    const target = day(value as number);
    const dayOf = (c: ContactData) => {
      const v = get(c);
      return typeof v === 'number' ? day(v) : null;
    };
    if (op === '=') return (c) => dayOf(c) === target;
    // `> T` starts at the midnight after T's day; `< T` ends at the midnight starting it
    if (op === '>') return (c) => { const d = dayOf(c); return d !== null && d > target; };
    return (c) => { const d = dayOf(c); return d !== null && d < target; };
  }

  if (kind === 'string') {
    // Substring operators ignore case, as does email equality; other equality is exact
    const s = value as string;
    const lower = s.toLowerCase();
    const str = (c: ContactData) => { const v = get(c); return typeof v === 'string' ? v : v === null || v === undefined ? null : String(v); };
    switch (op) {
      case '=':
        return field === 'email' ? (c) => str(c)?.toLowerCase() === lower : (c) => str(c) === s;
      case '!=':
        return field === 'email' ? (c) => str(c)?.toLowerCase() !== lower : (c) => str(c) !== s;
      case '~':
        return (c) => str(c)?.toLowerCase().includes(lower) ?? false;
      case '!~':
        return (c) => !(str(c)?.toLowerCase().includes(lower) ?? false);
      case '^':
        return (c) => str(c)?.toLowerCase().startsWith(lower) ?? false;
      default:
        return (c) => str(c)?.toLowerCase().endsWith(lower) ?? false;
    }
  }

  if (kind === 'boolean') {
    return op === '=' ? (c) => get(c) === value : (c) => get(c) !== value;
  }

  const n = value as number;
  const num = (c: ContactData) => { const v = get(c); return typeof v === 'number' ? v : null; };
  switch (op) {
    case '=': return (c) => num(c) === n;
    case '!=': return (c) => num(c) !== n;
    case '<': return (c) => { const v = num(c); return v !== null && v < n; };
    case '>': return (c) => { const v = num(c); return v !== null && v > n; };
    case '<=': return (c) => { const v = num(c); return v !== null && v <= n; };
    default: return (c) => { const v = num(c); return v !== null && v >= n; };
  }
}

function normalise(v: unknown, kind: FieldKind, field: string, allowNull: boolean): Scalar | null {
  if (v === null && allowNull) return null;
  switch (kind) {
    case 'string':
      if (typeof v === 'string') return v;
      if (typeof v === 'number' && Number.isFinite(v)) return String(v);
      break;
    case 'boolean':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === 'false') return v === 'true';
      break;
    case 'number':
    case 'date': {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof n === 'number' && Number.isFinite(n) && (kind === 'number' || Number.isInteger(n))) return n;
      break;
    }
  }
  throw badParam(`value ${JSON.stringify(v)} is not a valid ${kind === 'date' ? 'Unix timestamp' : kind} for field '${field}'`, field);
}

type Scalar = string | number | boolean;

/** Sort keys compare with nulls first, so keyset cursors stay well-defined over empty fields. */
export function compareKeys(a: unknown, b: unknown): number {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an === bn ? 0 : an ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const as = String(a);
  const bs = String(b);
  return as < bs ? -1 : as > bs ? 1 : 0;
}

/**
 * The span of one date field (Unix s, [lo, hi)) that every contact a query matches lies in, or
 * null when the query does not bound it: lets a search read only that span of an index ordered
 * by the field (the parallel first pull asks for ranges of creation days) instead of everyone.
 */
export function dateSpan(query: unknown, field: string, timezoneOffsetMinutes: number): { lo: number; hi: number } | null {
  const tz = timezoneOffsetMinutes * 60;
  const dayStart = (s: number) => Math.floor((s + tz) / 86_400) * 86_400 - tz;
  const all = { lo: -Infinity, hi: Infinity };
  const span = (node: unknown): { lo: number; hi: number } => {
    if (!isObject(node)) return all;
    if ('field' in node) {
      const v = typeof node.value === 'string' && node.value.trim() !== '' ? Number(node.value) : node.value;
      if (node.field !== field || typeof v !== 'number' || !Number.isFinite(v)) return all;
      const d = dayStart(v);
      if (node.operator === '=') return { lo: d, hi: d + 86_400 };
      if (node.operator === '>') return { lo: d + 86_400, hi: Infinity };
      if (node.operator === '<') return { lo: -Infinity, hi: d };
      return all;
    }
    const children = Array.isArray(node.value) ? node.value.map(span) : [];
    if (children.length === 0) return all;
    if (node.operator === 'AND') return { lo: Math.max(...children.map((c) => c.lo)), hi: Math.min(...children.map((c) => c.hi)) };
    return { lo: Math.min(...children.map((c) => c.lo)), hi: Math.max(...children.map((c) => c.hi)) };
  };
  const s = span(query);
  return s.lo === -Infinity && s.hi === Infinity ? null : s;
}
