// Builds main, preload, bridge, the engine's worker and renderer with electron-vite when the sources are newer than
// the last build (or there is none), so `npm start` and the end-to-end tests never run stale code.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = path.join(ROOT, 'out');
const STAMP = path.join(OUT, '.build-stamp');
const SOURCES = ['electron', 'renderer', 'shared', 'electron.vite.config.ts', 'package.json', 'package-lock.json'];

function newestMtime(p) {
  let st;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(p)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

export function buildIsStale() {
  let built;
  try {
    built = fs.statSync(STAMP).mtimeMs;
  } catch {
    return true;
  }
  const needed = ['main/index.js', 'main/bridge.js', 'main/engineWorker.js', 'preload/index.js', 'renderer/index.html'];
  if (needed.some((f) => !fs.existsSync(path.join(OUT, f)))) return true;
  return SOURCES.some((s) => newestMtime(path.join(ROOT, s)) > built);
}

/** Returns true when it built. Throws with the build's output when the build fails. */
export function ensureBuilt({ force = false, quiet = false } = {}) {
  if (!force && !buildIsStale()) return false;
  if (!quiet) console.log('Building Lead Console (electron-vite build)…');
  const bin = path.join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const res = spawnSync(process.execPath, [bin, 'build'], { cwd: ROOT, encoding: 'utf8', stdio: quiet ? 'pipe' : 'inherit' });
  if (res.status !== 0) {
    throw new Error(`The build failed (electron-vite build exited ${res.status}).${quiet ? '\n' + res.stdout + res.stderr : ''}`);
  }
  fs.writeFileSync(STAMP, new Date().toISOString() + '\n');
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureBuilt({ force: process.argv.includes('--force') });
}
