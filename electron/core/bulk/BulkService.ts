// Bulk actions on a segment or a selection: counted before they run, one change, undoable as a
// whole: stages and links at any time, sign-ups until Intercom has them, messages and flushes
// during their 10-second hold.
//
// A run resolves its target, plans what each contact would get (or why it is skipped), and, for
// real, writes everything in ONE transaction: the rows, their stage history, their outbox entries
// (so the bulk's entries are one contiguous outbox range) and a journal of before/after values.
// Undo puts back the values nobody has changed since, in one transaction through the record
// writers: entries that never reached Intercom (pending, refused) are withdrawn, and for those
// that did a compensating entry is queued, so that after the next sync Intercom equals the store.
import { EXPORT_COLUMNS, type MethodOutput, type ParsedInput } from '../../../shared/api';
import type { BulkAction, BulkRecord } from '../../../shared/activity';
import { COMPANY_STAGE_RANK, CONTACT_STAGE_RANK, MESSAGE_HOLD_MS, type CompanyStage, type ContactStage } from '../../../shared/domain';
import { AppError } from '../../../shared/errors';
import { builtinSegmentRules, type BuiltinSegment } from '../../../shared/segments';
import type { BulkActionRow, BulkContactRow } from '../db/BulkRepository';
import type { ContactWrite, FunnelSnapshot } from '../db/ContactRepository';
import { iso, isoOrNull, type CompanyRow } from '../db/rows';
import { FLUSH_INTERVAL_MS } from '../messages/MessageService';
import type { ExportColumn, ExportService } from '../export/ExportService';
import { CompanyWriter } from '../records/CompanyWriter';
import { ContactWriter } from '../records/ContactWriter';
import { checkOwner } from '../contacts/ContactService';
import { TagWriter } from '../records/TagWriter';
import type { TagRow } from '../db/TagRepository';
import type { ServiceContext } from '../ServiceContext';
import type { SegmentService } from '../segments/SegmentService';
import { compileMessage, MessageRenderer, type RenderedFor } from '../templates/MessageRenderer';
import { stageLabel } from '../stages/stageRules';

type RunInput = ParsedInput<'bulk.run'>;
type RunOutput = MethodOutput<'bulk.run'>;
export type BulkTarget = RunInput['target'];

/** The most contacts one bulk action may touch (the contract caps a selection at the same). */
export const BULK_TARGET_LIMIT = 100_000;

/** The plain-words reasons a contact is left as it is. */
export const SKIP = {
  notFound: 'not found: deleted since it was selected',
  sameStage: 'already at that stage',
  noCompany: 'not linked to a company',
  companySameStage: 'its companies are already at that stage',
  alreadyLinked: 'already linked to that company',
  noEmail: 'no email address',
  signedUp: 'already signed up',
  noEmailToSignUp: 'no email address, which Intercom needs to make a user without a user id',
  unsubscribed: 'unsubscribed from emails',
  emptyMessage: 'the message would be empty: no value for its placeholders',
  notUser: 'a lead: auto-messages are flushed for signed-up users only',
  flushedRecently: 'flushed less than 15 minutes ago',
  sameOwner: 'already has that owner',
  archived: 'archived: restore it first',
  hasTag: 'already has that tag',
  lacksTag: 'does not have that tag',
} as const;

/** Contact or company values a bulk item records (JSON in bulk_items.before / after). */
interface StageValue {
  stage: ContactStage | CompanyStage | null;
  updatedAt?: number;
}
interface LinkValue {
  linked: boolean;
}
interface MessageValue {
  messageId: string;
}
/** A sign-up journals what it changes of the contact, and (after) the seq of its entry. */
interface SignUpValue {
  stage: ContactStage;
  role: string;
  externalId: string | null;
  seq?: number;
}

interface OwnerValue {
  ownerId: string | null;
}

interface TagValue {
  tagged: boolean;
  tagId: string | null;
}

/** Funnel snapshots are journalled beside the items, under this prefix (bulk_items' key is the id). */
const FUNNEL_KEY = 'funnel:';

/** What a run would do, worked out before anything is written. */
interface Plan {
  targeted: number;
  contacts: BulkContactRow[];
  /** Contacts the action changes. */
  touched: BulkContactRow[];
  skipped: Map<string, number>;
  demotions: number;
  /** setCompanyStage: the companies that change. */
  companies: CompanyRow[];
  /** link: the company. */
  company: CompanyRow | null;
  /** message: each touched contact's rendered subject and body. */
  messages: Map<string, RenderedFor>;
  /** addTag / removeTag: the tag (null: addTag makes it). */
  tag: TagRow | null;
}

const STAGE_OPS: Record<'contact' | 'company', readonly string[]> = {
  contact: ['contact.setStage', 'contact.signUp'],
  company: ['company.setStage'],
};

export class BulkService {
  private readonly contactWriter: ContactWriter;
  private readonly companyWriter: CompanyWriter;
  private readonly renderer: MessageRenderer;
  private readonly tagWriter: TagWriter;

  constructor(
    readonly ctx: ServiceContext,
    readonly segments: SegmentService,
    /** Writes the CSV of an export action; a core without it refuses exports. */
    readonly exports: Pick<ExportService, 'writeCsv'> | null = null,
  ) {
    this.contactWriter = new ContactWriter(ctx.store);
    this.companyWriter = new CompanyWriter(ctx.store);
    this.renderer = new MessageRenderer(ctx.store);
    this.tagWriter = new TagWriter(ctx.store);
  }

  // ---- run --------------------------------------------------------------------------------------

  async run(input: RunInput): Promise<RunOutput> {
    if (input.action.type === 'export') return this.runExport(input, input.action);
    return this.runChange(input);
  }

  /** Every action but export: one transaction, journalled for undo. */
  private runChange(input: RunInput): RunOutput {
    const { store } = this.ctx;
    const { target, action } = input;
    const dryRun = input.dryRun ?? false;
    if (action.type === 'export') throw new Error('exports are not changes');

    let changedIds: string[] = [];
    let companyIds: string[] = [];
    const result = store.transaction((): RunOutput => {
      // one time for the whole bulk: its rows, history, outbox entries and the flush window
      const at = this.ctx.now();
      const plan = this.plan(target, action, at);
      const counts = {
        targeted: plan.targeted,
        touched: plan.touched.length,
        skipped: [...plan.skipped].map(([reason, count]) => ({ reason, count })),
      };
      if (dryRun) return { bulk: null, ...counts, dryRun: true, file: null };
      // nothing to change: no confirmation needed, no journal entry, nothing to undo
      if (plan.touched.length === 0) return { bulk: null, ...counts, dryRun: false, file: null };
      if (!input.confirm) {
        const demoting = plan.demotions > 0 ? `, ${words(plan.demotions, 'demotion')} among them` : '';
        throw new AppError(
          'CONFIRM_REQUIRED',
          `This changes ${words(plan.touched.length, 'contact')} of ${plan.targeted.toLocaleString('en')}${demoting}; confirm it to go ahead.`,
          { field: 'confirm', details: { targeted: plan.targeted, touched: plan.touched.length, demotions: plan.demotions } },
        );
      }
      const row = this.apply(target, action, plan, at);
      changedIds = plan.touched.map((c) => c.id);
      companyIds = plan.companies.map((c) => c.id);
      return { bulk: this.toRecord(row), ...counts, dryRun: false, file: null };
    });
    if (result.bulk) {
      const op = OPS[action.type];
      if (changedIds.length > 0) this.ctx.hub.emit('changed', { entity: 'contact', ids: changedIds, op });
      if (companyIds.length > 0) this.ctx.hub.emit('changed', { entity: 'company', ids: companyIds, op });
      // a link moves the company's user count
      if (action.type === 'link') this.ctx.hub.emit('changed', { entity: 'company', ids: [action.companyId], op });
      this.ctx.hub.emit('changed', { entity: 'bulk', ids: [result.bulk.id], op: 'bulk.apply' });
    }
    return result;
  }

  /**
   * The target's contacts, at most BULK_TARGET_LIMIT of them: a selection in its order (ids that
   * no longer exist counted as missing), a segment or rule in pk order (SegmentService.resolveIds'
   * order). A segment's rows are read with its compiled rule directly: looking 100k ids up one by
   * one costs seconds.
   */
  /** The target's contacts, as a run would act on them (the message preview's recipients). */
  contactsOf(target: BulkTarget): BulkContactRow[] {
    return this.resolve(target).contacts;
  }

  private resolve(target: BulkTarget): { contacts: BulkContactRow[]; missing: number } {
    const { store } = this.ctx;
    const tooMany = () =>
      new AppError('VALIDATION', `That is more than ${BULK_TARGET_LIMIT.toLocaleString('en')} contacts; narrow the segment or the selection and run it in parts.`, {
        field: 'target',
      });
    if (target.kind !== 'ids') {
      // one more than the limit: enough to know the target is too big without reading it all
      const contacts = store.bulk.contactsWhere(this.segments.whereFor(target), BULK_TARGET_LIMIT + 1);
      if (contacts.length > BULK_TARGET_LIMIT) throw tooMany();
      return { contacts, missing: 0 };
    }
    const ids = [...new Set(target.ids)];
    if (ids.length > BULK_TARGET_LIMIT) throw tooMany();
    const byId = new Map(store.bulk.contactsByIds(ids).map((r) => [r.id, r]));
    const contacts: BulkContactRow[] = [];
    for (const id of ids) {
      const r = byId.get(id);
      if (r) contacts.push(r);
    }
    return { contacts, missing: ids.length - contacts.length };
  }

  private plan(target: BulkTarget, action: Exclude<BulkAction, { type: 'export' }>, now: number): Plan {
    const { store } = this.ctx;
    const resolved = this.resolve(target);
    const { missing } = resolved;
    // a selection may hold archived contacts (the Archived view): changes wait for their restore
    const archived = target.kind === 'ids' ? this.ctx.store.bulk.archivedIds(resolved.contacts.map((c) => c.id)) : new Set<string>();
    const contacts = archived.size > 0 ? resolved.contacts.filter((c) => !archived.has(c.id)) : resolved.contacts;
    const plan: Plan = { targeted: resolved.contacts.length + missing, contacts, touched: [], skipped: new Map(), demotions: 0, companies: [], company: null, messages: new Map(), tag: null };
    const skip = (reason: string, n = 1) => plan.skipped.set(reason, (plan.skipped.get(reason) ?? 0) + n);
    if (missing > 0) skip(SKIP.notFound, missing);
    if (archived.size > 0) skip(SKIP.archived, archived.size);

    switch (action.type) {
      case 'setStage':
        for (const c of contacts) {
          if (c.stage === action.stage) {
            skip(SKIP.sameStage);
            continue;
          }
          if (CONTACT_STAGE_RANK[action.stage] < CONTACT_STAGE_RANK[c.stage]) plan.demotions++;
          plan.touched.push(c);
        }
        break;
      case 'setCompanyStage': {
        const byContact = new Map<number, CompanyRow[]>();
        for (const { contact_pk, company } of store.bulk.companiesOfContacts(contacts.map((c) => c.pk))) {
          const list = byContact.get(contact_pk);
          if (list) list.push(company);
          else byContact.set(contact_pk, [company]);
        }
        const changing = new Map<number, CompanyRow>();
        for (const c of contacts) {
          const companies = byContact.get(c.pk) ?? [];
          if (companies.length === 0) {
            skip(SKIP.noCompany);
            continue;
          }
          const moves = companies.filter((co) => co.stage !== action.stage);
          if (moves.length === 0) {
            skip(SKIP.companySameStage);
            continue;
          }
          for (const co of moves) changing.set(co.pk, co);
          plan.touched.push(c);
        }
        plan.companies = [...changing.values()];
        const rank = (s: CompanyStage | null) => (s === null ? -1 : COMPANY_STAGE_RANK[s]);
        plan.demotions = plan.companies.filter((co) => rank(action.stage) < rank(co.stage)).length;
        break;
      }
      case 'signUp':
        // the rules of ContactService.signUp: a user at Signed up has nothing left to change; a
        // user needs a user id or an email, and the bulk gives no user id
        for (const c of contacts) {
          if (c.role === 'user' && c.stage === 'signed_up') skip(SKIP.signedUp);
          else if (!c.email && !c.external_id) skip(SKIP.noEmailToSignUp);
          else plan.touched.push(c);
        }
        break;
      case 'link': {
        const company = store.companies.byId(action.companyId);
        if (!company) {
          throw new AppError('NOT_FOUND', `There is no company with id ${action.companyId}.`, { field: 'action.companyId' });
        }
        plan.company = company;
        const linked = store.bulk.linkedTo(company.pk, contacts.map((c) => c.pk));
        for (const c of contacts) {
          if (linked.has(c.pk)) skip(SKIP.alreadyLinked);
          else plan.touched.push(c);
        }
        break;
      }
      case 'setOwner': {
        if (action.ownerId !== null) checkOwner(store, action.ownerId, 'action.ownerId');
        for (const c of contacts) {
          if (c.owner_id === action.ownerId) skip(SKIP.sameOwner);
          else plan.touched.push(c);
        }
        break;
      }
      case 'message': {
        // each contact gets the text rendered from its own values, as the preview showed it
        const compiled = compileMessage(action.channel === 'email' ? action.subject : null, action.body);
        const email = action.channel === 'email';
        const addressed = contacts.filter((c) => !email || (c.email && c.unsubscribed_from_emails !== 1));
        plan.messages = this.renderer.render(compiled, addressed.map((c) => c.id));
        for (const c of contacts) {
          // MessageService.send refuses an email to a contact without an address, or an empty text
          if (email && !c.email) skip(SKIP.noEmail);
          // consent: an email never goes to someone who unsubscribed (in-app messages are not email)
          else if (email && c.unsubscribed_from_emails === 1) skip(SKIP.unsubscribed);
          else if (!plan.messages.get(c.id)?.body) skip(SKIP.emptyMessage);
          else plan.touched.push(c);
        }
        break;
      }
      case 'addTag':
      case 'removeTag': {
        const tag = store.tags.byName(action.name) ?? null;
        if (!tag && (action.type === 'removeTag' || !action.create)) {
          throw new AppError('NOT_FOUND', `Tag: the workspace has no tag “${action.name}”${action.type === 'addTag' ? '; choose Create tag to make it' : ''}.`, { field: 'action.name' });
        }
        plan.tag = tag;
        const tagged = tag ? store.tags.contactsWith(tag.pk, contacts.map((c) => c.pk)) : new Set<number>();
        for (const c of contacts) {
          if (action.type === 'addTag' && tagged.has(c.pk)) skip(SKIP.hasTag);
          else if (action.type === 'removeTag' && !tagged.has(c.pk)) skip(SKIP.lacksTag);
          else plan.touched.push(c);
        }
        break;
      }
      case 'flush': {
        // the rules of MessageService.flush: users only, once per 15 minutes
        const last = store.bulk.lastFlushes(contacts.filter((c) => c.role === 'user').map((c) => c.id));
        for (const c of contacts) {
          if (c.role !== 'user') skip(SKIP.notUser);
          else if (last.has(c.id) && now - last.get(c.id)! < FLUSH_INTERVAL_MS) skip(SKIP.flushedRecently);
          else plan.touched.push(c);
        }
        break;
      }
    }
    return plan;
  }

  /** Writes a planned run (inside the caller's transaction) and its journal. */
  private apply(target: BulkTarget, action: Exclude<BulkAction, { type: 'export' }>, plan: Plan, at: number): BulkActionRow {
    const { store, actor } = this.ctx;
    const bulkId = this.ctx.newId();
    let firstSeq: number | null = null;
    let lastSeq: number | null = null;
    // the bulk's entries are one contiguous range: the first and the last bound it
    const queued = (seq: number | null) => {
      if (seq === null) return;
      firstSeq ??= seq;
      lastSeq = seq;
    };
    const contacts = this.contactWriter;
    const companies = this.companyWriter;
    const item = (entityId: string, before: unknown, after: unknown) =>
      store.bulk.insertItem({ bulk_id: bulkId, entity_id: entityId, before: before === null ? null : JSON.stringify(before), after: after === null ? null : JSON.stringify(after) });

    // contacts whose funnel position the action moves: journalled so an undo can put it back
    let funnelPks: number[] = [];
    if (action.type === 'setStage' || action.type === 'signUp' || action.type === 'link') funnelPks = plan.touched.map((c) => c.pk);
    if (action.type === 'setCompanyStage') funnelPks = store.bulk.contactPksOfCompanies(plan.companies.map((c) => c.pk));
    const funnelBefore = new Map(store.bulk.funnelSnapshots(funnelPks).map((s) => [s.pk, s]));

    switch (action.type) {
      case 'setStage':
        // ContactService.setStageMany's writes, one contact at a time
        for (const c of plan.touched) {
          queued(contacts.setStage(c, action.stage, { at, actor }).seq);
          item(c.id, { stage: c.stage } satisfies StageValue, { stage: action.stage } satisfies StageValue);
        }
        break;
      case 'signUp':
        // ContactService.signUp's writes for a contact, keeping the user id it has
        for (const c of plan.touched) {
          const { seq } = contacts.signUp(c, c.external_id, { at, actor });
          queued(seq);
          item(
            c.id,
            { stage: c.stage, role: c.role, externalId: c.external_id } satisfies SignUpValue,
            { stage: 'signed_up', role: 'user', externalId: c.external_id, seq: seq ?? undefined } satisfies SignUpValue,
          );
        }
        break;
      case 'setCompanyStage':
        // CompanyService.moveStage's writes
        for (const co of plan.companies) {
          queued(companies.setStage(co, action.stage, { at, actor }).seq);
          item(co.id, { stage: co.stage, updatedAt: co.updated_at } satisfies StageValue, { stage: action.stage, updatedAt: at } satisfies StageValue);
        }
        break;
      case 'link': {
        // CompanyService.linkRows' writes
        const company = plan.company!;
        for (const c of plan.touched) {
          queued(contacts.link(c, company, { at }));
          item(c.id, { linked: false } satisfies LinkValue, { linked: true } satisfies LinkValue);
        }
        break;
      }
      case 'setOwner':
        // ContactService.update's writes: the row and a contact.update entry with the owner
        for (const c of plan.touched) {
          queued(contacts.update(c, { ownerId: action.ownerId }, { ownerId: action.ownerId }, { at, adopt: false }).seq);
          item(c.id, { ownerId: c.owner_id } satisfies OwnerValue, { ownerId: action.ownerId } satisfies OwnerValue);
        }
        break;
      case 'addTag':
      case 'removeTag': {
        // TagService's writes; a new tag is made once, with the bulk
        const tag = plan.tag ?? this.tagWriter.ensure(action.name, at).tag;
        const adding = action.type === 'addTag';
        for (const c of plan.touched) {
          queued(adding ? this.tagWriter.tag('contact', c, tag, { at }) : this.tagWriter.untag('contact', c, tag, { at }));
          item(c.id, { tagged: !adding, tagId: tag.id } satisfies TagValue, { tagged: adding, tagId: tag.id } satisfies TagValue);
        }
        break;
      }
      case 'message':
      case 'flush': {
        // MessageService.send / flush's writes, with the same hold (it ends at releaseAtOf(row))
        const releaseAt = at + MESSAGE_HOLD_MS;
        for (const c of plan.touched) {
          const messageId = this.ctx.newId();
          if (action.type === 'message') {
            const rendered = plan.messages.get(c.id)!;
            const subject = rendered.subject || null;
            store.messages.insert({ id: messageId, contact_id: c.id, kind: 'send', channel: action.channel, subject, body: rendered.body, status: 'queued', created_at: at, actor, release_at: releaseAt });
            queued(contacts.queue(c.id, 'message.send', { messageId, channel: action.channel, subject }, { at, releaseAt }));
          } else {
            store.messages.insert({ id: messageId, contact_id: c.id, kind: 'flush', channel: null, subject: null, body: null, status: 'queued', created_at: at, actor, release_at: releaseAt });
            queued(contacts.queue(c.id, 'message.flush', { messageId }, { at, releaseAt }));
          }
          item(c.id, null, { messageId } satisfies MessageValue);
        }
        break;
      }
    }

    for (const after of store.bulk.funnelSnapshots(funnelPks)) {
      const before = funnelBefore.get(after.pk);
      if (before) item(FUNNEL_KEY + after.id, before, after);
    }

    const row: BulkActionRow = {
      id: bulkId,
      action: JSON.stringify(action),
      summary: this.summary(target, action, plan),
      touched: plan.touched.length,
      actor,
      created_at: at,
      first_seq: firstSeq,
      last_seq: lastSeq,
      undone_at: null,
    };
    store.bulk.insert(row);
    return row;
  }

  /** Exports write a file and change no record: they are journalled, with nothing to undo. */
  private async runExport(input: RunInput, action: Extract<BulkAction, { type: 'export' }>): Promise<RunOutput> {
    const { store, actor } = this.ctx;
    // the contract takes any short string here; refuse an unknown column before counting
    action.columns.forEach((col, i) => {
      if (!(EXPORT_COLUMNS as readonly string[]).includes(col) && !/^attribute:.{1,190}$/.test(col)) {
        throw new AppError('VALIDATION', `There is no column ${col}; use a column name or attribute:<name>.`, {
          field: `action.columns.${i}`,
        });
      }
    });
    const { contacts, missing } = this.resolve(input.target);
    const targeted = contacts.length + missing;
    const skipped = missing > 0 ? [{ reason: SKIP.notFound, count: missing }] : [];
    if (input.dryRun) return { bulk: null, targeted, touched: contacts.length, skipped, dryRun: true, file: null };
    if (!input.confirm) {
      throw new AppError('CONFIRM_REQUIRED', `This exports ${words(contacts.length, 'contact')}; confirm it to go ahead.`, {
        field: 'confirm',
        details: { targeted, touched: contacts.length, demotions: 0 },
      });
    }
    if (!this.exports) throw new AppError('INTERNAL', 'Exports are not available in this build.');
    // in the table's default order (most recently updated first), as contacts.export writes it
    const file = await this.exports.writeCsv({ ids: contacts.map((c) => c.id) }, action.columns as ExportColumn[]);
    const at = this.ctx.now();
    const row: BulkActionRow = {
      id: this.ctx.newId(),
      action: JSON.stringify(action),
      summary: `Exported ${this.whom(input.target, file.rows)} to ${file.fileName}`,
      touched: file.rows,
      actor,
      created_at: at,
      first_seq: null,
      last_seq: null,
      undone_at: null,
    };
    store.transaction(() => store.bulk.insert(row));
    this.ctx.hub.emit('changed', { entity: 'bulk', ids: [row.id], op: 'bulk.apply' });
    return { bulk: this.toRecord(row), targeted, touched: file.rows, skipped, dryRun: false, file };
  }

  // ---- undo -------------------------------------------------------------------------------------

  undo({ id }: ParsedInput<'bulk.undo'>): MethodOutput<'bulk.undo'> {
    const { store, actor } = this.ctx;
    const changed = { contacts: new Set<string>(), companies: new Set<string>() };
    const result = store.transaction(() => {
      const row = store.bulk.byId(id);
      if (!row) throw new AppError('NOT_FOUND', `There is no bulk action with id ${id}.`, { field: 'id' });
      const at = this.ctx.now();
      const blocked = this.blockedReason(row, at);
      if (blocked) throw new AppError('CONFLICT', blocked, { field: 'id' });
      const action = JSON.parse(row.action) as BulkAction;
      const firstSeq = row.first_seq!;
      const lastSeq = row.last_seq!;
      const undoActor = `${actor} (undo)`;
      // records whose entry of the bulk never reached Intercom: withdrawn below, nothing to send back;
      // the others (done, in flight, or gone from the outbox) get a compensating entry
      const unsent = store.outbox.unsentOwners(firstSeq, lastSeq);

      const items = store.bulk.items(row.id);
      const funnelItems = items.filter((i) => i.entity_id.startsWith(FUNNEL_KEY));
      const mainItems = items.filter((i) => !i.entity_id.startsWith(FUNNEL_KEY));
      // read before any write of the undo: its own writes move the funnel columns through triggers
      const funnelNow = new Map(
        store.bulk
          .funnelSnapshots(store.bulk.contactsByIds(funnelItems.map((i) => i.entity_id.slice(FUNNEL_KEY.length))).map((c) => c.pk))
          .map((s) => [s.id, s]),
      );

      let restored = 0;
      let kept = 0;
      let compensated = 0;
      const keptList: string[] = [];
      const keep = (words: string) => {
        kept++;
        if (keptList.length < KEPT_LIST_LIMIT) keptList.push(words);
      };
      const restoredContacts = new Set<string>();
      // a sign-up's entries withdrawn one by one: a contact kept as it is keeps its sign-up going out
      const withdrawSignUps: number[] = [];
      for (const it of mainItems) {
        const after = it.after === null ? null : JSON.parse(it.after);
        const before = it.before === null ? null : JSON.parse(it.before);
        const queue = !unsent.has(it.entity_id);
        let done = false;
        switch (action.type) {
          case 'setStage': {
            const c = store.contacts.byId(it.entity_id);
            const was = (before as StageValue).stage as ContactStage;
            if (c && c.stage === (after as StageValue).stage && !store.bulk.hasLaterOps(c.id, lastSeq, STAGE_OPS.contact)) {
              this.contactWriter.setStage(c, was, { at, actor: undoActor, queue });
              done = true;
            } else keep(c ? `Stage of ${contactName(c)}: changed since, kept` : 'A contact deleted since: nothing to put back');
            break;
          }
          case 'signUp': {
            const c = store.contacts.byId(it.entity_id);
            const was = before as SignUpValue;
            const now = after as SignUpValue;
            if (!c) keep('A contact deleted since: nothing to put back');
            else if (c.stage !== 'signed_up' || c.role !== 'user' || c.external_id !== now.externalId || store.bulk.hasLaterOps(c.id, lastSeq, STAGE_OPS.contact)) {
              keep(`Sign-up of ${contactName(c)}: changed since, kept`);
            } else if (queue && was.role !== 'user') {
              // as a single sign-up's undo: Intercom has the user and cannot make it a lead again
              keep(`Sign-up of ${contactName(c)}: Intercom has it, and cannot turn a user back into a lead; kept`);
            } else {
              // not sent: the row goes back and its entry is withdrawn (below); sent, for one who
              // was a user already: only the stage moved, and a compensating stage goes to Intercom
              if (c.stage !== was.stage) this.contactWriter.setStage(c, was.stage, { at, actor: undoActor, queue });
              if (!queue) {
                const write: ContactWrite = {};
                if (c.role !== was.role) write.role = was.role;
                if (c.external_id !== was.externalId) write.externalId = was.externalId;
                if (Object.keys(write).length > 0) this.contactWriter.update(c, write, {}, { at, adopt: false, queue: false });
                if (now.seq !== undefined) withdrawSignUps.push(now.seq);
              }
              done = true;
            }
            break;
          }
          case 'setCompanyStage': {
            const co = store.companies.byId(it.entity_id);
            const was = before as StageValue;
            if (co && co.stage === (after as StageValue).stage && !store.bulk.hasLaterOps(co.id, lastSeq, STAGE_OPS.company)) {
              this.companyWriter.setStage(co, was.stage as CompanyStage | null, { at, actor: undoActor, queue, updatedAt: was.updatedAt ?? at });
              changed.companies.add(co.id);
              done = true;
            } else keep(co ? `Company stage of ${co.name}: changed since, kept` : 'A company deleted since: nothing to put back');
            break;
          }
          case 'link': {
            const c = store.contacts.byId(it.entity_id);
            const co = store.companies.byId(action.companyId);
            if (c && co && !store.bulk.hasLaterLinkOps(c.id, co.id, lastSeq) && this.contactWriter.unlink(c, co, { at, queue })) {
              changed.companies.add(co.id);
              done = true;
            } else keep(c && co ? `Link of ${contactName(c)} to ${co.name}: changed since, kept` : 'A contact or company deleted since: nothing to put back');
            break;
          }
          case 'setOwner': {
            const c = store.contacts.byId(it.entity_id);
            const was = (before as OwnerValue).ownerId;
            if (c && c.owner_id === (after as OwnerValue).ownerId && !store.bulk.hasLaterFieldOps(c.id, lastSeq, 'ownerId')) {
              this.contactWriter.update(c, { ownerId: was }, { ownerId: was }, { at, adopt: false, queue });
              done = true;
            } else keep(c ? `Owner of ${contactName(c)}: changed since, kept` : 'A contact deleted since: nothing to put back');
            break;
          }
          case 'addTag':
          case 'removeTag': {
            const c = store.contacts.byId(it.entity_id);
            const value = after as TagValue;
            const tag = value.tagId ? store.tags.byId(value.tagId) : undefined;
            const now = c && tag ? store.tags.has('contact', c.pk, tag.pk) : null;
            if (c && tag && now === value.tagged && !store.tags.hasLaterEntries(c.id, tag.id, lastSeq)) {
              if (value.tagged) this.tagWriter.untag('contact', c, tag, { at, queue });
              else this.tagWriter.tag('contact', c, tag, { at, queue });
              done = true;
            } else keep(c && tag ? `Tag ${tag.name} of ${contactName(c)}: changed since, kept` : 'A contact or tag deleted since: nothing to put back');
            break;
          }
          case 'message':
          case 'flush': {
            // still in its hold (blockedReason): the entry goes, the message shows as not sent
            const messageId = (after as MessageValue).messageId;
            if (this.contactWriter.withdrawHeldMessage(messageId, at)) done = true;
            else keep(`A ${action.type === 'flush' ? 'flush' : 'message'} already taken back or discarded: left as it is`);
            break;
          }
          case 'export':
            break;
        }
        if (done) {
          restored++;
          if (queue && action.type !== 'message' && action.type !== 'flush') compensated++;
          if (action.type !== 'setCompanyStage') restoredContacts.add(it.entity_id);
          if (action.type !== 'setCompanyStage') changed.contacts.add(it.entity_id);
        }
      }

      // the funnel columns: back to before, unless something else moved them since
      for (const it of funnelItems) {
        const contactId = it.entity_id.slice(FUNNEL_KEY.length);
        const now = funnelNow.get(contactId);
        const after = JSON.parse(it.after!) as FunnelSnapshot;
        const before = JSON.parse(it.before!) as FunnelSnapshot;
        if (!now || !sameFunnel(now, after)) continue;
        if (action.type !== 'setCompanyStage' && !restoredContacts.has(contactId)) continue;
        this.contactWriter.restoreFunnel({ ...before, pk: now.pk, id: contactId });
        changed.contacts.add(contactId);
      }

      // what never reached Intercom goes (refused entries too: Intercom never applied them); the
      // records' sync state follows
      if (action.type === 'signUp') this.contactWriter.withdrawEntries(withdrawSignUps);
      else this.contactWriter.withdrawUnsent(firstSeq, lastSeq);
      this.companyWriter.withdrawUnsent(firstSeq, lastSeq);
      store.bulk.markUndone(row.id, at);
      return { bulk: this.toRecord(store.bulk.byId(row.id)!, at), restored, kept, compensated, keptList };
    });
    const op = 'bulk.revert';
    if (changed.contacts.size > 0) this.ctx.hub.emit('changed', { entity: 'contact', ids: [...changed.contacts], op });
    if (changed.companies.size > 0) this.ctx.hub.emit('changed', { entity: 'company', ids: [...changed.companies], op });
    this.ctx.hub.emit('changed', { entity: 'outbox', ids: [], op });
    this.ctx.hub.emit('changed', { entity: 'bulk', ids: [id], op });
    return result;
  }

  /** When a bulk's messages or flushes leave their hold; null for other actions. */
  private releaseAtOf(row: BulkActionRow): number | null {
    const type = (JSON.parse(row.action) as BulkAction).type;
    return type === 'message' || type === 'flush' ? row.created_at + MESSAGE_HOLD_MS : null;
  }

  /** Why a bulk cannot be undone at `now`, in words; null when it can (undo decides the same way). */
  private blockedReason(row: BulkActionRow, now: number): string | null {
    if (row.undone_at !== null) return 'this bulk action has already been undone';
    if (row.first_seq === null || row.last_seq === null) return 'an export changes no records; there is nothing to undo';
    const releaseAt = this.releaseAtOf(row);
    if (releaseAt !== null && now >= releaseAt) return 'Messages already sent cannot be taken back.';
    const type = (JSON.parse(row.action) as BulkAction).type;
    if (type === 'signUp' && !this.ctx.store.bulk.hasUndoableSignUp(row.id, row.first_seq, row.last_seq)) {
      return `${row.touched === 1 ? 'The sign-up' : 'These sign-ups'} already reached Intercom, which cannot turn a user back into a lead.`;
    }
    return null;
  }

  // ---- list -------------------------------------------------------------------------------------

  list({ limit, offset }: ParsedInput<'bulk.list'>): MethodOutput<'bulk.list'> {
    const page = this.ctx.store.bulk.list(limit, offset ?? 0);
    const now = this.ctx.now();
    return { items: page.rows.map((r) => this.toRecord(r, now)), total: page.total };
  }

  private toRecord(r: BulkActionRow, now = this.ctx.now()): BulkRecord {
    const blocked = this.blockedReason(r, now);
    const releaseAt = this.releaseAtOf(r);
    return {
      id: r.id,
      action: JSON.parse(r.action) as BulkAction,
      summary: r.summary,
      touched: r.touched,
      createdAt: iso(r.created_at),
      actor: r.actor,
      undoneAt: isoOrNull(r.undone_at),
      undoable: blocked === null,
      undoBlockedReason: blocked,
      releaseAt: releaseAt === null ? null : iso(releaseAt),
    };
  }

  // ---- words ------------------------------------------------------------------------------------

  /** "1,180 contacts of “Slipping away”", "12 selected contacts", "40 contacts matching a filter". */
  private whom(target: BulkTarget, n: number): string {
    if (target.kind === 'ids') return `${n.toLocaleString('en')} selected ${n === 1 ? 'contact' : 'contacts'}`;
    if (target.kind === 'rule') return `${words(n, 'contact')} matching a filter`;
    return `${words(n, 'contact')} of “${this.segmentName(target.segmentId)}”`;
  }

  private segmentName(id: string): string {
    const saved = this.ctx.store.bulk.segmentName(id);
    if (saved) return saved;
    const builtin = id.startsWith('builtin:') ? (builtinSegmentRules() as Record<string, { name: string }>)[id.slice('builtin:'.length) as BuiltinSegment] : undefined;
    return builtin?.name ?? id;
  }

  private summary(target: BulkTarget, action: Exclude<BulkAction, { type: 'export' }>, plan: Plan): string {
    const whom = this.whom(target, plan.touched.length);
    switch (action.type) {
      case 'setStage':
        return `Set stage to ${stageLabel(action.stage)} on ${whom}`;
      case 'signUp':
        return `Signed up ${whom}`;
      case 'setCompanyStage':
        return `Set company stage to ${stageLabel(action.stage)} on ${words(plan.companies.length, 'company', 'companies')} of ${whom}`;
      case 'link':
        return `Linked ${whom} to ${plan.company!.name}`;
      case 'message':
        return action.channel === 'email' ? `Queued the email “${action.subject ?? ''}” to ${whom}` : `Queued an in-app message to ${whom}`;
      case 'flush':
        return `Flushed the pending auto-messages of ${whom}`;
      case 'setOwner': {
        const owner = action.ownerId === null ? null : this.ctx.store.admins.byId(action.ownerId);
        return owner === null ? `Removed the owner of ${whom}` : `Assigned ${whom} to ${owner?.name ?? owner?.email ?? action.ownerId}`;
      }
      case 'addTag':
        return `Tagged ${whom} ${plan.tag?.name ?? action.name}`;
      case 'removeTag':
        return `Took tag ${plan.tag?.name ?? action.name} off ${whom}`;
    }
  }
}

const OPS: Record<BulkAction['type'], string> = {
  setStage: 'contact.setStage',
  signUp: 'contact.signUp',
  setCompanyStage: 'company.setStage',
  link: 'company.link',
  message: 'message.send',
  flush: 'message.flush',
  setOwner: 'contact.update',
  addTag: 'contact.tag',
  removeTag: 'contact.untag',
  export: 'bulk.export',
};

/** The most "changed since, kept" lines an undo's answer lists (the count says how many in all). */
const KEPT_LIST_LIMIT = 20;

function contactName(c: { name: string | null; email: string | null }): string {
  return c.name ?? c.email ?? 'a contact without a name';
}

function words(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

function sameFunnel(a: FunnelSnapshot, b: FunnelSnapshot): boolean {
  return (
    a.updated_at === b.updated_at &&
    a.funnel_rank === b.funnel_rank &&
    a.funnel_max === b.funnel_max &&
    a.stage_entered_at === b.stage_entered_at &&
    a.signed_up_at === b.signed_up_at &&
    a.sql_at === b.sql_at &&
    a.customer_at === b.customer_at
  );
}
