// Companies through the API on a real SQLite file: creation, identity by the customer's company
// id, the list, edits (a rename reaches its users' search entries), the SQL -> Customer stage,
// and linking users. Every change is checked in the row, the history, the outbox and the events.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMPANY_SORT_FIELDS } from '../../shared/api';
import type { Company } from '../../shared/domain';
import { expectedOrder, type SortValue } from '../helpers/order';
import { outboxItems, removeTempDir, startCore, takeEvents as takeHarnessEvents, TEST_ACTOR, type TestCore } from '../helpers/testCore';

let t: TestCore;
beforeEach(() => {
  t = startCore();
});
afterEach(() => {
  t.dispose();
  removeTempDir(t.dir);
});

const MISSING_ID = '3f0c2a4e-1b2c-4d3e-8f9a-0b1c2d3e4f5a';

const outbox = () => outboxItems(t);
const ops = async () => (await outbox()).map((o) => o.op);
const takeEvents = () => takeHarnessEvents(t);

async function contact(name: string) {
  return (await t.api.call('contacts.create', { name })).contact.id;
}

describe('companies.create / get', () => {
  it('stores a company without a stage by default, queues it and says so', async () => {
    const co = await t.api.call('companies.create', {
      name: ' Acme Rockets ',
      externalId: 'co-1',
      plan: 'growth',
      monthlySpend: 1250.5,
      customAttributes: { industry: 'aerospace', gone: null },
    });
    expect(co).toMatchObject({
      name: 'Acme Rockets',
      externalId: 'co-1',
      intercomId: null,
      plan: 'growth',
      monthlySpend: 1250.5,
      stage: null,
      userCount: 0,
      syncState: 'local',
      customAttributes: { industry: 'aerospace' },
    });
    const detail = await t.api.call('companies.get', { id: co.id });
    expect(detail).toEqual({ ...co, users: [], history: [] });
    const [entry, ...rest] = await outbox();
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({
      entityType: 'company',
      entityId: co.id,
      op: 'company.create',
      label: 'Acme Rockets',
      payload: { name: 'Acme Rockets', externalId: 'co-1', plan: 'growth', monthlySpend: 1250.5, stage: null, customAttributes: { industry: 'aerospace' } },
    });
    expect(takeEvents()).toEqual([{ name: 'changed', entity: 'company', ids: [co.id], op: 'company.create' }]);
  });

  it('records the first stage in the history when created with one', async () => {
    const co = await t.api.call('companies.create', { name: 'Paying Co', stage: 'customer' });
    expect((await t.api.call('companies.get', { id: co.id })).history).toMatchObject([
      { entityType: 'company', entityId: co.id, fromStage: null, toStage: 'customer', actor: TEST_ACTOR, source: 'local' },
    ]);
  });

  it('refuses a second company with the same external id, naming the first, and stores nothing', async () => {
    const first = await t.api.call('companies.create', { name: 'First', externalId: 'co-1' });
    t.events.length = 0;
    const before = t.core.store.fingerprint();
    const err = await t.fail('companies.create', { name: 'Second', externalId: ' co-1 ' });
    expect(err).toMatchObject({ code: 'CONFLICT', field: 'externalId', details: { existingId: first.id } });
    expect(t.core.store.fingerprint()).toEqual(before);
    expect(t.events).toEqual([]);
  });

  it('answers NOT_FOUND for an unknown id', async () => {
    expect(await t.fail('companies.get', { id: MISSING_ID })).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });
});

describe('companies.list', () => {
  let all: Company[];
  let pkOf: Map<string, number>;
  const SEED = [
    { name: 'Acme Rockets', externalId: 'co-acme', plan: 'growth', monthlySpend: 1200, stage: 'customer' },
    { name: 'acme labs', externalId: 'co-acme-labs', plan: null, monthlySpend: null, stage: 'sql' },
    { name: 'Globex', externalId: 'GLX-42', plan: 'starter', monthlySpend: 49, stage: 'sql' },
    { name: 'Initech', externalId: null, plan: 'starter', monthlySpend: 49, stage: null },
    { name: 'Umbrella', externalId: 'co-umb', plan: 'enterprise', monthlySpend: 0, stage: null },
    { name: 'Hooli', externalId: null, plan: null, monthlySpend: 99.99, stage: 'customer' },
    { name: 'Vandelay Industries', externalId: 'co-vdl', plan: 'growth', monthlySpend: null, stage: null },
  ] as const;

  beforeEach(async () => {
    pkOf = new Map();
    const ids: string[] = [];
    for (const [i, s] of SEED.entries()) {
      const co = await t.api.call('companies.create', { ...s });
      ids.push(co.id);
      pkOf.set(co.id, i);
    }
    // user counts 3, 1, 0 ...
    const people = [await contact('P1'), await contact('P2'), await contact('P3')];
    for (const p of people) await t.api.call('companies.link', { contactId: p, companyId: ids[2]! });
    await t.api.call('companies.link', { contactId: people[0]!, companyId: ids[5]! });
    all = (await t.api.call('companies.list', { limit: 500 })).items;
    expect(all).toHaveLength(SEED.length);
  });

  const names = async (input: object) => {
    const res = await t.api.call('companies.list', { limit: 500, ...input });
    expect(res.total).toBe(res.items.length);
    return res.items.map((c) => c.name);
  };

  it('searches names and external ids by prefix', async () => {
    expect(await names({ search: 'acm' })).toEqual(['acme labs', 'Acme Rockets']);
    expect(await names({ search: 'acme r' })).toEqual(['Acme Rockets']);
    expect(await names({ search: 'indus' })).toEqual(['Vandelay Industries']);
    expect(await names({ search: 'glx' })).toEqual(['Globex']);
    expect(await names({ search: 'nothing-like-this' })).toEqual([]);
  });

  it('filters by stage, including companies with no stage yet, and by sync state', async () => {
    expect(await names({ filter: { stage: ['customer'] } })).toEqual(['Acme Rockets', 'Hooli']);
    expect(await names({ filter: { stage: ['none'] } })).toEqual(['Initech', 'Umbrella', 'Vandelay Industries']);
    expect(await names({ filter: { stage: ['sql', 'none'] } })).toEqual(['acme labs', 'Globex', 'Initech', 'Umbrella', 'Vandelay Industries']);
    expect((await names({ filter: { stage: ['sql', 'customer', 'none'] } })).length).toBe(SEED.length);
    expect(await names({ filter: { stage: ['sql'] }, search: 'acme' })).toEqual(['acme labs']);
    expect((await names({ filter: { syncState: ['local'] } })).length).toBe(SEED.length);
    expect(await names({ filter: { syncState: ['synced'] } })).toEqual([]);
  });

  it('sorts by every sortable column, both ways, in exactly the order the column defines', async () => {
    for (const field of COMPANY_SORT_FIELDS) {
      for (const dir of ['asc', 'desc'] as const) {
        const res = await t.api.call('companies.list', { sort: { field, dir }, limit: 500 });
        const want = expectedOrder(
          all,
          (c) => ((c as unknown as Record<string, SortValue>)[field] ?? null),
          (c) => pkOf.get(c.id)!,
          dir,
          field === 'name',
        );
        expect(res.items.map((c) => c.name), `${field} ${dir}`).toEqual(want.map((c) => c.name));
      }
    }
    // spot checks that do not rely on the helper
    const top = async (input: object) => (await t.api.call('companies.list', input)).items.map((c) => c.name);
    expect(await top({ sort: { field: 'userCount', dir: 'desc' }, limit: 2 })).toEqual(['Globex', 'Hooli']);
    expect(await top({ sort: { field: 'monthlySpend', dir: 'asc' }, limit: 3 })).toEqual(['acme labs', 'Vandelay Industries', 'Umbrella']);
  });

  it('pages with limit and offset and reports the total', async () => {
    const seen: string[] = [];
    for (let offset = 0; offset < 20; offset += 3) {
      const res = await t.api.call('companies.list', { sort: { field: 'monthlySpend', dir: 'desc' }, limit: 3, offset });
      expect(res.total).toBe(SEED.length);
      seen.push(...res.items.map((c) => c.id));
    }
    expect(seen).toEqual(expectedOrder(all, (c) => c.monthlySpend, (c) => pkOf.get(c.id)!, 'desc').map((c) => c.id));
  });
});

describe('companies.update', () => {
  let co: Company;
  let users: string[];
  beforeEach(async () => {
    co = await t.api.call('companies.create', { name: 'Acme Rockets', externalId: 'co-1', plan: 'growth' });
    users = [await contact('Wile Coyote'), await contact('Road Runner')];
    for (const u of users) await t.api.call('companies.link', { contactId: u, companyId: co.id });
    await contact('Bystander');
    t.events.length = 0;
  });

  const searchContacts = async (text: string) =>
    (await t.api.call('contacts.list', { search: text, sort: { field: 'name', dir: 'asc' } })).items.map((c) => c.name);

  it('renames, queues only the changed fields, and its users are found by the new name', async () => {
    expect(await searchContacts('acme')).toEqual(['Road Runner', 'Wile Coyote']);
    const renamed = await t.api.call('companies.update', { id: co.id, patch: { name: 'Zenith Dynamics', plan: 'growth', monthlySpend: 10 } });
    expect(renamed).toMatchObject({ name: 'Zenith Dynamics', plan: 'growth', monthlySpend: 10, userCount: 2 });
    expect(renamed.updatedAt > co.updatedAt).toBe(true);

    expect(await searchContacts('zen')).toEqual(['Road Runner', 'Wile Coyote']);
    expect(await searchContacts('zenith dyn')).toEqual(['Road Runner', 'Wile Coyote']);
    expect(await searchContacts('acme')).toEqual([]);
    expect((await t.api.call('companies.list', { search: 'zenith' })).items.map((c) => c.id)).toEqual([co.id]);
    expect((await t.api.call('contacts.get', { id: users[0]! })).companies).toEqual([
      { id: co.id, externalId: 'co-1', name: 'Zenith Dynamics', stage: null },
    ]);

    const last = (await outbox()).at(-1)!;
    expect(last).toMatchObject({ op: 'company.update', entityId: co.id, label: 'Zenith Dynamics', payload: { name: 'Zenith Dynamics', monthlySpend: 10 } });
    expect(Object.keys(last.payload).sort()).toEqual(['monthlySpend', 'name']);
    expect(takeEvents()).toEqual([{ name: 'changed', entity: 'company', ids: [co.id], op: 'company.update' }]);
  });

  it('merges custom attributes, removes those set to null, and queues only the difference', async () => {
    await t.api.call('companies.update', { id: co.id, patch: { customAttributes: { industry: 'aerospace', seats: 40 } } });
    const after = await t.api.call('companies.update', { id: co.id, patch: { customAttributes: { industry: null, seats: 40, ghost: null } } });
    expect(after.customAttributes).toEqual({ seats: 40 });
    const updates = (await outbox()).filter((e) => e.op === 'company.update').map((e) => e.payload);
    expect(updates).toEqual([{ customAttributes: { industry: 'aerospace', seats: 40 } }, { customAttributes: { industry: null } }]);
  });

  it('changes, queues and emits nothing when every value is the same', async () => {
    const before = t.core.store.fingerprint();
    const same = await t.api.call('companies.update', {
      id: co.id,
      patch: { name: ' Acme Rockets', plan: 'growth', externalId: 'co-1', customAttributes: { ghost: null, constructor: null } },
    });
    expect(same.updatedAt).toBe(co.updatedAt);
    expect(t.core.store.fingerprint()).toEqual(before);
    expect(t.events).toEqual([]);
  });

  it('refuses another company\'s external id, and a new one once the company is in Intercom', async () => {
    const other = await t.api.call('companies.create', { name: 'Other', externalId: 'co-2' });
    const before = t.core.store.fingerprint();
    expect(await t.fail('companies.update', { id: co.id, patch: { externalId: 'co-2' } })).toMatchObject({
      code: 'CONFLICT',
      field: 'externalId',
      details: { existingId: other.id },
    });
    expect(t.core.store.fingerprint()).toEqual(before);

    // sync has given it an Intercom id: company_id is fixed from now on
    const row = t.core.store.companies.byId(co.id)!;
    t.core.store.companies.update(row.pk, { intercomId: 'ic-co-1' });
    const synced = t.core.store.fingerprint();
    expect(await t.fail('companies.update', { id: co.id, patch: { externalId: 'co-3' } })).toMatchObject({
      code: 'VALIDATION',
      field: 'externalId',
    });
    expect(t.core.store.fingerprint()).toEqual(synced);
    // other fields still change
    expect((await t.api.call('companies.update', { id: co.id, patch: { plan: 'enterprise' } })).plan).toBe('enterprise');
  });

  it('answers NOT_FOUND for an unknown id', async () => {
    expect(await t.fail('companies.update', { id: MISSING_ID, patch: { name: 'X' } })).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });
});

describe('companies.setStage', () => {
  it('goes none -> SQL -> Customer freely and needs confirm to go back', async () => {
    const co = await t.api.call('companies.create', { name: 'Initech' });
    t.events.length = 0;
    expect((await t.api.call('companies.setStage', { id: co.id, stage: 'sql' })).stage).toBe('sql');
    expect((await t.api.call('companies.setStage', { id: co.id, stage: 'customer' })).stage).toBe('customer');
    expect(takeEvents()).toEqual([
      { name: 'changed', entity: 'company', ids: [co.id], op: 'company.setStage' },
      { name: 'changed', entity: 'company', ids: [co.id], op: 'company.setStage' },
    ]);

    const before = t.core.store.fingerprint();
    const err = await t.fail('companies.setStage', { id: co.id, stage: 'sql' });
    expect(err).toMatchObject({ code: 'CONFIRM_REQUIRED', field: 'confirm', details: { from: 'Customer', to: 'SQL' } });
    expect(t.core.store.fingerprint()).toEqual(before);
    expect(t.events).toEqual([]);

    expect((await t.api.call('companies.setStage', { id: co.id, stage: 'sql', confirm: true })).stage).toBe('sql');
    const { history } = await t.api.call('companies.get', { id: co.id });
    expect(history.map((h) => [h.fromStage, h.toStage, h.actor, h.source])).toEqual([
      ['customer', 'sql', TEST_ACTOR, 'local'],
      ['sql', 'customer', TEST_ACTOR, 'local'],
      [null, 'sql', TEST_ACTOR, 'local'],
    ]);
    const entries = (await outbox()).filter((e) => e.op === 'company.setStage');
    expect(entries.map((e) => e.payload)).toEqual([
      { from: null, stage: 'sql' },
      { from: 'sql', stage: 'customer' },
      { from: 'customer', stage: 'sql' },
    ]);
    // the same stage again is no change
    const now = t.core.store.fingerprint();
    await t.api.call('companies.setStage', { id: co.id, stage: 'sql' });
    expect(t.core.store.fingerprint()).toEqual(now);
  });
});

describe('companies.link / unlink', () => {
  it('links users, counts them, is idempotent, and unlinks', async () => {
    const co = await t.api.call('companies.create', { name: 'Hooli' });
    const [a, b] = [await contact('Gavin Belson'), await contact('Richard Hendricks')];
    t.events.length = 0;

    expect(await t.api.call('companies.link', { contactId: a, companyId: co.id })).toEqual({ contactId: a, companyId: co.id, changed: true });
    expect(takeEvents()).toEqual([
      { name: 'changed', entity: 'contact', ids: [a], op: 'company.link' },
      { name: 'changed', entity: 'company', ids: [co.id], op: 'company.link' },
    ]);
    await t.api.call('companies.link', { contactId: b, companyId: co.id });
    t.events.length = 0;
    expect((await t.api.call('companies.get', { id: co.id })).userCount).toBe(2);

    // linking again: no change, no entry, no event
    const before = t.core.store.fingerprint();
    expect(await t.api.call('companies.link', { contactId: a, companyId: co.id })).toEqual({ contactId: a, companyId: co.id, changed: false });
    expect(t.core.store.fingerprint()).toEqual(before);
    expect(t.events).toEqual([]);

    const detail = await t.api.call('companies.get', { id: co.id });
    expect(detail.users.map((u) => u.id).sort()).toEqual([a, b].sort());
    expect((await t.api.call('contacts.list', { filter: { companyId: co.id } })).total).toBe(2);
    expect((await t.api.call('contacts.list', { search: 'hooli' })).total).toBe(2);

    expect(await t.api.call('companies.unlink', { contactId: a, companyId: co.id })).toMatchObject({ changed: true });
    expect(takeEvents()).toEqual([
      { name: 'changed', entity: 'contact', ids: [a], op: 'company.unlink' },
      { name: 'changed', entity: 'company', ids: [co.id], op: 'company.unlink' },
    ]);
    expect((await t.api.call('companies.get', { id: co.id })).userCount).toBe(1);
    expect((await t.api.call('contacts.get', { id: a })).companies).toEqual([]);
    expect((await t.api.call('contacts.list', { search: 'hooli' })).items.map((c) => c.id)).toEqual([b]);
    const unlinked = t.core.store.fingerprint();
    expect(await t.api.call('companies.unlink', { contactId: a, companyId: co.id })).toMatchObject({ changed: false });
    expect(t.core.store.fingerprint()).toEqual(unlinked);

    const entries = await outbox();
    expect(entries.map((e) => [e.op, e.entityId, e.payload])).toEqual([
      ['company.create', co.id, expect.anything()],
      ['contact.create', a, expect.anything()],
      ['contact.create', b, expect.anything()],
      ['company.link', a, { companyId: co.id }],
      ['company.link', b, { companyId: co.id }],
      ['company.unlink', a, { companyId: co.id }],
    ]);
  });

  it('answers NOT_FOUND naming which side is missing, and changes nothing', async () => {
    const co = await t.api.call('companies.create', { name: 'Hooli' });
    const a = await contact('Gavin Belson');
    const before = t.core.store.fingerprint();
    for (const method of ['companies.link', 'companies.unlink']) {
      expect(await t.fail(method, { contactId: MISSING_ID, companyId: co.id })).toMatchObject({ code: 'NOT_FOUND', field: 'contactId' });
      expect(await t.fail(method, { contactId: a, companyId: MISSING_ID })).toMatchObject({ code: 'NOT_FOUND', field: 'companyId' });
    }
    expect(t.core.store.fingerprint()).toEqual(before);
  });
});

describe('one change, one ordered outbox', () => {
  it('queues every change of a whole session in the order it happened', async () => {
    const lead = (await t.api.call('contacts.create', { email: 'lead@pied.test', visitorId: 'v-1' })).contact.id;
    await t.api.call('contacts.update', { id: lead, patch: { name: 'Richard' } });
    const { company } = await t.api.call('contacts.signUp', { id: lead, externalId: 'u-1', company: { externalId: 'co-pp', name: 'Pied Piper' } });
    await t.api.call('companies.setStage', { id: company!.id, stage: 'customer' });
    await t.api.call('companies.update', { id: company!.id, patch: { monthlySpend: 500 } });
    const entries = await outbox();
    expect(entries.map((e) => [e.entityType, e.op])).toEqual([
      ['contact', 'contact.create'],
      ['contact', 'contact.update'],
      ['contact', 'contact.signUp'],
      ['company', 'company.create'],
      ['contact', 'company.link'],
      ['company', 'company.setStage'],
      ['company', 'company.update'],
    ]);
    const seqs = entries.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(entries.every((e) => e.status === 'pending' && e.attempts === 0)).toBe(true);
    // filtered by record
    const forCompany = await t.api.call('outbox.list', { entityId: company!.id });
    expect(forCompany.items.map((e) => e.op)).toEqual(['company.create', 'company.setStage', 'company.update']);
    expect(forCompany.total).toBe(3);
    expect((await t.api.call('outbox.list', { status: ['done'] })).total).toBe(0);
    expect(await ops()).toHaveLength(7);
  });
});
