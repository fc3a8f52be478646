// The contract's part for the console's log file: its last lines and where it is, for the
// Settings screen (and for a person asked to send it to support).
import { z } from 'zod';
import type { MethodGroup } from './MethodGroup';

export const logMethods = {
  /** The last lines of the log (start-up, sync runs, errors), oldest first, and the log file's path. */
  'logs.tail': {
    input: z.object({ lines: z.number().int().min(1).max(1000).default(200) }).strict().prefault({}),
    output: z.object({ file: z.string(), lines: z.array(z.string()) }),
  },
} as const satisfies MethodGroup;
