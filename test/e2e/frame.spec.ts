// The app frame and what holds the screens together: the shortcut list, section keys, a company
// filter chip, focus that can be seen, and two windows that stay in step through the pushed
// `changed` event (a change in one shows in the other without a reload).
import { expect, test } from '@playwright/test';
import { consolePerTest, pageApi } from './browserMode';

const app = consolePerTest();

test('? lists the shortcuts; 1/2/3 switch sections; Tab shows where focus is', async ({ page }) => {
  await page.goto(app.openUrl);
  await expect(page.getByTestId('empty-state')).toContainText('No contacts yet');

  await page.locator('body').press('?');
  const list = page.getByTestId('shortcuts-dialog');
  await expect(list).toBeVisible();
  for (const text of ['New lead', 'Search leads', 'Open the highlighted lead', 'Go to Leads, Companies, Funnel, Import, Outbox', 'Select or unselect the highlighted lead']) {
    await expect(list).toContainText(text);
  }
  await page.keyboard.press('Escape');
  await expect(list).toBeHidden();

  await page.locator('body').press('2');
  await expect(page.getByRole('button', { name: 'Companies' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('company-count')).toHaveText('0 companies');
  await page.locator('body').press('5');
  await expect(page.getByTestId('outbox-total')).toBeVisible();
  expect(page.url()).toContain('#/outbox');
  await page.locator('body').press('1');
  await expect(page.getByLabel('Search leads')).toBeVisible();

  // keyboard focus is visible: the focused control gets an outline
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    return { tag: el.tagName, style: getComputedStyle(el).outlineStyle, width: getComputedStyle(el).outlineWidth };
  });
  expect(outline.tag).not.toBe('BODY');
  expect(outline.style).toBe('solid');
  expect(outline.width).toBe('2px');
});

test('a company filter chip narrows the table to that company and comes off again', async ({ page }) => {
  await page.goto(app.openUrl);
  const a = await pageApi(page, 'contacts.create', { name: 'Alma Acme' });
  const b = await pageApi(page, 'contacts.create', { name: 'Bert Globex' });
  await pageApi(page, 'contacts.create', { name: 'Cleo Nobody' });
  await pageApi(page, 'contacts.signUp', { id: a.contact.id, externalId: 'u-a', company: { externalId: 'co-acme', name: 'Acme Corp' } });
  await pageApi(page, 'contacts.signUp', { id: b.contact.id, externalId: 'u-b', company: { externalId: 'co-globex', name: 'Globex' } });
  await expect(page.getByTestId('contact-count')).toHaveText('3 contacts');

  await page.getByRole('button', { name: 'Add filter' }).click();
  const menu = page.getByTestId('add-filter-menu');
  await menu.getByLabel('Search companies').fill('acme');
  await menu.getByRole('button', { name: 'Company: Acme Corp' }).click();
  await expect(page.getByTestId('filter-chip')).toHaveText(/Company: Acme Corp/);
  await expect(page.getByTestId('contact-count')).toHaveText('1 contact');
  await expect(page.getByTestId('lead-row')).toHaveText(/Alma Acme/);

  await page.getByRole('button', { name: 'Remove filter Company: Acme Corp' }).click();
  await expect(page.getByTestId('filter-chip')).toHaveCount(0);
  await expect(page.getByTestId('contact-count')).toHaveText('3 contacts');
});

test('two windows stay in step: a promotion in one shows in the other without a reload', async ({ page, context }) => {
  await page.goto(app.openUrl);
  const { contact } = await pageApi(page, 'contacts.create', { name: 'Dana Two-Windows', email: 'dana@example.test' });
  await page.evaluate((h) => (location.hash = h), `#/leads?contact=${contact.id}`);
  await expect(page.getByTestId('contact-panel').getByTestId('contact-title')).toHaveText('Dana Two-Windows');

  const other = await context.newPage();
  await other.goto(app.openUrl);
  const row = other.getByTestId('lead-row').filter({ hasText: 'Dana Two-Windows' });
  await expect(row).toContainText('Lead');
  await row.click();
  await other.getByTestId('contact-panel').getByRole('button', { name: 'Sign up…' }).click();
  await other.getByTestId('signup-form').getByRole('button', { name: 'Sign up', exact: true }).click();
  await expect(row).toContainText('Signed up');

  // the first window's panel, table row, history and outbox count follow on their own
  const panel = page.getByTestId('contact-panel');
  await expect(panel.getByTestId('contact-stage-steps').locator('[aria-current="step"]')).toContainText('Signed up');
  await expect(panel.getByTestId('contact-history')).toContainText('Signed up');
  await expect(page.getByTestId('lead-row').filter({ hasText: 'Dana Two-Windows' })).toContainText('Signed up');
  await expect(page.getByTestId('outbox-count')).toHaveText('2 changes wait for Intercom');

  // and an edit made by a script through the API reaches both
  await pageApi(other, 'contacts.update', { id: contact.id, patch: { name: 'Dana Renamed' } });
  await expect(panel.getByTestId('contact-title')).toHaveText('Dana Renamed');
  await expect(other.getByTestId('lead-row').filter({ hasText: 'Dana Renamed' })).toBeVisible();
});

/** Controls on the page that a screen reader would announce without a name. */
async function unnamedControls(page: import('@playwright/test').Page): Promise<string[]> {
  return page.evaluate(() => {
    const named = (el: Element): boolean => {
      const label = el.getAttribute('aria-label') ?? el.getAttribute('title') ?? '';
      if (label.trim()) return true;
      const by = el.getAttribute('aria-labelledby');
      if (by && by.split(' ').some((id) => document.getElementById(id)?.textContent?.trim())) return true;
      if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement) {
        if ([...(el.labels ?? [])].some((l) => l.textContent?.trim())) return true;
        if (el instanceof HTMLInputElement && el.type !== 'checkbox' && el.placeholder.trim()) return false; // a placeholder is not a label
        return false;
      }
      return Boolean(el.textContent?.trim());
    };
    const controls = document.querySelectorAll('button, input, select, textarea, [role="combobox"], [role="separator"][tabindex], a[href]');
    return [...controls]
      .filter((el) => (el as HTMLElement).offsetParent !== null || el.closest('dialog[open]'))
      .filter((el) => !named(el))
      .map((el) => el.outerHTML.slice(0, 120));
  });
}

test('every control on the main screens has a name a screen reader can read', async ({ page }) => {
  await page.goto(app.openUrl);
  const { contact } = await pageApi(page, 'contacts.create', { name: 'Named Person', email: 'named@example.test' });
  const { company } = await pageApi(page, 'contacts.signUp', { id: contact.id, externalId: 'u-named', company: { externalId: 'co-named', name: 'Named Co' } });
  const screens: [string, string, string][] = [
    ['leads', '#/leads', 'lead-row'],
    ['lead page', `#/leads?contact=${contact.id}`, 'contact-title'],
    ['companies', '#/companies', 'company-row'],
    ['company page', `#/companies?company=${company!.id}`, 'company-title'],
    ['outbox', '#/outbox', 'outbox-entry'],
  ];
  for (const [name, hash, ready] of screens) {
    await page.evaluate((h) => (location.hash = h), hash);
    await expect(page.getByTestId(ready).first()).toBeVisible();
    expect(await unnamedControls(page), name).toEqual([]);
  }
  await page.evaluate(() => (location.hash = '#/leads'));
  await page.locator('body').press('n');
  await expect(page.getByTestId('new-lead-dialog')).toBeVisible();
  expect(await unnamedControls(page), 'new lead form').toEqual([]);
});
