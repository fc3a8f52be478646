// What crosses between the engine's host (the Electron main process, the browser-mode bridge) and
// the worker thread that runs the engine: the start options, the messages each way, and errors
// flattened to data (a structured clone keeps an Error's message but drops its class and code).
import { AppError, isErrorCode, type Result } from '../../shared/errors';
import type { EventName } from '../../shared/api';
import type { CoreOptions } from '../core/app';
import type { TokenStorageKind } from '../core/settings/TokenStore';
import type { MessagePort } from 'node:worker_threads';

/** The core's options that are data; the rest (log, token store, lock, pace) is built in the worker from what follows. */
export type EngineCoreOptions = Omit<CoreOptions, 'tokenStore' | 'appLog' | 'lock' | 'importPace' | 'now' | 'log'>;

/** The token store as the worker sees it: its own file or memory, or the host's (the OS key store lives in the main process). */
export type WorkerTokenStore =
  | { kind: 'default' }
  | { kind: 'host'; storage: TokenStorageKind; file: string | null; token: string | null; port: MessagePort; signal: SharedArrayBuffer };

export interface WorkerStart {
  core: EngineCoreOptions;
  /** The data folder whose lock the host process holds (the worker must not take it again: file locks belong to the process). */
  lockedDir: string;
  tokens: WorkerTokenStore;
  /** Browser mode's test-only import pace (LEAD_CONSOLE_IMPORT_GATE), read from the environment in the worker. */
  importGate: boolean;
  /** The log file's lock, shared with the host, which writes its own lines there too. */
  logLock: SharedArrayBuffer;
  /** Set to 1 by the worker once the core is disposed: the host waits on it so that the store is closed before the lock is given up. */
  stopped: SharedArrayBuffer;
}

export interface PlainError {
  name: string;
  message: string;
  stack?: string;
  code?: unknown;
  status?: unknown;
  path?: unknown;
  field?: string;
  details?: Record<string, unknown>;
}

export type ToWorker =
  | { type: 'call'; id: number; method: string; input: unknown }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'ready'; readOnly: string | null; dbFile: string }
  | { type: 'failed'; error: PlainError }
  | { type: 'result'; id: number; result: Result<unknown> }
  | { type: 'event'; name: EventName; payload: unknown };

/** A token store request from the worker, and its answer. */
export type TokenRequest = { token: string | null };
export type TokenAnswer = { ok: true } | { ok: false; error: PlainError };

export function toPlainError(e: unknown): PlainError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const x = e as Error & { code?: unknown; status?: unknown; path?: unknown; field?: string; details?: Record<string, unknown> };
  const plain: PlainError = { name: x.name, message: x.message, stack: x.stack };
  for (const key of ['code', 'status', 'path', 'field'] as const) if (x[key] !== undefined) (plain as unknown as Record<string, unknown>)[key] = x[key];
  if (x.details !== undefined) plain.details = x.details;
  return plain;
}

/** The error again, as close to the thrown one as callers test for: an AppError by its code, anything else with its code and path kept. */
export function fromPlainError(p: PlainError): Error {
  if (p.name === 'AppError' && isErrorCode(p.code)) {
    const e = new AppError(p.code, p.message, { field: p.field, details: p.details });
    if (p.stack) e.stack = p.stack;
    return e;
  }
  const e = new Error(p.message) as Error & Record<string, unknown>;
  e.name = p.name;
  if (p.stack) e.stack = p.stack;
  for (const key of ['code', 'status', 'path'] as const) if (p[key] !== undefined) e[key] = p[key];
  return e;
}

/** The engine thread's nice value on Linux (the host's stays as it was): see engineWorker.ts. */
export const ENGINE_NICE = 10;
