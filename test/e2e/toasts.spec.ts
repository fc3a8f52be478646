// Toasts in one corner, updated in place: a message's toast goes from "sending in 10 s" to "sent"
// without a second toast, and the stack never covers the open record panel.
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

  // past the hold the engine sends it (its run is timed by the hold; sync.now only makes sure)
  await expect(messages.getByTestId('message').first().getByTestId('message-status')).toHaveText('Sent', { timeout: 25_000 }).catch(async () => {
    await pageApi(page, 'sync.now', {});
    await expect(messages.getByTestId('message').first().getByTestId('message-status')).toHaveText('Sent', { timeout: 20_000 });
  });
  // the same toast says so; no second one, no stale "sending"
  await expect(toasts).toHaveCount(1);
  await expect(toasts.first()).toHaveAttribute('data-toast-id', id!);
  await expect(toasts.first()).toContainText(': sent.');
  await expect(page.getByTestId('toasts')).not.toContainText('sending in 10 s');
});
