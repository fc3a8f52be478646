// The funnel: counts, conversion and time in stage, cohorts, and breakdowns by first touch or attribute.
// Every figure is read from the funnel columns the triggers keep on each contact (migration
// 0005), optionally restricted to the contacts of a rule (the funnel of a segment).
import type { MethodOutput, ParsedInput } from '../../../shared/api';
import { canBeStuck, FUNNEL_STAGES, type FunnelStage, type SegmentRule } from '../../../shared/segments';
import { STAGE_DURATION_COLUMNS, type ValueMaxCount } from '../db/FunnelRepository';
import { compileRule, MS_PER_DAY, startOfLocalMonth, startOfLocalWeek, withArchived, type CompiledWhere } from '../db/segmentSql';
import { iso } from '../db/rows';
import type { ServiceContext } from '../ServiceContext';

type StageCounts = Record<FunnelStage, number>;

const zeroCounts = (): StageCounts => ({ lead: 0, signed_up: 0, sql: 0, customer: 0 });

/** Adds n contacts whose furthest position is `max` to the reached counts (everyone reached lead). */
function addReached(counts: StageCounts, max: number, n: number): void {
  FUNNEL_STAGES.forEach((stage, rank) => {
    if (max >= rank) counts[stage] += n;
  });
}

/**
 * The nearest-rank percentile's 0-based position among n sorted values: the smallest value with
 * at least p of the values at or below it (the median of 4 is the 2nd, p90 of 10 the 9th).
 */
export function percentileIndex(n: number, p: number): number {
  return Math.max(0, Math.ceil(p * n) - 1);
}

const pad2 = (n: number) => String(n).padStart(2, '0');
const localDate = (ms: number) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
};

export class FunnelService {
  constructor(readonly ctx: ServiceContext) {}

  private where(rule: SegmentRule | undefined, now: number): CompiledWhere | null {
    // archived contacts are out of the funnel as out of every count (without a rule the repository takes them away)
    return rule ? withArchived(compileRule(rule, { now, me: this.ctx.me }), 'hide', this.ctx.store.contacts.anyArchived()) : null;
  }

  get({ rule, stuckDays }: ParsedInput<'funnel.get'>): MethodOutput<'funnel.get'> {
    const { funnel } = this.ctx.store;
    const now = this.ctx.now();
    const where = this.where(rule, now);
    const count = zeroCounts();
    const reached = zeroCounts();
    let total = 0;
    if (where) {
      for (const { rank, max, n } of funnel.rankMaxCounts(where)) {
        total += n;
        count[FUNNEL_STAGES[rank]!] += n;
        addReached(reached, max, n);
      }
    } else {
      // everyone: range counts of the later positions, the first by difference
      total = funnel.total();
      count.lead = total;
      FUNNEL_STAGES.forEach((stage, rank) => {
        if (rank === 0) return;
        count[stage] = funnel.countAtRank(rank);
        count.lead -= count[stage];
        addReached(reached, rank, funnel.countAtMax(rank));
      });
      reached.lead = total; // everyone was a lead, whatever their furthest position
    }
    const cutoff = now - stuckDays * MS_PER_DAY;
    const stuck = (rank: number, n: number) => {
      if (n === 0) return 0;
      // most contacts of a position have usually been there a while: count the recent ones
      return where ? funnel.stuckCount(rank, cutoff, where) : n - funnel.notStuckCount(rank, cutoff);
    };
    const stages = FUNNEL_STAGES.map((stage, rank) => {
      const next = FUNNEL_STAGES[rank + 1];
      const column = STAGE_DURATION_COLUMNS[rank];
      const movedOn = column ? funnel.durationCount(column, where) : 0;
      const at = (p: number) => (column && movedOn > 0 ? funnel.durationAt(column, percentileIndex(movedOn, p), movedOn, where) : null);
      return {
        stage,
        count: count[stage],
        reached: reached[stage],
        conversion: next && reached[stage] > 0 ? reached[next] / reached[stage] : null,
        medianMs: at(0.5),
        p90Ms: at(0.9),
        movedOn,
        stuck: canBeStuck(stage) ? stuck(rank, count[stage]) : 0,
      };
    });
    return { total, stages, stuckDays };
  }

  /**
   * The last `periods` weeks (from Monday) or months in local time, the current one included,
   * oldest first.
   */
  cohorts({ rule, by, periods }: ParsedInput<'funnel.cohorts'>): MethodOutput<'funnel.cohorts'> {
    const { funnel } = this.ctx.store;
    const now = this.ctx.now();
    const where = this.where(rule, now);
    const current = by === 'week' ? startOfLocalWeek(now) : startOfLocalMonth(now);
    // local calendar arithmetic, so a week with a DST change is still Monday to Monday
    const shift = (ms: number, k: number) => {
      const d = new Date(ms);
      if (by === 'week') d.setDate(d.getDate() + 7 * k);
      else d.setMonth(d.getMonth() + k);
      return d.getTime();
    };
    // periods + 1 boundaries: the oldest cohort's start ... the current one's end
    const bounds = Array.from({ length: periods + 1 }, (_, i) => shift(current, i - periods + 1));
    const starts = bounds.slice(0, -1);
    const cohorts = starts.map((from, i) => {
      const to = bounds[i + 1]!;
      const reached = zeroCounts();
      let captured = 0;
      if (where) {
        for (const { max, n } of funnel.capturedByMax(from, to, where)) {
          captured += n;
          addReached(reached, max, n);
        }
      } else {
        captured = funnel.countCaptured(from, to);
        for (let max = 1; max < FUNNEL_STAGES.length; max++) addReached(reached, max, funnel.countAtMax(max, from, to));
        reached.lead = captured; // everyone captured was a lead, whatever their furthest position
      }
      return { from: iso(from), to: iso(to), label: by === 'week' ? localDate(from) : localDate(from).slice(0, 7), captured, reached };
    });
    return { by, cohorts };
  }

  /**
   * The largest `top` groups by size (ties by value), the group of contacts without a value
   * (if any), and the rest summed as "other".
   */
  breakdown({ rule, by, attribute, top }: ParsedInput<'funnel.breakdown'>): MethodOutput<'funnel.breakdown'> {
    const { funnel } = this.ctx.store;
    const where = this.where(rule, this.ctx.now());
    const rows: ValueMaxCount[] = by === 'attribute' ? funnel.byAttribute(attribute!, where) : funnel.byFirstTouch(by, where);
    type Group = { value: string | null; valueType: 'text' | 'number' | 'boolean' | null; other: boolean; total: number; reached: StageCounts };
    // by value and stored type: the number 10 and the text "10" are different values to a segment
    const groups = new Map<string, Group>();
    let unknown: Group | undefined;
    for (const { value, type, max, n } of rows) {
      const key = `${type ?? ''}:${value}`;
      let g = value === null ? unknown : groups.get(key);
      if (!g) {
        g = { value, valueType: value === null ? null : (type ?? null), other: false, total: 0, reached: zeroCounts() };
        if (value === null) unknown = g;
        else groups.set(key, g);
      }
      g.total += n;
      addReached(g.reached, max, n);
    }
    const ranked = [...groups.values()].sort((a, b) => b.total - a.total || (a.value! < b.value! ? -1 : a.value! > b.value! ? 1 : 0));
    const out = ranked.slice(0, top);
    if (unknown) out.push(unknown);
    const rest = ranked.slice(top);
    if (rest.length > 0) {
      const other: Group = { value: null, valueType: null, other: true, total: 0, reached: zeroCounts() };
      for (const g of rest) {
        other.total += g.total;
        for (const stage of FUNNEL_STAGES) other.reached[stage] += g.reached[stage];
      }
      out.push(other);
    }
    return { groups: out };
  }
}
