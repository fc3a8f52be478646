// The closed set of error codes that may cross the API boundary, and the error type handlers throw.
// Nothing else (stacks, SQL text, tokens) ever reaches a caller.

export const ERROR_CODES = [
  'VALIDATION', // input failed the contract; `field` names the offending field
  'NOT_FOUND', // the record does not exist
  'CONFLICT', // a unique identity (visitor id, external id) already belongs to another record
  'CONFIRM_REQUIRED', // the change is allowed but destructive: repeat it with `confirm: true`
  'UNKNOWN_METHOD', // the method is not in the contract
  'BUSY', // the store is locked by another writer; retry shortly
  'OFFLINE', // the action needs Intercom and there is no connection
  'TOO_SOON', // allowed again later; `details.nextPossibleAt` says when (message flushes)
  'INTERCOM', // Intercom refused the request; the message carries its reason
  'AUTH', // missing or wrong credentials: the bridge token, or the Intercom token
  'FORBIDDEN', // the request came from somewhere it may not (another site, a foreign host)
  'DISK_FULL', // no space left where the console writes; `details.folder` names it, `details.neededBytes` estimates what to free
  'DAMAGED', // the store file is damaged or not a store; `details.file` names it; nothing was written to it
  'INTERNAL', // anything unexpected; details are in the main process log only
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  /** Dotted path of the input field at fault, for VALIDATION. */
  field?: string;
  /**
   * Machine-readable extras, e.g. `{ existingId }` for CONFLICT, or `{ rule }` for a VALIDATION
   * of a named rule (EMAIL_OR_NAME in domain.ts): match on these, never on the message's words.
   */
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, extra: { field?: string; details?: Record<string, unknown> } = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.field = extra.field;
    this.details = extra.details;
  }

  toPayload(): ErrorPayload {
    const p: ErrorPayload = { code: this.code, message: this.message };
    if (this.field !== undefined) p.field = this.field;
    if (this.details !== undefined) p.details = this.details;
    return p;
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Result envelope used by every transport. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorPayload };
