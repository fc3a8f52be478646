// The contract's part for the outbox: what waits for Intercom, and retrying or dropping what
// failed.
import { z } from 'zod';
import { OutboxItem, OutboxStatus } from '../domain';
import { Page } from './listing';
import type { MethodGroup } from './MethodGroup';

export const outboxMethods = {
  'outbox.list': {
    input: z
      .object({
        status: z.array(OutboxStatus).max(4).optional(),
        entityId: z.string().max(100).optional(),
        ...Page,
      })
      .strict()
      .default({ limit: 50 }),
    output: z.object({ items: z.array(OutboxItem), total: z.number().int() }),
  },
  /** Failed entries go back to pending and are tried on the next run. */
  'outbox.retry': {
    input: z
      .object({ seqs: z.array(z.number().int().min(1)).min(1, { message: 'pick at least one entry' }).max(10_000) })
      .strict(),
    output: z.object({ retried: z.number().int() }),
  },
  /** Drops failed entries for good: what they carried never reaches Intercom. */
  'outbox.discard': {
    input: z
      .object({
        seqs: z.array(z.number().int().min(1)).min(1, { message: 'pick at least one entry' }).max(10_000),
        confirm: z.boolean().optional(),
      })
      .strict(),
    output: z.object({ discarded: z.number().int() }),
  },
} as const satisfies MethodGroup;
