// A full disk in words: recognises "no space left" however it arrives (a Node write's ENOSPC,
// SQLite's SQLITE_FULL) and turns it into a DISK_FULL error naming the folder, the free space
// and an estimate of what the failed step needed.
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../shared/errors';

const MiB = 2 ** 20;

/**
 * What a store change asks for when nothing better is known: room for the WAL to grow by a
 * tenth of the store, at least 8 MiB, at most 256 MiB (SQLite needs pages for the change, its
 * indexes and the search index, and a checkpoint later).
 */
export function storeHeadroom(dbFile: string): number {
  let size = 0;
  try {
    size = fs.statSync(dbFile).size;
  } catch {
    // no store yet: the minimum
  }
  return Math.min(256 * MiB, Math.max(8 * MiB, Math.round(size / 10)));
}

function errorCode(e: unknown): string | undefined {
  return e && typeof e === 'object' && 'code' in e && typeof (e as { code: unknown }).code === 'string' ? (e as { code: string }).code : undefined;
}

/** True for every form "the disk (or the user's quota) is full" takes. */
export function isDiskFull(e: unknown): boolean {
  const code = errorCode(e);
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL';
}

/** Free bytes on the disk holding `folder` (or its nearest existing parent); null when unknown. */
export function freeBytes(folder: string): number | null {
  let dir = path.resolve(folder);
  for (;;) {
    try {
      const s = fs.statfsSync(dir);
      return s.bavail * s.bsize;
    } catch {
      const up = path.dirname(dir);
      if (up === dir) return null;
      dir = up;
    }
  }
}

/** 1.5 MB, 820 KB, 12 bytes: what a person reads in a message about space. */
export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${Math.ceil(n / 1e3)} KB`;
  return `${n} bytes`;
}

/**
 * The DISK_FULL error for a step that failed writing into `folder`. `neededBytes` is the
 * step's estimate (the upload's remaining bytes, the export's expected size, headroom for the
 * store); `then` says what the person may do once space is free.
 */
export function diskFullError(
  what: string,
  folder: string,
  neededBytes: number,
  then = 'free some space there and try again',
  estimate: 'about' | 'at least' = 'about',
): AppError {
  const free = freeBytes(folder);
  const need = Math.max(neededBytes, 1);
  const freeText = free === null ? '' : ` (${formatBytes(free)} free)`;
  return new AppError('DISK_FULL', `The disk holding ${folder} is full${freeText}: ${what} needs ${estimate} ${formatBytes(need)}; ${then}.`, {
    details: { folder, neededBytes: need, freeBytes: free },
  });
}

/** Runs a write; a full disk comes back as DISK_FULL, anything else as it was. */
export function writingInto<T>(what: string, folder: string, neededBytes: () => number, write: () => T): T {
  try {
    return write();
  } catch (e) {
    if (isDiskFull(e)) throw diskFullError(what, folder, neededBytes());
    throw e;
  }
}
