// What a start asks the window to open (its own arguments, or a second start's handed over by the
// single-instance lock): a .csv file checked and uploaded to the engine as an import waiting to be
// mapped, a contact found by id, user id or email, anything else said in words; and the page told
// only once it listens. Free of the 'electron' import, so it is tested in plain Node too.
import fs from 'node:fs';
import path from 'node:path';
import type { ImportJob } from '../../shared/activity';
import type { MethodInput, MethodName } from '../../shared/api';
import type { Result } from '../../shared/errors';
import type { OpenRequest } from '../../shared/windowApi';
import type { OpenArg } from '../startup/cliArgs';

/** The engine as the main process holds it (createCore's `call`), its methods checked against the contract. */
export interface Engine {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Result<unknown>>;
}

/** The renderer's upload pieces (renderer/src/import/uploadFile.ts): well under a chunk's limit as base64. */
const CHUNK_BYTES = 512 * 1024;

const problem = (message: string): OpenRequest => ({ kind: 'problem', message });

/** The size of a readable, non-empty .csv file at `file`, or why it cannot be imported, in words. */
export function checkImportPath(file: string): { size: number } | { problem: string } {
  const name = `“${file}”`;
  if (!/\.csv$/i.test(file)) return { problem: `${name} is not a .csv file: Lead Console opens .csv files for import.` };
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    return { problem: `${name} cannot be imported: ${fileError(e)}.` };
  }
  if (st.isDirectory()) return { problem: `${name} is a folder, not a file: give the path of a .csv file.` };
  if (!st.isFile()) return { problem: `${name} is not a regular file: give the path of a .csv file.` };
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch (e) {
    return { problem: `${name} cannot be imported: ${fileError(e)}.` };
  }
  if (st.size === 0) return { problem: `${name} is empty: there is nothing to import.` };
  return { size: st.size };
}

function fileError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return 'there is no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'it cannot be read (permission denied)';
  if (code === 'ENOTDIR') return 'a part of its path is not a folder';
  if (code === 'ENAMETOOLONG') return 'its path is too long';
  return `it cannot be read (${code ?? (e instanceof Error ? e.message : String(e))})`;
}

/** One argument as the page's request; relative paths are taken from the start's working folder. */
export async function resolveOpenArg(arg: OpenArg, workingDirectory: string, engine: Engine): Promise<OpenRequest> {
  return arg.kind === 'file' ? importFile(path.resolve(workingDirectory, arg.path), engine) : findContact(arg.ref, engine);
}

/** Uploads the file as the import screen would (import.open, then import.chunk per piece). */
async function importFile(file: string, engine: Engine): Promise<OpenRequest> {
  const checked = checkImportPath(file);
  if ('problem' in checked) return problem(checked.problem);
  const fileName = path.basename(file);
  const failed = (why: string) => problem(`“${fileName}” could not be opened for import: ${why}`);
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch (e) {
    return failed(`${fileError(e)}.`);
  }
  try {
    const opened = await engine.call('import.open', { fileName, size: checked.size });
    if (!opened.ok) return failed(opened.error.message);
    let job = opened.value as ImportJob;
    const piece = Buffer.alloc(Math.min(CHUNK_BYTES, checked.size));
    for (let offset = 0; offset < checked.size; ) {
      const { bytesRead } = await handle.read(piece, 0, Math.min(piece.length, checked.size - offset), offset);
      if (bytesRead === 0) return failed('the file got shorter while it was read; try again.');
      const sent = await engine.call('import.chunk', { importId: job.id, offset, data: piece.subarray(0, bytesRead).toString('base64') });
      if (!sent.ok) return failed(sent.error.message);
      job = sent.value as ImportJob;
      offset += bytesRead;
    }
    if (job.state === 'failed') return failed(job.error ?? 'it could not be read as a CSV file.');
    return { kind: 'import', importId: job.id, fileName };
  } catch (e) {
    return failed(`${fileError(e)}.`);
  } finally {
    await handle.close();
  }
}

/** By local id, else by user id; by email when it has an @. */
async function findContact(ref: string, engine: Engine): Promise<OpenRequest> {
  if (!ref) return problem('A contact to open needs an id or an email: --contact <id or email>, or a lead-console://contact/<id> link.');
  const matches = async (by: 'email' | 'externalId') => {
    const r = await engine.call('contacts.findMatches', by === 'email' ? { email: ref } : { externalId: ref });
    if (!r.ok) return null;
    const v = r.value as { email: { id: string }[]; externalId: { id: string } | null };
    return by === 'email' ? (v.email[0]?.id ?? null) : (v.externalId?.id ?? null);
  };
  if (ref.includes('@')) {
    const id = await matches('email');
    return id ? { kind: 'contact', id } : problem(`No contact has the email ${ref}.`);
  }
  const byId = await engine.call('contacts.get', { id: ref });
  if (byId.ok) return { kind: 'contact', id: (byId.value as { id: string }).id };
  const id = await matches('externalId');
  return id ? { kind: 'contact', id } : problem(`No contact has the id or user id ${ref}.`);
}

/**
 * Holds the requests until the page listens: a first start's arguments are ready before its page
 * has loaded, and a reload or a new window starts listening afresh. `deliver` answers false when
 * there is no page to send to (the window was closed).
 */
export class OpenRequestQueue {
  private listening = false;
  private readonly held: OpenRequest[] = [];

  constructor(private readonly deliver: (request: OpenRequest) => boolean) {}

  push(request: OpenRequest): void {
    if (!this.listening || !this.deliver(request)) this.held.push(request);
  }

  /** The page said it listens (its preload subscribed). */
  pageListens(): void {
    this.listening = true;
    for (const request of this.held.splice(0)) this.push(request);
  }

  /** The page is loading afresh or its window went: hold requests until it listens again. */
  pageGone(): void {
    this.listening = false;
  }
}
