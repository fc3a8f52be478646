// The change journal and its undo. Services record every change a person makes in the same
// transaction as the change (`begin` before the writes, `record` after); `undo` takes one back,
// field by field: a value still as the change left it goes back (its entry withdrawn while
// Intercom has not got it, a compensating entry queued once it has), a value changed since stays
// and is listed. `list` and `undo` decide through the same `plan`, so undo is offered exactly
// where it will be done.
import type { MethodOutput, ParsedInput } from '../../../shared/api';
import type { ChangeKind, ChangeRecord } from '../../../shared/api/changes';
import type { CompanyStage, ContactStage, EntityType } from '../../../shared/domain';
import { AppError } from '../../../shared/errors';
import type { ChangeEntryRow, ChangeFieldRow, ChangeRow, JournalMark } from '../db/ChangeRepository';
import type { CompanyWrite } from '../db/CompanyRepository';
import type { ContactWrite, FunnelSnapshot } from '../db/ContactRepository';
import { iso, isoOrNull, type CompanyRow, type ContactRow } from '../db/rows';
import { CompanyWriter } from '../records/CompanyWriter';
import { ContactWriter } from '../records/ContactWriter';
import { releaseVisitorEvents } from '../records/recordEvent';
import { TagWriter } from '../records/TagWriter';
import type { ServiceContext } from '../ServiceContext';
import { FIELD, fieldLabel, listWords } from './changeWords';
import { mergeUndoPlan, undoMerge } from './mergeUndo';

/** One field of one record as a change moved it (values as the API names them; links 'linked' / 'unlinked'). */
export interface FieldChange {
  type: EntityType;
  id: string;
  field: string;
  before: unknown;
  after: unknown;
}

export interface ChangeDraft {
  kind: Exclude<ChangeKind, 'undo'>;
  summary: string;
  records: { type: EntityType; id: string; label: string }[];
  fields: FieldChange[];
}

/** Where the journal stood when a change began, and the funnel columns it may move. */
export interface Started {
  mark: JournalMark;
  funnel: FunnelSnapshot[];
}

/** What an undo does to one field. */
interface FieldPlan {
  f: ChangeFieldRow;
  before: unknown;
  after: unknown;
  record: string;
  label: string;
  /** Why it stays as it is (words), or null: it goes back. */
  keep: string | null;
  entry: ChangeEntryRow | undefined;
  /** A compensating entry is queued (Intercom has the change, or will get a later one). */
  compensate: boolean;
}

interface UndoPlan {
  blocked: string | null;
  fields: FieldPlan[];
  withdraw: ChangeEntryRow[];
  funnel: ChangeFieldRow[];
}

/** A change of many records lists its first ones and their history rows (all stay findable by record). */
const RECORDS_LISTED = 50;

const reached = (e: ChangeEntryRow | undefined) => e !== undefined && (e.status === 'done' || e.status === 'in_flight');
const parse = (json: string | null): unknown => (json === null ? null : JSON.parse(json));
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const attrs = (json: string): Record<string, unknown> => JSON.parse(json) as Record<string, unknown>;

const CONTACT_COLUMNS: Record<string, keyof ContactRow> = {
  stage: 'stage',
  role: 'role',
  email: 'email',
  name: 'name',
  phone: 'phone',
  visitorId: 'visitor_id',
  externalId: 'external_id',
  unsubscribedFromEmails: 'unsubscribed_from_emails',
  ownerId: 'owner_id',
};
/** Contact fields the API gives as booleans and the row keeps as 0 or 1. */
const CONTACT_FLAGS = new Set(['unsubscribedFromEmails']);
const COMPANY_COLUMNS: Record<string, keyof CompanyRow> = {
  stage: 'stage',
  name: 'name',
  plan: 'plan',
  monthlySpend: 'monthly_spend',
  externalId: 'external_id',
};

/** The outbox ops that carry a field of a record (the change's own entry, or a later one). */
function opsOf(type: EntityType, field: string): readonly string[] {
  if (field === FIELD.created) return [type === 'contact' ? 'contact.create' : 'company.create'];
  if (field.startsWith('link:')) return ['company.link', 'company.unlink'];
  if (field.startsWith('note:')) return ['contact.note'];
  if (field.startsWith('tag:')) return [`${type}.tag`, `${type}.untag`];
  if (type === 'contact') {
    if (field === 'stage') return ['contact.setStage', 'contact.signUp'];
    if (field === 'role') return ['contact.signUp'];
    if (field === 'externalId') return ['contact.update', 'contact.signUp'];
    if (field === FIELD.archived) return ['contact.setArchived'];
    return ['contact.update'];
  }
  return field === 'stage' ? ['company.setStage'] : ['company.update'];
}

function entryCarries(e: ChangeEntryRow, type: EntityType, field: string): boolean {
  if (!opsOf(type, field).includes(e.op)) return false;
  const payload = JSON.parse(e.payload) as Record<string, unknown>;
  if (field.startsWith('link:')) return payload.companyId === field.slice('link:'.length);
  if (field.startsWith('note:')) return payload.noteId === field.slice('note:'.length);
  if (field.startsWith('tag:')) return payload.tagId === field.slice('tag:'.length);
  if (field.startsWith('attr:')) return Object.hasOwn((payload.customAttributes ?? {}) as object, field.slice('attr:'.length));
  if (field === 'stage' || field === FIELD.created || e.op === 'contact.signUp') return true;
  return Object.hasOwn(payload, field);
}

export class ChangeService {
  private readonly contactWriter: ContactWriter;
  private readonly companyWriter: CompanyWriter;
  private readonly tagWriter: TagWriter;

  constructor(private readonly ctx: ServiceContext) {
    this.contactWriter = new ContactWriter(ctx.store);
    this.companyWriter = new CompanyWriter(ctx.store);
    this.tagWriter = new TagWriter(ctx.store);
  }

  // ---- the journal ------------------------------------------------------------------------------

  /** Call inside the change's transaction before its writes; `contactPks`: contacts whose funnel position it may move. */
  begin(contactPks: readonly number[] = []): Started {
    const { changes } = this.ctx.store;
    return { mark: changes.mark(), funnel: changes.funnel(contactPks) };
  }

  /** Call inside the same transaction after the writes. Returns the journalled change. */
  record(started: Started, draft: ChangeDraft, undoOf: string | null = null): ChangeRow {
    const { store } = this.ctx;
    const end = store.changes.mark();
    const n = store.changes.insert({
      id: this.ctx.newId(),
      kind: undoOf ? 'undo' : draft.kind,
      summary: draft.summary,
      actor: this.ctx.actor,
      created_at: this.ctx.now(),
      after_seq: started.mark.seq,
      last_seq: end.seq,
      after_history: started.mark.history,
      last_history: end.history,
      undo_of: undoOf,
    });
    for (const r of draft.records) store.changes.addRecord(n, { entity_type: r.type, entity_id: r.id, label: r.label });
    for (const f of draft.fields) {
      store.changes.addField(n, {
        entity_type: f.type,
        entity_id: f.id,
        field: f.field,
        before: JSON.stringify(f.before ?? null),
        after: JSON.stringify(f.after ?? null),
      });
    }
    const after = new Map(store.changes.funnel(started.funnel.map((s) => s.pk)).map((s) => [s.pk, s]));
    for (const before of started.funnel) {
      const now = after.get(before.pk);
      if (!now || sameFunnel(now, before)) continue;
      store.changes.addField(n, { entity_type: 'contact', entity_id: before.id, field: FIELD.funnel, before: JSON.stringify(before), after: JSON.stringify(now) });
    }
    return store.changes.byN(n)!;
  }

  /** After the change's transaction commits: the renderer offers its undo. */
  announce(row: ChangeRow | null): void {
    if (row) this.ctx.hub.emit('change', this.toRecord(row));
  }

  // ---- reading ----------------------------------------------------------------------------------

  list(q: ParsedInput<'changes.list'>): MethodOutput<'changes.list'> {
    const page = this.ctx.store.changes.list({ entityType: q.entityType, entityId: q.entityId, limit: q.limit, offset: q.offset ?? 0 });
    return { items: page.rows.map((r) => this.toRecord(r, q.entityId ?? null)), total: page.total };
  }

  /** The journalled change as the API gives it (its undo offer decided now). */
  recordOf(row: ChangeRow): ChangeRecord {
    return this.toRecord(row);
  }

  /** `about`: the record the list is about (its history rows are the ones given). */
  private toRecord(r: ChangeRow, about: string | null = null): ChangeRecord {
    const { changes } = this.ctx.store;
    const blocked = this.plan(r).blocked;
    return {
      id: r.id,
      kind: r.kind as ChangeKind,
      summary: r.summary,
      actor: r.actor,
      createdAt: iso(r.created_at),
      undoneAt: isoOrNull(r.undone_at),
      undoable: blocked === null,
      undoBlockedReason: blocked,
      records: changes.records(r.n, RECORDS_LISTED).map((x) => ({ type: x.entity_type, id: x.entity_id, label: x.label })),
      historyIds: changes.historyIds(r.after_history, r.last_history, about, RECORDS_LISTED),
    };
  }

  // ---- the plan: what an undo would do, decided once for the list and the undo ------------------

  /** `forUndo`: also decide which fields need a compensating entry (the list only needs the verdict). */
  private plan(row: ChangeRow, forUndo = false): UndoPlan {
    const none = (blocked: string): UndoPlan => ({ blocked, fields: [], withdraw: [], funnel: [] });
    if (row.undo_of !== null) return none('an undo cannot itself be undone; make the change again instead');
    if (row.undone_at !== null) return none('already undone');
    if (row.kind === 'contact.delete') return none('a deleted contact cannot be brought back');
    const { store } = this.ctx;
    // a merge goes back whole, not field by field (mergeUndo.ts)
    if (row.kind === 'contact.merge') return { ...mergeUndoPlan(store, row), fields: [], funnel: [] };
    const entries = store.changes.entries(row.after_seq, row.last_seq);
    const entriesOf = new Map<string, ChangeEntryRow[]>();
    for (const e of entries) entriesOf.set(e.entity_id, [...(entriesOf.get(e.entity_id) ?? []), e]);
    const labels = new Map(store.changes.records(row.n).map((r) => [`${r.entity_type}:${r.entity_id}`, r.label]));
    const all = store.changes.fields(row.n);
    const contacts = new Map<string, ContactRow | undefined>();
    const companies = new Map<string, CompanyRow | undefined>();
    const contact = (id: string) => (contacts.has(id) ? contacts.get(id) : contacts.set(id, store.contacts.byId(id)).get(id));
    const company = (id: string) => (companies.has(id) ? companies.get(id) : companies.set(id, store.companies.byId(id)).get(id));
    const companyName = (id: string) => company(id)?.name ?? 'a removed company';

    const fields: FieldPlan[] = [];
    for (const f of all) {
      if (f.field === FIELD.funnel) continue;
      const rec = f.entity_type === 'contact' ? contact(f.entity_id) : company(f.entity_id);
      const stored = labels.get(`${f.entity_type}:${f.entity_id}`) ?? 'a record';
      const record = !rec ? stored : f.entity_type === 'company' ? (rec as CompanyRow).name : ((rec as ContactRow).name ?? (rec as ContactRow).email ?? stored);
      const p: FieldPlan = {
        f,
        before: parse(f.before),
        after: parse(f.after),
        record,
        label: fieldLabel(f.entity_type, f.field, companyName, (id) => store.tags.byId(id)?.name ?? 'a removed tag'),
        keep: null,
        entry: entriesOf.get(f.entity_id)?.find((e) => entryCarries(e, f.entity_type, f.field)),
        compensate: false,
      };
      if (!rec) p.keep = 'no longer exists';
      else if (f.field === FIELD.created) p.keep = this.createdKeep(row, f, rec, contact);
      else if (!same(this.current(f, rec), p.after)) p.keep = 'changed since';
      else if (f.field.startsWith('link:') && !company(f.field.slice('link:'.length))) p.keep = 'the company no longer exists';
      else if (f.field.startsWith('tag:') && !store.tags.byId(f.field.slice('tag:'.length))) p.keep = 'the tag no longer exists';
      else p.keep = this.identityKeep(f, p.before, rec);
      fields.push(p);
    }

    // a note Intercom has (or is being sent) stays: Intercom cannot delete or edit a note
    for (const p of fields) {
      if (!p.f.field.startsWith('note:') || p.keep !== null) continue;
      const reached = this.noteReached(p.f.field.slice('note:'.length));
      if (reached) return none(reached);
    }

    // what cannot be taken back at all
    const created = fields.find((p) => p.f.field === FIELD.created);
    if (row.kind === 'contact.create' || row.kind === 'company.create') {
      if (!created) return none('there is nothing to undo');
      if (created.keep === 'no longer exists') return none(`${created.record} no longer exists`);
      if (created.keep) return none(`${created.record} ${created.keep}`);
    }
    // a record Intercom has (or is being sent) goes there too: a contact archived (contact.archive),
    // a company deleted (company.delete), as the writers' archiveCreated and removeCreated decide
    for (const p of fields) {
      if (p.f.field !== FIELD.created || p.keep !== null) continue;
      const rec = p.f.entity_type === 'contact' ? contact(p.f.entity_id) : company(p.f.entity_id);
      if (rec) p.compensate = reached(p.entry) || rec.intercom_id !== null || store.sync.hasInFlight(rec.id) || store.sync.hasSentWaiting(rec.id);
    }
    if (row.kind === 'contact.signUp') {
      const person = fields.find((p) => p.f.entity_type === 'contact' && p.f.field === 'stage') ?? fields.find((p) => p.f.entity_type === 'contact');
      const who = person?.record ?? labels.values().next().value ?? 'this contact';
      // a company the sign-up created is deleted in Intercom if it got there; the person cannot go back
      if (entries.some((e) => e.entity_type === 'contact' && reached(e))) return none(`the sign-up of ${who} already reached Intercom, which cannot turn a user back into a lead`);
      const changedSince = fields.find((p) => p.f.entity_type === 'contact' && ['stage', 'role', 'externalId'].includes(p.f.field) && p.keep);
      if (changedSince) return none(`${who} was changed since the sign-up; undo those changes first`);
    }

    const restoring = fields.filter((p) => p.keep === null);
    if (restoring.length === 0) {
      const kept = fields.map((p) => `${p.label} of ${p.record}`);
      return none(`nothing left to undo: ${listWords(kept)} ${fields.some((p) => p.keep === 'changed since') ? 'changed again since' : 'can no longer be put back'}`);
    }

    // an entry goes (Intercom never gets it) when it has not reached Intercom and all it carries goes back
    const carried = new Map<number, FieldPlan[]>();
    for (const p of fields) if (p.entry) carried.set(p.entry.seq, [...(carried.get(p.entry.seq) ?? []), p]);
    // but those of a created record Intercom may have: its writer's removal withdraws them itself,
    // after it has seen that a create went out (its answer lost) and queued the archive or delete
    const removing = new Set(fields.filter((p) => p.f.field === FIELD.created && p.keep === null && p.compensate).map((p) => p.f.entity_id));
    const withdraw = entries.filter(
      (e) => !reached(e) && !removing.has(e.entity_id) && (carried.get(e.seq) ?? []).length > 0 && carried.get(e.seq)!.every((p) => p.keep === null),
    );
    const withdrawn = new Set(withdraw.map((e) => e.seq));
    const later = new Map<string, ChangeEntryRow[]>();
    for (const e of forUndo ? store.changes.laterEntries(row.n, row.last_seq) : []) later.set(e.entity_id, [...(later.get(e.entity_id) ?? []), e]);
    for (const p of forUndo ? restoring : []) {
      if (p.f.field === FIELD.created || p.f.field.startsWith('note:') || (row.kind === 'contact.signUp' && p.f.entity_type === 'contact' && p.f.field !== 'stage' && !p.f.field.startsWith('link:'))) continue;
      const ownStays = p.entry !== undefined && !withdrawn.has(p.entry.seq);
      // an entry after the change carries this field: the local value alone would not reach Intercom
      p.compensate = ownStays || (later.get(p.f.entity_id)?.some((e) => entryCarries(e, p.f.entity_type, p.f.field)) ?? false);
    }
    return { blocked: null, fields, withdraw, funnel: all.filter((f) => f.field === FIELD.funnel) };
  }

  /** Why a record the change created cannot go with the undo (null: it can). */
  private createdKeep(row: ChangeRow, f: ChangeFieldRow, rec: ContactRow | CompanyRow, contact: (id: string) => ContactRow | undefined): string | null {
    const { store } = this.ctx;
    if (store.changes.laterChanges(f.entity_id, row.n) > 0) return 'was changed after it was created; undo those changes first';
    if (f.entity_type === 'company') {
      // the sign-up's own contact may be linked to it; anyone else means it is in use
      const own = store.changes.records(row.n).filter((r) => r.entity_type === 'contact').map((r) => contact(r.entity_id)?.pk);
      if (store.companies.contactPks((rec as CompanyRow).pk).some((pk) => !own.includes(pk))) return 'has other people linked to it now';
    }
    return null;
  }

  /** A value that cannot go back because another record holds it now (ids are unique). */
  private identityKeep(f: ChangeFieldRow, before: unknown, rec: ContactRow | CompanyRow): string | null {
    if (typeof before !== 'string') return null;
    const { store } = this.ctx;
    if (f.entity_type === 'contact' && (f.field === 'externalId' || f.field === 'visitorId')) {
      const other = f.field === 'externalId' ? store.contacts.byExternalId(before) : store.contacts.byVisitorId(before);
      if (other && other.id !== rec.id) return `another contact (${other.name ?? other.email ?? 'unnamed'}) has it now`;
    }
    if (f.entity_type === 'company' && f.field === 'externalId') {
      const other = store.companies.byExternalId(before);
      if (other && other.id !== rec.id) return `another company (${other.name}) has it now`;
      if ((rec as CompanyRow).intercom_id) return 'Intercom does not let a company id change';
    }
    return null;
  }

  /** Why a note's change cannot be taken back because Intercom has the note, or null. */
  private noteReached(noteId: string): string | null {
    const note = this.ctx.store.notes.byId(noteId);
    if (!note) return null;
    if (note.intercom_id !== null || note.entry_status === 'done') {
      return 'the note already reached Intercom, and Intercom has no way to delete or edit a note (its API only creates, lists and reads them)';
    }
    if (note.entry_status === 'in_flight') return 'the note is being sent to Intercom right now, and Intercom has no way to delete or edit a note once it has it';
    if (note.entry_status === 'pending' && (note.entry_attempts ?? 0) > 0) {
      return 'the note was sent to Intercom once without an answer, so Intercom may have it, and Intercom has no way to delete or edit a note';
    }
    return null;
  }

  private current(f: ChangeFieldRow, rec: ContactRow | CompanyRow): unknown {
    if (f.field.startsWith('note:')) return this.ctx.store.notes.byId(f.field.slice('note:'.length))?.body ?? null;
    if (f.entity_type === 'contact' && f.field === FIELD.archived) return (rec as ContactRow).archived_at !== null;
    if (f.field.startsWith('attr:')) return attrs(rec.custom_attributes)[f.field.slice('attr:'.length)] ?? null;
    if (f.field.startsWith('link:')) {
      const co = this.ctx.store.companies.byId(f.field.slice('link:'.length));
      const linked = co !== undefined && this.ctx.store.companies.contactPks(co.pk).includes(rec.pk);
      return linked ? 'linked' : 'unlinked';
    }
    if (f.field.startsWith('tag:')) {
      const tag = this.ctx.store.tags.byId(f.field.slice('tag:'.length));
      return tag && this.ctx.store.tags.has(f.entity_type, rec.pk, tag.pk) ? 'tagged' : 'untagged';
    }
    const column = f.entity_type === 'contact' ? CONTACT_COLUMNS[f.field] : COMPANY_COLUMNS[f.field];
    if (f.entity_type === 'contact' && CONTACT_FLAGS.has(f.field) && column) return (rec as unknown as Record<string, unknown>)[column] === 1;
    return column ? ((rec as unknown as Record<string, unknown>)[column] ?? null) : null;
  }

  // ---- undo -------------------------------------------------------------------------------------

  undo({ id }: ParsedInput<'changes.undo'>): MethodOutput<'changes.undo'> {
    const { store } = this.ctx;
    const touched = { contact: new Set<string>(), company: new Set<string>() };
    const result = store.transaction(() => {
      const row = store.changes.byId(id);
      if (!row) throw new AppError('NOT_FOUND', 'This change is no longer in the list of recent actions', { field: 'id' });
      const plan = this.plan(row, true);
      if (plan.blocked) throw new AppError('CONFLICT', `This change cannot be undone: ${plan.blocked}`, { field: 'id' });
      const started = this.begin();
      const at = this.ctx.now();
      const undoActor = `${this.ctx.actor} (undo)`;
      // read before the undo's own writes move the funnel columns through the triggers
      const funnelNow = new Map(
        store.changes.funnel(plan.funnel.map((f) => store.contacts.byId(f.entity_id)?.pk).filter((pk): pk is number => pk !== undefined)).map((s) => [s.id, s]),
      );

      this.contactWriter.withdrawEntries(plan.withdraw.filter((e) => e.entity_type === 'contact').map((e) => e.seq));
      this.companyWriter.withdrawEntries(plan.withdraw.filter((e) => e.entity_type === 'company').map((e) => e.seq));
      if (row.kind === 'contact.merge') for (const c of undoMerge(store, this.contactWriter, row)) touched.contact.add(c);

      const restoring = plan.fields.filter((p) => p.keep === null);
      const byRecord = { contact: new Map<string, FieldPlan[]>(), company: new Map<string, FieldPlan[]>() };
      for (const p of restoring) {
        const group = byRecord[p.f.entity_type];
        const fields = group.get(p.f.entity_id);
        if (fields) fields.push(p);
        else group.set(p.f.entity_id, [p]);
        touched[p.f.entity_type].add(p.f.entity_id);
      }
      // companies first: a created company goes before its links' contacts are put back
      for (const [companyId, fields] of byRecord.company) this.restoreCompany(companyId, fields, at, undoActor, touched);
      for (const [contactId, fields] of byRecord.contact) this.restoreContact(contactId, fields, at, undoActor);

      // the funnel columns: back to before, unless something else moved them since
      const companyStageBack = restoring.some((p) => p.f.entity_type === 'company' && p.f.field === 'stage');
      for (const f of plan.funnel) {
        const now = funnelNow.get(f.entity_id);
        if (!now || !sameFunnel(now, JSON.parse(f.after!) as FunnelSnapshot)) continue;
        if (!touched.contact.has(f.entity_id) && !companyStageBack) continue;
        const row2 = store.contacts.byId(f.entity_id);
        if (!row2) continue;
        const before = JSON.parse(f.before!) as FunnelSnapshot;
        this.contactWriter.restoreFunnel({ ...before, pk: row2.pk, id: row2.id, updated_at: row2.updated_at });
        touched.contact.add(f.entity_id);
      }

      store.changes.markUndone(row.n, at);
      const undoRow = this.record(
        started,
        {
          kind: row.kind as ChangeDraft['kind'],
          summary: `Undone: ${row.summary}`,
          records: store.changes.records(row.n).map((r) => ({ type: r.entity_type, id: r.entity_id, label: r.label })),
          fields: restoring.map((p) => ({ type: p.f.entity_type, id: p.f.entity_id, field: p.f.field, before: p.after, after: p.before })),
        },
        row.id,
      );
      const kept = plan.fields.filter((p) => p.keep !== null).map((p) => ({ record: p.record, field: p.label, why: p.keep! }));
      const archived = restoring.find((p) => p.f.field === FIELD.created && p.f.entity_type === 'contact' && p.compensate);
      const deleted = restoring.find((p) => p.f.field === FIELD.created && p.f.entity_type === 'company' && p.compensate);
      const compensated = restoring.some((p) => p.compensate);
      const message = [
        `Undone: ${row.summary}.`,
        archived
          ? `${archived.record} is archived in Intercom at the next sync.`
          : deleted
            ? `${deleted.record} is deleted in Intercom at the next sync.`
            : compensated
            ? 'Intercom gets the previous values at the next sync.'
            : 'Nothing of it had reached Intercom.',
        kept.length ? `Kept: ${kept.map((k) => `${k.field} of ${k.record} (${k.why})`).join('; ')}.` : '',
      ]
        .filter(Boolean)
        .join(' ');
      return { row: store.changes.byN(row.n)!, undoRow, restored: restoring.length, kept, message };
    });
    const op = 'change.revert';
    if (touched.contact.size > 0) this.ctx.hub.emit('changed', { entity: 'contact', ids: [...touched.contact], op });
    if (touched.company.size > 0) this.ctx.hub.emit('changed', { entity: 'company', ids: [...touched.company], op });
    this.ctx.hub.emit('changed', { entity: 'outbox', ids: [], op });
    const change = this.toRecord(result.row);
    this.ctx.hub.emit('change', change);
    this.announce(result.undoRow);
    return { change, restored: result.restored, kept: result.kept, message: result.message };
  }

  private restoreContact(id: string, fields: FieldPlan[], at: number, actor: string): void {
    const { store } = this.ctx;
    const w = this.contactWriter;
    let row = store.contacts.byId(id);
    if (!row) return;
    if (fields.some((p) => p.f.field === FIELD.created)) {
      // events it took over from a visitor go back to that visitor, as if it had never been captured
      releaseVisitorEvents(store, row.pk);
      // gone here; archived in Intercom when Intercom has it (or is being sent it), so no pull brings it back
      w.archiveCreated(row, { at });
      return;
    }
    for (const p of fields.filter((x) => x.f.field.startsWith('note:'))) {
      const noteId = p.f.field.slice('note:'.length);
      if (p.before === null) w.withdrawNote(noteId);
      else if (p.after === null) w.restoreNote(row, { id: noteId, body: p.before as string, author: this.ctx.actor, createdAt: at }, { at });
      else w.editNote(noteId, p.before as string, { at });
    }
    const stage = fields.find((p) => p.f.field === 'stage');
    if (stage) {
      w.setStage(row, stage.before as ContactStage, { at, actor, queue: stage.compensate });
      row = store.contacts.byId(id)!;
    }
    const write: ContactWrite = {};
    const payload: Record<string, unknown> = {};
    let attrsNow: Record<string, unknown> | null = null;
    const attrPayload: Record<string, unknown> = {};
    for (const p of fields) {
      const field = p.f.field;
      if (field === 'stage' || field.startsWith('link:') || field.startsWith('note:') || field.startsWith('tag:')) continue;
      if (field === FIELD.archived) {
        // an archive's undo is a restore (and a restore's an archive), in Intercom too once it had it
        w.setArchived(row, p.before === true, { at, queue: p.compensate });
        continue;
      }
      if (field.startsWith('attr:')) {
        attrsNow ??= attrs(row.custom_attributes);
        const key = field.slice('attr:'.length);
        if (p.before === null) delete attrsNow[key];
        else attrsNow[key] = p.before;
        attrPayload[key] = p.before;
        continue;
      }
      (write as Record<string, unknown>)[field] = p.before;
      payload[field] = p.before;
    }
    if (attrsNow) write.customAttributes = JSON.stringify(attrsNow);
    if (Object.keys(attrPayload).length > 0) payload.customAttributes = attrPayload;
    // one entry with every field put back, when any of them must reach Intercom
    const queue = fields.some((p) => p.compensate && p.f.field !== 'stage' && p.f.field !== FIELD.archived && !p.f.field.startsWith('link:') && !p.f.field.startsWith('tag:'));
    if (Object.keys(write).length > 0) w.update(row, write, payload, { at, adopt: false, queue });
    for (const p of fields.filter((x) => x.f.field.startsWith('link:'))) {
      const co = store.companies.byId(p.f.field.slice('link:'.length));
      if (!co) continue;
      if (p.before === 'linked') w.link(row, co, { at, queue: p.compensate });
      else w.unlink(row, co, { at, queue: p.compensate });
    }
    this.restoreTags('contact', row, fields, at);
  }

  /** Tags the change put on or took off, back as they were (an entry for Intercom when it has the change). */
  private restoreTags(type: EntityType, row: { pk: number; id: string }, fields: FieldPlan[], at: number): void {
    for (const p of fields.filter((x) => x.f.field.startsWith('tag:'))) {
      const tag = this.ctx.store.tags.byId(p.f.field.slice('tag:'.length));
      if (!tag) continue;
      if (p.before === 'tagged') this.tagWriter.tag(type, row, tag, { at, queue: p.compensate });
      else this.tagWriter.untag(type, row, tag, { at, queue: p.compensate });
    }
  }

  private restoreCompany(id: string, fields: FieldPlan[], at: number, actor: string, touched: { contact: Set<string> }): void {
    const { store } = this.ctx;
    const w = this.companyWriter;
    let row = store.companies.byId(id);
    if (!row) return;
    if (fields.some((p) => p.f.field === FIELD.created)) {
      // its links to the change's own contact go with it (those contacts' search entries follow);
      // deleted in Intercom when Intercom has it (or is being sent it), so no pull brings it back
      for (const pk of w.removeCreated(row, { at }).linked) {
        const c = store.contacts.byPk(pk);
        if (c) touched.contact.add(c.id);
      }
      return;
    }
    const stage = fields.find((p) => p.f.field === 'stage');
    if (stage) {
      w.setStage(row, stage.before as CompanyStage | null, { at, actor, queue: stage.compensate });
      row = store.companies.byId(id)!;
    }
    const write: CompanyWrite = {};
    const payload: Record<string, unknown> = {};
    let attrsNow: Record<string, unknown> | null = null;
    const attrPayload: Record<string, unknown> = {};
    for (const p of fields) {
      const field = p.f.field;
      if (field === 'stage' || field.startsWith('tag:')) continue;
      if (field.startsWith('attr:')) {
        attrsNow ??= attrs(row.custom_attributes);
        const key = field.slice('attr:'.length);
        if (p.before === null) delete attrsNow[key];
        else attrsNow[key] = p.before;
        attrPayload[key] = p.before;
        continue;
      }
      write[field as keyof CompanyWrite] = p.before as string | number | null;
      payload[field] = p.before;
    }
    if (attrsNow) write.customAttributes = JSON.stringify(attrsNow);
    if (Object.keys(attrPayload).length > 0) payload.customAttributes = attrPayload;
    const queue = fields.some((p) => p.compensate && p.f.field !== 'stage' && !p.f.field.startsWith('tag:'));
    if (Object.keys(write).length > 0) w.update(row, write, payload, { at, queue });
    this.restoreTags('company', row, fields, at);
  }
}

function sameFunnel(a: FunnelSnapshot, b: FunnelSnapshot): boolean {
  return (
    a.funnel_rank === b.funnel_rank &&
    a.funnel_max === b.funnel_max &&
    a.stage_entered_at === b.stage_entered_at &&
    a.signed_up_at === b.signed_up_at &&
    a.sql_at === b.sql_at &&
    a.customer_at === b.customer_at
  );
}
