// What the desktop app's preload exposes to the page as `window.api`: one function per contract
// method, an event hook and the application menu's commands. Declared here so the renderer can
// type it without reaching into electron/; the preload builds it (electron/preload/apiSurface.ts).
import type { MethodName } from './api';
import type { Result } from './errors';

export type WindowApi = {
  readonly methods: { readonly [M in MethodName]: (input: unknown) => Promise<Result<unknown>> };
  /** Listen to pushed events; returns an unsubscribe function. */
  onEvent(listener: (name: string, payload: unknown) => void): () => void;
  /** Listen to the application menu's commands; returns an unsubscribe function. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
  /**
   * Listen to what a start asks the window to open (see OpenRequest); subscribing tells the main
   * process the page is ready for them. Returns an unsubscribe function.
   */
  onOpenRequest(listener: (request: OpenRequest) => void): () => void;
};

/**
 * What the desktop app's menu asks of the page: the same actions as the page's own keys and
 * buttons (n, the Import screen, Export CSV, Sync now, `,`). Sent on their own channel, outside
 * the contract: browser mode has no menu, and the engine never sends them.
 */
export const MENU_COMMANDS = ['newLead', 'import', 'export', 'syncNow', 'settings'] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];
export const MENU_COMMAND_CHANNEL = 'app:menu-command';

export const isMenuCommand = (value: unknown): value is MenuCommand => (MENU_COMMANDS as readonly unknown[]).includes(value);

/**
 * What a start of the app asks the running window to open: its own arguments (the first start)
 * or a second start's, handed over by the single-instance lock. The main process has already
 * checked them: a .csv file is uploaded to the engine as an import waiting to be mapped, a
 * `--contact` (or a lead-console://contact/ link) is found by id or email; what could not be
 * done comes as a problem in words.
 */
export type OpenRequest =
  | { kind: 'import'; importId: string; fileName: string }
  | { kind: 'contact'; id: string }
  | { kind: 'problem'; message: string };
export const OPEN_REQUEST_CHANNEL = 'app:open-request';
/** The page tells the main process it listens (queued requests go then). */
export const OPEN_READY_CHANNEL = 'app:open-ready';

const shortText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

export function isOpenRequest(value: unknown): value is OpenRequest {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  switch (r.kind) {
    case 'import':
      return shortText(r.importId, 100) && shortText(r.fileName, 255);
    case 'contact':
      return shortText(r.id, 100);
    case 'problem':
      return shortText(r.message, 2000);
    default:
      return false;
  }
}
