// A misbehaving Intercom, one test per hostile answer: paging that never ends, a pathological
// error page, an answer without end, a server that never answers, a scroll Intercom ended, a 5xx
// on an attribute create. The engine runs as the app runs it (createCore), through a hostile
// server in front of the sandbox; each test checks the requests stay bounded, the status says
// what is wrong, local changes still reach Intercom, and the console keeps answering.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { IntercomClient, MAX_ANSWER_BYTES } from '../../electron/core/sync/IntercomClient';
import { ERROR_PAGE_PREFIX, IntercomError, parseErrorBody } from '../../electron/core/sync/IntercomError';
import type { SyncEngineOptions } from '../../electron/core/sync/SyncEngine';
import { startSandbox } from '../../electron/sandbox';
import { removeTempDir, startCore, TestClock, type TestCore } from '../helpers/testCore';
import { contactPage, errorList, startHostileServer, type HostileServer } from './hostileServer';

const open: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

async function setup(sync: Partial<SyncEngineOptions> = {}) {
  const sb = await startSandbox({ searchLagMs: 0, randomSeed: 7, rateLimit: { limit: 500, windowMs: 1000 } });
  open.push(() => sb.close());
  const hs = await startHostileServer({ upstream: sb.url });
  open.push(() => hs.close());
  const t = startCore(undefined, new TestClock(), {
    intercom: { baseUrl: hs.url, source: 'start-option', token: sb.token },
    autoSync: false,
    sync: { client: { timeoutMs: 2000, backoff: { baseMs: 5, maxMs: 20 } }, ...sync },
  });
  open.push(() => {
    t.dispose();
    removeTempDir(t.dir);
  });
  return { sb, hs, t };
}

/** A first run against the plain sandbox, so the next run pulls changes then pushes. */
async function firstRunDone(t: TestCore) {
  const s = await t.core.sync.runOnce();
  expect(s).toMatchObject({ state: 'idle', initialImport: 'done' });
}

const company = (id: string) => ({ type: 'company', id, company_id: `co-${id}`, name: `Company ${id}`, created_at: 1_700_000_000, updated_at: 1_700_000_000, custom_attributes: {} });
const scrollPage = (ids: string[], param: string | null) => ({ type: 'list', data: ids.map(company), pages: null, total_count: null, scroll_param: param });

/**
 * The first pull reads the contact list page after page only where Intercom refuses the search
 * (otherwise it reads ranges of the search side by side): the list's paging tests play that.
 */
const listOnly =
  (route: HostileServer['route']): HostileServer['route'] =>
  (r, n) =>
    r.method === 'POST' && r.path === '/contacts/search' ? { status: 400, json: errorList('parameter_invalid', 'Search is not available') } : route(r, n);

/**
 * The first pull reads the company scroll only where the company list cannot cover the workspace
 * (over 10,000 companies; otherwise it reads the list's pages side by side): the scroll's tests
 * play a workspace that large.
 */
const scrollOnly =
  (route: HostileServer['route']): HostileServer['route'] =>
  (r, n) =>
    r.method === 'POST' && r.path === '/companies/list'
      ? { status: 200, json: { type: 'list', data: [], total_count: 12_000, pages: { type: 'pages', page: 1, per_page: 50, total_pages: 240 } } }
      : route(r, n);

describe('paging that never ends', () => {
  it('the first pull stops on the same page and the same starting_after, after a few requests, and says so; the offline work went out first', async () => {
    const { hs, sb, t } = await setup();
    await t.api.call('contacts.create', { email: 'typed.offline@example.com', name: 'Typed Offline' });
    hs.route = listOnly((r) => (r.method === 'GET' && r.path === '/contacts' ? { status: 200, json: contactPage(['c1', 'c2'], 'cursor-1', 5000) } : undefined));

    const s = await t.core.sync.runOnce();
    expect(s.state).toBe('failing');
    expect(s.message).toMatch(/contact list \(GET \/contacts\) handed back a page cursor it had given before/);
    // the first page, the page after it, and at most one fetched ahead
    expect(hs.count('GET', '/contacts')).toBeLessThanOrEqual(3);
    expect(sb.workspace.contacts().map((c) => c.email)).toContain('typed.offline@example.com');

    // the next run resumes at the saved cursor and stops as quickly
    const before = hs.count('GET', '/contacts');
    expect((await t.core.sync.runOnce()).state).toBe('failing');
    expect(hs.count('GET', '/contacts') - before).toBeLessThanOrEqual(2);
  });

  it('stops on a cycle of cursors (a, b, a)', async () => {
    const { hs, t } = await setup();
    hs.route = listOnly((r) => {
      if (r.method !== 'GET' || r.path !== '/contacts') return undefined;
      const next = r.query.get('starting_after') === 'a' ? 'b' : 'a';
      return { status: 200, json: contactPage([`c-${next}`], next, 5000) };
    });
    const s = await t.core.sync.runOnce();
    expect(s.state).toBe('failing');
    expect(s.message).toMatch(/handed back a page cursor it had given before \(after 3 pages\)/);
    expect(hs.count('GET', '/contacts')).toBeLessThanOrEqual(4);
  });

  it('stops once far more records came than the total Intercom announced (new cursors every time)', async () => {
    const { hs, t } = await setup();
    hs.route = listOnly((r) => {
      if (r.method !== 'GET' || r.path !== '/contacts') return undefined;
      const n = Number(r.query.get('starting_after') ?? '0');
      const ids = Array.from({ length: 100 }, (_, i) => `c-${n * 100 + i}`);
      return { status: 200, json: contactPage(ids, String(n + 1), 10) };
    });
    const s = await t.core.sync.runOnce();
    expect(s.state).toBe('failing');
    expect(s.message).toMatch(/kept sending records past the 10 it announced \(400 read in 4 pages\)/);
    expect(hs.count('GET', '/contacts')).toBeLessThanOrEqual(5);
  });

  it('the incremental pull stops on a looping search, and the push still runs: the edit reaches Intercom and the status says what failed', async () => {
    const { hs, sb, t } = await setup();
    const { contact: c } = await t.api.call('contacts.create', { email: 'pushed.anyway@example.com', name: 'Before' });
    await firstRunDone(t);
    await t.api.call('contacts.update', { id: c.id, patch: { name: 'Edited While Search Loops' } });
    hs.route = (r) => (r.method === 'POST' && r.path === '/contacts/search' ? { status: 200, json: contactPage(['s1'], 'again', 1) } : undefined);

    const s = await t.core.sync.runOnce();
    expect(s.state).toBe('failing');
    expect(s.message).toMatch(/^The last sync could not read Intercom's changes: Intercom's contact search \(POST \/contacts\/search\) handed back a page cursor/);
    expect(s.message).toMatch(/Local changes were still sent/);
    expect(s.pending).toBe(0);
    expect(sb.workspace.contacts().find((x) => x.email === 'pushed.anyway@example.com')!.name).toBe('Edited While Search Loops');
    expect(hs.count('POST', '/contacts/search')).toBeLessThanOrEqual(3);
  });

  it('the company scroll stops on a page of companies it already sent', async () => {
    const { hs, t } = await setup();
    hs.route = scrollOnly((r) => (r.method === 'GET' && r.path === '/companies/scroll' ? { status: 200, json: scrollPage(['k1', 'k2'], 'scroll-1') } : undefined));
    const s = await t.core.sync.runOnce();
    expect(s.state).toBe('failing');
    expect(s.message).toMatch(/company scroll \(GET \/companies\/scroll\) sent a page of records it had already sent/);
    expect(hs.count('GET', '/companies/scroll')).toBeLessThanOrEqual(3);
  });

  it("a contact's event list that hands back the same next page is stopped with an error in words", async () => {
    const { hs, t } = await setup();
    const { contact: c } = await t.api.call('contacts.create', { email: 'events@example.com', role: 'user', externalId: 'ev-1' });
    await firstRunDone(t);
    hs.route = (r) =>
      r.method === 'GET' && r.path === '/events'
        ? { status: 200, json: { type: 'event.list', events: [], pages: { next: `${hs.url}/events?type=user&intercom_user_id=x&per_page=100&before=1` } } }
        : undefined;
    const e = await t.fail('events.pull', { contactId: c.id });
    expect(e.code).toBe('INTERCOM');
    expect(e.message).toMatch(/event list \(GET \/events\) handed back a page cursor it had given before/);
    expect(hs.count('GET', '/events')).toBeLessThanOrEqual(3);
  });
});

describe('an error page of 1 MB of <title>', () => {
  const pathological = '<title>'.repeat(Math.ceil((1024 * 1024) / 7));

  it('reads only its first 64 KiB: a title past them is not looked for', () => {
    const padding = 'x'.repeat(ERROR_PAGE_PREFIX);
    expect(parseErrorBody(`<html><title>Near</title></html>`).detail).toBe('Near');
    expect(parseErrorBody(`${padding}<html><title>Far Away</title></html>`).detail).not.toContain('Far Away');
  });

  it('parses in linear time, no slower than a small page by more than its bounded prefix', () => {
    const t0 = performance.now();
    const big = parseErrorBody(pathological);
    const ms = performance.now() - t0;
    // the quadratic parse took about 27 s on this page; a generous sanity bound
    expect(ms).toBeLessThan(2000);
    expect(big.detail).toBe('an HTML page');
  });

  it('a 503 with that body, retried six times, keeps the console answering (the event loop never blocks for long)', async () => {
    const { hs, t } = await setup();
    hs.route = scrollOnly((r) => (r.method === 'GET' && r.path === '/companies/scroll' ? { status: 503, text: pathological } : undefined));
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const s = await t.core.sync.runOnce();
    delay.disable();
    expect(s.state).toBe('failing');
    expect(s.message).toMatch(/GET \/companies\/scroll \(503\)/);
    expect(hs.count('GET', '/companies/scroll')).toBe(6);
    expect(delay.max / 1e6).toBeLessThan(1000);
  });
});

describe('an answer without end', () => {
  it('stops reading at the size limit (32 MiB) with a clear error, once, without downloading the rest', async () => {
    let written = 0;
    let closed = false;
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const chunk = Buffer.alloc(1024 * 1024, 0x61);
      res.on('close', () => (closed = true));
      const pump = () => {
        while (!closed && written < 64 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (!closed) res.end();
      };
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    open.push(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });
    const requests: number[] = [];
    const client = new IntercomClient({
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      token: 'tok',
      backoff: { baseMs: 1, maxMs: 5 },
      onExchange: (e) => requests.push(e.attempt),
    });
    const e = await client.me().then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(IntercomError);
    expect((e as IntercomError).kind).toBe('unusable');
    expect((e as IntercomError).message).toBe("Intercom's answer to GET /me was larger than 32 MiB, so it was not read");
    expect(requests).toEqual([1]);
    expect(MAX_ANSWER_BYTES).toBe(32 * 1024 * 1024);
    // the server stopped a little past the limit (socket buffers), far from its 64 MiB
    expect(written).toBeLessThan(48 * 1024 * 1024);
  });
});

describe('a server that never answers', () => {
  it('Test connection gives up at its deadline and says Intercom did not answer in time', async () => {
    // the default deadline is 30 s; the test uses a short one (attempts of 20 s are cut to fit it)
    const { hs, t } = await setup({ interactiveDeadlineMs: 400, client: { backoff: { baseMs: 5, maxMs: 20 } } });
    hs.route = (r) => (r.path === '/me' ? 'hang' : undefined);
    const t0 = performance.now();
    const e = await t.fail('sync.testConnection', {});
    const ms = performance.now() - t0;
    expect(e.code).toBe('INTERCOM');
    expect(e.message).toMatch(/^Intercom did not answer GET \/me in time: no usable answer within 0\.4 s/);
    expect(ms).toBeLessThan(5000);
  });

  it('the console answers other calls at once while a run waits on Intercom', async () => {
    const { hs, t } = await setup();
    let asked!: () => void;
    const waiting = new Promise<void>((resolve) => (asked = resolve));
    hs.route = scrollOnly((r) => {
      if (r.path !== '/companies/scroll') return undefined;
      asked();
      return 'hang';
    });
    await t.api.call('contacts.create', { email: 'meanwhile@example.com' });
    const run = t.core.sync.runOnce();
    await waiting;
    const t0 = performance.now();
    const [status, list] = await Promise.all([t.api.call('sync.status', {}), t.api.call('contacts.list', { limit: 5 })]);
    const ms = performance.now() - t0;
    expect(status.state).toBe('syncing');
    expect(list.total).toBe(1);
    expect(ms).toBeLessThan(1000);
    await hs.close();
    await run;
  });
});

describe('faults that cost one request, not a run', () => {
  it('a scroll Intercom ended ("Please restart the scroll operation", then 404 for it) is restarted, not read again', async () => {
    const { hs, t } = await setup();
    let restarted = false;
    hs.route = scrollOnly((r) => {
      if (r.path !== '/companies/scroll') return undefined;
      const param = r.query.get('scroll_param');
      if (param === null) {
        const first = !restarted;
        return { status: 200, json: scrollPage(first ? ['k1'] : ['k1', 'k2'], first ? 'dead' : 'alive') };
      }
      if (param === 'dead') {
        if (restarted) return { status: 404, json: errorList('scroll_param_not_found', 'scroll_param not found or expired') };
        restarted = true;
        return { status: 500, json: errorList('server_error', 'Please restart the scroll operation.') };
      }
      return { status: 200, json: scrollPage([], 'alive') };
    });
    const s = await t.core.sync.runOnce();
    expect(s).toMatchObject({ state: 'idle', initialImport: 'done' });
    expect(t.core.store.companies.count()).toBe(2);
    // the dead scroll was asked for once (the 500), never read again to close it
    expect(hs.seen.filter((r) => r.query.get('scroll_param') === 'dead')).toHaveLength(1);
    // and the next run does not meet it either
    expect((await t.core.sync.runOnce()).state).toBe('idle');
    expect(hs.seen.filter((r) => r.query.get('scroll_param') === 'dead')).toHaveLength(1);
  });

  it('a remembered scroll that is dead (404 scroll_param not found or expired) costs one request and the run goes on', async () => {
    const { hs, t } = await setup();
    await firstRunDone(t);
    t.core.store.settings.set('sync.scroll', { param: 'remembered', at: t.clock.now() }, t.clock.now());
    hs.route = (r) =>
      r.query.get('scroll_param') === 'remembered' ? { status: 404, json: errorList('scroll_param_not_found', 'scroll_param not found or expired') } : undefined;
    const s = await t.core.sync.runOnce();
    expect(s.state).toBe('idle');
    expect(hs.seen.filter((r) => r.query.get('scroll_param') === 'remembered')).toHaveLength(1);
    expect(t.core.store.settings.get('sync.scroll')).toBeNull();
  });

  it('a single 5xx on POST /data_attributes does not fail the run: the attribute is created and the change goes out', async () => {
    const { hs, sb, t } = await setup();
    await t.api.call('contacts.create', { email: 'attr@example.com', customAttributes: { score: 7 } });
    let failed = 0;
    hs.route = (r) => (r.method === 'POST' && r.path === '/data_attributes' && failed++ === 0 ? { status: 503, json: errorList('service_unavailable', 'Try again') } : undefined);
    const s = await t.core.sync.runOnce();
    expect(s).toMatchObject({ state: 'idle', pending: 0, failed: 0 });
    expect(sb.workspace.dataAttributes('contact').map((a) => a.name)).toEqual(expect.arrayContaining(['Stage', 'score']));
    expect(sb.workspace.contacts().find((c) => c.email === 'attr@example.com')?.custom_attributes).toMatchObject({ score: 7 });
  });

  it('an attribute Intercom keeps failing to create holds back only the changes writing it', async () => {
    const { hs, sb, t } = await setup();
    await t.api.call('contacts.create', { email: 'plain@example.com' });
    await t.api.call('contacts.create', { email: 'scored@example.com', customAttributes: { score: 7 } });
    hs.route = (r) =>
      r.method === 'POST' && r.path === '/data_attributes' && r.body.includes('"score"') ? { status: 503, json: errorList('service_unavailable', 'Try again') } : undefined;
    const s = await t.core.sync.runOnce();
    expect(s.state).toBe('idle');
    expect(s.failed).toBe(0);
    expect(s.pending).toBeGreaterThan(0);
    expect(sb.workspace.contacts().map((c) => c.email)).toContain('plain@example.com');
    // Intercom is well again: the next run creates it and the rest goes out
    hs.route = () => undefined;
    const after = await t.core.sync.runOnce();
    expect(after).toMatchObject({ state: 'idle', pending: 0, failed: 0 });
    expect(sb.workspace.contacts().find((c) => c.email === 'scored@example.com')?.custom_attributes).toMatchObject({ score: 7 });
  });
});
