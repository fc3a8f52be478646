// How field changes fold: consecutive field entries of a record combine into one patch (one
// request), and a sent patch updates the record's sync base. Which entries form a step: ops/planSteps.ts.
import type { CompanyStage, ContactStage, Role } from '../../../shared/domain';
import type { CompanyBase, ContactBase } from './mapping';

export type Scalar = string | number | boolean;

/** One outbox entry as the pusher reads it (payload parsed). */
export interface PushEntry {
  seq: number;
  op: string;
  payload: Record<string, unknown>;
  /** Times it was sent before (0: it has never left this machine). */
  attempts: number;
}

export interface ContactPatch {
  role?: Role;
  email?: string | null;
  name?: string | null;
  phone?: string | null;
  externalId?: string | null;
  stage?: ContactStage | null;
  unsubscribedFromEmails?: boolean;
  /** A delta: null means the attribute was removed. */
  customAttributes?: Record<string, Scalar | null>;
  ownerId?: string | null;
}

export interface CompanyPatch {
  name?: string;
  plan?: string | null;
  monthlySpend?: number | null;
  stage?: CompanyStage | null;
  customAttributes?: Record<string, Scalar | null>;
}

// visitorId and `from` travel in the payloads for the history, but are not Intercom fields
const CONTACT_KEYS = ['role', 'email', 'name', 'phone', 'externalId', 'stage', 'unsubscribedFromEmails', 'ownerId'] as const;
// the email a sign-up carries is the one the contact already had: only its identity and stage change
const SIGN_UP_KEYS = ['role', 'externalId', 'stage'] as const;
const COMPANY_KEYS = ['name', 'plan', 'monthlySpend', 'stage'] as const;

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function mergeAttributes(into: { customAttributes?: Record<string, Scalar | null> }, attrs: unknown): void {
  if (!isRecord(attrs)) return;
  const out = { ...(into.customAttributes ?? {}) };
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  into.customAttributes = out;
}

/** The contact fields a run of field entries changes, later entries winning. */
export function foldContact(entries: readonly PushEntry[]): ContactPatch {
  const patch: ContactPatch = {};
  const out = patch as Record<string, unknown>;
  for (const e of entries) {
    const keys = e.op === 'contact.signUp' ? SIGN_UP_KEYS : CONTACT_KEYS;
    for (const k of keys) if (Object.hasOwn(e.payload, k)) out[k] = e.payload[k];
    if (e.op !== 'contact.signUp') mergeAttributes(patch, e.payload.customAttributes);
  }
  return patch;
}

export function foldCompany(entries: readonly PushEntry[]): CompanyPatch {
  const patch: CompanyPatch = {};
  const out = patch as Record<string, unknown>;
  for (const e of entries) {
    for (const k of COMPANY_KEYS) if (Object.hasOwn(e.payload, k)) out[k] = e.payload[k];
    mergeAttributes(patch, e.payload.customAttributes);
  }
  return patch;
}

export const isEmptyPatch = (p: ContactPatch | CompanyPatch): boolean =>
  Object.keys(p).every((k) => k === 'customAttributes' && Object.keys(p.customAttributes ?? {}).length === 0);

// ---- sync bases --------------------------------------------------------------------------------

/**
 * The base after a write: the fields the request carried take Intercom's answer for them, the
 * others keep the previous base (they were not touched, so what both sides agreed on stands).
 */
export function overlayBase<B extends ContactBase | CompanyBase>(prev: B, remote: B, sent: ContactPatch | CompanyPatch): B {
  const next = { ...prev, customAttributes: { ...prev.customAttributes } } as B;
  const out = next as unknown as Record<string, unknown>;
  const from = remote as unknown as Record<string, unknown>;
  for (const k of Object.keys(sent)) if (k !== 'customAttributes') out[k] = from[k];
  for (const k of Object.keys(sent.customAttributes ?? {})) {
    const v = remote.customAttributes[k];
    if (v === undefined) delete next.customAttributes[k];
    else next.customAttributes[k] = v;
  }
  return next;
}
