// The engine as the Electron main process and the browser-mode bridge hold it: a worker thread
// runs the core (engineWorker.ts), and this host offers what they used of the core (call,
// subscribe, dispose, readOnly), so long work (an import, a funnel over 1M contacts, a page of the
// first import being written) never holds the loop that routes calls, draws menus or answers HTTP.
// A worker that dies answers every waiting call with an error in words and is started again.
import fs from 'node:fs';
import path from 'node:path';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { ErrorPayload, Result } from '../../shared/errors';
import type { Call } from '../core/router';
import type { EventListener } from '../core/EventHub';
import type { DataFolderLock } from '../core/lock/DataFolderLock';
import { createLog, type AppLog } from '../core/log/AppLog';
import type { TokenStore } from '../core/settings/TokenStore';
import { serveTokenStore } from './HostTokenStore';
import { fromPlainError, type EngineCoreOptions, type FromWorker, type ToWorker, type WorkerStart, type WorkerTokenStore } from './protocol';

export interface EngineHostOptions extends EngineCoreOptions {
  /** The data folder's lock, held by this process; the host releases nothing, it only waits for the store to close on dispose. */
  lock: Pick<DataFolderLock, 'covers'>;
  /** A token store the worker cannot build itself (the OS key store); default: the core's own (a file, or memory). */
  tokenStore?: TokenStore;
  /** Browser mode: the test-only import pace from LEAD_CONSOLE_IMPORT_GATE. */
  importGate?: boolean;
  /** The worker's entry; default out/main/engineWorker.js in the build, else its .ts source beside this file, run through tsx. */
  entry?: string;
  /** Workers started again after one died, in the host's life, before it gives up (default 3). */
  restarts?: number;
}

export interface EngineHost {
  call: Call;
  subscribe(listener: EventListener): () => void;
  /** Stops the engine and returns once its store is closed (or after STOP_WITHIN_MS), so the folder's lock can be given up. */
  dispose(): void;
  readonly readOnly: string | null;
  readonly dbFile: string;
  /** The data folder's log, for the host's own lines; it shares a lock with the worker's, so rotation never races a line. */
  readonly log: AppLog;
  /** For tests and diagnostics: the thread running the engine now (null once stopped for good). */
  readonly worker: Worker | null;
}

/** A worker that has not closed its store in this time on dispose is ended all the same (it may be stuck in a long statement). */
const STOP_WITHIN_MS = 10_000;

/** What a waiting call answers when the worker died under it. */
export const ENGINE_CRASHED =
  "Lead Console's engine stopped unexpectedly while this was being done, so it may or may not have been saved. The engine has been started again: check, and try again. Details are in the log.";
/** What every call answers once the host gave up restarting (or was disposed). */
export const ENGINE_STOPPED = "Lead Console's engine has stopped and could not be started again. Quit Lead Console and start it again; details are in the log.";
export const ENGINE_CLOSED = "Lead Console's engine has been stopped: the console is closing.";

interface Running {
  worker: Worker;
  stopped: Int32Array;
  /** The thread has not ended (it may still be starting). */
  alive: boolean;
}

/** The worker's script: the built file, or (tests, `npm run bench`, a start from source) the .ts source through tsx's require hook. */
function workerEntry(given: string | undefined): { script: string; eval: boolean } {
  const source = (file: string) => ({ script: `require('tsx/cjs/api').register(); require(${JSON.stringify(file)});`, eval: true });
  if (given) return given.endsWith('.ts') ? source(given) : { script: given, eval: false };
  // the build puts this module in out/main or in a chunk below it, the worker in out/main
  for (const dir of [__dirname, path.dirname(__dirname)]) {
    const built = path.join(dir, 'engineWorker.js');
    if (fs.existsSync(built)) return { script: built, eval: false };
  }
  return source(path.join(__dirname, 'engineWorker.ts'));
}

export async function startEngine(options: EngineHostOptions): Promise<EngineHost> {
  const { lock, tokenStore, importGate, entry, restarts, ...core } = options;
  const logLock = new SharedArrayBuffer(4);
  const log = createLog(core.dataDir, { shared: logLock });
  const worker = workerEntry(entry);
  const listeners = new Set<EventListener>();
  const pending = new Map<number, (result: Result<unknown>) => void>();
  let nextId = 1;
  let running: Running | null = null;
  let readOnly: string | null = null;
  let dbFile = '';
  /** Why calls are refused: set when the host gave up or was disposed. */
  let refused: ErrorPayload | null = null;
  /** A restart under way: calls wait for it. */
  let restarting: Promise<void> | null = null;
  let restartsLeft = restarts ?? 3;
  let disposed = false;

  const failAll = (error: ErrorPayload) => {
    const waiting = [...pending.values()];
    pending.clear();
    for (const answer of waiting) answer({ ok: false, error });
  };

  const lockedDir = path.resolve(core.dataDir);
  if (!lock.covers(lockedDir)) throw new Error(`startEngine: the lock given is not held for ${core.dataDir}`);

  /** Starts a worker; resolves once its core is open, rejects with the core's own error when it could not open. */
  const spawn = () =>
    new Promise<Running>((resolve, reject) => {
      let tokens: WorkerTokenStore = { kind: 'default' };
      const transferList = [];
      let tokenPort: MessagePort | null = null;
      if (tokenStore) {
        const channel = new MessageChannel();
        tokenPort = channel.port1;
        const signal = new SharedArrayBuffer(4);
        serveTokenStore(tokenStore, channel.port1, signal);
        tokens = { kind: 'host', storage: tokenStore.kind, file: tokenStore.file, token: tokenStore.get(), port: channel.port2, signal };
        transferList.push(channel.port2);
      }
      const stopped = new SharedArrayBuffer(4);
      const workerData: WorkerStart = { core, lockedDir, tokens, importGate: importGate ?? false, logLock, stopped };
      const thread = new Worker(worker.script, { eval: worker.eval, workerData, transferList, name: 'lead-console-engine' });
      const self: Running = { worker: thread, stopped: new Int32Array(stopped), alive: true };
      let ready = false;
      let failure: Error | null = null;
      thread.on('message', (message: FromWorker) => {
        switch (message.type) {
          case 'ready':
            ready = true;
            readOnly = message.readOnly;
            dbFile = message.dbFile;
            resolve(self);
            return;
          case 'failed':
            failure = fromPlainError(message.error);
            return;
          case 'result': {
            const answer = pending.get(message.id);
            pending.delete(message.id);
            answer?.(message.result);
            return;
          }
          case 'event':
            for (const l of [...listeners]) {
              try {
                l(message.name, message.payload);
              } catch {
                // a broken subscriber (a closed window, a dropped stream) must not break the others
              }
            }
            return;
        }
      });
      thread.on('error', (e) => (failure ??= e));
      thread.on('exit', (code) => {
        self.alive = false;
        tokenPort?.close();
        if (!ready) {
          reject(failure ?? new Error(`Lead Console's engine stopped while starting (exit code ${code}).`));
          return;
        }
        if (running === self && !disposed) died(code, failure);
      });
      running = self;
    });

  const died = (code: number, error: Error | null) => {
    log.error('engine.stopped', error ?? new Error(`the engine's thread ended (exit code ${code})`), { exitCode: code });
    failAll({ code: 'INTERNAL', message: ENGINE_CRASHED });
    if (restartsLeft <= 0) {
      running = null;
      refused = { code: 'INTERNAL', message: ENGINE_STOPPED };
      return;
    }
    restartsLeft--;
    log.info('engine.restart', { restartsLeft });
    restarting = spawn().then(
      () => {
        restarting = null;
      },
      (e: unknown) => {
        restarting = null;
        running = null;
        refused = { code: 'INTERNAL', message: ENGINE_STOPPED };
        log.error('engine.restart.failed', e);
      },
    );
  };

  const send = (method: string, input: unknown) =>
    new Promise<Result<unknown>>((resolve) => {
      if (refused || !running) return resolve({ ok: false, error: refused ?? { code: 'INTERNAL', message: ENGINE_STOPPED } });
      const id = nextId++;
      pending.set(id, resolve);
      try {
        running.worker.postMessage({ type: 'call', id, method, input } satisfies ToWorker);
      } catch (e) {
        // an input that cannot cross (it held a function): what came over HTTP or IPC always can
        pending.delete(id);
        log.error('engine.call.unsent', e, { method: method.slice(0, 100) });
        resolve({ ok: false, error: { code: 'INTERNAL', message: 'Something went wrong inside Lead Console; nothing was changed. Details are in the log.' } });
      }
    });

  await spawn();

  return {
    call: (method, input) => (restarting ? restarting.then(() => send(method, input)) : send(method, input)),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      refused = { code: 'INTERNAL', message: ENGINE_CLOSED };
      const last = running;
      running = null;
      if (last?.alive) {
        last.worker.postMessage({ type: 'stop' } satisfies ToWorker);
        // the store must be closed before the caller gives up the folder's lock: wait for the worker to say so
        Atomics.wait(last.stopped, 0, 0, STOP_WITHIN_MS);
      }
      void last?.worker.terminate();
      failAll({ code: 'INTERNAL', message: ENGINE_CLOSED });
      listeners.clear();
    },
    get readOnly() {
      return readOnly;
    },
    get dbFile() {
      return dbFile;
    },
    log,
    get worker() {
      return running?.worker ?? null;
    },
  };
}
