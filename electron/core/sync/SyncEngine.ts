// The sync engine: a state machine that runs the named steps of steps/index.ts (bootstrap, push,
// first pull, or pull companies and contacts then push) when something changed locally
// (debounced), every minute, on "Sync now" and when the network comes back. It owns the status the console shows and pushes it as the `sync` event. A run that cannot
// reach Intercom pauses (offline, or the token was refused); nothing is reported done that did
// not reach Intercom, because the outbox and the pull cursors live in SQLite, not here.
import { setMaxListeners } from 'node:events';
import type { MethodOutput } from '../../../shared/api';
import type { EntityType, SyncProgress, SyncRunState, SyncStatus } from '../../../shared/domain';
import { AppError } from '../../../shared/errors';
import { isoOrNull } from '../db/rows';
import type { Store } from '../db/Store';
import type { EventHub } from '../EventHub';
import { regionFromApp } from '../settings/hosts';
import type { SettingsService } from '../settings/SettingsService';
import { IntercomClient, type ClientOptions } from './IntercomClient';
import { IntercomError } from './IntercomError';
import { DEFAULT_FIRST_PULL_CONCURRENCY, FIRST_PULL_KEY, Puller, type FirstPullState } from './Puller';
import { RateLimiter } from './RateLimiter';
import type { SyncContext } from './SyncContext';
import { contactEvents } from './steps/contactEvents';
import { contactNotes } from './steps/contactNotes';
import { RUN_STEPS } from './steps';
import type { SyncRun } from './steps/SyncStep';

export interface SyncEngineOptions {
  store: Store;
  hub: EventHub;
  settings: SettingsService;
  now: () => number;
  log: (message: string, error?: unknown) => void;
  /** Records pushed at once (default 8). */
  concurrency?: number;
  /** See SyncContext.checkBeforeUpdate (default true). */
  checkBeforeUpdate?: boolean;
  /** Contact ranges the first pull reads at once (default 64; see Puller's DEFAULT_FIRST_PULL_CONCURRENCY). */
  pullConcurrency?: number;
  /** Wait after a local change before a run, so a burst of edits goes out together (default 1.5 s). */
  debounceMs?: number;
  /** Runs at least this often while connected (default 1 min). */
  periodMs?: number;
  /** How often to look for Intercom again while offline (default 15 s). */
  offlineRetryMs?: number;
  /**
   * The longest one request a person waits on may take, its retries included: Test connection and
   * pulling a contact's events (default 30 s; six attempts of 20 s would be four minutes).
   */
  interactiveDeadlineMs?: number;
  /** Extra client options (timeouts, attempts, exchange log) for tests and the bench. */
  client?: Partial<ClientOptions>;
}

const STATUS_EVENT_GAP_MS = 200;
const RELEASE_MARGIN_MS = 100;

export class SyncEngine {
  private state: SyncRunState = 'not_configured';
  private message: string | null = null;
  private progress: SyncProgress | null = null;
  private phaseStartedAt = 0;
  private lastRunAt: number | null = null;
  private lastSuccessAt: number | null = null;
  private nextRunAt: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private abort: AbortController | null = null;
  private limiter: { token: string; limiter: RateLimiter } | null = null;
  private failures = 0;
  private started = false;
  private disposed = false;
  private unsubscribe: (() => void) | null = null;
  private emitting = false;
  /** The renderer said the computer is offline: no run starts until it says otherwise. */
  private offlineHint = false;
  private statusTimer: NodeJS.Timeout | null = null;
  private lastStatusEmit = 0;
  private pendingChanges = new Map<string, Set<string>>();
  private changeTimer: NodeJS.Timeout | null = null;

  private readonly unsubscribeSettings: () => void;

  constructor(private readonly o: SyncEngineOptions) {
    this.state = o.settings.connection() ? 'idle' : 'not_configured';
    this.unsubscribeSettings = o.settings.onChange((keys) => this.settingsChanged(keys));
  }

  private get debounceMs() {
    return this.o.debounceMs ?? 1500;
  }
  private get periodMs() {
    return this.o.periodMs ?? 60_000;
  }

  /** Begins automatic runs: soon after start, after local changes, and every period. */
  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    this.unsubscribe = this.o.hub.subscribe((name, payload) => {
      if (name !== 'changed' || this.emitting) return;
      const op = (payload as { op?: string }).op ?? '';
      if (op.startsWith('sync.')) return;
      this.emitStatusSoon();
      if (this.state !== 'paused_auth' && this.state !== 'not_configured') this.schedule(this.debounceMs);
    });
    this.schedule(1000);
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe?.();
    this.unsubscribeSettings();
    this.abort?.abort();
    for (const t of [this.timer, this.statusTimer, this.changeTimer]) if (t) clearTimeout(t);
    this.timer = this.statusTimer = this.changeTimer = null;
  }

  /** Disposes, then resolves once a run in progress has wound down (before its store is closed). */
  async stop(): Promise<void> {
    this.dispose();
    await this.running?.catch(() => {});
  }

  // ---- status --------------------------------------------------------------------------------

  status(): SyncStatus {
    const { store } = this.o;
    const counts = store.outbox.counts();
    const first = store.settings.get<Partial<FirstPullState>>(FIRST_PULL_KEY);
    return {
      state: this.state,
      message: this.message,
      pending: counts.waiting,
      failed: counts.failed,
      conflicts: store.conflicts.countOpen(),
      progress: this.progress,
      // the first pull, under the name the API has always given it
      initialImport: !first ? 'not_started' : first.phase === 'done' ? 'done' : 'partial',
      lastRunAt: isoOrNull(this.lastRunAt),
      lastSuccessAt: isoOrNull(this.lastSuccessAt),
      nextRunAt: isoOrNull(this.nextRunAt),
    };
  }

  private emitStatus(): void {
    if (this.disposed) return;
    this.lastStatusEmit = Date.now();
    if (this.statusTimer) {
      clearTimeout(this.statusTimer);
      this.statusTimer = null;
    }
    this.o.hub.emit('sync', this.status());
  }

  /** Progress and counts change many times a second; the screens need a few updates a second. */
  private emitStatusSoon(): void {
    if (this.statusTimer || this.disposed) return;
    const wait = Math.max(0, STATUS_EVENT_GAP_MS - (Date.now() - this.lastStatusEmit));
    this.statusTimer = setTimeout(() => {
      this.statusTimer = null;
      this.emitStatus();
    }, wait);
  }

  private setState(state: SyncRunState, message: string | null = null): void {
    this.state = state;
    this.message = message;
    this.emitStatus();
  }

  // ---- scheduling ----------------------------------------------------------------------------

  private schedule(delayMs: number): void {
    if (!this.started || this.disposed) return;
    const at = this.o.now() + delayMs;
    if (this.timer && this.nextRunAt !== null && this.nextRunAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.nextRunAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.nextRunAt = null;
      void this.run();
    }, delayMs);
    this.timer.unref?.();
  }

  /**
   * A run when the next message leaves its undo-send hold, so it goes out on time without
   * another change; a little after, so the run's clock has passed the release for sure.
   */
  private scheduleRelease(): void {
    const now = this.o.now();
    const next = this.o.store.sync.nextRelease(now);
    if (next !== null) this.schedule(next - now + RELEASE_MARGIN_MS);
  }

  /** "Sync now": starts a run at once (a paused sync included) and answers with the status. */
  runNow(): SyncStatus {
    if (this.state === 'paused_auth') this.state = 'idle';
    void this.run();
    return this.status();
  }

  /** Runs a whole cycle and resolves when it is over (a running one is waited for, then one more). */
  async runOnce(): Promise<SyncStatus> {
    if (this.running) {
      this.again = true;
      await this.running;
    }
    await this.run();
    return this.status();
  }

  setOnline(online: boolean): SyncStatus {
    this.offlineHint = !online;
    if (!online) {
      this.abort?.abort();
      if (this.state !== 'not_configured') this.setState('offline', 'This computer is offline; changes wait and go out when it is back.');
    } else if (this.state === 'offline') {
      this.state = 'idle';
      this.message = null;
      void this.run();
    }
    return this.status();
  }

  /** Settings changed: a new token or host means a new connection, and a paused sync may go on. */
  settingsChanged(keys: readonly string[]): void {
    if (keys.some((k) => k === 'token' || k === 'region' || k === 'baseUrl' || k.toLowerCase().includes('stage'))) {
      this.abort?.abort();
      this.limiter = null;
      this.state = this.o.settings.connection() ? 'idle' : 'not_configured';
      this.message = null;
      this.emitStatus();
      if (this.state === 'idle') this.schedule(0);
    }
  }

  // ---- the connection ------------------------------------------------------------------------

  private client(token: string, baseUrl: string, signal?: AbortSignal, interactive = false): IntercomClient {
    if (!this.limiter || this.limiter.token !== token) this.limiter = { token, limiter: new RateLimiter({ maxConcurrent: this.maxInFlight() }) };
    const deadline = interactive ? { deadlineMs: this.o.interactiveDeadlineMs ?? 30_000 } : {};
    return new IntercomClient({ baseUrl, token, limiter: this.limiter.limiter, signal, ...this.o.client, ...deadline });
  }

  /**
   * Requests in flight at once with one token: as many as the push or the first pull uses (the
   * push waits on each record's answers, so a higher cap never makes it send more at once).
   */
  private maxInFlight(): number {
    return Math.max(this.o.concurrency ?? 8, this.o.pullConcurrency ?? DEFAULT_FIRST_PULL_CONCURRENCY);
  }

  /** GET /me with the stored token, or with one typed on the settings screen and not saved yet. */
  async testConnection(token?: string): Promise<MethodOutput<'sync.testConnection'>> {
    const conn = this.o.settings.connection(token);
    if (!conn) throw new AppError('VALIDATION', 'No Intercom access token is set yet; paste one from your Intercom developer hub.', { field: 'token' });
    try {
      const me = await this.client(conn.token, conn.baseUrl, undefined, true).me();
      const workspace = { name: me.app.name, idCode: me.app.id_code, region: me.app.region ?? null, timezone: me.app.timezone ?? null };
      const admin = { id: String(me.id), name: me.name ?? null, email: me.email ?? null };
      if (!token) {
        this.o.settings.rememberConnection({ name: workspace.name, idCode: workspace.idCode, region: workspace.region }, admin, regionFromApp(me.app.region ?? ''));
        if (this.state === 'paused_auth' || this.state === 'offline' || this.state === 'failing') {
          this.setState('idle');
          this.schedule(0);
        }
      }
      return { workspace, admin };
    } catch (e) {
      throw toAppError(e);
    }
  }

  /**
   * Runs the events step for one contact (its last 90 days from Intercom), outside a sync run but
   * on the same connection and rate limit; Intercom's refusals come back as API errors.
   */
  async pullEvents(contactId: string): Promise<MethodOutput<'events.pull'>> {
    const row = this.o.store.contacts.byId(contactId);
    if (!row) throw new AppError('NOT_FOUND', `There is no contact with id ${contactId}.`, { field: 'contactId' });
    const intercomId = row.intercom_id;
    if (!intercomId) {
      throw new AppError('VALIDATION', 'This contact is not in Intercom yet: sync first, then pull its events.', { field: 'contactId' });
    }
    const result = await this.onDemand((ctx) => contactEvents.run(ctx, { contactId, intercomId }));
    if (result.added > 0) {
      // not the engine's own batch: a change like a person's (the next run pushes nothing for it, but looks)
      this.o.hub.emit('changed', { entity: 'event', ids: [], op: 'event.pull' });
      this.o.hub.emit('changed', { entity: 'contact', ids: [contactId], op: 'event.pull' });
    }
    return result;
  }

  /** The contact's notes from Intercom now (a record being opened): the team's, with author and time. */
  async pullNotes(contactId: string): Promise<MethodOutput<'notes.pull'>> {
    const row = this.o.store.contacts.byId(contactId);
    if (!row) throw new AppError('NOT_FOUND', `Contact: there is no contact with id ${contactId}.`, { field: 'contactId' });
    const intercomId = row.intercom_id;
    // a contact Intercom does not have yet has no notes there: nothing to read, and no reason to fail
    if (!intercomId) return { fetched: 0, added: 0 };
    const result = await this.onDemand((ctx) => contactNotes.run(ctx, { contactId, intercomId }));
    if (result.added > 0) {
      this.o.hub.emit('changed', { entity: 'note', ids: [contactId], op: 'note.pull' });
      this.o.hub.emit('changed', { entity: 'contact', ids: [contactId], op: 'note.pull' });
    }
    return result;
  }

  private async onDemand<T>(fn: (ctx: SyncContext) => Promise<T>): Promise<T> {
    const conn = this.o.settings.connection();
    if (!conn) throw new AppError('VALIDATION', 'Not connected to Intercom; add an access token in Settings first.', { field: 'token' });
    if (this.offlineHint) throw new AppError('OFFLINE', 'This computer is offline; try again when it is back online.');
    if (this.state === 'paused_auth') throw new AppError('AUTH', 'Intercom refused the access token; reconnect in Settings first.');
    try {
      return await fn(this.context(this.client(conn.token, conn.baseUrl, undefined, true), new AbortController().signal));
    } catch (e) {
      throw toAppError(e);
    }
  }

  private context(client: IntercomClient, signal: AbortSignal): SyncContext {
    return {
      store: this.o.store,
      client,
      settings: () => this.o.settings.syncSettings(),
      now: this.o.now,
      signal,
      changed: (entity, ids) => this.recordChange(entity, ids),
      concurrency: this.o.concurrency ?? 8,
      checkBeforeUpdate: this.o.checkBeforeUpdate ?? true,
      pullConcurrency: this.o.pullConcurrency ?? DEFAULT_FIRST_PULL_CONCURRENCY,
      log: this.o.log,
      run: {},
    };
  }

  // ---- a run ---------------------------------------------------------------------------------

  private run(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.cycle();
        } while (this.again && !this.disposed && (this.state === 'idle' || this.state === 'syncing'));
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  private async cycle(): Promise<void> {
    const conn = this.o.settings.connection();
    if (!conn) {
      this.setState('not_configured');
      return;
    }
    if (this.state === 'paused_auth') return;
    if (this.offlineHint) {
      if (this.state !== 'offline') this.setState('offline', 'This computer is offline; changes wait and go out when it is back.');
      return;
    }
    // automatic runs learn who the connected admin is once: the default name changes are recorded under
    if (this.started && !this.o.settings.admin()) await this.testConnection().catch(() => undefined);
    const abort = new AbortController();
    // every request in flight listens for the stop: the first pull has dozens at once
    setMaxListeners(Math.max(this.maxInFlight() * 2, 10), abort.signal);
    this.abort = abort;
    const ctx = this.context(this.client(conn.token, conn.baseUrl, abort.signal), abort.signal);
    this.lastRunAt = this.o.now();
    this.setState('syncing');
    const run: SyncRun = {
      ctx,
      firstPullDone: this.o.store.settings.get<Partial<FirstPullState>>(FIRST_PULL_KEY)?.phase === 'done',
      puller: new Puller(ctx),
      deferred: 0,
    };
    let pullFailure: unknown = null;
    try {
      for (const step of RUN_STEPS) {
        if (!step.when(run) || (step.pull && pullFailure !== null)) continue;
        this.setPhase(step.phase, step.label, 0, null);
        try {
          await step.run(run, (done, total) => this.setPhase(step.phase, step.label, done, total));
        } catch (e) {
          // a pull that failed on its own (not a stopped run) must not hold back the push: local
          // changes still go out, as they would while the search lags behind a remote edit
          if (!step.pull || stopsTheRun(e, abort.signal.aborted)) throw e;
          pullFailure = e;
        }
      }
      if (pullFailure !== null) throw new PullFailure(pullFailure);
      const deferred = run.deferred;
      this.flushChanges();
      this.failures = 0;
      this.progress = null;
      if (deferred === 0) this.lastSuccessAt = this.o.now();
      this.setState('idle');
      this.schedule(deferred > 0 ? Math.min(this.periodMs, 10_000) : this.periodMs);
      this.scheduleRelease();
    } catch (e) {
      this.flushChanges();
      this.progress = null;
      this.onRunError(e, abort.signal.aborted);
    } finally {
      if (this.abort === abort) this.abort = null;
    }
  }

  private onRunError(thrown: unknown, aborted: boolean): void {
    const pushed = thrown instanceof PullFailure;
    const e = pushed ? thrown.cause : thrown;
    const err = e instanceof IntercomError ? e : null;
    if (aborted || err?.kind === 'aborted') {
      // paused on purpose (offline hint, new settings, quit): whoever aborted set the state
      if (this.state === 'syncing') this.setState('idle');
      return;
    }
    if (err?.kind === 'auth') {
      this.setState('paused_auth', `Intercom refused the access token (${err.message}). Reconnect in Settings.`);
      return;
    }
    if (err?.kind === 'offline') {
      this.setState('offline', 'Intercom cannot be reached; changes wait and go out when it is back.');
      this.schedule(this.o.offlineRetryMs ?? 15_000);
      return;
    }
    this.failures++;
    if (!err) this.o.log('sync run failed', e);
    const why = err ? err.message : 'an unexpected error inside Lead Console (details are in the log)';
    this.setState(
      'failing',
      pushed
        ? `The last sync could not read Intercom's changes: ${why}. Local changes were still sent. It is tried again automatically.`
        : `The last sync stopped: ${why}. It is tried again automatically.`,
    );
    this.schedule(Math.min(this.periodMs, 5000 * 2 ** Math.min(this.failures - 1, 6)));
  }

  private setPhase(phase: SyncProgress['phase'], label: string, done: number, total: number | null): void {
    const now = this.o.now();
    if (!this.progress || this.progress.phase !== phase) this.phaseStartedAt = now;
    const elapsed = now - this.phaseStartedAt;
    const etaMs = total !== null && done > 0 && total > done ? Math.round((elapsed / done) * (total - done)) : null;
    this.progress = { phase, label, done, total, etaMs };
    this.emitStatusSoon();
  }

  /** Sync touches thousands of records a minute: the screens get one `changed` event per entity a few times a second. */
  private recordChange(entity: EntityType | 'outbox', ids: readonly string[]): void {
    let set = this.pendingChanges.get(entity);
    if (!set) this.pendingChanges.set(entity, (set = new Set()));
    for (const id of ids) set.add(id);
    this.changeTimer ??= setTimeout(() => this.flushChanges(), 250);
  }

  private flushChanges(): void {
    if (this.changeTimer) clearTimeout(this.changeTimer);
    this.changeTimer = null;
    if (this.disposed) return;
    const batches = [...this.pendingChanges];
    this.pendingChanges.clear();
    this.emitting = true;
    try {
      for (const [entity, ids] of batches) {
        this.o.hub.emit('changed', { entity: entity as EntityType | 'outbox', ids: [...ids], op: 'sync' });
      }
    } finally {
      this.emitting = false;
    }
    if (batches.length > 0) this.emitStatusSoon();
  }
}

/** A run whose pull failed after its push went out: the pull's error, for the status. */
class PullFailure extends Error {
  constructor(override readonly cause: unknown) {
    super('the pull failed');
  }
}

/** Failures that stop the whole run (the push would meet them too): a pause, the network, the token. */
function stopsTheRun(e: unknown, aborted: boolean): boolean {
  if (aborted) return true;
  return e instanceof IntercomError && (e.kind === 'auth' || e.kind === 'offline' || e.kind === 'aborted');
}

/** Intercom's answer as one of the API's error codes, with its reason in plain words. */
export function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  if (e instanceof IntercomError) {
    if (e.kind === 'auth') return new AppError('AUTH', `Intercom refused this access token: ${e.message}`);
    if (e.kind === 'offline') return new AppError('OFFLINE', `Intercom cannot be reached: ${e.message}`);
    return new AppError('INTERCOM', e.message);
  }
  return new AppError('INTERNAL', 'Something went wrong while talking to Intercom; details are in the log.');
}


