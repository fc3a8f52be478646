// The sandbox's archive, unarchive and delete of a contact over real HTTP, as the official
// description gives them (contact_archived, contact_unarchived, contact_deleted: a contact
// reference with `archived` or `deleted`) and as Intercom behaves where it says nothing: an
// archived contact leaves the list and search and answers 404 by id until unarchived (a GET
// finds no archived contact: intercom-ruby#561), its id still archives, unarchives and deletes
// it; a deleted one is gone for good and frees its external id. Faults apply to them as to the rest.
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../electron/sandbox';

const open: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function sandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const sb = await startSandbox({ randomSeed: 5, searchLagMs: 0, ...options });
  open.push(sb);
  return sb;
}

async function call(sb: Sandbox, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(sb.url + path, {
    method,
    headers: { Authorization: `Bearer ${sb.token}`, Accept: 'application/json', 'Content-Type': 'application/json', 'Intercom-Version': '2.14' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

const listedIds = async (sb: Sandbox) => (await call(sb, 'GET', '/contacts?per_page=150')).body.data.map((c: { id: string }) => c.id);
const searchedIds = async (sb: Sandbox) =>
  (await call(sb, 'POST', '/contacts/search', { query: { field: 'updated_at', operator: '>', value: 0 } })).body.data.map((c: { id: string }) => c.id);

describe('sandbox: archive, unarchive, delete', () => {
  it('archives: the contact reference with archived:true, out of the list, search and GET by id; unarchive brings it back', async () => {
    const sb = await sandbox();
    const ann = (await call(sb, 'POST', '/contacts', { role: 'lead', external_id: 'lc-ann', email: 'ann@example.test' })).body;
    const bo = (await call(sb, 'POST', '/contacts', { role: 'lead', email: 'bo@example.test' })).body;
    expect(await listedIds(sb)).toEqual([ann.id, bo.id]);

    const archived = await call(sb, 'POST', `/contacts/${ann.id}/archive`);
    expect(archived).toEqual({ status: 200, body: { type: 'contact', id: ann.id, external_id: 'lc-ann', archived: true } });
    // a repeat answers the same (safe to send again after a lost answer)
    expect((await call(sb, 'POST', `/contacts/${ann.id}/archive`)).body).toEqual(archived.body);
    expect(await listedIds(sb)).toEqual([bo.id]);
    expect(await searchedIds(sb)).toEqual([bo.id]);
    expect((await call(sb, 'GET', `/contacts/${ann.id}`)).status).toBe(404);
    expect((await call(sb, 'PUT', `/contacts/${ann.id}`, { name: 'Ann' })).status).toBe(404);
    expect((await call(sb, 'GET', '/contacts')).body.total_count).toBe(1);
    // its external id is still taken: a create answers 409 with the archived wording
    const again = await call(sb, 'POST', '/contacts', { role: 'lead', external_id: 'lc-ann' });
    expect(again.status).toBe(409);
    expect(again.body.errors[0].message).toBe(`An archived contact matching those details already exists with id=${ann.id}`);

    const back = await call(sb, 'POST', `/contacts/${ann.id}/unarchive`);
    expect(back).toEqual({ status: 200, body: { type: 'contact', id: ann.id, external_id: 'lc-ann', archived: false } });
    expect(await listedIds(sb)).toEqual([ann.id, bo.id]);
    expect((await call(sb, 'GET', `/contacts/${ann.id}`)).body).toMatchObject({ id: ann.id, email: 'ann@example.test' });
  });

  it('deletes for good: deleted:true, then 404 everywhere (a repeat too), and the external id is free again', async () => {
    const sb = await sandbox();
    const ann = (await call(sb, 'POST', '/contacts', { role: 'user', external_id: 'u-ann', email: 'ann@example.test' })).body;
    const co = (await call(sb, 'POST', '/companies', { company_id: 'acme', name: 'Acme' })).body;
    await call(sb, 'POST', `/contacts/${ann.id}/companies`, { id: co.id });

    const deleted = await call(sb, 'DELETE', `/contacts/${ann.id}`);
    expect(deleted).toEqual({ status: 200, body: { type: 'contact', id: ann.id, external_id: 'u-ann', deleted: true } });
    expect((await call(sb, 'DELETE', `/contacts/${ann.id}`)).status).toBe(404);
    expect((await call(sb, 'GET', `/contacts/${ann.id}`)).status).toBe(404);
    expect((await call(sb, 'POST', `/contacts/${ann.id}/archive`)).status).toBe(404);
    expect((await call(sb, 'POST', `/contacts/${ann.id}/unarchive`)).status).toBe(404);
    expect((await call(sb, 'GET', '/contacts/find_by_external_id/u-ann')).status).toBe(404);
    expect(await listedIds(sb)).toEqual([]);
    expect(sb.workspace.company(co.id)?.user_count ?? 0).toBe(0);
    const fresh = await call(sb, 'POST', '/contacts', { role: 'user', external_id: 'u-ann' });
    expect(fresh.status).toBe(200);
    expect(fresh.body.id).not.toBe(ann.id);
  });

  it('deletes an archived contact by its id', async () => {
    const sb = await sandbox();
    const ann = (await call(sb, 'POST', '/contacts', { role: 'lead', email: 'ann@example.test' })).body;
    await call(sb, 'POST', `/contacts/${ann.id}/archive`);
    expect((await call(sb, 'DELETE', `/contacts/${ann.id}`)).body).toMatchObject({ id: ann.id, deleted: true });
    expect(sb.workspace.contact(ann.id)).toMatchObject({ deleted: true });
  });

  it('with answers dropped after the change, the archive and delete are made and a repeat shows it', async () => {
    const sb = await sandbox();
    const ann = (await call(sb, 'POST', '/contacts', { role: 'lead', email: 'ann@example.test' })).body;
    const bo = (await call(sb, 'POST', '/contacts', { role: 'lead', email: 'bo@example.test' })).body;
    sb.setFaults({ dropAfterCommitRate: 1 });
    await expect(call(sb, 'POST', `/contacts/${ann.id}/archive`)).rejects.toThrow();
    await expect(call(sb, 'DELETE', `/contacts/${bo.id}`)).rejects.toThrow();
    sb.setFaults({ dropAfterCommitRate: 0 });
    expect(sb.workspace.contact(ann.id)).toMatchObject({ archived: true });
    expect((await call(sb, 'POST', `/contacts/${ann.id}/archive`)).body.archived).toBe(true);
    expect((await call(sb, 'DELETE', `/contacts/${bo.id}`)).status).toBe(404);
  });

  it('answers errors and 429s for them as for any request', async () => {
    const sb = await sandbox();
    const ann = (await call(sb, 'POST', '/contacts', { role: 'lead', email: 'ann@example.test' })).body;
    sb.setFaults({ errorRate: 1 });
    expect((await call(sb, 'POST', `/contacts/${ann.id}/archive`)).status).toBeGreaterThanOrEqual(500);
    expect((await call(sb, 'DELETE', `/contacts/${ann.id}`)).status).toBeGreaterThanOrEqual(500);
    sb.setFaults({ errorRate: 0, rateLimit429Burst: 1 });
    expect((await call(sb, 'POST', `/contacts/${ann.id}/unarchive`)).status).toBe(429);
    sb.setFaults({ rateLimit429Burst: 0 });
    expect(sb.workspace.contact(ann.id)).toMatchObject({ archived: false, deleted: false });
  });
});
