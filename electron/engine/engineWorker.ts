// The engine's thread: builds the core (store, services, sync, import, export) with createCore
// from the host's start options, answers each call and forwards every hub event. Built to
// out/main/engineWorker.js; the host starts it (EngineHost.ts).
import os from 'node:os';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { createCore, type Core } from '../core/app';
import { createLog } from '../core/log/AppLog';
import { HostTokenStore } from './HostTokenStore';
import { importGate } from './importGate';
import { ENGINE_NICE, toPlainError, type FromWorker, type ToWorker, type WorkerStart } from './protocol';

const start = workerData as WorkerStart;

// Linux gives each thread its own nice value: the engine's long work (an import, the first pull's
// writes, a funnel over a million contacts) yields a core to the thread that routes calls and
// the window's IPC whenever both want one, and takes every core that is free. (Elsewhere the call
// would lower the whole process, the window's thread with it, so it is Linux only.)
if (process.platform === 'linux') {
  try {
    os.setPriority(0, ENGINE_NICE);
  } catch {
    // not allowed here (a sandbox without the right): the engine runs at the process's priority
  }
}
const port = parentPort!;
const post = (message: FromWorker) => port.postMessage(message);

// the host writes its own lines to the same file: the shared lock keeps rotation from racing them
const appLog = createLog(start.core.dataDir, { shared: start.logLock });

function open(): Core {
  const { core: options, tokens } = start;
  const locked = path.resolve(start.lockedDir);
  return createCore({
    ...options,
    appLog,
    // the host process holds the folder's lock: taking it again here would drop it (file locks belong to the process)
    lock: { covers: (dir: string) => path.resolve(dir) === locked },
    tokenStore: tokens.kind === 'host' ? new HostTokenStore(tokens.storage, tokens.file, tokens.token, tokens.port, tokens.signal) : undefined,
    importPace: start.importGate ? importGate(process.env, options.dataDir) : undefined,
  });
}

function serve(core: Core): void {
  core.subscribe((name, payload) => post({ type: 'event', name, payload }));
  post({ type: 'ready', readOnly: core.readOnly, dbFile: core.dbFile });
  port.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'call':
        void core.call(message.method, message.input).then((result) => post({ type: 'result', id: message.id, result }));
        return;
      case 'stop':
        try {
          core.dispose();
        } finally {
          const stopped = new Int32Array(start.stopped);
          Atomics.store(stopped, 0, 1);
          Atomics.notify(stopped, 0);
          port.close();
        }
        return;
    }
  });
}

let opened: Core | null = null;
try {
  opened = open();
} catch (e) {
  // said to the host, which rejects its start with it; the thread then ends with nothing left to run
  post({ type: 'failed', error: toPlainError(e) });
  port.close();
}
if (opened) serve(opened);
