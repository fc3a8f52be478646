// What end-to-end tests may touch inside the page (set by renderer/src/main.tsx).
import type { Client } from '../../shared/client';

declare global {
  interface Window {
    leadConsole?: Client;
  }
}
export {};
