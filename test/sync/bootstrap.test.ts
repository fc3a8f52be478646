// The attributes the push writes exist in Intercom first: the stage attributes and every custom
// attribute a waiting entry carries, typed by its values; once known, a second call costs nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { ensureStageAttributes } from '../../electron/core/sync/Bootstrap';
import { pushRig, type PushRig } from './pushHarness';

let rig: PushRig;
afterEach(async () => {
  await rig?.close();
});

const customs = (model: 'contact' | 'company') =>
  Object.fromEntries(rig.sb.workspace.dataAttributes(model).filter((a) => a.custom).map((a) => [a.name, a.data_type]));

describe('ensureStageAttributes', () => {
  it('creates the stage attribute and the custom attributes waiting entries write, typed by their values', async () => {
    rig = await pushRig();
    const api = rig.t.api;
    const { contact } = await api.call('contacts.create', { email: 'a@example.com', customAttributes: { visits: 3, source: 'fair' } });
    await api.call('contacts.update', { id: contact.id, patch: { customAttributes: { ratio: 1.5, vip: true, visits: 4.5 } } });
    await api.call('contacts.update', { id: contact.id, patch: { customAttributes: { source: null } } });
    // only ever removed: nothing to write, nothing to create
    await api.call('contacts.update', { id: contact.id, patch: { customAttributes: { gone: null } } });
    await api.call('companies.create', { name: 'Tiered', customAttributes: { tier: 'gold', seats: 12 } });

    const res = await ensureStageAttributes(rig.ctx);
    expect(customs('contact')).toEqual({ Stage: 'string', visits: 'float', source: 'string', ratio: 'float', vip: 'boolean' });
    expect(customs('company')).toEqual({ 'Company Stage': 'string', tier: 'string', seats: 'integer' });
    expect(res.created.sort()).toEqual([
      'company.Company Stage',
      'company.seats',
      'company.tier',
      'contact.Stage',
      'contact.ratio',
      'contact.source',
      'contact.vip',
      'contact.visits',
    ]);
    expect(res.refused).toEqual([]);
  });

  it("reports a name Intercom refuses (taken by the other model) and goes on with the rest", async () => {
    rig = await pushRig();
    // an admin made a company attribute 'Stage': Intercom keeps one namespace for both models
    rig.sb.workspace.defineAttribute('company', 'Stage', 'string');
    await rig.t.api.call('contacts.create', { email: 'd@example.com', customAttributes: { visits: 1 } });
    const res = await ensureStageAttributes(rig.ctx);
    expect(res.refused).toEqual([{ model: 'contact', name: 'Stage', message: expect.stringMatching(/You already have 'Stage' in your company data/) }]);
    expect(res.created.sort()).toEqual(['company.Company Stage', 'contact.visits']);
    expect(rig.logged.map((l) => l.message)).toEqual([expect.stringMatching(/refused to create the contact attribute 'Stage'/)]);
    // the contact's create then fails with Intercom's own words; nothing else is held up
    const co = await rig.t.api.call('companies.create', { name: 'Still Fine', stage: 'sql' });
    const s = await rig.push();
    expect(s).toMatchObject({ failed: 1, done: 1 });
    expect((await rig.t.api.call('outbox.list', { status: ['failed'], limit: 5 })).items[0]!.lastError).toMatch(/Stage' does not exist/);
    expect(rig.t.core.store.companies.byId(co.id)!.intercom_id).not.toBeNull();
  });

  it('is idempotent and cheap: nothing is created twice, and a known client makes no requests', async () => {
    rig = await pushRig();
    await rig.t.api.call('contacts.create', { email: 'b@example.com', customAttributes: { score: 7 } });
    rig.sb.resetStats();
    const first = await ensureStageAttributes(rig.ctx);
    expect(first.created.sort()).toEqual(['company.Company Stage', 'contact.Stage', 'contact.score']);
    expect(rig.sb.stats().byRoute).toEqual({ 'GET /data_attributes': 2, 'POST /data_attributes': 3 });

    rig.sb.resetStats();
    expect(await ensureStageAttributes(rig.ctx)).toEqual({ created: [], refused: [] });
    expect(rig.sb.stats().requests).toBe(0);

    // a new client (the next run, another connection) lists again but creates nothing
    rig.setClient({});
    rig.sb.resetStats();
    expect(await ensureStageAttributes(rig.ctx)).toEqual({ created: [], refused: [] });
    expect(rig.sb.stats().byRoute).toEqual({ 'GET /data_attributes': 2 });
  });

  it('uses the stage attribute name from the settings', async () => {
    rig = await pushRig();
    rig.ctx.settings = () => ({ stageAttribute: 'Sales stage', companyStageAttribute: 'Company sales stage', stageValues: { lead: 'L', signed_up: 'S', sql: 'Q', customer: 'C' } });
    const res = await ensureStageAttributes(rig.ctx);
    expect(res.created).toEqual(['contact.Sales stage', 'company.Company sales stage']);
    expect(customs('contact')).toEqual({ 'Sales stage': 'string' });
    expect(customs('company')).toEqual({ 'Company sales stage': 'string' });
  });

  it('a lost answer to a create is checked by listing again, not by creating twice', async () => {
    rig = await pushRig();
    await ensureStageAttributes(rig.ctx);
    await rig.t.api.call('contacts.create', { email: 'c@example.com', customAttributes: { lost: 'yes' } });
    rig.sb.resetStats();
    rig.sb.setFaults({ dropAfterCommitRate: 1 });
    const res = await ensureStageAttributes(rig.ctx);
    rig.sb.setFaults({ dropAfterCommitRate: 0 });
    expect(res.refused).toEqual([]);
    expect(customs('contact')).toMatchObject({ lost: 'string' });
    expect(rig.sb.stats().byRoute['POST /data_attributes']).toBe(1);
  });
});
