// The two methods the console screens lean on: a bulk stage change (counted first, then all
// or nothing) and the duplicate lookup behind the new-lead form's warning.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outboxItems, removeTempDir, startCore, takeEvents, type TestCore } from '../helpers/testCore';

let t: TestCore;
beforeEach(() => {
  t = startCore();
});
afterEach(() => {
  t.dispose();
  removeTempDir(t.dir);
});

const MISSING_ID = '3f0c2a4e-1b2c-4d3e-8f9a-0b1c2d3e4f5a';

async function makeLeads(n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await t.api.call('contacts.create', { name: `Lead ${i}` })).contact.id);
  t.events.length = 0;
  return ids;
}

describe('contacts.setStageMany', () => {
  it('counts on a dry run and writes nothing', async () => {
    const ids = await makeLeads(4);
    await t.api.call('contacts.setStage', { id: ids[0]!, stage: 'signed_up' });
    t.events.length = 0;
    const before = t.core.store.fingerprint();
    const dry = await t.api.call('contacts.setStageMany', { ids, stage: 'signed_up', dryRun: true });
    expect(dry).toEqual({ changed: 3, unchanged: 1, demotions: 0, dryRun: true });
    const back = await t.api.call('contacts.setStageMany', { ids, stage: 'lead', dryRun: true });
    expect(back).toEqual({ changed: 1, unchanged: 3, demotions: 1, dryRun: true });
    expect(t.core.store.fingerprint()).toEqual(before);
    expect(t.events).toEqual([]);
  });

  it('moves every selected contact in one go, with history, outbox entries and one event', async () => {
    const ids = await makeLeads(3);
    const res = await t.api.call('contacts.setStageMany', { ids: [...ids, ids[0]!], stage: 'signed_up' });
    expect(res).toEqual({ changed: 3, unchanged: 0, demotions: 0, dryRun: false });
    for (const id of ids) {
      const c = await t.api.call('contacts.get', { id });
      expect(c.stage).toBe('signed_up');
      expect(c.history[0]).toMatchObject({ fromStage: 'lead', toStage: 'signed_up', source: 'local' });
    }
    const setStage = (await outboxItems(t)).filter((o) => o.op === 'contact.setStage');
    expect(setStage.map((o) => o.entityId).sort()).toEqual([...ids].sort());
    const events = takeEvents(t);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ entity: 'contact', op: 'contact.setStage' });
    expect((events[0] as unknown as { ids: string[] }).ids.sort()).toEqual([...ids].sort());
  });

  it('refuses demotions without confirm and changes none of the contacts', async () => {
    const ids = await makeLeads(3);
    await t.api.call('contacts.setStageMany', { ids: ids.slice(0, 2), stage: 'signed_up' });
    t.events.length = 0;
    const before = t.core.store.fingerprint();
    const err = await t.fail('contacts.setStageMany', { ids, stage: 'lead' });
    expect(err).toMatchObject({ code: 'CONFIRM_REQUIRED', field: 'confirm' });
    expect(err.message).toMatch(/2 contacts/);
    expect(t.core.store.fingerprint()).toEqual(before);
    const ok = await t.api.call('contacts.setStageMany', { ids, stage: 'lead', confirm: true });
    expect(ok).toMatchObject({ changed: 2, unchanged: 1, demotions: 2 });
  });

  it('names the unknown id by its position and changes nothing', async () => {
    const ids = await makeLeads(2);
    const before = t.core.store.fingerprint();
    const err = await t.fail('contacts.setStageMany', { ids: [ids[0], MISSING_ID, ids[1]], stage: 'signed_up' });
    expect(err).toMatchObject({ code: 'NOT_FOUND', field: 'ids.1' });
    expect(t.core.store.fingerprint()).toEqual(before);
    expect(t.events).toEqual([]);
  });

  it('refuses an empty selection and a malformed id, naming the field', async () => {
    expect(await t.fail('contacts.setStageMany', { ids: [], stage: 'lead' })).toMatchObject({ code: 'VALIDATION', field: 'ids' });
    expect(await t.fail('contacts.setStageMany', { ids: ['nope'], stage: 'lead' })).toMatchObject({ code: 'VALIDATION', field: 'ids.0' });
    expect(await t.fail('contacts.setStageMany', { ids: [MISSING_ID], stage: 'sql' })).toMatchObject({ code: 'VALIDATION', field: 'stage' });
  });
});

describe('contacts.findMatches', () => {
  it('finds contacts by normalised email, visitor id and user id, leaving out the one being edited', async () => {
    const a = (await t.api.call('contacts.create', { name: 'Ann', email: 'ann@example.test', visitorId: 'v-1' })).contact;
    const b = (await t.api.call('contacts.create', { name: 'Ann again', email: 'ann@example.test', externalId: 'u-9', role: 'user' })).contact;
    const m = await t.api.call('contacts.findMatches', { email: '  ANN@Example.test ', visitorId: ' v-1', externalId: 'u-9' });
    expect(m.email.map((c) => c.id)).toEqual([a.id, b.id]);
    expect(m.visitorId).toMatchObject({ id: a.id, name: 'Ann' });
    expect(m.externalId).toMatchObject({ id: b.id, role: 'user' });

    const self = await t.api.call('contacts.findMatches', { email: 'ann@example.test', visitorId: 'v-1', exceptId: a.id });
    expect(self.email.map((c) => c.id)).toEqual([b.id]);
    expect(self.visitorId).toBeNull();

    expect(await t.api.call('contacts.findMatches', { email: 'nobody@example.test', visitorId: 'v-2' })).toEqual({
      email: [],
      visitorId: null,
      externalId: null,
    });
    expect(await t.api.call('contacts.findMatches', {})).toEqual({ email: [], visitorId: null, externalId: null });
  });
});
