// RateLimiter: its rules on a fake clock, then real workers against a real server that enforces a
// per-second window the way Intercom enforces its 10-second one.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { IntercomClient } from '../../electron/core/sync/IntercomClient';
import { RateLimiter } from '../../electron/core/sync/RateLimiter';

/** A clock that moves only when told, with sleeps that wake when it passes their time. */
function fakeTime(start = 1_700_000_000_000) {
  let t = start;
  const sleepers: { at: number; resolve: () => void }[] = [];
  const sleep = (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      const s = { at: t + ms, resolve };
      sleepers.push(s);
      signal?.addEventListener('abort', () => {
        sleepers.splice(sleepers.indexOf(s), 1);
        reject(signal.reason);
      });
    });
  return {
    now: () => t,
    sleep,
    async advance(ms: number) {
      t += ms;
      for (const s of sleepers.filter((x) => x.at <= t)) {
        sleepers.splice(sleepers.indexOf(s), 1);
        s.resolve();
      }
      await flush();
    },
    pendingSleeps: () => sleepers.length,
  };
}

const flush = () => new Promise((r) => setImmediate(r));

/** Starts acquire() calls and records which have been granted. */
function requester(limiter: RateLimiter) {
  const granted: number[] = [];
  const releases = new Map<number, () => void>();
  let next = 0;
  return {
    granted,
    ask(signal?: AbortSignal) {
      const id = next++;
      const p = limiter.acquire(signal).then((release) => {
        granted.push(id);
        releases.set(id, release);
      });
      return { id, p };
    },
    release(id: number) {
      releases.get(id)!();
    },
  };
}

describe('RateLimiter rules', () => {
  it('sends one probe before any answer, then up to maxConcurrent', async () => {
    const time = fakeTime();
    const limiter = new RateLimiter({ maxConcurrent: 3, now: time.now, sleep: time.sleep });
    const r = requester(limiter);
    for (let i = 0; i < 5; i++) r.ask();
    await flush();
    expect(r.granted).toEqual([0]);
    limiter.observe({ status: 200 }); // no rate headers at all
    r.release(0);
    await flush();
    expect(r.granted).toEqual([0, 1, 2, 3]);
    expect(limiter.snapshot()).toMatchObject({ inFlight: 3, waiting: 1 });
  });

  it('counts requests in flight against Remaining and waits for the reset (+ jitter) when spent', async () => {
    const time = fakeTime();
    const limiter = new RateLimiter({ now: time.now, sleep: time.sleep, random: () => 0.5, jitterMs: 200 });
    const r = requester(limiter);
    const reset = Math.floor(time.now() / 1000) + 10;
    r.ask();
    await flush();
    limiter.observe({ status: 200, limit: 100, remaining: 3, reset, date: time.now() });
    r.release(0);
    for (let i = 0; i < 6; i++) r.ask();
    await flush();
    expect(r.granted).toEqual([0, 1, 2, 3]); // 3 left in the window, 3 in flight
    // answers arrive out of order; the lower count wins
    limiter.observe({ status: 200, limit: 100, remaining: 0, reset, date: time.now() });
    limiter.observe({ status: 200, limit: 100, remaining: 2, reset, date: time.now() });
    r.release(1);
    r.release(2);
    r.release(3);
    await flush();
    expect(r.granted).toHaveLength(4);
    expect(limiter.snapshot()).toMatchObject({ remaining: 0, waiting: 3, inFlight: 0 });

    await time.advance(reset * 1000 - time.now()); // the window is over, but the jitter is not
    expect(r.granted).toHaveLength(4);
    await time.advance(100);
    expect(r.granted).toEqual([0, 1, 2, 3, 4, 5, 6]); // FIFO, optimistic in the new window
    expect(limiter.snapshot().throttledMs).toBeGreaterThanOrEqual(10_000 - 1000);
  });

  it('holds everyone after a 429 until the reset', async () => {
    const time = fakeTime();
    const limiter = new RateLimiter({ now: time.now, sleep: time.sleep, jitterMs: 0 });
    const r = requester(limiter);
    r.ask();
    await flush();
    const reset = Math.floor(time.now() / 1000) + 3;
    limiter.observe({ status: 429, limit: 100, remaining: 0, reset });
    r.release(0);
    r.ask();
    r.ask();
    await flush();
    expect(r.granted).toEqual([0]);
    expect(limiter.snapshot()).toMatchObject({ count429: 1, waiting: 2 });
    await time.advance(reset * 1000 - time.now());
    expect(r.granted).toEqual([0, 1, 2]);
  });

  it('judges the window on Intercom’s clock when ours is off by minutes', async () => {
    const time = fakeTime();
    const limiter = new RateLimiter({ now: time.now, sleep: time.sleep, jitterMs: 0 });
    const r = requester(limiter);
    const server = time.now() + 120_000; // Intercom is two minutes ahead of us
    const reset = Math.floor(server / 1000) + 2;
    r.ask();
    await flush();
    limiter.observe({ status: 200, limit: 10, remaining: 0, reset, date: Math.floor(server / 1000) * 1000 });
    r.release(0);
    r.ask();
    await flush();
    expect(r.granted).toEqual([0]);
    await time.advance(3_000); // ~2 s on either clock, not 2 min
    expect(r.granted).toEqual([0, 1]);
  });

  it('drops an aborted waiter and keeps the rest in order', async () => {
    const time = fakeTime();
    const limiter = new RateLimiter({ now: time.now, sleep: time.sleep });
    const r = requester(limiter);
    r.ask();
    const ac = new AbortController();
    const a = r.ask(ac.signal);
    r.ask();
    await flush();
    ac.abort();
    await expect(a.p).rejects.toBeDefined();
    expect(limiter.snapshot().waiting).toBe(1);
    limiter.observe({ status: 200 });
    r.release(0);
    await flush();
    expect(r.granted).toEqual([0, 2]);
    r.release(2);
    await flush();
    expect(time.pendingSleeps()).toBe(0); // no timer left behind when nobody waits
  });
});

describe('RateLimiter against a server enforcing the limit', () => {
  let server: http.Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
  });

  it('never goes past the limit in a window and uses nearly all of it', async () => {
    const LIMIT = 50;
    const received = new Map<number, number>(); // window (unix s) -> requests that arrived
    const accepted = new Map<number, number>();
    let rejected = 0;
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        // answer after a little latency, like the real thing
        setTimeout(() => {
          const win = Math.floor(Date.now() / 1000);
          received.set(win, (received.get(win) ?? 0) + 1);
          const used = accepted.get(win) ?? 0;
          const headers = { 'Content-Type': 'application/json', 'X-RateLimit-Limit': String(LIMIT), 'X-RateLimit-Reset': String(win + 1) };
          if (used >= LIMIT) {
            rejected++;
            res.writeHead(429, { ...headers, 'X-RateLimit-Remaining': '0' });
            res.end(JSON.stringify({ type: 'error.list', errors: [{ code: 'rate_limit_exceeded', message: 'Exceeded rate limit' }] }));
            return;
          }
          accepted.set(win, used + 1);
          res.writeHead(200, { ...headers, 'X-RateLimit-Remaining': String(LIMIT - used - 1) });
          res.end('{"type":"contact","id":"1"}');
        }, 5);
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const limiter = new RateLimiter({ maxConcurrent: 8, jitterMs: 50 });
    const client = new IntercomClient({ baseUrl, token: 't', limiter });
    // start just after a window boundary so the measured windows are whole
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
    const first = Math.floor(Date.now() / 1000);
    const until = (first + 4) * 1000;
    let done = 0;
    const worker = async () => {
      while (Date.now() < until - 30) {
        await client.getContact('1');
        done++;
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));

    expect(rejected).toBe(0);
    expect(limiter.snapshot().count429).toBe(0);
    for (const n of received.values()) expect(n).toBeLessThanOrEqual(LIMIT);
    const full = [first, first + 1, first + 2, first + 3].map((w) => accepted.get(w) ?? 0);
    // every whole window gets at least 90% of its budget
    for (const n of full) expect(n).toBeGreaterThanOrEqual(0.9 * LIMIT);
    expect(done).toBeGreaterThanOrEqual(0.9 * 4 * LIMIT);
  }, 15_000);
});
