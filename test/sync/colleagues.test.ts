// Two consoles (two data folders) on one Intercom workspace whose search lags behind writes: a
// colleague's change the pull cannot see yet must not be overwritten by the next push. The check
// before an update (sync/ops/currentCheck.ts) turns it into a conflict; fields nobody else moved go.
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../electron/sandbox';
import { IntercomClient } from '../../electron/core/sync/IntercomClient';
import { Pusher } from '../../electron/core/sync/Pusher';
import type { SyncContext } from '../../electron/core/sync/SyncContext';
import { DEFAULT_STAGE_VALUES } from '../../shared/domain';
import { removeTempDir, startCore, type TestClock, type TestCore } from '../helpers/testCore';

const SEARCH_LAG_MS = 5 * 60_000;

const open: { cores: TestCore[]; sb: Sandbox | null } = { cores: [], sb: null };
afterEach(async () => {
  for (const t of open.cores.splice(0)) {
    t.dispose();
    removeTempDir(t.dir);
  }
  await open.sb?.close();
  open.sb = null;
});

interface Team {
  sb: Sandbox;
  clock: { ms: number };
  /** GET requests by path seen by the sandbox, in order. */
  reads: string[];
  console(opts?: { checkBeforeUpdate?: boolean }): TestCore;
}

/** One sandbox and one clock (the sandbox's search lag runs on it), consoles added on demand. */
async function team(): Promise<Team> {
  const clock = { ms: Date.UTC(2026, 11, 1, 9) };
  const reads: string[] = [];
  const sb = await startSandbox({
    searchLagMs: SEARCH_LAG_MS,
    randomSeed: 11,
    now: () => clock.ms,
    rateLimit: { limit: 1_000_000, windowMs: 10_000 },
    log: (line) => {
      const m = /^GET (\/(?:contacts|companies)\/(?!scroll)[^ ?/]+) ->/.exec(line);
      if (m) reads.push(m[1]!);
    },
  });
  open.sb = sb;
  const ana = sb.workspace.remoteCreateContact({ role: 'user', email: 'ana@example.com', name: 'Ana', external_id: 'u-ana' });
  const acme = sb.workspace.upsertCompany({ company_id: 'acme', name: 'Acme', plan: 'Basic' });
  sb.workspace.attachCompany(ana.id, { id: acme.id });
  clock.ms += 20 * 60_000; // everything above is in the search index by now
  return {
    sb,
    clock,
    reads,
    console(opts = {}) {
      const t = startCore(undefined, { now: () => clock.ms, step: 0 } as unknown as TestClock, {
        intercom: { baseUrl: sb.url, source: 'start-option', token: sb.token },
        autoSync: false,
        sync: { checkBeforeUpdate: opts.checkBeforeUpdate, client: { timeoutMs: 2000, backoff: { baseMs: 5, maxMs: 50 } } },
      });
      open.cores.push(t);
      return t;
    },
  };
}

async function sync(t: TestCore, clock: { ms: number }) {
  for (let i = 0; i < 10; i++) {
    clock.ms += 1000;
    const s = await t.core.sync.runOnce();
    if (s.pending === 0 && s.state === 'idle') return s;
  }
  return t.api.call('sync.status', {});
}

async function ids(t: TestCore) {
  const contact = (await t.api.call('contacts.list', { search: 'ana@example.com', limit: 1 })).items[0]!;
  const company = (await t.api.call('companies.list', { search: 'Acme', limit: 1 })).items[0]!;
  return { contact: contact.id, company: company.id };
}

describe('two consoles on one workspace whose search lags', () => {
  it('a colleague change the pull has not seen becomes a conflict; the fields nobody moved go out', async () => {
    const tm = await team();
    const a = tm.console();
    const b = tm.console();
    await sync(a, tm.clock);
    await sync(b, tm.clock);
    const inA = await ids(a);
    const inB = await ids(b);
    const remote = tm.sb.workspace.contacts()[0]!;

    // B renames Ana and moves Acme's plan; Intercom has both at once, its search minutes later
    await b.api.call('contacts.update', { id: inB.contact, patch: { name: 'Ana Bell' } });
    await b.api.call('companies.update', { id: inB.company, patch: { plan: 'Pro' } });
    expect((await sync(b, tm.clock)).pending).toBe(0);
    expect(tm.sb.workspace.contact(remote.id)!.name).toBe('Ana Bell');

    // A, a minute later, renames her too, adds a phone, and sets another plan
    tm.clock.ms += 60_000;
    await a.api.call('contacts.update', { id: inA.contact, patch: { name: 'Ana Abbot', phone: '+1 555 0100' } });
    await a.api.call('companies.update', { id: inA.company, patch: { plan: 'Team' } });
    tm.reads.length = 0;
    const s = await sync(a, tm.clock);

    // nothing of B's was overwritten; A's phone went out
    const now = tm.sb.workspace.contact(remote.id)!;
    expect(now.name).toBe('Ana Bell');
    expect(now.phone).toBe('+1 555 0100');
    expect(tm.sb.workspace.companies().find((c) => c.company_id === 'acme')!.plan).toMatchObject({ name: 'Pro' });
    // the contact was read by id before its update: search did not show B's name yet
    expect(tm.reads).toContain(`/contacts/${remote.id}`);

    // the conflicts are the ones a pull would have opened, in the Conflicts view. The company's
    // came from the pull itself (the company scroll does not lag), which holds its entry back;
    // the contact's from the check, which sent the phone and held back only the name
    expect(s).toMatchObject({ pending: 1, failed: 0, conflicts: 2 });
    const conflicts = (await a.api.call('conflicts.list', {})).items;
    expect(conflicts.map((k) => [k.entityId, k.field, k.localValue, k.remoteValue, k.baseValue]).sort()).toEqual(
      [
        [inA.contact, 'name', 'Ana Abbot', 'Ana Bell', 'Ana'],
        [inA.company, 'plan', 'Team', 'Pro', 'Basic'],
      ].sort(),
    );
    expect((await a.api.call('contacts.get', { id: inA.contact })).name).toBe('Ana Abbot');

    // A keeps its name and takes B's plan: Intercom ends with those, and B's console agrees once search shows them
    const byField = Object.fromEntries(conflicts.map((k) => [k.field, k.id]));
    await a.api.call('conflicts.resolve', { id: byField.name!, keep: 'local' });
    await a.api.call('conflicts.resolve', { id: byField.plan!, keep: 'remote' });
    expect(await sync(a, tm.clock)).toMatchObject({ pending: 0, failed: 0, conflicts: 0 });
    expect(tm.sb.workspace.contact(remote.id)!.name).toBe('Ana Abbot');
    expect((await a.api.call('companies.get', { id: inA.company })).plan).toBe('Pro');
    tm.clock.ms += 2 * SEARCH_LAG_MS;
    expect(await sync(b, tm.clock)).toMatchObject({ pending: 0, conflicts: 0 });
    const inBNow = await b.api.call('contacts.get', { id: inB.contact });
    expect([inBNow.name, inBNow.phone]).toEqual(['Ana Abbot', '+1 555 0100']);
  });

  it('a field a colleague did not touch goes out with no conflict, after one read', async () => {
    const tm = await team();
    const a = tm.console();
    const b = tm.console();
    await sync(a, tm.clock);
    await sync(b, tm.clock);
    const remote = tm.sb.workspace.contacts()[0]!;
    await b.api.call('contacts.update', { id: (await ids(b)).contact, patch: { name: 'Ana Bell' } });
    await sync(b, tm.clock);
    tm.clock.ms += 60_000;
    await a.api.call('contacts.update', { id: (await ids(a)).contact, patch: { phone: '+1 555 0199' } });
    tm.reads.length = 0;
    expect(await sync(a, tm.clock)).toMatchObject({ pending: 0, conflicts: 0 });
    expect(tm.reads.filter((p) => p === `/contacts/${remote.id}`)).toHaveLength(1);
    const now = tm.sb.workspace.contact(remote.id)!;
    expect([now.name, now.phone]).toEqual(['Ana Bell', '+1 555 0199']);
    // and the read brought B's name to A at once, as a pull would, search lag or not
    expect((await a.api.call('contacts.get', { id: (await ids(a)).contact })).name).toBe('Ana Bell');
  });

  it('without the check the lagging search lets the second push overwrite the first (what the check closes)', async () => {
    const tm = await team();
    const a = tm.console({ checkBeforeUpdate: false });
    const b = tm.console();
    await sync(a, tm.clock);
    await sync(b, tm.clock);
    const remote = tm.sb.workspace.contacts()[0]!;
    await b.api.call('contacts.update', { id: (await ids(b)).contact, patch: { name: 'Ana Bell' } });
    await sync(b, tm.clock);
    tm.clock.ms += 60_000;
    await a.api.call('contacts.update', { id: (await ids(a)).contact, patch: { name: 'Ana Abbot' } });
    expect(await sync(a, tm.clock)).toMatchObject({ pending: 0, conflicts: 0 });
    expect(tm.sb.workspace.contact(remote.id)!.name).toBe('Ana Abbot');
  });

  it('a change made in Intercom between the pull and the push, to a company or a contact, is a conflict too', async () => {
    const tm = await team();
    const a = tm.console();
    await sync(a, tm.clock);
    const inA = await ids(a);
    const remote = tm.sb.workspace.contacts()[0]!;
    const acme = tm.sb.workspace.companies().find((c) => c.company_id === 'acme')!;
    await a.api.call('contacts.update', { id: inA.contact, patch: { name: 'Ana Abbot', phone: '+1 555 0100' } });
    await a.api.call('companies.update', { id: inA.company, patch: { plan: 'Team', name: 'Acme Ltd' } });
    // a colleague's edits land after this console's pull: only the push is left to run
    tm.sb.workspace.remoteEdit(remote.id, { name: 'Ana Bell' });
    tm.sb.workspace.remoteEditCompany(acme.id, { plan: 'Pro' });
    tm.reads.length = 0;
    const abort = new AbortController();
    const ctx: SyncContext = {
      store: a.core.store,
      client: new IntercomClient({ baseUrl: tm.sb.url, token: tm.sb.token, timeoutMs: 5000, signal: abort.signal }),
      settings: () => ({ stageAttribute: 'Stage', companyStageAttribute: 'Company Stage', stageValues: DEFAULT_STAGE_VALUES }),
      now: () => tm.clock.ms,
      signal: abort.signal,
      changed: () => undefined,
      concurrency: 4,
      log: () => undefined,
    };
    const summary = await new Pusher(ctx).run();
    expect(summary).toMatchObject({ done: 2, failed: 0 });
    expect(tm.reads.sort()).toEqual([`/companies/${acme.id}`, `/contacts/${remote.id}`]);
    expect([tm.sb.workspace.contact(remote.id)!.name, tm.sb.workspace.contact(remote.id)!.phone]).toEqual(['Ana Bell', '+1 555 0100']);
    const co = tm.sb.workspace.companies().find((c) => c.company_id === 'acme')!;
    expect([co.name, co.plan]).toEqual(['Acme Ltd', expect.objectContaining({ name: 'Pro' })]);
    const conflicts = (await a.api.call('conflicts.list', {})).items.map((k) => [k.field, k.localValue, k.remoteValue, k.baseValue]);
    expect(conflicts.sort()).toEqual([
      ['name', 'Ana Abbot', 'Ana Bell', 'Ana'],
      ['plan', 'Team', 'Pro', 'Basic'],
    ]);
  });
});
