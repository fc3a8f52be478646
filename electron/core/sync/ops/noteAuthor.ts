// Who a note is written as in Intercom: "who am I", the admin chosen in Settings while the team
// still lists it, else the connected admin (the one stored at connection, else GET /me once per run).
import { ME_ADMIN_KEY } from '../../settings/meAdmin';
import type { PushRun } from './Operation';

export function noteAuthorId(run: PushRun): Promise<string> {
  const chosen = run.ctx.store.settings.get<string | null>(ME_ADMIN_KEY);
  if (chosen && run.ctx.store.admins.byId(chosen)?.active) return Promise.resolve(chosen);
  return run.admin();
}
