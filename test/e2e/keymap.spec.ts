// One keymap: the `?` list shows every entry of the table the key handling is bound from, and
// the search box leads to its results with ↓ and Enter.
import { expect, test } from '@playwright/test';
import { KEYMAP, type KeyBinding } from '../../renderer/src/state/keymap';
import { consolePerTest, pageApi } from './browserMode';

const app = consolePerTest();

test('the ? list holds every entry of the keymap, with its keys and words', async ({ page }) => {
  await page.goto(app.openUrl);
  await expect(page.getByTestId('empty-state')).toContainText('No contacts yet');
  await page.locator('body').press('?');
  const dialog = page.getByTestId('shortcuts-dialog');
  await expect(dialog).toBeVisible();
  const entries = Object.entries(KEYMAP) as [string, KeyBinding][];
  await expect(dialog.getByTestId('shortcut')).toHaveCount(entries.length);
  for (const [action, b] of entries) {
    const row = dialog.locator(`[data-testid="shortcut"][data-action="${action}"]`);
    await expect(row.locator('kbd')).toHaveText(b.label);
    await expect(row.locator('dd')).toHaveText(b.description);
  }
  // the keys the issue found missing are there
  for (const label of ['/', 'j / ↓', 'k / ↑', 'Enter', 'Space', 'Esc', 'n', '?']) await expect(dialog.locator('kbd', { hasText: label }).first()).toBeVisible();
});

test('from the search box, ↓ goes to the first result and Enter opens it; Enter alone opens the first', async ({ page }) => {
  await page.goto(app.openUrl);
  for (const name of ['Ada Keyfield', 'Bea Keyfield', 'Cy Other']) await pageApi(page, 'contacts.create', { name, email: `${name.split(' ')[0]!.toLowerCase()}@example.com` });
  await expect(page.getByTestId('contact-count')).toHaveText('3 contacts');

  const search = page.getByLabel('Search leads');
  await page.locator('body').press('/');
  await expect(search).toBeFocused();
  await page.keyboard.type('keyfield');
  await expect(page.getByTestId('leads-grid')).toHaveAttribute('data-result-for', 'keyfield');
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('leads-grid')).toBeFocused();
  const first = page.getByTestId('lead-row').first();
  await expect(first).toHaveClass(/\bactive\b/);
  const second = (await page.getByTestId('lead-row').nth(1).locator('.lead-name').innerText()).trim();
  expect(['Ada Keyfield', 'Bea Keyfield']).toContain(second);
  await page.keyboard.press('j');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('contact-panel').getByRole('heading').first()).toHaveText(second);

  // straight from the box: Enter opens the first result of what was typed
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('contact-panel')).toBeHidden();
  await search.fill('');
  await search.pressSequentially('cy oth');
  await search.press('Enter');
  await expect(page.getByTestId('contact-panel')).toContainText('Cy Other');
});
