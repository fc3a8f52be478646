// Toasts in one corner, updated in place: a message's toast goes from "sending in 10 s" to "sent"
// without a second toast, the stack never covers the open record panel, and three stand at most.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { consolePerTest, pageApi } from './browserMode';

const app = consolePerTest(['--sandbox']);

async function box(l: Locator) {
  const b = await l.boundingBox();
  if (!b) throw new Error('not on screen');
  return b;
}

async function openSyncedUser(page: Page) {
  await page.goto(app.openUrl);
  await expect(page.getByTestId('sync-state')).toHaveText('Synced', { timeout: 30_000 });
  await expect.poll(async () => (await pageApi(page, 'sync.status', {})).initialImport, { timeout: 30_000 }).toBe('done');
  const users = await pageApi(page, 'contacts.list', { filter: { role: ['user'] }, limit: 50 });
  const user = users.items.find((c) => c.email)!;
  await page.evaluate((id) => {
    location.hash = `#/leads?contact=${id}`;
  }, user.id);
  return user;
}

test("a message's toast turns from waiting to sent in place, left of the record panel", async ({ page }) => {
  await openSyncedUser(page);
  const panel = page.getByTestId('contact-panel');
  const messages = panel.getByTestId('contact-messages');
  await messages.getByTestId('send-message-open').click();
  const form = messages.getByTestId('send-message-form');
  await form.getByLabel('Message text').fill('Hello from the toast test.');
  await form.getByRole('button', { name: 'Send', exact: true }).click();

  const toasts = page.getByTestId('toasts').getByTestId('toast');
  await expect(toasts).toHaveCount(1);
  const toast = toasts.first();
  await expect(toast).toContainText('sending in 10 s');
  const id = await toast.getAttribute('data-toast-id');
  expect(id).toMatch(/^message:/);
  // the stack stands left of the panel: the panel's buttons stay clear
  const t = await box(toast);
  const p = await box(panel);
  expect(t.x + t.width).toBeLessThanOrEqual(p.x);

  // past the hold the engine sends it: it starts a run when the hold ends
  await expect(messages.getByTestId('message').first().getByTestId('message-status')).toHaveText('Sent', { timeout: 30_000 });
  // the same toast says so; no second one, no stale "sending"
  await expect(toasts).toHaveCount(1);
  await expect(toasts.first()).toHaveAttribute('data-toast-id', id!);
  await expect(toasts.first()).toContainText(': sent.');
  await expect(page.getByTestId('toasts')).not.toContainText('sending in 10 s');
});

test('three toasts stand at most; older ones fold into "N older" and unfold on a click', async ({ page }) => {
  // the clock is ours: no toast leaves by itself while we count them
  await page.clock.install();
  await page.goto(app.openUrl);
  await expect(page.getByTestId('leads-view')).toBeVisible();
  await page.locator('body').press('n');
  const dialog = page.getByTestId('new-lead-dialog');
  await dialog.getByLabel('Keep open for the next lead').check();
  const region = page.getByTestId('toasts');
  for (const name of ['First Fold', 'Second Fold', 'Third Fold', 'Fourth Fold', 'Fifth Fold']) {
    await dialog.getByLabel('Name', { exact: true }).fill(name);
    await dialog.getByLabel('Name', { exact: true }).press('Enter');
    await expect(region).toContainText(`Saved ${name}.`);
  }
  await page.keyboard.press('Escape');
  // three stand: the offer to undo the last new lead, and the two newest others
  await expect(region.getByTestId('change-undo')).toContainText('Fifth Fold');
  await expect(region.getByTestId('toast')).toHaveCount(2);
  await expect(region.getByTestId('toasts-folded')).toHaveText('3 older');
  // the newest at the bottom, by the corner
  await expect(region.getByTestId('toast').last()).toContainText('Saved Fifth Fold.');
  await region.getByTestId('toasts-folded').click();
  await expect(region.getByTestId('toast')).toHaveCount(5);
  // and they still go on their own
  await page.clock.runFor(5_000);
  await expect(region.getByTestId('toast')).toHaveCount(0);
});
