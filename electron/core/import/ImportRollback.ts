// Rolls an import back at any time, as an undo: what never reached Intercom is withdrawn, what
// did is compensated through the record writers, so that once it syncs the store and Intercom are
// equal. Contacts it created are removed here (and archived in Intercom when it has them); fields,
// stages and links it changed are put back unless changed since (those are kept and listed);
// companies it created are removed here (and deleted in Intercom when it has them), but those
// changed or linked to other contacts since, which stay and lose the links it made; events cannot
// be removed from Intercom: those it sent stay, here too.
import type { CompanyStage, ContactStage } from '../../../shared/domain';
import type { ImportEntry, ImportRowDb } from '../db/ImportRepository';
import type { RowSnapshot } from '../db/RowSnapshots';
import type { Store } from '../db/Store';
import { CompanyWriter } from '../records/CompanyWriter';
import { ContactWriter } from '../records/ContactWriter';
import { TagWriter } from '../records/TagWriter';
import { withdrawEvent } from '../records/recordEvent';
import type { RowUndo } from './ImportWriter';

/** A field the rollback left as it is, in words. */
export interface KeptField {
  record: string;
  field: string;
  why: string;
}

export interface RollbackOutcome {
  /** Contacts it created, removed here; of them, archived in Intercom. */
  contactsRemoved: number;
  contactsArchived: number;
  /** Companies it created, removed here; of them, deleted in Intercom; and those kept (changed or linked since). */
  companiesRemoved: number;
  companiesDeleted: number;
  companiesKept: string[];
  /** Records whose fields, stage or links were put back. */
  recordsRestored: number;
  kept: KeptField[];
  /** Events it recorded that Intercom has (or is being sent): they stay there. */
  eventsInIntercom: number;
  /** Compensating entries queued (Intercom gets them on the next sync). */
  queued: number;
}

/** What a rollback would do, for its confirmation. */
export interface RollbackSurvey {
  contactsCreated: number;
  contactsInIntercom: number;
  companiesInIntercom: number;
  eventsInIntercom: number;
  /** Events it recorded (those not in Intercom are removed). */
  eventsRecorded: number;
  /** Records it updated whose changes reached Intercom (put back by compensating changes). */
  updatesInIntercom: number;
}

const reached = (e: ImportEntry) => e.status === 'done' || e.status === 'in_flight';
const parse = (e: ImportEntry) => JSON.parse(e.payload) as Record<string, unknown>;

/** API field -> column, and the words for it. */
const CONTACT_FIELDS: Record<string, { column: string; words: string; identity?: boolean; local?: boolean }> = {
  email: { column: 'email', words: 'Email' },
  name: { column: 'name', words: 'Name' },
  phone: { column: 'phone', words: 'Phone' },
  ownerId: { column: 'owner_id', words: 'Owner' },
  visitorId: { column: 'visitor_id', words: 'Visitor id', local: true },
  externalId: { column: 'external_id', words: 'User id', identity: true },
  role: { column: 'role', words: 'Role', identity: true },
  stage: { column: 'stage', words: 'Stage' },
};
const COMPANY_FIELDS: Record<string, { column: string; words: string; identity?: boolean; local?: boolean }> = {
  name: { column: 'name', words: 'Name' },
  externalId: { column: 'external_id', words: 'Company id', identity: true },
  plan: { column: 'plan', words: 'Plan' },
  monthlySpend: { column: 'monthly_spend', words: 'Monthly spend' },
  stage: { column: 'stage', words: 'Stage' },
};

/** What the import's lines say, gathered over all of them (lines come last row first). */
class Gathered {
  readonly createdContacts: { pk: number; id: string }[] = [];
  readonly createdCompanies: { pk: number; id: string }[] = [];
  /** The row as it was before the import's first change to it. */
  readonly contactsBefore = new Map<number, RowSnapshot>();
  readonly companiesBefore = new Map<number, RowSnapshot>();
  readonly links: [number, number][] = [];
  readonly tags: [number, string][] = [];
  readonly events: number[] = [];
  readonly adopted: [number, string, number][] = [];
  outboxRanges: [number, number][] = [];
  historyRanges: [number, number][] = [];

  constructor(lines: readonly ImportRowDb[]) {
    for (const line of lines) {
      const u = JSON.parse(line.before!) as RowUndo;
      for (const [type, pk, id] of u.created ?? []) (type === 'contact' ? this.createdContacts : this.createdCompanies).push({ pk, id });
      // last row first: the earliest row's snapshot is the one left
      for (const s of u.contacts ?? []) this.contactsBefore.set(s.pk as number, s);
      for (const s of u.companies ?? []) this.companiesBefore.set(s.pk as number, s);
      this.links.push(...(u.links ?? []));
      this.tags.push(...(u.tags ?? []));
      this.events.push(...(u.events ?? []));
      this.adopted.push(...(u.adopted ?? []));
      if (u.o) this.outboxRanges.push(u.o);
      if (u.h) this.historyRanges.push(u.h);
    }
    this.outboxRanges = merged(this.outboxRanges);
    this.historyRanges = merged(this.historyRanges);
  }
}

/**
 * The custom attributes an import wrote, put back to what they were unless changed since (then kept
 * and listed): the new stored JSON (null when it does not change) and, for those Intercom may have
 * (`reached`, by `attr:<name>`), the values to send back.
 */
function putBackAttributes(a: {
  attrs: ReadonlyMap<string, unknown>;
  current: Record<string, unknown>;
  before: Record<string, unknown>;
  stored: string;
  label: string;
  kept: KeptField[];
  reached: (key: string) => boolean;
}): { json: string | null; payload: Record<string, unknown> | null } {
  const write: Record<string, unknown> = { ...a.current };
  const payload: Record<string, unknown> = {};
  for (const [k, v] of a.attrs) {
    if ((a.current[k] ?? null) !== v) {
      a.kept.push({ record: a.label, field: `Attribute ${k}`, why: 'changed since, kept' });
      continue;
    }
    const before = a.before[k] ?? null;
    if (before === null) delete write[k];
    else write[k] = before;
    if (a.reached(`attr:${k}`)) payload[k] = before;
  }
  const json = JSON.stringify(write);
  return { json: a.attrs.size > 0 && json !== a.stored ? json : null, payload: Object.keys(payload).length > 0 ? payload : null };
}

/** Ranges (after, upTo] joined where one ends where the next begins (a chunk's rows follow each other). */
function merged(ranges: readonly [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [after, upTo] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const last = out.at(-1);
    if (last && after <= last[1]) last[1] = Math.max(last[1], upTo);
    else out.push([after, upTo]);
  }
  return out;
}

export class ImportRollback {
  private readonly contacts: ContactWriter;
  private readonly companies: CompanyWriter;
  private readonly tagWriter: TagWriter;
  private readonly g: Gathered;
  /** The import's outbox entries, by record, in order. */
  private readonly entries = new Map<string, ImportEntry[]>();
  private readonly eventEntry = new Map<number, ImportEntry>();
  /** Entries after this one were written during or after the import. */
  private readonly firstSeq: number;
  private readonly importedEvents: Set<number>;

  constructor(
    private readonly store: Store,
    lines: readonly ImportRowDb[],
  ) {
    this.contacts = new ContactWriter(store);
    this.companies = new CompanyWriter(store);
    this.tagWriter = new TagWriter(store);
    this.g = new Gathered(lines);
    this.importedEvents = new Set(this.g.events);
    // not Math.min(...): a big import has more ranges than a call takes arguments
    this.firstSeq = this.g.outboxRanges.reduce((min, [after]) => Math.min(min, after), Number.MAX_SAFE_INTEGER);
    for (const e of store.imports.entriesIn(this.g.outboxRanges)) {
      const list = this.entries.get(e.entity_id) ?? [];
      list.push(e);
      this.entries.set(e.entity_id, list);
      if (e.op === 'event.create') {
        const id = parse(e).eventId;
        if (typeof id === 'number') this.eventEntry.set(id, e);
      }
    }
  }

  private entriesOf(id: string): ImportEntry[] {
    return this.entries.get(id) ?? [];
  }

  /** Intercom has the record, or may have (its create is out, or went and its answer was lost): as ContactWriter.archiveCreated decides. */
  private inIntercom(row: { id: string; intercom_id: string | null }): boolean {
    const { sync } = this.store;
    return row.intercom_id !== null || sync.hasInFlight(row.id) || sync.hasSentWaiting(row.id);
  }

  private eventReached(id: number): boolean {
    const e = this.eventEntry.get(id);
    return e !== undefined && reached(e);
  }

  /** Adopted visits that went to Intercom under the contact. */
  private adoptedReached(contactPk: number, upTo: number): number {
    const contact = this.store.contacts.byPk(contactPk);
    if (!contact) return 0;
    let n = 0;
    for (const e of this.entriesOf(contact.id)) {
      if (e.op !== 'event.create' || !reached(e)) continue;
      const id = parse(e).eventId;
      if (typeof id === 'number' && id <= upTo && !this.importedEvents.has(id)) n++;
    }
    return n;
  }

  /** What the rollback would do, read only (the confirmation's words). */
  survey(): RollbackSurvey {
    const { store } = this;
    let contactsInIntercom = 0;
    for (const c of this.g.createdContacts) {
      const row = store.contacts.byPk(c.pk);
      if (row && this.inIntercom(row)) contactsInIntercom++;
    }
    let companiesInIntercom = 0;
    for (const c of this.g.createdCompanies) {
      const row = store.companies.byPk(c.pk);
      if (row && this.inIntercom(row)) companiesInIntercom++;
    }
    let updatesInIntercom = 0;
    for (const snap of [...this.g.contactsBefore.values(), ...this.g.companiesBefore.values()]) {
      if (this.entriesOf(snap.id as string).some((e) => e.op !== 'event.create' && reached(e))) updatesInIntercom++;
    }
    return {
      contactsCreated: this.g.createdContacts.length,
      contactsInIntercom,
      companiesInIntercom,
      eventsInIntercom: this.eventsInIntercom(),
      eventsRecorded: this.g.events.length,
      updatesInIntercom,
    };
  }

  private eventsInIntercom(): number {
    let n = this.g.events.filter((id) => this.eventReached(id)).length;
    for (const [pk, , upTo] of this.g.adopted) n += this.adoptedReached(pk, upTo);
    return n;
  }

  /** Call inside one store.transaction: all of it or nothing. */
  apply(o: { at: number; actor: string }): RollbackOutcome & { touched: { contacts: Set<string>; companies: Set<string>; events: boolean } } {
    const { store, contacts, companies, g } = this;
    const out: RollbackOutcome = {
      contactsRemoved: 0,
      contactsArchived: 0,
      companiesRemoved: 0,
      companiesDeleted: 0,
      companiesKept: [],
      recordsRestored: 0,
      kept: [],
      eventsInIntercom: this.eventsInIntercom(),
      queued: 0,
    };
    const touched = { contacts: new Set<string>(), companies: new Set<string>(), events: false };
    const reindexContacts = new Set<number>();
    const undoActor = `${o.actor} (undo)`;
    const createdContactPks = new Set(g.createdContacts.map((c) => c.pk));

    // companies it created: removed (and deleted in Intercom), but those in use since, which stay
    const keptCompanies = new Set<number>();
    for (const c of g.createdCompanies) {
      const row = store.companies.byPk(c.pk);
      if (row && this.inIntercom(row) && this.companyInUse(row)) {
        keptCompanies.add(c.pk);
        out.companiesKept.push(row.name);
      }
    }
    const removedCompanies = new Set(g.createdCompanies.map((c) => c.pk).filter((pk) => !keptCompanies.has(pk)));

    // events: those Intercom has stay; the others go (their entries with the import's)
    for (const id of g.events) if (!this.eventReached(id)) withdrawEvent(store, id);
    for (const [pk, visitorId, upTo] of g.adopted) if (this.adoptedReached(pk, upTo) === 0) contacts.unadoptVisitorEvents(pk, visitorId, upTo);
    if (g.events.length > 0 || g.adopted.length > 0) touched.events = true;

    // links it made between records that stay
    for (const [contactPk, companyPk] of g.links) {
      if (createdContactPks.has(contactPk) || removedCompanies.has(companyPk)) continue;
      const contact = store.contacts.byPk(contactPk);
      const company = store.companies.byPk(companyPk);
      if (!contact || !company) continue;
      const sent = this.linkSent(contact.id, company.id);
      if (sent === 'unsent') {
        if (contacts.withdrawLink(contactPk, companyPk)) reindexContacts.add(contactPk);
      } else if (contacts.unlink(contact, company, { at: o.at })) {
        out.queued++;
      }
      touched.contacts.add(contact.id);
      touched.companies.add(company.id);
    }

    // tags it put on contacts that stay: taken off (in Intercom too when its entry went out)
    for (const [contactPk, tagId] of g.tags) {
      if (createdContactPks.has(contactPk)) continue;
      const contact = store.contacts.byPk(contactPk);
      const tag = store.tags.byId(tagId);
      if (!contact || !tag) continue;
      const sent = this.tagSent(contact.id, tagId);
      if (this.tagWriter.untag('contact', contact, tag, { at: o.at, queue: sent === 'sent' }) !== null) {
        if (sent === 'sent') out.queued++;
        touched.contacts.add(contact.id);
      }
    }

    // contacts it created: removed here, archived in Intercom when it has them
    for (const c of [...g.createdContacts].reverse()) {
      const row = store.contacts.byPk(c.pk);
      if (!row) continue;
      const seq = contacts.archiveCreated(row, { at: o.at });
      out.contactsRemoved++;
      if (seq !== null) {
        out.contactsArchived++;
        out.queued++;
      }
      touched.contacts.add(c.id);
    }
    for (const pk of removedCompanies) {
      const row = store.companies.byPk(pk);
      if (!row) continue;
      // gone here; deleted in Intercom when Intercom has it (or is being sent it), so no pull brings it back
      const removed = companies.removeCreated(row, { at: o.at });
      for (const c of removed.linked) reindexContacts.add(c);
      out.companiesRemoved++;
      if (removed.seq !== null) {
        out.companiesDeleted++;
        out.queued++;
      }
      touched.companies.add(row.id);
    }

    // records it updated: put back exactly when nothing of it reached Intercom and nothing changed
    // since; else field by field, compensating what Intercom has
    const fieldByField: string[] = [];
    const exact: { type: 'contact' | 'company'; snap: RowSnapshot }[] = [];
    for (const snap of g.companiesBefore.values()) {
      if (removedCompanies.has(snap.pk as number)) continue;
      const r = this.restoreCompany(snap, o, undoActor, out);
      if (r === 'exact') exact.push({ type: 'company', snap });
      else fieldByField.push(snap.id as string);
      touched.companies.add(snap.id as string);
    }
    for (const snap of g.contactsBefore.values()) {
      if (createdContactPks.has(snap.pk as number)) continue;
      const r = this.restoreContact(snap, o, undoActor, out);
      if (r === 'exact') exact.push({ type: 'contact', snap });
      else fieldByField.push(snap.id as string);
      reindexContacts.add(snap.pk as number);
      touched.contacts.add(snap.id as string);
    }

    // the import's entries that wait or were refused go, but those of the companies it created that stay
    const keptIds = new Set([...keptCompanies].map((pk) => store.companies.byPk(pk)?.id));
    const withdraw: number[] = [];
    for (const [id, list] of this.entries) if (!keptIds.has(id)) for (const e of list) withdraw.push(e.seq);
    const owners = store.outbox.withdrawSeqsOfAnyRecord(withdraw);
    // its history rows, but those of records put back field by field (their undo is history too)
    const keepHistory = [...fieldByField, ...keptIds].filter((x): x is string => typeof x === 'string');
    for (const [after, upTo] of g.historyRanges) {
      contacts.withdrawHistory(after + 1, upTo, keepHistory);
      companies.withdrawHistory(after + 1, upTo, keepHistory);
    }
    for (const { type, snap } of exact) (type === 'contact' ? contacts : companies).restore(snap);
    for (const { type, snap } of exact) if (type === 'company') companies.reindex(snap.pk as number);
    for (const pk of reindexContacts) if (store.contacts.byPk(pk)) contacts.reindex(pk);
    for (const r of owners) (r.entity_type === 'contact' ? contacts : companies).refreshSyncState(r.entity_id);
    for (const id of touched.contacts) contacts.refreshSyncState(id);
    for (const id of touched.companies) companies.refreshSyncState(id);
    return { ...out, touched };
  }

  /**
   * A company it created that someone else uses now, so that deleting it in Intercom would take
   * more than the import: changed since (an entry about it not the import's), or linked to a
   * contact the import neither created nor linked to it. Such a company stays; its links go.
   */
  private companyInUse(row: { pk: number; id: string }): boolean {
    const own = this.entriesOf(row.id);
    const first = own[0]?.seq ?? 0;
    const ownSeqs = new Set(own.map((e) => e.seq));
    if (this.store.imports.entriesAfter(row.id, first).some((e) => !ownSeqs.has(e.seq) && e.status !== 'failed')) return true;
    const linkedByImport = new Set([...this.g.createdContacts.map((c) => c.pk), ...this.g.links.filter(([, co]) => co === row.pk).map(([c]) => c)]);
    return this.store.companies.contactPks(row.pk).some((pk) => !linkedByImport.has(pk));
  }

  /** Whether Intercom may have the link the import made (its entry went), or a later link or unlink of the pair waits. */
  /** As linkSent, for a tag the import put on. */
  private tagSent(contactId: string, tagId: string): 'unsent' | 'sent' {
    const mine = this.entriesOf(contactId).filter((e) => e.op === 'contact.tag' && parse(e).tagId === tagId);
    if (mine.length === 0 || mine.some(reached)) return 'sent';
    const own = new Set(this.entriesOf(contactId).map((e) => e.seq));
    const later = this.store.imports
      .entriesAfter(contactId, mine[0]!.seq)
      .some((e) => !own.has(e.seq) && e.status !== 'failed' && (e.op === 'contact.tag' || e.op === 'contact.untag') && parse(e).tagId === tagId);
    return later ? 'sent' : 'unsent';
  }

  private linkSent(contactId: string, companyId: string): 'unsent' | 'sent' {
    const mine = this.entriesOf(contactId).filter((e) => e.op === 'company.link' && parse(e).companyId === companyId);
    if (mine.length === 0 || mine.some(reached)) return 'sent';
    const own = new Set(this.entriesOf(contactId).map((e) => e.seq));
    const later = this.store.imports
      .entriesAfter(contactId, mine[0]!.seq)
      .some((e) => !own.has(e.seq) && e.status !== 'failed' && (e.op === 'company.link' || e.op === 'company.unlink') && parse(e).companyId === companyId);
    return later ? 'sent' : 'unsent';
  }

  /**
   * The values the import's entries of a record wrote, later entries winning; and which of them
   * reached Intercom (or may have).
   */
  private written(mine: readonly ImportEntry[], fields: Record<string, unknown>) {
    const values = new Map<string, unknown>();
    const attrs = new Map<string, unknown>();
    const sent = new Set<string>();
    for (const e of mine) {
      const p = parse(e);
      if (e.op.endsWith('.setStage')) {
        values.set('stage', p.stage ?? null);
        if (reached(e)) sent.add('stage');
      } else if (e.op.endsWith('.update')) {
        for (const k of Object.keys(fields)) {
          if (k === 'stage' || !Object.hasOwn(p, k)) continue;
          values.set(k, p[k]);
          if (reached(e)) sent.add(k);
        }
        if (p.customAttributes && typeof p.customAttributes === 'object') {
          for (const [k, v] of Object.entries(p.customAttributes as Record<string, unknown>)) {
            attrs.set(k, v);
            if (reached(e)) sent.add(`attr:${k}`);
          }
        }
      }
    }
    return { values, attrs, sent };
  }

  /** Fields later entries (not the import's) carry: changed since by someone here. */
  private laterFields(id: string, mine: readonly ImportEntry[]): Set<string> {
    const out = new Set<string>();
    const own = new Set(mine.map((e) => e.seq));
    for (const e of this.store.imports.entriesAfter(id, mine[0]?.seq ?? this.firstSeq)) {
      if (own.has(e.seq) || e.status === 'failed') continue;
      const p = parse(e);
      if (e.op.endsWith('.setStage') || e.op === 'contact.signUp') out.add('stage');
      for (const k of Object.keys(p)) if (k !== 'customAttributes' && k !== 'from') out.add(k);
      if (p.customAttributes && typeof p.customAttributes === 'object') for (const k of Object.keys(p.customAttributes)) out.add(`attr:${k}`);
      if (e.op === 'company.link' || e.op === 'company.unlink') out.add(`link:${String(p.companyId)}`);
    }
    return out;
  }

  private restoreContact(snap: RowSnapshot, o: { at: number }, undoActor: string, out: RollbackOutcome): 'exact' | 'fields' {
    const { store, contacts } = this;
    const row = store.contacts.byPk(snap.pk as number);
    if (!row) return 'fields';
    const id = row.id;
    const mine = this.entriesOf(id);
    const { values, attrs, sent } = this.written(mine, CONTACT_FIELDS);
    const later = this.laterFields(id, mine);
    const current = row as unknown as Record<string, unknown>;
    const curAttrs = JSON.parse(row.custom_attributes) as Record<string, unknown>;
    const beforeAttrs = JSON.parse(snap.custom_attributes as string) as Record<string, unknown>;
    const unchanged =
      [...values].every(([k, v]) => current[CONTACT_FIELDS[k]!.column] === v) && [...attrs].every(([k, v]) => (curAttrs[k] ?? null) === v);
    const sameRemote = row.intercom_id === snap.intercom_id && store.sync.contactBase(id) === (snap.sync_base ?? null);
    if (unchanged && later.size === 0 && sameRemote && !mine.some(reached)) return 'exact';

    const label = row.name ?? row.email ?? 'a contact';
    const write: Record<string, string | number | null> = {};
    const payload: Record<string, unknown> = {};
    let stage: { to: ContactStage; queue: boolean } | null = null;
    for (const [k, v] of values) {
      const f = CONTACT_FIELDS[k]!;
      const before = snap[f.column] ?? null;
      if (current[f.column] !== v) {
        out.kept.push({ record: label, field: f.words, why: 'changed since, kept' });
        continue;
      }
      if (before === v) continue;
      if (f.identity && sent.has(k)) {
        out.kept.push({ record: label, field: f.words, why: 'Intercom keeps it once it has it, so it stays' });
        continue;
      }
      const compensate = !f.local && (sent.has(k) || later.has(k));
      if (k === 'stage') stage = { to: before as ContactStage, queue: compensate };
      else {
        write[k] = before as string | null;
        if (compensate) payload[k] = before;
      }
    }
    const attrBack = putBackAttributes({ attrs, current: curAttrs, before: beforeAttrs, stored: row.custom_attributes, label, kept: out.kept, reached: (k) => sent.has(k) || later.has(k) });
    if (attrBack.json !== null) write.customAttributes = attrBack.json;
    if (attrBack.payload) payload.customAttributes = attrBack.payload;
    const changes = Object.keys(write).length > 0;
    if (changes) {
      const queue = Object.keys(payload).length > 0;
      contacts.update(row, write, payload, { at: o.at, adopt: false, queue });
      if (queue) out.queued++;
    }
    if (stage) {
      contacts.setStage(row, stage.to, { at: o.at, actor: undoActor, queue: stage.queue });
      if (stage.queue) out.queued++;
    }
    if (changes || stage) out.recordsRestored++;
    return 'fields';
  }

  private restoreCompany(snap: RowSnapshot, o: { at: number }, undoActor: string, out: RollbackOutcome): 'exact' | 'fields' {
    const { store, companies } = this;
    const row = store.companies.byPk(snap.pk as number);
    if (!row) return 'fields';
    const mine = this.entriesOf(row.id);
    const { values, attrs, sent } = this.written(mine, COMPANY_FIELDS);
    const later = this.laterFields(row.id, mine);
    const current = row as unknown as Record<string, unknown>;
    const curAttrs = JSON.parse(row.custom_attributes) as Record<string, unknown>;
    const beforeAttrs = JSON.parse(snap.custom_attributes as string) as Record<string, unknown>;
    const unchanged =
      [...values].every(([k, v]) => current[COMPANY_FIELDS[k]!.column] === v) && [...attrs].every(([k, v]) => (curAttrs[k] ?? null) === v);
    const sameRemote = row.intercom_id === snap.intercom_id && store.sync.companyBase(row.id) === (snap.sync_base ?? null);
    if (unchanged && later.size === 0 && sameRemote && !mine.some(reached)) return 'exact';

    const label = row.name;
    const write: Record<string, string | number | null> = {};
    const payload: Record<string, unknown> = {};
    let stage: { to: CompanyStage | null; queue: boolean } | null = null;
    for (const [k, v] of values) {
      const f = COMPANY_FIELDS[k]!;
      const before = snap[f.column] ?? null;
      if (current[f.column] !== v) {
        out.kept.push({ record: label, field: f.words, why: 'changed since, kept' });
        continue;
      }
      if (before === v) continue;
      if (f.identity && sent.has(k)) {
        out.kept.push({ record: label, field: f.words, why: 'Intercom keeps it once it has it, so it stays' });
        continue;
      }
      const compensate = sent.has(k) || later.has(k);
      if (k === 'stage') stage = { to: before as CompanyStage | null, queue: compensate };
      else {
        write[k] = before as string | number | null;
        if (compensate) payload[k] = before;
      }
    }
    const attrBack = putBackAttributes({ attrs, current: curAttrs, before: beforeAttrs, stored: row.custom_attributes, label, kept: out.kept, reached: (k) => sent.has(k) || later.has(k) });
    if (attrBack.json !== null) write.customAttributes = attrBack.json;
    if (attrBack.payload) payload.customAttributes = attrBack.payload;
    const changes = Object.keys(write).length > 0;
    if (changes) {
      const queue = Object.keys(payload).length > 0;
      companies.update(row, write, payload, { at: o.at, queue });
      if (queue) out.queued++;
    }
    if (stage) {
      companies.setStage(row, stage.to, { at: o.at, actor: undoActor, queue: stage.queue });
      if (stage.queue) out.queued++;
    }
    if (changes || stage) out.recordsRestored++;
    return 'fields';
  }
}

/** The outcome in words, for the job and the screen. */
export function describeOutcome(o: RollbackOutcome): string {
  const parts: string[] = [];
  if (o.contactsRemoved > 0) {
    parts.push(
      `${o.contactsRemoved.toLocaleString('en')} ${o.contactsRemoved === 1 ? 'contact' : 'contacts'} it created removed` +
        (o.contactsArchived > 0 ? ` (${o.contactsArchived.toLocaleString('en')} archived in Intercom)` : ''),
    );
  }
  if (o.recordsRestored > 0) parts.push(`${o.recordsRestored.toLocaleString('en')} ${o.recordsRestored === 1 ? 'record' : 'records'} put back`);
  if (o.companiesRemoved > 0) {
    parts.push(
      `${o.companiesRemoved.toLocaleString('en')} ${o.companiesRemoved === 1 ? 'company' : 'companies'} it created removed` +
        (o.companiesDeleted > 0 ? ` (${o.companiesDeleted.toLocaleString('en')} deleted in Intercom)` : ''),
    );
  }
  if (o.companiesKept.length > 0) {
    parts.push(
      `${o.companiesKept.length.toLocaleString('en')} ${o.companiesKept.length === 1 ? 'company' : 'companies'} it created kept, as ${o.companiesKept.length === 1 ? 'it was' : 'they were'} changed or linked to other contacts since (the contacts it linked to them are unlinked): ${o.companiesKept.join(', ')}`,
    );
  }
  if (o.kept.length > 0) parts.push(`${o.kept.length.toLocaleString('en')} ${o.kept.length === 1 ? 'field' : 'fields'} changed since kept`);
  if (o.eventsInIntercom > 0) {
    parts.push(`${o.eventsInIntercom.toLocaleString('en')} ${o.eventsInIntercom === 1 ? 'event stays' : 'events stay'} in Intercom, which cannot remove events`);
  }
  return parts.length > 0 ? `Rolled back: ${parts.join('; ')}.` : 'Rolled back: nothing was left to undo.';
}
