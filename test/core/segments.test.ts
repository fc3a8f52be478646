// Segments on a real core: every condition of the rule language and AND / OR nesting against a
// hand-made set of 12 contacts whose membership is worked out by hand below, the built-in
// segments on a controlled clock, live counts after a change, saving and deleting, the table
// read through a segment, and validation errors.
import { beforeEach, describe, expect, it } from 'vitest';
import type { SegmentCondition, SegmentRule } from '../../shared/segments';
import { compileRule } from '../../electron/core/db/segmentSql';
import { addEvent, setFirstTouch, setLastActivity, setNow } from '../helpers/activityData';
import { coresPerTest, takeEvents, type TestCore } from '../helpers/testCore';

// weeks and months are local time: the data set's comments are in UTC
process.env.TZ = 'UTC';

const newCore = coresPerTest();
let t: TestCore;
let ids: Record<string, string>;
let acme: string;

const NOW = '2024-03-06T12:00:00.000Z'; // a Wednesday; the week began Monday 2024-03-04 (UTC here)

/**
 * The data set (times UTC, 2024). Funnel position in brackets, with when it was entered.
 *   ann  lead, created 01-10 [lead 01-10]; plan pro, score 10, vip true; active 01-20 (login); from google /pricing
 *   bob  lead, created 02-01 [lead]; plan free, score 5; active 03-05 (login); from news.ycombinator.com /
 *   cat  lead, created 03-04 01:00 [lead]
 *   dan  lead, created 03-05 [lead]; score "10" (text); active 03-05 (signup_started)
 *   eve  lead -> signed up 03-03, created 03-02 [signed up 03-03]; plan pro, `a.b"c` odd
 *   fay  user signed up, created 02-15, linked to Acme 02-16, Acme SQL 02-20 [SQL 02-20]
 *   gus  lead, created 01-05, linked to Beta 01-06, Beta SQL 01-07 then customer 01-08 [customer 01-08]
 *   hal  user signed up, created 01-06, linked to Gamma (no stage) 01-07 [signed up 01-06]; active 02-01 (login)
 *   ivy  lead, created 02-20 [lead]; vip false, score 20; active 02-25; from google ads
 *   jon  "Jon Smith", user, lead, created 03-06 00:00 [lead]
 *   kim  "Kim Smith", lead, created 01-15, linked to Acme 02-21 [SQL 02-21]
 *   leo  user signed up, created 02-10 [signed up 02-10]; plan enterprise
 */
async function buildDataset(tc: TestCore) {
  const { api, clock } = tc;
  const out: Record<string, string> = {};
  const make = async (key: string, when: string, fields: Record<string, unknown> = {}) => {
    setNow(clock, when);
    out[key] = (await api.call('contacts.create', { name: key, ...fields })).contact.id;
    return out[key]!;
  };
  setNow(clock, '2024-01-01T00:00:00Z');
  const acmeId = (await api.call('companies.create', { name: 'Acme' })).id;
  const beta = (await api.call('companies.create', { name: 'Beta' })).id;
  const gamma = (await api.call('companies.create', { name: 'Gamma' })).id;

  await make('gus', '2024-01-05T00:00:00Z');
  await make('hal', '2024-01-06T00:00:00Z', { role: 'user', stage: 'signed_up' });
  setNow(clock, '2024-01-06T00:00:00Z');
  await api.call('companies.link', { contactId: out.gus!, companyId: beta });
  setNow(clock, '2024-01-07T00:00:00Z');
  await api.call('companies.setStage', { id: beta, stage: 'sql' });
  await api.call('companies.link', { contactId: out.hal!, companyId: gamma });
  setNow(clock, '2024-01-08T00:00:00Z');
  await api.call('companies.setStage', { id: beta, stage: 'customer' });
  await make('ann', '2024-01-10T00:00:00Z', { customAttributes: { plan: 'pro', score: 10, vip: true } });
  await make('kim', '2024-01-15T00:00:00Z', { name: 'Kim Smith' });
  await make('bob', '2024-02-01T00:00:00Z', { customAttributes: { plan: 'free', score: 5 } });
  await make('leo', '2024-02-10T00:00:00Z', { role: 'user', stage: 'signed_up', customAttributes: { plan: 'enterprise' } });
  await make('fay', '2024-02-15T00:00:00Z', { role: 'user', stage: 'signed_up' });
  setNow(clock, '2024-02-16T00:00:00Z');
  await api.call('companies.link', { contactId: out.fay!, companyId: acmeId });
  setNow(clock, '2024-02-20T00:00:00Z');
  await api.call('companies.setStage', { id: acmeId, stage: 'sql' });
  await make('ivy', '2024-02-20T00:00:00Z', { customAttributes: { vip: false, score: 20 } });
  setNow(clock, '2024-02-21T00:00:00Z');
  await api.call('companies.link', { contactId: out.kim!, companyId: acmeId });
  await make('eve', '2024-03-02T00:00:00Z', { customAttributes: { plan: 'pro', 'a b"c': 'odd' } });
  setNow(clock, '2024-03-03T00:00:00Z');
  await api.call('contacts.setStage', { id: out.eve!, stage: 'signed_up' });
  await make('cat', '2024-03-04T01:00:00Z');
  await make('dan', '2024-03-05T00:00:00Z', { email: 'dan@example.test', customAttributes: { score: '10' } });
  await make('jon', '2024-03-06T00:00:00Z', { name: 'Jon Smith', role: 'user' });

  addEvent(tc, out.ann!, 'login', '2024-01-20T00:00:00Z');
  addEvent(tc, out.bob!, 'login', '2024-03-05T00:00:00Z');
  addEvent(tc, out.hal!, 'login', '2024-02-01T00:00:00Z');
  addEvent(tc, out.dan!, 'signup_started', '2024-03-05T00:00:00Z');
  // a visitor not yet matched to a contact: its NULL contact must not empty "did not"
  addEvent(tc, null, 'login', '2024-03-05T00:00:00Z');
  setLastActivity(tc, out.ann!, '2024-01-20T00:00:00Z');
  setLastActivity(tc, out.bob!, '2024-03-05T00:00:00Z');
  setLastActivity(tc, out.dan!, '2024-03-05T00:00:00Z');
  setLastActivity(tc, out.hal!, '2024-02-01T00:00:00Z');
  setLastActivity(tc, out.ivy!, '2024-02-25T00:00:00Z');
  setFirstTouch(tc, out.ann!, { referrer: 'https://google.com/search', landingPage: '/pricing' });
  setFirstTouch(tc, out.bob!, { referrer: 'https://news.ycombinator.com', landingPage: '/' });
  setFirstTouch(tc, out.ivy!, { referrer: 'https://google.com/ads', landingPage: '/' });
  setNow(clock, NOW);
  return { ids: out, acme: acmeId };
}

beforeEach(async () => {
  t = newCore();
  ({ ids, acme } = await buildDataset(t));
  takeEvents(t);
});

const ALL = ['ann', 'bob', 'cat', 'dan', 'eve', 'fay', 'gus', 'hal', 'ivy', 'jon', 'kim', 'leo'];
/** Contact names as keys (Jon Smith -> jon). */
const key = (name: string | null) => (name ?? '').split(' ')[0]!.toLowerCase();

/** Members of a rule, by key, sorted; checked against segments.count as well. */
async function members(rule: SegmentRule): Promise<string[]> {
  const page = await t.api.call('contacts.list', { filter: { rule }, sort: { field: 'name', dir: 'asc' }, limit: 500 });
  const { count } = await t.api.call('segments.count', { rule });
  expect(page.total).toBe(count);
  expect(page.items).toHaveLength(count);
  return page.items.map((c) => key(c.name)).sort();
}
const one = (c: SegmentCondition): SegmentRule => ({ op: 'and', rules: [c] });
const except = (...keys: string[]) => ALL.filter((k) => !keys.includes(k));

describe('conditions, one at a time', () => {
  it('funnel stage now, reached, stuck', async () => {
    expect(await members(one({ field: 'stage', in: ['lead'] }))).toEqual(['ann', 'bob', 'cat', 'dan', 'ivy', 'jon']);
    expect(await members(one({ field: 'stage', in: ['signed_up'] }))).toEqual(['eve', 'hal', 'leo']);
    expect(await members(one({ field: 'stage', in: ['sql', 'customer'] }))).toEqual(['fay', 'gus', 'kim']);
    expect(await members(one({ field: 'reached', stage: 'sql', reached: true }))).toEqual(['fay', 'gus', 'kim']);
    expect(await members(one({ field: 'reached', stage: 'customer', reached: true }))).toEqual(['gus']);
    expect(await members(one({ field: 'reached', stage: 'signed_up', reached: false }))).toEqual(['ann', 'bob', 'cat', 'dan', 'ivy', 'jon']);
    // 30 days before now is 2024-02-05T12:00
    expect(await members(one({ field: 'stuck', stage: 'lead', days: 30 }))).toEqual(['ann', 'bob']);
    expect(await members(one({ field: 'stuck', stage: 'signed_up', days: 30 }))).toEqual(['hal']);
    // fay entered SQL 02-20, kim 02-21: 15 days before now is 02-20T12:00
    expect(await members(one({ field: 'stuck', stage: 'sql', days: 15 }))).toEqual(['fay']);
  });

  it("the contact's own stage, role and sync state", async () => {
    expect(await members(one({ field: 'contactStage', in: ['signed_up'] }))).toEqual(['eve', 'fay', 'hal', 'leo']);
    expect(await members(one({ field: 'role', in: ['user'] }))).toEqual(['fay', 'hal', 'jon', 'leo']);
    expect(await members(one({ field: 'syncState', in: ['local'] }))).toEqual(ALL);
    expect(await members(one({ field: 'syncState', in: ['synced', 'failed'] }))).toEqual([]);
  });

  it('company links and company stages', async () => {
    expect(await members(one({ field: 'company', op: 'is', companyId: acme }))).toEqual(['fay', 'kim']);
    expect(await members(one({ field: 'company', op: 'isNot', companyId: acme }))).toEqual(except('fay', 'kim'));
    expect(await members(one({ field: 'company', op: 'any' }))).toEqual(['fay', 'gus', 'hal', 'kim']);
    expect(await members(one({ field: 'company', op: 'none' }))).toEqual(except('fay', 'gus', 'hal', 'kim'));
    expect(await members(one({ field: 'companyStage', in: ['customer'] }))).toEqual(['gus']);
    expect(await members(one({ field: 'companyStage', in: ['sql'] }))).toEqual(['fay', 'kim']);
    expect(await members(one({ field: 'companyStage', in: ['none'] }))).toEqual(['hal']);
    expect(await members(one({ field: 'companyStage', in: ['sql', 'none'] }))).toEqual(['fay', 'hal', 'kim']);
  });

  it('tags: has (any case), has not, any, none; a tag nobody has matches no one', async () => {
    await t.api.call('tags.add', { type: 'contact', id: ids.ann!, name: 'VIP', create: true });
    await t.api.call('tags.add', { type: 'contact', id: ids.bob!, name: 'vip' });
    await t.api.call('tags.add', { type: 'contact', id: ids.cat!, name: 'Beta', create: true });
    await t.api.call('tags.add', { type: 'company', id: acme, name: 'Gold', create: true });
    expect(await members(one({ field: 'tag', op: 'has', name: 'VIP' }))).toEqual(['ann', 'bob']);
    expect(await members(one({ field: 'tag', op: 'has', name: 'vIp' }))).toEqual(['ann', 'bob']);
    expect(await members(one({ field: 'tag', op: 'hasNot', name: 'VIP' }))).toEqual(except('ann', 'bob'));
    expect(await members(one({ field: 'tag', op: 'any' }))).toEqual(['ann', 'bob', 'cat']);
    expect(await members(one({ field: 'tag', op: 'none' }))).toEqual(except('ann', 'bob', 'cat'));
    // a company's tag is not its people's
    expect(await members(one({ field: 'tag', op: 'has', name: 'Gold' }))).toEqual([]);
    expect(await members(one({ field: 'tag', op: 'has', name: 'Nobody' }))).toEqual([]);
    expect(await members({ op: 'or', rules: [{ field: 'tag', op: 'has', name: 'Beta' }, { field: 'company', op: 'is', companyId: acme }] })).toEqual(['cat', 'fay', 'kim']);
    // a tag taken off leaves the segment
    const vip = (await t.api.call('tags.list', {})).items.find((x) => x.name === 'VIP')!;
    await t.api.call('tags.remove', { type: 'contact', id: ids.bob!, tagId: vip.id });
    expect(await members(one({ field: 'tag', op: 'has', name: 'VIP' }))).toEqual(['ann']);
  });

  it('"has tag" reads the tag\'s range of the link table and contacts by pk: no scan of either', () => {
    const where = compileRule(one({ field: 'tag', op: 'has', name: 'VIP' }), { now: Date.parse(NOW) });
    const plan = (t.core.store.db.prepare(`EXPLAIN QUERY PLAN SELECT count(*) FROM contacts c WHERE ${where.sql}`).all(where.params) as { detail: string }[]).map((r) => r.detail);
    expect(plan.join('\n')).toMatch(/SEARCH ct USING PRIMARY KEY \(tag_pk=\?\)/);
    expect(plan.join('\n')).not.toMatch(/SCAN (ct|c)\b/);
  });

  it('refuses a "has tag" without a tag', async () => {
    const err = await t.fail('segments.count', { rule: one({ field: 'tag', op: 'has' } as SegmentCondition) });
    expect(err.code).toBe('VALIDATION');
    expect(err.message).toMatch(/pick a tag/);
  });

  it('custom attributes keep their types', async () => {
    const attr = (name: string, op: Extract<SegmentCondition, { field: 'attribute' }>['op'], value?: string | number | boolean) =>
      one({ field: 'attribute', name, op, ...(value === undefined ? {} : { value }) });
    expect(await members(attr('plan', 'eq', 'pro'))).toEqual(['ann', 'eve']);
    expect(await members(attr('plan', 'neq', 'pro'))).toEqual(except('ann', 'eve'));
    // case-insensitive substring: "PR" is in pro and in enterprise
    expect(await members(attr('plan', 'contains', 'PR'))).toEqual(['ann', 'eve', 'leo']);
    // numbers compare as numbers; dan's "10" is text and matches only text
    expect(await members(attr('score', 'gt', 5))).toEqual(['ann', 'ivy']);
    expect(await members(attr('score', 'lt', 10))).toEqual(['bob']);
    expect(await members(attr('score', 'eq', 10))).toEqual(['ann']);
    expect(await members(attr('score', 'eq', '10'))).toEqual(['dan']);
    expect(await members(attr('vip', 'eq', true))).toEqual(['ann']);
    expect(await members(attr('vip', 'eq', false))).toEqual(['ivy']);
    expect(await members(attr('vip', 'exists'))).toEqual(['ann', 'ivy']);
    expect(await members(attr('score', 'notExists'))).toEqual(['cat', 'eve', 'fay', 'gus', 'hal', 'jon', 'kim', 'leo']);
    // a name with a space and a double quote is one key, not a path
    expect(await members(attr('a b"c', 'eq', 'odd'))).toEqual(['eve']);
  });

  it('text in names, emails and company names', async () => {
    expect(await members(one({ field: 'text', value: 'smith' }))).toEqual(['jon', 'kim']);
    expect(await members(one({ field: 'text', value: 'acm' }))).toEqual(['fay', 'kim']);
    expect(await members(one({ field: 'text', value: 'dan@example' }))).toEqual(['dan']);
    // quotes and operators are searched for, never run
    expect(await members(one({ field: 'text', value: '"smith" OR ann' }))).toEqual([]);
  });

  it('last activity older or newer than N days, or none', async () => {
    expect(await members(one({ field: 'lastActivity', op: 'olderThan', days: 30 }))).toEqual(['ann', 'hal']);
    expect(await members(one({ field: 'lastActivity', op: 'newerThan', days: 30 }))).toEqual(['bob', 'dan', 'ivy']);
    expect(await members(one({ field: 'lastActivity', op: 'never' }))).toEqual(['cat', 'eve', 'fay', 'gus', 'jon', 'kim', 'leo']);
  });

  it('captured before, after, this week, this month, between', async () => {
    expect(await members(one({ field: 'created', op: 'thisWeek' }))).toEqual(['cat', 'dan', 'jon']);
    expect(await members(one({ field: 'created', op: 'thisMonth' }))).toEqual(['cat', 'dan', 'eve', 'jon']);
    // 60 days before now: 2024-01-06T12:00
    expect(await members(one({ field: 'created', op: 'olderThan', days: 60 }))).toEqual(['gus', 'hal']);
    expect(await members(one({ field: 'created', op: 'newerThan', days: 10 }))).toEqual(['cat', 'dan', 'eve', 'jon']);
    const between = (from: string, to: string) => one({ field: 'created', op: 'between', from, to });
    expect(await members(between('2024-02-01T00:00:00.000Z', '2024-02-16T00:00:00.000Z'))).toEqual(['bob', 'fay', 'leo']);
    // the end is excluded
    expect(await members(between('2024-02-01T00:00:00.000Z', '2024-02-15T00:00:00.000Z'))).toEqual(['bob', 'leo']);
  });

  it('did or did not do an event in the last N days', async () => {
    expect(await members(one({ field: 'event', op: 'did', name: 'login', days: 30 }))).toEqual(['bob']);
    expect(await members(one({ field: 'event', op: 'did', name: 'login', days: 60 }))).toEqual(['ann', 'bob', 'hal']);
    expect(await members(one({ field: 'event', op: 'didNot', name: 'login', days: 30 }))).toEqual(except('bob'));
    expect(await members(one({ field: 'event', op: 'did', name: 'signup_started', days: 2 }))).toEqual(['dan']);
    // 1 day before now is 03-05T12:00, after dan's event
    expect(await members(one({ field: 'event', op: 'did', name: 'signup_started', days: 1 }))).toEqual([]);
    expect(await members(one({ field: 'event', op: 'did', name: 'never_happens', days: 365 }))).toEqual([]);
  });

  it('first touch: referrer and landing page', async () => {
    expect(await members(one({ field: 'firstTouch', key: 'referrer', op: 'contains', value: 'GOOGLE' }))).toEqual(['ann', 'ivy']);
    expect(await members(one({ field: 'firstTouch', key: 'referrer', op: 'eq', value: 'https://news.ycombinator.com' }))).toEqual(['bob']);
    expect(await members(one({ field: 'firstTouch', key: 'referrer', op: 'none' }))).toEqual(except('ann', 'bob', 'ivy'));
    expect(await members(one({ field: 'firstTouch', key: 'landingPage', op: 'eq', value: '/pricing' }))).toEqual(['ann']);
  });
});

describe('AND / OR', () => {
  it('combines conditions and nested groups', async () => {
    expect(
      await members({
        op: 'and',
        rules: [
          { field: 'stage', in: ['lead'] },
          { op: 'or', rules: [{ field: 'attribute', name: 'plan', op: 'eq', value: 'pro' }, { field: 'lastActivity', op: 'newerThan', days: 30 }] },
        ],
      }),
    ).toEqual(['ann', 'bob', 'dan', 'ivy']);
    expect(
      await members({
        op: 'or',
        rules: [
          { op: 'and', rules: [{ field: 'role', in: ['user'] }, { field: 'company', op: 'any' }] },
          { field: 'text', value: 'smith' },
          { op: 'and', rules: [{ op: 'or', rules: [{ field: 'created', op: 'thisWeek' }] }, { field: 'attribute', name: 'score', op: 'exists' }] },
        ],
      }),
    ).toEqual(['dan', 'fay', 'hal', 'jon', 'kim']);
  });

  it('an empty AND group is everyone, an empty OR group no one', async () => {
    expect(await members({ op: 'and', rules: [] })).toEqual(ALL);
    expect(await members({ op: 'or', rules: [] })).toEqual([]);
    expect(await members({ op: 'and', rules: [{ field: 'stage', in: ['lead'] }, { op: 'or', rules: [] }] })).toEqual([]);
  });
});

describe('built-in segments', () => {
  it('are listed first with their counts now, and created once', async () => {
    const { items } = await t.api.call('segments.list', {});
    expect(items.map((s) => [s.id, s.name, s.builtin, s.count])).toEqual([
      ['builtin:new-leads-this-week', 'New leads this week', 'new-leads-this-week', 3],
      ['builtin:signed-up-not-sql', 'Signed up, not yet SQL', 'signed-up-not-sql', 3],
      ['builtin:slipping-away', 'Slipping away', 'slipping-away', 2],
      // nobody owns a contact here, and no admin is connected: "me" is nobody
      ['builtin:my-leads', 'My leads', 'my-leads', 0],
    ]);
    expect((await t.api.call('segments.list', {})).items).toEqual(items);
    const list = (segmentId: string) => t.api.call('contacts.list', { filter: { segmentId }, sort: { field: 'name', dir: 'asc' } });
    expect((await list('builtin:new-leads-this-week')).items.map((c) => key(c.name))).toEqual(['cat', 'dan', 'jon']);
    expect((await list('builtin:signed-up-not-sql')).items.map((c) => key(c.name))).toEqual(['eve', 'hal', 'leo']);
    expect((await list('builtin:slipping-away')).items.map((c) => key(c.name))).toEqual(['ann', 'hal']);
  });

  it('"this week" starts on Monday: next Monday the new leads are gone', async () => {
    setNow(t.clock, '2024-03-11T00:00:00.000Z');
    const { items } = await t.api.call('segments.list', {});
    expect(items.find((s) => s.builtin === 'new-leads-this-week')!.count).toBe(0);
    setNow(t.clock, '2024-03-10T23:59:59.000Z'); // Sunday night: still this week
    expect((await t.api.call('segments.list', {})).items[0]!.count).toBe(3);
  });

  it('"this week" is local time: Monday 00:00 where the app runs', async () => {
    process.env.TZ = 'Asia/Tokyo'; // UTC+9 all year
    try {
      // Sunday 23:00 in Tokyo: the week began Monday 03-04 00:00 JST (03-03T15:00Z)
      setNow(t.clock, '2024-03-10T14:00:00.000Z');
      expect((await t.api.call('segments.list', {})).items[0]!.count).toBe(3);
      // Monday 01:00 in Tokyo (still Sunday in UTC): a new week, no new leads yet
      setNow(t.clock, '2024-03-10T16:00:00.000Z');
      expect((await t.api.call('segments.list', {})).items[0]!.count).toBe(0);
    } finally {
      process.env.TZ = 'UTC';
    }
  });

  it("keep their name, take a new N, and survive the next list; they cannot be deleted", async () => {
    await t.api.call('segments.list', {});
    const saved = await t.api.call('segments.save', {
      id: 'builtin:slipping-away',
      name: 'Renamed',
      rule: { op: 'and', rules: [{ field: 'lastActivity', op: 'olderThan', days: 10 }] },
    });
    // 10 days before now is 02-25T12:00: ivy (02-25T00:00) is slipping away too
    expect(saved).toMatchObject({ id: 'builtin:slipping-away', name: 'Slipping away', builtin: 'slipping-away', count: 3 });
    const again = (await t.api.call('segments.list', {})).items.find((s) => s.id === 'builtin:slipping-away')!;
    expect(again.rule).toEqual({ op: 'and', rules: [{ field: 'lastActivity', op: 'olderThan', days: 10 }] });
    expect(again.count).toBe(3);
    const err = await t.fail('segments.delete', { id: 'builtin:slipping-away' });
    expect(err).toMatchObject({ code: 'VALIDATION', field: 'id' });
    expect(err.message).toContain('Built-in segments cannot be deleted');
    expect((await t.api.call('segments.list', {})).items).toHaveLength(4);
  });

  it('counts follow changes: a promotion moves a contact between segments', async () => {
    const before = await t.api.call('segments.list', {});
    expect(before.items.map((s) => s.count)).toEqual([3, 3, 2, 0]);
    await t.api.call('contacts.setStage', { id: ids.cat!, stage: 'signed_up' });
    const after = await t.api.call('segments.list', {});
    expect(after.items.map((s) => s.count)).toEqual([2, 4, 2, 0]);
    expect(await members(one({ field: 'stuck', stage: 'signed_up', days: 1 }))).toEqual(['eve', 'hal', 'leo']);
  });
});

describe('saved segments', () => {
  it('are created, listed by name after the built-ins, updated and deleted, each announced', async () => {
    const rule: SegmentRule = { op: 'and', rules: [{ field: 'company', op: 'any' }] };
    const zed = await t.api.call('segments.save', { name: 'zed companies', rule });
    const alpha = await t.api.call('segments.save', { name: 'Alpha users', rule: one({ field: 'role', in: ['user'] }) });
    expect(zed).toMatchObject({ name: 'zed companies', builtin: null, count: 4, rule });
    expect(zed.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(takeEvents(t)).toEqual([
      { name: 'changed', entity: 'segment', ids: [zed.id], op: 'segment.save' },
      { name: 'changed', entity: 'segment', ids: [alpha.id], op: 'segment.save' },
    ]);
    const names = async () => (await t.api.call('segments.list', {})).items.map((s) => s.name);
    expect(await names()).toEqual(['New leads this week', 'Signed up, not yet SQL', 'Slipping away', 'My leads', 'Alpha users', 'zed companies']);

    const renamed = await t.api.call('segments.save', { id: zed.id, name: 'Acme people', rule: one({ field: 'company', op: 'is', companyId: acme }) });
    expect(renamed).toMatchObject({ id: zed.id, name: 'Acme people', count: 2, createdAt: zed.createdAt });
    const page = await t.api.call('contacts.list', { filter: { segmentId: zed.id }, sort: { field: 'name', dir: 'asc' } });
    expect(page.items.map((c) => key(c.name))).toEqual(['fay', 'kim']);
    expect(page.items[0]!.companies.map((c) => c.name)).toEqual(['Acme']);

    expect(await t.api.call('segments.delete', { id: zed.id })).toEqual({ id: zed.id, deleted: true });
    expect(await t.api.call('segments.delete', { id: zed.id })).toEqual({ id: zed.id, deleted: false });
    expect(await names()).toEqual(['New leads this week', 'Signed up, not yet SQL', 'Slipping away', 'My leads', 'Alpha users']);
    takeEvents(t);
  });

  it('refuse an unknown id, and bad rules name the field', async () => {
    expect(await t.fail('segments.save', { id: 'no-such', name: 'x', rule: { op: 'and', rules: [] } })).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    expect(await t.fail('segments.save', { name: '  ', rule: { op: 'and', rules: [] } })).toMatchObject({ code: 'VALIDATION', field: 'name' });
    expect(await t.fail('segments.count', { rule: { op: 'and', rules: [{ field: 'stage', in: [] }] } })).toMatchObject({
      code: 'VALIDATION',
      field: 'rule.rules.0.in',
    });
    expect(await t.fail('segments.count', { rule: { op: 'and', rules: [{ field: 'lastActivity', op: 'olderThan' }] } })).toMatchObject({
      code: 'VALIDATION',
      field: 'rule.rules.0.days',
    });
    expect(
      await t.fail('segments.count', { rule: { op: 'or', rules: [{ field: 'attribute', name: 'plan', op: 'eq' }] } }),
    ).toMatchObject({ code: 'VALIDATION', field: 'rule.rules.0.value' });
    expect(await t.fail('contacts.list', { filter: { segmentId: 'gone' } })).toMatchObject({ code: 'NOT_FOUND', field: 'filter.segmentId' });
    // nothing was written
    expect((await t.api.call('segments.list', {})).items).toHaveLength(4);
  });
});

describe('the table through a segment or a rule', () => {
  it('ANDs the rule with the search and the filters, sorts and pages with an exact total', async () => {
    const lead: SegmentRule = one({ field: 'stage', in: ['lead'] });
    const withSearch = await t.api.call('contacts.list', { search: 'smith', filter: { rule: lead } });
    expect(withSearch.items.map((c) => key(c.name))).toEqual(['jon']);
    expect(withSearch.total).toBe(1);
    const users = await t.api.call('contacts.list', { filter: { rule: lead, role: ['user'] } });
    expect(users.items.map((c) => key(c.name))).toEqual(['jon']);
    // segment AND rule: signed up (funnel) and linked to a company
    const both = await t.api.call('contacts.list', {
      filter: { segmentId: 'builtin:signed-up-not-sql', rule: one({ field: 'company', op: 'any' }) },
    });
    expect(both.items.map((c) => key(c.name))).toEqual(['hal']);

    const byCreated = async (offset: number) =>
      t.api.call('contacts.list', { filter: { rule: lead }, sort: { field: 'createdAt', dir: 'desc' }, limit: 4, offset });
    const first = await byCreated(0);
    expect(first.total).toBe(6);
    expect(first.nextCursor).toBeNull();
    expect(first.items.map((c) => key(c.name))).toEqual(['jon', 'dan', 'cat', 'ivy']);
    expect((await byCreated(4)).items.map((c) => key(c.name))).toEqual(['bob', 'ann']);
    expect((await byCreated(6)).items).toEqual([]);
  });

  it('pages of two (read by walking the sort index) add up to the whole sorted list (read by sorting)', async () => {
    const rules: SegmentRule[] = [
      one({ field: 'stage', in: ['lead'] }),
      one({ field: 'reached', stage: 'signed_up', reached: true }),
      { op: 'or', rules: [{ field: 'lastActivity', op: 'never' }, { field: 'attribute', name: 'plan', op: 'exists' }] },
    ];
    const sorts = [
      { field: 'name', dir: 'asc' },
      { field: 'name', dir: 'desc' },
      { field: 'lastActivityAt', dir: 'asc' },
      { field: 'lastActivityAt', dir: 'desc' },
      { field: 'email', dir: 'desc' },
    ] as const;
    for (const rule of rules) {
      for (const sort of sorts) {
        const whole = await t.api.call('contacts.list', { filter: { rule }, sort, limit: 500 });
        const paged: string[] = [];
        for (let offset = 0; offset < whole.total; offset += 2) {
          const page = await t.api.call('contacts.list', { filter: { rule }, sort, limit: 2, offset });
          expect(page.total).toBe(whole.total);
          paged.push(...page.items.map((c) => c.id));
        }
        expect(paged).toEqual(whole.items.map((c) => c.id));
      }
    }
  });

  it('leaves the plain table alone without a segment or rule', async () => {
    const page = await t.api.call('contacts.list', { filter: { stage: ['signed_up'] }, sort: { field: 'name', dir: 'asc' } });
    expect(page.items.map((c) => key(c.name))).toEqual(['eve', 'fay', 'hal', 'leo']);
  });
});
