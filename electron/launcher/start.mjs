// `npm start`: builds if needed, then opens the desktop window where the Electron runtime can
// run here; otherwise (or with --browser) runs browser mode and prints the link to open.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureBuilt, ROOT } from './build.mjs';
import { electronBinary, electronSqliteReady, hasDisplay } from './electronRuntime.mjs';
import { setupElectron } from './setup-electron.mjs';

const args = process.argv.slice(2);
/** The exit code of a start that found another Lead Console on its data folder: it has said so; browser mode would only say it again. */
const EXIT_IN_USE = 5;

function runBrowserMode(reason) {
  if (reason) console.log(`Starting browser mode: ${reason}\n`);
  const child = spawn(process.execPath, [path.join(ROOT, 'out', 'main', 'bridge.js'), ...args], { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
}

function runDesktop(bin) {
  const child = spawn(bin, [ROOT, ...args], { stdio: 'inherit', env: { ...process.env, ELECTRON_RUN_AS_NODE: undefined } });
  const startedAt = Date.now();
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('error', (e) => runBrowserMode(`the Electron window could not start (${e.message}).`));
  child.on('exit', (code) => {
    // a runtime that dies at once (missing system libraries, no GPU/display access) falls back
    if (code !== 0 && code !== EXIT_IN_USE && Date.now() - startedAt < 5000) runBrowserMode(`the Electron window exited at once (code ${code}).`);
    else process.exit(code ?? 0);
  });
}

function main() {
  try {
    ensureBuilt();
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
  if (args.includes('--help') || args.includes('-h')) return runBrowserMode(null); // the bridge prints the options
  if (args.includes('--browser')) return runBrowserMode(null);
  if (!hasDisplay()) return runBrowserMode('there is no display here (no DISPLAY or WAYLAND_DISPLAY) for a desktop window.');

  if (!electronBinary() || !electronSqliteReady()) {
    console.log('The desktop window needs the Electron runtime and its database module; fetching them (npm run setup:electron)…');
    const { binary, sqlite } = setupElectron();
    if (!binary) {
      return runBrowserMode('the Electron runtime could not be downloaded on this machine. Run `npm run setup:electron` once you are online.');
    }
    if (!sqlite) {
      return runBrowserMode('better-sqlite3 built for Electron is missing and could not be fetched. Run `npm run setup:electron` once you are online.');
    }
  }
  runDesktop(electronBinary());
}

main();
