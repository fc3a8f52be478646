// The undo-send hold on the lead page, with the built-in sandbox workspace: a message sent waits
// "Sending in 10 s · Undo", Undo takes it back ("Not sent (undone)"), and Intercom never gets it,
// even after the hold and a sync.
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { consolePerTest, pageApi } from './browserMode';

const app = consolePerTest(['--sandbox']);

async function sandboxMessages(page: Page): Promise<number> {
  const sandboxUrl = (await pageApi(page, 'settings.get', {})).intercom.baseUrl!;
  const control = { Authorization: `Bearer ${fs.readFileSync(path.join(app.dataDir, 'sandbox-control-token'), 'utf8')}` };
  const state = (await (await fetch(`${sandboxUrl}/_sandbox/state?summary=true`, { headers: control })).json()) as { counts: { messages: number } };
  return state.counts.messages;
}

test('a message waits 10 s with Undo; undone, nothing is sent', async ({ page }) => {
  await page.goto(app.openUrl);
  await expect(page.getByTestId('sync-state')).toHaveText('Synced', { timeout: 30_000 });
  await expect.poll(async () => (await pageApi(page, 'sync.status', {})).initialImport, { timeout: 30_000 }).toBe('done');
  const users = await pageApi(page, 'contacts.list', { filter: { role: ['user'] }, limit: 50 });
  const user = users.items.find((c) => c.email)!;
  const before = await sandboxMessages(page);
  await page.evaluate((id) => {
    location.hash = `#/leads?contact=${id}`;
  }, user.id);
  const messages = page.getByTestId('contact-panel').getByTestId('contact-messages');

  await messages.getByTestId('send-message-open').click();
  const form = messages.getByTestId('send-message-form');
  await expect(form).toContainText('You can undo for 10 seconds; after that the messages cannot be taken back.');
  await form.getByLabel('Message text').fill('Oops, wrong person.');
  await form.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(form).toBeHidden();

  const row = messages.getByTestId('message').first();
  await expect(row).toContainText('Oops, wrong person.');
  await expect(row.getByTestId('message-status')).toHaveText(/^Sending in \d+ s · Undo$/);
  // held means waiting: the status bar does not say Synced meanwhile
  await expect(page.getByTestId('sync-state')).not.toHaveText('Synced');
  await row.getByTestId('message-undo').click();
  await expect(row.getByTestId('message-status')).toHaveText('Not sent (undone)');
  await expect(page.getByTestId('toasts')).toContainText('Message taken back: it was not sent.');

  // past the hold, and a sync: Intercom has no new message
  await page.waitForTimeout(11_000);
  await pageApi(page, 'sync.now', {});
  await expect(page.getByTestId('sync-state')).toHaveText('Synced', { timeout: 20_000 });
  expect(await sandboxMessages(page)).toBe(before);
  await expect(row.getByTestId('message-status')).toHaveText('Not sent (undone)');
});

test('a bulk message is confirmed with the hold in words, counts down with Undo, and undone sends nothing', async ({ page }) => {
  await page.goto(app.openUrl);
  await expect(page.getByTestId('sync-state')).toHaveText('Synced', { timeout: 30_000 });
  const { contact } = await pageApi(page, 'contacts.create', { name: 'Hold Bulkton', email: 'hold.bulkton@example.com' });
  await expect.poll(async () => (await pageApi(page, 'contacts.get', { id: contact.id })).syncState, { timeout: 20_000 }).toBe('synced');
  const before = await sandboxMessages(page);

  await page.getByLabel('Search leads').fill('Bulkton');
  await page.getByLabel('Select Hold Bulkton').check();
  await page.getByTestId('bulk-bar').getByRole('button', { name: 'Send message…' }).click();
  const dialog = page.getByTestId('bulk-message-dialog');
  await expect(dialog).toContainText('You can undo for 10 seconds; after that the messages cannot be taken back.');
  await dialog.getByLabel('Message text').fill('To everyone, by mistake');
  await dialog.getByRole('button', { name: 'Send to 1 contact…' }).click();
  const confirm = page.getByTestId('confirm-dialog');
  await expect(confirm).toContainText('You can undo for 10 seconds; after that the messages cannot be taken back.');
  await confirm.getByRole('button', { name: /Send the in-app message \(1\)/ }).click();

  const offer = page.getByTestId('bulk-undo');
  await expect(offer.getByTestId('bulk-undo-hold')).toHaveText(/Sending in \d+ s/);
  await offer.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByTestId('toasts')).toContainText('Undone: 1 message taken back; none was sent.');

  await page.waitForTimeout(11_000);
  await pageApi(page, 'sync.now', {});
  await expect(page.getByTestId('sync-state')).toHaveText('Synced', { timeout: 20_000 });
  expect(await sandboxMessages(page)).toBe(before);
});
