// The IPC binding, with a recording stand-in for ipcMain (the Electron runtime cannot run
// here): one handler per contract method, each refusing senders other than the app's main frame.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ipcChannel, METHOD_NAMES } from '../../shared/api';
import { createCore, type Core } from '../../electron/core/app';
import { bindIpc, isTrustedSender } from '../../electron/main/ipc';

type Handler = (event: IpcMainInvokeEvent, input: unknown) => unknown;

function fakeIpcMain() {
  const handlers = new Map<string, Handler>();
  const ipc = {
    handle: (channel: string, h: Handler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, h);
    },
    removeHandler: (channel: string) => handlers.delete(channel),
  } as unknown as IpcMain;
  return { ipc, handlers };
}

function event(url: string, opts: { subframe?: boolean } = {}): IpcMainInvokeEvent {
  const mainFrame = { url };
  const frame = opts.subframe ? { url } : mainFrame;
  return { senderFrame: frame, sender: { mainFrame } } as unknown as IpcMainInvokeEvent;
}

let dir: string;
let core: Core;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-console-ipc-'));
  core = createCore({ dataDir: dir, mode: 'test', validateOutput: true });
});
afterEach(() => {
  core.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('bindIpc', () => {
  it('registers exactly one channel per contract method and removes them all on unbind', () => {
    const { ipc, handlers } = fakeIpcMain();
    const unbind = bindIpc(ipc, core);
    expect([...handlers.keys()].sort()).toEqual(METHOD_NAMES.map(ipcChannel).sort());
    unbind();
    expect(handlers.size).toBe(0);
  });

  it('runs calls from the app main frame through the router', async () => {
    const { ipc, handlers } = fakeIpcMain();
    bindIpc(ipc, core);
    const res = (await handlers.get(ipcChannel('contacts.create'))!(event('app://lead-console/'), { name: 'Via IPC' })) as {
      ok: boolean;
      value: { contact: { name: string } };
    };
    expect(res.ok).toBe(true);
    expect(res.value.contact.name).toBe('Via IPC');
    const bad = (await handlers.get(ipcChannel('contacts.create'))!(event('app://lead-console/'), { name: 42 })) as { ok: boolean; error: { field: string } };
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'name' } });
  });

  it('refuses sub-frames and foreign pages without touching the store', async () => {
    const { ipc, handlers } = fakeIpcMain();
    bindIpc(ipc, core);
    const before = core.store.fingerprint();
    for (const ev of [
      event('app://lead-console/', { subframe: true }),
      event('https://evil.example/'),
      event('file:///etc/passwd'),
      event('app://other-host/'),
      event('not a url'),
    ]) {
      const res = await handlers.get(ipcChannel('contacts.create'))!(ev, { name: 'Intruder' });
      expect(res).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(core.store.fingerprint()).toEqual(before);
  });

  it('isTrustedSender accepts only the app origin main frame', () => {
    expect(isTrustedSender(event('app://lead-console/index.html'))).toBe(true);
    expect(isTrustedSender(event('app://lead-console/', { subframe: true }))).toBe(false);
    expect(isTrustedSender({ senderFrame: null, sender: { mainFrame: {} } } as unknown as IpcMainInvokeEvent)).toBe(false);
  });
});
