// The new-lead form as a salesperson uses it at a fair: `n`, type, Enter; Esc to give up; errors
// and duplicate warnings beside the field; saving offline. Runs against the real browser mode.
import { expect, test, type Page } from '@playwright/test';
import { consolePerTest } from './browserMode';

const app = consolePerTest();

test.beforeEach(async ({ page }) => {
  await page.goto(app.openUrl);
  await expect(page.getByTestId('status-bar')).toBeVisible();
});

/** Presses `n` from wherever a screen left focus (not inside a field, where `n` is text). */
async function openForm(page: Page) {
  await page.evaluate(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : undefined));
  await page.keyboard.press('n');
  const dialog = page.getByTestId('new-lead-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Name', { exact: true })).toBeFocused();
  return dialog;
}

const contactTotal = (page: Page) => page.evaluate(async () => (await window.leadConsole!.call('contacts.list', { limit: 1 })).total);
const findContacts = (page: Page, search: string) =>
  page.evaluate(async (s) => (await window.leadConsole!.call('contacts.list', { search: s, limit: 10 })).items, search);

test('n opens the form in Name; typing and Enter saves the lead and says it will sync', async ({ page }) => {
  const dialog = await openForm(page);
  // `n` inside a field is just a letter, not the shortcut
  await page.keyboard.type('Nina Nolan');
  await expect(dialog.getByLabel('Name', { exact: true })).toHaveValue('Nina Nolan');
  await page.keyboard.press('Tab');
  await expect(dialog.getByLabel('Email', { exact: true })).toBeFocused();
  await page.keyboard.type('Nina@Example.com');
  await page.keyboard.press('Enter');

  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('toasts')).toContainText('Saved Nina Nolan. It will sync to Intercom.');
  const found = await findContacts(page, 'Nina');
  expect(found).toHaveLength(1);
  expect(found[0]).toMatchObject({ name: 'Nina Nolan', email: 'nina@example.com', role: 'lead', stage: 'lead' });
  expect(await contactTotal(page)).toBe(1);
});

test('Esc cancels and saves nothing', async ({ page }) => {
  const dialog = await openForm(page);
  await page.keyboard.type('Never Saved');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  // reopening starts from an empty form
  const again = await openForm(page);
  await expect(again.getByLabel('Name', { exact: true })).toHaveValue('');
  await page.keyboard.press('Escape');
  await expect(again).toBeHidden();
  expect(await contactTotal(page)).toBe(0);
});

test('Esc in the form closes only the form, not the record open behind it', async ({ page }) => {
  const { contact } = await page.evaluate(() => window.leadConsole!.call('contacts.create', { name: 'Open Behind' }));
  await page.evaluate((id) => (location.hash = `#/leads?contact=${id}`), contact.id);
  await expect(page.getByTestId('contact-panel')).toBeVisible();
  const dialog = await openForm(page);
  await page.keyboard.type('Typed then dropped');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('contact-panel')).toBeVisible();
  expect(await contactTotal(page)).toBe(1);
});

test('bad input is shown beside its field and nothing is saved', async ({ page }) => {
  const dialog = await openForm(page);
  const name = dialog.getByLabel('Name', { exact: true });
  const email = dialog.getByLabel('Email', { exact: true });

  // neither name nor email
  await page.keyboard.press('Enter');
  await expect(dialog.getByTestId('new-lead-name-error')).toHaveText(/a contact needs at least one of them/);
  await expect(name).toHaveAttribute('aria-invalid', 'true');

  await name.fill('Bad Email');
  await email.fill('not-an-email');
  await email.press('Enter');
  const error = dialog.getByTestId('new-lead-email-error');
  await expect(error).toHaveText('Email is not a valid email address');
  await expect(error).toHaveClass(/field-error/);
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  await expect(email).toHaveAccessibleDescription(/Email is not a valid email address/);
  await expect(email).toBeFocused();
  await expect(dialog).toBeVisible();

  await dialog.getByLabel('Phone', { exact: true }).fill('12');
  await page.keyboard.press('Enter');
  await expect(dialog.getByTestId('new-lead-phone-error')).toHaveText('Phone must contain at least 4 digits');
  expect(await contactTotal(page)).toBe(0);

  // fixing the fields clears the errors, and then it saves
  await email.fill('good@example.com');
  await expect(error).toHaveCount(0);
  await expect(email).toHaveAttribute('aria-invalid', 'false');
  await dialog.getByLabel('Phone', { exact: true }).fill('+49 30 1234');
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  expect(await contactTotal(page)).toBe(1);
});

test('an email already in use is a warning; a taken visitor id warns, is refused and opens the owner', async ({ page }) => {
  const ann = await page.evaluate(() =>
    window.leadConsole!.call('contacts.create', { name: 'Ann Smith', email: 'ann@example.com', visitorId: 'visitor-ann' }),
  );
  await expect(page.getByTestId('outbox-count')).toContainText('1 change wait');

  let dialog = await openForm(page);
  await page.keyboard.type('Ann Again');
  await dialog.getByLabel('Email', { exact: true }).fill('ANN@example.com');
  await expect(dialog.getByTestId('new-lead-email-match')).toContainText('Ann Smith already has this email.');
  await expect(dialog.getByRole('button', { name: 'Open Ann Smith' })).toBeVisible();
  // duplicates by email are allowed (Intercom allows them)
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  expect(await contactTotal(page)).toBe(2);

  dialog = await openForm(page);
  await page.keyboard.type('Visitor Thief');
  await dialog.getByLabel('Visitor id', { exact: true }).fill('visitor-ann');
  const warning = dialog.getByTestId('new-lead-visitor-match');
  await expect(warning).toContainText('This visitor id belongs to Ann Smith: saving would be refused.');
  await page.screenshot({ path: test.info().outputPath('new-lead-warning.png') });
  // saving anyway is refused by the engine and shown by the field
  await page.keyboard.press('Enter');
  await expect(dialog.getByTestId('new-lead-visitorId-error')).toContainText('belongs to Ann Smith: saving was refused');
  await expect(dialog.getByLabel('Visitor id', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  expect(await contactTotal(page)).toBe(2);

  await dialog.getByRole('button', { name: 'Open Ann Smith' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('contact-panel')).toBeVisible();
  expect(page.url()).toContain(`contact=${ann.contact.id}`);
  expect(await contactTotal(page)).toBe(2);
});

test('offline, the lead is saved here and the toast says it syncs when back online', async ({ page }) => {
  // real network emulation would also cut the page's bridge to the local engine
  await page.evaluate(() => {
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
    window.dispatchEvent(new Event('offline'));
  });
  await expect(page.getByTestId('net-status')).toContainText('Offline');

  const dialog = await openForm(page);
  await page.keyboard.type('Fair Visitor');
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('toasts')).toContainText(
    'Saved Fair Visitor on this computer. You are offline: it will sync to Intercom when you are back online.',
  );
  expect((await findContacts(page, 'Fair'))[0]?.name).toBe('Fair Visitor');
});

test('a name with markup and emoji is kept verbatim, and "keep open" readies the next lead', async ({ page }) => {
  const odd = 'Zoë <script>alert(1)</script> 🚀';
  const dialog = await openForm(page);
  await dialog.getByLabel('Keep open for the next lead').check();
  await dialog.getByLabel('Name', { exact: true }).fill(odd);
  await dialog.getByLabel('Name', { exact: true }).press('Enter');

  await expect(page.getByTestId('toasts')).toContainText(`Saved ${odd}. It will sync to Intercom.`);
  expect(await page.locator('[data-testid=toasts] script').count()).toBe(0);
  // still open, emptied, and ready in Name for the next one
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Name', { exact: true })).toHaveValue('');
  await expect(dialog.getByLabel('Name', { exact: true })).toBeFocused();
  await expect(dialog.getByLabel('Keep open for the next lead')).toBeChecked();

  await page.keyboard.type('Second Lead');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('toasts')).toContainText('Saved Second Lead.');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  const all = await page.evaluate(async () => (await window.leadConsole!.call('contacts.list', { limit: 10 })).items.map((c) => c.name));
  expect(all.sort()).toEqual(['Second Lead', odd].sort());
});
