// Drains the outbox to Intercom, exactly once: records in parallel, each record's entries in
// order, consecutive field changes folded into one request, every request safe to repeat.
import type { SyncEntryRow } from '../db/SyncRepository';
import { CompanyWriter } from '../records/CompanyWriter';
import { ContactWriter } from '../records/ContactWriter';
import { ensureStageAttributes, forgetAttributes } from './Bootstrap';
import type { PushEntry } from './fold';
import { IntercomError } from './IntercomError';
import type { SyncSettings } from './mapping';
import { operationFor, operationOf } from './ops';
import { StepFailure, StepWait, type Commit, type Operation, type PushRun, type RecordRef, type Step } from './ops/Operation';
import { planRemoved, planSteps, UNKNOWN } from './ops/planSteps';
import type { ProgressFn, SyncContext } from './SyncContext';

export { LOST_SEND_MESSAGE } from './ops/message';
export { INTERCOM_EVENT_NAME_LIMIT } from './ops/event';

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

export const backoffMs = (attempts: number): number => Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));

const keyOf = (r: RecordRef) => `${r.type}:${r.id}`;

function toEntry(r: SyncEntryRow): PushEntry {
  return { seq: r.seq, op: r.op, payload: JSON.parse(r.payload) as Record<string, unknown>, attempts: r.attempts };
}

/** Drives the operation registry (ops/): plans each record's steps, claims, sends and commits them. */
export class Pusher implements PushRun {
  readonly settings: SyncSettings;
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
  readonly newEventNames = new Set<string>();
  /** `model.name` -> why Intercom would not create it in this run's bootstrap. */
  private readonly refusedAttributes = new Map<string, string>();
  /** `model.name` of attributes this run's bootstrap could not create (Intercom failed): their entries wait. */
  private readonly unavailableAttributes = new Set<string>();

  /** What a sent step commits to a record goes through its writer, as every other change does. */
  readonly contacts: ContactWriter;
  readonly companies: CompanyWriter;

  constructor(readonly ctx: SyncContext) {
    this.settings = ctx.settings();
    this.contacts = new ContactWriter(ctx.store);
    this.companies = new CompanyWriter(ctx.store);
  }

  async run(onProgress?: ProgressFn): Promise<PushSummary> {
    if (this.started) throw new Error('Pusher.run: a pusher runs once; make a new one for the next run');
    this.started = true;
    this.onProgress = onProgress;
    this.recoverInFlight();
    // the engine's bootstrap step ran it for this run already; a pusher run on its own runs it here
    const boot = this.ctx.run?.bootstrap ?? (await ensureStageAttributes(this.ctx));
    for (const r of boot.refused) this.refusedAttributes.set(`${r.model}.${r.name}`, r.message);
    for (const a of boot.unavailable ?? []) this.unavailableAttributes.add(a);
    this.startMaxSeq = this.ctx.store.sync.maxSeq();
    this.total = this.ctx.store.sync.countPending(this.ctx.now());
    this.progress();

    const workers = Array.from({ length: Math.max(1, this.ctx.concurrency) }, () => this.worker());
    await Promise.all(workers);
    if (this.stopError) throw this.stopError;
    return { ...this.summary };
  }

  // ---- records -------------------------------------------------------------------------------

  /**
   * A previous process died with these entries in flight (only a process holding the data
   * folder's lock opens the store for sync, see createCore, so no living one is sending them).
   * Sending them again is safe (every request here repeats without effect), except an operation
   * that sends once (a message): it may have gone out, and a contact must never get it twice.
   */
  private recoverInFlight(): void {
    const { store } = this.ctx;
    const stale = store.sync.inFlight();
    if (stale.length === 0) return;
    const at = this.ctx.now();
    store.transaction(() => {
      for (const r of stale) {
        const op = operationOf(r.op);
        if (op?.sendsOnce) {
          store.outbox.markFailed([r.seq], op.sendsOnce.lostInFlight, at);
          op.failed?.(store, toEntry(r), op.sendsOnce.lostInFlight);
        } else {
          store.outbox.release([r.seq], at);
        }
        store.outbox.refreshSyncState(r.entity_type, r.entity_id);
      }
    });
    for (const r of stale) this.ctx.changed(r.entity_type, [r.entity_id], 'sync.push');
    this.ctx.changed('outbox', stale.map((r) => String(r.seq)), 'sync.push');
  }

  private nextRecord(): RecordRef | undefined {
    while (this.queue.length === 0 && !this.walkDone) {
      const rows = this.ctx.store.sync.pendingAfter(this.walkAfter, RECORD_WALK_BATCH, this.ctx.now());
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
      // a company may already have been pushed for a link (see ops/link.ts)
      if (this.running.has(keyOf(rec))) continue;
      await this.pushRecord(rec);
    }
  }

  stopped(): boolean {
    if (!this.stopError && this.ctx.signal.aborted) {
      this.stopError = new IntercomError({ kind: 'aborted', message: 'The sync was stopped', method: '', path: '' });
    }
    return this.stopError !== null;
  }

  /** Pushes a record once in this run; an operation calls it for a record its step needs first. */
  pushFirst(rec: RecordRef): Promise<void> {
    return this.pushRecord(rec);
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
      if (!row) return this.pushRemoved(rec);
      // a refused create: nothing after it can go out until the user retries or discards it
      if (!row.intercom_id && sync.hasFailed(rec.id)) return;
      const loaded = sync.pendingFor(rec.id, ENTRIES_PER_LOAD, this.ctx.now());
      const due = this.dueOf(loaded);
      if (due.length === 0) return;
      const steps = planSteps(due, rec.type, Boolean(row.intercom_id));
      for (const step of steps) {
        if (this.stopped()) return;
        // a step's check before its update may have found a colleague's change: the rest waits, as after a pull
        if (sync.hasOpenConflict(rec.id)) return;
        if (!(await this.runStep(rec, step))) return;
      }
      // more than one load's worth, or entries written while this one was being sent
      if (loaded.length < ENTRIES_PER_LOAD && due.length === loaded.length) {
        if (sync.pendingFor(rec.id, 1, this.ctx.now()).length === 0) return;
      }
    }
  }

  /** The loaded entries that are due now, counting those written since the run began. */
  private dueOf(loaded: readonly SyncEntryRow[]): PushEntry[] {
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
    return due;
  }

  /** A record removed here (an undo): only its archive goes out (see planRemoved). */
  private async pushRemoved(rec: RecordRef): Promise<void> {
    const due = this.dueOf(this.ctx.store.sync.pendingFor(rec.id, ENTRIES_PER_LOAD, this.ctx.now()));
    for (const step of planRemoved(due)) {
      if (this.stopped()) return;
      if (!(await this.runStep(rec, step))) return;
    }
  }

  /** Runs one step; false when the record's later entries must wait. */
  private async runStep(rec: RecordRef, step: Step): Promise<boolean> {
    const seqs = step.entries.map((e) => e.seq);
    const { store } = this.ctx;
    const op = operationFor(rec.type, step.kind);
    try {
      await op?.beforeClaim?.(this, step);
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
      store.outbox.markInFlight(seqs, this.ctx.now());
      return true;
    });
    // discarded or retried from the outbox screen meanwhile: look at the record again next run
    if (!claimed) return false;

    let commit: Commit;
    try {
      if (!op) throw new StepFailure(unsendable(rec, step));
      commit = await op.send(this, rec.id, step.entries);
    } catch (e) {
      if (op?.fold === 'run' && step.entries.length > 1 && e instanceof IntercomError && e.kind === 'invalid') {
        // Refused as a whole: send the entries one by one, so that only the one Intercom refuses fails
        store.transaction(() => store.outbox.releaseRefused(seqs, this.ctx.now()));
        return this.runSingly(rec, step.entries);
      }
      return this.onStepError(rec, step, op, e);
    }
    try {
      store.transaction(() => {
        store.outbox.markDone(seqs, this.ctx.now());
        commit();
        store.outbox.refreshSyncState(rec.type, rec.id);
      });
    } catch (e) {
      // Intercom has the change but the record could not take it (an id already taken locally):
      // the user sees why instead of a silent retry loop
      return this.onStepError(rec, step, op, e);
    }
    this.summary.done += seqs.length;
    this.notify(rec, seqs);
    return true;
  }

  private async runSingly(rec: RecordRef, entries: PushEntry[]): Promise<boolean> {
    for (const e of entries) {
      if (this.stopped()) return false;
      // an entry folded into the run only because its record was being created (a sign-up) is a
      // step of its own once the record is in Intercom
      const own = operationOf(e.op);
      const step: Step = { kind: own && own.fold === 'single' && this.intercomIdOf(rec) ? own.kind : 'fields', entries: [e] };
      if (!(await this.runStep(rec, step))) return false;
    }
    return true;
  }

  private onStepError(rec: RecordRef, step: Step, op: Operation | undefined, e: unknown): boolean {
    const { store } = this.ctx;
    const seqs = step.entries.map((x) => x.seq);
    const at = this.ctx.now();
    const attempts = Math.max(1, ...step.entries.map((x) => x.attempts + 1));
    const creating = op?.fold === 'run' && !this.intercomIdOf(rec);

    const fail = (message: string, alongside?: Commit): boolean => {
      store.transaction(() => {
        store.outbox.markFailed(seqs, message, at);
        alongside?.();
        const first = step.entries[0];
        if (first) op?.failed?.(store, first, message);
        store.outbox.refreshSyncState(rec.type, rec.id);
      });
      this.summary.failed += seqs.length;
      this.notify(rec, seqs);
      // a refused create holds back the rest; a refused update or link does not
      return !creating;
    };
    const defer = (message: string): boolean => {
      store.transaction(() => {
        store.outbox.markDeferred(seqs, at + backoffMs(attempts), message, at);
        store.outbox.refreshSyncState(rec.type, rec.id);
      });
      this.summary.deferred += seqs.length;
      this.notify(rec, seqs);
      return false;
    };

    if (e instanceof StepFailure) return fail(e.message, e.alongside);
    if (!(e instanceof IntercomError)) {
      this.ctx.log(`push of ${rec.type} ${rec.id} (${step.kind}) failed unexpectedly`, e);
      return fail(`Lead Console could not record this change: ${e instanceof Error ? e.message : String(e)}`);
    }
    switch (e.kind) {
      case 'auth':
      case 'offline':
      case 'aborted':
        store.transaction(() => store.outbox.release(seqs, at));
        this.stopError ??= e;
        return false;
      case 'uncertain':
        if (op?.sendsOnce) return fail(op.sendsOnce.uncertain(e.message));
        // everything else repeats safely (see recoverInFlight)
        return defer(e.message);
      case 'transient':
      case 'rate_limited':
        return defer(e.message);
      case 'not_found':
        if (op?.notFoundRetries !== undefined && attempts < op.notFoundRetries) return defer(e.message);
        return fail(e.message);
      case 'invalid': {
        const missing = /attribute '([^']+)' does not exist/i.exec(e.message)?.[1];
        if (missing === undefined) return fail(e.message);
        const refusal = this.refusedAttributes.get(`${rec.type}.${missing}`);
        if (refusal) return fail(`${e.message}. Intercom would not create it: ${refusal}`);
        if (this.unavailableAttributes.has(`${rec.type}.${missing}`)) return defer(`${e.message}; Intercom failed to create it this time, so this change waits for the next run`);
        // archived in Intercom after it was listed: list and create it again on the next run
        forgetAttributes(this.ctx);
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

  async call<T>(fn: () => Promise<T>): Promise<T> {
    this.summary.requests++;
    return fn();
  }

  async admin(): Promise<string> {
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
}

/** Why no operation can send this step: a company entry of a contact's kind, or an op of a newer build. */
function unsendable(rec: RecordRef, step: Step): string {
  const op = step.entries[0]?.op;
  if (rec.type === 'company') return `A company cannot have a ${op} entry`;
  if (step.kind === UNKNOWN) return `This version of Lead Console does not know how to send '${op}'`;
  return `No operation sends a ${step.kind} step of a ${rec.type}`;
}
