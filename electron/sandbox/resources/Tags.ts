// The tags API as the official description has it: the workspace's tags (list, find, create or
// rename, delete), tagging and untagging companies and tagging users through POST /tags, and a
// contact's tags (list, add, remove). Names are case-insensitive. Tagging or untagging a contact
// moves its updated_at, so an incremental search pull sees it (an assumption: the description
// does not say).
import { ApiError, badParam, companyNotFound, missingParam, userNotFound } from '../errors';
import { isObject, body, has } from '../params';
import type { CompanyRecord, ContactRecord, SandboxTag } from '../model';
import type { WorkspaceCore } from '../WorkspaceCore';

const NAME_MAX = 190;
const tagNotFound = () => new ApiError(404, 'not_found', 'Resource Not Found');
const invalidTag = () => badParam('invalid tag parameters');

export class Tags {
  constructor(private readonly ws: WorkspaceCore) {}

  listTags() {
    return { type: 'list' as const, data: [...this.ws.tags.values()].map((t) => ({ ...t })) };
  }

  findTag(id: string): SandboxTag {
    const tag = this.ws.tags.get(id);
    if (!tag) throw tagNotFound();
    return { ...tag };
  }

  /** POST /tags: create or rename, tag or untag companies, or tag users, by the body's shape. */
  createTag(input: unknown): SandboxTag {
    const b = body(input);
    if (typeof b.name !== 'string' || b.name.trim() === '' || b.name.length > NAME_MAX) throw invalidTag();
    const name = b.name.trim();
    if (has(b, 'companies')) return this.tagCompanies(name, b.companies);
    if (has(b, 'users')) return this.tagUsers(name, b.users);
    if (has(b, 'id')) {
      // an update: the tag with this id takes the new name
      const tag = this.ws.tags.get(String(b.id));
      if (!tag) throw tagNotFound();
      const other = this.byName(name);
      if (other && other.id !== tag.id) throw badParam(`A tag named ${name} already exists`, 'name');
      tag.name = name;
      this.ws.changed();
      return { ...tag };
    }
    return { ...this.ensure(name) };
  }

  deleteTag(id: string): void {
    const tag = this.ws.tags.get(id);
    if (!tag) throw tagNotFound();
    for (const rec of this.ws.order) if (rec.current.tagIds.includes(id)) this.setContactTags(rec, rec.current.tagIds.filter((t) => t !== id));
    for (const co of this.ws.companyOrder) if (co.tagIds.includes(id)) this.setCompanyTags(co, co.tagIds.filter((t) => t !== id));
    this.ws.tags.delete(id);
    this.ws.changed();
  }

  // ---------------------------------------------------------------- a contact's tags

  contactTags(contactId: string) {
    const rec = this.ws.liveContact(contactId);
    return { type: 'list' as const, data: rec.current.tagIds.flatMap((id) => this.ws.tags.get(id) ?? []).map((t) => ({ ...t })) };
  }

  attachTag(contactId: string, input: unknown) {
    const rec = this.ws.liveContact(contactId);
    const b = body(input);
    if (!has(b, 'id') || (typeof b.id !== 'string' && typeof b.id !== 'number')) throw missingParam('tag id is required', 'id');
    const tag = this.ws.tags.get(String(b.id));
    if (!tag) throw tagNotFound();
    if (!rec.current.tagIds.includes(tag.id)) this.setContactTags(rec, [...rec.current.tagIds, tag.id]);
    return this.applied(tag);
  }

  detachTag(contactId: string, tagId: string) {
    const rec = this.ws.liveContact(contactId);
    const tag = this.ws.tags.get(tagId);
    if (!tag) throw tagNotFound();
    if (rec.current.tagIds.includes(tagId)) this.setContactTags(rec, rec.current.tagIds.filter((t) => t !== tagId));
    return this.applied(tag);
  }

  // ---------------------------------------------------------------- for tests and remote edits

  /** The tag of this name, made when there is none. */
  ensure(name: string): SandboxTag {
    const found = this.byName(name);
    if (found) return found;
    const tag: SandboxTag = { type: 'tag', id: String(this.ws.ids.next()), name };
    this.ws.tags.set(tag.id, tag);
    this.ws.changed();
    return tag;
  }

  private byName(name: string): SandboxTag | undefined {
    const lower = name.toLowerCase();
    for (const t of this.ws.tags.values()) if (t.name.toLowerCase() === lower) return t;
    return undefined;
  }

  private applied(tag: SandboxTag) {
    return { ...tag, applied_at: this.ws.nowSec(), applied_by: { type: 'admin', id: this.ws.admin.id } };
  }

  private setContactTags(rec: ContactRecord, tagIds: string[]): void {
    this.ws.commit(rec, { ...rec.current, tagIds, updated_at: this.ws.nowSec() });
  }

  private setCompanyTags(co: CompanyRecord, tagIds: string[]): void {
    co.tagIds = tagIds;
    co.updated_at = this.ws.nowSec();
    this.ws.changed();
  }

  private tagCompanies(name: string, list: unknown): SandboxTag {
    if (!Array.isArray(list) || list.length === 0) throw invalidTag();
    const items = list.map((x) => {
      if (!isObject(x)) throw invalidTag();
      const id = typeof x.id === 'string' ? x.id : typeof x.company_id === 'string' ? this.ws.companyByExternal.get(x.company_id) : undefined;
      const co = id === undefined ? undefined : this.ws.companiesById.get(id);
      if (!co || co.deleted) throw companyNotFound();
      return { co, untag: x.untag === true || x.untag === 'true' };
    });
    // untagging names an existing tag; tagging makes it when it does not exist
    const tag = items.every((i) => i.untag) ? this.byName(name) : this.ensure(name);
    if (!tag) throw tagNotFound();
    for (const { co, untag } of items) {
      const has = co.tagIds.includes(tag.id);
      if (untag && has) this.setCompanyTags(co, co.tagIds.filter((t) => t !== tag.id));
      if (!untag && !has) this.setCompanyTags(co, [...co.tagIds, tag.id]);
    }
    return { ...tag };
  }

  private tagUsers(name: string, list: unknown): SandboxTag {
    if (!Array.isArray(list) || list.length === 0) throw invalidTag();
    const recs = list.map((x) => {
      if (!isObject(x) || typeof x.id !== 'string') throw invalidTag();
      const rec = this.ws.byId.get(x.id);
      if (!rec) throw userNotFound();
      return this.ws.liveContact(x.id);
    });
    const tag = this.ensure(name);
    for (const rec of recs) if (!rec.current.tagIds.includes(tag.id)) this.setContactTags(rec, [...rec.current.tagIds, tag.id]);
    return { ...tag };
  }
}
