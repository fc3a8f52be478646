// The sandbox's admins and contact owners over real HTTP, as the official description shapes
// them: GET /admins (the team), GET /admins/{id} (404 admin_not_found), and owner_id on a contact,
// an integer that must name an admin of the workspace.
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../electron/sandbox';

let sb: Sandbox;
afterEach(async () => {
  await sb?.close();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(sb.url + path, {
    method,
    headers: { Authorization: `Bearer ${sb.token}`, Accept: 'application/json', 'Content-Type': 'application/json', 'Intercom-Version': '2.14' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('sandbox admins', () => {
  it('lists the team (the connected admin first) and answers one admin, or 404 for another id', async () => {
    sb = await startSandbox({ randomSeed: 3, searchLagMs: 0 });
    const me = (await call('GET', '/me')).body;
    const list = await call('GET', '/admins');
    expect(list.status).toBe(200);
    expect(list.body.type).toBe('admin.list');
    expect(list.body.admins).toHaveLength(3);
    expect(list.body.admins[0]).toEqual({
      type: 'admin', id: me.id, name: me.name, email: me.email, away_mode_enabled: false, away_mode_reassign: false, has_inbox_seat: true, team_ids: [],
    });
    const ids = list.body.admins.map((a: { id: string }) => a.id);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[0-9]+$/);

    const one = await call('GET', `/admins/${ids[1]}`);
    expect(one.body).toMatchObject({ type: 'admin', id: ids[1], name: 'Robin Reyes', away_status_reason_id: null });
    const missing = await call('GET', '/admins/123');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ type: 'error.list', errors: [{ code: 'admin_not_found', message: 'Admin not found' }] });
  });

  it('keeps a contact\'s owner_id when it is an admin, refuses anyone else, and takes null to clear it', async () => {
    sb = await startSandbox({ randomSeed: 3, searchLagMs: 0 });
    const [, robin] = sb.workspace.team();
    const created = await call('POST', '/contacts', { role: 'lead', email: 'ana@example.test', owner_id: Number(robin!.id) });
    expect(created.status).toBe(200);
    expect(created.body.owner_id).toBe(Number(robin!.id));

    const refused = await call('PUT', `/contacts/${created.body.id}`, { owner_id: 42 });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'owner_id' });
    expect(refused.body.errors[0].message).toMatch(/owner_id 42 is not an admin/);
    expect((await call('PUT', `/contacts/${created.body.id}`, { owner_id: robin!.id })).status).toBe(400); // a string, not an integer
    expect((await call('POST', '/contacts', { role: 'lead', email: 'bo@example.test', owner_id: 7 })).status).toBe(400);
    expect(sb.workspace.contact(created.body.id)!.owner_id).toBe(Number(robin!.id));

    const cleared = await call('PUT', `/contacts/${created.body.id}`, { owner_id: null });
    expect(cleared.body.owner_id).toBeNull();
  });

  it('the demo workspace shares its contacts among the team and leaves some to nobody', async () => {
    sb = await startSandbox({ randomSeed: 3, searchLagMs: 0, seed: 'demo' });
    const team = sb.workspace.team().map((a) => Number(a.id));
    const owners = sb.workspace.contacts().map((c) => c.owner_id);
    expect(owners.filter((o) => o === null).length).toBeGreaterThan(5);
    expect(owners.filter((o) => o === team[0]).length).toBeGreaterThan(5);
    expect(owners.filter((o) => o === team[1]).length).toBeGreaterThan(5);
  });
});
