// The application menu's template: the usual roles per platform, the console's commands with
// accelerators that clash with no role's, and Help's commands wired to their actions.
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { buildMenuTemplate, COMMAND_ITEMS, type MenuActions } from '../../electron/main/appMenu';
import { aboutDetail } from '../../electron/main/helpCommands';
import { MENU_COMMANDS, type MenuCommand } from '../../shared/windowApi';

function build(platform: NodeJS.Platform, dev = false) {
  const calls: string[] = [];
  const actions: MenuActions = {
    platform,
    appName: 'Lead Console',
    dev,
    send: (c: MenuCommand) => calls.push(`send:${c}`),
    openDataFolder: () => calls.push('openDataFolder'),
    showLogs: () => calls.push('showLogs'),
    showAbout: () => calls.push('showAbout'),
  };
  const template = buildMenuTemplate(actions);
  const menu = (label: string) => template.find((m) => m.label === label)?.submenu as MenuItemConstructorOptions[];
  const roles = (label: string) => menu(label).flatMap((i) => (i.role ? [i.role] : []));
  const labelled = (label: string) => menu(label).filter((i) => i.label);
  const click = (item: MenuItemConstructorOptions) => (item.click as () => void)();
  return { template, menu, roles, labelled, click, calls };
}

/** The keys Electron gives these roles by default (Linux and Windows; macOS in brackets where different). */
const ROLE_ACCELERATORS = [
  'CmdOrCtrl+Z', 'CmdOrCtrl+Shift+Z', 'Control+Y', 'CmdOrCtrl+X', 'CmdOrCtrl+C', 'CmdOrCtrl+V', 'Shift+CmdOrCtrl+V', 'CmdOrCtrl+A',
  'CmdOrCtrl+R', 'Shift+CmdOrCtrl+R', 'CmdOrCtrl+Shift+I', 'Alt+Cmd+I', 'CmdOrCtrl+0', 'CmdOrCtrl+Plus', 'CmdOrCtrl+-', 'F11', 'Control+Cmd+F',
  'CmdOrCtrl+M', 'CmdOrCtrl+W', 'CmdOrCtrl+Q', 'Cmd+H', 'Cmd+Alt+H',
].map((a) => a.toLowerCase());

describe('the application menu', () => {
  it('has File, Edit, View, Window and Help on Linux and Windows, and the app menu first on macOS', () => {
    for (const platform of ['linux', 'win32'] as const) {
      expect(build(platform).template.map((m) => m.label)).toEqual(['File', 'Edit', 'View', 'Window', 'Help']);
      expect(build(platform).roles('File')).toEqual(['quit']);
      expect(build(platform).roles('Window')).toEqual(['minimize', 'close']);
    }
    const mac = build('darwin');
    expect(mac.template.map((m) => m.label)).toEqual(['Lead Console', 'File', 'Edit', 'View', 'Window', 'Help']);
    expect(mac.roles('Lead Console')).toEqual(['services', 'hide', 'hideOthers', 'unhide', 'quit']);
    expect(mac.labelled('Lead Console').map((i) => i.label)).toEqual(['About Lead Console', 'Settings…']);
    expect(mac.roles('File')).toEqual(['close']);
    expect(mac.roles('Edit')).toContain('pasteAndMatchStyle');
    expect(mac.roles('Window')).toEqual(['minimize', 'zoom', 'front']);
  });

  it('has copy and paste in Edit, zoom and reload in View, developer tools only in development', () => {
    const { roles } = build('linux');
    expect(roles('Edit')).toEqual(['undo', 'redo', 'cut', 'copy', 'paste', 'delete', 'selectAll']);
    expect(roles('View')).toEqual(['reload', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
    expect(build('linux', true).roles('View')).toEqual(['reload', 'forceReload', 'toggleDevTools', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
  });

  it("sends each console command to the page, under keys no role uses", () => {
    for (const platform of ['linux', 'darwin'] as const) {
      const m = build(platform);
      const items = [...m.labelled('File'), ...(platform === 'darwin' ? m.labelled('Lead Console') : [])].filter((i) => i.accelerator);
      expect(items.map((i) => [i.label, i.accelerator]).sort()).toEqual(COMMAND_ITEMS.map((c) => [c.label, c.accelerator]).sort());
      for (const i of items) m.click(i);
      expect(m.calls.sort()).toEqual(MENU_COMMANDS.map((c) => `send:${c}`).sort());
    }
    expect(COMMAND_ITEMS.map((c) => c.label)).toEqual(['New lead', 'Import…', 'Export…', 'Sync now', 'Settings…']);
    const keys = COMMAND_ITEMS.map((c) => c.accelerator.toLowerCase());
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of keys) expect(ROLE_ACCELERATORS, k).not.toContain(k);
  });

  it("has Help's data folder, logs and About", () => {
    const m = build('linux');
    expect(m.labelled('Help').map((i) => i.label)).toEqual(['Open data folder', 'Show logs', 'About Lead Console']);
    for (const i of m.labelled('Help')) m.click(i);
    expect(m.calls).toEqual(['openDataFolder', 'showLogs', 'showAbout']);
  });

  it('About names the versions and the data folder', () => {
    const text = aboutDetail({
      appName: 'Lead Console',
      version: '0.1.0',
      versions: { electron: '42.11.18', chrome: '140.0.1', node: '22.18.0' },
      platform: 'linux',
      arch: 'x64',
      dataDir: '/home/ana/.config/lead-console',
    });
    expect(text).toBe('Version 0.1.0\nElectron 42.11.18, Chrome 140.0.1, Node 22.18.0\nlinux x64\nData folder: /home/ana/.config/lead-console');
  });
});
