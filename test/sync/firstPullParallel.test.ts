// The parallel first pull against the sandbox over HTTP and a real SQLite core: ranges of creation
// days read side by side within a bound, faults (429, 5xx, dropped and lost answers), a quit and
// a resume per range, contacts created and edited while it runs, and the list walk where the
// search is refused. Each ends with the store compared with Intercom field by field.
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../electron/sandbox';
import { IntercomClient } from '../../electron/core/sync/IntercomClient';
import { FIRST_PULL_KEY, Puller, PULL_KEY, type FirstPullState, type PullerOptions, type PullState } from '../../electron/core/sync/Puller';
import { RateLimiter } from '../../electron/core/sync/RateLimiter';
import type { SyncContext } from '../../electron/core/sync/SyncContext';
import type { ContactSearch } from '../../electron/core/sync/intercomTypes';
import type { ContactListQuery } from '../../electron/core/db/ContactRepository';
import { DEFAULT_STAGE_VALUES } from '../../shared/domain';
import { storeVsIntercom } from '../helpers/storeVsIntercom';
import { removeTempDir, startCore, type TestClock, type TestCore } from '../helpers/testCore';
import { contactPage, errorList, startHostileServer } from './hostileServer';

// a weekday noon (UTC): the seeded contacts were created over the year before it
const NOON = Date.UTC(2025, 5, 11, 12, 0, 0);

interface Rig {
  t: TestCore;
  sb: Sandbox;
  clock: { ms: number };
  logged: string[];
  /** Searches in flight now, the most at once, and every search body sent. */
  searches: { now: number; max: number; bodies: ContactSearch[] };
  ctx(baseUrl?: string): SyncContext & { abort: AbortController };
  puller(opts?: PullerOptions, ctx?: SyncContext): Puller;
}

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function rig(opts: Partial<SandboxOptions> = {}, clientOpts: { timeoutMs?: number; maxAttempts?: number } = {}): Promise<Rig> {
  const clock = { ms: NOON };
  const sb = await startSandbox({
    searchLagMs: 0,
    randomSeed: 7,
    now: () => clock.ms,
    rateLimit: { limit: 1_000_000, windowMs: 10_000 },
    // 31 companies: each gets users (the scroll leaves out a company without any)
    seed: { contacts: 3000, companies: 31, withStageAttributes: true },
    ...opts,
  });
  closers.push(() => sb.close());
  const t = startCore(undefined, { now: () => clock.ms, step: 0 } as unknown as TestClock);
  closers.push(() => {
    t.dispose();
    removeTempDir(t.dir);
  });
  const logged: string[] = [];
  const searches: Rig['searches'] = { now: 0, max: 0, bodies: [] };
  const r: Rig = {
    t,
    sb,
    clock,
    logged,
    searches,
    ctx(baseUrl = sb.url) {
      const abort = new AbortController();
      const client = new IntercomClient({
        baseUrl,
        token: sb.token,
        timeoutMs: clientOpts.timeoutMs ?? 5000,
        maxAttempts: clientOpts.maxAttempts,
        backoff: { baseMs: 5, maxMs: 40 },
        signal: abort.signal,
        limiter: new RateLimiter({ maxConcurrent: 16, jitterMs: 5 }),
      });
      const search = client.searchContacts.bind(client);
      client.searchContacts = async (body) => {
        searches.bodies.push(body);
        searches.max = Math.max(searches.max, ++searches.now);
        try {
          return await search(body);
        } finally {
          searches.now--;
        }
      };
      return {
        abort,
        store: t.core.store,
        client,
        settings: () => ({ stageAttribute: 'Stage', companyStageAttribute: 'Company Stage', stageValues: DEFAULT_STAGE_VALUES }),
        now: () => clock.ms,
        signal: abort.signal,
        changed: () => undefined,
        concurrency: 8,
        log: (message) => logged.push(message),
      };
    },
    puller: (o, ctx) => new Puller(ctx ?? r.ctx(), { firstPullConcurrency: 6, minPartition: 400, ...o }),
  };
  return r;
}

const db = (r: Rig) => r.t.core.store.db;
const scalar = (r: Rig, sql: string) => db(r).prepare(sql).pluck().get();
const firstPullState = (r: Rig) => r.t.core.store.settings.get<FirstPullState>(FIRST_PULL_KEY)!;

/** Each contact once: as many rows as Intercom ids, as many as Intercom holds. */
function expectEachOnce(r: Rig) {
  const n = r.sb.workspace.contacts().length;
  expect(r.t.core.store.contacts.count()).toBe(n);
  expect(scalar(r, 'SELECT count(DISTINCT intercom_id) FROM contacts')).toBe(n);
}

describe('parallel first pull', () => {
  it('cuts the workspace into ranges of creation days, reads them side by side within the bound, and ends equal to Intercom', async () => {
    const r = await rig();
    const summary = await r.puller().firstPull();
    expect(summary.contacts.inserted).toBe(3000);
    expectEachOnce(r);
    expect(await storeVsIntercom(r.t, r.sb)).toEqual([]);

    // the first search was the whole workspace; it was cut, and the ranges that came of it were read at once
    expect(r.searches.bodies[0]!.query).toEqual({ field: 'created_at', operator: '>', value: 0 });
    const ranged = r.searches.bodies.filter((b) => 'operator' in b.query && b.query.operator === 'OR');
    expect(ranged.length).toBeGreaterThan(10);
    expect(r.searches.max).toBeGreaterThan(1);
    expect(r.searches.max).toBeLessThanOrEqual(6);
    // every range sorted by the one field that never changes
    expect(r.searches.bodies.every((b) => b.sort?.field === 'created_at' && b.sort.order === 'ascending')).toBe(true);
    // pages: the contacts' pages plus a few first pages that were cut, not a request per contact
    const contactPages = summary.pages - 2; // the company scroll's page and its empty end
    expect(contactPages).toBeGreaterThanOrEqual(Math.ceil(3000 / 150));
    expect(contactPages).toBeLessThan(Math.ceil(3000 / 150) * 3);
    expect(firstPullState(r)).toMatchObject({ phase: 'done', contactWalk: 'search', done: 3000 });
    expect(firstPullState(r).partitions).toBeUndefined();
    expect(r.t.core.store.settings.get<PullState>(PULL_KEY)!.watermark).toBe(NOON / 1000 - 15 * 60);
  });

  it('goes through 429s, 5xx, answers dropped and answers that never come, and still reads each contact once', async () => {
    // ten attempts a request: a quarter of the answers fail, and none may fail ten times in a row
    const r = await rig({}, { timeoutMs: 400, maxAttempts: 10 });
    let faulty = false;
    // pages of 30: a hundred contact pages, so each kind of fault surely comes up
    await r.puller({ perPage: 30, minPartition: 150 }).firstPull((_done, total) => {
      // once the ranges are being read side by side: 10% 5xx, 10% answers dropped, 6% never
      // answered, and a burst of 429s
      if (total !== null && !faulty) r.sb.setFaults({ errorRate: 0.1, dropAfterCommitRate: 0.1, timeoutRate: 0.06, latencyMs: 2, rateLimit429Burst: 8 });
      faulty ||= total !== null;
    });
    const stats = r.sb.stats();
    expect(stats.injectedErrors).toBeGreaterThan(0);
    expect(stats.dropped).toBeGreaterThan(0);
    expect(stats.timedOut).toBeGreaterThan(0);
    expect(stats.rateLimited).toBe(8);
    expectEachOnce(r);
    expect(await storeVsIntercom(r.t, r.sb)).toEqual([]);
  });

  it('resumes after a quit with each range where it stopped, reading only what is left', async () => {
    const r = await rig();
    let pages = 0;
    await expect(
      r.puller().firstPull((_done, total) => {
        if (total !== null && ++pages === 8) throw new Error('quit during contacts');
      }),
    ).rejects.toThrow('quit during contacts');
    const mid = firstPullState(r);
    expect(mid.phase).toBe('contacts');
    expect(mid.partitions!.length).toBeGreaterThan(1);
    // some ranges were under way: their cursors are kept
    expect(mid.partitions!.some((p) => p.cursor !== null)).toBe(true);
    expect(mid.done).toBeGreaterThan(0);
    expect(r.t.core.store.contacts.count()).toBe(mid.done);

    const searchesBefore = r.searches.bodies.length;
    const last = await r.puller().firstPull();
    expect(last.resumed).toBe(true);
    // no range started over: the resumed run asked with a cursor for each range under way
    const resumedWithCursor = r.searches.bodies.slice(searchesBefore).filter((b) => b.pagination?.starting_after).length;
    expect(resumedWithCursor).toBeGreaterThan(0);
    expect(last.contacts.inserted).toBe(3000 - mid.done);
    expectEachOnce(r);
    expect(await storeVsIntercom(r.t, r.sb)).toEqual([]);
  });

  it('misses and doubles nothing when contacts are created and edited while it runs, with a lagging search: the next pull completes it', async () => {
    const r = await rig({ searchLagMs: 60_000 });
    const ws = r.sb.workspace;
    const seeded = ws.contacts();
    // the oldest contacts (read first, in the first ranges) and the newest (read last)
    const early = seeded.slice(0, 20);
    const late = seeded.slice(-20);
    let pages = 0;
    const created: string[] = [];
    await r.puller().firstPull((_done, total) => {
      if (total === null) return;
      pages++;
      if (pages === 5 || pages === 15) {
        r.clock.ms += 1000;
        for (const c of [...early.slice(pages === 5 ? 0 : 10, pages === 5 ? 10 : 20), ...late.slice(pages === 5 ? 0 : 10, pages === 5 ? 10 : 20)]) {
          ws.remoteEdit(c.id, { name: `Edited at page ${pages}`, custom_attributes: { Stage: 'Signed up' } });
        }
        for (let i = 0; i < 5; i++) created.push(ws.remoteCreateContact({ email: `new.${pages}.${i}@example.com`, name: `New ${pages}.${i}` }).id);
      }
    });
    expect(firstPullState(r).phase).toBe('done');
    // nothing read twice as two rows, whatever was read
    expect(scalar(r, 'SELECT count(*) - count(DISTINCT intercom_id) FROM contacts')).toBe(0);

    // the search catches up (its lag), then the incremental pull from the first pull's start
    r.clock.ms += 2 * 60_000;
    await r.puller().pullContacts();
    expectEachOnce(r);
    for (const id of created) expect(scalar(r, `SELECT count(*) FROM contacts WHERE intercom_id = '${id}'`)).toBe(1);
    expect(await storeVsIntercom(r.t, r.sb)).toEqual([]);
  });

  it('cuts a day too full to cut by time by the last digits of the contact ids', async () => {
    const r = await rig({ seed: 'empty' });
    // a bulk import: 2,400 contacts created within one hour
    const at = NOON / 1000 - 30 * 86_400;
    for (let i = 0; i < 2400; i++) r.sb.workspace.insertContact({ role: 'lead', email: `bulk${i}@example.com`, name: `Bulk ${i}`, created_at: at + i });
    await r.puller({ minPartition: 200 }).firstPull();
    const byId = r.searches.bodies.filter((b) => JSON.stringify(b.query).includes('"field":"id"'));
    expect(byId.length).toBeGreaterThanOrEqual(16);
    expect(r.searches.max).toBeGreaterThan(1);
    expectEachOnce(r);
    expect(await storeVsIntercom(r.t, r.sb)).toEqual([]);
  });

  it('stops a range whose search hands back a cursor it gave before, stops the other ranges, and says which list looped', async () => {
    const r = await rig();
    const hs = await startHostileServer({ upstream: r.sb.url });
    closers.push(() => hs.close());
    // the ranges' continuations answer the same page, naming the same cursor, again and again
    hs.route = (q) => {
      if (q.method !== 'POST' || q.path !== '/contacts/search') return undefined;
      const body = JSON.parse(q.body) as ContactSearch;
      if (!body.pagination?.starting_after) return undefined;
      return { status: 200, json: contactPage(['loop-1'], 'same-cursor', 5000) };
    };
    await expect(r.puller({}, r.ctx(hs.url)).firstPull()).rejects.toThrow(/contact search \(POST \/contacts\/search\) handed back a page cursor it had given before/);
    // each range reads its first page, one looping page and at most one more ahead: bounded
    const ranges = firstPullState(r).partitions!.length;
    expect(hs.count('POST', '/contacts/search')).toBeLessThanOrEqual(1 + ranges * 3);
    expect(firstPullState(r).phase).toBe('contacts');
  });

  it('reads the contact list one page after the other where Intercom refuses the search, and ends the same', async () => {
    const r = await rig();
    const hs = await startHostileServer({ upstream: r.sb.url });
    closers.push(() => hs.close());
    hs.route = (q) => (q.method === 'POST' && q.path === '/contacts/search' ? { status: 400, json: errorList('parameter_invalid', 'Search is not available') } : undefined);
    const summary = await r.puller({}, r.ctx(hs.url)).firstPull();
    expect(r.logged.some((l) => /refused the contact search/.test(l))).toBe(true);
    expect(firstPullState(r)).toMatchObject({ phase: 'done', contactWalk: 'list', done: 3000 });
    expect(summary.pages).toBe(Math.ceil(3000 / 150) + 1); // and the company list's one page
    expect(hs.count('GET', '/contacts')).toBe(Math.ceil(3000 / 150));
    expectEachOnce(r);
    expect(await storeVsIntercom(r.t, r.sb)).toEqual([]);
  });
});

describe('the companies of a first pull', () => {
  // 130 companies: three pages of the company list (50, 50, 30)
  const seed = { contacts: 600, companies: 130, withStageAttributes: true };

  it('reads the company list pages side by side, not the scroll, and leaves what the scroll leaves', async () => {
    const scrolled = await rig({ seed });
    await scrolled.puller({ companyListMax: 0 }).firstPull();
    expect(scrolled.sb.stats().byRoute['POST /companies/list']).toBeUndefined();
    expect(scrolled.sb.stats().byRoute['GET /companies/scroll']).toBe(4); // three pages and the empty end

    const listed = await rig({ seed });
    const hs = await startHostileServer({ upstream: listed.sb.url });
    closers.push(() => hs.close());
    // the first page says how many there are; the two others are held until both are asked for
    // (side by side), then answered last first
    const held = new Map<number, () => void>();
    let together = false;
    hs.route = (q) => {
      if (q.path !== '/companies/list' || q.query.get('page') === '1') return undefined;
      const hold = new Promise<void>((resolve) => held.set(Number(q.query.get('page')), resolve));
      if (held.size === 2) {
        together = true;
        held.get(3)!();
        setTimeout(() => held.get(2)!(), 30);
      } else setTimeout(() => held.forEach((release) => release()), 2000);
      return { hold };
    };
    const summary = await listed.puller({}, listed.ctx(hs.url)).firstPull();
    expect(summary.companies.inserted).toBe(130);
    expect(hs.count('POST', '/companies/list')).toBe(3);
    expect(hs.count('GET', '/companies/scroll')).toBe(0);
    expect(together).toBe(true);
    expect(listed.logged.filter((l) => /company/.test(l))).toEqual([]);
    // written in the list's order: the same companies, with the same pks, as the scroll left
    const byPk = (r: Rig) => db(r).prepare('SELECT pk, intercom_id FROM companies ORDER BY pk').all();
    expect(byPk(listed)).toEqual(byPk(scrolled));
    expect(importedState(listed)).toEqual(importedState(scrolled));
    expect(await storeVsIntercom(listed.t, listed.sb)).toEqual([]);
  });

  it('reads the scroll instead where the list changed while it was read, or Intercom refuses it, and ends with every company once', async () => {
    for (const fault of ['moved', 'refused'] as const) {
      const r = await rig({ seed });
      const hs = await startHostileServer({ upstream: r.sb.url });
      closers.push(() => hs.close());
      hs.route = (q) => {
        if (q.path !== '/companies/list') return undefined;
        if (fault === 'refused') return { status: 404, json: errorList('not_found', 'Resource Not Found') };
        // a company created meanwhile: the last page counts one more
        if (q.query.get('page') !== '3') return undefined;
        return { status: 200, json: { type: 'list', data: [], total_count: 131, pages: { type: 'pages', page: 3, per_page: 50, total_pages: 3 } } };
      };
      const summary = await r.puller({}, r.ctx(hs.url)).firstPull();
      expect(hs.count('GET', '/companies/scroll'), fault).toBe(4);
      expect(r.logged.some((l) => (fault === 'refused' ? /refused the company list/ : /company list changed while it was read/).test(l)), fault).toBe(true);
      expect(summary.companies.inserted, fault).toBe(130);
      expect(r.t.core.store.companies.count(), fault).toBe(130);
      expect(firstPullState(r).companies, fault).toBe(130);
      expect(await storeVsIntercom(r.t, r.sb), fault).toEqual([]);
    }
  });
});

/** What a first pull leaves, keyed by email (ids are made anew by each import): every table it writes. */
function importedState(r: Rig) {
  const rows = (sql: string) => db(r).prepare(sql).all();
  return {
    contacts: rows(
      `SELECT email, role, name, phone, visitor_id, external_id, intercom_id, stage, custom_attributes, created_at, updated_at, last_activity_at,
              sync_state, sync_base, funnel_rank, funnel_max, stage_entered_at, signed_up_at, sql_at, customer_at, unsubscribed_from_emails
       FROM contacts ORDER BY email`,
    ),
    companies: rows(`SELECT external_id, intercom_id, name, plan, monthly_spend, stage, custom_attributes, user_count, created_at, updated_at, sync_state, sync_base FROM companies ORDER BY external_id`),
    links: rows(`SELECT c.email, co.external_id, l.created_at FROM contact_companies l JOIN contacts c ON c.pk = l.contact_pk JOIN companies co ON co.pk = l.company_pk ORDER BY 1, 2`),
    history: rows(
      `SELECT coalesce(c.email, co.external_id) AS who, h.entity_type, h.from_stage, h.to_stage, h.at, h.actor, h.source FROM stage_history h
       LEFT JOIN contacts c ON c.id = h.entity_id LEFT JOIN companies co ON co.id = h.entity_id ORDER BY 1, 2, h.at`,
    ),
    counts: rows('SELECT * FROM contact_counts WHERE n > 0 ORDER BY 1, 2, 3'),
    notesWanted: rows('SELECT c.email, w.remote_count FROM notes_wanted w JOIN contacts c ON c.pk = w.contact_pk ORDER BY 1'),
    searchEntries: scalar(r, 'SELECT count(*) FROM contact_search'),
    indexes: rows(`SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name`),
    outbox: scalar(r, 'SELECT count(*) FROM outbox'),
  };
}

/** Emails of the contacts a search finds (every page), and the total the list says. */
async function searchFinds(r: Rig, search: string): Promise<{ total: number; emails: string[] }> {
  const emails: string[] = [];
  for (;;) {
    const page = await r.t.api.call('contacts.list', { search, limit: 500, offset: emails.length, sort: { field: 'email', dir: 'asc' } });
    emails.push(...page.items.map((c) => c.email!));
    if (page.items.length < 500) return { total: page.total, emails };
  }
}
/** The same, read straight from the repository: a progress callback runs inside the import. */
function searchNow(r: Rig, search: string): { total: number; emails: string[] } {
  const q = { search, filter: {}, sort: { field: 'email', dir: 'asc' }, limit: 5000, offset: 0 } as unknown as ContactListQuery;
  const page = r.t.core.store.contacts.list(q);
  return { total: page.total, emails: page.rows.map((c) => c.email!) };
}
const SEARCHES = ['m', 'ma', 'maya', 'okafor', 'example', 'lead1', 'user20', 'labs', 'fischer group', 'no'];

/** Contacts whose pk is at most the first pull's search mark: those the search index holds. */
const indexedUpTo = (r: Rig, mark: number) => Number(scalar(r, `SELECT count(*) FROM contacts WHERE pk <= ${mark}`));

describe('first pull with the search entries written in passes', () => {
  it('leaves the same store as entries written page by page: rows, links, history, counts, indexes and what every search finds', async () => {
    // the old way: nothing deferred below 20,000 contacts; the new way forced here, with passes of 700
    const old = await rig();
    await old.puller({ deferIndexesFrom: Infinity }).firstPull();
    const passes = await rig();
    let deferredSeen = false;
    await passes.puller({ deferIndexesFrom: 0, searchPassSize: 700 }).firstPull(() => {
      deferredSeen ||= firstPullState(passes).searchAfterPk !== undefined;
    });
    expect(deferredSeen).toBe(true);
    expect(firstPullState(passes).searchAfterPk).toBeUndefined();
    expect(firstPullState(passes).deferredIndexes).toBeUndefined();

    const a = importedState(old);
    const b = importedState(passes);
    expect(b.contacts).toHaveLength(3000);
    expect(b.searchEntries).toBe(3000);
    expect(b).toEqual(a);
    for (const q of SEARCHES) {
      const found = await searchFinds(passes, q);
      expect(found.total, q).toBeGreaterThan(0);
      expect(found, q).toEqual(await searchFinds(old, q));
    }
    expect(await storeVsIntercom(passes.t, passes.sb)).toEqual([]);
  });

  it('tells the screens which contacts they may show changed, and only that new ones came (not each new id)', async () => {
    const r = await rig();
    // a person already has one of Intercom's users here: the import matches it by its user id
    const user = r.sb.workspace.contacts().find((c) => c.external_id !== null)!;
    const here = await r.t.api.call('contacts.create', { email: 'already.here@example.org', externalId: user.external_id });
    const events: { ids: string[]; op: string }[] = [];
    const ctx = r.ctx();
    ctx.changed = (entity, ids, op) => {
      if (entity === 'contact') events.push({ ids: [...ids], op });
    };
    await r.puller({ deferIndexesFrom: 0, searchPassSize: 700 }, ctx).firstPull();
    const pages = events.filter((e) => e.op === 'sync.firstPull');
    // an event for each page written (lists refresh on any), with only the contact that was here
    expect(pages.length).toBeGreaterThanOrEqual(3000 / 150);
    expect(pages.flatMap((e) => e.ids)).toEqual([here.contact.id]);
    expectEachOnce(r);
  });

  it('builds the dropped indexes again while the last ranges are read, one at a time, each build recording which are left', async () => {
    const r = await rig();
    const listIndexes = () => Number(scalar(r, `SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('contacts', 'contact_companies', 'stage_history')`));
    const all = listIndexes();
    // at each page written: contacts in, indexes in place, and how many the state says are left
    const seen: { done: number; present: number; left: number }[] = [];
    await r.puller({ deferIndexesFrom: 0 }).firstPull((done) => {
      seen.push({ done, present: listIndexes(), left: firstPullState(r).deferredIndexes?.length ?? 0 });
    });
    const dropped = Math.max(...seen.map((x) => all - x.present));
    expect(dropped).toBeGreaterThan(10);
    // some were built while pages were still coming, and the state named exactly the missing ones
    const midway = seen.filter((x) => x.done < 3031 && x.present > all - dropped && x.present < all);
    expect(midway.length).toBeGreaterThan(0);
    for (const x of seen) if (x.left > 0) expect(all - x.present).toBe(x.left);
    expect(listIndexes()).toBe(all);
    expect(firstPullState(r)).toMatchObject({ phase: 'done', done: 3000 });
    expect(firstPullState(r).deferredIndexes).toBeUndefined();
    expectEachOnce(r);
    expect(await storeVsIntercom(r.t, r.sb)).toEqual([]);
  });

  it('while it runs, search finds the contacts up to the last pass and those a person wrote; a quit writes the rest at once', async () => {
    const r = await rig();
    let pages = 0;
    let checked = 0;
    let edited = null as { id: string; pk: number } | null;
    const writes: Promise<unknown>[] = [];
    // the store is read by copy, through a smaller cache, while the import runs (its mapped pages
    // would count as the process's memory)
    const mapped = db(r).pragma('mmap_size', { simple: true }) as number;
    const cache = db(r).pragma('cache_size', { simple: true }) as number;
    expect(mapped).toBeGreaterThan(0);
    expect(cache).toBe(-65536);
    await expect(
      r.puller({ deferIndexesFrom: 0, searchPassSize: 700 }).firstPull((_done, total) => {
        if (total === null) return;
        pages++;
        expect(db(r).pragma('mmap_size', { simple: true })).toBe(0);
        expect(db(r).pragma('cache_size', { simple: true })).toBe(-16384);
        const mark = firstPullState(r).searchAfterPk!;
        const contacts = r.t.core.store.contacts.count();
        // 'example' is in every imported email: the search finds exactly the contacts up to the
        // mark, and at most a pass (and the pages written with it) is not found yet
        const found = searchNow(r, 'example');
        // and those a person wrote meanwhile, whose entries are written with them (every email says example)
        const byPerson = Number(scalar(r, `SELECT count(*) FROM contacts WHERE pk > ${mark} AND name IN ('Zebedee Quartermaine', 'Xanthe Local')`));
        expect(found.total).toBe(indexedUpTo(r, mark) + byPerson);
        expect(found.emails).toHaveLength(found.total);
        expect(contacts - found.total).toBeLessThan(700 + 16 * 150);
        if (mark > 0) checked++;
        if (pages === 10 && mark > 0) {
          // a person renames a contact the search does not hold yet, and adds one of their own
          edited = db(r).prepare(`SELECT id, pk FROM contacts WHERE pk > ${mark} ORDER BY pk DESC LIMIT 1`).get() as { id: string; pk: number };
          writes.push(r.t.api.call('contacts.update', { id: edited.id, patch: { name: 'Zebedee Quartermaine' } }));
          writes.push(r.t.api.call('contacts.create', { email: 'xanthe@example.org', name: 'Xanthe Local' }));
        }
        if (pages === 14) {
          // both are found at once, each once
          expect(searchNow(r, 'zebedee').total).toBe(1);
          expect(searchNow(r, 'xanthe').total).toBe(1);
        }
        if (pages === 16) throw new Error('quit during contacts');
      }),
    ).rejects.toThrow('quit during contacts');
    expect(db(r).pragma('mmap_size', { simple: true })).toBe(mapped);
    expect(db(r).pragma('cache_size', { simple: true })).toBe(cache);
    await Promise.all(writes);
    expect(checked).toBeGreaterThan(2);
    expect(edited).not.toBeNull();
    // stopped: the entries left out are written, the indexes are back; search finds everyone, each once
    const state = firstPullState(r);
    expect(state.phase).toBe('contacts');
    expect(state.searchAfterPk).toBeUndefined();
    expect(state.deferredIndexes).toBeUndefined();
    const contacts = r.t.core.store.contacts.count();
    expect(searchNow(r, 'example').total).toBe(contacts);
    expect(scalar(r, 'SELECT count(*) FROM contact_search')).toBe(contacts);
    expect(searchNow(r, 'zebedee').emails).toEqual([db(r).prepare(`SELECT email FROM contacts WHERE pk = ${edited!.pk}`).pluck().get()]);
    expect(searchNow(r, 'xanthe').total).toBe(1);

    // resumed to the end: everyone found once
    await r.puller({ deferIndexesFrom: 0, searchPassSize: 700 }).firstPull();
    expect(scalar(r, 'SELECT count(*) FROM contact_search')).toBe(3001);
    expect(searchNow(r, 'example').total).toBe(3001);
    expect(searchNow(r, 'zebedee').total).toBe(1);
  });

  it('a write that fails stops the import with nothing after it stored, and the next first pull reads every contact once', async () => {
    const r = await rig();
    const contactsRepo = r.t.core.store.contacts;
    const write = contactsRepo.writeSearchEntriesAfter.bind(contactsRepo);
    // the third pass fails (a full disk, say) while other pages wait to be written
    let passes = 0;
    contactsRepo.writeSearchEntriesAfter = (afterPk) => {
      if (++passes === 3) throw new Error('database or disk is full');
      return write(afterPk);
    };
    await expect(r.puller({ deferIndexesFrom: 0, searchPassSize: 700 }).firstPull()).rejects.toThrow('database or disk is full');
    const mid = firstPullState(r);
    expect(mid.phase).toBe('contacts');
    // what the state says is what the store holds: the pages done, each range's cursor after them
    expect(r.t.core.store.contacts.count()).toBe(mid.done);
    expect(scalar(r, 'SELECT count(*) FROM contact_search')).toBe(mid.done);
    await r.puller({ deferIndexesFrom: 0, searchPassSize: 700 }).firstPull();
    expectEachOnce(r);
    expect(scalar(r, 'SELECT count(*) FROM contact_search')).toBe(3000);
    expect(await storeVsIntercom(r.t, r.sb)).toEqual([]);
  });

  it('after a crash mid-import search finds the contacts up to the last pass; the next first pull writes the rest before it reads on', async () => {
    const r = await rig();
    const store = r.t.core.store;
    const transaction = store.transaction.bind(store);
    let crashed = false;
    // a crash: from the kill on nothing more is written (the stop's own writes included)
    store.transaction = (<T>(fn: () => T): T => {
      if (crashed) throw new Error('the process is gone');
      return transaction(fn);
    }) as typeof store.transaction;
    let pages = 0;
    await expect(
      r.puller({ deferIndexesFrom: 0, searchPassSize: 700 }).firstPull((_done, total) => {
        if (total !== null && ++pages === 14) {
          crashed = true;
          throw new Error('killed');
        }
      }),
    ).rejects.toThrow('killed');
    const mid = firstPullState(r);
    expect(mid.searchAfterPk).toBeGreaterThan(0);
    expect(mid.deferredIndexes!.length).toBeGreaterThan(10);
    // what the console shows until the first pull runs again: the contacts up to the mark
    const contacts = r.t.core.store.contacts.count();
    const found = searchNow(r, 'example');
    expect(found.total).toBe(indexedUpTo(r, mid.searchAfterPk!));
    expect(found.total).toBeLessThan(contacts);
    expect(scalar(r, 'SELECT count(*) FROM contact_search')).toBe(found.total);

    // restarted: the entries left out are written first, then the import goes on and ends complete
    crashed = false;
    let atResume: number | null = null;
    await r.puller({ deferIndexesFrom: 0, searchPassSize: 700 }).firstPull((_done, total) => {
      if (total !== null && atResume === null) atResume = searchNow(r, 'example').total;
    });
    expect(atResume).toBeGreaterThanOrEqual(contacts);
    expect(scalar(r, 'SELECT count(*) FROM contact_search')).toBe(3000);
    expect(searchNow(r, 'example').total).toBe(3000);
    expectEachOnce(r);
    expect(await storeVsIntercom(r.t, r.sb)).toEqual([]);
  });
});
