// A local Intercom on 127.0.0.1 (plain node:http): auth, Accept and version checks, the 10-second
// rate-limit windows and switchable faults in front of a Workspace, plus a /_sandbox/ control surface
// behind its own token. Every request must name this server in its Host header (no DNS rebinding);
// the control surface also refuses other sites' pages (Origin, Sec-Fetch-Site) and non-JSON bodies.
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { ApiError, badParam } from './errors';
import { DEFAULT_FAULTS, GATEWAY_TIMEOUT_HTML, createRandom, decideFault, latencyFor, mergeFaults, pickGatewayError, type SandboxFaults } from './faults';
import { readStateFile, setAside, writeStateFile } from './persist';
import { matchRoute, type Answer } from './routes';
import { applySeed, type SandboxSeed } from './seed';
import { Workspace, type CompanyPatch, type ContactPatch } from './Workspace';

export interface SandboxOptions {
  /** Default 0 (a free port); the host is always 127.0.0.1. */
  port?: number;
  /** Default 'sandbox-token'; any other bearer token gets 401. */
  token?: string;
  /** The bearer token the /_sandbox/ control surface asks for; default: a new random one. */
  controlToken?: string;
  /** How far search runs behind (ms); default 60_000 ("a few minutes" shortened). */
  searchLagMs?: number;
  /** /messages 404s a contact younger than this (ms), as Intercom does for brand-new ones; default 0. */
  messageLagMs?: number;
  /** Default { limit: 1666, windowMs: 10_000 }; windows are aligned to multiples of windowMs since the epoch. */
  rateLimit?: { limit: number; windowMs: number };
  faults?: Partial<SandboxFaults>;
  seed?: SandboxSeed;
  /**
   * Keeps the workspace in this JSON file between runs: when it exists it is loaded instead of
   * the seed; it is written on close() and, after a change, at most every stateSaveIntervalMs.
   * A file that cannot be read is renamed to `<file>.broken-<time>` and the seed is used.
   */
  stateFile?: string;
  /** The longest a change waits to reach stateFile without close() (ms); default 2000. */
  stateSaveIntervalMs?: number;
  /** Workspace timezone for calendar-day date matching in search (default 0 = UTC). */
  timezoneOffsetMinutes?: number;
  /** Seeds the PRNG behind faults and generated ids, so runs are reproducible. */
  randomSeed?: number;
  /** Clock (ms) for tests. */
  now?: () => number;
  log?: (line: string) => void;
}

export interface SandboxStats {
  requests: number;
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  rateLimited: number;
  dropped: number;
  timedOut: number;
  injectedErrors: number;
  /** The most API requests (answered with 429 or not) that arrived within one rate-limit window. */
  maxPerWindow: number;
  /** How many distinct rate-limit windows saw a request. */
  windows: number;
}

export interface Sandbox {
  /** e.g. http://127.0.0.1:PORT, no trailing slash. */
  url: string;
  token: string;
  /** For /_sandbox/: `Authorization: Bearer <controlToken>`. */
  controlToken: string;
  workspace: Workspace;
  /** With stateFile: the file, whether this start continued the saved workspace, and where a bad file was moved. */
  persistence: { file: string; restored: boolean; setAside: string | null } | null;
  setFaults(f: Partial<SandboxFaults>): void;
  faults(): SandboxFaults;
  stats(): SandboxStats;
  resetStats(): void;
  /** Closes the server and destroys open sockets, hung ones included. */
  close(): Promise<void>;
}

export const DEFAULT_RATE_LIMIT = { limit: 1666, windowMs: 10_000 } as const;
/** The version a request gets without an Intercom-Version header: the app's, pinned here. */
export const DEFAULT_API_VERSION = '2.14';
const VALID_VERSION = /^(1\.[0-4]|2\.([0-9]|1[0-4]))$/;
const MUTATING = new Set(['POST', 'PUT', 'DELETE']);

function acceptsJson(header: string | undefined): boolean {
  if (!header) return false;
  // */* and application/* include JSON, so fetch's default passes; text/html alone does not
  return header.split(',').some((part) => {
    const t = part.split(';')[0]!.trim().toLowerCase();
    return t === 'application/json' || t === 'application/*' || t === '*/*' || t.endsWith('+json');
  });
}

function errorList(requestId: string, items: { code: string; message: string; field?: string }[]) {
  return { type: 'error.list', request_id: requestId, errors: items };
}

const emptyStats = (): SandboxStats => ({ requests: 0, byRoute: {}, byStatus: {}, rateLimited: 0, dropped: 0, timedOut: 0, injectedErrors: 0, maxPerWindow: 0, windows: 0 });
const bump = (rec: Record<string, number>, key: string) => {
  rec[key] = (rec[key] ?? 0) + 1;
};
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function tokensEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const now = options.now ?? Date.now;
  const token = options.token ?? 'sandbox-token';
  const controlToken = options.controlToken ?? randomBytes(24).toString('base64url');
  const limit = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  if (!(limit.limit > 0) || !(limit.windowMs > 0)) throw new TypeError('rateLimit needs a positive limit and windowMs');
  const seed = options.randomSeed ?? Math.floor(Math.random() * 2 ** 32);
  // Separate streams: how many ids a run mints must not change which requests fail
  const faultRandom = createRandom(seed);
  const newWorkspace = () =>
    new Workspace({
      now,
      random: createRandom((seed ^ 0x9e3779b9) >>> 0),
      searchLagMs: options.searchLagMs ?? 60_000,
      messageLagMs: options.messageLagMs ?? 0,
      timezoneOffsetMinutes: options.timezoneOffsetMinutes ?? 0,
    });
  const log = options.log ?? (() => {});
  // Problems with the state file are worth a line even when requests are not logged
  const warn = options.log ?? ((line: string) => console.warn(line));

  let workspace = newWorkspace();
  const stateFile = options.stateFile === undefined ? null : path.resolve(options.stateFile);
  const saveInterval = Math.max(0, options.stateSaveIntervalMs ?? 2_000);
  let persistence: Sandbox['persistence'] = null;
  let canSave = stateFile !== null;
  if (stateFile !== null) {
    persistence = { file: stateFile, restored: false, setAside: null };
    const read = readStateFile(stateFile);
    let problem: string | null = read.kind === 'bad' ? read.reason : null;
    if (read.kind === 'ok') {
      try {
        workspace.restore(read.state);
        persistence.restored = true;
        log(`Intercom sandbox: continued the workspace saved in ${stateFile}`);
      } catch (err) {
        problem = `could not be loaded (${err instanceof Error ? err.message : String(err)})`;
        workspace = newWorkspace();
      }
    }
    if (problem !== null) {
      persistence.setAside = setAside(stateFile, Date.now());
      // Without moving it away, saving would overwrite what may still be worth a look
      if (persistence.setAside === null) canSave = false;
      warn(
        `Intercom sandbox: the saved workspace ${stateFile} ${problem}; ` +
          (persistence.setAside ? `moved it to ${persistence.setAside} and started a fresh workspace` : 'could not move it aside, so started a fresh workspace that will not be saved'),
      );
    }
  }
  if (!persistence?.restored) applySeed(workspace, options.seed);

  let saveTimer: NodeJS.Timeout | null = null;
  let savedChanges = -1;
  let lastSaveError: string | null = null;
  function saveState(): void {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = null;
    if (stateFile === null || !canSave) return;
    const count = workspace.changeCount();
    try {
      writeStateFile(stateFile, workspace.snapshot());
      savedChanges = count;
      lastSaveError = null;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // a full disk is said in words; the workspace lives on in memory and the next change tries again
      const message =
        code === 'ENOSPC' || code === 'EDQUOT'
          ? `the disk holding ${path.dirname(stateFile)} is full; the demo workspace is kept in memory and saved once there is room`
          : err instanceof Error
            ? err.message
            : String(err);
      if (message !== lastSaveError) warn(`Intercom sandbox: could not save the workspace to ${stateFile}: ${message}`);
      lastSaveError = message;
    }
  }
  if (stateFile !== null) {
    // A fresh workspace is written at once: a client that synced it and was killed before any
    // change must find the same ids on the next start
    if (!persistence?.restored) saveState();
    else savedChanges = workspace.changeCount();
    workspace.onChange = () => {
      if (saveTimer || closing || !canSave) return;
      saveTimer = setTimeout(saveState, saveInterval);
      saveTimer.unref();
    };
  }

  let faults = mergeFaults({ ...DEFAULT_FAULTS }, options.faults ?? {});
  let stats = emptyStats();
  let window = { index: -1, accepted: 0, seen: 0 };
  const sockets = new Set<Socket>();
  let closing = false;
  let closed: Promise<void> | null = null;

  function takeRateLimit(): { allowed: boolean; headers: Record<string, string> } {
    const t = now();
    const index = Math.floor(t / limit.windowMs);
    if (index !== window.index) {
      window = { index, accepted: 0, seen: 0 };
      stats.windows++;
    }
    window.seen++;
    stats.maxPerWindow = Math.max(stats.maxPerWindow, window.seen);
    let allowed = window.accepted < limit.limit;
    if (faults.rateLimit429Burst > 0) {
      faults = { ...faults, rateLimit429Burst: faults.rateLimit429Burst - 1 };
      allowed = false;
    }
    if (allowed) window.accepted++;
    const headers = {
      'X-RateLimit-Limit': String(limit.limit),
      'X-RateLimit-Remaining': String(allowed ? Math.max(0, limit.limit - window.accepted) : 0),
      'X-RateLimit-Reset': String(Math.ceil(((index + 1) * limit.windowMs) / 1000)),
    };
    return { allowed, headers };
  }

  function send(res: http.ServerResponse, status: number, payload: unknown, headers: Record<string, string>, requestId: string, html = false): void {
    stats.byStatus[String(status)] = (stats.byStatus[String(status)] ?? 0) + 1;
    if (res.destroyed) return;
    const text = html ? GATEWAY_TIMEOUT_HTML : payload === undefined ? '' : JSON.stringify(payload);
    res.writeHead(status, {
      ...headers,
      'Content-Type': html ? 'text/html' : 'application/json; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(text)),
      'X-Request-Id': requestId,
    });
    res.end(text);
  }

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL, raw: string): Promise<void> {
    const method = req.method ?? 'GET';
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const match = matchRoute(method, path);
    stats.requests++;
    bump(stats.byRoute, match ? `${method} ${match.route.template}` : `${method} (unknown)`);
    const requestId = randomUUID();
    const fail = (status: number, code: string, message: string, headers: Record<string, string> = {}, field?: string) =>
      send(res, status, errorList(requestId, [field === undefined ? { code, message } : { code, message, field }]), headers, requestId);
    const delay = latencyFor(faults, faultRandom);
    if (delay > 0) {
      await sleep(delay);
      if (closing || res.destroyed) return;
    }

    const auth = req.headers.authorization ?? '';
    const bearer = /^Bearer\s+(.+)$/i.exec(auth)?.[1]?.trim();
    if (bearer !== token) {
      log(`${method} ${path} -> 401`);
      return fail(401, 'unauthorized', 'Access Token Invalid');
    }

    const rl = takeRateLimit();
    if (!rl.allowed) {
      stats.rateLimited++;
      log(`${method} ${path} -> 429`);
      return fail(429, 'rate_limit_exceeded', `Exceeded rate limit of ${limit.limit} in ${Math.round(limit.windowMs / 1000)}_seconds`, rl.headers);
    }

    const decision = decideFault(faults, faultRandom, MUTATING.has(method));
    if (decision === 'error') {
      stats.injectedErrors++;
      const g = pickGatewayError(faultRandom);
      log(`${method} ${path} -> ${g.status} (injected)`);
      if (g.html) return send(res, g.status, undefined, {}, requestId, true);
      return fail(g.status, g.code, g.message, rl.headers);
    }
    if (decision === 'timeout') {
      // Never applied, never answered: the socket stays open until the client gives up or close()
      stats.timedOut++;
      log(`${method} ${path} -> (held open, injected timeout)`);
      return;
    }

    if (!acceptsJson(req.headers.accept)) return fail(406, 'not_acceptable', 'The Accept header must allow application/json', rl.headers);
    const versionHeader = req.headers['intercom-version'];
    const version = (Array.isArray(versionHeader) ? versionHeader[0] : versionHeader)?.trim() || DEFAULT_API_VERSION;
    if (!VALID_VERSION.test(version)) return fail(400, 'intercom_version_invalid', `The requested version '${version}' is not valid`, rl.headers, 'Intercom-Version');
    if (!match) return fail(404, 'not_found', 'Resource Not Found', rl.headers);

    let answer: Answer;
    try {
      let body: unknown;
      if (raw.trim() !== '' && method !== 'GET') {
        try {
          body = JSON.parse(raw);
        } catch {
          throw badParam('There was a problem in the JSON you submitted');
        }
      }
      const origin = `http://${req.headers.host ?? '127.0.0.1'}`;
      answer = match.route.run({ params: match.params, query: url.searchParams, body, version, ws: workspace, origin });
    } catch (err) {
      if (err instanceof ApiError) {
        answer = { status: err.status, body: errorList(requestId, [err.item()]) };
      } else {
        log(`sandbox bug on ${method} ${path}: ${err instanceof Error ? err.stack : String(err)}`);
        answer = { status: 500, body: errorList(requestId, [{ code: 'server_error', message: 'Server Error' }]) };
      }
    }

    if (decision === 'drop') {
      // The change is applied; the client never learns it
      stats.dropped++;
      log(`${method} ${path} -> ${answer.status} applied, connection dropped (injected)`);
      req.socket.destroy();
      return;
    }
    log(`${method} ${path} -> ${answer.status}`);
    send(res, answer.status, answer.body, rl.headers, requestId);
  }

  function handleControl(req: http.IncomingMessage, res: http.ServerResponse, url: URL, raw: string): void {
    const requestId = randomUUID();
    const reply = (status: number, payload: unknown) => {
      if (res.destroyed) return;
      const text = JSON.stringify(payload);
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)) });
      res.end(text);
    };
    const key = `${req.method} ${url.pathname.replace(/\/+$/, '')}`;
    // a page on another site can post text/plain here without asking first: only its own token gets in
    const origin = req.headers.origin;
    if ((origin !== undefined && !allowedOrigins().has(origin)) || req.headers['sec-fetch-site'] === 'cross-site') {
      return reply(403, errorList(requestId, [{ code: 'forbidden', message: 'Forbidden origin: the sandbox control surface refuses requests from other sites' }]));
    }
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    if (bearer === undefined || !tokensEqual(bearer, controlToken)) {
      return reply(401, errorList(requestId, [{ code: 'unauthorized', message: 'The control surface needs Authorization: Bearer <control token> (printed at start)' }]));
    }
    const type = req.headers['content-type'] ?? '';
    if (raw.trim() !== '' && !/^application\/json\b/i.test(type)) {
      return reply(415, errorList(requestId, [{ code: 'unsupported_media_type', message: 'Send JSON (Content-Type: application/json)' }]));
    }
    try {
      const input: Record<string, unknown> = raw.trim() === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
      switch (key) {
        case 'GET /_sandbox/state':
          // ?summary=true skips the records: at benchmark size the full state is hundreds of MB
          return reply(200, url.searchParams.get('summary') === 'true' ? { admin: workspace.admin, app: workspace.app, counts: workspace.counts() } : workspace.state());
        case 'GET /_sandbox/faults':
          return reply(200, faults);
        case 'POST /_sandbox/faults':
          faults = mergeFaults(faults, input);
          return reply(200, faults);
        case 'GET /_sandbox/stats':
          return reply(200, stats);
        case 'POST /_sandbox/stats/reset':
          stats = emptyStats();
          return reply(200, stats);
        case 'POST /_sandbox/remote-edit':
          return reply(200, workspace.remoteEdit(String(input.contactId), (input.patch ?? {}) as ContactPatch));
        case 'POST /_sandbox/remote-edit-company':
          return reply(200, workspace.remoteEditCompany(String(input.companyId), (input.patch ?? {}) as CompanyPatch));
        case 'POST /_sandbox/remote-create-contact':
          return reply(200, workspace.remoteCreateContact(input as ContactPatch));
        case 'POST /_sandbox/remote-create-event':
          workspace.remoteCreateEvent(input as { contactId: string; event_name: string; created_at: number; metadata?: Record<string, unknown> });
          return reply(200, { ok: true });
        case 'POST /_sandbox/remote-create-note':
          // a teammate's note written in Intercom's UI (the colleague unless authorId says otherwise)
          return reply(200, workspace.remoteCreateNote(String(input.contactId), String(input.body ?? ''), input.authorId === undefined ? undefined : String(input.authorId)));
        case 'POST /_sandbox/remote-create-visitor':
          return reply(200, workspace.remoteCreateVisitor(input as { email?: string; name?: string; user_id?: string }));
        default:
          return reply(404, errorList(requestId, [{ code: 'not_found', message: `No control route ${key}` }]));
      }
    } catch (err) {
      if (err instanceof ApiError) return reply(err.status, errorList(requestId, [err.item()]));
      return reply(400, errorList(requestId, [{ code: 'parameter_invalid', message: err instanceof Error ? err.message : String(err) }]));
    }
  }

  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const server = http.createServer((req, res) => {
    if (!allowedHosts().has((req.headers.host ?? '').toLowerCase())) {
      // before the body is read: nothing from a rebound name reaches the workspace
      const text = JSON.stringify(errorList(randomUUID(), [{ code: 'forbidden', message: 'Forbidden host: the sandbox answers only on 127.0.0.1' }]));
      res.writeHead(403, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)), Connection: 'close' });
      res.end(text);
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => {});
    req.on('end', () => {
      if (closing) return;
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname.startsWith('/_sandbox/')) return handleControl(req, res, url, raw);
      handleApi(req, res, url, raw).catch((err: unknown) => {
        log(`sandbox failure: ${err instanceof Error ? err.stack : String(err)}`);
        if (!res.headersSent && !res.destroyed) res.destroy();
      });
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  log(`Intercom sandbox listening on ${url}`);

  return {
    url,
    token,
    controlToken,
    workspace,
    persistence,
    setFaults(f) {
      faults = mergeFaults(faults, f);
    },
    faults: () => ({ ...faults }),
    stats: () => structuredClone(stats),
    resetStats() {
      stats = emptyStats();
    },
    close() {
      if (!closed) {
        closing = true;
        // Synchronously, before anything else: a caller that does not await close() may exit next
        if (saveTimer || (stateFile !== null && workspace.changeCount() !== savedChanges)) saveState();
        workspace.onChange = null;
        closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Hung (timeoutRate) and keep-alive sockets would otherwise hold close() open
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
      }
      return closed;
    },
  };
}
