// The contract's part for merging duplicates: the "Possible duplicates" groups, what a merge of
// two contacts would do (both side by side, the value kept per field, what Intercom can do), and
// the merge itself, undone through changes.undo until it reaches Intercom.
import { z } from 'zod';
import { CompanyRef, Contact, ContactListItem, LocalId } from '../domain';
import { ChangeRecord } from './changes';
import { Page } from './listing';
import type { MethodGroup } from './MethodGroup';

export const DUPLICATE_REASONS = ['email', 'visitor', 'name'] as const;
export const DuplicateReason = z.enum(DUPLICATE_REASONS);
export type DuplicateReason = z.infer<typeof DuplicateReason>;

export const DuplicateGroup = z.object({
  reason: DuplicateReason,
  /** The shared email, visitor id or name, as the group's first contact writes it. */
  key: z.string(),
  /** The company of a same-name group. */
  company: CompanyRef.nullable(),
  /** How many contacts share it; `contacts` lists the first ones, oldest first. */
  size: z.number().int(),
  contacts: z.array(ContactListItem),
});
export type DuplicateGroup = z.infer<typeof DuplicateGroup>;

/** Which contact's value the survivor keeps. */
export const MergeSide = z.enum(['from', 'into']);
export type MergeSide = z.infer<typeof MergeSide>;

/** A field the person picks: `email`, `name`, `phone`, `visitorId` or `attr:<attribute>`. */
const MergeField = z.string().min(1).max(200);

export const MergeFieldChoice = z.object({
  field: MergeField,
  label: z.string(),
  from: z.unknown(),
  into: z.unknown(),
  /** The default: the user's value over the lead's, a value over none, else the survivor's. */
  pick: MergeSide,
});
export type MergeFieldChoice = z.infer<typeof MergeFieldChoice>;

export const MERGE_MODES = ['none', 'merge', 'archive'] as const;

export const MergePreview = z.object({
  from: ContactListItem,
  into: ContactListItem,
  fields: z.array(MergeFieldChoice),
  /** What Intercom gets: nothing (the removed contact never reached it), its merge, or an update and an archive. */
  intercom: z.object({ mode: z.enum(MERGE_MODES), message: z.string() }),
  /** What moves to the survivor. */
  moves: z.object({ companies: z.number().int(), events: z.number().int(), messages: z.number().int(), history: z.number().int() }),
  /** Why the merge cannot be made now, in words (the merge refuses the same way). */
  blocked: z.string().nullable(),
});
export type MergePreview = z.infer<typeof MergePreview>;

const MergePair = { fromId: LocalId, intoId: LocalId };

export const contactMergeMethods = {
  /** Groups of contacts that look like one person; `reason` narrows to one kind. */
  'contacts.duplicates': {
    input: z
      .object({ reason: DuplicateReason.optional(), ...Page })
      .strict()
      .default({ limit: 50 }),
    output: z.object({ groups: z.array(DuplicateGroup), total: z.number().int() }),
  },
  /** Both contacts side by side with the default pick per field; writes nothing. */
  'contacts.mergePreview': {
    input: z.object(MergePair).strict(),
    output: MergePreview,
  },
  /**
   * Merges `fromId` into `intoId` as one change: the survivor takes the picked values (fields not
   * named keep the preview's default), the other's companies, events, history and messages, and
   * the other is removed; Intercom follows at the next sync.
   */
  'contacts.merge': {
    input: z.object({ ...MergePair, pick: z.record(MergeField, MergeSide).default({}) }).strict(),
    output: z.object({ contact: Contact, change: ChangeRecord, message: z.string() }),
  },
} as const satisfies MethodGroup;
