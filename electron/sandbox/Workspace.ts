// The state and behaviour of one simulated Intercom workspace, with no HTTP in it: every API
// operation is a synchronous method that returns the wire answer or throws an ApiError.
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
  type Model,
  type Role,
  type Scalar,
} from './model';
import { STATE_VERSION, type StoredCompany, type StoredContact, type WorkspaceState } from './persist';
import { compareKeys, compileQuery, resolveField, type FieldKind, type SearchContext } from './searchQuery';

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

interface SearchHit {
  data: ContactData;
  pos: number;
  key: unknown;
}

export const FLUSH_MATCHING_INTERVAL_MS = 15 * 60 * 1000;
export const SCROLL_IDLE_MS = 60 * 1000;
export const SCROLL_PAGE = 50;
export const MAX_PER_PAGE = 150;
const COMPANY_LIMIT = 1000;
const EVENT_METADATA_KEYS = 10;
/** H: a workspace keeps at most 120 active event names; a new 121st is refused. */
export const MAX_EVENT_NAMES = 120;
/** GET /events lists the last 90 days only. */
const EVENT_LIST_DAYS = 90;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: Record<string, unknown>, k: string) => Object.prototype.hasOwnProperty.call(o, k) && o[k] !== undefined;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// S14: "must only contain alphanumeric characters, currency symbols, and hyphens"; spaces and
// underscores are in names Intercom itself ships, so they pass too
const ATTRIBUTE_NAME = /^[\p{L}\p{N}\p{Sc}_\- ]+$/u;
const DATA_TYPES = new Set(['string', 'integer', 'float', 'boolean', 'datetime', 'date', 'options']);
// Shared by every contact that has none; snapshots are never mutated, so sharing is safe
const NO_ATTRIBUTES: Readonly<Record<string, Scalar | null>> = Object.freeze({});
const NO_COMPANIES: readonly string[] = Object.freeze([]);
const MODEL_WORD: Record<Model, string> = { contact: 'people', company: 'company' };

function body(input: unknown): Record<string, unknown> {
  if (input === undefined || input === null) return {};
  if (!isObject(input)) throw badParam('The request body must be a JSON object');
  return input;
}

function optText(b: Record<string, unknown>, key: string): string | null | undefined {
  if (!has(b, key)) return undefined;
  const v = b[key];
  if (v === null) return null;
  if (typeof v === 'string') return v;
  throw badParam(`${key} must be a string`, key);
}

function optInt(b: Record<string, unknown>, key: string): number | null | undefined {
  if (!has(b, key)) return undefined;
  const v = b[key];
  if (v === null) return null;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw badParam(`${key} must be an integer`, key);
}

/** external_id / company_id: Intercom takes numbers too and stores them as strings. */
function optKey(b: Record<string, unknown>, key: string): string | null | undefined {
  if (!has(b, key)) return undefined;
  const v = b[key];
  if (v === null || v === '') return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw badParam(`${key} must be a string`, key);
}

export function parsePerPage(raw: unknown, fallback: number): number {
  if (raw === undefined || raw === null || raw === '') return fallback;
  const n = typeof raw === 'string' ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_PER_PAGE) {
    throw badParam(`per_page must be an integer between 1 and ${MAX_PER_PAGE}`, 'per_page');
  }
  return n;
}

function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function decodeCursor(raw: unknown, kind: 'list' | 'search'): { page: number; pos: number; key?: unknown } {
  if (typeof raw !== 'string' || raw === '') throw badParam('starting_after is invalid', 'starting_after');
  try {
    const v: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v[0] === kind && typeof v[1] === 'number' && typeof v[2] === 'number') return { page: v[1], pos: v[2], key: v[3] };
  } catch {
    // fall through
  }
  throw badParam('starting_after is invalid', 'starting_after');
}

function timezoneName(offsetMinutes: number): string {
  if (offsetMinutes === 0) return 'UTC';
  // Etc/GMT names have the sign inverted; fractional offsets have no IANA Etc zone
  if (offsetMinutes % 60 === 0) return `Etc/GMT${offsetMinutes > 0 ? '-' : '+'}${Math.abs(offsetMinutes / 60)}`;
  const a = Math.abs(offsetMinutes);
  return `UTC${offsetMinutes > 0 ? '+' : '-'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

const BUILT_INS: Record<Model, [string, string, string][]> = {
  contact: [
    ['name', 'Name', 'string'],
    ['email', 'Email', 'string'],
    ['phone', 'Phone', 'string'],
    ['external_id', 'User ID', 'string'],
    ['role', 'Role', 'string'],
    ['owner_id', 'Owner', 'integer'],
    ['created_at', 'Signed up', 'date'],
    ['updated_at', 'Last updated', 'date'],
    ['last_seen_at', 'Last seen', 'date'],
    ['unsubscribed_from_emails', 'Unsubscribed from emails', 'boolean'],
  ],
  company: [
    ['name', 'Company name', 'string'],
    ['company_id', 'Company ID', 'string'],
    ['plan.name', 'Plan', 'string'],
    ['monthly_spend', 'Monthly Spend', 'float'],
    ['user_count', 'User count', 'integer'],
    ['size', 'Company size', 'integer'],
    ['website', 'Company website', 'string'],
    ['industry', 'Company industry', 'string'],
    ['remote_created_at', 'Company created at', 'date'],
  ],
};

export class Workspace {
  readonly admin: { type: 'admin'; id: string; email: string; name: string };
  readonly app: { type: 'app'; id_code: string; name: string; region: 'US'; timezone: string; created_at: number; identity_verification: false };
  readonly now: () => number;
  readonly searchLagMs: number;
  readonly messageLagMs: number;
  readonly timezoneOffsetMinutes: number;
  readonly ids: IdGen;

  private readonly byId = new Map<string, ContactRecord>();
  private readonly order: ContactRecord[] = [];
  private listedCount = 0;
  /** external_id -> contact id, over live contacts of any role (archived included). */
  private readonly byExternalId = new Map<string, string>();
  /** lower-cased email -> live user id(s), oldest first; a bare string for the common single user. */
  private readonly usersByEmail = new Map<string, string | string[]>();

  private readonly companiesById = new Map<string, CompanyRecord>();
  private readonly companyOrder: CompanyRecord[] = [];
  private readonly companyByExternal = new Map<string, string>();
  private readonly planIds = new Map<string, string>();

  private readonly attributes: DataAttribute[] = [];
  private readonly messageLog: SandboxMessage[] = [];
  private readonly flushLog: SandboxFlush[] = [];
  private readonly lastTriggered = new Map<string, number>();
  private readonly eventLog: SandboxEvent[] = [];
  private readonly eventKeys = new Set<string>();
  private readonly eventNames = new Set<string>();
  private ignoredEvents = 0;
  private readonly visitors = new Map<string, SandboxVisitor>();
  private scroll: { param: string; ids: string[]; offset: number; lastUsed: number } | null = null;
  /** Bumped by every contact write; with lastWriteAt it tells whether a cached search is stale. */
  private writes = 0;
  private lastWriteAt = -Infinity;
  private searchCache: { key: string; writes: number; at: number; hits: SearchHit[] } | null = null;
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
    for (const model of ['contact', 'company'] as const) {
      for (const [name, label, data_type] of BUILT_INS[model]) {
        // Built-ins carry no id, as in Intercom's list
        this.attributes.push({
          type: 'data_attribute', model, name, full_name: name, label, description: '', data_type,
          api_writable: name !== 'user_count', ui_writable: true, messenger_writable: false, custom: false, archived: false,
        });
      }
    }
  }

  nowSec(): number {
    return Math.floor(this.now() / 1000);
  }

  // ---------------------------------------------------------------- admin

  me() {
    return { type: 'admin' as const, id: this.admin.id, email: this.admin.email, name: this.admin.name, email_verified: true, away_mode_enabled: false, away_mode_reassign: false, has_inbox_seat: true, avatar: { type: 'avatar', image_url: null }, app: { ...this.app } };
  }

  // ---------------------------------------------------------------- data attributes

  listDataAttributes(model: string | undefined, includeArchived: boolean) {
    if (model !== undefined && model !== 'contact' && model !== 'company' && model !== 'conversation') {
      throw badParam('The Data Attribute model field must be either contact or company', 'model');
    }
    const data = this.attributes.filter((a) => (model === undefined || a.model === model) && (includeArchived || !a.archived)).map((a) => structuredClone(a));
    return { type: 'list' as const, data };
  }

  createDataAttribute(input: unknown): DataAttribute {
    const b = body(input);
    const name = b.name;
    if (typeof name !== 'string' || name.trim() === '') throw missingParam('Name is a required parameter.', 'name');
    const model = b.model;
    if (model !== 'contact' && model !== 'company') throw badParam('The Data Attribute model field must be either contact or company', 'model');
    const dataType = b.data_type;
    if (typeof dataType !== 'string' || !DATA_TYPES.has(dataType)) throw badParam("Data Type isn't an option", 'data_type');
    if (!ATTRIBUTE_NAME.test(name)) throw badParam('Your name for this attribute must only contain alphanumeric characters, currency symbols, and hyphens', 'name');
    const description = b.description === undefined ? '' : b.description;
    if (typeof description !== 'string') throw badParam('description must be a string', 'description');
    const options = this.parseOptions(b.options, dataType);
    // Names collide case-insensitively and across models (S14 wording, both directions)
    const lower = name.toLowerCase();
    const clash = this.attributes.find((a) => a.name.toLowerCase() === lower && (a.model === model || a.custom));
    if (clash) {
      throw badParam(`You already have '${name}' in your ${MODEL_WORD[clash.model]} data. To save this as new ${MODEL_WORD[model]} data, use a different name.`, 'name');
    }
    return structuredClone(this.defineAttribute(model, name, dataType, { description, options, messenger_writable: b.messenger_writable === true }));
  }

  updateDataAttribute(id: string, input: unknown): DataAttribute {
    const attr = this.attributes.find((a) => a.id !== undefined && String(a.id) === id);
    if (!attr) throw new ApiError(404, 'field_not_found', "We couldn't find that data attribute to update");
    const b = body(input);
    if (has(b, 'data_type') && b.data_type !== attr.data_type) throw badParam("The data type of an attribute can't be changed", 'data_type');
    if (has(b, 'archived')) {
      if (typeof b.archived !== 'boolean') throw badParam('archived must be a boolean', 'archived');
      attr.archived = b.archived;
    }
    if (has(b, 'description')) {
      if (typeof b.description !== 'string') throw badParam('description must be a string', 'description');
      attr.description = b.description;
    }
    if (has(b, 'options')) attr.options = this.parseOptions(b.options, attr.options ? 'options' : attr.data_type);
    if (has(b, 'messenger_writable')) attr.messenger_writable = b.messenger_writable === true;
    attr.updated_at = this.nowSec();
    this.changed();
    return structuredClone(attr);
  }

  private parseOptions(raw: unknown, dataType: string): { value: string }[] | undefined {
    if (raw === undefined || raw === null) {
      if (dataType === 'options') throw badParam('An options attribute needs at least 2 options', 'options');
      return undefined;
    }
    if (!Array.isArray(raw)) throw badParam("Options isn't an array", 'options');
    // S11 spells a list attribute as string + options; 2.14 as data_type options
    if (dataType !== 'options' && dataType !== 'string') throw badParam(`Options are not allowed for data type ${dataType}`, 'options');
    const values = raw.map((o) => (isObject(o) && typeof o.value === 'string' ? o.value : typeof o === 'string' ? o : null));
    if (values.some((v) => v === null || v === '')) throw badParam('Each option must be {"value": "<text>"}', 'options');
    if (values.length < 2) throw badParam('An options attribute needs at least 2 options', 'options');
    return values.map((value) => ({ value: value! }));
  }

  /** Adds a custom attribute without API validation (seeds, remote edits). */
  defineAttribute(model: Model, name: string, dataType: string, extra: { description?: string; options?: { value: string }[]; messenger_writable?: boolean } = {}): DataAttribute {
    const existing = this.customAttribute(model, name);
    if (existing) return existing;
    const at = this.nowSec();
    const attr: DataAttribute = {
      type: 'data_attribute', id: this.ids.next(), model, name, full_name: `custom_attributes.${name}`, label: name,
      description: extra.description ?? '', data_type: dataType, api_writable: true, ui_writable: false,
      messenger_writable: extra.messenger_writable ?? false, custom: true, archived: false, admin_id: this.admin.id, created_at: at, updated_at: at,
    };
    if (extra.options) attr.options = extra.options;
    this.attributes.push(attr);
    this.changed();
    return attr;
  }

  private customAttribute(model: Model, name: string): DataAttribute | undefined {
    return this.attributes.find((a) => a.custom && a.model === model && a.name === name);
  }

  private customKind(model: Model, name: string): FieldKind | undefined {
    const a = this.customAttribute(model, name);
    if (!a) return undefined;
    switch (a.data_type) {
      case 'integer':
      case 'float':
        return 'number';
      case 'boolean':
        return 'boolean';
      case 'date':
      case 'datetime':
        return 'date';
      default:
        return 'string';
    }
  }

  /** Checks custom_attributes against the model's attributes; returns the merged values. */
  private mergeCustom(model: Model, raw: unknown, current: Readonly<Record<string, Scalar | null>>, autoCreate = false): Record<string, Scalar | null> {
    if (!isObject(raw)) throw badParam('custom_attributes must be an object', 'custom_attributes');
    const out: Record<string, Scalar | null> = { ...current };
    for (const [name, value] of Object.entries(raw)) {
      if (value === undefined) continue;
      const field = `custom_attributes.${name}`;
      if (value === null || typeof value === 'object') throw badParam('Value: not of type Numeric, String or Boolean', field);
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw badParam('Value: not of type Numeric, String or Boolean', field);
      let attr = this.customAttribute(model, name);
      if (!attr && autoCreate) {
        // Someone in Intercom's UI can create an attribute while typing its first value
        attr = this.defineAttribute(model, name, typeof value === 'boolean' ? 'boolean' : typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'float') : 'string');
      }
      if (!attr) {
        const word = model === 'contact' ? 'Custom attribute' : 'Company custom attribute';
        throw badParam(`${word} '${name}' does not exist`, field);
      }
      out[name] = this.coerceValue(attr, name, value);
    }
    return out;
  }

  private coerceValue(attr: DataAttribute, name: string, value: Scalar): Scalar | null {
    const field = `custom_attributes.${name}`;
    const wrong = () => badParam(`Custom attribute '${name}' expects a value of type ${attr.data_type}`, field);
    // "" is how clients clear a value (null is rejected); for a non-text attribute it empties it
    if (value === '') return attr.data_type === 'string' || attr.data_type === 'options' ? '' : null;
    switch (attr.data_type) {
      case 'string':
      case 'options':
        if (typeof value !== 'string') throw wrong();
        // A list attribute rejects values outside its options (PR #457 behaviour; stricter catches more)
        if (attr.options && !attr.options.some((o) => o.value === value)) throw badParam(`'${value}' is not one of the options of '${name}'`, field);
        return value;
      case 'integer':
        if (typeof value !== 'number' || !Number.isInteger(value)) throw wrong();
        return value;
      case 'float':
        if (typeof value !== 'number') throw wrong();
        return value;
      case 'boolean':
        if (typeof value !== 'boolean') throw wrong();
        return value;
      default: {
        // date / datetime: Unix seconds, or an ISO date that Intercom converts
        if (typeof value === 'number' && Number.isInteger(value)) return value;
        if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value))) return Math.floor(Date.parse(value) / 1000);
        throw wrong();
      }
    }
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
  private commit(rec: ContactRecord, next: ContactData): void {
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

  private index(prev: ContactData | undefined, next: ContactData): void {
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

  private usersWithEmail(lowerEmail: string): string[] {
    const v = this.usersByEmail.get(lowerEmail);
    return v === undefined ? [] : typeof v === 'string' ? [v] : v;
  }

  /** A contact the API can act on: not merged away, deleted, or (unless allowed) archived. */
  private liveContact(id: string, allowArchived = false): ContactRecord {
    const rec = this.byId.get(id);
    // Archived contacts answer 404 until unarchived, hence API-NOTES' "unarchive, then PUT"
    if (!rec || !isLive(rec.current) || (rec.current.archived && !allowArchived)) throw userNotFound();
    return rec;
  }

  private wire(c: ContactData): ContactWire {
    return contactWire(c, this.app.id_code);
  }

  private conflict(otherId: string): ApiError {
    const other = this.byId.get(otherId);
    const archived = other?.current.archived ?? false;
    return new ApiError(409, 'conflict', `${archived ? 'An archived contact' : 'A contact'} matching those details already exists with id=${otherId}`);
  }

  // ---------------------------------------------------------------- contacts API

  private parseContactFields(b: Record<string, unknown>) {
    const out: { -readonly [K in keyof ContactData]?: ContactData[K] } = {};
    if (has(b, 'role')) {
      if (b.role !== 'user' && b.role !== 'lead') throw badParam("role must be one of 'user', 'lead'", 'role');
      out.role = b.role;
    }
    const xid = optKey(b, 'external_id');
    if (xid !== undefined) out.external_id = xid;
    const email = optText(b, 'email');
    if (email !== undefined) {
      if (email !== null && email !== '' && !EMAIL.test(email)) throw badParam(`'${email}' is not a valid email`, 'email');
      out.email = email === '' ? null : email;
    }
    for (const key of ['phone', 'name', 'avatar'] as const) {
      const v = optText(b, key);
      if (v !== undefined) out[key] = v;
    }
    for (const key of ['owner_id', 'signed_up_at', 'last_seen_at'] as const) {
      const v = optInt(b, key);
      if (v !== undefined) out[key] = v;
    }
    if (has(b, 'unsubscribed_from_emails')) {
      if (typeof b.unsubscribed_from_emails !== 'boolean') throw badParam('unsubscribed_from_emails must be a boolean', 'unsubscribed_from_emails');
      out.unsubscribed_from_emails = b.unsubscribed_from_emails;
    }
    return out;
  }

  createContact(input: unknown, options: { autoCreateAttributes?: boolean } = {}): ContactWire {
    const b = body(input);
    const f = this.parseContactFields(b);
    if (f.role === undefined && !f.email && !f.external_id) throw badParam('A contact needs one of role, email or external_id', 'role');
    const role: Role = f.role ?? 'user';
    const custom = has(b, 'custom_attributes') ? this.mergeCustom('contact', b.custom_attributes, {}, options.autoCreateAttributes) : {};
    if (f.external_id) {
      const other = this.byExternalId.get(f.external_id);
      if (other) throw this.conflict(other);
    } else if (role === 'user' && f.email) {
      // Without an external_id a user is matched by email; leads never are
      const other = this.usersWithEmail(f.email.toLowerCase())[0];
      if (other) throw this.conflict(other);
    }
    const rec = this.insertContact({ ...f, role, custom_attributes: custom });
    return this.wire(rec.current);
  }

  getContact(id: string): ContactWire {
    return this.wire(this.liveContact(id).current);
  }

  updateContact(id: string, input: unknown, options: { autoCreateAttributes?: boolean; alwaysBump?: boolean; allowArchived?: boolean } = {}): ContactWire {
    const rec = this.liveContact(id, options.allowArchived);
    const b = body(input);
    const f = this.parseContactFields(b);
    const cur = rec.current;
    if (f.role === 'lead' && cur.role === 'user') throw badParam('A user cannot be converted to a lead', 'role');
    if (f.external_id && f.external_id !== cur.external_id) {
      const other = this.byExternalId.get(f.external_id);
      if (other && other !== id) throw this.conflict(other);
    }
    const custom = has(b, 'custom_attributes') ? this.mergeCustom('contact', b.custom_attributes, cur.custom_attributes, options.autoCreateAttributes) : cur.custom_attributes;
    const next: ContactData = { ...cur, ...f, custom_attributes: custom };
    if (cur.role === 'lead' && next.role === 'user' && next.signed_up_at === null) (next as { signed_up_at: number | null }).signed_up_at = this.nowSec();
    // updated_at moves only on a real change, so an idempotent retry leaves no trace in search
    if (!options.alwaysBump && sameContact(cur, next)) return this.wire(cur);
    this.commit(rec, { ...next, updated_at: this.nowSec() });
    return this.wire(rec.current);
  }

  deleteContact(id: string) {
    const rec = this.liveContact(id, true);
    this.detachAll(rec);
    this.commit(rec, { ...rec.current, companyIds: [], deleted: true, updated_at: this.nowSec() });
    return { type: 'contact' as const, id, external_id: rec.current.external_id, deleted: true };
  }

  findByExternalId(xid: string): ContactWire {
    const id = this.byExternalId.get(xid);
    const rec = id === undefined ? undefined : this.byId.get(id);
    // Users only: a lead holding the external_id is invisible to this lookup
    if (!rec || rec.current.role !== 'user' || rec.current.archived) throw userNotFound();
    return this.wire(rec.current);
  }

  listContacts(query: { per_page?: string | undefined; starting_after?: string | undefined }) {
    const perPage = parsePerPage(query.per_page, 50);
    let start = 0;
    let page = 1;
    if (query.starting_after !== undefined && query.starting_after !== '') {
      const c = decodeCursor(query.starting_after, 'list');
      start = c.pos + 1;
      page = c.page + 1;
    }
    const data: ContactWire[] = [];
    let i = start;
    let last = -1;
    for (; i < this.order.length && data.length < perPage; i++) {
      const c = this.order[i]!.current;
      if (isListed(c)) {
        data.push(this.wire(c));
        last = i;
      }
    }
    let more = false;
    for (let j = i; j < this.order.length; j++) {
      if (isListed(this.order[j]!.current)) {
        more = true;
        break;
      }
    }
    return {
      type: 'list' as const,
      data,
      total_count: this.listedCount,
      pages: {
        type: 'pages' as const,
        page,
        per_page: perPage,
        total_pages: Math.ceil(this.listedCount / perPage),
        ...(more ? { next: { page: page + 1, starting_after: encodeCursor(['list', page, last]) } } : {}),
      },
    };
  }

  /** The contact as the search index sees it now: `searchLagMs` behind the truth. */
  private indexed(rec: ContactRecord, at: number): ContactData | undefined {
    if (rec.since <= at) return rec.current;
    const past = rec.past;
    if (past) for (let i = past.length - 1; i >= 0; i--) if (past[i]!.at <= at) return past[i]!.data;
    return undefined;
  }

  private searchContext(): SearchContext {
    return { customKind: (name) => this.customKind('contact', name), timezoneOffsetMinutes: this.timezoneOffsetMinutes };
  }

  searchContacts(input: unknown) {
    const b = body(input);
    if (!has(b, 'query')) throw missingParam('query is a required parameter', 'query');
    const ctx = this.searchContext();
    const predicate = compileQuery(b.query, ctx);
    const pagination = b.pagination === undefined || b.pagination === null ? {} : b.pagination;
    if (!isObject(pagination)) throw badParam('pagination must be an object', 'pagination');
    const perPage = parsePerPage(pagination.per_page, 50);
    const cursor = pagination.starting_after === undefined || pagination.starting_after === null ? null : decodeCursor(pagination.starting_after, 'search');
    let sortGet: ((c: ContactData) => unknown) | null = null;
    let dir = 1;
    if (b.sort !== undefined && b.sort !== null) {
      if (!isObject(b.sort)) throw badParam('sort must be an object', 'sort');
      sortGet = resolveField(b.sort.field, ctx).get;
      const order = b.sort.order ?? 'ascending';
      if (order !== 'ascending' && order !== 'descending') throw badParam("sort order must be 'ascending' or 'descending'", 'sort.order');
      dir = order === 'descending' ? -1 : 1;
    }

    const at = this.now() - this.searchLagMs;
    const cmp = (a: SearchHit | { pos: number; key: unknown }, b: { pos: number; key: unknown }) => dir * compareKeys(a.key, b.key) || a.pos - b.pos;
    const cacheKey = JSON.stringify([b.query, b.sort ?? null]);
    const cached = this.searchCache;
    // Paging through one query re-reads the same result set; it is still valid while nothing was
    // written and no version has come into the lagging index's view since it was computed
    let hits: SearchHit[];
    if (cached && cached.key === cacheKey && cached.writes === this.writes && (cached.at === at || (cached.at >= this.lastWriteAt && at >= cached.at))) {
      hits = cached.hits;
    } else {
      hits = [];
      for (const rec of this.order) {
        const data = rec.since <= at ? rec.current : this.indexed(rec, at);
        if (!data || !isListed(data) || !predicate(data)) continue;
        hits.push({ data, pos: rec.position, key: sortGet ? (sortGet(data) ?? null) : null });
      }
      if (sortGet) hits.sort(cmp);
      this.searchCache = { key: cacheKey, writes: this.writes, at, hits };
    }
    let from = 0;
    if (cursor) {
      // First hit after the cursor's (key, position): hits are sorted by cmp, so bisect
      const mark = { pos: cursor.pos, key: cursor.key ?? null };
      let hi = hits.length;
      while (from < hi) {
        const mid = (from + hi) >>> 1;
        if (cmp(hits[mid]!, mark) <= 0) from = mid + 1;
        else hi = mid;
      }
    }
    const slice = hits.slice(from, from + perPage);
    const page = cursor ? cursor.page + 1 : 1;
    const lastHit = slice[slice.length - 1];
    const more = from + perPage < hits.length && lastHit !== undefined;
    return {
      type: 'list' as const,
      data: slice.map((h) => this.wire(h.data)),
      total_count: hits.length,
      pages: {
        type: 'pages' as const,
        page,
        per_page: perPage,
        total_pages: Math.ceil(hits.length / perPage),
        ...(more ? { next: { page: page + 1, starting_after: encodeCursor(['search', page, lastHit.pos, lastHit.key]) } } : {}),
      },
    };
  }

  mergeContacts(input: unknown): ContactWire {
    const b = body(input);
    if (typeof b.from !== 'string' || b.from === '') throw missingParam('from is a required parameter', 'from');
    if (typeof b.into !== 'string' || b.into === '') throw missingParam('into is a required parameter', 'into');
    if (b.from === b.into) throw badParam('A contact cannot be merged into itself', 'into');
    const from = this.liveContact(b.from);
    const into = this.liveContact(b.into);
    if (from.current.role !== 'lead') throw badParam('Only a lead can be merged (from must be a lead)', 'from');
    if (into.current.role !== 'user') throw badParam('A lead can only be merged into a user (into must be a user)', 'into');
    const lead = from.current;
    const user = into.current;
    const companyIds = [...user.companyIds];
    for (const cid of lead.companyIds) {
      const co = this.companiesById.get(cid);
      if (!co) continue;
      co.contactIds.delete(lead.id);
      co.contactIds.add(user.id);
      if (!companyIds.includes(cid)) companyIds.push(cid);
    }
    // The user's own data wins; the lead only fills what the user lacks
    const custom: Record<string, Scalar | null> = { ...user.custom_attributes };
    for (const [k, v] of Object.entries(lead.custom_attributes)) if (custom[k] === undefined || custom[k] === null || custom[k] === '') custom[k] = v;
    const now = this.nowSec();
    this.commit(from, { ...lead, companyIds: [], mergedInto: user.id, updated_at: now });
    this.commit(into, {
      ...user,
      email: user.email ?? lead.email,
      name: user.name ?? lead.name,
      phone: user.phone ?? lead.phone,
      companyIds,
      custom_attributes: custom,
      updated_at: now,
    });
    return this.wire(into.current);
  }

  archiveContact(id: string, archived: boolean) {
    const rec = this.liveContact(id, true);
    if (rec.current.archived !== archived) this.commit(rec, { ...rec.current, archived, updated_at: this.nowSec() });
    return { type: 'contact' as const, id, external_id: rec.current.external_id, archived };
  }

  // ---------------------------------------------------------------- contact <-> company

  contactCompaniesList(contactId: string) {
    const rec = this.liveContact(contactId);
    const data = rec.current.companyIds.map((cid) => this.companiesById.get(cid)).filter((c): c is CompanyRecord => !!c && !c.deleted).map((c) => this.companyOut(c));
    return { type: 'list' as const, data, pages: { type: 'pages' as const, next: null, page: 1, per_page: 50, total_pages: 1 }, total_count: data.length };
  }

  attachCompany(contactId: string, input: unknown): CompanyWire {
    const rec = this.liveContact(contactId);
    const b = body(input);
    const cid = optKey(b, 'id');
    if (!cid) throw missingParam('company not specified', 'id');
    const co = this.companiesById.get(cid);
    if (!co || co.deleted) throw companyNotFound();
    if (!rec.current.companyIds.includes(cid)) {
      if (rec.current.companyIds.length >= COMPANY_LIMIT) throw new ApiError(400, 'contact_company_limit_exceeded', 'Contact has reached the maximum of 1000 company associations');
      co.contactIds.add(contactId);
      this.commit(rec, { ...rec.current, companyIds: [...rec.current.companyIds, cid], updated_at: this.nowSec() });
    }
    return this.companyOut(co);
  }

  detachCompany(contactId: string, companyId: string): CompanyWire {
    const rec = this.liveContact(contactId);
    const co = this.companiesById.get(companyId);
    if (!co || co.deleted) throw companyNotFound();
    // Not attached: Intercom's answer is undocumented; a 404 makes a blind retry after a lost
    // answer visible, which is the case a sync engine must treat as already done
    if (!rec.current.companyIds.includes(companyId)) throw new ApiError(404, 'not_found', 'Company is not attached to this contact');
    co.contactIds.delete(contactId);
    this.commit(rec, { ...rec.current, companyIds: rec.current.companyIds.filter((c) => c !== companyId), updated_at: this.nowSec() });
    return this.companyOut(co);
  }

  private detachAll(rec: ContactRecord): void {
    for (const cid of rec.current.companyIds) this.companiesById.get(cid)?.contactIds.delete(rec.id);
  }

  // ---------------------------------------------------------------- companies

  private userCount(co: CompanyRecord): number {
    let n = 0;
    for (const id of co.contactIds) {
      const c = this.byId.get(id)?.current;
      if (c && c.role === 'user' && isLive(c)) n++;
    }
    return n;
  }

  private hasUser(co: CompanyRecord): boolean {
    for (const id of co.contactIds) {
      const c = this.byId.get(id)?.current;
      if (c && c.role === 'user' && isLive(c)) return true;
    }
    return false;
  }

  private planId = (name: string): string => {
    let id = this.planIds.get(name);
    if (!id) {
      id = String(this.ids.next());
      this.planIds.set(name, id);
      this.changed();
    }
    return id;
  };

  private companyOut(co: CompanyRecord): CompanyWire {
    return companyWire(co, this.app.id_code, this.userCount(co), this.planId);
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
      deleted: false,
    };
    this.companiesById.set(co.id, co);
    this.companyOrder.push(co);
    this.companyByExternal.set(co.company_id, co.id);
    this.changed();
    return co;
  }

  private parseCompanyFields(b: Record<string, unknown>, current: Record<string, Scalar | null>, autoCreate = false) {
    const out: CompanyPatch & { remote_created_at?: number | null } = {};
    for (const key of ['name', 'plan', 'website', 'industry'] as const) {
      const v = optText(b, key);
      if (v !== undefined) out[key] = v;
    }
    for (const key of ['size', 'remote_created_at'] as const) {
      const v = optInt(b, key);
      if (v !== undefined) out[key] = v;
    }
    if (has(b, 'monthly_spend')) {
      const v = b.monthly_spend;
      if (typeof v !== 'number' || !Number.isFinite(v)) throw badParam('monthly_spend must be a number', 'monthly_spend');
      // Intercom documents that it truncates: 155.98 is stored as 155
      out.monthly_spend = Math.trunc(v);
    }
    if (has(b, 'custom_attributes')) out.custom_attributes = this.mergeCustom('company', b.custom_attributes, current, autoCreate);
    return out;
  }

  private applyCompany(co: CompanyRecord, patch: CompanyPatch & { remote_created_at?: number | null }, alwaysBump = false): void {
    let changed = false;
    for (const [k, v] of Object.entries(patch) as [keyof typeof patch, unknown][]) {
      const cur = (co as unknown as Record<string, unknown>)[k];
      if (k === 'custom_attributes' ? JSON.stringify(cur) !== JSON.stringify(v) : cur !== v) {
        (co as unknown as Record<string, unknown>)[k] = v;
        changed = true;
      }
    }
    if (changed || alwaysBump) {
      co.updated_at = this.nowSec();
      this.changed();
    }
  }

  upsertCompany(input: unknown): CompanyWire {
    const b = body(input);
    const companyId = optKey(b, 'company_id');
    if (!companyId) throw missingParam('company_id is a required parameter', 'company_id');
    const existingId = this.companyByExternal.get(companyId);
    const existing = existingId === undefined ? undefined : this.companiesById.get(existingId);
    if (existing && !existing.deleted) {
      this.applyCompany(existing, this.parseCompanyFields(b, existing.custom_attributes));
      return this.companyOut(existing);
    }
    const patch = this.parseCompanyFields(b, {});
    const co = this.insertCompany({ company_id: companyId });
    this.applyCompany(co, patch);
    co.updated_at = co.created_at;
    this.changed();
    return this.companyOut(co);
  }

  private liveCompany(id: string): CompanyRecord {
    const co = this.companiesById.get(id);
    if (!co || co.deleted) throw companyNotFound();
    return co;
  }

  getCompany(id: string): CompanyWire {
    return this.companyOut(this.liveCompany(id));
  }

  findCompany(query: { company_id?: string | undefined; name?: string | undefined }): CompanyWire {
    let co: CompanyRecord | undefined;
    if (query.company_id !== undefined) {
      const id = this.companyByExternal.get(query.company_id);
      co = id === undefined ? undefined : this.companiesById.get(id);
    } else if (query.name !== undefined) {
      co = this.companyOrder.find((c) => !c.deleted && c.name === query.name);
    }
    if (!co || co.deleted) throw companyNotFound();
    return this.companyOut(co);
  }

  listCompanies(query: { page?: string | undefined; per_page?: string | undefined; order?: string | undefined }) {
    const perPage = parsePerPage(query.per_page, 15);
    const page = query.page === undefined || query.page === '' ? 1 : Number(query.page);
    if (!Number.isInteger(page) || page < 1) throw badParam('page must be a positive integer', 'page');
    let visible = this.companyOrder.filter((c) => !c.deleted && this.hasUser(c));
    if (query.order === 'desc') visible = visible.reverse();
    // S14 caps this listing at 10,000 companies; past that the scroll is the way
    visible = visible.slice(0, 10_000);
    const data = visible.slice((page - 1) * perPage, page * perPage).map((c) => this.companyOut(c));
    const totalPages = Math.ceil(visible.length / perPage);
    return {
      type: 'list' as const,
      data,
      total_count: visible.length,
      pages: { type: 'pages' as const, page, per_page: perPage, total_pages: totalPages, ...(page < totalPages ? { next: { page: page + 1 } } : {}) },
    };
  }

  updateCompany(id: string, input: unknown): CompanyWire {
    const co = this.liveCompany(id);
    const b = body(input);
    const cid = optKey(b, 'company_id');
    if (cid !== undefined && cid !== co.company_id) throw badParam("company_id can't be changed once set", 'company_id');
    this.applyCompany(co, this.parseCompanyFields(b, co.custom_attributes));
    return this.companyOut(co);
  }

  deleteCompany(id: string) {
    const co = this.liveCompany(id);
    // Intercom archives asynchronously; here it is gone at once, which is the simpler case to test
    for (const contactId of co.contactIds) {
      const rec = this.byId.get(contactId);
      if (rec) this.commit(rec, { ...rec.current, companyIds: rec.current.companyIds.filter((c) => c !== id) });
    }
    co.contactIds.clear();
    co.deleted = true;
    this.companyByExternal.delete(co.company_id);
    this.changed();
    return { id, object: 'company' as const, deleted: true };
  }

  companyContactsList(companyId: string, query: { page?: string | undefined; per_page?: string | undefined }) {
    const co = this.liveCompany(companyId);
    const perPage = parsePerPage(query.per_page, 50);
    const page = query.page === undefined || query.page === '' ? 1 : Number(query.page);
    if (!Number.isInteger(page) || page < 1) throw badParam('page must be a positive integer', 'page');
    const all = [...co.contactIds].map((id) => this.byId.get(id)).filter((r): r is ContactRecord => !!r && isListed(r.current)).sort((a, b) => a.position - b.position);
    const totalPages = Math.ceil(all.length / perPage);
    return {
      type: 'list' as const,
      data: all.slice((page - 1) * perPage, page * perPage).map((r) => this.wire(r.current)),
      total_count: all.length,
      pages: { type: 'pages' as const, page, per_page: perPage, total_pages: totalPages, ...(page < totalPages ? { next: { page: page + 1 } } : {}) },
    };
  }

  scrollCompanies(scrollParam: string | undefined) {
    const now = this.now();
    if (this.scroll && now - this.scroll.lastUsed > SCROLL_IDLE_MS) this.scroll = null;
    if (scrollParam === undefined || scrollParam === '') {
      if (this.scroll) {
        throw badParam('scroll already exists for this workspace. Please ensure to use the scroll parameter returned in the response');
      }
      // The scroll walks the companies that were visible when it started
      const ids = this.companyOrder.filter((c) => !c.deleted && this.hasUser(c)).map((c) => c.id);
      this.scroll = { param: this.ids.uuid(), ids, offset: 0, lastUsed: now };
    } else if (!this.scroll || this.scroll.param !== scrollParam) {
      throw new ApiError(500, 'server_error', 'Request failed due to an internal network error. Please restart the scroll operation.');
    }
    const s = this.scroll;
    const data = s.ids
      .slice(s.offset, s.offset + SCROLL_PAGE)
      .map((id) => this.companiesById.get(id))
      .filter((c): c is CompanyRecord => !!c && !c.deleted)
      .map((c) => this.companyOut(c));
    s.offset += SCROLL_PAGE;
    s.lastUsed = now;
    // S14: at the end "companies will be empty and the scroll parameter will expire"
    if (data.length === 0 && s.offset - SCROLL_PAGE >= s.ids.length) this.scroll = null;
    return { type: 'list' as const, data, pages: null, total_count: null, scroll_param: s.param };
  }

  // ---------------------------------------------------------------- events

  private findEventContact(b: Record<string, unknown>): ContactRecord {
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

  createEvent(input: unknown): void {
    const b = body(input);
    const name = b.event_name;
    if (typeof name !== 'string' || name.trim() === '') throw missingParam('event_name is a required parameter', 'event_name');
    const createdAt = b.created_at;
    if (typeof createdAt !== 'number' || !Number.isInteger(createdAt) || createdAt < 0) throw badParam('created_at must be a Unix timestamp in seconds', 'created_at');
    let metadata: Record<string, unknown> = {};
    if (b.metadata !== undefined && b.metadata !== null) {
      if (!isObject(b.metadata)) throw badParam('metadata must be an object', 'metadata');
      // Intercom keeps the first 10 keys and drops the rest silently
      for (const [k, v] of Object.entries(b.metadata).slice(0, EVENT_METADATA_KEYS)) {
        const richLink = isObject(v) && typeof v.url === 'string';
        const money = isObject(v) && typeof v.amount === 'number' && typeof v.currency === 'string';
        if (typeof v === 'object' && v !== null && !richLink && !money) throw badParam(`metadata '${k}' is nested; only flat values, links and money are allowed`, `metadata.${k}`);
        metadata = { ...metadata, [k]: v };
      }
    }
    const rec = this.findEventContact(b);
    const key = `${rec.id}\u0000${name}\u0000${createdAt}`;
    if (this.eventKeys.has(key)) {
      this.ignoredEvents++;
      this.changed();
      return;
    }
    if (!this.eventNames.has(name) && this.eventNames.size >= MAX_EVENT_NAMES) {
      throw badParam(`Your workspace has reached the limit of ${MAX_EVENT_NAMES} active event names; '${name}' was not recorded. Archive an event name to add a new one.`, 'event_name');
    }
    this.eventKeys.add(key);
    this.eventNames.add(name);
    this.eventLog.push({ contactId: rec.id, event_name: name, created_at: createdAt, metadata, at: this.now() });
    this.changed();
  }

  /** For tests: an event recorded in Intercom by someone else (the Messenger, another integration). */
  remoteCreateEvent(input: { contactId: string; event_name: string; created_at: number; metadata?: Record<string, unknown> }): void {
    this.createEvent({ id: input.contactId, event_name: input.event_name, created_at: input.created_at, metadata: input.metadata });
  }

  /**
   * GET /events?type=user: the contact's events of the last 90 days, newest first, `per_page` at a
   * time; `pages.next` is a whole URL on `origin` carrying the cursor (`before`, `before_index`).
   */
  listEvents(
    query: {
      type?: string | undefined;
      user_id?: string | undefined;
      intercom_user_id?: string | undefined;
      email?: string | undefined;
      per_page?: string | undefined;
      before?: string | undefined;
      before_index?: string | undefined;
    },
    origin = 'https://api.intercom.io',
  ) {
    if (query.type !== 'user') throw badParam("type must be 'user'", 'type');
    const rec = query.intercom_user_id !== undefined ? this.liveContact(query.intercom_user_id) : this.findEventContact({ user_id: query.user_id, email: query.email });
    const perPage = parsePerPage(query.per_page, 50);
    const since = this.nowSec() - EVENT_LIST_DAYS * 86_400;
    const beforeMs = query.before === undefined ? null : Number(query.before);
    const beforeIndex = query.before_index === undefined ? null : Number(query.before_index);
    if (beforeMs !== null && !Number.isFinite(beforeMs)) throw badParam('before must be a timestamp in milliseconds', 'before');
    const all = this.eventLog
      .map((e, index) => ({ e, index }))
      .filter(({ e }) => e.contactId === rec.id && e.created_at >= since)
      .sort((a, b) => b.e.created_at - a.e.created_at || b.index - a.index);
    const after =
      beforeMs === null
        ? all
        : all.filter(({ e, index }) => e.created_at * 1000 < beforeMs || (e.created_at * 1000 === beforeMs && beforeIndex !== null && index < beforeIndex));
    const page = after.slice(0, perPage);
    const events = page.map(({ e }) => ({
      type: 'event',
      event_name: e.event_name,
      created_at: e.created_at,
      user_id: rec.current.external_id,
      intercom_user_id: rec.id,
      email: rec.current.email,
      metadata: e.metadata,
    }));
    let next: string | null = null;
    const last = page.at(-1);
    if (last && after.length > page.length) {
      const params = new URLSearchParams({ type: 'user', intercom_user_id: rec.id, per_page: String(perPage), before: String(last.e.created_at * 1000), before_index: String(last.index) });
      next = `${origin.replace(/\/+$/, '')}/events?${params.toString()}`;
    }
    return { type: 'event.list' as const, events, pages: { next, since: null } };
  }

  // ---------------------------------------------------------------- messages and the flush

  createMessage(input: unknown) {
    const b = body(input);
    const type = b.message_type;
    if (type !== 'inapp' && type !== 'in_app' && type !== 'email') throw badParam("message_type must be 'inapp' or 'email'", 'message_type');
    if (typeof b.body !== 'string' || b.body.trim() === '') throw badParam('Body is required', 'body');
    const subject = b.subject === undefined || b.subject === null ? null : b.subject;
    if (subject !== null && typeof subject !== 'string') throw badParam('subject must be a string', 'subject');
    const template = b.template === undefined || b.template === null ? null : b.template;
    if (template !== null && template !== 'plain' && template !== 'personal') throw badParam("template must be 'plain' or 'personal'", 'template');
    if (type === 'email') {
      if (!subject) throw new ApiError(422, 'parameter_not_found', 'No subject supplied for email message', 'subject');
      if (!template) throw badParam('An email message needs a template (plain or personal)', 'template');
    }
    const from = b.from;
    if (!isObject(from) || from.type !== 'admin') throw badParam('from must be {"type":"admin","id":<admin id>}', 'from');
    if (String(from.id) !== this.admin.id) throw new ApiError(400, 'admin_not_found', 'Admin not found', 'from.id');
    const to = b.to;
    if (!isObject(to) || (to.type !== 'user' && to.type !== 'lead' && to.type !== 'contact')) throw badParam('to must be {"type":"user"|"lead","id":<contact id>}', 'to');
    let rec: ContactRecord;
    if (typeof to.id === 'string') rec = this.liveContact(to.id);
    else if (typeof to.user_id === 'string') rec = this.findEventContact({ user_id: to.user_id });
    else throw missingParam('to.id is required', 'to.id');
    // to.type is not checked against the role: Intercom resolves the id whatever the type says
    if (this.now() - rec.createdAtMs < this.messageLagMs) throw userNotFound();
    const msg: SandboxMessage = {
      id: String(this.ids.next()),
      message_type: type === 'email' ? 'email' : 'inapp',
      subject,
      body: b.body,
      template,
      from: { type: 'admin', id: this.admin.id },
      to: { type: String(to.type), id: rec.id },
      contactId: rec.id,
      created_at: this.nowSec(),
      at: this.now(),
    };
    this.messageLog.push(msg);
    this.changed();
    return {
      type: 'admin_message' as const,
      id: msg.id,
      created_at: msg.created_at,
      subject: msg.subject ?? '',
      body: msg.body,
      message_type: msg.message_type,
      ...(template ? { template } : {}),
      owner: { type: 'admin', id: this.admin.id, name: this.admin.name, email: this.admin.email, away_mode_enabled: false, away_mode_reassign: false },
    };
  }

  /**
   * GET /conversations. With a 1.x version and type=user plus a user it is the old per-user
   * listing that Intercom uses to trigger message matching (the "flush"); with 2.x those
   * parameters mean nothing and it is the plain conversation list.
   */
  conversations(query: { type?: string | undefined; user_id?: string | undefined; intercom_user_id?: string | undefined; per_page?: string | undefined; starting_after?: string | undefined }, apiVersion: string) {
    const v1 = apiVersion.startsWith('1.');
    if (v1 && query.type === 'user') {
      let rec: ContactRecord;
      if (query.intercom_user_id) rec = this.liveContact(query.intercom_user_id);
      else if (query.user_id) rec = this.findEventContact({ user_id: query.user_id });
      else throw missingParam('type=user needs user_id or intercom_user_id', 'user_id');
      const now = this.now();
      const last = this.lastTriggered.get(rec.id);
      const triggered = last === undefined || now - last >= FLUSH_MATCHING_INTERVAL_MS;
      if (triggered) this.lastTriggered.set(rec.id, now);
      this.flushLog.push({ contactId: rec.id, userId: query.user_id ?? null, intercomUserId: query.intercom_user_id ?? null, at: now, triggered });
      this.changed();
      return { type: 'conversation.list' as const, conversations: [] as unknown[], pages: { type: 'pages' as const, next: null, page: 1, per_page: 20, total_pages: 0 } };
    }
    const perPage = query.per_page === undefined ? 20 : parsePerPage(query.per_page, 20);
    return { type: 'conversation.list' as const, conversations: [] as unknown[], total_count: 0, pages: { type: 'pages' as const, page: 1, per_page: perPage, total_pages: 0 } };
  }

  // ---------------------------------------------------------------- visitors

  getVisitor(userId: string | undefined): SandboxVisitor {
    if (!userId) throw missingParam('user_id is a required parameter', 'user_id');
    const v = [...this.visitors.values()].find((x) => x.user_id === userId);
    if (!v) throw new ApiError(404, 'not_found', 'Visitor Not Found');
    return { ...v };
  }

  convertVisitor(input: unknown): ContactWire {
    const b = body(input);
    if (b.type !== 'user' && b.type !== 'lead') throw badParam("type must be 'user' or 'lead'", 'type');
    const vref = b.visitor;
    if (!isObject(vref)) throw missingParam('visitor is a required parameter', 'visitor');
    const visitor = [...this.visitors.values()].find(
      (v) => (typeof vref.id === 'string' && v.id === vref.id) || (typeof vref.user_id === 'string' && v.user_id === vref.user_id) || (typeof vref.email === 'string' && v.email === vref.email),
    );
    if (!visitor) throw new ApiError(404, 'not_found', 'Visitor Not Found');
    const uref = isObject(b.user) ? b.user : {};
    if (b.type === 'lead') {
      this.visitors.delete(visitor.id);
      this.changed();
      return this.wire(this.insertContact({ role: 'lead', email: visitor.email, name: visitor.name }).current);
    }
    // An existing user absorbs the visitor; otherwise the visitor becomes that user
    let target: ContactRecord | undefined;
    if (typeof uref.id === 'string') target = this.liveContact(uref.id);
    const xid = optKey(uref, 'user_id') ?? null;
    if (!target && xid) {
      const id = this.byExternalId.get(xid);
      const rec = id === undefined ? undefined : this.byId.get(id);
      if (rec && rec.current.role === 'user' && !rec.current.archived) target = rec;
      else if (rec) throw this.conflict(rec.id);
    }
    const email = typeof uref.email === 'string' ? uref.email : visitor.email;
    if (!target && !xid && email) {
      const id = this.usersWithEmail(email.toLowerCase())[0];
      if (id) target = this.byId.get(id);
    }
    if (!xid && !email && !target) throw missingParam('user needs id, user_id or email', 'user');
    this.visitors.delete(visitor.id);
    this.changed();
    if (target) {
      if (!target.current.email && email) this.commit(target, { ...target.current, email, updated_at: this.nowSec() });
      return this.wire(target.current);
    }
    return this.wire(this.insertContact({ role: 'user', external_id: xid, email, name: visitor.name }).current);
  }

  // ---------------------------------------------------------------- remote changes (someone in Intercom's UI)

  /** A change made in Intercom's own UI: always bumps updated_at; unknown attributes are created. */
  remoteEdit(contactId: string, patch: ContactPatch): SandboxContact {
    const rec = this.byId.get(contactId);
    if (!rec || !isLive(rec.current)) throw userNotFound();
    this.updateContact(contactId, patch, { autoCreateAttributes: true, alwaysBump: true, allowArchived: true });
    return this.contact(contactId)!;
  }

  remoteCreateContact(fields: ContactPatch & { role?: Role }): SandboxContact {
    const wire = this.createContact({ ...fields, role: fields.role ?? 'lead' }, { autoCreateAttributes: true });
    return this.contact(wire.id)!;
  }

  remoteEditCompany(companyId: string, patch: CompanyPatch): SandboxCompany {
    const co = this.liveCompany(companyId);
    this.applyCompany(co, this.parseCompanyFields(patch as Record<string, unknown>, co.custom_attributes, true), true);
    return this.company(companyId)!;
  }

  /** Someone visits the website: a visitor the engine may later convert. */
  remoteCreateVisitor(fields: { email?: string; name?: string; user_id?: string } = {}): SandboxVisitor {
    const at = this.nowSec();
    const v: SandboxVisitor = { type: 'visitor', id: this.ids.objectId(at), user_id: fields.user_id ?? this.ids.uuid(), email: fields.email ?? null, name: fields.name ?? null, created_at: at, updated_at: at, custom_attributes: {} };
    this.visitors.set(v.id, v);
    this.changed();
    return { ...v };
  }

  // ---------------------------------------------------------------- inspection for tests

  private sandboxContact(c: ContactData): SandboxContact {
    return { ...this.wire(c), archived: c.archived, mergedInto: c.mergedInto, deleted: c.deleted };
  }

  contacts(opts: { includeMerged?: boolean; includeArchived?: boolean; includeDeleted?: boolean } = {}): SandboxContact[] {
    const out: SandboxContact[] = [];
    for (const rec of this.order) {
      const c = rec.current;
      if (c.deleted && !opts.includeDeleted) continue;
      if (c.mergedInto !== null && !opts.includeMerged) continue;
      if (c.archived && !opts.includeArchived) continue;
      out.push(this.sandboxContact(c));
    }
    return out;
  }

  /** Any contact ever created, merged, archived and deleted ones included. */
  contact(id: string): SandboxContact | undefined {
    const rec = this.byId.get(id);
    return rec ? this.sandboxContact(rec.current) : undefined;
  }

  /** What a search at this moment would see of the contact (undefined while it is not indexed yet). */
  searchView(id: string): SandboxContact | undefined {
    const rec = this.byId.get(id);
    const data = rec && this.indexed(rec, this.now() - this.searchLagMs);
    return data ? this.sandboxContact(data) : undefined;
  }

  private sandboxCompany(co: CompanyRecord): SandboxCompany {
    const contactIds = [...co.contactIds].sort((a, b) => (this.byId.get(a)?.position ?? 0) - (this.byId.get(b)?.position ?? 0));
    return { ...this.companyOut(co), contactIds };
  }

  companies(): SandboxCompany[] {
    return this.companyOrder.filter((c) => !c.deleted).map((c) => this.sandboxCompany(c));
  }

  company(id: string): SandboxCompany | undefined {
    const co = this.companiesById.get(id) ?? this.companiesById.get(this.companyByExternal.get(id) ?? '');
    return co && !co.deleted ? this.sandboxCompany(co) : undefined;
  }

  companyContacts(companyId: string): SandboxContact[] {
    return this.company(companyId)?.contactIds.map((id) => this.contact(id)!) ?? [];
  }

  contactCompanies(contactId: string): SandboxCompany[] {
    const rec = this.byId.get(contactId);
    if (!rec) return [];
    return rec.current.companyIds.map((id) => this.company(id)).filter((c): c is SandboxCompany => !!c);
  }

  dataAttributes(model: Model): DataAttribute[] {
    return this.attributes.filter((a) => a.model === model).map((a) => structuredClone(a));
  }

  messages(): SandboxMessage[] {
    return this.messageLog.map((m) => ({ ...m }));
  }

  flushes(): SandboxFlush[] {
    return this.flushLog.map((f) => ({ ...f }));
  }

  events(): SandboxEvent[] {
    return this.eventLog.map((e) => ({ ...e }));
  }

  visitorList(): SandboxVisitor[] {
    return [...this.visitors.values()].map((v) => ({ ...v }));
  }

  counts() {
    let users = 0;
    let leads = 0;
    let archived = 0;
    let merged = 0;
    for (const rec of this.order) {
      const c = rec.current;
      if (c.deleted) continue;
      if (c.mergedInto !== null) merged++;
      else if (c.archived) archived++;
      else if (c.role === 'user') users++;
      else leads++;
    }
    const companies = this.companyOrder.filter((c) => !c.deleted);
    return {
      contacts: this.listedCount,
      users,
      leads,
      archived,
      merged,
      companies: companies.length,
      visibleCompanies: companies.filter((c) => this.hasUser(c)).length,
      dataAttributes: this.attributes.filter((a) => a.custom).length,
      messages: this.messageLog.length,
      flushes: this.flushLog.length,
      events: this.eventLog.length,
      ignoredDuplicateEvents: this.ignoredEvents,
      visitors: this.visitors.size,
    };
  }

  // ---------------------------------------------------------------- persistence (stateFile)

  private changed(): void {
    this.changes++;
    this.onChange?.();
  }

  /** How many savable changes the workspace has seen; a saver compares it with the count it last wrote. */
  changeCount(): number {
    return this.changes;
  }

  /**
   * Everything a later run needs to continue this workspace. It shares the live records, so
   * serialise it at once. Built-in data attributes are left out: every workspace has them.
   */
  snapshot(): WorkspaceState {
    const company = (co: CompanyRecord): StoredCompany => ({
      id: co.id,
      company_id: co.company_id,
      name: co.name,
      plan: co.plan,
      size: co.size,
      website: co.website,
      industry: co.industry,
      remote_created_at: co.remote_created_at,
      monthly_spend: co.monthly_spend,
      created_at: co.created_at,
      updated_at: co.updated_at,
      custom_attributes: co.custom_attributes,
      contactIds: [...co.contactIds],
      deleted: co.deleted,
    });
    return {
      version: STATE_VERSION,
      savedAt: this.now(),
      admin: { id: this.admin.id },
      app: { id_code: this.app.id_code, created_at: this.app.created_at },
      ids: this.ids.state(),
      attributes: this.attributes.filter((a) => a.custom),
      contacts: this.order.map((rec): StoredContact => ({ ...rec.current, createdAtMs: rec.createdAtMs })),
      companies: this.companyOrder.map(company),
      planIds: [...this.planIds],
      messages: this.messageLog,
      flushes: this.flushLog,
      lastTriggered: [...this.lastTriggered],
      events: this.eventLog,
      ignoredEvents: this.ignoredEvents,
      visitors: [...this.visitors.values()],
    };
  }

  /**
   * Loads a saved workspace into this new, empty one: same ids, positions (so list cursors),
   * flags, links, logs and id counters. The search history is not kept: each contact's current
   * state counts as written when the contact was created, so search sees it (after the lag).
   */
  restore(s: WorkspaceState): void {
    if (this.order.length > 0 || this.companyOrder.length > 0 || this.attributes.some((a) => a.custom)) throw new Error('restore() needs a new, empty workspace');
    this.admin.id = s.admin.id;
    this.app.id_code = s.app.id_code;
    this.app.created_at = s.app.created_at;
    this.ids.restore(s.ids);
    for (const a of s.attributes) if (a.custom) this.attributes.push(structuredClone(a));
    for (const c of s.companies) {
      const co: CompanyRecord = { ...c, custom_attributes: { ...c.custom_attributes }, position: this.companyOrder.length, contactIds: new Set(c.contactIds) };
      this.companiesById.set(co.id, co);
      this.companyOrder.push(co);
      if (!co.deleted) this.companyByExternal.set(co.company_id, co.id);
    }
    const now = this.now();
    for (const { createdAtMs, ...c } of s.contacts) {
      const data: ContactData = {
        ...c,
        custom_attributes: Object.keys(c.custom_attributes).length === 0 ? NO_ATTRIBUTES : c.custom_attributes,
        companyIds: c.companyIds.length === 0 ? NO_COMPANIES : c.companyIds,
      };
      const since = Math.min(createdAtMs, now);
      const rec: ContactRecord = { id: data.id, position: this.order.length, createdAtMs, current: data, since, past: null };
      this.byId.set(rec.id, rec);
      this.order.push(rec);
      if (since > this.lastWriteAt) this.lastWriteAt = since;
      this.index(undefined, data);
    }
    this.writes++;
    this.searchCache = null;
    for (const [name, id] of s.planIds) this.planIds.set(name, id);
    for (const m of s.messages) this.messageLog.push(structuredClone(m));
    for (const f of s.flushes) this.flushLog.push({ ...f });
    for (const [id, at] of s.lastTriggered) this.lastTriggered.set(id, at);
    for (const e of s.events) {
      this.eventLog.push(structuredClone(e));
      this.eventKeys.add(`${e.contactId}\u0000${e.event_name}\u0000${e.created_at}`);
      this.eventNames.add(e.event_name);
    }
    this.ignoredEvents = s.ignoredEvents;
    for (const v of s.visitors) this.visitors.set(v.id, structuredClone(v));
  }

  /** Everything, for GET /_sandbox/state. */
  state() {
    return {
      admin: this.admin,
      app: this.app,
      counts: this.counts(),
      contacts: this.contacts({ includeArchived: true, includeMerged: true }),
      companies: this.companies(),
      dataAttributes: { contact: this.dataAttributes('contact'), company: this.dataAttributes('company') },
      messages: this.messages(),
      flushes: this.flushes(),
      events: this.events(),
      visitors: this.visitorList(),
    };
  }
}

function sameContact(a: ContactData, b: ContactData): boolean {
  for (const k of Object.keys(a) as (keyof ContactData)[]) {
    if (k === 'custom_attributes' || k === 'companyIds') continue;
    if (a[k] !== b[k]) return false;
  }
  const ak = Object.keys(a.custom_attributes);
  if (ak.length !== Object.keys(b.custom_attributes).length) return false;
  return ak.every((k) => a.custom_attributes[k] === b.custom_attributes[k]) && a.companyIds === b.companyIds;
}
