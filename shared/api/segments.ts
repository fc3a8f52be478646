// The contract's part for saved segments: the list with counts, a rule's live count, save and
// delete.
import { z } from 'zod';
import { text } from '../domain';
import { Segment, SegmentRule } from '../segments';
import type { MethodGroup } from './MethodGroup';

export const SegmentId = z.string().min(1).max(100);

export const segmentMethods = {
  /** Every saved segment (built-ins first) with its member count now. */
  'segments.list': {
    input: z.object({}).strict().default({}),
    output: z.object({ items: z.array(Segment) }),
  },
  /** How many contacts a rule matches (the editor's live count). */
  'segments.count': {
    input: z.object({ rule: SegmentRule }).strict(),
    output: z.object({ count: z.number().int() }),
  },
  /** Creates (no id) or updates a segment; built-ins keep their name but their rule can change. */
  'segments.save': {
    input: z
      .object({ id: SegmentId.optional(), name: text(100).pipe(z.string().min(1, { message: 'must not be empty' })), rule: SegmentRule })
      .strict(),
    output: Segment,
  },
  'segments.delete': {
    input: z.object({ id: SegmentId }).strict(),
    output: z.object({ id: z.string(), deleted: z.boolean() }),
  },
} as const satisfies MethodGroup;
