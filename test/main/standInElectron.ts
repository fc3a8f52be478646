// A stand-in for the `electron` module, for running the built main process in plain Node (no
// Electron binary can be fetched here). Each part does the least the main process needs and
// records what it was asked, so a test can check the window's options, the handlers it installed,
// the menu it built and what it told the OS shell, and can play the events Electron would send.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface StandInDisplay {
  id: number;
  bounds: Rect;
  workArea: Rect;
}

export interface StandInOptions {
  /** What app.getAppPath() answers: the project root, where .electron-native/ is looked for. */
  appPath: string;
  downloadsDir: string;
  /** false: another instance holds the single-instance lock. */
  singleInstance?: boolean;
  safeStorage?: { available: boolean; backend: 'basic_text' | 'gnome_libsecret' | 'kwallet5' | 'unknown' };
  displays?: StandInDisplay[];
}

type Listener = (...args: unknown[]) => unknown;

/** What an Electron `event` argument offers that the main process uses. */
export interface StandInEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}

export function standInEvent(): StandInEvent {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

let nextId = 1;

export class StandInWebContents extends EventEmitter {
  readonly id = nextId++;
  readonly mainFrame: { url: string };
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | null = null;
  readonly sent: { channel: string; args: unknown[] }[] = [];
  destroyed = false;
  devToolsOpened = 0;
  constructor(url = 'app://lead-console/') {
    super();
    this.mainFrame = { url };
  }
  setWindowOpenHandler(h: (details: { url: string }) => { action: 'allow' | 'deny' }) {
    this.windowOpenHandler = h;
  }
  send(channel: string, ...args: unknown[]) {
    this.sent.push({ channel, args });
  }
  isDestroyed() {
    return this.destroyed;
  }
  getURL() {
    return this.mainFrame.url;
  }
  toggleDevTools() {
    this.devToolsOpened++;
  }
  /** Plays a navigation the page asked for; true when the main process stopped it. */
  navigate(kind: 'will-navigate' | 'will-redirect' | 'will-attach-webview', url: string): boolean {
    const event = standInEvent();
    this.emit(kind, event, url);
    return event.defaultPrevented;
  }
}

export function createStandInElectron(options: StandInOptions) {
  const record = {
    privilegedSchemes: [] as unknown[],
    protocolHandlers: new Map<string, (request: Request) => Promise<Response> | Response>(),
    ipcHandlers: new Map<string, Listener>(),
    /** ipcMain.on: messages a page sends without waiting for an answer. */
    ipcListeners: new Map<string, Listener[]>(),
    permissionRequestHandler: null as null | ((wc: unknown, permission: string, callback: (granted: boolean) => void, details?: unknown) => void),
    permissionCheckHandler: null as null | ((wc: unknown, permission: string, origin: string, details?: unknown) => boolean),
    errorBoxes: [] as { title: string; content: string }[],
    messageBoxes: [] as Record<string, unknown>[],
    openedExternal: [] as string[],
    openedPaths: [] as string[],
    shownInFolder: [] as string[],
    applicationMenu: null as null | { template: MenuItem[] },
    exitCode: null as number | null,
    quits: 0,
    protocolClients: [] as string[],
    paths: new Map<string, string>([['downloads', options.downloadsDir]]),
  };

  const displays = options.displays ?? [{ id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 24, width: 1920, height: 1056 } }];
  const windows: StandInBrowserWindow[] = [];
  let settle: (how: 'window' | 'exit' | 'quit') => void = () => {};
  const settled = new Promise<'window' | 'exit' | 'quit'>((resolve) => (settle = resolve));

  class StandInApp extends EventEmitter {
    isPackaged = false;
    getAppPath = () => options.appPath;
    getName = () => 'Lead Console';
    getVersion = () => '0.1.0';
    setPath = (name: string, p: string) => void record.paths.set(name, p);
    getPath = (name: string) => {
      const p = record.paths.get(name);
      if (!p) throw new Error(`Failed to get '${name}' path`);
      return p;
    };
    requestSingleInstanceLock = () => options.singleInstance ?? true;
    setAsDefaultProtocolClient = (scheme: string) => void record.protocolClients.push(scheme);
    whenReady = () => Promise.resolve();
    isReady = () => true;
    quit = () => {
      record.quits++;
      settle('quit');
    };
    exit = (code = 0) => {
      record.exitCode = code;
      settle('exit');
    };
  }
  const app = new StandInApp();

  class StandInBrowserWindow extends EventEmitter {
    readonly options: Record<string, unknown> & { webPreferences?: Record<string, unknown> };
    readonly webContents: StandInWebContents;
    readonly loaded: string[] = [];
    bounds: Rect;
    maximized = false;
    minimized = false;
    destroyed = false;
    visible = false;
    focused = 0;
    constructor(opts: Record<string, unknown>) {
      super();
      this.options = opts;
      const o = opts as Partial<Rect>;
      const primary = displays[0]!.workArea;
      const width = o.width ?? 800;
      const height = o.height ?? 600;
      // Electron centres a window given no position
      this.bounds = {
        x: o.x ?? Math.round(primary.x + (primary.width - width) / 2),
        y: o.y ?? Math.round(primary.y + (primary.height - height) / 2),
        width,
        height,
      };
      this.webContents = new StandInWebContents();
      windows.push(this);
      app.emit('web-contents-created', standInEvent(), this.webContents);
      settle('window');
    }
    static getAllWindows = () => windows.filter((w) => !w.destroyed);
    static getFocusedWindow = () => windows.find((w) => !w.destroyed && w.focused > 0) ?? null;
    loadURL(url: string) {
      this.loaded.push(url);
      return Promise.resolve();
    }
    show() {
      this.visible = true;
    }
    focus() {
      this.focused++;
    }
    isDestroyed() {
      return this.destroyed;
    }
    isMinimized() {
      return this.minimized;
    }
    minimize() {
      this.minimized = true;
    }
    restore() {
      this.minimized = false;
    }
    isMaximized() {
      return this.maximized;
    }
    maximize() {
      this.maximized = true;
    }
    unmaximize() {
      this.maximized = false;
    }
    getBounds(): Rect {
      return { ...this.bounds };
    }
    getNormalBounds(): Rect {
      return { ...this.bounds };
    }
    setBounds(b: Partial<Rect>) {
      this.bounds = { ...this.bounds, ...b };
    }
    /** A close as the user's click makes it: 'close' (which may be prevented), then 'closed'. */
    close() {
      const event = standInEvent();
      this.emit('close', event);
      if (event.defaultPrevented) return;
      this.destroyed = true;
      this.webContents.destroyed = true;
      this.emit('closed');
      if (StandInBrowserWindow.getAllWindows().length === 0) app.emit('window-all-closed');
    }
  }

  interface MenuItem {
    label?: string;
    role?: string;
    type?: string;
    accelerator?: string;
    submenu?: MenuItem[];
    click?: (...args: unknown[]) => unknown;
    visible?: boolean;
    enabled?: boolean;
  }

  const electron = {
    app,
    BrowserWindow: StandInBrowserWindow,
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => void record.privilegedSchemes.push(...schemes),
      handle: (scheme: string, handler: (request: Request) => Promise<Response> | Response) => {
        if (record.protocolHandlers.has(scheme)) throw new Error(`second handler for ${scheme}:`);
        record.protocolHandlers.set(scheme, handler);
      },
    },
    ipcMain: {
      handle: (channel: string, handler: Listener) => {
        if (record.ipcHandlers.has(channel)) throw new Error(`second handler for ${channel}`);
        record.ipcHandlers.set(channel, handler);
      },
      removeHandler: (channel: string) => void record.ipcHandlers.delete(channel),
      on: (channel: string, listener: Listener) => void record.ipcListeners.set(channel, [...(record.ipcListeners.get(channel) ?? []), listener]),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: typeof record.permissionRequestHandler) => void (record.permissionRequestHandler = h),
        setPermissionCheckHandler: (h: typeof record.permissionCheckHandler) => void (record.permissionCheckHandler = h),
      },
    },
    safeStorage: {
      isEncryptionAvailable: () => options.safeStorage?.available ?? false,
      getSelectedStorageBackend: () => options.safeStorage?.backend ?? 'unknown',
      // not a cipher, but the token's text never appears in what is written
      encryptString: (s: string) => Buffer.from('stand-in:' + Buffer.from(s, 'utf8').toString('base64').split('').reverse().join('')),
      decryptString: (b: Buffer) => {
        const text = b.toString('utf8');
        if (!text.startsWith('stand-in:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
        return Buffer.from(text.slice('stand-in:'.length).split('').reverse().join(''), 'base64').toString('utf8');
      },
    },
    dialog: {
      showErrorBox: (title: string, content: string) => void record.errorBoxes.push({ title, content }),
      showMessageBox: (...args: unknown[]) => {
        const opts = (args.length > 1 ? args[1] : args[0]) as Record<string, unknown>;
        record.messageBoxes.push(opts);
        return Promise.resolve({ response: 0, checkboxChecked: false });
      },
    },
    shell: {
      openExternal: (url: string) => {
        record.openedExternal.push(url);
        return Promise.resolve();
      },
      openPath: (p: string) => {
        record.openedPaths.push(p);
        return Promise.resolve(fs.existsSync(p) ? '' : `Failed to open path: ${p}`);
      },
      showItemInFolder: (p: string) => void record.shownInFolder.push(p),
    },
    Menu: {
      buildFromTemplate: (template: MenuItem[]) => ({ template }),
      setApplicationMenu: (menu: { template: MenuItem[] } | null) => void (record.applicationMenu = menu),
    },
    screen: {
      getAllDisplays: () => displays,
      getPrimaryDisplay: () => displays[0]!,
    },
    net: {
      // what the handler fetches is a file:// address inside the built renderer
      fetch: async (url: string) => {
        const file = fileURLToPath(url);
        const type = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' }[path.extname(file)] ?? 'application/octet-stream';
        return new Response(await fs.promises.readFile(file), { status: 200, headers: { 'Content-Type': type } });
      },
    },
  };

  return { electron, record, windows, settled };
}

export type StandInElectron = ReturnType<typeof createStandInElectron>;
export type StandInBrowserWindow = StandInElectron['windows'][number];
