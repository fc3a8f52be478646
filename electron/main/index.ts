// Electron main process: app lifecycle, the window and the menu, the IPC binding and the native module
// choice. The engine itself is electron/core (createCore), run in a worker thread exactly as in
// browser mode (electron/engine): this process only routes calls and events, so the window never
// waits on an import or a sync.
import { app, BrowserWindow, dialog, ipcMain, Menu, net, protocol, safeStorage, session, shell } from 'electron';
import path from 'node:path';
import { AppError } from '../../shared/errors';
import { startEngine, type EngineHost } from '../engine/EngineHost';
import { keepNewFilesPrivate } from '../core/files/privateFiles';
import { DataFolderLock, FolderInUseError } from '../core/lock/DataFolderLock';
import { contactLink, LINK_SCHEME, parseStartArgs, type OpenArg } from '../startup/cliArgs';
import { EncryptedTokenStore, FileTokenStore } from '../core/settings/TokenStore';
import { startIntercom, type StartedIntercom } from '../startup/startIntercom';
import { answerAppRequest, permissionAllowed } from './appProtocol';
import { buildMenuTemplate } from './appMenu';
import { helpCommands } from './helpCommands';
import { createMainWindow } from './mainWindow';
import { APP_ORIGIN, APP_SCHEME, bindIpc, forwardEvents, isTrustedSender } from './ipc';
import { MENU_COMMAND_CHANNEL, OPEN_READY_CHANNEL, OPEN_REQUEST_CHANNEL } from '../../shared/windowApi';
import { OpenRequestQueue, resolveOpenArg } from './openRequests';
import { electronSqliteBinding, ELECTRON_SQLITE_HELP } from './nativeModule';

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

const rendererDir = path.join(__dirname, '../renderer');
let core: EngineHost | null = null;
let intercom: StartedIntercom | null = null;
let lock: DataFolderLock | null = null;

/**
 * What the OS asks to open (macOS hands files and links over as events, possibly before the app
 * is ready): held until the window can take them, then handed to `open` (set by start()).
 */
const early: { args: OpenArg[]; cwd: string }[] = [];
let open = (args: OpenArg[], cwd: string) => void early.push({ args, cwd });
app.on('open-file', (event, file) => {
  event.preventDefault();
  open([{ kind: 'file', path: file }], process.cwd());
});
app.on('open-url', (event, url) => {
  const ref = contactLink(url);
  if (ref === null) return;
  event.preventDefault();
  open([{ kind: 'contact', ref }], process.cwd());
});

/** Exit code of a start that found another Lead Console on its data folder (the launcher does not fall back to browser mode on it). */
const EXIT_IN_USE = 5;

/** Thrown by fail() to end start(): the user has been told, and the app is exiting. */
class StartAborted extends Error {}

function fail(title: string, message: string, code = 1): never {
  console.error(`${title}: ${message}`);
  dialog.showErrorBox(title, message);
  app.exit(code);
  throw new StartAborted(message);
}

/** Serves the built renderer from app://lead-console/ with the CSP, never from file://. */
function serveRenderer() {
  protocol.handle(APP_SCHEME, (request) => answerAppRequest(rendererDir, request.url, (url) => net.fetch(url)));
}

function lockDown() {
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // links to the web open in the user's browser; nothing opens inside the app
      if (/^https:\/\//i.test(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(permissionAllowed()));
  // checks are separate from requests: without this handler, a page querying a permission's state gets Electron's default
  session.defaultSession.setPermissionCheckHandler(() => permissionAllowed());
}

async function start() {
  keepNewFilesPrivate();
  const opts = parseStartArgs(process.argv.slice(app.isPackaged ? 1 : 2));
  app.setPath('userData', opts.dataDir);
  const nativeBinding = app.isPackaged ? undefined : electronSqliteBinding(app.getAppPath(), process.versions.electron);
  if (nativeBinding === null) fail('Lead Console cannot open its database', ELECTRON_SQLITE_HELP);
  // the folder lock, in addition to the single-instance lock (one per app id): it meets browser
  // mode and other builds on the same folder, before the sandbox's files, the sweep or the store
  let inUse: FolderInUseError | null = null;
  try {
    lock = DataFolderLock.acquire(opts.dataDir, { mode: 'desktop', nativeBinding });
  } catch (e) {
    if (!(e instanceof FolderInUseError)) throw e;
    inUse = e;
  }
  // held by browser mode: say so before Chromium writes its own files in the folder
  if (inUse?.holder && inUse.holder.mode !== 'desktop') fail('Lead Console is already running', inUse.message, EXIT_IN_USE);
  // a second window of this app focuses the first (see 'second-instance')
  if (!app.requestSingleInstanceLock()) {
    lock?.release();
    app.quit();
    return;
  }
  // held by a desktop app that is not this one (another build, another app id)
  if (inUse || !lock) fail('Lead Console is already running', inUse?.message ?? 'the data folder is in use', EXIT_IN_USE);
  const folderLock = lock;
  await app.whenReady();
  lockDown();
  serveRenderer();

  intercom = await startIntercom(opts);
  console.log(intercom.describe);
  // the OS key store encrypts the token where it can; otherwise it is a file only this user can read
  // (on Linux without a secret service, safeStorage falls back to a fixed key: no better than a file)
  const keyStore = safeStorage.isEncryptionAvailable() && !(process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text');
  const tokenStore = keyStore
    ? new EncryptedTokenStore(opts.dataDir, { encrypt: (s) => safeStorage.encryptString(s), decrypt: (b) => safeStorage.decryptString(b) })
    : new FileTokenStore(opts.dataDir);
  try {
    core = await startEngine({
      dataDir: opts.dataDir,
      mode: 'desktop',
      version: app.getVersion(),
      nativeBinding: nativeBinding ?? undefined,
      intercom: intercom.intercom,
      demoEvents: intercom.sandbox !== null,
      // safeStorage works in this process only: the worker asks it to keep or forget the token
      tokenStore: intercom.intercom?.token ? undefined : tokenStore,
      // exports land where the user looks for downloaded files
      exportsDir: safeDownloadsDir() ?? undefined,
      lock: folderLock,
    });
  } catch (e) {
    if (e instanceof AppError && e.code === 'DAMAGED') fail('Lead Console found its store damaged', e.message);
    fail('Lead Console cannot open its database', e instanceof AppError ? e.message : String(e));
  }
  // the log is written once the store is open: a start refused before that leaves the folder as it was
  const log = core.log;
  log.info('start', { version: app.getVersion(), mode: 'desktop', dataDir: opts.dataDir, electron: process.versions.electron, packaged: app.isPackaged, readOnly: core.readOnly !== null });
  if (core.readOnly) {
    console.warn(core.readOnly);
    dialog.showErrorBox('Lead Console opened read-only', `${core.readOnly}\n\nUntil then you can look around and export; every change answers that the disk is full.`);
  }
  bindIpc(ipcMain, core);
  forwardEvents(core, () => BrowserWindow.getAllWindows().map((w) => w.webContents));

  // what a start asks to open goes to the page once it listens (its preload says so)
  const opener = new OpenRequestQueue((request) => {
    if (win.isDestroyed()) return false;
    win.webContents.send(OPEN_REQUEST_CHANNEL, request);
    return true;
  });
  const createWindow = () => {
    opener.pageGone();
    const w = createMainWindow(opts.dataDir, path.join(__dirname, '../preload/index.js'));
    // a reload listens afresh
    w.webContents.on('did-start-loading', () => opener.pageGone());
    return w;
  };
  let win = createWindow();
  ipcMain.on(OPEN_READY_CHANNEL, (event) => {
    if (isTrustedSender(event) && !win.isDestroyed() && event.sender === win.webContents) opener.pageListens();
  });
  const started = core;
  // one at a time, in the order given: an import's upload finishes before the next argument
  let chain = Promise.resolve();
  open = (args, cwd) => {
    for (const arg of args) {
      chain = chain
        .then(() => resolveOpenArg(arg, cwd, started))
        .catch((e: unknown) => ({ kind: 'problem' as const, message: `Lead Console could not open what it was given: ${e instanceof Error ? e.message : String(e)}` }))
        .then((request) => opener.push(request));
    }
  };
  open(opts.open, process.cwd());
  for (const e of early.splice(0)) open(e.args, e.cwd);
  // links open the record in this app from a browser or a chat (registered for the installed app only)
  if (app.isPackaged) app.setAsDefaultProtocolClient(LINK_SCHEME);
  const help = helpCommands({
    shell,
    dialog,
    about: {
      appName: 'Lead Console',
      version: app.getVersion(),
      versions: process.versions,
      platform: process.platform,
      arch: process.arch,
      dataDir: opts.dataDir,
    },
    window: () => (win.isDestroyed() ? null : win),
  });
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      buildMenuTemplate({
        platform: process.platform,
        appName: 'Lead Console',
        dev: !app.isPackaged,
        // a command for a closed window (macOS) opens one; the page it loads starts at its own place
        send: (command) => {
          if (win.isDestroyed()) win = createWindow();
          else win.webContents.send(MENU_COMMAND_CHANNEL, command);
        },
        ...help,
      }),
    ),
  );
  // a second start (a file opened with the app, a link, `--contact`) hands its arguments over
  app.on('second-instance', (_event, argv: string[], workingDirectory: string) => {
    if (win.isDestroyed()) win = createWindow();
    if (win.isMinimized()) win.restore();
    win.focus();
    let args: OpenArg[];
    try {
      args = parseStartArgs(argv.slice(app.isPackaged ? 1 : 2)).open;
    } catch (e) {
      opener.push({ kind: 'problem', message: `A second start of Lead Console was given options it does not understand: ${e instanceof Error ? e.message : String(e)}` });
      return;
    }
    open(args, workingDirectory || process.cwd());
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) win = createWindow();
  });
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('will-quit', () => {
  core?.dispose();
  core = null;
  const sandbox = intercom?.sandbox;
  // the sandbox saves its workspace in the data folder as it closes: the folder stays ours till then
  if (sandbox) void sandbox.close().finally(() => lock?.release());
  else lock?.release();
});
// a quit that does not wait for the sandbox, or a failed start; after a kill the OS drops the lock
process.on('exit', () => lock?.release());
// Ctrl+C or a service manager's stop: quit as the window's close would, so the store closes and the folder is given up
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

start().catch((e: unknown) => {
  if (e instanceof StartAborted) return;
  // anything unforeseen: said in words, rather than a process left running with no window
  try {
    fail('Lead Console could not start', e instanceof Error ? e.message : String(e));
  } catch {
    // fail() ends by throwing, to stop a start; here there is nothing left to stop
  }
});

function safeDownloadsDir(): string | null {
  try {
    return app.getPath('downloads');
  } catch {
    return null;
  }
}
