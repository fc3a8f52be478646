// Starts the real browser-mode server (the built out/main/bridge.js, exactly what `npm start
// -- --browser` runs) on a fresh data folder and a free port, and stops it afterwards.
import { test, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MethodInput, MethodName, MethodOutput } from '../../shared/api';

export interface RunningConsole {
  dataDir: string;
  url: string;
  openUrl: string;
  token: string;
  stop(): Promise<void>;
}

const ROOT = path.resolve(__dirname, '../..');

/**
 * `extraArgs`: more start options, e.g. `--sandbox` for the built-in Intercom workspace;
 * `env`: more environment variables for the server (e.g. LEAD_CONSOLE_IMPORT_GATE).
 */
export async function startBrowserMode(
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-console-e2e-')),
  extraArgs: readonly string[] = [],
  env: Readonly<Record<string, string>> = {},
): Promise<RunningConsole> {
  const info = path.join(dataDir, 'bridge.json');
  fs.rmSync(info, { force: true });
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'out/main/bridge.js'), '--data', dataDir, '--port', '0', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
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

/**
 * Gives every test of the file its own console on a fresh data folder (started before, stopped
 * and removed after). The returned object always speaks for the running test's console.
 */
export function consolePerTest(extraArgs: readonly string[] = [], env: Readonly<Record<string, string>> = {}): RunningConsole {
  let current: RunningConsole | null = null;
  test.beforeEach(async () => {
    current = await startBrowserMode(undefined, extraArgs, env);
  });
  test.afterEach(async () => {
    if (!current) return;
    await current.stop();
    fs.rmSync(current.dataDir, { recursive: true, force: true });
    current = null;
  });
  const now = (): RunningConsole => {
    if (!current) throw new Error('the console runs only inside a test');
    return current;
  };
  return {
    get dataDir() {
      return now().dataDir;
    },
    get url() {
      return now().url;
    },
    get openUrl() {
      return now().openUrl;
    },
    get token() {
      return now().token;
    },
    stop: () => now().stop(),
  };
}

/** One call through the page's own client (the transport the screens use), for setup and checks. */
export async function pageApi<M extends MethodName>(page: Page, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const out: unknown = await page.evaluate(({ m, i }) => window.leadConsole!.call(m as MethodName, i as never), { m: method as string, i: input as unknown });
  return out as MethodOutput<M>;
}
