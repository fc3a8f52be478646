// Tags synced both ways against the sandbox over HTTP: a tag made here reaches Intercom with its
// first use (contacts by POST /contacts/{id}/tags, companies through POST /tags), comes off again,
// survives a lost answer; the pull brings the workspace's tags, a contact's tags (more than the 10
// the contact object lists, read whole), a company's, and tags removed or deleted there; and a
// team of consoles on one workspace ends agreeing with Intercom and with each other.
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../electron/sandbox';
import { removeTempDir, startCore, TestClock, type TestCore } from '../helpers/testCore';

const open: { cores: TestCore[]; sandboxes: Sandbox[] } = { cores: [], sandboxes: [] };
afterEach(async () => {
  for (const t of open.cores.splice(0)) {
    t.dispose();
    removeTempDir(t.dir);
  }
  await Promise.all(open.sandboxes.splice(0).map((s) => s.close()));
});

async function workspace(faults = {}) {
  const clock = new TestClock();
  const sb = await startSandbox({ searchLagMs: 0, randomSeed: 5, now: clock.now, faults, rateLimit: { limit: 1_000_000, windowMs: 10_000 } });
  open.sandboxes.push(sb);
  return { sb, clock };
}

function console_(sb: Sandbox, clock: TestClock): TestCore {
  const t = startCore(undefined, clock, {
    intercom: { baseUrl: sb.url, source: 'start-option', token: sb.token },
    autoSync: false,
    sync: { client: { timeoutMs: 5000, backoff: { baseMs: 5, maxMs: 50 } } },
  });
  open.cores.push(t);
  return t;
}

/** Runs until nothing waits, moving the clock past retry times (as the engine would come back). */
async function sync(t: TestCore) {
  for (let i = 0; i < 20; i++) {
    const status = await t.core.sync.runOnce();
    if (status.pending === 0 && status.failed === 0 && status.state === 'idle') return status;
    t.clock.now();
    (t.clock as unknown as { t: number }).t += 11 * 60_000;
  }
  throw new Error(`the outbox did not drain: ${JSON.stringify(await t.core.sync.status())}`);
}

const tagsHere = async (t: TestCore, type: 'contact' | 'company', id: string) => (await t.api.call('tags.of', { type, id })).items.map((x) => x.name).sort();
const tagsThere = (sb: Sandbox, intercomId: string) =>
  sb.workspace
    .contactTags(intercomId)
    .data.map((x) => x.name)
    .sort();
const companyTagsThere = (sb: Sandbox, intercomId: string) =>
  ((sb.workspace.company(intercomId)?.tags.tags ?? []) as { name: string }[]).map((x) => x.name).sort();

describe('tags, pushed', () => {
  it('makes a new tag in Intercom with its first use, tags and untags a contact and a company', async () => {
    const { sb, clock } = await workspace();
    const t = console_(sb, clock);
    const ann = (await t.api.call('contacts.create', { name: 'Ann', email: 'ann@example.test' })).contact;
    const acme = await t.api.call('companies.create', { name: 'Acme' });
    await t.api.call('companies.link', { contactId: ann.id, companyId: acme.id });
    const vip = await t.api.call('tags.add', { type: 'contact', id: ann.id, name: 'VIP', create: true });
    await t.api.call('tags.add', { type: 'company', id: acme.id, name: 'Enterprise', create: true });
    await sync(t);

    const annThere = t.core.store.contacts.byId(ann.id)!.intercom_id!;
    const acmeThere = t.core.store.companies.byId(acme.id)!.intercom_id!;
    expect(tagsThere(sb, annThere)).toEqual(['VIP']);
    expect(companyTagsThere(sb, acmeThere)).toEqual(['Enterprise']);
    const listed = (await t.api.call('tags.list', {})).items;
    expect(listed.map((x) => [x.name, x.intercomId])).toEqual([
      ['Enterprise', sb.workspace.listTags().data.find((x) => x.name === 'Enterprise')!.id],
      ['VIP', sb.workspace.listTags().data.find((x) => x.name === 'VIP')!.id],
    ]);

    await t.api.call('tags.remove', { type: 'contact', id: ann.id, tagId: vip.tag.id });
    await t.api.call('tags.remove', { type: 'company', id: acme.id, tagId: listed[0]!.id });
    await sync(t);
    expect(tagsThere(sb, annThere)).toEqual([]);
    expect(companyTagsThere(sb, acmeThere)).toEqual([]);

    // the undo of a removal that reached Intercom puts the tag back there too
    const removal = (await t.api.call('changes.list', { limit: 10 })).items.find((c) => c.kind === 'contact.untag')!;
    expect(removal.undoable).toBe(true);
    expect((await t.api.call('changes.undo', { id: removal.id })).message).toMatch(/Intercom gets the previous values at the next sync/);
    await sync(t);
    expect(tagsThere(sb, annThere)).toEqual(['VIP']);
    expect(await tagsHere(t, 'contact', ann.id)).toEqual(['VIP']);
  });

  it('tags once when the answer is lost after Intercom applied it, and retries through server errors', async () => {
    const { sb, clock } = await workspace();
    const t = console_(sb, clock);
    const ann = (await t.api.call('contacts.create', { name: 'Ann', email: 'ann@example.test' })).contact;
    await sync(t);
    await t.api.call('tags.add', { type: 'contact', id: ann.id, name: 'VIP', create: true });
    sb.setFaults({ dropAfterCommitRate: 1 });
    // POST /tags made the tag, but its answer was lost: the entry waits and goes again
    await t.core.sync.runOnce();
    expect(sb.workspace.listTags().data.map((x) => x.name)).toEqual(['VIP']);
    expect((await t.core.sync.status()).pending).toBeGreaterThan(0);
    sb.setFaults({ dropAfterCommitRate: 0, errorRate: 1 });
    await t.core.sync.runOnce();
    sb.setFaults({ errorRate: 0 });
    await sync(t);
    expect(sb.workspace.listTags().data.map((x) => x.name)).toEqual(['VIP']);
    expect(tagsThere(sb, t.core.store.contacts.byId(ann.id)!.intercom_id!)).toEqual(['VIP']);
  });
});

describe('tags, pulled', () => {
  it('brings the workspace’s tags, a contact’s (all of them past the 10 listed) and a company’s, and what goes there', async () => {
    const { sb, clock } = await workspace();
    const t = console_(sb, clock);
    const ws = sb.workspace;
    const bea = ws.remoteCreateContact({ name: 'Bea', email: 'bea@example.test', role: 'user', external_id: 'u-bea' });
    const co = ws.upsertCompany({ company_id: 'globex', name: 'Globex' });
    ws.attachCompany(bea.id, { id: co.id });
    const names = Array.from({ length: 12 }, (_, i) => `T${String(i).padStart(2, '0')}`);
    for (const name of names) ws.createTag({ name, users: [{ id: bea.id }] });
    ws.createTag({ name: 'Partner', companies: [{ id: co.id }] });
    ws.createTag({ name: 'Unused' });
    await sync(t);

    const beaHere = (await t.api.call('contacts.list', { search: 'bea', limit: 1 })).items[0]!;
    expect(await tagsHere(t, 'contact', beaHere.id)).toEqual(names);
    const globex = (await t.api.call('companies.list', { search: 'globex', limit: 1 })).items[0]!;
    expect(await tagsHere(t, 'company', globex.id)).toEqual(['Partner']);
    expect((await t.api.call('tags.list', {})).items.map((x) => x.name)).toEqual(['Partner', ...names, 'Unused']);

    // taken off there, and a tag deleted there
    const t00 = ws.listTags().data.find((x) => x.name === 'T00')!;
    ws.detachTag(bea.id, t00.id);
    ws.deleteTag(ws.listTags().data.find((x) => x.name === 'Unused')!.id);
    ws.createTag({ name: 'Partner', companies: [{ id: co.id, untag: true }] });
    await sync(t);
    expect(await tagsHere(t, 'contact', beaHere.id)).toEqual(names.slice(1));
    expect(await tagsHere(t, 'company', globex.id)).toEqual([]);
    expect((await t.api.call('tags.list', {})).items.map((x) => x.name)).not.toContain('Unused');
  });
});

describe('a team on one workspace', () => {
  it('two consoles tag and untag the same contact; after their syncs both agree with Intercom', async () => {
    const { sb, clock } = await workspace();
    const a = console_(sb, clock);
    const b = console_(sb, clock);
    const ann = (await a.api.call('contacts.create', { name: 'Ann', email: 'ann@example.test' })).contact;
    await a.api.call('tags.add', { type: 'contact', id: ann.id, name: 'VIP', create: true });
    await sync(a);
    await sync(b);
    const annB = (await b.api.call('contacts.list', { search: 'ann', limit: 1 })).items[0]!;
    expect(annB.tags).toEqual(['VIP']);

    // b takes VIP off and puts Hot on (a tag b makes); a adds Beta meanwhile
    const vipB = (await b.api.call('tags.list', {})).items.find((x) => x.name === 'VIP')!;
    await b.api.call('tags.remove', { type: 'contact', id: annB.id, tagId: vipB.id });
    await b.api.call('tags.add', { type: 'contact', id: annB.id, name: 'Hot', create: true });
    await a.api.call('tags.add', { type: 'contact', id: ann.id, name: 'Beta', create: true });
    await sync(b);
    await sync(a);
    await sync(b);

    const there = tagsThere(sb, a.core.store.contacts.byId(ann.id)!.intercom_id!);
    expect(there).toEqual(['Beta', 'Hot']);
    expect(await tagsHere(a, 'contact', ann.id)).toEqual(there);
    expect(await tagsHere(b, 'contact', annB.id)).toEqual(there);
    const workspaceTags = sb.workspace.listTags().data.map((x) => x.name).sort();
    expect((await a.api.call('tags.list', {})).items.map((x) => x.name).sort()).toEqual(workspaceTags);
    expect((await b.api.call('tags.list', {})).items.map((x) => x.name).sort()).toEqual(workspaceTags);
  });
});
