// Row <-> record mapping shared by the repositories. Times are stored as Unix milliseconds and
// cross the API as ISO strings.
import type { Company, CompanyRef, Contact, ContactRef, CustomAttributes, StageChange, OutboxItem } from '../../../shared/domain';

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);
const MS_PER_DAY = 86_400_000;
const YEAR_10000 = 253_402_300_800_000;

/**
 * Exactly `new Date(ms).toISOString()`, in plain arithmetic: the built-in is a runtime call
 * that costs about a microsecond, and a table page maps three times per row.
 */
export function iso(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0 || ms >= YEAR_10000) return new Date(ms).toISOString();
  const days = Math.floor(ms / MS_PER_DAY);
  let rest = ms - days * MS_PER_DAY;
  // days since 1970-01-01 -> civil date (H. Hinnant's days_from_civil, inverted)
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  return `${year}-${pad2(month)}-${pad2(day)}T${pad2(h)}:${pad2(m)}:${pad2(s)}.${pad3(rest - s * 1000)}Z`;
}
export const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/** Custom attributes as stored; most rows hold none, and '{}' needs no parser. */
export const parseAttributes = (json: string): CustomAttributes => (json === '{}' ? {} : (JSON.parse(json) as CustomAttributes));

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
  /** 0 or 1: Intercom's unsubscribed_from_emails. */
  unsubscribed_from_emails: number;
  owner_id: string | null;
  archived_at: number | null;
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
    customAttributes: parseAttributes(r.custom_attributes),
    unsubscribedFromEmails: r.unsubscribed_from_emails === 1,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    lastActivityAt: isoOrNull(r.last_activity_at),
    syncState: r.sync_state,
    ownerId: r.owner_id,
    archivedAt: isoOrNull(r.archived_at),
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
    customAttributes: parseAttributes(r.custom_attributes),
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
