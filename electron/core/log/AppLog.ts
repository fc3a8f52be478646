// The console's log file, `<data folder>/logs/lead-console.log`: start-up, sync runs and errors,
// one line each, for the person (Settings, Help > Show logs) and for support. It rotates by size,
// is private (folder 0700, files 0600), and holds ids and counts, never a token or a person's data.
import fs from 'node:fs';
import path from 'node:path';
import { ensurePrivateDir, ensurePrivateFile } from '../files/privateFiles';
import { redact } from './redact';

export const LOG_DIR_NAME = 'logs';
export const LOG_FILE_NAME = 'lead-console.log';
/** A file is rotated once it would pass this size... */
export const LOG_MAX_BYTES = 1024 * 1024;
/** ...and this many files are kept: lead-console.log and lead-console.log.1 to .4 (oldest). */
export const LOG_FILES = 5;
/** Most lines `tail` hands back. */
export const LOG_TAIL_MAX = 1000;

/** Where the log of the console using this data folder is. */
export function logFilePath(dataDir: string): string {
  return path.join(dataDir, LOG_DIR_NAME, LOG_FILE_NAME);
}

/** Values a line may carry: ids, counts, states, versions. Strings are redacted all the same. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface AppLog {
  /** The current file (`logFilePath(dataDir)`). */
  readonly file: string;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  /** The error's kind, code and (redacted) message, and where it was thrown. */
  error(event: string, error: unknown, fields?: LogFields): void;
  /** The last `count` lines, oldest first, from the current file and, if needed, the rotated ones. */
  tail(count: number): string[];
}

export interface LogOptions {
  maxBytes?: number;
  files?: number;
  now?: () => number;
  /**
   * Four bytes shared with the other threads that write this file (the engine's worker and its
   * host): each line, and the rotation before it, is written while holding it, so a rotation
   * never moves a file another thread is appending to.
   */
  shared?: SharedArrayBuffer;
}

/**
 * The log of one data folder. Nothing is created until the first line is written, and a line that
 * cannot be written (a full disk, a folder taken away) is dropped: the log never stops the console.
 */
export function createLog(dataDir: string, options: LogOptions = {}): AppLog {
  const file = logFilePath(dataDir);
  const dir = path.dirname(file);
  const maxBytes = options.maxBytes ?? LOG_MAX_BYTES;
  const files = Math.max(1, options.files ?? LOG_FILES);
  const now = options.now ?? Date.now;
  const rotated = (n: number) => (n === 0 ? file : `${file}.${n}`);

  const rotate = () => {
    fs.rmSync(rotated(files - 1), { force: true });
    for (let n = files - 2; n >= 0; n--) {
      try {
        fs.renameSync(rotated(n), rotated(n + 1));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
  };

  const exclusive = options.shared ? holding(new Int32Array(options.shared)) : (fn: () => void) => fn();

  const write = (level: 'INFO' | 'WARN' | 'ERROR', event: string, fields: LogFields | undefined, extra: string[] = []) => {
    const text = [`${new Date(now()).toISOString()} ${level.padEnd(5)} ${event}${formatFields(fields)}`, ...extra].join('\n') + '\n';
    exclusive(() => append(text));
  };

  const append = (text: string) => {
    try {
      ensurePrivateDir(dir);
      let size = 0;
      try {
        size = fs.statSync(file).size;
      } catch {
        // no file yet
      }
      if (size > 0 && size + Buffer.byteLength(text) > maxBytes) rotate();
      ensurePrivateFile(file);
      fs.appendFileSync(file, text);
    } catch {
      // the log is a help, not a duty: a full disk or a vanished folder must not stop what is being logged
    }
  };

  return {
    file,
    info: (event, fields) => write('INFO', event, fields),
    warn: (event, fields) => write('WARN', event, fields),
    error(event, error, fields) {
      const { summary, stack } = describeError(error);
      write('ERROR', event, { ...fields, ...summary }, stack);
    },
    tail(count) {
      const want = Math.max(0, Math.min(count, LOG_TAIL_MAX));
      let lines: string[] = [];
      for (let n = 0; n < files && lines.length < want; n++) {
        let text: string;
        try {
          text = fs.readFileSync(rotated(n), 'utf8');
        } catch {
          break;
        }
        lines = [...text.split('\n').filter((l) => l !== ''), ...lines];
      }
      return want === 0 ? [] : lines.slice(-want);
    },
  };
}

/** Past this, a lock still held is taken over: its holder was ended mid-line (a thread terminated), and the log must never stop the console. */
const LOCK_GIVEN_UP_AFTER_MS = 2_000;

/** Runs `fn` holding a lock kept in `cell` (0 free, 1 held), shared between threads; the wait is one line's write. */
function holding(cell: Int32Array): (fn: () => void) => void {
  return (fn) => {
    const until = Date.now() + LOCK_GIVEN_UP_AFTER_MS;
    while (Atomics.compareExchange(cell, 0, 0, 1) !== 0) {
      if (Date.now() > until) {
        Atomics.store(cell, 0, 1);
        break;
      }
      Atomics.wait(cell, 0, 1, 100);
    }
    try {
      fn();
    } finally {
      Atomics.store(cell, 0, 0);
      Atomics.notify(cell, 0, 1);
    }
  };
}

/** A log that writes nothing (a caller that has no data folder to log in). */
export const NO_LOG: AppLog = { file: '', info: () => {}, warn: () => {}, error: () => {}, tail: () => [] };

function formatFields(fields: LogFields | undefined): string {
  if (!fields) return '';
  let out = '';
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const text = typeof value === 'string' ? redact(value) : String(value);
    out += ` ${key}=${/^[^\s"=]+$/.test(text) ? text : JSON.stringify(text)}`;
  }
  return out;
}

/** Kind, code and message (redacted) as fields; the stack's frames (code locations only) as lines. */
function describeError(error: unknown): { summary: LogFields; stack: string[] } {
  if (!(error instanceof Error)) return { summary: { error: redact(String(error)).slice(0, 500) }, stack: [] };
  const code = (error as { code?: unknown }).code;
  const status = (error as { status?: unknown }).status;
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((l) => /^\s+at /.test(l))
    .slice(0, 8)
    .map((l) => `    ${redact(l.trim())}`);
  return {
    summary: {
      kind: error.name,
      code: typeof code === 'string' || typeof code === 'number' ? code : undefined,
      status: typeof status === 'number' ? status : undefined,
      error: redact(error.message).slice(0, 500),
    },
    stack: frames,
  };
}
