// Email consent on screen: "Unsubscribed from emails" shown and set on the lead page (undoable
// from the toast like any edit), the composer saying why no email can go to that contact while an
// in-app message still can, and a bulk email counting who it skips and why.
import { expect, test, type Page } from '@playwright/test';
import { consolePerTest, pageApi } from './browserMode';

const app = consolePerTest();

async function openConsole(page: Page) {
  await page.goto(app.openUrl);
  await expect(page.getByLabel('Search leads')).toBeVisible();
}

const openRecord = (page: Page, id: string) => page.evaluate((x) => (location.hash = `#/leads?contact=${x}`), id);

test('unsubscribed is set on the record page, closes email in the composer with the reason, and is undone from the toast', async ({ page }) => {
  await openConsole(page);
  const { contact } = await pageApi(page, 'contacts.create', { name: 'Ana Consent', email: 'ana.consent@example.test' });
  await openRecord(page, contact.id);
  const panel = page.getByTestId('contact-panel');
  const box = panel.getByTestId('field-unsubscribed').getByRole('checkbox', { name: 'Unsubscribed from emails' });
  await expect(box).not.toBeChecked();

  await box.check();
  await expect(panel.getByTestId('field-unsubscribed')).toContainText('No email goes to this contact, alone or in bulk. In-app messages still do.');
  await expect.poll(async () => (await pageApi(page, 'contacts.get', { id: contact.id })).unsubscribedFromEmails).toBe(true);

  const messages = panel.getByTestId('contact-messages');
  await messages.getByTestId('send-message-open').click();
  const form = messages.getByTestId('send-message-form');
  await expect(form.getByRole('radio', { name: /Email/ })).toBeDisabled();
  await expect(form.getByTestId('composer-email-blocked')).toHaveText(
    'Ana Consent unsubscribed from emails, so no email can be sent; an in-app message can still reach them.',
  );
  await expect(form.getByRole('radio', { name: 'In-app message' })).toBeChecked();
  await form.getByLabel('Message text').fill('A note in the app');
  await form.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(form).toBeHidden();
  await expect(messages.getByTestId('message').first()).toContainText('A note in the app');

  // the edit is a change like any other: its toast takes it back
  const offer = page.getByTestId('change-undo');
  await box.uncheck();
  await expect(offer).toContainText('Unsubscribed from emails of Ana Consent');
  await expect.poll(async () => (await pageApi(page, 'contacts.get', { id: contact.id })).unsubscribedFromEmails).toBe(false);
  await offer.getByRole('button', { name: /Undo/ }).click();
  await expect(page.getByTestId('undo-result')).toContainText('Undone:');
  await expect(box).toBeChecked();
});

test('a bulk email skips the unsubscribed contact and says so before it is sent', async ({ page }) => {
  await openConsole(page);
  const { contact: ana } = await pageApi(page, 'contacts.create', { name: 'Ana Bulkconsent', email: 'ana.bulkconsent@example.test' });
  await pageApi(page, 'contacts.create', { name: 'Bo Bulkconsent', email: 'bo.bulkconsent@example.test' });
  await pageApi(page, 'contacts.update', { id: ana.id, patch: { unsubscribedFromEmails: true } });
  await page.getByLabel('Search leads').fill('bulkconsent');
  for (const name of ['Ana Bulkconsent', 'Bo Bulkconsent']) await page.getByLabel(`Select ${name}`).check();
  await page.getByTestId('bulk-bar').getByRole('button', { name: 'Send message…' }).click();
  const dialog = page.getByTestId('bulk-message-dialog');
  await dialog.getByLabel('Message text').fill('Hello {{first_name | fallback: "there"}}');
  await expect(dialog.getByTestId('composer-send')).toHaveText('Send to 2 contacts…');
  await dialog.getByRole('radio', { name: 'Email' }).check();
  await dialog.getByLabel('Subject').fill('News');
  await expect(dialog.getByTestId('composer-send')).toHaveText('Send to 1 contact…');
  await dialog.getByTestId('composer-send').click();
  const confirm = page.getByTestId('confirm-dialog');
  await expect(confirm).toContainText('unsubscribed from emails');
  await confirm.getByRole('button', { name: /Send the email/ }).click();
  await expect(page.getByTestId('bulk-undo')).toBeVisible();
  expect((await pageApi(page, 'messages.list', { contactId: ana.id })).total).toBe(0);
});
