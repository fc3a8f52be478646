// Carries out what a start of the desktop app asks to open (openRequests.ts), heard through the
// preload. Browser mode has no second start and no preload: there the same requests can be
// handed to `window.leadConsoleOpen` (scripts, and the end-to-end tests of the page's side).
import { useEffect } from 'react';
import { isOpenRequest, type OpenRequest } from '../../../shared/windowApi';
import { useClient } from '../state/ClientContext';
import { useNav } from '../state/navStore';
import { useToasts } from '../state/toastStore';
import { openRequestHandler } from './openRequests';

declare global {
  interface Window {
    /** Browser mode only: what the desktop app's preload delivers, handed over by a script. */
    leadConsoleOpen?: (request: OpenRequest) => Promise<void>;
  }
}

export function useOpenRequests(): void {
  const client = useClient();
  useEffect(() => {
    const run = openRequestHandler({
      go: (view) => useNav.getState().go(view),
      openContact: (id) => useNav.getState().openContact(id),
      openUpload: async (importId, fileName) => {
        // the import screen's code loads on demand, with the screen
        const wizard = await import('../import/importWizard');
        if (!wizard.takesNewFile()) return false;
        void wizard.openUpload(client, importId, fileName);
        return true;
      },
      say: (kind, text) => useToasts.getState().push(kind, text),
    });
    if (window.api) return window.api.onOpenRequest((request) => void run(request));
    window.leadConsoleOpen = async (request) => {
      if (!isOpenRequest(request)) throw new TypeError('not an open request');
      await run(request);
    };
    return () => {
      delete window.leadConsoleOpen;
    };
  }, [client]);
}
