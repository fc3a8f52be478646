// The built main process (out/main/index.js), run with a stand-in `electron` module
// (test/main/loadMain.ts): the window it opens and how it is locked down, what app:// answers,
// who may call the API, the single-instance lock, where the token is kept and how it is forgotten,
// what a start without the Electron build of better-sqlite3 says, and what a desktop user expects
// (the window where it was, the menu and its Help commands), and that the engine runs in a worker
// thread it stops on quit. What only a real Electron
// can confirm (that Chromium honours these settings) is in the README's "Desktop" section.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import os from 'node:os';
import type { MenuItemConstructorOptions } from 'electron';
import { ENCRYPTED_TOKEN_FILE, TOKEN_FILE } from '../../electron/core/settings/TokenStore';
import { HOLDER_FILE_NAME } from '../../electron/core/lock/DataFolderLock';
import { ELECTRON_SQLITE_HELP } from '../../electron/main/nativeModule';
import { WINDOW_STATE_FILE } from '../../electron/main/windowState';
import { RENDERER_CSP } from '../../electron/startup/csp';
import { MENU_COMMAND_CHANNEL, OPEN_READY_CHANNEL, OPEN_REQUEST_CHANNEL, type OpenRequest } from '../../shared/windowApi';
import { ELECTRON_VERSION, ROOT, startMain, type MainRun, type StartOptions } from './loadMain';
import { standInEvent, type StandInWebContents } from './standInElectron';

let run: MainRun | null = null;
async function start(options: StartOptions = {}): Promise<MainRun> {
  // Intercom at an address nothing answers: a token set by a test never leaves the machine
  run = await startMain({ ...options, args: [...(options.args ?? []), '--intercom-url', 'http://127.0.0.1:9'] });
  return run;
}
afterEach(() => {
  run?.dispose();
  run = null;
});

function onlyWindow(r: MainRun) {
  expect(r.outcome).toBe('window');
  expect(r.windows).toHaveLength(1);
  return r.windows[0]!;
}

describe('the window', () => {
  it('runs its page isolated and sandboxed, without Node, from app://', async () => {
    const r = await start();
    const win = onlyWindow(r);
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(win.options.webPreferences).not.toHaveProperty('nodeIntegrationInSubFrames', true);
    expect(win.options.webPreferences).not.toHaveProperty('allowRunningInsecureContent', true);
    const preload = win.options.webPreferences!.preload as string;
    expect(preload).toBe(path.join(ROOT, 'out', 'preload', 'index.js'));
    expect(fs.existsSync(preload)).toBe(true);
    expect(win.loaded).toEqual(['app://lead-console/']);
    // shown once painted, not as a blank frame
    expect(win.visible).toBe(false);
    win.emit('ready-to-show');
    expect(win.visible).toBe(true);
    // app:// is a secure standard scheme, with no exemption from the CSP
    expect(r.record.privilegedSchemes).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    expect(r.record.privilegedSchemes[0]).not.toHaveProperty('privileges.bypassCSP', true);
  });

  it('serves its page with the CSP: own scripts only, no eval, no inline script, no framing', async () => {
    const r = await start();
    const res = await r.fetchApp('app://lead-console/');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Security-Policy')).toBe(RENDERER_CSP);
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(await res.text()).toBe(fs.readFileSync(path.join(ROOT, 'out', 'renderer', 'index.html'), 'utf8'));
    const directives = new Map(RENDERER_CSP.split('; ').map((d) => [d.split(' ')[0], d] as const));
    expect(directives.get('script-src')).toBe("script-src 'self'");
    expect(directives.get('frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(directives.get('object-src')).toBe("object-src 'none'");
    expect(RENDERER_CSP).not.toMatch(/unsafe-(eval|inline)/);
  });
});

describe('app://', () => {
  it('serves the built renderer files', async () => {
    const r = await start();
    const asset = fs.readdirSync(path.join(ROOT, 'out', 'renderer', 'assets')).find((f) => f.endsWith('.js'))!;
    const res = await r.fetchApp(`app://lead-console/assets/${asset}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Security-Policy')).toBe(RENDERER_CSP);
  });

  it('answers every other address in words, with the CSP, and never throws', async () => {
    const r = await start();
    // out/renderer/../../package.json exists: the traversals below would reach it
    expect(fs.existsSync(path.join(ROOT, 'package.json'))).toBe(true);
    const cases: [string, number][] = [
      ['app://lead-console/../../package.json', 404],
      ['app://lead-console/%2e%2e/%2e%2e/package.json', 404],
      ['app://lead-console/..%2f..%2fpackage.json', 404],
      ['app://lead-console/assets/..%2f..%2f..%2fpackage.json', 404],
      ['app://lead-console/%2e%2e%2f%2e%2e%2fpackage.json', 404],
      ['app://lead-console/..%5c..%5cpackage.json', 404],
      ['app://lead-console/assets', 404],
      ['app://lead-console/assets/', 404],
      ['app://lead-console/no-such-file.js', 404],
      ['app://lead-console/index.html/more', 404],
      ['app://elsewhere/index.html', 404],
      ['app://lead-console/%E0%A4%A', 400],
      ['app://lead-console/assets/%', 400],
      ['app://lead-console/%ZZ.js', 400],
      ['app://lead-console/index.html%00', 400],
      ['app://[bad', 400],
    ];
    for (const [url, status] of cases) {
      const res = await r.fetchApp(url);
      expect(res.status, url).toBe(status);
      expect(res.headers.get('Content-Security-Policy'), url).toBe(RENDERER_CSP);
      expect(res.headers.get('X-Content-Type-Options'), url).toBe('nosniff');
      expect(await res.text(), url).toMatch(status === 400 ? /^Bad request: / : /^Not found$/);
    }
  });
});

describe('the API over IPC', () => {
  it('answers the app page main frame and refuses any other frame or origin', async () => {
    const r = await start();
    expect(await r.call('app.info', {})).toMatchObject({ ok: true, value: { mode: 'desktop', dataDir: r.dataDir } });
    const refused = { ok: false, error: { code: 'FORBIDDEN' } };
    expect(await r.call('app.info', {}, { subframe: true })).toMatchObject(refused);
    for (const url of ['https://evil.example/', 'http://127.0.0.1:4477/', 'file:///etc/passwd', 'app://elsewhere/', 'lead-console/', 'about:blank', 'devtools://devtools/']) {
      expect(await r.call('app.info', {}, { url }), url).toMatchObject(refused);
    }
    // and a refused call changed nothing
    expect(await r.call('contacts.create', { name: 'From a frame' }, { subframe: true })).toMatchObject(refused);
    expect(await r.call('contacts.list', {})).toMatchObject({ ok: true, value: { total: 0 } });
  });
});

describe('what a page may do', () => {
  it('cannot navigate, redirect or attach a webview away from the app', async () => {
    const r = await start();
    const wc = onlyWindow(r).webContents;
    expect(wc.navigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(wc.navigate('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(wc.navigate('will-navigate', 'app://lead-console.evil.example/')).toBe(true);
    expect(wc.navigate('will-redirect', 'https://evil.example/')).toBe(true);
    expect(wc.navigate('will-attach-webview', 'app://lead-console/')).toBe(true);
    // its own pages: allowed
    expect(wc.navigate('will-navigate', 'app://lead-console/#/settings')).toBe(false);
  });

  it('cannot open a window: web links go to the browser, anything else nowhere', async () => {
    const r = await start();
    const open = onlyWindow(r).webContents.windowOpenHandler!;
    expect(open({ url: 'https://www.intercom.com/help' })).toEqual({ action: 'deny' });
    for (const url of ['http://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'app://lead-console/', 'smb://host/share']) {
      expect(open({ url }), url).toEqual({ action: 'deny' });
    }
    expect(r.record.openedExternal).toEqual(['https://www.intercom.com/help']);
  });

  it('is granted no permission, asked or checked', async () => {
    const r = await start();
    const wc = onlyWindow(r).webContents;
    const request = r.record.permissionRequestHandler!;
    const check = r.record.permissionCheckHandler!;
    expect(request).toBeTypeOf('function');
    expect(check).toBeTypeOf('function');
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'clipboard-sanitized-write', 'openExternal', 'fileSystem']) {
      const answers: boolean[] = [];
      request(wc, permission, (granted) => answers.push(granted));
      expect(answers, permission).toEqual([false]);
      expect(check(wc, permission, 'app://lead-console'), permission).toBe(false);
    }
  });
});

describe('the engine', () => {
  it('runs in a worker thread the main process starts; a quit closes the store there before the folder is given up', async () => {
    const r = await start();
    expect(r.workers).toHaveLength(1);
    const [worker] = r.workers;
    expect(await r.call('contacts.create', { email: 'ana@example.com' })).toMatchObject({ ok: true });
    expect(await r.call('app.info', {})).toMatchObject({ ok: true, value: { mode: 'desktop', dataDir: r.dataDir } });
    const wal = path.join(r.dataDir, 'lead-console.sqlite-wal');
    expect(fs.existsSync(wal)).toBe(true);
    const exited = new Promise<number>((resolve) => worker!.once('exit', resolve));
    r.electron.app.emit('will-quit', { preventDefault() {} });
    // SQLite removes the WAL with its last connection: closed before the lock's record went
    expect(fs.existsSync(wal)).toBe(false);
    expect(fs.existsSync(path.join(r.dataDir, HOLDER_FILE_NAME))).toBe(false);
    await exited;
  });
});

describe('one instance', () => {
  it('a second start hands over to the first and quits, leaving the folder as it was', async () => {
    const r = await start({ singleInstance: false });
    expect(r.outcome).toBe('quit');
    expect(r.windows).toHaveLength(0);
    expect(r.record.ipcHandlers.size).toBe(0);
    expect(r.record.exitCode).toBeNull();
    // it took the folder lock, then gave it back; it opened no store
    expect(fs.existsSync(path.join(r.dataDir, HOLDER_FILE_NAME))).toBe(false);
    expect(fs.readdirSync(r.dataDir).filter((f) => f.endsWith('.db'))).toEqual([]);
  });

  it('the first, told of a second start, comes to the front, restored if minimised', async () => {
    const r = await start();
    const win = onlyWindow(r);
    win.minimize();
    r.electron.app.emit('second-instance', standInEvent(), [process.execPath, ROOT, '--data', r.dataDir], ROOT, {});
    expect(win.isMinimized()).toBe(false);
    expect(win.focused).toBe(1);
    expect(r.windows).toHaveLength(1);
  });

  it('opens a new window for a second start after its window was closed (macOS keeps running)', async () => {
    const r = await start();
    r.windows[0]!.close();
    r.electron.app.emit('second-instance', standInEvent(), [], ROOT, {});
    expect(r.windows).toHaveLength(2);
    expect(r.windows[1]!.focused).toBe(1);
  });
});

describe('what a start asks to open', () => {
  const opened = (wc: StandInWebContents) => wc.sent.filter((m) => m.channel === OPEN_REQUEST_CHANNEL).map((m) => m.args[0] as OpenRequest);
  /** Waits for the main process to have sent `n` requests (it checks files and uploads them first). */
  const untilOpened = (wc: StandInWebContents, n: number) =>
    vi.waitFor(() => expect(opened(wc)).toHaveLength(n), { timeout: 10_000, interval: 20 });
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'lead-console-open-'));
  const CSV = 'Email,Name\nana@example.com,Ana Lima\nbo@example.com,Bo Berg\n';
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('a second start with a .csv file and --contact brings the window to the front and has the page open both', async () => {
    const r = await start();
    const win = onlyWindow(r);
    const ana = (await r.call('contacts.create', { email: 'ana@example.com', name: 'Ana Lima' })) as { ok: true; value: { contact: { id: string } } };
    const cwd = tmp();
    dirs.push(cwd);
    fs.writeFileSync(path.join(cwd, 'people.csv'), CSV);
    r.sendFromPage(OPEN_READY_CHANNEL);
    win.minimize();
    // as Electron hands it over: the second start's whole command line and its working folder
    r.electron.app.emit('second-instance', standInEvent(), [process.execPath, ROOT, 'people.csv', '--contact', 'ANA@example.com'], cwd, {});
    expect(win.isMinimized()).toBe(false);
    expect(win.focused).toBe(1);
    expect(r.windows).toHaveLength(1);
    await untilOpened(win.webContents, 2);
    const [imported, contact] = opened(win.webContents);
    expect(imported).toMatchObject({ kind: 'import', fileName: 'people.csv' });
    expect(contact).toEqual({ kind: 'contact', id: ana.value.contact.id });
    // the file is in the engine as an upload waiting to be mapped, bytes for bytes
    const id = (imported as Extract<OpenRequest, { kind: 'import' }>).importId;
    const analysis = (await r.call('import.analyse', { importId: id })) as { ok: true; value: { columns: string[]; sample: string[][]; job: { state: string } } };
    expect(analysis.value.columns).toEqual(['Email', 'Name']);
    expect(analysis.value.sample).toEqual([
      ['ana@example.com', 'Ana Lima'],
      ['bo@example.com', 'Bo Berg'],
    ]);
    // a contact's link opens it too, by id
    r.electron.app.emit('second-instance', standInEvent(), [process.execPath, ROOT, `lead-console://contact/${ana.value.contact.id}`], cwd, {});
    await untilOpened(win.webContents, 3);
    expect(opened(win.webContents)[2]).toEqual({ kind: 'contact', id: ana.value.contact.id });
  });

  it('refuses what it cannot open in words, and imports nothing then', async () => {
    const r = await start();
    const wc = onlyWindow(r).webContents;
    const cwd = tmp();
    dirs.push(cwd);
    fs.mkdirSync(path.join(cwd, 'folder.csv'));
    fs.writeFileSync(path.join(cwd, 'empty.csv'), '');
    fs.writeFileSync(path.join(cwd, 'notes.txt'), 'hello');
    r.sendFromPage(OPEN_READY_CHANNEL);
    const argv = ['missing.csv', 'folder.csv', 'empty.csv', 'notes.txt', '--contact', 'nobody@example.com', '--contact', 'u-404', 'lead-console://contact/%E0%A4%A'];
    r.electron.app.emit('second-instance', standInEvent(), [process.execPath, ROOT, ...argv], cwd, {});
    await untilOpened(wc, 7);
    const at = (f: string) => path.join(cwd, f);
    expect(opened(wc)).toEqual([
      { kind: 'problem', message: `“${at('missing.csv')}” cannot be imported: there is no such file.` },
      { kind: 'problem', message: `“${at('folder.csv')}” is a folder, not a file: give the path of a .csv file.` },
      { kind: 'problem', message: `“${at('empty.csv')}” is empty: there is nothing to import.` },
      { kind: 'problem', message: `“${at('notes.txt')}” is not a .csv file: Lead Console opens .csv files for import.` },
      { kind: 'problem', message: 'No contact has the email nobody@example.com.' },
      { kind: 'problem', message: 'No contact has the id or user id u-404.' },
      { kind: 'problem', message: 'A contact to open needs an id or an email: --contact <id or email>, or a lead-console://contact/<id> link.' },
    ]);
    // options a second start got wrong are said too
    r.electron.app.emit('second-instance', standInEvent(), [process.execPath, ROOT, '--contact'], cwd, {});
    await untilOpened(wc, 8);
    expect(opened(wc)[7]).toEqual({ kind: 'problem', message: 'A second start of Lead Console was given options it does not understand: --contact: needs a value' });
    expect(((await r.call('import.list', {})) as { ok: true; value: { total: number } }).value.total).toBe(0);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a file it may not read (not as root, who may read any)', async () => {
    const r = await start();
    const wc = onlyWindow(r).webContents;
    const cwd = tmp();
    dirs.push(cwd);
    fs.writeFileSync(path.join(cwd, 'secret.csv'), CSV, { mode: 0o000 });
    r.sendFromPage(OPEN_READY_CHANNEL);
    r.electron.app.emit('second-instance', standInEvent(), [process.execPath, ROOT, 'secret.csv'], cwd, {});
    await untilOpened(wc, 1);
    expect(opened(wc)).toEqual([{ kind: 'problem', message: `“${path.join(cwd, 'secret.csv')}” cannot be imported: it cannot be read (permission denied).` }]);
  });

  it('the first start opens its own file too, once its page listens: not before, nor for another frame or origin', async () => {
    const dir = tmp();
    dirs.push(dir);
    const file = path.join(dir, 'leads.csv');
    fs.writeFileSync(file, CSV);
    const r = await start({ args: [file] });
    const wc = onlyWindow(r).webContents;
    // the upload is done (the job is ready) and the request waits for the page
    await vi.waitFor(
      async () => {
        const list = (await r.call('import.list', {})) as { ok: true; value: { items: { state: string }[] } };
        expect(list.value.items.map((j) => j.state)).toEqual(['ready']);
      },
      { timeout: 10_000, interval: 20 },
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(opened(wc)).toEqual([]);
    r.sendFromPage(OPEN_READY_CHANNEL, { subframe: true });
    r.sendFromPage(OPEN_READY_CHANNEL, { url: 'https://evil.example/' });
    expect(opened(wc)).toEqual([]);
    r.sendFromPage(OPEN_READY_CHANNEL);
    expect(opened(wc)).toEqual([expect.objectContaining({ kind: 'import', fileName: 'leads.csv' })]);
    // a reload listens afresh: what comes meanwhile waits for it
    wc.emit('did-start-loading');
    fs.writeFileSync(path.join(dir, 'more.csv'), CSV);
    r.electron.app.emit('second-instance', standInEvent(), [process.execPath, ROOT, 'more.csv'], dir, {});
    await vi.waitFor(
      async () => {
        const list = (await r.call('import.list', {})) as { ok: true; value: { items: { state: string }[] } };
        expect(list.value.items.map((j) => j.state)).toEqual(['ready', 'ready']);
      },
      { timeout: 10_000, interval: 20 },
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(opened(wc)).toHaveLength(1);
    r.sendFromPage(OPEN_READY_CHANNEL);
    expect(opened(wc)[1]).toMatchObject({ kind: 'import', fileName: 'more.csv' });
  });
});

describe('the Intercom token', () => {
  const filesHolding = (dir: string, secret: string): string[] =>
    (fs.readdirSync(dir, { recursive: true }) as string[])
      .map((f) => path.join(dir, f))
      .filter((f) => fs.statSync(f).isFile() && fs.readFileSync(f).includes(secret));

  it('is encrypted with the OS key store where safeStorage offers one', async () => {
    const r = await start({ safeStorage: { available: true, backend: 'gnome_libsecret' } });
    expect(await r.call('settings.get', {})).toMatchObject({ ok: true, value: { intercom: { tokenStorage: 'os-keychain', tokenSet: false } } });
    expect(await r.call('settings.set', { token: 'tok-secret-123' })).toMatchObject({ ok: true });
    const enc = path.join(r.dataDir, ENCRYPTED_TOKEN_FILE);
    expect(fs.statSync(enc).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(path.join(r.dataDir, TOKEN_FILE))).toBe(false);
    expect(filesHolding(r.dataDir, 'tok-secret-123')).toEqual([]);
    expect(await r.call('settings.get', {})).toMatchObject({ ok: true, value: { intercom: { tokenSet: true, tokenFile: enc } } });
  });

  it("is a private file where the key store is Linux's fixed-key basic_text, or none at all", async () => {
    for (const safeStorage of [{ available: true, backend: 'basic_text' as const }, { available: false, backend: 'unknown' as const }]) {
      const r = await start({ safeStorage });
      expect(await r.call('settings.get', {}), safeStorage.backend).toMatchObject({ ok: true, value: { intercom: { tokenStorage: 'file' } } });
      expect(await r.call('settings.set', { token: 'tok-plain-456' })).toMatchObject({ ok: true });
      const file = path.join(r.dataDir, TOKEN_FILE);
      expect(fs.readFileSync(file, 'utf8')).toBe('tok-plain-456');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      run!.dispose();
    }
  });

  it('forgotten, leaves no copy in the data folder: encrypted, plain (left by browser mode) or in the store', async () => {
    const r = await start({ safeStorage: { available: true, backend: 'gnome_libsecret' } });
    expect(await r.call('settings.set', { token: 'tok-forget-789' })).toMatchObject({ ok: true });
    fs.writeFileSync(path.join(r.dataDir, TOKEN_FILE), 'tok-forget-789', { mode: 0o600 });
    expect(filesHolding(r.dataDir, 'tok-forget-789')).toEqual([path.join(r.dataDir, TOKEN_FILE)]);
    expect(await r.call('settings.set', { token: null })).toMatchObject({ ok: true });
    expect(fs.existsSync(path.join(r.dataDir, ENCRYPTED_TOKEN_FILE))).toBe(false);
    expect(fs.existsSync(path.join(r.dataDir, TOKEN_FILE))).toBe(false);
    expect(filesHolding(r.dataDir, 'tok-forget-789')).toEqual([]);
    expect(await r.call('settings.get', {})).toMatchObject({ ok: true, value: { intercom: { tokenSet: false } } });
  });
});

describe('a start without the Electron build of better-sqlite3', () => {
  it('says what is missing and what to run, and stops before opening a window', async () => {
    const r = await start({ electronSqlite: false });
    expect(r.outcome).toBe('exit');
    expect(r.record.exitCode).toBe(1);
    expect(r.record.errorBoxes).toEqual([{ title: 'Lead Console cannot open its database', content: ELECTRON_SQLITE_HELP }]);
    expect(ELECTRON_SQLITE_HELP).toMatch(/npm run setup:electron/);
    expect(ELECTRON_SQLITE_HELP).toMatch(/--browser/);
    expect(r.windows).toHaveLength(0);
    expect(r.record.ipcHandlers.size).toBe(0);
  });
});

describe('a start that cannot go on', () => {
  it('says why in a dialog and exits, rather than leave a process with no window', async () => {
    const r = await start({ args: ['--port', 'many'] });
    expect(r.outcome).toBe('exit');
    expect(r.record.exitCode).toBe(1);
    expect(r.record.errorBoxes).toEqual([{ title: 'Lead Console could not start', content: '--port: "many" is not a port number (0-65535)' }]);
    expect(r.windows).toHaveLength(0);
  });
});

describe('what a desktop user expects', () => {
  const menuItem = (r: MainRun, menu: string, label: string) => {
    const sub = r.record.applicationMenu!.template.find((m) => m.label === menu)!.submenu as MenuItemConstructorOptions[];
    const item = sub.find((i) => i.label === label);
    if (!item) throw new Error(`no ${menu} > ${label}`);
    return () => (item.click as () => void)();
  };

  it('has an application menu whose commands reach the page, on their own channel', async () => {
    const r = await start();
    const wc = onlyWindow(r).webContents;
    expect(r.record.applicationMenu!.template.map((m) => m.label)).toEqual(process.platform === 'darwin' ? ['Lead Console', 'File', 'Edit', 'View', 'Window', 'Help'] : ['File', 'Edit', 'View', 'Window', 'Help']);
    for (const label of ['New lead', 'Import…', 'Export…', 'Sync now']) menuItem(r, 'File', label)();
    expect(wc.sent).toEqual(['newLead', 'import', 'export', 'syncNow'].map((c) => ({ channel: MENU_COMMAND_CHANNEL, args: [c] })));
    // not packaged: the developer tools are there
    const view = r.record.applicationMenu!.template.find((m) => m.label === 'View')!.submenu as MenuItemConstructorOptions[];
    expect(view.map((i) => i.role)).toContain('toggleDevTools');
  });

  it("Help opens the data folder and the logs' folder, and About names the versions and the folder", async () => {
    const r = await start();
    menuItem(r, 'Help', 'Open data folder')();
    menuItem(r, 'Help', 'Show logs')();
    menuItem(r, 'Help', 'About Lead Console')();
    await new Promise((resolve) => setImmediate(resolve));
    const logs = path.join(r.dataDir, 'logs');
    expect(r.record.openedPaths).toEqual([r.dataDir, logs]);
    expect(fs.statSync(logs).mode & 0o777).toBe(0o700);
    expect(r.record.errorBoxes).toEqual([]);
    expect(r.record.messageBoxes).toHaveLength(1);
    expect(r.record.messageBoxes[0]).toMatchObject({ title: 'About Lead Console', message: 'Lead Console 0.1.0' });
    const detail = r.record.messageBoxes[0]!.detail as string;
    expect(detail).toContain(`Electron ${ELECTRON_VERSION}`);
    expect(detail).toContain(`Node ${process.versions.node}`);
    expect(detail).toContain(`Data folder: ${r.dataDir}`);
  });

  it('opens the window where it was closed, maximised again, from a file only this user can read', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-console-main-state-'));
    try {
      const twoScreens = [
        { id: 1, bounds: { x: 0, y: 0, width: 1440, height: 900 }, workArea: { x: 0, y: 25, width: 1440, height: 875 } },
        { id: 2, bounds: { x: 1440, y: 0, width: 2560, height: 1440 }, workArea: { x: 1440, y: 0, width: 2560, height: 1400 } },
      ];
      let r = await start({ args: ['--data', dataDir], displays: twoScreens });
      let win = onlyWindow(r);
      // a first start: the default size, centred, no smaller than the screens are laid out for
      expect(win.options).toMatchObject({ width: 1280, height: 800, minWidth: 900, minHeight: 560 });
      expect(win.options).not.toHaveProperty('x');
      win.setBounds({ x: 1700, y: 120, width: 1500, height: 1000 });
      win.maximize();
      win.close();
      const file = path.join(dataDir, WINDOW_STATE_FILE);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      r.dispose();

      r = await start({ args: ['--data', dataDir], displays: twoScreens });
      win = onlyWindow(r);
      expect(win.getBounds()).toEqual({ x: 1700, y: 120, width: 1500, height: 1000 });
      expect(win.isMaximized()).toBe(true);
      r.dispose();

      // the monitor is gone: back on the laptop's screen, still maximised
      r = await start({ args: ['--data', dataDir], displays: [twoScreens[0]!] });
      win = onlyWindow(r);
      expect(win.getBounds()).toEqual({ x: 0, y: 25, width: 1440, height: 875 });
      expect(win.isMaximized()).toBe(true);
    } finally {
      run?.dispose();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
