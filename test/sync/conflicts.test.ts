// Conflicts through the API on a real core, opened by a real pull from the sandbox: listing them,
// keeping the local or the remote value (row, outbox entry, base, history, events), and refusals.
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../electron/sandbox';
import { IntercomClient } from '../../electron/core/sync/IntercomClient';
import { Puller } from '../../electron/core/sync/Puller';
import type { SyncContext } from '../../electron/core/sync/SyncContext';
import { DEFAULT_STAGE_VALUES } from '../../shared/domain';
import { outboxItems, removeTempDir, startCore, takeEvents, type TestClock, type TestCore } from '../helpers/testCore';

interface Rig {
  t: TestCore;
  sb: Sandbox;
  clock: { ms: number };
  pull(): Promise<unknown>;
}

const open: Rig[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) {
    r.t.dispose();
    removeTempDir(r.t.dir);
    await r.sb.close();
  }
});

async function rig(): Promise<Rig> {
  const clock = { ms: Date.UTC(2025, 5, 11, 12) };
  const sb = await startSandbox({ seed: 'demo', searchLagMs: 0, randomSeed: 3, now: () => clock.ms, rateLimit: { limit: 1_000_000, windowMs: 10_000 } });
  const t = startCore(undefined, { now: () => clock.ms, step: 0 } as unknown as TestClock);
  const ctx = (): SyncContext => {
    const abort = new AbortController();
    return {
      store: t.core.store,
      client: new IntercomClient({ baseUrl: sb.url, token: sb.token, timeoutMs: 5000, signal: abort.signal }),
      settings: () => ({ stageAttribute: 'Stage', companyStageAttribute: 'Company Stage', stageValues: DEFAULT_STAGE_VALUES }),
      now: () => clock.ms,
      signal: abort.signal,
      changed: () => undefined,
      concurrency: 4,
      log: () => undefined,
    };
  };
  const r: Rig = { t, sb, clock, pull: () => new Puller(ctx()).pullChanges() };
  open.push(r);
  await new Puller(ctx()).firstPull();
  return r;
}

const row = (r: Rig, id: string) =>
  r.t.core.store.db.prepare('SELECT * FROM contacts WHERE id = @id').get({ id }) as { name: string | null; stage: string; sync_base: string; sync_state: string; custom_attributes: string; intercom_id: string };

/** A contact whose name, stage (it has none in Intercom) and one attribute were changed on both sides. */
async function conflicted(r: Rig) {
  const remote = r.sb.workspace.contacts().filter((c) => c.role === 'user')[3]!;
  const id = (r.t.core.store.db.prepare('SELECT id FROM contacts WHERE intercom_id = @i').pluck().get({ i: remote.id }) as string)!;
  r.clock.ms += 60_000;
  await r.t.api.call('contacts.update', { id, patch: { name: 'Local Name', customAttributes: { tier: 'silver' } } });
  await r.t.api.call('contacts.setStage', { id, stage: 'signed_up' });
  r.clock.ms += 60_000;
  r.sb.workspace.remoteEdit(remote.id, { name: 'Remote Name', custom_attributes: { Stage: 'Lead', tier: 'gold' } });
  r.clock.ms += 60_000;
  await r.pull();
  const list = await r.t.api.call('conflicts.list', { entityId: id });
  const byField = Object.fromEntries(list.items.map((k) => [k.field, k]));
  return { id, remote, list, name: byField.name!, stage: byField.stage!, tier: byField['customAttributes.tier']! };
}

describe('conflicts', () => {
  it('lists what both sides changed, with both values, the base and a label', async () => {
    const r = await rig();
    const { id, list, name, tier, remote } = await conflicted(r);
    expect(list.total).toBe(3);
    expect(name).toMatchObject({ entityType: 'contact', entityId: id, label: 'Local Name', localValue: 'Local Name', remoteValue: 'Remote Name', baseValue: remote.name, resolvedAt: null, resolution: null });
    expect(tier).toMatchObject({ localValue: 'silver', remoteValue: 'gold', baseValue: null });
    expect(name.detectedAt).toBe(new Date(r.clock.ms).toISOString());
    expect((await r.t.api.call('conflicts.list', {})).total).toBe(3);
    expect((await r.t.api.call('conflicts.list', { entityId: 'nobody' })).total).toBe(0);
  });

  it('keep local: the local value stays and is queued again; the base takes the remote value', async () => {
    const r = await rig();
    const { id, name } = await conflicted(r);
    const before = (await outboxItems(r.t)).length;
    takeEvents(r.t);
    const resolved = await r.t.api.call('conflicts.resolve', { id: name.id, keep: 'local' });
    expect(resolved).toMatchObject({ id: name.id, resolution: 'local', resolvedAt: new Date(r.clock.ms).toISOString() });
    expect(row(r, id).name).toBe('Local Name');
    expect(JSON.parse(row(r, id).sync_base).name).toBe('Remote Name');
    const entries = await outboxItems(r.t);
    expect(entries).toHaveLength(before + 1);
    expect(entries.at(-1)).toMatchObject({ entityId: id, op: 'contact.update', payload: { name: 'Local Name' }, status: 'pending' });
    const events = takeEvents(r.t);
    expect(events).toContainEqual({ name: 'changed', entity: 'contact', ids: [id], op: 'conflict.resolve' });
    expect(events.some((e) => e.entity === 'outbox')).toBe(true);
    // only the open ones are listed; the resolved one stays on record
    expect((await r.t.api.call('conflicts.list', {})).total).toBe(2);
    expect((await r.t.api.call('conflicts.list', { includeResolved: true })).total).toBe(3);
    // the next pull sees Intercom's value equal to the base: no new conflict, the local value stays
    await r.pull();
    expect(row(r, id).name).toBe('Local Name');
    expect((await r.t.api.call('conflicts.list', {})).items.map((k) => k.field).sort()).toEqual(['customAttributes.tier', 'stage']);
  });

  it('keep remote: the remote value is written locally and queued after the waiting local entry', async () => {
    const r = await rig();
    const { id, name, stage, tier } = await conflicted(r);
    await r.t.api.call('conflicts.resolve', { id: name.id, keep: 'remote' });
    await r.t.api.call('conflicts.resolve', { id: tier.id, keep: 'remote' });
    await r.t.api.call('conflicts.resolve', { id: stage.id, keep: 'remote' });
    const after = row(r, id);
    expect(after).toMatchObject({ name: 'Remote Name', stage: 'lead', sync_state: 'pending' });
    expect(JSON.parse(after.custom_attributes)).toEqual({ tier: 'gold' });
    expect(JSON.parse(after.sync_base)).toMatchObject({ name: 'Remote Name', stage: 'lead', customAttributes: { tier: 'gold' } });
    const entries = (await outboxItems(r.t)).filter((e) => e.entityId === id);
    // the local edits first, then the remote values that override them, in order
    expect(entries.map((e) => [e.op, e.payload])).toEqual([
      ['contact.update', { name: 'Local Name', customAttributes: { tier: 'silver' } }],
      ['contact.setStage', { from: 'lead', stage: 'signed_up' }],
      ['contact.update', { name: 'Remote Name' }],
      ['contact.update', { customAttributes: { tier: 'gold' } }],
      ['contact.setStage', { from: 'signed_up', stage: 'lead' }],
    ]);
    const history = (await r.t.api.call('contacts.get', { id })).history;
    expect(history[0]).toMatchObject({ fromStage: 'signed_up', toStage: 'lead', source: 'intercom', actor: 'tester@example.test' });
    expect((await r.t.api.call('conflicts.list', {})).total).toBe(0);
    await r.pull();
    expect((await r.t.api.call('conflicts.list', {})).total).toBe(0);
    expect(row(r, id).name).toBe('Remote Name');
  });

  it('refuses to resolve twice, and an unknown id', async () => {
    const r = await rig();
    const { name } = await conflicted(r);
    await r.t.api.call('conflicts.resolve', { id: name.id, keep: 'local' });
    const outboxBefore = (await outboxItems(r.t)).length;
    const again = await r.t.fail('conflicts.resolve', { id: name.id, keep: 'remote' });
    expect(again).toMatchObject({ code: 'CONFLICT', field: 'id' });
    expect(again.message).toMatch(/already resolved .* keeping the local value/);
    expect((await outboxItems(r.t)).length).toBe(outboxBefore);
    expect(await r.t.fail('conflicts.resolve', { id: 999_999, keep: 'local' })).toMatchObject({ code: 'NOT_FOUND', field: 'id', message: 'There is no conflict with id 999999.' });
  });

  it('company conflicts resolve the same way', async () => {
    const r = await rig();
    const co = r.sb.workspace.companies()[0]!;
    const local = r.t.core.store.db.prepare('SELECT id FROM companies WHERE intercom_id = @i').pluck().get({ i: co.id }) as string;
    r.clock.ms += 60_000;
    await r.t.api.call('companies.update', { id: local, patch: { plan: 'Local Plan' } });
    r.clock.ms += 60_000;
    r.sb.workspace.remoteEditCompany(co.id, { plan: 'Remote Plan' });
    r.clock.ms += 60_000;
    await r.pull();
    const [k] = (await r.t.api.call('conflicts.list', { entityId: local })).items;
    expect(k).toMatchObject({ entityType: 'company', field: 'plan', localValue: 'Local Plan', remoteValue: 'Remote Plan', label: co.name });
    await r.t.api.call('conflicts.resolve', { id: k!.id, keep: 'remote' });
    expect((await r.t.api.call('companies.get', { id: local })).plan).toBe('Remote Plan');
    expect((await outboxItems(r.t)).at(-1)).toMatchObject({ entityId: local, op: 'company.update', payload: { plan: 'Remote Plan' } });
  });
});
