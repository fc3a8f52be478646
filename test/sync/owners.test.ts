// Owners across a team: three consoles (three data folders) on one sandbox over HTTP, each run
// driven by hand (runOnce, one shared clock). The team comes from GET /admins, an owner set in one
// console reaches Intercom as owner_id and the others by their pull, a change of the same owner on
// two consoles is a conflict, an undo after the push sends the old owner back, and Intercom
// refuses an owner that is not an admin.
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
  sb = await startSandbox({ searchLagMs: 0, randomSeed: 5, now: clock.now, rateLimit: { limit: 1_000_000, windowMs: 10_000 } });
  const out: TestCore[] = [];
  for (let i = 0; i < n; i++) {
    const t = startCore(undefined, clock, { intercom: { baseUrl: sb.url, source: 'start-option', token: sb.token } });
    consoles.push(t);
    out.push(t);
  }
  return out;
}

const sync = async (t: TestCore) => {
  const status = await t.core.sync.runOnce();
  expect(status.state, status.message ?? '').toBe('idle');
  return status;
};
const remoteOf = (t: TestCore, id: string) => sb.workspace.contact(t.core.store.contacts.byId(id)!.intercom_id!)!;
const localByIntercom = (t: TestCore, intercomId: string) => t.core.store.db.prepare('SELECT id FROM contacts WHERE intercom_id = ?').pluck().get(intercomId) as string;

describe('owners across consoles', () => {
  it('reads the team, pushes an owner as owner_id, pulls it into the others, and all agree with Intercom', async () => {
    const [a, b, c] = await team(3);
    const [me, robin, kai] = sb.workspace.team();
    // as the engine does at start: GET /me says who the token belongs to
    await a!.api.call('sync.testConnection', {});
    await sync(a!);
    const listed = await a!.api.call('admins.list', {});
    expect(listed.items.map((x) => [x.id, x.name, x.active])).toEqual(
      [kai!, robin!, me!].map((x) => [x.id, x.name, true]), // by name: Kai, Robin, Sam
    );
    // who I am: the connected admin, by default
    expect(listed.me).toEqual({ adminId: me!.id, name: me!.name, email: me!.email, source: 'connection' });

    const { contact } = await a!.api.call('contacts.create', { name: 'Ana Lima', email: 'ana@example.test' });
    await a!.api.call('contacts.update', { id: contact.id, patch: { ownerId: robin!.id } });
    await sync(a!);
    expect(remoteOf(a!, contact.id).owner_id).toBe(Number(robin!.id));

    await sync(b!);
    await sync(c!);
    const intercomId = a!.core.store.contacts.byId(contact.id)!.intercom_id!;
    const onB = localByIntercom(b!, intercomId);
    expect((await b!.api.call('contacts.get', { id: onB })).ownerId).toBe(robin!.id);

    // B hands the lead to Kai; A learns it on its next pull (applied, not a conflict: A did not touch it)
    await b!.api.call('contacts.update', { id: onB, patch: { ownerId: kai!.id } });
    await sync(b!);
    expect(remoteOf(b!, onB).owner_id).toBe(Number(kai!.id));
    await sync(a!);
    await sync(c!);
    expect((await a!.api.call('contacts.get', { id: contact.id })).ownerId).toBe(kai!.id);
    expect((await a!.api.call('conflicts.list', {})).total).toBe(0);

    // C is Kai: "My leads" there holds the lead, and C's changes carry Kai's name
    await c!.api.call('settings.set', { meAdminId: kai!.id });
    const mine = (await c!.api.call('segments.list', {})).items.find((s) => s.builtin === 'my-leads')!;
    expect(mine.count).toBe(1);
    expect((await c!.api.call('app.info', {})).actor).toBe('Kai Okafor');
    // on A, who is the connected admin, nobody's lead is theirs
    expect((await a!.api.call('segments.list', {})).items.find((s) => s.builtin === 'my-leads')!.count).toBe(0);

    for (const t of [a!, b!, c!]) expect(await storeVsIntercom(t, sb)).toEqual([]);
  });

  it('an owner changed on two consoles before either synced is a conflict; keeping ours sends it', async () => {
    const [a, b] = await team(2);
    const [, robin, kai] = sb.workspace.team();
    const { contact } = await a!.api.call('contacts.create', { name: 'Bo Chen', email: 'bo@example.test' });
    await sync(a!);
    await sync(b!);
    const onB = localByIntercom(b!, a!.core.store.contacts.byId(contact.id)!.intercom_id!);

    await a!.api.call('contacts.update', { id: contact.id, patch: { ownerId: robin!.id } });
    await b!.api.call('contacts.update', { id: onB, patch: { ownerId: kai!.id } });
    await sync(a!);
    await b!.core.sync.runOnce();
    const conflicts = await b!.api.call('conflicts.list', { entityId: onB });
    expect(conflicts.items.map((k) => [k.field, k.localValue, k.remoteValue])).toEqual([['ownerId', kai!.id, robin!.id]]);
    // nothing overwrote Robin while the conflict is open
    expect(remoteOf(b!, onB).owner_id).toBe(Number(robin!.id));

    await b!.api.call('conflicts.resolve', { id: conflicts.items[0]!.id, keep: 'local' });
    await sync(b!);
    expect(remoteOf(b!, onB).owner_id).toBe(Number(kai!.id));
    await sync(a!);
    expect((await a!.api.call('contacts.get', { id: contact.id })).ownerId).toBe(kai!.id);
    for (const t of [a!, b!]) expect(await storeVsIntercom(t, sb)).toEqual([]);
  });

  it('undo after the push sends the owner back; taking the owner away sends null', async () => {
    const [a] = await team(1);
    const [, robin] = sb.workspace.team();
    const { contact } = await a!.api.call('contacts.create', { name: 'Cy Diaz', email: 'cy@example.test' });
    await sync(a!);
    await a!.api.call('contacts.update', { id: contact.id, patch: { ownerId: robin!.id } });
    const change = (await a!.api.call('changes.list', { entityId: contact.id, limit: 1 })).items[0]!;
    expect(change).toMatchObject({ summary: 'Owner of Cy Diaz changed', undoable: true });
    await sync(a!);
    expect(remoteOf(a!, contact.id).owner_id).toBe(Number(robin!.id));

    await a!.api.call('changes.undo', { id: change.id });
    expect((await a!.api.call('contacts.get', { id: contact.id })).ownerId).toBeNull();
    await sync(a!);
    expect(remoteOf(a!, contact.id).owner_id).toBeNull();
    expect(await storeVsIntercom(a!, sb)).toEqual([]);
  });

  it('a refused owner fails its entry with Intercom\'s words, naming owner_id', async () => {
    const [a] = await team(1);
    const { contact } = await a!.api.call('contacts.create', { name: 'Di Eze', email: 'di@example.test' });
    await sync(a!);
    // a colleague who left: still in the store's team, no longer an admin of the workspace
    a!.core.store.transaction(() => a!.core.store.admins.replace([...sb.workspace.team(), { id: '42', name: 'Gone Person', email: null }], Date.now()));
    await a!.api.call('contacts.update', { id: contact.id, patch: { ownerId: '42' } });
    await a!.core.sync.runOnce();
    const failed = (await a!.api.call('outbox.list', { status: ['failed'], limit: 5 })).items;
    expect(failed).toHaveLength(1);
    expect(failed[0]!.lastError).toMatch(/owner_id/);
    // the team read again marks the one Intercom no longer lists as gone, and keeps it for its contacts
    const gone = (await a!.api.call('admins.list', {})).items.find((x) => x.id === '42')!;
    expect(gone).toMatchObject({ name: 'Gone Person', active: false });
  });
});
