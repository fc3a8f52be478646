import { defineConfig } from 'vitest/config';

/**
 * Files that take seconds each (crash and fault scenarios, big imports and bulks, scale and speed
 * checks, real-time rate windows, the bench's query plans, Prism, ESLint's start-up, the built main
 * process, the engine's worker threads):
 * `npm run test:slow`.
 * Everything else is `npm run test:fast`, for the edit-test loop; `npm test` runs both.
 */
const SLOW = [
  'test/sync/crash.test.ts',
  'test/sync/undoCrash.test.ts',
  'test/sync/pushFaults.test.ts',
  'test/sync/engine.test.ts',
  'test/sync/honestStatus.test.ts',
  'test/sync/pullSpeed.test.ts',
  'test/sync/sandbox.scale.test.ts',
  'test/sync/rateLimiter.test.ts',
  'test/sync/contract.prism.test.ts',
  'test/core/importRun.test.ts',
  'test/core/rollbackKill.test.ts',
  'test/core/bulk.test.ts',
  'test/core/bulkUndoCrash.test.ts',
  'test/core/diskFullTmpfs.test.ts',
  'test/launcher/folderLock.test.ts',
  'test/bench/**/*.test.ts',
  'test/shared/lintLayers.test.ts',
  'test/main/mainProcess.test.ts',
  'test/engine/engineHost.test.ts',
];

export default defineConfig({
  test: {
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'fast', include: ['test/**/*.test.ts'], exclude: ['test/e2e/**', 'node_modules/**', ...SLOW] } },
      // the main process runs from its build (test/main/loadMain.ts)
      { extends: true, test: { name: 'slow', include: SLOW, exclude: ['node_modules/**'], globalSetup: ['test/main/buildMain.ts'] } },
    ],
  },
});
