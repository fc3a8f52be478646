// Archive, restore and delete as a salesperson meets them: on the lead page (archive, the note
// and its Restore, the change toast's Undo; a delete that names the contact, says it cannot be
// undone and waits for the name to be typed), and in bulk from the table's selection, with the
// Archived filter to find them again. Every outcome is checked against the engine too.
import { expect, test, type Page } from '@playwright/test';
import { consolePerTest, pageApi } from './browserMode';

const app = consolePerTest();

async function openConsole(page: Page) {
  await page.goto(app.openUrl);
  await expect(page.getByRole('navigation', { name: 'Sections' })).toBeVisible();
}

const rows = (page: Page) => page.getByTestId('lead-row');
const count = (page: Page) => page.getByTestId('contact-count');


/** A bulk bar action, on the bar or, where the bar has no room for it, under its More menu (ui/OverflowRow). */
async function clickBulk(page: Page, testId: string) {
  const bar = page.getByTestId('bulk-bar');
  await expect(bar).toBeVisible();
  const item = bar.getByTestId(testId);
  if (!(await item.isVisible())) await bar.getByTestId('toolbar-more').click();
  await item.click();
}

test('a lead archived from its page leaves the table, shows as archived, and comes back by Undo and by Restore', async ({ page }) => {
  await openConsole(page);
  const { contact } = await pageApi(page, 'contacts.create', { name: 'Ana Lima', email: 'ana@example.test' });
  await pageApi(page, 'contacts.create', { name: 'Bo Berg', email: 'bo@example.test' });
  await expect(count(page)).toHaveText('2 contacts');
  await page.evaluate((id) => {
    location.hash = `#/leads?contact=${id}`;
  }, contact.id);
  const panel = page.getByTestId('contact-panel');
  await expect(panel.getByTestId('contact-title')).toHaveText('Ana Lima');
  await expect(panel.getByTestId('archived-note')).toHaveCount(0);

  await panel.getByTestId('contact-archive').click();
  await expect(panel.getByTestId('archived-note')).toContainText('Archived');
  await expect(panel.getByTestId('contact-archive')).toHaveText('Restore');
  await expect(count(page)).toHaveText('1 contact');
  await expect(rows(page)).toHaveText([/Bo Berg/]);
  expect((await pageApi(page, 'contacts.get', { id: contact.id })).archivedAt).not.toBeNull();

  // the change's toast offers its undo: a restore
  const offer = page.getByTestId('change-undo');
  await expect(offer).toContainText('Archived Ana Lima');
  await offer.getByRole('button', { name: /Undo/ }).click();
  await expect(page.getByTestId('undo-result')).toContainText('Undone: Archived Ana Lima.');
  await expect(panel.getByTestId('archived-note')).toHaveCount(0);
  await expect(count(page)).toHaveText('2 contacts');

  // archived again, then restored from the note at the top of the page
  await panel.getByTestId('contact-archive').click();
  await expect(count(page)).toHaveText('1 contact');
  await panel.getByTestId('archived-note').getByRole('button', { name: 'Restore' }).click();
  await expect(panel.getByTestId('archived-note')).toHaveCount(0);
  await expect(count(page)).toHaveText('2 contacts');
  expect((await pageApi(page, 'contacts.get', { id: contact.id })).archivedAt).toBeNull();
});

test('a delete names the contact, says it cannot be undone and deletes only once the name is typed', async ({ page }) => {
  await openConsole(page);
  const { contact } = await pageApi(page, 'contacts.create', { name: 'Zed Quux', email: 'zed@example.test' });
  await pageApi(page, 'contacts.create', { name: 'Bo Berg', email: 'bo@example.test' });
  await page.evaluate((id) => {
    location.hash = `#/leads?contact=${id}`;
  }, contact.id);
  const panel = page.getByTestId('contact-panel');
  await panel.getByTestId('contact-delete').click();
  const dialog = page.getByTestId('delete-dialog');
  await expect(dialog.getByRole('heading')).toHaveText('Delete Zed Quux?');
  await expect(dialog).toContainText('This cannot be undone.');
  await expect(dialog).toContainText('Earlier backups of the store');
  const confirm = dialog.getByTestId('delete-confirm');
  await expect(confirm).toBeDisabled();

  // Cancel (and Esc) leave it as it was
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  expect((await pageApi(page, 'contacts.get', { id: contact.id })).name).toBe('Zed Quux');

  await panel.getByTestId('contact-delete').click();
  await dialog.getByTestId('delete-confirm-input').fill('Zed');
  await expect(confirm).toBeDisabled();
  await dialog.getByTestId('delete-confirm-input').fill('Zed Quux');
  await expect(confirm).toBeEnabled();
  await confirm.click();
  await expect(page.getByTestId('contact-panel')).toHaveCount(0);
  await expect(count(page)).toHaveText('1 contact');
  await expect(rows(page)).toHaveText([/Bo Berg/]);
  await expect(pageApi(page, 'contacts.get', { id: contact.id })).rejects.toThrow(/no contact/);
  expect((await pageApi(page, 'contacts.list', { search: 'zed', limit: 5 })).total).toBe(0);
  expect((await pageApi(page, 'contacts.list', { filter: { archived: true }, search: 'zed', limit: 5 })).total).toBe(0);
  // the journal says a contact was deleted, not whom, and offers no undo
  await page.getByTestId('nav-recent').click();
  const recent = page.getByTestId('recent-action').first();
  await expect(recent).toContainText('Deleted a contact');
  await expect(recent).toContainText('A deleted contact cannot be brought back');
});

test('several leads are archived from the selection, found with the Archived filter, and restored from there', async ({ page }) => {
  await openConsole(page);
  for (const [name, email] of [
    ['Ann Smith', 'ann@example.test'],
    ['Bruno Evans', 'bruno@example.test'],
    ['Carla Diaz', 'carla@example.test'],
  ]) {
    await pageApi(page, 'contacts.create', { name, email });
  }
  await expect(count(page)).toHaveText('3 contacts');
  await page.getByLabel('Select Ann Smith').check();
  await page.getByLabel('Select Carla Diaz').check();
  await clickBulk(page, 'bulk-archive');
  const confirm = page.getByTestId('confirm-dialog');
  await expect(confirm).toContainText('Archive 2 contacts?');
  await confirm.getByRole('button', { name: 'Archive 2 contacts' }).click();
  await expect(count(page)).toHaveText('1 contact');
  await expect(rows(page)).toHaveText([/Bruno Evans/]);
  await expect(page.getByTestId('change-undo')).toContainText('Archived 2 contacts');

  // the Archived filter finds them; the bar offers Restore (and no stage or message there)
  await page.getByRole('button', { name: 'Add filter' }).click();
  await page.getByTestId('add-filter-menu').getByTestId('filter-archived').click();
  await expect(page.getByTestId('filter-chip')).toHaveText(['Archived×']);
  await expect(count(page)).toHaveText('2 contacts');
  await expect(rows(page)).toHaveText([/Carla Diaz|Ann Smith/, /Carla Diaz|Ann Smith/]);
  await page.getByLabel('Select Carla Diaz').check();
  const bar = page.getByTestId('bulk-bar');
  await expect(bar.getByRole('button', { name: 'Set stage ▾' })).toHaveCount(0);
  await clickBulk(page, 'bulk-archive');
  await expect(confirm).toContainText('Restore 1 contact?');
  await confirm.getByRole('button', { name: 'Restore 1 contact' }).click();
  await expect(count(page)).toHaveText('1 contact');
  await expect(rows(page)).toHaveText([/Ann Smith/]);

  // without the filter, Carla is back
  await page.getByRole('button', { name: 'Remove filter Archived' }).click();
  await expect(count(page)).toHaveText('2 contacts');
  const archived = await pageApi(page, 'contacts.list', { filter: { archived: true }, limit: 5 });
  expect(archived.items.map((c) => c.name)).toEqual(['Ann Smith']);
});
