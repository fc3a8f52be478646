// The sandbox's stateFile: a workspace survives close -> start (same ids, conflicts, list pages,
// counters that go on without collisions), is saved without close() shortly after a change, and
// an unreadable file is set aside for a fresh seed instead of stopping the start.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../electron/sandbox';

const open: Sandbox[] = [];
let dir: string;
let file: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-persist-'));
  file = path.join(dir, 'sandbox-workspace.json');
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

async function sandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const sb = await startSandbox({ randomSeed: 42, searchLagMs: 0, seed: 'demo', stateFile: file, log: () => {}, ...options });
  open.push(sb);
  return sb;
}

async function close(sb: Sandbox): Promise<void> {
  open.splice(open.indexOf(sb), 1);
  await sb.close();
}

async function call(sb: Sandbox, method: string, urlPath: string, body?: unknown, version = '2.14'): Promise<{ status: number; body: any }> {
  const res = await fetch(sb.url + urlPath, {
    method,
    headers: { Authorization: `Bearer ${sb.token}`, Accept: 'application/json', 'Content-Type': 'application/json', 'Intercom-Version': version },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

async function state(sb: Sandbox): Promise<any> {
  return (await fetch(`${sb.url}/_sandbox/state`, { headers: { Authorization: `Bearer ${sb.controlToken}` } })).json();
}

/** Every page of GET /contacts, cursors included. */
async function listPages(sb: Sandbox, perPage = 7): Promise<any[]> {
  const pages: any[] = [];
  let after: string | undefined;
  do {
    const r = await call(sb, 'GET', `/contacts?per_page=${perPage}${after ? `&starting_after=${encodeURIComponent(after)}` : ''}`);
    expect(r.status).toBe(200);
    pages.push(r.body);
    after = r.body.pages.next?.starting_after;
  } while (after);
  return pages;
}

const readFile = () => JSON.parse(fs.readFileSync(file, 'utf8'));

describe('sandbox stateFile', () => {
  it('a closed workspace starts again as it was: ids, flags, links, logs, conflicts and list pages', async () => {
    const a = await sandbox();
    const admin = a.workspace.admin.id;
    // the demo comes with weeks of activity: this test's own events are counted on top
    const seededEvents = a.workspace.counts().events;
    const before = a.workspace.contacts();
    const lead = before.find((c) => c.role === 'lead')!;
    const user = before.find((c) => c.role === 'user')!;
    const other = before.filter((c) => c.role === 'user')[5]!;

    expect((await call(a, 'POST', '/data_attributes', { name: 'Score', model: 'contact', data_type: 'integer' })).status).toBe(200);
    const created = await call(a, 'POST', '/contacts', { role: 'user', external_id: 'persist-1', email: 'persist@example.com', custom_attributes: { Score: 7, Stage: 'Demo' } });
    expect(created.status).toBe(200);
    const newId: string = created.body.id;
    expect((await call(a, 'PUT', `/contacts/${user.id}`, { name: 'Edited Name', custom_attributes: { Score: 3 } })).status).toBe(200);
    expect((await call(a, 'POST', '/contacts/merge', { from: lead.id, into: user.id })).status).toBe(200);
    const company = (await call(a, 'POST', '/companies', { company_id: 'persist-co', name: 'Persist Co', plan: 'Pro' })).body;
    expect((await call(a, 'POST', `/contacts/${newId}/companies`, { id: company.id })).status).toBe(200);
    expect((await call(a, 'POST', `/contacts/${other.id}/archive`)).status).toBe(200);
    const message = await call(a, 'POST', '/messages', { message_type: 'inapp', body: 'Hello', from: { type: 'admin', id: admin }, to: { type: 'user', id: newId } });
    expect(message.status).toBe(200);
    expect((await call(a, 'POST', '/events', { event_name: 'logged-in', created_at: 1_700_000_000, id: newId })).status).toBe(202);
    expect((await call(a, 'POST', '/events', { event_name: 'logged-in', created_at: 1_700_000_000, id: newId })).status).toBe(202);
    expect((await call(a, 'GET', '/conversations?type=user&user_id=persist-1', undefined, '1.4')).status).toBe(200);
    a.workspace.remoteCreateVisitor({ email: 'visitor@example.com' });

    const stateBefore = await state(a);
    const pagesBefore = await listPages(a);
    const companiesBefore = (await call(a, 'GET', '/companies?per_page=50')).body;
    await close(a);

    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(readFile().version).toBe(1);
    expect(fs.readdirSync(dir)).toEqual(['sandbox-workspace.json']);

    // The same random seed, the worst case: the PRNG alone would mint the old ids again
    const b = await sandbox({ randomSeed: 42, searchLagMs: 5_000 });
    expect(b.persistence).toEqual({ file, restored: true, setAside: null });
    expect(await state(b)).toEqual(stateBefore);
    expect(await listPages(b)).toEqual(pagesBefore);
    expect((await call(b, 'GET', '/companies?per_page=50')).body).toEqual(companiesBefore);

    const again = await call(b, 'POST', '/contacts', { role: 'user', external_id: 'persist-1' });
    expect(again.status).toBe(409);
    expect(again.body.errors[0].message).toContain(newId);
    expect((await call(b, 'GET', `/contacts/${lead.id}`)).status).toBe(404);
    expect(b.workspace.contact(lead.id)).toMatchObject({ mergedInto: user.id });
    expect((await call(b, 'GET', `/contacts/${other.id}`)).status).toBe(404);
    expect(b.workspace.contact(other.id)).toMatchObject({ archived: true });
    const got = (await call(b, 'GET', `/contacts/${user.id}`)).body;
    expect(got).toMatchObject({ name: 'Edited Name', custom_attributes: { Score: 3 } });
    expect((await call(b, 'GET', `/contacts/${newId}/companies`)).body.data.map((c: { id: string }) => c.id)).toEqual([company.id]);
    // the lagging search sees restored contacts that are older than the lag at once
    const found = await call(b, 'POST', '/contacts/search', { query: { field: 'email', operator: '=', value: before[1]!.email } });
    expect(found.body.data.map((c: { id: string }) => c.id)).toEqual([before[1]!.id]);
    // the repeated event is still a duplicate, and the flush window still counts
    expect((await call(b, 'POST', '/events', { event_name: 'logged-in', created_at: 1_700_000_000, id: newId })).status).toBe(202);
    expect(b.workspace.counts()).toMatchObject({ events: seededEvents + 1, ignoredDuplicateEvents: 2 });
    expect((await call(b, 'GET', '/conversations?type=user&user_id=persist-1', undefined, '1.4')).status).toBe(200);
    expect(b.workspace.flushes().map((f) => f.triggered)).toEqual([true, false]);

    // New ids go on from the saved counters: none collides with an old one
    const oldIds = new Set<string>([
      ...stateBefore.contacts.map((c: { id: string }) => c.id),
      ...stateBefore.companies.map((c: { id: string }) => c.id),
      ...stateBefore.messages.map((m: { id: string }) => m.id),
      ...[...stateBefore.dataAttributes.contact, ...stateBefore.dataAttributes.company].filter((d: { id?: number }) => d.id !== undefined).map((d: { id: number }) => String(d.id)),
    ]);
    const fresh = [
      (await call(b, 'POST', '/contacts', { role: 'lead', name: 'After restart' })).body.id,
      (await call(b, 'POST', '/companies', { company_id: 'after-restart', name: 'After' })).body.id,
      (await call(b, 'POST', '/messages', { message_type: 'inapp', body: 'Again', from: { type: 'admin', id: admin }, to: { type: 'user', id: newId } })).body.id,
      String((await call(b, 'POST', '/data_attributes', { name: 'Later', model: 'company', data_type: 'string' })).body.id),
    ];
    for (const id of fresh) {
      expect(typeof id).toBe('string');
      expect(oldIds.has(id), id).toBe(false);
    }
    expect(new Set(fresh).size).toBe(fresh.length);
    // Object ids keep the workspace's prefix and count on from the saved counter
    expect(fresh[0].slice(8, 14)).toBe(newId.slice(8, 14));
    expect(parseInt(fresh[0].slice(14), 16)).toBeGreaterThan(parseInt(company.id.slice(14), 16));
    // The new contact lists after the old ones, whose pages are unchanged
    const pagesAfter = await listPages(b);
    expect(pagesAfter.flatMap((p) => p.data.map((c: { id: string }) => c.id)).at(-1)).toBe(fresh[0]);
  });

  it('saves within the interval after a change without close(), as a killed process would need', async () => {
    const a = await sandbox({ stateSaveIntervalMs: 100 });
    // a fresh seed is on disk at once, so a client that synced it keeps valid ids
    const seeded = readFile();
    expect(seeded.contacts.map((c: { id: string }) => c.id)).toEqual(a.workspace.contacts().map((c) => c.id));

    const created = (await call(a, 'POST', '/contacts', { role: 'user', external_id: 'killed-1', email: 'killed@example.com' })).body;
    expect((await call(a, 'PUT', `/contacts/${created.id}`, { name: 'Saved Before Kill' })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const saved = readFile();
    expect(saved.contacts.find((c: { id: string }) => c.id === created.id)).toMatchObject({ name: 'Saved Before Kill', external_id: 'killed-1' });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    // A second sandbox from the file, the first never closed
    const b = await startSandbox({ randomSeed: 9, searchLagMs: 0, seed: 'demo', stateFile: file, log: () => {} });
    open.push(b);
    expect(b.workspace.contact(created.id)).toMatchObject({ name: 'Saved Before Kill' });
    expect((await call(b, 'POST', '/contacts', { role: 'user', external_id: 'killed-1' })).status).toBe(409);
  });

  it('sets a corrupt file aside, says so, and starts from a fresh seed', async () => {
    fs.writeFileSync(file, '{"version":1,"contacts":[{"id":');
    const lines: string[] = [];
    const a = await sandbox({ log: (line) => lines.push(line) });
    expect(a.persistence?.restored).toBe(false);
    const aside = a.persistence?.setAside;
    expect(aside).toMatch(/sandbox-workspace\.json\.broken-/);
    expect(fs.readFileSync(aside!, 'utf8')).toBe('{"version":1,"contacts":[{"id":');
    expect(lines.some((l) => l.includes(file) && l.includes('not valid JSON') && l.includes(aside!))).toBe(true);
    expect(a.workspace.counts()).toMatchObject({ contacts: 40, companies: 8 });
    // and the fresh workspace is what the file holds now
    expect(readFile().contacts).toHaveLength(40);
  });

  it('sets aside a file of another version or shape as well', async () => {
    for (const bad of [{ version: 99 }, { ...JSON.parse('{}'), version: 1, contacts: [{ id: 5 }] }]) {
      fs.writeFileSync(file, JSON.stringify(bad));
      const lines: string[] = [];
      const a = await sandbox({ log: (line) => lines.push(line) });
      expect(a.persistence?.setAside).toBeTruthy();
      expect(lines.join('\n')).toMatch(/is not a sandbox workspace/);
      expect(a.workspace.counts().contacts).toBe(40);
      await close(a);
    }
    expect(fs.readdirSync(dir).filter((f) => f.includes('.broken-'))).toHaveLength(2);
  });

  it('a list attribute saved in the old shape (data_type options, options as objects) loads as S14 gives it', async () => {
    const a = await sandbox();
    expect((await call(a, 'POST', '/data_attributes', { name: 'Tier', model: 'contact', data_type: 'options', options: [{ value: 'gold' }, { value: 'silver' }] })).status).toBe(200);
    await close(a);
    const saved = readFile();
    const tier = saved.attributes.find((x: { name: string }) => x.name === 'Tier');
    expect(tier).toMatchObject({ data_type: 'string', options: ['gold', 'silver'] });
    tier.data_type = 'options';
    tier.options = [{ value: 'gold' }, { value: 'silver' }];
    fs.writeFileSync(file, JSON.stringify(saved));
    const b = await sandbox();
    expect(b.persistence?.restored).toBe(true);
    const listed = (await call(b, 'GET', '/data_attributes?model=contact')).body.data.find((x: { name: string }) => x.name === 'Tier');
    expect(listed).toMatchObject({ data_type: 'string', options: ['gold', 'silver'] });
    const user = b.workspace.contacts().find((c) => c.role === 'user')!;
    expect((await call(b, 'PUT', `/contacts/${user.id}`, { custom_attributes: { Tier: 'gold' } })).status).toBe(200);
    expect((await call(b, 'PUT', `/contacts/${user.id}`, { custom_attributes: { Tier: 'bronze' } })).status).toBe(400);
    await close(b);
  });
});
