// Preload (sandboxed): exposes the contract-derived `window.api` (with the menu's commands and
// what a start asks to open) and nothing else; the page never sees ipcRenderer itself.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_EVENT_CHANNEL } from '../../shared/api';
import type { Result } from '../../shared/errors';
import { MENU_COMMAND_CHANNEL, OPEN_READY_CHANNEL, OPEN_REQUEST_CHANNEL } from '../../shared/windowApi';
import { buildPreloadApi } from './apiSurface';

const api = buildPreloadApi(
  (channel, input) => ipcRenderer.invoke(channel, input) as Promise<Result<unknown>>,
  (listener) => {
    const handler = (_e: IpcRendererEvent, msg: { name: string; payload: unknown }) => listener(msg.name, msg.payload);
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
  },
  (listener) => {
    const handler = (_e: IpcRendererEvent, command: unknown) => listener(command);
    ipcRenderer.on(MENU_COMMAND_CHANNEL, handler);
    return () => ipcRenderer.removeListener(MENU_COMMAND_CHANNEL, handler);
  },
  (listener) => {
    const handler = (_e: IpcRendererEvent, request: unknown) => listener(request);
    ipcRenderer.on(OPEN_REQUEST_CHANNEL, handler);
    // the main process holds a start's requests until the page listens
    ipcRenderer.send(OPEN_READY_CHANNEL);
    return () => ipcRenderer.removeListener(OPEN_REQUEST_CHANNEL, handler);
  },
);

contextBridge.exposeInMainWorld('api', api);
