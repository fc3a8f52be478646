// Tags on the screens, as a salesperson uses them: on a contact's and a company's page (the
// workspace's tags offered while typing, "Create tag" only as its own option, Enter never makes
// one), in the leads table (a Tags column, a Tag filter), and in bulk (Add tag, Remove tag,
// undone as a whole). What was saved is checked through the page's own client.
import { expect, test, type Page } from '@playwright/test';
import { consolePerTest, pageApi } from './browserMode';

const app = consolePerTest();

async function openConsole(page: Page) {
  await page.goto(app.openUrl);
  await expect(page.getByRole('navigation', { name: 'Sections' })).toBeVisible();
}

async function goToHash(page: Page, hash: string) {
  await page.evaluate((h) => {
    location.hash = h;
  }, hash);
}

const tagNames = async (page: Page, type: 'contact' | 'company', id: string) => (await pageApi(page, 'tags.of', { type, id })).items.map((t) => t.name);

test('a contact gets a new tag only through "Create tag", an existing one from the list, and loses one with ×', async ({ page }) => {
  await openConsole(page);
  const { contact } = await pageApi(page, 'contacts.create', { name: 'Ada Lovelace', email: 'ada@example.com' });
  const { contact: other } = await pageApi(page, 'contacts.create', { name: 'Other One' });
  await pageApi(page, 'tags.add', { type: 'contact', id: other.id, name: 'Partner', create: true });
  await goToHash(page, `#/leads?contact=${contact.id}`);
  const panel = page.getByTestId('contact-panel');
  await expect(panel.getByRole('heading', { name: 'Tags' })).toBeVisible();
  await expect(panel.getByText('No tags.')).toBeVisible();

  const input = panel.getByRole('combobox', { name: 'Add a tag to Ada Lovelace' });
  // a new name and Enter: nothing is made (nothing is highlighted until an arrow moves there)
  await input.fill('VIP');
  await expect(panel.getByRole('option', { name: 'Create tag “VIP”' })).toBeVisible();
  await input.press('Enter');
  expect(await tagNames(page, 'contact', contact.id)).toEqual([]);
  expect((await pageApi(page, 'tags.list', {})).items.map((t) => t.name)).toEqual(['Partner']);
  // choosing the explicit option makes it
  await panel.getByRole('option', { name: 'Create tag “VIP”' }).click();
  await expect(panel.getByTestId('record-tag')).toHaveText(['VIP×']);
  expect(await tagNames(page, 'contact', contact.id)).toEqual(['VIP']);

  // an existing tag is offered as typed (any case), and no "Create" under its own name
  await input.fill('part');
  await expect(panel.getByRole('option', { name: 'Partner' })).toBeVisible();
  await input.fill('partner');
  await expect(panel.getByRole('option', { name: /Create tag/ })).toHaveCount(0);
  await input.press('ArrowDown');
  await input.press('Enter');
  await expect(panel.getByTestId('record-tag')).toHaveText(['Partner×', 'VIP×']);

  // removing one, then undoing it from the toast
  await panel.getByRole('button', { name: 'Remove tag VIP' }).click();
  await expect(panel.getByTestId('record-tag')).toHaveText(['Partner×']);
  expect(await tagNames(page, 'contact', contact.id)).toEqual(['Partner']);
  const undo = await pageApi(page, 'changes.list', { limit: 5 });
  expect(undo.items[0]).toMatchObject({ kind: 'contact.untag', undoable: true });
  await pageApi(page, 'changes.undo', { id: undo.items[0]!.id });
  await expect(panel.getByTestId('record-tag')).toHaveText(['Partner×', 'VIP×']);
});

test('a company page takes tags the same way', async ({ page }) => {
  await openConsole(page);
  const acme = await pageApi(page, 'companies.create', { name: 'Acme' });
  await goToHash(page, `#/companies?company=${acme.id}`);
  const panel = page.getByTestId('company-panel');
  const input = panel.getByRole('combobox', { name: 'Add a tag to Acme' });
  await input.fill('Enterprise');
  await input.press('ArrowDown');
  await input.press('Enter');
  await expect(panel.getByTestId('record-tag')).toHaveText(['Enterprise×']);
  expect(await tagNames(page, 'company', acme.id)).toEqual(['Enterprise']);
  // the companies list, open behind the panel, shows the company's tags in its Tags column
  const table = page.getByTestId('company-table');
  const tagsColumn = (await table.locator('th').allTextContents()).findIndex((t) => t.trim() === 'Tags');
  expect(tagsColumn).toBeGreaterThan(0);
  const acmeRow = table.locator('tbody tr').filter({ hasText: 'Acme' });
  await expect(acmeRow.locator('td').nth(tagsColumn)).toHaveText('Enterprise');
  await pageApi(page, 'tags.add', { type: 'company', id: acme.id, name: 'Partner', create: true });
  await expect(acmeRow.locator('td').nth(tagsColumn)).toHaveText(/Enterprise, Partner|Partner, Enterprise/);
});

test('the leads table shows a Tags column, filters by a tag, and tags and untags in bulk with an undo', async ({ page }) => {
  await openConsole(page);
  const ids: string[] = [];
  for (const name of ['Ann Smith', 'Bruno Evans', 'Carla Diaz']) ids.push((await pageApi(page, 'contacts.create', { name })).contact.id);
  await pageApi(page, 'tags.add', { type: 'contact', id: ids[0]!, name: 'VIP', create: true });
  await goToHash(page, '#/leads');
  await expect(page.getByTestId('contact-count')).toHaveText('3 contacts');

  // the column is there to show
  await page.getByRole('button', { name: 'Columns' }).click();
  await page.getByTestId('columns-menu').getByLabel('Tags').check();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('columnheader', { name: 'Tags' })).toBeVisible();
  await expect(page.getByTestId('lead-row').filter({ hasText: 'Ann Smith' }).locator('.lead-col-tags')).toHaveText('VIP');

  // the Tag filter
  await page.getByRole('button', { name: 'Add filter' }).click();
  await page.getByTestId('add-filter-menu').getByLabel('Find a tag to filter by').fill('vi');
  await page.getByTestId('add-filter-menu').getByRole('button', { name: 'VIP' }).click();
  await expect(page.getByTestId('filter-chip')).toHaveText(['Tag: VIP×']);
  await expect(page.getByTestId('contact-count')).toHaveText('1 contact');
  await page.getByRole('button', { name: 'Remove filter Tag: VIP' }).click();
  await expect(page.getByTestId('contact-count')).toHaveText('3 contacts');

  // bulk: a new tag on everyone, made only through its own "Create tag" button
  await page.getByRole('checkbox', { name: 'Select all matching contacts' }).check();
  await page.getByRole('button', { name: 'Add tag ▾' }).click();
  const menu = page.getByTestId('bulk-tag-menu');
  await menu.getByLabel('Find a tag to add').fill('Hot');
  await menu.getByRole('button', { name: 'Create tag “Hot”' }).click();
  const dialog = page.getByTestId('confirm-dialog');
  await expect(dialog).toContainText('Create tag “Hot” and add it on 3 contacts.');
  await dialog.getByRole('button', { name: /Create tag “Hot” and add it \(3\)/ }).click();
  for (const name of ['Ann Smith', 'Bruno Evans', 'Carla Diaz']) {
    await expect(page.getByTestId('lead-row').filter({ hasText: name }).locator('.lead-col-tags')).toContainText('Hot');
  }

  // remove VIP in bulk: only Ann has it; then undo the removal as a whole
  await page.getByRole('checkbox', { name: 'Select all matching contacts' }).check();
  await page.getByRole('button', { name: 'Remove tag ▾' }).click();
  await page.getByTestId('bulk-untag-menu').getByRole('button', { name: 'VIP' }).click();
  await expect(dialog).toContainText('Remove tag “VIP” on 1 contact (2 does not have that tag).');
  await dialog.getByRole('button', { name: /Remove tag “VIP” \(1\)/ }).click();
  await expect(page.getByTestId('lead-row').filter({ hasText: 'Ann Smith' }).locator('.lead-col-tags')).toHaveText('Hot');
  await page.getByTestId('bulk-undo').getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByTestId('lead-row').filter({ hasText: 'Ann Smith' }).locator('.lead-col-tags')).toHaveText('Hot, VIP');
  expect(await tagNames(page, 'contact', ids[0]!)).toEqual(['Hot', 'VIP']);
});

test('a segment on a tag: the editor offers the workspace’s tags and counts as the name is typed', async ({ page }) => {
  await openConsole(page);
  const ids: string[] = [];
  for (const name of ['Ann Smith', 'Bruno Evans', 'Carla Diaz']) ids.push((await pageApi(page, 'contacts.create', { name })).contact.id);
  await pageApi(page, 'tags.add', { type: 'contact', id: ids[0]!, name: 'VIP', create: true });
  await pageApi(page, 'tags.add', { type: 'contact', id: ids[2]!, name: 'VIP' });
  await page.getByRole('button', { name: 'New segment' }).click();
  const editor = page.getByTestId('segment-editor');
  await editor.getByLabel('Name').fill('VIPs');
  const first = editor.getByTestId('segment-condition').first();
  await first.getByLabel('Condition type').selectOption('tag');
  await expect(editor.getByTestId('condition-error')).toContainText('Condition 1 (Tag), name: pick a tag');
  await expect(first.locator('datalist option')).toHaveCount(1);
  await first.getByLabel('Tag').fill('vip');
  await expect(editor.getByTestId('segment-live-count')).toHaveText('2 contacts match');
  await first.getByLabel('Operator').selectOption('hasNot');
  await expect(editor.getByTestId('segment-live-count')).toHaveText('1 contact match');
  await first.getByLabel('Operator').selectOption('has');
  await editor.getByRole('button', { name: 'Save segment' }).click();
  await expect(editor).toHaveCount(0);
  const saved = (await pageApi(page, 'segments.list', {})).items.find((s) => s.name === 'VIPs')!;
  expect(saved.rule).toEqual({ op: 'and', rules: [{ field: 'tag', op: 'has', name: 'vip' }] });
  expect(saved.count).toBe(2);
});
