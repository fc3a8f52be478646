// Builds what the preload exposes as `window.api` (its type is shared/windowApi.ts) from the
// contract: one function per method (so a method that is not in the contract has no entry at
// all), an event hook, the application menu's commands and what a start asks to open. Kept free of the 'electron' import so
// it can be tested in plain Node.
import { events, ipcChannel, METHOD_NAMES } from '../../shared/api';
import type { Result } from '../../shared/errors';
import { isMenuCommand, isOpenRequest, type MenuCommand, type OpenRequest, type WindowApi } from '../../shared/windowApi';

export type Invoke = (channel: string, input: unknown) => Promise<Result<unknown>>;
export type Subscribe = (listener: (name: string, payload: unknown) => void) => () => void;
export type SubscribeMenu = (listener: (command: unknown) => void) => () => void;
/** Also tells the main process that the page listens (it holds requests until then). */
export type SubscribeOpen = (listener: (request: unknown) => void) => () => void;

const noMenu: SubscribeMenu = () => () => {};
const noOpen: SubscribeOpen = () => () => {};

export function buildPreloadApi(invoke: Invoke, subscribe: Subscribe, subscribeMenu: SubscribeMenu = noMenu, subscribeOpen: SubscribeOpen = noOpen): WindowApi {
  const methods = Object.fromEntries(
    METHOD_NAMES.map((m) => [m, (input: unknown) => invoke(ipcChannel(m), input)] as const),
  ) as WindowApi['methods'];
  const known = new Set(Object.keys(events));
  return Object.freeze({
    methods: Object.freeze(methods),
    onEvent(listener: (name: string, payload: unknown) => void) {
      if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
      // only contract events reach the page
      return subscribe((name, payload) => {
        if (known.has(name)) listener(name, payload);
      });
    },
    onMenuCommand(listener: (command: MenuCommand) => void) {
      if (typeof listener !== 'function') throw new TypeError('onMenuCommand needs a function');
      // only the menu's own commands reach the page
      return subscribeMenu((command) => {
        if (isMenuCommand(command)) listener(command);
      });
    },
    onOpenRequest(listener: (request: OpenRequest) => void) {
      if (typeof listener !== 'function') throw new TypeError('onOpenRequest needs a function');
      // only requests of the known shapes reach the page
      return subscribeOpen((request) => {
        if (isOpenRequest(request)) listener(request);
      });
    },
  });
}
