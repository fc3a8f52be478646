// A misbehaving Intercom for tests: a real HTTP server on 127.0.0.1 that answers the routes a
// test takes over (the same page forever, a 1 MB error page, an endless body, no answer at all)
// and passes every other request to an upstream (the sandbox), so a whole sync run can meet it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HostileRequest {
  method: string;
  /** The path without its query. */
  path: string;
  query: URLSearchParams;
  body: string;
}

/**
 * What the server does with a request: an answer, 'pass' (to the upstream), 'hang' (never answer),
 * `{ hold }` (pass it on once the promise settles: the test sets the pace of a request in flight),
 * or a writer for answers a status and a body cannot say (a body streamed without end).
 */
export type Answer =
  | { status: number; json?: unknown; text?: string; headers?: Record<string, string> }
  | 'pass'
  | 'hang'
  | { hold: Promise<unknown> }
  | ((res: http.ServerResponse) => void);

export interface HostileServer {
  url: string;
  /** Every request, in order (passed ones too). */
  seen: HostileRequest[];
  /** How many requests went to `METHOD /path`. */
  count(method: string, path: string): number;
  /** The routes the server plays now; return undefined to pass a request on. */
  route: (req: HostileRequest, n: number) => Answer | undefined;
  close(): Promise<void>;
}

export async function startHostileServer(opts: { upstream?: string; route?: HostileServer['route'] } = {}): Promise<HostileServer> {
  const seen: HostileRequest[] = [];
  const hung = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = Buffer.concat(chunks).toString('utf8');
      const r: HostileRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, body };
      seen.push(r);
      const answer = hostile.route(r, seen.length) ?? 'pass';
      if (answer === 'hang') {
        hung.add(res);
        return;
      }
      if (answer === 'pass') {
        if (!opts.upstream) return void send(res, { status: 404, json: { type: 'error.list', errors: [{ code: 'not_found', message: 'no route' }] } });
        return passOn(opts.upstream, req, body, res);
      }
      if (typeof answer === 'function') return answer(res);
      if ('hold' in answer) {
        const upstream = opts.upstream;
        if (!upstream) return void send(res, { status: 404, json: { type: 'error.list', errors: [{ code: 'not_found', message: 'no route' }] } });
        const pass = () => passOn(upstream, req, body, res);
        return void answer.hold.then(pass, pass);
      }
      send(res, answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const hostile: HostileServer = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    count: (method, path) => seen.filter((r) => r.method === method && r.path === path).length,
    route: opts.route ?? (() => undefined),
    async close() {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return hostile;
}

function send(res: http.ServerResponse, a: { status: number; json?: unknown; text?: string; headers?: Record<string, string> }): void {
  const body = a.json !== undefined ? JSON.stringify(a.json) : (a.text ?? '');
  const type = a.json !== undefined ? 'application/json' : 'text/html';
  res.writeHead(a.status, { 'Content-Type': type, ...a.headers });
  res.end(body);
}

function passOn(upstream: string, req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
  const target = new URL(req.url ?? '/', upstream);
  const headers = { ...req.headers, host: target.host };
  delete headers['content-length'];
  const out = http.request(target, { method: req.method, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  out.on('error', () => res.destroy());
  out.end(body);
}

/** Intercom's error list. */
export const errorList = (code: string, message: string) => ({ type: 'error.list', request_id: 'req-hostile', errors: [{ code, message }] });

/** A contact as the contact list carries it. */
export function intercomContact(id: string, at = 1_700_000_000) {
  return { type: 'contact', id, role: 'user', email: `${id}@example.com`, name: `Contact ${id}`, created_at: at, updated_at: at, custom_attributes: {} };
}

/** A page of the contact list (or the search) with a next cursor, or none. */
export function contactPage(ids: readonly string[], next: string | null, total: number | null) {
  return {
    type: 'list',
    data: ids.map((id) => intercomContact(id)),
    total_count: total,
    pages: { type: 'pages', page: 1, per_page: 150, total_pages: 1, next: next === null ? null : { starting_after: next } },
  };
}
