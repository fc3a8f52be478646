// What the desktop app's preload exposes to the page as `window.api`: one function per contract
// method and an event hook. Declared here so the renderer can type it without reaching into
// electron/; the preload builds it from the contract (electron/preload/apiSurface.ts).
import type { MethodName } from './api';
import type { Result } from './errors';

export type WindowApi = {
  readonly methods: { readonly [M in MethodName]: (input: unknown) => Promise<Result<unknown>> };
  /** Listen to pushed events; returns an unsubscribe function. */
  onEvent(listener: (name: string, payload: unknown) => void): () => void;
};
