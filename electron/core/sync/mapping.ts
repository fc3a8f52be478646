// Local records <-> Intercom's wire shapes, shared by push and pull: which fields sync, how a
// stage is spelled in Intercom (a setting), and the synthetic external id that makes creating
// an email-only lead safe to repeat.
import type { CompanyStage, ContactStage, CustomAttributes, Role, StageValues } from '../../../shared/domain';
import type { SyncSettings } from '../settings/SyncSettings';
import type { IntercomCompany, IntercomContact } from './intercomTypes';

export type { SyncSettings };

/**
 * Every contact the console creates in Intercom carries an external id, because it is the only
 * field Intercom keeps unique: a repeated create then answers 409 with the first one's id instead
 * of making a second contact. Users carry the customer's own user id; leads carry this one,
 * derived from the local id, until they sign up.
 */
const SYNTHETIC_PREFIX = 'lc-';
export const syntheticExternalId = (localId: string): string => `${SYNTHETIC_PREFIX}${localId}`;
export function localIdFromSyntheticExternalId(externalId: string | null | undefined): string | null {
  return externalId && externalId.startsWith(SYNTHETIC_PREFIX) ? externalId.slice(SYNTHETIC_PREFIX.length) : null;
}
/** The external id as the customer knows it: a synthetic one is ours, not theirs. */
export const realExternalId = (externalId: string | null | undefined): string | null =>
  externalId && !externalId.startsWith(SYNTHETIC_PREFIX) ? externalId : null;

/** The Intercom company_id of a local company: the customer's company id, or one derived from the local id. */
export const companyIdFor = (c: { id: string; external_id: string | null }): string => c.external_id ?? syntheticExternalId(c.id);

// the wire shapes, as the client types them
export type { IntercomCompany, IntercomContact };

// ---- the synced fields ("base" = what both sides last agreed on) ---------------------------

export interface ContactBase {
  email: string | null;
  name: string | null;
  phone: string | null;
  externalId: string | null;
  role: Role;
  /** null: Intercom holds a value that maps to no local stage (or none at all). */
  stage: ContactStage | null;
  /** Intercom's unsubscribed_from_emails. */
  unsubscribedFromEmails: boolean;
  customAttributes: CustomAttributes;
  /** The owning admin's id (Intercom's `owner_id`, a number there), or null; absent in bases stored before owners. */
  ownerId?: string | null;
}

export interface CompanyBase {
  name: string;
  plan: string | null;
  monthlySpend: number | null;
  stage: CompanyStage | null;
  customAttributes: CustomAttributes;
}

export const CONTACT_FIELDS = ['email', 'name', 'phone', 'externalId', 'role', 'stage', 'unsubscribedFromEmails', 'ownerId'] as const;
export const COMPANY_FIELDS = ['name', 'plan', 'monthlySpend', 'stage'] as const;

function stageFromValue<S extends string>(value: unknown, values: StageValues, stages: readonly S[]): S | null {
  if (typeof value !== 'string') return null;
  for (const s of stages) if (values[s as keyof StageValues] === value) return s;
  return null;
}

/** Custom attributes without the stage attribute (it is a field of its own) and without empties. */
function otherAttributes(attrs: Record<string, unknown> | null | undefined, stageAttribute: string): CustomAttributes {
  const out: CustomAttributes = {};
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (k === stageAttribute || v === null || v === undefined || v === '') continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}

export function contactBaseFromRemote(c: IntercomContact, s: SyncSettings): ContactBase {
  return {
    email: c.email ? c.email.trim().toLowerCase() : null,
    name: c.name || null,
    phone: c.phone || null,
    externalId: realExternalId(c.external_id),
    role: c.role === 'user' ? 'user' : 'lead',
    stage: stageFromValue(c.custom_attributes?.[s.stageAttribute], s.stageValues, ['lead', 'signed_up'] as const),
    unsubscribedFromEmails: c.unsubscribed_from_emails === true,
    customAttributes: otherAttributes(c.custom_attributes, s.stageAttribute),
    ownerId: c.owner_id === null || c.owner_id === undefined ? null : String(c.owner_id),
  };
}

export function companyBaseFromRemote(c: IntercomCompany, s: SyncSettings): CompanyBase {
  const plan = typeof c.plan === 'string' ? c.plan : (c.plan?.name ?? null);
  return {
    name: c.name || c.company_id || c.id,
    plan: plan || null,
    monthlySpend: typeof c.monthly_spend === 'number' ? c.monthly_spend : null,
    stage: stageFromValue(c.custom_attributes?.[s.companyStageAttribute], s.stageValues, ['sql', 'customer'] as const),
    customAttributes: otherAttributes(c.custom_attributes, s.companyStageAttribute),
  };
}

/** A local contact row's synced fields, in base form. */
export function contactBaseFromRow(r: {
  email: string | null;
  name: string | null;
  phone: string | null;
  external_id: string | null;
  role: Role;
  stage: ContactStage;
  custom_attributes: string;
  unsubscribed_from_emails: number;
  owner_id: string | null;
}): ContactBase {
  return {
    email: r.email,
    name: r.name,
    phone: r.phone,
    externalId: r.external_id,
    role: r.role,
    stage: r.stage,
    unsubscribedFromEmails: r.unsubscribed_from_emails === 1,
    customAttributes: JSON.parse(r.custom_attributes) as CustomAttributes,
    ownerId: r.owner_id,
  };
}

export function companyBaseFromRow(r: {
  name: string;
  plan: string | null;
  monthly_spend: number | null;
  stage: CompanyStage | null;
  custom_attributes: string;
}): CompanyBase {
  return {
    name: r.name,
    plan: r.plan,
    monthlySpend: r.monthly_spend,
    stage: r.stage,
    customAttributes: JSON.parse(r.custom_attributes) as CustomAttributes,
  };
}

/**
 * A contact patch in base terms -> the body of POST/PUT /contacts. A removed custom attribute
 * is sent as "" because Intercom refuses null (API-NOTES section 2).
 */
export function contactBody(
  patch: Partial<Omit<ContactBase, 'customAttributes'>> & { customAttributes?: Record<string, unknown> },
  s: SyncSettings,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (patch.role !== undefined) body.role = patch.role;
  if (patch.email !== undefined) body.email = patch.email;
  if (patch.name !== undefined) body.name = patch.name;
  if (patch.phone !== undefined) body.phone = patch.phone;
  if (patch.externalId !== undefined && patch.externalId !== null) body.external_id = patch.externalId;
  if (patch.unsubscribedFromEmails !== undefined) body.unsubscribed_from_emails = patch.unsubscribedFromEmails;
  // Intercom's owner_id is an integer; null takes the owner away
  if (patch.ownerId !== undefined) body.owner_id = patch.ownerId === null ? null : Number(patch.ownerId);
  const attrs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch.customAttributes ?? {})) attrs[k] = v === null || v === undefined ? '' : v;
  if (patch.stage !== undefined) attrs[s.stageAttribute] = patch.stage === null ? '' : s.stageValues[patch.stage];
  if (Object.keys(attrs).length > 0) body.custom_attributes = attrs;
  return body;
}

/** A company patch in base terms -> the body of POST /companies (create or update by company_id). */
export function companyBody(
  companyId: string,
  patch: Partial<Omit<CompanyBase, 'customAttributes'>> & { customAttributes?: Record<string, unknown> },
  s: SyncSettings,
): Record<string, unknown> {
  const body: Record<string, unknown> = { company_id: companyId };
  if (patch.name !== undefined) body.name = patch.name;
  if (patch.plan !== undefined && patch.plan !== null) body.plan = patch.plan;
  if (patch.monthlySpend !== undefined && patch.monthlySpend !== null) body.monthly_spend = Math.round(patch.monthlySpend);
  const attrs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch.customAttributes ?? {})) attrs[k] = v === null || v === undefined ? '' : v;
  if (patch.stage !== undefined) attrs[s.companyStageAttribute] = patch.stage === null ? '' : s.stageValues[patch.stage];
  if (Object.keys(attrs).length > 0) body.custom_attributes = attrs;
  return body;
}
