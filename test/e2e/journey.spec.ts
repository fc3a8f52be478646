// A salesperson's whole round, by keyboard and mouse only: enter a lead met at a fair, find it
// by part of its name, promote it, sign it up with its company, make the company a customer,
// unlink and relink, reload, and find every change kept. Then the three ways entry can go
// wrong: a visitor id already taken, a bad email, and a name that looks like markup.
import { expect, test, type Page } from '@playwright/test';
import { consolePerTest, pageApi } from './browserMode';

const app = consolePerTest();

async function seedOthers(page: Page, n: number) {
  await page.evaluate(async (count) => {
    for (let i = 0; i < count; i++) await window.leadConsole!.call('contacts.create', { name: `Other Person ${i}`, email: `other${i}@example.test` });
  }, n);
}

test('enter, find, promote, sign up, make customer, unlink, relink, reload: every change kept', async ({ page }) => {
  await page.goto(app.openUrl);
  await expect(page.getByTestId('empty-state')).toContainText('No contacts yet');
  await seedOthers(page, 25);
  await expect(page.getByTestId('contact-count')).toHaveText('25 contacts');

  // the new lead, by keyboard only
  await page.locator('body').press('n');
  const dialog = page.getByTestId('new-lead-dialog');
  await expect(dialog.getByLabel('Name', { exact: true })).toBeFocused();
  await page.keyboard.type('Grace Hopper');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Grace@Navy.test');
  await dialog.getByLabel('Visitor id').fill('visitor-grace');
  await dialog.getByLabel('Visitor id').press('Enter');
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('toasts')).toContainText('Saved Grace Hopper. It will sync to Intercom.');
  await expect(page.getByTestId('contact-count')).toHaveText('26 contacts');

  // find it by typing part of its name, open it from the keyboard
  await page.locator('body').press('/');
  await expect(page.getByLabel('Search leads')).toBeFocused();
  await page.keyboard.type('hop');
  await expect(page.getByTestId('contact-count')).toHaveText('1 contact');
  await expect(page.getByTestId('lead-row')).toHaveCount(1);
  await expect(page.getByTestId('lead-row')).toContainText('grace@navy.test');
  await page.getByLabel('Search leads').press('Escape');
  await page.locator('body').press('j');
  await page.locator('body').press('Enter');
  const panel = page.getByTestId('contact-panel');
  await expect(panel.getByTestId('contact-title')).toHaveText('Grace Hopper');
  await expect(panel.getByTestId('contact-sync')).toHaveText('Local only');

  // sign up (the one way to Signed up), with a new company made from its name
  await expect(panel.getByRole('button', { name: 'Promote to Signed up' })).toHaveCount(0);
  await panel.getByRole('button', { name: 'Sign up…' }).click();
  const signUp = panel.getByTestId('signup-form');
  await signUp.getByLabel(/User id/).fill('user-grace');
  const companyFinder = signUp.getByRole('combobox', { name: 'Find the company it signed up with' });
  await companyFinder.fill('US Navy');
  await expect(signUp.getByRole('option', { name: 'Create company “US Navy”' })).toBeVisible();
  await companyFinder.press('ArrowUp');
  await companyFinder.press('Enter');
  await expect(signUp.getByTestId('signup-company')).toContainText('new company, created with the sign-up');
  await signUp.getByRole('button', { name: 'Sign up', exact: true }).click();
  await expect(panel.getByTestId('contact-stage-steps').locator('[aria-current="step"]')).toContainText('Signed up');
  await expect(panel.getByTestId('contact-role')).toHaveText('User');
  await expect(panel.getByTestId('contact-companies')).toContainText('US Navy');

  // the company, promoted to Customer when they pay
  await panel.getByTestId('contact-companies').getByRole('button', { name: 'US Navy' }).first().click();
  const company = page.getByTestId('company-panel');
  await expect(company.getByTestId('company-title')).toHaveText('US Navy');
  await expect(company.getByTestId('company-stage-steps').locator('[aria-current="step"]')).toContainText('SQL');
  await company.getByRole('button', { name: 'Mark as customer (paid)' }).click();
  await expect(company.getByTestId('company-stage-steps').locator('[aria-current="step"]')).toContainText('Customer');

  // unlink from the company page (it asks), relink from the lead's page with the combobox
  await company.getByRole('button', { name: 'Unlink Grace Hopper' }).click();
  await page.getByTestId('confirm-dialog').getByRole('button', { name: /Unlink/ }).click();
  await expect(company).toContainText('No users linked');
  await expect(company.getByTestId('company-user')).toHaveCount(0);
  await page.goBack();
  await expect(panel.getByTestId('contact-title')).toHaveText('Grace Hopper');
  await expect(panel.getByTestId('contact-company')).toHaveCount(0);
  const finder = panel.getByLabel('Find a company to link');
  await finder.fill('navy');
  await expect(panel.getByRole('option', { name: /US Navy/ })).toBeVisible();
  await finder.press('ArrowDown');
  await finder.press('Enter');
  await expect(panel.getByTestId('contact-companies')).toContainText('US Navy');

  // reload: everything is still there, in the table, the page and the engine
  await page.reload();
  await expect(page.getByTestId('contact-panel').getByTestId('contact-title')).toHaveText('Grace Hopper');
  const kept = await pageApi(page, 'contacts.list', { search: 'grace hopper', limit: 5 });
  expect(kept.total).toBe(1);
  const grace = await pageApi(page, 'contacts.get', { id: kept.items[0]!.id });
  expect(grace).toMatchObject({ role: 'user', stage: 'signed_up', externalId: 'user-grace', email: 'grace@navy.test', visitorId: 'visitor-grace' });
  expect(grace.companies).toEqual([expect.objectContaining({ name: 'US Navy', stage: 'customer' })]);
  expect(grace.history.map((h) => `${h.fromStage}->${h.toStage}`)).toEqual(['lead->signed_up', 'null->lead']);
  await expect(page.getByTestId('contact-panel').getByTestId('contact-history')).toContainText('Signed up');
  // and the outbox holds every change for Intercom, so the status bar says they wait
  await expect(page.getByTestId('outbox-count')).toContainText('wait for Intercom');
});

test('entry that goes wrong: a taken visitor id offers the existing lead, a bad email saves nothing, markup stays text', async ({ page }) => {
  await page.goto(app.openUrl);
  const existing = await pageApi(page, 'contacts.create', { name: 'Ann Smith', email: 'ann@fair.test', visitorId: 'visitor-ann' });
  await expect(page.getByTestId('contact-count')).toHaveText('1 contact');

  // a visitor id already taken: warned while typing, refused on Enter, the existing lead offered
  await page.locator('body').press('n');
  const dialog = page.getByTestId('new-lead-dialog');
  await dialog.getByLabel('Name', { exact: true }).fill('Ann Again');
  await dialog.getByLabel('Visitor id').fill('visitor-ann');
  await expect(dialog.getByTestId('new-lead-visitor-match')).toContainText('This visitor id belongs to Ann Smith');
  await dialog.getByLabel('Visitor id').press('Enter');
  await expect(dialog).toBeVisible();
  expect((await pageApi(page, 'contacts.list', {})).total).toBe(1);
  await dialog.getByRole('button', { name: 'Open Ann Smith' }).first().click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('contact-panel').getByTestId('contact-title')).toHaveText('Ann Smith');
  expect(page.url()).toContain(existing.contact.id);

  // a bad email: the error is beside the field, and nothing is saved
  await page.getByTestId('contact-panel').getByRole('button', { name: 'Close' }).click();
  await page.locator('body').press('n');
  await dialog.getByLabel('Name', { exact: true }).fill('Bad Address');
  await dialog.getByLabel('Email').fill('bad@');
  await dialog.getByLabel('Email').press('Enter');
  await expect(dialog.getByTestId('new-lead-email-error')).toContainText('valid email');
  await expect(dialog.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
  expect((await pageApi(page, 'contacts.list', {})).total).toBe(1);
  await dialog.getByLabel('Email').press('Escape');
  await expect(dialog).toBeHidden();
  expect((await pageApi(page, 'contacts.list', {})).total).toBe(1);

  // markup and emoji in a name are kept verbatim and shown as text
  const name = 'Zoë <script>window.__pwned=1</script> <b>bold</b> 🚀';
  await page.locator('body').press('n');
  await dialog.getByLabel('Name', { exact: true }).fill(name);
  await dialog.getByLabel('Name', { exact: true }).press('Enter');
  await expect(dialog).toBeHidden();
  const row = page.getByTestId('lead-row').filter({ hasText: '🚀' });
  await expect(row).toContainText(name);
  await row.click();
  await expect(page.getByTestId('contact-panel').getByTestId('contact-title')).toHaveText(name);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await page.locator('#root script, #root b').count()).toBe(0);
});
