// Picks how the renderer reaches the engine: the preload's `window.api` (IPC) in the desktop
// app, or HTTP + server-sent events on 127.0.0.1 in browser mode. Screens only ever see the
// typed client built on top, so they cannot tell the two apart.
import type { EventName, MethodName } from '../../shared/api';
import { createClient, type Client, type Transport } from '../../shared/client';
import type { Result } from '../../shared/errors';
import type { WindowApi } from '../../shared/windowApi';
import { requestBody } from './requestBody';

declare global {
  interface Window {
    api?: WindowApi;
  }
}

const TOKEN_KEY = 'lead-console-token';

/** What a browser-mode page opened without its token says, before it asks the engine anything. */
export const NO_TOKEN = 'This page has no access token: open the link that `npm start` printed (it changes on each start).';

let tokenMissing = false;
/** Browser mode, and no token in the link nor kept for this tab: every call would be refused. */
export const isTokenMissing = (): boolean => tokenMissing;

function ipcTransport(api: WindowApi): Transport {
  return {
    invoke: (method, input) => api.methods[method](input),
    subscribe: (listener) => api.onEvent((name, payload) => listener(name as EventName, payload)),
  };
}

/** The token arrives once in the URL fragment; keep it for this tab and take it out of the URL. */
export function takeToken(loc: Location = window.location, storage: Storage = window.sessionStorage): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(loc.hash);
  if (match) {
    const token = decodeURIComponent(match[1]!);
    storage.setItem(TOKEN_KEY, token);
    history.replaceState(null, '', loc.pathname + loc.search);
    return token;
  }
  return storage.getItem(TOKEN_KEY);
}

function parseSse(chunk: string, onEvent: (name: string, data: string) => void): void {
  for (const block of chunk.split('\n\n')) {
    let name = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) name = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (data.length) onEvent(name, data.join('\n'));
  }
}

function httpTransport(token: string | null): Transport {
  const headers = (): Record<string, string> => (token ? { Authorization: `Bearer ${token}` } : {});
  if (!token) {
    // nothing to send that the bridge would take: the page says how to get in (Frame) instead of failing call by call
    return {
      invoke: async () => ({ ok: false, error: { code: 'AUTH', message: NO_TOKEN } }),
      subscribe: () => () => {},
    };
  }
  const listeners = new Set<(name: EventName, payload: unknown) => void>();
  let streaming = false;

  async function stream(): Promise<void> {
    let delay = 500;
    for (;;) {
      try {
        const res = await fetch('/api/events', { headers: headers(), cache: 'no-store' });
        if (res.status === 401) return; // a new start means a new token; the page says so on its next call
        if (!res.ok || !res.body) throw new Error(`events: HTTP ${res.status}`);
        delay = 500;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          const cut = buffer.lastIndexOf('\n\n');
          if (cut >= 0) {
            parseSse(buffer.slice(0, cut), (name, data) => {
              let payload: unknown;
              try {
                payload = JSON.parse(data);
              } catch {
                return;
              }
              for (const l of listeners) l(name as EventName, payload);
            });
            buffer = buffer.slice(cut + 2);
          }
        }
      } catch {
        // the console was restarted or the connection dropped: retry with backoff
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  }

  return {
    async invoke(method: MethodName, input: unknown): Promise<Result<unknown>> {
      const request = requestBody(input);
      if ('error' in request) return { ok: false, error: request.error };
      let res: Response;
      try {
        res = await fetch(`/api/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...headers() },
          body: request.body,
          cache: 'no-store',
        });
      } catch {
        return { ok: false, error: { code: 'OFFLINE', message: 'Lead Console is not running: start it again with `npm start`.' } };
      }
      try {
        return (await res.json()) as Result<unknown>;
      } catch {
        return { ok: false, error: { code: 'INTERNAL', message: `Unexpected answer from Lead Console (HTTP ${res.status}).` } };
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      if (!streaming) {
        streaming = true;
        void stream();
      }
      return () => listeners.delete(listener);
    },
  };
}

export function createAppClient(): Client {
  if (window.api) return createClient(ipcTransport(window.api));
  const token = takeToken();
  tokenMissing = token === null;
  return createClient(httpTransport(token));
}
