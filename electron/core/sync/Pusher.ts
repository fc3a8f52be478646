// Drains the outbox to Intercom, exactly once: records in parallel, each record's entries in
// order, consecutive field changes folded into one request, every request safe to repeat.
import type { EntityType } from '../../../shared/domain';
import type { CompanyRow, ContactRow } from '../db/rows';
import type { SyncEntryRow } from '../db/SyncRepository';
import { ensureStageAttributes, forgetAttributes } from './Bootstrap';
import {
  foldCompany,
  foldContact,
  isEmptyPatch,
  overlayBase,
  planSteps,
  type CompanyPatch,
  type ContactPatch,
  type PushEntry,
  type Step,
} from './fold';
import { IntercomError } from './IntercomError';
import type { CompanyWrite, ContactWrite, EventCreate, IntercomContact, MessageCreate } from './intercomTypes';
import {
  companyBaseFromRemote,
  companyBaseFromRow,
  companyBody,
  companyIdFor,
  contactBaseFromRemote,
  contactBaseFromRow,
  contactBody,
  realExternalId,
  syntheticExternalId,
  type CompanyBase,
  type ContactBase,
  type SyncSettings,
} from './mapping';
import type { ProgressFn, SyncContext } from './SyncContext';

export interface PushSummary {
  /** Entries completed (sent, or found to need no request). */
  done: number;
  /** Entries Intercom refused; they wait for the user (retry or discard). */
  failed: number;
  /** Entries that wait for a later run (Intercom busy, or a company that is not in Intercom yet). */
  deferred: number;
  /** Requests made (each client call once, whatever its own retries). */
  requests: number;
}

const ENTRIES_PER_LOAD = 200;
const RECORD_WALK_BATCH = 500;
const BACKOFF_BASE_MS = 5_000;
const BACKOFF_MAX_MS = 10 * 60_000;
/** A brand-new contact is not visible to /messages for a while (API-NOTES 6): retry this often before giving up. */
const MESSAGE_NOT_FOUND_RETRIES = 5;
/** Intercom keeps at most this many active event names (API-NOTES 4). */
export const INTERCOM_EVENT_NAME_LIMIT = 120;

export const LOST_SEND_MESSAGE =
  'The app stopped while sending this message; Intercom may or may not have sent it. Check the conversation in Intercom before retrying.';

export const backoffMs = (attempts: number): number => Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));

interface RecordRef {
  type: EntityType;
  id: string;
}

/** What a sent step leaves to commit, in the same transaction that marks its entries done. */
type Commit = () => void;

/** A step that cannot go out yet; `onUser`: it waits for the user (a refused create), not for a retry time. */
class StepWait {
  constructor(
    readonly reason: string,
    readonly onUser = false,
  ) {}
}

class StepFailure extends Error {}

const keyOf = (r: RecordRef) => `${r.type}:${r.id}`;

function toEntry(r: SyncEntryRow): PushEntry {
  return { seq: r.seq, op: r.op, payload: JSON.parse(r.payload) as Record<string, unknown>, attempts: r.attempts };
}

/** A create carries no nulls: Intercom has nothing to clear yet, and refuses null on some fields. */
function withoutNulls(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null && v !== undefined));
}

/** A full row as a patch: used when a record must be (re)created from what it holds now. */
function rowContactPatch(row: ContactRow): ContactPatch {
  const b = contactBaseFromRow(row);
  return { role: b.role, email: b.email, name: b.name, phone: b.phone, externalId: b.externalId, stage: b.stage, customAttributes: b.customAttributes };
}

function rowCompanyPatch(row: CompanyRow): CompanyPatch {
  const b = companyBaseFromRow(row);
  return { name: b.name, plan: b.plan, monthlySpend: b.monthlySpend, stage: b.stage, customAttributes: b.customAttributes };
}

/** The patch without its nulls (a create or an adopt must not clear what a contact already has). */
function nonNullPatch<P extends ContactPatch | CompanyPatch>(p: P): P {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) {
    if (k === 'customAttributes') {
      const attrs = Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== null));
      if (Object.keys(attrs).length > 0) out[k] = attrs;
    } else if (v !== null && v !== undefined) out[k] = v;
  }
  return out as P;
}

export class Pusher {
  private readonly s: SyncSettings;
  private readonly summary: PushSummary = { done: 0, failed: 0, deferred: 0, requests: 0 };
  /** Records queued or handled in this run: each is pushed once per run. */
  private readonly seen = new Set<string>();
  private readonly running = new Map<string, Promise<void>>();
  private queue: RecordRef[] = [];
  private walkAfter = 0;
  private walkDone = false;
  private stopError: IntercomError | null = null;
  private adminId: string | null = null;
  private startMaxSeq = 0;
  private total = 0;
  private readonly extra = new Set<number>();
  private onProgress: ProgressFn | undefined;
  private started = false;
  /** Event names first sent in this run: until their step commits (event_names) they count toward Intercom's 120 here. */
  private readonly newEventNames = new Set<string>();
  /** `model.name` -> why Intercom would not create it in this run's bootstrap. */
  private readonly refusedAttributes = new Map<string, string>();

  constructor(private readonly ctx: SyncContext) {
    this.s = ctx.settings();
  }

  async run(onProgress?: ProgressFn): Promise<PushSummary> {
    if (this.started) throw new Error('Pusher.run: a pusher runs once; make a new one for the next run');
    this.started = true;
    this.onProgress = onProgress;
    this.recoverInFlight();
    for (const r of (await ensureStageAttributes(this.ctx)).refused) this.refusedAttributes.set(`${r.model}.${r.name}`, r.message);
    this.startMaxSeq = this.ctx.store.sync.maxSeq();
    this.total = this.ctx.store.sync.countPending();
    this.progress();

    const workers = Array.from({ length: Math.max(1, this.ctx.concurrency) }, () => this.worker());
    await Promise.all(workers);
    if (this.stopError) throw this.stopError;
    return { ...this.summary };
  }

  // ---- records -------------------------------------------------------------------------------

  /**
   * A previous process died with these entries in flight. Sending them again is safe (every
   * request here repeats without effect), except a message: it may have gone out, and a
   * contact must never get it twice.
   */
  private recoverInFlight(): void {
    const { store } = this.ctx;
    const stale = store.sync.inFlight();
    if (stale.length === 0) return;
    const at = this.ctx.now();
    store.transaction(() => {
      for (const r of stale) {
        if (r.op === 'message.send') {
          store.sync.markFailed([r.seq], LOST_SEND_MESSAGE, at);
          const messageId = (JSON.parse(r.payload) as { messageId?: string }).messageId;
          if (messageId) store.messages.setStatus(messageId, { status: 'failed', error: LOST_SEND_MESSAGE });
        } else {
          store.sync.release([r.seq], at);
        }
        store.outbox.refreshSyncState(r.entity_type, r.entity_id);
      }
    });
    for (const r of stale) this.ctx.changed(r.entity_type, [r.entity_id], 'sync.push');
    this.ctx.changed('outbox', stale.map((r) => String(r.seq)), 'sync.push');
  }

  private nextRecord(): RecordRef | undefined {
    while (this.queue.length === 0 && !this.walkDone) {
      const rows = this.ctx.store.sync.pendingAfter(this.walkAfter, RECORD_WALK_BATCH);
      if (rows.length < RECORD_WALK_BATCH) this.walkDone = true;
      for (const r of rows) {
        this.walkAfter = r.seq;
        const ref = { type: r.entity_type, id: r.entity_id };
        if (this.seen.has(keyOf(ref))) continue;
        this.seen.add(keyOf(ref));
        this.queue.push(ref);
      }
    }
    return this.queue.shift();
  }

  private async worker(): Promise<void> {
    for (;;) {
      if (this.stopped()) return;
      const rec = this.nextRecord();
      if (!rec) return;
      // a company may already have been pushed for a link (see `prepare`)
      if (this.running.has(keyOf(rec))) continue;
      await this.pushRecord(rec);
    }
  }

  private stopped(): boolean {
    if (!this.stopError && this.ctx.signal.aborted) {
      this.stopError = new IntercomError({ kind: 'aborted', message: 'The sync was stopped', method: '', path: '' });
    }
    return this.stopError !== null;
  }

  private pushRecord(rec: RecordRef): Promise<void> {
    const key = keyOf(rec);
    this.seen.add(key);
    let p = this.running.get(key);
    if (!p) {
      p = this.pushRecordSteps(rec).catch((e: unknown) => {
        // only bugs get here (every Intercom error is handled per step); the run goes on
        this.ctx.log(`push of ${key} stopped on an unexpected error`, e);
      });
      this.running.set(key, p);
    }
    return p;
  }

  private async pushRecordSteps(rec: RecordRef): Promise<void> {
    const { sync } = this.ctx.store;
    if (sync.hasOpenConflict(rec.id)) return;
    for (let round = 0; round < 10; round++) {
      const row = rec.type === 'contact' ? this.ctx.store.contacts.byId(rec.id) : this.ctx.store.companies.byId(rec.id);
      if (!row) return;
      // a refused create: nothing after it can go out until the user retries or discards it
      if (!row.intercom_id && sync.hasFailed(rec.id)) return;
      const loaded = sync.pendingFor(rec.id, ENTRIES_PER_LOAD);
      const now = this.ctx.now();
      const due: PushEntry[] = [];
      for (const r of loaded) {
        // order matters within a record: an entry waiting for its retry time holds back the later ones
        if (r.not_before !== null && r.not_before > now) break;
        due.push(toEntry(r));
        if (r.seq > this.startMaxSeq && !this.extra.has(r.seq)) {
          this.extra.add(r.seq);
          this.total++;
        }
      }
      if (due.length === 0) return;
      const steps = planSteps(due, rec.type, Boolean(row.intercom_id));
      for (const step of steps) {
        if (this.stopped()) return;
        if (!(await this.runStep(rec, step))) return;
      }
      // more than one load's worth, or entries written while this one was being sent
      if (loaded.length < ENTRIES_PER_LOAD && due.length === loaded.length) {
        if (sync.pendingFor(rec.id, 1).length === 0) return;
      }
    }
  }

  /** Runs one step; false when the record's later entries must wait. */
  private async runStep(rec: RecordRef, step: Step): Promise<boolean> {
    const seqs = step.entries.map((e) => e.seq);
    const { store } = this.ctx;
    try {
      await this.prepareStep(step);
    } catch (e) {
      if (e instanceof StepWait) {
        // only what a later run can send by itself counts as deferred (the engine comes back sooner for it)
        if (!this.stopped() && !e.onUser) this.summary.deferred += seqs.length;
        this.progress();
        return false;
      }
      throw e;
    }

    const claimed = store.transaction(() => {
      if (store.sync.countPendingOf(seqs) !== seqs.length) return false;
      store.sync.markInFlight(seqs, this.ctx.now());
      return true;
    });
    // discarded or retried from the outbox screen meanwhile: look at the record again next run
    if (!claimed) return false;

    let commit: Commit;
    try {
      commit = await this.send(rec, step);
    } catch (e) {
      if (step.kind === 'fields' && step.entries.length > 1 && e instanceof IntercomError && e.kind === 'invalid') {
        // Refused as a whole: send the entries one by one, so that only the one Intercom refuses fails
        store.transaction(() => store.sync.releaseRefused(seqs, this.ctx.now()));
        return this.runSingly(rec, step.entries);
      }
      return this.onStepError(rec, step, e);
    }
    try {
      store.transaction(() => {
        store.sync.markDone(seqs, this.ctx.now());
        commit();
        store.outbox.refreshSyncState(rec.type, rec.id);
      });
    } catch (e) {
      // Intercom has the change but the record could not take it (an id already taken locally):
      // the user sees why instead of a silent retry loop
      return this.onStepError(rec, step, e);
    }
    this.summary.done += seqs.length;
    this.notify(rec, seqs);
    return true;
  }

  private async runSingly(rec: RecordRef, entries: PushEntry[]): Promise<boolean> {
    for (const e of entries) {
      if (this.stopped()) return false;
      const signUp = e.op === 'contact.signUp' && Boolean(this.intercomIdOf(rec));
      const step: Step = signUp ? { kind: 'signUp', entries: [e] } : { kind: 'fields', entries: [e] };
      if (!(await this.runStep(rec, step))) return false;
    }
    return true;
  }

  private onStepError(rec: RecordRef, step: Step, e: unknown): boolean {
    const { store } = this.ctx;
    const seqs = step.entries.map((x) => x.seq);
    const at = this.ctx.now();
    const attempts = Math.max(1, ...step.entries.map((x) => x.attempts + 1));
    const isMessage = step.kind === 'message';
    const creating = step.kind === 'fields' && !this.intercomIdOf(rec);

    const fail = (message: string): boolean => {
      store.transaction(() => {
        store.sync.markFailed(seqs, message, at);
        if (step.kind === 'message' || step.kind === 'flush') this.setMessage(step.entries[0], { status: 'failed', error: message });
        if (step.kind === 'event') this.setEventState(step.entries[0], 'failed');
        store.outbox.refreshSyncState(rec.type, rec.id);
      });
      this.summary.failed += seqs.length;
      this.notify(rec, seqs);
      // a refused create holds back the rest; a refused update or link does not
      return !creating;
    };
    const defer = (message: string): boolean => {
      store.transaction(() => {
        store.sync.markDeferred(seqs, at + backoffMs(attempts), message, at);
        store.outbox.refreshSyncState(rec.type, rec.id);
      });
      this.summary.deferred += seqs.length;
      this.notify(rec, seqs);
      return false;
    };

    if (e instanceof StepFailure) return fail(e.message);
    if (!(e instanceof IntercomError)) {
      this.ctx.log(`push of ${rec.type} ${rec.id} (${step.kind}) failed unexpectedly`, e);
      return fail(`Lead Console could not record this change: ${e instanceof Error ? e.message : String(e)}`);
    }
    switch (e.kind) {
      case 'auth':
      case 'offline':
      case 'aborted':
        store.transaction(() => store.sync.release(seqs, at));
        this.stopError ??= e;
        return false;
      case 'uncertain':
        if (isMessage) {
          return fail(`Intercom may or may not have sent this message (${e.message}). Check the conversation in Intercom before retrying.`);
        }
        // everything else repeats safely (see recoverInFlight)
        return defer(e.message);
      case 'transient':
      case 'rate_limited':
        return defer(e.message);
      case 'not_found':
        if (isMessage && attempts < MESSAGE_NOT_FOUND_RETRIES) return defer(e.message);
        return fail(e.message);
      case 'invalid': {
        const missing = /attribute '([^']+)' does not exist/i.exec(e.message)?.[1];
        if (missing === undefined) return fail(e.message);
        const refusal = this.refusedAttributes.get(`${rec.type}.${missing}`);
        if (refusal) return fail(`${e.message}. Intercom would not create it: ${refusal}`);
        // archived in Intercom after it was listed: list and create it again on the next run
        forgetAttributes(this.ctx.client);
        return attempts < 3 ? defer(e.message) : fail(e.message);
      }
      default:
        return fail(e.message);
    }
  }

  private notify(rec: RecordRef, seqs: number[]): void {
    this.ctx.changed(rec.type, [rec.id], 'sync.push');
    if (seqs.length > 0) this.ctx.changed('outbox', seqs.map(String), 'sync.push');
    this.progress();
  }

  private progress(): void {
    const s = this.summary;
    this.onProgress?.(s.done + s.failed + s.deferred, Math.max(this.total, s.done + s.failed + s.deferred));
  }

  private intercomIdOf(rec: RecordRef): string | null {
    const row = rec.type === 'contact' ? this.ctx.store.contacts.byId(rec.id) : this.ctx.store.companies.byId(rec.id);
    return row?.intercom_id ?? null;
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    this.summary.requests++;
    return fn();
  }

  // ---- steps ---------------------------------------------------------------------------------

  /** Before claiming: what a step needs first (a link needs its company in Intercom). */
  private async prepareStep(step: Step): Promise<void> {
    if (step.kind !== 'link') return;
    const companyId = step.entries[0].payload.companyId;
    if (typeof companyId !== 'string') return;
    const company = this.ctx.store.companies.byId(companyId);
    if (!company || company.intercom_id) return;
    await this.pushRecord({ type: 'company', id: companyId });
    if (this.stopped()) throw new StepWait('the run stopped');
    if (!this.ctx.store.companies.byId(companyId)?.intercom_id) {
      throw new StepWait(`company ${companyId} is not in Intercom yet`, this.ctx.store.sync.hasFailed(companyId));
    }
  }

  private send(rec: RecordRef, step: Step): Promise<Commit> {
    if (rec.type === 'company') {
      if (step.kind !== 'fields') return Promise.reject(new StepFailure(`A company cannot have a ${step.entries[0]?.op} entry`));
      return this.pushCompany(rec.id, step.entries);
    }
    switch (step.kind) {
      case 'fields':
        return this.pushContactFields(rec.id, step.entries);
      case 'signUp':
        return this.signUp(rec.id, step.entries[0]);
      case 'link':
      case 'unlink':
        return this.pushLink(rec.id, step.kind, step.entries[0]);
      case 'message':
        return this.sendMessage(rec.id, step.entries[0]);
      case 'flush':
        return this.flush(rec.id, step.entries[0]);
      case 'event':
        return this.pushEvent(rec.id, step.entries[0]);
      case 'unknown':
        return Promise.reject(new StepFailure(`This version of Lead Console does not know how to send '${step.entries[0].op}'`));
    }
  }

  private contactRow(id: string): ContactRow {
    const row = this.ctx.store.contacts.byId(id);
    if (!row) throw new StepFailure(`The contact ${id} no longer exists locally`);
    return row;
  }

  private prevContactBase(row: ContactRow): ContactBase {
    const raw = this.ctx.store.sync.contactBase(row.id);
    return raw ? (JSON.parse(raw) as ContactBase) : contactBaseFromRow(row);
  }

  /** Checks that no other local contact is tied to this Intercom contact (the unique index would refuse it). */
  private checkContactTie(localId: string, intercomId: string): void {
    const other = this.ctx.store.sync.contactIdByIntercomId(intercomId);
    if (other && other !== localId) {
      throw new StepFailure(
        `Intercom contact ${intercomId} is already linked to another local contact (${other}); merge the two in Lead Console, then retry`,
      );
    }
  }

  private setContact(localId: string, resp: IntercomContact, base: ContactBase): Commit {
    return () => {
      this.checkContactTie(localId, resp.id);
      this.ctx.store.sync.setContactRemote(localId, resp.id, base);
    };
  }

  private async pushContactFields(id: string, entries: PushEntry[]): Promise<Commit> {
    const row = this.contactRow(id);
    const patch = foldContact(entries);
    if (!row.intercom_id) return this.createContact(row, entries, patch);
    if (isEmptyPatch(patch)) return () => {};
    const body = contactBody(patch, this.s) as ContactWrite;
    let resp: IntercomContact;
    try {
      resp = await this.call(() => this.ctx.client.updateContact(row.intercom_id!, body));
    } catch (e) {
      if (!(e instanceof IntercomError && e.kind === 'not_found')) throw e;
      // merged away or deleted in Intercom: find where the person is now, or create them again
      const moved = await this.relocateContact(row);
      return this.setContact(id, moved, contactBaseFromRemote(moved, this.s));
    }
    return this.setContact(id, resp, overlayBase(this.prevContactBase(row), contactBaseFromRemote(resp, this.s), patch));
  }

  /**
   * POST /contacts, always with an external id (the customer's, or one derived from the local
   * id for a lead): a repeat of a create whose answer was lost gets 409 with the id of the
   * first, which is then adopted.
   */
  private async createContact(row: ContactRow, entries: PushEntry[], patch: ContactPatch): Promise<Commit> {
    const create = entries.find((e) => e.op === 'contact.create');
    const full: ContactPatch = create ? patch : { ...rowContactPatch(row), ...patch };
    const role = full.role ?? row.role;
    const externalId = realExternalId(full.externalId ?? null) ?? syntheticExternalId(row.id);
    const body = withoutNulls({ ...contactBody(nonNullPatch({ ...full, role }), this.s), external_id: externalId }) as ContactWrite;
    const resp = await this.createOrAdopt(body);
    return this.setContact(row.id, resp, contactBaseFromRemote(resp, this.s));
  }

  private async createOrAdopt(body: ContactWrite): Promise<IntercomContact> {
    try {
      return await this.call(() => this.ctx.client.createContact(body, { idempotent: true }));
    } catch (e) {
      if (!(e instanceof IntercomError && e.kind === 'conflict' && e.existingId)) throw e;
      const existing = e.existingId;
      if (e.archived) {
        await this.call(() => this.ctx.client.request('POST', `/contacts/${encodeURIComponent(existing)}/unarchive`, { idempotent: true }));
      }
      const { external_id: _sameAlready, ...update } = body;
      void _sameAlready;
      return this.call(() => this.ctx.client.updateContact(existing, update));
    }
  }

  /** The contact's Intercom id answered 404: its user under the real external id, or a fresh contact from the row. */
  private async relocateContact(row: ContactRow): Promise<IntercomContact> {
    const everything = contactBody(nonNullPatch(rowContactPatch(row)), this.s) as ContactWrite;
    const xid = realExternalId(row.external_id);
    if (xid) {
      const found = await this.call(() => this.ctx.client.findContactByExternalId(xid));
      if (found) {
        const { external_id: _same, ...update } = everything;
        void _same;
        return this.call(() => this.ctx.client.updateContact(found.id, update));
      }
    }
    return this.createOrAdopt({ ...everything, external_id: xid ?? syntheticExternalId(row.id) });
  }

  /**
   * A lead already in Intercom signs up. If Intercom has a user with that external id, the lead
   * is merged into it and the local contact points at the user from then on (its local id
   * stays); otherwise the lead itself becomes the user. Either way one Intercom contact remains.
   */
  private async signUp(id: string, entry: PushEntry): Promise<Commit> {
    const row = this.contactRow(id);
    // its create went out in this same step's run but was planned apart (see planSteps): fold it now
    if (!row.intercom_id) return this.pushContactFields(id, [entry]);
    const leadId = row.intercom_id;
    const xid = typeof entry.payload.externalId === 'string' ? entry.payload.externalId : row.external_id;
    if (!xid) throw new StepFailure('The sign-up carries no user id');
    const patch: ContactPatch = { role: 'user', externalId: xid, stage: (entry.payload.stage as ContactPatch['stage']) ?? 'signed_up' };
    const client = this.ctx.client;

    const found = await this.call(() => client.findContactByExternalId(xid));
    let target: string;
    if (found && found.id !== leadId) {
      // checked before merging: a merge cannot be undone
      this.checkContactTie(id, found.id);
      target = await this.mergeInto(leadId, found.id);
    } else if (found) {
      target = leadId; // a previous attempt converted it and its answer was lost
    } else {
      try {
        const resp = await this.call(() => client.updateContact(leadId, contactBody(patch, this.s) as ContactWrite));
        return this.setContact(id, resp, overlayBase(this.prevContactBase(row), contactBaseFromRemote(resp, this.s), patch));
      } catch (e) {
        if (e instanceof IntercomError && e.kind === 'conflict' && e.existingId) {
          this.checkContactTie(id, e.existingId);
          target = await this.mergeInto(leadId, e.existingId);
        } else if (e instanceof IntercomError && e.kind === 'not_found') {
          // the lead is gone from Intercom (deleted, or merged by someone): the user is created afresh
          const resp = await this.createOrAdopt(
            withoutNulls({ ...contactBody(nonNullPatch({ ...rowContactPatch(row), ...patch }), this.s), external_id: xid }) as ContactWrite,
          );
          return this.setContact(id, resp, contactBaseFromRemote(resp, this.s));
        } else {
          throw e;
        }
      }
    }
    const email = typeof entry.payload.email === 'string' ? entry.payload.email : undefined;
    const sent: ContactPatch = email ? { ...patch, email } : patch;
    const resp = await this.call(() => client.updateContact(target, contactBody(sent, this.s) as ContactWrite));
    // the target is another Intercom contact than the one the old base described: start from it
    const base = target === leadId ? overlayBase(this.prevContactBase(row), contactBaseFromRemote(resp, this.s), sent) : contactBaseFromRemote(resp, this.s);
    return this.setContact(id, resp, base);
  }

  /** Merges lead `from` into user `into`; a 404 for `from` means an earlier merge went through and its answer was lost. */
  private async mergeInto(from: string, into: string): Promise<string> {
    try {
      await this.call(() => this.ctx.client.mergeContacts(from, into));
    } catch (e) {
      // 'uncertain' is left to the retry: next time `from` is either still there (merged then) or gone (404 here)
      if (!(e instanceof IntercomError && e.kind === 'not_found')) throw e;
    }
    return into;
  }

  private async pushLink(id: string, kind: 'link' | 'unlink', entry: PushEntry): Promise<Commit> {
    const companyId = entry.payload.companyId;
    const company = typeof companyId === 'string' ? this.ctx.store.companies.byId(companyId) : undefined;
    const contact = this.contactRow(id);
    if (kind === 'unlink') {
      // never attached in Intercom: nothing to detach
      if (!company?.intercom_id || !contact.intercom_id) return () => {};
      try {
        await this.call(() => this.ctx.client.detachCompany(contact.intercom_id!, company.intercom_id!));
      } catch (e) {
        if (!(e instanceof IntercomError && e.kind === 'not_found')) throw e;
      }
      return () => {};
    }
    if (!company) throw new StepFailure(`The company ${String(companyId)} no longer exists locally`);
    if (!company.intercom_id) throw new IntercomError({ kind: 'transient', message: `${company.name} is not in Intercom yet`, method: 'POST', path: '/contacts/{id}/companies' });
    if (!contact.intercom_id) throw new IntercomError({ kind: 'transient', message: 'The contact is not in Intercom yet', method: 'POST', path: '/contacts/{id}/companies' });
    await this.call(() => this.ctx.client.attachCompany(contact.intercom_id!, company.intercom_id!));
    return () => {};
  }

  private messageRow(entry: PushEntry) {
    const messageId = entry.payload.messageId;
    return typeof messageId === 'string' ? this.ctx.store.messages.byId(messageId) : undefined;
  }

  private setMessage(entry: PushEntry | undefined, fields: Parameters<SyncContext['store']['messages']['setStatus']>[1]): void {
    const messageId = entry?.payload.messageId;
    if (typeof messageId === 'string') this.ctx.store.messages.setStatus(messageId, fields);
  }

  private async admin(): Promise<string> {
    if (this.adminId) return this.adminId;
    const stored = this.ctx.store.settings.get<{ id?: string | number } | null>('intercom.admin');
    if (stored?.id !== undefined && stored.id !== null && String(stored.id) !== '') {
      this.adminId = String(stored.id);
    } else {
      const me = await this.call(() => this.ctx.client.me());
      this.adminId = String(me.id);
    }
    return this.adminId;
  }

  private async sendMessage(id: string, entry: PushEntry): Promise<Commit> {
    const msg = this.messageRow(entry);
    // discarded from the screen, or sent by an earlier attempt whose entry was retried
    if (!msg || msg.status === 'sent' || msg.status === 'discarded') return () => {};
    const contact = this.contactRow(id);
    if (!contact.intercom_id) throw new IntercomError({ kind: 'transient', message: 'The contact is not in Intercom yet', method: 'POST', path: '/messages' });
    const channel = msg.channel ?? 'inapp';
    const body: MessageCreate = {
      message_type: channel,
      body: msg.body ?? '',
      from: { type: 'admin', id: adminIdForWire(await this.admin()) },
      to: { type: contact.role, id: contact.intercom_id },
    };
    if (channel === 'email') {
      body.subject = msg.subject ?? '';
      body.template = 'plain';
    }
    const resp = await this.call(() => this.ctx.client.sendMessage(body));
    const at = this.ctx.now();
    return () => this.ctx.store.messages.setStatus(msg.id, { status: 'sent', sentAt: at, intercomId: String(resp.id), error: null });
  }

  private async flush(id: string, entry: PushEntry): Promise<Commit> {
    const msg = this.messageRow(entry);
    if (!msg || msg.status === 'sent' || msg.status === 'discarded') return () => {};
    const contact = this.contactRow(id);
    if (!contact.intercom_id) throw new IntercomError({ kind: 'transient', message: 'The contact is not in Intercom yet', method: 'GET', path: '/conversations' });
    await this.call(() => this.ctx.client.flushMessages({ externalId: realExternalId(contact.external_id), intercomId: contact.intercom_id! }));
    const at = this.ctx.now();
    return () => this.ctx.store.messages.setStatus(msg.id, { status: 'sent', sentAt: at, error: null });
  }

  private setEventState(entry: PushEntry | undefined, state: 'synced' | 'failed'): void {
    const eventId = entry?.payload.eventId;
    if (typeof eventId === 'number') this.ctx.store.events.setSyncState(eventId, state);
  }

  /**
   * POST /events for one event of a contact already in Intercom (its create goes first: same
   * record, earlier entry). Intercom drops a repeat (same contact, name and second), so a retry is
   * harmless; an event it already has (pulled from there) is not sent at all. Intercom keeps at
   * most 120 active event names: a name that would be the 121st fails here, without a request.
   */
  private async pushEvent(id: string, entry: PushEntry): Promise<Commit> {
    const eventId = entry.payload.eventId;
    const event = typeof eventId === 'number' ? this.ctx.store.events.byId(eventId) : undefined;
    // gone with its contact, or already in Intercom
    if (!event || event.sync_state === 'synced') return () => {};
    const contact = this.contactRow(id);
    if (!contact.intercom_id) throw new IntercomError({ kind: 'transient', message: 'The contact is not in Intercom yet', method: 'POST', path: '/events' });
    const { events } = this.ctx.store;
    const name = event.name;
    if (!events.hasName(name) && !this.newEventNames.has(name)) {
      // names sent in this run are in event_names once their step committed; count the others once
      let inFlight = 0;
      for (const n of this.newEventNames) if (!events.hasName(n)) inFlight++;
      const inUse = events.countNames() + inFlight;
      if (inUse >= INTERCOM_EVENT_NAME_LIMIT) {
        throw new StepFailure(
          `Intercom keeps at most ${INTERCOM_EVENT_NAME_LIMIT} event names and ${inUse} are in use, so the new name '${name}' was not sent. ` +
            'Archive unused event names in Intercom, or track this under an existing name, then retry.',
        );
      }
      this.newEventNames.add(name);
    }
    // a user is found by its own user id, a lead by its Intercom id; what counts is what Intercom
    // holds now (the base), since a sign-up made here after the event may not have gone out yet
    const base = this.prevContactBase(contact);
    const xid = base.role === 'user' ? realExternalId(base.externalId) : null;
    const body: EventCreate = {
      event_name: name,
      created_at: Math.floor(event.at / 1000),
      ...(xid ? { user_id: xid } : { id: contact.intercom_id }),
    };
    const metadata = event.metadata ? (JSON.parse(event.metadata) as Record<string, string | number | boolean>) : {};
    if (Object.keys(metadata).length > 0) body.metadata = metadata;
    await this.call(() => this.ctx.client.trackEvent(body));
    const at = this.ctx.now();
    return () => {
      events.setSyncState(event.id, 'synced');
      events.rememberName(name, at);
    };
  }

  private async pushCompany(id: string, entries: PushEntry[]): Promise<Commit> {
    const row = this.ctx.store.companies.byId(id);
    if (!row) throw new StepFailure(`The company ${id} no longer exists locally`);
    let patch = foldCompany(entries);
    const isNew = !row.intercom_id;
    if (!isNew && isEmptyPatch(patch)) return () => {};
    if (isNew && !entries.some((e) => e.op === 'company.create')) patch = { ...rowCompanyPatch(row), ...patch };
    // POST /companies is create-or-update by company_id, so a repeat changes nothing
    const resp = await this.call(() => this.ctx.client.upsertCompany(companyBody(companyIdFor(row), isNew ? nonNullPatch(patch) : patch, this.s) as unknown as CompanyWrite));
    const remote = companyBaseFromRemote(resp, this.s);
    const raw = this.ctx.store.sync.companyBase(id);
    const base: CompanyBase = isNew || !raw ? remote : overlayBase(JSON.parse(raw) as CompanyBase, remote, patch);
    return () => {
      const other = this.ctx.store.sync.companyIdByIntercomId(resp.id);
      if (other && other !== id) {
        throw new StepFailure(`Intercom company ${resp.id} is already linked to another local company (${other})`);
      }
      this.ctx.store.sync.setCompanyRemote(id, resp.id, base);
    };
  }
}

/** The spec types the sender's id as an integer; GET /me hands it out as a string of digits. */
function adminIdForWire(id: string): number | string {
  return /^\d{1,15}$/.test(id) ? Number(id) : id;
}
