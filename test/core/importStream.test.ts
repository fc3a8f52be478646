// The streaming reader against the reader it replaced (the whole file decoded into one string,
// then parsed at once): the same columns, rows and row problems for every fixture, read in pieces
// so small that characters, quoted newlines and CRLF fall across them, and for a generated file
// of a few MB whose multi-byte characters and quoted newlines sit exactly on the read boundaries.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { READ_BYTES } from '../../electron/core/import/decode';
import { MAX_ROW_CHARS, scanTable, TableReader, UnreadableFileError, type ReadOptions } from '../../electron/core/import/parse';
import { decodeBytes, parseTable } from './fixtures/import/wholeStringParse';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-console-stream-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const FIXTURES = path.join(__dirname, 'fixtures', 'import');

function write(name: string, bytes: Buffer | string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

/** The whole file through the streaming reader, as the old reader's shape. */
async function streamed(file: string, fileName: string, tuning: Pick<ReadOptions, 'readBytes' | 'firstPieceChars'> = {}) {
  const facts = (await scanTable(file, fileName, { keepGoing: () => true, tuning }))!;
  const reader = new TableReader(file, { fileName, windows1252: facts.encoding === 'windows-1252', keys: facts.keys, ...tuning });
  const rows: unknown[][] = [];
  const rowErrors = new Map<number, unknown>();
  for await (const batch of reader.batches()) {
    for (const row of batch) {
      if (row.error) rowErrors.set(rows.length, row.error);
      rows.push(row.cells);
    }
  }
  expect(rows.length).toBe(facts.rows);
  return { encoding: facts.encoding, table: { format: reader.format, columns: reader.columns, rows, rowErrors } };
}

function whole(bytes: Buffer, fileName: string) {
  const decoded = decodeBytes(bytes);
  return { encoding: decoded.encoding, table: parseTable(fileName, decoded.text) };
}

const fixtureNames = fs.readdirSync(FIXTURES).filter((f) => /\.(csv|jsonl)$/.test(f));

describe('import: the streaming reader reads as the whole-string reader did', () => {
  it('has fixtures to compare', () => expect(fixtureNames.length).toBeGreaterThanOrEqual(5));

  for (const name of fixtureNames) {
    it(`${name}, read 1, 2, 3, 5 and 7 bytes at a time`, async () => {
      const bytes = fs.readFileSync(path.join(FIXTURES, name));
      const file = write(name, bytes);
      const expected = whole(bytes, name);
      expect(await streamed(file, name)).toEqual(expected);
      for (const readBytes of [1, 2, 3, 5, 7]) expect(await streamed(file, name, { readBytes, firstPieceChars: 80 })).toEqual(expected);
    });
  }

  it('Windows-1252, UTF-16 and UTF-8 with a mark, read a byte at a time', async () => {
    const text = 'email,name\r\nzoe@example.com,"Zoë\r\nNúñez"\r\nrene@example.com,René Œuvre – Ltd €\r\n';
    const latin = Buffer.concat([Buffer.from('email,name\nzoe@example.com,Zo\xeb\nrene@example.com,Ren\xe9 ', 'latin1'), Buffer.from([0x8c, 0x96, 0x80]), Buffer.from('\n')]);
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le).swap16();
    const bom8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    for (const [name, bytes, encoding] of [['latin.csv', latin, 'windows-1252'], ['le.csv', le, 'utf-16le'], ['be.csv', be, 'utf-16be'], ['bom.csv', bom8, 'utf-8']] as const) {
      const file = write(name, bytes);
      const expected = whole(bytes, name);
      expect(expected.encoding).toBe(encoding);
      expect(await streamed(file, name, { readBytes: 1, firstPieceChars: 30 })).toEqual(expected);
    }
  });

  it('a byte that is not UTF-8 far into the file makes it Windows-1252 from the start', async () => {
    const rows = Array.from({ length: 40_000 }, (_, i) => `p${i}@example.com,Zoë ${i}`);
    const bytes = Buffer.concat([Buffer.from(`email,name\n${rows.join('\n')}\n`, 'utf8'), Buffer.from('late@example.com,Ren\xe9\n', 'latin1')]);
    expect(bytes.length).toBeGreaterThan(2 * READ_BYTES);
    const file = write('late.csv', bytes);
    const expected = whole(bytes, 'late.csv');
    expect(expected.encoding).toBe('windows-1252');
    const got = await streamed(file, 'late.csv');
    expect(got.encoding).toBe('windows-1252');
    expect(got).toEqual(expected);
    // "ë" as Windows-1252 is two characters: the first row shows the file was read again from its start
    expect(got.table.rows[0]).toEqual(['p0@example.com', 'ZoÃ« 0']);
  });

  it('a generated file of a few MB with characters and quoted newlines on the read boundaries', async () => {
    // rows are added until the next boundary is near; a filler row then puts the wanted bytes across it
    const parts: Buffer[] = [Buffer.from('email,name,notes\r\n')];
    let size = parts[0]!.length;
    let n = 0;
    const add = (s: string) => {
      const b = Buffer.from(s, 'utf8');
      parts.push(b);
      size += b.length;
    };
    const straddlers = ['€', 'é', '"line one\r\nline two"', '"a, ""quoted"" € word"', '\r\n'];
    for (let boundary = READ_BYTES; boundary < 5 * 1024 * 1024; boundary += READ_BYTES) {
      while (size + 200 < boundary) add(`p${++n}@example.com,Name ${n} ü,"note ${n}\nsecond line ${'x'.repeat(n % 37)}"\r\n`);
      const s = straddlers[(boundary / READ_BYTES) % straddlers.length]!;
      const head = `p${++n}@example.com,Filler ${n},`;
      // the wanted text starts one byte before the boundary (its second byte is the first of the next read)
      const pad = boundary - 1 - size - Buffer.byteLength(head) - 1;
      add(`${head}"${'y'.repeat(Math.max(0, pad))}${s.startsWith('"') ? s.slice(1) : s}`);
      add(s.startsWith('"') ? '\r\n' : '"\r\n');
    }
    const bytes = Buffer.concat(parts);
    // each boundary cuts its wanted text after the first byte
    for (let boundary = READ_BYTES, i = 1; boundary < 5 * 1024 * 1024; boundary += READ_BYTES, i++) {
      const s = straddlers[i % straddlers.length]!.replace(/^"/, '');
      expect(bytes.subarray(boundary - 1, boundary - 1 + Buffer.byteLength(s)).toString('utf8')).toBe(s);
    }
    const file = write('big.csv', bytes);
    const expected = whole(bytes, 'big.csv');
    expect(expected.table.rows.length).toBeGreaterThan(20_000);
    expect(expected.table.rowErrors.size).toBe(0);
    const got = await streamed(file, 'big.csv');
    expect(got.table.rows.length).toBe(expected.table.rows.length);
    expect(got).toEqual(expected);
  });

  it('JSON lines of a few MB, keys appearing late, lines across reads', async () => {
    const lines = Array.from({ length: 60_000 }, (_, i) =>
      i % 997 === 0 ? `{"email":"p${i}@example.com","nested":{"a":1}}` : i === 59_000 ? `{"late key":"Ω ${i}","email":"p${i}@x.test"}` : i % 1001 === 0 ? 'not json' : `{"email":"p${i}@example.com","name":"Zoë ${i}","n":${i},"ok":${i % 2 === 0}}`,
    );
    const bytes = Buffer.from(lines.join('\r\n') + '\n', 'utf8');
    const file = write('many.jsonl', bytes);
    expect(await streamed(file, 'many.jsonl')).toEqual(whole(bytes, 'many.jsonl'));
  });

  it('a quoted field never closed does not swallow the file into one row: past 16 MB the file is refused in words', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => `p${i}@example.com,Name ${i}`);
    const filler = `${'z'.repeat(999)}\n`.repeat(Math.ceil(MAX_ROW_CHARS / 1000) + 10);
    const file = write('unclosed.csv', `email,name\n${rows.join('\n')}\nbad@example.com,"never closed\n${filler}`);
    const err = await scanTable(file, 'unclosed.csv', { keepGoing: () => true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreadableFileError);
    expect((err as Error).message).toBe('Row 1002 is longer than 16 MB: a quoted field is probably never closed, or the file is not a table.');
  });
});
