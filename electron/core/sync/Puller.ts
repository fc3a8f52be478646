// Brings Intercom's records into the local store: the first pull (every record, pipelined,
// resumable after a quit) and the incremental pull, applying remote values field by field (merge.ts), never queued back.
import { randomUUID } from 'node:crypto';
import type { ContactWrite } from '../db/ContactRepository';
import type { CompanyWrite } from '../db/CompanyRepository';
import type { IndexDefinition, NewRemoteContact, SyncedCompanyRow, SyncedContactRow, WaitingEntry } from '../db/RemoteRepository';
import type { ConflictRow } from '../db/ConflictRepository';
import { CompanyWriter } from '../records/CompanyWriter';
import { ContactWriter } from '../records/ContactWriter';
import { IntercomError, isIntercomError } from './IntercomError';
import { CONSENT_BACKFILL_KEY } from '../db/migrations/0014-email-consent';
import { PageGuard } from './PageGuard';
import { BatchedWrites } from './batchedWrites';
import { TimeOrderedIds } from './TimeOrderedIds';
import { partitionQuery, splitById, splitPartition, type ContactPartition } from './contactPartitions';
import type { CompanyList, CompanyScroll, ContactList, Pages } from './intercomTypes';
import {
  companyBaseFromRemote,
  companyBaseFromRow,
  companyIdFor,
  contactBaseFromRemote,
  contactBaseFromRow,
  localIdFromSyntheticExternalId,
  realExternalId,
  type IntercomCompany,
  type IntercomContact,
  type SyncSettings,
} from './mapping';
import { baseJson, flatten, mergeFields, type Flat, parseBase, pendingFields, pendingLinks, withAttributes, type FieldConflict } from './merge';
import { RemoteTags } from './RemoteTags';
import type { ProgressFn, SyncContext } from './SyncContext';

/** Where the first pull keeps its progress (the key predates the name 'first pull'; stores hold it). */
export const FIRST_PULL_KEY = 'sync.import';
export const PULL_KEY = 'sync.pull';
/** Who Intercom's own changes are attributed to in the stage history. */
export const INTERCOM_ACTOR = 'Intercom';
/** Who Intercom's own changes are attributed to in the stage history. */

const PER_PAGE = 150;
const DAY_S = 86_400;
/**
 * How late Intercom's search may show a change ("a few minutes" in the 2.14 docs), with room
 * for the local clock being off. The watermark stays this far behind now, so a change the search
 * did not show yet is fetched by a later pull. Generous on purpose: every pull reads the whole
 * calendar day anyway (the date rule), so a wider window costs only comparisons, no requests.
 */
export const DEFAULT_SEARCH_LAG_MS = 15 * 60_000;
/** Where an open company scroll is remembered, so a later run can close it (see closeOpenScroll). */
const SCROLL_KEY = 'sync.scroll';
/** Intercom ends a scroll nobody read for a minute. */
const SCROLL_IDLE_MS = 60_000;
/** Scroll restarts before giving up: Intercom asks for one when a scroll broke or expired. */
const MAX_SCROLL_RESTARTS = 3;
/** The search walk's first range, before it is cut: every contact. */
const WHOLE_WORKSPACE: ContactPartition = { from: null, to: null, cursor: null };
/** The company list (see listCompaniesAtOnce): companies a page, and the most it lists. */
const COMPANY_LIST_PAGE = 50;
const COMPANY_LIST_CAP = 10_000;
/** While a scroll nobody can close blocks a new one (see scrollCompanies): how often to ask again. */
const SCROLL_BUSY_POLL_MS = 5_000;

/**
 * Intercom refuses a new scroll while one is open ("scroll already exists for this workspace"):
 * one a run stopped before it kept the first page's scroll parameter (killed with the answer on
 * the wire) cannot be read to its end, only left to idle out.
 */
/** Intercom will not answer this kind of read here (the plan, the token's rights): another way is taken. */
const isRefusal = (e: unknown): boolean => isIntercomError(e) && (e.kind === 'invalid' || e.kind === 'not_found' || e.kind === 'forbidden');

const isScrollBusy = (e: unknown): boolean => isIntercomError(e) && e.kind === 'invalid' && /scroll already exists/i.test(e.message);

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = () => {
      clearTimeout(timer);
      reject(new IntercomError({ kind: 'aborted', message: 'The sync was stopped', method: 'GET', path: '/companies/scroll' }));
    };
    if (signal.aborted) return stop();
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', stop);
      resolve();
    }, ms);
    signal.addEventListener('abort', stop, { once: true });
  });
}

// a base written before consent was kept has no unsubscribedFromEmails: unknown, not "subscribed"
const CONTACT_NULL_UNKNOWN = new Set(['stage', 'unsubscribedFromEmails']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface FirstPullState {
  phase: 'companies' | 'contacts' | 'done';
  /**
   * How the contacts are read: 'search' in ranges of creation days side by side, 'list' one page
   * after the other (where Intercom refuses the search). Absent: not chosen yet ('search' first).
   */
  contactWalk?: 'search' | 'list';
  /** The search walk's ranges not read to their end yet, each with its cursor. */
  partitions?: ContactPartition[];
  /** The list walk: `starting_after` of the next contact page (null: from the start). */
  cursor: string | null;
  /** Contacts written so far. */
  done: number;
  /** Contacts in Intercom, from the last page's total_count. */
  total: number | null;
  /** Companies written by the company phase. */
  companies: number;
  /** When the first pull began (ms); the incremental pull starts from here. */
  startedAt: number;
  finishedAt?: number;
  /** List indexes dropped for the first pull (built again at its end, or when it stops). */
  deferredIndexes?: IndexDefinition[];
  /**
   * Set while the first pull writes contacts without their search entries: those with a greater
   * pk may lack one. They are written in passes (every `searchPassSize` contacts), at the end,
   * and when the first pull stops; after a crash, by the next first-pull call.
   */
  searchAfterPk?: number;
}

export interface PullState {
  /** Contacts updated before this (Unix s) are known; the next search starts at its calendar day. */
  watermark: number;
  /** Same for the company scroll. */
  companyWatermark: number;
  lastPullAt?: number;
  /** Where the next pull goes on reading user-less companies one by one (a company pk). */
  userlessAfter?: number;
}

/** User-less companies read one by one per pull, at most (the rest on the next pulls). */
const USERLESS_PER_PULL = 50;

export interface ApplyCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  /** Conflicts opened (or refreshed with newer values). */
  conflicts: number;
  /** Versions older than the one already applied (the lagging search shows them): skipped. */
  stale: number;
}

export interface FirstPullSummary {
  contacts: ApplyCounts;
  companies: ApplyCounts;
  /** HTTP pages read (company scroll pages + contact pages). */
  pages: number;
  /** This call continued a first pull a previous one had begun. */
  resumed: boolean;
  /** The first pull had already finished; nothing was read. */
  alreadyDone: boolean;
  ms: number;
}

export interface PullSummary {
  contacts: ApplyCounts;
  companies: ApplyCounts;
  pages: number;
  /** The contact watermark after this pull (Unix s). */
  watermark: number;
  ms: number;
}

export interface PullerOptions {
  /** See DEFAULT_SEARCH_LAG_MS. */
  searchLagMs?: number;
  perPage?: number;
  /**
   * A first pull with at least this many contacts still to come drops the contact list indexes
   * and builds them once at the end (RemoteRepository.dropListIndexes). Default 20,000: below
   * that, keeping them costs less than building them again.
   */
  deferIndexesFrom?: number;
  /** While a scroll nobody can close blocks the first pull's company phase, how often to ask again (default 5 s). */
  scrollBusyPollMs?: number;
  /**
   * Contact ranges the first pull reads at once (default: the context's pullConcurrency, else
   * DEFAULT_FIRST_PULL_CONCURRENCY); the rate limiter still paces every request.
   */
  firstPullConcurrency?: number;
  /** A range is cut only when it holds more than twice this many contacts (default 1,500: 10 pages). */
  minPartition?: number;
  /**
   * While the list indexes are deferred, the search entries of new contacts are written in one
   * statement per this many contacts (default 10,000), not page by page: search lags that far
   * behind the list at most while the first pull runs (see FirstPullState.searchAfterPk).
   */
  searchPassSize?: number;
  /**
   * The most companies the first pull reads through the company list, its pages side by side
   * (default 10,000, all Intercom lists that way); a workspace with more is read by the scroll.
   */
  companyListMax?: number;
}

/**
 * Ranges read at once by default: Intercom's 10,000 requests a minute are 167 a second, which at a
 * few hundred ms an answer takes about 50 requests in flight; a few more keep the window full
 * while the engine is busy writing (a range's next request waits for its page to be taken). At a
 * million contacts at 300 ms an answer 96 were no faster than 64 (58.3 s and 58.9 s), and held
 * more pages in memory at once.
 */
export const DEFAULT_FIRST_PULL_CONCURRENCY = 64;
/**
 * About this many ranges a lane: enough that the last round is short, few enough that each
 * range's part page at its end (and the first page of a range that is cut, read again by its
 * pieces) stays a small share of the pages.
 */
const RANGES_PER_LANE = 2.5;
/** Thrown inside the search walk when Intercom refuses the search itself (not a cursor). */
const REFUSED = Symbol('search refused');
/** Thrown inside the search walk by a range that stops because another one failed. */
const STOPPED = Symbol('range stopped');

const emptyCounts = (): ApplyCounts => ({ inserted: 0, updated: 0, unchanged: 0, conflicts: 0, stale: 0 });

/** The cursor of the next page; 2.14 sends an object, some older answers a URL. */
function nextCursor(pages: Pages | null | undefined): string | null {
  const next = pages?.next;
  if (!next) return null;
  if (typeof next === 'string') {
    try {
      return new URL(next, 'https://x').searchParams.get('starting_after');
    } catch {
      return null;
    }
  }
  return next.starting_after ?? null;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const list = out.get(k);
    if (list) list.push(t);
    else out.set(k, [t]);
  }
  return out;
}

/** A record's outbox entries still to go, and those that went out lately (with when). */
interface RecordEntries {
  waiting: WaitingEntry[];
  pushed: (WaitingEntry & { updated_at: number })[];
}

/**
 * The remote values, except fields this console wrote to Intercom after this version of the
 * record: the lagging search can show a version from before our own push, and its old value is
 * not a change made in Intercom. Those fields read as the base (what the push left there).
 */
function notOlderThanPushes(remote: Flat, base: Flat | null, pushed: RecordEntries['pushed'], versionAt: number, entity: 'contact' | 'company'): Flat {
  if (base === null || pushed.length === 0) return remote;
  const newer = pushed.filter((e) => Math.floor(e.updated_at / 1000) > versionAt);
  if (newer.length === 0) return remote;
  const out = { ...remote };
  for (const f of pendingFields(newer, entity)) {
    const b = base[f];
    if (b === undefined) delete out[f];
    else out[f] = b;
  }
  return out;
}

/** The Intercom ids and local ids of contacts whose archive waits, in one set. */
function waitingArchives(rows: readonly { entity_id: string; intercom_id: string | null }[]): Set<string> {
  const out = new Set<string>();
  for (const r of rows) {
    out.add(r.entity_id);
    if (r.intercom_id) out.add(r.intercom_id);
  }
  return out;
}

/** The Intercom ids, local ids and company ids (prefixed) of companies whose delete waits, in one set. */
function waitingDeletes(rows: readonly { entity_id: string; intercom_id: string | null; external_id: string | null }[]): Set<string> {
  const out = new Set<string>();
  for (const r of rows) {
    out.add(r.entity_id);
    if (r.intercom_id) out.add(r.intercom_id);
    if (r.external_id) out.add(`company_id:${r.external_id}`);
  }
  return out;
}

/** A local id carried in a synthetic external id: kept, so every console names the record alike. */
function adoptableId(externalId: string | null | undefined): string | null {
  const id = localIdFromSyntheticExternalId(externalId);
  return id && UUID.test(id) ? id : null;
}

const YIELDS = 2;
/**
 * Lets the event loop run until a request just made has left: the client builds it over a few
 * promise hops and the socket write happens after them, so a synchronous write started at once
 * would hold the request back until it is over, and nothing would overlap. Two turns: one for
 * our write, one more for a server in this process (the sandbox) to take it in.
 */
async function sent(): Promise<void> {
  for (let i = 0; i < YIELDS; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Runs `task(0..n-1)`, at most `limit` at once; the first failure stops new tasks from starting
 * and is thrown once those running have settled.
 */
async function inPool(n: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (next < n && failure === null) {
      const i = next++;
      try {
        await task(i);
      } catch (e) {
        failure ??= { error: e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, Math.max(1, limit)) }, worker));
  if (failure !== null) throw (failure as { error: unknown }).error;
}

/**
 * Reads pages where each answer names the next one: the request for page n+1 leaves as soon as
 * page n arrives, and page n is written while it is on the wire, so writing costs no wall time.
 */
async function pipeline<P>(first: Promise<P>, next: (page: P) => Promise<P> | null, write: (page: P, last: boolean) => void | Promise<void>): Promise<number> {
  let pending: Promise<P> | null = first;
  let pages = 0;
  while (pending) {
    const page: P = await pending;
    pages++;
    pending = next(page);
    if (pending) {
      // if the write throws, the prefetch's own failure must not surface as an unhandled rejection
      pending.catch(() => undefined);
      await sent();
    }
    await write(page, pending === null);
  }
  return pages;
}

/**
 * The pipeline's next step through a cursor-paged contact list (the list, a search): checks the
 * page with the guard (a cursor handed back twice, more pages than the total allows) and fetches
 * the one after it, or ends (null).
 */
function nextContactPage(guard: PageGuard, fetch: (after: string) => Promise<ContactList>): (page: ContactList) => Promise<ContactList> | null {
  return (page) => {
    guard.page(page.data.length, page.total_count);
    const after = nextCursor(page.pages);
    if (!after || page.data.length === 0) return null;
    guard.next(after);
    return fetch(after);
  };
}

export class Puller {
  private readonly lagS: number;
  private readonly perPage: number;
  private readonly deferIndexesFrom: number;
  private readonly scrollBusyPollMs: number;
  private readonly firstPullConcurrency: number;
  private readonly minPartition: number;
  private readonly searchPassSize: number;
  private readonly companyListMax: number;
  /** Every row the pull writes goes through the record writers, as a person's changes do (without an outbox entry). */
  private readonly contactWriter: ContactWriter;
  private readonly companyWriter: CompanyWriter;
  /** Ids of contacts first seen in Intercom (see TimeOrderedIds). */
  private readonly contactIds = new TimeOrderedIds();
  /** Set once the first pull builds its indexes again (restoreIndexesBehind): they are not dropped again in this run. */
  private indexesKept = false;
  private readonly remoteTags: RemoteTags;
  /** Contacts whose tags must be read whole after their page (see RemoteTags.applyContact). */
  private tagReads: { id: string; intercomId: string; updatedAt: number }[] = [];

  constructor(
    private readonly ctx: SyncContext,
    options: PullerOptions = {},
  ) {
    this.lagS = Math.ceil((options.searchLagMs ?? DEFAULT_SEARCH_LAG_MS) / 1000);
    this.perPage = options.perPage ?? PER_PAGE;
    this.deferIndexesFrom = options.deferIndexesFrom ?? 20_000;
    this.scrollBusyPollMs = options.scrollBusyPollMs ?? SCROLL_BUSY_POLL_MS;
    this.firstPullConcurrency = Math.max(1, options.firstPullConcurrency ?? ctx.pullConcurrency ?? DEFAULT_FIRST_PULL_CONCURRENCY);
    this.minPartition = Math.max(1, options.minPartition ?? 1_500);
    this.searchPassSize = Math.max(1, options.searchPassSize ?? 10_000);
    this.companyListMax = Math.min(COMPANY_LIST_CAP, options.companyListMax ?? COMPANY_LIST_CAP);
    this.contactWriter = new ContactWriter(ctx.store);
    this.companyWriter = new CompanyWriter(ctx.store);
    this.remoteTags = new RemoteTags(ctx.store);
  }

  // ---- first pull ------------------------------------------------------------------------------

  /**
   * Every company (the scroll), then every contact (the list, 150 a page). Each page is one
   * transaction that also records how far the first pull got, so a quit loses at most the page in
   * flight. Companies come first so contacts link to them as they arrive; a scroll cannot be
   * resumed (it expires after a minute), so an interrupted company phase starts over.
   */
  async firstPull(onProgress?: ProgressFn): Promise<FirstPullSummary> {
    const t0 = performance.now();
    const { store } = this.ctx;
    const s = this.ctx.settings();
    const contacts = emptyCounts();
    const companies = emptyCounts();
    if (store.settings.get<FirstPullState>(FIRST_PULL_KEY)?.phase === 'done') {
      return { contacts, companies, pages: 0, resumed: false, alreadyDone: true, ms: 0 };
    }
    this.indexesKept = false;
    this.restoreDeferredIndexes(); // left dropped by a run that crashed
    const saved = store.settings.get<FirstPullState>(FIRST_PULL_KEY);
    const state: FirstPullState = saved ?? { phase: 'companies', cursor: null, done: 0, total: null, companies: 0, startedAt: this.ctx.now() };
    if (!saved) store.settings.set(FIRST_PULL_KEY, state, this.ctx.now());
    const resumed = saved !== undefined;
    let pages: number;
    const restoreCheckpoints = store.remote.checkpointLessOften();
    const restoreReads = store.remote.importReads();
    try {
      pages = await this.firstPullPhases(state, s, contacts, companies, onProgress);
    } finally {
      restoreCheckpoints();
      this.restoreDeferredIndexes();
      restoreReads();
    }
    return { contacts, companies, pages, resumed, alreadyDone: false, ms: Math.round(performance.now() - t0) };
  }

  /**
   * A first pull that stops (quit, pause, error) puts the indexes it dropped back at once and
   * writes the search entries it left out, so the console's lists stay fast and its search
   * finds every contact while it waits; a resumed one defers them again. After a crash they are
   * still listed in its state, and the next first-pull call puts them back.
   */
  private restoreDeferredIndexes(): void {
    const { store } = this.ctx;
    try {
      store.transaction(() => {
        const state = store.settings.get<FirstPullState>(FIRST_PULL_KEY);
        if (!state?.deferredIndexes && state?.searchAfterPk === undefined) return;
        if (state.deferredIndexes) store.remote.restoreIndexes(state.deferredIndexes);
        if (state.searchAfterPk !== undefined) store.contacts.writeSearchEntriesAfter(state.searchAfterPk);
        store.settings.set(FIRST_PULL_KEY, { ...state, deferredIndexes: undefined, searchAfterPk: undefined }, this.ctx.now());
      });
    } catch (e) {
      this.ctx.log('first pull: could not rebuild the contact list indexes or write the search entries left out; the next run tries again', e);
    }
  }

  private async firstPullPhases(start: FirstPullState, s: SyncSettings, contacts: ApplyCounts, companies: ApplyCounts, onProgress?: ProgressFn): Promise<number> {
    const { store } = this.ctx;
    let state = start;
    let pages = 0;
    let ahead: Promise<ContactList> | undefined;
    if (state.phase === 'companies') {
      // the contact walk's first search (the whole workspace, to plan its ranges) needs no
      // company: it goes out with the company pages (a failure surfaces when the walk takes it)
      if (state.contactWalk !== 'list' && !state.partitions) {
        ahead = this.searchPartition(WHOLE_WORKSPACE, null);
        ahead.catch(() => undefined);
      }
      let n = 0;
      const write = (page: IntercomCompany[]) => {
        const changed = store.transaction(() => this.applyCompanies(page, s, companies));
        if (changed.length > 0) this.ctx.changed('company', changed, 'sync.firstPull');
        n += page.length;
        onProgress?.(n, null);
      };
      const listed = await this.listCompaniesAtOnce(write);
      pages += listed.pages;
      if (!listed.complete) {
        n = 0;
        // contacts link to the companies as they arrive, so the first pull waits out a busy scroll
        pages += await this.scrollCompanies(write, { waitWhileBusy: true });
      }
      state = { ...state, phase: 'contacts', cursor: null, done: 0, total: null, companies: n };
      store.settings.set(FIRST_PULL_KEY, state, this.ctx.now());
    }

    const ref = { state };
    if (state.contactWalk !== 'list') {
      const walked = await this.searchWalk(ref, s, contacts, onProgress, ahead);
      if (walked !== 'refused') {
        await this.readContactTags('sync.firstPull');
        return pages + walked;
      }
      // a workspace (or plan) whose search refuses these queries is read the sequential way;
      // contacts already written are matched by their Intercom id, so none is written twice
      ref.state = { ...ref.state, contactWalk: 'list', partitions: undefined, cursor: null, done: 0 };
      store.settings.set(FIRST_PULL_KEY, ref.state, this.ctx.now());
    }
    pages += await this.listWalk(ref, s, contacts, onProgress);
    await this.readContactTags('sync.firstPull');
    return pages;
  }

  /**
   * Every company through the company list, its pages read side by side (at most
   * `firstPullConcurrency` at once, within the shared rate limit) and written in page order: the
   * scroll can only be read one page after the other (21 pages at 300 ms an answer are 6 s before
   * the first contact). Intercom lists at most 10,000 companies this way, sorted by activity, so
   * a list whose pages do not add up (a count that moved, a company missing or seen twice while
   * companies changed) is not trusted: `complete: false` sends the first pull to the scroll, as
   * does a workspace above the cap or one whose list is refused. Pages written meanwhile are
   * matched again by the scroll.
   */
  private async listCompaniesAtOnce(write: (page: IntercomCompany[]) => void): Promise<{ pages: number; complete: boolean }> {
    const { client } = this.ctx;
    if (this.companyListMax <= 0) return { pages: 0, complete: false };
    const list = (page: number) => client.listCompanies({ page, perPage: COMPANY_LIST_PAGE, order: 'asc' });
    let first;
    try {
      first = await list(1);
    } catch (e) {
      if (!isRefusal(e)) throw e;
      this.ctx.log('first pull: Intercom refused the company list; reading the company scroll instead', e);
      return { pages: 0, complete: false };
    }
    const total = first.total_count;
    if (typeof total !== 'number' || total > this.companyListMax) return { pages: 1, complete: false };
    const count = Math.max(1, Math.ceil(total / COMPANY_LIST_PAGE));
    const seen = new Set<string>();
    let consistent = true;
    const take = (page: CompanyList, k: number) => {
      const expected = k < count ? COMPANY_LIST_PAGE : total - (count - 1) * COMPANY_LIST_PAGE;
      if (page.total_count !== total || page.data.length !== expected) consistent = false;
      for (const co of page.data) {
        if (seen.has(co.id)) consistent = false;
        seen.add(co.id);
      }
      if (page.data.length > 0) write(page.data);
    };
    take(first, 1);
    // answers come in any order; each is written once those before it are
    const arrived = new Map<number, CompanyList>();
    let nextToWrite = 2;
    await inPool(count - 1, this.firstPullConcurrency, async (i) => {
      const k = i + 2;
      arrived.set(k, await list(k));
      for (let page = arrived.get(nextToWrite); page; page = arrived.get(nextToWrite)) {
        arrived.delete(nextToWrite);
        take(page, nextToWrite++);
      }
    });
    if (!consistent || seen.size !== total) {
      this.ctx.log(`first pull: the company list changed while it was read (${seen.size} companies of ${total}); reading the company scroll instead`);
      return { pages: count, complete: false };
    }
    return { pages: count, complete: true };
  }

  /**
   * The first pull's end, inside the transaction of its last page: the indexes back, the state
   * done, and the incremental pull's watermark at the first pull's start (less the search lag):
   * whatever changed or was created while it ran is newer than that, so the next pull reads it,
   * whichever page or partition it missed.
   */
  private finishFirstPull(state: FirstPullState, total: number, at: number): FirstPullState {
    const { store } = this.ctx;
    if (state.searchAfterPk !== undefined) store.contacts.writeSearchEntriesAfter(state.searchAfterPk);
    if (state.deferredIndexes) store.remote.restoreIndexes(state.deferredIndexes);
    const done: FirstPullState = { ...state, deferredIndexes: undefined, searchAfterPk: undefined, phase: 'done', cursor: null, partitions: undefined, total, finishedAt: at };
    store.settings.set(FIRST_PULL_KEY, done, at);
    const w = Math.floor(state.startedAt / 1000) - this.lagS;
    store.settings.set(PULL_KEY, { watermark: w, companyWatermark: w } satisfies PullState, at);
    return done;
  }

  /**
   * Drops the list indexes, and leaves the search entries of new contacts to passes, when this
   * many contacts are still to come (see deferIndexesFrom).
   */
  private deferIndexes(state: FirstPullState, coming: number): FirstPullState {
    if (state.deferredIndexes || this.indexesKept || coming < this.deferIndexesFrom) return state;
    const { store } = this.ctx;
    return { ...state, deferredIndexes: store.remote.dropListIndexes(), searchAfterPk: state.searchAfterPk ?? store.contacts.maxPk() };
  }

  /**
   * One page of the first pull, inside the caller's transaction: its contacts, without their
   * search entries while those are deferred, then a pass over the entries left out once enough
   * of them wait (or `finish`). Returns the state with its new pass mark, the ids of the
   * contacts already here that changed, and how many are new. The new ones' ids are left out of
   * the page's event: no screen can be showing a contact it never had, lists refresh on any
   * contact event, and a first import's pages would otherwise send every id it brings (a megabyte
   * a second at full speed) through the host to each window.
   */
  private applyFirstPullPage(state: FirstPullState, page: readonly IntercomContact[], s: SyncSettings, counts: ApplyCounts, at: number): { state: FirstPullState; ids: string[]; added: number } {
    const before = counts.inserted;
    const known = (ids: string[]) => {
      // applyContacts lists the new contacts last
      const added = counts.inserted - before;
      return { ids: ids.slice(0, ids.length - added), added };
    };
    if (state.searchAfterPk === undefined) return { state, ...known(this.applyContacts(page, s, counts, at)) };
    const deferred = { afterPk: state.searchAfterPk };
    const changed = known(this.applyContacts(page, s, counts, at, deferred));
    const { contacts } = this.ctx.store;
    if (contacts.maxPk() - deferred.afterPk < this.searchPassSize) return { state: { ...state, searchAfterPk: deferred.afterPk }, ...changed };
    contacts.writeSearchEntriesAfter(deferred.afterPk);
    return { state: { ...state, searchAfterPk: contacts.maxPk() }, ...changed };
  }

  private progress(state: FirstPullState, onProgress?: ProgressFn): void {
    onProgress?.(state.companies + state.done, state.total === null ? null : state.companies + Math.max(state.total, state.done));
  }

  /** The contacts through the list, one page after the other (the fallback where search is refused). */
  private async listWalk(ref: { state: FirstPullState }, s: SyncSettings, contacts: ApplyCounts, onProgress?: ProgressFn): Promise<number> {
    const { store } = this.ctx;
    const list = (after: string | null) => this.ctx.client.listContacts({ perPage: this.perPage, startingAfter: after });
    const guard = new PageGuard({ method: 'GET', path: '/contacts', label: 'contact list' });
    let first = list(ref.state.cursor);
    if (ref.state.cursor !== null) {
      // a saved cursor Intercom no longer takes: the first pull starts the contacts over (each
      // contact is matched by its Intercom id, so none is written twice)
      first = first.catch((e: unknown) => {
        if (!isIntercomError(e) || (e.kind !== 'invalid' && e.kind !== 'not_found')) throw e;
        this.ctx.log(`first pull: Intercom refused the saved contact cursor; reading contacts from the start`, e);
        ref.state = { ...ref.state, cursor: null, done: 0 };
        return list(null);
      });
    }
    return pipeline<ContactList>(
      first,
      nextContactPage(guard, list),
      (page, last) => {
        const at = this.ctx.now();
        const changed = store.transaction(() => {
          let state = ref.state;
          if (!last) state = this.deferIndexes(state, (page.total_count ?? 0) - state.done);
          const applied = this.applyFirstPullPage(state, page.data, s, contacts, at);
          state = applied.state;
          const done = state.done + page.data.length;
          if (last) state = this.finishFirstPull({ ...state, done }, page.total_count ?? done, at);
          else {
            state = { ...state, cursor: nextCursor(page.pages), done, total: page.total_count ?? null };
            store.settings.set(FIRST_PULL_KEY, state, at);
          }
          ref.state = state;
          return applied;
        });
        if (changed.ids.length > 0 || changed.added > 0) this.ctx.changed('contact', changed.ids, 'sync.firstPull');
        this.progress(ref.state, onProgress);
      },
    );
  }

  /**
   * The contacts through the search, in ranges of creation days read side by side (at most
   * `firstPullConcurrency` at once; the shared rate limiter keeps them within Intercom's limit).
   * It starts as one range; a range whose first page says it holds more than a share of the work
   * is cut into ranges of equal time (that page is dropped) until each is small enough, or one
   * day wide. Each page is one transaction that also records its range's cursor, so a quit loses
   * at most the pages in flight, and a resumed pull goes on with every range where it stopped.
   * Sorted by created_at, which never changes, a contact edited meanwhile does not move between
   * pages; what changed or was created since the start is read again by the next pull (the
   * watermark), as after the sequential walk. Returns 'refused' when Intercom refuses the search.
   */
  private async searchWalk(ref: { state: FirstPullState }, s: SyncSettings, contacts: ApplyCounts, onProgress?: ProgressFn, ahead?: Promise<ContactList>): Promise<number | 'refused'> {
    const { store } = this.ctx;
    let whole: ContactPartition | null = null;
    if (!ref.state.partitions) {
      whole = { ...WHOLE_WORKSPACE };
      ref.state = { ...ref.state, contactWalk: 'search', partitions: [whole], done: 0, total: null };
      store.settings.set(FIRST_PULL_KEY, ref.state, this.ctx.now());
    }
    const queue = [...ref.state.partitions!];
    // the pages that arrive together are written together (one commit)
    const writes = new BatchedWrites((fn) => store.transaction(fn));
    let pages = 0;
    let failure: { error: unknown } | null = null;
    let refused = false;
    let indexesBack: Promise<void> | null = null;
    await new Promise<void>((resolve) => {
      let running = 0;
      // ranges running whose first page has not said yet whether they are cut
      let unplanned = 0;
      // ranges read to their end while none waited to start: the last round is ending
      let endedLast = 0;
      const pump = () => {
        while (running < this.firstPullConcurrency && queue.length > 0 && failure === null && !refused) {
          const p = queue.shift()!;
          running++;
          unplanned++;
          let pending = true;
          const planned = () => {
            if (!pending) return;
            pending = false;
            unplanned--;
            pump();
          };
          this.walkPartition(p, ref, queue, s, contacts, onProgress, () => failure !== null || refused, writes, planned, p === whole ? ahead : undefined)
            .then(
              (n) => {
                pages += n;
              },
              (e: unknown) => {
                if (e === REFUSED) refused = true;
                else if (e !== STOPPED) failure ??= { error: e };
              },
            )
            .finally(() => {
              running--;
              if (queue.length === 0) endedLast++;
              planned();
              pump();
            });
        }
        // the last ranges are being read and lanes stand idle: the indexes are built meanwhile
        if (queue.length === 0 && unplanned === 0 && endedLast > 0 && running > 0 && !indexesBack) {
          indexesBack = this.restoreIndexesBehind(ref, writes, () => failure !== null || refused);
        }
        if (running === 0) resolve();
      };
      pump();
    });
    await indexesBack;
    if (failure !== null) throw (failure as { error: unknown }).error;
    if (refused) return 'refused';
    return pages;
  }

  /**
   * Builds the dropped list indexes again while the walk's last ranges are read, one index a
   * transaction, each when no page waits to be written (pages first): at that point the engine
   * mostly waits on Intercom, and building them after the last page (12 s at a million
   * contacts) would add all of it to the import's time. The few pages still to come are written
   * with the indexes in place. Each transaction records which indexes are still to build, so a
   * stop or a crash builds only the rest; the last page's transaction builds what is left.
   */
  private async restoreIndexesBehind(ref: { state: FirstPullState }, writes: BatchedWrites, stopped: () => boolean): Promise<void> {
    const { store } = this.ctx;
    this.indexesKept = true;
    try {
      while (!stopped() && (ref.state.deferredIndexes?.length ?? 0) > 0) {
        await writes.idle();
        await writes.write(
          () => {
            const [next, ...rest] = ref.state.deferredIndexes ?? [];
            if (!next || ref.state.phase === 'done') return;
            store.remote.restoreIndexes([next]);
            ref.state = { ...ref.state, deferredIndexes: rest.length > 0 ? rest : undefined };
            store.settings.set(FIRST_PULL_KEY, ref.state, this.ctx.now());
          },
          () => undefined,
        );
      }
    } catch {
      // a failed write fails the walk itself, which reports it; the indexes left are built when it stops
    }
  }

  /** One page of a range of the search walk (`after` null: its first). */
  private searchPartition(p: ContactPartition, after: string | null): Promise<ContactList> {
    return this.ctx.client.searchContacts({
      query: partitionQuery(p),
      sort: { field: 'created_at', order: 'ascending' },
      pagination: { per_page: this.perPage, ...(after ? { starting_after: after } : {}) },
    });
  }

  /** One range to its end (or cut into smaller ones, pushed onto `queue`); returns the pages read. */
  private async walkPartition(
    p: ContactPartition,
    ref: { state: FirstPullState },
    queue: ContactPartition[],
    s: SyncSettings,
    contacts: ApplyCounts,
    onProgress: ProgressFn | undefined,
    stopped: () => boolean,
    writes: BatchedWrites,
    planned: () => void,
    ahead?: Promise<ContactList>,
  ): Promise<number> {
    const { store } = this.ctx;
    const search = (after: string | null) => this.searchPartition(p, after);
    let first = (ahead ?? search(p.cursor)).catch((e: unknown) => {
      if (!isRefusal(e)) throw e;
      if (p.cursor === null) {
        this.ctx.log('first pull: Intercom refused the contact search; reading the contact list instead', e);
        throw REFUSED;
      }
      // a saved cursor Intercom no longer takes: this range starts over (its contacts are matched)
      this.ctx.log('first pull: Intercom refused a saved search cursor; reading that range from its start', e);
      p.cursor = null;
      return search(null);
    });
    const firstPage = await first;
    const guard = new PageGuard({ method: 'POST', path: '/contacts/search', label: 'contact search' });
    if (p.cursor === null) {
      if (p.from === null && p.to === null && ref.state.total === null) ref.state = { ...ref.state, total: firstPage.total_count ?? null };
      const target = Math.max(this.minPartition, Math.ceil((ref.state.total ?? firstPage.total_count ?? 0) / (this.firstPullConcurrency * RANGES_PER_LANE)));
      const oldest = firstPage.data[0]?.created_at;
      const total = firstPage.total_count ?? 0;
      let parts = oldest === undefined ? null : splitPartition(p, total, oldest, Math.floor(this.ctx.now() / 1000), target, this.firstPullConcurrency);
      // too many for a range that time cannot cut (a day of a bulk import): by the ids' last digits
      if (!parts && total > target * 2) parts = splitById(p, firstPage.data.map((c) => c.id));
      if (parts) {
        store.transaction(() => {
          const list = ref.state.partitions ?? [];
          const i = list.indexOf(p);
          ref.state = { ...ref.state, partitions: [...list.slice(0, i), ...parts, ...list.slice(i + 1)] };
          store.settings.set(FIRST_PULL_KEY, ref.state, this.ctx.now());
        });
        queue.push(...parts);
        return 1;
      }
    }
    planned();
    first = Promise.resolve(firstPage);
    // the next page is fetched once the writes have room for it (memory, when they are behind)
    const next = nextContactPage(guard, (after) => writes.room().then(() => search(after)));
    return pipeline<ContactList>(
      first,
      (page) => {
        // another range failed (or the search was refused): this page is not written, and its
        // range goes on from the cursor before it next time
        if (stopped()) throw STOPPED;
        return next(page);
      },
      (page, last) => {
        let changed: { ids: string[]; added: number } = { ids: [], added: 0 };
        return writes.write(
          () => {
            const at = this.ctx.now();
            let state = ref.state;
            const list = state.partitions ?? [];
            const rest = last ? list.filter((x) => x !== p) : list;
            if (rest.length > 0) state = this.deferIndexes(state, (state.total ?? 0) - state.done);
            const applied = this.applyFirstPullPage(state, page.data, s, contacts, at);
            state = applied.state;
            changed = applied;
            const done = state.done + page.data.length;
            p.cursor = last ? null : nextCursor(page.pages);
            if (rest.length === 0) state = this.finishFirstPull({ ...state, done }, done, at);
            else {
              state = { ...state, partitions: rest, done };
              store.settings.set(FIRST_PULL_KEY, state, at);
            }
            ref.state = state;
          },
          () => {
            if (changed.ids.length > 0 || changed.added > 0) this.ctx.changed('contact', changed.ids, 'sync.firstPull');
            this.progress(ref.state, onProgress);
          },
        );
      },
    );
  }

  // ---- incremental pull --------------------------------------------------------------------------

  /**
   * Companies: Intercom has no company search, so the whole scroll is read again and only the
   * companies updated since the company watermark are applied. The cost is one request per 50
   * companies on every pull (20 for 1,000 companies, a pull a minute: 0.2% of the rate limit), and
   * the scroll is the workspace's only one, so a pull must not run beside another scroll.
   *
   * Contacts: the 2.14 search matches dates by calendar day, so `updated_at > W - 86400` returns
   * everything from W's day on; rows older than W are dropped, the rest upserted by the field rule.
   */
  async pullChanges(onProgress?: ProgressFn): Promise<PullSummary> {
    const t0 = performance.now();
    const contacts = emptyCounts();
    const companies = emptyCounts();
    let pages = await this.pullCompanies(companies);
    const c = await this.pullContacts(contacts, onProgress);
    pages += c.pages;
    return { contacts, companies, pages, watermark: c.watermark, ms: Math.round(performance.now() - t0) };
  }

  /** The companies updated since the company watermark (see pullChanges); returns the pages read. */
  async pullCompanies(companies: ApplyCounts = emptyCounts()): Promise<number> {
    const { store } = this.ctx;
    const s = this.ctx.settings();
    let state: PullState = store.settings.get<PullState>(PULL_KEY) ?? { watermark: 0, companyWatermark: 0 };
    const scrollStart = Math.floor(this.ctx.now() / 1000);
    let companyNewest = -Infinity;
    let pages = 0;
    const seen = new Set<string>();
    try {
      pages = await this.scrollCompanies(
        (page) => {
          const fresh = page.filter((co) => co.updated_at >= state.companyWatermark);
          for (const co of page) {
            companyNewest = Math.max(companyNewest, co.updated_at);
            seen.add(co.id);
          }
          const changed = fresh.length > 0 ? store.transaction(() => this.applyCompanies(fresh, s, companies)) : [];
          if (changed.length > 0) this.ctx.changed('company', changed, 'sync.pull');
        },
        { waitWhileBusy: false },
      );
      // a company edited after its scroll page went out may carry an older updated_at than one
      // seen later in the scroll, so the watermark never passes the scroll's start (less the margin)
      state = { ...state, companyWatermark: Math.max(state.companyWatermark, Math.min(companyNewest, scrollStart - this.lagS)) };
      state = { ...state, userlessAfter: await this.pullUserlessCompanies(seen, state.userlessAfter ?? 0, companies) };
      store.settings.set(PULL_KEY, state, this.ctx.now());
    } catch (e) {
      // a scroll nobody can close blocks the companies for up to a minute: this pull goes on
      // without them (their watermark stays), rather than holding back the contacts and the push
      if (!isScrollBusy(e)) throw e;
      this.ctx.log('pull: another company scroll is still open in Intercom; companies are read on the next pull', e);
    }
    return pages;
  }

  /**
   * Intercom's scroll (like its list) leaves out companies without users, so an edit made there
   * to one of them would never be pulled while the status says Synced: those the console knows
   * without users are read one by one, USERLESS_PER_PULL a pull, going on where the last pull
   * stopped. Returns where the next pull goes on (0: from the start).
   */
  private async pullUserlessCompanies(seen: ReadonlySet<string>, after: number, companies: ApplyCounts): Promise<number> {
    const { store, client } = this.ctx;
    const s = this.ctx.settings();
    const rows = store.remote.userlessCompanies(after, USERLESS_PER_PULL);
    for (const row of rows) {
      if (seen.has(row.intercom_id)) continue;
      const co = await client.getCompanyByCompanyId(companyIdFor(row));
      if (!co || co.id !== row.intercom_id) continue;
      const changed = store.transaction(() => this.applyCompanies([co], s, companies));
      if (changed.length > 0) this.ctx.changed('company', changed, 'sync.pull');
    }
    return rows.length < USERLESS_PER_PULL ? 0 : rows[rows.length - 1]!.pk;
  }

  /** The contacts updated since the contact watermark (see pullChanges). */
  async pullContacts(contacts: ApplyCounts = emptyCounts(), onProgress?: ProgressFn): Promise<{ pages: number; watermark: number }> {
    const { store, client } = this.ctx;
    const s = this.ctx.settings();
    let state: PullState = store.settings.get<PullState>(PULL_KEY) ?? { watermark: 0, companyWatermark: 0 };
    const w = state.watermark;
    const search = (after: string | null) =>
      client.searchContacts({
        query: { field: 'updated_at', operator: '>', value: w - DAY_S },
        sort: { field: 'updated_at', order: 'ascending' },
        pagination: { per_page: this.perPage, ...(after ? { starting_after: after } : {}) },
      });
    let newest = -Infinity;
    let ordered = true;
    let done = 0;
    const guard = new PageGuard({ method: 'POST', path: '/contacts/search', label: 'contact search' });
    const pages = await pipeline<ContactList>(
      search(null),
      nextContactPage(guard, search),
      (page, last) => {
        const at = this.ctx.now();
        const rows = (page.data as IntercomContact[]).filter((c) => c.updated_at >= w);
        for (const c of rows) {
          if (c.updated_at < newest) ordered = false;
          newest = Math.max(newest, c.updated_at);
        }
        const changed = store.transaction(() => {
          const ids = this.applyContacts(rows, s, contacts, at);
          // sorted ascending, every row before the newest one seen is in: an interrupted pull
          // keeps its progress. Should Intercom not sort, the watermark moves only at the end.
          if (ordered || last) {
            state = { ...state, watermark: this.advance(state.watermark, newest, at), lastPullAt: at };
            store.settings.set(PULL_KEY, state, at);
          }
          return ids;
        });
        if (changed.length > 0) this.ctx.changed('contact', changed, 'sync.pull');
        done += page.data.length;
        onProgress?.(done, page.total_count ?? null);
      },
    );
    await this.readContactTags('sync.pull');
    return { pages, watermark: state.watermark };
  }

  /**
   * Once after the store learned to keep email consent (migration 0014): contacts pulled before
   * may be unsubscribed in Intercom with no change since, which the incremental pull never
   * reads. One search for them (the field rule applies as in any pull: a base without the flag
   * counts as unknown, so Intercom's value is taken), then the mark is cleared.
   */
  async pullUnsubscribed(): Promise<number> {
    const { store, client } = this.ctx;
    if (store.settings.get<string>(CONSENT_BACKFILL_KEY) !== 'pending') return 0;
    const s = this.ctx.settings();
    const counts = emptyCounts();
    const search = (after: string | null) =>
      client.searchContacts({
        query: { field: 'unsubscribed_from_emails', operator: '=', value: true },
        pagination: { per_page: this.perPage, ...(after ? { starting_after: after } : {}) },
      });
    const guard = new PageGuard({ method: 'POST', path: '/contacts/search', label: 'unsubscribed contact search' });
    let first: Promise<ContactList> = search(null);
    // a workspace that refuses the query would fail every run for good: said once in the log instead
    first = first.catch((e: unknown) => {
      if (!isIntercomError(e) || e.kind !== 'invalid') throw e;
      this.ctx.log('pull: Intercom refused the search for unsubscribed contacts; email consent comes in as contacts change', e);
      return { type: 'list', data: [], total_count: 0 } satisfies ContactList;
    });
    const pages = await pipeline<ContactList>(
      first,
      nextContactPage(guard, search),
      (page, last) => {
        const at = this.ctx.now();
        const changed = store.transaction(() => {
          const ids = this.applyContacts(page.data as IntercomContact[], s, counts, at);
          if (last) store.settings.set(CONSENT_BACKFILL_KEY, 'done', at);
          return ids;
        });
        if (changed.length > 0) this.ctx.changed('contact', changed, 'sync.pull');
      },
    );
    return pages;
  }

  /**
   * The next watermark: the newest updated_at seen, but never closer to now than the search lag,
   * so a change the search did not show yet still lies after it. It never moves back.
   */
  private advance(w: number, newest: number, nowMs: number): number {
    if (newest === -Infinity) return w;
    return Math.max(w, Math.min(newest, Math.floor(nowMs / 1000) - this.lagS));
  }

  // ---- a record read by id (the push's check, ops/currentCheck.ts) -------------------------------

  /** A contact as Intercom holds it now, applied by the field rule as any pulled version is. */
  applyCurrentContact(c: IntercomContact): void {
    const at = this.ctx.now();
    const changed = this.ctx.store.transaction(() => this.applyContacts([c], this.ctx.settings(), emptyCounts(), at));
    if (changed.length > 0) this.ctx.changed('contact', changed, 'sync.push');
  }

  /** A company as Intercom holds it now, the same way. */
  applyCurrentCompany(co: IntercomCompany): void {
    const changed = this.ctx.store.transaction(() => this.applyCompanies([co], this.ctx.settings(), emptyCounts()));
    if (changed.length > 0) this.ctx.changed('company', changed, 'sync.push');
  }

  // ---- companies ---------------------------------------------------------------------------------

  /**
   * Reads the whole company scroll, handing each non-empty page to `write` (synchronously, so the
   * scroll never idles towards its one-minute expiry). When Intercom asks for a restart (a 400 or
   * 500 on a continuation, or an answer we cannot trust) the scroll begins again; pages already
   * written are written again, which the field rule makes harmless.
   */
  private async scrollCompanies(write: (page: IntercomCompany[]) => void, opts: { waitWhileBusy: boolean }): Promise<number> {
    const { client } = this.ctx;
    let pages = 0;
    let busySince: number | null = null;
    for (let restarts = 0; ; restarts++) {
      pages += await this.closeOpenScroll();
      // the scroll keeps one parameter throughout: a loop shows as a page of companies seen before
      const guard = new PageGuard({ method: 'GET', path: '/companies/scroll', label: 'company scroll' });
      try {
        pages += await pipeline<CompanyScroll>(
          client.scrollCompanies(null),
          (page) => {
            guard.page(page.data.length);
            guard.fresh(page.data.map((co) => co.id));
            if (page.data.length === 0 || !page.scroll_param) return null;
            this.rememberScroll(page.scroll_param);
            return client.scrollCompanies(page.scroll_param);
          },
          (page) => {
            if (page.data.length > 0) write(page.data as IntercomCompany[]);
          },
        );
        this.rememberScroll(null);
        return pages;
      } catch (e) {
        if (isScrollBusy(e) && !this.ctx.signal.aborted) {
          if (!opts.waitWhileBusy) throw e;
          // the scroll we cannot close idles out a minute after its last page at most (real time:
          // Intercom's clock, not the one this run writes with)
          busySince ??= Date.now();
          if (Date.now() - busySince > SCROLL_IDLE_MS + this.scrollBusyPollMs) throw e;
          this.ctx.log('company scroll: another one is still open in Intercom; waiting for it to idle out', e);
          await pause(this.scrollBusyPollMs, this.ctx.signal);
          restarts--;
          continue;
        }
        // a continuation is never repeated by the client, so its 5xx arrives as 'uncertain'
        const restartable = isIntercomError(e) && (e.kind === 'uncertain' || e.kind === 'invalid' || e.kind === 'not_found');
        if (!restartable || restarts >= MAX_SCROLL_RESTARTS || this.ctx.signal.aborted) throw e;
        // Intercom answered "restart the scroll" (or that it does not know it): that scroll is
        // over, so it is not read again to close it (each read would fail the same way for its
        // minute); only a scroll cut off without an answer may still be open
        if (e.status !== null) this.rememberScroll(null);
        this.ctx.log('company scroll broke off; starting it again', e);
      }
    }
  }

  private rememberScroll(param: string | null): void {
    this.ctx.store.settings.set(SCROLL_KEY, param === null ? null : { param, at: this.ctx.now() }, this.ctx.now());
  }

  /**
   * Intercom keeps one scroll per workspace open and refuses to start another ("scroll already
   * exists") until it ends or idles out after a minute. A run stopped mid-scroll (quit, pause, a
   * failed write) leaves one behind: it is read to its end, so the next scroll can begin now
   * rather than after the minute. Its pages are not used: one of them was fetched ahead and never
   * written, so the new scroll starts over. Returns the pages read.
   */
  private async closeOpenScroll(): Promise<number> {
    const open = this.ctx.store.settings.get<{ param: string; at: number } | null>(SCROLL_KEY);
    if (!open || this.ctx.now() - open.at > SCROLL_IDLE_MS) return 0;
    let pages = 0;
    const guard = new PageGuard({ method: 'GET', path: '/companies/scroll', label: 'company scroll' });
    try {
      for (;;) {
        const page = await this.ctx.client.scrollCompanies(open.param);
        pages++;
        guard.page(page.data.length);
        guard.fresh(page.data.map((co) => co.id));
        if (page.data.length === 0) break;
      }
    } catch (e) {
      // already expired or ended ("restart the scroll", 404 "scroll_param not found or expired"),
      // or it cannot be read: a new scroll comes next anyway, so only a stopped run stops here
      if (!isIntercomError(e) || e.kind === 'auth' || e.kind === 'offline' || e.kind === 'aborted') throw e;
      this.ctx.log('company scroll: the one left open could not be read to its end; starting a new one', e);
    }
    this.rememberScroll(null);
    return pages;
  }

  /** One page of companies, inside the caller's transaction; returns the ids of those that changed. */
  private applyCompanies(page: readonly IntercomCompany[], s: SyncSettings, counts: ApplyCounts): string[] {
    const { store } = this.ctx;
    const at = this.ctx.now();
    const keys = page.map((co) => ({
      intercomId: co.id,
      companyId: co.company_id ?? null,
      localId: localIdFromSyntheticExternalId(co.company_id),
    }));
    const matches = store.remote.matchCompanies(keys);
    const matchedIds = [...matches.values()].map((r) => r.id);
    const waiting = groupBy(store.remote.waitingEntries(matchedIds), (e) => e.entity_id);
    const pushed = groupBy(store.remote.doneEntriesSince(matchedIds, at - this.lagS * 1000), (e) => e.entity_id);
    const open = groupBy(store.conflicts.openFor(matchedIds), (c) => c.entity_id);
    const changed: string[] = [];
    const seen = new Set<number>();
    // companies removed here whose delete waits: Intercom still lists them until it goes out
    const deleting = matches.size < page.length ? waitingDeletes(store.remote.waitingCompanyDeletes()) : null;
    page.forEach((co, i) => {
      const remote = companyBaseFromRemote(co, s);
      let row = matches.get(i);
      // two remote records on one page may match one local one: the second sees the first's writes
      if (row && seen.has(row.pk)) row = store.remote.companyById(row.id);
      if (!row) {
        if (deleting?.has(co.id) || deleting?.has(keys[i]!.localId ?? '') || (co.company_id && deleting?.has(`company_id:${co.company_id}`))) return;
        const adopted = adoptableId(co.company_id);
        const id = adopted ?? randomUUID();
        const createdAt = (co.created_at ?? co.updated_at) * 1000;
        const pk = this.companyWriter.insertFromIntercom(
          {
          id,
          // a company_id naming a local id is derived from it again on push (companyIdFor)
          externalId: adopted ? null : (co.company_id ?? null),
          intercomId: co.id,
          name: remote.name,
          plan: remote.plan,
          monthlySpend: remote.monthlySpend,
          stage: remote.stage,
          customAttributes: JSON.stringify(remote.customAttributes),
          createdAt,
          updatedAt: co.updated_at * 1000,
          syncBase: baseJson(flatten(remote), { remoteUpdatedAt: co.updated_at }),
          },
          remote.stage,
          INTERCOM_ACTOR,
        );
        this.remoteTags.applyCompany(pk, co.tags?.tags, co.updated_at, { waiting: [], pushed: [] }, at);
        counts.inserted++;
        changed.push(id);
        return;
      }
      seen.add(row.pk);
      const entries = { waiting: waiting.get(row.id) ?? [], pushed: pushed.get(row.id) ?? [] };
      const merged = this.mergeCompany(row, co, remote, entries, open.get(row.id) ?? [], counts, at);
      if (this.remoteTags.applyCompany(row.pk, co.tags?.tags, co.updated_at, entries, at) || merged) changed.push(row.id);
    });
    return changed;
  }

  private mergeCompany(
    row: SyncedCompanyRow,
    co: IntercomCompany,
    remote: ReturnType<typeof companyBaseFromRemote>,
    entries: RecordEntries,
    open: ConflictRow[],
    counts: ApplyCounts,
    at: number,
  ): boolean {
    const base = parseBase(row.sync_base);
    if (base?.meta.remoteUpdatedAt !== undefined && co.updated_at < base.meta.remoteUpdatedAt) {
      counts.stale++;
      return false;
    }
    const m = mergeFields({
      local: flatten(companyBaseFromRow(row)),
      remote: notOlderThanPushes(flatten(remote), base?.flat ?? null, entries.pushed, co.updated_at, 'company'),
      base: base?.flat ?? null,
      pending: pendingFields(entries.waiting, 'company'),
    });
    const write: CompanyWrite = {};
    for (const [f, v] of Object.entries(m.apply)) {
      if (f === 'name' || f === 'plan' || f === 'stage') write[f] = v as string | null;
      else if (f === 'monthlySpend') write.monthlySpend = v as number | null;
    }
    const attrs = withAttributes(row.custom_attributes, m.apply);
    if (attrs !== undefined) write.customAttributes = attrs;
    const applied = Object.keys(write).length > 0;
    const companyAt = co.updated_at * 1000;
    // the row never goes back in time
    if (applied) this.companyWriter.applyRemote(row, write, { updatedAt: Math.max(row.updated_at, companyAt), stageAt: companyAt, actor: INTERCOM_ACTOR });
    const opened = this.recordConflicts('company', row.id, m.conflicts, open, at);
    this.companyWriter.setRemote(row, co.id, baseJson(m.base, { remoteUpdatedAt: co.updated_at }));
    counts.conflicts += opened;
    if (applied) counts.updated++;
    else counts.unchanged++;
    return applied || opened > 0 || row.intercom_id !== co.id;
  }

  // ---- contacts ----------------------------------------------------------------------------------

  /**
   * One page of contacts, inside the caller's transaction: one query each to match them, to find
   * their waiting outbox entries, open conflicts and companies, then a write per changed row.
   * Returns the ids of the contacts that changed. With `deferred`, new contacts get no search
   * entry, and its mark is lowered should one take a pk at or below it (a deleted newest
   * contact's pk is given again).
   */
  private applyContacts(page: readonly IntercomContact[], s: SyncSettings, counts: ApplyCounts, at: number, deferred?: { afterPk: number }): string[] {
    const { store } = this.ctx;
    if (page.length === 0) return [];
    const keys = page.map((c) => ({
      intercomId: c.id,
      localId: localIdFromSyntheticExternalId(c.external_id),
      externalId: realExternalId(c.external_id),
    }));
    const matches = store.remote.matchContacts(keys);
    const matchedIds = [...matches.values()].map((r) => r.id);
    const waiting = groupBy(store.remote.waitingEntries(matchedIds), (e) => e.entity_id);
    const pushed = groupBy(store.remote.doneEntriesSince(matchedIds, at - this.lagS * 1000), (e) => e.entity_id);
    const open = groupBy(store.conflicts.openFor(matchedIds), (c) => c.entity_id);
    const companyIntercomIds = [...new Set(page.flatMap((c) => c.companies?.data?.map((d) => d.id) ?? []))];
    const companies = store.remote.companiesByIntercomId(companyIntercomIds);
    const changed: string[] = [];
    const fresh: NewRemoteContact[] = [];
    const freshRemote: IntercomContact[] = [];
    const seen = new Set<number>();
    // contacts removed here whose archive waits: Intercom still lists them until it goes out
    const archiving = matches.size < page.length ? waitingArchives(store.remote.waitingArchives()) : null;
    page.forEach((c, i) => {
      const remote = contactBaseFromRemote(c, s);
      let row = matches.get(i);
      if (row && seen.has(row.pk)) row = store.remote.contactByPk(row.pk);
      if (!row) {
        if (archiving?.has(c.id) || archiving?.has(keys[i]!.localId ?? '')) return;
        fresh.push({
          id: adoptableId(c.external_id) ?? this.contactIds.next(),
          role: remote.role,
          email: remote.email,
          name: remote.name,
          phone: remote.phone,
          externalId: remote.externalId,
          intercomId: c.id,
          stage: remote.stage ?? 'lead',
          unsubscribedFromEmails: remote.unsubscribedFromEmails,
          customAttributes: JSON.stringify(remote.customAttributes),
          createdAt: (c.created_at ?? c.updated_at) * 1000,
          updatedAt: c.updated_at * 1000,
          syncBase: baseJson(flatten(remote), { remoteUpdatedAt: c.updated_at }),
          ownerId: remote.ownerId,
          companies: (c.companies?.data ?? []).flatMap((d) => companies.get(d.id) ?? []),
        });
        freshRemote.push(c);
        return;
      }
      seen.add(row.pk);
      const entries = { waiting: waiting.get(row.id) ?? [], pushed: pushed.get(row.id) ?? [] };
      const merged = this.mergeContact(row, c, remote, entries, open.get(row.id) ?? [], companies, counts, at);
      if (this.contactTags(row.pk, row.id, c, entries) || merged) changed.push(row.id);
    });
    // new ones last and together: the repository writes their search entries in one run (and
    // their ids come last in the list returned: see applyFirstPullPage)
    const pks = this.contactWriter.insertFromIntercom(fresh, INTERCOM_ACTOR, { searchEntries: deferred === undefined });
    if (deferred && pks.length > 0) deferred.afterPk = Math.min(deferred.afterPk, Math.min(...pks) - 1);
    fresh.forEach((r, i) => this.contactTags(pks[i]!, r.id, freshRemote[i]!, { waiting: [], pushed: [] }));
    for (const r of fresh) changed.push(r.id);
    // Intercom counts each contact's notes: the notes step reads those it has more of than this store
    store.notes.wantWhereBehind(page.flatMap((c) => ((c.notes?.total_count ?? 0) > 0 ? [{ intercomId: c.id, count: c.notes!.total_count! }] : [])), at);
    counts.inserted += fresh.length;
    return changed;
  }

  /**
   * A contact archived here that Intercom lists again, in a version newer than the archive (its
   * push, or when this console found it archived there): someone unarchived it, so it is restored
   * here too. A version from before (search lags minutes) leaves it archived, and so does an
   * archive or restore of ours still waiting to go out.
   */
  private listedAgain(row: SyncedContactRow, c: IntercomContact, waiting: readonly { op: string }[]): boolean {
    if (row.archived_at === null || waiting.some((e) => e.op === 'contact.setArchived')) return false;
    const since = Math.max(row.archived_at, this.ctx.store.sync.lastDoneAt(row.id, 'contact.setArchived') ?? 0);
    if (c.updated_at * 1000 <= since) return false;
    this.contactWriter.unarchivedInIntercom(row);
    return true;
  }

  private mergeContact(
    row: SyncedContactRow,
    c: IntercomContact,
    remote: ReturnType<typeof contactBaseFromRemote>,
    entries: RecordEntries,
    open: ConflictRow[],
    companies: Map<string, { pk: number; id: string; name: string }>,
    counts: ApplyCounts,
    at: number,
  ): boolean {
    const { store } = this.ctx;
    const base = parseBase(row.sync_base);
    if (base?.meta.remoteUpdatedAt !== undefined && c.updated_at < base.meta.remoteUpdatedAt) {
      counts.stale++;
      return false;
    }
    const waiting = entries.waiting;
    const m = mergeFields({
      local: flatten(contactBaseFromRow(row)),
      remote: notOlderThanPushes(flatten(remote), base?.flat ?? null, entries.pushed, c.updated_at, 'contact'),
      base: base?.flat ?? null,
      pending: pendingFields(waiting, 'contact'),
      nullIsUnknown: CONTACT_NULL_UNKNOWN,
    });
    // a user id that another local contact holds cannot move here (it is unique); it stays
    // unapplied and the base keeps its old value, so the next pull tries again
    const xid = m.apply.externalId;
    if (typeof xid === 'string') {
      const holder = store.contacts.byExternalId(xid);
      if (holder && holder.pk !== row.pk) {
        this.ctx.log(`pull: contact ${row.id} gets user id ${xid} in Intercom, but local contact ${holder.id} has it; left as is`);
        delete m.apply.externalId;
        m.base.externalId = base?.flat.externalId ?? null;
      }
    }
    const write: ContactWrite = {};
    for (const [f, v] of Object.entries(m.apply)) {
      if (f === 'email' || f === 'name' || f === 'phone' || f === 'externalId' || f === 'role' || f === 'stage' || f === 'ownerId') write[f] = v as string | null;
      else if (f === 'unsubscribedFromEmails') write.unsubscribedFromEmails = v === true;
    }
    const attrs = withAttributes(row.custom_attributes, m.apply);
    if (attrs !== undefined) write.customAttributes = attrs;
    const applied = Object.keys(write).length > 0;
    const contactAt = c.updated_at * 1000;
    if (applied) this.contactWriter.applyRemote(row, write, { updatedAt: Math.max(row.updated_at, contactAt), stageAt: contactAt, actor: INTERCOM_ACTOR });
    const restored = this.listedAgain(row, c, waiting);
    const linked = this.syncLinks(row, c, companies, entries);
    const opened = this.recordConflicts('contact', row.id, m.conflicts, open, at);
    this.contactWriter.setRemote(row, c.id, baseJson(m.base, { remoteUpdatedAt: c.updated_at }));
    counts.conflicts += opened;
    if (applied || linked || restored) counts.updated++;
    else counts.unchanged++;
    return applied || linked || opened > 0 || row.intercom_id !== c.id;
  }

  /**
   * A contact's companies as Intercom lists them. Links a waiting link/unlink entry is about to
   * change are left alone, and so are links a link/unlink entry changed in Intercom at or after
   * this version of the contact (the lagging search can show the version before our attach or
   * detach, which cannot know it; the same second counts, as a link and its unlink often go out
   * within one). A local link missing in Intercom is removed only when this version of the contact
   * is newer than the link (an older version cannot know it) and the list is complete.
   */
  private syncLinks(row: SyncedContactRow, c: IntercomContact, companies: Map<string, { pk: number; id: string; name: string }>, entries: RecordEntries): boolean {
    const list = c.companies;
    if (!list?.data) return false;
    const { store } = this.ctx;
    const held = pendingLinks(entries.waiting);
    for (const id of pendingLinks(entries.pushed.filter((e) => Math.floor(e.updated_at / 1000) >= c.updated_at))) held.add(id);
    const remoteIds = new Set(list.data.map((d) => d.id));
    const versionAt = c.updated_at * 1000;
    const add: number[] = [];
    for (const id of remoteIds) {
      const co = companies.get(id);
      if (co && !held.has(co.id)) add.push(co.pk);
    }
    const remove: number[] = [];
    if (!list.has_more) {
      for (const l of store.remote.linksOf(row.pk)) {
        if (l.intercom_id === null || remoteIds.has(l.intercom_id) || held.has(l.company_id) || l.created_at >= versionAt) continue;
        remove.push(l.company_pk);
      }
    }
    return this.contactWriter.applyRemoteLinks(row.pk, add, remove, versionAt);
  }

  /** A contact's tags from the contact object; one whose list is longer (or names a tag not known here) is read whole after the page. */
  private contactTags(pk: number, id: string, c: IntercomContact, entries: RecordEntries): boolean {
    const { changed, complete } = this.remoteTags.applyContact(pk, c, entries);
    if (!complete) this.tagReads.push({ id, intercomId: c.id, updatedAt: c.updated_at });
    return changed;
  }

  /** The whole tag lists of the contacts `contactTags` could not finish, one request each. */
  private async readContactTags(op: string): Promise<void> {
    const { store, client } = this.ctx;
    const reads = this.tagReads.splice(0);
    for (const r of reads) {
      if (this.ctx.signal.aborted) return;
      let list;
      try {
        list = await client.listContactTags(r.intercomId);
      } catch (e) {
        // gone from Intercom since the page was read: nothing to bring in
        if (isIntercomError(e) && e.kind === 'not_found') continue;
        throw e;
      }
      const changed = store.transaction(() => {
        const row = store.contacts.byId(r.id);
        if (!row) return false;
        const entries = { waiting: store.remote.waitingEntries([r.id]), pushed: store.remote.doneEntriesSince([r.id], this.ctx.now() - this.lagS * 1000) };
        return this.remoteTags.applyContactList(row.pk, list.data, r.updatedAt, entries, this.ctx.now());
      });
      if (changed) this.ctx.changed('contact', [r.id], op);
    }
  }

  /** The workspace's tags (GET /tags), before the records that carry them. */
  async pullTags(): Promise<void> {
    const list = await this.ctx.client.listTags();
    const changed = this.ctx.store.transaction(() => this.remoteTags.applyWorkspace(list.data, this.ctx.now()));
    // screens that show tags refresh on a contact change (the sync's changes carry no tag entity)
    if (changed) this.ctx.changed('contact', [], 'sync.pullTags');
  }

  /** Opens a conflict per field, or refreshes the open one of that field; returns how many changed. */
  private recordConflicts(entityType: 'contact' | 'company', entityId: string, found: FieldConflict[], open: ConflictRow[], at: number): number {
    const { conflicts } = this.ctx.store;
    let n = 0;
    for (const k of found) {
      const existing = open.find((o) => o.field === k.field);
      if (!existing) {
        conflicts.insert({ entityType, entityId, field: k.field, local: k.local, remote: k.remote, base: k.base, at });
        n++;
      } else if (existing.local_value !== JSON.stringify(k.local) || existing.remote_value !== JSON.stringify(k.remote)) {
        conflicts.refresh(existing.id, { local: k.local, remote: k.remote, at });
        n++;
      }
    }
    return n;
  }
}

