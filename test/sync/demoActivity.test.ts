// The demo workspace is worth opening: the sandbox's demo seed has weeks of page views and events
// over its contacts (the same on every start), and demo mode brings them into the console, where
// the first-touch breakdown, the timelines and "Slipping away" then show something.
import { afterEach, describe, expect, it } from 'vitest';
import { pullAllEvents } from '../../electron/core/activity/DemoEvents';
import { FIRST_PULL_KEY } from '../../electron/core/sync/Puller';
import { startSandbox, type Sandbox } from '../../electron/sandbox';
import { removeTempDir, startCore, TestClock, type TestCore } from '../helpers/testCore';

const DAY = 86_400;
const open: { t?: TestCore; sb: Sandbox }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    if (o.t) {
      o.t.dispose();
      removeTempDir(o.t.dir);
    }
    await o.sb.close();
  }
});

async function demo(randomSeed: number): Promise<Sandbox> {
  const sb = await startSandbox({ seed: 'demo', searchLagMs: 0, randomSeed, rateLimit: { limit: 1_000_000, windowMs: 10_000 } });
  open.push({ sb });
  return sb;
}

describe('the demo workspace', () => {
  it('has weeks of page views and events over its contacts, the same on every start', async () => {
    const a = await demo(1);
    const events = a.workspace.events();
    const nowSec = a.workspace.nowSec();
    const contacts = new Set(events.map((e) => e.contactId));
    expect(contacts.size).toBe(40);
    const ages = events.map((e) => (nowSec - e.created_at) / DAY);
    expect(Math.max(...ages)).toBeGreaterThan(35);
    expect(Math.min(...ages)).toBeLessThan(2);
    expect(Math.max(...ages)).toBeLessThan(90); // Intercom lists the last 90 days
    expect(new Set(events.map((e) => e.event_name))).toEqual(new Set(['page-view', 'viewed-pricing', 'signed-up', 'created-project', 'invited-teammate']));
    expect(events.filter((e) => e.metadata.referrer !== undefined).length).toBeGreaterThan(20);
    // some went quiet a month ago: "Slipping away" has members
    const newest = new Map<string, number>();
    for (const e of events) newest.set(e.contactId, Math.max(newest.get(e.contactId) ?? 0, e.created_at));
    expect([...newest.values()].filter((t) => nowSec - t > 30 * DAY).length).toBeGreaterThanOrEqual(8);
    // deterministic: another start (other ids) has the same activity, day for day
    const b = await demo(2);
    const shape = (sb: Sandbox) => sb.workspace.events().map((e) => [e.event_name, Math.round((sb.workspace.nowSec() - e.created_at) / DAY), JSON.stringify(e.metadata)]);
    expect(shape(b)).toEqual(shape(a));
  });

  it('demo mode pulls it in: first touch, timelines and Slipping away show something', async () => {
    const sb = await demo(3);
    const clock = new TestClock();
    clock.now = () => Date.now(); // the sandbox's activity is dated from the real clock
    const t = startCore(undefined, clock, { intercom: { baseUrl: sb.url, source: 'sandbox', token: sb.token } });
    open[open.length - 1]!.t = t;
    await t.core.sync.runOnce();
    const deps = {
      store: () => t.core.store,
      firstPullDone: () => t.core.store.settings.get<{ phase?: string }>(FIRST_PULL_KEY)?.phase === 'done',
      pullEvents: (id: string) => t.api.call('events.pull', { contactId: id }),
      now: () => Date.now(),
    };
    expect(await pullAllEvents(deps)).toBe(true);
    // once only
    expect(await pullAllEvents(deps)).toBe(false);

    const funnel = await t.api.call('funnel.get', {});
    expect(funnel.total).toBe(40);
    expect(funnel.stages.filter((s) => s.count > 0).length).toBeGreaterThanOrEqual(3);
    const byReferrer = await t.api.call('funnel.breakdown', { by: 'referrer', top: 10 });
    expect(byReferrer.groups.filter((g) => g.value !== null && !g.other).map((g) => g.value)).toContain('google.com');
    const segments = await t.api.call('segments.list', {});
    const slipping = segments.items.find((s) => s.builtin === 'slipping-away')!;
    expect(slipping.count).toBeGreaterThanOrEqual(8);
    const someone = t.core.store.contacts.idsInIntercom(1)[0]!;
    const timeline = await t.api.call('contacts.timeline', { id: someone, limit: 50 });
    expect(timeline.items.filter((i) => i.kind === 'event').length).toBeGreaterThan(1);
    expect(timeline.firstTouch).not.toBeNull();
  });
});
