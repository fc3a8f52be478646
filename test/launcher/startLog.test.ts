// Browser mode writes its start-up into the data folder's log (version, mode, data folder), the
// address it serves on and how it stopped, and nothing of the access token it prints.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { logFilePath } from '../../electron/core/log/AppLog';
import { runStart } from '../helpers/runStart';
import { makeTempDir, removeTempDir } from '../helpers/testCore';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeTempDir(d);
});

it('a browser-mode start writes its start-up line, and its stop, to <data>/logs/lead-console.log', async () => {
  const dir = path.join(makeTempDir(), 'Lead Console');
  dirs.push(path.dirname(dir));
  const version = (JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;
  let whileRunning = '';
  const run = await runStart(['--data', dir, '--port', '0'], async () => {
    whileRunning = fs.readFileSync(logFilePath(dir), 'utf8');
  });
  expect(run.code).toBe(0);
  expect(whileRunning).toMatch(
    new RegExp(`^\\S+Z INFO  start version=${version.replace(/\./g, '\\.')} mode=browser dataDir="${dir}" node=[\\d.]+ pid=\\d+ intercom=settings readOnly=false helperThreadsLowered=${process.platform === 'linux' ? '[1-9]\\d*' : '0'}\\n\\S+Z INFO  bridge\\.listening port=\\d+\\n$`),
  );
  const after = fs.readFileSync(logFilePath(dir), 'utf8');
  expect(after.slice(whileRunning.length)).toMatch(/^\S+Z INFO {2}stop signal=SIGTERM\n$/);
  const token = /#token=([\w-]+)/.exec(run.stdout)![1]!;
  expect(after).not.toContain(token);
});
