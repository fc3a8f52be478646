// The application menu: the usual roles (the app menu on macOS, Edit, View, Window) and the
// console's own commands, which the page carries out as it does its keys and buttons. Built as a
// plain template, so it is tested without Electron.
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../shared/windowApi';

export interface MenuActions {
  platform: NodeJS.Platform;
  appName: string;
  /** Developer tools and a forced reload only where the app is not packaged. */
  dev: boolean;
  /** Tells the page to carry out one of its commands. */
  send(command: MenuCommand): void;
  openDataFolder(): void;
  showLogs(): void;
  showAbout(): void;
}

/**
 * The console's commands and their accelerators. Sync is Shift+S because CmdOrCtrl+R is the View
 * menu's reload; none of them takes a key an Edit, View or Window role uses.
 */
export const COMMAND_ITEMS: readonly { command: MenuCommand; label: string; accelerator: string }[] = [
  { command: 'newLead', label: 'New lead', accelerator: 'CmdOrCtrl+N' },
  { command: 'import', label: 'Import…', accelerator: 'CmdOrCtrl+I' },
  { command: 'export', label: 'Export…', accelerator: 'CmdOrCtrl+E' },
  { command: 'syncNow', label: 'Sync now', accelerator: 'CmdOrCtrl+Shift+S' },
  { command: 'settings', label: 'Settings…', accelerator: 'CmdOrCtrl+,' },
];

export function buildMenuTemplate(a: MenuActions): MenuItemConstructorOptions[] {
  const mac = a.platform === 'darwin';
  const item = (command: MenuCommand): MenuItemConstructorOptions => {
    const c = COMMAND_ITEMS.find((i) => i.command === command)!;
    return { label: c.label, accelerator: c.accelerator, click: () => a.send(command) };
  };
  const about: MenuItemConstructorOptions = { label: `About ${a.appName}`, click: () => a.showAbout() };
  const sep: MenuItemConstructorOptions = { type: 'separator' };

  const appMenu: MenuItemConstructorOptions[] = mac
    ? [
        {
          label: a.appName,
          submenu: [about, sep, item('settings'), sep, { role: 'services' }, sep, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, sep, { role: 'quit' }],
        },
      ]
    : [];
  // on macOS Settings lives in the app menu, as every Mac app has it
  const fileTail: MenuItemConstructorOptions[] = mac ? [sep, { role: 'close' }] : [sep, item('settings'), sep, { role: 'quit' }];

  return [
    ...appMenu,
    { label: 'File', submenu: [item('newLead'), item('import'), item('export'), sep, item('syncNow'), ...fileTail] },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        sep,
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        ...(mac ? [{ role: 'pasteAndMatchStyle' } as const] : []),
        { role: 'delete' },
        sep,
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        ...(a.dev ? [{ role: 'forceReload' } as const, { role: 'toggleDevTools' } as const] : []),
        sep,
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        sep,
        { role: 'togglefullscreen' },
      ],
    },
    mac
      ? { label: 'Window', role: 'window', submenu: [{ role: 'minimize' }, { role: 'zoom' }, sep, { role: 'front' }] }
      : { label: 'Window', submenu: [{ role: 'minimize' }, { role: 'close' }] },
    {
      label: 'Help',
      role: 'help',
      submenu: [{ label: 'Open data folder', click: () => a.openDataFolder() }, { label: 'Show logs', click: () => a.showLogs() }, sep, about],
    },
  ];
}
