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
  const table = page.getByTestId('contact-table');
  await expect(table).toContainText('Zoë <script>alert(1)</script> 🚀');
  await expect(table).toContainText('zoe@example.com');
  await expect(table).toContainText('Local only');
  await expect(page.getByTestId('contact-count')).toHaveText('1 contact');
  // rendered as text: no script element was injected
  expect(await page.locator('tbody script').count()).toBe(0);

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
  await page.getByLabel('Search contacts').fill('zo');
  await expect(table).toContainText('zoe@example.com');
  await page.getByLabel('Search contacts').fill('nobody-matches');
  await expect(page.getByTestId('empty-state')).toContainText('No contact matches');

  // stop and start again on the same data folder: the lead is still there
  await app.stop();
  app = await startBrowserMode(app.dataDir);
  await page.goto(app.openUrl);
  await expect(page.getByTestId('contact-table')).toContainText('zoe@example.com');
});

test('the quick-add form saves a lead and shows a bad email by its field without saving', async ({ page }) => {
  await page.goto(app.openUrl);
  await page.getByLabel('Name', { exact: true }).fill('Bad Email');
  await page.getByLabel('Email', { exact: true }).fill('not-an-email');
  await page.getByLabel('Email', { exact: true }).press('Enter');
  await expect(page.getByRole('alert')).toContainText('email: is not a valid email address');
  await expect(page.getByTestId('contact-count')).toHaveText('0 contacts');

  await page.getByLabel('Email', { exact: true }).fill('good@example.com');
  await page.getByLabel('Email', { exact: true }).press('Enter');
  await expect(page.getByRole('status')).toContainText('will sync to Intercom later');
  await expect(page.getByTestId('contact-table')).toContainText('good@example.com');
  await page.screenshot({ path: test.info().outputPath('shell.png') });
});

test('a page without the token is refused and says how to get in', async ({ page }) => {
  await page.goto(app.url);
  await expect(page.getByRole('alert')).toContainText('open the link that `npm start` printed');
});
