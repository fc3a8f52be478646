// The rules the renderer builds, checked against hand-made answers and a real core: the segment
// editor's draft (every condition type survives a round trip; messages name the condition and its
// input), the funnel's drill-downs (each opens exactly the contacts behind its number) and the
// bulk bar's "everyone shown" rule (the same contacts the table lists).
import { describe, expect, it } from 'vitest';
import type { SegmentGroup } from '../../shared/segments';
import { atStage, breakdownGroup, cohort, movedOn, reachedStage, stuckIn } from '../../renderer/src/funnel/drillDown';
import { viewRule, type ViewQuery } from '../../renderer/src/leads/viewRule';
import { checkRuleDraft, draftOf, newCondition, newGroup, type DraftCondition } from '../../renderer/src/segments/ruleDraft';
import { coresPerTest, type TestCore } from '../helpers/testCore';

const COMPANY = '0b0f3b9e-8d4e-4a57-9b1e-0c6f2f6a1a11';

/** One of every condition type, and a nested OR group. */
const EVERY_KIND: SegmentGroup = {
  op: 'and',
  rules: [
    { field: 'stage', in: ['lead', 'sql'] },
    { field: 'reached', stage: 'signed_up', reached: false },
    { field: 'stuck', stage: 'lead', days: 14 },
    { field: 'contactStage', in: ['signed_up'] },
    { field: 'role', in: ['user'] },
    { field: 'syncState', in: ['local', 'failed'] },
    { field: 'company', op: 'isNot', companyId: COMPANY },
    { field: 'companyStage', in: ['customer', 'none'] },
    {
      op: 'or',
      rules: [
        { field: 'attribute', name: 'seats', op: 'gt', value: 10 },
        { field: 'attribute', name: 'vip', op: 'eq', value: true },
        { field: 'attribute', name: 'source', op: 'exists' },
        { field: 'text', value: 'ann' },
      ],
    },
    { field: 'lastActivity', op: 'never' },
    { field: 'created', op: 'olderThan', days: 3 },
    { field: 'event', op: 'didNot', name: 'opened-pricing', days: 30 },
    { field: 'firstTouch', key: 'landingPage', op: 'contains', value: '/pricing' },
  ],
};

describe('the segment editor draft', () => {
  it('gives back every condition type as it was saved', () => {
    const check = checkRuleDraft(draftOf(EVERY_KIND));
    expect(check.errors.size).toBe(0);
    expect(check.rule).toEqual(EVERY_KIND);
  });

  it('names the condition and the input of every problem, and gives no rule', () => {
    const cond = (field: DraftCondition['field'], patch: Partial<DraftCondition> = {}): DraftCondition => ({ ...newCondition(field), ...patch });
    const nested = newGroup('or', [cond('text', { value: '' })]);
    const draft = newGroup('and', [
      cond('stuck', { days: '' }),
      cond('stage'),
      cond('company', { op: 'is' }),
      cond('attribute', { name: 'plan', op: 'eq', value: '' }),
      cond('created', { op: 'between', from: '2024-02-01', to: '' }),
      cond('lastActivity', { op: 'newerThan', days: '2.5' }),
      nested,
    ]);
    const check = checkRuleDraft(draft);
    expect(check.rule).toBeNull();
    const messages = [...check.errors.values()].flat();
    expect(messages).toEqual([
      'Condition 1 (Stuck in stage), days: must be a number of days',
      'Condition 2 (Funnel stage is), values: pick at least one stage',
      'Condition 3 (Company), company: pick a company',
      'Condition 4 (Attribute), value: needs a value',
      'Condition 5 (Captured), from: needs a start and an end',
      'Condition 6 (Last activity), days: must be a whole number of days',
      'Condition 7.1 (Text matches), value: must not be empty',
    ]);
  });

  it('counts the end date of "between" whole: the range ends at the next midnight', () => {
    const check = checkRuleDraft(newGroup('and', [{ ...newCondition('created'), op: 'between', from: '2024-03-01', to: '2024-03-31' }]));
    const c = check.rule!.rules[0] as { from: string; to: string };
    expect(new Date(c.from).getTime()).toBe(new Date('2024-03-01T00:00:00').getTime());
    expect(new Date(c.to).getTime()).toBe(new Date('2024-04-01T00:00:00').getTime());
  });
});

// ---- against a real core ----------------------------------------------------------------------

const newCore = coresPerTest();

/**
 * Four leads (Lena and Leo with plan "pro", Lia with "free"), two signed up without a company,
 * two users of Quartz (SQL), one of Cobalt (customer, through SQL). All captured in the first
 * week of 2024 (the test clock).
 */
async function seed(t: TestCore): Promise<Record<string, string>> {
  const { api } = t;
  const ids: Record<string, string> = {};
  const make = async (name: string, plan?: string) => {
    ids[name] = (await api.call('contacts.create', { name, email: `${name.toLowerCase()}@rules.example`, customAttributes: plan ? { plan } : undefined })).contact.id;
    return ids[name]!;
  };
  await make('Lena', 'pro');
  await make('Leo', 'pro');
  await make('Lia', 'free');
  await make('Luca');
  for (const name of ['Sam', 'Sara']) await api.call('contacts.setStage', { id: await make(name), stage: 'signed_up' });
  let quartz = '';
  for (const [i, name] of ['Quinn', 'Quincy'].entries()) {
    quartz = (await api.call('contacts.signUp', { id: await make(name), externalId: `user-q${i}`, company: { externalId: 'co-quartz', name: 'Quartz' } })).company!.id;
  }
  const cobalt = (await api.call('contacts.signUp', { id: await make('Cora'), externalId: 'user-c', company: { externalId: 'co-cobalt', name: 'Cobalt' } })).company!.id;
  await api.call('companies.setStage', { id: quartz, stage: 'sql' });
  await api.call('companies.setStage', { id: cobalt, stage: 'sql' });
  await api.call('companies.setStage', { id: cobalt, stage: 'customer' });
  return ids;
}

async function namesOf(t: TestCore, rule: SegmentGroup): Promise<string[]> {
  const r = await t.api.call('contacts.list', { filter: { rule }, limit: 500 });
  return r.items.map((c) => c.name ?? '').sort();
}

describe('funnel drill-downs on a real core', () => {
  it('open exactly the contacts behind each number', async () => {
    const t = newCore();
    await seed(t);
    expect(await namesOf(t, atStage('signed_up', null).rule)).toEqual(['Sam', 'Sara']);
    expect(await namesOf(t, reachedStage('sql', null).rule)).toEqual(['Cora', 'Quincy', 'Quinn']);
    expect(await namesOf(t, movedOn('sql', null).rule)).toEqual(['Cora']);
    expect(atStage('signed_up', null).label).toBe('Funnel: Signed up');

    // the funnel's own numbers agree with the drill-downs
    const funnel = await t.api.call('funnel.get', { stuckDays: 30 });
    for (const s of funnel.stages) {
      expect((await namesOf(t, atStage(s.stage, null).rule)).length).toBe(s.count);
      expect((await namesOf(t, reachedStage(s.stage, null).rule)).length).toBe(s.reached);
      expect((await namesOf(t, stuckIn(s.stage, 30, null).rule)).length).toBe(s.stuck);
    }
  });

  it('"stuck" opens who has been in their stage longer than N days', async () => {
    const t = newCore();
    await seed(t);
    // forty days pass (the clock jumps on its next readings), then time runs normally again
    t.clock.step = 40 * 86_400_000;
    await t.api.call('funnel.get', { stuckDays: 30 });
    t.clock.step = 1000;
    const funnel = await t.api.call('funnel.get', { stuckDays: 30 });
    // nobody is stuck at Customer, the funnel's end (Cora has been one for forty days)
    expect(funnel.stages.map((s) => s.stuck)).toEqual([4, 2, 2, 0]);
    expect(await namesOf(t, stuckIn('signed_up', 30, null).rule)).toEqual(['Sam', 'Sara']);
    expect(await namesOf(t, stuckIn('customer', 30, null).rule)).toEqual([]);
    expect(stuckIn('lead', 30, null).label).toBe('Funnel: stuck in Lead for more than 30 days');
  });

  it('a cohort cell opens who was captured in it and reached the stage', async () => {
    const t = newCore();
    await seed(t);
    const { cohorts } = await t.api.call('funnel.cohorts', { by: 'week', periods: 4 });
    const filled = cohorts.filter((c) => c.captured > 0);
    expect(filled).toHaveLength(1);
    const c = filled[0]!;
    expect(await namesOf(t, cohort('week', c, null, null).rule)).toHaveLength(9);
    const sql = cohort('week', c, 'sql', null);
    expect(await namesOf(t, sql.rule)).toEqual(['Cora', 'Quincy', 'Quinn']);
    expect(sql.label).toMatch(/^Funnel: SQL — captured week of /);
  });

  it('an attribute breakdown opens each value, the contacts without one, and the other values', async () => {
    const t = newCore();
    await seed(t);
    const { groups } = await t.api.call('funnel.breakdown', { by: 'attribute', attribute: 'plan', top: 1 });
    const named = groups.filter((g) => !g.other);
    const find = (pred: (g: (typeof groups)[number]) => boolean) => groups.find(pred)!;
    const pro = find((g) => g.value === 'pro' && !g.other);
    expect(await namesOf(t, breakdownGroup('attribute', 'plan', pro, named, null, null)!.rule)).toEqual(['Lena', 'Leo']);
    const none = find((g) => g.value === null && !g.other);
    expect((await namesOf(t, breakdownGroup('attribute', 'plan', none, named, null, null)!.rule)).length).toBe(none.total);
    const other = find((g) => g.other);
    expect(await namesOf(t, breakdownGroup('attribute', 'plan', other, named, null, null)!.rule)).toEqual(['Lia']);
    // "other" first touches cannot be said in the rule language: no drill-down rather than a wrong one
    expect(breakdownGroup('referrer', '', { value: null, other: true }, [], null, null)).toBeNull();
  });

  it('a numeric or true / false attribute opens the contacts holding that value, not its text', async () => {
    const t = newCore();
    const made: [string, Record<string, number | boolean | string>][] = [
      ['Nina', { seats: 10, trial: true }],
      ['Ned', { seats: 10, trial: false }],
      ['Nora', { seats: '10', trial: 'true' }],
      ['Noel', { seats: 3 }],
    ];
    for (const [name, customAttributes] of made) await t.api.call('contacts.create', { name, customAttributes });
    const seats = await t.api.call('funnel.breakdown', { by: 'attribute', attribute: 'seats', top: 5 });
    const named = seats.groups.filter((g) => !g.other);
    const tenNumber = seats.groups.find((g) => g.value === '10' && g.valueType === 'number')!;
    const tenText = seats.groups.find((g) => g.value === '10' && g.valueType === 'text')!;
    expect(tenNumber.total).toBe(2);
    expect(await namesOf(t, breakdownGroup('attribute', 'seats', tenNumber, named, null, null)!.rule)).toEqual(['Ned', 'Nina']);
    expect(await namesOf(t, breakdownGroup('attribute', 'seats', tenText, named, null, null)!.rule)).toEqual(['Nora']);
    const trial = await t.api.call('funnel.breakdown', { by: 'attribute', attribute: 'trial', top: 5 });
    const yes = trial.groups.find((g) => g.value === 'true' && g.valueType === 'boolean')!;
    expect(await namesOf(t, breakdownGroup('attribute', 'trial', yes, trial.groups, null, null)!.rule)).toEqual(['Nina']);
  });
});

describe("the bulk bar's rule for everyone shown", () => {
  it('lists the same contacts as the table with its search, filters and segment', async () => {
    const t = newCore();
    await seed(t);
    const { items } = await t.api.call('segments.list', {});
    const signedUpNotSql = items.find((s) => s.builtin === 'signed-up-not-sql')!;
    const ruleOf = (id: string) => items.find((s) => s.id === id)?.rule;
    const none = { stage: [], role: [], company: null, syncState: [], segment: null, rule: null };
    const views: { query: ViewQuery; table: Parameters<typeof t.api.call<'contacts.list'>>[1] }[] = [
      {
        query: { search: 'sa', filter: { ...none, segment: { id: signedUpNotSql.id } } },
        table: { search: 'sa', filter: { segmentId: signedUpNotSql.id } },
      },
      {
        query: { search: '', filter: { ...none, stage: ['lead'], rule: { rule: reachedStage('lead', null).rule } } },
        table: { filter: { stage: ['lead'], rule: reachedStage('lead', null).rule } },
      },
    ];
    for (const v of views) {
      const table = await t.api.call('contacts.list', { ...v.table, limit: 500 });
      expect(table.total).toBeGreaterThan(0);
      expect(await namesOf(t, viewRule(v.query, ruleOf)!)).toEqual(table.items.map((c) => c.name ?? '').sort());
    }
    // a segment not known here: no rule, rather than a rule that forgets it
    expect(viewRule({ search: '', filter: { ...none, segment: { id: 'gone' } } }, ruleOf)).toBeNull();
  });
});
