// Writes one checked file row into the store, inside the caller's transaction, through the same
// record writers the services use: the row, its stage history, its outbox entries (held until
// the import finishes), links and the search index. It also records what rollback needs:
// every record it made, whole rows as they were before it changed them, and the ranges of
// outbox entries and history rows it wrote.
import type { DuplicateMode } from '../../../shared/activity';
import { COMPANY_STAGE_RANK, CONTACT_STAGE_RANK, type CompanyStage, type ContactStage, type Role } from '../../../shared/domain';
import { recordEvent } from '../records/recordEvent';
import type { ImportAction } from '../db/ImportRepository';
import type { CompanyRow, ContactRow } from '../db/rows';
import type { RowSnapshot } from '../db/RowSnapshots';
import type { Store } from '../db/Store';
import { CompanyWriter } from '../records/CompanyWriter';
import { ContactWriter, type Written } from '../records/ContactWriter';
import { TagWriter } from '../records/TagWriter';
import { decideCompany, decideContact, describeFound, type Found, type IdentityLookup } from './match';
import type { CompanyPart, EventPart, MappedRow, PersonPart, Scalar } from './rows';

/** What rollback needs to undo one row; stored as JSON in import_rows.before. */
export interface RowUndo {
  /** Outbox entries the row wrote: sequence numbers in (o[0], o[1]]. */
  o?: [number, number];
  /** Stage history rows it wrote: ids in (h[0], h[1]]. */
  h?: [number, number];
  /** Records it made: [type, pk, id], in the order made. */
  created?: ['contact' | 'company', number, string][];
  /** Whole rows as they were before it changed them. */
  contacts?: RowSnapshot[];
  companies?: RowSnapshot[];
  /** Links it made: [contact pk, company pk]. */
  links?: [number, number][];
  /** Tags it put on contacts: [contact pk, tag id]. */
  tags?: [number, string][];
  events?: number[];
  /** A visitor's events a contact took over: [contact pk, visitor id, last event id at the time]. */
  adopted?: [number, string, number][];
}

export interface RowOutcome {
  action: ImportAction;
  entityType: 'contact' | 'company' | 'event' | null;
  entityId: string | null;
  reason: string | null;
  undo: RowUndo | null;
  /** Records to announce in `changed` events. */
  touched: { contacts: string[]; companies: string[]; events: boolean };
}

const contactFound = (r: ContactRow | undefined, rowOf: Map<string, number>): Found | null =>
  r ? { pk: r.pk, id: r.id, rowNo: rowOf.get(r.id) ?? null } : null;
const companyFound = (r: CompanyRow | undefined, rowOf: Map<string, number>): Found | null =>
  r ? { pk: r.pk, id: r.id, rowNo: rowOf.get(r.id) ?? null, externalId: r.external_id } : null;

/** The store as it is, plus which of its records this import wrote first at which row. */
export function storeLookup(store: Store, rowOf: Map<string, number>): IdentityLookup {
  return {
    contactByVisitorId: (v) => contactFound(store.contacts.byVisitorId(v), rowOf),
    contactByExternalId: (x) => contactFound(store.contacts.byExternalId(x), rowOf),
    contactByEmail: (e) => {
      const hit = store.imports.contactByEmail(e);
      return hit ? { pk: hit.pk, id: hit.id, rowNo: rowOf.get(hit.id) ?? null } : null;
    },
    companyByExternalId: (x) => companyFound(store.companies.byExternalId(x), rowOf),
    companyByName: (n) => {
      const hit = store.imports.companyByName(n);
      return hit ? companyFound(store.companies.byPk(hit.pk), rowOf) : null;
    },
  };
}

/** The stored value, or a CSV's text of it ("42" for 42): no change, and the stored type stays. */
const sameScalar = (stored: unknown, next: unknown) => stored === next || (typeof stored === 'string' && typeof next !== 'string' && stored === String(next));
const parseAttrs = (json: string): Record<string, Scalar> => (json === '{}' ? {} : (JSON.parse(json) as Record<string, Scalar>));

export class ImportWriter {
  /** Record id -> the row of this import that created it (a later row matching it is a duplicate in the file). */
  readonly rowOf = new Map<string, number>();
  /** Contacts whose whole row this run already saved (events only: many events per contact). */
  private readonly savedContacts = new Set<number>();
  private readonly lookup: IdentityLookup;
  private readonly contacts: ContactWriter;
  private readonly companies: CompanyWriter;
  private readonly tagWriter: TagWriter;
  /** The time the chunk's writes carry; set by `beginChunk`. */
  now = 0;
  /** Outbox and history high-water marks: what a row writes is above them (one chunk = one transaction). */
  private seqMark = 0;
  private historyMark = 0;

  constructor(
    private readonly store: Store,
    private readonly importId: string,
    private readonly mode: DuplicateMode,
    private readonly actor: string,
    private readonly newId: () => string,
  ) {
    this.lookup = storeLookup(store, this.rowOf);
    this.contacts = new ContactWriter(store);
    this.companies = new CompanyWriter(store);
    this.tagWriter = new TagWriter(store);
  }

  /** Call first inside each chunk's transaction. */
  beginChunk(now: number): void {
    this.now = now;
    this.seqMark = this.store.imports.lastOutboxSeq();
    this.historyMark = this.store.imports.lastHistoryId();
  }

  /** Call inside the chunk's transaction, after `beginChunk`. */
  apply(row: MappedRow, rowNo: number): RowOutcome {
    const out = new RowState(rowNo);
    if (row.kind === 'events') this.applyEvent(row.event, out);
    else this.applyPeople(row.kind, row.person, row.company, out, row.kind === 'contacts' ? row.more : undefined);
    if (out.wrote) {
      // the row's own writes report their ids; what recordEvent / adoptVisitorEvents wrote is read back
      const seq = out.opaque ? this.store.imports.lastOutboxSeq() : (out.lastSeq ?? this.seqMark);
      const history = out.opaque ? this.store.imports.lastHistoryId() : (out.lastHistory ?? this.historyMark);
      if (seq > this.seqMark) out.undo.o = [this.seqMark, seq];
      if (history > this.historyMark) out.undo.h = [this.historyMark, history];
      this.seqMark = seq;
      this.historyMark = history;
    }
    return out.result();
  }

  // ---- contacts, and companies with their users ------------------------------------------------

  private applyPeople(kind: 'contacts' | 'companies', person: PersonPart | null, company: CompanyPart | null, out: RowState, more?: CompanyPart[]): void {
    // decide everything first: a row that fails writes nothing
    const personDecision = person ? decideContact(person, this.lookup, this.mode) : null;
    const companyDecision = company ? decideCompany(company, this.lookup, this.mode) : null;
    if (personDecision?.action === 'fail') return out.fail('contact', personDecision.reason);
    if (companyDecision?.action === 'fail') return out.fail(kind === 'companies' && !person ? 'company' : 'contact', companyDecision.reason);

    let companyRow: CompanyRow | null = null;
    if (company && companyDecision) {
      if (companyDecision.action === 'create') {
        companyRow = this.createCompany(company, out);
      } else {
        companyRow = this.store.companies.byPk(companyDecision.found.pk!)!;
        if (companyDecision.action === 'update') companyRow = this.updateCompany(companyRow, company, companyDecision.by, out) ?? companyRow;
        else out.note(`company ${companyRow.id} exists (by ${companyDecision.by}); left as it is`);
      }
    }

    let contactRow: Pick<ContactRow, 'pk' | 'id'> | null = null;
    if (person && personDecision) {
      if (personDecision.action === 'create') {
        contactRow = this.createContact(person, kind, out);
      } else if (personDecision.action === 'update') {
        const existing = this.store.contacts.byPk(personDecision.found.pk!)!;
        this.updateContact(existing, person, out);
        contactRow = existing;
      } else {
        out.skip('contact', personDecision.found.id, personDecision.reason);
      }
    }

    if (contactRow && companyRow) this.link(contactRow, companyRow, out);
    if (contactRow && more) this.linkMore(contactRow, more, out);
    if (contactRow && person?.tags.length) this.tag(contactRow, person.tags, out);
    if (!person && companyRow) out.primary('company', companyRow.id);
    if (!out.wrote && !out.skipped && companyDecision && companyDecision.action !== 'create') {
      out.skip('company', companyRow!.id, companyDecision.action === 'keep' ? `duplicate of ${describeFound(companyDecision.found)} by ${companyDecision.by}` : `no changes for ${companyRow!.id}`);
    }
  }

  /** Notes the outbox entry and history row a write added, for rollback. */
  private mark(out: RowState, w: Written): void {
    if (w.seq !== null) out.lastSeq = w.seq;
    if (w.historyId !== null) out.lastHistory = w.historyId;
  }

  private remember(id: string, rowNo: number): void {
    if (!this.rowOf.has(id)) this.rowOf.set(id, rowNo);
  }

  private createContact(p: PersonPart, kind: 'contacts' | 'companies', out: RowState): Pick<ContactRow, 'pk' | 'id'> {
    const at = this.now;
    const id = this.newId();
    // a company's user with a user id signed up; anyone else starts as contacts.create starts them
    const role: Role = p.role ?? (kind === 'companies' && p.externalId ? 'user' : 'lead');
    const stage: ContactStage = p.stage ?? (kind === 'companies' && role === 'user' ? 'signed_up' : 'lead');
    const createdAt = p.createdAt ?? at;
    const fields = {
      role,
      email: p.email,
      name: p.name,
      phone: p.phone,
      visitorId: p.visitorId,
      externalId: p.externalId,
      stage,
      customAttributes: p.attributes,
      ...(p.ownerId ? { ownerId: p.ownerId } : {}),
    };
    // the entries are held until the import is done; visitor events are adopted below, with their undo
    const w = this.contacts.create(fields, { id, at, actor: this.actor, createdAt, hold: this.importId, adopt: false });
    this.mark(out, w);
    const { pk } = w;
    out.created('contact', pk, id);
    this.remember(id, out.rowNo);
    if (p.visitorId) this.adopt(pk, p.visitorId, out);
    return { pk, id };
  }

  private adopt(pk: number, visitorId: string, out: RowState): void {
    // most imported visitor ids have no events waiting: one index probe instead of two writes
    if (!this.store.imports.visitorHasEvents(visitorId)) return;
    const lastEvent = this.store.imports.lastEventId();
    out.opaque = true; // it may queue outbox entries of its own
    if (this.contacts.adoptVisitorEvents(pk, visitorId, { at: this.now, hold: this.importId }) > 0) {
      (out.undo.adopted ??= []).push([pk, visitorId, lastEvent]);
      out.touched.events = true;
    }
  }

  /** Writes the row's non-empty fields onto an existing contact. */
  private updateContact(r: ContactRow, p: PersonPart, out: RowState): void {
    const { store } = this;
    const changes: Record<string, unknown> = {};
    const write: Record<string, string | null> = {};
    for (const [key, column] of [['email', 'email'], ['name', 'name'], ['phone', 'phone']] as const) {
      const next = p[key];
      if (next !== null && next !== r[column]) write[key] = changes[key] = next;
    }
    // ids are identities: fill an empty one, never replace one (the contact may be in Intercom by it)
    for (const [key, column, label] of [['visitorId', 'visitor_id', 'visitor id'], ['externalId', 'external_id', 'user id']] as const) {
      const next = p[key];
      if (next === null || next === r[column]) continue;
      if (r[column] === null) write[key] = changes[key] = next;
      else out.note(`kept its ${label} ${r[column]}`);
    }
    if (p.ownerId && p.ownerId !== r.owner_id) write.ownerId = changes.ownerId = p.ownerId;
    if (p.role === 'user' && r.role === 'lead') write.role = changes.role = 'user';
    else if (p.role === 'lead' && r.role === 'user') out.note('a user is not made a lead again');
    const current = parseAttrs(r.custom_attributes);
    const delta = Object.fromEntries(Object.entries(p.attributes).filter(([k, v]) => !sameScalar(current[k], v)));
    if (Object.keys(delta).length > 0) {
      changes.customAttributes = delta;
      write.customAttributes = JSON.stringify({ ...current, ...delta });
    }
    let stage: ContactStage | null = null;
    if (p.stage && p.stage !== r.stage) {
      if (CONTACT_STAGE_RANK[p.stage] > CONTACT_STAGE_RANK[r.stage]) stage = p.stage;
      else out.note(`stage not moved back from ${r.stage}`);
    }
    if (Object.keys(changes).length === 0 && !stage) {
      out.skip('contact', r.id, `no changes for ${r.id}`);
      return;
    }
    out.saveContact(store, r.pk);
    const at = this.now;
    const hold = this.importId;
    // a new visitor id's events are adopted last, with their undo
    if (Object.keys(changes).length > 0) this.mark(out, this.contacts.update(r, write, changes, { at, hold, adopt: false }));
    if (stage) this.mark(out, this.contacts.setStage(r, stage, { at, actor: this.actor, hold }));
    out.updated('contact', r.id);
    if (typeof changes.visitorId === 'string') this.adopt(r.pk, changes.visitorId, out);
  }

  private createCompany(c: CompanyPart, out: RowState): CompanyRow {
    const at = this.now;
    const id = this.newId();
    const fields = {
      externalId: c.externalId,
      name: c.name!,
      plan: c.plan,
      monthlySpend: c.monthlySpend,
      stage: c.stage,
      customAttributes: c.attributes,
    };
    const w = this.companies.create(fields, { id, at, actor: this.actor, hold: this.importId });
    this.mark(out, w);
    out.created('company', w.pk, id);
    this.remember(id, out.rowNo);
    return this.store.companies.byPk(w.pk)!;
  }

  /** Fills in an existing company; returns the row after, or null when nothing changed. */
  private updateCompany(r: CompanyRow, c: CompanyPart, by: 'company id' | 'name', out: RowState): CompanyRow | null {
    const { store } = this;
    const changes: Record<string, unknown> = {};
    const write: Record<string, string | number | null> = {};
    // matched by its name, the row's spelling of it ("acme ltd") is no rename
    if (by === 'company id' && c.name !== null && c.name !== r.name) write.name = changes.name = c.name;
    if (c.externalId !== null && r.external_id === null) write.externalId = changes.externalId = c.externalId;
    if (c.plan !== null && c.plan !== r.plan) write.plan = changes.plan = c.plan;
    if (c.monthlySpend !== null && c.monthlySpend !== r.monthly_spend) write.monthlySpend = changes.monthlySpend = c.monthlySpend;
    const current = parseAttrs(r.custom_attributes);
    const delta = Object.fromEntries(Object.entries(c.attributes).filter(([k, v]) => !sameScalar(current[k], v)));
    if (Object.keys(delta).length > 0) {
      changes.customAttributes = delta;
      write.customAttributes = JSON.stringify({ ...current, ...delta });
    }
    let stage: CompanyStage | null = null;
    if (c.stage && c.stage !== r.stage) {
      if (r.stage === null || COMPANY_STAGE_RANK[c.stage] > COMPANY_STAGE_RANK[r.stage]) stage = c.stage;
      else out.note(`company stage not moved back from ${r.stage}`);
    }
    if (Object.keys(changes).length === 0 && !stage) return null;
    out.saveCompany(store, r.pk);
    const at = this.now;
    const hold = this.importId;
    if (Object.keys(changes).length > 0) {
      // a new name rewrites its users' search entries: keep them as they were for rollback
      this.mark(out, this.companies.update(r, write, changes, { at, hold, beforeReindex: (pk) => out.saveContact(store, pk) }));
    }
    if (stage) {
      // the stage moves its users' funnel position (triggers): keep them as they were for rollback
      for (const pk of store.companies.contactPks(r.pk)) out.saveContact(store, pk);
      this.mark(out, this.companies.setStage(r, stage, { at, actor: this.actor, hold }));
    }
    out.updated('company', r.id);
    return store.companies.byPk(r.pk)!;
  }

  /** The row's further companies (by name): each found or made, then linked; one that cannot be is noted. */
  private linkMore(contact: Pick<ContactRow, 'pk' | 'id'>, more: CompanyPart[], out: RowState): void {
    for (const c of more) {
      const d = decideCompany(c, this.lookup, this.mode);
      if (d.action === 'fail') {
        out.note(d.reason);
        continue;
      }
      this.link(contact, d.action === 'create' ? this.createCompany(c, out) : this.store.companies.byPk(d.found.pk!)!, out);
    }
  }

  /** As CompanyService.linkRows, with the entry held. */
  private link(contact: Pick<ContactRow, 'pk' | 'id'>, company: CompanyRow, out: RowState): void {
    const isNew = out.made('contact', contact.pk);
    if (!isNew) out.saveContact(this.store, contact.pk);
    const seq = this.contacts.link(contact, company, { at: this.now, hold: this.importId, fresh: isNew });
    if (seq === null) return;
    out.lastSeq = seq;
    (out.undo.links ??= []).push([contact.pk, company.pk]);
    out.updated('contact', contact.id);
    out.touched.companies.push(company.id);
  }

  /** As TagService.add, with the entries held; a tag the workspace lacks is made (the file names it). */
  private tag(contact: Pick<ContactRow, 'pk' | 'id'>, names: readonly string[], out: RowState): void {
    const isNew = out.made('contact', contact.pk);
    for (const name of names) {
      const { tag } = this.tagWriter.ensure(name, this.now);
      if (!isNew) out.saveContact(this.store, contact.pk);
      const seq = this.tagWriter.tag('contact', contact, tag, { at: this.now, hold: this.importId, fresh: isNew });
      if (seq === null) continue;
      out.lastSeq = seq;
      (out.undo.tags ??= []).push([contact.pk, tag.id]);
      out.updated('contact', contact.id);
    }
  }

  // ---- events ------------------------------------------------------------------------------------

  /** The contact an event row belongs to: by user id, then email, then a contact's visitor id. */
  private eventContact(e: EventPart): ContactRow | null {
    const { contacts } = this.store;
    if (e.externalId) {
      const r = contacts.byExternalId(e.externalId);
      if (r) return r;
    }
    if (e.email) {
      const hit = this.store.imports.contactByEmail(e.email);
      if (hit) return contacts.byPk(hit.pk)!;
    }
    if (e.visitorId) return contacts.byVisitorId(e.visitorId) ?? null;
    return null;
  }

  private applyEvent(e: EventPart, out: RowState): void {
    const contact = this.eventContact(e);
    if (!contact && !e.visitorId) {
      return out.fail('event', e.externalId ? `no contact has user id ${e.externalId}` : `no contact has email ${e.email}`);
    }
    // first touch and last activity change on the contact: keep it as it was before this import's first event
    const save = contact !== null && !this.savedContacts.has(contact.pk) ? this.store.contacts.snapshot(contact.pk) : undefined;
    out.opaque = true;
    const { id, duplicate } = recordEvent(
      this.store,
      { contactPk: contact?.pk ?? null, visitorId: e.visitorId, name: e.name, at: e.at, metadata: e.metadata, source: 'import' },
      { now: this.now, hold: this.importId },
    );
    if (duplicate) return out.skip('event', String(id), 'already recorded');
    if (save && contact) {
      this.savedContacts.add(contact.pk);
      (out.undo.contacts ??= []).push(save);
    }
    (out.undo.events ??= []).push(id);
    out.wrote = true;
    out.action = 'created';
    out.primary('event', String(id));
    out.touched.events = true;
    if (contact) out.touched.contacts.push(contact.id);
  }
}

/** What one row did, as it happens. */
class RowState {
  action: ImportAction | null = null;
  entityType: RowOutcome['entityType'] = null;
  entityId: string | null = null;
  wrote = false;
  skipped = false;
  /** The last outbox entry and history row the row wrote itself. */
  lastSeq: number | null = null;
  lastHistory: number | null = null;
  /** Something it called wrote entries it does not report: read the high-water marks. */
  opaque = false;
  private reason: string | null = null;
  private readonly notes: string[] = [];
  readonly undo: RowUndo = {};
  readonly touched: RowOutcome['touched'] = { contacts: [], companies: [], events: false };
  private readonly saved = new Set<string>();

  constructor(readonly rowNo: number) {}

  primary(type: 'contact' | 'company' | 'event', id: string): void {
    if (this.entityType === null || (this.entityType === 'company' && type === 'contact')) {
      this.entityType = type;
      this.entityId = id;
    }
  }

  created(type: 'contact' | 'company', pk: number, id: string): void {
    (this.undo.created ??= []).push([type, pk, id]);
    this.action = 'created';
    this.wrote = true;
    this.primary(type, id);
    (type === 'contact' ? this.touched.contacts : this.touched.companies).push(id);
  }

  updated(type: 'contact' | 'company', id: string): void {
    if (this.action !== 'created') this.action = 'updated';
    this.wrote = true;
    this.primary(type, id);
    (type === 'contact' ? this.touched.contacts : this.touched.companies).push(id);
  }

  skip(type: 'contact' | 'company' | 'event', id: string, reason: string): void {
    this.skipped = true;
    this.primary(type, id);
    this.reason ??= reason;
  }

  fail(type: 'contact' | 'company' | 'event', reason: string): void {
    this.action = 'failed';
    this.entityType = type;
    this.reason = reason;
  }

  note(text: string): void {
    this.notes.push(text);
  }

  /** Whether this row made the record. */
  made(type: 'contact' | 'company', pk: number): boolean {
    return this.undo.created?.some(([t, p]) => t === type && p === pk) ?? false;
  }

  /** Keeps a contact's whole row before this row first changes it (once per row). */
  saveContact(store: Store, pk: number): void {
    if (this.made('contact', pk)) return;
    if (this.saved.has(`contact:${pk}`)) return;
    this.saved.add(`contact:${pk}`);
    const snap = store.contacts.snapshot(pk);
    if (snap) (this.undo.contacts ??= []).push(snap);
  }

  saveCompany(store: Store, pk: number): void {
    if (this.made('company', pk)) return;
    if (this.saved.has(`company:${pk}`)) return;
    this.saved.add(`company:${pk}`);
    const snap = store.companies.snapshot(pk);
    if (snap) (this.undo.companies ??= []).push(snap);
  }

  result(): RowOutcome {
    const action: ImportAction = this.action ?? 'skipped';
    const reason =
      action === 'failed' || action === 'skipped'
        ? this.reason ?? (this.notes.length ? this.notes.join('; ') : 'nothing to write')
        : this.notes.length
          ? this.notes.join('; ')
          : null;
    return {
      action,
      entityType: this.entityType,
      entityId: this.entityId,
      reason,
      undo: this.wrote ? this.undo : null,
      touched: this.touched,
    };
  }
}
