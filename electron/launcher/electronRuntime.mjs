// Facts about the Electron runtime on this machine, checked without triggering Electron's own
// download-on-require: is the binary there, is there a display, is the Electron build of
// better-sqlite3 there.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './build.mjs';

const ELECTRON_DIR = path.join(ROOT, 'node_modules', 'electron');

export function electronVersion() {
  try {
    return JSON.parse(fs.readFileSync(path.join(ELECTRON_DIR, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

/** Path of the Electron executable, or null when it has not been downloaded. */
export function electronBinary() {
  try {
    const rel = fs.readFileSync(path.join(ELECTRON_DIR, 'path.txt'), 'utf8').trim();
    const bin = path.join(ELECTRON_DIR, 'dist', rel);
    return fs.existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

export function hasDisplay(env = process.env, platform = process.platform) {
  if (platform === 'darwin' || platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/** Mirrors electron/main/nativeModule.ts: where the Electron build of better-sqlite3 lives. */
export function electronSqlitePath(version = electronVersion()) {
  return path.join(ROOT, '.electron-native', String(version), 'better_sqlite3.node');
}

export function electronSqliteReady() {
  return fs.existsSync(electronSqlitePath());
}
