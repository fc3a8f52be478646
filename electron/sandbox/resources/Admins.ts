// The admins API: the team (GET /admins) and one admin (GET /admins/{id}), as the official
// description shapes them; `GET /me` stays on the Workspace (it carries the app).
import { ApiError } from '../errors';
import type { WorkspaceCore } from '../WorkspaceCore';

const wire = (a: { id: string; email: string; name: string }) => ({
  type: 'admin' as const,
  id: a.id,
  name: a.name,
  email: a.email,
  away_mode_enabled: false,
  away_mode_reassign: false,
  has_inbox_seat: true,
  team_ids: [] as number[],
});

export class Admins {
  constructor(private readonly ws: WorkspaceCore) {}

  listAdmins() {
    return { type: 'admin.list' as const, admins: this.ws.team().map(wire) };
  }

  getAdmin(id: string) {
    const admin = /^[0-9]+$/.test(id) ? this.ws.team().find((a) => a.id === id) : undefined;
    if (!admin) throw new ApiError(404, 'admin_not_found', 'Admin not found');
    return { ...wire(admin), away_status_reason_id: null };
  }
}
