// A Tags column at import: comma-separated names, each once whatever its case, a tag the
// workspace lacks made (the file names it), entries held until the import finishes; the
// rollback takes off the tags it put on contacts that stay.
import { describe, expect, it } from 'vitest';
import { coresPerTest, type TestCore } from '../helpers/testCore';
import { runImport } from './fixtures/import/importHarness';

const core = coresPerTest();

const tagsOf = async (t: TestCore, email: string) => {
  const [c] = (await t.api.call('contacts.list', { search: email, limit: 1 })).items;
  return c!.tags;
};

describe('import: tags', () => {
  it('guesses a Tags column, puts each listed tag on the contact and makes the ones missing', async () => {
    const t = core();
    const ann = (await t.api.call('contacts.create', { email: 'ann@example.test', name: 'Ann' })).contact;
    await t.api.call('tags.add', { type: 'contact', id: ann.id, name: 'VIP', create: true });
    const { job, analysis } = await runImport(t, 'people.csv', 'email,name,Tags\nann@example.test,Ann,"vip, Beta"\nbob@example.test,Bob,"Beta,beta , Hot"\ncy@example.test,Cy,\n', {
      duplicates: 'update',
    });
    expect(analysis.mapping.Tags).toBe('tags');
    expect(job).toMatchObject({ state: 'done', created: 2, updated: 1, failed: 0 });
    expect(await tagsOf(t, 'ann@example.test')).toEqual(['Beta', 'VIP']);
    expect(await tagsOf(t, 'bob@example.test')).toEqual(['Beta', 'Hot']);
    expect(await tagsOf(t, 'cy@example.test')).toEqual([]);
    expect((await t.api.call('tags.list', {})).items.map((x) => [x.name, x.contacts])).toEqual([
      ['Beta', 2],
      ['Hot', 1],
      ['VIP', 1],
    ]);
    const ops = (await t.api.call('outbox.list', { limit: 100 })).items.filter((e) => e.op === 'contact.tag').map((e) => e.payload.name);
    expect(ops.sort()).toEqual(['Beta', 'Beta', 'Hot', 'VIP']);

    const rolled = await t.api.call('import.rollback', { importId: job.id, confirm: true });
    expect(rolled.state).toBe('rolled_back');
    // ann stays, with only the tag she had before; bob and cy were the import's
    expect(await tagsOf(t, 'ann@example.test')).toEqual(['VIP']);
    expect((await t.api.call('contacts.list', { search: 'bob@example.test', limit: 1 })).total).toBe(0);
    const left = (await t.api.call('outbox.list', { limit: 100 })).items.filter((e) => e.op.endsWith('tag')).map((e) => e.payload.name);
    expect(left).toEqual(['VIP']);
  });

  it('refuses a tag name that is too long, naming the row and column', async () => {
    const t = core();
    const { job } = await runImport(t, 'people.csv', `email,tags\nann@example.test,${'x'.repeat(191)}\n`);
    expect(job).toMatchObject({ state: 'done', created: 0, failed: 1 });
  });
});
