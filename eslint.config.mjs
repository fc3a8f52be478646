// The linter: typescript-eslint and react-hooks recommended, plus the layer rules of STYLE.md as
// import restrictions per folder (which runtime and which layer each folder may reach).
// SQL text outside db/, API method names typed by hand and electron loaded through import() or
// require() are beyond an import rule: test/shared/layers.test.ts checks those.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// ---- what a layer may not import -----------------------------------------------------------------
// ESLint keeps one set of options per rule and file (the last matching block wins), so each
// block below lists everything its folder must not import, built from these pieces.

const electronOnlyInMainAndPreload = {
  paths: [{ name: 'electron', message: "'electron' is imported only in electron/main and electron/preload." }],
  patterns: [{ group: ['electron/*'], message: "'electron' is imported only in electron/main and electron/preload." }],
};
const sqliteOnlyInDb = {
  paths: [{ name: 'better-sqlite3', message: 'SQLite is used only in electron/core/db (repositories); go through the store.' }],
};
const noReact = {
  paths: ['react', 'react-dom', 'zustand'].map((name) => ({ name, message: 'React belongs to renderer/.' })),
  patterns: [{ group: ['react-dom/*', 'zustand/*'], message: 'React belongs to renderer/.' }],
};
const noNodeBuiltins = (where) => ({
  paths: [...new Set(builtinModules.flatMap((m) => [m, `node:${m}`]))].map((name) => ({ name, message: `${where} runs without Node: no node builtins.` })),
});
/** Relative paths are matched as written: a path through a folder of that name is refused. */
const noFolders = (folders, message) => ({
  patterns: [{ regex: `(^|/)(${folders.join('|')})(/|$)`, message }],
});
// the engine must not know how it is hosted or shown
const engineKnowsNoHost = noFolders(['main', 'preload', 'bridge', 'startup', 'engine', 'renderer'], 'electron/core is the engine: it imports nothing from main, preload, bridge, startup, engine (its thread) or the renderer.');
// the engine's thread and its host serve both the desktop app and browser mode: neither's code belongs there
const threadKnowsNoHost = noFolders(['main', 'preload', 'bridge', 'startup', 'renderer'], 'electron/engine runs the core in a worker for main and bridge alike: it imports nothing from main, preload, bridge, startup or the renderer.');

// the renderer is a browser page: no Electron, no SQLite, no Node, nothing from electron/
const rendererImports = [
  electronOnlyInMainAndPreload,
  sqliteOnlyInDb,
  noNodeBuiltins('The renderer'),
  noFolders(['electron'], 'The renderer imports nothing from electron/: use shared/ and the API.'),
];

function restrict(...parts) {
  return [
    'error',
    {
      paths: parts.flatMap((p) => p.paths ?? []),
      patterns: parts.flatMap((p) => p.patterns ?? []),
    },
  ];
}

const layers = [
  // electron/**: Node side; only main and preload reach Electron
  { files: ['electron/**'], rules: { 'no-restricted-imports': restrict(electronOnlyInMainAndPreload, sqliteOnlyInDb, noReact) } },
  { files: ['electron/main/**', 'electron/preload/**'], rules: { 'no-restricted-imports': restrict(sqliteOnlyInDb, noReact, noFolders(['renderer'], 'The renderer is reached only through the API.')) } },
  { files: ['electron/core/**'], rules: { 'no-restricted-imports': restrict(electronOnlyInMainAndPreload, sqliteOnlyInDb, noReact, engineKnowsNoHost) } },
  { files: ['electron/engine/**'], rules: { 'no-restricted-imports': restrict(electronOnlyInMainAndPreload, sqliteOnlyInDb, noReact, threadKnowsNoHost) } },
  { files: ['electron/core/db/**'], rules: { 'no-restricted-imports': restrict(electronOnlyInMainAndPreload, noReact, engineKnowsNoHost) } },
  // the Intercom sandbox stands apart from the engine: it simulates Intercom, it does not use the store
  {
    files: ['electron/sandbox/**'],
    rules: {
      'no-restricted-imports': restrict(electronOnlyInMainAndPreload, sqliteOnlyInDb, noReact, engineKnowsNoHost, noFolders(['core'], 'The sandbox imports nothing from the engine (electron/core).')),
    },
  },
  // shared/: pure TypeScript for both sides
  {
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': restrict(
        electronOnlyInMainAndPreload,
        sqliteOnlyInDb,
        noReact,
        noNodeBuiltins('shared/'),
        noFolders(['electron', 'renderer'], 'shared/ imports only from shared/.'),
      ),
      'no-restricted-globals': [
        'error',
        ...['process', 'Buffer', 'require', '__dirname', '__filename', 'setImmediate'].map((name) => ({ name, message: 'shared/ runs on both sides: no Node globals.' })),
        ...['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'HTMLElement', 'Element', 'XMLHttpRequest', 'EventSource', 'WebSocket', 'indexedDB', 'alert', 'fetch'].map(
          (name) => ({ name, message: 'shared/ runs on both sides: no DOM globals.' }),
        ),
      ],
    },
  },
  // renderer/: the browser; talks to the engine only through the API
  { files: ['renderer/**'], rules: { 'no-restricted-imports': restrict(...rendererImports) } },
  // the shell loads every screen; a screen reaches what screens share through state/, never the shell
  {
    files: ['renderer/src/**'],
    ignores: ['renderer/src/shell/**', 'renderer/src/main.tsx'],
    rules: {
      'no-restricted-imports': restrict(
        ...rendererImports,
        noFolders(['shell'], 'Screens import what they share from state/; only main.tsx and the shell import the shell.'),
      ),
    },
  },
];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bench-results/**', '.vite/**', '.electron-native/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['renderer/**'],
    ...reactHooks.configs.flat.recommended,
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      // These four report what stops the React Compiler from optimising a component. The app
      // is not compiled by it, and the code they flag is deliberate: loading data in an effect,
      // a ref that holds the latest callback, Date.now for "sent 2 min ago", TanStack Virtual.
      'react-hooks/set-state-in-effect': 'off',
      'react-hooks/refs': 'off',
      'react-hooks/purity': 'off',
      'react-hooks/incompatible-library': 'off',
    },
  },
  { files: ['**/*.browser.js'], languageOptions: { globals: { ...globals.browser } } },
  // tests read raw JSON replies (the sandbox's, Intercom's) and assert their shape field by field
  { files: ['test/**'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  ...layers,
);
