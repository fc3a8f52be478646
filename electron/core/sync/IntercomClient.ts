// The one way the app talks to Intercom: auth and version headers, pacing through the shared
// RateLimiter, retries only where repeating a request cannot double its effect, and typed errors.
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import {
  errorFromResponse,
  IntercomError,
  type IntercomErrorKind,
  kindForStatus,
  parseErrorBody,
} from './IntercomError';
import type {
  AdminList,
  AdminMessage,
  ArchivedContact,
  DeletedContact,
  UnarchivedContact,
  CompanyList,
  CompanyScroll,
  CompanyWrite,
  ContactList,
  ContactSearch,
  ContactWrite,
  DataAttribute,
  DataAttributeCreate,
  DataAttributeList,
  DeletedCompany,
  EventCreate,
  EventList,
  IntercomAdmin,
  IntercomCompany,
  IntercomContact,
  IntercomNote,
  IntercomTag,
  MessageCreate,
  NoteCreate,
  NoteList,
} from './intercomTypes';
import { abortableSleep, RateLimiter } from './RateLimiter';

export interface ExchangeInfo {
  method: string;
  path: string;
  status: number | null;
  ms: number;
  attempt: number;
  error?: string;
  rateLimit?: { limit: number; remaining: number; reset: number };
}

export interface ClientOptions {
  baseUrl: string;
  token: string;
  version?: string; // default '2.14'
  timeoutMs?: number; // default 20_000, per attempt
  /** The longest one call may take, its attempts and waits included (default 2 min); see DEFAULT_DEADLINE_MS. */
  deadlineMs?: number;
  /** The largest answer (and request body) accepted, in bytes (default 32 MiB); see MAX_ANSWER_BYTES. */
  maxAnswerBytes?: number;
  limiter?: RateLimiter; // shared by all clients of one token; default: a new one
  maxAttempts?: number; // default 6
  backoff?: { baseMs: number; maxMs: number }; // default 500 / 30_000, exponential with full jitter
  onExchange?: (e: ExchangeInfo) => void; // every attempt, for logs, the contract test and the bench
  signal?: AbortSignal; // aborts waits and requests (pause/quit)
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  version?: string; // per-request override (the message flush uses '1.4')
  /** Default: true for GET/PUT/DELETE, false for POST. Only idempotent requests are repeated after an ambiguous failure. */
  idempotent?: boolean;
}

export const DEFAULT_VERSION = '2.14';

/**
 * Intercom's largest answers are pages of 150 contacts: a few KB each, so well under 5 MB even
 * with many custom attributes. 32 MiB leaves six times that and keeps a hostile or broken answer
 * (a 300 MB `/me`) from taking the process's memory: the download stops at the limit.
 */
export const MAX_ANSWER_BYTES = 32 * 1024 * 1024;
/**
 * Six attempts of 20 s plus backoff could keep one call going for four minutes; a run or a person
 * waiting on it gets an answer sooner. Interactive calls (Test connection) use a shorter one.
 */
export const DEFAULT_DEADLINE_MS = 120_000;

// Host unreachable: retrying in a loop only burns the battery; the engine pauses and probes instead.
const OFFLINE_CODES = new Set(['ENOTFOUND', 'ECONNREFUSED', 'ENETUNREACH', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETDOWN', 'EHOSTDOWN']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT']);
// A TLS failure happens before any request byte is sent: typically an intercepting proxy or a wrong clock.
const TLS_CODE = /^(CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_(GET|VERIFY)_)/;
const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);

/** One attempt's result: a value, or an error and whether (and how) another attempt may follow. */
type Outcome =
  | { ok: true; value: unknown }
  | { ok: false; error: IntercomError; retry: false }
  | { ok: false; error: IntercomError; retry: true; waitMs: number | 'backoff'; finalKind: IntercomErrorKind };

export class IntercomClient {
  private readonly http: AxiosInstance;
  private readonly baseUrl: string;
  private readonly token: string;
  private readonly version: string;
  private readonly timeoutMs: number;
  private readonly deadlineMs: number;
  private readonly maxAnswerBytes: number;
  private readonly limiter: RateLimiter;
  private readonly maxAttempts: number;
  private readonly backoff: { baseMs: number; maxMs: number };
  private readonly onExchange?: (e: ExchangeInfo) => void;
  private readonly signal?: AbortSignal;
  private readonly random: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(opts: ClientOptions) {
    if (!opts.token) throw new Error('token: missing Intercom access token');
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.token = opts.token;
    this.version = opts.version ?? DEFAULT_VERSION;
    this.timeoutMs = opts.timeoutMs ?? 20_000;
    this.deadlineMs = opts.deadlineMs ?? DEFAULT_DEADLINE_MS;
    this.maxAnswerBytes = opts.maxAnswerBytes ?? MAX_ANSWER_BYTES;
    this.limiter = opts.limiter ?? new RateLimiter();
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? 6);
    this.backoff = opts.backoff ?? { baseMs: 500, maxMs: 30_000 };
    this.onExchange = opts.onExchange;
    this.signal = opts.signal;
    this.random = opts.random ?? Math.random;
    this.sleep = opts.sleep ?? abortableSleep;
    this.http = axios.create({
      validateStatus: () => true,
      // raw text: a 504 from the load balancer is HTML, and we parse JSON ourselves
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      transformRequest: [(data: unknown) => data],
      // a redirect would turn a POST into a GET and may carry the token elsewhere
      maxRedirects: 0,
      maxContentLength: this.maxAnswerBytes,
      maxBodyLength: this.maxAnswerBytes,
      transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: false },
    });
  }

  async request<T>(method: HttpMethod, path: string, opts: RequestOptions = {}): Promise<T> {
    const idempotent = opts.idempotent ?? method !== 'POST';
    const url = this.baseUrl + path + queryString(opts.query);
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.token}`,
      Accept: 'application/json',
      'Intercom-Version': opts.version ?? this.version,
    };
    const data = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    if (data !== undefined) headers['Content-Type'] = 'application/json';

    const deadline = performance.now() + this.deadlineMs;
    const left = () => deadline - performance.now();
    let last: { error: IntercomError; kind: IntercomErrorKind } | null = null;
    for (let attempt = 1; ; attempt++) {
      if (this.signal?.aborted) throw this.abortedError(method, path, 'before it was sent');
      if (last && left() <= 0) throw this.late(method, path, last.error, last.kind, attempt - 1);
      let release: () => void;
      const waitLimit = new AbortController();
      const onAbort = () => waitLimit.abort(this.signal?.reason);
      this.signal?.addEventListener('abort', onAbort, { once: true });
      const lateTimer = setTimeout(() => waitLimit.abort(new TimeoutMarker()), Math.max(0, left()));
      try {
        release = await this.limiter.acquire(waitLimit.signal);
      } catch (err) {
        if (this.signal?.aborted) throw this.abortedError(method, path, 'while waiting for the rate limit');
        if (waitLimit.signal.reason instanceof TimeoutMarker) {
          const waited = this.error({ kind: 'rate_limited', message: `Intercom ${method} ${path} waited for the rate limit`, method, path, code: 'ETIMEDOUT' });
          throw this.late(method, path, last?.error ?? waited, last?.kind ?? 'rate_limited', attempt - 1);
        }
        throw err;
      } finally {
        clearTimeout(lateTimer);
        this.signal?.removeEventListener('abort', onAbort);
      }
      const timeoutMs = Math.max(1, Math.min(this.timeoutMs, Math.ceil(left())));

      const started = performance.now();
      let outcome: Outcome;
      let status: number | null = null;
      let rateLimit: ExchangeInfo['rateLimit'];
      try {
        const res = await this.send(method, url, headers, data, timeoutMs);
        status = res.status;
        const rate = readRateHeaders(res);
        rateLimit = rate.complete;
        this.limiter.observe({ status: res.status, ...rate.observed });
        outcome = this.fromResponse(res, method, path, idempotent, attempt, rate.hasReset);
      } catch (err) {
        outcome = this.fromTransportError(err, method, path, idempotent, attempt, timeoutMs);
      } finally {
        release();
      }

      this.report({
        method,
        path,
        status,
        ms: Math.round(performance.now() - started),
        attempt,
        ...(outcome.ok ? {} : { error: outcome.error.message }),
        ...(rateLimit ? { rateLimit } : {}),
      });

      if (outcome.ok) return outcome.value as T;
      if (!outcome.retry) throw outcome.error;
      if (attempt >= this.maxAttempts) throw this.exhausted(outcome.error, outcome.finalKind, attempt);
      last = { error: outcome.error, kind: outcome.finalKind };
      const waitMs = outcome.waitMs === 'backoff' ? this.backoffMs(attempt) : outcome.waitMs;
      // a wait that ends past the deadline is not worth starting
      if (waitMs >= left() || left() <= 0) throw this.late(method, path, outcome.error, outcome.finalKind, attempt);
      if (waitMs > 0) {
        try {
          await this.sleep(waitMs, this.signal);
        } catch (err) {
          if (this.signal?.aborted) throw this.abortedError(method, path, 'while waiting to retry');
          throw err;
        }
      }
    }
  }

  // ---- the Intercom calls the sync engine makes ----

  me(): Promise<IntercomAdmin> {
    return this.request('GET', '/me');
  }

  /** The workspace's admins, in one answer (the endpoint does not page). */
  listAdmins(): Promise<AdminList> {
    return this.request('GET', '/admins');
  }

  listDataAttributes(model: 'contact' | 'company'): Promise<DataAttributeList> {
    return this.request('GET', '/data_attributes', { query: { model } });
  }

  /** Not repeated after an ambiguous failure: a second create answers 400 "already have"; list again instead. */
  createDataAttribute(body: DataAttributeCreate): Promise<DataAttribute> {
    return this.request('POST', '/data_attributes', { body });
  }

  /** Safe to repeat when it carries an external_id: a repeat answers 409 with the id of the first. */
  createContact(body: ContactWrite, opts: { idempotent?: boolean } = {}): Promise<IntercomContact> {
    return this.request('POST', '/contacts', { body, idempotent: opts.idempotent ?? Boolean(body.external_id) });
  }

  updateContact(id: string, body: ContactWrite): Promise<IntercomContact> {
    return this.request('PUT', `/contacts/${seg(id)}`, { body });
  }

  /** Throws 'not_found' for a contact merged away (404, or 410 in newer versions). */
  getContact(id: string): Promise<IntercomContact> {
    return this.request('GET', `/contacts/${seg(id)}`);
  }

  /** Users only (a lead's external id is not found); null when there is none. */
  async findContactByExternalId(xid: string): Promise<IntercomContact | null> {
    return orNullIfNotFound(this.request<IntercomContact>('GET', `/contacts/find_by_external_id/${seg(xid)}`));
  }

  listContacts({ perPage, startingAfter }: { perPage?: number; startingAfter?: string | null } = {}): Promise<ContactList> {
    return this.request('GET', '/contacts', { query: { per_page: perPage, starting_after: startingAfter ?? undefined } });
  }

  searchContacts(body: ContactSearch): Promise<ContactList> {
    return this.request('POST', '/contacts/search', { body, idempotent: true });
  }

  /** Not repeated: after a merge the lead id is gone, so a repeat would fail and hide the success. */
  mergeContacts(from: string, into: string): Promise<IntercomContact> {
    return this.request('POST', '/contacts/merge', { body: { from, into } });
  }

  archiveContact(id: string): Promise<ArchivedContact> {
    return this.request('POST', `/contacts/${seg(id)}/archive`, { idempotent: true });
  }

  /** The archived contact back on Intercom's lists and searches; safe to repeat. */
  unarchiveContact(id: string): Promise<UnarchivedContact> {
    return this.request('POST', `/contacts/${seg(id)}/unarchive`, { idempotent: true });
  }

  /** Permanent; a repeat answers 404 (done). */
  deleteContact(id: string): Promise<DeletedContact> {
    return this.request('DELETE', `/contacts/${seg(id)}`, { idempotent: true });
  }

  /** Intercom archives the company in the background; a repeat answers 404 (done). */
  deleteCompany(id: string): Promise<DeletedCompany> {
    return this.request('DELETE', `/companies/${seg(id)}`, { idempotent: true });
  }

  /** Create-or-update by company_id, so safe to repeat. */
  upsertCompany(body: CompanyWrite): Promise<IntercomCompany> {
    return this.request('POST', '/companies', { body, idempotent: true });
  }

  /** Null when Intercom has no company with that company_id (404 company_not_found). */
  /** By Intercom id: current, as any read by id (the scroll and search are not). */
  getCompany(id: string): Promise<IntercomCompany> {
    return this.request('GET', `/companies/${seg(id)}`);
  }

  async getCompanyByCompanyId(companyId: string): Promise<IntercomCompany | null> {
    const found = await orNullIfNotFound(
      this.request<IntercomCompany | CompanyList>('GET', '/companies', { query: { company_id: companyId } }),
    );
    if (found === null) return null;
    return found.type === 'list' ? (found.data[0] ?? null) : found;
  }

  /**
   * One page of the company list (`page` from 1; Intercom lists at most 10,000 companies this way,
   * and leaves out those without users, as the scroll does). A read, so safe to repeat.
   */
  listCompanies({ page, perPage, order }: { page: number; perPage: number; order?: 'asc' | 'desc' }): Promise<CompanyList> {
    return this.request('POST', '/companies/list', { query: { page, per_page: perPage, order }, idempotent: true });
  }

  /**
   * One page of the company scroll (start without a param). A continuation is not repeated after an
   * ambiguous failure: Intercom may have moved the cursor on, so a repeat could skip a page silently;
   * the caller restarts the scroll on 'uncertain' (as on Intercom's own "restart the scroll" 500).
   */
  scrollCompanies(scrollParam?: string | null): Promise<CompanyScroll> {
    return this.request('GET', '/companies/scroll', {
      query: { scroll_param: scrollParam ?? undefined },
      idempotent: !scrollParam,
    });
  }

  attachCompany(contactId: string, companyIntercomId: string): Promise<IntercomCompany> {
    return this.request('POST', `/contacts/${seg(contactId)}/companies`, { body: { id: companyIntercomId }, idempotent: true });
  }

  detachCompany(contactId: string, companyIntercomId: string): Promise<IntercomCompany> {
    return this.request('DELETE', `/contacts/${seg(contactId)}/companies/${seg(companyIntercomId)}`);
  }

  /** The workspace's tags, all of them in one answer. */
  listTags(): Promise<{ type: 'list'; data: IntercomTag[] }> {
    return this.request('GET', '/tags');
  }

  /** Creates the tag, or finds it by name (case-insensitive): safe to repeat. */
  ensureTag(name: string): Promise<IntercomTag> {
    return this.request('POST', '/tags', { body: { name }, idempotent: true });
  }

  /** Tags or untags a company (the tag is made when tagging needs it); safe to repeat. */
  tagCompany(name: string, companyIntercomId: string, untag: boolean): Promise<IntercomTag> {
    return this.request('POST', '/tags', { body: { name, companies: [{ id: companyIntercomId, ...(untag ? { untag: true } : {}) }] }, idempotent: true });
  }

  tagContact(contactId: string, tagIntercomId: string): Promise<IntercomTag> {
    return this.request('POST', `/contacts/${seg(contactId)}/tags`, { body: { id: tagIntercomId }, idempotent: true });
  }

  untagContact(contactId: string, tagIntercomId: string): Promise<IntercomTag> {
    return this.request('DELETE', `/contacts/${seg(contactId)}/tags/${seg(tagIntercomId)}`);
  }

  /** Every tag of a contact, with names (the contact object lists 10, as references). */
  listContactTags(contactId: string): Promise<{ type: 'list'; data: IntercomTag[] }> {
    return this.request('GET', `/contacts/${seg(contactId)}/tags`);
  }

  listContactCompanies(contactId: string): Promise<CompanyList> {
    return this.request('GET', `/contacts/${seg(contactId)}/companies`);
  }

  /** Intercom drops duplicates (same contact, name and created_at), so safe to repeat. Answers 202, no body. */
  async trackEvent(body: EventCreate): Promise<void> {
    await this.request<undefined>('POST', '/events', { body, idempotent: true });
  }

  /**
   * One page of a contact's events (the last 90 days). `query` is either the first page's
   * (type=user plus one identifier) or the one read from the previous page's `pages.next`.
   */
  listEvents(query: Record<string, string>): Promise<EventList> {
    return this.request('GET', '/events', { query });
  }

  /** Not repeated after an ambiguous failure: a repeat makes a second note (ops/note.ts looks first). */
  createNote(contactId: string, body: NoteCreate): Promise<IntercomNote> {
    return this.request('POST', `/contacts/${seg(contactId)}/notes`, { body });
  }

  /** One page of the contact's notes, newest first. */
  listNotes(contactId: string, page: number, perPage: number): Promise<NoteList> {
    return this.request('GET', `/contacts/${seg(contactId)}/notes`, { query: { page, per_page: perPage } });
  }

  /** Never repeated after an ambiguous failure: the contact would get the message twice. */
  sendMessage(body: MessageCreate): Promise<AdminMessage> {
    return this.request('POST', '/messages', { body });
  }

  /**
   * Asks Intercom to match auto-messages for one contact now. Undocumented in v2: the v1 conversation
   * list with a user filter, which Intercom treats as a trigger (at most once per 15 min per user).
   */
  flushMessages(contact: { externalId?: string | null; intercomId: string }): Promise<unknown> {
    const who = contact.externalId ? { user_id: contact.externalId } : { intercom_user_id: contact.intercomId };
    return this.request('GET', '/conversations', { query: { type: 'user', ...who }, version: '1.4' });
  }

  // ---- one attempt ----

  private async send(method: HttpMethod, url: string, headers: Record<string, string>, data: string | undefined, timeoutMs: number): Promise<AxiosResponse<string>> {
    // axios's timeout is a socket idle timeout; this one also bounds a body that trickles in
    const attempt = new AbortController();
    const onAbort = () => attempt.abort(this.signal?.reason);
    this.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => attempt.abort(new TimeoutMarker()), timeoutMs);
    try {
      return await this.http.request<string>({ method, url, headers, data, timeout: timeoutMs, signal: attempt.signal });
    } catch (err) {
      if (attempt.signal.reason instanceof TimeoutMarker && !this.signal?.aborted) throw new TimeoutMarker();
      throw err;
    } finally {
      clearTimeout(timer);
      this.signal?.removeEventListener('abort', onAbort);
    }
  }

  private fromResponse(res: AxiosResponse<string>, method: string, path: string, idempotent: boolean, attempt: number, hasReset: boolean): Outcome {
    const text = typeof res.data === 'string' ? res.data : '';
    const status = res.status;
    if (status >= 200 && status < 300) {
      if (text.trim() === '') return { ok: true, value: undefined };
      try {
        return { ok: true, value: JSON.parse(text) };
      } catch {
        // something between us and Intercom (a captive portal, a proxy) answered in its place
        const gist = parseErrorBody(text).detail ?? 'not JSON';
        const kind = idempotent ? 'transient' : 'uncertain';
        const message = `Intercom answered ${method} ${path} (${status}) with something other than JSON: ${gist}${kind === 'uncertain' ? '; it may have been applied, so check before repeating it' : ''}`;
        return { ok: false, retry: false, error: this.error({ kind, message, method, path, status }) };
      }
    }

    const body = parseErrorBody(text);
    const requestIdHeader = header(res, 'x-request-id');
    const make = (kind: IntercomErrorKind) =>
      this.redact(errorFromResponse({ kind, method, path, status, body, requestIdHeader, attempts: attempt }));
    const retryAfter = retryAfterMs(header(res, 'retry-after'));

    if (status === 429) {
      // with a Reset header the limiter already holds everyone until the window ends
      const waitMs = retryAfter ?? (hasReset ? 0 : 'backoff');
      return { ok: false, retry: true, waitMs, finalKind: 'rate_limited', error: make('rate_limited') };
    }
    if (status >= 500) {
      if (!idempotent) return { ok: false, retry: false, error: make('uncertain') };
      if (RETRYABLE_STATUS.has(status)) {
        return { ok: false, retry: true, waitMs: retryAfter ?? 'backoff', finalKind: 'transient', error: make('transient') };
      }
      return { ok: false, retry: false, error: make('transient') };
    }
    return { ok: false, retry: false, error: make(kindForStatus(status)) };
  }

  private fromTransportError(err: unknown, method: string, path: string, idempotent: boolean, attempt: number, timeoutMs: number): Outcome {
    const code = socketCode(err);
    const what = `${method} ${path}`;
    const maybe = '; it may have been applied, so check before repeating it';

    const tooLarge = sizeLimitHit(err);
    if (tooLarge === 'request') {
      // refused before a byte left: nothing reached Intercom, and the same body would be refused again
      const message = `Intercom ${what} was not sent: its body is over the ${mib(this.maxAnswerBytes)} limit`;
      return { ok: false, retry: false, error: this.error({ kind: 'invalid', message, method, path, code: 'ERR_BODY_TOO_LARGE', cause: err }) };
    }
    if (tooLarge === 'answer') {
      // a page of 150 contacts is a few MB: this is not an answer Intercom gives, and a repeat would download it again
      const kind = idempotent ? 'unusable' : 'uncertain';
      const message = `Intercom's answer to ${what} was larger than ${mib(this.maxAnswerBytes)}, so it was not read${kind === 'uncertain' ? maybe : ''}`;
      return { ok: false, retry: false, error: this.error({ kind, message, method, path, code: 'ERR_ANSWER_TOO_LARGE', cause: err }) };
    }

    if (this.signal?.aborted) {
      // cut off mid-flight: Intercom may have acted on a request we cannot safely repeat
      if (!idempotent) {
        return { ok: false, retry: false, error: this.error({ kind: 'uncertain', message: `Intercom ${what} was cancelled while in flight${maybe}`, method, path, code, cause: err }) };
      }
      return { ok: false, retry: false, error: this.abortedError(method, path, 'while in flight') };
    }
    if (code && OFFLINE_CODES.has(code)) {
      const message = `Could not reach Intercom at ${hostOf(this.baseUrl)} for ${what} (${code})`;
      return { ok: false, retry: false, error: this.error({ kind: 'offline', message, method, path, code, cause: err }) };
    }
    if (code && TLS_CODE.test(code)) {
      const message = `Secure connection to Intercom at ${hostOf(this.baseUrl)} failed for ${what} (${code}): a proxy or a wrong system clock?`;
      return { ok: false, retry: false, error: this.error({ kind: 'offline', message, method, path, code, cause: err }) };
    }
    if (code === 'ERR_INVALID_URL') {
      const message = `Intercom request ${what} has an invalid URL (base ${hostOf(this.baseUrl)})`;
      return { ok: false, retry: false, error: this.error({ kind: 'invalid', message, method, path, code, cause: err }) };
    }

    const timedOut = err instanceof TimeoutMarker || (code !== null && TIMEOUT_CODES.has(code));
    const failure = timedOut ? `timed out after ${timeoutMs} ms` : `lost its connection (${code ?? errorText(err)})`;
    const reportedCode = timedOut ? 'ETIMEDOUT' : code;
    if (!idempotent) {
      return { ok: false, retry: false, error: this.error({ kind: 'uncertain', message: `Intercom ${what} ${failure}${maybe}`, method, path, code: reportedCode, cause: err }) };
    }
    const suffix = attempt > 1 ? ` (after ${attempt} attempts)` : '';
    const error = this.error({ kind: 'transient', message: `Intercom ${what} ${failure}${suffix}`, method, path, code: reportedCode, cause: err });
    return { ok: false, retry: true, waitMs: 'backoff', finalKind: 'transient', error };
  }

  // ---- helpers ----

  private backoffMs(attempt: number): number {
    const cap = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** (attempt - 1));
    return Math.floor(this.random() * cap);
  }

  /** The last attempt's error, relabelled for giving up (a 429 that never cleared is 'rate_limited'). */
  private exhausted(last: IntercomError, kind: IntercomErrorKind, attempts: number): IntercomError {
    const message = /\(after \d+ attempts\)$/.test(last.message) ? last.message : `${last.message} (after ${attempts} attempts)`;
    return this.error({ ...last, kind, message, cause: last.cause });
  }

  /** The call's deadline passed before an answer could be used: the last failure, said in those words. */
  private late(method: string, path: string, last: IntercomError, kind: IntercomErrorKind, attempts: number): IntercomError {
    const secs = Math.round(this.deadlineMs / 100) / 10;
    const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
    const message = `Intercom did not answer ${method} ${path} in time: no usable answer within ${secs} s (${tries}; the last: ${last.message})`;
    return this.error({ ...last, kind, message, code: last.code ?? 'ETIMEDOUT', cause: last.cause });
  }

  private abortedError(method: string, path: string, when: string): IntercomError {
    return new IntercomError({ kind: 'aborted', message: `Intercom ${method} ${path} was cancelled ${when}`, method, path });
  }

  private error(init: ConstructorParameters<typeof IntercomError>[0]): IntercomError {
    return this.redact(new IntercomError(init));
  }

  /** Belt and braces: no message may ever carry the token, whatever a server or proxy echoes back. */
  private redact(e: IntercomError): IntercomError {
    if (!e.message.includes(this.token)) return e;
    return new IntercomError({ ...e, kind: e.kind, message: e.message.split(this.token).join('[token]'), cause: undefined });
  }

  private report(e: ExchangeInfo): void {
    try {
      this.onExchange?.(e);
    } catch {
      // a logger must never break a sync
    }
  }
}

class TimeoutMarker extends Error {}

function seg(id: string): string {
  return encodeURIComponent(id);
}

function queryString(query: RequestOptions['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.append(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

async function orNullIfNotFound<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof IntercomError && err.kind === 'not_found') return null;
    throw err;
  }
}

function header(res: AxiosResponse, name: string): string | null {
  const v: unknown = (res.headers as Record<string, unknown>)[name];
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : null;
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
}

function intHeader(res: AxiosResponse, name: string): number | undefined {
  const raw = header(res, name);
  if (raw === null || !/^\s*\d+\s*$/.test(raw)) return undefined;
  return Number(raw);
}

function readRateHeaders(res: AxiosResponse) {
  const limit = intHeader(res, 'x-ratelimit-limit');
  const remaining = intHeader(res, 'x-ratelimit-remaining');
  const reset = intHeader(res, 'x-ratelimit-reset');
  const dateRaw = header(res, 'date');
  const date = dateRaw === null ? NaN : Date.parse(dateRaw);
  const observed: { limit?: number; remaining?: number; reset?: number; date?: number } = {};
  if (limit !== undefined) observed.limit = limit;
  if (remaining !== undefined) observed.remaining = remaining;
  if (reset !== undefined) observed.reset = reset;
  if (Number.isFinite(date)) observed.date = date;
  const complete = limit !== undefined && remaining !== undefined && reset !== undefined ? { limit, remaining, reset } : undefined;
  return { observed, complete, hasReset: reset !== undefined };
}

/** Retry-After in seconds or as an HTTP date; null when absent or unreadable. */
function retryAfterMs(raw: string | null): number | null {
  if (raw === null) return null;
  const s = raw.trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const at = Date.parse(s);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : null;
}

/** The socket error code, wherever axios or Node's happy-eyeballs AggregateError put it. */
function socketCode(err: unknown): string | null {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const o = e as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof o.code === 'string' && o.code !== 'ERR_CANCELED' && o.code !== 'ERR_NETWORK') return o.code;
    queue.push(o.cause);
    if (Array.isArray(o.errors)) queue.push(...o.errors);
  }
  return null;
}

/** Which of axios's size limits an error is: the answer (maxContentLength) or our body (maxBodyLength). */
function sizeLimitHit(err: unknown): 'answer' | 'request' | null {
  const message = err instanceof Error ? err.message : '';
  if (/^maxContentLength size of \d+ exceeded/.test(message)) return 'answer';
  if (/^Request body larger than maxBodyLength limit/.test(message)) return 'request';
  return null;
}

const mib = (bytes: number) => (bytes >= 1024 * 1024 ? `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB` : `${bytes} bytes`);

function errorText(err: unknown): string {
  return err instanceof Error && err.message ? err.message.slice(0, 120) : 'unknown error';
}

function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return 'an invalid URL';
  }
}

/**
 * The query of the next events page, read from `pages.next` (a whole URL on Intercom's host).
 * Only its query is kept and sent to our own base URL with our own path, so a URL pointing
 * elsewhere can never receive the token. Null at the end, or when `next` is not a URL for /events.
 */
export function nextEventsQuery(next: string | null | undefined): Record<string, string> | null {
  if (!next) return null;
  let url: URL;
  try {
    url = new URL(next);
  } catch {
    return null;
  }
  if (!/\/events\/?$/.test(url.pathname)) return null;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  return query;
}
