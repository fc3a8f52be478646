import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'electron/main/index.ts'),
          bridge: resolve(__dirname, 'electron/bridge/cli.ts'),
          // the engine's thread, started by electron/engine/EngineHost.ts from beside index.js and bridge.js
          engineWorker: resolve(__dirname, 'electron/engine/engineWorker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // a sandboxed preload cannot require node_modules: bundle everything into one file
      externalizeDeps: false,
      rollupOptions: { input: { index: resolve(__dirname, 'electron/preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [react()],
    build: {
      // the window loads this on every start: a minified bundle parses in half the time
      minify: true,
      rollupOptions: { input: resolve(__dirname, 'renderer/index.html') },
    },
  },
});
