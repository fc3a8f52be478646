// The field rule of the pull: per synced field (`email`, `stage`, ..., `customAttributes.<name>`),
// whether Intercom's value is applied, only becomes the new base, or conflicts with a local change.
import type { CustomAttributes } from '../../../shared/domain';
import type { CompanyBase, ContactBase } from './mapping';

export type FieldValue = string | number | boolean | null;
export type Flat = Record<string, FieldValue>;

export const ATTR_PREFIX = 'customAttributes.';

/**
 * What a base holds beside the fields: the remote `updated_at` (Unix s) of the version it was
 * taken from, so an older version shown by the lagging search never overwrites a newer one.
 */
export interface BaseMeta {
  remoteUpdatedAt?: number;
}

// Intercom refuses null for an attribute and we send "" to clear one (mapping.ts), so an empty
// string and a missing attribute are the same value on both sides
const normAttr = (v: unknown): FieldValue =>
  v === undefined || v === null || v === '' ? null : typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : null;

/** A base (or a row in base form) as a flat map of field -> value. */
export function flatten(b: ContactBase | CompanyBase): Flat {
  const out: Flat = {};
  for (const [k, v] of Object.entries(b)) {
    if (k === 'customAttributes') {
      for (const [a, av] of Object.entries((v ?? {}) as CustomAttributes)) {
        const n = normAttr(av);
        if (n !== null) out[ATTR_PREFIX + a] = n;
      }
    } else if (k !== 'remoteUpdatedAt') {
      out[k] = (v ?? null) as FieldValue;
    }
  }
  return out;
}

/** The flat map back in base form; attributes without a value are left out. */
export function unflatten<B extends ContactBase | CompanyBase>(flat: Flat): B {
  const out: Record<string, unknown> = { customAttributes: {} };
  const attrs = out.customAttributes as CustomAttributes;
  for (const [k, v] of Object.entries(flat)) {
    if (k.startsWith(ATTR_PREFIX)) {
      if (v !== null) attrs[k.slice(ATTR_PREFIX.length)] = v;
    } else out[k] = v;
  }
  return out as unknown as B;
}

export const sameValue = (a: FieldValue | undefined, b: FieldValue | undefined): boolean => (a ?? null) === (b ?? null);

export interface FieldConflict {
  field: string;
  local: FieldValue;
  remote: FieldValue;
  base: FieldValue;
}

export interface MergeResult {
  /** Remote values to write locally (no outbox entry). */
  apply: Flat;
  conflicts: FieldConflict[];
  /** The base after this pull: remote values, except where a conflict keeps the old one. */
  base: Flat;
}

export interface MergeInput {
  local: Flat;
  remote: Flat;
  /** null: the record was never synced, so the remote is taken as the base. */
  base: Flat | null;
  /** Fields a waiting outbox entry of this record changes. */
  pending: ReadonlySet<string>;
  /**
   * Fields whose remote null carries no information (a contact's Stage holding a value that maps
   * to no local stage, or none at all): it is neither applied nor a conflict, and the base keeps
   * its value. A null base for such a field is unknown, so only a waiting entry counts as a local change.
   */
  nullIsUnknown?: ReadonlySet<string>;
}

/**
 * Per field, with base b, local l and remote r:
 *   r == b               Intercom did not change it: nothing to do.
 *   l == r               both hold the same value: the base moves to it.
 *   waiting entry or l != b: both sides changed it: a conflict; the local value and the base stay.
 *   else                 only Intercom changed it: applied locally, the base moves.
 */
export function mergeFields(m: MergeInput): MergeResult {
  const apply: Flat = {};
  const conflicts: FieldConflict[] = [];
  const base: Flat = {};
  const fields = new Set([...Object.keys(m.local), ...Object.keys(m.remote), ...Object.keys(m.base ?? {})]);
  for (const f of fields) {
    const r = m.remote[f] ?? null;
    const l = m.local[f] ?? null;
    const unknownWhenNull = m.nullIsUnknown?.has(f) ?? false;
    if (unknownWhenNull && r === null) {
      base[f] = m.base ? (m.base[f] ?? null) : null;
      continue;
    }
    let b = m.base ? (m.base[f] ?? null) : r;
    if (unknownWhenNull && b === null) b = m.pending.has(f) ? null : l;
    if (sameValue(r, b)) {
      base[f] = r;
    } else if (sameValue(l, r)) {
      base[f] = r;
    } else if (m.pending.has(f) || !sameValue(l, b)) {
      conflicts.push({ field: f, local: l, remote: r, base: b });
      base[f] = m.base ? (m.base[f] ?? null) : b;
    } else {
      apply[f] = r;
      base[f] = r;
    }
  }
  return { apply, conflicts, base };
}

const CONTACT_OP_FIELDS: Record<string, readonly string[] | 'payload'> = {
  'contact.create': 'payload',
  'contact.update': 'payload',
  'contact.setStage': ['stage'],
  // the sign-up payload also carries email and visitor id, but only to find the contact
  'contact.signUp': ['role', 'externalId', 'stage'],
  'company.create': 'payload',
  'company.update': 'payload',
  'company.setStage': ['stage'],
};
// payload keys that are not synced fields (or, for a company, cannot change in Intercom)
const NOT_FIELDS = new Set(['visitorId', 'from', 'companyId']);

/** Fields that waiting outbox entries of one record change, from the entries' payload keys. */
export function pendingFields(entries: readonly { op: string; payload: string }[], entity: 'contact' | 'company'): Set<string> {
  const out = new Set<string>();
  for (const e of entries) {
    const rule = CONTACT_OP_FIELDS[e.op];
    if (!rule || !e.op.startsWith(entity === 'contact' ? 'contact.' : 'company.')) continue;
    if (rule !== 'payload') {
      for (const f of rule) out.add(f);
      continue;
    }
    const payload = JSON.parse(e.payload) as Record<string, unknown>;
    for (const [k, v] of Object.entries(payload)) {
      if (k === 'customAttributes') {
        for (const a of Object.keys((v ?? {}) as object)) out.add(ATTR_PREFIX + a);
      } else if (!NOT_FIELDS.has(k) && !(entity === 'company' && k === 'externalId')) {
        out.add(k);
      }
    }
  }
  return out;
}

/** Local companies a waiting link or unlink entry of the contact is about to change. */
export function pendingLinks(entries: readonly { op: string; payload: string }[]): Set<string> {
  const out = new Set<string>();
  for (const e of entries) {
    if (e.op !== 'company.link' && e.op !== 'company.unlink') continue;
    const companyId = (JSON.parse(e.payload) as { companyId?: unknown }).companyId;
    if (typeof companyId === 'string') out.add(companyId);
  }
  return out;
}

/** Local custom attributes (a row's JSON) with some flat attribute values set or removed. */
export function withAttributes(json: string, flat: Flat): string | undefined {
  const entries = Object.entries(flat).filter(([k]) => k.startsWith(ATTR_PREFIX));
  if (entries.length === 0) return undefined;
  const attrs = JSON.parse(json) as CustomAttributes;
  for (const [k, v] of entries) {
    const name = k.slice(ATTR_PREFIX.length);
    if (v === null) delete attrs[name];
    else attrs[name] = v;
  }
  return JSON.stringify(attrs);
}

/** The base JSON stored in `sync_base`. */
export function baseJson(flat: Flat, meta: BaseMeta): string {
  const b = unflatten<ContactBase | CompanyBase>(flat) as unknown as Record<string, unknown>;
  if (meta.remoteUpdatedAt !== undefined) b.remoteUpdatedAt = meta.remoteUpdatedAt;
  return JSON.stringify(b);
}

export function parseBase(json: string | null): { flat: Flat; meta: BaseMeta } | null {
  if (json === null) return null;
  const raw = JSON.parse(json) as (ContactBase | CompanyBase) & BaseMeta;
  return { flat: flatten(raw), meta: typeof raw.remoteUpdatedAt === 'number' ? { remoteUpdatedAt: raw.remoteUpdatedAt } : {} };
}
