// What a benchmark run leaves behind if it is stopped with Ctrl-C: temp folders (a 1M store is
// 600 MiB) and child processes (the browser-mode server of the UI bench).
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';

const dirs = new Set<string>();
const children = new Set<ChildProcess>();
let installed = false;

function install() {
  if (installed) return;
  installed = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
      for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
      process.exit(130);
    });
  }
}

export function trackDir(dir: string) {
  install();
  dirs.add(dir);
}
export function untrackDir(dir: string) {
  dirs.delete(dir);
}
export function trackChild(child: ChildProcess) {
  install();
  children.add(child);
  child.once('exit', () => children.delete(child));
}
