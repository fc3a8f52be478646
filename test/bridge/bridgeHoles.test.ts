// The bridge against malformed addresses and oversized bodies, over real HTTP: a broken
// percent-encoding is a 400 in words (API, exports, pages), never a 500; a body over 1 MiB gets
// a 413 naming the limit that the client can read, not a reset connection; and the page's own
// transport refuses such a body before sending it instead of saying the console is not running.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBridge, type Bridge } from '../../electron/bridge/BridgeServer';
import { createCore, type Core } from '../../electron/core/app';
import { MAX_REQUEST_BYTES } from '../../shared/client';
import { requestBody } from '../../renderer/src/requestBody';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(bridge: Bridge, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: bridge.port, method: opts.method ?? 'POST', path: opts.path, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
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
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-console-bridge-holes-'));
  const rendererDir = path.join(dir, 'renderer');
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Lead Console</title>');
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app one.js'), 'console.log(1)');
  const exportsDir = path.join(dir, 'exports');
  fs.mkdirSync(exportsDir);
  core = createCore({ dataDir: dir, mode: 'browser', validateOutput: true });
  bridge = await startBridge({ core, port: 0, rendererDir, dataDir: dir, exportsDir });
});

afterEach(async () => {
  await bridge.close();
  core.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('malformed percent-encoding', () => {
  it('answers 400 naming the address for an API method, with the right token, and runs nothing', async () => {
    const before = core.store.fingerprint();
    for (const p of ['/api/%E0%A4%A', '/api/%', '/api/contacts.%ZZ', '/api/contacts.list%00']) {
      const r = await request(bridge, { path: p, headers: auth(), body: '{}' });
      expect(r.status, p).toBe(400);
      const error = JSON.parse(r.body).error;
      expect(error).toMatchObject({ code: 'VALIDATION', field: 'url' });
      expect(error.message).toMatch(/percent-encoding/);
    }
    expect(core.store.fingerprint()).toEqual(before);
    // the token check still comes first
    expect((await request(bridge, { path: '/api/%E0%A4%A', body: '{}' })).status).toBe(401);
  });

  it('answers 400 for an export and a page, and still decodes a well-formed one', async () => {
    const exp = await request(bridge, { method: 'GET', path: '/exports/%E0%A4%A.csv', headers: auth() });
    expect(exp.status).toBe(400);
    expect(JSON.parse(exp.body).error.field).toBe('url');
    const page = await request(bridge, { method: 'GET', path: '/assets/%E0%A4%A.js' });
    expect(page.status).toBe(400);
    expect(page.body).toMatch(/percent-encoding/);
    const asset = await request(bridge, { method: 'GET', path: '/assets/app%20one.js' });
    expect(asset.status).toBe(200);
    expect(asset.body).toBe('console.log(1)');
  });
});

describe('a body over 1 MiB', () => {
  const big = () => JSON.stringify({ name: 'x'.repeat(MAX_REQUEST_BYTES + 10) });

  it('gets a 413 naming the limit, read by the client before the connection closes, and nothing is written', async () => {
    const before = core.store.fingerprint();
    const r = await request(bridge, { path: '/api/contacts.create', headers: auth(), body: big() });
    expect(r.status).toBe(413);
    expect(r.headers.connection).toBe('close');
    const error = JSON.parse(r.body).error;
    expect(error).toMatchObject({ code: 'VALIDATION', field: 'body' });
    expect(error.message).toContain('1 MiB');
    expect(core.store.fingerprint()).toEqual(before);
    // the console is still there
    expect((await request(bridge, { path: '/api/contacts.list', headers: auth(), body: '{}' })).status).toBe(200);
  });

  it('reaches fetch as an answer, not as a network error', async () => {
    const res = await fetch(`${bridge.url}api/contacts.create`, { method: 'POST', headers: auth(), body: big() });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(`${MAX_REQUEST_BYTES} bytes`);
  });

  it('is refused by the page before it is sent, in words; a smaller body is sent as it is', async () => {
    expect(requestBody({ name: 'x'.repeat(MAX_REQUEST_BYTES) })).toEqual({
      error: { code: 'VALIDATION', field: 'body', message: expect.stringContaining('1 MiB') },
    });
    // the limit is in bytes, not characters: 600k two-byte characters are over it
    expect('error' in requestBody({ name: 'é'.repeat(600_000) })).toBe(true);
    const small = requestBody({ name: 'Small Enough' });
    if (!('body' in small)) throw new Error('a small body was refused');
    const res = await fetch(`${bridge.url}api/contacts.create`, { method: 'POST', headers: auth(), body: small.body });
    expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
  });
});
