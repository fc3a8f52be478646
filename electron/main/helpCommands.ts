// The Help menu's commands: the data folder and the logs opened in the OS file manager, and an
// About box with what a support request needs (versions, the data folder).
import type { BrowserWindow, Dialog, Shell } from 'electron';
import path from 'node:path';
import { ensurePrivateDir } from '../core/files/privateFiles';
import { logFilePath } from '../core/log/AppLog';

/** The folder of the log files (see electron/core/log/AppLog.ts), inside the data folder. */
export function logsFolder(dataDir: string): string {
  return path.dirname(logFilePath(dataDir));
}

export interface AboutInfo {
  appName: string;
  version: string;
  versions: { electron?: string; chrome?: string; node?: string };
  platform: string;
  arch: string;
  dataDir: string;
}

/** The About box's text, each line something support may ask for. */
export function aboutDetail(info: AboutInfo): string {
  return [
    `Version ${info.version}`,
    `Electron ${info.versions.electron ?? 'unknown'}, Chrome ${info.versions.chrome ?? 'unknown'}, Node ${info.versions.node ?? 'unknown'}`,
    `${info.platform} ${info.arch}`,
    `Data folder: ${info.dataDir}`,
  ].join('\n');
}

export interface HelpDeps {
  shell: Pick<Shell, 'openPath'>;
  dialog: Pick<Dialog, 'showMessageBox' | 'showErrorBox'>;
  about: AboutInfo;
  /** The window the About box belongs to, if one is open. */
  window(): BrowserWindow | null;
}

export function helpCommands(d: HelpDeps) {
  const open = async (folder: string) => {
    // openPath answers an error in words instead of throwing
    const error = await d.shell.openPath(folder);
    if (error) d.dialog.showErrorBox('Lead Console cannot open the folder', `${error}\n\nThe folder is ${folder}.`);
  };
  return {
    openDataFolder: () => void open(d.about.dataDir),
    showLogs: () => {
      const folder = logsFolder(d.about.dataDir);
      // a start that has not written a log yet still shows where the logs will be
      ensurePrivateDir(folder);
      void open(folder);
    },
    showAbout: () => {
      const options = { type: 'info' as const, title: `About ${d.about.appName}`, message: `${d.about.appName} ${d.about.version}`, detail: aboutDetail(d.about), buttons: ['OK'] };
      const win = d.window();
      void (win ? d.dialog.showMessageBox(win, options) : d.dialog.showMessageBox(options));
    },
  };
}
