// The app:// handler's decision, on a real folder (Electron cannot run here): files of the built
// renderer are served, a malformed percent-encoding is a 400 in words, and folders, missing files
// and anything outside the renderer are a 404, each with the CSP. And the desktop app grants no
// permission.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerAppRequest, permissionAllowed, resolveAppPath } from '../../electron/main/appProtocol';
import { RENDERER_CSP } from '../../electron/startup/csp';
import { APP_ORIGIN } from '../../electron/main/ipc';

let dir: string;
let rendererDir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-console-app-protocol-'));
  rendererDir = path.join(dir, 'renderer');
  fs.mkdirSync(path.join(rendererDir, 'assets', 'fonts'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html>');
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app one.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'do not serve');
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('resolveAppPath', () => {
  it('serves index.html at / and decodes a well-formed address', () => {
    expect(resolveAppPath(rendererDir, `${APP_ORIGIN}/`)).toEqual({ file: path.join(rendererDir, 'index.html') });
    expect(resolveAppPath(rendererDir, `${APP_ORIGIN}/assets/app%20one.js`)).toEqual({ file: path.join(rendererDir, 'assets', 'app one.js') });
  });

  it('answers 400 in words for a malformed percent-encoding, where decoding used to throw', () => {
    for (const p of ['/%E0%A4%A', '/assets/%', '/assets/%ZZ.js', '/index.html%00']) {
      const r = resolveAppPath(rendererDir, `${APP_ORIGIN}${p}`);
      expect(r, p).toMatchObject({ status: 400 });
      expect('message' in r && r.message, p).toMatch(/^Bad request: /);
    }
  });

  it('answers 404 for a folder, a missing file, another host and anything outside the renderer', () => {
    for (const p of ['/assets', '/assets/', '/assets/fonts', '/assets/nope.js', '/index.html/more', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt']) {
      expect(resolveAppPath(rendererDir, `${APP_ORIGIN}${p}`), p).toEqual({ status: 404, message: 'Not found' });
    }
    expect(resolveAppPath(rendererDir, 'app://elsewhere/index.html')).toEqual({ status: 404, message: 'Not found' });
  });
});

describe('permissions', () => {
  it('are denied, asked or checked', () => {
    expect(permissionAllowed()).toBe(false);
  });
});

describe('answerAppRequest', () => {
  it('answers a file gone between the check and the read with a 404 carrying the CSP, instead of throwing', async () => {
    const res = await answerAppRequest(rendererDir, `${APP_ORIGIN}/`, () => Promise.reject(new Error('ENOENT')));
    expect(res.status).toBe(404);
    expect(res.headers.get('Content-Security-Policy')).toBe(RENDERER_CSP);
  });
});
