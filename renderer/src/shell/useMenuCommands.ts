// Carries out the desktop menu's commands (menuCommands.ts) in this page. Browser mode has no
// menu, and no `window.api` to hear from.
import { useEffect } from 'react';
import { exportView } from '../leads/bulkActions';
import { useClient } from '../state/ClientContext';
import { useNav } from '../state/navStore';
import { syncNow } from '../state/syncNow';
import { menuCommandHandler } from './menuCommands';

export function useMenuCommands(): void {
  const client = useClient();
  useEffect(() => {
    const run = menuCommandHandler({
      dialogOpen: () => document.querySelector('dialog[open]') !== null,
      go: (view) => useNav.getState().go(view),
      openNewLead: () => useNav.getState().setNewLeadOpen(true),
      exportLeads: () => exportView(client),
      syncNow: () => syncNow(client),
    });
    return window.api?.onMenuCommand((command) => void run(command));
  }, [client]);
}
