// The contract's part for the change journal: every change a person makes, newest first, and
// its undo (withdrawn before it reaches Intercom, compensated after).
import { z } from 'zod';
import { EntityType, Timestamp } from '../domain';
import { Page } from './listing';
import type { MethodGroup } from './MethodGroup';

export const CHANGE_KINDS = [
  'contact.create',
  'contact.update',
  'contact.setStage',
  'contact.setStageMany',
  'contact.signUp',
  'contact.archive',
  'contact.unarchive',
  'contact.delete',
  'company.create',
  'company.update',
  'company.setStage',
  'company.link',
  'company.unlink',
  'contact.note',
  'contact.noteEdit',
  'contact.noteDelete',
  'contact.merge',
  'contact.tag',
  'contact.untag',
  'company.tag',
  'company.untag',
  'undo',
] as const;
export const ChangeKind = z.enum(CHANGE_KINDS);
export type ChangeKind = z.infer<typeof ChangeKind>;

export const ChangeRecord = z.object({
  id: z.string(),
  kind: ChangeKind,
  /** Plain words: "Stage of Ana Lima set to SQL". */
  summary: z.string(),
  actor: z.string(),
  createdAt: Timestamp,
  undoneAt: Timestamp.nullable(),
  /** Whether undo is possible now, and why not in words when it is not (the undo decides the same way). */
  undoable: z.boolean(),
  undoBlockedReason: z.string().nullable(),
  records: z.array(z.object({ type: EntityType, id: z.string(), label: z.string() })),
  /** The stage history rows the change added (listed by record: that record's), where record pages offer its undo. */
  historyIds: z.array(z.number().int()),
});
export type ChangeRecord = z.infer<typeof ChangeRecord>;

export const UndoResult = z.object({
  change: ChangeRecord,
  /** Fields put back. */
  restored: z.number().int(),
  /** Fields left as they are, in words: "Stage" of "Ana Lima": "changed since". */
  kept: z.array(z.object({ record: z.string(), field: z.string(), why: z.string() })),
  /** The result in one or two sentences, for the toast. */
  message: z.string(),
});

export const changeMethods = {
  'changes.list': {
    input: z
      .object({ entityType: EntityType.optional(), entityId: z.string().max(100).optional(), ...Page })
      .strict()
      .default({ limit: 50 }),
    output: z.object({ items: z.array(ChangeRecord), total: z.number().int() }),
  },
  /** Takes one change back as a new change; refused (CONFLICT, the reason in words) where `undoable` is false. */
  'changes.undo': {
    input: z.object({ id: z.string().max(100) }).strict(),
    output: UndoResult,
  },
} as const satisfies MethodGroup;
