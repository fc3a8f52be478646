// Settings' backups in the browser-mode console: the empty state, "Back up now" from the
// keyboard, and a restore that asks first (Esc leaves everything as it was), then puts the copy
// back and keeps the replaced data in the list.
import { expect, test } from '@playwright/test';
import { consolePerTest, pageApi } from './browserMode';

const app = consolePerTest();

test('back up now, then restore the backup after saying what it does', async ({ page }) => {
  await page.goto(app.openUrl);
  await page.locator('body').press(',');
  const section = page.getByTestId('settings-backups');
  await expect(section).toBeVisible();
  await expect(page.getByTestId('backups-empty')).toContainText('No backups yet');

  const { contact } = await pageApi(page, 'contacts.create', { name: 'Ann Before' });
  const backUp = page.getByTestId('backup-now');
  await backUp.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('backup-done')).toContainText(/Backed up: lead-console-\d{8}-\d{6}-manual\.sqlite/);
  const rows = page.getByTestId('backup-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Backed up by hand');
  await expect(rows.first()).toContainText(/\d+ KB/);

  await pageApi(page, 'contacts.update', { id: contact.id, patch: { name: 'Ann After' } });

  // asked first; Esc changes nothing
  const restore = section.getByRole('button', { name: /^Restore the backup of / });
  await restore.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Your current data is kept first');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  expect((await pageApi(page, 'contacts.get', { id: contact.id })).name).toBe('Ann After');

  // confirmed: the copy is back, and the data it replaced is kept in the list
  await restore.click();
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Restore this backup' }).click();
  await expect(page.getByTestId('backup-done')).toContainText(/kept as lead-console-\d{8}-\d{6}-before-restore\.sqlite/);
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText('Kept at a restore');
  expect((await pageApi(page, 'contacts.get', { id: contact.id })).name).toBe('Ann Before');
  await expect(page.getByTestId('backup-error')).toHaveCount(0);
});
