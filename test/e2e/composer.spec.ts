// The one message composer, for one contact and for a bulk send: placeholders rendered per contact
// in a live preview, the count of contacts lacking a value with no fallback, an unknown
// placeholder named before sending, saved templates, and the message stored as the preview showed.
import { expect, test } from '@playwright/test';
import { consolePerTest, pageApi } from './browserMode';

const app = consolePerTest();
const BODY = 'Hi {{first_name | fallback: "there"}} from {{company_name}}';

async function seed(page: import('@playwright/test').Page) {
  await page.goto(app.openUrl);
  await expect(page.getByLabel('Search leads')).toBeVisible();
  const { contact: ana } = await pageApi(page, 'contacts.create', { name: 'Ana Composer', email: 'ana.composer@example.com' });
  const { contact: bo } = await pageApi(page, 'contacts.create', { email: 'bo.composer@example.com' });
  const { contact: cy } = await pageApi(page, 'contacts.create', { name: 'Cy Composer' });
  const acme = await pageApi(page, 'companies.create', { name: 'Acme' });
  await pageApi(page, 'companies.link', { contactId: ana.id, companyId: acme.id });
  return { ana, bo, cy };
}

test('one contact: the preview renders the placeholders, names an unknown one, and the message sent is the preview', async ({ page }) => {
  const { ana, bo } = await seed(page);
  await page.evaluate((id) => (location.hash = `#/leads?contact=${id}`), bo.id);
  let messages = page.getByTestId('contact-panel').getByTestId('contact-messages');
  await messages.getByTestId('send-message-open').click();
  let form = messages.getByTestId('send-message-form');
  await expect(form.getByLabel('Subject')).toBeHidden();
  await form.getByLabel('Message text').fill('Hello {{frist_name}}');
  await expect(form.getByTestId('composer-preview-error')).toContainText('Unknown placeholder {{frist_name}}');
  await form.getByLabel('Message text').fill(BODY);
  await expect(form.getByTestId('composer-preview-item')).toHaveText(['Hi there from']);
  await expect(form.getByTestId('composer-missing')).toContainText('This contact has no value for {{company_name}}');
  await form.getByRole('button', { name: 'Save as template…' }).click();
  await form.getByLabel('Template name').fill('Welcome');
  await form.getByRole('button', { name: 'Save template' }).click();
  await expect(page.getByTestId('toasts')).toContainText('Template “Welcome” saved.');
  await form.getByRole('radio', { name: 'Email' }).check();
  await expect(form.getByLabel('Subject')).toBeVisible();
  await form.getByRole('button', { name: 'Cancel' }).click();

  await page.evaluate((id) => (location.hash = `#/leads?contact=${id}`), ana.id);
  messages = page.getByTestId('contact-panel').getByTestId('contact-messages');
  await expect(messages).toBeVisible();
  await messages.getByTestId('send-message-open').click();
  form = messages.getByTestId('send-message-form');
  await form.getByLabel('Template').selectOption({ label: 'Welcome' });
  await expect(form.getByLabel('Message text')).toHaveValue(BODY);
  await expect(form.getByTestId('composer-preview-item')).toHaveText(['Hi Ana from Acme']);
  await expect(form.getByTestId('composer-missing')).toHaveCount(0);
  await form.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(form).toBeHidden();
  const row = messages.getByTestId('message').first();
  await expect(row).toContainText('Hi Ana from Acme');
  await expect(row.getByTestId('message-status')).toHaveText(/^Sending in \d+ s · Undo$/);
});

test('bulk: the same composer previews the first messages, counts who lacks a value, and says whom it sends to', async ({ page }) => {
  await seed(page);
  await pageApi(page, 'templates.save', { name: 'Welcome', channel: 'inapp', body: BODY });
  await page.getByLabel('Search leads').fill('composer');
  // the searched list has settled (the three, Ana with the company the last change gave her) before
  // rows are picked: rows are keyed by screen slot, so a check on a row the list is still
  // replacing would toggle whoever that slot shows next
  const rows = page.getByTestId('lead-row');
  await expect(rows).toHaveCount(3);
  await expect(rows.filter({ hasText: 'Ana Composer' })).toContainText('Acme');
  const picks = ['Ana Composer', 'bo.composer@example.com', 'Cy Composer'];
  for (const name of picks) await page.getByLabel(`Select ${name}`).check();
  for (const name of picks) await expect(page.getByLabel(`Select ${name}`)).toBeChecked();
  // the three are the selection before the composer opens
  await expect(page.getByTestId('bulk-bar')).toContainText('3 selected');
  await page.getByTestId('bulk-bar').getByRole('button', { name: 'Send message…' }).click();
  const dialog = page.getByTestId('bulk-message-dialog');
  await dialog.getByLabel('Template').selectOption({ label: 'Welcome' });
  await expect(dialog.getByTestId('composer-preview-item')).toHaveCount(3);
  await expect(dialog.getByTestId('composer-preview-item').filter({ hasText: 'To Ana Composer' })).toContainText('Hi Ana from Acme');
  await expect(dialog.getByTestId('composer-preview-item').filter({ hasText: 'To Cy Composer' })).toContainText('Hi Cy from');
  await expect(dialog.getByTestId('composer-missing')).toContainText('2 contacts of 3 have no value for {{company_name}}');
  await expect(dialog.getByTestId('composer-send')).toHaveText('Send to 3 contacts…');
  // an email goes to those with an address only, and needs a subject
  await dialog.getByRole('radio', { name: 'Email' }).check();
  await expect(dialog.getByTestId('composer-send')).toHaveText('Send to 2 contacts…');
  await dialog.getByLabel('Subject').fill('For {{first_name | fallback: "you"}}');
  await expect(dialog.getByTestId('composer-preview-item').filter({ hasText: 'To bo.composer@example.com' })).toContainText('For you');
  await dialog.getByRole('radio', { name: 'In-app message' }).check();
  await expect(dialog.getByLabel('Subject')).toBeHidden();
  await dialog.getByTestId('composer-send').click();
  const confirm = page.getByTestId('confirm-dialog');
  await confirm.getByRole('button', { name: /Send the in-app message \(3\)/ }).click();
  await expect(page.getByTestId('bulk-undo')).toBeVisible();
  const { items } = await pageApi(page, 'contacts.list', { search: 'Cy Composer', limit: 1 });
  const sent = await pageApi(page, 'messages.list', { contactId: items[0]!.id });
  expect(sent.items[0]!.body).toBe('Hi Cy from');
});
