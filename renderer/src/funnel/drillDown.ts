// The contacts behind a number of the funnel screen, as a rule for the Leads table, with the words
// of its chip ("Funnel: Signed up — captured week of Nov 4"). Pure: built and tested apart from
// the charts.
import type { FunnelStage, SegmentCondition, SegmentGroup } from '../../../shared/segments';
import { STAGE_LABEL } from '../../../shared/stages';
import { plural } from '../../../shared/words';

export const FUNNEL_ORDER: readonly FunnelStage[] = ['lead', 'signed_up', 'sql', 'customer'];
export const FUNNEL_LABEL: Record<FunnelStage, string> = STAGE_LABEL;

export interface DrillDown {
  rule: SegmentGroup;
  label: string;
}

/** The funnel's population (a segment's rule), ANDed in; its name ends the label. */
export interface Population {
  name: string;
  rule: SegmentGroup;
}

function make(conditions: SegmentCondition[], words: string, population: Population | null): DrillDown {
  const rules: (SegmentCondition | SegmentGroup)[] = [...conditions];
  if (population) rules.push(population.rule);
  return { rule: { op: 'and', rules }, label: `Funnel: ${words}${population ? ` (in ${population.name})` : ''}` };
}

const nextStage = (s: FunnelStage): FunnelStage | null => FUNNEL_ORDER[FUNNEL_ORDER.indexOf(s) + 1] ?? null;

/** At the stage now. */
export const atStage = (stage: FunnelStage, p: Population | null) => make([{ field: 'stage', in: [stage] }], FUNNEL_LABEL[stage], p);

/** Ever reached the stage. */
export const reachedStage = (stage: FunnelStage, p: Population | null) =>
  make([{ field: 'reached', stage, reached: true }], `reached ${FUNNEL_LABEL[stage]}`, p);

/** Reached the stage and the next one: the sample behind time in stage and conversion. */
export function movedOn(stage: FunnelStage, p: Population | null): DrillDown {
  const next = nextStage(stage);
  if (!next) return reachedStage(stage, p);
  return make(
    [
      { field: 'reached', stage, reached: true },
      { field: 'reached', stage: next, reached: true },
    ],
    `moved on from ${FUNNEL_LABEL[stage]} to ${FUNNEL_LABEL[next]}`,
    p,
  );
}

/** In the stage now for longer than `days`. */
export const stuckIn = (stage: FunnelStage, days: number, p: Population | null) =>
  make([{ field: 'stuck', stage, days }], `stuck in ${FUNNEL_LABEL[stage]} for more than ${plural(days, 'day')}`, p);

const dayMonth = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const monthYear = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric' });

/** "week of Nov 4" / "November 2026". */
export function cohortWords(by: 'week' | 'month', from: string): string {
  const d = new Date(from);
  return by === 'week' ? `week of ${dayMonth.format(d)}` : monthYear.format(d);
}

/** Captured in the cohort's period, and (with a stage) reached it. */
export function cohort(by: 'week' | 'month', c: { from: string; to: string }, stage: FunnelStage | null, p: Population | null): DrillDown {
  const when = `captured ${cohortWords(by, c.from)}`;
  const created: SegmentCondition = { field: 'created', op: 'between', from: c.from, to: c.to };
  if (!stage || stage === 'lead') return make([created], stage ? `${FUNNEL_LABEL[stage]} — ${when}` : when, p);
  return make([created, { field: 'reached', stage, reached: true }], `${FUNNEL_LABEL[stage]} — ${when}`, p);
}

export type BreakdownBy = 'referrer' | 'landingPage' | 'attribute';

export function groupWords(by: BreakdownBy, attribute: string, value: string | null, other: boolean): string {
  const what = by === 'referrer' ? 'referrer' : by === 'landingPage' ? 'landing page' : attribute;
  if (other) return `${what}: other values`;
  if (value === null) return `${what} not known`;
  return `${what} ${value}`;
}

/** A breakdown group's value and how the attribute stores it (the funnel answers values as text). */
export interface BreakdownValue {
  value: string | null;
  valueType?: 'text' | 'number' | 'boolean' | null;
}

/** The value as the attribute holds it: a segment tells the number 10 from the text "10". */
function storedValue(v: BreakdownValue): string | number | boolean {
  if (v.valueType === 'number' && v.value !== null && Number.isFinite(Number(v.value))) return Number(v.value);
  if (v.valueType === 'boolean') return v.value === 'true';
  return v.value ?? '';
}

/**
 * One group of a breakdown (and, with a stage, those of it who reached the stage). Null where the
 * rule language cannot say it: the "other" first touches (it has no "is none of").
 */
export function breakdownGroup(
  by: BreakdownBy,
  attribute: string,
  group: BreakdownValue & { other: boolean },
  others: BreakdownValue[],
  stage: FunnelStage | null,
  p: Population | null,
): DrillDown | null {
  let conditions: SegmentCondition[];
  if (by === 'attribute') {
    if (group.other) {
      conditions = [
        { field: 'attribute', name: attribute, op: 'exists' },
        ...others
          .filter((v) => v.value !== null)
          .map((v): SegmentCondition => ({ field: 'attribute', name: attribute, op: 'neq', value: storedValue(v) })),
      ];
    } else if (group.value === null) conditions = [{ field: 'attribute', name: attribute, op: 'notExists' }];
    else conditions = [{ field: 'attribute', name: attribute, op: 'eq', value: storedValue(group) }];
  } else {
    if (group.other) return null;
    conditions = [group.value === null ? { field: 'firstTouch', key: by, op: 'none' } : { field: 'firstTouch', key: by, op: 'eq', value: group.value }];
  }
  const words = groupWords(by, attribute, group.value, group.other);
  if (stage && stage !== 'lead') conditions.push({ field: 'reached', stage, reached: true });
  return make(conditions, stage && stage !== 'lead' ? `${FUNNEL_LABEL[stage]} — ${words}` : words, p);
}
