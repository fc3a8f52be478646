// The companies API: upsert, read, update, delete, the paged and scrolled listings, and a
// company's contacts.
import { ApiError, badParam, companyNotFound, missingParam } from '../errors';
import {
  type CompanyPatch,
  type CompanyRecord,
  type CompanyWire,
  type ContactRecord,
  type Scalar,
  isListed,
} from '../model';
import { body, has, optInt, optKey, optText, parsePerPage } from '../params';
import type { WorkspaceCore } from '../WorkspaceCore';
import type { DataAttributes } from './DataAttributes';

export const SCROLL_IDLE_MS = 60 * 1000;
export const SCROLL_PAGE = 50;

export class Companies {
  private scroll: { param: string; ids: string[]; offset: number; lastUsed: number } | null = null;

  constructor(
    private readonly ws: WorkspaceCore,
    private readonly attrs: DataAttributes,
  ) {}

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
    if (has(b, 'custom_attributes')) out.custom_attributes = this.attrs.mergeCustom('company', b.custom_attributes, current, autoCreate);
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
      co.updated_at = this.ws.nowSec();
      this.ws.changed();
    }
  }

  upsertCompany(input: unknown): CompanyWire {
    const b = body(input);
    const companyId = optKey(b, 'company_id');
    if (!companyId) throw missingParam('company_id is a required parameter', 'company_id');
    const existingId = this.ws.companyByExternal.get(companyId);
    const existing = existingId === undefined ? undefined : this.ws.companiesById.get(existingId);
    if (existing && !existing.deleted) {
      this.applyCompany(existing, this.parseCompanyFields(b, existing.custom_attributes));
      return this.ws.companyOut(existing);
    }
    const patch = this.parseCompanyFields(b, {});
    const co = this.ws.insertCompany({ company_id: companyId });
    this.applyCompany(co, patch);
    co.updated_at = co.created_at;
    this.ws.changed();
    return this.ws.companyOut(co);
  }

  getCompany(id: string): CompanyWire {
    return this.ws.companyOut(this.ws.liveCompany(id));
  }

  findCompany(query: { company_id?: string | undefined; name?: string | undefined }): CompanyWire {
    let co: CompanyRecord | undefined;
    if (query.company_id !== undefined) {
      const id = this.ws.companyByExternal.get(query.company_id);
      co = id === undefined ? undefined : this.ws.companiesById.get(id);
    } else if (query.name !== undefined) {
      co = this.ws.companyOrder.find((c) => !c.deleted && c.name === query.name);
    }
    if (!co || co.deleted) throw companyNotFound();
    return this.ws.companyOut(co);
  }

  listCompanies(query: { page?: string | undefined; per_page?: string | undefined; order?: string | undefined }) {
    const perPage = parsePerPage(query.per_page, 15);
    const page = query.page === undefined || query.page === '' ? 1 : Number(query.page);
    if (!Number.isInteger(page) || page < 1) throw badParam('page must be a positive integer', 'page');
    let visible = this.ws.companyOrder.filter((c) => !c.deleted && this.ws.hasUser(c));
    if (query.order === 'desc') visible = visible.reverse();
    // S14 caps this listing at 10,000 companies; past that the scroll is the way
    visible = visible.slice(0, 10_000);
    const data = visible.slice((page - 1) * perPage, page * perPage).map((c) => this.ws.companyOut(c));
    const totalPages = Math.ceil(visible.length / perPage);
    return {
      type: 'list' as const,
      data,
      total_count: visible.length,
      pages: { type: 'pages' as const, page, per_page: perPage, total_pages: totalPages, ...(page < totalPages ? { next: { page: page + 1 } } : {}) },
    };
  }

  updateCompany(id: string, input: unknown): CompanyWire {
    const co = this.ws.liveCompany(id);
    const b = body(input);
    const cid = optKey(b, 'company_id');
    if (cid !== undefined && cid !== co.company_id) throw badParam("company_id can't be changed once set", 'company_id');
    this.applyCompany(co, this.parseCompanyFields(b, co.custom_attributes));
    return this.ws.companyOut(co);
  }

  deleteCompany(id: string) {
    const co = this.ws.liveCompany(id);
    // Intercom archives asynchronously; here it is gone at once, which is the simpler case to test
    for (const contactId of co.contactIds) {
      const rec = this.ws.byId.get(contactId);
      if (rec) this.ws.commit(rec, { ...rec.current, companyIds: rec.current.companyIds.filter((c) => c !== id) });
    }
    co.contactIds.clear();
    co.deleted = true;
    this.ws.companyByExternal.delete(co.company_id);
    this.ws.changed();
    return { id, object: 'company' as const, deleted: true };
  }

  companyContactsList(companyId: string, query: { page?: string | undefined; per_page?: string | undefined }) {
    const co = this.ws.liveCompany(companyId);
    const perPage = parsePerPage(query.per_page, 50);
    const page = query.page === undefined || query.page === '' ? 1 : Number(query.page);
    if (!Number.isInteger(page) || page < 1) throw badParam('page must be a positive integer', 'page');
    const all = [...co.contactIds].map((id) => this.ws.byId.get(id)).filter((r): r is ContactRecord => !!r && isListed(r.current)).sort((a, b) => a.position - b.position);
    const totalPages = Math.ceil(all.length / perPage);
    return {
      type: 'list' as const,
      data: all.slice((page - 1) * perPage, page * perPage).map((r) => this.ws.wire(r.current)),
      total_count: all.length,
      pages: { type: 'pages' as const, page, per_page: perPage, total_pages: totalPages, ...(page < totalPages ? { next: { page: page + 1 } } : {}) },
    };
  }

  scrollCompanies(scrollParam: string | undefined) {
    const now = this.ws.now();
    if (this.scroll && now - this.scroll.lastUsed > SCROLL_IDLE_MS) this.scroll = null;
    if (scrollParam === undefined || scrollParam === '') {
      if (this.scroll) {
        throw badParam('scroll already exists for this workspace. Please ensure to use the scroll parameter returned in the response');
      }
      // The scroll walks the companies that were visible when it started
      const ids = this.ws.companyOrder.filter((c) => !c.deleted && this.ws.hasUser(c)).map((c) => c.id);
      this.scroll = { param: this.ws.ids.uuid(), ids, offset: 0, lastUsed: now };
    } else if (!this.scroll || this.scroll.param !== scrollParam) {
      throw new ApiError(500, 'server_error', 'Request failed due to an internal network error. Please restart the scroll operation.');
    }
    const s = this.scroll;
    const data = s.ids
      .slice(s.offset, s.offset + SCROLL_PAGE)
      .map((id) => this.ws.companiesById.get(id))
      .filter((c): c is CompanyRecord => !!c && !c.deleted)
      .map((c) => this.ws.companyOut(c));
    s.offset += SCROLL_PAGE;
    s.lastUsed = now;
    // S14: at the end "companies will be empty and the scroll parameter will expire"
    if (data.length === 0 && s.offset - SCROLL_PAGE >= s.ids.length) this.scroll = null;
    return { type: 'list' as const, data, pages: null, total_count: null, scroll_param: s.param };
  }

  /** A change made in Intercom's own UI: always bumps updated_at; unknown attributes are created. */
  remoteEditCompany(companyId: string, patch: CompanyPatch): void {
    const co = this.ws.liveCompany(companyId);
    this.applyCompany(co, this.parseCompanyFields(patch as Record<string, unknown>, co.custom_attributes, true), true);
  }
}
