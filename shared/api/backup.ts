// The contract's part for backups of the store: the copies kept in the data folder, taking one
// now, and putting one back in place of the store.
import { z } from 'zod';
import type { MethodGroup } from './MethodGroup';

/** Why a copy was taken: once a day, on request, before a migration, or the store a restore replaced. */
export const BackupReason = z.enum(['daily', 'manual', 'pre-migration', 'before-restore']);

export const Backup = z.object({
  /** The file's name in `<data folder>/backups/`, `lead-console-YYYYMMDD-HHMMSS-<reason>.sqlite`. */
  name: z.string(),
  reason: BackupReason,
  /** When it was taken (ISO 8601, UTC). */
  takenAt: z.string(),
  sizeBytes: z.number().int(),
});

export const backupMethods = {
  /** The backups kept, newest first. */
  'backup.list': {
    input: z.object({}).strict().default({}),
    output: z.object({ folder: z.string(), items: z.array(Backup) }),
  },
  /** Takes a backup now, while the console keeps working. */
  'backup.now': {
    input: z.object({}).strict().default({}),
    output: Backup,
  },
  /**
   * Replaces the store with a backup (asks for `confirm` first). The replaced store is kept in
   * the backups folder; entries of the copy that Intercom got after it was taken are not sent again.
   */
  'backup.restore': {
    input: z
      .object({
        name: z
          .string()
          .max(200)
          .regex(/^lead-console-\d{8}-\d{6}(-[a-z-]+)?\.sqlite$/, { message: 'must name a backup from the list' }),
        confirm: z.boolean().optional(),
      })
      .strict(),
    output: z.object({
      restored: z.string(),
      /** The name under which the replaced store was kept. */
      keptAs: z.string(),
      /** Waiting entries of the copy found already in Intercom (marked done), or left for the pusher to re-check. */
      outbox: z.object({ alreadySent: z.number().int(), toRecheck: z.number().int(), failed: z.number().int() }),
    }),
  },
} as const satisfies MethodGroup;
