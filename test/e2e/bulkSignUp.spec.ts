// The bulk sign-up with the built-in sandbox workspace: Set stage > Signed up makes users (one
// without an email is counted and left out), and once the sync has taken them to Intercom the
// undo offer and the recent list say why it can no longer be undone instead of offering it.
import { expect, test } from '@playwright/test';
import { consolePerTest, pageApi } from './browserMode';

const app = consolePerTest(['--sandbox']);

test('a bulk sign-up makes users; once Intercom has them, the undo is no longer offered and the reason is given', async ({ page }) => {
  await page.goto(app.openUrl);
  await expect(page.getByTestId('sync-state')).toHaveText('Synced', { timeout: 30_000 });
  await expect.poll(async () => (await pageApi(page, 'sync.status', {})).initialImport, { timeout: 30_000 }).toBe('done');
  const { contact: sam } = await pageApi(page, 'contacts.create', { name: 'Sam Upton', email: 'sam.upton@example.com' });
  const { contact: noa } = await pageApi(page, 'contacts.create', { name: 'Noa Upton' });
  await expect.poll(async () => (await pageApi(page, 'contacts.get', { id: sam.id })).syncState, { timeout: 20_000 }).toBe('synced');

  await page.getByLabel('Search leads').fill('Upton');
  await page.getByLabel('Select Sam Upton').check();
  await page.getByLabel('Select Noa Upton').check();
  await page.getByRole('button', { name: 'Set stage ▾' }).click();
  await page.getByTestId('bulk-stage-menu').getByRole('button', { name: 'Signed up' }).click();
  const confirm = page.getByTestId('confirm-dialog');
  await expect(confirm).toContainText('Sign up 1 contact (1 no email address, which Intercom needs to make a user without a user id).');
  await confirm.getByRole('button', { name: 'Sign up (1)' }).click();

  const samRow = page.getByTestId('lead-row').filter({ hasText: 'Sam Upton' });
  await expect(samRow.locator('.lead-col-role')).toHaveText('User');
  await expect(samRow.locator('.lead-col-stage')).toHaveText('Signed up');
  await expect(page.getByTestId('lead-row').filter({ hasText: 'Noa Upton' }).locator('.lead-col-stage')).toHaveText('Lead');
  expect((await pageApi(page, 'contacts.get', { id: noa.id })).role).toBe('lead');

  // the sync takes the sign-up to Intercom on its own; from then on nothing offers its undo
  await expect.poll(async () => (await pageApi(page, 'contacts.get', { id: sam.id })).syncState, { timeout: 20_000 }).toBe('synced');
  const reason = 'The sign-up already reached Intercom, which cannot turn a user back into a lead.';
  const offer = page.getByTestId('bulk-undo');
  await expect(offer.getByTestId('bulk-undo-reason')).toContainText(reason);
  await expect(offer.getByRole('button', { name: 'Undo' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Recent bulk actions' }).click();
  const item = page.getByTestId('bulk-history-item').first();
  await expect(item).toContainText('Signed up 1 selected contact');
  await expect(item).toContainText(reason);
  await expect(item.getByRole('button', { name: 'Undo' })).toHaveCount(0);
});
