// The router: contract -> handlers. It parses every input with the method's zod schema, runs
// the handler, and turns every throw into `{ ok:false, error }` with a code from the closed
// set. Unexpected errors are logged here and reach callers only as a plain INTERNAL message.
import path from 'node:path';
import type { z } from 'zod';
import { contract, isMethodName, type MethodName, type MethodOutput, type ParsedInput } from '../../shared/api';
import { AppError, type ErrorPayload, type Result } from '../../shared/errors';
import { fieldLabel } from '../../shared/fieldLabels';
import { damagedError, isDamagedError } from './db/checkStore';
import { diskFullError, isDiskFull, storeHeadroom } from './diskSpace';

export type Handlers = {
  [M in MethodName]: (input: ParsedInput<M>) => MethodOutput<M> | Promise<MethodOutput<M>>;
};

export interface RouterOptions {
  /** Check every output against the contract (on in tests; costs a parse per call). */
  validateOutput?: boolean;
  log?: (message: string, error: unknown) => void;
  /** The store's file: a full disk met while writing the store is reported against its folder. */
  storeFile?: string;
  /** Set when the store was opened read-only: what a refused write answers (DISK_FULL). */
  readOnly?: () => ErrorPayload | null;
}

export type Call = (method: string, input: unknown) => Promise<Result<unknown>>;

/**
 * A zod failure as a VALIDATION error naming the first field at fault: its path in `field`, its
 * words (fieldLabels.ts) at the start of the message.
 */
export function validationError(error: z.ZodError, rawInput?: unknown, method?: string): ErrorPayload {
  const issue = error.issues[0]!;
  let path = issue.path.map(String).join('.');
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    path = path ? `${path}.${key}` : key;
    message = 'is not a known field';
  }
  if (issue.code === 'invalid_type' && valueAt(rawInput, issue.path) === undefined) message = 'is required';
  const field = path || 'input';
  const text = `${fieldLabel(field, method)}: ${message}`;
  // a named rule (a refinement with params.rule) keeps its code, so callers need not read the words
  const rule = issue.code === 'custom' ? (issue.params as { rule?: unknown } | undefined)?.rule : undefined;
  if (typeof rule === 'string') return { code: 'VALIDATION', message: text, field, details: { rule } };
  return { code: 'VALIDATION', message: text, field };
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function sqliteCode(e: unknown): string | undefined {
  return e && typeof e === 'object' && 'code' in e && typeof (e as { code: unknown }).code === 'string'
    ? (e as { code: string }).code
    : undefined;
}

export function toErrorPayload(e: unknown, log?: RouterOptions['log'], options: Pick<RouterOptions, 'storeFile' | 'readOnly'> = {}): ErrorPayload {
  if (e instanceof AppError) return e.toPayload();
  const code = sqliteCode(e);
  if (isDiskFull(e)) {
    // a Node write names its file; SQLite's SQLITE_FULL is the store's own folder
    const file = (e as { path?: unknown }).path;
    if (typeof file === 'string') return diskFullError('this change', path.dirname(file), 0, 'nothing was changed; free some space there and try again', 'at least').toPayload();
    const store = options.storeFile;
    const folder = store ? path.dirname(store) : 'the data folder';
    return diskFullError('this change', folder, store ? storeHeadroom(store) : 0, 'nothing was changed; free some space there and try again', 'at least').toPayload();
  }
  if (isDamagedError(e) && options.storeFile) {
    // met on a page no check at open read (a store too large for quick_check at every open)
    log?.('the store is damaged', e);
    return damagedError(options.storeFile, `SQLite says "${e instanceof Error ? e.message : String(e)}" while reading it`, 'Nothing was changed; quit Lead Console first').toPayload();
  }
  if (code === 'SQLITE_READONLY') {
    const readOnly = options.readOnly?.();
    if (readOnly) return readOnly;
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return { code: 'BUSY', message: 'The local store is busy with another change; try again in a moment.' };
  }
  if (code === 'SQLITE_CONSTRAINT_UNIQUE') {
    // another writer (a second window, a script) took the same identity between check and write
    return { code: 'CONFLICT', message: 'A record with the same identity was saved at the same moment; reload and try again.' };
  }
  log?.('unexpected error in handler', e);
  return { code: 'INTERNAL', message: 'Something went wrong inside Lead Console; nothing was changed. Details are in the log.' };
}

export function createRouter(handlers: Handlers, options: RouterOptions = {}): Call {
  return async (method, rawInput) => {
    if (!isMethodName(method)) {
      return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `There is no API method named "${String(method).slice(0, 100)}".` } };
    }
    const spec = contract[method];
    const input = rawInput === null ? undefined : rawInput;
    const parsed = spec.input.safeParse(input);
    if (!parsed.success) return { ok: false, error: validationError(parsed.error, input, method) };
    try {
      const handler = handlers[method] as (input: unknown) => unknown;
      const value = await handler(parsed.data);
      if (options.validateOutput) {
        const out = spec.output.safeParse(value);
        if (!out.success) {
          options.log?.(`output of ${method} breaks the contract`, out.error);
          return { ok: false, error: { code: 'INTERNAL', message: `The answer to ${method} did not match the contract.` } };
        }
      }
      return { ok: true, value };
    } catch (e) {
      return { ok: false, error: toErrorPayload(e, options.log, options) };
    }
  };
}
