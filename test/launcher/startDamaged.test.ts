// Starting browser mode (the bridge's command line, what `npm start -- --browser` runs) on a
// damaged store prints words, not a stack, exits with code 3, and leaves the file as it was.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runStart } from '../helpers/runStart';
import { makeTempDir, removeTempDir } from '../helpers/testCore';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeTempDir(d);
});

describe('starting on a damaged store', () => {
  it('a garbage file: one sentence naming the file and the way back, exit code 3, the file untouched', async () => {
    const dir = makeTempDir();
    dirs.push(dir);
    const file = path.join(dir, 'lead-console.sqlite');
    const garbage = Buffer.alloc(8192, 0x41);
    fs.writeFileSync(file, garbage);
    const run = await runStart(['--data', dir, '--port', '0']);
    expect(run.code).toBe(3);
    expect(run.stderr.trim()).toBe(
      `Lead Console could not start: The store ${file} is damaged: it does not start like a SQLite database (the header is missing or overwritten). ` +
        `Lead Console left it as it is. To go back, copy a backup from ${path.join(dir, 'backups')} over it, or move it aside to start with an empty store.`,
    );
    expect(run.stderr).not.toMatch(/SqliteError|\n\s+at /);
    expect(fs.readFileSync(file).equals(garbage)).toBe(true);
    // beside the store, only the folder's lock file (empty, kept between starts; see DataFolderLock)
    expect(fs.readdirSync(dir).sort()).toEqual(['lead-console.lock', 'lead-console.sqlite']);
    expect(fs.statSync(path.join(dir, 'lead-console.lock')).size).toBe(0);
  });

  it('a folder where the store should be: the same, naming what is wrong', async () => {
    const dir = makeTempDir();
    dirs.push(dir);
    fs.mkdirSync(path.join(dir, 'lead-console.sqlite'));
    const run = await runStart(['--data', dir, '--port', '0']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('is damaged: it is a folder, not a file');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
