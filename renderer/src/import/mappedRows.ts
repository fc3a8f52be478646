// The preview's "first rows as they will be written" as a flat table. The engine describes each
// row as a record that may nest (a person and a company, attributes, event metadata); here every
// leaf becomes a column named in the words of the mapping step, and columns empty in every
// shown row are left out so the table stays narrow.
import type { ImportKind } from '../../../shared/activity';
import { describeTarget } from './importWords';

export interface FlatTable {
  columns: { key: string; label: string }[];
  rows: Record<string, unknown>[];
}

const COMPANY_LABEL: Record<string, string> = {
  name: 'Company name',
  externalId: 'Company id',
  plan: 'Plan',
  monthlySpend: 'Monthly spend',
  stage: 'Company stage',
};
const EVENT_LABEL: Record<string, string> = { name: 'Event name', at: 'Time' };

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isEmpty = (v: unknown) => v === null || v === undefined || v === '';

function flatten(value: Record<string, unknown>, prefix: string[], into: Map<string, unknown>, paths: Map<string, string[]>): void {
  for (const [k, v] of Object.entries(value)) {
    const path = [...prefix, k];
    if (isPlainObject(v)) flatten(v, path, into, paths);
    else {
      const key = path.join('\u0000');
      into.set(key, v);
      paths.set(key, path);
    }
  }
}

function labelOf(path: string[], kind: ImportKind): string {
  const last = path[path.length - 1]!;
  const parent = path.length > 1 ? path[path.length - 2] : null;
  const company = path[0] === 'company';
  if (path.length === 1 && last === 'row') return 'Row';
  if (parent === 'attributes') return `${company ? 'Company attribute' : 'Custom attribute'} “${last}”`;
  if (parent === 'metadata') return `Metadata “${last}”`;
  if (company) return COMPANY_LABEL[last] ?? `Company ${last}`;
  if (kind === 'events' && path.length === 1 && EVENT_LABEL[last]) return EVENT_LABEL[last];
  return describeTarget(last);
}

export function flattenMapped(mapped: Record<string, unknown>[], kind: ImportKind): FlatTable {
  const paths = new Map<string, string[]>();
  const rows = mapped.map((row) => {
    const flat = new Map<string, unknown>();
    flatten(row, [], flat, paths);
    return flat;
  });
  const keys = [...paths.keys()].filter((k) => rows.some((r) => !isEmpty(r.get(k))));
  return {
    columns: keys.map((key) => ({ key, label: labelOf(paths.get(key)!, kind) })),
    rows: rows.map((r) => Object.fromEntries(keys.map((k) => [k, r.get(k)]))),
  };
}
