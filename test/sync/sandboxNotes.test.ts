// The sandbox's notes over real HTTP, as Intercom's official description has them: a note made
// with POST /contacts/{id}/notes (body required, admin_id optional and checked), its shape (type,
// id, created_at, contact, author admin, HTML body), the list newest first in numbered pages, the
// count on the contact, GET /notes/{id}, no way to edit or delete one, faults, and a restart.
import { afterEach, describe, expect, it } from 'vitest';
import { COLLEAGUE, startSandbox, type Sandbox } from '../../electron/sandbox';
import { parseState } from '../../electron/sandbox/persist';
import { Workspace } from '../../electron/sandbox/Workspace';

const open: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function sandbox(): Promise<Sandbox> {
  let t = Date.parse('2026-03-01T10:00:00Z');
  const sb = await startSandbox({ randomSeed: 7, searchLagMs: 0, now: () => (t += 1000) });
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

async function contact(sb: Sandbox): Promise<string> {
  const r = await call(sb, 'POST', '/contacts', { role: 'lead', email: 'ana@example.test', name: 'Ana Lima' });
  expect(r.status).toBe(200);
  return r.body.id as string;
}

describe('sandbox: notes', () => {
  it('makes a note as the description shows it, by the token’s admin unless admin_id says otherwise', async () => {
    const sb = await sandbox();
    const id = await contact(sb);
    const admin = sb.workspace.admin;
    const made = await call(sb, 'POST', `/contacts/${id}/notes`, { body: 'Called, wants a demo\nFriday <3pm>', admin_id: admin.id });
    expect(made.status).toBe(200);
    expect(made.body).toEqual({
      type: 'note',
      id: expect.any(String),
      created_at: expect.any(Number),
      contact: { type: 'contact', id },
      author: { type: 'admin', id: admin.id, name: admin.name, email: admin.email, away_mode_enabled: false, away_mode_reassign: false },
      // plain text is kept as HTML, as Intercom does ("Hello" comes back as "<p>Hello</p>")
      body: '<p>Called, wants a demo</p><p>Friday &lt;3pm&gt;</p>',
    });
    const bare = await call(sb, 'POST', `/contacts/${id}/notes`, { body: '<p>Already HTML</p>' });
    expect(bare.body.author.id).toBe(admin.id);
    expect(bare.body.body).toBe('<p>Already HTML</p>');
    const byColleague = await call(sb, 'POST', `/contacts/${id}/notes`, { body: 'Mine', admin_id: COLLEAGUE.id });
    expect(byColleague.body.author).toMatchObject({ id: COLLEAGUE.id, name: COLLEAGUE.name });
    expect((await call(sb, 'GET', `/notes/${made.body.id}`)).body).toEqual(made.body);
  });

  it('refuses a note without a body, by an unknown admin, or on an unknown contact, and makes none', async () => {
    const sb = await sandbox();
    const id = await contact(sb);
    expect(await call(sb, 'POST', `/contacts/${id}/notes`, {})).toMatchObject({ status: 400, body: { type: 'error.list', errors: [{ code: 'parameter_not_found', field: 'body' }] } });
    expect((await call(sb, 'POST', `/contacts/${id}/notes`, { body: '  ' })).status).toBe(400);
    expect((await call(sb, 'POST', `/contacts/${id}/notes`, { body: 42 })).status).toBe(400);
    expect(await call(sb, 'POST', `/contacts/${id}/notes`, { body: 'x', admin_id: '123' })).toMatchObject({ status: 404, body: { errors: [{ code: 'not_found', message: 'Resource Not Found' }] } });
    expect(await call(sb, 'POST', '/contacts/000000000000000000000000/notes', { body: 'x' })).toMatchObject({ status: 404, body: { errors: [{ code: 'not_found', message: 'User Not Found' }] } });
    expect((await call(sb, 'GET', '/notes/999999')).status).toBe(404);
    expect(sb.workspace.notes()).toEqual([]);
  });

  it('lists a contact’s notes newest first in numbered pages, and the contact counts them (up to 10 listed)', async () => {
    const sb = await sandbox();
    const id = await contact(sb);
    for (let i = 1; i <= 12; i++) expect((await call(sb, 'POST', `/contacts/${id}/notes`, { body: `Note ${i}` })).status).toBe(200);
    const first = await call(sb, 'GET', `/contacts/${id}/notes?per_page=5`);
    expect(first.body.type).toBe('list');
    expect(first.body.total_count).toBe(12);
    expect(first.body.pages).toMatchObject({ type: 'pages', page: 1, per_page: 5, total_pages: 3, next: { page: 2 } });
    expect(first.body.data.map((n: { body: string }) => n.body)).toEqual(['<p>Note 12</p>', '<p>Note 11</p>', '<p>Note 10</p>', '<p>Note 9</p>', '<p>Note 8</p>']);
    const last = await call(sb, 'GET', `/contacts/${id}/notes?per_page=5&page=3`);
    expect(last.body.data.map((n: { body: string }) => n.body)).toEqual(['<p>Note 2</p>', '<p>Note 1</p>']);
    expect(last.body.pages.next).toBeNull();
    // the spec's example page size
    expect((await call(sb, 'GET', `/contacts/${id}/notes`)).body.pages.per_page).toBe(50);
    expect((await call(sb, 'GET', `/contacts/${id}/notes?page=0`)).status).toBe(400);
    const wire = (await call(sb, 'GET', `/contacts/${id}`)).body;
    expect(wire.notes).toMatchObject({ type: 'list', total_count: 12, has_more: true, url: `/contacts/${id}/notes` });
    expect(wire.notes.data).toHaveLength(10);
    expect(wire.notes.data[0]).toEqual({ type: 'note', id: expect.any(String), url: expect.stringMatching(/^\/notes\//) });
  });

  it('has no way to edit or delete a note, as Intercom’s API has none', async () => {
    const sb = await sandbox();
    const id = await contact(sb);
    const made = (await call(sb, 'POST', `/contacts/${id}/notes`, { body: 'Keep me' })).body;
    expect((await call(sb, 'PUT', `/notes/${made.id}`, { body: 'Changed' })).status).toBe(404);
    expect((await call(sb, 'DELETE', `/notes/${made.id}`)).status).toBe(404);
    expect(sb.workspace.notes().map((n) => n.body)).toEqual(['<p>Keep me</p>']);
  });

  it('applies a note and drops the answer when told to, and makes none on an injected error', async () => {
    const sb = await sandbox();
    const id = await contact(sb);
    sb.setFaults({ errorRate: 1 });
    expect((await call(sb, 'POST', `/contacts/${id}/notes`, { body: 'Lost' })).status).toBeGreaterThanOrEqual(500);
    expect(sb.workspace.notes()).toHaveLength(0);
    sb.setFaults({ errorRate: 0, dropAfterCommitRate: 1 });
    await expect(call(sb, 'POST', `/contacts/${id}/notes`, { body: 'Applied, unanswered' })).rejects.toThrow();
    sb.setFaults({ dropAfterCommitRate: 0 });
    expect(sb.workspace.notes().map((n) => n.body)).toEqual(['<p>Applied, unanswered</p>']);
  });

  it('keeps notes across a restart of the workspace', async () => {
    const sb = await sandbox();
    const id = await contact(sb);
    await call(sb, 'POST', `/contacts/${id}/notes`, { body: 'Ours' });
    sb.workspace.remoteCreateNote(id, 'A colleague’s');
    const saved = JSON.parse(JSON.stringify(sb.workspace.snapshot()));
    const again = new Workspace({ now: () => Date.parse('2026-03-02T10:00:00Z') });
    // through the file's checks, as a restart reads it
    again.restore(parseState(saved));
    expect(again.notes(id).map((n) => [n.body, n.authorId])).toEqual([
      ['<p>Ours</p>', sb.workspace.admin.id],
      ['<p>A colleague’s</p>', COLLEAGUE.id],
    ]);
    expect(again.listNotes(id, {}).total_count).toBe(2);
  });
});
