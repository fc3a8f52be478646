// Tags on contacts and companies through the API on a real SQLite file: a new tag only when asked
// for, names matched whatever their case, each change an outbox entry and a journalled change
// whose undo withdraws the entry (before the push) or queues the opposite one (after it), and
// tags going with the record they are on.
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

const contact = async (name: string) => (await t.api.call('contacts.create', { name })).contact.id;
const tagOps = async () => (await outboxItems(t)).filter((o) => o.op.endsWith('tag')).map((o) => [o.op, o.entityId, o.payload.name]);
const tagsOf = async (type: 'contact' | 'company', id: string) => (await t.api.call('tags.of', { type, id })).items.map((x) => x.name);

describe('tags.add / tags.remove', () => {
  it('refuses an unknown tag unless asked to create it, then matches its name in any case', async () => {
    const ann = await contact('Ann');
    const err = await t.fail('tags.add', { type: 'contact', id: ann, name: 'VIP' });
    expect(err).toMatchObject({ code: 'NOT_FOUND', field: 'name' });
    expect(err.message).toMatch(/^Tag: the workspace has no tag “VIP”; choose Create tag/);
    expect((await t.api.call('tags.list', {})).items).toEqual([]);

    const made = await t.api.call('tags.add', { type: 'contact', id: ann, name: 'VIP', create: true });
    expect(made).toMatchObject({ created: true, changed: true, tag: { name: 'VIP' } });
    // the same name in another case is the same tag, and a second add changes nothing
    const again = await t.api.call('tags.add', { type: 'contact', id: ann, name: 'vip', create: true });
    expect(again).toEqual({ tag: made.tag, created: false, changed: false });
    expect(await tagsOf('contact', ann)).toEqual(['VIP']);
    expect(await tagOps()).toEqual([['contact.tag', ann, 'VIP']]);
    expect((await t.api.call('tags.list', {})).items).toEqual([{ ...made.tag, intercomId: null, contacts: 1, companies: 0 }]);
  });

  it('tags a company, lists the tags in the table and takes them off', async () => {
    const ann = await contact('Ann');
    const co = await t.api.call('companies.create', { name: 'Acme' });
    const hot = await t.api.call('tags.add', { type: 'company', id: co.id, name: 'Hot', create: true });
    await t.api.call('tags.add', { type: 'contact', id: ann, name: 'Hot' });
    await t.api.call('tags.add', { type: 'contact', id: ann, name: 'Beta', create: true });
    expect(await tagsOf('company', co.id)).toEqual(['Hot']);
    const page = await t.api.call('contacts.list', { limit: 10 });
    expect(page.items.find((c) => c.id === ann)!.tags).toEqual(['Beta', 'Hot']);
    // the companies list carries each company's tags too (another company has none)
    const other = await t.api.call('companies.create', { name: 'Bolt' });
    const companies = await t.api.call('companies.list', {});
    expect(companies.items.map((c) => [c.id, c.tags])).toEqual([
      [co.id, ['Hot']],
      [other.id, []],
    ]);

    expect(await t.api.call('tags.remove', { type: 'company', id: co.id, tagId: hot.tag.id })).toEqual({ changed: true });
    expect(await t.api.call('tags.remove', { type: 'company', id: co.id, tagId: hot.tag.id })).toEqual({ changed: false });
    expect(await tagsOf('company', co.id)).toEqual([]);
    expect((await tagOps()).filter(([, id]) => id === co.id)).toEqual([
      ['company.tag', co.id, 'Hot'],
      ['company.untag', co.id, 'Hot'],
    ]);
  });

  it('filters the table by a tag (any case), alone, with a search, and with a rule', async () => {
    const ann = await contact('Ann Lima');
    const bob = await contact('Bob Lima');
    await contact('Cy Cole');
    await t.api.call('tags.add', { type: 'contact', id: ann, name: 'VIP', create: true });
    await t.api.call('tags.add', { type: 'contact', id: bob, name: 'VIP' });
    const names = async (input: Parameters<typeof t.api.call<'contacts.list'>>[1]) => {
      const page = await t.api.call('contacts.list', input);
      return { total: page.total, names: page.items.map((c) => c.name).sort() };
    };
    expect(await names({ filter: { tag: 'vip' }, limit: 10 })).toEqual({ total: 2, names: ['Ann Lima', 'Bob Lima'] });
    expect(await names({ filter: { tag: 'VIP' }, search: 'ann', limit: 10 })).toEqual({ total: 1, names: ['Ann Lima'] });
    expect(await names({ filter: { tag: 'VIP', rule: { op: 'and', rules: [{ field: 'text', value: 'bob' }] } }, limit: 10 })).toEqual({ total: 1, names: ['Bob Lima'] });
    expect(await names({ filter: { tag: 'Nobody' }, limit: 10 })).toEqual({ total: 0, names: [] });
    // read by walking the sort index (a probe of the tag's key per row) or from the tag's key: the same rows
    const q = { filter: { tag: 'vip' }, sort: { field: 'name' as const, dir: 'asc' as const }, limit: 10 };
    const walked = t.core.store.contacts.listBare(q, { plan: 'walk' }).rows.map((r) => r.name);
    expect(walked).toEqual(['Ann Lima', 'Bob Lima']);
    expect(t.core.store.contacts.listBare(q, { plan: 'plain' }).rows.map((r) => r.name)).toEqual(walked);
    expect(t.core.store.contacts.explainList(q, { plan: 'walk' }).page[0]!.sql).toMatch(/EXISTS \(SELECT 1 FROM contact_tags ct WHERE ct.tag_pk = /);
  });

  it('journals each tag change; its undo withdraws the entry while Intercom has not got it', async () => {
    const ann = await contact('Ann Lima');
    takeChanges(t);
    await t.api.call('tags.add', { type: 'contact', id: ann, name: 'VIP', create: true });
    const [change] = takeChanges(t);
    expect(change).toMatchObject({ kind: 'contact.tag', summary: 'Ann Lima tagged VIP', undoable: true });
    const undone = await t.api.call('changes.undo', { id: change!.id });
    expect(undone.message).toMatch(/Nothing of it had reached Intercom/);
    expect(await tagsOf('contact', ann)).toEqual([]);
    expect(await tagOps()).toEqual([]);
  });

  it('after the push, the undo queues the opposite entry; a change made since blocks it', async () => {
    const ann = await contact('Ann');
    const { tag } = await t.api.call('tags.add', { type: 'contact', id: ann, name: 'VIP', create: true });
    takeChanges(t);
    await t.api.call('tags.remove', { type: 'contact', id: ann, tagId: tag.id });
    const [removal] = takeChanges(t);
    // as if the push had sent every entry so far
    t.core.store.db.prepare(`UPDATE outbox SET status = 'done'`).run();
    await t.api.call('changes.undo', { id: removal!.id });
    expect(await tagsOf('contact', ann)).toEqual(['VIP']);
    expect((await outboxItems(t)).filter((o) => o.status === 'pending').map((o) => o.op)).toEqual(['contact.tag']);

    await t.api.call('tags.add', { type: 'contact', id: ann, name: 'Other', create: true });
    const [, add] = (await t.api.call('changes.list', { limit: 10 })).items.filter((c) => c.kind === 'contact.tag');
    expect(add).toMatchObject({ undoable: true });
    await t.api.call('tags.remove', { type: 'contact', id: ann, tagId: tag.id });
    const list = (await t.api.call('changes.list', { limit: 10 })).items;
    const firstAdd = list.filter((c) => c.kind === 'contact.tag').at(-1)!;
    expect(firstAdd).toMatchObject({ undoable: false });
    expect(firstAdd.undoBlockedReason).toMatch(/Tag VIP of Ann changed again since/);
  });

  it('takes a contact’s tags with it when the row goes (ON DELETE CASCADE)', async () => {
    const ann = await contact('Ann');
    await t.api.call('tags.add', { type: 'contact', id: ann, name: 'VIP', create: true });
    const db = t.core.store.db;
    const pk = (db.prepare('SELECT pk FROM contacts WHERE id = ?').get(ann) as { pk: number }).pk;
    db.prepare('DELETE FROM contact_search WHERE rowid = ?').run(pk);
    db.prepare('DELETE FROM contacts WHERE pk = ?').run(pk);
    expect(db.prepare('SELECT count(*) AS n FROM contact_tags').get()).toEqual({ n: 0 });
    expect((await t.api.call('tags.list', {})).items[0]).toMatchObject({ name: 'VIP', contacts: 0 });
  });
});
