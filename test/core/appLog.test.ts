// The log file in the data folder: rotated by size, private (folder 0700, files 0600), readable
// through logs.tail, and free of tokens and personal data: a real sync against the sandbox with
// a token and named contacts with emails, a failing run and a refused token leave only ids,
// counts and states in it.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLog, LOG_FILE_NAME, logFilePath } from '../../electron/core/log/AppLog';
import { redact } from '../../electron/core/log/redact';
import { sweepDataDir } from '../../electron/core/files/privateFiles';
import { startSandbox, type Sandbox } from '../../electron/sandbox';
import { makeTempDir, removeTempDir, startCore, TestClock, type TestCore } from '../helpers/testCore';

const mode = (file: string) => fs.statSync(file).mode & 0o777;

let previousUmask = 0;
beforeAll(() => {
  previousUmask = process.umask(0o022);
});
afterAll(() => {
  process.umask(previousUmask);
});

const dirs: string[] = [];
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  for (const d of dirs.splice(0)) removeTempDir(d);
});
function tempDir(): string {
  const d = makeTempDir();
  dirs.push(d);
  return d;
}

/** Every log file of a data folder, the rotated ones included, as one text. */
function wholeLog(dataDir: string): string {
  const dir = path.dirname(logFilePath(dataDir));
  return fs
    .readdirSync(dir)
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
    .join('');
}

describe('the log file', () => {
  it('lives in <data>/logs and is created only by the first line', () => {
    const dir = tempDir();
    const log = createLog(dir);
    expect(log.file).toBe(path.join(dir, 'logs', LOG_FILE_NAME));
    expect(fs.existsSync(path.join(dir, 'logs'))).toBe(false);
    log.info('start', { version: '1.2.3', mode: 'browser', dataDir: dir });
    expect(fs.readFileSync(log.file, 'utf8')).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z INFO  start version=1\\.2\\.3 mode=browser dataDir=${dir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\n$`));
  });

  it('rotates by size, keeping the number of files asked for, and tail reads across them in order', () => {
    const dir = tempDir();
    const log = createLog(dir, { maxBytes: 400, files: 3 });
    for (let i = 1; i <= 60; i++) log.info('tick', { n: i });
    const names = fs.readdirSync(path.join(dir, 'logs')).sort();
    expect(names).toEqual([LOG_FILE_NAME, `${LOG_FILE_NAME}.1`, `${LOG_FILE_NAME}.2`]);
    for (const name of names) expect(fs.statSync(path.join(dir, 'logs', name)).size).toBeLessThanOrEqual(400);
    const all = wholeLog(dir);
    expect(all).toContain('tick n=60\n');
    expect(all).not.toContain('tick n=1\n'); // the oldest went with the oldest file
    const last = log.tail(12);
    expect(last).toHaveLength(12);
    expect(last.map((l) => Number(/n=(\d+)$/.exec(l)![1]))).toEqual(Array.from({ length: 12 }, (_, i) => 49 + i));
    expect(log.tail(0)).toEqual([]);
  });

  it('makes the folder 0700 and every file 0600 under umask 022, and the start sweep tightens an old one', () => {
    const dir = tempDir();
    const log = createLog(dir, { maxBytes: 200, files: 3 });
    for (let i = 0; i < 20; i++) log.warn('tick', { n: i });
    const logs = path.join(dir, 'logs');
    expect(mode(logs)).toBe(0o700);
    for (const name of fs.readdirSync(logs)) expect(`${name} ${mode(path.join(logs, name)).toString(8)}`).toBe(`${name} 600`);

    // what an older build (or a copy) left open is tightened: by the next line, and by the sweep at start
    fs.chmodSync(log.file, 0o644);
    log.info('again');
    expect(mode(log.file)).toBe(0o600);
    fs.chmodSync(`${log.file}.1`, 0o644);
    fs.chmodSync(logs, 0o755);
    sweepDataDir(dir);
    expect(mode(`${log.file}.1`)).toBe(0o600);
    expect(mode(logs)).toBe(0o700);
  });

  it('drops a line it cannot write instead of throwing', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'logs'), 'a file where the folder should be');
    const log = createLog(dir);
    expect(() => log.error('sync run failed', new Error('boom'))).not.toThrow();
    expect(log.tail(10)).toEqual([]);
  });
});

describe('what reaches the log', () => {
  it('masks emails and credentials in free text, and keeps ids, paths and counts readable', () => {
    const uuid = '3f0c2a4e-1b2c-4d3e-8f9a-0b1c2d3e4f5a';
    expect(redact('contact ann.archer+x@example.co.uk refused')).toBe('contact [email] refused');
    expect(redact('Authorization: Bearer dG9rOjEyMzQ1Njc4OWFiY2RlZjoxOjA=')).toBe('Authorization: Bearer [secret]');
    expect(redact('sent with token=abc&x=1')).toBe('sent with token=[secret]&x=1');
    expect(redact('http://127.0.0.1:4477/#token=m-x8AcUYBnkvuX_q8ajQ9Feaez2suHY_EZ-BH7CosIk')).toBe('http://127.0.0.1:4477/#token=[secret]');
    expect(redact('key dG9rOjEyMzQ1Njc4OWFiY2RlZjoxOjA= leaked')).toBe('key [secret] leaked');
    expect(redact(`contact ${uuid} intercom 65a1f0c2d3e4f5a6b7c8d9e0`)).toBe(`contact ${uuid} intercom 65a1f0c2d3e4f5a6b7c8d9e0`);
    expect(redact('/tmp/lead-console-test-AbC123/Lead Console/logs')).toBe('/tmp/lead-console-test-AbC123/Lead Console/logs');
    expect(redact('/home/ann/.config/lead-console-dist-check-JuUCbZ/data')).toBe('/home/ann/.config/lead-console-dist-check-JuUCbZ/data');
    expect(redact('GET /tokens/dG9rOjEyMzQ1Njc4OWFiY2RlZjoxOjA/me')).toBe('GET /tokens/[secret]/me');
  });

  it('an error: its kind, code and masked message, and code locations, never the values it carried', () => {
    const dir = tempDir();
    const log = createLog(dir);
    const e = Object.assign(new TypeError('cannot read x of ann@example.test with Bearer dG9rOjEyMzQ1Njc4OWFiY2RlZjoxOjA='), { code: 'E_TEST' });
    log.error('unexpected error in handler', e, { method: 'contacts.update' });
    const text = wholeLog(dir);
    expect(text).toMatch(/ERROR unexpected error in handler method=contacts\.update kind=TypeError code=E_TEST error="cannot read x of \[email\] with Bearer \[secret\]"\n {4}at /);
    expect(text).not.toContain('ann@example.test');
    expect(text).not.toContain('dG9rOjEy');
  });

  describe('a sync with a token and named contacts with emails', () => {
    const TOKEN = 'dG9rOjNmMGMyYTRlXzFiMmNfNGQzZTo4ZjlhOjE6MA==';
    const PEOPLE = [
      { name: 'Annabel Archer', email: 'annabel.archer@example.test' },
      { name: 'Bertram Baker', email: 'bertram.baker@example.test' },
      { name: 'Cyrielle Cole', email: 'cyrielle.cole@example.test' },
    ];
    let sb: Sandbox;
    let t: TestCore;

    beforeAll(async () => {
      const clock = new TestClock();
      sb = await startSandbox({ token: TOKEN, searchLagMs: 0, randomSeed: 5, now: clock.now, rateLimit: { limit: 1_000_000, windowMs: 10_000 } });
      t = startCore(makeTempDir(), clock, {
        intercom: { baseUrl: sb.url, source: 'start-option', token: TOKEN },
        autoSync: false,
        sync: { client: { timeoutMs: 5000, maxAttempts: 2, backoff: { baseMs: 1, maxMs: 5 } } },
      });
    });
    afterAll(async () => {
      t.dispose();
      removeTempDir(t.dir);
      await sb.close();
    });

    it('logs each run with its counts, a failing one with why, and nothing personal or secret', async () => {
      const ids: string[] = [];
      for (const p of PEOPLE) ids.push((await t.api.call('contacts.create', p)).contact.id);
      await t.api.call('companies.create', { name: 'Archer Holdings' });
      let status = await t.core.sync.runOnce();
      for (let i = 0; i < 5 && (status.pending > 0 || status.state !== 'idle'); i++) status = await t.core.sync.runOnce();
      expect(status).toMatchObject({ state: 'idle', pending: 0 });

      // a run Intercom keeps failing
      await t.api.call('contacts.update', { id: ids[0]!, patch: { name: 'Annabel Archer-Smith', email: 'annabel.smith@example.test' } });
      sb.setFaults({ errorRate: 1 });
      status = await t.core.sync.runOnce();
      expect(status.state).toBe('failing');
      sb.setFaults({ errorRate: 0 });

      const { file, lines } = await t.api.call('logs.tail', { lines: 200 });
      expect(file).toBe(logFilePath(t.dir));
      const text = lines.join('\n');
      expect(text).toMatch(/INFO {2}sync\.start run=1 waiting=\d+ failed=0 conflicts=0 firstPull=not_started/);
      expect(text).toMatch(/INFO {2}sync\.end run=\d+ state=idle ms=\d+ waitingBefore=\d+ waiting=0 failed=0 conflicts=0 firstPull=done changed\.contact=\d+/);
      expect(text).toMatch(/WARN {2}sync\.end run=\d+ state=failing .*why="The last sync stopped: /);

      const whole = wholeLog(t.dir);
      expect(whole).toBe(fs.readFileSync(logFilePath(t.dir), 'utf8')); // one file: nothing rotated yet
      for (const secret of [TOKEN, TOKEN.slice(0, 16)]) expect(whole).not.toContain(secret);
      for (const p of [...PEOPLE, { name: 'Annabel Archer-Smith', email: 'annabel.smith@example.test' }]) {
        expect(whole).not.toContain(p.email);
        expect(whole).not.toContain(p.name);
        expect(whole).not.toContain(p.email.split('@')[0]);
      }
      expect(whole).not.toContain('Archer');
    });

    it('a token Intercom refuses: the run is logged as paused, the token is not', async () => {
      const wrong = 'dG9rOldST05HX1RPS0VOXzEyMzQ1Njc4OTA6MTow';
      const r = startCore(tempDir(), new TestClock(), {
        intercom: { baseUrl: sb.url, source: 'start-option', token: wrong },
        autoSync: false,
        sync: { client: { timeoutMs: 5000, maxAttempts: 1 } },
      });
      cleanups.push(() => r.dispose());
      await r.api.call('contacts.create', { name: 'Dora Dunn', email: 'dora.dunn@example.test' });
      expect((await r.core.sync.runOnce()).state).toBe('paused_auth');
      const whole = wholeLog(r.dir);
      expect(whole).toMatch(/WARN {2}sync\.end run=1 state=paused_auth .*why="Intercom refused the access token/);
      for (const leak of [wrong, wrong.slice(0, 16), 'Dora', 'dora.dunn']) expect(whole).not.toContain(leak);
    });
  });
});
