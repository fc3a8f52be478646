// Starts the real browser-mode server (the built out/main/bridge.js, exactly what `npm start
// -- --browser` runs) on a fresh data folder and a free port, and stops it afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface RunningConsole {
  dataDir: string;
  url: string;
  openUrl: string;
  token: string;
  stop(): Promise<void>;
}

const ROOT = path.resolve(__dirname, '../..');

export async function startBrowserMode(dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-console-e2e-'))): Promise<RunningConsole> {
  const info = path.join(dataDir, 'bridge.json');
  fs.rmSync(info, { force: true });
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'out/main/bridge.js'), '--data', dataDir, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 15_000;
  while (!fs.existsSync(info)) {
    if (child.exitCode !== null) throw new Error(`browser mode exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`browser mode did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const { url, openUrl, token } = JSON.parse(fs.readFileSync(info, 'utf8')) as { url: string; openUrl: string; token: string };
  return {
    dataDir,
    url,
    openUrl,
    token,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
