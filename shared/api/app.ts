// The contract's part for the app itself: its version, mode and data folder.
import { z } from 'zod';
import type { MethodGroup } from './MethodGroup';

export const appMethods = {
  'app.info': {
    input: z.object({}).strict().default({}),
    output: z.object({
      version: z.string(),
      mode: z.enum(['desktop', 'browser', 'test']),
      dataDir: z.string(),
      actor: z.string(),
      schemaVersion: z.number().int(),
      /** Set when the store could not be written at start (a full disk): why, in words; every change answers DISK_FULL. */
      readOnly: z.string().optional(),
    }),
  },
} as const satisfies MethodGroup;
