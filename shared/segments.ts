// The filter language shared by saved segments, funnel drill-downs, bulk actions and exports:
// conditions over a contact combined with AND / OR groups. Pure data (zod): the engine compiles
// a rule to SQL (electron/core/db/segmentSql.ts), the renderer builds and shows it.
import { z } from 'zod';
import { AdminId, CompanyStage, ContactStage, LocalId, Role, SyncState, TagName, text, Timestamp } from './domain';

/**
 * A contact's position in the funnel: the furthest of its own stage and its companies' stages
 * (DESIGN "Decisions"). Ranks 0..3.
 */
export const FUNNEL_STAGES = ['lead', 'signed_up', 'sql', 'customer'] as const;
export const FunnelStage = z.enum(FUNNEL_STAGES);
export type FunnelStage = z.infer<typeof FunnelStage>;
/** The stages one can move on from: only these can be "stuck" (Customer is where the funnel ends). */
export const STUCK_STAGES: readonly FunnelStage[] = FUNNEL_STAGES.slice(0, -1);
export const canBeStuck = (stage: FunnelStage): boolean => STUCK_STAGES.includes(stage);
export const FUNNEL_RANK: Record<FunnelStage, number> = { lead: 0, signed_up: 1, sql: 2, customer: 3 };

const Days = z
  .number({ message: 'must be a number of days' })
  .int({ message: 'must be a whole number of days' })
  .min(0, { message: 'must be 0 or more days' })
  .max(36_500, { message: 'must be at most 36,500 days' });

/** An event name as Intercom accepts it. */
export const EventName = text(255).pipe(z.string().min(1, { message: 'must not be empty' }));

const AttributeName = z.string().trim().min(1, { message: 'must not be empty' }).max(190, { message: 'must be at most 190 characters' });
const ScalarValue = z.union([z.string().max(1000), z.number().finite(), z.boolean()]);

/** An owner in a rule or filter: an admin's id, `none` (nobody owns it) or `me` (who I am in Settings, read when counted). */
export const OwnerChoice = z.union([z.literal('none'), z.literal('me'), AdminId]);
export type OwnerChoice = z.infer<typeof OwnerChoice>;

/** One test on a contact. */
export const SegmentCondition = z.discriminatedUnion('field', [
  /** Funnel position now. */
  z.object({ field: z.literal('stage'), in: z.array(FunnelStage).min(1, { message: 'pick at least one stage' }) }).strict(),
  /** Has (or has not) ever reached this funnel stage. */
  z.object({ field: z.literal('reached'), stage: FunnelStage, reached: z.boolean().default(true) }).strict(),
  /** In its current funnel stage for more than `days` days. */
  z.object({ field: z.literal('stuck'), stage: FunnelStage, days: Days }).strict(),
  z.object({ field: z.literal('contactStage'), in: z.array(ContactStage).min(1, { message: 'pick at least one stage' }) }).strict(),
  z.object({ field: z.literal('role'), in: z.array(Role).min(1, { message: 'pick at least one role' }) }).strict(),
  z.object({ field: z.literal('syncState'), in: z.array(SyncState).min(1, { message: 'pick at least one state' }) }).strict(),
  /** Owned by one of these (admin ids, `none`, `me`). */
  z.object({ field: z.literal('owner'), in: z.array(OwnerChoice).min(1, { message: 'pick at least one owner' }).max(50) }).strict(),
  /** Linked to this company, not linked to it, linked to any company, or to none. */
  z
    .object({ field: z.literal('company'), op: z.enum(['is', 'isNot', 'any', 'none']), companyId: LocalId.optional() })
    .strict()
    .refine((c) => (c.op !== 'is' && c.op !== 'isNot') || Boolean(c.companyId), { message: 'pick a company', path: ['companyId'] }),
  /** Linked to a company at one of these stages (`none`: a company without a stage). */
  z
    .object({ field: z.literal('companyStage'), in: z.array(z.union([CompanyStage, z.literal('none')])).min(1, { message: 'pick at least one stage' }) })
    .strict(),
  /** Carries (or not) the tag of this name (any case, as in Intercom), any tag, or none: `tag:"VIP"`. */
  z
    .object({ field: z.literal('tag'), op: z.enum(['has', 'hasNot', 'any', 'none']), name: TagName.optional() })
    .strict()
    .refine((c) => (c.op !== 'has' && c.op !== 'hasNot') || Boolean(c.name), { message: 'pick a tag', path: ['name'] }),
  /** A custom attribute; `exists` / `notExists` take no value. */
  z
    .object({
      field: z.literal('attribute'),
      name: AttributeName,
      op: z.enum(['eq', 'neq', 'contains', 'gt', 'lt', 'exists', 'notExists']),
      value: ScalarValue.optional(),
    })
    .strict()
    .refine((c) => c.op === 'exists' || c.op === 'notExists' || c.value !== undefined, { message: 'needs a value', path: ['value'] }),
  /** Words in name, email or company names (each word as a prefix). */
  z.object({ field: z.literal('text'), value: text(200).pipe(z.string().min(1, { message: 'must not be empty' })) }).strict(),
  /** Last activity more / less than `days` days ago, or none at all. */
  z
    .object({ field: z.literal('lastActivity'), op: z.enum(['olderThan', 'newerThan', 'never']), days: Days.optional() })
    .strict()
    .refine((c) => c.op === 'never' || c.days !== undefined, { message: 'needs a number of days', path: ['days'] }),
  /** Captured (created) more / less than `days` ago, since the start of this week or month, or in [from, to). */
  z
    .object({
      field: z.literal('created'),
      op: z.enum(['olderThan', 'newerThan', 'thisWeek', 'thisMonth', 'between']),
      days: Days.optional(),
      from: Timestamp.optional(),
      to: Timestamp.optional(),
    })
    .strict()
    .refine((c) => (c.op !== 'olderThan' && c.op !== 'newerThan') || c.days !== undefined, { message: 'needs a number of days', path: ['days'] })
    .refine((c) => c.op !== 'between' || (Boolean(c.from) && Boolean(c.to)), { message: 'needs a start and an end', path: ['from'] }),
  /** Did (or did not) do the event in the last `days` days. */
  z.object({ field: z.literal('event'), op: z.enum(['did', 'didNot']), name: EventName, days: Days }).strict(),
  /** First touch: the referrer or landing page of the contact's first recorded visit (`none`: not known). */
  z
    .object({
      field: z.literal('firstTouch'),
      key: z.enum(['referrer', 'landingPage']),
      op: z.enum(['eq', 'contains', 'none']),
      value: z.string().max(2000).optional(),
    })
    .strict()
    .refine((c) => c.op === 'none' || c.value !== undefined, { message: 'needs a value', path: ['value'] }),
]);
export type SegmentCondition = z.infer<typeof SegmentCondition>;

export interface SegmentGroup {
  op: 'and' | 'or';
  rules: (SegmentCondition | SegmentGroup)[];
}

/** AND / OR over conditions and nested groups (at most 4 levels, 50 rules a group). */
export const SegmentGroup: z.ZodType<SegmentGroup> = z.lazy(() =>
  z
    .object({
      op: z.enum(['and', 'or']),
      rules: z.array(z.union([SegmentCondition, SegmentGroup])).max(50, { message: 'at most 50 rules in a group' }),
    })
    .strict(),
);
export const SegmentRule = SegmentGroup.refine((g) => depth(g) <= 4, { message: 'rules nest at most 4 levels deep' });
export type SegmentRule = SegmentGroup;

function depth(g: SegmentGroup): number {
  return 1 + Math.max(0, ...g.rules.map((r) => ('op' in r && 'rules' in r ? depth(r) : 0)));
}

export const BUILTIN_SEGMENTS = ['new-leads-this-week', 'signed-up-not-sql', 'slipping-away', 'my-leads'] as const;
export type BuiltinSegment = (typeof BUILTIN_SEGMENTS)[number];

/** Default inactivity for "Slipping away"; the user can change N on the segment. */
export const SLIPPING_AWAY_DAYS = 30;

/** The built-in segments as first created; a user may edit their rules but not delete them. */
export function builtinSegmentRules(): Record<BuiltinSegment, { name: string; rule: SegmentRule }> {
  return {
    'new-leads-this-week': {
      name: 'New leads this week',
      rule: { op: 'and', rules: [{ field: 'stage', in: ['lead'] }, { field: 'created', op: 'thisWeek' }] },
    },
    'signed-up-not-sql': {
      name: 'Signed up, not yet SQL',
      rule: { op: 'and', rules: [{ field: 'stage', in: ['signed_up'] }] },
    },
    'slipping-away': {
      name: 'Slipping away',
      // active before (some activity is recorded), none for N days
      rule: { op: 'and', rules: [{ field: 'lastActivity', op: 'olderThan', days: SLIPPING_AWAY_DAYS }] },
    },
    'my-leads': {
      name: 'My leads',
      // `me` is read when the segment is counted, so changing who you are in Settings moves it
      rule: { op: 'and', rules: [{ field: 'owner', in: ['me'] }] },
    },
  };
}

export const Segment = z.object({
  id: z.string(),
  name: z.string(),
  rule: SegmentRule,
  /** Which built-in segment this is (those cannot be deleted). */
  builtin: z.enum(BUILTIN_SEGMENTS).nullable(),
  /** Members now; null when counting failed (the message says why). */
  count: z.number().int().nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Segment = z.infer<typeof Segment>;
