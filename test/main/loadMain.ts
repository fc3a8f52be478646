// Runs the BUILT main process (out/main/index.js, a CommonJS bundle) in this Node process with the
// stand-in `electron` module: Node's CommonJS loader is asked for 'electron' and answers with the
// stand-in, so what runs is exactly what `npm start` hands to Electron. One run at a time; each
// run loads the bundle afresh and dispose() quits it, then puts the process back as it was.
import fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { IpcMainInvokeEvent } from 'electron';
import * as workerThreads from 'node:worker_threads';
import type { Worker } from 'node:worker_threads';
import { ipcChannel, type MethodName } from '../../shared/api';
import type { Result } from '../../shared/errors';
import { createStandInElectron, standInEvent, type StandInElectron, type StandInOptions, type StandInWebContents } from './standInElectron';

export const ROOT = path.resolve(__dirname, '../..');
const OUT = path.join(ROOT, 'out');
export const MAIN_BUNDLE = path.join(OUT, 'main', 'index.js');
const nodeRequire = createRequire(__filename);
export const ELECTRON_VERSION: string = nodeRequire(path.join(ROOT, 'node_modules', 'electron', 'package.json')).version;
const NODE_SQLITE_BUILD = path.join(ROOT, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');

export interface MainRun extends StandInElectron {
  /** The data folder (`--data`). */
  dataDir: string;
  /** How the start ended: a window, app.exit (a failed start) or app.quit (a second instance). */
  outcome: 'window' | 'exit' | 'quit';
  /** Calls an API method the way the preload does, from the given frame (the app's own page by default). */
  call(method: MethodName, input: unknown, from?: { url?: string; subframe?: boolean }): Promise<Result<unknown>>;
  /**
   * Sends a message the way the preload's ipcRenderer.send does, from a window's page (the first
   * window's by default), from the given frame (the app's own page by default).
   */
  sendFromPage(channel: string, from?: { webContents?: StandInWebContents; url?: string; subframe?: boolean }): void;
  /** Asks the app:// handler for an address, as the renderer's page would. */
  fetchApp(url: string): Promise<Response>;
  /** The worker threads the main process started (the engine's), in order. */
  workers: Worker[];
  /** Quits (Electron's 'will-quit'), and puts the process back as it was. */
  dispose(): void;
}

export interface StartOptions extends Partial<StandInOptions> {
  /** Command-line arguments after the app's path; `--data <tmp>` is added unless given. */
  args?: string[];
  /** false: no Electron build of better-sqlite3 in the project (`npm run setup:electron` not run). */
  electronSqlite?: boolean;
}

type Load = (request: string, parent: unknown, isMain: boolean) => unknown;
const loader = Module as unknown as { _load: Load };
let running: MainRun | null = null;
/** Far above a start's few hundred ms on a busy machine, and under the test's own timeout. */
const STUCK_AFTER_MS = 10_000;

/** A project root for app.getAppPath(), with the Node build of better-sqlite3 standing in for the Electron one. */
function fakeAppRoot(base: string, withSqlite: boolean): string {
  const root = path.join(base, 'app');
  const dir = path.join(root, '.electron-native', ELECTRON_VERSION);
  fs.mkdirSync(dir, { recursive: true });
  if (withSqlite) fs.symlinkSync(NODE_SQLITE_BUILD, path.join(dir, 'better_sqlite3.node'));
  return root;
}

export async function startMain(options: StartOptions = {}): Promise<MainRun> {
  if (running) throw new Error('one main process at a time: dispose() the last one first');
  if (!fs.existsSync(MAIN_BUNDLE)) throw new Error(`${MAIN_BUNDLE} is missing: run \`npm run build\``);
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-console-main-'));
  const args = options.args ?? [];
  const dataDir = args.includes('--data') ? args[args.indexOf('--data') + 1]! : path.join(base, 'data');
  const downloadsDir = path.join(base, 'downloads');
  fs.mkdirSync(downloadsDir);
  const standIn = createStandInElectron({
    appPath: options.appPath ?? fakeAppRoot(base, options.electronSqlite ?? true),
    downloadsDir: options.downloadsDir ?? downloadsDir,
    singleInstance: options.singleInstance,
    safeStorage: options.safeStorage,
    displays: options.displays,
  });

  // what a start changes in the process, put back by dispose()
  const saved = {
    argv: process.argv,
    umask: process.umask(),
    load: loader._load,
    listeners: Object.fromEntries((['exit', 'SIGINT', 'SIGTERM'] as const).map((s) => [s, process.listeners(s as 'exit')])),
  };
  const restore = () => {
    process.argv = saved.argv;
    process.umask(saved.umask);
    loader._load = saved.load;
    delete (process.versions as Record<string, string>).electron;
    for (const [signal, before] of Object.entries(saved.listeners)) {
      for (const l of process.listeners(signal as 'exit')) if (!before.includes(l)) process.removeListener(signal, l);
    }
    for (const id of Object.keys(nodeRequire.cache)) if (id.startsWith(OUT + path.sep)) delete nodeRequire.cache[id];
  };

  // the bundle's worker_threads, recording each Worker it starts (the engine's thread)
  const workers: Worker[] = [];
  const recordingThreads = {
    ...workerThreads,
    Worker: class extends workerThreads.Worker {
      constructor(...args: ConstructorParameters<typeof workerThreads.Worker>) {
        super(...args);
        workers.push(this);
      }
    },
  };
  const fromBundle = (parent: unknown) => String((parent as { filename?: string } | null)?.filename ?? '').startsWith(OUT + path.sep);
  loader._load = function (this: unknown, request, parent, isMain) {
    if (request === 'electron') return standIn.electron;
    if ((request === 'node:worker_threads' || request === 'worker_threads') && fromBundle(parent)) return recordingThreads;
    return saved.load.call(this, request, parent, isMain);
  };
  Object.defineProperty(process.versions, 'electron', { value: ELECTRON_VERSION, configurable: true, enumerable: true });
  process.argv = [process.execPath, ROOT, ...(args.includes('--data') ? [] : ['--data', dataDir]), ...args];
  try {
    nodeRequire(MAIN_BUNDLE);
  } catch (e) {
    restore();
    throw e;
  }
  // the start reads its arguments before its first await
  process.argv = saved.argv;
  // a start that neither opens a window nor exits nor quits is a failure to report, not to wait on
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<'stuck'>((resolve) => (timer = setTimeout(() => resolve('stuck'), STUCK_AFTER_MS)));
  const outcome = await Promise.race([standIn.settled, stuck]);
  clearTimeout(timer);
  if (outcome === 'stuck') {
    standIn.electron.app.emit('will-quit', { preventDefault() {} });
    restore();
    fs.rmSync(base, { recursive: true, force: true });
    throw new Error(`the main process neither opened a window nor exited within ${STUCK_AFTER_MS} ms (error boxes: ${JSON.stringify(standIn.record.errorBoxes)})`);
  }

  const run: MainRun = {
    ...standIn,
    dataDir,
    outcome,
    workers,
    async call(method, input, from = {}) {
      const handler = standIn.record.ipcHandlers.get(ipcChannel(method));
      if (!handler) throw new Error(`no IPC handler for ${method}`);
      const mainFrame = { url: from.url ?? 'app://lead-console/' };
      const event = { sender: { mainFrame }, senderFrame: from.subframe ? { url: mainFrame.url } : mainFrame } as unknown as IpcMainInvokeEvent;
      return (await handler(event, input)) as Result<unknown>;
    },
    sendFromPage(channel, from = {}) {
      const sender = from.webContents ?? standIn.windows[0]!.webContents;
      const frame = from.url ? { url: from.url } : sender.mainFrame;
      const event = { ...standInEvent(), sender, senderFrame: from.subframe ? { url: frame.url } : frame };
      for (const listener of standIn.record.ipcListeners.get(channel) ?? []) listener(event);
    },
    async fetchApp(url) {
      const handler = standIn.record.protocolHandlers.get('app');
      if (!handler) throw new Error('no app: protocol handler');
      // a plain object, not a Request: Chromium hands over addresses a WHATWG parser would have tidied
      return handler({ url } as Request);
    },
    dispose() {
      if (running !== run) return;
      running = null;
      try {
        standIn.electron.app.emit('will-quit', { preventDefault() {} });
      } finally {
        restore();
        fs.rmSync(base, { recursive: true, force: true });
      }
    },
  };
  running = run;
  return run;
}
