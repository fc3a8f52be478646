// "Synced" only when it is true: after each kind of change a person makes (and Intercom's own
// edits, faults, offline work), the status the API gives and the words the status bar shows say
// Synced if and only if the store equals the sandbox's workspace for every synced field
// (test/helpers/storeVsIntercom.ts). The engine is driven run by run, never in the background.
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxFaults } from '../../electron/sandbox';
import type { SyncStatus } from '../../shared/domain';
import { describeSync } from '../../renderer/src/state/syncWords';
import { storeVsIntercom } from '../helpers/storeVsIntercom';
import { removeTempDir, startCore, TestClock, type TestCore } from '../helpers/testCore';
import { contactsCsv, runImport, upload, waitFor, waitForRows } from '../core/fixtures/import/importHarness';
import { IMPORT_CHUNK_ROWS } from '../../electron/core/import/ImportService';

interface Rig {
  t: TestCore;
  sb: Sandbox;
}

const open: Rig[] = [];
afterEach(async () => {
  for (const { t, sb } of open.splice(0)) {
    t.dispose();
    removeTempDir(t.dir);
    await sb.close();
  }
});

async function rig(extra: Parameters<typeof startCore>[2] = {}): Promise<Rig> {
  const sb = await startSandbox({ searchLagMs: 0, randomSeed: 11, rateLimit: { limit: 1_000_000, windowMs: 1000 } });
  // what Intercom holds before the console first looks: a user with a company, a lead without a Stage
  const acme = sb.workspace.upsertCompany({ company_id: 'acme', name: 'Acme', plan: 'gold', monthly_spend: 120 });
  const user = sb.workspace.remoteCreateContact({ role: 'user', email: 'uma@example.com', name: 'Uma User', external_id: 'uma-1', custom_attributes: { tier: 'gold' } });
  sb.workspace.attachCompany(user.id, { id: acme.id });
  sb.workspace.remoteCreateContact({ role: 'lead', email: 'lou@example.com', name: 'Lou Lead' });
  const t = startCore(undefined, new TestClock(), {
    intercom: { baseUrl: sb.url, source: 'start-option', token: sb.token },
    autoSync: false,
    sync: { client: { timeoutMs: 500, backoff: { baseMs: 5, maxMs: 20 } } },
    ...extra,
  });
  const r = { t, sb };
  open.push(r);
  return r;
}

/** The status bar's words for a status (its own outbox count beside it), and the settings screen's. */
const says = (s: SyncStatus) => ({ bar: describeSync(s, true, { countsShownElsewhere: true }).text, settings: describeSync(s, true).text });

/** The last status the engine pushed: what the status bar holds after a run. */
function lastPushed(t: TestCore): SyncStatus | null {
  for (let i = t.events.length - 1; i >= 0; i--) if (t.events[i]!.name === 'sync') return t.events[i]!.payload as SyncStatus;
  return null;
}

/**
 * The status claims Synced only when nothing differs. With `settled` (a run just ended with nothing
 * left to send) the converse too: nothing differs, so it says Synced.
 */
async function expectHonest({ t, sb }: Rig, when: string, settled = false): Promise<string[]> {
  const status = await t.api.call('sync.status', {});
  const diffs = await storeVsIntercom(t, sb);
  const words = says(status);
  const claims = words.bar === 'Synced' || words.settings === 'Synced';
  if (claims) expect(diffs, `${when}: the status says Synced`).toEqual([]);
  if (settled) {
    expect({ when, diffs, words }).toEqual({ when, diffs: [], words: { bar: 'Synced', settings: 'Synced' } });
    const pushed = lastPushed(t);
    if (pushed) expect(says(pushed).bar, `${when}: the status bar after the run`).toBe('Synced');
  }
  return diffs;
}

/** Runs until nothing waits (deferred entries wait a little: the test clock moves a second per reading). */
async function syncUntilQuiet(r: Rig, when: string, maxRuns = 60): Promise<void> {
  for (let i = 0; i < maxRuns; i++) {
    const s = await r.t.core.sync.runOnce();
    // after every run, however far it got, "Synced" is never a lie
    await expectHonest(r, `${when}, run ${i + 1}`);
    if (s.state === 'idle' && s.pending === 0 && s.failed === 0) return;
  }
  throw new Error(`${when}: the sync did not settle: ${JSON.stringify(await r.t.api.call('sync.status', {}))}`);
}

/** A change made locally: not Synced (it waits), then Synced once sent, and equal. */
async function change(r: Rig, when: string, act: () => Promise<unknown>): Promise<void> {
  await act();
  const diffs = await expectHonest(r, `${when}, before the sync`);
  expect(diffs.length, `${when} shows as a difference before the sync`).toBeGreaterThan(0);
  await syncUntilQuiet(r, when);
  await expectHonest(r, `${when}, after the sync`, true);
}

const contactByEmail = async (t: TestCore, email: string) => (await t.api.call('contacts.list', { search: email, limit: 5 })).items.find((c) => c.email === email)!;

describe('honest status: Synced if and only if the store equals Intercom', () => {
  it('through every kind of change a person makes', { timeout: 60_000 }, async () => {
    const r = await rig();
    const { t, sb } = r;
    await expectHonest(r, 'before the first sync');
    await syncUntilQuiet(r, 'the first sync');
    await expectHonest(r, 'after the first sync', true);

    let ann = '';
    await change(r, 'a new lead', async () => {
      ann = (await t.api.call('contacts.create', { name: 'Ann Archer', email: 'ann@example.com', customAttributes: { source: 'fair', score: 7 } })).contact.id;
    });
    await change(r, 'an edit', () => t.api.call('contacts.update', { id: ann, patch: { phone: '+44 20 7946 0958', name: 'Ann B. Archer', customAttributes: { score: 8, source: null } } }));
    await change(r, 'a stage change', async () => {
      const lou = await contactByEmail(t, 'lou@example.com');
      await t.api.call('contacts.setStage', { id: lou.id, stage: 'signed_up' });
    });
    let co = '';
    await change(r, 'a new company and a link', async () => {
      co = (await t.api.call('companies.create', { name: 'Beta Ltd', plan: 'pro', monthlySpend: 49.5 })).id;
      await t.api.call('companies.link', { contactId: ann, companyId: co });
    });
    await change(r, 'an unlink', async () => {
      const uma = await contactByEmail(t, 'uma@example.com');
      await t.api.call('companies.unlink', { contactId: uma.id, companyId: uma.companies[0]!.id });
    });
    await change(r, 'a sign-up with a company', () => t.api.call('contacts.signUp', { id: ann, externalId: 'ann-1', company: { externalId: 'gamma', name: 'Gamma' } }));
    await change(r, 'a company stage', () => t.api.call('companies.setStage', { id: co, stage: 'customer' }));
    await change(r, 'many stages at once', async () => {
      const ids = [(await t.api.call('contacts.create', { name: 'Cy' })).contact.id, (await t.api.call('contacts.create', { name: 'Di' })).contact.id];
      await t.api.call('contacts.setStageMany', { ids, stage: 'signed_up', confirm: true });
    });
    await change(r, 'an import that creates and updates', () =>
      runImport(t, 'people.csv', 'Email,Name,Stage,tier\nann@example.com,Ann Imported,Signed up,silver\nnew@example.com,New Person,Lead,bronze\n', {
        kind: 'contacts',
        duplicates: 'update',
      }),
    );
    await change(r, 'a bulk action', async () => {
      const all = (await t.api.call('contacts.list', { limit: 50 })).items.filter((c) => c.role === 'lead').map((c) => c.id);
      await t.api.call('bulk.run', { target: { kind: 'ids', ids: all }, action: { type: 'setStage', stage: 'signed_up' }, confirm: true });
    });

    // Intercom's own edits: the comparison sees them (the console cannot until it pulls), and
    // they are equal again once a run has pulled them
    const uma = await contactByEmail(t, 'uma@example.com');
    sb.workspace.remoteEdit(uma.intercomId!, { name: 'Uma Remote', custom_attributes: { tier: 'platinum' } });
    const acme = (await t.api.call('companies.list', { limit: 50 })).items.find((c) => c.name === 'Acme')!;
    sb.workspace.remoteEditCompany(acme.intercomId!, { plan: 'platinum' });
    expect(await storeVsIntercom(t, sb)).toEqual([
      'Contact Uma User: name is "Uma User" here, "Uma Remote" in Intercom',
      'Contact Uma User: attribute tier is "gold" here, "platinum" in Intercom',
      'Company Acme: plan is "gold" here, "platinum" in Intercom',
    ]);
    await syncUntilQuiet(r, 'a remote edit');
    await expectHonest(r, 'after a remote edit was pulled', true);
  });

  it('while the same field changed on both sides (a conflict), and after it is resolved', { timeout: 60_000 }, async () => {
    const r = await rig();
    const { t, sb } = r;
    await syncUntilQuiet(r, 'the first sync');
    const uma = await contactByEmail(t, 'uma@example.com');
    await t.api.call('contacts.update', { id: uma.id, patch: { name: 'Uma Local' } });
    sb.workspace.remoteEdit(uma.intercomId!, { name: 'Uma Remote' });
    for (let i = 0; i < 5; i++) {
      await t.core.sync.runOnce();
      await expectHonest(r, `both sides edited, run ${i + 1}`);
    }
    const conflicts = await t.api.call('conflicts.list', {});
    expect(conflicts.total).toBe(1);
    for (const k of conflicts.items) await t.api.call('conflicts.resolve', { id: k.id, keep: 'local' });
    await syncUntilQuiet(r, 'the conflict resolved');
    await expectHonest(r, 'after the conflict was resolved', true);
  });

  const faults: [string, Partial<SandboxFaults>][] = [
    ['5xx answers', { errorRate: 0.3 }],
    ['answers dropped after the change was made', { dropAfterCommitRate: 0.3 }],
    ['a burst of 429s', { rateLimit429Burst: 4 }],
    ['requests that are never answered', { timeoutRate: 0.15 }],
  ];
  for (const [name, f] of faults) {
    it(`with ${name}`, { timeout: 90_000 }, async () => {
      const r = await rig();
      const { t, sb } = r;
      await syncUntilQuiet(r, 'the first sync');
      sb.setFaults(f);
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) ids.push((await t.api.call('contacts.create', { name: `Faulty ${i}`, email: `f${i}@example.com` })).contact.id);
      const co = await t.api.call('companies.create', { name: 'Faulty Co' });
      for (const id of ids.slice(0, 4)) await t.api.call('companies.link', { contactId: id, companyId: co.id });
      await t.api.call('contacts.setStageMany', { ids: ids.slice(2, 6), stage: 'signed_up', confirm: true });
      await t.api.call('companies.setStage', { id: co.id, stage: 'sql' });
      // with the faults on, every run is checked: Synced is never claimed while something differs
      for (let i = 0; i < 8; i++) {
        await t.core.sync.runOnce();
        await expectHonest(r, `${name}, run ${i + 1}`);
      }
      sb.setFaults({ errorRate: 0, dropAfterCommitRate: 0, rateLimit429Burst: 0, timeoutRate: 0 });
      await syncUntilQuiet(r, `${name}, then none`);
      await expectHonest(r, `${name}, settled`, true);
    });
  }

  it('through offline edits and back', { timeout: 60_000 }, async () => {
    const r = await rig();
    const { t } = r;
    await syncUntilQuiet(r, 'the first sync');
    await t.api.call('sync.setOnline', { online: false });
    const lou = await contactByEmail(t, 'lou@example.com');
    await t.api.call('contacts.update', { id: lou.id, patch: { name: 'Lou Offline' } });
    await t.api.call('contacts.create', { name: 'Typed Offline' });
    await t.core.sync.runOnce();
    expect((await t.api.call('sync.status', {})).state).toBe('offline');
    await expectHonest(r, 'offline, with edits');
    await t.api.call('sync.setOnline', { online: true });
    await syncUntilQuiet(r, 'back online');
    await expectHonest(r, 'back online', true);
  });

  it('through a bulk action taken back before it was sent', { timeout: 60_000 }, async () => {
    const r = await rig();
    const { t } = r;
    await syncUntilQuiet(r, 'the first sync');
    const lou = await contactByEmail(t, 'lou@example.com');
    const run = await t.api.call('bulk.run', { target: { kind: 'ids', ids: [lou.id] }, action: { type: 'setStage', stage: 'signed_up' }, confirm: true });
    await expectHonest(r, 'a bulk stage change waits');
    await t.api.call('bulk.undo', { id: run.bulk!.id });
    await expectHonest(r, 'the bulk action taken back');
    await syncUntilQuiet(r, 'after the undo');
    await expectHonest(r, 'after the undo', true);
  });

  it('through an import paused part way (its changes held back), then rolled back', { timeout: 60_000 }, async () => {
    // the test lets the run write one chunk, then holds it until paused
    let chunks = 1;
    const r = await rig({
      importPace: async (stopped) => {
        while (chunks <= 0 && !stopped()) await new Promise<void>((resolve) => setImmediate(resolve));
        chunks--;
      },
    });
    const { t } = r;
    await syncUntilQuiet(r, 'the first sync');
    const job = await upload(t, 'many.csv', contactsCsv(IMPORT_CHUNK_ROWS + 10));
    await t.api.call('import.start', { importId: job.id, kind: 'contacts', mapping: { email: 'email', name: 'name', stage: 'stage', 'user id': 'externalId' }, duplicates: 'skip' });
    expect((await waitForRows(t, job.id, IMPORT_CHUNK_ROWS)).rowsDone).toBe(IMPORT_CHUNK_ROWS);
    await t.api.call('import.pause', { importId: job.id });
    expect((await waitFor(t, job.id, ['interrupted'])).rowsDone).toBe(IMPORT_CHUNK_ROWS);
    for (let i = 0; i < 2; i++) {
      await t.core.sync.runOnce();
      const diffs = await expectHonest(r, `a paused import, run ${i + 1}`);
      expect(diffs.length).toBeGreaterThan(0);
    }
    await t.api.call('import.rollback', { importId: job.id, confirm: true });
    await syncUntilQuiet(r, 'the paused import rolled back');
    await expectHonest(r, 'the paused import rolled back', true);
  });

  // the reproduction from issue 12: the later edit is kept, and Intercom ends equal to the store
  it('after an import rolled back over a later edit', { timeout: 60_000 }, async () => {
    const r = await rig();
    const { t } = r;
    await syncUntilQuiet(r, 'the first sync');
    const lou = await contactByEmail(t, 'lou@example.com');
    const { job } = await runImport(t, 'lou.csv', 'Email,Name\nlou@example.com,Lou Imported\n', { kind: 'contacts', duplicates: 'update' });
    expect(job.updated).toBe(1);
    await t.api.call('contacts.update', { id: lou.id, patch: { phone: '+1 555 0199' } });
    await t.api.call('import.rollback', { importId: job.id, confirm: true });
    await syncUntilQuiet(r, 'after the rollback');
    await expectHonest(r, 'after the rollback', true);
  });
});
