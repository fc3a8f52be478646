// Contacts (leads and users): offline lead entry, edits, stage moves and the sign-up flow.
// Every change is one transaction: the row, its stage history and its outbox entries.
import type { MethodOutput, ParsedInput } from '../../../shared/api';
import { CONTACT_STAGE_RANK, EMAIL_OR_NAME, normalizeEmail, type Contact, type ContactRef, type CustomAttributes } from '../../../shared/domain';
import { AppError } from '../../../shared/errors';
import { fieldLabel } from '../../../shared/fieldLabels';
import type { ContactWrite } from '../db/ContactRepository';
import { type ContactRow, toContact, toContactRef } from '../db/rows';
import type { ServiceContext } from '../ServiceContext';
import { checkContactStageMove, stageLabel } from '../stages/stageRules';
import type { CompanyService } from '../companies/CompanyService';
import type { ChangeService, FieldChange } from '../changes/ChangeService';
import { editSummary, FIELD, words } from '../changes/changeWords';
import type { ChangeRow } from '../db/ChangeRepository';
import { ContactWriter } from '../records/ContactWriter';
import type { SegmentService } from '../segments/SegmentService';

const describe = (r: Pick<ContactRow, 'name' | 'email' | 'id'>) => r.name ?? r.email ?? r.id;

export class ContactService {
  private readonly writer: ContactWriter;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly companies: CompanyService,
    /** Reads the list when it is filtered by a segment or a rule. */
    private readonly segments: SegmentService,
    /** The journal every change here is recorded in, for its undo. */
    private readonly changes: ChangeService,
  ) {
    this.writer = new ContactWriter(ctx.store);
  }

  private mustGet(id: string, field = 'id'): ContactRow {
    const row = this.ctx.store.contacts.byId(id);
    if (!row) throw new AppError('NOT_FOUND', `There is no contact with id ${id}.`, { field });
    return row;
  }

  /** An archived contact is read-only (Intercom refuses changes to it) until restored. */
  private mustBeActive(row: ContactRow, field = 'id'): void {
    if (row.archived_at !== null) throw new AppError('CONFLICT', `${describe(row)} is archived; restore it first to change it.`, { field });
  }

  /** Refuses a visitor id or external id that already belongs to another contact. */
  private checkIdentity(fields: { visitorId?: string | null; externalId?: string | null }, selfId?: string): void {
    const { contacts } = this.ctx.store;
    const checks = [
      ['visitorId', 'visitor id', fields.visitorId, (v: string) => contacts.byVisitorId(v)],
      ['externalId', 'user id', fields.externalId, (v: string) => contacts.byExternalId(v)],
    ] as const;
    for (const [field, label, value, find] of checks) {
      if (!value) continue;
      const other = find(value);
      if (other && other.id !== selfId) {
        throw new AppError('CONFLICT', `Contact ${other.id} (${describe(other)}) already has ${label} ${value}.`, {
          field,
          details: { existingId: other.id },
        });
      }
    }
  }

  create(input: ParsedInput<'contacts.create'>): MethodOutput<'contacts.create'> {
    const { store, actor } = this.ctx;
    let journalled: ChangeRow | null = null;
    const result = store.transaction(() => {
      this.checkIdentity(input);
      const started = this.changes.begin();
      const id = this.ctx.newId();
      const at = this.ctx.now();
      const fields = {
        role: input.role,
        email: input.email ?? null,
        name: input.name ?? null,
        phone: input.phone ?? null,
        visitorId: input.visitorId ?? null,
        externalId: input.externalId ?? null,
        stage: input.stage,
        customAttributes: dropNulls(input.customAttributes ?? {}),
        ...(input.ownerId ? { ownerId: input.ownerId } : {}),
      };
      if (fields.ownerId) checkOwner(store, fields.ownerId, 'ownerId');
      // the website visits made before this lead was captured become its own (after its create in the outbox)
      const { pk, adopted } = this.writer.create(fields, { id, at, actor });
      const label = describe({ id, name: fields.name, email: fields.email });
      journalled = this.changes.record(started, {
        kind: 'contact.create',
        summary: `New ${fields.role === 'user' ? 'user' : 'lead'} ${label}`,
        records: [{ type: 'contact', id, label }],
        fields: [{ type: 'contact', id, field: FIELD.created, before: null, after: true }],
      });
      const sameEmail: ContactRef[] = fields.email ? store.contacts.byEmail(fields.email, id) : [];
      return { contact: toContact(store.contacts.byPk(pk)!), sameEmail, adopted };
    });
    this.ctx.hub.emit('changed', { entity: 'contact', ids: [result.contact.id], op: 'contact.create' });
    if (result.adopted > 0) this.ctx.hub.emit('changed', { entity: 'event', ids: [], op: 'contact.create' });
    this.changes.announce(journalled);
    return { contact: result.contact, sameEmail: result.sameEmail };
  }

  get(id: string): MethodOutput<'contacts.get'> {
    const { store } = this.ctx;
    const row = this.mustGet(id);
    return {
      ...toContact(row),
      companies: store.links.companiesOf(row.pk),
      history: store.history.forEntity(row.id),
      sameEmail: row.email ? store.contacts.byEmail(row.email, row.id) : [],
    };
  }

  list(q: ParsedInput<'contacts.list'>): MethodOutput<'contacts.list'> {
    // a segment or a rule is read through its compiled WHERE (exact total, offset pages)
    if (q.filter.segmentId || q.filter.rule) return this.segments.listContacts(q);
    const { store } = this.ctx;
    // "me" is who I am now; nobody yet: it matches no contact (an admin id is never empty)
    const owner = q.filter.owner?.map((o) => (o === 'me' ? (this.ctx.me ?? '') : o));
    const page = store.contacts.list(owner ? { ...q, filter: { ...q.filter, owner } } : q);
    const companies = store.links.companiesOfMany(page.rows.map((r) => r.pk));
    const tags = store.tags.namesOfMany('contact', page.rows.map((r) => r.pk));
    return {
      // Object.assign, not a spread: a page maps up to 500 rows and the copy is measurable
      items: page.rows.map((r) => Object.assign(toContact(r), { companies: companies.get(r.pk) ?? [], tags: tags.get(r.pk) ?? [] })),
      total: page.total,
      nextCursor: page.nextCursor,
    };
  }

  update({ id, patch }: ParsedInput<'contacts.update'>): Contact {
    const { store } = this.ctx;
    let changedAny = false;
    let adoptedEvents = 0;
    let journalled: ChangeRow | null = null;
    const contact = store.transaction(() => {
      const row = this.mustGet(id);
      this.mustBeActive(row);
      const current = toContact(row);
      const changes: Record<string, unknown> = {};
      const write: ContactWrite = {};
      for (const key of ['email', 'name', 'phone', 'visitorId', 'externalId', 'ownerId'] as const) {
        const next = patch[key];
        if (next === undefined || next === current[key]) continue;
        changes[key] = next;
        write[key] = next;
      }
      if (patch.unsubscribedFromEmails !== undefined && patch.unsubscribedFromEmails !== current.unsubscribedFromEmails) {
        changes.unsubscribedFromEmails = patch.unsubscribedFromEmails;
        write.unsubscribedFromEmails = patch.unsubscribedFromEmails;
      }
      if (typeof changes.ownerId === 'string') checkOwner(store, changes.ownerId, 'patch.ownerId');
      if (patch.customAttributes) {
        const merged = dropNulls({ ...current.customAttributes, ...patch.customAttributes });
        const delta = Object.fromEntries(
          Object.entries(patch.customAttributes).filter(([k, v]) => current.customAttributes[k] !== v && !(v === null && !Object.hasOwn(current.customAttributes, k))),
        );
        if (Object.keys(delta).length > 0) {
          changes.customAttributes = delta;
          write.customAttributes = JSON.stringify(merged);
        }
      }
      const email = 'email' in changes ? (changes.email as string | null) : current.email;
      const name = 'name' in changes ? (changes.name as string | null) : current.name;
      if (!email && !name) {
        const field = 'email' in changes ? 'email' : 'name';
        throw new AppError('VALIDATION', `${fieldLabel(field)}: ${EMAIL_OR_NAME.message}`, { field, details: { rule: EMAIL_OR_NAME.rule } });
      }
      if (Object.keys(changes).length === 0) return current;
      this.checkIdentity(changes as { visitorId?: string | null; externalId?: string | null }, id);
      const at = this.ctx.now();
      const started = this.changes.begin();
      // a visitor id given now brings that visitor's earlier events with it
      adoptedEvents = this.writer.update(row, write, changes, { at }).adopted;
      changedAny = true;
      const fields: FieldChange[] = [];
      for (const [key, next] of Object.entries(changes)) {
        if (key === 'customAttributes') continue;
        fields.push({ type: 'contact', id, field: key, before: current[key as keyof Contact], after: next });
      }
      for (const [key, next] of Object.entries((changes.customAttributes ?? {}) as CustomAttributes)) {
        fields.push({ type: 'contact', id, field: FIELD.attr(key), before: current.customAttributes[key] ?? null, after: next });
      }
      const label = describe(row);
      journalled = this.changes.record(started, {
        kind: 'contact.update',
        summary: editSummary('contact', fields.map((f) => f.field), label),
        records: [{ type: 'contact', id, label }],
        fields,
      });
      return toContact(store.contacts.byPk(row.pk)!);
    });
    if (changedAny) this.ctx.hub.emit('changed', { entity: 'contact', ids: [id], op: 'contact.update' });
    if (adoptedEvents > 0) this.ctx.hub.emit('changed', { entity: 'event', ids: [], op: 'contact.update' });
    this.changes.announce(journalled);
    return contact;
  }

  setStage({ id, stage, confirm }: ParsedInput<'contacts.setStage'>): Contact {
    const { store, actor } = this.ctx;
    let changed = false;
    let journalled: ChangeRow | null = null;
    const contact = store.transaction(() => {
      const row = this.mustGet(id);
      if (row.stage === stage) return toContact(row);
      this.mustBeActive(row);
      checkContactStageMove(row.stage, stage, describe(row), confirm);
      const started = this.changes.begin([row.pk]);
      this.writer.setStage(row, stage, { at: this.ctx.now(), actor });
      changed = true;
      const label = describe(row);
      journalled = this.changes.record(started, {
        kind: 'contact.setStage',
        summary: `Stage of ${label} set to ${stageLabel(stage)}`,
        records: [{ type: 'contact', id, label }],
        fields: [{ type: 'contact', id, field: 'stage', before: row.stage, after: stage }],
      });
      return toContact(store.contacts.byPk(row.pk)!);
    });
    if (changed) this.ctx.hub.emit('changed', { entity: 'contact', ids: [id], op: 'contact.setStage' });
    this.changes.announce(journalled);
    return contact;
  }

  /**
   * One stage for many contacts, in one transaction: all change or none. Demotions among them
   * need `confirm`; `dryRun` only counts, so the confirmation can say how many change.
   */
  setStageMany({ ids, stage, confirm, dryRun }: ParsedInput<'contacts.setStageMany'>): MethodOutput<'contacts.setStageMany'> {
    const { store, actor } = this.ctx;
    const changedIds: string[] = [];
    let journalled: ChangeRow | null = null;
    const result = store.transaction(() => {
      const seen = new Set<string>();
      const moves: ContactRow[] = [];
      let demotions = 0;
      let firstDemotion: ContactRow | null = null;
      ids.forEach((id, i) => {
        if (seen.has(id)) return;
        seen.add(id);
        const row = this.mustGet(id, `ids.${i}`);
        if (row.stage === stage) return;
        this.mustBeActive(row, `ids.${i}`);
        if (CONTACT_STAGE_RANK[stage] < CONTACT_STAGE_RANK[row.stage]) {
          demotions++;
          firstDemotion ??= row;
        }
        moves.push(row);
      });
      const counts = { changed: moves.length, unchanged: seen.size - moves.length, demotions };
      if (dryRun) return { ...counts, dryRun: true };
      if (firstDemotion && !confirm) {
        const r: ContactRow = firstDemotion;
        const what = demotions === 1 ? describe(r) : `${demotions.toLocaleString('en')} contacts`;
        checkContactStageMove(r.stage, stage, what, confirm);
      }
      const at = this.ctx.now();
      const started = this.changes.begin(moves.map((r) => r.pk));
      for (const row of moves) {
        this.writer.setStage(row, stage, { at, actor });
        changedIds.push(row.id);
      }
      if (moves.length > 0) {
        // one change for the many: one undo takes them all back
        const whom = moves.length === 1 ? describe(moves[0]!) : words(moves.length, 'contact');
        journalled = this.changes.record(started, {
          kind: 'contact.setStageMany',
          summary: `Stage of ${whom} set to ${stageLabel(stage)}`,
          records: moves.map((r) => ({ type: 'contact' as const, id: r.id, label: describe(r) })),
          fields: moves.map((r) => ({ type: 'contact' as const, id: r.id, field: 'stage', before: r.stage, after: stage })),
        });
      }
      return { ...counts, dryRun: false };
    });
    if (changedIds.length > 0) this.ctx.hub.emit('changed', { entity: 'contact', ids: changedIds, op: 'contact.setStage' });
    this.changes.announce(journalled);
    return result;
  }

  /** Archives or restores contacts in one transaction and one journalled change (its undo takes them all back). */
  setArchived({ ids, archived, dryRun }: ParsedInput<'contacts.setArchived'>): MethodOutput<'contacts.setArchived'> {
    const { store } = this.ctx;
    const changedIds: string[] = [];
    let journalled: ChangeRow | null = null;
    const result = store.transaction(() => {
      const seen = new Set<string>();
      const moves: ContactRow[] = [];
      ids.forEach((id, i) => {
        if (seen.has(id)) return;
        seen.add(id);
        const row = this.mustGet(id, `ids.${i}`);
        if ((row.archived_at !== null) !== archived) moves.push(row);
      });
      const counts = { changed: moves.length, unchanged: seen.size - moves.length };
      if (dryRun || moves.length === 0) return { ...counts, dryRun: Boolean(dryRun) };
      const at = this.ctx.now();
      const started = this.changes.begin();
      for (const row of moves) {
        this.writer.setArchived(row, archived, { at });
        changedIds.push(row.id);
      }
      const whom = moves.length === 1 ? describe(moves[0]!) : words(moves.length, 'contact');
      journalled = this.changes.record(started, {
        kind: archived ? 'contact.archive' : 'contact.unarchive',
        summary: `${archived ? 'Archived' : 'Restored'} ${whom}`,
        records: moves.map((r) => ({ type: 'contact' as const, id: r.id, label: describe(r) })),
        fields: moves.map((r) => ({ type: 'contact' as const, id: r.id, field: 'archived', before: !archived, after: archived })),
      });
      return { ...counts, dryRun: false };
    });
    if (changedIds.length > 0) this.ctx.hub.emit('changed', { entity: 'contact', ids: changedIds, op: archived ? 'contact.archive' : 'contact.unarchive' });
    this.changes.announce(journalled);
    return result;
  }

  /**
   * Deletes a contact for good: erased here (ContactWriter.erase), deleted in Intercom at the next
   * sync when Intercom has it. The journal keeps that a contact was deleted, not whom. Then the
   * log is checkpointed and truncated, so the erased bytes leave the `-wal` file at once.
   */
  delete({ id, confirm }: ParsedInput<'contacts.delete'>): MethodOutput<'contacts.delete'> {
    const { store } = this.ctx;
    let journalled: ChangeRow | null = null;
    const result = store.transaction(() => {
      const row = this.mustGet(id);
      const label = describe(row);
      if (!confirm) {
        throw new AppError(
          'CONFIRM_REQUIRED',
          `Delete ${label} for good? Its record, events, history, notes and messages are erased from this console` +
            `${row.intercom_id ? ' and it is deleted in Intercom at the next sync' : ''}. This cannot be undone.`,
          { field: 'confirm' },
        );
      }
      const started = this.changes.begin();
      const seq = this.writer.erase(row, { at: this.ctx.now() });
      journalled = this.changes.record(started, { kind: 'contact.delete', summary: 'Deleted a contact', records: [], fields: [] });
      const inIntercom = seq !== null;
      return {
        id,
        inIntercom,
        message: `${label} is deleted${inIntercom ? ' here, and in Intercom at the next sync' : ''}. This cannot be undone.`,
      };
    });
    store.erasure.checkpoint();
    this.ctx.hub.emit('changed', { entity: 'contact', ids: [id], op: 'contact.delete' });
    this.ctx.hub.emit('changed', { entity: 'outbox', ids: [], op: 'contact.delete' });
    this.changes.announce(journalled);
    return result;
  }

  findMatches(q: ParsedInput<'contacts.findMatches'>): MethodOutput<'contacts.findMatches'> {
    const { contacts } = this.ctx.store;
    const except = (r: ContactRow | undefined) => (r && r.id !== q.exceptId ? toContactRef(r) : null);
    const email = q.email ? normalizeEmail(q.email) : '';
    const visitorId = q.visitorId?.trim();
    const externalId = q.externalId?.trim();
    return {
      email: email ? contacts.byEmail(email, q.exceptId) : [],
      visitorId: visitorId ? except(contacts.byVisitorId(visitorId)) : null,
      externalId: externalId ? except(contacts.byExternalId(externalId)) : null,
    };
  }

  /**
   * The sign-up flow: the contact becomes a user, with the customer's user id or else by its
   * email (Intercom takes a user with either), and stage signed_up; its company (picked, found
   * by the customer's company id, or created) is linked and reaches at least SQL.
   */
  signUp({ id, externalId: given, company }: ParsedInput<'contacts.signUp'>): MethodOutput<'contacts.signUp'> {
    const { store, actor } = this.ctx;
    let changes = { contact: false, company: false };
    let journalled: ChangeRow | null = null;
    const result = store.transaction(() => {
      const row = this.mustGet(id);
      this.mustBeActive(row);
      // signing up again without a user id keeps the one it has
      const externalId = given ?? row.external_id ?? null;
      if (!externalId && !row.email) {
        throw new AppError('VALIDATION', `User id: ${describe(row)} has no email, so it needs a user id to sign up (or add an email first).`, {
          field: 'externalId',
          details: { rule: 'user_id_or_email' },
        });
      }
      if (externalId && row.external_id && row.external_id !== externalId) {
        throw new AppError('CONFLICT', `${describe(row)} already signed up with user id ${row.external_id}.`, {
          field: 'externalId',
          details: { existingId: row.id, existingExternalId: row.external_id },
        });
      }
      if (externalId) this.checkIdentity({ externalId }, id);
      const at = this.ctx.now();
      // the company picked, or found by the customer's company id; null: a new one is made
      const existing =
        (company?.id ? store.companies.byId(company.id) : company?.externalId ? store.companies.byExternalId(company.externalId) : undefined) ?? null;
      const started = this.changes.begin([row.pk, ...(existing ? store.companies.contactPks(existing.pk) : [])]);
      const stageChanged = row.stage !== 'signed_up';
      const contactChanged = stageChanged || row.role !== 'user' || row.external_id !== externalId;
      if (contactChanged) this.writer.signUp(row, externalId, { at, actor });
      const co = company ? this.companies.ensureForSignUp(company, at) : null;
      const linked = co ? this.companies.linkRows(row.pk, id, co.row.pk, co.row.id, at) : false;
      changes = { contact: contactChanged || linked, company: Boolean(co?.changed) || linked };
      if (changes.contact || changes.company) {
        const label = describe(row);
        const fields: FieldChange[] = [];
        if (stageChanged) fields.push({ type: 'contact', id, field: 'stage', before: row.stage, after: 'signed_up' });
        if (row.role !== 'user') fields.push({ type: 'contact', id, field: 'role', before: row.role, after: 'user' });
        if (row.external_id !== externalId) fields.push({ type: 'contact', id, field: 'externalId', before: row.external_id, after: externalId });
        if (co && !existing) fields.push({ type: 'company', id: co.row.id, field: FIELD.created, before: null, after: true });
        else if (co && existing && co.changed) fields.push({ type: 'company', id: co.row.id, field: 'stage', before: existing.stage, after: co.row.stage });
        if (co && linked) fields.push({ type: 'contact', id, field: FIELD.link(co.row.id), before: 'unlinked', after: 'linked' });
        journalled = this.changes.record(started, {
          kind: 'contact.signUp',
          summary: co ? `${label} signed up with ${co.row.name}` : `${label} signed up`,
          records: [{ type: 'contact', id, label }, ...(co ? [{ type: 'company' as const, id: co.row.id, label: co.row.name }] : [])],
          fields,
        });
      }
      return {
        contact: toContact(store.contacts.byPk(row.pk)!),
        company: co ? this.companies.toCompany(co.row.pk) : null,
      };
    });
    // a repeated sign-up that changes nothing stays silent, like any other no-op edit
    if (changes.contact) this.ctx.hub.emit('changed', { entity: 'contact', ids: [id], op: 'contact.signUp' });
    if (result.company && changes.company) this.ctx.hub.emit('changed', { entity: 'company', ids: [result.company.id], op: 'contact.signUp' });
    this.changes.announce(journalled);
    return result;
  }
}

/** An owner must be a member of the team as the last sync listed it (Intercom refuses anyone else). */
export function checkOwner(store: ServiceContext['store'], ownerId: string, field: string): void {
  const admin = store.admins.byId(ownerId);
  if (!admin) throw new AppError('VALIDATION', `${fieldLabel(field)}: there is no admin with id ${ownerId} in the team; sync to refresh the team`, { field });
  if (!admin.active) throw new AppError('VALIDATION', `${fieldLabel(field)}: ${admin.name ?? admin.email ?? ownerId} is no longer in the team`, { field });
}

function dropNulls(attrs: CustomAttributes): CustomAttributes {
  return Object.fromEntries(Object.entries(attrs).filter(([, v]) => v !== null));
}
