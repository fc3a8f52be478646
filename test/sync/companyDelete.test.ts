// company.delete against the sandbox: the undo of a new company Intercom has deletes it there
// (CompanyWriter.removeCreated), once, whether its create was answered, still in flight or its
// answer lost; a pull while the delete waits does not bring it back, and the store ends equal to
// Intercom.
import { afterEach, describe, expect, it } from 'vitest';
import { Puller } from '../../electron/core/sync/Puller';
import type { ChangeRecord } from '../../shared/api';
import { storeVsIntercom } from '../helpers/storeVsIntercom';
import { allEntries, pushRig, type PushRig } from './pushHarness';

let rig: PushRig;
afterEach(async () => {
  await rig?.close();
});

const api = () => rig.t.api;
const store = () => rig.t.core.store;

async function newCompany(name: string, extra: Record<string, unknown> = {}): Promise<{ id: string; change: ChangeRecord }> {
  const co = await api().call('companies.create', { name, ...extra });
  const change = (await api().call('changes.list', { limit: 1, entityId: co.id })).items[0]!;
  return { id: co.id, change };
}

async function offered(changeId: string): Promise<ChangeRecord> {
  return (await api().call('changes.list', { limit: 100 })).items.find((c) => c.id === changeId)!;
}

const waiting = async () => (await allEntries(rig.t)).filter((e) => e.status !== 'done');

describe('undo of a new company Intercom has', () => {
  it('deletes it in Intercom and removes it here; no pull brings it back, and the store equals Intercom', async () => {
    rig = await pushRig();
    const delta = await newCompany('Delta', { plan: 'pro' });
    const echo = await newCompany('Echo');
    await rig.pushUntilQuiet();
    const intercomId = store().companies.byId(delta.id)!.intercom_id!;
    expect(rig.sb.workspace.company(intercomId)).toMatchObject({ name: 'Delta' });

    const before = await offered(delta.change.id);
    expect(before).toMatchObject({ undoable: true, undoBlockedReason: null });
    const result = await api().call('changes.undo', { id: delta.change.id });
    expect(result.message).toBe('Undone: New company Delta. Delta is deleted in Intercom at the next sync.');
    expect(store().companies.byId(delta.id)).toBeUndefined();
    expect((await api().call('companies.list', { search: 'delta', limit: 5 })).total).toBe(0);
    const [entry] = await waiting();
    expect(entry).toMatchObject({ op: 'company.delete', payload: { intercomId, name: 'Delta' } });

    // Intercom still lists Delta until the delete goes: pulls meanwhile must not make it again
    await new Puller(rig.ctx).firstPull();
    await new Puller(rig.ctx).pullCompanies();
    expect(store().companies.byId(delta.id)).toBeUndefined();
    expect((await api().call('companies.list', { limit: 10 })).items.map((c) => c.name)).toEqual(['Echo']);

    const [summary] = await rig.pushUntilQuiet();
    expect(summary).toMatchObject({ done: 1, failed: 0 });
    expect(rig.sb.workspace.company(intercomId)).toBeUndefined();
    expect(rig.sb.workspace.companies().map((c) => c.name)).toEqual(['Echo']);
    await new Puller(rig.ctx).pullCompanies();
    expect((await api().call('companies.list', { limit: 10 })).items.map((c) => c.name)).toEqual(['Echo']);
    expect(await storeVsIntercom(rig.t, rig.sb)).toEqual([]);
    expect(echo.id).toBeTruthy();
    // the undone change cannot be undone twice
    expect(await offered(delta.change.id)).toMatchObject({ undoable: false, undoBlockedReason: 'already undone' });
  });

  it('is done when Intercom deleted the company already (404), without an error', async () => {
    rig = await pushRig();
    const delta = await newCompany('Delta');
    await rig.pushUntilQuiet();
    const intercomId = store().companies.byId(delta.id)!.intercom_id!;
    rig.sb.workspace.deleteCompany(intercomId);
    await api().call('changes.undo', { id: delta.change.id });
    const [summary] = await rig.pushUntilQuiet();
    expect(summary).toMatchObject({ done: 1, failed: 0 });
    expect(await waiting()).toEqual([]);
    expect(await storeVsIntercom(rig.t, rig.sb)).toEqual([]);
  });

  it('refuses a new company linked to someone since, in words, and deletes it once the link is undone', async () => {
    rig = await pushRig();
    const delta = await newCompany('Delta');
    const ann = (await api().call('contacts.create', { name: 'Ann', email: 'ann@example.com' })).contact;
    await api().call('companies.link', { contactId: ann.id, companyId: delta.id });
    const link = (await api().call('changes.list', { limit: 1 })).items[0]!;
    await rig.pushUntilQuiet();
    const blocked = await offered(delta.change.id);
    expect(blocked.undoable).toBe(false);
    expect(blocked.undoBlockedReason).toMatch(/^Delta (was changed after it was created|has other people linked)/);
    const refused = await rig.t.raw('changes.undo', { id: delta.change.id });
    expect(refused.ok).toBe(false);

    await api().call('changes.undo', { id: link.id });
    expect(await offered(delta.change.id)).toMatchObject({ undoable: true, undoBlockedReason: null });
    await api().call('changes.undo', { id: delta.change.id });
    await rig.pushUntilQuiet();
    expect(rig.sb.workspace.companies()).toEqual([]);
    expect(await storeVsIntercom(rig.t, rig.sb)).toEqual([]);
  });

  it('hands the Intercom id of a create still in flight to the delete', async () => {
    rig = await pushRig();
    const delta = await newCompany('Delta');
    const client = rig.ctx.client;
    const upsert = client.upsertCompany.bind(client);
    let answered!: () => void;
    const reached = new Promise<void>((res) => (answered = res));
    let release!: () => void;
    const gate = new Promise<void>((res) => (release = res));
    client.upsertCompany = async (...args) => {
      const out = await upsert(...args);
      answered();
      await gate;
      return out;
    };
    const pushing = rig.push();
    await reached;
    expect(store().sync.hasInFlight(delta.id)).toBe(true);
    expect(await offered(delta.change.id)).toMatchObject({ undoable: true });
    const result = await api().call('changes.undo', { id: delta.change.id });
    expect(result.message).toContain('Delta is deleted in Intercom at the next sync.');
    // meanwhile a pull sees the new company (by the company id made from the local id): not brought back
    await new Puller(rig.ctx).firstPull();
    expect(store().companies.byId(delta.id)).toBeUndefined();
    release();
    await pushing;
    client.upsertCompany = upsert;
    const entry = (await allEntries(rig.t)).find((e) => e.op === 'company.delete')!;
    expect(entry.payload.intercomId).toEqual(expect.any(String));
    await rig.pushUntilQuiet();
    expect(rig.sb.workspace.companies()).toEqual([]);
    expect(await waiting()).toEqual([]);
    expect(await storeVsIntercom(rig.t, rig.sb)).toEqual([]);
  });

  it('finds the company by its company id when the create went out and its answer was lost', async () => {
    rig = await pushRig();
    const delta = await newCompany('Delta', { externalId: 'delta-1' });
    rig.sb.setFaults({ dropAfterCommitRate: 1 });
    await rig.push();
    rig.sb.setFaults({ dropAfterCommitRate: 0 });
    expect(rig.sb.workspace.companies()).toHaveLength(1);
    expect(store().companies.byId(delta.id)!.intercom_id).toBeNull();
    expect(await offered(delta.change.id)).toMatchObject({ undoable: true });
    await api().call('changes.undo', { id: delta.change.id });
    expect((await allEntries(rig.t)).find((e) => e.op === 'company.delete')?.payload).toMatchObject({ intercomId: null, createSent: true });
    rig.advance(11 * 60_000);
    await rig.pushUntilQuiet();
    expect(rig.sb.workspace.companies()).toEqual([]);
    expect(await waiting()).toEqual([]);
    expect(await storeVsIntercom(rig.t, rig.sb)).toEqual([]);
  });
});
