// Test-only pace for the CSV import in browser mode: with LEAD_CONSOLE_IMPORT_GATE set, each
// chunk of a running import waits until a file lets it through, so an end-to-end test decides
// how far an import has got when it looks (a fast machine cannot finish before the test pauses).
import fs from 'node:fs';
import path from 'node:path';
import type { ImportPace } from '../core/import/ImportService';

const POLL_MS = 20;

/**
 * The gate file (relative to the data folder) holds how many chunks imports may write in all:
 * while that many have gone through, the next waits. No file: chunks go freely.
 * Unset variable: no pace at all (the default, and always outside tests).
 */
export function importGate(env: NodeJS.ProcessEnv, dataDir: string): ImportPace | undefined {
  const name = env.LEAD_CONSOLE_IMPORT_GATE;
  if (!name) return undefined;
  const file = path.resolve(dataDir, name);
  let passed = 0;
  const allowed = (): number => {
    try {
      const n = Number(fs.readFileSync(file, 'utf8').trim());
      return Number.isFinite(n) ? n : Infinity;
    } catch {
      return Infinity;
    }
  };
  return async (stopped) => {
    while (!stopped() && passed >= allowed()) await new Promise((r) => setTimeout(r, POLL_MS));
    if (!stopped()) passed++;
  };
}
