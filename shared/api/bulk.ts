// The contract's part for bulk actions on many contacts, their undo and history.
import { z } from 'zod';
import { LocalId } from '../domain';
import { BulkAction, BulkRecord } from '../activity';
import { SegmentRule } from '../segments';
import { Page } from './listing';
import { SegmentId } from './segments';
import type { MethodGroup } from './MethodGroup';

/** Which contacts a bulk action or an export is about. */
export const ContactTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ids'), ids: z.array(LocalId).min(1, { message: 'select at least one contact' }).max(100_000) }).strict(),
  z.object({ kind: z.literal('segment'), segmentId: SegmentId }).strict(),
  z.object({ kind: z.literal('rule'), rule: SegmentRule }).strict(),
]);

export const bulkMethods = {
  /**
   * One action on many contacts, as one change. With `dryRun` it only counts; the real run needs
   * `confirm`. Stages and links can be undone as a whole at any time; sign-ups until Intercom has
   * them (it cannot turn a user back into a lead); messages and flushes wait 10 s in a hold
   * (`BulkRecord.releaseAt`) and can be undone only until then.
   */
  'bulk.run': {
    input: z.object({ target: ContactTarget, action: BulkAction, dryRun: z.boolean().optional(), confirm: z.boolean().optional() }).strict(),
    output: z.object({
      bulk: BulkRecord.nullable(),
      /** Contacts in the target. */
      targeted: z.number().int(),
      /** Contacts the action changes (or would). */
      touched: z.number().int(),
      /** Contacts left as they were, counted by reason ("already at that stage", "no email" ...). */
      skipped: z.array(z.object({ reason: z.string(), count: z.number().int() })),
      dryRun: z.boolean(),
      /** Exports: where the file went. */
      file: z.object({ fileName: z.string(), path: z.string(), rows: z.number().int(), downloadUrl: z.string().nullable() }).nullable(),
    }),
  },
  /**
   * Puts back what the bulk changed, unless changed since. What never reached Intercom is
   * withdrawn; what did gets a compensating change, sent with the next sync.
   */
  'bulk.undo': {
    input: z.object({ id: z.string().max(100) }).strict(),
    output: z.object({
      bulk: BulkRecord,
      restored: z.number().int(),
      /** Changed again since; left as they are. */
      kept: z.number().int(),
      /** The first 20 of those, in words ("Stage of Ana Lima: changed since, kept"). */
      keptList: z.array(z.string()),
      /** Restored values Intercom already had from the bulk: sent back with the next sync. */
      compensated: z.number().int(),
    }),
  },
  'bulk.list': {
    input: z.object({ ...Page }).strict().default({ limit: 50 }),
    output: z.object({ items: z.array(BulkRecord), total: z.number().int() }),
  },
} as const satisfies MethodGroup;
