// The contract's part for tags: the workspace's tags, a record's tags, and putting a tag on a
// contact or company or taking it off (bulk tagging is a bulk action, see bulk.ts).
import { z } from 'zod';
import { EntityType, LocalId, TagName, TagRef } from '../domain';
import type { MethodGroup } from './MethodGroup';

export const Tag = TagRef.extend({
  /** Intercom's id; null while the tag was made here and has not reached Intercom yet. */
  intercomId: z.string().nullable(),
  /** How many contacts and companies carry it here. */
  contacts: z.number().int(),
  companies: z.number().int(),
});
export type Tag = z.infer<typeof Tag>;

const RecordTarget = { type: EntityType, id: LocalId };

export const tagMethods = {
  /** The workspace's tags (from Intercom, refreshed on every sync, and those made here), by name. */
  'tags.list': {
    input: z.object({}).strict().default({}),
    output: z.object({ items: z.array(Tag) }),
  },
  /** A contact's or company's tags, by name. */
  'tags.of': {
    input: z.object(RecordTarget).strict(),
    output: z.object({ items: z.array(TagRef) }),
  },
  /**
   * Puts a tag on a record by name (any case). A name the workspace has no tag for is refused
   * unless `create` says to make it: a new tag is an explicit choice, never a typo.
   */
  'tags.add': {
    input: z.object({ ...RecordTarget, name: TagName, create: z.boolean().default(false) }).strict(),
    output: z.object({ tag: TagRef, created: z.boolean(), changed: z.boolean() }),
  },
  'tags.remove': {
    input: z.object({ ...RecordTarget, tagId: LocalId }).strict(),
    output: z.object({ changed: z.boolean() }),
  },
} as const satisfies MethodGroup;
