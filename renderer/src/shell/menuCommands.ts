// What each of the desktop menu's commands does in the page: the same action as the page's own
// key or button (n, the Import screen, Export CSV, Sync now, `,`). Kept apart from the hook that
// wires it (useMenuCommands.ts) so the choice is tested without a DOM.
import type { MenuCommand } from '../../../shared/windowApi';

/** The screens a command opens (navStore's views, named here so this module needs no DOM types). */
type CommandView = 'import' | 'leads' | 'settings';

export interface MenuCommandActions {
  /** An open dialog owns the screen, as it does the page's own shortcuts. */
  dialogOpen(): boolean;
  go(view: CommandView): void;
  openNewLead(): void;
  /** The Leads table's view, as its Export CSV button. */
  exportLeads(): Promise<void>;
  syncNow(): Promise<void>;
}

export function menuCommandHandler(a: MenuCommandActions): (command: MenuCommand) => Promise<void> {
  return async (command) => {
    // a sync changes no screen: it may start under a dialog
    if (command !== 'syncNow' && a.dialogOpen()) return;
    switch (command) {
      case 'newLead':
        return a.openNewLead();
      case 'import':
        return a.go('import');
      case 'export':
        // shown, so the user sees what went out
        a.go('leads');
        return a.exportLeads();
      case 'syncNow':
        return a.syncNow();
      case 'settings':
        return a.go('settings');
    }
  };
}
