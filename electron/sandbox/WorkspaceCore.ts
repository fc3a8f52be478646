// The shared state of one simulated Intercom workspace: the stored contacts, companies, data
// attributes and logs, with the indexing every resource relies on. The API lives in resources/.
import { ApiError, badParam, companyNotFound, missingParam, userNotFound } from './errors';
import { createRandom, type Random } from './faults';
import {
  IdGen,
  companyWire,
  contactWire,
  isListed,
  isLive,
  type CompanyRecord,
  type CompanyWire,
  type ContactData,
  type ContactRecord,
  type ContactWire,
  type DataAttribute,
  type Role,
  type Scalar,
  type SandboxEvent,
  type SandboxFlush,
  type SandboxMessage,
  type SandboxNote,
  type SandboxTag,
  type SandboxVisitor,
} from './model';
import { has, optKey, optText } from './params';

export interface WorkspaceOptions {
  now?: () => number;
  random?: Random;
  /** How far behind the search index runs (ms). */
  searchLagMs?: number;
  /** /messages answers 404 for a contact younger than this (ms); Intercom does for brand-new contacts. */
  messageLagMs?: number;
  timezoneOffsetMinutes?: number;
  appName?: string;
}

// Shared by every contact that has none; snapshots are never mutated, so sharing is safe
export const NO_ATTRIBUTES: Readonly<Record<string, Scalar | null>> = Object.freeze({});
export const NO_COMPANIES: readonly string[] = Object.freeze([]);

function timezoneName(offsetMinutes: number): string {
  if (offsetMinutes === 0) return 'UTC';
  // Etc/GMT names have the sign inverted; fractional offsets have no IANA Etc zone
  if (offsetMinutes % 60 === 0) return `Etc/GMT${offsetMinutes > 0 ? '-' : '+'}${Math.abs(offsetMinutes / 60)}`;
  const a = Math.abs(offsetMinutes);
  return `UTC${offsetMinutes > 0 ? '+' : '-'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/**
 * The records every resource reads and writes, and the storage rules they share: contact and
 * company indexes, the search index's lag, the logs that are saved, and the change counter.
 */
export class WorkspaceCore {
  readonly admin: { type: 'admin'; id: string; email: string; name: string };
  readonly app: { type: 'app'; id_code: string; name: string; region: 'US'; timezone: string; created_at: number; identity_verification: false };
  readonly now: () => number;
  readonly searchLagMs: number;
  readonly messageLagMs: number;
  readonly timezoneOffsetMinutes: number;
  readonly ids: IdGen;

  readonly byId = new Map<string, ContactRecord>();
  readonly order: ContactRecord[] = [];
  listedCount = 0;
  /** external_id -> contact id, over live contacts of any role (archived included). */
  readonly byExternalId = new Map<string, string>();
  /** lower-cased email -> live user id(s), oldest first; a bare string for the common single user. */
  private readonly usersByEmail = new Map<string, string | string[]>();

  readonly companiesById = new Map<string, CompanyRecord>();
  readonly companyOrder: CompanyRecord[] = [];
  readonly companyByExternal = new Map<string, string>();
  readonly planIds = new Map<string, string>();
  /** The workspace's tags by id (ids are numeric strings, as Intercom's). */
  readonly tags = new Map<string, SandboxTag>();

  readonly attributes: DataAttribute[] = [];
  readonly messageLog: SandboxMessage[] = [];
  readonly flushLog: SandboxFlush[] = [];
  readonly lastTriggered = new Map<string, number>();
  readonly eventLog: SandboxEvent[] = [];
  readonly eventKeys = new Set<string>();
  readonly eventNames = new Set<string>();
  ignoredEvents = 0;
  readonly visitors = new Map<string, SandboxVisitor>();
  /** contact id -> its notes, oldest first. */
  readonly notesByContact = new Map<string, SandboxNote[]>();
  /** Bumped by every contact write; with lastWriteAt it tells whether a cached search is stale. */
  writes = 0;
  lastWriteAt = -Infinity;
  /** Bumped by every change worth saving (contacts, companies, attributes, logs, visitors, plan ids). */
  private changes = 0;
  /** Called after each such change; the server schedules a save of `stateFile` from it. */
  onChange: (() => void) | null = null;

  constructor(options: WorkspaceOptions = {}) {
    this.now = options.now ?? Date.now;
    const random = options.random ?? createRandom(Math.floor(Math.random() * 2 ** 32));
    this.ids = new IdGen(random);
    this.searchLagMs = Math.max(0, options.searchLagMs ?? 60_000);
    this.messageLagMs = Math.max(0, options.messageLagMs ?? 0);
    this.timezoneOffsetMinutes = options.timezoneOffsetMinutes ?? 0;
    const created = this.nowSec() - 400 * 86_400;
    this.admin = { type: 'admin', id: String(7_000_000 + Math.floor(random() * 1_000_000)), email: 'sam@sandbox.lead-console.test', name: 'Sam Sandbox' };
    this.app = {
      type: 'app',
      id_code: this.ids.token(8),
      name: options.appName ?? 'Lead Console Sandbox',
      region: 'US',
      timezone: timezoneName(this.timezoneOffsetMinutes),
      created_at: created,
      identity_verification: false,
    };
  }

  nowSec(): number {
    return Math.floor(this.now() / 1000);
  }

  /**
   * The workspace's team: the admin the token belongs to and two colleagues, whose ids follow
   * from the admin's (so a restored workspace has the same team without storing it).
   */
  team(): { type: 'admin'; id: string; email: string; name: string }[] {
    const base = Number(this.admin.id);
    return [
      { ...this.admin },
      { type: 'admin', id: String(base + 1), email: 'robin@sandbox.lead-console.test', name: 'Robin Reyes' },
      { type: 'admin', id: String(base + 2), email: 'kai@sandbox.lead-console.test', name: 'Kai Okafor' },
    ];
  }

  /** Whether `id` is an admin of the team (an owner_id Intercom accepts). */
  isAdmin(id: number | string): boolean {
    return this.team().some((a) => a.id === String(id));
  }

  // ---------------------------------------------------------------- contact storage

  /** Stores a new contact with no validation (API create, seeds, remote creates). */
  insertContact(fields: Partial<Omit<ContactData, 'id'>> & { role: Role }, createdAtMs = this.now()): ContactRecord {
    const createdSec = fields.created_at ?? Math.floor(createdAtMs / 1000);
    const id = this.ids.objectId(createdSec);
    const data: ContactData = {
      id,
      external_id: fields.external_id ?? null,
      role: fields.role,
      email: fields.email ?? null,
      phone: fields.phone ?? null,
      name: fields.name ?? null,
      avatar: fields.avatar ?? null,
      owner_id: fields.owner_id ?? null,
      created_at: createdSec,
      updated_at: fields.updated_at ?? createdSec,
      signed_up_at: fields.signed_up_at ?? (fields.role === 'user' ? createdSec : null),
      last_seen_at: fields.last_seen_at ?? null,
      unsubscribed_from_emails: fields.unsubscribed_from_emails ?? false,
      custom_attributes: fields.custom_attributes ?? NO_ATTRIBUTES,
      companyIds: fields.companyIds ?? NO_COMPANIES,
      tagIds: fields.tagIds ?? NO_COMPANIES,
      archived: fields.archived ?? false,
      mergedInto: null,
      deleted: false,
    };
    const rec: ContactRecord = { id, position: this.order.length, createdAtMs, current: data, since: createdAtMs, past: null };
    this.byId.set(id, rec);
    this.order.push(rec);
    this.writes++;
    this.changed();
    if (createdAtMs > this.lastWriteAt) this.lastWriteAt = createdAtMs;
    this.index(undefined, data);
    for (const cid of data.companyIds) this.companiesById.get(cid)?.contactIds.add(id);
    return rec;
  }

  /** Replaces a contact's state, keeps the indexes right and records a version for search. */
  commit(rec: ContactRecord, next: ContactData): void {
    const prev = rec.current;
    this.index(prev, next);
    const at = this.now();
    const cutoff = at - this.searchLagMs;
    // Keep the newest version the lagging index already sees, and everything after it
    if (this.searchLagMs === 0) {
      rec.past = null;
    } else {
      const past = rec.past ?? [];
      past.push({ at: rec.since, data: prev });
      let keepFrom = 0;
      for (let i = past.length - 1; i >= 0; i--) {
        if (past[i]!.at <= cutoff) {
          keepFrom = i;
          break;
        }
      }
      rec.past = keepFrom > 0 ? past.slice(keepFrom) : past;
    }
    rec.current = next;
    rec.since = at;
    this.writes++;
    this.changed();
    if (at > this.lastWriteAt) this.lastWriteAt = at;
  }

  index(prev: ContactData | undefined, next: ContactData): void {
    if (prev && isListed(prev)) this.listedCount--;
    if (isListed(next)) this.listedCount++;
    if (prev && isLive(prev)) {
      if (prev.external_id !== null && this.byExternalId.get(prev.external_id) === prev.id) this.byExternalId.delete(prev.external_id);
      if (prev.role === 'user' && prev.email) {
        const key = prev.email.toLowerCase();
        const list = this.usersWithEmail(key).filter((id) => id !== prev.id);
        if (list.length > 1) this.usersByEmail.set(key, list);
        else if (list.length === 1) this.usersByEmail.set(key, list[0]!);
        else this.usersByEmail.delete(key);
      }
    }
    if (isLive(next)) {
      if (next.external_id !== null) this.byExternalId.set(next.external_id, next.id);
      if (next.role === 'user' && next.email) {
        const key = next.email.toLowerCase();
        const list = this.usersByEmail.get(key);
        if (list === undefined) this.usersByEmail.set(key, next.id);
        else if (!this.usersWithEmail(key).includes(next.id)) {
          const pos = (id: string) => this.byId.get(id)?.position ?? 0;
          this.usersByEmail.set(key, [...this.usersWithEmail(key), next.id].sort((a, b) => pos(a) - pos(b)));
        }
      }
    }
  }

  usersWithEmail(lowerEmail: string): string[] {
    const v = this.usersByEmail.get(lowerEmail);
    return v === undefined ? [] : typeof v === 'string' ? [v] : v;
  }

  /** A contact the API can act on: not merged away, deleted, or (unless allowed) archived. */
  liveContact(id: string, allowArchived = false): ContactRecord {
    const rec = this.byId.get(id);
    // Archived contacts answer 404 until unarchived, hence API-NOTES' "unarchive, then PUT"
    if (!rec || !isLive(rec.current) || (rec.current.archived && !allowArchived)) throw userNotFound();
    return rec;
  }

  wire(c: ContactData): ContactWire {
    return contactWire(c, this.app.id_code, this.notesByContact.get(c.id));
  }

  conflict(otherId: string): ApiError {
    const other = this.byId.get(otherId);
    const archived = other?.current.archived ?? false;
    return new ApiError(409, 'conflict', `${archived ? 'An archived contact' : 'A contact'} matching those details already exists with id=${otherId}`);
  }

  indexed(rec: ContactRecord, at: number): ContactData | undefined {
    if (rec.since <= at) return rec.current;
    const past = rec.past;
    if (past) for (let i = past.length - 1; i >= 0; i--) if (past[i]!.at <= at) return past[i]!.data;
    return undefined;
  }

  detachAll(rec: ContactRecord): void {
    for (const cid of rec.current.companyIds) this.companiesById.get(cid)?.contactIds.delete(rec.id);
  }

  // ---------------------------------------------------------------- companies

  userCount(co: CompanyRecord): number {
    let n = 0;
    for (const id of co.contactIds) {
      const c = this.byId.get(id)?.current;
      if (c && c.role === 'user' && isLive(c)) n++;
    }
    return n;
  }

  hasUser(co: CompanyRecord): boolean {
    for (const id of co.contactIds) {
      const c = this.byId.get(id)?.current;
      if (c && c.role === 'user' && isLive(c)) return true;
    }
    return false;
  }

  planId = (name: string): string => {
    let id = this.planIds.get(name);
    if (!id) {
      id = String(this.ids.next());
      this.planIds.set(name, id);
      this.changed();
    }
    return id;
  };

  companyOut(co: CompanyRecord): CompanyWire {
    return companyWire(co, this.app.id_code, this.userCount(co), this.planId, (id) => this.tags.get(id));
  }

  /** Stores a company with no validation (seeds). */
  insertCompany(fields: Partial<Omit<CompanyRecord, 'id' | 'position' | 'contactIds' | 'deleted'>> & { company_id: string }): CompanyRecord {
    const at = fields.created_at ?? this.nowSec();
    const co: CompanyRecord = {
      id: this.ids.objectId(at),
      company_id: fields.company_id,
      position: this.companyOrder.length,
      name: fields.name ?? null,
      plan: fields.plan ?? null,
      size: fields.size ?? null,
      website: fields.website ?? null,
      industry: fields.industry ?? null,
      remote_created_at: fields.remote_created_at ?? null,
      monthly_spend: fields.monthly_spend ?? 0,
      created_at: at,
      updated_at: fields.updated_at ?? at,
      custom_attributes: fields.custom_attributes ?? {},
      contactIds: new Set(),
      tagIds: [],
      deleted: false,
    };
    this.companiesById.set(co.id, co);
    this.companyOrder.push(co);
    this.companyByExternal.set(co.company_id, co.id);
    this.changed();
    return co;
  }

  liveCompany(id: string): CompanyRecord {
    const co = this.companiesById.get(id);
    if (!co || co.deleted) throw companyNotFound();
    return co;
  }

  /** The contact an event, message or flush names by `id`, `user_id` (users only) or `email`. */
  findContact(b: Record<string, unknown>): ContactRecord {
    if (has(b, 'id')) {
      if (typeof b.id !== 'string') throw badParam('id must be a string', 'id');
      return this.liveContact(b.id);
    }
    const userId = optKey(b, 'user_id');
    if (userId) {
      const id = this.byExternalId.get(userId);
      const rec = id === undefined ? undefined : this.byId.get(id);
      // user_id finds users only; leads need the Intercom id
      if (!rec || rec.current.role !== 'user' || rec.current.archived) throw userNotFound();
      return rec;
    }
    const email = optText(b, 'email');
    if (email) {
      const ids = this.usersWithEmail(email.toLowerCase());
      const live = ids.filter((id) => !this.byId.get(id)?.current.archived);
      if (live.length > 1) throw new ApiError(409, 'conflict', 'Multiple existing users match this email address - must be more specific using user_id');
      if (live.length === 0) throw userNotFound();
      return this.byId.get(live[0]!)!;
    }
    throw missingParam('One of user_id, id or email is required', 'user_id');
  }

  // ---------------------------------------------------------------- changes worth saving

  changed(): void {
    this.changes++;
    this.onChange?.();
  }

  /** How many savable changes the workspace has seen; a saver compares it with the count it last wrote. */
  changeCount(): number {
    return this.changes;
  }
}
