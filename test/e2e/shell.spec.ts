import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import { startBrowserMode, type RunningConsole } from './browserMode';

let app: RunningConsole;

test.beforeEach(async () => {
  app = await startBrowserMode();
});
test.afterEach(async () => {
  await app.stop();
  fs.rmSync(app.dataDir, { recursive: true, force: true });
});

test('a lead created through the page transport is listed, and survives a restart', async ({ page }) => {
  await page.goto(app.openUrl);
  await expect(page.getByTestId('empty-state')).toContainText('No contacts yet');
  await expect(page.getByTestId('contact-count')).toHaveText('0 contacts');
  // the token is taken out of the address bar once read
  expect(page.url()).not.toContain('token=');

  const created = await page.evaluate(() =>
    window.leadConsole!.call('contacts.create', { name: 'Zoë <script>alert(1)</script> 🚀', email: ' Zoe@Example.COM ', visitorId: 'visitor-e2e-1' }),
  );
  expect(created.contact.email).toBe('zoe@example.com');

  // the pushed `changed` event refreshes the list without a reload
  const table = page.getByTestId('leads-grid');
  const row = page.locator(`[data-testid="lead-row"][data-id="${created.contact.id}"]`);
  await expect(row).toContainText('Zoë <script>alert(1)</script> 🚀');
  await expect(row).toContainText('zoe@example.com');
  await expect(row).toContainText('Local only');
  await expect(page.getByTestId('contact-count')).toHaveText('1 contact');
  await expect(page.getByTestId('empty-state')).toHaveCount(0);
  // rendered as text: no script element was injected
  expect(await table.locator('script').count()).toBe(0);

  // a duplicate visitor id is refused through the same transport, naming the existing contact
  const err = await page.evaluate(async () => {
    try {
      await window.leadConsole!.call('contacts.create', { name: 'Other', visitorId: 'visitor-e2e-1' });
      return null;
    } catch (e) {
      const x = e as { code: string; details?: { existingId?: string } };
      return { code: x.code, existingId: x.details?.existingId };
    }
  });
  expect(err).toEqual({ code: 'CONFLICT', existingId: created.contact.id });

  // the search box filters as you type
  await page.getByLabel('Search leads').fill('zo');
  await expect(table).toHaveAttribute('data-result-for', 'zo');
  await expect(table).toContainText('zoe@example.com');
  await page.getByLabel('Search leads').fill('nobody-matches');
  await expect(page.getByTestId('empty-state')).toContainText('No contact matches');
  await expect(page.getByTestId('contact-count')).toHaveText('0 contacts');

  // stop and start again on the same data folder: the lead is still there
  await app.stop();
  app = await startBrowserMode(app.dataDir);
  await page.goto(app.openUrl);
  await expect(page.getByTestId('leads-grid')).toContainText('zoe@example.com');
  await expect(page.getByTestId('contact-count')).toHaveText('1 contact');
});

test('a page without the token is refused and says how to get in', async ({ page }) => {
  const calls: string[] = [];
  page.on('request', (r) => new URL(r.url()).pathname.startsWith('/api/') && calls.push(r.url()));
  await page.goto(app.url);
  // the page says how to get in at once: no screen behind it, and no call it knows would be refused
  await expect(page.getByRole('alert')).toContainText('open the link that `npm start` printed');
  await expect(page.getByRole('alert')).toHaveCount(1);
  await expect(page.getByTestId('leads-grid')).toHaveCount(0);
  expect(calls).toEqual([]);
});
