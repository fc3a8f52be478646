// The console's window: locked-down web preferences, opened where the last one was closed (on a
// display that still exists), and its place saved again as it closes.
import { BrowserWindow, screen } from 'electron';
import path from 'node:path';
import { APP_ORIGIN } from './ipc';
import { MIN_SIZE, placeWindow, readWindowState, writeWindowState } from './windowState';

export function createMainWindow(dataDir: string, preload: string): BrowserWindow {
  const place = placeWindow(
    readWindowState(dataDir),
    screen.getAllDisplays().map((d) => d.workArea),
    screen.getPrimaryDisplay().workArea,
  );
  const win = new BrowserWindow({
    ...place.bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: 'Lead Console',
    webPreferences: {
      preload: path.resolve(preload),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    },
  });
  if (place.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  win.on('close', () => {
    try {
      // the normal bounds: a maximised window un-maximises to where it was
      writeWindowState(dataDir, { bounds: win.getNormalBounds(), maximized: win.isMaximized() });
    } catch (e) {
      // a full disk or a read-only folder: the next start opens at the default place
      console.warn(`Lead Console could not save the window's place: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  void win.loadURL(`${APP_ORIGIN}/`);
  return win;
}
