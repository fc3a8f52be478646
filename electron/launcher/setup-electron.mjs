// `npm run setup:electron`: fetches what the desktop window needs and `npm install` cannot
// give: the Electron binary, and a better-sqlite3 native module built for Electron's ABI, kept
// in .electron-native/<electron version>/ so the Node build in node_modules (used by tests and
// browser mode) stays untouched. Needs internet access.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from './build.mjs';
import { electronBinary, electronSqlitePath, electronSqliteReady, electronVersion } from './electronRuntime.mjs';

const TIMEOUT = 10 * 60 * 1000;

function run(cmd, args, cwd) {
  const res = spawnSync(cmd, args, { cwd, stdio: 'inherit', timeout: TIMEOUT });
  return res.status === 0;
}

function fetchElectronBinary() {
  if (electronBinary()) return true;
  console.log('Downloading the Electron binary…');
  return run(process.execPath, [path.join(ROOT, 'node_modules', 'electron', 'install.js')], ROOT) && Boolean(electronBinary());
}

function fetchElectronSqlite() {
  if (electronSqliteReady()) return true;
  const version = electronVersion();
  const src = path.join(ROOT, 'node_modules', 'better-sqlite3');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-console-sqlite-'));
  try {
    // a private copy, so neither step can touch the Node build in node_modules
    for (const entry of ['package.json', 'binding.gyp', 'src', 'deps', 'lib']) {
      if (fs.existsSync(path.join(src, entry))) fs.cpSync(path.join(src, entry), path.join(work, entry), { recursive: true });
    }
    const target = ['--runtime=electron', `--target=${version}`, `--arch=${process.arch}`];
    console.log(`Fetching better-sqlite3 built for Electron ${version}…`);
    let ok = run(process.execPath, [path.join(ROOT, 'node_modules', 'prebuild-install', 'bin.js'), ...target, `--platform=${process.platform}`], work);
    if (!ok) {
      console.log('No prebuilt module could be fetched; compiling it against Electron headers instead…');
      ok = run(
        process.execPath,
        [path.join(ROOT, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'), 'rebuild', '--release', `--target=${version}`, `--arch=${process.arch}`, '--dist-url=https://electronjs.org/headers'],
        work,
      );
    }
    const built = path.join(work, 'build', 'Release', 'better_sqlite3.node');
    if (!ok || !fs.existsSync(built)) return false;
    fs.mkdirSync(path.dirname(electronSqlitePath()), { recursive: true });
    fs.copyFileSync(built, electronSqlitePath());
    return true;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

export function setupElectron() {
  const binary = fetchElectronBinary();
  const sqlite = binary && fetchElectronSqlite();
  return { binary, sqlite };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { binary, sqlite } = setupElectron();
  if (binary && sqlite) {
    console.log(`Ready: Electron ${electronVersion()} and its database module are installed. Run \`npm start\`.`);
  } else {
    console.error(
      `Setup incomplete: ${!binary ? 'the Electron binary could not be downloaded' : 'better-sqlite3 for Electron could not be fetched or built'}.\n` +
        'Check the internet connection (and, to compile, a C++ toolchain), then run `npm run setup:electron` again.\n' +
        'Meanwhile `npm start -- --browser` runs Lead Console in your browser.',
    );
    process.exit(1);
  }
}
