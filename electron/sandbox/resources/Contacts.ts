// The contacts API: create, read, update, delete, list, search (behind the search index's lag),
// merge, archive, and a contact's companies.
import { ApiError, badParam, companyNotFound, missingParam, userNotFound } from '../errors';
import {
  type CompanyRecord,
  type CompanyWire,
  type ContactData,
  type ContactRecord,
  type ContactWire,
  type Role,
  type Scalar,
  isListed,
} from '../model';
import { body, decodeCursor, encodeCursor, has, isObject, optInt, optKey, optText, parsePerPage } from '../params';
import type { WorkspaceCore } from '../WorkspaceCore';
import { compareKeys, compileQuery, dateSpan, resolveField, type SearchContext } from '../searchQuery';
import type { DataAttributes } from './DataAttributes';

const COMPANY_LIMIT = 1000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

interface SearchHit {
  data: ContactData;
  pos: number;
  key: unknown;
}

interface CachedSearch {
  writes: number;
  at: number;
  hits: SearchHit[];
}

/** Result sets kept for paging: a parallel reader pages through many queries at once. */
const SEARCH_CACHE_SIZE = 512;

export class Contacts {
  /** Most recently used last (a Map keeps insertion order). */
  private readonly searchCache = new Map<string, CachedSearch>();
  /** Every contact by created_at (which never changes), then position; extended as contacts are added. */
  private byCreated: ContactRecord[] = [];

  constructor(
    private readonly ws: WorkspaceCore,
    private readonly attrs: DataAttributes,
  ) {}

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
    // an owner must be an admin of the workspace
    if (out.owner_id !== undefined && out.owner_id !== null && !this.ws.isAdmin(out.owner_id)) {
      throw new ApiError(400, 'parameter_invalid', `owner_id ${out.owner_id} is not an admin of this workspace`, 'owner_id');
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
    const custom = has(b, 'custom_attributes') ? this.attrs.mergeCustom('contact', b.custom_attributes, {}, options.autoCreateAttributes) : {};
    if (f.external_id) {
      const other = this.ws.byExternalId.get(f.external_id);
      if (other) throw this.ws.conflict(other);
    } else if (role === 'user' && f.email) {
      // Without an external_id a user is matched by email; leads never are
      const other = this.ws.usersWithEmail(f.email.toLowerCase())[0];
      if (other) throw this.ws.conflict(other);
    }
    const rec = this.ws.insertContact({ ...f, role, custom_attributes: custom });
    return this.ws.wire(rec.current);
  }

  getContact(id: string): ContactWire {
    return this.ws.wire(this.ws.liveContact(id).current);
  }

  updateContact(id: string, input: unknown, options: { autoCreateAttributes?: boolean; alwaysBump?: boolean; allowArchived?: boolean } = {}): ContactWire {
    const rec = this.ws.liveContact(id, options.allowArchived);
    const b = body(input);
    const f = this.parseContactFields(b);
    const cur = rec.current;
    if (f.role === 'lead' && cur.role === 'user') throw badParam('A user cannot be converted to a lead', 'role');
    if (f.external_id && f.external_id !== cur.external_id) {
      const other = this.ws.byExternalId.get(f.external_id);
      if (other && other !== id) throw this.ws.conflict(other);
    }
    const custom = has(b, 'custom_attributes') ? this.attrs.mergeCustom('contact', b.custom_attributes, cur.custom_attributes, options.autoCreateAttributes) : cur.custom_attributes;
    const next: ContactData = { ...cur, ...f, custom_attributes: custom };
    if (cur.role === 'lead' && next.role === 'user' && !next.external_id && next.email) {
      // a lead becoming a user without an external_id is matched by email, as on create
      const other = this.ws.usersWithEmail(next.email.toLowerCase()).find((o) => o !== id);
      if (other) throw this.ws.conflict(other);
    }
    if (cur.role === 'lead' && next.role === 'user' && next.signed_up_at === null) (next as { signed_up_at: number | null }).signed_up_at = this.ws.nowSec();
    // updated_at moves only on a real change, so an idempotent retry leaves no trace in search
    if (!options.alwaysBump && sameContact(cur, next)) return this.ws.wire(cur);
    this.ws.commit(rec, { ...next, updated_at: this.ws.nowSec() });
    return this.ws.wire(rec.current);
  }

  deleteContact(id: string) {
    const rec = this.ws.liveContact(id, true);
    this.ws.detachAll(rec);
    this.ws.commit(rec, { ...rec.current, companyIds: [], deleted: true, updated_at: this.ws.nowSec() });
    return { type: 'contact' as const, id, external_id: rec.current.external_id, deleted: true };
  }

  findByExternalId(xid: string): ContactWire {
    const id = this.ws.byExternalId.get(xid);
    const rec = id === undefined ? undefined : this.ws.byId.get(id);
    // Users only: a lead holding the external_id is invisible to this lookup
    if (!rec || rec.current.role !== 'user' || rec.current.archived) throw userNotFound();
    return this.ws.wire(rec.current);
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
    for (; i < this.ws.order.length && data.length < perPage; i++) {
      const c = this.ws.order[i]!.current;
      if (isListed(c)) {
        data.push(this.ws.wire(c));
        last = i;
      }
    }
    let more = false;
    for (let j = i; j < this.ws.order.length; j++) {
      if (isListed(this.ws.order[j]!.current)) {
        more = true;
        break;
      }
    }
    return {
      type: 'list' as const,
      data,
      total_count: this.ws.listedCount,
      pages: {
        type: 'pages' as const,
        page,
        per_page: perPage,
        total_pages: Math.ceil(this.ws.listedCount / perPage),
        ...(more ? { next: { page: page + 1, starting_after: encodeCursor(['list', page, last]) } } : {}),
      },
    };
  }


  private searchContext(): SearchContext {
    return { customKind: (name) => this.attrs.customKind('contact', name), timezoneOffsetMinutes: this.ws.timezoneOffsetMinutes };
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

    const at = this.ws.now() - this.ws.searchLagMs;
    const cmp = (a: SearchHit | { pos: number; key: unknown }, b: { pos: number; key: unknown }) => dir * compareKeys(a.key, b.key) || a.pos - b.pos;
    const cacheKey = JSON.stringify([b.query, b.sort ?? null]);
    const cached = this.searchCache.get(cacheKey);
    // Paging through one query re-reads the same result set; it is still valid while nothing was
    // written and no version has come into the lagging index's view since it was computed
    let hits: SearchHit[];
    if (cached && cached.writes === this.ws.writes && (cached.at === at || (cached.at >= this.ws.lastWriteAt && at >= cached.at))) {
      hits = cached.hits;
      this.searchCache.delete(cacheKey);
    } else {
      hits = [];
      const add = (rec: ContactRecord) => {
        const data = rec.since <= at ? rec.current : this.ws.indexed(rec, at);
        if (!data || !isListed(data) || !predicate(data)) return;
        hits.push({ data, pos: rec.position, key: sortGet ? (sortGet(data) ?? null) : null });
      };
      const span = dateSpan(b.query, 'created_at', this.ws.timezoneOffsetMinutes);
      if (span) {
        // only the contacts created in the span the query bounds, then in position order as a full scan gives
        const index = this.createdIndex();
        for (let i = firstCreatedFrom(index, span.lo); i < index.length && index[i]!.current.created_at < span.hi; i++) add(index[i]!);
        hits.sort(sortGet ? cmp : (x, y) => x.pos - y.pos);
      } else {
        for (const rec of this.ws.order) add(rec);
        if (sortGet) hits.sort(cmp);
      }
    }
    this.searchCache.set(cacheKey, { writes: this.ws.writes, at, hits });
    if (this.searchCache.size > SEARCH_CACHE_SIZE) this.searchCache.delete(this.searchCache.keys().next().value!);
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
      data: slice.map((h) => this.ws.wire(h.data)),
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

  /** byCreated brought up to date with the contacts added since it was last used. */
  private createdIndex(): ContactRecord[] {
    const order = this.ws.order;
    // a workspace loaded or reset in place holds other records: start again
    if (this.byCreated.length > order.length || (this.byCreated.length > 0 && this.ws.byId.get(this.byCreated[0]!.id) !== this.byCreated[0])) this.byCreated = [];
    const index = this.byCreated;
    if (index.length === order.length) return index;
    let sorted = true;
    for (let i = index.length; i < order.length; i++) {
      const rec = order[i]!;
      const last = index[index.length - 1];
      if (last && last.current.created_at > rec.current.created_at) sorted = false;
      index.push(rec);
    }
    if (!sorted) index.sort((x, y) => x.current.created_at - y.current.created_at || x.position - y.position);
    return index;
  }

  mergeContacts(input: unknown): ContactWire {
    const b = body(input);
    if (typeof b.from !== 'string' || b.from === '') throw missingParam('from is a required parameter', 'from');
    if (typeof b.into !== 'string' || b.into === '') throw missingParam('into is a required parameter', 'into');
    if (b.from === b.into) throw badParam('A contact cannot be merged into itself', 'into');
    const from = this.ws.liveContact(b.from);
    const into = this.ws.liveContact(b.into);
    if (from.current.role !== 'lead') throw badParam('Only a lead can be merged (from must be a lead)', 'from');
    if (into.current.role !== 'user') throw badParam('A lead can only be merged into a user (into must be a user)', 'into');
    const lead = from.current;
    const user = into.current;
    const companyIds = [...user.companyIds];
    for (const cid of lead.companyIds) {
      const co = this.ws.companiesById.get(cid);
      if (!co) continue;
      co.contactIds.delete(lead.id);
      co.contactIds.add(user.id);
      if (!companyIds.includes(cid)) companyIds.push(cid);
    }
    // The user's own data wins; the lead only fills what the user lacks
    const custom: Record<string, Scalar | null> = { ...user.custom_attributes };
    for (const [k, v] of Object.entries(lead.custom_attributes)) if (custom[k] === undefined || custom[k] === null || custom[k] === '') custom[k] = v;
    const now = this.ws.nowSec();
    this.moveEvents(lead.id, user.id);
    this.ws.commit(from, { ...lead, companyIds: [], mergedInto: user.id, updated_at: now });
    this.ws.commit(into, {
      ...user,
      email: user.email ?? lead.email,
      name: user.name ?? lead.name,
      phone: user.phone ?? lead.phone,
      companyIds,
      custom_attributes: custom,
      updated_at: now,
    });
    return this.ws.wire(into.current);
  }

  /**
   * A merged lead's events become the user's, as Intercom keeps a person's activity on one record;
   * one the user already has (same name and second) is dropped, as Intercom drops a repeat.
   */
  private moveEvents(fromId: string, intoId: string): void {
    const log = this.ws.eventLog;
    const kept = log.filter((e) => {
      if (e.contactId !== fromId) return true;
      this.ws.eventKeys.delete(`${fromId}\u0000${e.event_name}\u0000${e.created_at}`);
      const key = `${intoId}\u0000${e.event_name}\u0000${e.created_at}`;
      if (this.ws.eventKeys.has(key)) return false;
      this.ws.eventKeys.add(key);
      e.contactId = intoId;
      return true;
    });
    log.splice(0, log.length, ...kept);
  }

  archiveContact(id: string, archived: boolean) {
    const rec = this.ws.liveContact(id, true);
    if (rec.current.archived !== archived) this.ws.commit(rec, { ...rec.current, archived, updated_at: this.ws.nowSec() });
    return { type: 'contact' as const, id, external_id: rec.current.external_id, archived };
  }

  // ---------------------------------------------------------------- contact <-> company

  contactCompaniesList(contactId: string) {
    const rec = this.ws.liveContact(contactId);
    const data = rec.current.companyIds.map((cid) => this.ws.companiesById.get(cid)).filter((c): c is CompanyRecord => !!c && !c.deleted).map((c) => this.ws.companyOut(c));
    return { type: 'list' as const, data, pages: { type: 'pages' as const, next: null, page: 1, per_page: 50, total_pages: 1 }, total_count: data.length };
  }

  attachCompany(contactId: string, input: unknown): CompanyWire {
    const rec = this.ws.liveContact(contactId);
    const b = body(input);
    const cid = optKey(b, 'id');
    if (!cid) throw missingParam('company not specified', 'id');
    const co = this.ws.companiesById.get(cid);
    if (!co || co.deleted) throw companyNotFound();
    if (!rec.current.companyIds.includes(cid)) {
      if (rec.current.companyIds.length >= COMPANY_LIMIT) throw new ApiError(400, 'contact_company_limit_exceeded', 'Contact has reached the maximum of 1000 company associations');
      co.contactIds.add(contactId);
      this.ws.commit(rec, { ...rec.current, companyIds: [...rec.current.companyIds, cid], updated_at: this.ws.nowSec() });
    }
    return this.ws.companyOut(co);
  }

  detachCompany(contactId: string, companyId: string): CompanyWire {
    const rec = this.ws.liveContact(contactId);
    const co = this.ws.companiesById.get(companyId);
    if (!co || co.deleted) throw companyNotFound();
    // Not attached: Intercom's answer is undocumented; a 404 makes a blind retry after a lost
    // answer visible, which is the case a sync engine must treat as already done
    if (!rec.current.companyIds.includes(companyId)) throw new ApiError(404, 'not_found', 'Company is not attached to this contact');
    co.contactIds.delete(contactId);
    this.ws.commit(rec, { ...rec.current, companyIds: rec.current.companyIds.filter((c) => c !== companyId), updated_at: this.ws.nowSec() });
    return this.ws.companyOut(co);
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

/** The first position in a created_at-ordered index at or after `lo` (Unix s). */
function firstCreatedFrom(index: readonly ContactRecord[], lo: number): number {
  let a = 0;
  let b = index.length;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (index[mid]!.current.created_at < lo) a = mid + 1;
    else b = mid;
  }
  return a;
}
