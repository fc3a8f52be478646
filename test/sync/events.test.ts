// Events against the sandbox over HTTP: they reach Intercom after their contact's create (a lead
// by its Intercom id, a user by its user id), a duplicate is never sent twice, a 121st event name
// fails its entry without a request, and the 90-day pull follows the pages and adds only new ones.
import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../electron/sandbox';
import { startSandbox } from '../../electron/sandbox';
import { IntercomError } from '../../electron/core/sync/IntercomError';
import type { EventCreate } from '../../electron/core/sync/intercomTypes';
import { removeTempDir, startCore, TestClock, type TestCore } from '../helpers/testCore';
import { allEntries, pushRig, type PushRig } from './pushHarness';

const DAY = 86_400_000;
/** The sandbox keeps real time (its 90-day window is measured from now): times relative to the start, whole seconds. */
const NOW = Math.floor(Date.now() / 1000) * 1000;
const recent = (daysAgo: number, plusSeconds = 0) => NOW - daysAgo * DAY + plusSeconds * 1000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('events pushed to Intercom', () => {
  let rig: PushRig;
  afterEach(async () => {
    await rig?.close();
  });

  /** Every POST /events body the pusher sends. */
  function recordBodies(r: PushRig): EventCreate[] {
    const sent: EventCreate[] = [];
    const client = r.ctx.client;
    const original = client.trackEvent.bind(client);
    client.trackEvent = (body) => {
      sent.push(body);
      return original(body);
    };
    return sent;
  }

  it("go out after the contact's create, a lead by its Intercom id, and are never sent twice", async () => {
    rig = await pushRig();
    const api = rig.t.api;
    const sent = recordBodies(rig);
    // a visitor browses, then is captured as a lead: its events wait behind the lead's create
    await api.call('events.track', { visitorId: 'v-1', name: 'page_view', at: iso(recent(3)), metadata: { referrer: 'https://search.example/', landing_page: '/pricing' }, source: 'website' });
    await api.call('events.track', { visitorId: 'v-1', name: 'clicked_demo', at: iso(recent(2)), source: 'website' });
    const { contact } = await api.call('contacts.create', { email: 'lee@example.com', visitorId: 'v-1' });
    const dup = await api.call('events.track', { contactId: contact.id, name: 'clicked_demo', at: iso(recent(2) + 300) });
    expect(dup.duplicate).toBe(true);

    rig.sb.resetStats();
    const summary = await rig.push();
    expect(summary).toMatchObject({ done: 3, failed: 0 });
    expect(rig.sb.stats().byRoute).toMatchObject({ 'POST /contacts': 1, 'POST /events': 2 });
    const intercomId = rig.t.core.store.contacts.byId(contact.id)!.intercom_id!;
    expect(sent).toEqual([
      { event_name: 'page_view', created_at: recent(3) / 1000, id: intercomId, metadata: { referrer: 'https://search.example/', landing_page: '/pricing' } },
      { event_name: 'clicked_demo', created_at: recent(2) / 1000, id: intercomId },
    ]);
    expect(rig.sb.workspace.events().map((e) => [e.contactId, e.event_name, e.created_at])).toEqual([
      [intercomId, 'page_view', recent(3) / 1000],
      [intercomId, 'clicked_demo', recent(2) / 1000],
    ]);
    const timeline = await api.call('contacts.timeline', { id: contact.id });
    expect(timeline.items.filter((i) => i.kind === 'event').map((i) => i.kind === 'event' && i.event.syncState)).toEqual(['synced', 'synced']);
    expect(rig.t.core.store.events.countNames()).toBe(2);

    // nothing waits, so nothing is sent; and an entry replayed (a crash after the send) sends nothing again
    rig.sb.resetStats();
    expect(await rig.push()).toMatchObject({ done: 0, requests: 0 });
    rig.t.core.store.db.prepare(`UPDATE outbox SET status = 'pending' WHERE op = 'event.create'`).run();
    expect(await rig.push()).toMatchObject({ done: 2, requests: 0 });
    expect(rig.sb.stats().byRoute['POST /events']).toBeUndefined();
    expect(rig.sb.workspace.events()).toHaveLength(2);
  });

  it('send a user by its user id once Intercom knows it as a user, and by id before', async () => {
    rig = await pushRig();
    const api = rig.t.api;
    const sent = recordBodies(rig);
    const { contact } = await api.call('contacts.create', { email: 'max@example.com' });
    await api.call('events.track', { contactId: contact.id, name: 'trial_started', at: iso(recent(1)) });
    await rig.push();
    // the sign-up is queued after this event: the event must still find the contact Intercom holds
    await api.call('events.track', { contactId: contact.id, name: 'invited_team', at: iso(recent(0)) });
    await api.call('contacts.signUp', { id: contact.id, externalId: 'u-max' });
    await api.call('events.track', { contactId: contact.id, name: 'paid', at: iso(recent(0, 1)), metadata: { plan: 'pro', seats: 3 } });
    expect(await rig.push()).toMatchObject({ failed: 0 });
    const intercomId = rig.t.core.store.contacts.byId(contact.id)!.intercom_id!;
    expect(sent.map((b) => [b.event_name, b.id ?? null, b.user_id ?? null])).toEqual([
      ['trial_started', intercomId, null],
      ['invited_team', intercomId, null],
      ['paid', null, 'u-max'],
    ]);
    expect(rig.sb.workspace.events().map((e) => e.event_name)).toEqual(['trial_started', 'invited_team', 'paid']);
  });

  it('refuse a 121st event name: the entry fails naming the limit and the name, without a request', async () => {
    rig = await pushRig();
    const api = rig.t.api;
    const { contact } = await api.call('contacts.create', { email: 'busy@example.com' });
    const base = recent(10);
    for (let i = 0; i < 121; i++) await api.call('events.track', { contactId: contact.id, name: `feature_${i}`, at: iso(base + i * 1000) });
    rig.sb.resetStats();
    const summary = await rig.push();
    expect(summary).toMatchObject({ done: 121, failed: 1 });
    expect(rig.sb.stats().byRoute['POST /events']).toBe(120);
    expect(rig.sb.stats().byStatus['400']).toBeUndefined();

    const failed = (await allEntries(rig.t)).filter((e) => e.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.op).toBe('event.create');
    expect(failed[0]!.lastError).toMatch(/at most 120 event names/);
    expect(failed[0]!.lastError).toContain("'feature_120'");
    const timeline = await api.call('contacts.timeline', { id: contact.id, limit: 1 });
    expect(timeline.items[0]).toMatchObject({ kind: 'event', event: { name: 'feature_120', syncState: 'failed' } });
    // retried from the outbox, the event waits again (and fails again: the limit still holds)
    await api.call('outbox.retry', { seqs: [failed[0]!.seq] });
    const retried = await api.call('contacts.timeline', { id: contact.id, limit: 1 });
    expect(retried.items[0]).toMatchObject({ kind: 'event', event: { name: 'feature_120', syncState: 'pending' } });
    expect(await rig.push()).toMatchObject({ done: 0, failed: 1, requests: 0 });

    // a name Intercom already has still goes out
    await api.call('events.track', { contactId: contact.id, name: 'feature_7', at: iso(recent(0)) });
    expect(await rig.push()).toMatchObject({ done: 1, failed: 0, requests: 1 });

    // the sandbox refuses a 121st name as Intercom does, whoever sends it
    const err = await rig.ctx.client
      .trackEvent({ event_name: 'one_too_many', created_at: Math.floor(Date.now() / 1000), id: rig.t.core.store.contacts.byId(contact.id)!.intercom_id! })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntercomError);
    expect((err as IntercomError).kind).toBe('invalid');
    expect((err as IntercomError).message).toMatch(/120/);
  });
});

describe('events.pull', () => {
  const open: Array<{ t: TestCore; sb: Sandbox }> = [];
  afterEach(async () => {
    for (const { t, sb } of open.splice(0)) {
      t.dispose();
      removeTempDir(t.dir);
      await sb.close();
    }
  });

  async function setup() {
    const sb = await startSandbox({ searchLagMs: 0, randomSeed: 7 });
    const t = startCore(undefined, new TestClock(), {
      intercom: { baseUrl: sb.url, source: 'start-option', token: sb.token },
      autoSync: false,
      sync: { client: { timeoutMs: 2000, backoff: { baseMs: 5, maxMs: 50 } } },
    });
    open.push({ t, sb });
    return { t, sb };
  }

  it('fetches the last 90 days page by page and adds only the events not held yet', async () => {
    const { t, sb } = await setup();
    const { contact } = await t.api.call('contacts.create', { email: 'pat@example.com', name: 'Pat' });
    await t.api.call('events.track', { contactId: contact.id, name: 'page_view', at: iso(recent(5)) });
    await t.api.call('events.track', { contactId: contact.id, name: 'signed_form', at: iso(recent(4)) });
    await t.core.sync.runOnce();
    const intercomId = (await t.api.call('contacts.get', { id: contact.id })).intercomId!;
    expect(intercomId).toBeTruthy();
    expect(sb.workspace.events()).toHaveLength(2);

    // recorded in Intercom by the Messenger: 150 views over the last days (two pages and a half), one too old to list
    for (let i = 0; i < 250; i++) sb.workspace.remoteCreateEvent({ contactId: intercomId, event_name: 'page_view', created_at: recent(3, i * 60) / 1000 });
    sb.workspace.remoteCreateEvent({ contactId: intercomId, event_name: 'opened_email', created_at: recent(1) / 1000, metadata: { link: { url: 'https://x.example/a', value: 'A' }, n: 2 } });
    // through the control surface, as a script driving the sandbox would
    const seeded = await fetch(`${sb.url}/_sandbox/remote-create-event`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${sb.controlToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ contactId: intercomId, event_name: 'ancient', created_at: recent(120) / 1000 }),
    });
    expect(seeded.status).toBe(200);
    expect(sb.workspace.events().filter((e) => e.event_name === 'ancient')).toHaveLength(1);
    sb.resetStats();

    const first = await t.api.call('events.pull', { contactId: contact.id });
    expect(first).toEqual({ fetched: 253, added: 251 });
    // 100 per page, following pages.next
    expect(sb.stats().byRoute['GET /events']).toBe(3);
    const whole = await t.api.call('contacts.timeline', { id: contact.id, limit: 500 });
    const events = whole.items.filter((i) => i.kind === 'event');
    expect(events).toHaveLength(253);
    expect(events.every((i) => i.kind === 'event' && i.event.syncState === 'synced')).toBe(true);
    expect(events.filter((i) => i.kind === 'event' && i.event.source === 'intercom')).toHaveLength(251);
    expect(events.find((i) => i.kind === 'event' && i.event.name === 'opened_email')).toMatchObject({ event: { metadata: { link: 'https://x.example/a', n: 2 } } });
    expect(events.some((i) => i.kind === 'event' && i.event.name === 'ancient')).toBe(false);
    // the newest event pulled is the contact's last activity
    expect((await t.api.call('contacts.get', { id: contact.id })).lastActivityAt).toBe(iso(recent(1)));

    // again: the same events, none new, and nothing queued back to Intercom
    expect(await t.api.call('events.pull', { contactId: contact.id })).toEqual({ fetched: 253, added: 0 });
    expect(t.core.store.outbox.countWaiting()).toBe(0);
  });

  it('says why it cannot pull: not in Intercom yet, offline, or not connected', async () => {
    const { t } = await setup();
    const { contact } = await t.api.call('contacts.create', { email: 'new@example.com' });
    const notYet = await t.fail('events.pull', { contactId: contact.id });
    expect(notYet).toMatchObject({ code: 'VALIDATION', field: 'contactId' });
    expect(notYet.message).toMatch(/not in Intercom yet: sync first/);
    await t.core.sync.runOnce();
    await t.api.call('sync.setOnline', { online: false });
    expect(await t.fail('events.pull', { contactId: contact.id })).toMatchObject({ code: 'OFFLINE' });
    await t.api.call('sync.setOnline', { online: true });
    expect(await t.api.call('events.pull', { contactId: contact.id })).toEqual({ fetched: 0, added: 0 });

    const bare = startCore();
    open.push({ t: bare, sb: { close: async () => {} } as unknown as Sandbox });
    const { contact: c } = await bare.api.call('contacts.create', { email: 'x@example.com' });
    bare.core.store.db.prepare('UPDATE contacts SET intercom_id = @i WHERE id = @id').run({ i: 'abc123', id: c.id });
    expect(await bare.fail('events.pull', { contactId: c.id })).toMatchObject({ code: 'VALIDATION', field: 'token' });
    expect(await t.fail('events.pull', { contactId: '3f0c2a4e-1b2c-4d3e-8f9a-0b1c2d3e4f5a' })).toMatchObject({ code: 'NOT_FOUND', field: 'contactId' });
  });
});
