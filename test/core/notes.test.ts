// Notes on contacts in the store: a note is kept with one contact.note outbox entry, edited (the
// same entry sends the new text) or deleted (its entry withdrawn) while it waits, journalled and
// undoable, shown in the contact's and its companies' timelines, and erased with its contact.
import { describe, expect, it } from 'vitest';
import { coresPerTest, outboxItems, takeChanges, TEST_ACTOR, type TestCore } from '../helpers/testCore';

const start = coresPerTest();

async function ana(t: TestCore) {
  const { contact } = await t.api.call('contacts.create', { name: 'Ana Lima', email: 'ana@example.test' });
  return contact.id;
}

const noteEntries = async (t: TestCore) => (await outboxItems(t)).filter((e) => e.op === 'contact.note');

describe('notes.add', () => {
  it('keeps the note with one outbox entry, waiting, by the person writing it, and journals it', async () => {
    const t = start();
    const id = await ana(t);
    takeChanges(t);
    const note = await t.api.call('notes.add', { contactId: id, note: '  Called, wants a demo\nFriday works  ' });
    expect(note).toMatchObject({
      contactId: id,
      body: 'Called, wants a demo\nFriday works',
      author: TEST_ACTOR,
      authorAdminId: null,
      source: 'local',
      intercomId: null,
      syncState: 'waiting',
      error: null,
      editable: true,
      editBlockedReason: null,
    });
    expect((await noteEntries(t)).map((e) => e.payload)).toEqual([{ noteId: note.id }]);
    expect((await t.api.call('contacts.get', { id })).syncState).toBe('local');
    const [change] = takeChanges(t);
    expect(change).toMatchObject({ kind: 'contact.note', summary: 'Note added to Ana Lima', undoable: true, records: [{ type: 'contact', id }] });
    expect((await t.api.call('notes.list', { contactId: id })).items).toEqual([note]);
  });

  it('refuses an empty, over-long or control-character note and an unknown contact, naming the field in words, and stores nothing', async () => {
    const t = start();
    const id = await ana(t);
    const before = t.core.store.fingerprint();
    for (const note of ['   ', 'x'.repeat(10_001), 'bell\u0007']) {
      const err = await t.fail('notes.add', { contactId: id, note });
      expect(err).toMatchObject({ code: 'VALIDATION', field: 'note' });
      expect(err.message).toMatch(/^Note: /);
    }
    const missing = await t.fail('notes.add', { contactId: '3f0c2a4e-1b2c-4d3e-8f9a-0b1c2d3e4f5a', note: 'Hello' });
    expect(missing).toMatchObject({ code: 'NOT_FOUND', field: 'contactId' });
    expect(missing.message).toMatch(/^Contact: /);
    expect(t.core.store.fingerprint()).toEqual(before);
  });
});

describe('editing and deleting your own note while it waits', () => {
  it('edits the waiting note: the same entry sends the new text, and the edit is journalled', async () => {
    const t = start();
    const id = await ana(t);
    const note = await t.api.call('notes.add', { contactId: id, note: 'Call back Monday' });
    takeChanges(t);
    const edited = await t.api.call('notes.edit', { id: note.id, note: 'Call back Tuesday' });
    expect(edited).toMatchObject({ id: note.id, body: 'Call back Tuesday', syncState: 'waiting', createdAt: note.createdAt });
    expect((await noteEntries(t)).map((e) => e.payload)).toEqual([{ noteId: note.id }]);
    expect(takeChanges(t).map((c) => [c.kind, c.summary])).toEqual([['contact.noteEdit', 'Note on Ana Lima edited']]);
  });

  it('deletes the waiting note and its entry: Intercom never gets it', async () => {
    const t = start();
    const id = await ana(t);
    const keep = await t.api.call('notes.add', { contactId: id, note: 'Keep' });
    const drop = await t.api.call('notes.add', { contactId: id, note: 'Typo' });
    expect(await t.api.call('notes.delete', { id: drop.id })).toEqual({ id: drop.id, deleted: true });
    expect((await t.api.call('notes.list', { contactId: id })).items.map((n) => n.id)).toEqual([keep.id]);
    expect((await noteEntries(t)).map((e) => e.payload.noteId)).toEqual([keep.id]);
    expect(await t.fail('notes.edit', { id: drop.id, note: 'Again' })).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });

  it('refuses to edit or delete a note once Intercom has it, or while it is being sent, saying why', async () => {
    const t = start();
    const id = await ana(t);
    const note = await t.api.call('notes.add', { contactId: id, note: 'Sent already' });
    const [entry] = await noteEntries(t);
    const { store } = t.core;
    // what the push does: in flight, then done with the Intercom id
    store.outbox.markInFlight([entry!.seq], Date.now());
    const sending = await t.fail('notes.edit', { id: note.id, note: 'Too late' });
    expect(sending).toMatchObject({ code: 'CONFLICT', field: 'id' });
    expect(sending.message).toContain('being sent to Intercom right now');
    store.transaction(() => {
      store.outbox.markDone([entry!.seq], Date.now());
      store.notes.setPushed(note.id, '901', '7001', Date.now());
    });
    const [listed] = (await t.api.call('notes.list', { contactId: id })).items;
    expect(listed).toMatchObject({ syncState: 'synced', intercomId: '901', authorAdminId: '7001', editable: false });
    expect(listed!.editBlockedReason).toContain('cannot be edited or deleted after they are sent');
    for (const [method, input] of [
      ['notes.edit', { id: note.id, note: 'Too late' }],
      ['notes.delete', { id: note.id }],
    ] as const) {
      const err = await t.fail(method, input);
      expect(err).toMatchObject({ code: 'CONFLICT', field: 'id' });
      expect(err.message).toMatch(/^Note: Intercom already has this note/);
    }
  });
});

describe('a note whose entry was discarded', () => {
  it('says Intercom will not get it, and goes after all once edited', async () => {
    const t = start();
    const id = await ana(t);
    const note = await t.api.call('notes.add', { contactId: id, note: 'Refused once' });
    const [entry] = await noteEntries(t);
    // what the push does when Intercom refuses it; then the person discards it from the outbox
    t.core.store.db.prepare(`UPDATE outbox SET status = 'failed', last_error = 'refused' WHERE seq = ?`).run(entry!.seq);
    const [failed] = (await t.api.call('notes.list', { contactId: id })).items;
    expect(failed).toMatchObject({ syncState: 'failed', error: 'refused', editable: true });
    await t.api.call('outbox.discard', { seqs: [entry!.seq], confirm: true });
    const [discarded] = (await t.api.call('notes.list', { contactId: id })).items;
    expect(discarded).toMatchObject({ syncState: 'failed', error: 'Its outbox entry was discarded, so Intercom will not get this note.' });
    expect(await t.api.call('notes.edit', { id: note.id, note: 'Refused once, sent now' })).toMatchObject({ syncState: 'waiting', error: null });
    expect((await noteEntries(t)).map((e) => e.payload)).toEqual([{ noteId: note.id }]);
  });
});

describe('undo', () => {
  it('takes back a note Intercom has not got: the note and its entry go', async () => {
    const t = start();
    const id = await ana(t);
    takeChanges(t);
    await t.api.call('notes.add', { contactId: id, note: 'Oops' });
    const [change] = takeChanges(t);
    const undone = await t.api.call('changes.undo', { id: change!.id });
    expect(undone.message).toBe('Undone: Note added to Ana Lima. Nothing of it had reached Intercom.');
    expect((await t.api.call('notes.list', { contactId: id })).total).toBe(0);
    expect(await noteEntries(t)).toEqual([]);
  });

  it('puts back an edit, and brings back a deleted note waiting again', async () => {
    const t = start();
    const id = await ana(t);
    const note = await t.api.call('notes.add', { contactId: id, note: 'First text' });
    await t.api.call('notes.edit', { id: note.id, note: 'Second text' });
    const [, edit] = takeChanges(t).slice(-2);
    await t.api.call('changes.undo', { id: edit!.id });
    expect((await t.api.call('notes.list', { contactId: id })).items.map((n) => n.body)).toEqual(['First text']);

    await t.api.call('notes.delete', { id: note.id });
    const deletion = takeChanges(t).find((c) => c.kind === 'contact.noteDelete')!;
    expect((await t.api.call('notes.list', { contactId: id })).total).toBe(0);
    await t.api.call('changes.undo', { id: deletion.id });
    const [back] = (await t.api.call('notes.list', { contactId: id })).items;
    expect(back).toMatchObject({ id: note.id, body: 'First text', syncState: 'waiting', editable: true });
    expect((await noteEntries(t)).map((e) => e.payload.noteId)).toEqual([note.id]);
  });

  it('does not offer to undo adding a note edited since, nor one Intercom has, and says why', async () => {
    const t = start();
    const id = await ana(t);
    takeChanges(t);
    const note = await t.api.call('notes.add', { contactId: id, note: 'Draft' });
    const [added] = takeChanges(t);
    await t.api.call('notes.edit', { id: note.id, note: 'Draft, edited' });
    const listed = (await t.api.call('changes.list', { entityId: id })).items.find((c) => c.id === added!.id)!;
    expect(listed.undoable).toBe(false);
    expect(listed.undoBlockedReason).toContain('changed again since');

    const other = await t.api.call('notes.add', { contactId: id, note: 'Sent' });
    const [sent] = takeChanges(t).filter((c) => c.kind === 'contact.note');
    const { store } = t.core;
    const entry = (await noteEntries(t)).find((e) => e.payload.noteId === other.id)!;
    store.transaction(() => {
      store.outbox.markInFlight([entry.seq], Date.now());
      store.outbox.markDone([entry.seq], Date.now());
      store.notes.setPushed(other.id, '902', null, Date.now());
    });
    const blocked = (await t.api.call('changes.list', { entityId: id })).items.find((c) => c.id === sent!.id)!;
    expect(blocked).toMatchObject({ undoable: false });
    expect(blocked.undoBlockedReason).toBe('the note already reached Intercom, and Intercom has no way to delete or edit a note (its API only creates, lists and reads them)');
    const err = await t.fail('changes.undo', { id: sent!.id });
    expect(err).toMatchObject({ code: 'CONFLICT' });
    expect((await t.api.call('notes.list', { contactId: id })).total).toBe(2);
  });
});

describe('timelines', () => {
  it('shows notes with author and time in the contact’s timeline and in its company’s', async () => {
    const t = start();
    const id = await ana(t);
    const { contact: bo } = await t.api.call('contacts.create', { name: 'Bo Berg' });
    const acme = await t.api.call('companies.create', { name: 'Acme' });
    await t.api.call('companies.link', { contactId: id, companyId: acme.id });
    await t.api.call('companies.link', { contactId: bo.id, companyId: acme.id });
    const n1 = await t.api.call('notes.add', { contactId: id, note: 'Ana: budget approved' });
    const n2 = await t.api.call('notes.add', { contactId: bo.id, note: 'Bo: on holiday' });
    const own = (await t.api.call('contacts.timeline', { id, limit: 50 })).items.filter((i) => i.kind === 'note');
    expect(own).toEqual([
      {
        kind: 'note',
        key: `n${n1.id}`,
        at: n1.createdAt,
        contact: expect.objectContaining({ id, name: 'Ana Lima' }),
        note: { id: n1.id, body: 'Ana: budget approved', author: TEST_ACTOR, source: 'local', syncState: 'waiting' },
      },
    ]);
    const company = (await t.api.call('companies.timeline', { id: acme.id, limit: 50 })).items.filter((i) => i.kind === 'note');
    expect(company.map((i) => [i.contact?.name, i.kind === 'note' && i.note.body])).toEqual([
      ['Bo Berg', 'Bo: on holiday'],
      ['Ana Lima', 'Ana: budget approved'],
    ]);
    // pages through notes like the rest: one item a page still reaches both
    const first = await t.api.call('companies.timeline', { id: acme.id, limit: 1 });
    expect(first.items[0]).toMatchObject({ kind: 'note', note: { id: n2.id } });
    const second = await t.api.call('companies.timeline', { id: acme.id, limit: 1, before: first.nextCursor! });
    expect(second.items[0]).toMatchObject({ kind: 'note', note: { id: n1.id } });
  });
});

describe('the notes table', () => {
  it('erases a contact’s notes and their read-again mark with the contact row (ON DELETE CASCADE)', async () => {
    const t = start();
    const id = await ana(t);
    await t.api.call('notes.add', { contactId: id, note: 'Gone with her' });
    const { store } = t.core;
    const row = store.contacts.byId(id)!;
    store.db.prepare(`UPDATE contacts SET intercom_id = 'ic-ana' WHERE pk = ?`).run(row.pk);
    expect(store.notes.wantWhereBehind([{ intercomId: 'ic-ana', count: 3 }], Date.now())).toBe(1);
    store.transaction(() => {
      store.outbox.withdrawPendingOf(id);
      store.contacts.delete(row.pk);
    });
    expect(store.db.prepare('SELECT count(*) AS n FROM notes').get()).toEqual({ n: 0 });
    expect(store.notes.countWanted()).toBe(0);
  });
});
