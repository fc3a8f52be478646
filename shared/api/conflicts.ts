// The contract's part for conflicts between local and Intercom values, and resolving them.
import { z } from 'zod';
import { Conflict } from '../domain';
import { Page } from './listing';
import type { MethodGroup } from './MethodGroup';

export const conflictMethods = {
  'conflicts.list': {
    input: z
      .object({
        entityId: z.string().max(100).optional(),
        /** Open conflicts only (default), or the resolved ones too. */
        includeResolved: z.boolean().optional(),
        ...Page,
      })
      .strict()
      .default({ limit: 50 }),
    output: z.object({ items: z.array(Conflict), total: z.number().int() }),
  },
  'conflicts.resolve': {
    input: z.object({ id: z.number().int().min(1), keep: z.enum(['local', 'remote']) }).strict(),
    output: Conflict,
  },
} as const satisfies MethodGroup;
