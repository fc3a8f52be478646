// How a record's outbox entries become requests: consecutive field changes fold into one patch
// (one request), while links, sign-ups after the first create and messages stay steps of their own.
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
  /** A delta: null means the attribute was removed. */
  customAttributes?: Record<string, Scalar | null>;
}

export interface CompanyPatch {
  name?: string;
  plan?: string | null;
  monthlySpend?: number | null;
  stage?: CompanyStage | null;
  customAttributes?: Record<string, Scalar | null>;
}

export type Step =
  | { kind: 'fields'; entries: PushEntry[] }
  | { kind: 'signUp'; entries: [PushEntry] }
  | { kind: 'link' | 'unlink'; entries: [PushEntry] }
  | { kind: 'message' | 'flush'; entries: [PushEntry] }
  /** One event for POST /events, once the contact is in Intercom. */
  | { kind: 'event'; entries: [PushEntry] }
  /** An op this build does not know (written by a newer one): it fails visibly. */
  | { kind: 'unknown'; entries: [PushEntry] };

const FIELD_OPS = new Set(['contact.create', 'contact.update', 'contact.setStage', 'company.create', 'company.update', 'company.setStage']);
const CREATE_OPS = new Set(['contact.create', 'company.create']);

// visitorId and `from` travel in the payloads for the history, but are not Intercom fields
const CONTACT_KEYS = ['role', 'email', 'name', 'phone', 'externalId', 'stage'] as const;
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

const touchesIdentity = (e: PushEntry) => Object.hasOwn(e.payload, 'externalId') || Object.hasOwn(e.payload, 'role');

/**
 * Splits a record's pending entries (in seq order) into steps. The first field run of a record
 * not yet in Intercom is its create. That create repeats the identity it was first sent with,
 * so that a repeat answers 409 rather than making a second contact: the entries that went out
 * with it (attempts > 0: nothing of a record without an Intercom id is sent but inside its
 * create) fold into it again, a sign-up included, while identity changes made after it was
 * sent (a sign-up, a new user id, attempts 0) are not folded into it but follow as steps of
 * their own, where the sign-up flow merges any twin.
 * A record that got its Intercom id from a pull or an import (it found the contact a create
 * whose answer was lost had made) while its create still waits is planned the same way: its
 * create goes out as an update of that contact, with the identity it was sent with, so a
 * sign-up that went out folded into it is not split off into a `role: lead` update of a user.
 * A record without an Intercom id whose first step is not a field run (its create was
 * discarded) gets an empty field run first: it is then created from its row.
 */
export function planSteps(entries: readonly PushEntry[], entity: 'contact' | 'company', hasIntercomId: boolean): Step[] {
  const steps: Step[] = [];
  let group: PushEntry[] | null = null;
  /** Still in the record's first step, and that step is its create (or a create adopted by a pull). */
  let creating = !hasIntercomId || (entries[0] !== undefined && CREATE_OPS.has(entries[0].op));
  let createSent = false;
  const close = () => {
    if (group) steps.push({ kind: 'fields', entries: group });
    group = null;
    creating = false;
  };
  for (const e of entries) {
    // an entry tried before went out inside the create's first request: it stays in the create
    const sentWithCreate = createSent && e.attempts > 0;
    const foldable = FIELD_OPS.has(e.op) || (e.op === 'contact.signUp' && creating && (!createSent || sentWithCreate));
    if (foldable) {
      if (group && creating && createSent && !sentWithCreate && entity === 'contact' && touchesIdentity(e)) close();
      if (!group) {
        if (creating) createSent = CREATE_OPS.has(e.op) && e.attempts > 0;
        group = [];
      }
      group.push(e);
      continue;
    }
    if (creating && !group) group = [];
    close();
    if (e.op === 'contact.signUp') steps.push({ kind: 'signUp', entries: [e] });
    else if (e.op === 'company.link') steps.push({ kind: 'link', entries: [e] });
    else if (e.op === 'company.unlink') steps.push({ kind: 'unlink', entries: [e] });
    else if (e.op === 'message.send') steps.push({ kind: 'message', entries: [e] });
    else if (e.op === 'message.flush') steps.push({ kind: 'flush', entries: [e] });
    else if (e.op === 'event.create') steps.push({ kind: 'event', entries: [e] });
    else steps.push({ kind: 'unknown', entries: [e] });
  }
  if (creating && !group) group = [];
  close();
  return steps;
}

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
