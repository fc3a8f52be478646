// One simulated Intercom workspace, with no HTTP in it: every API operation is a synchronous
// method that returns the wire answer or throws an ApiError. The state is WorkspaceCore's; each
// Intercom resource's operations are in resources/, and this class puts them behind one surface.
import {
  type CompanyPatch,
  type CompanyRecord,
  type ContactData,
  type ContactPatch,
  type DataAttribute,
  type Model,
  type Role,
  type SandboxCompany,
  type SandboxContact,
  type SandboxEvent,
  type SandboxFlush,
  type SandboxMessage,
  type SandboxNote,
  type SandboxVisitor,
  type ContactRecord,
  isLive,
} from './model';
import { STATE_VERSION, type StoredCompany, type StoredContact, type WorkspaceState } from './persist';
import { userNotFound } from './errors';
import { Admins } from './resources/Admins';
import { Companies } from './resources/Companies';
import { Contacts } from './resources/Contacts';
import { DataAttributes } from './resources/DataAttributes';
import { Events } from './resources/Events';
import { Messages } from './resources/Messages';
import { Notes } from './resources/Notes';
import { Tags } from './resources/Tags';
import { Visitors } from './resources/Visitors';
import { NO_ATTRIBUTES, NO_COMPANIES, WorkspaceCore } from './WorkspaceCore';

export { FLUSH_MATCHING_INTERVAL_MS } from './resources/Messages';
export { MAX_EVENT_NAMES } from './resources/Events';
export { COLLEAGUE, NOTES_PER_PAGE } from './resources/Notes';
export { SCROLL_IDLE_MS, SCROLL_PAGE } from './resources/Companies';
export { MAX_PER_PAGE, parsePerPage } from './params';
export type { CompanyPatch, ContactPatch, SandboxCompany, SandboxContact, SandboxEvent, SandboxFlush, SandboxMessage, SandboxNote, SandboxVisitor } from './model';
export type { WorkspaceOptions } from './WorkspaceCore';

export class Workspace extends WorkspaceCore {
  // Built after WorkspaceCore's constructor, so each resource sees the finished state
  private readonly attributeApi = new DataAttributes(this);
  private readonly contactApi = new Contacts(this, this.attributeApi);
  private readonly companyApi = new Companies(this, this.attributeApi);
  private readonly eventApi = new Events(this);
  private readonly messageApi = new Messages(this);
  private readonly visitorApi = new Visitors(this);
  private readonly noteApi = new Notes(this);
  private readonly adminApi = new Admins(this);
  private readonly tagApi = new Tags(this);

  // ---------------------------------------------------------------- admin

  me() {
    return { type: 'admin' as const, id: this.admin.id, email: this.admin.email, name: this.admin.name, email_verified: true, away_mode_enabled: false, away_mode_reassign: false, has_inbox_seat: true, avatar: { type: 'avatar', image_url: null }, app: { ...this.app } };
  }

  readonly listAdmins = this.adminApi.listAdmins.bind(this.adminApi);
  readonly getAdmin = this.adminApi.getAdmin.bind(this.adminApi);

  // ---------------------------------------------------------------- the API, resource by resource

  // data attributes
  readonly listDataAttributes = this.attributeApi.listDataAttributes.bind(this.attributeApi);
  readonly createDataAttribute = this.attributeApi.createDataAttribute.bind(this.attributeApi);
  readonly updateDataAttribute = this.attributeApi.updateDataAttribute.bind(this.attributeApi);
  readonly defineAttribute = this.attributeApi.defineAttribute.bind(this.attributeApi);

  // contacts and their companies
  readonly createContact = this.contactApi.createContact.bind(this.contactApi);
  readonly getContact = this.contactApi.getContact.bind(this.contactApi);
  readonly updateContact = this.contactApi.updateContact.bind(this.contactApi);
  readonly deleteContact = this.contactApi.deleteContact.bind(this.contactApi);
  readonly findByExternalId = this.contactApi.findByExternalId.bind(this.contactApi);
  readonly listContacts = this.contactApi.listContacts.bind(this.contactApi);
  readonly searchContacts = this.contactApi.searchContacts.bind(this.contactApi);
  readonly mergeContacts = this.contactApi.mergeContacts.bind(this.contactApi);
  readonly archiveContact = this.contactApi.archiveContact.bind(this.contactApi);
  readonly contactCompaniesList = this.contactApi.contactCompaniesList.bind(this.contactApi);
  readonly attachCompany = this.contactApi.attachCompany.bind(this.contactApi);
  readonly detachCompany = this.contactApi.detachCompany.bind(this.contactApi);

  // companies
  readonly upsertCompany = this.companyApi.upsertCompany.bind(this.companyApi);
  readonly getCompany = this.companyApi.getCompany.bind(this.companyApi);
  readonly findCompany = this.companyApi.findCompany.bind(this.companyApi);
  readonly listCompanies = this.companyApi.listCompanies.bind(this.companyApi);
  readonly updateCompany = this.companyApi.updateCompany.bind(this.companyApi);
  readonly deleteCompany = this.companyApi.deleteCompany.bind(this.companyApi);
  readonly companyContactsList = this.companyApi.companyContactsList.bind(this.companyApi);
  readonly scrollCompanies = this.companyApi.scrollCompanies.bind(this.companyApi);

  // events
  readonly createEvent = this.eventApi.createEvent.bind(this.eventApi);
  readonly remoteCreateEvent = this.eventApi.remoteCreateEvent.bind(this.eventApi);
  readonly listEvents = this.eventApi.listEvents.bind(this.eventApi);

  // messages and conversations (the flush)
  readonly createMessage = this.messageApi.createMessage.bind(this.messageApi);
  readonly conversations = this.messageApi.conversations.bind(this.messageApi);

  // notes on contacts
  readonly createNote = this.noteApi.createNote.bind(this.noteApi);
  readonly listNotes = this.noteApi.listNotes.bind(this.noteApi);
  readonly getNote = this.noteApi.getNote.bind(this.noteApi);
  readonly remoteCreateNote = this.noteApi.remoteCreateNote.bind(this.noteApi);
  // tags
  readonly listTags = this.tagApi.listTags.bind(this.tagApi);
  readonly findTag = this.tagApi.findTag.bind(this.tagApi);
  readonly createTag = this.tagApi.createTag.bind(this.tagApi);
  readonly deleteTag = this.tagApi.deleteTag.bind(this.tagApi);
  readonly contactTags = this.tagApi.contactTags.bind(this.tagApi);
  readonly attachTag = this.tagApi.attachTag.bind(this.tagApi);
  readonly detachTag = this.tagApi.detachTag.bind(this.tagApi);

  // visitors
  readonly getVisitor = this.visitorApi.getVisitor.bind(this.visitorApi);
  readonly convertVisitor = this.visitorApi.convertVisitor.bind(this.visitorApi);
  readonly remoteCreateVisitor = this.visitorApi.remoteCreateVisitor.bind(this.visitorApi);

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
    this.companyApi.remoteEditCompany(companyId, patch);
    return this.company(companyId)!;
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

  /** Every note, oldest first; of one contact when given. */
  notes(contactId?: string): SandboxNote[] {
    const lists = contactId === undefined ? [...this.notesByContact.values()] : [this.notesByContact.get(contactId) ?? []];
    return lists
      .flat()
      .map((n) => ({ ...n }))
      .sort((a, b) => a.created_at - b.created_at || Number(a.id) - Number(b.id));
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
      notes: this.notes().length,
    };
  }

  // ---------------------------------------------------------------- persistence (stateFile)

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
      tagIds: [...co.tagIds],
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
      notes: this.notes(),
      tags: [...this.tags.values()],
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
      const co: CompanyRecord = { ...c, custom_attributes: { ...c.custom_attributes }, position: this.companyOrder.length, contactIds: new Set(c.contactIds), tagIds: [...c.tagIds] };
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
        tagIds: c.tagIds.length === 0 ? NO_COMPANIES : c.tagIds,
      };
      const since = Math.min(createdAtMs, now);
      const rec: ContactRecord = { id: data.id, position: this.order.length, createdAtMs, current: data, since, past: null };
      this.byId.set(rec.id, rec);
      this.order.push(rec);
      if (since > this.lastWriteAt) this.lastWriteAt = since;
      this.index(undefined, data);
    }
    this.writes++;
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
    for (const n of s.notes ?? []) {
      const list = this.notesByContact.get(n.contactId);
      if (list) list.push({ ...n });
      else this.notesByContact.set(n.contactId, [{ ...n }]);
    }
    for (const tag of s.tags) this.tags.set(tag.id, { ...tag });
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
      notes: this.notes(),
    };
  }
}
