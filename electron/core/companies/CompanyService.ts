// Companies: creation, edits, the SQL -> Customer stage, and linking users to them.
import type { MethodOutput, ParsedInput } from '../../../shared/api';
import type { Company, CompanyStage } from '../../../shared/domain';
import { AppError } from '../../../shared/errors';
import type { CompanyWrite } from '../db/CompanyRepository';
import { type CompanyRow, type ContactRow, toCompany } from '../db/rows';
import type { ChangeService, FieldChange } from '../changes/ChangeService';
import { editSummary, FIELD } from '../changes/changeWords';
import type { ChangeRow } from '../db/ChangeRepository';
import { CompanyWriter } from '../records/CompanyWriter';
import { ContactWriter } from '../records/ContactWriter';
import type { ServiceContext } from '../ServiceContext';
import { checkCompanyStageMove, isCompanyPromotion, stageLabel } from '../stages/stageRules';

type SignUpCompany = NonNullable<ParsedInput<'contacts.signUp'>['company']>;

export class CompanyService {
  private readonly writer: CompanyWriter;
  /** Links are written as the contact's change (the link's outbox entry is the contact's). */
  private readonly contactWriter: ContactWriter;

  constructor(
    private readonly ctx: ServiceContext,
    /** The journal every change here is recorded in, for its undo. */
    private readonly changes: ChangeService,
  ) {
    this.writer = new CompanyWriter(ctx.store);
    this.contactWriter = new ContactWriter(ctx.store);
  }

  private mustGet(id: string, field = 'id'): CompanyRow {
    const row = this.ctx.store.companies.byId(id);
    if (!row) throw new AppError('NOT_FOUND', `There is no company with id ${id}.`, { field });
    return row;
  }

  private mustGetContact(id: string): ContactRow {
    const row = this.ctx.store.contacts.byId(id);
    if (!row) throw new AppError('NOT_FOUND', `There is no contact with id ${id}.`, { field: 'contactId' });
    return row;
  }

  private checkExternalId(externalId: string | null | undefined, selfId?: string, field = 'externalId'): void {
    if (!externalId) return;
    const other = this.ctx.store.companies.byExternalId(externalId);
    if (other && other.id !== selfId) {
      throw new AppError('CONFLICT', `Company ${other.id} (${other.name}) already has company id ${externalId}.`, {
        field,
        details: { existingId: other.id },
      });
    }
  }

  toCompany(pk: number): Company {
    return toCompany(this.ctx.store.companies.byPk(pk)!);
  }

  /** Inserts a company with its history and outbox entry; call inside a transaction. */
  private insertRow(fields: {
    externalId: string | null;
    name: string;
    plan: string | null;
    monthlySpend: number | null;
    stage: CompanyStage | null;
    customAttributes: Record<string, unknown>;
  }, at: number): CompanyRow {
    const { pk } = this.writer.create(fields, { id: this.ctx.newId(), at, actor: this.ctx.actor });
    return this.ctx.store.companies.byPk(pk)!;
  }

  private moveStage(row: CompanyRow, stage: CompanyStage, at: number): void {
    this.writer.setStage(row, stage, { at, actor: this.ctx.actor });
  }

  create(input: ParsedInput<'companies.create'>): Company {
    let journalled: ChangeRow | null = null;
    const company = this.ctx.store.transaction(() => {
      this.checkExternalId(input.externalId);
      const started = this.changes.begin();
      const row = this.insertRow(
        {
          externalId: input.externalId ?? null,
          name: input.name,
          plan: input.plan ?? null,
          monthlySpend: input.monthlySpend ?? null,
          stage: input.stage,
          customAttributes: Object.fromEntries(Object.entries(input.customAttributes ?? {}).filter(([, v]) => v !== null)),
        },
        this.ctx.now(),
      );
      journalled = this.changes.record(started, {
        kind: 'company.create',
        summary: `New company ${row.name}`,
        records: [{ type: 'company', id: row.id, label: row.name }],
        fields: [{ type: 'company', id: row.id, field: FIELD.created, before: null, after: true }],
      });
      return toCompany(row);
    });
    this.ctx.hub.emit('changed', { entity: 'company', ids: [company.id], op: 'company.create' });
    this.changes.announce(journalled);
    return company;
  }

  /**
   * Sign-up step: the company picked (by local id), found by the customer's company id, or
   * created (by name, with that id if given); it reaches at least SQL.
   */
  ensureForSignUp(input: SignUpCompany, at: number): { row: CompanyRow; changed: boolean } {
    const existing = input.id
      ? this.mustGet(input.id, 'company.id')
      : input.externalId
        ? this.ctx.store.companies.byExternalId(input.externalId)
        : undefined;
    if (!existing) {
      if (!input.name) {
        throw new AppError('VALIDATION', `No company has company id ${input.externalId} yet; give its name to create it.`, {
          field: 'company.name',
        });
      }
      const row = this.insertRow(
        {
          externalId: input.externalId ?? null,
          name: input.name,
          plan: input.plan ?? null,
          monthlySpend: input.monthlySpend ?? null,
          stage: 'sql',
          customAttributes: {},
        },
        at,
      );
      return { row, changed: true };
    }
    if (isCompanyPromotion(existing.stage, 'sql')) {
      this.moveStage(existing, 'sql', at);
      return { row: this.ctx.store.companies.byPk(existing.pk)!, changed: true };
    }
    return { row: existing, changed: false };
  }

  get(id: string): MethodOutput<'companies.get'> {
    const row = this.mustGet(id);
    return {
      ...toCompany(row),
      users: this.ctx.store.companies.users(row.pk),
      history: this.ctx.store.history.forEntity(row.id),
    };
  }

  list(q: ParsedInput<'companies.list'>): MethodOutput<'companies.list'> {
    const { store } = this.ctx;
    const page = store.companies.list(q);
    const tags = store.tags.namesOfMany('company', page.rows.map((r) => r.pk));
    return { items: page.rows.map((r) => Object.assign(toCompany(r), { tags: tags.get(r.pk) ?? [] })), total: page.total };
  }

  update({ id, patch }: ParsedInput<'companies.update'>): Company {
    const { store } = this.ctx;
    let changedAny = false;
    let journalled: ChangeRow | null = null;
    const company = store.transaction(() => {
      const row = this.mustGet(id);
      const current = toCompany(row);
      const changes: Record<string, unknown> = {};
      const write: CompanyWrite = {};
      for (const key of ['externalId', 'name', 'plan', 'monthlySpend'] as const) {
        const next = patch[key];
        if (next === undefined || next === current[key]) continue;
        if (key === 'externalId' && current.externalId && current.intercomId) {
          // Intercom's company_id is set once and cannot change afterwards
          throw new AppError('VALIDATION', 'The company id cannot change once the company is in Intercom.', {
            field: 'externalId',
          });
        }
        changes[key] = next;
        write[key] = next;
      }
      if (patch.customAttributes) {
        // removing (null) an attribute the company does not have is no change
        const delta = Object.fromEntries(
          Object.entries(patch.customAttributes).filter(([k, v]) => current.customAttributes[k] !== v && !(v === null && !Object.hasOwn(current.customAttributes, k))),
        );
        if (Object.keys(delta).length > 0) {
          changes.customAttributes = delta;
          write.customAttributes = JSON.stringify(
            Object.fromEntries(Object.entries({ ...current.customAttributes, ...patch.customAttributes }).filter(([, v]) => v !== null)),
          );
        }
      }
      if (Object.keys(changes).length === 0) return current;
      this.checkExternalId(changes.externalId as string | null | undefined, id);
      const started = this.changes.begin();
      this.writer.update(row, write, changes, { at: this.ctx.now() });
      changedAny = true;
      const fields: FieldChange[] = [];
      for (const [key, next] of Object.entries(changes)) {
        if (key !== 'customAttributes') fields.push({ type: 'company', id, field: key, before: current[key as keyof Company], after: next });
      }
      for (const [key, next] of Object.entries((changes.customAttributes ?? {}) as Record<string, unknown>)) {
        fields.push({ type: 'company', id, field: FIELD.attr(key), before: current.customAttributes[key] ?? null, after: next });
      }
      journalled = this.changes.record(started, {
        kind: 'company.update',
        summary: editSummary('company', fields.map((f) => f.field), row.name),
        records: [{ type: 'company', id, label: row.name }],
        fields,
      });
      return toCompany(store.companies.byPk(row.pk)!);
    });
    if (changedAny) this.ctx.hub.emit('changed', { entity: 'company', ids: [id], op: 'company.update' });
    this.changes.announce(journalled);
    return company;
  }

  setStage({ id, stage, confirm }: ParsedInput<'companies.setStage'>): Company {
    const { store } = this.ctx;
    let changed = false;
    let journalled: ChangeRow | null = null;
    const company = store.transaction(() => {
      const row = this.mustGet(id);
      if (row.stage === stage) return toCompany(row);
      checkCompanyStageMove(row.stage, stage, row.name, confirm);
      // its users' funnel position follows the company's stage
      const started = this.changes.begin(store.companies.contactPks(row.pk));
      this.moveStage(row, stage, this.ctx.now());
      changed = true;
      journalled = this.changes.record(started, {
        kind: 'company.setStage',
        summary: `Stage of ${row.name} set to ${stageLabel(stage)}`,
        records: [{ type: 'company', id, label: row.name }],
        fields: [{ type: 'company', id, field: 'stage', before: row.stage, after: stage }],
      });
      return toCompany(store.companies.byPk(row.pk)!);
    });
    if (changed) this.ctx.hub.emit('changed', { entity: 'company', ids: [id], op: 'company.setStage' });
    this.changes.announce(journalled);
    return company;
  }

  /** Links inside the caller's transaction; returns false when already linked. */
  linkRows(contactPk: number, contactId: string, companyPk: number, companyId: string, at: number): boolean {
    return this.contactWriter.link({ pk: contactPk, id: contactId }, { pk: companyPk, id: companyId }, { at }) !== null;
  }

  link({ contactId, companyId }: ParsedInput<'companies.link'>): MethodOutput<'companies.link'> {
    const { store } = this.ctx;
    let journalled: ChangeRow | null = null;
    const changed = store.transaction(() => {
      const contact = this.mustGetContact(contactId);
      if (contact.archived_at !== null) {
        throw new AppError('CONFLICT', `${contact.name ?? contact.email ?? 'This contact'} is archived; restore it first to change it.`, { field: 'contactId' });
      }
      const company = this.mustGet(companyId, 'companyId');
      const started = this.changes.begin([contact.pk]);
      if (!this.linkRows(contact.pk, contact.id, company.pk, company.id, this.ctx.now())) return false;
      journalled = this.recordLink(started, contact, company, true);
      return true;
    });
    if (changed) this.emitLinkChange(contactId, companyId, 'company.link');
    this.changes.announce(journalled);
    return { contactId, companyId, changed };
  }

  unlink({ contactId, companyId }: ParsedInput<'companies.unlink'>): MethodOutput<'companies.unlink'> {
    const { store } = this.ctx;
    let journalled: ChangeRow | null = null;
    const changed = store.transaction(() => {
      const contact = this.mustGetContact(contactId);
      const company = this.mustGet(companyId, 'companyId');
      const started = this.changes.begin([contact.pk]);
      if (!this.contactWriter.unlink(contact, company, { at: this.ctx.now })) return false;
      journalled = this.recordLink(started, contact, company, false);
      return true;
    });
    if (changed) this.emitLinkChange(contactId, companyId, 'company.unlink');
    this.changes.announce(journalled);
    return { contactId, companyId, changed };
  }

  private recordLink(started: ReturnType<ChangeService['begin']>, contact: ContactRow, company: CompanyRow, linked: boolean): ChangeRow {
    const label = contact.name ?? contact.email ?? contact.id;
    return this.changes.record(started, {
      kind: linked ? 'company.link' : 'company.unlink',
      summary: linked ? `${label} linked to ${company.name}` : `${label} unlinked from ${company.name}`,
      records: [
        { type: 'contact', id: contact.id, label },
        { type: 'company', id: company.id, label: company.name },
      ],
      fields: [{ type: 'contact', id: contact.id, field: FIELD.link(company.id), before: linked ? 'unlinked' : 'linked', after: linked ? 'linked' : 'unlinked' }],
    });
  }

  private emitLinkChange(contactId: string, companyId: string, op: string) {
    this.ctx.hub.emit('changed', { entity: 'contact', ids: [contactId], op });
    this.ctx.hub.emit('changed', { entity: 'company', ids: [companyId], op });
  }
}
