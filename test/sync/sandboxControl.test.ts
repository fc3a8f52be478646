// The sandbox's /_sandbox/ control surface behind the same checks as the console's API, over real
// HTTP: its own token, no other site's page (a cross-site text/plain POST), no foreign Host (DNS
// rebinding, for the Intercom API too), JSON only; and `--sandbox` keeps the token in a 0600 file
// that the start banner names.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../electron/sandbox';
import { SANDBOX_CONTROL_TOKEN_FILE, startIntercom } from '../../electron/startup/startIntercom';

const open: Sandbox[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function sandbox(): Promise<Sandbox> {
  const sb = await startSandbox({ randomSeed: 42, searchLagMs: 0, seed: 'demo' });
  open.push(sb);
  return sb;
}

/** node:http, so the Host header can be anything a rebound name would send. */
function send(sb: Sandbox, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: any }> {
  const port = Number(new URL(sb.url).port);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: opts.method ?? 'POST', path: opts.path, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined });
      });
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const control = (sb: Sandbox) => ({ Authorization: `Bearer ${sb.controlToken}`, 'Content-Type': 'application/json' });
const faultsOn = JSON.stringify({ errorRate: 1 });

describe('the control surface', () => {
  it('answers its own token and refuses none, a wrong one and the Intercom token with 401, changing nothing', async () => {
    const sb = await sandbox();
    expect(sb.controlToken.length).toBeGreaterThanOrEqual(32);
    expect(sb.controlToken).not.toBe(sb.token);
    const wrong: Record<string, string>[] = [{}, { Authorization: `Bearer ${sb.controlToken}x` }, { Authorization: `Bearer ${sb.token}` }];
    for (const auth of wrong) {
      const r = await send(sb, { path: '/_sandbox/faults', headers: { ...auth, 'Content-Type': 'application/json' }, body: faultsOn });
      expect(r.status).toBe(401);
      expect(r.body.errors[0].message).toMatch(/control token/);
      expect((await send(sb, { method: 'GET', path: '/_sandbox/state', headers: auth })).status).toBe(401);
    }
    expect(sb.faults().errorRate).toBe(0);
    const ok = await send(sb, { path: '/_sandbox/faults', headers: control(sb), body: faultsOn });
    expect(ok.status).toBe(200);
    expect(sb.faults().errorRate).toBe(1);
  });

  it('refuses a cross-site text/plain POST, and another site even with the token', async () => {
    const sb = await sandbox();
    const name = sb.workspace.contacts()[0]!.name;
    const id = sb.workspace.contacts()[0]!.id;
    const edit = JSON.stringify({ contactId: id, patch: { name: 'Defaced' } });
    const formPost = await send(sb, { path: '/_sandbox/remote-edit', headers: { Origin: 'https://evil.example', 'Content-Type': 'text/plain' }, body: edit });
    expect(formPost.status).toBe(403);
    const withToken = await send(sb, { path: '/_sandbox/remote-edit', headers: { ...control(sb), Origin: 'https://evil.example' }, body: edit });
    expect(withToken.status).toBe(403);
    expect(withToken.body.errors[0].message).toMatch(/other sites/);
    const marked = await send(sb, { path: '/_sandbox/remote-edit', headers: { ...control(sb), 'Sec-Fetch-Site': 'cross-site' }, body: edit });
    expect(marked.status).toBe(403);
    // text/plain from a script with the token: JSON only, as the console's API
    const plain = await send(sb, { path: '/_sandbox/remote-edit', headers: { ...control(sb), 'Content-Type': 'text/plain' }, body: edit });
    expect(plain.status).toBe(415);
    expect(sb.workspace.contacts()[0]!.name).toBe(name);
    // its own origin is fine
    const own = await send(sb, { path: '/_sandbox/remote-edit', headers: { ...control(sb), Origin: sb.url }, body: edit });
    expect(own.status).toBe(200);
    expect(sb.workspace.contacts().find((c) => c.id === id)!.name).toBe('Defaced');
  });

  it('refuses a foreign Host (DNS rebinding) on the control surface and on the Intercom API', async () => {
    const sb = await sandbox();
    const port = new URL(sb.url).port;
    for (const host of [`attacker.example:${port}`, 'attacker.example', `127.0.0.1:${Number(port) + 1}`]) {
      const r = await send(sb, { path: '/_sandbox/faults', headers: { ...control(sb), Host: host }, body: faultsOn });
      expect(r.status, host).toBe(403);
      expect(r.body.errors[0].message).toMatch(/Forbidden host/);
      const api = await send(sb, { method: 'GET', path: '/me', headers: { Authorization: `Bearer ${sb.token}`, Accept: 'application/json', Host: host } });
      expect(api.status, host).toBe(403);
    }
    expect(sb.faults().errorRate).toBe(0);
    expect(sb.stats().requests).toBe(0);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      const api = await send(sb, { method: 'GET', path: '/me', headers: { Authorization: `Bearer ${sb.token}`, Accept: 'application/json', Host: host } });
      expect(api.status, host).toBe(200);
    }
  });
});

describe('--sandbox', () => {
  it('keeps the control token in a 0600 file that the start banner names, and that token drives the sandbox', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-console-sandbox-control-'));
    dirs.push(dir);
    const started = await startIntercom({ sandbox: true, intercomUrl: null, dataDir: dir });
    open.push(started.sandbox!);
    const file = path.join(dir, SANDBOX_CONTROL_TOKEN_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const token = fs.readFileSync(file, 'utf8');
    expect(token).toBe(started.sandbox!.controlToken);
    expect(started.describe).toContain(`${started.sandbox!.url}/_sandbox/faults`);
    expect(started.describe).toContain(file);
    const r = await fetch(`${started.sandbox!.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ errorRate: 0.3, latencyMs: 200 }),
    });
    expect(r.status).toBe(200);
    expect(started.sandbox!.faults()).toMatchObject({ errorRate: 0.3, latencyMs: 200 });
  });
});
