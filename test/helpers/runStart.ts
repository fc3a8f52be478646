// Runs the browser-mode start (electron/bridge/cli.ts, what `npm start -- --browser` runs once
// built) from source in a child process, for tests of what a start prints and how it exits.
import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'electron/bridge/cli.ts');

export interface Started {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the browser-mode start from source until it exits. With `whenRunning`, once the banner
 * is printed it is handed the printed text (to call the running console), then stopped with
 * SIGTERM as Ctrl+C would.
 */
export function runStart(args: string[], whenRunning?: (stdout: string) => Promise<void>): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, env: { ...process.env, LEAD_CONSOLE_RENDERER_DIR: ROOT } });
    let stdout = '';
    let stderr = '';
    let handed = false;
    let failure: unknown = null;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!whenRunning || handed || !stdout.includes('Press Ctrl+C to stop.')) return;
      handed = true;
      whenRunning(stdout)
        .catch((e: unknown) => (failure = e))
        .finally(() => child.kill('SIGTERM'));
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (failure ? reject(failure) : resolve({ code, stdout, stderr })));
  });
}
