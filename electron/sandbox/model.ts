// The sandbox's stored records and how they look on the wire. Contact states are immutable
// snapshots, so the search index can keep old versions without copying (see WorkspaceCore.commit).
import type { Random } from './faults';

export type Scalar = string | number | boolean;
export type Role = 'user' | 'lead';
export type Model = 'contact' | 'company';

export interface ContactData {
  readonly id: string;
  readonly external_id: string | null;
  readonly role: Role;
  readonly email: string | null;
  readonly phone: string | null;
  readonly name: string | null;
  readonly avatar: string | null;
  readonly owner_id: number | null;
  readonly created_at: number;
  readonly updated_at: number;
  readonly signed_up_at: number | null;
  readonly last_seen_at: number | null;
  readonly unsubscribed_from_emails: boolean;
  readonly custom_attributes: Readonly<Record<string, Scalar | null>>;
  readonly companyIds: readonly string[];
  /** Tag ids, in the order they were put on. */
  readonly tagIds: readonly string[];
  readonly archived: boolean;
  readonly mergedInto: string | null;
  readonly deleted: boolean;
}

export interface ContactVersion {
  /** Clock time (ms) the version was written. */
  readonly at: number;
  readonly data: ContactData;
}

export interface ContactRecord {
  readonly id: string;
  /** Creation order; the list endpoint pages by it. */
  readonly position: number;
  /** Clock time (ms) of creation: /messages still 404s a contact younger than messageLagMs. */
  readonly createdAtMs: number;
  current: ContactData;
  /** Clock time (ms) `current` was written. */
  since: number;
  /** Older versions the lagging search index may still show, oldest first (null when none). */
  past: ContactVersion[] | null;
}

export interface CompanyRecord {
  readonly id: string;
  readonly company_id: string;
  readonly position: number;
  name: string | null;
  plan: string | null;
  size: number | null;
  website: string | null;
  industry: string | null;
  remote_created_at: number | null;
  monthly_spend: number;
  created_at: number;
  updated_at: number;
  custom_attributes: Record<string, Scalar | null>;
  /** Attached contacts (any role, never merged-away ones). */
  contactIds: Set<string>;
  /** Tag ids, in the order they were put on. */
  tagIds: string[];
  deleted: boolean;
}

export interface DataAttribute {
  type: 'data_attribute';
  id?: number;
  model: Model;
  name: string;
  full_name: string;
  label: string;
  description: string;
  /** The base type (S14 data_attribute: string, integer, float, boolean, date); a list attribute is a string with options. */
  data_type: string;
  /** A list attribute's values, as the S14 data_attribute (and Intercom's SDK types) give them: strings. */
  options?: string[];
  api_writable: boolean;
  ui_writable: boolean;
  messenger_writable: boolean;
  custom: boolean;
  archived: boolean;
  admin_id?: string;
  created_at?: number;
  updated_at?: number;
}

export const isLive = (c: ContactData) => !c.deleted && c.mergedInto === null;
/** What the list endpoint and the search index show. */
export const isListed = (c: ContactData) => isLive(c) && !c.archived;

/** Tags the contact object lists itself (contact_tags: "Up to 10 will be displayed here"). */
export const CONTACT_TAGS_LISTED = 10;

export interface SandboxTag {
  type: 'tag';
  id: string;
  name: string;
}

export function contactWire(c: ContactData, workspaceId: string, notes: readonly { id: string }[] = []) {
  const base = `/contacts/${c.id}`;
  const emptyList = (what: string) => ({ type: 'list', data: [], url: `${base}/${what}`, total_count: 0, has_more: false });
  return {
    type: 'contact' as const,
    id: c.id,
    workspace_id: workspaceId,
    external_id: c.external_id,
    role: c.role,
    email: c.email,
    email_domain: c.email && c.email.includes('@') ? c.email.slice(c.email.lastIndexOf('@') + 1) : null,
    phone: c.phone,
    name: c.name,
    avatar: c.avatar,
    owner_id: c.owner_id,
    social_profiles: { type: 'list', data: [] },
    has_hard_bounced: false,
    marked_email_as_spam: false,
    unsubscribed_from_emails: c.unsubscribed_from_emails,
    created_at: c.created_at,
    updated_at: c.updated_at,
    signed_up_at: c.signed_up_at,
    last_seen_at: c.last_seen_at,
    last_replied_at: null,
    last_contacted_at: null,
    last_email_opened_at: null,
    last_email_clicked_at: null,
    language_override: null,
    browser: null,
    browser_version: null,
    browser_language: null,
    os: null,
    location: { type: 'location', country: null, region: null, city: null, country_code: null, continent_code: null },
    custom_attributes: { ...c.custom_attributes },
    // Intercom lists at most 10 tags on the contact, as references; the rest via the url
    tags: {
      type: 'list',
      data: c.tagIds.slice(0, CONTACT_TAGS_LISTED).map((id) => ({ type: 'tag', id, url: `/tags/${id}` })),
      url: `${base}/tags`,
      total_count: c.tagIds.length,
      has_more: c.tagIds.length > CONTACT_TAGS_LISTED,
    },
    // up to 10 shown, as the description says; total_count counts them all
    notes: { type: 'list', data: notes.slice(-10).map((n) => ({ type: 'note', id: n.id, url: `/notes/${n.id}` })), url: `${base}/notes`, total_count: notes.length, has_more: notes.length > 10 },
    companies: {
      type: 'list',
      data: c.companyIds.map((id) => ({ type: 'company', id, url: `/companies/${id}` })),
      url: `${base}/companies`,
      total_count: c.companyIds.length,
      has_more: false,
    },
    opted_out_subscription_types: emptyList('subscriptions'),
    opted_in_subscription_types: emptyList('subscriptions'),
  };
}

export type ContactWire = ReturnType<typeof contactWire>;

/** A note on a contact; the body as Intercom keeps it (HTML). */
export interface SandboxNote {
  id: string;
  contactId: string;
  body: string;
  authorId: string;
  created_at: number;
}

export function companyWire(co: CompanyRecord, appId: string, userCount: number, planId: (name: string) => string, tag: (id: string) => SandboxTag | undefined = () => undefined) {
  return {
    type: 'company' as const,
    company_id: co.company_id,
    id: co.id,
    app_id: appId,
    name: co.name,
    remote_created_at: co.remote_created_at,
    created_at: co.created_at,
    updated_at: co.updated_at,
    last_request_at: null,
    monthly_spend: co.monthly_spend,
    session_count: 0,
    user_count: userCount,
    size: co.size,
    website: co.website,
    industry: co.industry,
    // Intercom sends an empty object for a company without a plan
    plan: co.plan === null ? {} : { type: 'plan', id: planId(co.plan), name: co.plan },
    tags: { type: 'tag.list', tags: co.tagIds.flatMap((id) => tag(id) ?? []) as unknown[] },
    segments: { type: 'segment.list', segments: [] as unknown[] },
    custom_attributes: { ...co.custom_attributes },
  };
}

export type CompanyWire = ReturnType<typeof companyWire>;

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0').slice(-width);

/**
 * Intercom ids look like Mongo ObjectIds: 8 hex of creation time, then 16 more. A counter
 * makes them unique, the seeded prefix makes two sandboxes differ, and both are cheap enough
 * to mint 100,000 in a seed.
 */
export interface IdGenState {
  prefix: string;
  counter: number;
  sequence: number;
}

export class IdGen {
  private prefix: string;
  private counter: number;
  private sequence: number;

  constructor(private readonly random: Random) {
    this.prefix = hex(Math.floor(random() * 0xffffff), 6);
    this.counter = Math.floor(random() * 0xfffff);
    this.sequence = 100 + Math.floor(random() * 900);
  }

  /** Where the counters stand, so a restored workspace keeps minting ids that never collide. */
  state(): IdGenState {
    return { prefix: this.prefix, counter: this.counter, sequence: this.sequence };
  }

  restore(s: IdGenState): void {
    this.prefix = s.prefix;
    this.counter = s.counter;
    this.sequence = s.sequence;
  }

  objectId(createdAtSeconds: number): string {
    return hex(Math.max(0, Math.floor(createdAtSeconds)), 8) + this.prefix + hex(this.counter++, 10);
  }

  /** Numeric ids (messages, data attributes, plans) as Intercom sends them. */
  next(): number {
    return this.sequence++;
  }

  uuid(): string {
    const h = (n: number) => hex(Math.floor(this.random() * 16 ** n), n);
    return `${h(8)}-${h(4)}-4${h(3)}-${'89ab'[Math.floor(this.random() * 4)]}${h(3)}-${h(6)}${h(6)}`;
  }

  token(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(this.random() * 36)];
    return s;
  }
}

/** A contact as the tests see it: the wire shape plus the state Intercom does not send. */
export type SandboxContact = ContactWire & { archived: boolean; mergedInto: string | null; deleted: boolean };
export type SandboxCompany = CompanyWire & { contactIds: string[] };

export interface SandboxMessage {
  id: string;
  message_type: 'inapp' | 'email';
  subject: string | null;
  body: string;
  template: string | null;
  from: { type: 'admin'; id: string };
  to: { type: string; id: string };
  contactId: string;
  created_at: number;
  /** Clock time (ms) the request was applied. */
  at: number;
}

export interface SandboxFlush {
  contactId: string;
  /** The external id when the flush used user_id=. */
  userId: string | null;
  /** The Intercom id when the flush used intercom_user_id=. */
  intercomUserId: string | null;
  at: number;
  /** Whether it started message matching: at most once per 15 minutes per contact. */
  triggered: boolean;
}

export interface SandboxEvent {
  contactId: string;
  event_name: string;
  created_at: number;
  metadata: Record<string, unknown>;
  at: number;
}

export interface SandboxVisitor {
  type: 'visitor';
  id: string;
  user_id: string;
  email: string | null;
  name: string | null;
  created_at: number;
  updated_at: number;
  custom_attributes: Record<string, Scalar>;
}

export interface ContactPatch {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  role?: Role;
  external_id?: string | null;
  unsubscribed_from_emails?: boolean;
  custom_attributes?: Record<string, Scalar | null>;
}

export interface CompanyPatch {
  name?: string | null;
  plan?: string | null;
  size?: number | null;
  website?: string | null;
  industry?: string | null;
  monthly_spend?: number;
  custom_attributes?: Record<string, Scalar | null>;
}
