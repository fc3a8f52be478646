// Notes against the sandbox, on a clock the test moves: written offline they wait in the outbox and
// go out once online, as "who am I" (the connected admin); a dropped answer or a process that
// died mid-send never makes a second note in Intercom; the team's notes come in when a record is
// opened, with the sync for contacts whose note count moved, and at a console's first pull.
import { afterEach, describe, expect, it } from 'vitest';
import { COLLEAGUE, startSandbox, type Sandbox } from '../../electron/sandbox';
import type { CoreOptions } from '../../electron/core/app';
import { makeTempDir, removeTempDir, startCore, TestClock, type TestCore } from '../helpers/testCore';

let sb: Sandbox | undefined;
const cores: TestCore[] = [];
afterEach(async () => {
  for (const t of cores.splice(0)) {
    t.dispose();
    removeTempDir(t.dir);
  }
  await sb?.close();
  sb = undefined;
});

function console_(clock: TestClock, dir = makeTempDir()): { t: TestCore; options: Partial<CoreOptions> } {
  const options: Partial<CoreOptions> = {
    intercom: { baseUrl: sb!.url, source: 'start-option', token: sb!.token },
    autoSync: false,
    sync: { client: { timeoutMs: 5000, backoff: { baseMs: 5, maxMs: 50 } } },
  };
  const t = startCore(dir, clock, options);
  cores.push(t);
  return { t, options };
}

async function setup() {
  const clock = new TestClock();
  sb = await startSandbox({ searchLagMs: 0, randomSeed: 23, now: clock.now, rateLimit: { limit: 1_000_000, windowMs: 10_000 } });
  const { t } = console_(clock);
  const { contact } = await t.api.call('contacts.create', { name: 'Ana Lima', email: 'ana@example.test' });
  await syncUntilQuiet(t);
  const intercomId = (await t.api.call('contacts.get', { id: contact.id })).intercomId!;
  return { t, clock, contactId: contact.id, intercomId };
}

/** Runs until nothing waits; deferred entries are due again after their (short) backoff. */
async function syncUntilQuiet(t: TestCore) {
  for (let i = 0; i < 30; i++) {
    const status = await t.core.sync.runOnce();
    if (status.pending === 0 && status.state === 'idle') return status;
    t.clock.now();
  }
  throw new Error(`the outbox did not drain: ${JSON.stringify(t.core.sync.status())}`);
}

const remoteNotes = (intercomId?: string) => sb!.workspace.notes(intercomId);

describe('notes: written as who I am', () => {
  it('sends a note as the admin chosen in Settings, and as the connected admin again once that choice is cleared', { timeout: 60_000 }, async () => {
    const { t, contactId, intercomId } = await setup();
    // as the engine does at start: GET /me says who the token belongs to; the team came in with the sync
    await t.api.call('sync.testConnection', {});
    const team = await t.api.call('admins.list', {});
    const connected = team.me!.adminId;
    const other = team.items.find((a) => a.id !== connected && a.active)!;
    await t.api.call('settings.set', { meAdminId: other.id });
    await t.api.call('notes.add', { contactId, note: 'Written as my chosen self' });
    await syncUntilQuiet(t);
    await t.api.call('settings.set', { meAdminId: null });
    await t.api.call('notes.add', { contactId, note: 'Written as the connected admin' });
    await syncUntilQuiet(t);
    expect(remoteNotes(intercomId).map((n) => [n.body, n.authorId])).toEqual([
      ['<p>Written as my chosen self</p>', other.id],
      ['<p>Written as the connected admin</p>', connected],
    ]);
  });
});

describe('notes: offline, then online', () => {
  it('keeps notes written offline waiting, then sends each once as the connected admin', { timeout: 60_000 }, async () => {
    const { t, contactId, intercomId } = await setup();
    await t.api.call('sync.setOnline', { online: false });
    const a = await t.api.call('notes.add', { contactId, note: 'Called from the train' });
    const b = await t.api.call('notes.add', { contactId, note: 'Wants pricing <by Friday> & a demo' });
    const { contact: fresh } = await t.api.call('contacts.create', { name: 'Bo Berg' });
    const c = await t.api.call('notes.add', { contactId: fresh.id, note: 'Met at the fair' });

    const offline = await t.core.sync.runOnce();
    expect(offline).toMatchObject({ state: 'offline', pending: 4 });
    expect(remoteNotes()).toEqual([]);
    expect((await t.api.call('notes.list', { contactId })).items.map((n) => n.syncState)).toEqual(['waiting', 'waiting']);
    expect(await t.fail('notes.pull', { contactId })).toMatchObject({ code: 'OFFLINE' });

    await t.api.call('sync.setOnline', { online: true });
    await syncUntilQuiet(t);
    const admin = sb!.workspace.admin.id;
    expect(remoteNotes(intercomId).map((n) => [n.body, n.authorId])).toEqual([
      ['<p>Called from the train</p>', admin],
      ['<p>Wants pricing &lt;by Friday&gt; &amp; a demo</p>', admin],
    ]);
    const boIntercomId = (await t.api.call('contacts.get', { id: fresh.id })).intercomId!;
    expect(remoteNotes(boIntercomId).map((n) => n.body)).toEqual(['<p>Met at the fair</p>']);

    const listed = (await t.api.call('notes.list', { contactId })).items;
    const byId = new Map(remoteNotes().map((n) => [n.id, n]));
    for (const n of [...listed, ...(await t.api.call('notes.list', { contactId: fresh.id })).items]) {
      expect(n).toMatchObject({ syncState: 'synced', authorAdminId: admin, editable: false });
      expect(byId.get(n.intercomId!), n.body).toBeDefined();
    }
    expect(listed.map((n) => n.id).sort()).toEqual([a.id, b.id].sort());
    expect(c.id).toBeTruthy();

    // once Intercom has it: no edit, no undo, each saying why
    const edit = await t.fail('notes.edit', { id: a.id, note: 'Changed' });
    expect(edit.message).toContain('Intercom’s notes cannot be edited or deleted after they are sent');
    const added = (await t.api.call('changes.list', { entityId: contactId })).items.find((x) => x.kind === 'contact.note')!;
    expect(added).toMatchObject({ undoable: false });
    expect(added.undoBlockedReason).toContain('Intercom has no way to delete or edit a note');
    // nothing more goes out on later runs
    await syncUntilQuiet(t);
    expect(remoteNotes()).toHaveLength(3);
  });
});

describe('notes: never sent twice', () => {
  it('finds the note a dropped answer left in Intercom instead of writing it again', { timeout: 60_000 }, async () => {
    const { t, contactId, intercomId } = await setup();
    const note = await t.api.call('notes.add', { contactId, note: 'Lost answer' });
    sb!.setFaults({ dropAfterCommitRate: 1 });
    await t.core.sync.runOnce();
    sb!.setFaults({ dropAfterCommitRate: 0 });
    expect(remoteNotes(intercomId)).toHaveLength(1);
    expect((await t.api.call('notes.list', { contactId })).items[0]).toMatchObject({ id: note.id, syncState: 'waiting', intercomId: null, editable: false });

    // opening the record meanwhile does not take Intercom's copy for a colleague's note
    expect(await t.api.call('notes.pull', { contactId })).toEqual({ fetched: 1, added: 0 });
    expect((await t.api.call('notes.list', { contactId })).total).toBe(1);

    sb!.resetStats();
    await syncUntilQuiet(t);
    expect(sb!.stats().byRoute['POST /contacts/{id}/notes'] ?? 0).toBe(0);
    expect(remoteNotes(intercomId)).toHaveLength(1);
    const [synced] = (await t.api.call('notes.list', { contactId })).items;
    expect(synced).toMatchObject({ id: note.id, syncState: 'synced', intercomId: remoteNotes(intercomId)[0]!.id });
  });

  it('sends each of many notes exactly once while half the answers are dropped', { timeout: 120_000 }, async () => {
    const { t, contactId, intercomId } = await setup();
    const texts = Array.from({ length: 12 }, (_, i) => `Call ${i + 1}: ${i % 2 ? 'voicemail' : 'spoke'}`);
    // two notes with the same text are two notes: neither is taken for the other
    texts.push('Call 1: spoke');
    for (const note of texts) await t.api.call('notes.add', { contactId, note });
    sb!.setFaults({ dropAfterCommitRate: 0.5 });
    for (let i = 0; i < 40 && t.core.sync.status().pending > 0; i++) {
      await t.core.sync.runOnce();
      t.clock.now();
    }
    sb!.setFaults({ dropAfterCommitRate: 0 });
    await syncUntilQuiet(t);
    expect(sb!.stats().dropped).toBeGreaterThan(0);
    expect(remoteNotes(intercomId).map((n) => n.body).sort()).toEqual(texts.map((x) => `<p>${x}</p>`).sort());
    const local = (await t.api.call('notes.list', { contactId, limit: 50 })).items;
    expect(local.every((n) => n.syncState === 'synced')).toBe(true);
    expect(new Set(local.map((n) => n.intercomId)).size).toBe(texts.length);
  });

  it('after a process died while sending, looks before sending again', { timeout: 60_000 }, async () => {
    const { t, clock, contactId, intercomId } = await setup();
    const note = await t.api.call('notes.add', { contactId, note: 'Sent as the app died' });
    sb!.setFaults({ dropAfterCommitRate: 1 });
    await t.core.sync.runOnce();
    sb!.setFaults({ dropAfterCommitRate: 0 });
    // as if the process had stopped with the request out: the entry is still in flight on disk
    t.core.store.db.prepare(`UPDATE outbox SET status = 'in_flight' WHERE op = 'contact.note'`).run();
    const dir = t.dir;
    t.dispose();
    cores.splice(cores.indexOf(t), 1);
    const { t: again } = console_(clock, dir);
    await syncUntilQuiet(again);
    expect(remoteNotes(intercomId)).toHaveLength(1);
    expect((await again.api.call('notes.list', { contactId })).items[0]).toMatchObject({ id: note.id, syncState: 'synced' });
  });
});

describe('the team’s notes', () => {
  it('pulls a colleague’s notes when the record is opened, with author and time, into both timelines', { timeout: 60_000 }, async () => {
    const { t, clock, contactId, intercomId } = await setup();
    const acme = await t.api.call('companies.create', { name: 'Acme' });
    await t.api.call('companies.link', { contactId, companyId: acme.id });
    await syncUntilQuiet(t);
    const at = clock.now();
    sb!.workspace.remoteCreateNote(intercomId, '<p>Met at the fair</p><p>Sends pricing &amp; terms</p>');
    expect(await t.api.call('notes.pull', { contactId })).toEqual({ fetched: 1, added: 1 });
    expect(await t.api.call('notes.pull', { contactId })).toEqual({ fetched: 1, added: 0 });
    const [n] = (await t.api.call('notes.list', { contactId })).items;
    expect(n).toMatchObject({ body: 'Met at the fair\nSends pricing & terms', author: COLLEAGUE.name, authorAdminId: COLLEAGUE.id, source: 'intercom', syncState: 'synced', editable: false });
    expect(Date.parse(n!.createdAt)).toBeGreaterThanOrEqual(Math.floor(at / 1000) * 1000);
    expect(n!.editBlockedReason).toContain('came from Intercom');
    const contactLine = (await t.api.call('contacts.timeline', { id: contactId, limit: 50 })).items.find((i) => i.kind === 'note');
    expect(contactLine).toMatchObject({ at: n!.createdAt, note: { author: COLLEAGUE.name, source: 'intercom', body: n!.body } });
    const companyLine = (await t.api.call('companies.timeline', { id: acme.id, limit: 50 })).items.find((i) => i.kind === 'note');
    expect(companyLine).toMatchObject({ contact: { id: contactId }, note: { author: COLLEAGUE.name } });
    // nothing of it goes back out
    await syncUntilQuiet(t);
    expect(remoteNotes(intercomId)).toHaveLength(1);
  });

  it('reads notes in the sync only for contacts whose note count moved', { timeout: 60_000 }, async () => {
    const { t, contactId, intercomId } = await setup();
    const { contact: bo } = await t.api.call('contacts.create', { name: 'Bo Berg' });
    await syncUntilQuiet(t);
    sb!.resetStats();
    await syncUntilQuiet(t);
    // a run with nothing new reads no notes
    expect(sb!.stats().byRoute['GET /contacts/{id}/notes'] ?? 0).toBe(0);

    sb!.workspace.remoteCreateNote(intercomId, 'Signed the NDA');
    // the pull sees Ana when something of hers changes; her note count tells the notes step to read them
    sb!.workspace.remoteEdit(intercomId, { phone: '+1 555 0199' });
    sb!.resetStats();
    await syncUntilQuiet(t);
    expect(sb!.stats().byRoute['GET /contacts/{id}/notes']).toBe(1);
    expect((await t.api.call('notes.list', { contactId })).items.map((n) => [n.body, n.author])).toEqual([['Signed the NDA', COLLEAGUE.name]]);
    expect((await t.api.call('notes.list', { contactId: bo.id })).total).toBe(0);
    // read once: the next run does not read them again
    sb!.resetStats();
    await syncUntilQuiet(t);
    expect(sb!.stats().byRoute['GET /contacts/{id}/notes'] ?? 0).toBe(0);
  });

  it('gives a second console the first one’s notes at its first pull, by their author', { timeout: 60_000 }, async () => {
    const { t, clock, contactId, intercomId } = await setup();
    await t.api.call('notes.add', { contactId, note: 'Prefers email' });
    await syncUntilQuiet(t);
    const { t: other } = console_(clock);
    await syncUntilQuiet(other);
    const there = (await other.api.call('contacts.list', { limit: 10 })).items.find((c) => c.intercomId === intercomId)!;
    const notes = (await other.api.call('notes.list', { contactId: there.id })).items;
    expect(notes.map((n) => [n.body, n.author, n.source, n.syncState])).toEqual([['Prefers email', sb!.workspace.admin.name, 'intercom', 'synced']]);
    // and the first console, reading its own note back, keeps one copy
    expect(await t.api.call('notes.pull', { contactId })).toEqual({ fetched: 1, added: 0 });
    expect((await t.api.call('notes.list', { contactId })).total).toBe(1);
  });
});
