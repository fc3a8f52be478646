// The token store of an engine in a worker whose host keeps the token (the desktop app: Electron's
// safeStorage exists only in the main process). Settings write the token inside a store
// transaction and expect a throw to roll it back, so `set` waits for the host's answer: it posts
// the request, sleeps on a shared flag the host raises once the token is written or forgotten,
// then reads the answer synchronously.
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { TokenStorageKind, TokenStore } from '../core/settings/TokenStore';
import { fromPlainError, toPlainError, type TokenAnswer, type TokenRequest } from './protocol';

/** Far above a file write and an encryption; a host that does not answer in this time is stuck. */
const ANSWER_WITHIN_MS = 10_000;

export class HostTokenStore implements TokenStore {
  private readonly flag: Int32Array;
  constructor(
    readonly kind: TokenStorageKind,
    readonly file: string | null,
    /** What the host read (and decrypted) when it started this worker: the host keeps no other copy in between. */
    private token: string | null,
    private readonly port: MessagePort,
    signal: SharedArrayBuffer,
  ) {
    this.flag = new Int32Array(signal);
  }

  get(): string | null {
    return this.token;
  }

  set(token: string | null): void {
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage({ token } satisfies TokenRequest);
    const woke = Atomics.wait(this.flag, 0, 0, ANSWER_WITHIN_MS);
    const answer = receiveMessageOnPort(this.port)?.message as TokenAnswer | undefined;
    if (!answer) throw new Error(`The token could not be ${token === null ? 'forgotten' : 'saved'}: the main process did not answer (${woke}).`);
    if (!answer.ok) throw fromPlainError(answer.error);
    this.token = token;
  }
}

/** The host's side: each request carried out on the real store, answered, and the waiting worker woken. */
export function serveTokenStore(store: TokenStore, port: MessagePort, signal: SharedArrayBuffer): void {
  const flag = new Int32Array(signal);
  port.on('message', (request: TokenRequest) => {
    let answer: TokenAnswer;
    try {
      store.set(request.token);
      answer = { ok: true };
    } catch (e) {
      answer = { ok: false, error: toPlainError(e) };
    }
    port.postMessage(answer);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  });
  // the worker's requests keep nothing alive: the worker itself does
  port.unref();
}

