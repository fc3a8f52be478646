// The funnel on a real core, against a hand-made history of 10 contacts and 2 companies whose
// stage changes and links happen at known clock times: counts, reached, conversion, median and
// p90 time in stage, stuck counts, cohorts by week and month, breakdowns by first touch and by
// attribute, each figure worked out by hand in the comments, and the drill-down behind a bar.
import { beforeEach, describe, expect, it } from 'vitest';
import type { SegmentRule } from '../../shared/segments';
import { setFirstTouch, setNow } from '../helpers/activityData';
import { coresPerTest, type TestCore } from '../helpers/testCore';

// weeks and months are local time: the data set's days are UTC days
process.env.TZ = 'UTC';

const newCore = coresPerTest();
const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1); // Monday
const day = (n: number) => T0 + n * DAY;

let t: TestCore;
let c: Record<string, string>;

/**
 * Days from 2024-01-01 (Monday). Company X: no stage, SQL d10, customer d20. Company Y: SQL d1.
 *   c1  lead d0, stays                                     now lead (d0)       furthest lead
 *   c2  lead d0 -> signed up d2                            signed up (d2)      signed up   lead 2d
 *   c3  lead d1 -> signed up d5, X d6 (SQL d10, cust d20)  customer (d20)      customer    lead 4d, signed up 5d, SQL 10d
 *   c4  lead d2 -> signed up d3                            signed up (d3)      signed up   lead 1d
 *   c5  lead d3, linked to Y d9                            SQL (d9)            SQL         lead 6d (skipped signed up)
 *   c6  created signed up (a user) d7                      signed up (d7)      signed up   (never a lead: no lead time)
 *   c7  lead d8 -> signed up d16                           signed up (d16)     signed up   lead 8d
 *   c8  lead d14                                           lead (d14)          lead
 *   c9  lead d15 -> signed up d18, linked to Y d19         SQL (d19)           SQL         lead 3d, signed up 1d
 *   c10 lead d21 -> signed up d22 -> back to lead d23      lead (d23)          signed up   lead 1d
 * Now: d40 (Saturday 2024-02-10).
 */
async function build(tc: TestCore) {
  const { api, clock } = tc;
  const ids: Record<string, string> = {};
  const at = (d: number) => setNow(clock, day(d));
  const create = async (key: string, d: number, fields: Record<string, unknown> = {}) => {
    at(d);
    ids[key] = (await api.call('contacts.create', { name: key, ...fields })).contact.id;
  };
  const stage = async (key: string, d: number, to: 'lead' | 'signed_up') => {
    at(d);
    await api.call('contacts.setStage', { id: ids[key]!, stage: to, confirm: true });
  };
  at(0);
  const x = (await api.call('companies.create', { name: 'X Corp' })).id;
  const y = (await api.call('companies.create', { name: 'Y Corp' })).id;
  await create('c1', 0, { customAttributes: { plan: 'pro' } });
  await create('c2', 0, { customAttributes: { plan: 'pro' } });
  at(1);
  await api.call('companies.setStage', { id: y, stage: 'sql' });
  await create('c3', 1, { customAttributes: { plan: 'free' } });
  await stage('c2', 2, 'signed_up');
  await create('c4', 2, { customAttributes: { plan: 3 } });
  await stage('c4', 3, 'signed_up');
  await create('c5', 3);
  await stage('c3', 5, 'signed_up');
  at(6);
  await api.call('companies.link', { contactId: ids.c3!, companyId: x });
  await create('c6', 7, { role: 'user', stage: 'signed_up' });
  await create('c7', 8);
  at(9);
  await api.call('companies.link', { contactId: ids.c5!, companyId: y });
  at(10);
  await api.call('companies.setStage', { id: x, stage: 'sql' });
  await create('c8', 14);
  await create('c9', 15);
  await stage('c7', 16, 'signed_up');
  await stage('c9', 18, 'signed_up');
  at(19);
  await api.call('companies.link', { contactId: ids.c9!, companyId: y });
  at(20);
  await api.call('companies.setStage', { id: x, stage: 'customer' });
  await create('c10', 21);
  await stage('c10', 22, 'signed_up');
  await stage('c10', 23, 'lead');

  for (const k of ['c1', 'c2', 'c3']) setFirstTouch(tc, ids[k]!, { referrer: 'google.com' });
  for (const k of ['c4', 'c5']) setFirstTouch(tc, ids[k]!, { referrer: 'bing.com' });
  setFirstTouch(tc, ids.c6!, { referrer: 'twitter.com' });
  setFirstTouch(tc, ids.c8!, { referrer: 'news.ycombinator.com' });
  setFirstTouch(tc, ids.c1!, { referrer: 'google.com', landingPage: '/pricing' });
  at(40);
  return ids;
}

beforeEach(async () => {
  t = newCore();
  c = await build(t);
});

const stageRow = (stage: string, count: number, reached: number, conversion: number | null, medianMs: number | null, p90Ms: number | null, movedOn: number, stuck: number) => ({
  stage,
  count,
  reached,
  conversion,
  medianMs,
  p90Ms,
  movedOn,
  stuck,
});

describe('funnel.get', () => {
  it('counts, reached, conversion, time in stage and stuck contacts of everyone', async () => {
    // lead times (positive only): 1,1,2,3,4,6,8 days -> median (4th of 7) 3d, p90 (7th) 8d
    // signed up: c9 1d, c3 5d -> median (1st of 2) 1d, p90 (2nd) 5d; SQL: c3 10d
    // stuck 30 days (entered before d10): lead c1; signed up c2 c4 c6; SQL c5; customer none
    const f = await t.api.call('funnel.get', { stuckDays: 30 });
    expect(f).toEqual({
      total: 10,
      stuckDays: 30,
      stages: [
        stageRow('lead', 3, 10, 0.8, 3 * DAY, 8 * DAY, 7, 1),
        stageRow('signed_up', 4, 8, 3 / 8, 1 * DAY, 5 * DAY, 2, 3),
        stageRow('sql', 2, 3, 1 / 3, 10 * DAY, 10 * DAY, 1, 1),
        stageRow('customer', 1, 1, null, null, null, 0, 0),
      ],
    });
    // 20 days (entered before d20): lead c1 c8; signed up all four; SQL c5 c9; c3 became a customer at d20 exactly
    const f20 = await t.api.call('funnel.get', { stuckDays: 20 });
    expect(f20.stages.map((s) => s.stuck)).toEqual([2, 4, 2, 0]);
    // the default is 30 days
    expect((await t.api.call('funnel.get', {})).stages.map((s) => s.stuck)).toEqual([1, 3, 1, 0]);
  });

  it('counts nobody stuck at Customer, the final stage, in the funnel nor in a segment', async () => {
    // c3 has been a customer since d20, 20 days before now: past a 10-day threshold
    const names = async (rule: SegmentRule) => {
      const page = await t.api.call('contacts.list', { filter: { rule }, sort: { field: 'createdAt', dir: 'asc' } });
      return { total: page.total, names: page.items.map((i) => i.name) };
    };
    const f = await t.api.call('funnel.get', { stuckDays: 10 });
    const customer = f.stages.find((s) => s.stage === 'customer')!;
    expect(customer.count).toBe(1);
    expect(customer.stuck).toBe(0);
    // the stages before it still count theirs
    expect(f.stages.find((s) => s.stage === 'sql')!.stuck).toBeGreaterThan(0);
    expect(await names({ op: 'and', rules: [{ field: 'stuck', stage: 'customer', days: 10 }] })).toEqual({ total: 0, names: [] });
    expect(await names({ op: 'and', rules: [{ field: 'stage', in: ['customer'] }] })).toEqual({ total: 1, names: ['c3'] });
  });

  it("restricted to a rule's contacts: the first week's cohort", async () => {
    // c1..c5: lead times 1,2,4,6 -> median (2nd of 4) 2d, p90 (4th) 6d; signed up c3 5d; SQL c3 10d
    const firstWeek: SegmentRule = { op: 'and', rules: [{ field: 'created', op: 'between', from: new Date(day(0)).toISOString(), to: new Date(day(7)).toISOString() }] };
    const f = await t.api.call('funnel.get', { rule: firstWeek, stuckDays: 30 });
    expect(f).toEqual({
      total: 5,
      stuckDays: 30,
      stages: [
        stageRow('lead', 1, 5, 0.8, 2 * DAY, 6 * DAY, 4, 1),
        stageRow('signed_up', 2, 4, 0.5, 5 * DAY, 5 * DAY, 1, 2),
        stageRow('sql', 1, 2, 0.5, 10 * DAY, 10 * DAY, 1, 1),
        stageRow('customer', 1, 1, null, null, null, 0, 0),
      ],
    });
    const none = await t.api.call('funnel.get', { rule: { op: 'or', rules: [] } });
    expect(none.total).toBe(0);
    expect(none.stages.map((s) => [s.count, s.reached, s.conversion, s.medianMs, s.movedOn])).toEqual([
      [0, 0, null, null, 0],
      [0, 0, null, null, 0],
      [0, 0, null, null, 0],
      [0, 0, null, null, 0],
    ]);
  });

  it('a bar opens the contacts behind it: the same rule lists exactly those', async () => {
    const f = await t.api.call('funnel.get', { stuckDays: 30 });
    const names = async (rule: SegmentRule) => {
      const page = await t.api.call('contacts.list', { filter: { rule }, sort: { field: 'createdAt', dir: 'asc' } });
      return { total: page.total, names: page.items.map((i) => i.name) };
    };
    const sql = await names({ op: 'and', rules: [{ field: 'stage', in: ['sql'] }] });
    expect(sql).toEqual({ total: f.stages[2]!.count, names: ['c5', 'c9'] });
    const reachedSignedUp = await names({ op: 'and', rules: [{ field: 'reached', stage: 'signed_up', reached: true }] });
    expect(reachedSignedUp.total).toBe(f.stages[1]!.reached);
    const stuck = await names({ op: 'and', rules: [{ field: 'stuck', stage: 'signed_up', days: 30 }] });
    expect(stuck).toEqual({ total: f.stages[1]!.stuck, names: ['c2', 'c4', 'c6'] });
  });
});

describe('funnel.cohorts', () => {
  it('by week, Monday to Monday, the current week last', async () => {
    const { by, cohorts } = await t.api.call('funnel.cohorts', { by: 'week', periods: 6 });
    expect(by).toBe('week');
    const reached = (lead: number, signed_up: number, sql: number, customer: number) => ({ lead, signed_up, sql, customer });
    expect(cohorts).toEqual([
      { from: '2024-01-01T00:00:00.000Z', to: '2024-01-08T00:00:00.000Z', label: '2024-01-01', captured: 5, reached: reached(5, 4, 2, 1) },
      { from: '2024-01-08T00:00:00.000Z', to: '2024-01-15T00:00:00.000Z', label: '2024-01-08', captured: 2, reached: reached(2, 2, 0, 0) },
      { from: '2024-01-15T00:00:00.000Z', to: '2024-01-22T00:00:00.000Z', label: '2024-01-15', captured: 2, reached: reached(2, 1, 1, 0) },
      { from: '2024-01-22T00:00:00.000Z', to: '2024-01-29T00:00:00.000Z', label: '2024-01-22', captured: 1, reached: reached(1, 1, 0, 0) },
      { from: '2024-01-29T00:00:00.000Z', to: '2024-02-05T00:00:00.000Z', label: '2024-01-29', captured: 0, reached: reached(0, 0, 0, 0) },
      { from: '2024-02-05T00:00:00.000Z', to: '2024-02-12T00:00:00.000Z', label: '2024-02-05', captured: 0, reached: reached(0, 0, 0, 0) },
    ]);
  });

  it('by month, and restricted to a rule', async () => {
    const { cohorts } = await t.api.call('funnel.cohorts', { by: 'month', periods: 2 });
    expect(cohorts).toEqual([
      { from: '2024-01-01T00:00:00.000Z', to: '2024-02-01T00:00:00.000Z', label: '2024-01', captured: 10, reached: { lead: 10, signed_up: 8, sql: 3, customer: 1 } },
      { from: '2024-02-01T00:00:00.000Z', to: '2024-03-01T00:00:00.000Z', label: '2024-02', captured: 0, reached: { lead: 0, signed_up: 0, sql: 0, customer: 0 } },
    ]);
    const fromGoogle = await t.api.call('funnel.cohorts', {
      by: 'week',
      periods: 6,
      rule: { op: 'and', rules: [{ field: 'firstTouch', key: 'referrer', op: 'eq', value: 'google.com' }] },
    });
    expect(fromGoogle.cohorts.map((k) => [k.captured, k.reached.signed_up, k.reached.customer])).toEqual([
      [3, 2, 1],
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });
});

describe('funnel.cohorts in local time', () => {
  it('months start at local midnight on the 1st', async () => {
    process.env.TZ = 'Asia/Tokyo'; // UTC+9 all year
    try {
      const { cohorts } = await t.api.call('funnel.cohorts', { by: 'month', periods: 2 });
      expect(cohorts.map((k) => [k.label, k.from, k.to, k.captured])).toEqual([
        ['2024-01', '2023-12-31T15:00:00.000Z', '2024-01-31T15:00:00.000Z', 10],
        ['2024-02', '2024-01-31T15:00:00.000Z', '2024-02-29T15:00:00.000Z', 0],
      ]);
    } finally {
      process.env.TZ = 'UTC';
    }
  });
});

describe('funnel.breakdown', () => {
  it('by referrer: the top groups, the unknown, and the rest as other', async () => {
    const { groups } = await t.api.call('funnel.breakdown', { by: 'referrer', top: 2 });
    expect(groups).toEqual([
      { value: 'google.com', valueType: null, other: false, total: 3, reached: { lead: 3, signed_up: 2, sql: 1, customer: 1 } },
      { value: 'bing.com', valueType: null, other: false, total: 2, reached: { lead: 2, signed_up: 2, sql: 1, customer: 0 } },
      // c7, c9, c10
      { value: null, valueType: null, other: false, total: 3, reached: { lead: 3, signed_up: 3, sql: 1, customer: 0 } },
      // twitter (c6) and news.ycombinator (c8)
      { value: null, valueType: null, other: true, total: 2, reached: { lead: 2, signed_up: 1, sql: 0, customer: 0 } },
    ]);
  });

  it('by landing page, and by referrer within a rule (ties by value)', async () => {
    const pages = await t.api.call('funnel.breakdown', { by: 'landingPage' });
    expect(pages.groups.map((g) => [g.value, g.other, g.total])).toEqual([
      ['/pricing', false, 1],
      [null, false, 9],
    ]);
    const signedUp = await t.api.call('funnel.breakdown', { by: 'referrer', rule: { op: 'and', rules: [{ field: 'stage', in: ['signed_up'] }] } });
    expect(signedUp.groups.map((g) => [g.value, g.total])).toEqual([
      ['bing.com', 1],
      ['google.com', 1],
      ['twitter.com', 1],
      [null, 1],
    ]);
  });

  it('by a custom attribute: values as text, with the type they are stored as', async () => {
    const { groups } = await t.api.call('funnel.breakdown', { by: 'attribute', attribute: 'plan' });
    expect(groups).toEqual([
      { value: 'pro', valueType: 'text', other: false, total: 2, reached: { lead: 2, signed_up: 1, sql: 0, customer: 0 } },
      { value: '3', valueType: 'number', other: false, total: 1, reached: { lead: 1, signed_up: 1, sql: 0, customer: 0 } },
      { value: 'free', valueType: 'text', other: false, total: 1, reached: { lead: 1, signed_up: 1, sql: 1, customer: 1 } },
      { value: null, valueType: null, other: false, total: 6, reached: { lead: 6, signed_up: 5, sql: 2, customer: 0 } },
    ]);
    expect(await t.fail('funnel.breakdown', { by: 'attribute' })).toMatchObject({ code: 'VALIDATION', field: 'attribute' });
  });
});

describe('archived contacts', () => {
  it('are out of the funnel, its cohorts and its breakdowns, with a rule or without, and back in once restored', async () => {
    // c1 (a lead stuck since d0, the only /pricing landing) and c3 (the only customer); tagged
    // first, so a rule can leave the same two out before they are archived
    for (const key of ['c1', 'c3']) await t.api.call('tags.add', { type: 'contact', id: c[key]!, name: 'Gone', create: true });
    const notGone: SegmentRule = { op: 'and', rules: [{ field: 'tag', op: 'hasNot', name: 'Gone' }] };
    const signedUp: SegmentRule = { op: 'and', rules: [{ field: 'reached', stage: 'signed_up', reached: true }] };
    const signedUpNotGone: SegmentRule = { op: 'and', rules: [...signedUp.rules, ...notGone.rules] };
    const figures = async (rule?: SegmentRule) => ({
      get: await t.api.call('funnel.get', { rule, stuckDays: 30 }),
      weeks: await t.api.call('funnel.cohorts', { by: 'week', periods: 6, rule }),
      referrers: await t.api.call('funnel.breakdown', { by: 'referrer', rule }),
      landing: await t.api.call('funnel.breakdown', { by: 'landingPage', rule }),
      plans: await t.api.call('funnel.breakdown', { by: 'attribute', attribute: 'plan', rule }),
    });
    const everyone = await figures();
    const withoutThem = await figures(notGone);
    const signedUpWithoutThem = await figures(signedUpNotGone);

    await t.api.call('contacts.setArchived', { ids: [c.c1!, c.c3!], archived: true });
    // everyone (counts over index ranges, less the archived) and a rule (the archived left out of it)
    expect(await figures()).toEqual(withoutThem);
    expect(await figures(signedUp)).toEqual(signedUpWithoutThem);
    // by hand: now lead c8 c10, signed up c2 c4 c6 c7, SQL c5 c9, customer nobody; reached signed up
    // c2 c4 c5 c6 c7 c9 c10; stuck 30 days: lead none (c1 was), signed up c2 c4 c6, SQL c5
    const f = (await figures()).get;
    expect(f.total).toBe(8);
    expect(f.stages.map((s) => [s.stage, s.count, s.reached, s.stuck])).toEqual([
      ['lead', 2, 8, 0],
      ['signed_up', 4, 7, 3],
      ['sql', 2, 2, 1],
      ['customer', 0, 0, 0],
    ]);
    expect(withoutThem.landing.groups.map((g) => g.value)).not.toContain('/pricing');

    await t.api.call('contacts.setArchived', { ids: [c.c1!, c.c3!], archived: false });
    expect(await figures()).toEqual(everyone);
  });
});

it('the data set is what the comments say (funnel columns kept by the triggers)', () => {
  const row = (k: string) => t.core.store.contacts.byId(c[k]!) as unknown as Record<string, number | null>;
  expect([row('c3').funnel_rank, row('c3').funnel_max, row('c3').stage_entered_at]).toEqual([3, 3, day(20)]);
  expect([row('c10').funnel_rank, row('c10').funnel_max, row('c10').stage_entered_at, row('c10').signed_up_at]).toEqual([0, 1, day(23), day(22)]);
  expect([row('c5').signed_up_at, row('c5').sql_at, row('c5').lead_ms]).toEqual([null, day(9), 6 * DAY]);
});
