// Contacts through the API on a real SQLite file: offline lead entry, identities, the list
// (search as you type, filters, sorts, offset and cursor pages), edits, stage moves and the
// sign-up flow. Every change is checked in the row, the history, the outbox and the events.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONTACT_SORT_FIELDS, type MethodOutput } from '../../shared/api';
import type { ContactListItem } from '../../shared/domain';
import { expectedOrder, type SortValue } from '../helpers/order';
import { outboxItems, removeTempDir, startCore, takeEvents as takeHarnessEvents, TEST_ACTOR, type TestCore } from '../helpers/testCore';
import { LATEST_VERSION } from '../../electron/core/db/migrations';

let t: TestCore;
beforeEach(() => {
  t = startCore();
});
afterEach(() => {
  t.dispose();
  removeTempDir(t.dir);
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MISSING_ID = '3f0c2a4e-1b2c-4d3e-8f9a-0b1c2d3e4f5a';

const outbox = () => outboxItems(t);
const ops = async () => (await outbox()).map((o) => o.op);
const takeEvents = () => takeHarnessEvents(t);

describe('contacts.create', () => {
  it('stores a lead with a normalised email and the defaults, with history, outbox entry and event', async () => {
    const { contact, sameEmail } = await t.api.call('contacts.create', {
      email: '  Jane.Doe@Example.TEST ',
      name: ' Jane Doe ',
      phone: '+1 555 0100',
      customAttributes: { plan: 'pro', seats: 3, trial: true, gone: null },
    });
    expect(contact).toMatchObject({
      email: 'jane.doe@example.test',
      name: 'Jane Doe',
      phone: '+1 555 0100',
      role: 'lead',
      stage: 'lead',
      syncState: 'local',
      intercomId: null,
      visitorId: null,
      externalId: null,
      lastActivityAt: null,
      customAttributes: { plan: 'pro', seats: 3, trial: true },
    });
    expect(contact.id).toMatch(UUID);
    expect(contact.updatedAt).toBe(contact.createdAt);
    expect(sameEmail).toEqual([]);

    const detail = await t.api.call('contacts.get', { id: contact.id });
    expect(detail).toMatchObject({ ...contact, companies: [], sameEmail: [] });
    expect(detail.history).toEqual([
      {
        id: expect.any(Number),
        entityType: 'contact',
        entityId: contact.id,
        fromStage: null,
        toStage: 'lead',
        at: contact.createdAt,
        actor: TEST_ACTOR,
        source: 'local',
      },
    ]);

    const [entry, ...rest] = await outbox();
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({
      entityType: 'contact',
      entityId: contact.id,
      label: 'Jane Doe',
      op: 'contact.create',
      status: 'pending',
      attempts: 0,
      payload: {
        role: 'lead',
        stage: 'lead',
        email: 'jane.doe@example.test',
        name: 'Jane Doe',
        phone: '+1 555 0100',
        visitorId: null,
        externalId: null,
        customAttributes: { plan: 'pro', seats: 3, trial: true },
      },
    });
    expect(takeEvents()).toEqual([{ name: 'changed', entity: 'contact', ids: [contact.id], op: 'contact.create' }]);
    expect(t.core.store.fingerprint().counts).toMatchObject({ contacts: 1, stage_history: 1, outbox: 1, contact_search: 1 });
  });

  it('takes a user with its own stage, ids and visitor cookie', async () => {
    const { contact } = await t.api.call('contacts.create', {
      name: 'Zed',
      role: 'user',
      stage: 'signed_up',
      visitorId: ' visitor-123 ',
      externalId: 'user-9',
    });
    expect(contact).toMatchObject({ role: 'user', stage: 'signed_up', visitorId: 'visitor-123', externalId: 'user-9', email: null });
    const [entry] = await outbox();
    expect(entry!.payload).toMatchObject({ role: 'user', stage: 'signed_up', visitorId: 'visitor-123', externalId: 'user-9' });
  });

  it.each([
    ['visitorId', { visitorId: 'visitor-1' }, { visitorId: ' visitor-1 ' }],
    ['externalId', { externalId: 'user-1' }, { externalId: 'user-1' }],
  ] as const)('refuses a second contact with the same %s, naming the existing one, and stores nothing', async (field, first, second) => {
    const { contact: existing } = await t.api.call('contacts.create', { email: 'first@example.test', ...first });
    t.events.length = 0;
    const before = t.core.store.fingerprint();

    const err = await t.fail('contacts.create', { email: 'other@example.test', name: 'Other', ...second });
    expect(err).toMatchObject({ code: 'CONFLICT', field, details: { existingId: existing.id } });
    expect(err.message).toContain(existing.id);
    expect(t.core.store.fingerprint()).toEqual(before);
    expect(t.events).toEqual([]);
  });

  it('allows the same email twice and says which contacts share it', async () => {
    const a = await t.api.call('contacts.create', { email: 'shared@example.test', name: 'A' });
    const b = await t.api.call('contacts.create', { email: ' SHARED@example.test', name: 'B' });
    const c = await t.api.call('contacts.create', { email: 'shared@EXAMPLE.test' });
    await t.api.call('contacts.create', { email: 'not-shared@example.test' });
    expect(a.sameEmail).toEqual([]);
    expect(b.contact.email).toBe('shared@example.test');
    expect(b.sameEmail).toEqual([{ id: a.contact.id, name: 'A', email: 'shared@example.test', role: 'lead', stage: 'lead' }]);
    expect(c.sameEmail.map((r) => r.id)).toEqual([a.contact.id, b.contact.id]);
    const detail = await t.api.call('contacts.get', { id: a.contact.id });
    expect(detail.sameEmail.map((r) => r.id)).toEqual([b.contact.id, c.contact.id]);
  });
});

describe('contacts.get', () => {
  it('answers NOT_FOUND, naming the id, for an unknown contact', async () => {
    const err = await t.fail('contacts.get', { id: MISSING_ID });
    expect(err).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    expect(err.message).toContain(MISSING_ID);
  });
});

describe('contacts.list', () => {
  type Seed = { name?: string; email?: string; phone?: string; role?: 'lead' | 'user'; externalId?: string };
  const PEOPLE: Seed[] = [
    { name: 'Jane Doe', email: 'jane@acme.test', phone: '+1 555 0101' },
    { name: 'Janet Smith', email: 'janet.smith@globex.test' },
    { name: 'Jan Novak', email: 'jan.novak@globex.test', phone: '+420 777 000 111' },
    { name: 'Jack Black', email: 'jack@initech.test', phone: '+1 555 0101' },
    { name: 'alice Adams' },
    { name: 'Alice Adams', email: 'alice2@umbrella.test', phone: '+44 20 0000 0001' },
    { name: 'bob', email: 'bob@umbrella.test', phone: '555 0199' },
    { email: 'anonymous@visitor.test' },
    { name: 'José Núñez', email: 'jose@acme.test', phone: '+34 600 000 000' },
    { name: 'Zed', email: 'zed@zzz.test', role: 'user', externalId: 'u-9' },
    { name: 'Yara', role: 'user', externalId: 'u-10', phone: '0000' },
  ];
  // plus a batch created in the same millisecond, so timestamps tie and only pk orders them
  const BATCH = Array.from({ length: 14 }, (_, i): Seed => ({
    name: `Person ${String(14 - i).padStart(2, '0')}`,
    email: i % 4 === 0 ? undefined : `person${i}@example.test`,
    phone: i % 3 === 0 ? undefined : `+49 30 ${1000 + (i % 5)}`,
  }));

  let ids: Record<string, string>;
  /** id -> insertion order, which is the pk order the list breaks ties with */
  let pkOf: Map<string, number>;
  let hooli: string;
  let all: ContactListItem[];

  beforeEach(async () => {
    ids = {};
    pkOf = new Map();
    for (const [i, p] of [...PEOPLE, ...BATCH].entries()) {
      if (i === PEOPLE.length) t.clock.step = 0;
      const { contact } = await t.api.call('contacts.create', p);
      ids[p.name ?? p.email!] = contact.id;
      pkOf.set(contact.id, i);
    }
    t.clock.step = 1000;
    await t.api.call('contacts.setStage', { id: ids['Jane Doe']!, stage: 'signed_up' });
    await t.api.call('contacts.setStage', { id: ids['Jack Black']!, stage: 'signed_up' });
    const acme = await t.api.call('companies.create', { name: 'Acme Rockets' });
    hooli = (await t.api.call('companies.create', { name: 'Hooli Holdings' })).id;
    for (const who of ['Jane Doe', 'José Núñez']) await t.api.call('companies.link', { contactId: ids[who]!, companyId: acme.id });
    for (const who of ['Jack Black', 'bob']) await t.api.call('companies.link', { contactId: ids[who]!, companyId: hooli });
    // Janet is known to Intercom and has local changes waiting: pending
    const janet = t.core.store.contacts.byId(ids['Janet Smith']!)!;
    t.core.store.contacts.update(janet.pk, { intercomId: 'ic-janet' });
    t.core.store.outbox.refreshSyncState('contact', janet.id);
    all = (await t.api.call('contacts.list', { limit: 500 })).items;
    expect(all).toHaveLength(PEOPLE.length + BATCH.length);
  });

  const label = (c: { name: string | null; email: string | null }) => c.name ?? c.email;
  const search = async (text: string, extra: object = {}) => {
    const res = await t.api.call('contacts.list', { search: text, sort: { field: 'name', dir: 'asc' }, ...extra });
    expect(res.total).toBe(res.items.length);
    return res.items.map(label);
  };

  it('searches as you type, by word prefix, case and accent insensitive', async () => {
    expect(await search('ja')).toEqual(['Jack Black', 'Jan Novak', 'Jane Doe', 'Janet Smith']);
    expect(await search('jan')).toEqual(['Jan Novak', 'Jane Doe', 'Janet Smith']);
    expect(await search('jane')).toEqual(['Jane Doe', 'Janet Smith']);
    expect(await search('jane ')).toEqual(['Jane Doe', 'Janet Smith']);
    expect(await search('jane d')).toEqual(['Jane Doe']);
    expect(await search('JANET')).toEqual(['Janet Smith']);
    expect(await search('jose nu')).toEqual(['José Núñez']);
    expect(await search('xylophone')).toEqual([]);
  });

  it('searches by any part of the email and by the names of linked companies', async () => {
    expect(await search('umbrella')).toEqual(['Alice Adams', 'bob']);
    expect(await search('novak@glob')).toEqual(['Jan Novak']);
    expect(await search('jane@acme.test')).toEqual(['Jane Doe']);
    expect(await search('anonym')).toEqual(['anonymous@visitor.test']);
    expect(await search('hool')).toEqual(['bob', 'Jack Black']);
    expect(await search('rockets')).toEqual(['Jane Doe', 'José Núñez']);
    expect(await search('acme')).toEqual(['Jane Doe', 'José Núñez']);
  });

  it('filters by stage, role, company and sync state, alone and combined with search', async () => {
    const names = async (filter: object, text?: string) => {
      const res = await t.api.call('contacts.list', { filter, search: text, sort: { field: 'name', dir: 'asc' }, limit: 500 });
      expect(res.total).toBe(res.items.length);
      return res.items.map(label);
    };
    expect(await names({ stage: ['signed_up'] })).toEqual(['Jack Black', 'Jane Doe']);
    expect(await names({ role: ['user'] })).toEqual(['Yara', 'Zed']);
    expect(await names({ companyId: hooli })).toEqual(['bob', 'Jack Black']);
    expect(await names({ companyId: MISSING_ID })).toEqual([]);
    expect(await names({ syncState: ['pending'] })).toEqual(['Janet Smith']);
    expect(await names({ syncState: ['synced', 'failed'] })).toEqual([]);
    expect((await names({ syncState: ['local'] })).length).toBe(all.length - 1);
    expect((await names({ stage: ['lead', 'signed_up'], role: ['lead', 'user'] })).length).toBe(all.length);
    expect(await names({ stage: ['lead'] }, 'ja')).toEqual(['Jan Novak', 'Janet Smith']);
    expect(await names({ stage: ['signed_up'], companyId: hooli })).toEqual(['Jack Black']);
    expect(await names({ stage: ['signed_up'], role: ['user'] })).toEqual([]);
  });

  const value = (c: ContactListItem, field: string) => (c as unknown as Record<string, SortValue>)[field] ?? null;
  const expected = (field: string, dir: 'asc' | 'desc') =>
    expectedOrder(all, (c) => value(c, field), (c) => pkOf.get(c.id)!, dir, field === 'name').map((c) => c.id);

  it('sorts by every sortable column, both ways, in exactly the order the column defines', async () => {
    for (const field of CONTACT_SORT_FIELDS) {
      for (const dir of ['asc', 'desc'] as const) {
        const res = await t.api.call('contacts.list', { sort: { field, dir }, limit: 500 });
        expect(res.items.map((c) => c.id), `${field} ${dir}`).toEqual(expected(field, dir));
        expect(res.total).toBe(all.length);
      }
    }
    // a spot check that does not rely on the helper: names ascending, ignoring case
    const res = await t.api.call('contacts.list', { sort: { field: 'name', dir: 'asc' }, limit: 3 });
    expect(res.items.map(label)).toEqual(['anonymous@visitor.test', 'alice Adams', 'Alice Adams']);
  });

  it('defaults to the most recently updated first', async () => {
    const res = await t.api.call('contacts.list', {});
    expect(res.items.map((c) => c.id)).toEqual(expected('updatedAt', 'desc').slice(0, 50));
    expect(res.items[0]!.companies.map((c) => c.name)).toEqual(['Hooli Holdings']); // bob, linked last
  });

  it('pages with limit and offset, with the total of the whole result', async () => {
    const seen: string[] = [];
    for (let offset = 0; ; offset += 7) {
      const res = await t.api.call('contacts.list', { sort: { field: 'phone', dir: 'asc' }, limit: 7, offset });
      expect(res.total).toBe(all.length);
      expect(res.items.length).toBeLessThanOrEqual(7);
      if (res.items.length === 0) break;
      seen.push(...res.items.map((c) => c.id));
    }
    expect(seen).toEqual(expected('phone', 'asc'));
  });

  it('walks every row exactly once with the cursor, for any sort, nullable columns and ties included', async () => {
    const fields = ['name', 'phone', 'email', 'externalId', 'lastActivityAt', 'updatedAt', 'createdAt', 'stage', 'syncState'] as const;
    for (const field of fields) {
      for (const dir of ['asc', 'desc'] as const) {
        const seen: string[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < 50; page++) {
          const res: MethodOutput<'contacts.list'> = await t.api.call('contacts.list', { sort: { field, dir }, limit: 4, cursor });
          expect(res.total).toBe(all.length);
          seen.push(...res.items.map((c) => c.id));
          if (!res.nextCursor) break;
          cursor = res.nextCursor;
        }
        expect(new Set(seen).size, `${field} ${dir}: duplicates`).toBe(seen.length);
        expect(seen, `${field} ${dir}`).toEqual(expected(field, dir));
      }
    }
  });

  it('walks a filtered, searched result with the cursor too', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res: MethodOutput<'contacts.list'> = await t.api.call('contacts.list', {
        search: 'person',
        filter: { stage: ['lead'] },
        sort: { field: 'email', dir: 'desc' },
        limit: 3,
        cursor,
      });
      expect(res.total).toBe(BATCH.length);
      seen.push(...res.items.map((c) => c.id));
      cursor = res.nextCursor ?? undefined;
    } while (cursor);
    const batch = all.filter((c) => c.name?.startsWith('Person'));
    expect(seen).toEqual(expectedOrder(batch, (c) => c.email, (c) => pkOf.get(c.id)!, 'desc').map((c) => c.id));
  });

  it('refuses a cursor made for another sort', async () => {
    const first = await t.api.call('contacts.list', { sort: { field: 'name', dir: 'asc' }, limit: 2 });
    expect(first.nextCursor).toEqual(expect.any(String));
    for (const sort of [{ field: 'name', dir: 'desc' }, { field: 'email', dir: 'asc' }]) {
      expect(await t.fail('contacts.list', { sort, limit: 2, cursor: first.nextCursor })).toMatchObject({
        code: 'VALIDATION',
        field: 'cursor',
      });
    }
  });
});

describe('contacts.update', () => {
  let id: string;
  beforeEach(async () => {
    id = (await t.api.call('contacts.create', { email: 'jane@example.test', name: 'Jane Doe', phone: '+1 555 0100' })).contact.id;
    t.events.length = 0;
  });

  it('writes the changes and queues only the fields that changed', async () => {
    const before = await t.api.call('contacts.get', { id });
    const after = await t.api.call('contacts.update', {
      id,
      patch: { name: 'Janine Roe', phone: '+1 555 0100', email: ' JANE@example.test ', customAttributes: { plan: 'pro' } },
    });
    expect(after).toMatchObject({ name: 'Janine Roe', phone: '+1 555 0100', email: 'jane@example.test', customAttributes: { plan: 'pro' } });
    expect(after.updatedAt > before.updatedAt).toBe(true);
    expect(after.createdAt).toBe(before.createdAt);
    const entries = await outbox();
    expect(entries.map((e) => e.op)).toEqual(['contact.create', 'contact.update']);
    expect(entries[1]!.payload).toEqual({ name: 'Janine Roe', customAttributes: { plan: 'pro' } });
    expect(entries[1]!.label).toBe('Janine Roe');
    expect(takeEvents()).toEqual([{ name: 'changed', entity: 'contact', ids: [id], op: 'contact.update' }]);
    // the search index follows the name
    expect((await t.api.call('contacts.list', { search: 'roe' })).items.map((c) => c.id)).toEqual([id]);
    expect((await t.api.call('contacts.list', { search: 'doe' })).total).toBe(0);
    // no stage change, no history
    expect((await t.api.call('contacts.get', { id })).history).toHaveLength(1);
  });

  it('merges custom attributes and removes those set to null', async () => {
    await t.api.call('contacts.update', { id, patch: { customAttributes: { plan: 'pro', seats: 3 } } });
    const after = await t.api.call('contacts.update', { id, patch: { customAttributes: { plan: null, seats: 3, ghost: null } } });
    expect(after.customAttributes).toEqual({ seats: 3 });
    const entries = await outbox();
    expect(entries.map((e) => e.payload)).toEqual([expect.anything(), { customAttributes: { plan: 'pro', seats: 3 } }, { customAttributes: { plan: null } }]);
  });

  it('changes nothing, queues nothing and emits nothing when every value is the same', async () => {
    const before = t.core.store.fingerprint();
    const current = await t.api.call('contacts.get', { id });
    const same = await t.api.call('contacts.update', {
      id,
      patch: { email: 'Jane@Example.test', name: 'Jane Doe ', phone: '+1 555 0100', customAttributes: { ghost: null, valueOf: null } },
    });
    expect(same.updatedAt).toBe(current.updatedAt);
    expect(t.core.store.fingerprint()).toEqual(before);
    expect(t.events).toEqual([]);
    expect(await ops()).toEqual(['contact.create']);
  });

  it('refuses a visitor id or user id that belongs to another contact, and changes nothing', async () => {
    const other = (await t.api.call('contacts.create', { name: 'Other', visitorId: 'v-other', externalId: 'u-other' })).contact;
    await t.api.call('contacts.update', { id, patch: { visitorId: 'v-jane' } });
    t.events.length = 0;
    const before = t.core.store.fingerprint();
    for (const patch of [{ visitorId: 'v-other' }, { externalId: 'u-other', name: 'Renamed' }]) {
      const err = await t.fail('contacts.update', { id, patch });
      expect(err).toMatchObject({ code: 'CONFLICT', field: Object.keys(patch)[0], details: { existingId: other.id } });
    }
    expect(t.core.store.fingerprint()).toEqual(before);
    expect(t.events).toEqual([]);
    // its own visitor id is not a conflict
    expect((await t.api.call('contacts.update', { id, patch: { visitorId: 'v-jane', name: 'Jane D.' } })).name).toBe('Jane D.');
  });

  it('refuses an edit that would leave neither email nor name, and changes nothing', async () => {
    const before = t.core.store.fingerprint();
    expect(await t.fail('contacts.update', { id, patch: { email: null, name: null } })).toMatchObject({ code: 'VALIDATION', field: 'email' });
    expect(t.core.store.fingerprint()).toEqual(before);
    // emptying one of the two is fine while the other remains, but not the last one
    expect(await t.api.call('contacts.update', { id, patch: { email: null } })).toMatchObject({ email: null, name: 'Jane Doe' });
    const middle = t.core.store.fingerprint();
    expect(await t.fail('contacts.update', { id, patch: { name: null } })).toMatchObject({ code: 'VALIDATION', field: 'name' });
    expect(t.core.store.fingerprint()).toEqual(middle);
  });

  it('answers NOT_FOUND for an unknown id', async () => {
    expect(await t.fail('contacts.update', { id: MISSING_ID, patch: { name: 'X' } })).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });
});

describe('contacts.setStage', () => {
  let id: string;
  beforeEach(async () => {
    id = (await t.api.call('contacts.create', { email: 'lead@example.test' })).contact.id;
    t.events.length = 0;
  });

  it('promotes freely and records who moved it, from and to, and where', async () => {
    const created = await t.api.call('contacts.get', { id });
    const moved = await t.api.call('contacts.setStage', { id, stage: 'signed_up' });
    expect(moved.stage).toBe('signed_up');
    expect(moved.updatedAt > created.updatedAt).toBe(true);
    const { history } = await t.api.call('contacts.get', { id });
    expect(history.map((h) => [h.fromStage, h.toStage, h.actor, h.source])).toEqual([
      ['lead', 'signed_up', TEST_ACTOR, 'local'],
      [null, 'lead', TEST_ACTOR, 'local'],
    ]);
    expect(history[0]!.at).toBe(moved.updatedAt);
    const entries = await outbox();
    expect(entries.map((e) => [e.op, e.payload])).toEqual([
      ['contact.create', expect.anything()],
      ['contact.setStage', { from: 'lead', stage: 'signed_up' }],
    ]);
    expect(takeEvents()).toEqual([{ name: 'changed', entity: 'contact', ids: [id], op: 'contact.setStage' }]);

    // the same stage again is not a change
    const before = t.core.store.fingerprint();
    await t.api.call('contacts.setStage', { id, stage: 'signed_up' });
    expect(t.core.store.fingerprint()).toEqual(before);
    expect(t.events).toEqual([]);
  });

  it('refuses a demotion without confirm: true and changes nothing; with it, records the move', async () => {
    await t.api.call('contacts.setStage', { id, stage: 'signed_up' });
    t.events.length = 0;
    const before = t.core.store.fingerprint();
    for (const input of [{ id, stage: 'lead' }, { id, stage: 'lead', confirm: false }]) {
      const err = await t.fail('contacts.setStage', input);
      expect(err).toMatchObject({ code: 'CONFIRM_REQUIRED', field: 'confirm' });
      expect(err.message).toMatch(/Signed up to Lead/);
    }
    expect(t.core.store.fingerprint()).toEqual(before);
    expect(t.events).toEqual([]);

    const back = await t.api.call('contacts.setStage', { id, stage: 'lead', confirm: true });
    expect(back.stage).toBe('lead');
    const { history } = await t.api.call('contacts.get', { id });
    expect(history[0]).toMatchObject({ fromStage: 'signed_up', toStage: 'lead', actor: TEST_ACTOR, source: 'local' });
    expect(await ops()).toEqual(['contact.create', 'contact.setStage', 'contact.setStage']);
  });
});

describe('contacts.signUp', () => {
  let id: string;
  beforeEach(async () => {
    id = (await t.api.call('contacts.create', { email: 'founder@initech.test', name: 'Peter Gibbons', visitorId: 'v-7' })).contact.id;
    t.events.length = 0;
  });

  it('makes the contact a user, creates the company at SQL and links them, in one go', async () => {
    const { contact, company } = await t.api.call('contacts.signUp', {
      id,
      externalId: 'user-7',
      company: { externalId: 'co-7', name: 'Initech', plan: 'pro', monthlySpend: 49 },
    });
    expect(contact).toMatchObject({ id, role: 'user', externalId: 'user-7', stage: 'signed_up', visitorId: 'v-7' });
    expect(company).toMatchObject({ externalId: 'co-7', name: 'Initech', plan: 'pro', monthlySpend: 49, stage: 'sql', userCount: 1 });

    const detail = await t.api.call('contacts.get', { id });
    expect(detail.companies).toEqual([{ id: company!.id, externalId: 'co-7', name: 'Initech', stage: 'sql' }]);
    expect(detail.history[0]).toMatchObject({ fromStage: 'lead', toStage: 'signed_up', actor: TEST_ACTOR, source: 'local' });
    const co = await t.api.call('companies.get', { id: company!.id });
    expect(co.users.map((u) => u.id)).toEqual([id]);
    expect(co.history).toMatchObject([{ fromStage: null, toStage: 'sql', actor: TEST_ACTOR, source: 'local' }]);

    const entries = await outbox();
    expect(entries.map((e) => [e.op, e.entityId])).toEqual([
      ['contact.create', id],
      ['contact.signUp', id],
      ['company.create', company!.id],
      ['company.link', id],
    ]);
    expect(entries[1]!.payload).toMatchObject({ role: 'user', externalId: 'user-7', stage: 'signed_up', from: 'lead', visitorId: 'v-7' });
    expect(entries[3]!.payload).toEqual({ companyId: company!.id });
    expect(entries.map((e) => e.seq)).toEqual([...entries.map((e) => e.seq)].sort((a, b) => a - b));
    expect(takeEvents()).toEqual([
      { name: 'changed', entity: 'contact', ids: [id], op: 'contact.signUp' },
      { name: 'changed', entity: 'company', ids: [company!.id], op: 'contact.signUp' },
    ]);
    expect((await t.api.call('contacts.list', { search: 'initech' })).items.map((c) => c.id)).toEqual([id]);

    // signing up again with the same ids changes nothing
    const before = t.core.store.fingerprint();
    const again = await t.api.call('contacts.signUp', { id, externalId: 'user-7', company: { externalId: 'co-7' } });
    expect(again.company).toMatchObject({ id: company!.id, userCount: 1 });
    expect(t.core.store.fingerprint()).toEqual(before);
    expect(takeEvents()).toEqual([]);
  });

  it('finds an existing company by its external id and promotes it to SQL', async () => {
    const existing = await t.api.call('companies.create', { name: 'Initech Inc', externalId: 'co-7' });
    const { company } = await t.api.call('contacts.signUp', { id, externalId: 'user-7', company: { externalId: 'co-7' } });
    expect(company).toMatchObject({ id: existing.id, name: 'Initech Inc', stage: 'sql', userCount: 1 });
    expect((await t.api.call('companies.list', {})).total).toBe(1);
    const entries = await outbox();
    expect(entries.map((e) => e.op)).toEqual(['contact.create', 'company.create', 'contact.signUp', 'company.setStage', 'company.link']);
    expect(entries[3]!.payload).toEqual({ from: null, stage: 'sql' });
  });

  it('leaves a company that already pays at customer', async () => {
    const paying = await t.api.call('companies.create', { name: 'Initech', externalId: 'co-7', stage: 'customer' });
    const { company } = await t.api.call('contacts.signUp', { id, externalId: 'user-7', company: { externalId: 'co-7', name: 'Ignored' } });
    expect(company).toMatchObject({ id: paying.id, stage: 'customer', name: 'Initech' });
    expect(await ops()).toEqual(['contact.create', 'company.create', 'contact.signUp', 'company.link']);
    expect((await t.api.call('companies.get', { id: paying.id })).history).toHaveLength(1);
  });

  it('signs up without a company', async () => {
    const res = await t.api.call('contacts.signUp', { id, externalId: 'user-7' });
    expect(res.company).toBeNull();
    expect(res.contact).toMatchObject({ role: 'user', stage: 'signed_up' });
    expect((await t.api.call('contacts.get', { id })).companies).toEqual([]);
  });

  it('needs a name to create a new company, and then changes nothing at all', async () => {
    const before = t.core.store.fingerprint();
    const err = await t.fail('contacts.signUp', { id, externalId: 'user-7', company: { externalId: 'co-new' } });
    expect(err).toMatchObject({ code: 'VALIDATION', field: 'company.name' });
    // the contact update that ran before the company step was rolled back with it
    expect(t.core.store.fingerprint()).toEqual(before);
    expect((await t.api.call('contacts.get', { id })).stage).toBe('lead');
    expect(t.events).toEqual([]);
  });

  it('refuses a user id that is another contact\'s, or a second user id for the same contact', async () => {
    const other = (await t.api.call('contacts.create', { name: 'Other', externalId: 'user-taken' })).contact;
    const before = t.core.store.fingerprint();
    expect(await t.fail('contacts.signUp', { id, externalId: 'user-taken' })).toMatchObject({
      code: 'CONFLICT',
      field: 'externalId',
      details: { existingId: other.id },
    });
    expect(t.core.store.fingerprint()).toEqual(before);
    await t.api.call('contacts.signUp', { id, externalId: 'user-7' });
    expect(await t.fail('contacts.signUp', { id, externalId: 'user-8' })).toMatchObject({ code: 'CONFLICT', field: 'externalId' });
  });
});

describe('persistence', () => {
  it('keeps everything when the core is disposed and built again on the same folder', async () => {
    const { contact } = await t.api.call('contacts.create', { email: 'kept@example.test', name: 'Kept Person' });
    const co = await t.api.call('companies.create', { name: 'Durable Ltd', externalId: 'co-d' });
    await t.api.call('companies.link', { contactId: contact.id, companyId: co.id });
    await t.api.call('contacts.setStage', { id: contact.id, stage: 'signed_up' });
    const before = t.core.store.fingerprint();
    const entries = await outbox();
    t.core.dispose();

    const t2 = t.reopen();
    try {
      expect(t2.core.store.fingerprint()).toEqual(before);
      expect(await t2.api.call('contacts.get', { id: contact.id })).toMatchObject({
        name: 'Kept Person',
        stage: 'signed_up',
        companies: [{ id: co.id, name: 'Durable Ltd' }],
      });
      expect((await t2.api.call('contacts.list', { search: 'durable' })).items.map((c) => c.id)).toEqual([contact.id]);
      expect((await t2.api.call('outbox.list', {})).items).toEqual(entries);
      // numbering continues after the stored entries
      await t2.api.call('contacts.update', { id: contact.id, patch: { phone: '+1 555 0000' } });
      const after = (await t2.api.call('outbox.list', {})).items;
      expect(after.at(-1)!.seq).toBeGreaterThan(entries.at(-1)!.seq);
      expect((await t2.api.call('app.info', {})).schemaVersion).toBe(LATEST_VERSION);
    } finally {
      t2.dispose();
    }
  });
});
