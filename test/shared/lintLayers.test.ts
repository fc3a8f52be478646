// The layer rules of eslint.config.mjs, run by ESLint itself on small made-up sources, so a rule
// that silently stops matching (a moved folder, a changed pattern) fails here, not in review.
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

/** The layer rules a source breaks when it sits at `file` (a path that need not exist), each once. */
async function broken(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${file}` });
  return [...new Set(result!.messages.map((m) => m.ruleId ?? m.message).filter((r) => r.startsWith('no-restricted')))];
}

const uses = (spec: string) => `import x from '${spec}';\nexport const y = x;\n`;

describe('the linter keeps the layers', () => {
  it("imports 'electron' only in electron/main and electron/preload", async () => {
    expect(await broken('electron/core/leads/x.ts', uses('electron'))).toEqual(['no-restricted-imports']);
    expect(await broken('electron/core/leads/x.ts', `import type { IpcMain } from 'electron';\nexport type A = IpcMain;\n`)).toHaveLength(1);
    expect(await broken('electron/bridge/x.ts', uses('electron'))).toHaveLength(1);
    expect(await broken('electron/startup/x.ts', uses('electron'))).toHaveLength(1);
    expect(await broken('renderer/src/x.tsx', uses('electron'))).toHaveLength(1);
    expect(await broken('shared/x.ts', uses('electron'))).toHaveLength(1);
    expect(await broken('electron/main/x.ts', uses('electron'))).toEqual([]);
    expect(await broken('electron/preload/x.ts', uses('electron'))).toEqual([]);
    expect(await broken('electron/core/x.ts', uses('electron-vite'))).toEqual([]);
  });

  it('uses better-sqlite3 only in electron/core/db', async () => {
    expect(await broken('electron/core/db/Store.ts', uses('better-sqlite3'))).toEqual([]);
    expect(await broken('electron/core/leads/x.ts', uses('better-sqlite3'))).toHaveLength(1);
    expect(await broken('electron/bridge/x.ts', uses('better-sqlite3'))).toHaveLength(1);
    expect(await broken('electron/main/x.ts', uses('better-sqlite3'))).toHaveLength(1);
    expect(await broken('renderer/src/x.ts', uses('better-sqlite3'))).toHaveLength(1);
  });

  it('keeps shared/ free of node, electron, React, DOM and the other layers', async () => {
    expect(await broken('shared/x.ts', uses('node:fs'))).toHaveLength(1);
    expect(await broken('shared/x.ts', uses('path'))).toHaveLength(1);
    expect(await broken('shared/api/x.ts', uses('fs/promises'))).toHaveLength(1);
    expect(await broken('shared/x.ts', uses('react'))).toHaveLength(1);
    expect(await broken('shared/x.ts', uses('../electron/core/db/Store'))).toHaveLength(1);
    expect(await broken('shared/api/x.ts', uses('../../renderer/src/client'))).toHaveLength(1);
    expect(await broken('shared/x.ts', 'export const h = () => window.location.hash;\n')).toEqual(['no-restricted-globals']);
    expect(await broken('shared/x.ts', 'export const e = process.env.HOME;\n')).toEqual(['no-restricted-globals']);
    expect(await broken('shared/x.ts', "export const b = Buffer.from('x');\n")).toEqual(['no-restricted-globals']);
    expect(await broken('shared/api/x.ts', `import { z } from 'zod';\nimport { a } from '../domain';\nconst o = { window: 1 };\nexport const y = [z, a, o.window];\n`)).toEqual([]);
  });

  it('keeps electron/ out of the renderer, and node too', async () => {
    expect(await broken('renderer/src/x.ts', uses('../../electron/preload/apiSurface'))).toHaveLength(1);
    expect(await broken('renderer/src/state/x.ts', uses('../../../electron/core/app'))).toHaveLength(1);
    expect(await broken('renderer/src/x.ts', uses('node:path'))).toHaveLength(1);
    expect(await broken('renderer/src/state/x.ts', uses('../../../shared/api'))).toEqual([]);
  });

  it('lets only the shell and the entry point import the shell', async () => {
    expect(await broken('renderer/src/leads/x.ts', uses('../shell/Frame'))).toHaveLength(1);
    expect(await broken('renderer/src/state/x.ts', uses('../shell/syncFeed'))).toHaveLength(1);
    expect(await broken('renderer/src/leads/x.ts', uses('../state/navStore'))).toEqual([]);
    expect(await broken('renderer/src/main.tsx', uses('./shell/App'))).toEqual([]);
    expect(await broken('renderer/src/shell/Frame.tsx', uses('../leads/LeadsView'))).toEqual([]);
  });

  it('keeps the engine ignorant of how it is hosted', async () => {
    for (const spec of ['../../main/ipc', '../../preload/apiSurface', '../../bridge/BridgeServer', '../../startup/cliArgs', '../../../renderer/src/x']) {
      expect(await broken('electron/core/leads/x.ts', uses(spec)), spec).toHaveLength(1);
    }
    expect(await broken('electron/core/leads/x.ts', uses('../db/Store'))).toEqual([]);
    expect(await broken('electron/core/x.ts', uses('../../shared/api'))).toEqual([]);
  });

  it('keeps the sandbox apart from the engine', async () => {
    expect(await broken('electron/sandbox/x.ts', uses('../core/db/Store'))).toHaveLength(1);
    expect(await broken('electron/sandbox/contacts/x.ts', uses('../../core/sync/client'))).toHaveLength(1);
    expect(await broken('electron/sandbox/contacts/x.ts', uses('../model'))).toEqual([]);
    expect(await broken('electron/sandbox/x.ts', uses('../../shared/errors'))).toEqual([]);
    // the launch files start the sandbox
    expect(await broken('electron/startup/startIntercom.ts', uses('../sandbox/Workspace'))).toEqual([]);
  });
});
