// The desktop menu's commands as the page carries them out: the same actions as the page's keys
// and buttons, none of them under an open dialog but Sync now; and only the menu's own commands
// reach the page through the preload.
import { describe, expect, it } from 'vitest';
import { buildPreloadApi } from '../../electron/preload/apiSurface';
import { menuCommandHandler } from '../../renderer/src/shell/menuCommands';
import { MENU_COMMANDS, type MenuCommand } from '../../shared/windowApi';

function page(dialogOpen = false) {
  const done: string[] = [];
  const run = menuCommandHandler({
    dialogOpen: () => dialogOpen,
    go: (view) => void done.push(`go:${view}`),
    openNewLead: () => void done.push('newLeadForm'),
    exportLeads: async () => void done.push('exportLeads'),
    syncNow: async () => void done.push('syncNow'),
  });
  return { run, done };
}

describe('menu commands in the page', () => {
  it('each does what its key or button does', async () => {
    const expected: Record<MenuCommand, string[]> = {
      newLead: ['newLeadForm'],
      import: ['go:import'],
      export: ['go:leads', 'exportLeads'],
      syncNow: ['syncNow'],
      settings: ['go:settings'],
    };
    for (const command of MENU_COMMANDS) {
      const p = page();
      await p.run(command);
      expect(p.done, command).toEqual(expected[command]);
    }
  });

  it('wait while a dialog is open, except Sync now', async () => {
    for (const command of MENU_COMMANDS) {
      const p = page(true);
      await p.run(command);
      expect(p.done, command).toEqual(command === 'syncNow' ? ['syncNow'] : []);
    }
  });
});

describe('the preload', () => {
  it('passes on the menu commands only', () => {
    let deliver: (command: unknown) => void = () => {};
    const api = buildPreloadApi(
      () => Promise.resolve({ ok: true, value: null }),
      () => () => {},
      (listener) => {
        deliver = listener;
        return () => {};
      },
    );
    const heard: MenuCommand[] = [];
    api.onMenuCommand((c) => heard.push(c));
    for (const c of [...MENU_COMMANDS, 'quit', 'contacts.delete', { command: 'newLead' }, null]) deliver(c);
    expect(heard).toEqual([...MENU_COMMANDS]);
    expect(() => api.onMenuCommand('x' as never)).toThrow(TypeError);
  });
});
