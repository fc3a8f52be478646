// Screenshots of the main screens at 1280x800 in the light and the dark theme (into the test
// output; `UPDATE_README_SCREENSHOT=1` also refreshes the one the README shows). Each screen is
// checked for its content first, and the two themes must really differ.
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { startBrowserMode, type RunningConsole } from './browserMode';
import { seedDemo, type DemoIds } from './seedDemo';

let app: RunningConsole;
let demo: DemoIds;

test.beforeAll(async ({ browser }) => {
  app = await startBrowserMode();
  const page = await browser.newPage();
  await page.goto(app.openUrl);
  demo = await seedDemo(page);
  await page.close();
});
test.afterAll(async () => {
  await app.stop();
  fs.rmSync(app.dataDir, { recursive: true, force: true });
});

const README_SHOT = path.resolve(__dirname, 'screenshots/leads-light.png');

async function go(page: Page, hash: string) {
  await page.evaluate((h) => (location.hash = h), hash);
}

for (const theme of ['light', 'dark'] as const) {
  test(`main screens in the ${theme} theme`, async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.emulateMedia({ colorScheme: theme });
    await page.goto(app.openUrl);
    const shot = async (name: string) => {
      await page.evaluate(() => document.fonts.ready);
      const file = test.info().outputPath(`${name}-${theme}.png`);
      await page.screenshot({ path: file });
      return file;
    };

    // the two themes are really different colours
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe(theme === 'light' ? 'rgb(246, 247, 249)' : 'rgb(21, 22, 26)');

    await expect(page.getByTestId('contact-count')).toHaveText('40 contacts');
    await expect(page.getByTestId('lead-row').first()).toBeVisible();
    const leads = await shot('leads');
    if (theme === 'light' && process.env.UPDATE_README_SCREENSHOT === '1') fs.copyFileSync(leads, README_SHOT);

    await go(page, `#/leads?contact=${demo.contactId}`);
    await expect(page.getByTestId('contact-panel')).toContainText('Northwind Traders');
    await shot('lead-page');

    await go(page, '#/companies');
    await expect(page.getByTestId('company-count')).toHaveText('3 companies');
    await go(page, `#/companies?company=${demo.companyId}`);
    await expect(page.getByTestId('company-panel')).toContainText('Northwind Traders');
    await shot('company-page');

    await go(page, '#/outbox');
    await expect(page.getByTestId('outbox-total')).toBeVisible();
    await shot('outbox');

    await go(page, '#/leads');
    await page.keyboard.press('n');
    await expect(page.getByRole('dialog')).toBeVisible();
    await page.keyboard.type('Sam Fair');
    await shot('new-lead');
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toBeHidden();
  });
}
