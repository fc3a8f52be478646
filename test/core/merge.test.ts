// Merging duplicates on a real store: the "Possible duplicates" groups, the preview's defaults,
// the merge (picked values, companies, events, history and messages moved, the other removed, one
// journalled change) and its undo, which puts both contacts back whole.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeTempDir, startCore, type TestCore } from '../helpers/testCore';

let t: TestCore;
beforeEach(() => {
  t = startCore();
});
afterEach(() => {
  t.dispose();
  removeTempDir(t.dir);
});

const api = () => t.api;
const row = (id: string) => t.core.store.contacts.byId(id);
const count = (sql: string, ...params: unknown[]) => t.core.store.db.prepare(sql).pluck().get(...params) as number;

/** Ann twice: a lead captured from the website, and the same person imported as a user with a company. */
async function twoAnns() {
  const acme = await api().call('companies.create', { name: 'Acme' });
  const globex = await api().call('companies.create', { name: 'Globex' });
  const lead = (await api().call('contacts.create', { email: 'ann@example.com', phone: '+44 20 7946 0001', visitorId: 'v-ann', customAttributes: { source: 'ads' } })).contact;
  const user = (await api().call('contacts.create', { name: 'Ann Lima', email: 'ANN@example.com', role: 'user', externalId: 'u-ann', customAttributes: { source: 'import', seats: 3 } })).contact;
  await api().call('companies.link', { contactId: lead.id, companyId: acme.id });
  await api().call('companies.link', { contactId: lead.id, companyId: globex.id });
  await api().call('companies.link', { contactId: user.id, companyId: acme.id });
  await api().call('events.track', { contactId: lead.id, name: 'viewed-pricing', at: '2026-11-01T10:00:00Z', metadata: { referrer: 'https://news.example' } });
  await api().call('events.track', { contactId: lead.id, name: 'signed-in', at: '2026-11-02T10:00:00Z' });
  // the user has the same event at the same second: one copy stays
  await api().call('events.track', { contactId: user.id, name: 'signed-in', at: '2026-11-02T10:00:00Z' });
  await api().call('contacts.setStage', { id: lead.id, stage: 'signed_up' });
  await api().call('messages.send', { contactId: lead.id, channel: 'inapp', body: 'Hello' });
  // the message's undo-send hold ends before the merge (a merge waits for a held message)
  t.core.store.db.prepare(`UPDATE outbox SET status = 'done' WHERE op = 'message.send'`).run();
  return { acme, globex, lead, user };
}

describe('possible duplicates', () => {
  it('groups the same email whatever its case, a visitor id used as another contact’s user id, and the same name at one company', async () => {
    expect((await api().call('contacts.duplicates', {})).total).toBe(0);
    const { lead, user, acme } = await twoAnns();
    const bob1 = (await api().call('contacts.create', { name: 'Bob Stone', email: 'bob@one.example' })).contact;
    const bob2 = (await api().call('contacts.create', { name: 'bob stone', email: 'bob@two.example' })).contact;
    const bob3 = (await api().call('contacts.create', { name: 'Bob Stone', email: 'bob@three.example' })).contact;
    await api().call('companies.link', { contactId: bob1.id, companyId: acme.id });
    await api().call('companies.link', { contactId: bob2.id, companyId: acme.id });
    // same name, another company: not a duplicate
    const other = await api().call('companies.create', { name: 'Other' });
    await api().call('companies.link', { contactId: bob3.id, companyId: other.id });
    const cookie = (await api().call('contacts.create', { name: 'Cookie', visitorId: 'c-42' })).contact;
    const asUser = (await api().call('contacts.create', { name: 'Cookie user', role: 'user', externalId: 'c-42' })).contact;

    const all = await api().call('contacts.duplicates', {});
    expect(all.total).toBe(3);
    const byReason = Object.fromEntries(all.groups.map((g) => [g.reason, g]));
    expect(byReason.email!.contacts.map((c) => c.id)).toEqual([lead.id, user.id]);
    expect(byReason.email!.key.toLowerCase()).toBe('ann@example.com');
    expect(byReason.name!.contacts.map((c) => c.id)).toEqual([bob1.id, bob2.id]);
    expect(byReason.name!.company?.name).toBe('Acme');
    expect(byReason.visitor!.contacts.map((c) => c.id).sort()).toEqual([cookie.id, asUser.id].sort());
    expect((await api().call('contacts.duplicates', { reason: 'name' })).groups.map((g) => g.reason)).toEqual(['name']);
    expect((await api().call('contacts.duplicates', { limit: 1, offset: 1 })).groups).toHaveLength(1);
  });

  it('says in words to wait while a first import has its indexes dropped, and lists again once they are back', async () => {
    await twoAnns();
    const dropped = t.core.store.remote.dropListIndexes();
    await expect(api().call('contacts.duplicates', {})).rejects.toMatchObject({ code: 'BUSY', message: expect.stringMatching(/once the import from Intercom has finished/) });
    t.core.store.remote.restoreIndexes(dropped);
    expect((await api().call('contacts.duplicates', {})).total).toBe(1);
  });

  it('reads its groups from indexes, not by sorting the table', () => {
    const plan = t.core.store.db
      .prepare(`EXPLAIN QUERY PLAN SELECT email FROM contacts INDEXED BY contacts_by_email_nocase WHERE email IS NOT NULL AND email <> '' GROUP BY email COLLATE NOCASE`)
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING COVERING INDEX contacts_by_email_nocase/);
    expect(plan.map((p) => p.detail).join(' ')).not.toMatch(/TEMP B-TREE/);
  });
});

describe('merge into', () => {
  it('previews both side by side: the user’s value over the lead’s, a value over none', async () => {
    const { lead, user } = await twoAnns();
    const p = await api().call('contacts.mergePreview', { fromId: lead.id, intoId: user.id });
    const pick = Object.fromEntries(p.fields.map((f) => [f.field, f.pick]));
    expect(pick).toEqual({ email: 'into', name: 'into', phone: 'from', visitorId: 'from', 'attr:source': 'into', 'attr:seats': 'into' });
    expect(p.intercom.mode).toBe('none');
    expect(p.moves).toMatchObject({ companies: 2, events: 2, messages: 1 });
    expect(p.blocked).toBeNull();
    // the other way round the user is still the one whose values win
    const back = await api().call('contacts.mergePreview', { fromId: user.id, intoId: lead.id });
    expect(back.fields.find((f) => f.field === 'email')!.pick).toBe('from');
    expect((await api().call('contacts.mergePreview', { fromId: user.id, intoId: user.id })).blocked).toMatch(/itself/);
  });

  it('moves companies, events, history and messages to the survivor in one change, and the undo puts both back whole', async () => {
    const { lead, user, acme, globex } = await twoAnns();
    const before = { lead: t.core.store.contacts.snapshot(row(lead.id)!.pk), user: t.core.store.contacts.snapshot(row(user.id)!.pk) };
    const userCounts = () => [acme.id, globex.id].map((id) => t.core.store.companies.byId(id)!.user_count);
    expect(userCounts()).toEqual([2, 1]);
    const leadHistory = count(`SELECT count(*) FROM stage_history WHERE entity_id = ?`, lead.id);

    const res = await api().call('contacts.merge', { fromId: lead.id, intoId: user.id, pick: { 'attr:source': 'from' } });
    expect(res.contact).toMatchObject({ id: user.id, name: 'Ann Lima', email: 'ann@example.com', phone: '+44 20 7946 0001', visitorId: 'v-ann', customAttributes: { source: 'ads', seats: 3 } });
    expect(row(lead.id)).toBeUndefined();
    const survivor = await api().call('contacts.get', { id: user.id });
    expect(survivor.companies.map((c) => c.name)).toEqual(['Acme', 'Globex']);
    expect(userCounts()).toEqual([1, 1]);
    const pk = row(user.id)!.pk;
    expect(count(`SELECT count(*) FROM events WHERE contact_pk = ?`, pk)).toBe(2); // the repeat of signed-in dropped
    expect(t.core.store.events.firstTouchOfContact(row(user.id)!.pk)?.first_referrer).toBe('https://news.example');
    expect(count(`SELECT count(*) FROM stage_history WHERE entity_id = ?`, lead.id)).toBe(0);
    expect(count(`SELECT count(*) FROM stage_history WHERE entity_id = ?`, user.id)).toBeGreaterThanOrEqual(1 + leadHistory);
    expect((await api().call('messages.list', { contactId: user.id })).items.map((m) => m.body)).toEqual(['Hello']);
    expect((await api().call('contacts.list', { search: 'ann', limit: 10 })).items.map((c) => c.id)).toEqual([user.id]);
    expect((await api().call('contacts.duplicates', {})).total).toBe(0);
    // the lead's entries never went out: gone with it; its pending event is queued again as the user's
    const outbox = (await api().call('outbox.list', { limit: 100 })).items;
    expect(outbox.filter((e) => e.entityId === lead.id && e.status !== 'done')).toEqual([]);
    expect(outbox.filter((e) => e.entityId === user.id && e.op === 'event.create' && e.status === 'pending')).toHaveLength(2);
    // the company it gained goes to Intercom as its link
    expect(outbox.filter((e) => e.entityId === user.id && e.op === 'company.link').map((e) => e.payload.companyId)).toEqual([acme.id, globex.id]);
    // journalled as one change about both, undoable
    expect(res.change).toMatchObject({ kind: 'contact.merge', undoable: true, summary: 'ann@example.com merged into Ann Lima' });
    expect(res.change.records.map((r) => r.id)).toEqual([user.id, lead.id]);

    const undone = await api().call('changes.undo', { id: res.change.id });
    expect(undone.message).toMatch(/Nothing of it had reached Intercom/);
    expect(t.core.store.contacts.snapshot(row(lead.id)!.pk)).toEqual(before.lead);
    expect(t.core.store.contacts.snapshot(row(user.id)!.pk)).toEqual(before.user);
    expect(userCounts()).toEqual([2, 1]);
    expect((await api().call('contacts.get', { id: lead.id })).companies.map((c) => c.name)).toEqual(['Acme', 'Globex']);
    expect(count(`SELECT count(*) FROM events WHERE contact_pk = ?`, row(lead.id)!.pk)).toBe(2);
    expect(count(`SELECT count(*) FROM events WHERE contact_pk = ?`, row(user.id)!.pk)).toBe(1);
    expect(count(`SELECT count(*) FROM stage_history WHERE entity_id = ?`, lead.id)).toBe(leadHistory);
    expect((await api().call('messages.list', { contactId: lead.id })).items).toHaveLength(1);
    const after = (await api().call('outbox.list', { limit: 100 })).items.filter((e) => e.status !== 'done');
    // both as before: each its own create and events again, nothing of the merge
    expect(after.filter((e) => e.entityId === lead.id).map((e) => e.op)).toEqual(['contact.create', 'company.link', 'company.link', 'event.create', 'event.create', 'contact.setStage']);
    expect(after.filter((e) => e.entityId === user.id).map((e) => e.op)).toEqual(['contact.create', 'company.link', 'event.create']);
    expect((await api().call('contacts.list', { search: 'ann', limit: 10 })).total).toBe(2);
    expect((await api().call('contacts.duplicates', {})).total).toBe(1);
    const journal = await api().call('changes.list', { entityId: lead.id, limit: 5 });
    expect(journal.items[0]).toMatchObject({ kind: 'undo' });
    expect(journal.items[1]).toMatchObject({ kind: 'contact.merge', undoable: false, undoBlockedReason: 'already undone' });
  });

  it('moves notes and tags to the survivor (its gained tags and unsent notes go to Intercom on it), and the undo gives them back', async () => {
    const { lead, user } = await twoAnns();
    await api().call('tags.add', { type: 'contact', id: lead.id, name: 'VIP', create: true });
    await api().call('tags.add', { type: 'contact', id: lead.id, name: 'Webinar', create: true });
    await api().call('tags.add', { type: 'contact', id: user.id, name: 'VIP' });
    const note = await api().call('notes.add', { contactId: lead.id, note: 'Met at the fair' });
    const tagsOf = async (id: string) => (await api().call('tags.of', { type: 'contact', id })).items.map((x) => x.name).sort();

    const seqs = async () => new Set((await api().call('outbox.list', { limit: 100 })).items.map((e) => e.seq));
    const earlier = await seqs();
    const res = await api().call('contacts.merge', { fromId: lead.id, intoId: user.id });
    expect(await tagsOf(user.id)).toEqual(['VIP', 'Webinar']);
    expect((await api().call('notes.list', { contactId: user.id })).items.map((n) => n.body)).toEqual(['Met at the fair']);
    const waiting = (await api().call('outbox.list', { limit: 100 })).items.filter((e) => e.entityId === user.id && e.status === 'pending' && !earlier.has(e.seq));
    // only the tag it gained (it had VIP already), and the note written on the lead
    expect(waiting.filter((e) => e.op === 'contact.tag').map((e) => e.payload.name)).toEqual(['Webinar']);
    expect(waiting.filter((e) => e.op === 'contact.note').map((e) => e.payload.noteId)).toEqual([note.id]);

    await api().call('changes.undo', { id: res.change.id });
    expect(await tagsOf(lead.id)).toEqual(['VIP', 'Webinar']);
    expect(await tagsOf(user.id)).toEqual(['VIP']);
    expect((await api().call('notes.list', { contactId: lead.id })).items.map((n) => n.id)).toEqual([note.id]);
    expect((await api().call('notes.list', { contactId: user.id })).items).toEqual([]);
    const after = (await api().call('outbox.list', { limit: 100 })).items.filter((e) => e.status === 'pending');
    // the merge's entries are withdrawn: the user has only its own VIP entry from before
    expect(after.filter((e) => e.entityId === user.id && !earlier.has(e.seq))).toEqual([]);
    expect(after.filter((e) => e.entityId === lead.id && e.op === 'contact.note')).toHaveLength(1);
  });

  it('refuses what it cannot do: no email or name left, a field that is not there, a contact being sent', async () => {
    const a = (await api().call('contacts.create', { name: 'Only Name' })).contact;
    const b = (await api().call('contacts.create', { email: 'only@mail.example' })).contact;
    expect(await t.raw('contacts.merge', { fromId: a.id, intoId: b.id, pick: { name: 'into', email: 'from' } })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', message: 'Values to keep: a contact needs an email or a name' },
    });
    const c = (await api().call('contacts.create', { name: 'C' })).contact;
    const d = (await api().call('contacts.create', { name: 'D' })).contact;
    expect(await t.raw('contacts.merge', { fromId: c.id, intoId: d.id, pick: { phone: 'from' } })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', message: expect.stringMatching(/^Values to keep: /) },
    });
    t.core.store.db.prepare(`UPDATE outbox SET status = 'in_flight' WHERE entity_id = ?`).run(c.id);
    expect(await t.raw('contacts.merge', { fromId: c.id, intoId: d.id })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: 'Contact to merge: C is being sent to Intercom right now; merge it after this sync' },
    });
    expect(row(c.id)).toBeDefined();
  });

  it('is not undone once the survivor changed since; the reason says so', async () => {
    const { lead, user } = await twoAnns();
    const res = await api().call('contacts.merge', { fromId: lead.id, intoId: user.id });
    await api().call('contacts.update', { id: user.id, patch: { name: 'Ann L.' } });
    const listed = (await api().call('changes.list', { limit: 5 })).items.find((c) => c.id === res.change.id)!;
    expect(listed.undoable).toBe(false);
    expect(listed.undoBlockedReason).toBe('Ann L. changed since the merge; undo those changes first');
    expect(await t.raw('changes.undo', { id: res.change.id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });
});

describe('what a merge keeps', () => {
  it('goes with the survivor: its record of both contacts does not outlive it', async () => {
    const { lead, user } = await twoAnns();
    await api().call('contacts.merge', { fromId: lead.id, intoId: user.id });
    expect(count(`SELECT count(*) FROM contact_merges WHERE into_id = ?`, user.id)).toBe(1);
    t.core.store.db.prepare('DELETE FROM contacts WHERE id = ?').run(user.id);
    expect(count(`SELECT count(*) FROM contact_merges`)).toBe(0);
  });

  it('once its survivor has gone out to Intercom with the merged values, says so instead of an undo', async () => {
    const { lead, user } = await twoAnns();
    const res = await api().call('contacts.merge', { fromId: lead.id, intoId: user.id });
    // the push took the survivor's entries (nothing of the lead ever reached Intercom)
    t.core.store.db.prepare(`UPDATE outbox SET status = 'done' WHERE entity_id = ?`).run(user.id);
    const listed = (await api().call('changes.list', { limit: 5 })).items.find((c) => c.id === res.change.id)!;
    expect(listed.undoBlockedReason).toBe('it reached Intercom (Ann Lima went out with the merged values and activity)');
  });
});
