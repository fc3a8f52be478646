// Bulk actions on a hand-made set of contacts: each action's dry run counts exactly what the real
// run then touches, the real run is one change (rows, history, one contiguous outbox range,
// events), and undo puts back exactly what was there (after the push too: see bulkUndoSync.test.ts).
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { SeedLoader, type SeedContact } from '../bench/SeedLoader';
import { startSandbox, type Sandbox } from '../../electron/sandbox';
import type { MethodInput } from '../../shared/api';
import { setNow } from '../helpers/activityData';
import { coresPerTest, removeTempDir, startCore, takeEvents, TestClock, type TestCore } from '../helpers/testCore';

const start = coresPerTest();
const MISSING_ID = '3f0c2a4e-1b2c-4d3e-8f9a-0b1c2d3e4f5a';

type RunInput = MethodInput<'bulk.run'>;

/**
 * Five leads and users with known answers:
 *   ada   lead, email                  bob   lead, no email
 *   cy    user (signed up), Acme (SQL)  dee   user (signed up), Beta (customer)
 *   eve   user (signed up), no company
 */
async function handMade(t: TestCore) {
  const make = async (input: MethodInput<'contacts.create'>) => (await t.api.call('contacts.create', input)).contact.id;
  const ada = await make({ email: 'ada@example.com', name: 'Ada' });
  const bob = await make({ name: 'Bob' });
  const cy = await make({ email: 'cy@example.com', name: 'Cy' });
  const dee = await make({ email: 'dee@example.com', name: 'Dee' });
  const eve = await make({ email: 'eve@example.com', name: 'Eve' });
  await t.api.call('contacts.signUp', { id: cy, externalId: 'u-cy', company: { externalId: 'acme', name: 'Acme' } });
  await t.api.call('contacts.signUp', { id: dee, externalId: 'u-dee', company: { externalId: 'beta', name: 'Beta' } });
  await t.api.call('contacts.signUp', { id: eve, externalId: 'u-eve' });
  const companies = (await t.api.call('companies.list', { limit: 10 })).items;
  const acme = companies.find((c) => c.name === 'Acme')!.id;
  const beta = companies.find((c) => c.name === 'Beta')!.id;
  await t.api.call('companies.setStage', { id: beta, stage: 'customer' });
  const gamma = (await t.api.call('companies.create', { name: 'Gamma' })).id;
  t.events.length = 0;
  return { ada, bob, cy, dee, eve, acme, beta, gamma, all: [ada, bob, cy, dee, eve] };
}

/** Every row an undo must restore, as the database holds it. */
function rows(t: TestCore) {
  const q = (sql: string) => t.core.store.db.prepare(sql).all();
  return {
    contacts: q('SELECT * FROM contacts ORDER BY pk'),
    companies: q('SELECT * FROM companies ORDER BY pk'),
    links: q('SELECT * FROM contact_companies ORDER BY contact_pk, company_pk'),
    search: q('SELECT rowid, name, email, companies FROM contact_search ORDER BY rowid'),
    counts: q('SELECT * FROM contact_counts WHERE n > 0 ORDER BY 1, 2, 3'),
    outbox: q('SELECT * FROM outbox ORDER BY seq'),
  };
}

const outboxSeqs = (t: TestCore): number[] => t.core.store.db.prepare('SELECT seq FROM outbox ORDER BY seq').pluck().all() as number[];
const messages = (t: TestCore) =>
  t.core.store.db.prepare('SELECT id, contact_id, kind, channel, subject, body, status FROM messages ORDER BY created_at, id').all() as {
    id: string;
    contact_id: string;
    kind: string;
    channel: string | null;
    subject: string | null;
    body: string | null;
    status: string;
  }[];

/** What the store's fingerprint leaves out: messages and the bulk journal. */
const journal = (t: TestCore) =>
  t.core.store.db.prepare('SELECT (SELECT count(*) FROM messages) AS messages, (SELECT count(*) FROM bulk_actions) AS bulks, (SELECT count(*) FROM bulk_items) AS items').get();

/** The dry run, then the refused run without confirm, then the real run: the counts agree. */
async function dryThenRun(t: TestCore, input: RunInput) {
  const before = { store: t.core.store.fingerprint(), journal: journal(t) };
  const unchanged = () => expect({ store: t.core.store.fingerprint(), journal: journal(t) }).toEqual(before);
  const dry = await t.api.call('bulk.run', { ...input, dryRun: true });
  expect(dry.dryRun).toBe(true);
  expect(dry.bulk).toBeNull();
  unchanged();
  const refused = await t.fail('bulk.run', input);
  expect(refused).toMatchObject({ code: 'CONFIRM_REQUIRED', field: 'confirm' });
  expect(refused.message).toContain(`${dry.touched} contact`);
  unchanged();
  expect(t.events).toEqual([]);
  const seqBefore = Math.max(0, ...outboxSeqs(t));
  const real = await t.api.call('bulk.run', { ...input, confirm: true });
  expect(real.dryRun).toBe(false);
  expect({ targeted: real.targeted, touched: real.touched, skipped: real.skipped }).toEqual({
    targeted: dry.targeted,
    touched: dry.touched,
    skipped: dry.skipped,
  });
  // the bulk's outbox entries are the only new ones, one contiguous range
  const added = outboxSeqs(t).filter((s) => s > seqBefore);
  return { dry, real, added };
}

const skipped = (list: { reason: string; count: number }[]) => Object.fromEntries(list.map((s) => [s.reason, s.count]));

describe('bulk.run: set stage', () => {
  it('counts first, moves the rest in one change, and undo restores every row', async () => {
    const t = start();
    const d = await handMade(t);
    const snapshot = rows(t);
    const { dry, real, added } = await dryThenRun(t, { target: { kind: 'ids', ids: d.all }, action: { type: 'setStage', stage: 'signed_up' } });
    expect(dry).toMatchObject({ targeted: 5, touched: 2 });
    expect(skipped(dry.skipped)).toEqual({ 'already at that stage': 3 });
    expect(real.bulk).toMatchObject({ touched: 2, summary: 'Set stage to Signed up on 2 selected contacts', undoable: true, undoBlockedReason: null });

    for (const id of [d.ada, d.bob]) {
      const c = await t.api.call('contacts.get', { id });
      expect(c.stage).toBe('signed_up');
      expect(c.history[0]).toMatchObject({ fromStage: 'lead', toStage: 'signed_up', actor: 'tester@example.test' });
    }
    const entries = (await t.api.call('outbox.list', { limit: 100 })).items.filter((e) => added.includes(e.seq));
    expect(entries.map((e) => [e.entityId, e.op, e.payload])).toEqual([
      [d.ada, 'contact.setStage', { from: 'lead', stage: 'signed_up' }],
      [d.bob, 'contact.setStage', { from: 'lead', stage: 'signed_up' }],
    ]);
    expect(added).toEqual([added[0], added[0]! + 1]);
    const events = takeEvents(t);
    expect(events).toContainEqual(expect.objectContaining({ name: 'changed', entity: 'contact', ids: [d.ada, d.bob] }));
    expect(events).toContainEqual(expect.objectContaining({ name: 'changed', entity: 'bulk', ids: [real.bulk!.id] }));
    // the funnel moved with the stage
    expect(t.core.store.db.prepare('SELECT funnel_rank, funnel_max FROM contacts WHERE id = ?').get(d.ada)).toEqual({ funnel_rank: 1, funnel_max: 1 });

    const undone = await t.api.call('bulk.undo', { id: real.bulk!.id });
    expect(undone).toMatchObject({ restored: 2, kept: 0 });
    expect(undone.bulk).toMatchObject({ undoable: false, undoBlockedReason: 'this bulk action has already been undone' });
    expect(undone.bulk.undoneAt).not.toBeNull();
    // rows, links, search entries, counts and the outbox are exactly as before the bulk
    expect(rows(t)).toEqual(snapshot);
    const ada = await t.api.call('contacts.get', { id: d.ada });
    expect(ada.history[0]).toMatchObject({ fromStage: 'signed_up', toStage: 'lead', actor: 'tester@example.test (undo)' });
    expect(takeEvents(t)).toContainEqual(expect.objectContaining({ name: 'changed', entity: 'contact', op: 'bulk.revert' }));
    // a second undo is refused, naming the field
    expect(await t.fail('bulk.undo', { id: real.bulk!.id })).toMatchObject({ code: 'CONFLICT', field: 'id' });
  });

  it('needs confirm for demotions and says how many', async () => {
    const t = start();
    const d = await handMade(t);
    const dry = await t.api.call('bulk.run', { target: { kind: 'ids', ids: d.all }, action: { type: 'setStage', stage: 'lead' }, dryRun: true });
    expect(dry).toMatchObject({ targeted: 5, touched: 3 });
    const err = await t.fail('bulk.run', { target: { kind: 'ids', ids: d.all }, action: { type: 'setStage', stage: 'lead' } });
    expect(err).toMatchObject({ code: 'CONFIRM_REQUIRED', field: 'confirm', details: { targeted: 5, touched: 3, demotions: 3 } });
    expect(err.message).toMatch(/3 contacts of 5, 3 demotions among them/);
  });

  it('keeps what changed since, and undoes the rest', async () => {
    const t = start();
    const d = await handMade(t);
    const { real } = await dryThenRun(t, { target: { kind: 'ids', ids: [d.ada, d.bob] }, action: { type: 'setStage', stage: 'signed_up' } });
    // bob is moved back and forth by hand after the bulk: that later change stays
    await t.api.call('contacts.setStage', { id: d.bob, stage: 'lead', confirm: true });
    await t.api.call('contacts.setStage', { id: d.bob, stage: 'signed_up' });
    const undone = await t.api.call('bulk.undo', { id: real.bulk!.id });
    expect(undone).toMatchObject({ restored: 1, kept: 1 });
    expect((await t.api.call('contacts.get', { id: d.ada })).stage).toBe('lead');
    expect((await t.api.call('contacts.get', { id: d.bob })).stage).toBe('signed_up');
    // bob's own later entries are still queued; the bulk's are gone
    const left = (await t.api.call('outbox.list', { entityId: d.bob, limit: 20 })).items.filter((e) => e.op === 'contact.setStage');
    expect(left.map((e) => e.payload.stage)).toEqual(['lead', 'signed_up']);
    expect((await t.api.call('outbox.list', { entityId: d.ada, limit: 20 })).items.some((e) => e.op === 'contact.setStage')).toBe(false);
  });
});

describe('bulk.run: company stage', () => {
  it('moves the contacts’ companies, and undo restores companies and funnel positions', async () => {
    const t = start();
    const d = await handMade(t);
    // a second Acme user outside the target: its funnel moves with its company, and back on undo
    const { contact: fay } = await t.api.call('contacts.create', { email: 'fay@example.com', name: 'Fay' });
    await t.api.call('contacts.signUp', { id: fay.id, externalId: 'u-fay', company: { externalId: 'acme' } });
    t.events.length = 0;
    const snapshot = rows(t);
    const { dry, real } = await dryThenRun(t, { target: { kind: 'ids', ids: d.all }, action: { type: 'setCompanyStage', stage: 'customer' } });
    expect(dry).toMatchObject({ targeted: 5, touched: 1 });
    expect(skipped(dry.skipped)).toEqual({ 'not linked to a company': 3, 'its companies are already at that stage': 1 });
    expect(real.bulk!.summary).toBe('Set company stage to Customer on 1 company of 1 selected contact');
    expect((await t.api.call('companies.get', { id: d.acme })).stage).toBe('customer');
    const rank = (id: string) => t.core.store.db.prepare('SELECT funnel_rank, funnel_max FROM contacts WHERE id = ?').get(id);
    expect(rank(d.cy)).toEqual({ funnel_rank: 3, funnel_max: 3 });
    expect(rank(fay.id)).toEqual({ funnel_rank: 3, funnel_max: 3 });

    const undone = await t.api.call('bulk.undo', { id: real.bulk!.id });
    expect(undone).toMatchObject({ restored: 1, kept: 0 });
    expect(rows(t)).toEqual(snapshot);
    const acme = await t.api.call('companies.get', { id: d.acme });
    expect(acme.history[0]).toMatchObject({ fromStage: 'customer', toStage: 'sql', actor: 'tester@example.test (undo)' });
  });
});

describe('bulk.run: link', () => {
  it('links leads and users alike (as companies.link does), skips those already linked, and undo unlinks', async () => {
    const t = start();
    const d = await handMade(t);
    const snapshot = rows(t);
    const input: RunInput = { target: { kind: 'ids', ids: d.all }, action: { type: 'link', companyId: d.acme } };
    const { dry, real, added } = await dryThenRun(t, input);
    expect(dry).toMatchObject({ targeted: 5, touched: 4 });
    expect(skipped(dry.skipped)).toEqual({ 'already linked to that company': 1 });
    expect(real.bulk!.summary).toBe('Linked 4 selected contacts to Acme');
    expect(added).toHaveLength(4);
    const acme = await t.api.call('companies.get', { id: d.acme });
    expect(acme.userCount).toBe(5);
    expect((await t.api.call('contacts.list', { search: 'acme', limit: 10 })).total).toBe(5);
    // dee reached customer through Beta already; ada reached SQL through Acme
    expect(t.core.store.db.prepare('SELECT funnel_rank FROM contacts WHERE id = ?').pluck().get(d.ada)).toBe(2);

    const undone = await t.api.call('bulk.undo', { id: real.bulk!.id });
    expect(undone).toMatchObject({ restored: 4, kept: 0 });
    expect(rows(t)).toEqual(snapshot);
    expect((await t.api.call('contacts.list', { search: 'acme', limit: 10 })).total).toBe(1);
  });

  it('refuses an unknown company, naming the field, and writes nothing', async () => {
    const t = start();
    const d = await handMade(t);
    const before = t.core.store.fingerprint();
    const err = await t.fail('bulk.run', { target: { kind: 'ids', ids: d.all }, action: { type: 'link', companyId: MISSING_ID }, dryRun: true });
    expect(err).toMatchObject({ code: 'NOT_FOUND', field: 'action.companyId' });
    expect(t.core.store.fingerprint()).toEqual(before);
  });
});

describe('bulk.run: tags', () => {
  const tagOf = (t: TestCore) => (id: string) => t.core.store.db.prepare('SELECT t.name FROM contact_tags x JOIN tags t ON t.pk = x.tag_pk JOIN contacts c ON c.pk = x.contact_pk WHERE c.id = ? ORDER BY t.name').pluck().all(id);

  it('makes a new tag only when asked, skips those who have it, and undo takes it off again', async () => {
    const t = start();
    const d = await handMade(t);
    const tags = tagOf(t);
    const before = t.core.store.fingerprint();
    const err = await t.fail('bulk.run', { target: { kind: 'ids', ids: d.all }, action: { type: 'addTag', name: 'VIP' }, dryRun: true });
    expect(err).toMatchObject({ code: 'NOT_FOUND', field: 'action.name' });
    expect(err.message).toMatch(/^Tag: the workspace has no tag “VIP”; choose Create tag/);
    expect(t.core.store.fingerprint()).toEqual(before);

    await t.api.call('tags.add', { type: 'contact', id: d.ada, name: 'VIP', create: true });
    t.events.length = 0;
    const input: RunInput = { target: { kind: 'ids', ids: d.all }, action: { type: 'addTag', name: 'vip' } };
    const { dry, real, added } = await dryThenRun(t, input);
    expect(dry).toMatchObject({ targeted: 5, touched: 4 });
    expect(skipped(dry.skipped)).toEqual({ 'already has that tag': 1 });
    expect(real.bulk!.summary).toBe('Tagged 4 selected contacts VIP');
    expect(added).toHaveLength(4);
    expect(t.core.store.db.prepare(`SELECT DISTINCT op FROM outbox WHERE seq >= ?`).pluck().all(added[0])).toEqual(['contact.tag']);
    expect(d.all.map(tags)).toEqual([['VIP'], ['VIP'], ['VIP'], ['VIP'], ['VIP']]);

    const undone = await t.api.call('bulk.undo', { id: real.bulk!.id });
    expect(undone).toMatchObject({ restored: 4, kept: 0, compensated: 0 });
    expect(d.all.map(tags)).toEqual([['VIP'], [], [], [], []]);
    // nothing of the bulk reached Intercom: its entries are withdrawn, not answered with untags
    expect((await t.api.call('outbox.list', { limit: 100 })).items.filter((e) => e.op.endsWith('tag')).map((e) => e.entityId)).toEqual([d.ada]);
  });

  it('creates the tag with the bulk when asked; removes a tag, keeping a change made since at undo', async () => {
    const t = start();
    const d = await handMade(t);
    const tags = tagOf(t);
    const add = await dryThenRun(t, { target: { kind: 'ids', ids: [d.ada, d.bob, d.cy] }, action: { type: 'addTag', name: 'Hot', create: true } });
    expect(add.real.bulk!.summary).toBe('Tagged 3 selected contacts Hot');
    expect((await t.api.call('tags.list', {})).items.map((x) => [x.name, x.contacts])).toEqual([['Hot', 3]]);
    // as if the push had sent them
    t.core.store.db.prepare(`UPDATE outbox SET status = 'done'`).run();
    t.events.length = 0;

    const removal = await dryThenRun(t, { target: { kind: 'ids', ids: d.all }, action: { type: 'removeTag', name: 'Hot' } });
    expect(removal.dry).toMatchObject({ targeted: 5, touched: 3 });
    expect(skipped(removal.dry.skipped)).toEqual({ 'does not have that tag': 2 });
    expect(d.all.map(tags)).toEqual([[], [], [], [], []]);
    t.core.store.db.prepare(`UPDATE outbox SET status = 'done'`).run();
    // bob gets it back by hand meanwhile
    await t.api.call('tags.add', { type: 'contact', id: d.bob, name: 'Hot' });
    const undone = await t.api.call('bulk.undo', { id: removal.real.bulk!.id });
    expect(undone).toMatchObject({ restored: 2, kept: 1, compensated: 2 });
    expect(undone.keptList).toEqual(['Tag Hot of Bob: changed since, kept']);
    expect(d.all.map(tags)).toEqual([['Hot'], ['Hot'], ['Hot'], [], []]);
    const waiting = (await t.api.call('outbox.list', { status: ['pending'], limit: 100 })).items.map((e) => `${e.op} ${e.entityId}`);
    expect(waiting.sort()).toEqual([d.bob, d.ada, d.cy].map((id) => `contact.tag ${id}`).sort());
    expect(await t.fail('bulk.run', { target: { kind: 'ids', ids: d.all }, action: { type: 'removeTag', name: 'Cold' }, dryRun: true })).toMatchObject({ code: 'NOT_FOUND', field: 'action.name' });
  });
});

describe('bulk.run: messages', () => {
  it('queues one email per contact with an address, as messages.send does; undo discards them', async () => {
    const t = start();
    const d = await handMade(t);
    const snapshot = rows(t);
    const action = { type: 'message', channel: 'email', subject: 'We miss you', body: 'Come back' } as const;
    const { dry, real, added } = await dryThenRun(t, { target: { kind: 'ids', ids: d.all }, action });
    expect(dry).toMatchObject({ targeted: 5, touched: 4 });
    expect(skipped(dry.skipped)).toEqual({ 'no email address': 1 });
    expect(real.bulk!.summary).toBe('Queued the email “We miss you” to 4 selected contacts');
    const queued = messages(t);
    expect(queued.map((m) => m.contact_id).sort()).toEqual([d.ada, d.cy, d.dee, d.eve].sort());
    for (const m of queued) expect(m).toMatchObject({ kind: 'send', channel: 'email', subject: 'We miss you', body: 'Come back', status: 'queued' });
    const entries = (await t.api.call('outbox.list', { limit: 100 })).items.filter((e) => added.includes(e.seq));
    expect(entries.map((e) => e.op)).toEqual(['message.send', 'message.send', 'message.send', 'message.send']);
    expect(entries.map((e) => e.payload.messageId).sort()).toEqual(queued.map((m) => m.id).sort());
    expect(entries[0]!.payload).toMatchObject({ channel: 'email', subject: 'We miss you' });

    const undone = await t.api.call('bulk.undo', { id: real.bulk!.id });
    expect(undone).toMatchObject({ restored: 4, kept: 0 });
    expect(messages(t).map((m) => m.status)).toEqual(['discarded', 'discarded', 'discarded', 'discarded']);
    expect(rows(t)).toEqual(snapshot);
  });

  it('sends in-app messages to everyone, an email only with a subject', async () => {
    const t = start();
    const d = await handMade(t);
    const dry = await t.api.call('bulk.run', { target: { kind: 'ids', ids: d.all }, action: { type: 'message', channel: 'inapp', body: 'Hi' }, dryRun: true });
    expect(dry).toMatchObject({ targeted: 5, touched: 5, skipped: [] });
    const err = await t.fail('bulk.run', { target: { kind: 'ids', ids: d.all }, action: { type: 'message', channel: 'email', body: 'Hi' }, dryRun: true });
    expect(err).toMatchObject({ code: 'VALIDATION', field: 'action.subject' });
  });

  it('flushes users only, not twice in 15 minutes; undo discards the flushes', async () => {
    const t = start();
    const d = await handMade(t);
    setNow(t.clock, '2024-03-01T10:00:00Z');
    await t.api.call('messages.flush', { contactId: d.cy });
    setNow(t.clock, '2024-03-01T10:14:00Z');
    t.events.length = 0;
    const snapshot = rows(t);
    const { dry, real } = await dryThenRun(t, { target: { kind: 'ids', ids: d.all }, action: { type: 'flush' } });
    expect(dry).toMatchObject({ targeted: 5, touched: 2 });
    expect(skipped(dry.skipped)).toEqual({
      'a lead: auto-messages are flushed for signed-up users only': 2,
      'flushed less than 15 minutes ago': 1,
    });
    expect(messages(t).filter((m) => m.kind === 'flush' && m.status === 'queued').map((m) => m.contact_id).sort()).toEqual([d.cy, d.dee, d.eve].sort());
    // one flush per user and 15 minutes: messages.flush now refuses dee
    expect((await t.fail('messages.flush', { contactId: d.dee })).code).toBe('TOO_SOON');
    const undone = await t.api.call('bulk.undo', { id: real.bulk!.id });
    expect(undone).toMatchObject({ restored: 2, kept: 0 });
    expect(rows(t)).toEqual(snapshot);
    // the discarded flush no longer counts against the window
    await t.api.call('messages.flush', { contactId: d.dee });
    // after the window cy can be flushed by a bulk again
    setNow(t.clock, '2024-03-01T10:16:00Z');
    const again = await t.api.call('bulk.run', { target: { kind: 'ids', ids: [d.cy, d.dee] }, action: { type: 'flush' }, dryRun: true });
    expect(again).toMatchObject({ touched: 1, skipped: [{ reason: 'flushed less than 15 minutes ago', count: 1 }] });
  });
});

describe('bulk.run: export', () => {
  it('writes the target to a CSV, counted first; journalled with nothing to undo', async () => {
    const t = start();
    const d = await handMade(t);
    const input: RunInput = { target: { kind: 'ids', ids: [d.ada, MISSING_ID, d.cy] }, action: { type: 'export', columns: ['name', 'email', 'companies'] } };
    const { dry, real } = await dryThenRun(t, input);
    expect(dry).toMatchObject({ targeted: 3, touched: 2, file: null });
    expect(skipped(dry.skipped)).toEqual({ 'not found: deleted since it was selected': 1 });
    expect(real.file).toMatchObject({ rows: 2 });
    expect(real.file!.fileName).toMatch(/^contacts-.*\.csv$/);
    const text = fs.readFileSync(real.file!.path, 'utf8');
    // most recently updated first: cy signed up after ada was captured
    expect(text.replace(/^\uFEFF/, '').split('\r\n')).toEqual(['Name,Email,Companies', 'Cy,cy@example.com,Acme', 'Ada,ada@example.com,', '']);
    expect(real.bulk).toMatchObject({
      touched: 2,
      summary: `Exported 2 selected contacts to ${real.file!.fileName}`,
      undoable: false,
      undoBlockedReason: 'an export changes no records; there is nothing to undo',
    });
    expect(await t.fail('bulk.undo', { id: real.bulk!.id })).toMatchObject({ code: 'CONFLICT', field: 'id' });
  });

  it('refuses an unknown column, naming it', async () => {
    const t = start();
    const d = await handMade(t);
    const err = await t.fail('bulk.run', { target: { kind: 'ids', ids: [d.ada] }, action: { type: 'export', columns: ['name', 'shoeSize'] }, confirm: true });
    expect(err).toMatchObject({ code: 'VALIDATION', field: 'action.columns.1' });
  });
});

describe('bulk.run: targets', () => {
  it('resolves a built-in segment and names it in the summary', async () => {
    const t = start();
    const d = await handMade(t);
    // "Signed up, not yet SQL": eve only (cy and dee are further along through their companies)
    const { dry, real } = await dryThenRun(t, {
      target: { kind: 'segment', segmentId: 'builtin:signed-up-not-sql' },
      action: { type: 'link', companyId: d.gamma },
    });
    expect(dry).toMatchObject({ targeted: 1, touched: 1, skipped: [] });
    expect(real.bulk!.summary).toBe('Linked 1 contact of “Signed up, not yet SQL” to Gamma');
    expect((await t.api.call('companies.get', { id: d.gamma })).users.map((u) => u.id)).toEqual([d.eve]);
  });

  it('resolves an ad hoc rule', async () => {
    const t = start();
    const d = await handMade(t);
    const { real } = await dryThenRun(t, {
      target: { kind: 'rule', rule: { op: 'and', rules: [{ field: 'role', in: ['lead'] }] } },
      action: { type: 'setStage', stage: 'signed_up' },
    });
    expect(real).toMatchObject({ targeted: 2, touched: 2 });
    expect(real.bulk!.summary).toBe('Set stage to Signed up on 2 contacts matching a filter');
    expect((await t.api.call('contacts.get', { id: d.bob })).stage).toBe('signed_up');
  });

  it('counts unknown and repeated ids in a selection once, as not found', async () => {
    const t = start();
    const d = await handMade(t);
    const { dry, real } = await dryThenRun(t, {
      target: { kind: 'ids', ids: [d.ada, MISSING_ID, d.ada, d.cy] },
      action: { type: 'setStage', stage: 'signed_up' },
    });
    expect(dry).toMatchObject({ targeted: 3, touched: 1 });
    expect(skipped(dry.skipped)).toEqual({ 'not found: deleted since it was selected': 1, 'already at that stage': 1 });
    expect(real.touched).toBe(1);
  });

  it('refuses a target of more than 100,000 contacts, naming the field', { timeout: 120_000 }, async () => {
    const t = start();
    // 100,001 leads through the bulk loader (the per-row triggers would take most of the test)
    const at = Date.UTC(2023, 10, 1);
    const lead = (i: number): SeedContact => ({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      role: 'lead',
      email: null,
      name: `Lead ${i}`,
      phone: null,
      visitor_id: null,
      external_id: null,
      intercom_id: null,
      stage: 'lead',
      custom_attributes: '{}',
      created_at: at,
      updated_at: at,
      last_activity_at: null,
      sync_state: 'local',
      company_pks: [],
      funnel_rank: 0,
      funnel_max: 0,
      stage_entered_at: at,
    });
    new SeedLoader(t.core.store.db).load((s) => s.addContacts(Array.from({ length: 100_001 }, (_, i) => lead(i + 1))), { funnelColumns: true });
    // (a fingerprint hashes every row: at 100k the counts of what a run writes say the same, faster)
    const written = () =>
      t.core.store.db
        .prepare(
          `SELECT (SELECT count(*) FROM contacts WHERE stage = 'signed_up') AS moved, (SELECT count(*) FROM outbox) AS outbox,
                  (SELECT count(*) FROM stage_history) AS history, (SELECT count(*) FROM bulk_actions) AS bulks`,
        )
        .get();
    const before = written();
    const input = { target: { kind: 'rule', rule: { op: 'and', rules: [{ field: 'stage', in: ['lead'] }] } }, action: { type: 'setStage', stage: 'signed_up' } };
    const err = await t.fail('bulk.run', { ...input, dryRun: true });
    expect(err).toMatchObject({ code: 'VALIDATION', field: 'target' });
    expect(err.message).toMatch(/more than 100,000 contacts/);
    expect(await t.fail('bulk.run', { ...input, confirm: true })).toMatchObject({ code: 'VALIDATION', field: 'target' });
    expect(written()).toEqual(before);
    // one fewer is allowed (dry run: counts only)
    t.core.store.db.prepare(`UPDATE contacts SET stage = 'signed_up' WHERE id = '00000000-0000-4000-8000-000000000001'`).run();
    const dry = await t.api.call('bulk.run', { ...(input as RunInput), dryRun: true });
    expect(dry).toMatchObject({ targeted: 100_000, touched: 100_000 });
  });

  it('names the field of bad input and writes nothing', async () => {
    const t = start();
    const d = await handMade(t);
    const before = t.core.store.fingerprint();
    const cases: Array<[unknown, string, string]> = [
      [{ target: { kind: 'ids', ids: [] }, action: { type: 'flush' } }, 'target.ids', 'VALIDATION'],
      [{ target: { kind: 'ids', ids: ['nope'] }, action: { type: 'flush' } }, 'target.ids.0', 'VALIDATION'],
      [{ target: { kind: 'ids', ids: [d.ada] }, action: { type: 'setStage', stage: 'sql' } }, 'action.stage', 'VALIDATION'],
      [{ target: { kind: 'ids', ids: [d.ada] }, action: { type: 'setCompanyStage', stage: 'lead' } }, 'action.stage', 'VALIDATION'],
      [{ target: { kind: 'ids', ids: [d.ada] }, action: { type: 'message', channel: 'inapp', body: '  ' } }, 'action.body', 'VALIDATION'],
      [{ target: { kind: 'segment', segmentId: 'no-such-segment' }, action: { type: 'flush' } }, 'target.segmentId', 'NOT_FOUND'],
    ];
    for (const [input, field, code] of cases) {
      expect(await t.fail('bulk.run', { ...(input as object), confirm: true }), JSON.stringify(input)).toMatchObject({ code, field });
    }
    expect(await t.fail('bulk.undo', { id: 'no-such-bulk' })).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    expect(t.core.store.fingerprint()).toEqual(before);
  });

  it('changes nothing and records nothing when every contact is skipped', async () => {
    const t = start();
    const d = await handMade(t);
    const res = await t.api.call('bulk.run', { target: { kind: 'ids', ids: [d.cy, d.dee] }, action: { type: 'setStage', stage: 'signed_up' } });
    expect(res).toMatchObject({ bulk: null, targeted: 2, touched: 0, dryRun: false });
    expect((await t.api.call('bulk.list', {})).total).toBe(0);
  });
});

describe('bulk.list and undo after sync', () => {
  const sandboxes: Array<{ t: TestCore; sb: Sandbox }> = [];
  afterEach(async () => {
    for (const { t, sb } of sandboxes.splice(0)) {
      t.dispose();
      removeTempDir(t.dir);
      await sb.close();
    }
  });

  async function withSandbox() {
    const sb = await startSandbox({ searchLagMs: 0, randomSeed: 7, rateLimit: { limit: 500, windowMs: 1000 } });
    const t = startCore(undefined, new TestClock(), {
      intercom: { baseUrl: sb.url, source: 'start-option', token: sb.token },
      autoSync: false,
      sync: { client: { timeoutMs: 2000, backoff: { baseMs: 5, maxMs: 50 } } },
    });
    sandboxes.push({ t, sb });
    return { t, sb };
  }

  async function syncUntilQuiet(t: TestCore) {
    for (let i = 0; i < 40; i++) {
      const s = await t.core.sync.runOnce();
      if (s.pending === 0 && s.state === 'idle') return s;
    }
    throw new Error('sync did not settle');
  }

  it('lists bulks newest first; a stage bulk stays undoable after the push, a message bulk only during its hold', { timeout: 60_000 }, async () => {
    const { t, sb } = await withSandbox();
    const d = await handMade(t);
    await syncUntilQuiet(t);
    const first = await t.api.call('bulk.run', { target: { kind: 'ids', ids: [d.ada, d.bob] }, action: { type: 'setStage', stage: 'signed_up' }, confirm: true });
    const second = await t.api.call('bulk.run', { target: { kind: 'ids', ids: [d.cy] }, action: { type: 'message', channel: 'inapp', body: 'Hello' }, confirm: true });
    expect(second.bulk!.releaseAt).not.toBeNull();
    let list = await t.api.call('bulk.list', {});
    expect(list.total).toBe(2);
    expect(list.items.map((b) => [b.id, b.undoable])).toEqual([
      [second.bulk!.id, true],
      [first.bulk!.id, true],
    ]);

    await syncUntilQuiet(t);
    // Intercom has the stages and the message now
    const ada = (await t.api.call('contacts.get', { id: d.ada })).intercomId!;
    expect(sb.workspace.contacts().find((c) => c.id === ada)!.custom_attributes?.Stage).toBe('Signed up');

    list = await t.api.call('bulk.list', {});
    expect(list.items.map((b) => [b.undoable, b.undoBlockedReason])).toEqual([
      [false, 'Messages already sent cannot be taken back.'],
      [true, null],
    ]);
    const before = t.core.store.fingerprint();
    const err = await t.fail('bulk.undo', { id: second.bulk!.id });
    expect(err).toMatchObject({ code: 'CONFLICT', field: 'id', message: 'Messages already sent cannot be taken back.' });
    expect(t.core.store.fingerprint()).toEqual(before);
  });
});
