// Starts the built browser-mode server (out/main/bridge.js, what `npm start -- --browser` runs)
// on a data folder and a free port, as test/e2e/browserMode.ts does, and stops it afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { trackChild } from './cleanup';

export interface RunningBridge {
  openUrl: string;
  stop(): Promise<void>;
}

/** What the bridge wrote to bridge.json once it listens: waited for, or its output in the error if it ends or takes too long. */
export async function bridgeInfo(
  child: ChildProcess,
  info: string,
  timeoutMs: number,
  output: () => string,
): Promise<{ url: string; openUrl: string; token: string }> {
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(info)) {
    if (child.exitCode !== null) throw new Error(`browser mode exited early:\n${output()}`);
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`browser mode did not start:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return JSON.parse(fs.readFileSync(info, 'utf8')) as { url: string; openUrl: string; token: string };
}

export async function startBridge(root: string, dataDir: string, timeoutMs = 30_000): Promise<RunningBridge> {
  const info = path.join(dataDir, 'bridge.json');
  fs.rmSync(info, { force: true });
  const child = spawn(process.execPath, [path.join(root, 'out/main/bridge.js'), '--data', dataDir, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackChild(child);
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const { openUrl } = await bridgeInfo(child, info, timeoutMs, () => output);
  return {
    openUrl,
    stop: () => stopBridge(child, 5_000),
  };
}

/** Ends the bridge as Ctrl+C does (SIGTERM), or kills it after `killAfterMs`; resolves once it has exited. */
export function stopBridge(child: ChildProcess, killAfterMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
