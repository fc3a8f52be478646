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
    }),
  },
} as const satisfies MethodGroup;
