// A damaged store is refused in words (DAMAGED naming the file, what is wrong and the way back)
// and never written to: each kind of damage on a real file, which must stay byte-identical.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore } from '../../electron/core/app';
import { AppError, type ErrorPayload } from '../../shared/errors';
import { makeTempDir, removeTempDir, startCore } from '../helpers/testCore';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeTempDir(d);
});

/** A folder holding a real store of `contacts` contacts, closed cleanly (no -wal left). */
async function storeWith(contacts: number): Promise<{ dir: string; file: string }> {
  const dir = makeTempDir();
  dirs.push(dir);
  const t = startCore(dir);
  for (let i = 0; i < contacts; i++) await t.api.call('contacts.create', { name: `Person ${i}`, email: `p${i}@example.com`, customAttributes: { notes: 'n'.repeat(300) } });
  t.dispose();
  return { dir, file: path.join(dir, 'lead-console.sqlite') };
}

function refusal(dir: string, quickCheckMaxBytes?: number): AppError {
  try {
    createCore({ dataDir: dir, mode: 'test', quickCheckMaxBytes }).dispose();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('the store was opened');
}

function expectRefused(e: AppError, file: string, what: RegExp) {
  expect(e.code).toBe('DAMAGED');
  expect(e.details).toMatchObject({ file });
  expect(e.message).toMatch(what);
  expect(e.message).toContain(`The store ${file} is damaged`);
  expect(e.message).toContain('Lead Console left it as it is');
  expect(e.message).toContain(`copy a backup from ${path.join(path.dirname(file), 'backups')} over it, or move it aside to start with an empty store`);
  expect(e.message).not.toMatch(/SqliteError|\n\s+at /);
}

describe('a damaged store', () => {
  it('cut short: refused, and the file stays byte-identical', async () => {
    const { dir, file } = await storeWith(200);
    const whole = fs.readFileSync(file);
    fs.writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 2)));
    const before = fs.readFileSync(file);
    expectRefused(refusal(dir), file, /it is cut short \(\d+ bytes where its header announces \d+\)/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it('a garbage header: refused, and the file stays byte-identical', async () => {
    const { dir, file } = await storeWith(20);
    const bytes = fs.readFileSync(file);
    bytes.write('this is not a database!', 0, 'latin1');
    fs.writeFileSync(file, bytes);
    expectRefused(refusal(dir), file, /it does not start like a SQLite database/);
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
  });

  it('a file of random bytes, or a few bytes only: refused', () => {
    const dir = makeTempDir();
    dirs.push(dir);
    const file = path.join(dir, 'lead-console.sqlite');
    fs.writeFileSync(file, 'SQLite');
    expectRefused(refusal(dir), file, /does not start like a SQLite database/);
    expect(fs.readFileSync(file, 'latin1')).toBe('SQLite');
  });

  it('a folder where the file should be: refused, and the folder is left as it was', () => {
    const dir = makeTempDir();
    dirs.push(dir);
    const file = path.join(dir, 'lead-console.sqlite');
    fs.mkdirSync(file);
    fs.writeFileSync(path.join(file, 'inside.txt'), 'kept');
    expectRefused(refusal(dir), file, /it is a folder, not a file/);
    expect(fs.readdirSync(file)).toEqual(['inside.txt']);
  });

  it('pages damaged inside a sound header: quick_check finds it, and the file stays byte-identical', async () => {
    const { dir, file } = await storeWith(400);
    const bytes = fs.readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    const pages = bytes.length / pageSize;
    // scribble over the second half of the file, page headers and all, leaving page 1 (the schema) whole
    for (let p = Math.floor(pages / 2); p < pages; p++) bytes.fill(0x5a, p * pageSize, p * pageSize + 64);
    fs.writeFileSync(file, bytes);
    expectRefused(refusal(dir), file, /SQLite's check found (a problem|several problems) \(/);
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
  });

  it('past the quick_check size, damage SQLite meets at open is refused in the same words', async () => {
    const { dir, file } = await storeWith(20);
    const bytes = fs.readFileSync(file);
    // page 1 past its 100-byte header: the schema table itself
    bytes.fill(0x5a, 100, 400);
    fs.writeFileSync(file, bytes);
    expectRefused(refusal(dir, 0), file, /SQLite says "[^"]+"/);
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
  });

  it('past the quick_check size, damage met later answers DAMAGED (not INTERNAL) naming the file', async () => {
    const { dir, file } = await storeWith(400);
    const bytes = fs.readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    const pages = bytes.length / pageSize;
    for (let p = Math.floor(pages / 2); p < pages; p++) bytes.fill(0x5a, p * pageSize, p * pageSize + 64);
    fs.writeFileSync(file, bytes);
    const t = startCore(dir, undefined, { quickCheckMaxBytes: 0 });
    try {
      let err: ErrorPayload | null = null;
      for (let i = 0; i < 400 && !err; i++) {
        const res = await t.raw('contacts.list', { limit: 100, offset: i });
        if (!res.ok) err = res.error;
      }
      expect(err).toMatchObject({ code: 'DAMAGED', details: { file } });
      expect(err!.message).toContain(`The store ${file} is damaged: SQLite says`);
      expect(err!.message).toContain(`copy a backup from ${path.join(dir, 'backups')} over it`);
    } finally {
      t.core.dispose();
    }
  });

  it('a sound store passes the checks and opens; an empty file is a new store', async () => {
    const { dir } = await storeWith(50);
    const t = startCore(dir);
    expect((await t.api.call('contacts.list', {})).total).toBe(50);
    t.dispose();
    const empty = makeTempDir();
    dirs.push(empty);
    fs.writeFileSync(path.join(empty, 'lead-console.sqlite'), '');
    const e = startCore(empty);
    expect((await e.api.call('contacts.list', {})).total).toBe(0);
    e.dispose();
  });
});
