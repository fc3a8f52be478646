// What end-to-end tests may touch inside the page (set by renderer/src/main.tsx).
import type { Client } from '../../shared/client';
import type { OpenRequest } from '../../shared/windowApi';

declare global {
  interface Window {
    leadConsole?: Client;
    /** Browser mode: what the desktop app's preload would deliver (renderer/src/shell/useOpenRequests.ts). */
    leadConsoleOpen?: (request: OpenRequest) => Promise<void>;
  }
}
export {};
