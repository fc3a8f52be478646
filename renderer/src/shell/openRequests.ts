// What the page does with a start's request to open something (shared/windowApi.ts OpenRequest):
// a file the desktop app uploaded goes to the import screen at its mapping, a contact opens on
// the Leads screen, a problem is said in a toast. Kept apart from the hook that wires it
// (useOpenRequests.ts) so the choice is tested without a DOM.
import type { OpenRequest } from '../../../shared/windowApi';

export interface OpenRequestActions {
  go(view: 'import' | 'leads'): void;
  openContact(id: string): void;
  /** Shows the upload at its mapping; false when the import screen is busy with another file. */
  openUpload(importId: string, fileName: string): Promise<boolean>;
  say(kind: 'info' | 'error', text: string): void;
}

export function openRequestHandler(a: OpenRequestActions): (request: OpenRequest) => Promise<void> {
  return async (request) => {
    switch (request.kind) {
      case 'contact':
        // the screen first: moving to another screen closes the record panel
        a.go('leads');
        return a.openContact(request.id);
      case 'import':
        a.go('import');
        // an import under way keeps the screen (as a dropped file would be refused); the file waits in the recent list
        if (!(await a.openUpload(request.importId, request.fileName))) {
          a.say('info', `“${request.fileName}” is ready to map under Recent imports: finish this import first, then open it there.`);
        }
        return;
      case 'problem':
        return a.say('error', request.message);
    }
  };
}
