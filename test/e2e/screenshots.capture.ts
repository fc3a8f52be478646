// `npm run screenshots`: every screen and dialog (screenTour.ts) on the sandbox's demo workspace
// at 1024, 1280 and 1920 wide, light and dark, into test/e2e/screenshots/<stop>-<width>-<theme>.png.
// Not part of `npm test` (about three minutes); the README shows a few of them.
// SCREENSHOTS_ONLY=bulk-confirm,leads refreshes only those stops (after a change to one screen).
import { test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { reload, startDemo, TOUR, type Demo } from './screenTour';

const OUT = path.resolve(__dirname, 'screenshots');
const ONLY = process.env.SCREENSHOTS_ONLY?.split(',').map((s) => s.trim()).filter(Boolean) ?? null;
const STOPS = ONLY ? TOUR.filter((stop) => ONLY.includes(stop.name)) : TOUR;
const SIZES = [
  { width: 1024, height: 768 },
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;

let demo: Demo;
test.describe.configure({ mode: 'serial' });
test.beforeAll(async ({ browser }) => {
  const page = await browser.newPage();
  demo = await startDemo(page);
  await page.close();
  fs.mkdirSync(OUT, { recursive: true });
});
test.afterAll(async () => {
  await demo?.app.stop();
  if (demo) fs.rmSync(demo.app.dataDir, { recursive: true, force: true });
});

for (const theme of ['light', 'dark'] as const) {
  for (const size of SIZES) {
    test(`every screen at ${size.width} wide, ${theme}`, async ({ page }) => {
      test.setTimeout(240_000);
      await page.setViewportSize(size);
      await page.emulateMedia({ colorScheme: theme, reducedMotion: 'reduce' });
      for (const stop of STOPS) {
        await reload(page, demo);
        await stop.open(page, demo);
        await page.evaluate(() => document.fonts.ready);
        // the caret's blink and a countdown would make two runs differ for nothing
        await page.screenshot({ path: path.join(OUT, `${stop.name}-${size.width}-${theme}.png`), caret: 'hide', animations: 'disabled' });
      }
    });
  }
}
