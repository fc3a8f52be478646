// IntercomClient against a small real HTTP server: headers, error parsing, which failures are
// retried (and which must not be), and the region hosts.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ExchangeInfo, IntercomClient, type ClientOptions } from '../../electron/core/sync/IntercomClient';
import { IntercomError } from '../../electron/core/sync/IntercomError';
import { RateLimiter } from '../../electron/core/sync/RateLimiter';
import { regionFromApp, REGION_HOSTS, resolveBaseUrl } from '../../electron/core/settings/hosts';

const TOKEN = 'dG9rOnNlY3JldC10b2tlbi0xMjM=';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string, n: number) => void;

let server: http.Server;
let baseUrl: string;
let handler: Handler;
let seen: Seen[];

const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};
const errorList = (code: string, message: string, extra: Record<string, unknown> = {}) => ({
  type: 'error.list',
  request_id: 'req-123',
  errors: [{ code, message, ...extra }],
});

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      handler(req, res, body, seen.length);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

beforeEach(() => {
  seen = [];
  handler = (_req, res) => json(res, 200, { ok: true });
});

function client(extra: Partial<ClientOptions> = {}) {
  const exchanges: ExchangeInfo[] = [];
  const c = new IntercomClient({
    baseUrl,
    token: TOKEN,
    backoff: { baseMs: 1, maxMs: 5 },
    timeoutMs: 2_000,
    onExchange: (e) => exchanges.push(e),
    ...extra,
  });
  return { c, exchanges };
}

async function failure(p: Promise<unknown>): Promise<IntercomError> {
  const err = await p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(IntercomError);
  const e = err as IntercomError;
  expect(e.message).not.toContain(TOKEN);
  return e;
}

describe('requests', () => {
  it('sends the auth, accept and version headers, JSON bodies, and a per-request version', async () => {
    const { c } = client();
    handler = (req, res) => json(res, 200, { type: 'admin', id: '7', url: req.url });
    const me = await c.me();
    expect(me.id).toBe('7');
    expect(seen[0]!.headers).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      accept: 'application/json',
      'intercom-version': '2.14',
    });
    expect(seen[0]!.headers['content-type']).toBeUndefined();

    await c.updateContact('abc/1', { custom_attributes: { Stage: 'won' } });
    expect(seen[1]).toMatchObject({ method: 'PUT', url: '/contacts/abc%2F1' });
    expect(seen[1]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen[1]!.body)).toEqual({ custom_attributes: { Stage: 'won' } });

    await c.flushMessages({ externalId: 'u 1', intercomId: 'ic1' });
    await c.flushMessages({ externalId: null, intercomId: 'ic1' });
    expect(seen[2]!.url).toBe('/conversations?type=user&user_id=u+1');
    expect(seen[3]!.url).toBe('/conversations?type=user&intercom_user_id=ic1');
    expect(seen[2]!.headers['intercom-version']).toBe('1.4');

    const pinned = client({ version: '2.11' }).c;
    await pinned.listDataAttributes('company');
    expect(seen[4]).toMatchObject({ url: '/data_attributes?model=company' });
    expect(seen[4]!.headers['intercom-version']).toBe('2.11');
  });

  it('returns undefined for an empty 202 and omits undefined query values', async () => {
    const { c } = client();
    handler = (_req, res) => {
      res.writeHead(202);
      res.end();
    };
    await expect(c.trackEvent({ event_name: 'signed-up', created_at: 1, user_id: 'x' })).resolves.toBeUndefined();
    handler = (_req, res) => json(res, 200, { type: 'list', data: [], total_count: 0 });
    await c.listContacts({ perPage: 150 });
    expect(seen[1]!.url).toBe('/contacts?per_page=150');
  });

  it('turns the lookups that miss into null', async () => {
    const { c } = client();
    handler = (_req, res) => json(res, 404, errorList('not_found', 'User Not Found'));
    await expect(c.findContactByExternalId('nobody')).resolves.toBeNull();
    handler = (_req, res) => json(res, 200, { type: 'list', data: [{ type: 'company', id: 'c9', company_id: 'acme' }] });
    await expect(c.getCompanyByCompanyId('acme')).resolves.toMatchObject({ id: 'c9' });
    expect(seen[1]!.url).toBe('/companies?company_id=acme');
  });
});

describe('errors', () => {
  it('reads error.list into kind, code, field and a message naming the call', async () => {
    const { c, exchanges } = client();
    handler = (_req, res) =>
      json(res, 400, errorList('parameter_invalid', "Custom attribute 'Stage' does not exist", { field: 'custom_attributes' }));
    const e = await failure(c.createContact({ role: 'lead', email: 'a@b.c' }));
    expect(e).toMatchObject({ kind: 'invalid', status: 400, code: 'parameter_invalid', requestId: 'req-123', field: 'custom_attributes', method: 'POST', path: '/contacts' });
    expect(e.message).toBe("Intercom refused POST /contacts (400 parameter_invalid): Custom attribute 'Stage' does not exist");
    expect(exchanges).toHaveLength(1);
  });

  it('reads the existing contact id and the archived flag from a 409', async () => {
    const { c } = client();
    handler = (_req, res) => json(res, 409, errorList('conflict', 'A contact matching those details already exists with id=6762f0dd1bb69f9f2193bb83'));
    const e = await failure(c.createContact({ role: 'user', external_id: 'u1' }));
    expect(e).toMatchObject({ kind: 'conflict', existingId: '6762f0dd1bb69f9f2193bb83', archived: false });

    handler = (_req, res) => json(res, 409, errorList('conflict', 'An archived contact matching those details already exists with id=abc123'));
    const a = await failure(c.createContact({ role: 'user', external_id: 'u1' }));
    expect(a).toMatchObject({ kind: 'conflict', existingId: 'abc123', archived: true });
  });

  it.each([
    [403, 'api_plan_restricted', 'forbidden'],
    [404, 'not_found', 'not_found'],
    [410, 'contact_merged', 'not_found'],
    [422, 'parameter_invalid', 'invalid'],
  ] as const)('maps %i to %s', async (status, code, kind) => {
    const { c, exchanges } = client();
    handler = (_req, res) => json(res, status, errorList(code, 'nope'));
    expect(await failure(c.getContact('1'))).toMatchObject({ kind, status, code });
    expect(exchanges).toHaveLength(1);
  });

  it('stops at once on 401 with kind auth', async () => {
    const { c, exchanges } = client();
    handler = (_req, res) => json(res, 401, errorList('unauthorized', 'Access Token Invalid'));
    const e = await failure(c.me());
    expect(e).toMatchObject({ kind: 'auth', status: 401, code: 'unauthorized' });
    expect(e.message).toContain('Access Token Invalid');
    expect(seen).toHaveLength(1);
    expect(exchanges).toHaveLength(1);
  });

  it('never puts the token in a message, even when the server echoes it', async () => {
    const { c } = client();
    handler = (req, res) => json(res, 400, errorList('parameter_invalid', `bad header ${req.headers.authorization}`));
    const e = await failure(c.me());
    expect(e.message).toContain('[token]');
  });
});

describe('retries', () => {
  it('gives up on an HTML 504 as transient after maxAttempts, with a readable message', async () => {
    const { c, exchanges } = client({ maxAttempts: 3 });
    handler = (_req, res) => {
      res.writeHead(504, { 'Content-Type': 'text/html' });
      res.end('<html><head><title>504 Gateway Time-out</title></head><body><h1>504</h1></body></html>');
    };
    const e = await failure(c.getContact('1'));
    expect(e).toMatchObject({ kind: 'transient', status: 504, code: null });
    expect(e.message).toBe('Intercom failed GET /contacts/1 (504): 504 Gateway Time-out (after 3 attempts)');
    expect(seen).toHaveLength(3);
    expect(exchanges.map((x) => [x.attempt, x.status])).toEqual([[1, 504], [2, 504], [3, 504]]);
  });

  it('recovers from 5xx on an idempotent call and counts the attempts', async () => {
    const { c, exchanges } = client();
    handler = (_req, res, _b, n) => (n <= 2 ? json(res, 503, errorList('service_unavailable', 'later')) : json(res, 200, { id: 'x' }));
    await expect(c.getContact('x')).resolves.toEqual({ id: 'x' });
    expect(exchanges.map((x) => x.status)).toEqual([503, 503, 200]);
    expect(exchanges.map((x) => x.attempt)).toEqual([1, 2, 3]);
    expect(exchanges[0]!.error).toContain('503 service_unavailable');
    expect(exchanges[2]!.error).toBeUndefined();
  });

  it('honours Retry-After', async () => {
    const waits: number[] = [];
    const { c } = client({ sleep: async (ms) => void waits.push(ms) });
    handler = (_req, res, _b, n) => (n === 1 ? json(res, 503, {}, { 'Retry-After': '3' }) : json(res, 200, {}));
    await c.getContact('x');
    expect(waits).toEqual([3000]);
  });

  it('does not repeat a non-idempotent POST after a 5xx: uncertain', async () => {
    const { c } = client();
    handler = (_req, res) => json(res, 502, {});
    const e = await failure(c.sendMessage({ message_type: 'inapp', body: 'hi', from: { type: 'admin', id: '1' }, to: { type: 'user', id: '2' } }));
    expect(e).toMatchObject({ kind: 'uncertain', status: 502 });
    expect(seen).toHaveLength(1);
  });

  it('does not repeat a non-idempotent POST after a timeout: uncertain after exactly one attempt', async () => {
    const { c, exchanges } = client({ timeoutMs: 150 });
    handler = () => {}; // never answers
    const e = await failure(c.mergeContacts('lead1', 'user1'));
    expect(e).toMatchObject({ kind: 'uncertain', status: null, code: 'ETIMEDOUT' });
    expect(e.message).toContain('timed out after 150 ms');
    expect(seen).toHaveLength(1);
    expect(exchanges).toHaveLength(1);
  });

  it('repeats an idempotent PUT after a dropped connection', async () => {
    const { c, exchanges } = client();
    handler = (req, res, _b, n) => (n === 1 ? req.socket.destroy() : json(res, 200, { id: 'c1' }));
    await expect(c.updateContact('c1', { name: 'Ann' })).resolves.toEqual({ id: 'c1' });
    expect(seen).toHaveLength(2);
    expect(exchanges[0]).toMatchObject({ status: null, attempt: 1 });
    expect(exchanges[0]!.error).toMatch(/lost its connection \((ECONNRESET|socket hang up)\)/);
  });

  it('repeats a POST marked idempotent after a timeout', async () => {
    const { c } = client({ timeoutMs: 150 });
    handler = (_req, res, _b, n) => (n === 1 ? undefined : json(res, 200, { type: 'company', id: 'co1' }));
    await expect(c.upsertCompany({ company_id: 'acme' })).resolves.toMatchObject({ id: 'co1' });
    expect(seen).toHaveLength(2);
  });

  it('reports a refused connection as offline without retrying', async () => {
    const free = http.createServer();
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
    const port = (free.address() as AddressInfo).port;
    await new Promise((r) => free.close(r));
    const { c, exchanges } = client({ baseUrl: `http://127.0.0.1:${port}` });
    const e = await failure(c.getContact('1'));
    expect(e).toMatchObject({ kind: 'offline', code: 'ECONNREFUSED', status: null });
    expect(e.message).toContain(`127.0.0.1:${port}`);
    expect(exchanges).toHaveLength(1);
  });

  it('waits for the window to reset after a 429, then succeeds (also for a POST)', async () => {
    const limiter = new RateLimiter({ jitterMs: 20 });
    const { c, exchanges } = client({ limiter });
    const resetAt = Math.floor(Date.now() / 1000) + 1;
    handler = (_req, res, _b, n) => {
      const h = { 'X-RateLimit-Limit': '10', 'X-RateLimit-Reset': String(resetAt) };
      if (n === 1) json(res, 429, errorList('rate_limit_exceeded', 'Exceeded rate limit of 10 in 10_seconds'), { ...h, 'X-RateLimit-Remaining': '0' });
      else json(res, 200, { id: 'new' }, { ...h, 'X-RateLimit-Remaining': '9' });
    };
    const started = Date.now();
    await expect(c.createContact({ role: 'lead', email: 'a@b.c' })).resolves.toEqual({ id: 'new' });
    expect(Date.now()).toBeGreaterThanOrEqual(resetAt * 1000);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(exchanges.map((x) => x.status)).toEqual([429, 200]);
    expect(exchanges[0]!.rateLimit).toEqual({ limit: 10, remaining: 0, reset: resetAt });
    expect(limiter.snapshot().count429).toBe(1);
  });

  it('gives up with rate_limited when the 429s do not stop', async () => {
    const { c } = client({ maxAttempts: 2 });
    handler = (_req, res) => json(res, 429, errorList('rate_limit_exceeded', 'Exceeded rate limit'));
    const e = await failure(c.getContact('1'));
    expect(e).toMatchObject({ kind: 'rate_limited', status: 429 });
    expect(e.message).toContain('(after 2 attempts)');
  });
});

describe('abort', () => {
  it('cancels an idempotent request in flight: aborted', async () => {
    const ac = new AbortController();
    const { c } = client({ signal: ac.signal });
    handler = () => {};
    const p = c.getContact('1');
    setTimeout(() => ac.abort(), 50);
    expect(await failure(p)).toMatchObject({ kind: 'aborted' });
  });

  it('cancels the wait for a rate-limit reset: aborted, nothing more sent', async () => {
    const ac = new AbortController();
    const { c } = client({ signal: ac.signal });
    const reset = Math.floor(Date.now() / 1000) + 5;
    handler = (_req, res) => json(res, 429, {}, { 'X-RateLimit-Limit': '10', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(reset) });
    const p = c.getContact('1');
    setTimeout(() => ac.abort(), 100);
    const started = Date.now();
    expect(await failure(p)).toMatchObject({ kind: 'aborted' });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(seen).toHaveLength(1);
  });

  it('reports a cancelled non-idempotent request in flight as uncertain: it may have arrived', async () => {
    const ac = new AbortController();
    const { c } = client({ signal: ac.signal });
    handler = () => {};
    const p = c.sendMessage({ message_type: 'inapp', body: 'hi', from: { type: 'admin', id: '1' }, to: { type: 'user', id: '2' } });
    setTimeout(() => ac.abort(), 50);
    expect(await failure(p)).toMatchObject({ kind: 'uncertain' });
  });

  it('refuses to start once aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    const { c } = client({ signal: ac.signal });
    expect(await failure(c.me())).toMatchObject({ kind: 'aborted' });
    expect(seen).toHaveLength(0);
  });
});

describe('hosts', () => {
  it('picks the regional host, or an override without its trailing slash', () => {
    expect(resolveBaseUrl({ region: 'eu' })).toBe('https://api.eu.intercom.io');
    expect(resolveBaseUrl({ region: 'au', baseUrl: null })).toBe(REGION_HOSTS.au);
    expect(resolveBaseUrl({ region: 'us', baseUrl: 'http://127.0.0.1:4010/' })).toBe('http://127.0.0.1:4010');
    expect(resolveBaseUrl({ region: 'us', baseUrl: 'https://proxy.example/intercom//' })).toBe('https://proxy.example/intercom');
    expect(() => resolveBaseUrl({ region: 'us', baseUrl: 'ftp://x' })).toThrow(/baseUrl/);
    expect(() => resolveBaseUrl({ region: 'us', baseUrl: 'not a url' })).toThrow(/baseUrl/);
  });

  it('reads GET /me app.region in any case', () => {
    expect(regionFromApp('EU')).toBe('eu');
    expect(regionFromApp('au')).toBe('au');
    expect(regionFromApp('Us')).toBe('us');
    expect(regionFromApp('APAC')).toBeNull();
  });
});
