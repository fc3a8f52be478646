// Merging duplicates: the "Possible duplicates" groups, the side-by-side preview with a default
// pick per field, and the merge as one journalled change: the survivor takes the picked values
// and the other's rows, the other goes, and Intercom follows (a lead into a user: its merge; any
// other pair: the survivor updated and the other archived). Undone by changes.undo until it syncs.
import type { MethodOutput, ParsedInput } from '../../../shared/api';
import type { MergeFieldChoice, MergeSide } from '../../../shared/api/merges';
import { EMAIL_OR_NAME } from '../../../shared/domain';
import { AppError } from '../../../shared/errors';
import { fieldLabel as inputLabel } from '../../../shared/fieldLabels';
import type { ChangeService, FieldChange } from '../changes/ChangeService';
import { FIELD } from '../changes/changeWords';
import type { ContactWrite } from '../db/ContactRepository';
import { toCompanyRef, toContact, type ContactRow } from '../db/rows';
import { ContactWriter } from '../records/ContactWriter';
import type { ServiceContext } from '../ServiceContext';

/** Contacts listed per duplicate group (the group says how many share the value). */
const GROUP_LISTED = 20;
const SCALARS = ['email', 'name', 'phone', 'visitorId'] as const;
type Scalar = (typeof SCALARS)[number];
const COLUMN: Record<Scalar, 'email' | 'name' | 'phone' | 'visitor_id'> = { email: 'email', name: 'name', phone: 'phone', visitorId: 'visitor_id' };
const LABEL: Record<Scalar, string> = { email: 'Email', name: 'Name', phone: 'Phone', visitorId: 'Visitor ID' };

type Mode = 'none' | 'merge' | 'archive';

const label = (r: Pick<ContactRow, 'name' | 'email' | 'id'>) => r.name ?? r.email ?? r.id;
const empty = (v: unknown) => v === null || v === undefined || v === '';
const attrsOf = (r: ContactRow) => JSON.parse(r.custom_attributes) as Record<string, unknown>;

export class MergeService {
  private readonly writer: ContactWriter;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly changes: ChangeService,
  ) {
    this.writer = new ContactWriter(ctx.store);
  }

  duplicates(q: ParsedInput<'contacts.duplicates'>): MethodOutput<'contacts.duplicates'> {
    const { store } = this.ctx;
    if (!store.merges.duplicateIndexesReady()) {
      throw new AppError('BUSY', 'Possible duplicates are listed once the import from Intercom has finished (it is writing the contacts now); try again then.');
    }
    const page = store.merges.duplicateGroups({ reason: q.reason, limit: q.limit, offset: q.offset ?? 0 });
    const groups = page.rows.map((g) => {
      const listed = store.merges.groupMembers(g, GROUP_LISTED);
      const rows = listed.map((pk) => store.contacts.byPk(pk)).filter((r): r is ContactRow => r !== undefined);
      const companies = store.links.companiesOfMany(listed);
      const tags = store.tags.namesOfMany('contact', listed);
      const co = g.company_pk === null ? undefined : store.companies.byPk(g.company_pk);
      const company = co ? toCompanyRef(co) : null;
      return {
        reason: g.reason,
        key: g.key,
        company,
        size: g.size,
        contacts: rows.map((r) => Object.assign(toContact(r), { companies: companies.get(r.pk) ?? [], tags: tags.get(r.pk) ?? [] })),
      };
    });
    return { groups, total: page.total };
  }

  preview({ fromId, intoId }: ParsedInput<'contacts.mergePreview'>): MethodOutput<'contacts.mergePreview'> {
    const { store } = this.ctx;
    const from = this.mustGet(fromId, 'fromId');
    const into = this.mustGet(intoId, 'intoId');
    const counts = store.merges.counts(from);
    const companies = store.links.companiesOfMany([from.pk, into.pk]);
    const tags = store.tags.namesOfMany('contact', [from.pk, into.pk]);
    const mode = this.modeOf(from, into);
    return {
      from: Object.assign(toContact(from), { companies: companies.get(from.pk) ?? [], tags: tags.get(from.pk) ?? [] }),
      into: Object.assign(toContact(into), { companies: companies.get(into.pk) ?? [], tags: tags.get(into.pk) ?? [] }),
      fields: this.choices(from, into),
      intercom: { mode, message: this.intercomWords(from, into, mode) },
      moves: counts,
      blocked: this.blocked(from, into),
    };
  }

  merge({ fromId, intoId, pick }: ParsedInput<'contacts.merge'>): MethodOutput<'contacts.merge'> {
    const { store } = this.ctx;
    const result = store.transaction(() => {
      const from = this.mustGet(fromId, 'fromId');
      const into = this.mustGet(intoId, 'intoId');
      const blocked = this.blocked(from, into);
      if (blocked) throw new AppError('CONFLICT', `${inputLabel('fromId')}: ${blocked}`, { field: 'fromId' });
      const choices = this.choices(from, into);
      for (const field of Object.keys(pick)) {
        if (!choices.some((c) => c.field === field)) throw new AppError('VALIDATION', `${inputLabel('pick')}: there is no field ${field} to pick`, { field: `pick.${field}` });
      }
      const kept = (c: MergeFieldChoice) => ((pick[c.field] ?? c.pick) === 'from' ? c.from : c.into) ?? null;
      const value = (field: string) => {
        const c = choices.find((x) => x.field === field);
        return c ? kept(c) : null;
      };
      if (empty(value('email')) && empty(value('name'))) {
        throw new AppError('VALIDATION', `${inputLabel('pick')}: ${EMAIL_OR_NAME.message}`, { field: 'pick', details: { rule: EMAIL_OR_NAME.rule } });
      }

      const mode = this.modeOf(from, into);
      const at = this.ctx.now();
      const started = this.changes.begin([into.pk]);
      // Intercom's merge first: the survivor's update after it puts the picked values over what
      // Intercom's merge filled in from the lead
      if (mode === 'merge') {
        this.writer.queue(into.id, 'contact.merge', { fromId: from.id, fromIntercomId: from.intercom_id, fromLabel: label(from) }, { at });
      }
      const saved = this.writer.mergeAway(from, into, { at });

      const write: ContactWrite = {};
      const payload: Record<string, unknown> = {};
      const fields: FieldChange[] = [];
      const attrsNow = attrsOf(into);
      const attrPayload: Record<string, unknown> = {};
      for (const c of choices) {
        const next = kept(c);
        const changed = JSON.stringify(next) !== JSON.stringify(c.into ?? null);
        if (c.field.startsWith('attr:')) {
          const key = c.field.slice('attr:'.length);
          if (changed) {
            if (next === null) delete attrsNow[key];
            else attrsNow[key] = next;
            fields.push({ type: 'contact', id: into.id, field: c.field, before: c.into ?? null, after: next });
          }
          if (changed || (mode === 'merge' && !empty(c.from))) attrPayload[key] = next;
          continue;
        }
        const field = c.field as Scalar;
        if (changed) {
          write[field] = next as string | null;
          fields.push({ type: 'contact', id: into.id, field, before: c.into ?? null, after: next });
        }
        // Intercom's merge fills the user's empty fields from the lead: what was picked goes over it
        if (changed || (mode === 'merge' && field !== 'visitorId' && !empty(c.from))) payload[field] = next;
      }
      if (fields.some((f) => f.field.startsWith('attr:'))) write.customAttributes = JSON.stringify(attrsNow);
      if (Object.keys(attrPayload).length > 0) payload.customAttributes = attrPayload;
      if (Object.keys(payload).length > 0) this.writer.update(into, write, payload, { at, adopt: false });
      // the companies it gains: Intercom's merge moves only the links Intercom already had, and an
      // archive none, so each is sent (attaching twice is harmless there)
      for (const companyPk of saved.moved.links) {
        const co = store.companies.byPk(companyPk);
        if (co) this.writer.queue(into.id, 'company.link', { companyId: co.id }, { at });
      }
      this.writer.requeueMovedEvents(into, saved.moved.events, { at }, saved.moved.notes);
      this.writer.queueMovedTags(into, saved.moved.tags ?? [], { at });
      if (mode === 'archive') {
        this.writer.queue(
          from.id,
          'contact.archive',
          { intercomId: from.intercom_id, externalId: from.external_id, role: from.role, name: from.name, email: from.email, createSent: false },
          { at },
        );
      }

      const fromLabel = label(from);
      const intoLabel = label(store.contacts.byPk(into.pk)!);
      const change = this.changes.record(started, {
        kind: 'contact.merge',
        summary: `${fromLabel} merged into ${intoLabel}`,
        records: [
          { type: 'contact', id: into.id, label: intoLabel },
          { type: 'contact', id: from.id, label: fromLabel },
        ],
        fields: [...fields, { type: 'contact', id: from.id, field: FIELD.mergedInto, before: null, after: into.id }],
      });
      const after = store.contacts.byPk(into.pk)!;
      store.merges.save({ change_id: change.id, from_id: from.id, into_id: into.id, mode, saved: { ...saved, intoUpdatedAt: after.updated_at }, created_at: at });
      const message =
        mode === 'none'
          ? `${fromLabel} merged into ${intoLabel}.`
          : mode === 'merge'
            ? `${fromLabel} merged into ${intoLabel}; Intercom merges them at the next sync.`
            : `${fromLabel} merged into ${intoLabel}; at the next sync Intercom gets ${intoLabel}'s values and archives ${fromLabel}.`;
      return { contact: toContact(after), change, message, ids: [into.id, from.id] };
    });
    this.ctx.hub.emit('changed', { entity: 'contact', ids: result.ids, op: 'contact.merge' });
    this.ctx.hub.emit('changed', { entity: 'event', ids: [], op: 'contact.merge' });
    this.ctx.hub.emit('changed', { entity: 'outbox', ids: [], op: 'contact.merge' });
    this.changes.announce(result.change);
    return { contact: result.contact, change: this.changes.recordOf(result.change), message: result.message };
  }

  // ---- deciding -------------------------------------------------------------------------------

  private mustGet(id: string, field: 'fromId' | 'intoId'): ContactRow {
    const row = this.ctx.store.contacts.byId(id);
    if (!row) throw new AppError('NOT_FOUND', `${inputLabel(field)}: there is no contact with id ${id}`, { field });
    return row;
  }

  /** What Intercom can do: merge a lead into a user; for any other pair, update one and archive the other. */
  private modeOf(from: ContactRow, into: ContactRow): Mode {
    if (from.intercom_id === null) return 'none';
    return from.role === 'lead' && into.role === 'user' ? 'merge' : 'archive';
  }

  private intercomWords(from: ContactRow, into: ContactRow, mode: Mode): string {
    const f = label(from);
    const i = label(into);
    if (mode === 'none') return `${f} has not reached Intercom: there is nothing to merge there. The merge can be undone until ${i} syncs.`;
    if (mode === 'merge') {
      return `In Intercom the lead ${f} is merged into the user ${i} at the next sync (its events and companies go with it). It can be undone until then, not after.`;
    }
    const why =
      from.role === 'user' && into.role === 'user'
        ? 'Intercom cannot merge two users'
        : from.role === 'lead' && into.role === 'lead'
          ? 'Intercom merges only a lead into a user, and these are two leads'
          : 'Intercom cannot merge a user into a lead';
    return `${why}: at the next sync ${i} is updated there with the values kept here and ${f} is archived (what Intercom already has of its activity stays with it). It can be undone until then, not after.`;
  }

  /** Why these two cannot be merged now (null: they can); the preview shows it, the merge refuses with it. */
  private blocked(from: ContactRow, into: ContactRow): string | null {
    const { store } = this.ctx;
    const f = label(from);
    if (from.id === into.id) return 'a contact cannot be merged into itself';
    if (store.sync.hasInFlight(from.id) || store.sync.hasSentWaiting(from.id)) return `${f} is being sent to Intercom right now; merge it after this sync`;
    if (store.merges.hasWaitingMessage(from.id)) return `${f} has a message waiting to be sent; merge it once the message has gone`;
    if (store.sync.hasOpenConflict(from.id)) return `${f} has conflicts with Intercom; resolve them first`;
    if (from.intercom_id !== null && from.intercom_id === into.intercom_id) return 'both are the same contact in Intercom';
    return null;
  }

  /** Every field either contact has, with its default: the user's value over the lead's, a value over none, else the survivor's. */
  private choices(from: ContactRow, into: ContactRow): MergeFieldChoice[] {
    const out: MergeFieldChoice[] = [];
    const userSide: MergeSide | null = from.role === into.role ? null : from.role === 'user' ? 'from' : 'into';
    const pickOf = (a: unknown, b: unknown): MergeSide => {
      if (empty(a)) return 'into';
      if (empty(b)) return 'from';
      return userSide ?? 'into';
    };
    for (const field of SCALARS) {
      const a = from[COLUMN[field]];
      const b = into[COLUMN[field]];
      if (empty(a) && empty(b)) continue;
      out.push({ field, label: LABEL[field], from: a ?? null, into: b ?? null, pick: pickOf(a, b) });
    }
    const fa = attrsOf(from);
    const ia = attrsOf(into);
    for (const key of [...new Set([...Object.keys(ia), ...Object.keys(fa)])].sort()) {
      const a = fa[key] ?? null;
      const b = ia[key] ?? null;
      if (empty(a) && empty(b)) continue;
      out.push({ field: FIELD.attr(key), label: key, from: a, into: b, pick: pickOf(a, b) });
    }
    return out;
  }
}
