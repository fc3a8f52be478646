// The pull side against the sandbox over HTTP and a real SQLite core: first import, an import stopped
// and resumed, the incremental pull (calendar-day search, search lag) and the field rule.
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../electron/sandbox';
import { IntercomClient } from '../../electron/core/sync/IntercomClient';
import { Pusher } from '../../electron/core/sync/Pusher';
import { FIRST_PULL_KEY, Puller, PULL_KEY, type FirstPullState, type PullerOptions, type PullState } from '../../electron/core/sync/Puller';
import type { SyncContext } from '../../electron/core/sync/SyncContext';
import { DEFAULT_STAGE_VALUES, type EntityType } from '../../shared/domain';
import { removeTempDir, startCore, type TestClock, type TestCore } from '../helpers/testCore';

interface Rig {
  t: TestCore;
  sb: Sandbox;
  /** One clock for the sandbox, the core and the puller (ms); tests move it. */
  clock: { ms: number };
  changed: Array<{ entity: EntityType | 'outbox'; ids: readonly string[]; op: string }>;
  logged: string[];
  /** A fresh context (client and abort signal) for one run, as the engine builds per cycle. */
  ctx(): SyncContext & { abort: AbortController };
  puller(opts?: PullerOptions): Puller;
  close(): Promise<void>;
}

const rigs: Rig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
});

// a weekday noon: whole hours of the same (UTC) calendar day lie on both sides
const NOON = Date.UTC(2025, 5, 11, 12, 0, 0);

async function rig(opts: Partial<SandboxOptions> = {}): Promise<Rig> {
  const clock = { ms: NOON };
  const sb = await startSandbox({
    searchLagMs: 0,
    randomSeed: 7,
    now: () => clock.ms,
    // the frozen clock keeps every request in one window: no limit to trip over
    rateLimit: { limit: 1_000_000, windowMs: 10_000 },
    ...opts,
  });
  const t = startCore(undefined, { now: () => clock.ms, step: 0 } as unknown as TestClock);
  const changed: Rig['changed'] = [];
  const logged: string[] = [];
  const r: Rig = {
    t,
    sb,
    clock,
    changed,
    logged,
    ctx() {
      const abort = new AbortController();
      return {
        abort,
        store: t.core.store,
        client: new IntercomClient({ baseUrl: sb.url, token: sb.token, timeoutMs: 5000, backoff: { baseMs: 5, maxMs: 50 }, signal: abort.signal }),
        settings: () => ({ stageAttribute: 'Stage', companyStageAttribute: 'Company Stage', stageValues: DEFAULT_STAGE_VALUES }),
        now: () => clock.ms,
        signal: abort.signal,
        changed: (entity, ids, op) => changed.push({ entity, ids, op }),
        concurrency: 8,
        log: (message) => logged.push(message),
      };
    },
    puller: (o) => new Puller(r.ctx(), o),
    async close() {
      t.dispose();
      removeTempDir(t.dir);
      await sb.close();
    },
  };
  rigs.push(r);
  return r;
}

const db = (r: Rig) => r.t.core.store.db;
const scalar = (r: Rig, sql: string, params: Record<string, unknown> = {}) => db(r).prepare(sql).pluck().get(params);
const localByIntercomId = (r: Rig, intercomId: string) =>
  db(r).prepare('SELECT * FROM contacts WHERE intercom_id = @intercomId').get({ intercomId }) as
    | { id: string; pk: number; name: string | null; email: string | null; phone: string | null; stage: string; role: string; sync_base: string | null; sync_state: string; custom_attributes: string }
    | undefined;

/** Local stage a sandbox contact should get: its Stage mapped, 'lead' when it has none. */
const expectedStage = (attrs: Record<string, unknown>) => (attrs.Stage === 'Signed up' ? 'signed_up' : 'lead');

describe('first import', () => {
  it('imports a seeded workspace: counts, stages, links, user counts, history, and no outbox entries', async () => {
    const r = await rig({ seed: { contacts: 2000, companies: 50, withStageAttributes: true } });
    const progress: Array<[number, number | null]> = [];
    const summary = await r.puller().firstPull((done, total) => progress.push([done, total]));

    expect(summary).toMatchObject({ resumed: false, alreadyDone: false });
    expect(summary.contacts.inserted).toBe(2000);
    expect(summary.companies.inserted).toBe(50);
    expect(summary.pages).toBe(Math.ceil(2000 / 150) + 1); // contact pages, the company list's one page of 50
    expect(r.sb.stats().byRoute['POST /companies/list']).toBe(1);
    expect(r.sb.stats().byRoute['GET /companies/scroll']).toBeUndefined();
    const { store } = r.t.core;
    expect(store.contacts.count()).toBe(2000);
    expect(store.companies.count()).toBe(50);
    expect(scalar(r, 'SELECT count(*) FROM outbox')).toBe(0);
    expect(scalar(r, `SELECT count(*) FROM contacts WHERE sync_state = 'synced' AND intercom_id IS NOT NULL AND sync_base IS NOT NULL`)).toBe(2000);
    expect(progress.at(-1)).toEqual([2050, 2050]);

    // each contact as Intercom has it, with its links
    const remote = r.sb.workspace.contacts();
    const companyByIntercom = new Map(r.sb.workspace.companies().map((c) => [c.id, c]));
    let signedUp = 0;
    for (const c of remote) {
      const local = localByIntercomId(r, c.id)!;
      expect(local).toMatchObject({ email: c.email, name: c.name, role: c.role, stage: expectedStage(c.custom_attributes) });
      if (local.stage === 'signed_up') signedUp++;
      const links = db(r)
        .prepare('SELECT co.intercom_id FROM contact_companies l JOIN companies co ON co.pk = l.company_pk WHERE l.contact_pk = @pk')
        .pluck()
        .all({ pk: local.pk });
      expect(links).toEqual(c.companies.data.map((d) => d.id));
    }
    expect(signedUp).toBeGreaterThan(0);
    // the trigger-kept counts and the table agree
    const byStage = await r.t.api.call('contacts.list', { filter: { stage: ['signed_up'] }, limit: 1 });
    expect(byStage.total).toBe(signedUp);
    for (const co of r.sb.workspace.companies()) {
      const local = db(r).prepare('SELECT * FROM companies WHERE intercom_id = @id').get({ id: co.id }) as { user_count: number; stage: string; name: string; external_id: string };
      expect(local).toMatchObject({ user_count: co.contactIds.length, stage: co.custom_attributes['Company Stage'] === 'CUST' ? 'customer' : 'sql', name: co.name, external_id: co.company_id });
      expect(companyByIntercom.get(co.id)).toBeDefined();
    }
    // one history row per record with a stage, from Intercom
    expect(scalar(r, `SELECT count(*) FROM stage_history WHERE source = 'intercom' AND actor = 'Intercom' AND entity_type = 'contact'`)).toBe(2000);
    expect(scalar(r, `SELECT count(*) FROM stage_history WHERE source <> 'intercom'`)).toBe(0);
    // the search index carries the company names
    const anyCompany = r.sb.workspace.companies()[0]!;
    const found = await r.t.api.call('contacts.list', { search: anyCompany.name!, limit: 500 });
    expect(found.total).toBeGreaterThanOrEqual(anyCompany.contactIds.length);
    expect(scalar(r, 'SELECT count(*) FROM contact_search')).toBe(2000);

    // done: the state says so and the first pull starts from the import's start, less the lag margin
    expect(store.settings.get<FirstPullState>(FIRST_PULL_KEY)).toMatchObject({ phase: 'done', done: 2000, total: 2000, startedAt: NOON });
    expect(store.settings.get<PullState>(PULL_KEY)!.watermark).toBe(NOON / 1000 - 15 * 60);
    expect(await r.puller().firstPull()).toMatchObject({ alreadyDone: true, pages: 0 });
  });

  it('resumes an import stopped mid-way (a throw from progress, then an abort) with each contact once', async () => {
    // 110 companies: the seed gives each one users (a company without any is not in the scroll)
    const r = await rig({ seed: { contacts: 1200, companies: 110, withStageAttributes: true } });
    const fullPages = Math.ceil(1200 / 150);
    // every run drops the list indexes (the threshold is 0 here) and puts them back when it stops
    const indexes = () => scalar(r, `SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('contacts', 'contact_companies')`);
    const allIndexes = Number(indexes());
    // the companies through the scroll (a workspace beyond what the company list covers)
    const opts = { deferIndexesFrom: 0, companyListMax: 0 };
    // 1: stopped during the company scroll (3 pages of 50), leaving the scroll open
    await expect(
      r.puller(opts).firstPull((done, total) => {
        if (total === null && done >= 50) throw new Error('quit during companies');
      }),
    ).rejects.toThrow('quit during companies');
    expect(r.t.core.store.settings.get<FirstPullState>(FIRST_PULL_KEY)!.phase).toBe('companies');

    // 2: the scroll it left open is closed and the companies start over; stopped after 3 contact pages
    let pages = 0;
    let dropped = 0;
    await expect(
      r.puller(opts).firstPull((_done, total) => {
        dropped = Math.max(dropped, allIndexes - Number(indexes()));
        if (total !== null && ++pages === 3) throw new Error('quit during contacts');
      }),
    ).rejects.toThrow('quit during contacts');
    expect(dropped).toBeGreaterThan(10);
    expect(indexes()).toBe(allIndexes);
    expect(r.t.core.store.settings.get<FirstPullState>(FIRST_PULL_KEY)).toMatchObject({ phase: 'contacts', done: 450 });
    expect(r.t.core.store.companies.count()).toBe(110);

    // 3: the signal is aborted two pages on (the engine pausing); the next request fails 'aborted'
    const ctx = r.ctx();
    let more = 0;
    await expect(
      new Puller(ctx, opts).firstPull(() => {
        if (++more === 2) ctx.abort.abort();
      }),
    ).rejects.toMatchObject({ kind: 'aborted' });
    const mid = r.t.core.store.settings.get<FirstPullState>(FIRST_PULL_KEY)!;
    expect(mid.done).toBeGreaterThanOrEqual(750);
    expect(mid.done).toBeLessThan(1200);

    // 4: resumed to the end, reading only the pages left
    expect(indexes()).toBe(allIndexes);
    const last = await r.puller(opts).firstPull();
    expect(last.resumed).toBe(true);
    expect(indexes()).toBe(allIndexes);
    expect(r.t.core.store.settings.get<FirstPullState>(FIRST_PULL_KEY)!.deferredIndexes).toBeUndefined();
    expect(last.pages).toBe(fullPages - mid.done / 150);
    expect(r.t.core.store.contacts.count()).toBe(1200);
    expect(scalar(r, 'SELECT count(DISTINCT intercom_id) FROM contacts')).toBe(1200);
    expect(r.t.core.store.companies.count()).toBe(110);
    expect(scalar(r, 'SELECT count(*) FROM stage_history')).toBe(1200 + 110);
    expect(scalar(r, 'SELECT count(*) FROM contact_search')).toBe(1200);
    expect(scalar(r, 'SELECT sum(user_count) FROM companies')).toBe(scalar(r, 'SELECT count(*) FROM contact_companies'));
    expect(scalar(r, 'SELECT count(*) FROM outbox')).toBe(0);
    expect(r.t.core.store.settings.get<FirstPullState>(FIRST_PULL_KEY)).toMatchObject({ phase: 'done', done: 1200, startedAt: NOON });
  });

  it('matches contacts and companies the console already has instead of adding them again', async () => {
    const r = await rig();
    const ws = r.sb.workspace;
    ws.defineAttribute('contact', 'Stage', 'string');
    ws.defineAttribute('company', 'Stage', 'string');
    // a lead whose create reached Intercom but whose answer was lost; a user known by user id
    const lead = (await r.t.api.call('contacts.create', { email: 'lost@example.com', name: 'Lost Answer' })).contact;
    const user = (await r.t.api.call('contacts.create', { role: 'user', email: 'u1@example.com', externalId: 'u-1', stage: 'signed_up' })).contact;
    const company = await r.t.api.call('companies.create', { name: 'Local Co', externalId: 'local-co' });
    const remoteLead = ws.remoteCreateContact({ email: 'lost@example.com', name: 'Lost Answer', external_id: `lc-${lead.id}` });
    const remoteUser = ws.remoteCreateContact({ role: 'user', email: 'u1@example.com', external_id: 'u-1', custom_attributes: { Stage: 'Signed up' } });
    const remoteCo = ws.insertCompany({ company_id: 'local-co', name: 'Local Co' });
    ws.attachCompany(remoteUser.id, { id: remoteCo.id });
    const stranger = ws.remoteCreateContact({ email: 'Stranger@Example.com', name: 'Someone Else' });

    await r.puller().firstPull();
    expect(r.t.core.store.contacts.count()).toBe(3);
    expect(localByIntercomId(r, remoteLead.id)!.id).toBe(lead.id);
    expect(localByIntercomId(r, remoteUser.id)!.id).toBe(user.id);
    expect(localByIntercomId(r, stranger.id)).toMatchObject({ email: 'stranger@example.com', stage: 'lead', sync_state: 'synced' });
    expect(r.t.core.store.companies.count()).toBe(1);
    const co = await r.t.api.call('companies.get', { id: company.id });
    expect(co).toMatchObject({ intercomId: remoteCo.id, userCount: 1 });
    expect(co.users.map((u) => u.id)).toEqual([user.id]);
    // the matched ones keep their waiting creates (still pending); they are now known to Intercom
    expect((await r.t.api.call('contacts.get', { id: lead.id })).syncState).toBe('pending');
  });
});

describe('incremental pull', () => {
  async function imported(opts: Partial<SandboxOptions> = {}) {
    const r = await rig({ seed: 'demo', ...opts });
    await r.puller().firstPull();
    return r;
  }
  const demoContact = (r: Rig, i = 0) => r.sb.workspace.contacts().filter((c) => c.role === 'user')[i]!;

  it('applies remote edits and stage changes without outbox entries, and records where they came from', async () => {
    const r = await imported();
    const c = demoContact(r);
    const before = localByIntercomId(r, c.id)!;
    r.clock.ms += 60 * 60_000;
    r.sb.workspace.remoteEdit(c.id, { name: 'Renamed In Intercom', phone: '+1 555 0199', custom_attributes: { Stage: 'Signed up', plan_tier: 'gold' } });
    const lead = r.sb.workspace.contacts().find((x) => x.role === 'lead' && x.custom_attributes.Stage === 'Lead')!;
    r.sb.workspace.remoteEdit(lead.id, { custom_attributes: { Stage: 'Signed up' } });
    r.changed.length = 0;

    const summary = await r.puller().pullChanges();
    expect(summary.contacts).toMatchObject({ updated: 2, conflicts: 0, inserted: 0 });
    const after = localByIntercomId(r, c.id)!;
    expect(after).toMatchObject({ name: 'Renamed In Intercom', phone: '+1 555 0199', stage: 'signed_up', sync_state: 'synced' });
    expect(JSON.parse(after.custom_attributes)).toMatchObject({ plan_tier: 'gold' });
    expect(JSON.parse(after.sync_base!)).toMatchObject({ name: 'Renamed In Intercom', stage: 'signed_up', customAttributes: { plan_tier: 'gold' } });
    const promoted = localByIntercomId(r, lead.id)!;
    expect(promoted.stage).toBe('signed_up');
    const history = (await r.t.api.call('contacts.get', { id: promoted.id })).history;
    expect(history[0]).toMatchObject({ fromStage: 'lead', toStage: 'signed_up', source: 'intercom', actor: 'Intercom' });
    expect(scalar(r, 'SELECT count(*) FROM outbox')).toBe(0);
    expect(r.changed.filter((e) => e.entity === 'contact').flatMap((e) => e.ids).sort()).toEqual([before.id, promoted.id].sort());
    // a second pull finds the same rows (same calendar day) and changes nothing
    const again = await r.puller().pullChanges();
    expect(again.contacts).toMatchObject({ updated: 0, conflicts: 0, unchanged: 2 });
  });

  it('finds an edit made on the same calendar day as the watermark (a plain `updated_at > W` would not)', async () => {
    const r = await imported();
    const w0 = r.t.core.store.settings.get<PullState>(PULL_KEY)!.watermark;
    r.clock.ms += 3 * 60 * 60_000; // 15:00, still the day of W
    const c = demoContact(r, 1);
    r.sb.workspace.remoteEdit(c.id, { name: 'Same Day Edit' });
    const naive = await r.ctx().client.searchContacts({ query: { field: 'updated_at', operator: '>', value: w0 } });
    expect(naive.data.map((x) => x.id)).not.toContain(c.id);

    await r.puller().pullChanges();
    expect(localByIntercomId(r, c.id)!.name).toBe('Same Day Edit');
    // the watermark moved to the edit, never closer to now than the lag margin
    const w1 = r.t.core.store.settings.get<PullState>(PULL_KEY)!.watermark;
    expect(w1).toBe(Math.min(r.sb.workspace.contact(c.id)!.updated_at, r.clock.ms / 1000 - 15 * 60));
    expect(w1).toBeGreaterThan(w0);
  });

  it('picks up a change the lagging search did not show yet on a later pull', async () => {
    const r = await imported({ searchLagMs: 2 * 60_000 });
    const early = demoContact(r, 2);
    const late = demoContact(r, 3);
    r.clock.ms += 30 * 60_000;
    r.sb.workspace.remoteEdit(early.id, { name: 'Early Edit' });
    r.clock.ms += 10 * 60_000;
    r.sb.workspace.remoteEdit(late.id, { name: 'Late Edit' });
    r.clock.ms += 30_000; // the search is 2 minutes behind: it shows the early edit only

    const first = await r.puller().pullChanges();
    expect(localByIntercomId(r, early.id)!.name).toBe('Early Edit');
    expect(localByIntercomId(r, late.id)!.name).toBe(late.name);
    const w = first.watermark;
    // the early edit is newer than now - margin: the watermark stays at the margin, before the late edit
    expect(w).toBe(r.clock.ms / 1000 - 15 * 60);
    expect(w).toBeLessThanOrEqual(r.sb.workspace.contact(late.id)!.updated_at);

    r.clock.ms += 5 * 60_000;
    await r.puller().pullChanges();
    expect(localByIntercomId(r, late.id)!.name).toBe('Late Edit');
  });

  it('keeps a local edit of the same field (a conflict) and takes a remote edit of another field', async () => {
    const r = await imported();
    // the demo's fourth user has no Stage in Intercom: both sides can then set different ones
    const a = localByIntercomId(r, demoContact(r, 3).id)!;
    const b = localByIntercomId(r, demoContact(r, 1).id)!;
    expect(a.stage).toBe('lead');
    r.clock.ms += 60_000;
    await r.t.api.call('contacts.update', { id: a.id, patch: { name: 'Local Name A' } });
    await r.t.api.call('contacts.update', { id: b.id, patch: { phone: '+1 555 0142' } });
    await r.t.api.call('contacts.setStage', { id: a.id, stage: 'signed_up' });
    r.clock.ms += 60_000;
    r.sb.workspace.remoteEdit(demoContact(r, 3).id, { name: 'Remote Name A', custom_attributes: { Stage: 'Lead' } });
    r.sb.workspace.remoteEdit(demoContact(r, 1).id, { name: 'Remote Name B' });
    r.clock.ms += 60_000;

    const summary = await r.puller().pullChanges();
    expect(summary.contacts.conflicts).toBe(2);
    expect(localByIntercomId(r, demoContact(r, 3).id)).toMatchObject({ name: 'Local Name A', stage: 'signed_up', sync_state: 'pending' });
    expect(JSON.parse(localByIntercomId(r, demoContact(r, 3).id)!.sync_base!)).toMatchObject({ name: a.name, stage: null });
    expect(localByIntercomId(r, demoContact(r, 1).id)).toMatchObject({ name: 'Remote Name B', phone: '+1 555 0142' });

    const open = await r.t.api.call('conflicts.list', {});
    expect(open.total).toBe(2);
    const byField = Object.fromEntries(open.items.map((k) => [k.field, k]));
    expect(byField.name).toMatchObject({ entityType: 'contact', entityId: a.id, label: 'Local Name A', localValue: 'Local Name A', remoteValue: 'Remote Name A', baseValue: a.name, resolvedAt: null });
    // Intercom had no Stage (base null): the waiting setStage makes it a change on both sides
    expect(byField.stage).toMatchObject({ localValue: 'signed_up', remoteValue: 'lead', baseValue: null });
    // pulling again opens nothing new
    await r.puller().pullChanges();
    expect((await r.t.api.call('conflicts.list', {})).total).toBe(2);
  });

  it('brings in new remote contacts and company edits, with links and the company stage history', async () => {
    const r = await imported();
    const ws = r.sb.workspace;
    const co = ws.companies()[1]!;
    r.clock.ms += 60 * 60_000;
    ws.remoteEditCompany(co.id, { name: 'Renamed Co', plan: 'Scale', custom_attributes: { 'Company Stage': co.custom_attributes['Company Stage'] === 'CUST' ? 'SQL' : 'CUST' } });
    const fresh = ws.remoteCreateContact({ role: 'user', email: 'NEW.person@example.com', name: 'New Person', external_id: 'new-1', custom_attributes: { Stage: 'Signed up' } });
    ws.attachCompany(fresh.id, { id: co.id });
    const summary = await r.puller().pullChanges();
    expect(summary.contacts.inserted).toBe(1);
    expect(summary.companies.updated).toBe(1);

    const local = localByIntercomId(r, fresh.id)!;
    expect(local).toMatchObject({ email: 'new.person@example.com', stage: 'signed_up', role: 'user', sync_state: 'synced' });
    const company = db(r).prepare('SELECT * FROM companies WHERE intercom_id = @id').get({ id: co.id }) as { id: string; name: string; plan: string; user_count: number };
    expect(company).toMatchObject({ name: 'Renamed Co', plan: 'Scale', user_count: co.contactIds.length + 1 });
    const detail = await r.t.api.call('companies.get', { id: company.id });
    expect(detail.history[0]).toMatchObject({ fromStage: co.custom_attributes['Company Stage'] === 'CUST' ? 'customer' : 'sql', source: 'intercom', actor: 'Intercom' });
    // the renamed company is found through its users' search entries
    const users = await r.t.api.call('contacts.list', { search: 'Renamed Co', limit: 50 });
    expect(users.total).toBe(co.contactIds.length + 1);
    expect(scalar(r, 'SELECT count(*) FROM outbox')).toBe(0);
  });

  it('reads a company without users, which the scroll leaves out, by its company id', async () => {
    const r = await imported();
    const made = await r.t.api.call('companies.create', { name: 'Lonely Co', plan: 'Seed' });
    await new Pusher(r.ctx()).run();
    const intercomId = scalar(r, 'SELECT intercom_id FROM companies WHERE id = @id', { id: made.id }) as string;
    r.clock.ms += 60 * 60_000;
    r.sb.workspace.remoteEditCompany(intercomId, { plan: 'Growth' });
    r.sb.resetStats();
    const summary = await r.puller().pullChanges();
    expect(summary.companies.updated).toBe(1);
    expect(scalar(r, 'SELECT plan FROM companies WHERE id = @id', { id: made.id })).toBe('Growth');
    // one request for it: the seeded companies with users came with the scroll
    expect(r.sb.stats().byRoute['GET /companies']).toBe(1);
  });

  it('follows a detach made in Intercom, but keeps a link the console has not pushed yet', async () => {
    const r = await imported();
    const ws = r.sb.workspace;
    const user = demoContact(r, 0);
    const [first] = user.companies.data;
    const other = ws.companies().find((c) => c.id !== first!.id)!;
    const local = localByIntercomId(r, user.id)!;
    const otherLocal = db(r).prepare('SELECT id FROM companies WHERE intercom_id = @id').pluck().get({ id: other.id }) as string;
    r.clock.ms += 60_000;
    await r.t.api.call('companies.link', { contactId: local.id, companyId: otherLocal });
    r.clock.ms += 60_000;
    ws.detachCompany(user.id, first!.id);
    r.clock.ms += 60_000;
    await r.puller().pullChanges();
    const companies = (await r.t.api.call('contacts.get', { id: local.id })).companies.map((c) => c.id);
    expect(companies).toEqual([otherLocal]);
  });
});

describe('pull after a push, while the search lags', () => {
  it('does not take back a value the console just pushed when the search still shows the version before it', async () => {
    const r = await rig({ seed: 'demo', searchLagMs: 2 * 60_000 });
    await r.puller().firstPull();
    const remote = r.sb.workspace.contacts().find((c) => c.role === 'user')!;
    const local = localByIntercomId(r, remote.id)!;
    r.clock.ms += 10 * 60_000;
    r.sb.workspace.remoteEdit(remote.id, { phone: '+1 555 0100' });
    r.clock.ms += 10 * 60_000;
    await r.puller().pullChanges();
    expect(localByIntercomId(r, remote.id)!.phone).toBe('+1 555 0100');

    r.clock.ms += 60_000;
    await r.t.api.call('contacts.update', { id: local.id, patch: { name: 'Pushed Name' } });
    await new Pusher(r.ctx()).run();
    expect(r.sb.workspace.contact(remote.id)!.name).toBe('Pushed Name');
    expect(r.sb.workspace.searchView(remote.id)!.name).toBe(remote.name); // the search has not caught up
    r.clock.ms += 30_000;

    const summary = await r.puller().pullChanges();
    expect(localByIntercomId(r, remote.id)).toMatchObject({ name: 'Pushed Name', phone: '+1 555 0100' });
    expect(summary.contacts.conflicts).toBe(0);
    expect(scalar(r, `SELECT count(*) FROM outbox WHERE status <> 'done'`)).toBe(0);
    r.clock.ms += 5 * 60_000;
    await r.puller().pullChanges();
    expect(localByIntercomId(r, remote.id)).toMatchObject({ name: 'Pushed Name', sync_state: 'synced' });
    expect((await r.t.api.call('conflicts.list', {})).total).toBe(0);
  });
});

describe('links after a push, while the search lags', () => {
  const companyLocalId = (r: Rig, intercomId: string) => db(r).prepare('SELECT id FROM companies WHERE intercom_id = @intercomId').pluck().get({ intercomId }) as string;
  const companiesOf = async (r: Rig, id: string) => (await r.t.api.call('contacts.get', { id })).companies.map((c) => c.id).sort();

  it('does not bring back a link the console linked then unlinked when the search still shows the version with it', async () => {
    const r = await rig({ seed: 'demo', searchLagMs: 2 * 60_000 });
    await r.puller().firstPull();
    const remote = r.sb.workspace.contacts().find((c) => c.role === 'user')!;
    const local = localByIntercomId(r, remote.id)!;
    const before = await companiesOf(r, local.id);
    const other = companyLocalId(r, r.sb.workspace.companies().find((co) => !remote.companies.data.some((d) => d.id === co.id))!.id);
    r.clock.ms += 10 * 60_000;
    await r.t.api.call('companies.link', { contactId: local.id, companyId: other });
    await new Pusher(r.ctx()).run();
    r.clock.ms += 1_000;
    await r.t.api.call('companies.unlink', { contactId: local.id, companyId: other });
    await new Pusher(r.ctx()).run();
    expect(r.sb.workspace.contactCompanies(remote.id).map((c) => c.id)).not.toContain(r.t.core.store.companies.byId(other)!.intercom_id);
    // the search shows the contact between the attach and the detach
    r.clock.ms += 2 * 60_000 - 500;
    expect(r.sb.workspace.searchView(remote.id)!.companies.data.map((d) => d.id)).toContain(r.t.core.store.companies.byId(other)!.intercom_id);

    await r.puller().pullChanges();
    expect(await companiesOf(r, local.id)).toEqual(before);
    r.clock.ms += 5 * 60_000;
    await r.puller().pullChanges();
    expect(await companiesOf(r, local.id)).toEqual(before);
  });

  it('does not drop a link the console just pushed when the search still shows a newer-than-the-link version without it', async () => {
    const r = await rig({ seed: 'demo', searchLagMs: 2 * 60_000 });
    await r.puller().firstPull();
    const remote = r.sb.workspace.contacts().find((c) => c.role === 'user')!;
    const local = localByIntercomId(r, remote.id)!;
    const other = companyLocalId(r, r.sb.workspace.companies().find((co) => !remote.companies.data.some((d) => d.id === co.id))!.id);
    r.clock.ms += 10 * 60_000;
    // linked offline, then edited in Intercom before the link went out
    await r.t.api.call('companies.link', { contactId: local.id, companyId: other });
    r.clock.ms += 60_000;
    r.sb.workspace.remoteEdit(remote.id, { phone: '+1 555 0177' });
    r.clock.ms += 3 * 60_000;
    await r.puller().pullChanges(); // the edit is seen; the link still waits
    r.clock.ms += 60_000;
    await new Pusher(r.ctx()).run();
    const expected = await companiesOf(r, local.id);
    expect(expected).toContain(other);
    r.clock.ms += 30_000; // the search still shows the edit, not the attach

    await r.puller().pullChanges();
    expect(await companiesOf(r, local.id)).toEqual(expected);
    r.clock.ms += 5 * 60_000;
    await r.puller().pullChanges();
    expect(await companiesOf(r, local.id)).toEqual(expected);
    expect(localByIntercomId(r, remote.id)!.phone).toBe('+1 555 0177');
  });
});

describe('a company scroll left open by a killed run', () => {
  it('the import waits for it to idle out; a pull goes on without the companies and reads them on the next one', async () => {
    const r = await rig({ seed: 'demo' });
    const companyName = (intercomId: string) => db(r).prepare('SELECT name FROM companies WHERE intercom_id = @intercomId').pluck().get({ intercomId });
    // a run sent the scroll's first request and was killed before it kept the scroll parameter
    await r.ctx().client.scrollCompanies(null);
    // a workspace the company list cannot cover needs the scroll
    const importing = r.puller({ scrollBusyPollMs: 20, companyListMax: 0 }).firstPull();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(r.t.core.store.companies.count()).toBe(0); // waiting, not failed
    r.clock.ms += 61_000; // the scroll idles out
    await importing;
    expect(r.t.core.store.companies.count()).toBe(r.sb.workspace.companies().length);
    expect(r.t.core.store.contacts.count()).toBe(r.sb.workspace.contacts().length);
    expect(r.logged.some((l) => l.includes('still open'))).toBe(true);

    // the same during a pull: the contacts (and the push after them) do not wait for it
    r.clock.ms += 60 * 60_000;
    await r.ctx().client.scrollCompanies(null);
    const co = r.sb.workspace.companies()[0]!;
    r.sb.workspace.remoteEditCompany(co.id, { name: 'Renamed While Busy' });
    const user = r.sb.workspace.contacts().find((c) => c.role === 'user')!;
    r.sb.workspace.remoteEdit(user.id, { name: 'Pulled Anyway' });
    const before = r.t.core.store.settings.get<PullState>(PULL_KEY)!;
    await r.puller().pullChanges();
    expect(localByIntercomId(r, user.id)!.name).toBe('Pulled Anyway');
    expect(companyName(co.id)).toBe(co.name);
    expect(r.t.core.store.settings.get<PullState>(PULL_KEY)!.companyWatermark).toBe(before.companyWatermark);
    r.clock.ms += 61_000;
    await r.puller().pullChanges();
    expect(companyName(co.id)).toBe('Renamed While Busy');
  });
});
