// Accessibility checked by a tool: axe-core on every screen and dialog (screenTour.ts), in the
// light and the dark theme; no violation of serious or critical impact is allowed.
import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import { reload, startDemo, TOUR, type Demo } from './screenTour';

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[]; failureSummary?: string }[] }[];
}
declare global {
  interface Window {
    axe: { run(context: unknown, options: unknown): Promise<AxeResult> };
  }
}

const AXE = require.resolve('axe-core/axe.min.js');
let demo: Demo;

test.describe.configure({ mode: 'serial' });
// the console's CSP allows its own scripts only; the checker is injected from outside for the test
test.use({ bypassCSP: true });
test.beforeAll(async ({ browser }) => {
  const page = await browser.newPage();
  demo = await startDemo(page);
  await page.close();
});
test.afterAll(async () => {
  await demo?.app.stop();
  if (demo) fs.rmSync(demo.app.dataDir, { recursive: true, force: true });
});

for (const theme of ['light', 'dark'] as const) {
  test(`no serious or critical axe violations on any screen or dialog, ${theme} theme`, async ({ page }) => {
    test.setTimeout(180_000);
    await page.emulateMedia({ colorScheme: theme, reducedMotion: 'reduce' });
    const found: string[] = [];
    for (const stop of TOUR) {
      await reload(page, demo);
      await stop.open(page, demo);
      await page.addScriptTag({ path: AXE });
      const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
      for (const v of result.violations) {
        if (v.impact !== 'serious' && v.impact !== 'critical') continue;
        const where = v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}${n.failureSummary ? ` (${n.failureSummary.split('\n').slice(1).join(' ').trim()})` : ''}`);
        found.push(`${stop.name}: ${v.id} [${v.impact}] ${v.help} — ${v.nodes.length} node(s): ${where.join('; ')}`);
      }
    }
    expect(found, found.join('\n')).toEqual([]);
  });
}
