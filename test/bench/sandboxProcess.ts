// The Intercom sandbox (electron/sandbox/cli.ts) started in a process of its own for a bench, so its
// work is never on the loop or the thread being measured. Shared by the first import and engine benches.
import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** The sandbox in a process of its own, as Intercom is never in ours. */
export async function sandboxProcess(args: string[]): Promise<{ url: string; token: string; close(): Promise<void> }> {
  const tsx = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  // a million seeded contacts and their search result sets need more than the default heap
  const command = [process.execPath, '--max-old-space-size=8192', tsx, path.join(ROOT, 'electron/sandbox/cli.ts'), '--quiet', ...args];
  // Intercom's CPU is never this machine's: the sandbox takes a core only when the console's threads leave one
  if (process.platform === 'linux') command.unshift('nice', '-n', '19');
  const child = spawn(command[0]!, command.slice(1), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const first = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)) as { url: string; token: string });
    });
    child.once('exit', (code) => reject(new Error(`the sandbox process exited (${code}): ${err.slice(-500)}`)));
  });
  return {
    ...first,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
