// Browser mode: the same router as the desktop app, served over HTTP on 127.0.0.1 only.
//   POST /api/<method>   JSON body = the method's input; Bearer token; 200 { ok, value | error }
//   GET  /api/events     pushed events as server-sent events (Bearer token)
//   GET  /exports/<file> a CSV export, as a download (Bearer token)
//   GET  /               the built renderer (it reads the token from the URL fragment)
// Requests whose Host is not this server (DNS rebinding) or whose Origin is another site are
// refused with 403 before anything else happens.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { MAX_REQUEST_BYTES, REQUEST_TOO_LARGE } from '../../shared/client';
import type { ErrorPayload, Result } from '../../shared/errors';
import type { Core } from '../core/app';
import { ensurePrivateDir } from '../core/files/privateFiles';
import { RENDERER_CSP } from '../startup/csp';

export const BRIDGE_HOST = '127.0.0.1';
const MAX_BODY = MAX_REQUEST_BYTES;
/** How much of a too-large body is read and dropped so the client gets to read the 413; past it, the connection is cut. */
const MAX_DRAIN = 64 * MAX_BODY;
const HEARTBEAT_MS = 15_000;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export interface BridgeOptions {
  core: Pick<Core, 'call' | 'subscribe'>;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
  /** Folder with the built renderer (index.html); without it only /api is served. */
  rendererDir?: string;
  /** When set, `<dataDir>/bridge.json` (mode 0600) records the URL and token. */
  dataDir?: string;
  /** The core's exports folder, served at /exports/ (contacts.export's `downloadUrl`). */
  exportsDir?: string;
}

export interface Bridge {
  url: string;
  /** The URL to open: carries the token in its fragment, which browsers never send to servers. */
  openUrl: string;
  port: number;
  token: string;
  infoFile: string | null;
  /** Why `bridge.json` could not be written (a full disk, say); the console runs all the same. */
  infoError: string | null;
  close(): Promise<void>;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  const data = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(data),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(data);
}

const fail = (res: http.ServerResponse, status: number, error: ErrorPayload, headers?: http.OutgoingHttpHeaders) =>
  sendJson(res, status, { ok: false, error } satisfies Result<never>, headers);

/** A path segment decoded, or null when its percent-encoding is malformed (or hides a NUL byte). */
function decodeSegment(encoded: string): string | null {
  try {
    const decoded = decodeURIComponent(encoded);
    return decoded.includes('\0') ? null : decoded;
  } catch {
    return null;
  }
}

const MALFORMED_PATH = 'The address has a malformed percent-encoding (a % must be followed by two hex digits forming UTF-8)';

function tokensEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The body as text, at most MAX_BODY bytes. A larger one is read to its end and dropped before
 * the 413 is sent: closing a socket with unread data resets the connection, and the client
 * would see that instead of the answer.
 */
function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const tooLarge = () => Object.assign(new Error('body too large'), { status: 413 });
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_DRAIN) {
      reject(tooLarge());
      return;
    }
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
      else if (size > MAX_DRAIN) {
        req.destroy();
        reject(tooLarge());
      } else chunks.length = 0;
    });
    req.on('end', () => (size > MAX_BODY ? reject(tooLarge()) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const rendererDir = options.rendererDir ? path.resolve(options.rendererDir) : null;
  const exportsDir = options.exportsDir ? path.resolve(options.exportsDir) : null;
  const streams = new Set<http.ServerResponse>();
  let port = 0;

  const allowedHosts = () => new Set([`${BRIDGE_HOST}:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://${BRIDGE_HOST}:${port}`, `http://localhost:${port}`]);

  const authorized = (req: http.IncomingMessage) => {
    const h = req.headers.authorization;
    return typeof h === 'string' && h.startsWith('Bearer ') && tokensEqual(h.slice(7).trim(), token);
  };

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, pathname: string) {
    if (!authorized(req)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return fail(res, 401, { code: 'AUTH', message: 'Missing or wrong token: open the link that `npm start` printed (it changes on each start).' });
    }
    if (pathname === '/api/events') {
      if (req.method !== 'GET') return fail(res, 405, { code: 'VALIDATION', message: 'Use GET for /api/events.', field: 'method' });
      return openEventStream(req, res);
    }
    const method = decodeSegment(pathname.slice('/api/'.length));
    if (method === null) return fail(res, 400, { code: 'VALIDATION', message: MALFORMED_PATH, field: 'url' });
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return fail(res, 405, { code: 'VALIDATION', message: 'API calls are POST requests.', field: 'method' });
    }
    const type = req.headers['content-type'] ?? '';
    if (type && !/^application\/json\b/i.test(type)) {
      return fail(res, 415, { code: 'VALIDATION', message: 'Send the call as JSON (Content-Type: application/json).', field: 'body' });
    }
    let raw: string;
    try {
      raw = await readBody(req);
    } catch (e) {
      const status = (e as { status?: number }).status ?? 400;
      if (status === 413) {
        // the connection closes after this answer: what is left of the body is not worth reading
        return fail(res, 413, { code: 'VALIDATION', message: REQUEST_TOO_LARGE, field: 'body' }, { Connection: 'close' });
      }
      return fail(res, status, { code: 'VALIDATION', message: 'The request body could not be read.', field: 'body' });
    }
    let input: unknown = undefined;
    if (raw.trim() !== '') {
      try {
        input = JSON.parse(raw);
      } catch {
        return fail(res, 400, { code: 'VALIDATION', message: 'The request body is not valid JSON.', field: 'body' });
      }
    }
    // the engine's router knows the contract's methods (the contract's schemas stay out of this
    // process's heap, which only routes): a name it does not know is answered 404
    const result = await options.core.call(method, input);
    sendJson(res, !result.ok && result.error.code === 'UNKNOWN_METHOD' ? 404 : 200, result);
  }

  function openEventStream(req: http.IncomingMessage, res: http.ServerResponse) {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Content-Type-Options': 'nosniff',
    });
    res.write(': connected\n\n');
    streams.add(res);
    const unsubscribe = options.core.subscribe((name, payload) => {
      res.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    const end = () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    };
    req.on('close', end);
    res.on('error', end);
  }

  /** One export by its plain file name: nothing outside the exports folder, nothing but CSV. */
  function serveExport(req: http.IncomingMessage, res: http.ServerResponse, pathname: string) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' });
      return res.end();
    }
    if (!authorized(req)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return fail(res, 401, { code: 'AUTH', message: 'Missing or wrong token: open the link that `npm start` printed (it changes on each start).' });
    }
    const name = decodeSegment(pathname.slice('/exports/'.length));
    if (name === null) return fail(res, 400, { code: 'VALIDATION', message: MALFORMED_PATH, field: 'url' });
    const file = exportsDir && /^[\w][\w.-]*\.csv$/.test(name) ? path.join(exportsDir, name) : null;
    if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      return fail(res, 404, { code: 'NOT_FOUND', message: 'No such export.' });
    }
    res.writeHead(200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Length': fs.statSync(file).size,
      'Content-Disposition': `attachment; filename="${name}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.method === 'HEAD') return res.end();
    fs.createReadStream(file).pipe(res);
  }

  function serveStatic(req: http.IncomingMessage, res: http.ServerResponse, pathname: string) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' });
      return res.end();
    }
    if (!rendererDir) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      return res.end('The renderer is not built: run `npm run build`.\n');
    }
    const decoded = decodeSegment(pathname);
    if (decoded === null) {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
      return res.end(`Bad request: ${MALFORMED_PATH.slice('url: '.length)}.\n`);
    }
    const rel = decoded === '/' ? '/index.html' : decoded;
    let file = path.resolve(rendererDir, '.' + rel);
    if (!file.startsWith(rendererDir + path.sep)) {
      res.writeHead(403);
      return res.end();
    }
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
      // client-side routes fall back to the app; missing assets are a plain 404
      if (path.extname(rel)) {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
        return res.end('Not found\n');
      }
      file = path.join(rendererDir, 'index.html');
      if (!fs.existsSync(file)) {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
        return res.end('The renderer is not built: run `npm run build`.\n');
      }
    }
    const ext = path.extname(file);
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[ext] ?? 'application/octet-stream',
      'Content-Security-Policy': RENDERER_CSP,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': ext === '.html' ? 'no-store' : 'public, max-age=31536000, immutable',
    });
    if (req.method === 'HEAD') return res.end();
    fs.createReadStream(file).pipe(res);
  }

  const server = http.createServer((req, res) => {
    const host = req.headers.host ?? '';
    if (!allowedHosts().has(host.toLowerCase())) {
      return fail(res, 403, { code: 'FORBIDDEN', message: 'Forbidden host: Lead Console answers only on 127.0.0.1.' });
    }
    const origin = req.headers.origin;
    if ((origin !== undefined && !allowedOrigins().has(origin)) || req.headers['sec-fetch-site'] === 'cross-site') {
      return fail(res, 403, { code: 'FORBIDDEN', message: 'Forbidden origin: requests from other sites are refused.' });
    }
    let pathname: string;
    try {
      pathname = new URL(req.url ?? '/', `http://${host}`).pathname;
    } catch {
      return fail(res, 400, { code: 'VALIDATION', message: 'The address is malformed.', field: 'url' });
    }
    if (pathname === '/api' || pathname.startsWith('/api/')) {
      handleApi(req, res, pathname).catch(() => {
        if (!res.headersSent) fail(res, 500, { code: 'INTERNAL', message: 'The request could not be handled.' });
        else res.end();
      });
      return;
    }
    if (pathname.startsWith('/exports/')) return serveExport(req, res, pathname);
    serveStatic(req, res, pathname);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, BRIDGE_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://${BRIDGE_HOST}:${port}/`;
  const openUrl = `${url}#token=${token}`;

  let infoFile: string | null = null;
  let infoError: string | null = null;
  if (options.dataDir) {
    const file = path.join(options.dataDir, 'bridge.json');
    // written aside and renamed into place: whoever waits for the file never reads half of it
    const partial = `${file}.${process.pid}.tmp`;
    try {
      ensurePrivateDir(options.dataDir);
      fs.writeFileSync(partial, JSON.stringify({ url, openUrl, port, token, pid: process.pid, startedAt: new Date().toISOString() }, null, 2) + '\n', {
        mode: 0o600,
      });
      fs.chmodSync(partial, 0o600); // writeFileSync keeps the mode of a file that already existed
      fs.renameSync(partial, file);
      infoFile = file;
    } catch (e) {
      // the link is a convenience: without it (a full disk) the console still serves, and says so
      fs.rmSync(partial, { force: true });
      const code = (e as NodeJS.ErrnoException).code;
      infoError =
        code === 'ENOSPC' || code === 'EDQUOT'
          ? `the disk holding ${options.dataDir} is full`
          : `${e instanceof Error ? e.message : String(e)}`;
      try {
        fs.rmSync(file, { force: true }); // an older bridge.json would point at a server that is gone
      } catch {
        // nothing more to do: the banner says the link was not saved
      }
    }
  }

  return {
    url,
    openUrl,
    port,
    token,
    infoFile,
    infoError,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of streams) s.end();
        streams.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
