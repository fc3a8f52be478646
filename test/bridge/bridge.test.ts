// The browser-mode bridge over real HTTP on 127.0.0.1: token, Host and Origin checks, the
// envelope, pushed events (SSE), static files, and the 0600 bridge.json.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../electron/core/app';
import { startBridge, type Bridge } from '../../electron/bridge/BridgeServer';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(bridge: Bridge, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: bridge.port, method: opts.method ?? 'POST', path: opts.path, headers: opts.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

let dir: string;
let core: Core;
let bridge: Bridge;
const auth = () => ({ Authorization: `Bearer ${bridge.token}`, 'Content-Type': 'application/json' });

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-console-bridge-'));
  const rendererDir = path.join(dir, 'renderer');
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Lead Console</title>');
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'do not serve');
  core = createCore({ dataDir: dir, mode: 'browser', validateOutput: true });
  bridge = await startBridge({ core, port: 0, rendererDir, dataDir: dir });
});

afterEach(async () => {
  await bridge.close();
  core.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('API envelope and auth', () => {
  it('answers 200 with { ok: true, value } for an authorised call', async () => {
    const r = await request(bridge, { path: '/api/contacts.create', headers: auth(), body: JSON.stringify({ name: 'Ada', email: 'ADA@x.io' }) });
    expect(r.status).toBe(200);
    const body = JSON.parse(r.body);
    expect(body.ok).toBe(true);
    expect(body.value.contact.email).toBe('ada@x.io');
  });

  it('answers 200 with { ok: false, error } naming the field for bad input', async () => {
    const r = await request(bridge, { path: '/api/contacts.create', headers: auth(), body: JSON.stringify({ name: 'A', email: 'nope' }) });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ ok: false, error: { code: 'VALIDATION', field: 'email', message: 'Email: is not a valid email address' } });
  });

  it('refuses a missing or wrong token with 401 and does not run the method', async () => {
    const before = core.store.fingerprint();
    const none = await request(bridge, { path: '/api/contacts.create', headers: { 'Content-Type': 'application/json' }, body: '{"name":"X"}' });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    const wrong = await request(bridge, {
      path: '/api/contacts.create',
      headers: { Authorization: `Bearer ${bridge.token.slice(0, -1)}x`, 'Content-Type': 'application/json' },
      body: '{"name":"X"}',
    });
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body).error.code).toBe('AUTH');
    expect(core.store.fingerprint()).toEqual(before);
  });

  it('answers 404 for an unknown method (after auth) and 405 for GET on a method', async () => {
    const r = await request(bridge, { path: '/api/contacts.destroyAll', headers: auth(), body: '{}' });
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body).error.code).toBe('UNKNOWN_METHOD');
    const unauth = await request(bridge, { path: '/api/contacts.destroyAll', body: '{}' });
    expect(unauth.status).toBe(401);
    const get = await request(bridge, { method: 'GET', path: '/api/contacts.list', headers: auth() });
    expect(get.status).toBe(405);
  });

  it('rejects malformed JSON, non-JSON content and bodies over 1 MiB, leaving the store untouched', async () => {
    const before = core.store.fingerprint();
    const bad = await request(bridge, { path: '/api/contacts.create', headers: auth(), body: '{"name":' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toMatchObject({ code: 'VALIDATION', field: 'body' });
    const form = await request(bridge, { path: '/api/contacts.create', headers: { ...auth(), 'Content-Type': 'text/plain' }, body: 'name=x' });
    expect(form.status).toBe(415);
    const big = await request(bridge, {
      path: '/api/contacts.create',
      headers: auth(),
      body: JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) }),
    }).catch((e: Error) => ({ status: 413, body: e.message, headers: {} }));
    expect(big.status).toBe(413);
    expect(core.store.fingerprint()).toEqual(before);
  });
});

describe('Origin and Host checks', () => {
  it('refuses a foreign Origin with 403 even with the right token', async () => {
    const before = core.store.fingerprint();
    const r = await request(bridge, {
      path: '/api/contacts.create',
      headers: { ...auth(), Origin: 'https://evil.example' },
      body: '{"name":"X"}',
    });
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).error.code).toBe('FORBIDDEN');
    expect(core.store.fingerprint()).toEqual(before);
  });

  it('refuses a cross-site fetch marked by Sec-Fetch-Site', async () => {
    const r = await request(bridge, { path: '/api/contacts.list', headers: { ...auth(), 'Sec-Fetch-Site': 'cross-site' }, body: '{}' });
    expect(r.status).toBe(403);
  });

  it('accepts its own origin, on 127.0.0.1 and localhost', async () => {
    for (const origin of [`http://127.0.0.1:${bridge.port}`, `http://localhost:${bridge.port}`]) {
      const r = await request(bridge, { path: '/api/contacts.list', headers: { ...auth(), Origin: origin }, body: '{}' });
      expect(r.status).toBe(200);
    }
  });

  it('refuses a foreign Host header (DNS rebinding) with 403, for the API and for pages', async () => {
    const api = await request(bridge, { path: '/api/contacts.list', headers: { ...auth(), Host: `attacker.example:${bridge.port}` }, body: '{}' });
    expect(api.status).toBe(403);
    const page = await request(bridge, { method: 'GET', path: '/', headers: { Host: 'attacker.example' } });
    expect(page.status).toBe(403);
    const otherPort = await request(bridge, { method: 'GET', path: '/', headers: { Host: `127.0.0.1:${bridge.port + 1}` } });
    expect(otherPort.status).toBe(403);
  });

  it('listens on 127.0.0.1 only', () => {
    expect(bridge.url).toBe(`http://127.0.0.1:${bridge.port}/`);
  });
});

describe('pushed events (SSE)', () => {
  it('streams a changed event after a change, and refuses the stream without the token', async () => {
    const refused = await request(bridge, { method: 'GET', path: '/api/events' });
    expect(refused.status).toBe(401);

    const received = new Promise<string>((resolve, reject) => {
      const req = http.get(
        { host: '127.0.0.1', port: bridge.port, path: '/api/events', headers: { Authorization: `Bearer ${bridge.token}` } },
        (res) => {
          expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
          let buf = '';
          res.on('data', (c: Buffer) => {
            buf += c.toString();
            if (buf.includes('event: changed')) {
              req.destroy();
              resolve(buf);
            }
          });
          // the stream is open: make a change
          setTimeout(() => {
            void request(bridge, { path: '/api/contacts.create', headers: auth(), body: '{"name":"Evented"}' });
          }, 50);
        },
      );
      req.on('error', (e) => (e.message.includes('socket hang up') ? undefined : reject(e)));
    });
    const text = await received;
    const data = JSON.parse(/data: (.*)\n/.exec(text.slice(text.indexOf('event: changed')))![1]!);
    expect(data).toMatchObject({ entity: 'contact', op: 'contact.create' });
    expect(data.ids).toHaveLength(1);
  });
});

describe('static renderer', () => {
  it('serves index.html at / with a strict CSP and no caching', async () => {
    const r = await request(bridge, { method: 'GET', path: '/' });
    expect(r.status).toBe(200);
    expect(r.body).toContain('<title>Lead Console</title>');
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['content-security-policy']).not.toContain('unsafe-eval');
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.headers['cache-control']).toBe('no-store');
  });

  it('serves assets, falls back to the app for routes, 404s missing files and never leaves the folder', async () => {
    const js = await request(bridge, { method: 'GET', path: '/assets/app.js' });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    const route = await request(bridge, { method: 'GET', path: '/contacts/123' });
    expect(route.status).toBe(200);
    expect(route.body).toContain('Lead Console');
    const missing = await request(bridge, { method: 'GET', path: '/assets/nope.js' });
    expect(missing.status).toBe(404);
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const r = await request(bridge, { method: 'GET', path: p });
      expect(r.body).not.toContain('do not serve');
    }
  });
});

describe('bridge.json', () => {
  it('records the URL and token, readable by the owner only', () => {
    const file = path.join(dir, 'bridge.json');
    expect(bridge.infoFile).toBe(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const info = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(info).toMatchObject({ url: bridge.url, token: bridge.token, port: bridge.port });
    expect(info.openUrl).toBe(`${bridge.url}#token=${bridge.token}`);
  });

  it('uses a new random token on each start', async () => {
    const other = await startBridge({ core, port: 0 });
    try {
      expect(other.token).not.toBe(bridge.token);
      expect(other.token.length).toBeGreaterThanOrEqual(40);
    } finally {
      await other.close();
    }
  });
});
