// The Intercom sandbox over real HTTP: the protocol (auth, Accept, versions, rate limits), the
// contact rules (409s, attributes, search lag, the calendar-day date rule), every fault, and the
// company, merge, scroll, message and flush behaviour the sync engine relies on.
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../electron/sandbox';

const open: Sandbox[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function sandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const sb = await startSandbox({ randomSeed: 42, searchLagMs: 0, ...options });
  open.push(sb);
  return sb;
}

/** What a script driving the sandbox sends to /_sandbox/: its control token, and JSON. */
const controlHeaders = (sb: Pick<Sandbox, 'controlToken'>) => ({ Authorization: `Bearer ${sb.controlToken}`, 'Content-Type': 'application/json' });

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

async function call(
  sb: Pick<Sandbox, 'url' | 'token'>,
  method: string,
  path: string,
  body?: unknown,
  opts: { headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Reply> {
  const res = await fetch(sb.url + path, {
    method,
    headers: { Authorization: `Bearer ${sb.token}`, Accept: 'application/json', 'Content-Type': 'application/json', 'Intercom-Version': '2.14', ...opts.headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: opts.timeoutMs === undefined ? undefined : AbortSignal.timeout(opts.timeoutMs),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

/** node:http, for headers fetch always adds (Accept). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

/** A controllable clock. */
function clock(start: number) {
  let t = start;
  return {
    now: () => t,
    set: (ms: number) => {
      t = ms;
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const T0 = Date.UTC(2024, 2, 10, 10, 0, 0); // Sunday 2024-03-10 10:00 UTC
const sec = (ms: number) => Math.floor(ms / 1000);
const firstError = (r: Reply) => r.body?.errors?.[0] as { code: string; message: string } | undefined;

async function withStage(sb: Sandbox) {
  const r = await call(sb, 'POST', '/data_attributes', { name: 'Stage', model: 'contact', data_type: 'string' });
  expect(r.status).toBe(200);
}

describe('protocol', () => {
  it('answers 401 for a missing or wrong token, without rate-limit headers', async () => {
    const sb = await sandbox();
    for (const headers of [{ Authorization: '' }, { Authorization: 'Bearer nope' }]) {
      const r = await call(sb, 'GET', '/me', undefined, { headers });
      expect(r.status).toBe(401);
      expect(r.body).toMatchObject({ type: 'error.list', errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }] });
      expect(r.body.request_id).toMatch(UUID);
      expect(r.headers.get('x-ratelimit-limit')).toBeNull();
    }
  });

  it('answers 406 without a JSON Accept header, 400 for an unknown Intercom-Version, 404 for an unknown route', async () => {
    const sb = await sandbox();
    const auth = { Authorization: `Bearer ${sb.token}` };
    const none = await rawGet(`${sb.url}/me`, auth);
    expect(none.status).toBe(406);
    const html = await rawGet(`${sb.url}/me`, { ...auth, Accept: 'text/html' });
    expect(html.status).toBe(406);
    expect((await rawGet(`${sb.url}/me`, { ...auth, Accept: 'application/json' })).status).toBe(200);

    for (const v of ['2.15', '3.0', 'Preview', '1.5']) {
      const r = await call(sb, 'GET', '/me', undefined, { headers: { 'Intercom-Version': v } });
      expect(r.status, v).toBe(400);
      expect(firstError(r)?.code).toBe('intercom_version_invalid');
    }
    for (const v of ['1.0', '1.4', '2.0', '2.11', '2.14']) expect((await call(sb, 'GET', '/me', undefined, { headers: { 'Intercom-Version': v } })).status, v).toBe(200);

    const missing = await call(sb, 'GET', '/nowhere');
    expect(missing.status).toBe(404);
    expect(firstError(missing)?.code).toBe('not_found');
  });

  it('GET /me gives the admin and the app', async () => {
    const sb = await sandbox({ timezoneOffsetMinutes: 120 });
    const r = await call(sb, 'GET', '/me');
    expect(r.body).toMatchObject({ type: 'admin', id: expect.any(String), email: expect.any(String), app: { type: 'app', region: 'US', timezone: 'Etc/GMT-2', identity_verification: false } });
    expect(r.body.app.id_code).toMatch(/^[a-z0-9]{8}$/);
  });
});

describe('rate limit', () => {
  it('sends the window headers, answers 429 beyond the limit and opens again in the next window', async () => {
    const c = clock(Date.UTC(2024, 2, 10, 10, 0, 3));
    const sb = await sandbox({ now: c.now, rateLimit: { limit: 5, windowMs: 10_000 } });
    const reset = String(sec(Date.UTC(2024, 2, 10, 10, 0, 10)));
    for (let i = 0; i < 5; i++) {
      const r = await call(sb, 'GET', '/me');
      expect(r.status).toBe(200);
      expect(r.headers.get('x-ratelimit-limit')).toBe('5');
      expect(r.headers.get('x-ratelimit-remaining')).toBe(String(4 - i));
      expect(r.headers.get('x-ratelimit-reset')).toBe(reset);
    }
    const limited = await call(sb, 'POST', '/contacts', { email: 'a@example.com' });
    expect(limited.status).toBe(429);
    expect(firstError(limited)).toEqual({ code: 'rate_limit_exceeded', message: 'Exceeded rate limit of 5 in 10_seconds' });
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('x-ratelimit-reset')).toBe(reset);
    expect(sb.workspace.contacts()).toHaveLength(0);

    c.set(Date.UTC(2024, 2, 10, 10, 0, 10));
    const next = await call(sb, 'GET', '/me');
    expect(next.status).toBe(200);
    expect(next.headers.get('x-ratelimit-remaining')).toBe('4');
    expect(sb.stats()).toMatchObject({ requests: 7, rateLimited: 1, maxPerWindow: 6, windows: 2, byStatus: { '200': 6, '429': 1 } });
  });

  it('rateLimit429Burst answers the next N requests with 429 and counts down', async () => {
    const sb = await sandbox({ faults: { rateLimit429Burst: 2 } });
    expect((await call(sb, 'GET', '/me')).status).toBe(429);
    expect(sb.faults().rateLimit429Burst).toBe(1);
    expect((await call(sb, 'GET', '/me')).status).toBe(429);
    expect((await call(sb, 'GET', '/me')).status).toBe(200);
    expect(sb.stats().rateLimited).toBe(2);
  });
});

describe('faults', () => {
  it('errorRate 1 answers 5xx (some 504s as HTML) and applies nothing', async () => {
    const sb = await sandbox({ faults: { errorRate: 1 } });
    const statuses = new Set<number>();
    let html = 0;
    for (let i = 0; i < 40; i++) {
      const r = await call(sb, 'POST', '/contacts', { email: `e${i}@example.com` });
      statuses.add(r.status);
      if (r.status === 504 && r.text.startsWith('<html')) html++;
      else expect(r.body.type).toBe('error.list');
    }
    expect([...statuses].every((s) => [500, 502, 503, 504].includes(s))).toBe(true);
    expect(statuses.size).toBeGreaterThan(1);
    expect(html).toBeGreaterThan(0);
    expect(sb.workspace.contacts()).toHaveLength(0);
    expect(sb.stats().injectedErrors).toBe(40);
  });

  it('dropAfterCommitRate 1 applies a POST, then drops the connection; reads are still answered', async () => {
    const sb = await sandbox({ faults: { dropAfterCommitRate: 1 } });
    await expect(call(sb, 'POST', '/contacts', { email: 'dropped@example.com', role: 'lead' })).rejects.toThrow();
    const stored = sb.workspace.contacts();
    expect(stored.map((c) => c.email)).toEqual(['dropped@example.com']);
    expect((await call(sb, 'GET', `/contacts/${stored[0]!.id}`)).status).toBe(200);
    expect(sb.stats().dropped).toBe(1);
  });

  it('timeoutRate 1 never answers and applies nothing; close() still returns quickly', async () => {
    const sb = await startSandbox({ randomSeed: 1, faults: { timeoutRate: 1 } });
    const err = await call(sb, 'POST', '/contacts', { email: 'late@example.com' }, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toMatch(/TimeoutError|AbortError/);
    expect(sb.workspace.contacts()).toHaveLength(0);
    expect(sb.stats().timedOut).toBe(1);
    // a hung request still open on the server side
    const hung = call(sb, 'GET', '/me').catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await sb.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await hung).toBeInstanceOf(Error);
  });

  it('adds latency, and faults switched at run time apply to the API only', async () => {
    const sb = await sandbox();
    sb.setFaults({ latencyMs: 120 });
    const t = Date.now();
    expect((await call(sb, 'GET', '/me')).status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(110);
    sb.setFaults({ latencyMs: 0, errorRate: 1 });
    const state = await fetch(`${sb.url}/_sandbox/state`, { headers: controlHeaders(sb) });
    expect(state.status).toBe(200);
    expect(() => sb.setFaults({ errorRate: 2 })).toThrow();
  });

  it('the same randomSeed gives the same fault sequence', async () => {
    const run = async () => {
      const sb = await sandbox({ randomSeed: 7, faults: { errorRate: 0.5 } });
      const out: number[] = [];
      for (let i = 0; i < 20; i++) out.push((await call(sb, 'GET', '/me')).status);
      return out;
    };
    const a = await run();
    expect(new Set(a).size).toBeGreaterThan(1);
    expect(await run()).toEqual(a);
  });
});

describe('load', () => {
  it('stays consistent under 300 concurrent writes with latency, jitter and a tight limit', async () => {
    const c = clock(Date.UTC(2024, 2, 10, 10, 0, 1));
    const sb = await sandbox({ now: c.now, rateLimit: { limit: 100, windowMs: 10_000 }, faults: { latencyMs: 30, latencyJitterMs: 20 } });
    await withStage(sb);
    const replies = await Promise.all(
      Array.from({ length: 300 }, (_, i) => call(sb, 'POST', '/contacts', { role: 'lead', email: `p${i}@example.com`, custom_attributes: { Stage: 'Lead' } })),
    );
    const ok = replies.filter((r) => r.status === 200);
    expect(ok).toHaveLength(99); // the attribute took one request of the window
    expect(replies.filter((r) => r.status === 429)).toHaveLength(201);
    expect(sb.workspace.contacts()).toHaveLength(99);
    expect(new Set(ok.map((r) => r.body.id)).size).toBe(99);
    expect(sb.stats()).toMatchObject({ requests: 301, rateLimited: 201, maxPerWindow: 301, windows: 1 });
    const summary = (await (await fetch(`${sb.url}/_sandbox/state?summary=true`, { headers: controlHeaders(sb) })).json()) as { counts: { contacts: number }; contacts?: unknown };
    expect(summary.counts.contacts).toBe(99);
    expect(summary.contacts).toBeUndefined();
  });
});

describe('data attributes', () => {
  it('lists built-ins, creates custom ones and refuses duplicates in either model', async () => {
    const sb = await sandbox();
    const list = await call(sb, 'GET', '/data_attributes?model=contact');
    expect(list.body.type).toBe('list');
    expect(list.body.data.map((a: { name: string }) => a.name)).toEqual(expect.arrayContaining(['name', 'email', 'external_id']));

    const made = await call(sb, 'POST', '/data_attributes', { name: 'Stage', model: 'contact', data_type: 'string' });
    expect(made.body).toMatchObject({ type: 'data_attribute', id: expect.any(Number), name: 'Stage', full_name: 'custom_attributes.Stage', model: 'contact', data_type: 'string', archived: false });

    const again = await call(sb, 'POST', '/data_attributes', { name: 'Stage', model: 'contact', data_type: 'string' });
    expect(again.status).toBe(400);
    expect(firstError(again)?.code).toBe('parameter_invalid');

    const other = await call(sb, 'POST', '/data_attributes', { name: 'Stage', model: 'company', data_type: 'string' });
    expect(other.status).toBe(400);
    expect(firstError(other)?.message).toBe("You already have 'Stage' in your people data. To save this as new company data, use a different name.");

    const oneOption = await call(sb, 'POST', '/data_attributes', { name: 'Tier', model: 'company', data_type: 'options', options: [{ value: 'a' }] });
    expect(oneOption.status).toBe(400);
    const twoOptions = await call(sb, 'POST', '/data_attributes', { name: 'Tier', model: 'company', data_type: 'options', options: [{ value: 'a' }, { value: 'b' }] });
    // answered as S14's data_attribute gives it: the base type, the options as strings
    expect(twoOptions.body).toMatchObject({ data_type: 'string', options: ['a', 'b'] });
    const listed = await call(sb, 'GET', '/data_attributes?model=company');
    expect((listed.body.data as { name: string }[]).find((a) => a.name === 'Tier')).toMatchObject({ data_type: 'string', options: ['a', 'b'] });
    expect((await call(sb, 'POST', '/data_attributes', { name: 'X', model: 'contact', data_type: 'text' })).status).toBe(400);
    // a list attribute is named by its creation type or its base type alike; its values stay within the options
    const tier = twoOptions.body as { id: number };
    expect((await call(sb, 'PUT', `/data_attributes/${tier.id}`, { data_type: 'options', options: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] })).body.options).toEqual(['a', 'b', 'c']);
    expect((await call(sb, 'PUT', `/data_attributes/${tier.id}`, { data_type: 'integer' })).status).toBe(400);
    const co = (await call(sb, 'POST', '/companies', { company_id: 'tier-co', name: 'Tier Co', custom_attributes: { Tier: 'c' } })).body;
    expect(co.custom_attributes).toMatchObject({ Tier: 'c' });
    expect((await call(sb, 'POST', '/companies', { company_id: 'tier-co', custom_attributes: { Tier: 'z' } })).status).toBe(400);
    expect(sb.workspace.dataAttributes('company').filter((a) => a.custom).map((a) => a.name)).toEqual(['Tier']);
  });

  it('keeps unsubscribed_from_emails on contacts: written, read, searched, refused when not a boolean', async () => {
    const sb = await sandbox();
    const c = (await call(sb, 'POST', '/contacts', { role: 'lead', email: 'quiet@example.com', external_id: 'lc-quiet' })).body;
    expect(c.unsubscribed_from_emails).toBe(false);
    expect((await call(sb, 'PUT', `/contacts/${c.id}`, { unsubscribed_from_emails: true })).body.unsubscribed_from_emails).toBe(true);
    expect((await call(sb, 'GET', `/contacts/${c.id}`)).body.unsubscribed_from_emails).toBe(true);
    const bad = await call(sb, 'PUT', `/contacts/${c.id}`, { unsubscribed_from_emails: 'yes' });
    expect(bad.status).toBe(400);
    expect(firstError(bad)?.code).toBe('parameter_invalid');
    await call(sb, 'POST', '/contacts', { role: 'lead', email: 'loud@example.com', external_id: 'lc-loud', unsubscribed_from_emails: false });
    const found = await call(sb, 'POST', '/contacts/search', { query: { field: 'unsubscribed_from_emails', operator: '=', value: true } });
    expect(found.status).toBe(200);
    expect((found.body.data as { id: string }[]).map((x) => x.id)).toEqual([c.id]);
    expect(sb.workspace.dataAttributes('contact').find((a) => a.name === 'unsubscribed_from_emails')).toMatchObject({ data_type: 'boolean' });
  });

  it('custom attributes must exist, be scalars and match their type', async () => {
    const sb = await sandbox();
    await withStage(sb);
    await call(sb, 'POST', '/data_attributes', { name: 'Seats', model: 'contact', data_type: 'integer' });

    const unknown = await call(sb, 'POST', '/contacts', { email: 'a@example.com', custom_attributes: { Stagee: 'Lead' } });
    expect(unknown.status).toBe(400);
    expect(firstError(unknown)?.code).toBe('parameter_invalid');
    expect(firstError(unknown)?.message).toContain('does not exist');

    const nul = await call(sb, 'POST', '/contacts', { email: 'a@example.com', custom_attributes: { Stage: null } });
    expect(nul.status).toBe(400);
    expect(firstError(nul)?.message).toBe('Value: not of type Numeric, String or Boolean');

    expect((await call(sb, 'POST', '/contacts', { email: 'a@example.com', custom_attributes: { Seats: 'ten' } })).status).toBe(400);
    expect((await call(sb, 'POST', '/contacts', { email: 'a@example.com', custom_attributes: { Stage: 3 } })).status).toBe(400);
    expect(sb.workspace.contacts()).toHaveLength(0);

    const ok = await call(sb, 'POST', '/contacts', { email: 'a@example.com', custom_attributes: { Stage: 'Lead', Seats: 10 } });
    expect(ok.body.custom_attributes).toEqual({ Stage: 'Lead', Seats: 10 });
    const cleared = await call(sb, 'PUT', `/contacts/${ok.body.id}`, { custom_attributes: { Stage: '' } });
    expect(cleared.body.custom_attributes).toEqual({ Stage: '', Seats: 10 });
  });
});

describe('contacts', () => {
  it('creates with Intercom ids and timestamps, and answers 409 with the existing id', async () => {
    const c = clock(T0);
    const sb = await sandbox({ now: c.now });
    const user = await call(sb, 'POST', '/contacts', { role: 'user', external_id: 'u-1', email: 'Jo@Example.com', name: 'Jo' });
    expect(user.status).toBe(200);
    expect(user.body).toMatchObject({ type: 'contact', role: 'user', external_id: 'u-1', created_at: sec(T0), updated_at: sec(T0), companies: { type: 'list', data: [], total_count: 0, has_more: false } });
    expect(user.body.id).toMatch(/^[0-9a-f]{24}$/);
    const id = user.body.id as string;

    // the same external_id, whatever the role
    for (const body of [{ role: 'user', external_id: 'u-1' }, { role: 'lead', external_id: 'u-1', email: 'x@example.com' }]) {
      const dup = await call(sb, 'POST', '/contacts', body);
      expect(dup.status).toBe(409);
      expect(firstError(dup)).toEqual({ code: 'conflict', message: `A contact matching those details already exists with id=${id}` });
    }
    // a user with that email and no external_id; email compared without case
    const byEmail = await call(sb, 'POST', '/contacts', { email: 'jo@example.com' });
    expect(byEmail.status).toBe(409);
    expect(firstError(byEmail)?.message).toMatch(new RegExp(`id=${id}$`));
    // leads may share emails, and a user with its own external_id too
    expect((await call(sb, 'POST', '/contacts', { role: 'lead', email: 'jo@example.com' })).status).toBe(200);
    expect((await call(sb, 'POST', '/contacts', { role: 'lead', email: 'jo@example.com' })).status).toBe(200);
    expect((await call(sb, 'POST', '/contacts', { role: 'user', external_id: 'u-2', email: 'jo@example.com' })).status).toBe(200);

    // archived: the other wording
    expect((await call(sb, 'POST', `/contacts/${id}/archive`)).body).toEqual({ type: 'contact', id, external_id: 'u-1', archived: true });
    const archived = await call(sb, 'POST', '/contacts', { external_id: 'u-1' });
    expect(firstError(archived)?.message).toBe(`An archived contact matching those details already exists with id=${id}`);
    expect((await call(sb, 'GET', `/contacts/${id}`)).status).toBe(404);
    expect((await call(sb, 'POST', `/contacts/${id}/unarchive`)).body.archived).toBe(false);
    expect((await call(sb, 'GET', `/contacts/${id}`)).status).toBe(200);

    expect((await call(sb, 'POST', '/contacts', {})).status).toBe(400);
    expect((await call(sb, 'POST', '/contacts', { role: 'admin', email: 'q@example.com' })).status).toBe(400);
  });

  it('updates: 409 on a taken external_id, lead -> user allowed, user -> lead refused, 404 for unknown ids', async () => {
    const c = clock(T0);
    const sb = await sandbox({ now: c.now });
    const a = (await call(sb, 'POST', '/contacts', { role: 'user', external_id: 'a' })).body.id as string;
    const lead = (await call(sb, 'POST', '/contacts', { role: 'lead', email: 'l@example.com' })).body.id as string;
    const taken = await call(sb, 'PUT', `/contacts/${lead}`, { external_id: 'a' });
    expect(taken.status).toBe(409);
    expect(firstError(taken)?.message).toBe(`A contact matching those details already exists with id=${a}`);

    c.advance(5_000);
    const same = await call(sb, 'PUT', `/contacts/${lead}`, { email: 'l@example.com' });
    expect(same.body.updated_at).toBe(sec(T0));
    const up = await call(sb, 'PUT', `/contacts/${lead}`, { role: 'user', external_id: 'b', name: 'Lee' });
    expect(up.body).toMatchObject({ role: 'user', external_id: 'b', name: 'Lee', updated_at: sec(T0) + 5 });
    expect((await call(sb, 'PUT', `/contacts/${lead}`, { role: 'lead' })).status).toBe(400);
    expect((await call(sb, 'PUT', '/contacts/0123456789abcdef01234567', { name: 'x' })).status).toBe(404);

    expect((await call(sb, 'GET', '/contacts/find_by_external_id/b')).body.id).toBe(lead);
    const leadWithXid = (await call(sb, 'POST', '/contacts', { role: 'lead', external_id: 'lx' })).body.id as string;
    expect(leadWithXid).toMatch(/^[0-9a-f]{24}$/);
    expect((await call(sb, 'GET', '/contacts/find_by_external_id/lx')).status).toBe(404);
  });

  it('merges a lead into a user: companies move, the lead 404s everywhere', async () => {
    const sb = await sandbox();
    await withStage(sb);
    const lead = (await call(sb, 'POST', '/contacts', { role: 'lead', email: 'l@example.com', custom_attributes: { Stage: 'Lead' } })).body.id as string;
    const user = (await call(sb, 'POST', '/contacts', { role: 'user', external_id: 'u' })).body.id as string;
    const co = (await call(sb, 'POST', '/companies', { company_id: 'acme', name: 'Acme' })).body.id as string;
    await call(sb, 'POST', `/contacts/${lead}/companies`, { id: co });
    expect((await call(sb, 'POST', '/contacts/merge', { from: user, into: lead })).status).toBe(400);

    const merged = await call(sb, 'POST', '/contacts/merge', { from: lead, into: user });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ id: user, role: 'user', email: 'l@example.com', custom_attributes: { Stage: 'Lead' } });
    expect(merged.body.companies.data.map((x: { id: string }) => x.id)).toEqual([co]);
    expect(sb.workspace.companyContacts(co).map((x) => x.id)).toEqual([user]);
    expect(sb.workspace.contact(lead)).toMatchObject({ mergedInto: user });
    expect(sb.workspace.contacts().map((x) => x.id)).toEqual([user]);
    expect((await call(sb, 'GET', `/contacts/${lead}`)).status).toBe(404);
    expect((await call(sb, 'PUT', `/contacts/${lead}`, { name: 'x' })).status).toBe(404);
    expect((await call(sb, 'POST', '/events', { event_name: 'x', created_at: 1, id: lead })).status).toBe(404);
    expect((await call(sb, 'GET', `/companies/${co}`)).body.user_count).toBe(1);
  });

  it('merges as the official description says: from a lead, into a user; the lead’s events become the user’s; gone from search and from a second merge', async () => {
    const sb = await sandbox();
    const lead = (await call(sb, 'POST', '/contacts', { role: 'lead', email: 'm@example.com' })).body.id as string;
    const user = (await call(sb, 'POST', '/contacts', { role: 'user', external_id: 'mu', phone: '+1 555 0100' })).body.id as string;
    const other = (await call(sb, 'POST', '/contacts', { role: 'user', external_id: 'mu2' })).body.id as string;
    const t0 = sb.workspace.nowSec() - 3600;
    for (const [id, name, at] of [[lead, 'viewed', 100], [lead, 'clicked', 200], [user, 'clicked', 200], [user, 'opened', 300]] as const) {
      expect((await call(sb, 'POST', '/events', { event_name: name, created_at: t0 + at, id })).status).toBe(202);
    }
    // both required; two users, two leads and a user into a lead are refused
    expect((await call(sb, 'POST', '/contacts/merge', { from: lead })).status).toBe(400);
    expect((await call(sb, 'POST', '/contacts/merge', { from: user, into: other })).status).toBe(400);
    expect((await call(sb, 'POST', '/contacts/merge', { from: user, into: lead })).status).toBe(400);

    expect((await call(sb, 'POST', '/contacts/merge', { from: lead, into: user })).body).toMatchObject({ id: user, role: 'user', email: 'm@example.com', phone: '+1 555 0100' });
    const names = sb.workspace.events().filter((e) => e.contactId === user).map((e) => e.event_name).sort();
    expect(names).toEqual(['clicked', 'opened', 'viewed']); // the lead's repeat of 'clicked' (same second) dropped
    expect(sb.workspace.events().filter((e) => e.contactId === lead)).toEqual([]);
    const search = await call(sb, 'POST', '/contacts/search', { query: { field: 'email', operator: '=', value: 'm@example.com' } });
    expect(search.body.data.map((c: { id: string }) => c.id)).toEqual([user]);
    // a repeat (an answer lost) finds the lead gone
    expect((await call(sb, 'POST', '/contacts/merge', { from: lead, into: user })).status).toBe(404);
    expect((await call(sb, 'GET', `/events?type=user&intercom_user_id=${user}`)).body.events).toHaveLength(3);
  });

  it('applies a merge whose answer it drops (a fault), and the repeat answers 404', async () => {
    const sb = await sandbox();
    const lead = (await call(sb, 'POST', '/contacts', { role: 'lead', email: 'd@example.com' })).body.id as string;
    const user = (await call(sb, 'POST', '/contacts', { role: 'user', external_id: 'du' })).body.id as string;
    sb.setFaults({ dropAfterCommitRate: 1 });
    await expect(call(sb, 'POST', '/contacts/merge', { from: lead, into: user })).rejects.toThrow();
    sb.setFaults({ dropAfterCommitRate: 0 });
    expect(sb.workspace.contact(lead)).toMatchObject({ mergedInto: user });
    expect(sb.stats().dropped).toBe(1);
    expect((await call(sb, 'POST', '/contacts/merge', { from: lead, into: user })).status).toBe(404);
  });

  it('lists 1,000 seeded contacts in stable pages, each exactly once; archived and merged are left out', async () => {
    const sb = await sandbox({ seed: { contacts: 1000 } });
    const first = sb.workspace.contacts()[10]!;
    await call(sb, 'POST', `/contacts/${first.id}/archive`);
    const seen = new Map<string, number>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await call(sb, 'GET', `/contacts?per_page=150${cursor ? `&starting_after=${encodeURIComponent(cursor)}` : ''}`);
      expect(r.status).toBe(200);
      pages++;
      expect(r.body.pages).toMatchObject({ type: 'pages', page: pages, per_page: 150, total_pages: 7 });
      expect(r.body.total_count).toBe(999);
      for (const c of r.body.data as { id: string }[]) seen.set(c.id, (seen.get(c.id) ?? 0) + 1);
      cursor = r.body.pages.next?.starting_after;
    } while (cursor);
    expect(pages).toBe(7);
    expect(seen.size).toBe(999);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(seen.has(first.id)).toBe(false);
    expect((await call(sb, 'GET', '/contacts')).body.data).toHaveLength(50);
    expect((await call(sb, 'GET', '/contacts?per_page=151')).status).toBe(400);
  });
});

describe('search', () => {
  const byEmail = (email: string) => ({ query: { field: 'email', operator: '=', value: email } });

  it('lags: a new contact is absent until searchLagMs has passed, an edited one shows old values', async () => {
    const c = clock(T0);
    const sb = await sandbox({ now: c.now, searchLagMs: 500 });
    const id = (await call(sb, 'POST', '/contacts', { email: 'new@example.com', name: 'Old' })).body.id as string;
    expect((await call(sb, 'POST', '/contacts/search', byEmail('new@example.com'))).body.total_count).toBe(0);
    c.advance(499);
    expect((await call(sb, 'POST', '/contacts/search', byEmail('new@example.com'))).body.total_count).toBe(0);
    c.advance(1);
    const found = await call(sb, 'POST', '/contacts/search', byEmail('NEW@example.com'));
    expect(found.body.data.map((x: { id: string }) => x.id)).toEqual([id]);

    sb.workspace.remoteEdit(id, { name: 'New' });
    expect((await call(sb, 'GET', `/contacts/${id}`)).body.name).toBe('New');
    expect((await call(sb, 'POST', '/contacts/search', byEmail('new@example.com'))).body.data[0].name).toBe('Old');
    c.advance(500);
    expect((await call(sb, 'POST', '/contacts/search', byEmail('new@example.com'))).body.data[0].name).toBe('New');
  });

  it('matches dates by calendar day in the workspace timezone and refuses other date operators', async () => {
    const c = clock(T0);
    const sb = await sandbox({ now: c.now });
    const at = async (ms: number, email: string) => {
      c.set(ms);
      return (await call(sb, 'POST', '/contacts', { role: 'lead', email })).body.id as string;
    };
    await at(Date.UTC(2024, 2, 10, 10), 'a@x.io'); // Mar 10 10:00
    await at(Date.UTC(2024, 2, 10, 18), 'd@x.io'); // Mar 10 18:00
    await at(Date.UTC(2024, 2, 11, 0, 30), 'b@x.io'); // Mar 11 00:30
    await at(Date.UTC(2024, 2, 11, 23), 'c@x.io'); // Mar 11 23:00
    c.set(Date.UTC(2024, 2, 12, 12));
    const emails = async (operator: string, ms: number) => {
      const r = await call(sb, 'POST', '/contacts/search', { query: { field: 'updated_at', operator, value: sec(ms) }, sort: { field: 'updated_at', order: 'ascending' } });
      expect(r.status).toBe(200);
      return r.body.data.map((x: { email: string }) => x.email);
    };
    // "> Mar 10 12:00" starts at the next midnight: d (Mar 10 18:00) is later than T yet not matched
    expect(await emails('>', Date.UTC(2024, 2, 10, 12))).toEqual(['b@x.io', 'c@x.io']);
    // "< Mar 11 12:00" ends at the midnight starting Mar 11: b (00:30) is not matched
    expect(await emails('<', Date.UTC(2024, 2, 11, 12))).toEqual(['a@x.io', 'd@x.io']);
    expect(await emails('=', Date.UTC(2024, 2, 11, 12))).toEqual(['b@x.io', 'c@x.io']);

    for (const operator of ['>=', '<=', '!=', 'IN']) {
      const r = await call(sb, 'POST', '/contacts/search', { query: { field: 'updated_at', operator, value: operator === 'IN' ? [1] : 1 } });
      expect(r.status, operator).toBe(400);
    }

    const tz = await sandbox({ now: c.now, timezoneOffsetMinutes: 60 });
    c.set(Date.UTC(2024, 2, 11, 0, 30));
    await call(tz, 'POST', '/contacts', { role: 'lead', email: 'b@x.io' });
    c.set(Date.UTC(2024, 2, 11, 23));
    await call(tz, 'POST', '/contacts', { role: 'lead', email: 'c@x.io' }); // Mar 12 00:00 at UTC+1
    const r = await call(tz, 'POST', '/contacts/search', { query: { field: 'created_at', operator: '=', value: sec(Date.UTC(2024, 2, 11, 12)) } });
    expect(r.body.data.map((x: { email: string }) => x.email)).toEqual(['b@x.io']);
  });

  it('supports groups up to 2 levels and 15 filters, string operators and custom attributes', async () => {
    const sb = await sandbox({ seed: { contacts: 30, withStageAttributes: true } });
    const f = (field: string, operator: string, value: unknown) => ({ field, operator, value });
    const search = (query: unknown) => call(sb, 'POST', '/contacts/search', { query, pagination: { per_page: 150 } });

    const leads = await search({ operator: 'AND', value: [f('role', '=', 'lead'), f('custom_attributes.Stage', '=', 'Lead')] });
    expect(leads.body.data.every((c: { role: string; custom_attributes: { Stage?: string } }) => c.role === 'lead' && c.custom_attributes.Stage === 'Lead')).toBe(true);
    expect(leads.body.total_count).toBe(5);
    const nested = await search({ operator: 'OR', value: [{ operator: 'AND', value: [f('email', '^', 'user1'), f('email', '$', '.com')] }, f('external_id', 'IN', ['user-2', 'user-5'])] });
    expect(nested.body.data.map((c: { email: string }) => c.email).sort()).toEqual(['user1@example.com', 'user10@example.com', 'user11@example.com', 'user13@example.com', 'user14@example.com', 'user16@example.com', 'user17@example.com', 'user19@example.com', 'user2@example.com', 'user5@example.com'].sort());
    expect((await search(f('name', '~', 'ava'))).body.total_count).toBeGreaterThan(0);

    const tooDeep = await search({ operator: 'AND', value: [{ operator: 'OR', value: [{ operator: 'AND', value: [f('role', '=', 'lead')] }] }] });
    expect(tooDeep.status).toBe(400);
    const tooMany = await search({ operator: 'OR', value: Array.from({ length: 16 }, (_, i) => f('email', '=', `u${i}@x.io`)) });
    expect(tooMany.status).toBe(400);
    expect((await search(f('custom_attributes.Nope', '=', 'x'))).status).toBe(400);
    expect((await search(f('email', '>', 'a'))).status).toBe(400);
  });

  it('pages with the cursor in the body; a cursor in the query string gives page 1 again', async () => {
    const sb = await sandbox({ seed: { contacts: 120 } });
    const body = (startingAfter?: string) => ({
      query: { field: 'role', operator: '=', value: 'user' },
      pagination: { per_page: 50, ...(startingAfter ? { starting_after: startingAfter } : {}) },
      sort: { field: 'updated_at', order: 'ascending' },
    });
    const p1 = await call(sb, 'POST', '/contacts/search', body());
    expect(p1.body.total_count).toBe(80);
    const cursor = p1.body.pages.next.starting_after as string;
    const again = await call(sb, 'POST', `/contacts/search?starting_after=${encodeURIComponent(cursor)}`, body());
    expect(again.body.data[0].id).toBe(p1.body.data[0].id);
    expect(again.body.pages.page).toBe(1);
    const p2 = await call(sb, 'POST', '/contacts/search', body(cursor));
    expect(p2.body.pages.page).toBe(2);
    expect(p2.body.pages.next).toBeUndefined();
    const ids = [...p1.body.data, ...p2.body.data].map((c: { id: string }) => c.id);
    expect(new Set(ids).size).toBe(80);
    const times = [...p1.body.data, ...p2.body.data].map((c: { updated_at: number }) => c.updated_at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});

describe('companies', () => {
  it('creates or updates by company_id, finds by company_id and truncates monthly_spend', async () => {
    const c = clock(T0);
    const sb = await sandbox({ now: c.now });
    const made = await call(sb, 'POST', '/companies', { company_id: 'acme', name: 'Acme', plan: 'Pro', monthly_spend: 155.98 });
    expect(made.body).toMatchObject({ type: 'company', company_id: 'acme', name: 'Acme', plan: { type: 'plan', name: 'Pro' }, monthly_spend: 155, user_count: 0, created_at: sec(T0) });
    c.advance(2000);
    const updated = await call(sb, 'POST', '/companies', { company_id: 'acme', industry: 'Rockets' });
    expect(updated.body).toMatchObject({ id: made.body.id, name: 'Acme', industry: 'Rockets', updated_at: sec(T0) + 2 });
    expect((await call(sb, 'GET', '/companies?company_id=acme')).body.id).toBe(made.body.id);
    const miss = await call(sb, 'GET', '/companies?company_id=nope');
    expect(miss.status).toBe(404);
    expect(firstError(miss)?.code).toBe('company_not_found');
    expect((await call(sb, 'POST', '/companies', { name: 'No id' })).status).toBe(400);
    expect((await call(sb, 'POST', '/companies', { company_id: 'acme', custom_attributes: { Stage: 'SQL' } })).status).toBe(400);
    expect((await call(sb, 'PUT', `/companies/${made.body.id}`, { company_id: 'other' })).status).toBe(400);
    expect((await call(sb, 'DELETE', `/companies/${made.body.id}`)).body).toEqual({ id: made.body.id, object: 'company', deleted: true });
    expect((await call(sb, 'GET', `/companies/${made.body.id}`)).status).toBe(404);
  });

  it('attaches and detaches contacts with Intercom errors; attaching bumps the contact and is idempotent', async () => {
    const c = clock(T0);
    const sb = await sandbox({ now: c.now });
    const user = (await call(sb, 'POST', '/contacts', { external_id: 'u' })).body.id as string;
    const co = (await call(sb, 'POST', '/companies', { company_id: 'acme' })).body.id as string;
    const none = await call(sb, 'POST', `/contacts/${user}/companies`, {});
    expect(none.status).toBe(400);
    expect(firstError(none)).toEqual({ code: 'parameter_not_found', message: 'company not specified', field: 'id' });
    const unknown = await call(sb, 'POST', `/contacts/${user}/companies`, { id: '0123456789abcdef01234567' });
    expect(unknown.status).toBe(404);
    expect(firstError(unknown)?.code).toBe('company_not_found');

    c.advance(3000);
    const attached = await call(sb, 'POST', `/contacts/${user}/companies`, { id: co });
    expect(attached.body).toMatchObject({ id: co, user_count: 1 });
    expect(sb.workspace.contact(user)?.updated_at).toBe(sec(T0) + 3);
    c.advance(3000);
    expect((await call(sb, 'POST', `/contacts/${user}/companies`, { id: co })).status).toBe(200);
    expect(sb.workspace.contact(user)?.updated_at).toBe(sec(T0) + 3);
    expect(sb.workspace.contactCompanies(user).map((x) => x.id)).toEqual([co]);
    expect((await call(sb, 'GET', `/contacts/${user}/companies`)).body.data.map((x: { id: string }) => x.id)).toEqual([co]);
    expect((await call(sb, 'GET', `/companies/${co}/contacts`)).body.data.map((x: { id: string }) => x.id)).toEqual([user]);

    expect((await call(sb, 'DELETE', `/contacts/${user}/companies/${co}`)).status).toBe(200);
    expect(sb.workspace.companyContacts(co)).toEqual([]);
    expect((await call(sb, 'DELETE', `/contacts/${user}/companies/${co}`)).status).toBe(404);
  });

  it('scrolls visible companies (those with a user) 50 at a time, one scroll at a time, expiring after 60 s idle', async () => {
    const c = clock(T0);
    // 120 companies; users attach to company i % 120, which never reaches the 40 with i % 3 == 2
    const sb = await sandbox({ now: c.now, seed: { contacts: 600, companies: 120 } });
    expect(sb.workspace.companies()).toHaveLength(120);
    const first = await call(sb, 'GET', '/companies/scroll');
    expect(first.body.data).toHaveLength(50);
    const param = first.body.scroll_param as string;
    expect(param).toBeTruthy();
    const second = await call(sb, 'GET', '/companies/scroll');
    expect(second.status).toBe(400);

    c.advance(59_000);
    const page2 = await call(sb, 'GET', `/companies/scroll?scroll_param=${param}`);
    expect(page2.body.data).toHaveLength(30);
    const ids = [...first.body.data, ...page2.body.data].map((x: { id: string; user_count: number }) => {
      expect(x.user_count).toBeGreaterThan(0);
      return x.id;
    });
    expect(new Set(ids).size).toBe(80);
    const end = await call(sb, 'GET', `/companies/scroll?scroll_param=${param}`);
    expect(end.body.data).toEqual([]);
    // the end closes the scroll: a new one may start at once
    const fresh = await call(sb, 'GET', '/companies/scroll');
    expect(fresh.status).toBe(200);
    c.advance(61_000);
    const expired = await call(sb, 'GET', `/companies/scroll?scroll_param=${fresh.body.scroll_param}`);
    expect(expired.status).toBe(500);
    expect(firstError(expired)?.message).toContain('restart the scroll');
    expect((await call(sb, 'GET', '/companies/scroll')).status).toBe(200);
  });
});

describe('events, messages and the flush', () => {
  it('records events (202, empty body), deduplicates, and 404s an unknown contact', async () => {
    const sb = await sandbox();
    const user = (await call(sb, 'POST', '/contacts', { external_id: 'u' })).body.id as string;
    const ev = { event_name: 'signed-up', created_at: 1_700_000_000, user_id: 'u', metadata: { plan: 'pro' } };
    const r = await call(sb, 'POST', '/events', ev);
    expect(r.status).toBe(202);
    expect(r.text).toBe('');
    expect((await call(sb, 'POST', '/events', ev)).status).toBe(202);
    expect((await call(sb, 'POST', '/events', { ...ev, user_id: undefined, id: user })).status).toBe(202);
    expect(sb.workspace.events()).toMatchObject([{ contactId: user, event_name: 'signed-up', created_at: 1_700_000_000, metadata: { plan: 'pro' } }]);
    expect((await call(sb, 'POST', '/events', { ...ev, user_id: 'ghost' })).status).toBe(404);
    expect((await call(sb, 'POST', '/events', { ...ev, metadata: { deep: { a: 1 } } })).status).toBe(400);
  });

  it('validates messages like Intercom and records the ones it accepts', async () => {
    const sb = await sandbox();
    const admin = (await call(sb, 'GET', '/me')).body.id as string;
    const lead = (await call(sb, 'POST', '/contacts', { role: 'lead', email: 'l@example.com' })).body.id as string;
    const base = { message_type: 'inapp', body: 'Hi', from: { type: 'admin', id: admin }, to: { type: 'lead', id: lead } };
    const noBody = await call(sb, 'POST', '/messages', { ...base, body: undefined });
    expect(noBody.status).toBe(400);
    expect(firstError(noBody)?.message).toBe('Body is required');
    expect((await call(sb, 'POST', '/messages', { ...base, message_type: 'email', template: 'plain' })).status).toBe(422);
    expect((await call(sb, 'POST', '/messages', { ...base, to: { type: 'user', id: '0123456789abcdef01234567' } })).status).toBe(404);
    expect((await call(sb, 'POST', '/messages', { ...base, from: { type: 'admin', id: '1' } })).status).toBe(400);
    expect(sb.workspace.messages()).toEqual([]);

    const sent = await call(sb, 'POST', '/messages', base);
    expect(sent.body).toMatchObject({ type: 'admin_message', id: expect.any(String), message_type: 'inapp', body: 'Hi', owner: { type: 'admin', id: admin } });
    const email = await call(sb, 'POST', '/messages', { ...base, message_type: 'email', subject: 'Hello', template: 'personal' });
    expect(email.body.message_type).toBe('email');
    expect(sb.workspace.messages().map((m) => [m.message_type, m.contactId])).toEqual([['inapp', lead], ['email', lead]]);
  });

  it('404s a message to a contact younger than messageLagMs, as Intercom does for brand-new contacts', async () => {
    const c = clock(T0);
    const sb = await sandbox({ now: c.now, messageLagMs: 2_000 });
    const admin = (await call(sb, 'GET', '/me')).body.id as string;
    const lead = (await call(sb, 'POST', '/contacts', { role: 'lead', email: 'l@example.com' })).body.id as string;
    const msg = { message_type: 'inapp', body: 'Hi', from: { type: 'admin', id: admin }, to: { type: 'lead', id: lead } };
    expect((await call(sb, 'POST', '/messages', msg)).status).toBe(404);
    c.advance(2_000);
    expect((await call(sb, 'POST', '/messages', msg)).status).toBe(200);
  });

  it('converts a visitor: into an existing user, or into a new user with the external_id', async () => {
    const sb = await sandbox();
    const user = (await call(sb, 'POST', '/contacts', { external_id: 'u-1', email: 'u1@example.com' })).body.id as string;
    const v1 = sb.workspace.remoteCreateVisitor({ email: 'anon@example.com' });
    expect((await call(sb, 'GET', `/visitors?user_id=${v1.user_id}`)).body.id).toBe(v1.id);
    const absorbed = await call(sb, 'POST', '/visitors/convert', { type: 'user', visitor: { user_id: v1.user_id }, user: { user_id: 'u-1' } });
    expect(absorbed.body.id).toBe(user);
    expect((await call(sb, 'GET', `/visitors?user_id=${v1.user_id}`)).status).toBe(404);
    const v2 = sb.workspace.remoteCreateVisitor({ email: 'new@example.com' });
    const created = await call(sb, 'POST', '/visitors/convert', { type: 'user', visitor: { id: v2.id }, user: { user_id: 'u-2' } });
    expect(created.body).toMatchObject({ role: 'user', external_id: 'u-2', email: 'new@example.com' });
  });

  it('a 1.4 GET /conversations?type=user is a flush that triggers matching at most once per 15 minutes', async () => {
    const c = clock(T0);
    const sb = await sandbox({ now: c.now });
    const user = (await call(sb, 'POST', '/contacts', { external_id: 'u-9' })).body.id as string;
    const v1 = { headers: { 'Intercom-Version': '1.4' } };
    const r = await call(sb, 'GET', '/conversations?type=user&user_id=u-9', undefined, v1);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ type: 'conversation.list', conversations: [] });
    c.advance(14 * 60_000);
    await call(sb, 'GET', `/conversations?type=user&intercom_user_id=${user}`, undefined, v1);
    c.advance(60_000);
    await call(sb, 'GET', '/conversations?type=user&user_id=u-9', undefined, v1);
    expect(sb.workspace.flushes().map((f) => [f.contactId, f.triggered])).toEqual([[user, true], [user, false], [user, true]]);
    expect(sb.workspace.flushes()[1]).toMatchObject({ intercomUserId: user, userId: null });
    expect((await call(sb, 'GET', '/conversations?type=user&user_id=ghost', undefined, v1)).status).toBe(404);

    // in 2.x the parameters mean nothing: the plain list, no flush
    const v2 = await call(sb, 'GET', '/conversations?type=user&user_id=u-9');
    expect(v2.body).toMatchObject({ type: 'conversation.list', conversations: [], total_count: 0 });
    expect(sb.workspace.flushes()).toHaveLength(3);
  });
});

describe('seeds and the control surface', () => {
  it('the demo seed is a small believable workspace with Stage attributes', async () => {
    const sb = await sandbox({ seed: 'demo' });
    const counts = sb.workspace.counts();
    expect(counts.contacts).toBeGreaterThanOrEqual(35);
    expect(counts.leads).toBeGreaterThan(5);
    expect(counts.users).toBeGreaterThan(5);
    const companies = sb.workspace.companies();
    expect(companies.length).toBe(8);
    expect(companies.every((c) => ['SQL', 'CUST'].includes(String(c.custom_attributes['Company Stage'])) && c.user_count > 0)).toBe(true);
    expect(sb.workspace.dataAttributes('contact').some((a) => a.name === 'Stage' && a.data_type === 'string')).toBe(true);
    expect(sb.workspace.dataAttributes('company').some((a) => a.name === 'Company Stage')).toBe(true);
    const stages = new Set(sb.workspace.contacts().map((c) => c.custom_attributes.Stage));
    expect(stages).toEqual(new Set(['Lead', 'Signed up', undefined]));
  });

  it('is driven over /_sandbox/ without auth, faults or rate limits', async () => {
    const c = clock(T0);
    const sb = await sandbox({ now: c.now, rateLimit: { limit: 1, windowMs: 10_000 }, seed: 'demo' });
    const control = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(sb.url + path, { method, headers: controlHeaders(sb), body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: r.status, body: (await r.json()) as Record<string, any> };
    };
    expect((await call(sb, 'GET', '/me')).status).toBe(200); // the window's only request
    expect((await control('POST', '/_sandbox/faults', { errorRate: 1 })).body.errorRate).toBe(1);
    expect(sb.faults().errorRate).toBe(1);
    expect((await control('POST', '/_sandbox/faults', { errorRate: 3 })).status).toBe(400);
    const id = sb.workspace.contacts()[0]!.id;
    c.advance(1_000);
    const edited = await control('POST', '/_sandbox/remote-edit', { contactId: id, patch: { name: 'Edited Remotely', custom_attributes: { Stage: 'Lead' } } });
    expect(edited.body).toMatchObject({ id, name: 'Edited Remotely', updated_at: sec(T0) + 1 });
    expect((await control('POST', '/_sandbox/remote-edit', { contactId: 'nope', patch: {} })).status).toBe(404);
    const state = (await control('GET', '/_sandbox/state')).body;
    expect(state.counts.contacts).toBe(40);
    expect(state.companies[0].contactIds.length).toBeGreaterThan(0);
    expect(state.contacts.find((x: { id: string }) => x.id === id).name).toBe('Edited Remotely');
    expect((await call(sb, 'GET', '/me')).status).toBe(429);
    expect((await control('GET', '/_sandbox/stats')).body).toMatchObject({ requests: 2, rateLimited: 1, injectedErrors: 0 });
  });
});
