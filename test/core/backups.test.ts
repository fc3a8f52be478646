// Backups of the store on a real file: taken on request and once a day (on the core's clock,
// the daily check driven by the test), before a migration of a store with data, pruned by age,
// private to the OS user; and a restore that asks first, keeps the replaced store, refuses a
// damaged copy and leaves the store as it was.
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { backupName, parseBackupName } from '../../electron/core/backup/BackupService';
import { openDatabase } from '../../electron/core/db/openDatabase';
import { MIGRATIONS } from '../../electron/core/db/migrations';
import { makeTempDir, removeTempDir, startCore, TestClock, type TestCore } from '../helpers/testCore';

const DAY = 24 * 60 * 60 * 1000;
const open: TestCore[] = [];
const dirs: string[] = [];

/** A clock that stands still until the test moves it. */
function frozenClock(): TestClock & { advance(ms: number): void } {
  const clock = new TestClock() as TestClock & { advance(ms: number): void };
  clock.step = 0;
  clock.advance = (ms) => {
    clock.step = ms;
    clock.now();
    clock.step = 0;
  };
  return clock;
}

function core(dir = makeTempDir(), clock: TestClock = frozenClock()): TestCore {
  const t = startCore(dir, clock);
  open.push(t);
  dirs.push(dir);
  return t;
}

afterEach(() => {
  for (const t of open.splice(0)) t.dispose();
  for (const d of dirs.splice(0)) removeTempDir(d);
});

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe('backup names', () => {
  it('are lead-console-YYYYMMDD-HHMMSS-<reason>.sqlite in UTC, and read back', () => {
    const at = Date.UTC(2026, 11, 6, 4, 5, 9);
    expect(backupName(at, 'pre-migration')).toBe('lead-console-20261206-040509-pre-migration.sqlite');
    expect(parseBackupName('lead-console-20261206-040509-daily.sqlite')).toEqual({ at, reason: 'daily' });
    expect(parseBackupName('lead-console-20261206-040509-daily.sqlite.partial')).toBeNull();
    expect(parseBackupName('lead-console.sqlite')).toBeNull();
  });
});

describe('backup.now and backup.list', () => {
  it('copies the store while it is open into a private file in a private folder, listed with its reason, time and size', async () => {
    const t = core();
    expect((await t.api.call('backup.list', {})).items).toEqual([]);
    const { contact } = await t.api.call('contacts.create', { name: 'Ann Archer', email: 'ann@example.test' });
    const b = await t.api.call('backup.now', {});
    expect(b).toMatchObject({ name: 'lead-console-20240101-000000-manual.sqlite', reason: 'manual', takenAt: '2024-01-01T00:00:00.000Z' });
    const folder = path.join(t.dir, 'backups');
    const file = path.join(folder, b.name);
    expect(b.sizeBytes).toBe(fs.statSync(file).size);
    expect(mode(folder)).toBe(0o700);
    expect(mode(file)).toBe(0o600);
    // the copy holds what the store held, including what still sat in the WAL
    const copy = new BetterSqlite3(file, { readonly: true });
    expect(copy.prepare('SELECT name FROM contacts WHERE id = ?').pluck().get(contact.id)).toBe('Ann Archer');
    copy.close();
    // a second copy in the same second gets the next second's name, not the first one's file
    const again = await t.api.call('backup.now', {});
    expect(again.name).toBe('lead-console-20240101-000001-manual.sqlite');
    expect((await t.api.call('backup.list', {})).items.map((i) => i.name)).toEqual([again.name, b.name]);
    expect(fs.readdirSync(folder).filter((n) => n.endsWith('.partial'))).toEqual([]);
  });
});

describe('the daily backup', () => {
  it('is taken when the newest copy is a day old, on the check the timer makes, and old ones go', async () => {
    const clock = frozenClock();
    const t = core(makeTempDir(), clock);
    expect(await t.core.backups.tick()).toBeNull(); // an empty store: nothing to keep
    await t.api.call('contacts.create', { name: 'Ann Archer' });
    const first = await t.core.backups.tick();
    expect(first?.reason).toBe('daily'); // none yet: one at once
    expect(await t.core.backups.tick()).toBeNull(); // the next hourly check: not a day yet
    clock.advance(DAY - 1000);
    expect(await t.core.backups.tick()).toBeNull();
    clock.advance(1000);
    expect((await t.core.backups.tick())?.reason).toBe('daily');
    // a manual copy counts as the newest: no daily the same day
    clock.advance(DAY);
    await t.api.call('backup.now', {});
    expect(await t.core.backups.tick()).toBeNull();
    // ten days on, daily copies older than 7 days are gone; the manual one (30 days) stays
    for (let i = 0; i < 10; i++) {
      clock.advance(DAY);
      await t.core.backups.tick();
    }
    const items = (await t.api.call('backup.list', {})).items;
    const ages = items.map((i) => (clock.now() - Date.parse(i.takenAt)) / DAY);
    expect(items.filter((i) => i.reason === 'daily')).toHaveLength(8); // today and the 7 days before
    expect(Math.max(...items.filter((i) => i.reason === 'daily').map((i) => (clock.now() - Date.parse(i.takenAt)) / DAY))).toBeLessThanOrEqual(7);
    expect(items.some((i) => i.reason === 'manual')).toBe(true);
    expect(Math.max(...ages)).toBeGreaterThan(7);
  });

  it('is taken at start when automatic backups are on (desktop and browser mode)', async () => {
    const dir = makeTempDir();
    dirs.push(dir);
    const first = startCore(dir, frozenClock());
    await first.api.call('contacts.create', { name: 'Ann Archer' });
    first.core.dispose();
    const t = startCore(dir, frozenClock(), { autoBackup: true });
    open.push(t);
    // the start's check took it: this one, queued behind it, finds a copy of today
    expect(await t.core.backups.tick()).toBeNull();
    expect((await t.api.call('backup.list', {})).items.map((i) => i.reason)).toEqual(['daily']);
  });
});

describe('the backup before a migration', () => {
  it('keeps a copy of a store with data at its old schema, and none of a new or empty store', async () => {
    const dir = makeTempDir();
    dirs.push(dir);
    const file = path.join(dir, 'lead-console.sqlite');
    const old = MIGRATIONS.length - 1;
    const db = openDatabase(file, { targetVersion: old });
    db.prepare(`INSERT INTO contacts (id, name, role, stage, created_at, updated_at) VALUES ('c-1', 'Old Row', 'lead', 'lead', 1, 1)`).run();
    db.close();

    const t = core(dir);
    expect(t.core.store.schemaVersion).toBe(MIGRATIONS.length);
    const items = (await t.api.call('backup.list', {})).items;
    expect(items.map((i) => i.reason)).toEqual(['pre-migration']);
    const copy = new BetterSqlite3(path.join(dir, 'backups', items[0]!.name), { readonly: true });
    expect(copy.pragma('user_version', { simple: true })).toBe(old);
    expect(copy.prepare(`SELECT name FROM contacts WHERE id = 'c-1'`).pluck().get()).toBe('Old Row');
    copy.close();
    expect(mode(path.join(dir, 'backups', items[0]!.name))).toBe(0o600);

    const fresh = core();
    expect((await fresh.api.call('backup.list', {})).items).toEqual([]);
    const emptyDir = makeTempDir();
    dirs.push(emptyDir);
    openDatabase(path.join(emptyDir, 'lead-console.sqlite'), { targetVersion: old }).close();
    expect((await core(emptyDir).api.call('backup.list', {})).items).toEqual([]);
  });
});

describe('backup.restore', () => {
  it('asks first, then puts the copy in place of the store, keeping the replaced store as a backup', async () => {
    const clock = frozenClock();
    const t = core(makeTempDir(), clock);
    const { contact: ann } = await t.api.call('contacts.create', { name: 'Ann Archer' });
    const b = await t.api.call('backup.now', {});
    clock.advance(60_000);
    await t.api.call('contacts.update', { id: ann.id, patch: { name: 'Ann Later' } });
    const { contact: bob } = await t.api.call('contacts.create', { name: 'Bob Later' });

    const refused = await t.fail('backup.restore', { name: b.name });
    expect(refused).toMatchObject({ code: 'CONFIRM_REQUIRED', field: 'confirm', details: { takenAt: b.takenAt } });
    expect((await t.api.call('contacts.get', { id: ann.id })).name).toBe('Ann Later');

    const done = await t.api.call('backup.restore', { name: b.name, confirm: true });
    expect(done).toMatchObject({ restored: b.name, keptAs: 'lead-console-20240101-000100-before-restore.sqlite' });
    expect((await t.api.call('contacts.get', { id: ann.id })).name).toBe('Ann Archer');
    expect((await t.fail('contacts.get', { id: bob.id })).code).toBe('NOT_FOUND');
    expect(mode(t.core.dbFile)).toBe(0o600);
    // what was replaced is kept, whole
    const kept = new BetterSqlite3(path.join(t.dir, 'backups', done.keptAs), { readonly: true });
    expect(kept.prepare('SELECT name FROM contacts WHERE id = ?').pluck().get(bob.id)).toBe('Bob Later');
    kept.close();
    expect((await t.api.call('backup.list', {})).items.map((i) => i.reason)).toEqual(['before-restore', 'manual']);
    // screens are told to refresh, and the store keeps working after a restart
    expect(t.events.some((e) => e.name === 'changed' && (e.payload as { op: string }).op === 'backup.restored')).toBe(true);
    await t.api.call('contacts.update', { id: ann.id, patch: { name: 'Ann Again' } });
    t.core.dispose();
    const again = t.reopen();
    open.push(again);
    expect((await again.api.call('contacts.get', { id: ann.id })).name).toBe('Ann Again');
  });

  it('refuses a name not in the list, a damaged copy and one from a newer build, leaving the store untouched', async () => {
    const t = core();
    const { contact: ann } = await t.api.call('contacts.create', { name: 'Ann Archer' });
    expect(await t.fail('backup.restore', { name: '../lead-console.sqlite', confirm: true })).toMatchObject({ code: 'VALIDATION', field: 'name' });
    expect(await t.fail('backup.restore', { name: 'lead-console-20200101-000000-daily.sqlite', confirm: true })).toMatchObject({
      code: 'NOT_FOUND',
      field: 'name',
    });

    const folder = path.join(t.dir, 'backups');
    fs.mkdirSync(folder, { recursive: true });
    const damaged = 'lead-console-20231231-000000-daily.sqlite';
    fs.writeFileSync(path.join(folder, damaged), Buffer.alloc(8192, 7));
    const err = await t.fail('backup.restore', { name: damaged, confirm: true });
    expect(err).toMatchObject({ code: 'VALIDATION', field: 'name' });
    expect(err.message).toContain(damaged);

    const newer = 'lead-console-20231230-000000-manual.sqlite';
    const b = await t.api.call('backup.now', {});
    fs.copyFileSync(path.join(folder, b.name), path.join(folder, newer));
    const db = new BetterSqlite3(path.join(folder, newer));
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect((await t.fail('backup.restore', { name: newer, confirm: true })).message).toContain('newer version');

    expect((await t.api.call('contacts.get', { id: ann.id })).name).toBe('Ann Archer');
    expect((await t.api.call('backup.list', {})).items.some((i) => i.reason === 'before-restore')).toBe(false);
  });
});

describe('a restore that cannot open the copy', () => {
  it('puts the replaced store back, as it was, and says so', async () => {
    const t = core();
    const { contact: ann } = await t.api.call('contacts.create', { name: 'Ann Archer' });
    const b = await t.api.call('backup.now', {});
    await t.api.call('contacts.update', { id: ann.id, patch: { name: 'Ann Later' } });
    // a copy that passes the check but whose migration fails when it opens: an older schema
    // version with a table in the way of the next migration
    const file = path.join(t.dir, 'backups', b.name);
    const db = new BetterSqlite3(file);
    db.pragma(`user_version = ${MIGRATIONS.length - 1}`);
    db.close();
    const err = await t.fail('backup.restore', { name: b.name, confirm: true });
    expect(err.code).toBe('INTERNAL');
    expect(err.message).toContain('your data is as it was');
    expect((await t.api.call('contacts.get', { id: ann.id })).name).toBe('Ann Later');
    await t.api.call('contacts.update', { id: ann.id, patch: { name: 'Ann Still Works' } });
    expect((await t.api.call('contacts.get', { id: ann.id })).name).toBe('Ann Still Works');
  });
});
