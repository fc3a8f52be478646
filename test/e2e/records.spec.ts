// The record pages and the companies list, driven as a salesperson would: click, type, Enter,
// Esc. Records are set up and checked through the page's own typed client, so every assertion
// about "nothing was saved" is made against the engine, not only the screen.
import { expect, test, type Page } from '@playwright/test';
import { consolePerTest, pageApi } from './browserMode';

const app = consolePerTest();

async function openConsole(page: Page) {
  // the token arrives in the fragment of the open link and is kept in sessionStorage
  await page.goto(app.openUrl);
  await expect(page.getByRole('navigation', { name: 'Sections' })).toBeVisible();
}

/** Opens a record the way a link or back/forward would: through the address. */
async function goToHash(page: Page, hash: string) {
  await page.evaluate((h) => {
    location.hash = h;
  }, hash);
}

const contactPanel = (page: Page) => page.getByTestId('contact-panel');
const companyPanel = (page: Page) => page.getByTestId('company-panel');
const currentStep = (scope: ReturnType<Page['getByTestId']>, kind: 'contact' | 'company') =>
  scope.getByTestId(`${kind}-stage-steps`).locator('[aria-current="step"]');

test('a name edited in place is kept after a reload; a bad email stays beside its field and is never saved', async ({ page }) => {
  await openConsole(page);
  const { contact } = await pageApi(page, 'contacts.create', { name: 'Ada Lovelace', email: 'ada@example.com' });
  const other = await pageApi(page, 'contacts.create', { name: 'Visitor Owner', visitorId: 'visitor-taken' });
  await goToHash(page, `#/leads?contact=${contact.id}`);
  const panel = contactPanel(page);
  await expect(panel.getByTestId('contact-title')).toHaveText('Ada Lovelace');
  await expect(panel.getByTestId('contact-role')).toHaveText('Lead');
  await expect(panel.getByTestId('contact-sync')).toHaveText('Local only');

  // click the value, type, Enter
  await panel.getByTestId('field-name').getByRole('button').click();
  const name = panel.getByLabel('Name', { exact: true });
  await expect(name).toBeFocused();
  await name.fill('Ada King');
  await name.press('Enter');
  await expect(panel.getByTestId('contact-title')).toHaveText('Ada King');
  // focus goes back to the value, so the keyboard user can go on
  await expect(panel.getByTestId('field-name').getByRole('button')).toBeFocused();

  // Esc cancels the edit and leaves the panel open
  await page.keyboard.press('Enter');
  await panel.getByLabel('Name', { exact: true }).fill('Not kept');
  await panel.getByLabel('Name', { exact: true }).press('Escape');
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId('field-name')).toContainText('Ada King');

  await page.reload();
  await expect(contactPanel(page).getByTestId('contact-title')).toHaveText('Ada King');
  expect((await pageApi(page, 'contacts.get', { id: contact.id })).name).toBe('Ada King');

  // a bad email: the message sits by the field (described-by), Enter and blur do not save
  await panel.getByTestId('field-email').getByRole('button').click();
  const email = panel.getByLabel('Email', { exact: true });
  await email.fill('not-an-email');
  await email.press('Enter');
  const emailError = panel.getByTestId('field-email').locator('.field-error[role="alert"]');
  await expect(emailError).toHaveText('Email: is not a valid email address');
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  const describedBy = await email.getAttribute('aria-describedby');
  expect(describedBy).toBe(await emailError.getAttribute('id'));
  await panel.getByTestId('field-phone').getByRole('button').click(); // blur: still refused
  await expect(emailError).toBeVisible();
  expect((await pageApi(page, 'contacts.get', { id: contact.id })).email).toBe('ada@example.com');
  await email.press('Escape');
  await expect(panel.getByTestId('field-email')).toContainText('ada@example.com');

  // a phone the shared schema refuses, then one it takes
  await panel.getByTestId('field-phone').getByRole('button').click();
  await panel.getByLabel('Phone', { exact: true }).fill('12');
  await panel.getByLabel('Phone', { exact: true }).press('Enter');
  await expect(panel.getByTestId('field-phone').locator('.field-error')).toHaveText('Phone: must contain at least 4 digits');
  await panel.getByLabel('Phone', { exact: true }).fill('+44 20 7946 0000');
  await panel.getByLabel('Phone', { exact: true }).press('Enter');
  await expect(panel.getByTestId('field-phone')).toContainText('+44 20 7946 0000');

  // the engine refuses a visitor id that belongs to someone else: the message and a way there
  await panel.getByTestId('field-visitorId').getByRole('button').click();
  await panel.getByLabel('Visitor id', { exact: true }).fill('visitor-taken');
  await panel.getByLabel('Visitor id', { exact: true }).press('Enter');
  await expect(panel.getByTestId('field-visitorId').locator('.field-error')).toContainText('already has visitor id visitor-taken');
  expect((await pageApi(page, 'contacts.get', { id: contact.id })).visitorId).toBeNull();
  await panel.getByRole('button', { name: 'Open existing contact' }).click();
  await expect(contactPanel(page).getByTestId('contact-title')).toHaveText('Visitor Owner');
  expect(page.url()).toContain(other.contact.id);

  // custom attributes: add, edit, remove
  await goToHash(page, `#/leads?contact=${contact.id}`);
  await expect(panel.getByTestId('contact-title')).toHaveText('Ada King');
  await panel.getByLabel('Attribute name').fill('seats');
  await panel.getByLabel('Attribute value').fill('12');
  await panel.getByRole('button', { name: 'Add attribute' }).click();
  await expect(panel.getByTestId('attr-seats')).toContainText('12');
  await panel.getByTestId('attr-seats').getByRole('button').click();
  await panel.getByLabel('seats', { exact: true }).fill('15');
  await panel.getByLabel('seats', { exact: true }).press('Enter');
  await expect(panel.getByTestId('attr-seats')).toContainText('15');
  expect((await pageApi(page, 'contacts.get', { id: contact.id })).customAttributes).toEqual({ seats: 15 });
  await panel.getByRole('button', { name: 'Remove attribute seats' }).click();
  await expect(panel.getByTestId('attr-seats')).toHaveCount(0);
  expect((await pageApi(page, 'contacts.get', { id: contact.id })).customAttributes).toEqual({});
});

test('promote, then demote only after confirming; the history shows both with the actor', async ({ page }) => {
  await openConsole(page);
  const { actor } = await pageApi(page, 'app.info', {});
  const { contact } = await pageApi(page, 'contacts.create', { name: 'Grace Hopper', email: 'grace@navy.test' });
  const twin = await pageApi(page, 'contacts.create', { name: 'Grace (old form)', email: 'grace@navy.test' });
  await goToHash(page, `#/leads?contact=${contact.id}`);
  const panel = contactPanel(page);
  // email is not unique in Intercom: the page says who else has it, and links there
  await expect(panel.getByTestId('same-email')).toContainText('Another contact has this email');
  await expect(panel.getByTestId('same-email').getByRole('button', { name: 'Grace (old form)' })).toBeVisible();
  expect(twin.sameEmail.map((c) => c.id)).toEqual([contact.id]);
  await expect(currentStep(panel, 'contact')).toContainText('Lead');

  // Signed up is reached by the sign-up (with the email, no user id needed), never by a bare stage move
  await expect(panel.getByRole('button', { name: 'Promote to Signed up' })).toHaveCount(0);
  await panel.getByRole('button', { name: 'Sign up…' }).click();
  await panel.getByTestId('signup-form').getByRole('button', { name: 'Sign up', exact: true }).click();
  await expect(currentStep(panel, 'contact')).toContainText('Signed up');
  await expect(panel.getByTestId('contact-role')).toHaveText('User');

  // cancel keeps it
  await panel.getByRole('button', { name: 'Demote to Lead' }).click();
  const confirm = page.getByTestId('confirm-dialog');
  await expect(confirm).toBeVisible();
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toBeHidden();
  expect((await pageApi(page, 'contacts.get', { id: contact.id })).stage).toBe('signed_up');
  await expect(currentStep(panel, 'contact')).toContainText('Signed up');

  // confirm moves it
  await panel.getByRole('button', { name: 'Demote to Lead' }).click();
  await confirm.getByRole('button', { name: 'Demote to Lead' }).click();
  await expect(currentStep(panel, 'contact')).toContainText('Lead');
  expect((await pageApi(page, 'contacts.get', { id: contact.id })).stage).toBe('lead');

  const entries = panel.getByTestId('contact-history').getByTestId('history-entry');
  await expect(entries).toHaveCount(3);
  await expect(entries.nth(0)).toContainText('Signed up → Lead');
  await expect(entries.nth(1)).toContainText('Lead → Signed up');
  await expect(entries.nth(2)).toContainText('Added as Lead');
  for (const i of [0, 1]) {
    await expect(entries.nth(i)).toContainText(actor);
    await expect(entries.nth(i)).toContainText(`by ${actor}`);
    await expect(entries.nth(i)).not.toContainText('in Intercom');
  }
});

test('a contact without an email needs a user id to sign up: the form says so by the field, then signs it up', async ({ page }) => {
  await openConsole(page);
  const { contact } = await pageApi(page, 'contacts.create', { name: 'Mailless Max' });
  await goToHash(page, `#/leads?contact=${contact.id}`);
  const panel = contactPanel(page);
  await panel.getByRole('button', { name: 'Sign up…' }).click();
  const form = panel.getByTestId('signup-form');
  await form.getByRole('button', { name: 'Sign up', exact: true }).click();
  await expect(form.getByRole('alert')).toHaveText('User id: is needed, because this contact has no email (or add an email first)');
  await expect(form.getByLabel('User id')).toHaveAttribute('aria-invalid', 'true');
  expect((await pageApi(page, 'contacts.get', { id: contact.id })).role).toBe('lead');

  // a new company typed by name, picked through the explicit create option, made with the sign-up
  await form.getByLabel('User id').fill('u-max');
  const finder = form.getByRole('combobox', { name: 'Find the company it signed up with' });
  await finder.fill('Maxwell Ltd');
  await finder.press('ArrowDown');
  await expect(form.getByRole('option', { name: 'Create company “Maxwell Ltd”' })).toHaveAttribute('aria-selected', 'true');
  await finder.press('Enter');
  expect((await pageApi(page, 'companies.list', {})).total).toBe(0); // nothing made before the sign-up
  await form.getByRole('button', { name: 'Sign up', exact: true }).click();
  await expect(page.getByTestId('toasts')).toContainText('Mailless Max signed up with Maxwell Ltd (SQL)');
  const after = await pageApi(page, 'contacts.get', { id: contact.id });
  expect(after).toMatchObject({ role: 'user', stage: 'signed_up', externalId: 'u-max' });
  expect(after.companies.map((c) => [c.name, c.stage])).toEqual([['Maxwell Ltd', 'sql']]);
});

test('sign up with a company, mark it customer, unlink and relink the user; all kept after a reload', async ({ page }) => {
  await openConsole(page);
  const { contact } = await pageApi(page, 'contacts.create', { name: 'Linus', email: 'linus@acme.test' });
  await pageApi(page, 'companies.create', { name: 'Acme Corp', externalId: 'acme-1' });
  await goToHash(page, `#/leads?contact=${contact.id}`);
  const panel = contactPanel(page);

  await panel.getByRole('button', { name: 'Sign up…' }).click();
  const form = panel.getByTestId('signup-form');
  // the user id is optional for a contact with an email; the company is searched by name
  await expect(form.getByLabel('User id')).toHaveAccessibleDescription('Without one, Intercom knows the user by linus@acme.test.');
  await form.getByLabel('User id').fill('user-42');
  const finder = form.getByRole('combobox', { name: 'Find the company it signed up with' });
  await finder.fill('acme');
  await expect(form.getByRole('option', { name: /Acme Corp/ })).toContainText('acme-1');
  await finder.press('ArrowDown');
  await finder.press('Enter');
  await expect(form.getByTestId('signup-company')).toContainText('Acme Corp');
  await form.getByRole('button', { name: 'Sign up', exact: true }).click();
  await expect(page.getByTestId('toasts')).toContainText('Linus signed up with Acme Corp (SQL)');
  await expect(form).toBeHidden();
  await expect(panel.getByTestId('contact-role')).toHaveText('User');
  await expect(currentStep(panel, 'contact')).toContainText('Signed up');
  await expect(panel.getByTestId('field-externalId')).toContainText('user-42');
  const linked = panel.getByTestId('contact-company');
  await expect(linked).toHaveCount(1);
  await expect(linked).toContainText('Acme Corp');
  await expect(linked).toContainText('SQL');

  // open the company, make it a customer
  await linked.getByRole('button', { name: 'Acme Corp', exact: true }).click();
  const co = companyPanel(page);
  await expect(co.getByTestId('company-title')).toHaveText('Acme Corp');
  await expect(currentStep(co, 'company')).toContainText('SQL');
  await expect(co.getByTestId('field-externalId')).toContainText('acme-1');
  await co.getByRole('button', { name: 'Mark as customer (paid)' }).click();
  await expect(currentStep(co, 'company')).toContainText('Customer');
  const companyId = new URL(page.url()).hash.split('company=')[1]!;
  await page.screenshot({ path: test.info().outputPath('company-panel.png') });

  // unlink the user (asks first)
  await expect(co.getByTestId('company-user')).toContainText('Linus');
  await co.getByRole('button', { name: 'Unlink Linus' }).click();
  await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Unlink' }).click();
  await expect(co.getByTestId('company-user')).toHaveCount(0);
  expect((await pageApi(page, 'companies.get', { id: companyId })).userCount).toBe(0);

  // back on the lead page, relink through the combobox with the keyboard
  await page.goBack();
  await expect(panel.getByTestId('contact-title')).toHaveText('Linus');
  await expect(panel.getByTestId('contact-company')).toHaveCount(0);
  const find = panel.getByRole('combobox', { name: 'Find a company to link' });
  await find.fill('acm');
  const option = panel.getByRole('option', { name: /Acme Corp/ });
  await expect(option).toHaveAttribute('aria-selected', 'false');
  await expect(panel.getByRole('option', { name: 'Create company “acm”' })).toBeVisible();
  await find.press('ArrowDown');
  await expect(option).toHaveAttribute('aria-selected', 'true');
  await find.press('Enter');
  await expect(panel.getByTestId('contact-company')).toContainText('Acme Corp');
  await expect(panel.getByTestId('contact-company')).toContainText('Customer');

  await page.reload();
  await expect(contactPanel(page).getByTestId('contact-company')).toContainText('Acme Corp');
  await page.screenshot({ path: test.info().outputPath('contact-panel.png') });
  const company = await pageApi(page, 'companies.get', { id: companyId });
  expect(company.stage).toBe('customer');
  expect(company.users.map((u) => u.id)).toEqual([contact.id]);
  expect(company.history.map((h) => [h.fromStage, h.toStage])).toEqual([
    ['sql', 'customer'],
    [null, 'sql'],
  ]);
  const after = await pageApi(page, 'contacts.get', { id: contact.id });
  expect(after).toMatchObject({ role: 'user', stage: 'signed_up', externalId: 'user-42' });
});

test('a company is created from the combobox and linked in one go', async ({ page }) => {
  await openConsole(page);
  await pageApi(page, 'companies.create', { name: 'Existing Ltd' });
  const { contact } = await pageApi(page, 'contacts.create', { name: 'Solo Founder' });
  await goToHash(page, `#/leads?contact=${contact.id}`);
  const panel = contactPanel(page);
  const find = panel.getByRole('combobox', { name: 'Find a company to link' });
  await find.fill('Brand New Co');
  const create = panel.getByRole('option', { name: 'Create company “Brand New Co”' });
  await expect(create).toBeVisible();
  await expect(create).toHaveAttribute('aria-selected', 'false');
  await find.press('ArrowDown');
  await expect(create).toHaveAttribute('aria-selected', 'true');
  await find.press('Enter');
  await expect(page.getByTestId('toasts')).toContainText('Created Brand New Co and linked it');
  await expect(panel.getByTestId('contact-company')).toContainText('Brand New Co');
  await expect(find).toHaveValue('');

  // arrows move through the list; Esc closes the list but not the panel
  await find.fill('Existing');
  await expect(panel.getByRole('option', { name: /Existing Ltd/ })).toHaveAttribute('aria-selected', 'false');
  await find.press('ArrowDown');
  await expect(panel.getByRole('option', { name: /Existing Ltd/ })).toHaveAttribute('aria-selected', 'true');
  await find.press('ArrowDown');
  await expect(panel.getByRole('option', { name: 'Create company “Existing”' })).toHaveAttribute('aria-selected', 'true');
  await find.press('Escape');
  await expect(panel.getByRole('listbox')).toBeHidden();
  await expect(panel).toBeVisible();

  const list = await pageApi(page, 'companies.list', { search: 'Brand' });
  expect(list.items.map((c) => [c.name, c.stage, c.userCount])).toEqual([['Brand New Co', null, 1]]);
});

test('the company picker highlights nothing: "Kel", ↓, Enter links the match; only the explicit option creates', async ({ page }) => {
  await openConsole(page);
  const kelvin = await pageApi(page, 'companies.create', { name: 'Kelvin Labs' });
  const { contact } = await pageApi(page, 'contacts.create', { name: 'Picky Person' });
  await goToHash(page, `#/leads?contact=${contact.id}`);
  const panel = contactPanel(page);
  const find = panel.getByRole('combobox', { name: 'Find a company to link' });

  // typed and Enter at once: nothing is highlighted, so nothing is linked or created
  await find.fill('Kel');
  await expect(panel.getByTestId('linker-status')).toHaveText('1 match: ↓ to choose, Enter to pick. The last option is Create company “Kel”.');
  await expect(panel.getByRole('option', { name: /Kelvin Labs/ })).toHaveAttribute('aria-selected', 'false');
  await expect(panel.getByRole('option', { name: 'Create company “Kel”' })).toHaveAttribute('aria-selected', 'false');
  await find.press('Enter');
  await expect(find).toHaveValue('Kel');
  expect((await pageApi(page, 'companies.list', {})).total).toBe(1);

  // typed fast, before the search answers: ↓ and Enter still apply to the answer for "Kel"
  await find.fill('');
  await find.pressSequentially('Kel');
  await find.press('ArrowDown');
  await find.press('Enter');
  await expect(panel.getByTestId('contact-company')).toContainText('Kelvin Labs');
  await expect(page.getByTestId('toasts')).toContainText('Linked to Kelvin Labs');
  let list = await pageApi(page, 'companies.list', {});
  expect(list.items.map((c) => c.name)).toEqual(['Kelvin Labs']);
  expect((await pageApi(page, 'companies.get', { id: kelvin.id })).users.map((u) => u.id)).toEqual([contact.id]);

  // the explicit last option, reached with the keyboard, creates one and links it
  await find.fill('Kel');
  const create = panel.getByRole('option', { name: 'Create company “Kel”' });
  await expect(panel.getByTestId('linker-status')).toHaveText('No match. The last option is Create company “Kel”.');
  await find.press('ArrowUp');
  await expect(create).toHaveAttribute('aria-selected', 'true');
  await find.press('Enter');
  await expect(page.getByTestId('toasts')).toContainText('Created Kel and linked it');
  list = await pageApi(page, 'companies.list', {});
  expect(list.items.map((c) => [c.name, c.userCount]).sort()).toEqual([['Kel', 1], ['Kelvin Labs', 1]]);
});

test('the companies list searches, filters by stage, counts, sorts and opens rows from the keyboard', async ({ page }) => {
  await openConsole(page);
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Companies' }).click();
  await expect(page.getByTestId('empty-state')).toContainText('No companies yet');
  await expect(page.getByTestId('company-count')).toHaveText('0 companies');

  await pageApi(page, 'companies.create', { name: 'Alpha Ltd', externalId: 'alpha', stage: 'sql', plan: 'Pro', monthlySpend: 1200 });
  await pageApi(page, 'companies.create', { name: 'Beta GmbH', stage: 'customer' });
  await pageApi(page, 'companies.create', { name: 'Gamma Inc' });
  await pageApi(page, 'companies.create', { name: 'Alphabet Soup' });
  // the pushed change refreshes the list
  const rows = page.getByTestId('company-row');
  await expect(page.getByTestId('company-count')).toHaveText('4 companies');
  await expect(rows).toHaveCount(4);
  await expect(rows.first()).toContainText('Alpha Ltd');
  await expect(rows.first()).toContainText('alpha');
  await expect(rows.first()).toContainText('SQL');
  await expect(rows.first()).toContainText(/1.?200/);

  await page.getByLabel('Search companies').fill('alpha');
  await expect(page.getByTestId('company-count')).toHaveText('2 companies');
  await expect(rows).toHaveText([/Alpha Ltd/, /Alphabet Soup/]);

  const filter = page.getByRole('group', { name: 'Stage filter' });
  await filter.getByRole('button', { name: 'SQL' }).click();
  await expect(page.getByTestId('company-count')).toHaveText('1 company');
  await expect(rows).toHaveText([/Alpha Ltd/]);
  await filter.getByRole('button', { name: 'No stage' }).click();
  await expect(rows).toHaveText([/Alphabet Soup/]);
  await filter.getByRole('button', { name: 'Customer' }).click();
  await expect(page.getByTestId('empty-state')).toContainText('No company matches');

  await page.getByLabel('Search companies').fill('');
  await expect(rows).toHaveText([/Beta GmbH/]);
  await filter.getByRole('button', { name: 'All' }).click();
  await expect(page.getByTestId('company-count')).toHaveText('4 companies');

  // sort by name, descending on the second click
  await page.getByRole('columnheader', { name: /Name/ }).getByRole('button').click();
  await expect(rows.first()).toContainText('Gamma Inc');
  await expect(page.getByRole('columnheader', { name: /Name/ })).toHaveAttribute('aria-sort', 'descending');

  // keyboard: focus the first row, j moves down, Enter opens
  await rows.first().focus();
  await page.keyboard.press('j');
  await expect(rows.nth(1)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(companyPanel(page).getByTestId('company-title')).toHaveText('Beta GmbH');
  // click opens too
  await rows.nth(2).click();
  await expect(companyPanel(page).getByTestId('company-title')).toHaveText('Alphabet Soup');
  await page.screenshot({ path: test.info().outputPath('companies.png') });
});

test('a user is linked from the company page by searching the contacts', async ({ page }) => {
  await openConsole(page);
  const company = await pageApi(page, 'companies.create', { name: 'Lonely Co', externalId: 'co-lonely' });
  const { contact } = await pageApi(page, 'contacts.create', { name: 'Found Person', email: 'found@example.test' });
  await pageApi(page, 'contacts.create', { name: 'Someone Else' });
  await goToHash(page, `#/companies?company=${company.id}`);
  const panel = companyPanel(page);
  await expect(panel).toContainText('No users linked yet.');

  const find = panel.getByRole('combobox', { name: 'Find a contact to link' });
  await find.fill('found');
  await expect(panel.getByRole('option')).toHaveCount(1);
  await expect(panel.getByRole('option', { name: /Found Person/ })).toHaveAttribute('aria-selected', 'false');
  await find.press('ArrowDown');
  await expect(panel.getByRole('option', { name: /Found Person/ })).toHaveAttribute('aria-selected', 'true');
  await find.press('Enter');
  await expect(page.getByTestId('toasts')).toContainText('Linked Found Person');
  await expect(panel.getByTestId('company-user')).toHaveText(/Found Person/);
  const kept = await pageApi(page, 'contacts.get', { id: contact.id });
  expect(kept.companies.map((c) => c.name)).toEqual(['Lonely Co']);

  // someone already linked is not offered again
  await find.fill('found');
  await expect(panel.getByRole('listbox')).toContainText('No contact matches');
});
