// Owners on a real store, without Intercom: the team as a sync stored it, who I am (and the name
// changes are recorded under following it), the owner of one contact (journalled, undoable), the
// owner filter and sort, "My leads", the bulk "Assign owner" with its undo, and an owner column at
// import matched by email or name.
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contactsCsv, reportLines, runImport, upload, waitFor } from './fixtures/import/importHarness';
import { removeTempDir, startCore, TEST_ACTOR, type TestCore } from '../helpers/testCore';

let t: TestCore;
beforeEach(() => {
  t = startCore();
  // the team as GET /admins gave it to a sync
  t.core.store.transaction(() =>
    t.core.store.admins.replace(
      [
        { id: '101', name: 'Sam Seller', email: 'sam@team.test' },
        { id: '102', name: 'Robin Reyes', email: 'robin@team.test' },
        { id: '103', name: 'Kai Okafor', email: 'kai@team.test' },
      ],
      Date.UTC(2024, 0, 1),
    ),
  );
});
afterEach(() => {
  t.dispose();
  removeTempDir(t.dir);
});

const lead = async (name: string, extra: Record<string, unknown> = {}) =>
  (await t.api.call('contacts.create', { name, email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.test`, ...extra })).contact.id;
const names = async (input: Record<string, unknown>) => (await t.api.call('contacts.list', { limit: 50, ...input })).items.map((c) => c.name);
const waitingOwners = async () =>
  (await t.api.call('outbox.list', { limit: 500 })).items.filter((e) => e.op === 'contact.update' && 'ownerId' in e.payload).map((e) => [e.label, e.payload.ownerId]);

describe('the team and who I am', () => {
  it('lists the team by name; a team member gone from Intercom stays, marked inactive', async () => {
    expect((await t.api.call('admins.list', {})).items.map((a) => [a.name, a.active])).toEqual([
      ['Kai Okafor', true],
      ['Robin Reyes', true],
      ['Sam Seller', true],
    ]);
    t.core.store.transaction(() => t.core.store.admins.replace([{ id: '101', name: 'Sam Seller', email: 'sam@team.test' }, { id: '103', name: 'Kai O.', email: 'kai@team.test' }], 2));
    expect((await t.api.call('admins.list', {})).items.map((a) => [a.name, a.active])).toEqual([
      ['Kai O.', true],
      ['Sam Seller', true],
      ['Robin Reyes', false],
    ]);
  });

  it('is nobody before a connection; choosing an admin makes the recorded name theirs until a name is given', async () => {
    expect((await t.api.call('admins.list', {})).me).toBeNull();
    expect((await t.api.call('app.info', {})).actor).toBe(TEST_ACTOR);
    await t.api.call('settings.set', { yourName: 'Sammy' });
    expect(await t.api.call('settings.set', { meAdminId: '102' })).toEqual({ changed: ['meAdminId', 'yourName'] });
    const s = await t.api.call('settings.get', {});
    expect(s).toMatchObject({ meAdminId: '102', yourName: null, actor: 'Robin Reyes', me: { adminId: '102', name: 'Robin Reyes', source: 'settings' } });
    // a change now is recorded under the chosen admin's name
    const id = await lead('Ana Lima');
    expect((await t.api.call('contacts.get', { id })).history[0]!.actor).toBe('Robin Reyes');
    // a name given afterwards wins for the history; who I am stays
    await t.api.call('settings.set', { yourName: 'Rob' });
    expect(await t.api.call('settings.get', {})).toMatchObject({ actor: 'Rob', me: { adminId: '102' } });
    // back to the connected admin (none here)
    await t.api.call('settings.set', { meAdminId: null });
    expect((await t.api.call('settings.get', {})).me).toBeNull();
  });

  it('refuses someone who is not in the team, in words naming the field', async () => {
    const err = await t.fail('settings.set', { meAdminId: '999' });
    expect(err).toMatchObject({ code: 'VALIDATION', field: 'meAdminId' });
    expect(err.message).toMatch(/^Who you are: there is no admin with id 999 in the team/);
    expect((await t.fail('settings.set', { meAdminId: 'sam' })).field).toBe('meAdminId');
  });
});

describe('the owner of a contact', () => {
  it('is set and taken away as one change each, sent as a contact update, and undone before the push by withdrawing it', async () => {
    const id = await lead('Ana Lima');
    const c = await t.api.call('contacts.update', { id, patch: { ownerId: '102' } });
    expect(c.ownerId).toBe('102');
    expect(await waitingOwners()).toEqual([['Ana Lima', '102']]);
    const change = (await t.api.call('changes.list', { entityId: id, limit: 1 })).items[0]!;
    expect(change).toMatchObject({ kind: 'contact.update', summary: 'Owner of Ana Lima changed', undoable: true });
    await t.api.call('changes.undo', { id: change.id });
    expect((await t.api.call('contacts.get', { id })).ownerId).toBeNull();
    expect(await waitingOwners()).toEqual([]);
  });

  it('must be a member of the team (and still in it)', async () => {
    const id = await lead('Bo Chen');
    const err = await t.fail('contacts.update', { id, patch: { ownerId: '999' } });
    expect(err).toMatchObject({ code: 'VALIDATION', field: 'patch.ownerId' });
    expect(err.message).toMatch(/^Owner: there is no admin with id 999/);
    t.core.store.transaction(() => t.core.store.admins.replace([{ id: '101', name: 'Sam Seller', email: 'sam@team.test' }], 3));
    expect((await t.fail('contacts.update', { id, patch: { ownerId: '102' } })).message).toBe('Owner: Robin Reyes is no longer in the team');
    expect((await t.fail('contacts.create', { name: 'Cy', ownerId: '999' })).field).toBe('ownerId');
    // a new lead may start with an owner: its create carries it
    const cy = (await t.api.call('contacts.create', { name: 'Cy', ownerId: '101' })).contact;
    expect(cy.ownerId).toBe('101');
    const create = (await t.api.call('outbox.list', { entityId: cy.id, limit: 5 })).items[0]!;
    expect(create).toMatchObject({ op: 'contact.create', payload: { ownerId: '101' } });
  });

  it('filters and sorts the table, and "My leads" holds who I am', async () => {
    const ann = await lead('Ann');
    const bob = await lead('Bob');
    const cat = await lead('Cat');
    await lead('Dan');
    await t.api.call('contacts.update', { id: ann, patch: { ownerId: '103' } });
    await t.api.call('contacts.update', { id: bob, patch: { ownerId: '102' } });
    await t.api.call('contacts.update', { id: cat, patch: { ownerId: '102' } });
    const byName = { sort: { field: 'name', dir: 'asc' } };
    expect(await names({ ...byName, filter: { owner: ['102'] } })).toEqual(['Bob', 'Cat']);
    expect(await names({ ...byName, filter: { owner: ['none', '103'] } })).toEqual(['Ann', 'Dan']);
    expect((await t.api.call('contacts.list', { filter: { owner: ['102'] }, limit: 1 })).total).toBe(2);
    // by owner id, nobody's last ascending (SQLite puts NULL first: first descending)
    expect(await names({ sort: { field: 'owner', dir: 'asc' } })).toEqual(['Dan', 'Bob', 'Cat', 'Ann']);
    // "me" is nobody until there is a me
    expect(await names({ filter: { owner: ['me'] } })).toEqual([]);
    const mine = () => t.api.call('segments.list', {}).then((r) => r.items.find((s) => s.builtin === 'my-leads')!);
    expect(await mine()).toMatchObject({ name: 'My leads', count: 0 });
    await t.api.call('settings.set', { meAdminId: '102' });
    expect((await mine()).count).toBe(2);
    expect(await names({ ...byName, filter: { segmentId: 'builtin:my-leads' } })).toEqual(['Bob', 'Cat']);
    expect(await names({ ...byName, filter: { owner: ['me'] } })).toEqual(['Bob', 'Cat']);
  });

  it('sorts by owner from its index, not by sorting every row', () => {
    const plan = t.core.store.contacts.explainList({ filter: {}, sort: { field: 'owner', dir: 'asc' }, limit: 50 } as never);
    expect(plan.page[0]!.queryPlan.join(' | ')).toMatch(/contacts_by_owner/);
    expect(plan.page[0]!.queryPlan.join(' | ')).not.toMatch(/TEMP B-TREE/);
  });
});

describe('bulk Assign owner', () => {
  it('counts, needs confirming, assigns as one action, and its undo puts back what nobody changed since', async () => {
    const ids = [await lead('Ann'), await lead('Bob'), await lead('Cat')];
    await t.api.call('contacts.update', { id: ids[2]!, patch: { ownerId: '103' } });
    const target = { kind: 'ids' as const, ids };
    const dry = await t.api.call('bulk.run', { target, action: { type: 'setOwner', ownerId: '103' }, dryRun: true });
    expect(dry).toMatchObject({ targeted: 3, touched: 2, skipped: [{ reason: 'already has that owner', count: 1 }] });
    expect((await t.fail('bulk.run', { target, action: { type: 'setOwner', ownerId: '103' } })).code).toBe('CONFIRM_REQUIRED');
    expect((await t.fail('bulk.run', { target, action: { type: 'setOwner', ownerId: '999' }, dryRun: true })).field).toBe('action.ownerId');
    const run = await t.api.call('bulk.run', { target, action: { type: 'setOwner', ownerId: '103' }, confirm: true });
    expect(run.bulk).toMatchObject({ summary: 'Assigned 2 selected contacts to Kai Okafor', undoable: true });
    expect(await names({ filter: { owner: ['103'] }, sort: { field: 'name', dir: 'asc' } })).toEqual(['Ann', 'Bob', 'Cat']);
    expect(await waitingOwners()).toEqual([['Cat', '103'], ['Ann', '103'], ['Bob', '103']]);

    // Bob is handed on since: kept by the undo
    await t.api.call('contacts.update', { id: ids[1]!, patch: { ownerId: '101' } });
    const undone = await t.api.call('bulk.undo', { id: run.bulk!.id });
    expect(undone).toMatchObject({ restored: 1, kept: 1, keptList: ['Owner of Bob: changed since, kept'] });
    const owners = await Promise.all(ids.map(async (id) => (await t.api.call('contacts.get', { id })).ownerId));
    expect(owners).toEqual([null, '101', '103']);
    // Ann's entry was withdrawn (it never left); Bob's own later change waits
    expect(await waitingOwners()).toEqual([['Cat', '103'], ['Bob', '101']]);
  });
});

describe('an owner column at import', () => {
  it('matches the team by email or name, whatever the case, and names the field for someone unknown', async () => {
    const csv = 'email,name,owner\nana@x.test,Ana,robin@team.test\nbo@x.test,Bo,kai okafor\ncy@x.test,Cy,Zed Nobody\ndi@x.test,Di,\n';
    const job = await upload(t, 'owners.csv', csv);
    const a = await t.api.call('import.analyse', { importId: job.id });
    expect(a.mapping).toMatchObject({ owner: 'owner' });
    const p = await t.api.call('import.preview', { importId: job.id, kind: 'contacts', mapping: a.mapping, duplicates: 'skip' });
    expect(p).toMatchObject({ rows: 4, valid: 3, invalid: 1 });
    expect(p.problems).toEqual([
      { row: 4, column: 'owner', field: 'owner', message: '"Zed Nobody" is not an admin of the workspace: give the owner\'s email or name as Intercom lists them' },
    ]);
    await t.api.call('import.start', { importId: job.id, kind: 'contacts', mapping: a.mapping, duplicates: 'update' });
    expect((await waitFor(t, job.id, ['done', 'interrupted', 'failed'])).state).toBe('done');
    const { job: done } = await runImport(t, 'again.csv', 'email,account owner\nbo@x.test,SAM SELLER\n', { duplicates: 'update' });
    expect(done.state).toBe('done');
    const byName = Object.fromEntries((await t.api.call('contacts.list', { limit: 10 })).items.map((c) => [c.name, c.ownerId]));
    expect(byName).toEqual({ Ana: '102', Bo: '101', Di: null });
    expect((await reportLines(t, job.id)).items.find((l) => l.row === 4)?.reason).toMatch(/Zed Nobody/);
  });

  it('reads back the export: its Owner column holds the owner\'s email, which the import matches', async () => {
    const ana = await lead('Ana');
    await lead('Bo');
    await t.api.call('contacts.update', { id: ana, patch: { ownerId: '103' } });
    const out = await t.api.call('contacts.export', { view: { filter: {}, sort: { field: 'name', dir: 'asc' } }, columns: ['name', 'email', 'owner'] });
    const text = fs.readFileSync(out.path, 'utf8').trim().split(/\r?\n/);
    expect(text).toEqual(['Name,Email,Owner', 'Ana,ana@example.test,kai@team.test', 'Bo,bo@example.test,']);
    // the same file into another console with the same team
    const other = startCore();
    try {
      other.core.store.transaction(() => other.core.store.admins.replace(t.core.store.admins.all(), 1));
      const { job } = await runImport(other, 'export.csv', fs.readFileSync(out.path), { kind: 'contacts' });
      expect(job.state).toBe('done');
      const owners = (await other.api.call('contacts.list', { sort: { field: 'name', dir: 'asc' }, limit: 5 })).items.map((c) => [c.name, c.ownerId]);
      expect(owners).toEqual([['Ana', '103'], ['Bo', null]]);
    } finally {
      other.dispose();
      removeTempDir(other.dir);
    }
  });

  it('leaves files without an owner column as they were', async () => {
    const { job } = await runImport(t, 'plain.csv', contactsCsv(3));
    expect(job.state).toBe('done');
    expect((await t.api.call('contacts.list', { limit: 10 })).items.every((c) => c.ownerId === null)).toBe(true);
  });
});
