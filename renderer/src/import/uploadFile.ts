// Sends a file to the engine in pieces: `import.open`, then `import.chunk` per ~512 KB as base64.
// The browser encodes each piece itself (FileReader reads a Blob slice as a data URL, off the
// main thread), so a large file never holds the screen while it is turned into text, and only
// one piece is in memory at a time.
import type { ImportJob } from '../../../shared/activity';
import type { Client } from '../../../shared/client';

/** 512 KB of bytes is ~700,000 base64 characters: under the contract's 1,000,000 per chunk. */
export const CHUNK_BYTES = 512 * 1024;

/** Base64 of a piece of the file (the data URL's payload). */
export function readBase64(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(blob);
  });
}

export interface UploadHooks {
  /** The job as soon as the engine has opened it (the recent list can show it). */
  onOpened(job: ImportJob): void;
  /** Bytes the engine has taken so far. */
  onProgress(sentBytes: number, job: ImportJob): void;
  /** True when the wizard moved on (another file, reset): the upload stops after this piece. */
  cancelled(): boolean;
}

/**
 * Uploads `file` and returns the job after its last piece (the engine reads and analyses it
 * then), or null when cancelled. Errors (ApiError) are thrown as they come.
 */
export async function uploadFile(client: Client, file: File, hooks: UploadHooks): Promise<ImportJob | null> {
  let job = await client.call('import.open', { fileName: file.name, size: file.size });
  hooks.onOpened(job);
  for (let offset = 0; offset < file.size; offset += CHUNK_BYTES) {
    if (hooks.cancelled()) return null;
    const end = Math.min(file.size, offset + CHUNK_BYTES);
    const data = await readBase64(file.slice(offset, end));
    job = await client.call('import.chunk', { importId: job.id, offset, data });
    hooks.onProgress(end, job);
  }
  return job;
}
