// The upload of an import file: the size limit said at `import.open`, pieces that would run past
// the announced size or leave a gap refused in words, an upload discarded (finished or not) with
// its file removed, abandoned uploads removed when the console starts, and a generated file of a
// few MB (accents and quoted newlines across every read) imported as the whole-string reader read it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { coresPerTest, removeTempDir, startCore, TestClock, type TestCore } from '../helpers/testCore';
import { READ_BYTES } from '../../electron/core/import/decode';
import { STALE_UPLOAD_MS } from '../../electron/core/import/ImportService';
import { contactsCsv, runImport, upload } from './fixtures/import/importHarness';
import { decodeBytes, parseTable } from './fixtures/import/wholeStringParse';

const core = coresPerTest();
const source = (t: TestCore, id: string) => path.join(t.dir, 'imports', `${id}.src`);
const piece = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('import: the upload', () => {
  it('refuses a file announced over 1 GB, naming the limit', async () => {
    const t = core();
    const refused = await t.fail('import.open', { fileName: 'huge.csv', size: 1024 ** 3 + 1 });
    expect(refused).toMatchObject({ code: 'VALIDATION', field: 'size' });
    expect(refused.message).toMatch(/up to 1 GB/);
    expect((await t.api.call('import.list', {})).total).toBe(0);
  });

  it('refuses more bytes than announced, and a piece that leaves a gap, in words', async () => {
    const t = core();
    const job = await t.api.call('import.open', { fileName: 'x.csv', size: 12 });
    const over = await t.fail('import.chunk', { importId: job.id, offset: 0, data: piece('email\na@b.co\nmore') });
    expect(over).toMatchObject({ code: 'VALIDATION', field: 'offset' });
    expect(over.message).toBe('The piece ends at byte 17, past the end of the file (12 bytes, as announced when the upload began)');
    // the last piece first would leave the start of the file as zeros
    const gap = await t.fail('import.chunk', { importId: job.id, offset: 6, data: piece('a@b.co') });
    expect(gap).toMatchObject({ code: 'VALIDATION', field: 'offset' });
    expect(gap.message).toBe('The piece starts at byte 6 but 0 bytes have arrived so far; send the pieces in order.');
    expect(fs.statSync(source(t, job.id)).size).toBe(0);
    // a piece sent twice is taken (a retry); the job is read once the last byte is there
    await t.api.call('import.chunk', { importId: job.id, offset: 0, data: piece('email\n') });
    expect((await t.api.call('import.chunk', { importId: job.id, offset: 0, data: piece('email\n') })).state).toBe('uploading');
    const done = await t.api.call('import.chunk', { importId: job.id, offset: 6, data: piece('a@b.co') });
    expect(done).toMatchObject({ state: 'ready', rowsTotal: 1 });
  });

  it('discards an upload part way and one that was read but never started; their files go', async () => {
    const t = core();
    const part = await t.api.call('import.open', { fileName: 'part.csv', size: 100 });
    await t.api.call('import.chunk', { importId: part.id, offset: 0, data: piece('email\n') });
    expect(fs.existsSync(source(t, part.id))).toBe(true);
    const discarded = await t.api.call('import.rollback', { importId: part.id });
    expect(discarded).toMatchObject({ state: 'rolled_back' });
    expect(discarded.finishedAt).not.toBeNull();
    expect(fs.existsSync(source(t, part.id))).toBe(false);
    const late = await t.fail('import.chunk', { importId: part.id, offset: 6, data: piece('a@b.co') });
    expect(late).toMatchObject({ code: 'VALIDATION', field: 'importId', message: 'You cannot add to an import that is rolled back.' });

    const ready = await upload(t, 'ready.csv', 'email\na@b.co\n');
    expect(ready.state).toBe('ready');
    expect((await t.api.call('import.rollback', { importId: ready.id })).state).toBe('rolled_back');
    expect(fs.existsSync(source(t, ready.id))).toBe(false);
    expect(await t.fail('import.analyse', { importId: ready.id })).toMatchObject({ code: 'VALIDATION', field: 'importId' });
    expect(fs.readdirSync(path.join(t.dir, 'imports'))).toEqual([]);
  });

  it('removes uploads that got no piece for a day when the console starts, and keeps the others', async () => {
    const clock = new TestClock();
    const first = startCore(undefined, clock);
    let second: TestCore | null = null;
    try {
      const stale = await first.api.call('import.open', { fileName: 'stale.csv', size: 100 });
      await first.api.call('import.chunk', { importId: stale.id, offset: 0, data: piece('email\n') });
      const fresh = await first.api.call('import.open', { fileName: 'fresh.csv', size: 100 });
      await first.api.call('import.chunk', { importId: fresh.id, offset: 0, data: piece('email\n') });
      // uploaded whole and never started: one left for a day, one from this morning
      const left = await upload(first, 'left.csv', 'email\nleft@example.com\n');
      const recent = await upload(first, 'recent.csv', 'email\nrecent@example.com\n');
      expect([left.state, recent.state]).toEqual(['ready', 'ready']);
      first.dispose();
      const now = clock.now();
      fs.utimesSync(source(first, left.id), new Date(now - STALE_UPLOAD_MS - 60_000), new Date(now - STALE_UPLOAD_MS - 60_000));
      fs.utimesSync(source(first, recent.id), new Date(now - 3_600_000), new Date(now - 3_600_000));
      fs.utimesSync(source(first, stale.id), new Date(now - STALE_UPLOAD_MS - 60_000), new Date(now - STALE_UPLOAD_MS - 60_000));
      fs.utimesSync(source(first, fresh.id), new Date(now - STALE_UPLOAD_MS + 3_600_000), new Date(now - STALE_UPLOAD_MS + 3_600_000));
      second = first.reopen();
      const gone = await second.api.call('import.status', { importId: stale.id });
      expect(gone).toMatchObject({ state: 'failed' });
      expect(gone.error).toMatch(/no piece came for a day.*removed/);
      expect(fs.existsSync(source(first, stale.id))).toBe(false);
      expect((await second.api.call('import.status', { importId: fresh.id })).state).toBe('uploading');
      expect(fs.existsSync(source(first, fresh.id))).toBe(true);
      expect((await second.api.call('import.status', { importId: left.id })).state).toBe('rolled_back');
      expect(fs.existsSync(source(first, left.id))).toBe(false);
      expect((await second.api.call('import.status', { importId: recent.id })).state).toBe('ready');
      expect(fs.existsSync(source(first, recent.id))).toBe(true);
    } finally {
      second?.dispose();
      removeTempDir(first.dir);
    }
  });
});

describe('import: the preview', () => {
  it('gives the same counts run twice and two at a time, writes nothing, and leaves no scratch file', async () => {
    const t = core();
    await t.api.call('contacts.create', { email: 'person7@example.com', name: 'Known' });
    const csv = contactsCsv(3000) + 'person1@example.com,Again,Lead,\n';
    const job = await upload(t, 'people.csv', csv);
    const { mapping } = await t.api.call('import.analyse', { importId: job.id, kind: 'contacts' });
    const input = { importId: job.id, kind: 'contacts' as const, mapping, duplicates: 'skip' as const };
    const before = t.core.store.fingerprint();
    const first = await t.api.call('import.preview', input);
    expect(first).toMatchObject({ rows: 3001, valid: 3001, willCreate: 2999, willSkip: 2, duplicatesInFile: 1, duplicatesInStore: 1 });
    const [a, b] = await Promise.all([t.api.call('import.preview', input), t.api.call('import.preview', input)]);
    expect(a).toEqual(first);
    expect(b).toEqual(first);
    expect(await t.api.call('import.preview', input)).toEqual(first);
    expect(t.core.store.fingerprint()).toEqual(before);
    expect(fs.readdirSync(path.join(t.dir, 'imports'))).toEqual([`${job.id}.src`]);
  });
});

describe('import: a generated file of a few MB', () => {
  it('imports as the whole-string reader read it: accents and quoted newlines across the reads', async () => {
    const t = core();
    const lines = ['email,name,notes'];
    for (let i = 1; i <= 9000; i++) {
      lines.push(`p${i}@example.com,"Zoë Núñez, ${i}","line one € ${i}\r\nline two ${'ü'.repeat(i % 97)}, ""quoted"" ${'x'.repeat(150)}"`);
    }
    const bytes = Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
    expect(bytes.length).toBeGreaterThan(8 * READ_BYTES);
    const { job } = await runImport(t, 'notes.csv', bytes);
    expect(job).toMatchObject({ state: 'done', rowsTotal: 9000, created: 9000, failed: 0 });
    const old = parseTable('notes.csv', decodeBytes(bytes).text);
    expect(old.rows).toHaveLength(9000);
    for (const i of [0, 1, 96, 1234, 4567, 8999]) {
      const [email, name, notes] = old.rows[i] as string[];
      const [line] = (await t.api.call('import.report', { importId: job.id, offset: i, limit: 1 })).items;
      expect(line).toMatchObject({ row: i + 2, action: 'created' });
      expect(await t.api.call('contacts.get', { id: line!.entityId! })).toMatchObject({ email, name, customAttributes: { notes } });
    }
  });
});
