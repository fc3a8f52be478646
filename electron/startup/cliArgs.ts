// Command-line options shared by the desktop app and browser mode (`npm start -- ...`).
import path from 'node:path';
import { AppError } from '../../shared/errors';
import { defaultDataDir } from './paths';

export interface StartOptions {
  dataDir: string;
  port: number | null;
  browser: boolean;
  help: boolean;
  /** Run against the built-in Intercom sandbox (a seeded demo workspace). */
  sandbox: boolean;
  /** Intercom base URL override (`--intercom-url` or `INTERCOM_BASE_URL`), and where it came from. */
  intercomUrl: { url: string; source: 'start-option' | 'environment' } | null;
  /** What the desktop window is asked to open, in the order given (see OpenArg). */
  open: OpenArg[];
}

/**
 * A file to import (any argument that is not an option: checked by the desktop app, which
 * takes .csv files), or a contact to show (`--contact <id or email>`, or a
 * lead-console://contact/<id or email> link).
 */
export type OpenArg = { kind: 'file'; path: string } | { kind: 'contact'; ref: string };

/** The scheme of the links that open a record in the desktop app. */
export const LINK_SCHEME = 'lead-console';

export const START_USAGE = `Usage: npm start -- [options]
  --browser        run browser mode (HTTP on 127.0.0.1) instead of the desktop window
  --data DIR       data folder (default: ${defaultDataDir()})
  --port N         browser mode port (default 4477, or a free one if that is taken)
  --sandbox        sync with the built-in Intercom sandbox: a demo workspace on this machine,
                   no Intercom account needed (data folder: <default>/sandbox unless --data)
  --intercom-url URL
                   talk to Intercom at this address instead of the region's host
                   (also INTERCOM_BASE_URL)
  --contact ID|EMAIL
                   desktop: open this contact (also a lead-console://contact/ID link)
  FILE.csv         desktop: open the import with this file
  --help           show this help
A second start of the desktop app hands its file, contact or link to the running window.`;

export function parseStartArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): StartOptions {
  const out: StartOptions = {
    dataDir: env.LEAD_CONSOLE_DATA || defaultDataDir(env),
    port: null,
    browser: false,
    help: false,
    sandbox: false,
    intercomUrl: env.INTERCOM_BASE_URL ? { url: checkUrl(env.INTERCOM_BASE_URL, 'INTERCOM_BASE_URL'), source: 'environment' } : null,
    open: [],
  };
  let dataGiven = Boolean(env.LEAD_CONSOLE_DATA);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new AppError('VALIDATION', `${flag}: needs a value`, { field: flag });
      return v;
    };
    switch (flag) {
      case '--browser':
        out.browser = true;
        break;
      case '--data':
        out.dataDir = path.resolve(value());
        dataGiven = true;
        break;
      case '--sandbox':
        out.sandbox = true;
        break;
      case '--intercom-url':
        out.intercomUrl = { url: checkUrl(value(), '--intercom-url'), source: 'start-option' };
        break;
      case '--port': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 65535) throw new AppError('VALIDATION', `--port: "${v}" is not a port number (0-65535)`, { field: '--port' });
        out.port = n;
        break;
      }
      case '--contact':
        out.open.push({ kind: 'contact', ref: value().trim() });
        break;
      case '--help':
      case '-h':
        out.help = true;
        break;
      default: {
        // Electron and Chromium add switches of their own; ignore anything that is not ours
        if (arg.startsWith('-')) break;
        const link = contactLink(arg);
        out.open.push(link === null ? { kind: 'file', path: arg } : { kind: 'contact', ref: link });
      }
    }
  }
  if (out.sandbox && out.intercomUrl?.source === 'start-option') {
    throw new AppError('VALIDATION', '--sandbox: cannot be combined with --intercom-url; pick one', { field: '--sandbox' });
  }
  // the demo workspace gets its own store, so demo contacts never mix with real ones
  if (out.sandbox && !dataGiven) out.dataDir = path.join(out.dataDir, 'sandbox');
  return out;
}

/** The id or email of a lead-console://contact/<ref> link; null for anything that is not such a link. */
export function contactLink(arg: string): string | null {
  if (!arg.toLowerCase().startsWith(`${LINK_SCHEME}:`)) return null;
  const m = /^[a-z-]+:\/\/contact\/([^/?#]+)\/?$/i.exec(arg);
  if (!m) return '';
  try {
    return decodeURIComponent(m[1]!).trim();
  } catch {
    // a malformed escape: no contact by that name, said as such by the caller
    return '';
  }
}

function checkUrl(raw: string, field: string): string {
  const url = raw.trim().replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+/i.test(url)) throw new AppError('VALIDATION', `${field}: "${raw}" is not an http:// or https:// address`, { field });
  return url;
}
