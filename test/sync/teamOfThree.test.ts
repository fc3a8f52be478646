// A team on one workspace: three consoles (three data folders) on one sandbox over HTTP, each run
// driven by hand on one shared clock. One assigns an owner, another adds a note and a tag, a
// third archives a contact; after their syncs every store agrees with Intercom and with the others.
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../electron/sandbox';
import { storeVsIntercom } from '../helpers/storeVsIntercom';
import { removeTempDir, startCore, TestClock, type TestCore } from '../helpers/testCore';

let sb: Sandbox;
const consoles: TestCore[] = [];
afterEach(async () => {
  for (const t of consoles.splice(0)) {
    t.dispose();
    removeTempDir(t.dir);
  }
  await sb?.close();
});

async function team(n: number) {
  const clock = new TestClock();
  sb = await startSandbox({ searchLagMs: 0, randomSeed: 11, now: clock.now, rateLimit: { limit: 1_000_000, windowMs: 10_000 } });
  const out: TestCore[] = [];
  for (let i = 0; i < n; i++) {
    const t = startCore(undefined, clock, { intercom: { baseUrl: sb.url, source: 'start-option', token: sb.token }, autoSync: false });
    consoles.push(t);
    out.push(t);
  }
  return { consoles: out, clock };
}

const sync = async (t: TestCore) => {
  const status = await t.core.sync.runOnce();
  expect(status.state, status.message ?? '').toBe('idle');
  expect(status.pending).toBe(0);
  return status;
};

/** A console's own id for the contact Intercom knows by `intercomId`. */
const localId = (t: TestCore, intercomId: string) => t.core.store.db.prepare('SELECT id FROM contacts WHERE intercom_id = ?').pluck().get(intercomId) as string | undefined;

/** What the team shares of one contact, as one console holds it. */
async function shared(t: TestCore, intercomId: string) {
  const id = localId(t, intercomId);
  if (!id) return null;
  const c = await t.api.call('contacts.get', { id });
  const notes = await t.api.call('notes.list', { contactId: id });
  const tags = await t.api.call('tags.of', { type: 'contact', id });
  return {
    name: c.name,
    email: c.email,
    ownerId: c.ownerId,
    archived: c.archivedAt !== null,
    notes: notes.items.map((n) => n.body).sort(),
    tags: tags.items.map((x) => x.name).sort(),
  };
}

describe('a team of three consoles on one workspace', () => {
  it('owner, note, tag and archive made on three consoles end the same everywhere and equal to Intercom', { timeout: 120_000 }, async () => {
    const { consoles: [a, b, c], clock } = await team(3);
    const [, robin] = sb.workspace.team();

    const { contact: ana } = await a!.api.call('contacts.create', { name: 'Ana Lima', email: 'ana@team.test' });
    const { contact: bo } = await a!.api.call('contacts.create', { name: 'Bo Berg', email: 'bo@team.test' });
    await sync(a!);
    const anaIc = a!.core.store.contacts.byId(ana.id)!.intercom_id!;
    const boIc = a!.core.store.contacts.byId(bo.id)!.intercom_id!;
    // the colleagues' first pulls bring both in
    await sync(b!);
    await sync(c!);
    expect(localId(b!, anaIc)).toBeDefined();
    expect(localId(c!, boIc)).toBeDefined();

    // B writes a note on Ana and tags her
    await b!.api.call('notes.add', { contactId: localId(b!, anaIc)!, note: 'Call back on Monday' });
    await b!.api.call('tags.add', { type: 'contact', id: localId(b!, anaIc)!, name: 'Hot lead', create: true });
    await sync(b!);
    // A hands Ana to Robin
    await a!.api.call('contacts.update', { id: ana.id, patch: { ownerId: robin!.id } });
    await sync(a!);
    // C archives Bo
    await c!.api.call('contacts.setArchived', { ids: [localId(c!, boIc)!], archived: true });
    await sync(c!);

    // a quarter of an hour passes (a console reads a contact it no longer sees listed only once
    // it has been quiet for a while: Intercom's reads lag its writes), then everyone syncs (twice round: what one pushed in the first round reaches the others in the second)
    clock.step = 15 * 60_000;
    clock.now();
    clock.step = 1000;
    for (let round = 0; round < 2; round++) for (const t of [a!, b!, c!]) await sync(t);

    // Intercom has all three changes
    expect(sb.workspace.contact(anaIc)).toMatchObject({ owner_id: Number(robin!.id) });
    expect(sb.workspace.notes(anaIc).map((n) => n.body)).toEqual(['<p>Call back on Monday</p>']);
    expect(sb.workspace.contact(boIc)).toMatchObject({ archived: true });
    const hot = sb.workspace.listTags().data.find((x) => x.name === 'Hot lead')!;
    expect(sb.workspace.contact(anaIc)!.tags.data.map((x) => x.id)).toEqual([hot.id]);

    // and every console holds the same, equal to Intercom
    const expected = { name: 'Ana Lima', email: 'ana@team.test', ownerId: robin!.id, archived: false, notes: ['Call back on Monday'], tags: ['Hot lead'] };
    for (const t of [a!, b!, c!]) {
      expect(await shared(t, anaIc)).toEqual(expected);
      expect(await shared(t, boIc)).toMatchObject({ name: 'Bo Berg', archived: true });
      expect(await storeVsIntercom(t, sb)).toEqual([]);
    }
  });
});
