// What went wrong talking to Intercom, sorted into the few kinds the sync engine acts on
// (pause, reconnect, retry later, reconcile, give up), with Intercom's own code kept for the details.

export type IntercomErrorKind =
  | 'auth' // 401: token wrong/revoked -> sync pauses and asks to reconnect
  | 'forbidden' // 403 (e.g. api_plan_restricted)
  | 'not_found' // 404 or 410 (merged)
  | 'conflict' // 409; existingId parsed from "... with id=<hex>", archived flag from "An archived contact ..."
  | 'invalid' // 400/406/422/other 4xx: retrying cannot fix it
  | 'rate_limited' // 429 still after the retries
  | 'transient' // 5xx, timeout, dropped connection, after the retries: try again later
  | 'uncertain' // a NON-idempotent request whose outcome is unknown (timeout/drop/5xx after sending): it may have reached Intercom
  | 'unusable' // an answer that cannot be used: over the size limit, a paging loop, more records than announced
  | 'offline' // cannot reach the host at all (ENOTFOUND, ECONNREFUSED, ENETUNREACH, EAI_AGAIN, EHOSTUNREACH)
  | 'aborted'; // our AbortSignal fired

export interface IntercomErrorInit {
  kind: IntercomErrorKind;
  message: string;
  method: string;
  path: string;
  status?: number | null;
  code?: string | null;
  requestId?: string | null;
  existingId?: string | null;
  archived?: boolean;
  field?: string | null;
  cause?: unknown;
}

export class IntercomError extends Error {
  override readonly name = 'IntercomError';
  readonly kind: IntercomErrorKind;
  readonly status: number | null;
  /** Intercom's `errors[0].code` (e.g. `parameter_invalid`), or the socket error code (`ECONNRESET`). */
  readonly code: string | null;
  readonly requestId: string | null;
  /** For a 409 on create: the contact that already holds those details. */
  readonly existingId: string | null;
  /** For a 409 on create: that contact is archived (unarchive it before updating). */
  readonly archived: boolean;
  readonly field: string | null;
  readonly method: string;
  readonly path: string;

  constructor(init: IntercomErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.status = init.status ?? null;
    this.code = init.code ?? null;
    this.requestId = init.requestId ?? null;
    this.existingId = init.existingId ?? null;
    this.archived = init.archived ?? false;
    this.field = init.field ?? null;
    this.method = init.method;
    this.path = init.path;
  }
}

export const isIntercomError = (e: unknown): e is IntercomError => e instanceof IntercomError;

/** The kind an HTTP status means, before retries; the client turns 5xx into 'uncertain' for non-idempotent calls. */
export function kindForStatus(status: number): IntercomErrorKind {
  if (status === 401) return 'auth';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 410) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'transient';
  return 'invalid';
}

export interface ErrorBody {
  code: string | null;
  /** Human text: Intercom's messages joined, or a gist of a non-JSON page. */
  detail: string | null;
  field: string | null;
  requestId: string | null;
}

const MAX_DETAIL = 300;

const clip = (s: string) => (s.length > MAX_DETAIL ? `${s.slice(0, MAX_DETAIL - 1)}…` : s);

function record(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/**
 * Reads Intercom's `{"type":"error.list","request_id":..,"errors":[{code,message,field?}]}`.
 * Anything else (a load balancer's HTML 504, an empty body, plain text) still yields a short detail.
 */
export function parseErrorBody(text: string | null | undefined): ErrorBody {
  const raw = (text ?? '').trim();
  if (raw === '') return { code: null, detail: null, field: null, requestId: null };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { code: null, detail: clip(gistOfText(raw)), field: null, requestId: null };
  }
  const body = record(json);
  if (!body) return { code: null, detail: clip(raw), field: null, requestId: null };
  const errors = Array.isArray(body.errors) ? body.errors.map(record).filter((e) => e !== null) : [];
  const first = errors[0];
  const messages = errors.map((e) => str(e.message)).filter((m) => m !== null);
  const detail = messages.length > 0 ? messages.join('; ') : (str(body.message) ?? str(body.error));
  return {
    code: str(first?.code) ?? str(body.code),
    detail: detail === null ? null : clip(detail),
    field: str(first?.field),
    requestId: str(body.request_id),
  };
}

/**
 * How much of a non-JSON answer is read for its gist. A load balancer's error page names itself in
 * its first lines; a hostile one (1 MB of `<title>`) must cost no more than this, whatever its size.
 */
export const ERROR_PAGE_PREFIX = 64 * 1024;

/**
 * A page's title or first heading, else its text without tags. Linear in the prefix it reads:
 * every search goes forward with indexOf from where the last one stopped (lazy regexes over
 * `<title><title>...` restart at every tag and were quadratic).
 */
function gistOfText(whole: string): string {
  const raw = whole.length > ERROR_PAGE_PREFIX ? whole.slice(0, ERROR_PAGE_PREFIX) : whole;
  if (!/<[a-z!/]/i.test(raw)) return raw.replace(/\s+/g, ' ');
  const lower = raw.toLowerCase();
  const inner = between(raw, lower, 'title') ?? between(raw, lower, 'h1') ?? raw;
  const text = withoutTags(inner)
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/\s+/g, ' ')
    .trim();
  return text === '' ? 'an HTML page' : text;
}

/** The text inside the first `<tag ...>...</tag>`, or undefined when there is none. */
function between(raw: string, lower: string, tag: string): string | undefined {
  let at = lower.indexOf(`<${tag}`);
  // `<titles>` is not `<title>`: the name must end there
  while (at >= 0 && /[a-z0-9]/.test(lower[at + tag.length + 1] ?? '')) at = lower.indexOf(`<${tag}`, at + 1);
  if (at < 0) return undefined;
  const open = lower.indexOf('>', at);
  if (open < 0) return undefined;
  const close = lower.indexOf(`</${tag}>`, open + 1);
  return close < 0 ? undefined : raw.slice(open + 1, close);
}

/** Tags dropped (scripts and styles with their content), in one pass. */
function withoutTags(s: string): string {
  const lower = s.toLowerCase();
  let out = '';
  let i = 0;
  while (i < s.length) {
    const lt = s.indexOf('<', i);
    if (lt < 0) {
      out += s.slice(i);
      break;
    }
    out += s.slice(i, lt) + ' ';
    let end = -1;
    for (const block of ['script', 'style']) {
      if (lower.startsWith(`<${block}`, lt)) {
        const close = lower.indexOf(`</${block}>`, lt);
        if (close >= 0) end = close + block.length + 3;
        break;
      }
    }
    if (end < 0) {
      const gt = s.indexOf('>', lt);
      // no '>' anywhere after (no later '<' can close either): a tag cut off at the prefix is
      // dropped, anything else is text
      if (gt < 0) {
        if (!/^<[a-z!/]/i.test(s.slice(lt, lt + 2))) out += s.slice(lt);
        break;
      }
      end = gt + 1;
    }
    i = end;
  }
  return out;
}

/** "A contact matching those details already exists with id=6762f0dd..." (the only place Intercom names it). */
export function parseConflict(detail: string | null): { existingId: string | null; archived: boolean } {
  if (!detail) return { existingId: null, archived: false };
  return {
    existingId: /\bid=([0-9a-f]+)/i.exec(detail)?.[1] ?? null,
    archived: /\ban archived contact\b/i.test(detail),
  };
}

const VERB: Record<IntercomErrorKind, string> = {
  auth: 'refused the access token for',
  forbidden: 'refused',
  not_found: 'refused',
  conflict: 'refused',
  invalid: 'refused',
  rate_limited: 'rate-limited',
  transient: 'failed',
  uncertain: 'failed',
  unusable: 'gave an unusable answer to',
  offline: 'could not be reached for',
  aborted: 'was cancelled during',
};

/** The error for an HTTP answer that was not a success. */
export function errorFromResponse(a: {
  kind: IntercomErrorKind;
  method: string;
  path: string;
  status: number;
  body: ErrorBody;
  requestIdHeader?: string | null;
  attempts: number;
}): IntercomError {
  const { kind, method, path, status, body } = a;
  const what = body.code ? `${status} ${body.code}` : `${status}`;
  let message = `Intercom ${VERB[kind]} ${method} ${path} (${what})`;
  message += `: ${body.detail ?? (status >= 500 ? 'no details' : 'no message')}`;
  if (kind === 'uncertain') message += '; it may have been applied, so check before repeating it';
  if (a.attempts > 1) message += ` (after ${a.attempts} attempts)`;
  const conflict = kind === 'conflict' ? parseConflict(body.detail) : { existingId: null, archived: false };
  return new IntercomError({
    kind,
    message,
    method,
    path,
    status,
    code: body.code,
    requestId: body.requestId ?? a.requestIdHeader ?? null,
    field: body.field,
    ...conflict,
  });
}
