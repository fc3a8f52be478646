// A bulk undo is one transaction: a process killed with SIGKILL while undoing a 20,000-contact
// bulk (half of it already in Intercom, so the undo both withdraws and queues compensations)
// leaves, once reopened, either the whole undo or none of it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SeedLoader, type SeedContact } from '../bench/SeedLoader';
import { makeTempDir, removeTempDir, startCore, TestClock } from '../helpers/testCore';

const ROOT = path.resolve(__dirname, '../..');
// tsx's loader in the process itself, so the SIGKILL reaches the process that writes
const TSX_LOADER = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const CHILD = path.join(__dirname, 'bulkUndoChild.ts');
const N = 20_000;
const KILLS = 6;

function undoInChild(dir: string, bulkId: string, killAfterMs: number | null): Promise<{ killed: boolean; doneMs: number | null }> {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, CHILD, dir, bulkId], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let killed = false;
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    const first = !out.includes('UNDOING');
    out += d.toString();
    if (first && out.includes('UNDOING') && killAfterMs !== null) {
      setTimeout(() => {
        if (child.exitCode === null) {
          killed = child.kill('SIGKILL');
        }
      }, killAfterMs);
    }
  });
  return new Promise((resolve, reject) => {
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal !== 'SIGKILL') reject(new Error(`the undo process failed (code ${code}):\n${err.slice(-2000)}`));
      const done = /DONE (\d+)/.exec(out);
      resolve({ killed: killed && !done, doneMs: done ? Number(done[1]) : null });
    });
  });
}

let seed = 4242;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

describe('bulk undo and SIGKILL', () => {
  const template = makeTempDir();
  const dirs: string[] = [template];
  afterAll(() => dirs.forEach(removeTempDir));

  it('leaves all of the undo or none of it', { timeout: 300_000 }, async () => {
    const at = Date.UTC(2024, 1, 1);
    const t = startCore(template, new TestClock());
    const lead = (i: number): SeedContact => ({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      role: 'lead',
      email: null,
      name: `Lead ${i}`,
      phone: null,
      visitor_id: null,
      external_id: null,
      intercom_id: `ic-${i}`,
      stage: 'lead',
      custom_attributes: '{}',
      created_at: at,
      updated_at: at,
      last_activity_at: null,
      sync_state: 'synced',
      company_pks: [],
      funnel_rank: 0,
      funnel_max: 0,
      stage_entered_at: at,
    });
    new SeedLoader(t.core.store.db).load((s) => s.addContacts(Array.from({ length: N }, (_, i) => lead(i + 1))), { funnelColumns: true });
    const run = await t.api.call('bulk.run', { target: { kind: 'rule', rule: { op: 'and', rules: [{ field: 'stage', in: ['lead'] }] } }, action: { type: 'setStage', stage: 'signed_up' }, confirm: true });
    const bulkId = run.bulk!.id;
    // half of it reached Intercom: the undo compensates those and withdraws the rest
    t.core.store.db.prepare(`UPDATE outbox SET status = 'done' WHERE seq % 2 = 0`).run();
    t.dispose();

    const state = (dir: string) => {
      const c = startCore(dir, new TestClock());
      try {
        return c.core.store.db
          .prepare(
            `SELECT (SELECT count(*) FROM contacts WHERE stage = 'signed_up') AS moved,
                    (SELECT count(*) FROM outbox WHERE status = 'pending') AS pending,
                    (SELECT count(*) FROM outbox WHERE status = 'done') AS done,
                    (SELECT count(*) FROM stage_history) AS history,
                    (SELECT undone_at IS NOT NULL FROM bulk_actions WHERE id = @id) AS undone`,
          )
          .get({ id: bulkId }) as Record<string, number>;
      } finally {
        c.dispose();
      }
    };
    const copy = () => {
      const dir = makeTempDir();
      dirs.push(dir);
      fs.cpSync(template, dir, { recursive: true });
      return dir;
    };
    const before = state(copy());
    expect(before).toMatchObject({ moved: N, pending: N / 2, done: N / 2, undone: 0 });

    // the whole undo, once, to know how long it takes and what "all" is
    const whole = copy();
    const full = await undoInChild(whole, bulkId, null);
    expect(full.doneMs).not.toBeNull();
    const after = state(whole);
    // all back; the pending half withdrawn, the done half compensated (pending again)
    expect(after).toEqual({ moved: 0, pending: N / 2, done: N / 2, history: before.history! + N, undone: 1 });

    let midway = 0;
    for (let i = 0; i < KILLS; i++) {
      const dir = copy();
      const res = await undoInChild(dir, bulkId, Math.floor(random() * Math.max(50, full.doneMs!)));
      const now = state(dir);
      // all or nothing, never a mix
      expect([before, after]).toContainEqual(now);
      if (res.killed && now.undone === 0) midway++;
    }
    // at least one kill landed before the undo committed (and it left nothing behind)
    expect(midway).toBeGreaterThan(0);
  });
});
