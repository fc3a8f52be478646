// Archive, restore and delete on a real SQLite file: an archived contact stays in the store but
// leaves the table, search, counts and segments (the Archived filter finds it), is journalled and
// undone like any change; a delete asks first, cannot be undone, and erases every row about the
// contact, so that its email and name are nowhere in the store's files afterwards.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outboxItems, removeTempDir, startCore, takeChanges, type TestCore } from '../helpers/testCore';

let t: TestCore;
beforeEach(() => {
  t = startCore();
});
afterEach(() => {
  t.dispose();
  removeTempDir(t.dir);
});

const q = <T = Record<string, unknown>>(sql: string, ...params: unknown[]) => t.core.store.db.prepare(sql).all(...params) as T[];
const one = (sql: string, ...params: unknown[]) => (t.core.store.db.prepare(sql).get(...params) as { n: number }).n;

async function lead(name: string, email: string) {
  return (await t.api.call('contacts.create', { name, email })).contact;
}

const listIds = async (input: Parameters<typeof t.api.call<'contacts.list'>>[1]) => (await t.api.call('contacts.list', input)).items.map((c) => c.id);

describe('contacts.setArchived', () => {
  it('hides archived contacts from the table, search, counts and segments; the Archived filter finds them', async () => {
    const ana = await lead('Ana Lima', 'ana@example.test');
    const bo = await lead('Bo Berg', 'bo@example.test');
    const cy = await lead('Cy Cole', 'cy@example.test');
    await t.api.call('contacts.setStage', { id: cy.id, stage: 'signed_up' });

    const res = await t.api.call('contacts.setArchived', { ids: [ana.id, cy.id, ana.id], archived: true });
    expect(res).toEqual({ changed: 2, unchanged: 0, dryRun: false });

    const detail = await t.api.call('contacts.get', { id: ana.id });
    expect(detail.archivedAt).toEqual(expect.any(String));
    // the default view: neither the rows, nor the total, nor a search, nor a stage filter shows them
    const all = await t.api.call('contacts.list', { limit: 50 });
    expect(all.items.map((c) => c.id)).toEqual([bo.id]);
    expect(all.total).toBe(1);
    const searched = await t.api.call('contacts.list', { search: 'ana', limit: 50 });
    expect(searched).toMatchObject({ items: [], total: 0 });
    expect((await t.api.call('contacts.list', { filter: { stage: ['signed_up'] }, limit: 50 })).total).toBe(0);
    expect(await listIds({ filter: { stage: ['lead'] }, sort: { field: 'name', dir: 'asc' }, limit: 50, offset: 0 })).toEqual([bo.id]);
    // segments: counts and members
    const segments = await t.api.call('segments.list', {});
    const everyone = await t.api.call('segments.count', { rule: { op: 'and', rules: [] } });
    expect(everyone.count).toBe(1);
    expect(segments.items.every((s) => (s.count ?? 0) <= 1)).toBe(true);
    expect(await listIds({ filter: { rule: { op: 'and', rules: [] } }, limit: 50 })).toEqual([bo.id]);

    // the Archived view: only them, searchable, with their total
    const archived = await t.api.call('contacts.list', { filter: { archived: true }, sort: { field: 'name', dir: 'asc' }, limit: 50 });
    expect(archived.items.map((c) => c.name)).toEqual(['Ana Lima', 'Cy Cole']);
    expect(archived.total).toBe(2);
    expect(await listIds({ filter: { archived: true }, search: 'cy', limit: 50 })).toEqual([cy.id]);
    expect(await listIds({ filter: { archived: true, rule: { op: 'and', rules: [] } }, limit: 50 })).toHaveLength(2);

    // one outbox entry each, one journalled change for the two
    const entries = (await outboxItems(t)).filter((e) => e.op === 'contact.setArchived');
    expect(entries.map((e) => [e.entityId, e.payload])).toEqual([
      [ana.id, { archived: true }],
      [cy.id, { archived: true }],
    ]);
    const change = takeChanges(t).at(-1)!;
    expect(change).toMatchObject({ kind: 'contact.archive', summary: 'Archived 2 contacts', undoable: true });
  });

  it('is undone by a restore: before the push its entries are withdrawn, after it an unarchive is queued', async () => {
    const ana = await lead('Ana Lima', 'ana@example.test');
    await t.api.call('contacts.setArchived', { ids: [ana.id], archived: true });
    const first = takeChanges(t).at(-1)!;
    const undone = await t.api.call('changes.undo', { id: first.id });
    expect(undone.message).toMatch(/Nothing of it had reached Intercom/);
    expect((await t.api.call('contacts.get', { id: ana.id })).archivedAt).toBeNull();
    expect((await outboxItems(t)).map((e) => e.op)).toEqual(['contact.create']);
    expect(await listIds({ limit: 50 })).toEqual([ana.id]);

    // as if the push had sent the create and the archive
    await t.api.call('contacts.setArchived', { ids: [ana.id], archived: true });
    const second = takeChanges(t).at(-1)!;
    t.core.store.db.prepare(`UPDATE outbox SET status = 'done'`).run();
    const undone2 = await t.api.call('changes.undo', { id: second.id });
    expect(undone2.message).toMatch(/Intercom gets the previous values/);
    const waiting = (await t.api.call('outbox.list', { status: ['pending'], limit: 50 })).items;
    expect(waiting.map((e) => [e.op, e.payload])).toEqual([['contact.setArchived', { archived: false }]]);
    expect((await t.api.call('contacts.get', { id: ana.id })).archivedAt).toBeNull();
  });

  it('a restore is journalled too, and an archived contact cannot be changed until restored', async () => {
    const ana = await lead('Ana Lima', 'ana@example.test');
    await t.api.call('contacts.setArchived', { ids: [ana.id], archived: true });
    const refused = await t.fail('contacts.update', { id: ana.id, patch: { name: 'Ana L.' } });
    expect(refused).toMatchObject({ code: 'CONFLICT', message: 'Ana Lima is archived; restore it first to change it.' });
    expect((await t.fail('contacts.setStage', { id: ana.id, stage: 'signed_up' })).code).toBe('CONFLICT');
    expect(await t.api.call('contacts.setArchived', { ids: [ana.id], archived: true, dryRun: true })).toEqual({ changed: 0, unchanged: 1, dryRun: true });
    // nor through a bulk action on a selection, nor a link
    const bo = await lead('Bo Berg', 'bo@example.test');
    const acme = await t.api.call('companies.create', { name: 'Acme' });
    expect((await t.fail('companies.link', { contactId: ana.id, companyId: acme.id })).code).toBe('CONFLICT');
    const bulk = await t.api.call('bulk.run', { target: { kind: 'ids', ids: [ana.id, bo.id] }, action: { type: 'setStage', stage: 'signed_up' }, confirm: true });
    expect(bulk.touched).toBe(1);
    expect(JSON.stringify(bulk.skipped)).toContain('archived: restore it first');
    expect((await t.api.call('contacts.get', { id: ana.id })).stage).toBe('lead');
    await t.api.call('contacts.setArchived', { ids: [ana.id], archived: false });
    expect(takeChanges(t).at(-1)).toMatchObject({ kind: 'contact.unarchive', summary: 'Restored Ana Lima', undoable: true });
    expect((await t.api.call('contacts.update', { id: ana.id, patch: { name: 'Ana L.' } })).name).toBe('Ana L.');
  });

  it('gives the same pages at any offset whether a page is read past the archived contacts or checks each one', async () => {
    const names = ['Ana', 'bo', 'Cy', null, 'Dee', 'eve', 'Fay', null, 'Gus', 'hal', 'Ivy', 'Jo', 'ana', 'Kim', 'Lou', 'Max', 'Ned', 'Oz', 'Pia', 'Quin'];
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const name = names[i % names.length];
      const { contact } = await t.api.call('contacts.create', { name: name ? `${name} ${i % 3}` : null, email: `p${i}@example.test` });
      ids.push(contact.id);
      if (i % 4 === 0) await t.api.call('contacts.setStage', { id: contact.id, stage: 'signed_up' });
    }
    await t.api.call('contacts.setArchived', { ids: ids.filter((_, i) => i % 5 === 1 || i === 0 || i === 39), archived: true });
    const repo = t.core.store.contacts;
    const queries = [
      { sort: { field: 'name' as const, dir: 'asc' as const } },
      { sort: { field: 'name' as const, dir: 'desc' as const } },
      { sort: { field: 'updatedAt' as const, dir: 'desc' as const } },
      { sort: { field: 'email' as const, dir: 'asc' as const }, filter: { stage: ['lead' as const] } },
      { sort: { field: 'createdAt' as const, dir: 'asc' as const }, search: 'p' },
    ];
    for (const base of queries) {
      const all = await t.api.call('contacts.list', { ...base, limit: 500 });
      for (const offset of [1, 3, 7, 12, 20, 25]) {
        for (const seekFrom of [Infinity, 0]) {
          repo.offsetSeekFrom = seekFrom;
          const page = await t.api.call('contacts.list', { ...base, limit: 6, offset });
          expect(page.total, JSON.stringify({ base, offset, seekFrom })).toBe(all.total);
          expect(page.items.map((c) => c.id), JSON.stringify({ base, offset, seekFrom })).toEqual(all.items.slice(offset, offset + 6).map((c) => c.id));
        }
      }
    }
    repo.offsetSeekFrom = 1000;
  });

  it('keeps the counts the table reads right through archive, restore and delete', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await lead(`P${i}`, `p${i}@example.test`)).id);
    await t.api.call('contacts.setArchived', { ids: ids.slice(0, 3), archived: true });
    await t.api.call('contacts.setArchived', { ids: [ids[0]!], archived: false });
    await t.api.call('contacts.delete', { id: ids[1]!, confirm: true });
    await t.api.call('contacts.delete', { id: ids[3]!, confirm: true });
    const counted = one('SELECT coalesce(sum(n), 0) AS n FROM contact_counts');
    const actual = one('SELECT count(*) AS n FROM contacts WHERE archived_at IS NULL');
    expect(counted).toBe(actual);
    expect(actual).toBe(2);
    expect((await t.api.call('contacts.list', { limit: 50 })).total).toBe(2);
    expect((await t.api.call('contacts.list', { filter: { archived: true }, limit: 50 })).total).toBe(1);
  });
});

describe('contacts.delete', () => {
  it('asks first, naming the contact and saying it cannot be undone', async () => {
    const ana = await lead('Ana Lima', 'ana@example.test');
    const err = await t.fail('contacts.delete', { id: ana.id });
    expect(err.code).toBe('CONFIRM_REQUIRED');
    expect(err.message).toMatch(/^Delete Ana Lima for good\? .* This cannot be undone\.$/);
    expect((await t.api.call('contacts.get', { id: ana.id })).id).toBe(ana.id);
  });

  it('erases every row about the contact; the journal keeps that a contact was deleted, not whom, and offers no undo', async () => {
    const ana = await lead('Ana Lima', 'ana@example.test');
    const bo = await lead('Bo Berg', 'bo@example.test');
    const acme = await t.api.call('companies.create', { name: 'Acme' });
    await t.api.call('companies.link', { contactId: ana.id, companyId: acme.id });
    await t.api.call('contacts.update', { id: ana.id, patch: { phone: '+1 555 0100' } });
    await t.api.call('contacts.setStageMany', { ids: [ana.id, bo.id], stage: 'signed_up' });
    await t.api.call('events.track', { contactId: ana.id, name: 'viewed-pricing' });
    await t.api.call('messages.send', { contactId: ana.id, channel: 'inapp', body: 'Hello Ana' });
    const pk = one('SELECT pk AS n FROM contacts WHERE id = ?', ana.id);

    const res = await t.api.call('contacts.delete', { id: ana.id, confirm: true });
    expect(res).toEqual({ id: ana.id, inIntercom: false, message: 'Ana Lima is deleted. This cannot be undone.' });

    expect((await t.fail('contacts.get', { id: ana.id })).code).toBe('NOT_FOUND');
    for (const [table, column] of [
      ['stage_history', 'entity_id'],
      ['outbox', 'entity_id'],
      ['conflicts', 'entity_id'],
      ['messages', 'contact_id'],
      ['import_rows', 'entity_id'],
      ['change_records', 'entity_id'],
      ['change_fields', 'entity_id'],
      ['bulk_items', 'entity_id'],
    ] as const) {
      expect(one(`SELECT count(*) AS n FROM ${table} WHERE ${column} = ?`, ana.id), table).toBe(0);
    }
    expect(one('SELECT count(*) AS n FROM events WHERE contact_pk = ?', pk)).toBe(0);
    expect(one('SELECT count(*) AS n FROM contact_companies WHERE contact_pk = ?', pk)).toBe(0);
    expect(one("SELECT count(*) AS n FROM contact_search WHERE contact_search MATCH 'lima'")).toBe(0);
    expect((await t.api.call('companies.get', { id: acme.id })).userCount).toBe(0);
    // the many-contact change stays for Bo, without Ana; no word of hers is left in the journal
    const summaries = q<{ summary: string }>('SELECT summary FROM changes').map((r) => r.summary);
    expect(summaries.join('\n')).not.toMatch(/Ana|Lima/);
    const recent = await t.api.call('changes.list', { limit: 50 });
    const deleted = recent.items.find((c) => c.kind === 'contact.delete')!;
    expect(deleted).toMatchObject({ summary: 'Deleted a contact', records: [], undoable: false, undoBlockedReason: 'a deleted contact cannot be brought back' });
    const stageMany = recent.items.find((c) => c.kind === 'contact.setStageMany')!;
    expect(stageMany.records.map((r) => r.id)).toEqual([bo.id]);
    expect((await t.fail('changes.undo', { id: deleted.id })).code).toBe('CONFLICT');
  });

  it('queues a delete for Intercom when Intercom has the contact', async () => {
    const ana = await lead('Ana Lima', 'ana@example.test');
    t.core.store.db.prepare(`UPDATE contacts SET intercom_id = 'ic-ana' WHERE id = ?`).run(ana.id);
    t.core.store.db.prepare(`UPDATE outbox SET status = 'done'`).run();
    const res = await t.api.call('contacts.delete', { id: ana.id, confirm: true });
    expect(res.inIntercom).toBe(true);
    expect(res.message).toBe('Ana Lima is deleted here, and in Intercom at the next sync. This cannot be undone.');
    // the done create (with her email) is gone; only the delete waits, naming no one
    const rows = q<{ op: string; status: string; payload: string }>('SELECT op, status, payload FROM outbox');
    expect(rows).toEqual([{ op: 'contact.delete', status: 'pending', payload: JSON.stringify({ intercomId: 'ic-ana', externalId: null, role: 'lead', createSent: false }) }]);
  });

  it('leaves none of its bytes in the store files (secure_delete, the search index merged, the log truncated)', async () => {
    const email = 'zelda.quixote@erase.example';
    const token = 'xanthippe';
    const old = await lead('Xanthippe Oldname', 'first.address@erase.example');
    // an earlier value in the journal and in freed space, and done outbox payloads naming it
    await t.api.call('contacts.update', { id: old.id, patch: { name: 'Xanthippe Quuxley', email } });
    await t.api.call('contacts.setStage', { id: old.id, stage: 'signed_up' });
    await t.api.call('events.track', { contactId: old.id, name: 'viewed-pricing', metadata: { plan: 'xanthippe-plan' } });
    await t.api.call('messages.send', { contactId: old.id, channel: 'email', subject: 'Hi Xanthippe', body: `Dear Xanthippe (${email})` });
    t.core.store.db.prepare(`UPDATE outbox SET status = 'done'`).run();
    // others around it, so its pages are shared and partly freed rather than dropped whole
    for (let i = 0; i < 30; i++) await lead(`Person ${i}`, `person${i}@example.test`);

    const files = () => ['lead-console.sqlite', 'lead-console.sqlite-wal', 'lead-console.sqlite-shm'].map((f) => path.join(t.dir, f)).filter((f) => fs.existsSync(f));
    const found = (needle: string) => files().filter((f) => fs.readFileSync(f).includes(Buffer.from(needle, 'utf8')));
    // the test can fail: before the delete the bytes are there
    t.core.store.erasure.checkpoint();
    expect(found(email).length).toBeGreaterThan(0);
    expect(found(token).length).toBeGreaterThan(0);

    await t.api.call('contacts.delete', { id: old.id, confirm: true });
    expect(found(email)).toEqual([]);
    expect(found('first.address')).toEqual([]);
    expect(found(token)).toEqual([]);
    expect(found('Xanthippe')).toEqual([]);
    expect(fs.statSync(path.join(t.dir, 'lead-console.sqlite-wal')).size).toBe(0);
    // the others are all there, and the search still works
    expect((await t.api.call('contacts.list', { search: 'person', limit: 50 })).total).toBe(30);
    expect(q('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
  });
});
