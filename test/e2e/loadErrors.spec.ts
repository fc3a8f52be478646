// No blank page on a network hiccup: the screens' chunks are all fetched after the first paint,
// and a chunk that cannot be fetched shows what failed with "Try again" (which asks the server
// again) and a way back to the leads list.
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { consolePerTest } from './browserMode';

const app = consolePerTest();
const ASSETS = path.resolve(__dirname, '../../out/renderer/assets');

/** Aborts every request for the chunk named `prefix` while `blocked.on`; counts the attempts. */
async function blockChunk(page: Page, prefix: string) {
  const state = { on: true, attempts: 0 };
  await page.route(new RegExp(`/assets/${prefix}-[^/]*\\.js$`), (route) => {
    state.attempts++;
    return state.on ? route.abort('internetdisconnected') : route.continue();
  });
  return state;
}

test('after the first paint every chunk is fetched, without a click', async ({ page }) => {
  const chunks = fs.readdirSync(ASSETS).filter((f) => /\.(js|css)$/.test(f));
  expect(chunks.length).toBeGreaterThan(5);
  const requested = new Set<string>();
  page.on('request', (r) => requested.add(path.basename(new URL(r.url()).pathname)));
  await page.goto(app.openUrl);
  await expect(page.getByTestId('empty-state')).toContainText('No contacts yet');
  await expect.poll(() => chunks.filter((c) => !requested.has(c)), { timeout: 15_000 }).toEqual([]);
});

test('n while the form cannot be fetched: the error with Try again, which fetches it again', async ({ page }) => {
  const chunk = await blockChunk(page, 'NewLeadDialog');
  await page.goto(app.openUrl);
  await expect(page.getByTestId('empty-state')).toContainText('No contacts yet');
  // the preload after the first paint met the blocked network: nothing shows for that
  await expect.poll(() => chunk.attempts, { timeout: 15_000 }).toBeGreaterThan(0);
  await expect(page.getByTestId('screen-error')).toHaveCount(0);

  await page.locator('body').press('n');
  const error = page.getByTestId('new-lead-error').getByTestId('screen-error');
  await expect(error).toContainText('Could not load the New lead form.');
  await expect(error.getByRole('button', { name: 'Try again' })).toBeFocused();

  chunk.on = false;
  const before = chunk.attempts;
  await error.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByTestId('new-lead-dialog')).toBeVisible();
  await expect(page.getByTestId('new-lead-dialog').getByLabel('Name')).toBeVisible();
  expect(chunk.attempts).toBeGreaterThan(before);
  await expect(page.getByTestId('screen-error')).toHaveCount(0);
});

test('a screen that cannot be fetched says so, leads back to the list, and opens once the network is back', async ({ page }) => {
  const chunk = await blockChunk(page, 'OutboxView');
  await page.goto(app.openUrl);
  await expect(page.getByTestId('empty-state')).toContainText('No contacts yet');
  await page.locator('body').press('5');
  const error = page.getByTestId('screen-error');
  await expect(error).toContainText('Could not load the Outbox.');
  await error.getByRole('button', { name: 'Back to the leads list' }).click();
  await expect(page.getByTestId('leads-view')).toBeVisible();
  expect(page.url()).toContain('#/leads');

  // still blocked: opening it again asks again (and says so again), never a blank page
  const attempts = chunk.attempts;
  await page.locator('body').press('5');
  await expect(page.getByTestId('screen-error')).toContainText('Could not load the Outbox.');
  expect(chunk.attempts).toBeGreaterThan(attempts);

  chunk.on = false;
  await page.getByTestId('screen-error').getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByTestId('outbox-view')).toBeVisible();
});
