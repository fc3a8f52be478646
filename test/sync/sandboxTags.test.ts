// The sandbox's tags over real HTTP, as the official description has them: the workspace's tags
// (names case-insensitive), a contact's tags (at most 10 listed on the contact itself, the rest
// at its url), companies tagged and untagged through POST /tags, deletes, 404s, faults, and the
// state file keeping all of it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../electron/sandbox';

const open: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function sandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const sb = await startSandbox({ randomSeed: 7, searchLagMs: 0, ...options });
  open.push(sb);
  return sb;
}

async function call(sb: Sandbox, method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(sb.url + urlPath, {
    method,
    headers: { Authorization: `Bearer ${sb.token}`, Accept: 'application/json', 'Content-Type': 'application/json', 'Intercom-Version': '2.14' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

describe('sandbox tags', () => {
  it('creates a tag once per name whatever its case, renames by id, finds and deletes it', async () => {
    const sb = await sandbox();
    const vip = await call(sb, 'POST', '/tags', { name: 'VIP' });
    expect(vip).toEqual({ status: 200, body: { type: 'tag', id: expect.stringMatching(/^\d+$/), name: 'VIP' } });
    expect((await call(sb, 'POST', '/tags', { name: 'vip' })).body.id).toBe(vip.body.id);
    expect((await call(sb, 'POST', '/tags', { test: 'invalid' })).body.errors[0]).toEqual({ code: 'parameter_invalid', message: 'invalid tag parameters' });
    expect((await call(sb, 'POST', '/tags', { id: vip.body.id, name: 'Very important' })).body.name).toBe('Very important');
    expect((await call(sb, 'GET', '/tags')).body).toEqual({ type: 'list', data: [{ type: 'tag', id: vip.body.id, name: 'Very important' }] });
    expect((await call(sb, 'GET', `/tags/${vip.body.id}`)).body.name).toBe('Very important');
    expect(await call(sb, 'DELETE', `/tags/${vip.body.id}`)).toEqual({ status: 200, body: undefined });
    expect((await call(sb, 'GET', `/tags/${vip.body.id}`)).status).toBe(404);
    expect((await call(sb, 'DELETE', `/tags/${vip.body.id}`)).body.errors[0]).toEqual({ code: 'not_found', message: 'Resource Not Found' });
  });

  it('tags a contact, lists 10 tags on the contact and all of them at its url, and untags it', async () => {
    const sb = await sandbox();
    const contact = (await call(sb, 'POST', '/contacts', { role: 'lead', email: 'ann@example.test' })).body;
    const before = contact.updated_at;
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await call(sb, 'POST', '/tags', { name: `t${String(i).padStart(2, '0')}` })).body.id);
    const added = await call(sb, 'POST', `/contacts/${contact.id}/tags`, { id: ids[0] });
    expect(added.body).toMatchObject({ type: 'tag', id: ids[0], name: 't00', applied_at: expect.any(Number), applied_by: { type: 'admin' } });
    for (const id of ids.slice(1)) await call(sb, 'POST', `/contacts/${contact.id}/tags`, { id });
    const got = (await call(sb, 'GET', `/contacts/${contact.id}`)).body;
    expect(got.updated_at).toBeGreaterThanOrEqual(before);
    expect(got.tags).toEqual({
      type: 'list',
      data: ids.slice(0, 10).map((id) => ({ type: 'tag', id, url: `/tags/${id}` })),
      url: `/contacts/${contact.id}/tags`,
      total_count: 12,
      has_more: true,
    });
    const all = (await call(sb, 'GET', `/contacts/${contact.id}/tags`)).body;
    expect(all.data.map((t: { name: string }) => t.name)).toEqual(ids.map((_, i) => `t${String(i).padStart(2, '0')}`));

    expect((await call(sb, 'DELETE', `/contacts/${contact.id}/tags/${ids[0]}`)).body).toMatchObject({ id: ids[0], name: 't00' });
    // a repeat is harmless; an unknown tag or contact is a 404
    expect((await call(sb, 'DELETE', `/contacts/${contact.id}/tags/${ids[0]}`)).status).toBe(200);
    expect((await call(sb, 'POST', `/contacts/${contact.id}/tags`, { id: '999999' })).body.errors[0].message).toBe('Resource Not Found');
    expect((await call(sb, 'POST', '/contacts/000000000000000000000000/tags', { id: ids[1] })).body.errors[0].message).toBe('User Not Found');
    expect((await call(sb, 'GET', `/contacts/${contact.id}`)).body.tags.total_count).toBe(11);
    // deleting a tag takes it off everyone
    await call(sb, 'DELETE', `/tags/${ids[1]}`);
    expect((await call(sb, 'GET', `/contacts/${contact.id}/tags`)).body.data).toHaveLength(10);
  });

  it('tags and untags companies through POST /tags, making the tag when it does not exist', async () => {
    const sb = await sandbox();
    const co = (await call(sb, 'POST', '/companies', { company_id: 'acme', name: 'Acme' })).body;
    const tagged = await call(sb, 'POST', '/tags', { name: 'Enterprise', companies: [{ id: co.id }] });
    expect(tagged.body).toMatchObject({ type: 'tag', name: 'Enterprise' });
    expect((await call(sb, 'POST', '/tags', { name: 'enterprise', companies: [{ company_id: 'acme' }] })).body.id).toBe(tagged.body.id);
    expect((await call(sb, 'GET', `/companies/${co.id}`)).body.tags).toEqual({ type: 'tag.list', tags: [{ type: 'tag', id: tagged.body.id, name: 'Enterprise' }] });
    await call(sb, 'POST', '/tags', { name: 'Enterprise', companies: [{ id: co.id, untag: true }] });
    expect((await call(sb, 'GET', `/companies/${co.id}`)).body.tags.tags).toEqual([]);
    expect((await call(sb, 'POST', '/tags', { name: 'x', companies: [{ company_id: 'nope' }] })).body.errors[0]).toEqual({ code: 'company_not_found', message: 'Company Not Found' });
    // users too
    const ann = (await call(sb, 'POST', '/contacts', { role: 'lead', email: 'ann@example.test' })).body;
    await call(sb, 'POST', '/tags', { name: 'Enterprise', users: [{ id: ann.id }] });
    expect((await call(sb, 'GET', `/contacts/${ann.id}/tags`)).body.data.map((t: { id: string }) => t.id)).toEqual([tagged.body.id]);
  });

  it('answers a tag request with a fault like any other, and keeps tags in its state file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-tags-'));
    const stateFile = path.join(dir, 'state.json');
    try {
      const sb = await sandbox({ stateFile, faults: { errorRate: 1 } });
      expect((await call(sb, 'GET', '/tags')).status).toBeGreaterThanOrEqual(500);
      sb.setFaults({ errorRate: 0 });
      const ann = (await call(sb, 'POST', '/contacts', { role: 'lead', email: 'ann@example.test' })).body;
      const co = (await call(sb, 'POST', '/companies', { company_id: 'acme', name: 'Acme' })).body;
      const vip = (await call(sb, 'POST', '/tags', { name: 'VIP', companies: [{ id: co.id }] })).body;
      await call(sb, 'POST', `/contacts/${ann.id}/tags`, { id: vip.id });
      await sb.close();
      const again = await sandbox({ stateFile });
      expect((await call(again, 'GET', '/tags')).body.data).toEqual([vip]);
      expect((await call(again, 'GET', `/contacts/${ann.id}`)).body.tags.data).toEqual([{ type: 'tag', id: vip.id, url: `/tags/${vip.id}` }]);
      expect((await call(again, 'GET', `/companies/${co.id}`)).body.tags.tags).toEqual([vip]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
