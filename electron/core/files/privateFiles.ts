// Lead data is for the OS user who runs the console only: folders 0700, files 0600, whatever the
// umask. New folders and files are made that way here; what an older version left more open is
// tightened once at start.
import fs from 'node:fs';
import path from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * For a process entry point: whatever this process creates from now on, including what a library
 * writes on its own (SQLite's backups and journals, Chromium's caches in the desktop app's data
 * folder), is created without any permission for group and others.
 */
export function keepNewFilesPrivate(): void {
  process.umask(0o077);
}

/** The data folder's own subfolders; each is swept with it at start. */
export const PRIVATE_SUBFOLDERS = ['imports', 'exports', 'backups', 'logs'] as const;

/**
 * Creates the folder (and its missing parents) if needed and makes the folder itself 0700.
 * Parents that already existed are left as they are: they may be the user's home.
 */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  // mkdir's mode is cut by the umask, and a folder that existed keeps its own
  fs.chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Creates a folder's missing parts as 0700 without touching one that exists (it may be shared). */
export function makePrivateDirs(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Creates an empty file readable by this user only if there is none; an existing file is
 * tightened instead (anything else, a folder say, is left for the caller to refuse).
 */
export function ensurePrivateFile(file: string): void {
  try {
    fs.closeSync(fs.openSync(file, 'wx', PRIVATE_FILE_MODE));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    tightenFile(file);
  }
}

/** Writes a whole file aside, 0600, and renames it into place: a crash never leaves half of it. */
export function writePrivateFile(file: string, data: string | Buffer): void {
  makePrivateDirs(path.dirname(file));
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, data, { mode: PRIVATE_FILE_MODE });
  fs.chmodSync(partial, PRIVATE_FILE_MODE); // writeFileSync keeps the mode of a file that already existed
  fs.renameSync(partial, file);
}

/** Opens a new (or truncated) file for writing, mode 0600 even if it existed before. */
export function openPrivateFile(file: string): number {
  const fd = fs.openSync(file, 'w', PRIVATE_FILE_MODE);
  try {
    fs.fchmodSync(fd, PRIVATE_FILE_MODE);
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
  return fd;
}

/** Takes the group and other bits off a file; symbolic links, folders and what is missing are skipped. */
export function tightenFile(file: string): void {
  tighten(file, false);
}

/** Takes the group and other bits off one entry; symbolic links and what vanished are skipped. */
function tighten(entry: string, wantDir: boolean): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(entry);
  } catch {
    return;
  }
  if (wantDir ? !st.isDirectory() : !st.isFile()) return;
  if ((st.mode & 0o077) === 0) return;
  try {
    // by path, never through a descriptor: on Unix, closing one on the data folder's lock file
    // would drop the lock this process holds on it (see lock/DataFolderLock.ts)
    fs.chmodSync(entry, st.mode & 0o700);
  } catch (e) {
    // a file another user owns cannot be changed by us; nothing else is worth stopping a start for
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOENT') throw e;
  }
}

/** Tightens the files directly in one folder (not deeper). */
function tightenFilesIn(dir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) tighten(path.join(dir, name), false);
}

/**
 * At start: the data folder becomes 0700 (created if missing), and the files in it and in its
 * imports/, exports/, backups/ and logs/ folders lose every permission for group and others.
 */
export function sweepDataDir(dataDir: string): void {
  ensurePrivateDir(dataDir);
  tightenFilesIn(dataDir);
  for (const sub of PRIVATE_SUBFOLDERS) {
    const dir = path.join(dataDir, sub);
    tighten(dir, true);
    tightenFilesIn(dir);
  }
}
