// The contract's part for the sync with Intercom: testing the connection, its status, starting a
// run, the network hint.
import { z } from 'zod';
import { SyncStatus } from '../domain';
import type { MethodGroup } from './MethodGroup';

export const syncMethods = {
  /** GET /me with the stored token (or a token given here, not yet saved). */
  'sync.testConnection': {
    input: z.object({ token: z.string().trim().min(1).max(1000).optional() }).strict().default({}),
    output: z.object({
      workspace: z.object({ name: z.string(), idCode: z.string(), region: z.string().nullable(), timezone: z.string().nullable() }),
      admin: z.object({ id: z.string(), name: z.string().nullable(), email: z.string().nullable() }),
    }),
  },
  'sync.status': {
    input: z.object({}).strict().default({}),
    output: SyncStatus,
  },
  /** Starts a run now (unless one is going on); answers at once with the status. */
  'sync.now': {
    input: z.object({}).strict().default({}),
    output: SyncStatus,
  },
  /** The renderer's network hint (browser online/offline events): resume at once when back. */
  'sync.setOnline': {
    input: z.object({ online: z.boolean() }).strict(),
    output: SyncStatus,
  },
} as const satisfies MethodGroup;
