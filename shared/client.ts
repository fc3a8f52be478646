// A typed client over any transport (IPC in the desktop app, HTTP in browser mode, direct in
// tests). It turns `{ ok:false }` envelopes into thrown ApiErrors so callers just await values.
import type { ErrorCode, ErrorPayload, Result } from './errors';
import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from './api';

export interface Transport {
  invoke(method: MethodName, input: unknown): Promise<Result<unknown>>;
  /** Subscribe to pushed events; returns an unsubscribe function. */
  subscribe(listener: (name: EventName, payload: unknown) => void): () => void;
}

/** The largest request body browser mode accepts (the bridge answers 413 above it). */
export const MAX_REQUEST_BYTES = 1024 * 1024;

/** What a request over the limit is told, by the page before sending or by the bridge. */
export const REQUEST_TOO_LARGE = `This call is larger than the ${MAX_REQUEST_BYTES / (1024 * 1024)} MiB (${MAX_REQUEST_BYTES} bytes) a request may carry.`;

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  readonly details?: Record<string, unknown>;
  constructor(payload: ErrorPayload) {
    super(payload.message);
    this.name = 'ApiError';
    this.code = payload.code;
    this.field = payload.field;
    this.details = payload.details;
  }
}

export interface Client {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export function createClient(transport: Transport): Client {
  return {
    async call(method, input) {
      const res = await transport.invoke(method, input);
      if (!res.ok) throw new ApiError(res.error);
      return res.value as never;
    },
    on(event, listener) {
      return transport.subscribe((name, payload) => {
        if (name === event) listener(payload as never);
      });
    },
  };
}
