// The body of a browser-mode API call, or the error it gets when it is larger than the bridge
// accepts: said here, before sending, so an oversized call never reads as "not running".
import { MAX_REQUEST_BYTES, REQUEST_TOO_LARGE } from '../../shared/client';
import type { ErrorPayload } from '../../shared/errors';

export function requestBody(input: unknown): { body: string } | { error: ErrorPayload } {
  const body = JSON.stringify(input ?? {});
  // the limit is in bytes on the wire (UTF-8); most bodies are far below it in characters already
  if (body.length * 3 > MAX_REQUEST_BYTES && new TextEncoder().encode(body).byteLength > MAX_REQUEST_BYTES) return { error: { code: 'VALIDATION', message: REQUEST_TOO_LARGE, field: 'body' } };
  return { body };
}
