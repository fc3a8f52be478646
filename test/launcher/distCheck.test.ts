// What `npm run dist:check` refuses in a packaged app, on asars made here: one as the app should
// be (no problem found), and one with every mistake the check exists for, each named.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inspectResources } from '../../electron/launcher/dist-check.mjs';
import { makeTempDir, removeTempDir } from '../helpers/testCore';

// the asar library electron-builder uses, from where electron-builder finds it
const asar = createRequire(createRequire(__filename).resolve('app-builder-lib/package.json'))('@electron/asar') as {
  createPackageWithOptions(src: string, dest: string, options: { unpack?: string }): Promise<unknown>;
};

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeTempDir(d);
});

/** An app folder with these files, packed into <resources>/app.asar with the .node files unpacked (or not). */
async function pack(files: Record<string, string | number>, unpackNative = true): Promise<string> {
  const root = makeTempDir();
  dirs.push(root);
  const app = path.join(root, 'app');
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(app, name)), { recursive: true });
    fs.writeFileSync(path.join(app, name), typeof content === 'number' ? Buffer.alloc(content) : content);
  }
  const resources = path.join(root, 'resources');
  fs.mkdirSync(resources);
  await asar.createPackageWithOptions(app, path.join(resources, 'app.asar'), unpackNative ? { unpack: '*.node' } : {});
  return resources;
}

const PACKAGES = { prod: new Set(['zod', 'better-sqlite3', 'bindings']), dev: new Set(['vitest', 'typescript']) };
const GOOD = {
  'package.json': JSON.stringify({ name: 'lead-console', main: 'out/main/index.js' }),
  'out/main/index.js': 'require("zod")',
  'out/main/engineWorker.js': 'require("zod")',
  'out/renderer/index.html': '<title>Lead Console</title>',
  'node_modules/zod/index.cjs': '',
  'node_modules/zod/package.json': '{}',
  'node_modules/bindings/bindings.js': '',
  'node_modules/better-sqlite3/lib/index.js': '',
  'node_modules/better-sqlite3/build/Release/better_sqlite3.node': 1000,
};

describe('dist:check on a packaged app', () => {
  it('finds nothing wrong with an app packed as it should be, and measures it', async () => {
    const { problems, files, size } = inspectResources(await pack(GOOD), PACKAGES);
    expect(problems).toEqual([]);
    expect(files.find((f) => f.path.endsWith('better_sqlite3.node'))).toMatchObject({ unpacked: true, size: 1000 });
    expect(size).toBeGreaterThan(1000);
  });

  it('names an app packed without the engine worker beside its main script', async () => {
    const withoutWorker: Record<string, string | number> = { ...GOOD };
    delete withoutWorker['out/main/engineWorker.js'];
    const { problems } = inspectResources(await pack(withoutWorker), PACKAGES);
    expect(problems).toEqual(['the engine worker (out/main/engineWorker.js) is not in the asar: the app would start without its engine']);
  });

  it('names each mistake: sources, tests, maps, dev and unknown packages, a missing one, main, the native module, the budget', async () => {
    const withoutBindings: Record<string, string | number> = { ...GOOD };
    delete withoutBindings['node_modules/bindings/bindings.js'];
    const resources = await pack(
      {
        ...withoutBindings,
        'package.json': JSON.stringify({ name: 'lead-console', main: 'out/main/missing.js', devDependencies: { vitest: '4' } }),
        'out/main/index.js.map': '{}',
        'src/app.ts': '',
        'node_modules/zod/src/index.ts': '',
        'node_modules/zod/index.d.cts': '',
        'node_modules/zod/tests/parse.test.js': '',
        'node_modules/vitest/index.js': '',
        'node_modules/left-pad/index.js': '',
        'node_modules/other/build/Release/other.node': 10,
      },
      false,
    );
    const { problems } = inspectResources(resources, PACKAGES, 500);
    const expected = [
      "package.json's main (out/main/missing.js) is not in the asar",
      'the packaged package.json still lists devDependencies',
      'out/main/index.js.map: a source map',
      'src/app.ts: neither the build (out/) nor package.json',
      'node_modules/zod/src/index.ts: a TypeScript source',
      'node_modules/zod/index.d.cts: type declarations, unused at run time',
      'node_modules/zod/tests/parse.test.js: a test file',
      'node_modules/vitest/index.js: from vitest, a dev dependency',
      'node_modules/left-pad/index.js: from left-pad, which the lock file does not install',
      'node_modules/other/build/Release/other.node: a native module inside the asar (it cannot be loaded from there)',
      'production dependencies missing from the asar (the app would fail to load them): bindings',
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node is inside the asar, not unpacked',
    ];
    for (const problem of expected) expect(problems).toContain(problem);
    expect(problems.some((p) => /^the app is [\d.]+ MB, over its budget of 0\.0 MB$/.test(p))).toBe(true);
  });
});
