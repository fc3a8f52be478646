// Archive, restore and delete through the push, against the sandbox over HTTP: contact.setArchived
// archives and unarchives the Intercom contact (the undo of an archive too), contact.delete deletes
// it (once, even with answers lost); a contact a colleague archived in Intercom is neither brought
// back to life by a local edit nor lost here, and a pull keeps what is archived here.
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../../electron/sandbox';
import { Puller } from '../../electron/core/sync/Puller';
import { contactsGone } from '../../electron/core/sync/steps/contactsGone';
import { removeTempDir, startCore, takeChanges, TestClock, type TestCore } from '../helpers/testCore';
import { allEntries, pushRig, type PushRig } from './pushHarness';

const rigs: PushRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
});

async function rig(opts: Parameters<typeof pushRig>[0] = {}): Promise<PushRig> {
  const r = await pushRig(opts);
  rigs.push(r);
  return r;
}

async function pushedLead(r: PushRig, name: string, email: string) {
  const { contact } = await r.t.api.call('contacts.create', { name, email });
  await r.pushUntilQuiet();
  return { id: contact.id, intercomId: r.t.core.store.contacts.byId(contact.id)!.intercom_id! };
}

describe('contact.setArchived', () => {
  it('archives and unarchives the Intercom contact; the undo of an archive that went out unarchives it', async () => {
    const r = await rig();
    const ann = await pushedLead(r, 'Ann Archer', 'ann@example.com');
    const bo = await pushedLead(r, 'Bo Berg', 'bo@example.com');

    await r.t.api.call('contacts.setArchived', { ids: [ann.id, bo.id], archived: true });
    const [archived] = await r.pushUntilQuiet();
    expect(archived).toMatchObject({ done: 2, failed: 0 });
    expect(r.sb.workspace.contact(ann.intercomId)).toMatchObject({ archived: true });
    expect(r.sb.workspace.contact(bo.intercomId)).toMatchObject({ archived: true });
    expect(r.t.core.store.contacts.byId(ann.id)!.sync_state).toBe('synced');

    await r.t.api.call('contacts.setArchived', { ids: [bo.id], archived: false });
    const archiveChange = takeChanges(r.t).find((c) => c.kind === 'contact.archive')!;
    await r.pushUntilQuiet();
    expect(r.sb.workspace.contact(bo.intercomId)).toMatchObject({ archived: false });

    // the archive's undo: Bo is restored already (kept, says why), Ann goes back
    const undone = await r.t.api.call('changes.undo', { id: archiveChange.id });
    expect(undone.kept.map((k) => k.record)).toEqual(['Bo Berg']);
    await r.pushUntilQuiet();
    expect(r.sb.workspace.contact(ann.intercomId)).toMatchObject({ archived: false });
    expect(r.sb.workspace.contacts().map((c) => c.email).sort()).toEqual(['ann@example.com', 'bo@example.com']);
  });

  it('a new lead archived before it ever synced is created, then archived', async () => {
    const r = await rig();
    const { contact } = await r.t.api.call('contacts.create', { name: 'Cy Cole', email: 'cy@example.com' });
    await r.t.api.call('contacts.setArchived', { ids: [contact.id], archived: true });
    const [summary] = await r.pushUntilQuiet();
    expect(summary).toMatchObject({ done: 2, failed: 0 });
    const intercomId = r.t.core.store.contacts.byId(contact.id)!.intercom_id!;
    expect(r.sb.workspace.contact(intercomId)).toMatchObject({ archived: true, email: 'cy@example.com' });
  });

  it('a pull keeps a contact archived here, whether Intercom still shows it (search lag) or no longer lists it', async () => {
    const r = await rig();
    const ann = await pushedLead(r, 'Ann Archer', 'ann@example.com');
    await r.t.api.call('contacts.setArchived', { ids: [ann.id], archived: true });
    // before its archive goes out, Intercom lists Ann as she was
    await new Puller(r.ctx).firstPull();
    expect(r.t.core.store.contacts.byId(ann.id)!.archived_at).not.toBeNull();
    await r.pushUntilQuiet();
    // after, Intercom's list and search leave her out: she stays here, archived
    await new Puller(r.ctx).pullChanges();
    await new Puller(r.ctx).firstPull();
    expect(r.t.core.store.contacts.byId(ann.id)!.archived_at).not.toBeNull();
    expect((await r.t.api.call('contacts.list', { filter: { archived: true }, limit: 5 })).items.map((c) => c.id)).toEqual([ann.id]);
  });
});

describe('a contact a colleague archived in Intercom', () => {
  it('is not unarchived by an edit made here: it is archived here too and the edit waits for a restore', async () => {
    const r = await rig();
    const ann = await pushedLead(r, 'Ann Archer', 'ann@example.com');
    r.sb.workspace.archiveContact(ann.intercomId, true);
    await r.t.api.call('contacts.update', { id: ann.id, patch: { phone: '+1 555 0100' } });
    // the refused edit waits for the person, not for the next run: the outbox counts it failed
    await r.pushUntilQuiet();
    expect(r.sb.workspace.contact(ann.intercomId)).toMatchObject({ archived: true, phone: null });
    const row = r.t.core.store.contacts.byId(ann.id)!;
    expect(row.archived_at).not.toBeNull();
    expect(row.phone).toBe('+1 555 0100');
    const failed = (await allEntries(r.t)).filter((e) => e.status === 'failed');
    expect(failed.map((e) => [e.op, e.lastError])).toEqual([['contact.update', 'Ann Archer was archived in Intercom by someone else; restore it here to send this change']]);

    // restored here: the unarchive goes, and the edit with it once retried
    await r.t.api.call('contacts.setArchived', { ids: [ann.id], archived: false });
    await r.t.api.call('outbox.retry', { seqs: failed.map((e) => e.seq) });
    await r.pushUntilQuiet();
    expect(r.sb.workspace.contact(ann.intercomId)).toMatchObject({ archived: false, phone: '+1 555 0100' });
    expect(r.t.core.store.outbox.counts()).toEqual({ waiting: 0, failed: 0 });
  });
});

describe('contact.delete', () => {
  it('deletes the Intercom contact; only the delete, with the Intercom id alone, stays in the outbox', async () => {
    const r = await rig();
    const ann = await pushedLead(r, 'Ann Archer', 'ann@example.com');
    await pushedLead(r, 'Bo Berg', 'bo@example.com');
    await r.t.api.call('contacts.delete', { id: ann.id, confirm: true });
    const [summary] = await r.pushUntilQuiet();
    expect(summary).toMatchObject({ done: 1, failed: 0 });
    expect(r.sb.workspace.contact(ann.intercomId)).toMatchObject({ deleted: true });
    expect(r.sb.workspace.contacts().map((c) => c.email)).toEqual(['bo@example.com']);
    const left = (await allEntries(r.t)).filter((e) => e.entityId === ann.id);
    expect(left.map((e) => [e.op, e.status, e.payload])).toEqual([['contact.delete', 'done', { intercomId: ann.intercomId }]]);
  });

  it('deletes an archived contact, and a contact whose create went out with its answer lost', async () => {
    const r = await rig();
    const ann = await pushedLead(r, 'Ann Archer', 'ann@example.com');
    await r.t.api.call('contacts.setArchived', { ids: [ann.id], archived: true });
    await r.pushUntilQuiet();
    await r.t.api.call('contacts.delete', { id: ann.id, confirm: true });

    // Cy's create reaches Intercom but its answer is lost: the delete finds Cy by the id it was made with
    const { contact: cy } = await r.t.api.call('contacts.create', { name: 'Cy Cole', email: 'cy@example.com' });
    r.sb.setFaults({ dropAfterCommitRate: 1 });
    await r.push().catch(() => undefined);
    r.sb.setFaults({ dropAfterCommitRate: 0 });
    expect(r.sb.workspace.contacts().map((c) => c.email)).toEqual(['cy@example.com']);
    expect(r.t.core.store.contacts.byId(cy.id)!.intercom_id).toBeNull();
    expect((await r.t.api.call('contacts.delete', { id: cy.id, confirm: true })).inIntercom).toBe(true);

    await r.pushUntilQuiet();
    expect(r.sb.workspace.contact(ann.intercomId)).toMatchObject({ deleted: true });
    expect(r.sb.workspace.contacts({ includeArchived: true })).toEqual([]);
    expect(r.t.core.store.outbox.counts()).toEqual({ waiting: 0, failed: 0 });
  });

  it('is sent once whatever the faults: dropped answers and errors end with the contact deleted and the entry done', async () => {
    const r = await rig();
    const ids = [];
    for (const n of ['a', 'b', 'c', 'd']) ids.push(await pushedLead(r, `Person ${n}`, `${n}@example.com`));
    for (const p of ids) await r.t.api.call('contacts.delete', { id: p.id, confirm: true });
    r.sb.setFaults({ dropAfterCommitRate: 0.5, errorRate: 0.3 });
    for (let i = 0; i < 6; i++) {
      await r.push().catch(() => undefined);
      r.advance(11 * 60_000);
    }
    r.sb.setFaults({ dropAfterCommitRate: 0, errorRate: 0 });
    await r.pushUntilQuiet();
    for (const p of ids) expect(r.sb.workspace.contact(p.intercomId)).toMatchObject({ deleted: true });
    const deletes = (await allEntries(r.t)).filter((e) => e.op === 'contact.delete');
    expect(deletes.map((e) => e.status)).toEqual(['done', 'done', 'done', 'done']);
  });
});

describe('contacts Intercom no longer lists', () => {
  it('are archived here, kept, when a read by id answers 404 (archived or deleted by someone else)', async () => {
    const r = await rig();
    const ann = await pushedLead(r, 'Ann Archer', 'ann@example.com');
    const bo = await pushedLead(r, 'Bo Berg', 'bo@example.com');
    const cy = await pushedLead(r, 'Cy Cole', 'cy@example.com');
    r.sb.workspace.archiveContact(ann.intercomId, true);
    r.sb.workspace.deleteContact(bo.intercomId);
    r.advance(11 * 60_000); // what was sent in the last minutes is not read yet
    await contactsGone.run({ ctx: r.ctx, firstPullDone: true, puller: new Puller(r.ctx), deferred: 0 }, () => undefined);
    const archivedAt = (id: string) => r.t.core.store.contacts.byId(id)!.archived_at;
    expect(archivedAt(ann.id)).not.toBeNull();
    expect(archivedAt(bo.id)).not.toBeNull();
    expect(archivedAt(cy.id)).toBeNull();
    expect((await r.t.api.call('contacts.list', { limit: 10 })).items.map((c) => c.id)).toEqual([cy.id]);
    // nothing is queued for them: Intercom has them so already
    expect(r.t.core.store.outbox.counts()).toEqual({ waiting: 0, failed: 0 });
  });
});

describe('a team of two consoles on one workspace', () => {
  const cores: TestCore[] = [];
  afterEach(() => {
    for (const t of cores.splice(0)) {
      t.dispose();
      removeTempDir(t.dir);
    }
  });

  it('an archive on one reaches the other; a restore there comes back; a delete leaves the other a kept, archived copy', async () => {
    const clock = new TestClock();
    const sb = await startSandbox({ searchLagMs: 0, randomSeed: 3, now: clock.now, rateLimit: { limit: 1_000_000, windowMs: 10_000 } });
    const options = {
      intercom: { baseUrl: sb.url, source: 'start-option' as const, token: sb.token },
      autoSync: false,
      sync: { client: { timeoutMs: 5000, backoff: { baseMs: 5, maxMs: 50 } } },
    };
    const a = startCore(undefined, clock, options);
    const b = startCore(undefined, clock, options);
    cores.push(a, b);
    const quiet = async (t: TestCore) => {
      for (let i = 0; i < 10; i++) {
        const status = await t.core.sync.runOnce();
        if (status.pending === 0 && status.state === 'idle') return;
      }
      throw new Error('the outbox did not drain');
    };
    try {
      const { contact: ann } = await a.api.call('contacts.create', { name: 'Ann Archer', email: 'ann@example.com' });
      const { contact: bo } = await a.api.call('contacts.create', { name: 'Bo Berg', email: 'bo@example.com' });
      await quiet(a);
      await quiet(b);
      const onB = (name: string) => b.core.store.db.prepare('SELECT id, archived_at FROM contacts WHERE name = ?').get(name) as { id: string; archived_at: number | null };
      expect(onB('Ann Archer').archived_at).toBeNull();

      await a.api.call('contacts.setArchived', { ids: [ann.id], archived: true });
      await quiet(a);
      await quiet(b);
      expect(onB('Ann Archer').archived_at).not.toBeNull();
      expect((await b.api.call('contacts.list', { limit: 10 })).items.map((c) => c.name)).toEqual(['Bo Berg']);

      // restored on B: Intercom unarchives, and A, which lists her again, restores her too
      await b.api.call('contacts.setArchived', { ids: [onB('Ann Archer').id], archived: false });
      await quiet(b);
      expect(sb.workspace.contacts().map((c) => c.name).sort()).toEqual(['Ann Archer', 'Bo Berg']);
      await quiet(a);
      expect((await a.api.call('contacts.get', { id: ann.id })).archivedAt).toBeNull();

      // deleted on A: gone there and in Intercom; B keeps Bo, archived, never lost
      await a.api.call('contacts.delete', { id: bo.id, confirm: true });
      await quiet(a);
      await quiet(b);
      expect(sb.workspace.contacts().map((c) => c.name)).toEqual(['Ann Archer']);
      expect(onB('Bo Berg').archived_at).not.toBeNull();
      const names = async (t: TestCore) => (await t.api.call('contacts.list', { limit: 10 })).items.map((c) => c.name);
      expect(await names(a)).toEqual(await names(b));
    } finally {
      await sb.close();
    }
  });
});
