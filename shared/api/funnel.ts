// The contract's part for the funnel: counts and conversion per stage, cohorts, breakdowns.
import { z } from 'zod';
import { Timestamp } from '../domain';
import { FunnelStage, SegmentRule } from '../segments';
import type { MethodGroup } from './MethodGroup';

const FunnelPopulation = {
  /** Only contacts matching this rule (the funnel of a segment, a cohort ...). */
  rule: SegmentRule.optional(),
};

const StageCounts = z.object({ lead: z.number().int(), signed_up: z.number().int(), sql: z.number().int(), customer: z.number().int() });

export const funnelMethods = {
  /** Counts, conversion and time in each funnel stage, and how many are stuck. */
  'funnel.get': {
    input: z
      .object({ ...FunnelPopulation, stuckDays: z.number().int().min(1).max(3650).default(30) })
      .strict()
      .default({ stuckDays: 30 }),
    output: z.object({
      total: z.number().int(),
      stages: z.array(
        z.object({
          stage: FunnelStage,
          /** There now. */
          count: z.number().int(),
          /** Ever reached it. */
          reached: z.number().int(),
          /** Of those who reached it, the share who reached the next stage (null for the last, or none reached). */
          conversion: z.number().nullable(),
          /** Time spent in the stage by those who moved on, from the stage history. */
          medianMs: z.number().nullable(),
          p90Ms: z.number().nullable(),
          /** How many moved on (the sample behind median and p90). */
          movedOn: z.number().int(),
          /** There now for longer than `stuckDays`; always 0 for the final stage (Customer), which nobody moves on from. */
          stuck: z.number().int(),
        }),
      ),
      stuckDays: z.number().int(),
    }),
  },
  /** Contacts captured per week or month, and how many of each cohort reached each stage. */
  'funnel.cohorts': {
    input: z
      .object({ ...FunnelPopulation, by: z.enum(['week', 'month']).default('week'), periods: z.number().int().min(1).max(104).default(12) })
      .strict()
      .default({ by: 'week', periods: 12 }),
    output: z.object({
      by: z.enum(['week', 'month']),
      cohorts: z.array(z.object({ from: Timestamp, to: Timestamp, label: z.string(), captured: z.number().int(), reached: StageCounts })),
    }),
  },
  /** The funnel split by first touch (referrer, landing page) or by a custom attribute's value. */
  'funnel.breakdown': {
    input: z
      .object({
        ...FunnelPopulation,
        by: z.enum(['referrer', 'landingPage', 'attribute']),
        attribute: z.string().trim().min(1).max(190).optional(),
        /** The largest groups; the rest are summed as "other". */
        top: z.number().int().min(1).max(50).default(10),
      })
      .strict()
      .refine((v) => v.by !== 'attribute' || Boolean(v.attribute), { message: 'name the attribute', path: ['attribute'] }),
    output: z.object({
      groups: z.array(
        z.object({
          /** The value; null for contacts without one; `other` groups the rest. */
          value: z.string().nullable(),
          /** How an attribute's value is stored (a drill-down matches it as such); null for first touch, none and other. */
          valueType: z.enum(['text', 'number', 'boolean']).nullable(),
          other: z.boolean(),
          total: z.number().int(),
          reached: StageCounts,
        }),
      ),
    }),
  },
} as const satisfies MethodGroup;
