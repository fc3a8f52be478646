// Binds the contract to ipcMain: one handler per contract method (channel derived from the
// method name), each refusing calls that do not come from the app's own main frame.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { IPC_EVENT_CHANNEL, ipcChannel, METHOD_NAMES } from '../../shared/api';
import type { Result } from '../../shared/errors';
import type { Core } from '../core/app';

export const APP_SCHEME = 'app';
export const APP_HOST = 'lead-console';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Only the top frame of a page served from the app's own scheme may call the API. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>): boolean {
  const frame = event.senderFrame;
  if (!frame || frame !== event.sender.mainFrame) return false;
  try {
    const url = new URL(frame.url);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
  } catch {
    return false;
  }
}

export function bindIpc(ipcMain: IpcMain, core: Pick<Core, 'call'>): () => void {
  for (const method of METHOD_NAMES) {
    ipcMain.handle(ipcChannel(method), (event, input: unknown): Promise<Result<unknown>> | Result<unknown> => {
      if (!isTrustedSender(event)) {
        return { ok: false, error: { code: 'FORBIDDEN', message: 'This page may not call Lead Console.' } };
      }
      return core.call(method, input);
    });
  }
  return () => METHOD_NAMES.forEach((m) => ipcMain.removeHandler(ipcChannel(m)));
}

/** Pushes every core event to the given windows' pages. */
export function forwardEvents(core: Pick<Core, 'subscribe'>, targets: () => WebContents[]): () => void {
  return core.subscribe((name, payload) => {
    for (const wc of targets()) {
      if (!wc.isDestroyed()) wc.send(IPC_EVENT_CHANNEL, { name, payload });
    }
  });
}
