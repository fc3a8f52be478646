// What app://lead-console/ serves, decided without Electron so it can be tested: a file of the
// built renderer, or an answer in words (400 for an address that cannot be decoded, 404 for one
// outside the renderer or that is not a file), each with the page's CSP. And what a page may ask
// of the browser: nothing.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RENDERER_CSP } from '../startup/csp';
import { APP_HOST } from './ipc';

function isPlainFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false; // missing, or a path through a file (ENOTDIR), or unreadable
  }
}

export type AppPath = { file: string } | { status: 400 | 404; message: string };

export function resolveAppPath(rendererDir: string, requestUrl: string): AppPath {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { status: 400, message: 'Bad request: the address cannot be read.' };
  }
  if (url.host !== APP_HOST) return { status: 404, message: 'Not found' };
  let rel: string;
  try {
    rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
  } catch {
    return { status: 400, message: 'Bad request: the address has a malformed percent-encoding.' };
  }
  if (rel.includes('\0')) return { status: 400, message: 'Bad request: the address holds a NUL character.' };
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, '.' + rel);
  if (!file.startsWith(root + path.sep)) return { status: 404, message: 'Not found' };
  // a folder (or anything else that is not a plain file) is not something to serve
  return isPlainFile(file) ? { file } : { status: 404, message: 'Not found' };
}

/** Every answer carries the CSP, a refusal too: a page shown in its place gets no more rights than the app's own. */
function appHeaders(from: ConstructorParameters<typeof Headers>[0]): Headers {
  const headers = new Headers(from);
  headers.set('Content-Security-Policy', RENDERER_CSP);
  headers.set('X-Content-Type-Options', 'nosniff');
  return headers;
}

function refusal(status: number, message: string): Response {
  return new Response(message, { status, headers: appHeaders({ 'Content-Type': 'text/plain; charset=utf-8' }) });
}

/**
 * The app:// handler's answer; `fetchFile` reads a file:// address (Electron's net.fetch, which
 * knows the types). It never throws: a file gone between the check and the read is a 404.
 */
export async function answerAppRequest(rendererDir: string, requestUrl: string, fetchFile: (fileUrl: string) => Promise<Response>): Promise<Response> {
  const target = resolveAppPath(rendererDir, requestUrl);
  if (!('file' in target)) return refusal(target.status, target.message);
  let res: Response;
  try {
    res = await fetchFile(pathToFileURL(target.file).toString());
  } catch {
    return refusal(404, 'Not found');
  }
  return new Response(res.body, { status: res.status, headers: appHeaders(res.headers) });
}

/**
 * The desktop app grants no web permission (camera, notifications, clipboard reads, ...): asked
 * (permission request handler) or merely checked (permission check handler), the answer is no.
 */
export function permissionAllowed(): boolean {
  return false;
}
