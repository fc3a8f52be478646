// `npm test`: type-checks, lints, builds if needed, runs the unit/core suite (vitest) and the
// end-to-end suite (Playwright: Chromium against browser mode, and Electron where it exists),
// then prints one closing line with the totals of both.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureBuilt, ROOT } from '../electron/launcher/build.mjs';
import { EXIT_SKIPPED } from '../electron/launcher/dist-check.mjs';

const RESULTS = path.join(ROOT, 'test-results');
fs.mkdirSync(RESULTS, { recursive: true });
const bin = (pkg, file) => path.join(ROOT, 'node_modules', pkg, file);

function run(label, args) {
  console.log(`\n== ${label}`);
  const res = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' } });
  return res.status === 0;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

const totals = { passed: 0, failed: 0, skipped: 0 };
let ok = true;

ok = run('Type check (engine, shared, tests)', [bin('typescript', 'bin/tsc'), '--noEmit', '-p', 'tsconfig.json']) && ok;
ok = run('Type check (renderer)', [bin('typescript', 'bin/tsc'), '--noEmit', '-p', 'tsconfig.web.json']) && ok;
ok = run('Type check (end-to-end tests)', [bin('typescript', 'bin/tsc'), '--noEmit', '-p', 'tsconfig.e2e.json']) && ok;
if (!ok) totals.failed += 1;
if (!run('Lint (ESLint: layers, hooks, TypeScript)', [bin('eslint', 'bin/eslint.js'), '.', '--max-warnings', '0'])) {
  ok = false;
  totals.failed += 1;
}

console.log('\n== Build');
try {
  ensureBuilt();
  console.log('Build is up to date.');
} catch (e) {
  console.error(e.message);
  ok = false;
  totals.failed += 1;
}

// the packaged app, from a stand-in Electron (no download): what the asar holds, the native
// module outside it, the size budget, and its browser mode starting from the package
console.log('\n== Packaged app (npm run dist:check)');
const dist = spawnSync(process.execPath, [path.join(ROOT, 'electron', 'launcher', 'dist-check.mjs')], { cwd: ROOT, stdio: 'inherit' });
if (dist.status === EXIT_SKIPPED) totals.skipped += 1;
else if (dist.status === 0) totals.passed += 1;
else {
  ok = false;
  totals.failed += 1;
}

const vitestJson = path.join(RESULTS, 'vitest.json');
fs.rmSync(vitestJson, { force: true });
const vitestOk = run('Core, store and contract tests (vitest)', [
  bin('vitest', 'vitest.mjs'),
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestJson}`,
]);
const v = readJson(vitestJson);
if (v) {
  totals.passed += v.numPassedTests;
  totals.failed += v.numFailedTests;
  totals.skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
} else if (!vitestOk) totals.failed += 1;
ok = ok && vitestOk;

const pwJson = path.join(RESULTS, 'e2e-report.json');
fs.rmSync(pwJson, { force: true });
const pwOk = run('End-to-end tests (Playwright)', [bin('@playwright/test', 'cli.js'), 'test']);
const p = readJson(pwJson);
if (p?.stats) {
  totals.passed += p.stats.expected + p.stats.flaky;
  totals.failed += p.stats.unexpected;
  totals.skipped += p.stats.skipped;
} else if (!pwOk) totals.failed += 1;
ok = ok && pwOk;

console.log(`\nTests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(ok && totals.failed === 0 ? 0 : 1);
