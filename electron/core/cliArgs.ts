// Command-line options shared by the desktop app and browser mode (`npm start -- ...`).
import path from 'node:path';
import { AppError } from '../../shared/errors';
import { defaultDataDir } from './paths';

export interface StartOptions {
  dataDir: string;
  port: number | null;
  browser: boolean;
  help: boolean;
}

export const START_USAGE = `Usage: npm start -- [options]
  --browser        run browser mode (HTTP on 127.0.0.1) instead of the desktop window
  --data DIR       data folder (default: ${defaultDataDir()})
  --port N         browser mode port (default 4477, or a free one if that is taken)
  --help           show this help`;

export function parseStartArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): StartOptions {
  const out: StartOptions = { dataDir: env.LEAD_CONSOLE_DATA || defaultDataDir(env), port: null, browser: false, help: false };
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
        break;
      case '--port': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 65535) throw new AppError('VALIDATION', `--port: "${v}" is not a port number (0-65535)`, { field: '--port' });
        out.port = n;
        break;
      }
      case '--help':
      case '-h':
        out.help = true;
        break;
      default:
        // Electron and Chromium add switches of their own; ignore anything that is not ours
        if (!arg.startsWith('-')) break;
    }
  }
  return out;
}
