// The whole engine, as the app runs it (createCore -> SyncEngine), against the sandbox over real
// HTTP, with each fault switched on. Every scenario ends by checking what Intercom holds: exactly
// one contact per local contact, the right stages, companies and links.
import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox, SandboxFaults } from '../../electron/sandbox';
import { startSandbox } from '../../electron/sandbox';
import { removeTempDir, startCore, TestClock, type TestCore } from '../helpers/testCore';
import { expectIntercomMatches, makeOfflineWork } from './syncFixtures';

const open: Array<{ t: TestCore; sb: Sandbox }> = [];
afterEach(async () => {
  for (const { t, sb } of open.splice(0)) {
    t.dispose();
    removeTempDir(t.dir);
    await sb.close();
  }
});

async function setup(opts: { faults?: Partial<SandboxFaults>; token?: string; timeoutMs?: number } = {}) {
  // one-second windows: a 429 waits for the reset, and a test should not wait ten seconds per 429
  const sb = await startSandbox({ searchLagMs: 0, randomSeed: 7, faults: opts.faults, rateLimit: { limit: 500, windowMs: 1000 } });
  const clock = new TestClock();
  const t = startCore(undefined, clock, {
    intercom: { baseUrl: sb.url, source: 'start-option', token: opts.token ?? sb.token },
    autoSync: false,
    sync: { client: { timeoutMs: opts.timeoutMs ?? 2000, backoff: { baseMs: 5, maxMs: 50 } } },
  });
  open.push({ t, sb });
  return { t, sb };
}

/** Runs until nothing waits (transient failures defer entries; the test clock moves fast). */
async function syncUntilQuiet(t: TestCore, maxRuns = 40) {
  for (let i = 0; i < maxRuns; i++) {
    const s = await t.core.sync.runOnce();
    if (s.pending === 0 && s.state === 'idle') return s;
  }
  return t.api.call('sync.status', {});
}

describe('sync engine against the sandbox', () => {
  it('pushes offline work, imports the workspace, and reports synced only when it is', async () => {
    const { t, sb } = await setup();
    sb.workspace.remoteCreateContact({ role: 'user', email: 'remote@example.com', name: 'Remote Person', external_id: 'remote-1' });
    await makeOfflineWork(t);
    const before = await t.api.call('sync.status', {});
    expect(before.pending).toBeGreaterThan(0);
    expect(before.initialImport).toBe('not_started');

    const after = await syncUntilQuiet(t);
    expect(after).toMatchObject({ state: 'idle', pending: 0, failed: 0, initialImport: 'done' });
    expect(after.lastSuccessAt).not.toBeNull();
    await expectIntercomMatches(t, sb, { importedWithoutStage: true });
    // the remote contact came in, with no outbox entry of its own
    const remote = await t.api.call('contacts.list', { search: 'Remote Person', limit: 5 });
    expect(remote.total).toBe(1);
    expect(remote.items[0]!.syncState).toBe('synced');
    // the status went out as events while it ran
    expect(t.events.some((e) => e.name === 'sync' && (e.payload as { state: string }).state === 'syncing')).toBe(true);
  });

  const faults: Array<[string, Partial<SandboxFaults>, number?]> = [
    ['5xx answers (30%)', { errorRate: 0.3 }],
    ['answers dropped after the change was made (30%)', { dropAfterCommitRate: 0.3 }],
    ['requests that never get an answer (10%)', { timeoutRate: 0.1 }, 300],
    ['a burst of 429s', { rateLimit429Burst: 3 }],
    ['latency', { latencyMs: 40, latencyJitterMs: 40 }],
  ];
  for (const [name, f, timeoutMs] of faults) {
    it(`ends with exactly one Intercom contact per local contact despite ${name}`, { timeout: 120_000 }, async () => {
      const { t, sb } = await setup({ faults: f, timeoutMs });
      await makeOfflineWork(t);
      const s = await syncUntilQuiet(t);
      sb.setFaults({ errorRate: 0, dropAfterCommitRate: 0, timeoutRate: 0, rateLimit429Burst: 0, latencyMs: 0, latencyJitterMs: 0 });
      expect(s.failed).toBe(0);
      expect(s.pending).toBe(0);
      await expectIntercomMatches(t, sb);
    });
  }

  it('pauses on a refused token and asks to reconnect', async () => {
    const { t } = await setup({ token: 'wrong-token' });
    await t.api.call('contacts.create', { name: 'Waits' });
    const s = await t.core.sync.runOnce();
    expect(s.state).toBe('paused_auth');
    expect(s.message).toMatch(/Reconnect in Settings/);
    expect(s.pending).toBe(1);
    expect((await t.fail('sync.testConnection', {})).code).toBe('AUTH');
  });

  it('goes offline when Intercom cannot be reached, keeping every change', async () => {
    const sb = await startSandbox({});
    const url = sb.url;
    await sb.close();
    const t = startCore(undefined, new TestClock(), { intercom: { baseUrl: url, source: 'start-option', token: 'x' }, autoSync: false });
    try {
      await t.api.call('contacts.create', { name: 'Offline Lead' });
      const s = await t.core.sync.runOnce();
      expect(s.state).toBe('offline');
      expect(s.pending).toBe(1);
      expect((await t.fail('sync.testConnection', {})).code).toBe('OFFLINE');
    } finally {
      t.dispose();
      removeTempDir(t.dir);
    }
  });

  it('sends nothing while the window says the computer is offline, and resumes when it is back', async () => {
    const { t, sb } = await setup();
    await t.api.call('sync.setOnline', { online: false });
    await t.api.call('contacts.create', { name: 'Typed Offline' });
    sb.resetStats();
    const s = await t.core.sync.runOnce();
    expect(s).toMatchObject({ state: 'offline', pending: 1 });
    expect(sb.stats().requests).toBe(0);
    await t.api.call('sync.setOnline', { online: true });
    const back = await syncUntilQuiet(t);
    expect(back).toMatchObject({ state: 'idle', pending: 0 });
    expect(sb.workspace.contacts().map((c) => c.name)).toContain('Typed Offline');
  });

  it('tests the connection: workspace and admin, remembered for the settings screen', async () => {
    const { t } = await setup();
    const res = await t.api.call('sync.testConnection', {});
    expect(res.workspace.name).toBeTruthy();
    expect(res.admin.id).toBeTruthy();
    const s = await t.api.call('settings.get', {});
    expect(s.intercom.workspace?.idCode).toBe(res.workspace.idCode);
    expect(s.intercom.admin?.id).toBe(res.admin.id);
  });

  it('brings remote stage changes in, with history from Intercom', async () => {
    const { t, sb } = await setup();
    const { contact } = await t.api.call('contacts.create', { email: 'pull@example.com', name: 'Pull Me' });
    await syncUntilQuiet(t);
    const intercomId = (await t.api.call('contacts.get', { id: contact.id })).intercomId!;
    t.clock.step = 3 * 86_400_000; // a later day, so the edit is newer than the pull watermark
    t.clock.now();
    t.clock.step = 1000;
    sb.workspace.remoteEdit(intercomId, { custom_attributes: { Stage: 'Signed up' }, name: 'Pulled Name' });
    await syncUntilQuiet(t);
    const got = await t.api.call('contacts.get', { id: contact.id });
    expect(got.name).toBe('Pulled Name');
    expect(got.stage).toBe('signed_up');
    // history is newest first
    expect(got.history[0]).toMatchObject({ toStage: 'signed_up', source: 'intercom' });
    expect(got.syncState).toBe('synced');
  });

  it('sends a message and a flush to Intercom, and marks them sent', async () => {
    const { t, sb } = await setup();
    const { contact } = await t.api.call('contacts.create', { email: 'msg@example.com', name: 'Msg' });
    await t.api.call('contacts.signUp', { id: contact.id, externalId: 'msg-1' });
    await t.api.call('sync.testConnection', {});
    await t.api.call('messages.send', { contactId: contact.id, channel: 'email', subject: 'Hello', body: 'Welcome' });
    await t.api.call('messages.flush', { contactId: contact.id });
    await syncUntilQuiet(t);
    const list = await t.api.call('messages.list', { contactId: contact.id, limit: 10 });
    expect(list.items.map((m) => m.status)).toEqual(['sent', 'sent']);
    expect(sb.workspace.messages()).toHaveLength(1);
    expect(sb.workspace.flushes()).toHaveLength(1);
  });
});
