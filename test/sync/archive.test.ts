// contact.archive against the sandbox: a contact removed here (ContactWriter.archiveCreated) is
// archived in Intercom once, whether Intercom had it already, it was archived or deleted there
// meanwhile, or its create was still out when it was removed; a pull while the archive waits does
// not bring it back.
import { afterEach, describe, expect, it } from 'vitest';
import type { ContactRow } from '../../electron/core/db/rows';
import { ContactWriter } from '../../electron/core/records/ContactWriter';
import { Puller } from '../../electron/core/sync/Puller';
import { allEntries, pushRig, type PushRig } from './pushHarness';

const rigs: PushRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
});

async function rig(): Promise<PushRig> {
  const r = await pushRig();
  rigs.push(r);
  return r;
}

/** Removes the contact here and queues its archive, as an undo does; returns the archive entry. */
function archive(r: PushRig, id: string): number | null {
  const { store } = r.t.core;
  const row = store.contacts.byId(id) as ContactRow;
  return store.transaction(() => new ContactWriter(store).archiveCreated(row, { at: Date.now() }));
}

const waiting = (r: PushRig) => r.t.core.store.outbox.counts();

describe('contact.archive', () => {
  it('archives a pushed contact in Intercom and removes it here; a pull meanwhile does not bring it back', async () => {
    const r = await rig();
    const ann = (await r.t.api.call('contacts.create', { email: 'ann@example.com', name: 'Ann' })).contact;
    const bo = (await r.t.api.call('contacts.create', { email: 'bo@example.com', name: 'Bo' })).contact;
    await r.pushUntilQuiet();
    const intercomId = r.t.core.store.contacts.byId(ann.id)!.intercom_id!;
    expect(r.sb.workspace.contact(intercomId)).toMatchObject({ archived: false });

    const seq = archive(r, ann.id);
    expect(seq).not.toBeNull();
    expect(r.t.core.store.contacts.byId(ann.id)).toBeUndefined();
    expect((await r.t.api.call('contacts.list', { search: 'ann', limit: 5 })).total).toBe(0);
    // the entry names the contact in words, its row being gone
    const [entry] = (await r.t.api.call('outbox.list', { limit: 5 })).items;
    expect(entry).toMatchObject({ op: 'contact.archive', payload: { intercomId, name: 'Ann', email: 'ann@example.com' } });

    // Intercom still lists Ann: the first pull must not make her again
    await new Puller(r.ctx).firstPull();
    expect(r.t.core.store.contacts.byId(ann.id)).toBeUndefined();
    expect((await r.t.api.call('contacts.list', { limit: 10 })).items.map((c) => c.id)).toEqual([bo.id]);

    const [summary] = await r.pushUntilQuiet();
    expect(summary).toMatchObject({ done: 1, failed: 0 });
    expect(r.sb.workspace.contact(intercomId)).toMatchObject({ archived: true });
    expect(r.sb.workspace.contacts().map((c) => c.email)).toEqual(['bo@example.com']);
    expect(waiting(r)).toEqual({ waiting: 0, failed: 0 });
    expect((await allEntries(r.t)).filter((e) => e.op === 'contact.archive').map((e) => e.status)).toEqual(['done']);
  });

  it('is done when Intercom archived or deleted the contact already (no error, nothing twice)', async () => {
    const r = await rig();
    const a = (await r.t.api.call('contacts.create', { email: 'a@example.com' })).contact;
    const b = (await r.t.api.call('contacts.create', { email: 'b@example.com' })).contact;
    await r.pushUntilQuiet();
    const aId = r.t.core.store.contacts.byId(a.id)!.intercom_id!;
    const bId = r.t.core.store.contacts.byId(b.id)!.intercom_id!;
    r.sb.workspace.archiveContact(aId, true);
    r.sb.workspace.deleteContact(bId);
    archive(r, a.id);
    archive(r, b.id);
    const [summary] = await r.pushUntilQuiet();
    expect(summary).toMatchObject({ done: 2, failed: 0 });
    expect(r.sb.workspace.contact(aId)).toMatchObject({ archived: true });
    expect(waiting(r)).toEqual({ waiting: 0, failed: 0 });
  });

  it('queues nothing for a contact Intercom never got: its entries are withdrawn', async () => {
    const r = await rig();
    const a = (await r.t.api.call('contacts.create', { email: 'a@example.com' })).contact;
    expect(archive(r, a.id)).toBeNull();
    expect(await allEntries(r.t)).toEqual([]);
    await r.push();
    expect(r.sb.workspace.contacts({ includeArchived: true })).toEqual([]);
  });

  it('waits for a create still in flight and archives the contact its answer names', async () => {
    const r = await rig();
    const a = (await r.t.api.call('contacts.create', { email: 'a@example.com', name: 'A' })).contact;
    // the create's answer is held until the contact has been removed here
    const client = r.ctx.client;
    const create = client.createContact.bind(client);
    let answered!: () => void;
    const reached = new Promise<void>((res) => (answered = res));
    let release!: () => void;
    const gate = new Promise<void>((res) => (release = res));
    client.createContact = async (...args) => {
      const out = await create(...args);
      answered();
      await gate;
      return out;
    };
    const pushing = r.push();
    await reached;
    expect(r.t.core.store.sync.hasInFlight(a.id)).toBe(true);
    const seq = archive(r, a.id);
    expect(seq).not.toBeNull();
    // meanwhile a pull sees the new contact (by its user id made from the local id): not brought back
    await new Puller(r.ctx).firstPull();
    expect(r.t.core.store.contacts.byId(a.id)).toBeUndefined();
    release();
    await pushing;
    const made = r.sb.workspace.contacts({ includeArchived: true });
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ email: 'a@example.com', archived: true });
    expect(waiting(r)).toEqual({ waiting: 0, failed: 0 });
  });

  it('after a crash with the create in flight, finds the contact by the user id it was created with', async () => {
    const r = await rig();
    const a = (await r.t.api.call('contacts.create', { email: 'a@example.com', name: 'A' })).contact;
    // Intercom got the create, then the process died before its answer: the entry is left in flight
    await r.push();
    const { store } = r.t.core;
    const intercomId = store.contacts.byId(a.id)!.intercom_id!;
    const [create] = await allEntries(r.t);
    store.db.prepare(`UPDATE outbox SET status = 'in_flight' WHERE seq = ?`).run(create!.seq);
    store.db.prepare(`UPDATE contacts SET intercom_id = NULL, sync_base = NULL WHERE id = ?`).run(a.id);
    archive(r, a.id);
    expect((await allEntries(r.t)).find((e) => e.op === 'contact.archive')?.payload).toMatchObject({ intercomId: null });
    await r.pushUntilQuiet();
    expect(r.sb.workspace.contacts({ includeArchived: true })).toEqual([expect.objectContaining({ id: intercomId, archived: true })]);
    expect((await allEntries(r.t)).map((e) => e.status)).toEqual(['done', 'done']);
  });
});
