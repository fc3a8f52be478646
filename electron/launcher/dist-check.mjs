// `npm run dist:check`: packages the built app with electron-builder's `dir` target around a
// stand-in Electron distribution (nothing is downloaded, nothing is rebuilt), then checks what a
// user would get: the asar holds the build and production dependencies only, the native module
// sits outside it, `main` exists, and the app stays within its size budget.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt, ROOT } from './build.mjs';

const require = createRequire(import.meta.url);
const CHECK_DIR = path.join(ROOT, 'dist', 'check');
const STAND_IN = path.join(CHECK_DIR, 'electron-stand-in');
const OUTPUT = path.join(CHECK_DIR, 'output');

/**
 * What the app adds to Electron (app.asar plus app.asar.unpacked), in bytes. 8.6 MB in December
 * 2026 (the build 1.9 MB, zod, axios, papaparse and better-sqlite3 with its 2.1 MB native module);
 * before electron-builder.yml left out sources, maps and node-gyp's leftovers it was 22 MB. The
 * budget leaves room to grow and catches a stray folder of sources or a dependency tree slipping in.
 */
export const SIZE_BUDGET = 12 * 1024 * 1024;

/** The native module better-sqlite3 loads; it must be a real file on disk, outside the asar. */
const NATIVE_MODULE = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';

const DECLARATIONS = /\.d\.[cm]?ts$/;

/** Files that have no business in an installed app (tests, sources, maps, docs of the build). */
const FORBIDDEN = [
  { why: 'a test file', test: (f) => /(^|\/)(__tests__|tests?|spec|benchmarks?)\//i.test(f) || /\.(test|spec)\.[cm]?[jt]sx?$/i.test(f) },
  { why: 'a TypeScript source', test: (f) => /\.[cm]?tsx?$/.test(f) },
  { why: 'a source map', test: (f) => f.endsWith('.map') },
];

/**
 * A folder electron-builder takes for an unpacked Electron: the executable it renames to the
 * app's, the resources folder the asar goes in, and Electron's licence kept beside the binary.
 */
function makeStandInElectron(version) {
  fs.rmSync(STAND_IN, { recursive: true, force: true });
  fs.mkdirSync(path.join(STAND_IN, 'resources'), { recursive: true });
  const exe = path.join(STAND_IN, 'electron');
  fs.writeFileSync(exe, '#!/bin/sh\necho "A stand-in for Electron used by npm run dist:check; it cannot run the app." >&2\nexit 1\n', { mode: 0o755 });
  fs.writeFileSync(path.join(STAND_IN, 'LICENSE'), 'Stand-in for the Electron licence (MIT) shipped with a real distribution.\n');
  fs.writeFileSync(path.join(STAND_IN, 'version'), `${version}\n`);
}

/** Names of every package the lock file installs for production (not dev-only, not dev-optional). */
function productionPackages() {
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
  const prod = new Set();
  const dev = new Set();
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (!key) continue;
    const name = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    if (entry.dev || entry.devOptional) dev.add(name);
    // a platform's optional package is installed (and packed) only on that platform
    else if (!entry.optional) prod.add(name);
  }
  return { prod, dev };
}

/** The package a path inside node_modules belongs to (the innermost one), or null. */
function packageOf(file) {
  const at = file.lastIndexOf('node_modules/');
  if (at < 0) return null;
  const parts = file.slice(at + 'node_modules/'.length).split('/');
  return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

/** Every file in the archive with its size and whether it lives in app.asar.unpacked. */
function asarFiles(asar, archive) {
  const files = [];
  const walk = (node, prefix) => {
    for (const [name, entry] of Object.entries(node.files ?? {})) {
      const p = prefix ? `${prefix}/${name}` : name;
      if (entry.files) walk(entry, p);
      else if (!entry.link) files.push({ path: p, size: Number(entry.size ?? 0), unpacked: entry.unpacked === true });
    }
  };
  walk(asar.getRawHeader(archive).header, '');
  return files;
}

function folderSize(dir) {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) total += folderSize(p);
    else if (entry.isFile()) total += fs.statSync(p).size;
  }
  return total;
}

/** Exit code of a check that could not run here (not Linux, or a node_modules it cannot walk); `npm test` counts it as skipped. */
export const EXIT_SKIPPED = 75;

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Inspects a packaged app's resources folder; returns the problems found (none: an empty list) and what was measured. */
export function inspectResources(resourcesDir, { prod, dev }, budget = SIZE_BUDGET) {
  // @electron/asar comes with electron-builder; resolved from there so its place in node_modules does not matter
  const asar = createRequire(require.resolve('app-builder-lib/package.json'))('@electron/asar');
  const archive = path.join(resourcesDir, 'app.asar');
  const unpackedDir = path.join(resourcesDir, 'app.asar.unpacked');
  const problems = [];
  if (!fs.existsSync(archive)) return { problems: [`no app.asar in ${resourcesDir}`], files: [], size: 0 };
  const files = asarFiles(asar, archive);
  const packed = new Set(files.map((f) => f.path));

  const pkg = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8'));
  const main = path.posix.normalize(pkg.main ?? 'index.js');
  if (!packed.has(main)) problems.push(`package.json's main (${pkg.main}) is not in the asar`);
  // the engine's thread loads its own entry beside the main script (electron/engine/EngineHost.ts)
  const engineWorker = path.posix.join(path.posix.dirname(main), 'engineWorker.js');
  if (!packed.has(engineWorker)) problems.push(`the engine worker (${engineWorker}) is not in the asar: the app would start without its engine`);
  if (pkg.devDependencies) problems.push("the packaged package.json still lists devDependencies");

  for (const f of files) {
    const owner = packageOf(f.path);
    if (owner === null) {
      if (f.path !== 'package.json' && !f.path.startsWith('out/')) problems.push(`${f.path}: neither the build (out/) nor package.json`);
    } else if (dev.has(owner) && !prod.has(owner)) problems.push(`${f.path}: from ${owner}, a dev dependency`);
    else if (!prod.has(owner)) problems.push(`${f.path}: from ${owner}, which the lock file does not install`);
    const bad = DECLARATIONS.test(f.path) ? { why: 'type declarations, unused at run time' } : FORBIDDEN.find((rule) => rule.test(f.path));
    if (bad) problems.push(`${f.path}: ${bad.why}`);
    if (f.unpacked && !fs.existsSync(path.join(unpackedDir, f.path))) problems.push(`${f.path}: marked unpacked but missing from app.asar.unpacked`);
  }
  for (const f of files.filter((x) => x.path.endsWith('.node') && !x.unpacked)) problems.push(`${f.path}: a native module inside the asar (it cannot be loaded from there)`);
  const packages = new Set(files.map((f) => packageOf(f.path)).filter((p) => p !== null));
  const missing = [...prod].filter((p) => !packages.has(p));
  if (missing.length) problems.push(`production dependencies missing from the asar (the app would fail to load them): ${missing.join(', ')}`);
  const native = files.find((f) => f.path === NATIVE_MODULE);
  if (!native) problems.push(`${NATIVE_MODULE} is not packaged`);
  else if (!native.unpacked) problems.push(`${NATIVE_MODULE} is inside the asar, not unpacked`);

  const size = fs.statSync(archive).size + (fs.existsSync(unpackedDir) ? folderSize(unpackedDir) : 0);
  if (size > budget) problems.push(`the app is ${mb(size)}, over its budget of ${mb(budget)}`);
  return { problems, files, size };
}

/** Runs electron-builder's `dir` target for this machine's platform and arch around the stand-in. */
async function packageWithStandIn() {
  const electronVersion = JSON.parse(fs.readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
  makeStandInElectron(electronVersion);
  fs.rmSync(OUTPUT, { recursive: true, force: true });
  const { build, Platform, Arch } = require('electron-builder');
  const arch = Arch[process.arch];
  if (arch === undefined) throw new Error(`electron-builder has no arch named ${process.arch}`);
  await build({
    projectDir: ROOT,
    targets: Platform.LINUX.createTarget('dir', arch),
    publish: 'never',
    config: {
      electronDist: STAND_IN,
      electronVersion,
      // the native rebuild needs Electron's headers (a download); the check packs the Node build
      npmRebuild: false,
      nodeGypRebuild: false,
      directories: { output: OUTPUT },
    },
  });
  const unpacked = fs.readdirSync(OUTPUT).find((d) => d.endsWith('-unpacked'));
  if (!unpacked) throw new Error(`electron-builder left no *-unpacked folder in ${OUTPUT}`);
  return { appDir: path.join(OUTPUT, unpacked), electronVersion };
}

/**
 * Starts the packaged app's browser mode under Node, from a copy of the asar's contents outside
 * the project (so no module can come from the project's own node_modules), and waits for it to
 * say it runs. Node can load the packed better-sqlite3 because the check packs the Node build.
 */
async function startPackagedBrowserMode(resourcesDir) {
  const asar = createRequire(require.resolve('app-builder-lib/package.json'))('@electron/asar');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-console-dist-check-'));
  try {
    const appDir = path.join(root, 'app');
    asar.extractAll(path.join(resourcesDir, 'app.asar'), appDir);
    const pkg = JSON.parse(fs.readFileSync(path.join(appDir, 'package.json'), 'utf8'));
    const child = spawn(process.execPath, [path.join(appDir, path.dirname(pkg.main), 'bridge.js'), '--data', path.join(root, 'data'), '--port', '0'], {
      cwd: root,
      env: { ...process.env, NODE_PATH: '', LEAD_CONSOLE_DATA: '', INTERCOM_BASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
    const started = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), 30_000);
      const take = (chunk) => {
        output += chunk;
        if (output.includes('Lead Console is running in browser mode')) {
          clearTimeout(timer);
          resolve(true);
        }
      };
      child.stdout.on('data', take);
      child.stderr.on('data', take);
      void exited.then(() => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    let page = null;
    if (started) {
      // an answer also shows the process got past installing its stop handlers: the banner is printed just before
      const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(output)?.[0];
      page = url ? await fetch(url).then(async (res) => `${res.status} ${await res.text()}`, (e) => String(e)) : 'no address in the banner';
    }
    child.kill('SIGTERM');
    const end = await exited;
    if (!started) return `the packaged browser mode did not start (exit ${end}):\n${output.trim()}`;
    if (!page?.startsWith('200') || !page.includes('<title>Lead Console</title>')) return `the packaged browser mode did not serve the console's page: ${page?.slice(0, 200)}`;
    if (end !== 0) return `the packaged browser mode did not stop cleanly on SIGTERM (exit ${end}):\n${output.trim()}`;
    return null;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

async function main() {
  if (process.platform !== 'linux') {
    console.log('dist:check SKIPPED: it packages the Linux dir target and runs on Linux only.');
    process.exitCode = EXIT_SKIPPED;
    return;
  }
  const modules = path.join(ROOT, 'node_modules');
  if (fs.lstatSync(modules).isSymbolicLink()) {
    // electron-builder asks npm for the dependency tree, and npm does not walk a linked node_modules:
    // the app would be packed without its dependencies' dependencies, and the check would say so wrongly
    console.log(`dist:check SKIPPED: node_modules is a link (to ${fs.readlinkSync(modules)}), which electron-builder cannot collect dependencies from. Run it where node_modules is a folder.`);
    process.exitCode = EXIT_SKIPPED;
    return;
  }
  const started = Date.now();
  ensureBuilt({ quiet: true });
  const { appDir, electronVersion } = await packageWithStandIn();
  const resourcesDir = path.join(appDir, 'resources');
  const { problems, files, size } = inspectResources(resourcesDir, productionPackages());
  if (!problems.length) {
    const failed = await startPackagedBrowserMode(resourcesDir);
    if (failed) problems.push(failed);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const unpackedCount = files.filter((f) => f.unpacked).length;
  console.log(
    `\ndist:check: ${path.relative(ROOT, appDir)} (Electron ${electronVersion} stand-in): ` +
      `${files.length} files in app.asar (${unpackedCount} unpacked), app ${mb(size)} of a ${mb(SIZE_BUDGET)} budget, ${seconds} s.`,
  );
  if (problems.length) {
    console.error(`dist:check found ${problems.length} problem(s):\n  ${problems.slice(0, 40).join('\n  ')}${problems.length > 40 ? `\n  … and ${problems.length - 40} more` : ''}`);
    process.exitCode = 1;
  } else console.log('dist:check: the packaged app holds what it should, and its browser mode starts under Node.');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error('dist:check could not package the app:', e);
    process.exitCode = 1;
  });
}
