// Row <-> record mapping shared by the repositories. Times are stored as Unix milliseconds and
// cross the API as ISO strings.
import type { Company, CompanyRef, Contact, ContactRef, CustomAttributes, StageChange, OutboxItem } from '../../../shared/domain';

export const iso = (ms: number) => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export interface ContactRow {
  pk: number;
  id: string;
  role: Contact['role'];
  email: string | null;
  name: string | null;
  phone: string | null;
  visitor_id: string | null;
  external_id: string | null;
  intercom_id: string | null;
  stage: Contact['stage'];
  custom_attributes: string;
  created_at: number;
  updated_at: number;
  last_activity_at: number | null;
  sync_state: Contact['syncState'];
}

export function toContact(r: ContactRow): Contact {
  return {
    id: r.id,
    role: r.role,
    email: r.email,
    name: r.name,
    phone: r.phone,
    visitorId: r.visitor_id,
    externalId: r.external_id,
    intercomId: r.intercom_id,
    stage: r.stage,
    customAttributes: JSON.parse(r.custom_attributes) as CustomAttributes,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    lastActivityAt: isoOrNull(r.last_activity_at),
    syncState: r.sync_state,
  };
}

export const toContactRef = (r: Pick<ContactRow, 'id' | 'name' | 'email' | 'role' | 'stage'>): ContactRef => ({
  id: r.id,
  name: r.name,
  email: r.email,
  role: r.role,
  stage: r.stage,
});

export interface CompanyRow {
  pk: number;
  id: string;
  external_id: string | null;
  intercom_id: string | null;
  name: string;
  plan: string | null;
  monthly_spend: number | null;
  stage: Company['stage'];
  custom_attributes: string;
  created_at: number;
  updated_at: number;
  sync_state: Company['syncState'];
  user_count?: number;
}

export function toCompany(r: CompanyRow): Company {
  return {
    id: r.id,
    externalId: r.external_id,
    intercomId: r.intercom_id,
    name: r.name,
    plan: r.plan,
    monthlySpend: r.monthly_spend,
    stage: r.stage,
    customAttributes: JSON.parse(r.custom_attributes) as CustomAttributes,
    userCount: r.user_count ?? 0,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    syncState: r.sync_state,
  };
}

export const toCompanyRef = (r: Pick<CompanyRow, 'id' | 'external_id' | 'name' | 'stage'>): CompanyRef => ({
  id: r.id,
  externalId: r.external_id,
  name: r.name,
  stage: r.stage,
});

export interface StageHistoryRow {
  id: number;
  entity_type: StageChange['entityType'];
  entity_id: string;
  from_stage: string | null;
  to_stage: string | null;
  at: number;
  actor: string;
  source: StageChange['source'];
}

export const toStageChange = (r: StageHistoryRow): StageChange => ({
  id: r.id,
  entityType: r.entity_type,
  entityId: r.entity_id,
  fromStage: r.from_stage,
  toStage: r.to_stage,
  at: iso(r.at),
  actor: r.actor,
  source: r.source,
});

export interface OutboxRow {
  seq: number;
  entity_type: OutboxItem['entityType'];
  entity_id: string;
  label: string | null;
  op: OutboxItem['op'];
  payload: string;
  status: OutboxItem['status'];
  attempts: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export const toOutboxItem = (r: OutboxRow): OutboxItem => ({
  seq: r.seq,
  entityType: r.entity_type,
  entityId: r.entity_id,
  label: r.label,
  op: r.op,
  payload: JSON.parse(r.payload) as Record<string, unknown>,
  status: r.status,
  attempts: r.attempts,
  lastError: r.last_error,
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});
