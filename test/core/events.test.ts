// Activity through the API on a real SQLite file: events of contacts and of anonymous visitors,
// the visitor's events joining the lead captured with its visitor id (first touch and last
// activity from the earliest and latest of them), Intercom's duplicate rule, and timelines that
// merge events, stage changes and messages newest first, paged by cursor.
import { describe, expect, it } from 'vitest';
import { releaseVisitorEvents } from '../../electron/core/records/recordEvent';
import type { TimelineItem } from '../../shared/activity';
import { coresPerTest, outboxItems, TEST_ACTOR, type TestCore } from '../helpers/testCore';

const start = coresPerTest();

const MISSING_ID = '3f0c2a4e-1b2c-4d3e-8f9a-0b1c2d3e4f5a';
/** Times well before the test clock (2024-01-01), so every event is older than anything the clock stamps. */
const T0 = Date.UTC(2023, 5, 1, 9, 0, 0);
const at = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();
const MIN = 60_000;
const HOUR = 60 * MIN;

const eventOps = async (t: TestCore) => (await outboxItems(t)).filter((o) => o.op === 'event.create');
/** A short, readable line per timeline item. */
const lines = (items: TimelineItem[]) =>
  items.map((i) =>
    i.kind === 'event' ? `event ${i.event.name}` : i.kind === 'stage' ? `stage ${i.stage.fromStage ?? '-'}>${i.stage.toStage ?? '-'}` : i.kind === 'message' ? `message ${i.message.subject ?? i.message.channel}` : `note ${i.note.body}`,
  );

describe('events.track: validation', () => {
  it('refuses bad input naming the field, and stores nothing', async () => {
    const t = start();
    const { contact } = await t.api.call('contacts.create', { email: 'ada@example.com' });
    const before = t.core.store.fingerprint();
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, i]));
    const cases: Array<[unknown, string, string]> = [
      [{ contactId: contact.id, name: 'viewed', metadata: eleven }, 'metadata', 'VALIDATION'],
      [{ contactId: contact.id, name: 'viewed', metadata: { plan: { tier: 'pro' } } }, 'metadata.plan', 'VALIDATION'],
      [{ contactId: contact.id, name: 'viewed', metadata: { tags: ['a', 'b'] } }, 'metadata.tags', 'VALIDATION'],
      [{ contactId: contact.id, name: 'viewed', metadata: { 'a.b': 1 } }, 'metadata.a.b', 'VALIDATION'],
      [{ contactId: contact.id, name: '   ' }, 'name', 'VALIDATION'],
      [{ contactId: contact.id, name: 'x'.repeat(256) }, 'name', 'VALIDATION'],
      [{ contactId: contact.id, name: 'viewed', at: 'yesterday' }, 'at', 'VALIDATION'],
      [{ name: 'viewed' }, 'contactId', 'VALIDATION'],
      [{ contactId: contact.id, visitorId: 'v-1', name: 'viewed' }, 'contactId', 'VALIDATION'],
      [{ visitorId: '  ', name: 'viewed' }, 'visitorId', 'VALIDATION'],
      [{ contactId: contact.id, name: 'viewed', source: 'intercom' }, 'source', 'VALIDATION'],
      [{ contactId: MISSING_ID, name: 'viewed' }, 'contactId', 'NOT_FOUND'],
    ];
    for (const [input, field, code] of cases) {
      const err = await t.fail('events.track', input);
      expect(err, JSON.stringify(input)).toMatchObject({ code, field });
    }
    expect((await t.fail('events.track', cases[0]![0])).message).toMatch(/at most 10 metadata keys/);
    expect(t.core.store.fingerprint()).toEqual(before);
  });
});

describe('events.track: contacts', () => {
  it('stores an event to the second, queues it for Intercom, and moves last activity forward only', async () => {
    const t = start();
    const { contact } = await t.api.call('contacts.create', { email: 'ada@example.com' });
    const first = await t.api.call('events.track', { contactId: contact.id, name: 'opened-app', at: at(HOUR + 750), metadata: { build: 42, beta: true } });
    expect(first).toEqual({
      duplicate: false,
      event: {
        id: expect.any(Number),
        contactId: contact.id,
        visitorId: null,
        name: 'opened-app',
        at: at(HOUR),
        metadata: { build: 42, beta: true },
        source: 'local',
        syncState: 'pending',
      },
    });
    expect((await eventOps(t)).map((o) => o.payload)).toEqual([{ eventId: first.event.id, name: 'opened-app', at: T0 + HOUR }]);
    expect((await t.api.call('contacts.get', { id: contact.id })).lastActivityAt).toBe(at(HOUR));

    // an older event does not move last activity back
    await t.api.call('events.track', { contactId: contact.id, name: 'opened-app', at: at(0) });
    expect((await t.api.call('contacts.get', { id: contact.id })).lastActivityAt).toBe(at(HOUR));
    expect(t.events.some((e) => e.name === 'changed' && (e.payload as { entity: string }).entity === 'event')).toBe(true);
  });

  it('ignores a duplicate (same contact, name and second): no second row, no second outbox entry', async () => {
    const t = start();
    const { contact } = await t.api.call('contacts.create', { email: 'ada@example.com' });
    const a = await t.api.call('events.track', { contactId: contact.id, name: 'paid', at: at(1_100), metadata: { amount: 10 } });
    const b = await t.api.call('events.track', { contactId: contact.id, name: 'paid', at: at(1_900), metadata: { amount: 99 } });
    expect(b).toEqual({ duplicate: true, event: a.event });
    // another name, or another second, is another event
    const c = await t.api.call('events.track', { contactId: contact.id, name: 'paid', at: at(2_000) });
    const d = await t.api.call('events.track', { contactId: contact.id, name: 'refunded', at: at(1_100) });
    expect([c.duplicate, d.duplicate]).toEqual([false, false]);
    expect((await eventOps(t)).map((o) => o.payload.eventId)).toEqual([a.event.id, c.event.id, d.event.id]);
    // visitors follow the same rule
    const v1 = await t.api.call('events.track', { visitorId: 'v-9', name: 'page_view', at: at(0) });
    const v2 = await t.api.call('events.track', { visitorId: 'v-9', name: 'page_view', at: at(500) });
    expect(v2).toEqual({ duplicate: true, event: v1.event });
  });
});

describe('visitor events joined on lead capture', () => {
  it('keeps events by visitor id, then gives them to the lead captured with it: first touch and last activity from them', async () => {
    const t = start();
    // the website, before anyone gave a name: three events of visitor v-1, one of v-2
    const landing = { referrer: 'https://search.example/?q=crm', landing_page: '/pricing', utm_source: 'search' };
    await t.api.call('events.track', { visitorId: 'v-1', name: 'page_view', at: at(10 * MIN), metadata: { referrer: 'https://news.example/', landing_page: '/blog' }, source: 'website' });
    await t.api.call('events.track', { visitorId: 'v-1', name: 'scrolled', at: at(-5 * MIN), source: 'website' });
    await t.api.call('events.track', { visitorId: 'v-1', name: 'page_view', at: at(0), metadata: landing, source: 'website' });
    await t.api.call('events.track', { visitorId: 'v-1', name: 'clicked_demo', at: at(2 * HOUR), source: 'website' });
    const other = await t.api.call('events.track', { visitorId: 'v-2', name: 'page_view', at: at(3 * HOUR), source: 'website' });
    expect(other.event).toMatchObject({ contactId: null, visitorId: 'v-2', syncState: 'waiting', source: 'website' });
    // nothing of a visitor goes to Intercom: there is no contact to send it to
    expect(await eventOps(t)).toEqual([]);

    const { contact } = await t.api.call('contacts.create', { email: 'lee@example.com', name: 'Lee', visitorId: 'v-1' });
    // the earliest event is the first seen; referrer and landing page come from the earliest event that carries them
    expect(contact.lastActivityAt).toBe(at(2 * HOUR));
    const timeline = await t.api.call('contacts.timeline', { id: contact.id });
    expect(timeline.firstTouch).toEqual({ at: at(-5 * MIN), referrer: 'https://search.example/?q=crm', landingPage: '/pricing' });
    const events = timeline.items.filter((i) => i.kind === 'event');
    expect(events.map((i) => [i.event.name, i.at])).toEqual([
      ['clicked_demo', at(2 * HOUR)],
      ['page_view', at(10 * MIN)],
      ['page_view', at(0)],
      ['scrolled', at(-5 * MIN)],
    ]);
    expect(events.every((i) => i.kind === 'event' && i.event.contactId === contact.id && i.event.visitorId === 'v-1' && i.event.syncState === 'pending')).toBe(true);
    expect(events.every((i) => i.contact?.id === contact.id)).toBe(true);

    // queued for Intercom after the contact's create, oldest first
    const outbox = (await outboxItems(t)).filter((o) => o.entityId === contact.id);
    expect(outbox.map((o) => o.op)).toEqual(['contact.create', 'event.create', 'event.create', 'event.create', 'event.create']);
    expect(outbox.slice(1).map((o) => o.payload.at)).toEqual([T0 - 5 * MIN, T0, T0 + 10 * MIN, T0 + 2 * HOUR]);

    // the other visitor's event is still its own
    const row = t.core.store.events.byId(other.event.id)!;
    expect([row.contact_id, row.visitor_id, row.sync_state]).toEqual([null, 'v-2', 'waiting']);

    // from now on an event of v-1 goes straight to the lead
    const later = await t.api.call('events.track', { visitorId: 'v-1', name: 'page_view', at: at(5 * HOUR), source: 'website' });
    expect(later.event).toMatchObject({ contactId: contact.id, syncState: 'pending' });
    expect((await t.api.call('contacts.get', { id: contact.id })).lastActivityAt).toBe(at(5 * HOUR));
    expect(t.events.some((e) => e.name === 'changed' && (e.payload as { entity: string; op: string }).entity === 'event')).toBe(true);
  });

  it('joins them when a visitor id is added to an existing lead, dropping the ones the lead already has', async () => {
    const t = start();
    const { contact } = await t.api.call('contacts.create', { email: 'kim@example.com' });
    await t.api.call('events.track', { contactId: contact.id, name: 'signed_form', at: at(HOUR) });
    await t.api.call('events.track', { visitorId: 'v-7', name: 'signed_form', at: at(HOUR + 400), source: 'website' });
    await t.api.call('events.track', { visitorId: 'v-7', name: 'page_view', at: at(0), metadata: { referrer: 'https://partner.example/' }, source: 'website' });
    const before = (await eventOps(t)).length;

    await t.api.call('contacts.update', { id: contact.id, patch: { visitorId: 'v-7' } });
    const timeline = await t.api.call('contacts.timeline', { id: contact.id });
    expect(timeline.items.filter((i) => i.kind === 'event').map((i) => i.kind === 'event' && i.event.name)).toEqual(['signed_form', 'page_view']);
    expect(timeline.firstTouch).toEqual({ at: at(0), referrer: 'https://partner.example/', landingPage: null });
    // only the page view was new: one more entry
    expect((await eventOps(t)).length).toBe(before + 1);
    expect(t.core.store.events.ofVisitor('v-7')).toEqual([]);
  });
});

describe('visitor events given back', () => {
  it('go back to their visitor when the contact that adopted them is deleted (an import rolled back)', async () => {
    const t = start();
    await t.api.call('events.track', { visitorId: 'v-5', name: 'page_view', at: at(0), source: 'website' });
    const { contact } = await t.api.call('contacts.create', { email: 'temp@example.com', visitorId: 'v-5' });
    await t.api.call('events.track', { visitorId: 'v-5', name: 'pricing', at: at(HOUR), source: 'website' });
    await t.api.call('events.track', { contactId: contact.id, name: 'own_event', at: at(2 * HOUR) });
    const { store } = t.core;
    const released = store.transaction(() => {
      const n = releaseVisitorEvents(store, store.contacts.byId(contact.id)!.pk);
      store.db.prepare('DELETE FROM outbox WHERE entity_id = @id').run({ id: contact.id });
      store.db.prepare('DELETE FROM contacts WHERE id = @id').run({ id: contact.id });
      return n;
    });
    expect(released).toBe(2);
    expect(store.events.ofVisitor('v-5').map((e) => [e.name, e.sync_state])).toEqual([
      ['page_view', 'waiting'],
      ['pricing', 'waiting'],
    ]);
    // the next capture with that visitor id finds them again
    const { contact: again } = await t.api.call('contacts.create', { email: 'real@example.com', visitorId: 'v-5' });
    expect(again.lastActivityAt).toBe(at(HOUR));
  });
});

describe('timelines', () => {
  async function userWithHistory(t: TestCore) {
    const { contact } = await t.api.call('contacts.create', { email: 'max@example.com', name: 'Max' });
    // the test clock moves 1 s per reading; events are placed between the stage changes by time
    const created = Date.parse(contact.createdAt);
    await t.api.call('events.track', { contactId: contact.id, name: 'viewed_pricing', at: new Date(created + 1500).toISOString() });
    await t.api.call('contacts.signUp', { id: contact.id, externalId: 'u-max' });
    const signedUp = Date.parse((await t.api.call('contacts.get', { id: contact.id })).history[0]!.at);
    await t.api.call('messages.send', { contactId: contact.id, channel: 'email', subject: 'Welcome', body: 'Hello Max' });
    await t.api.call('events.track', { contactId: contact.id, name: 'invited_team', at: new Date(signedUp + 60_000).toISOString(), metadata: { seats: 5 } });
    return contact;
  }

  it("merges a contact's events, stage changes and messages, newest first", async () => {
    const t = start();
    const contact = await userWithHistory(t);
    const timeline = await t.api.call('contacts.timeline', { id: contact.id });
    expect(lines(timeline.items)).toEqual(['event invited_team', 'message Welcome', 'stage lead>signed_up', 'event viewed_pricing', 'stage ->lead']);
    const ats = timeline.items.map((i) => i.at);
    expect([...ats].sort().reverse()).toEqual(ats);
    const stage = timeline.items.find((i) => i.kind === 'stage' && i.stage.toStage === 'signed_up');
    expect(stage).toMatchObject({ contact: { id: contact.id, name: 'Max' }, stage: { entityType: 'contact', entityId: contact.id, actor: TEST_ACTOR, source: 'local' } });
    expect(timeline.items[1]).toMatchObject({ kind: 'message', message: { kind: 'send', channel: 'email', subject: 'Welcome', status: 'queued' } });
    expect(timeline.items[0]).toMatchObject({ kind: 'event', event: { metadata: { seats: 5 } } });
    expect(timeline.nextCursor).toBeNull();
    // no events: no first touch yet beyond first seen
    expect(timeline.firstTouch).toMatchObject({ referrer: null, landingPage: null });
  });

  it("pages by cursor: the pages together are the whole timeline, in order, and the cursor belongs to its timeline", async () => {
    const t = start();
    const contact = await userWithHistory(t);
    // a burst in one second (different names): ties on time are ordered by key, never lost or repeated
    for (const name of ['a', 'b', 'c', 'd']) await t.api.call('events.track', { contactId: contact.id, name, at: at(0) });
    const whole = await t.api.call('contacts.timeline', { id: contact.id, limit: 500 });
    expect(whole.items).toHaveLength(9);

    const paged: TimelineItem[] = [];
    let before: string | undefined;
    const sizes: number[] = [];
    for (;;) {
      const page = await t.api.call('contacts.timeline', { id: contact.id, limit: 2, ...(before ? { before } : {}) });
      paged.push(...page.items);
      sizes.push(page.items.length);
      if (!page.nextCursor) break;
      before = page.nextCursor;
    }
    expect(sizes).toEqual([2, 2, 2, 2, 1]);
    expect(paged.map((i) => i.key)).toEqual(whole.items.map((i) => i.key));

    const { contact: other } = await t.api.call('contacts.create', { email: 'other@example.com' });
    expect(await t.fail('contacts.timeline', { id: other.id, before })).toMatchObject({ code: 'VALIDATION', field: 'before' });
    expect(await t.fail('contacts.timeline', { id: contact.id, before: 'not-a-cursor' })).toMatchObject({ code: 'VALIDATION', field: 'before' });
    expect(await t.fail('contacts.timeline', { id: MISSING_ID })).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });

  it("merges all of a company's users, naming each line's contact, with the company's own stage changes", async () => {
    const t = start();
    const { contact: ann } = await t.api.call('contacts.create', { email: 'ann@acme.test', name: 'Ann' });
    const { contact: bob } = await t.api.call('contacts.create', { email: 'bob@acme.test', name: 'Bob', visitorId: 'v-bob' });
    const { contact: outsider } = await t.api.call('contacts.create', { email: 'out@else.test', name: 'Out' });
    const acme = await t.api.call('companies.create', { name: 'Acme', externalId: 'acme' });
    await t.api.call('companies.link', { contactId: ann.id, companyId: acme.id });
    await t.api.call('companies.link', { contactId: bob.id, companyId: acme.id });
    await t.api.call('companies.setStage', { id: acme.id, stage: 'sql' });
    await t.api.call('events.track', { contactId: ann.id, name: 'ann_event', at: at(2 * HOUR) });
    await t.api.call('events.track', { visitorId: 'v-bob', name: 'bob_event', at: at(HOUR), metadata: { referrer: 'https://bob.example/' } });
    await t.api.call('events.track', { contactId: bob.id, name: 'bob_first', at: at(0), metadata: { landing_page: '/start' } });
    await t.api.call('events.track', { contactId: outsider.id, name: 'not_acme', at: at(90 * MIN) });

    const timeline = await t.api.call('companies.timeline', { id: acme.id });
    const events = timeline.items.filter((i) => i.kind === 'event');
    expect(events.map((i) => [i.kind === 'event' && i.event.name, i.contact?.name])).toEqual([
      ['ann_event', 'Ann'],
      ['bob_event', 'Bob'],
      ['bob_first', 'Bob'],
    ]);
    const companyStage = timeline.items.find((i) => i.kind === 'stage' && i.stage.entityType === 'company');
    expect(companyStage).toMatchObject({ contact: null, stage: { entityId: acme.id, toStage: 'sql' } });
    // the users' own stage changes are there too, each with its contact
    expect(timeline.items.filter((i) => i.kind === 'stage' && i.stage.entityType === 'contact').map((i) => i.contact?.name).sort()).toEqual(['Ann', 'Bob']);
    const ats = timeline.items.map((i) => i.at);
    expect([...ats].sort().reverse()).toEqual(ats);
    // the first touch of the company is that of its user seen first
    expect(timeline.firstTouch).toEqual({ at: at(0), referrer: null, landingPage: '/start' });

    const page1 = await t.api.call('companies.timeline', { id: acme.id, limit: 4 });
    const page2 = await t.api.call('companies.timeline', { id: acme.id, limit: 4, before: page1.nextCursor! });
    expect([...page1.items, ...page2.items].map((i) => i.key)).toEqual(timeline.items.map((i) => i.key));
    expect(await t.fail('companies.timeline', { id: acme.id, before: (await t.api.call('contacts.timeline', { id: ann.id, limit: 1 })).nextCursor })).toMatchObject({
      code: 'VALIDATION',
      field: 'before',
    });
  });
});
