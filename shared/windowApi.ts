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
