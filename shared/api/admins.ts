// The contract's part for the team: the workspace's admins (who can own a contact) and who "I" am.
import { z } from 'zod';
import { Admin } from '../domain';
import type { MethodGroup } from './MethodGroup';

/** Who I am: the admin chosen in Settings, else the one the access token belongs to (GET /me). */
export const Me = z.object({
  adminId: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  /** settings: chosen in Settings; connection: the connected admin (the default). */
  source: z.enum(['settings', 'connection']),
});
export type Me = z.infer<typeof Me>;

export const adminMethods = {
  'admins.list': {
    input: z.object({}).strict().default({}),
    output: z.object({
      /** The team as the last sync found it, active admins first; empty before the first sync. */
      items: z.array(Admin),
      me: Me.nullable(),
    }),
  },
} as const satisfies MethodGroup;
