// The Leads table, driven as a person would: typing, clicking headers, menus, modifier clicks,
// keys. Records are seeded through the page's own typed client (what a script could do too).
import { expect, test, type Locator, type Page } from '@playwright/test';
import { consolePerTest } from './browserMode';

const app = consolePerTest();

interface Seed {
  name: string;
  email?: string;
  stage?: 'lead' | 'signed_up';
}

/** Creates the contacts one by one, in order, through the page's client. */
async function seed(page: Page, contacts: Seed[]): Promise<string[]> {
  return page.evaluate(async (list) => {
    const ids: string[] = [];
    for (const c of list) {
      const created = await window.leadConsole!.call('contacts.create', { name: c.name, email: c.email, stage: c.stage });
      ids.push(created.contact.id);
    }
    return ids;
  }, contacts);
}

const grid = (page: Page) => page.getByTestId('leads-grid');
const rows = (page: Page) => page.getByTestId('lead-row');
const count = (page: Page) => page.getByTestId('contact-count');

/** Names in the order the rows are shown. */
async function shownNames(page: Page): Promise<string[]> {
  return page.locator('[data-testid="lead-row"]').evaluateAll((els) =>
    els
      .map((el) => ({ i: Number(el.getAttribute('data-row-index')), name: el.querySelector('.lead-name')?.textContent ?? '' }))
      .sort((a, b) => a.i - b.i)
      .map((r) => r.name),
  );
}

async function open(page: Page, contacts: Seed[]): Promise<string[]> {
  await page.goto(app.openUrl);
  await expect(count(page)).toHaveText('0 contacts');
  const ids = await seed(page, contacts);
  await expect(count(page)).toHaveText(`${contacts.length} ${contacts.length === 1 ? 'contact' : 'contacts'}`);
  return ids;
}

const PEOPLE: Seed[] = [
  { name: 'Carla Diaz', email: 'carla@diaz.example' },
  { name: 'Ann Smith', email: 'ann@smith.example' },
  { name: 'Bruno Evans', email: 'bruno@evans.example' },
  { name: 'Annika Berg', email: 'annika@berg.example' },
  { name: 'Dmitri Olsen', email: 'dmitri@olsen.example', stage: 'signed_up' },
];

test('typing part of a name filters as you type and the count follows', async ({ page }) => {
  await open(page, PEOPLE);
  const search = page.getByLabel('Search leads');
  // `/` focuses the search box from anywhere
  await page.locator('body').press('/');
  await expect(search).toBeFocused();
  await search.pressSequentially('ann', { delay: 30 });
  await expect(count(page)).toHaveText('2 contacts');
  await expect(grid(page)).toHaveAttribute('data-result-for', 'ann');
  await expect(grid(page)).toHaveAttribute('data-total', '2');
  expect((await shownNames(page)).sort()).toEqual(['Ann Smith', 'Annika Berg']);

  await search.pressSequentially('ika');
  await expect(count(page)).toHaveText('1 contact');
  expect(await shownNames(page)).toEqual(['Annika Berg']);
  // Esc leaves the box for the results and keeps the search: j then Enter opens the match
  await search.press('Escape');
  await expect(grid(page)).toBeFocused();
  await expect(search).toHaveValue('annika');
  await page.keyboard.press('j');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('contact-panel')).toBeVisible();
  expect(page.url()).toContain(await rows(page).first().getAttribute('data-id'));
  await search.click();

  await search.fill('nobody-matches-this');
  await expect(page.getByTestId('empty-state')).toContainText('No contact matches “nobody-matches-this”');
  await page.getByRole('button', { name: 'Clear search and filters' }).click();
  await expect(search).toHaveValue('');
  await expect(count(page)).toHaveText('5 contacts');
  await expect(grid(page)).toHaveAttribute('data-result-for', '');
});

test('clicking a header sorts by it, and again reverses', async ({ page }) => {
  await open(page, PEOPLE);
  const nameHeader = page.getByRole('columnheader', { name: 'Name' });
  await expect(nameHeader).toHaveAttribute('aria-sort', 'none');
  await nameHeader.getByRole('button').click();
  await expect(nameHeader).toHaveAttribute('aria-sort', 'ascending');
  const ascending = ['Ann Smith', 'Annika Berg', 'Bruno Evans', 'Carla Diaz', 'Dmitri Olsen'];
  await expect.poll(() => shownNames(page)).toEqual(ascending);

  await nameHeader.getByRole('button').click();
  await expect(nameHeader).toHaveAttribute('aria-sort', 'descending');
  await expect.poll(() => shownNames(page)).toEqual([...ascending].reverse());

  // another header takes over the sort
  const emailHeader = page.getByRole('columnheader', { name: 'Email' });
  await emailHeader.getByRole('button').click();
  await expect(emailHeader).toHaveAttribute('aria-sort', 'ascending');
  await expect(nameHeader).toHaveAttribute('aria-sort', 'none');
  // the companies column is not sortable
  await expect(page.getByRole('columnheader', { name: 'Companies' })).not.toHaveAttribute('aria-sort', /.*/);
});

test('a hidden column and a changed width are remembered after a reload', async ({ page }) => {
  await open(page, PEOPLE.slice(0, 2));
  await expect(page.getByRole('columnheader', { name: 'Email' })).toBeVisible();

  await page.getByRole('button', { name: 'Columns' }).click();
  const menu = page.getByTestId('columns-menu');
  await menu.getByLabel('Email').uncheck();
  await expect(page.getByRole('columnheader', { name: 'Email' })).toHaveCount(0);
  await expect(grid(page)).not.toContainText('ann@smith.example');
  await page.keyboard.press('Escape');
  await expect(menu).toHaveCount(0);

  // drag the right edge of the Name header 120px wider
  const nameHeader = page.getByRole('columnheader', { name: 'Name' });
  const before = (await nameHeader.boundingBox())!.width;
  const handle = page.getByRole('separator', { name: 'Resize column Name' });
  const box = (await handle.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2, { steps: 4 });
  await page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2, { steps: 4 });
  await page.mouse.up();
  await expect.poll(async () => Math.round((await nameHeader.boundingBox())!.width)).toBe(Math.round(before + 120));

  // and the Role column wider by keyboard
  const roleHandle = page.getByRole('separator', { name: 'Resize column Role' });
  const roleBefore = Number(await roleHandle.getAttribute('aria-valuenow'));
  await roleHandle.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Shift+ArrowRight');
  await expect(roleHandle).toHaveAttribute('aria-valuenow', String(roleBefore + 60));

  await page.reload();
  await expect(count(page)).toHaveText('2 contacts');
  await expect(page.getByRole('columnheader', { name: 'Email' })).toHaveCount(0);
  await expect.poll(async () => Math.round((await page.getByRole('columnheader', { name: 'Name' }).boundingBox())!.width)).toBe(Math.round(before + 120));
  await expect(page.getByRole('separator', { name: 'Resize column Role' })).toHaveAttribute('aria-valuenow', String(roleBefore + 60));

  // and shown again from the same menu
  await page.getByRole('button', { name: 'Columns' }).click();
  await page.getByTestId('columns-menu').getByLabel('Email').check();
  await expect(page.getByRole('columnheader', { name: 'Email' })).toBeVisible();
});

test('a stage filter is added from the menu as a chip and removed again', async ({ page }) => {
  await open(page, PEOPLE);
  await page.getByRole('button', { name: 'Add filter' }).click();
  await page.getByTestId('add-filter-menu').getByRole('button', { name: 'Stage: Signed up' }).click();
  await expect(page.getByTestId('add-filter-menu')).toHaveCount(0);
  await expect(page.getByTestId('filter-chip')).toHaveText(['Stage: Signed up×']);
  await expect(count(page)).toHaveText('1 contact');
  expect(await shownNames(page)).toEqual(['Dmitri Olsen']);

  // Esc closes the menu without adding anything
  await page.getByRole('button', { name: 'Add filter' }).click();
  await expect(page.getByTestId('add-filter-menu')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('add-filter-menu')).toHaveCount(0);

  await page.getByRole('button', { name: 'Remove filter Stage: Signed up' }).click();
  await expect(page.getByTestId('filter-chip')).toHaveCount(0);
  await expect(count(page)).toHaveText('5 contacts');
});

test('three rows picked with ctrl and shift are signed up in bulk, after a counted confirmation', async ({ page }) => {
  await open(page, PEOPLE);
  await page.getByRole('columnheader', { name: 'Name' }).getByRole('button').click();
  await expect.poll(() => shownNames(page)).toEqual(['Ann Smith', 'Annika Berg', 'Bruno Evans', 'Carla Diaz', 'Dmitri Olsen']);

  // ctrl-click Annika, shift-click Carla: Annika, Bruno and Carla
  const row = (i: number) => page.locator(`[data-testid="lead-row"][data-row-index="${i}"]`);
  await row(1).locator('.lead-name').click({ modifiers: ['ControlOrMeta'] });
  await row(3).locator('.lead-name').click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('selected-count')).toHaveText('3 selected');
  for (const name of ['Annika Berg', 'Bruno Evans', 'Carla Diaz']) await expect(page.getByLabel(`Select ${name}`)).toBeChecked();
  for (const name of ['Ann Smith', 'Dmitri Olsen']) await expect(page.getByLabel(`Select ${name}`)).not.toBeChecked();
  // a modifier click selects; it does not open the record
  await expect(page.getByTestId('contact-panel')).toHaveCount(0);

  await page.getByRole('button', { name: 'Set stage ▾' }).click();
  await page.getByTestId('bulk-stage-menu').getByRole('button', { name: 'Signed up' }).click();
  const confirm = page.getByTestId('confirm-dialog');
  await expect(confirm).toContainText('Sign up 3 contacts.');
  // Signed up is the sign-up itself, as on one record: the confirmation says they become users
  await expect(confirm).toContainText('Each becomes a user at Signed up, as Sign up… makes one: Intercom knows it by its user id, or else by its email.');
  await expect(confirm).toContainText('It can be undone until the sign-ups reach Intercom');
  await confirm.getByRole('button', { name: 'Sign up (3)' }).click();
  await expect(page.getByTestId('bulk-undo')).toContainText('Signed up 3 selected contacts');
  await expect(page.getByTestId('bulk-bar')).toHaveCount(0);
  for (const name of ['Annika Berg', 'Bruno Evans', 'Carla Diaz']) {
    const row = page.getByTestId('lead-row').filter({ hasText: name });
    await expect(row.locator('.lead-col-stage')).toHaveText('Signed up');
    await expect(row.locator('.lead-col-role')).toHaveText('User');
  }
  await expect(page.getByTestId('lead-row').filter({ hasText: 'Ann Smith' }).locator('.lead-col-stage')).toHaveText('Lead');
  // a lead's role cell stays empty (its stage says Lead), with the words on hover
  await expect(page.getByTestId('lead-row').filter({ hasText: 'Ann Smith' }).locator('.lead-col-role')).toHaveAttribute('title', 'A lead (not signed up)');
});

test('checkboxes select too, and the confirmation counts who is already there', async ({ page }) => {
  const ids = await open(page, PEOPLE);
  // Dmitri is signed up already (a user), so the bulk sign-up leaves him as he is
  await page.evaluate((id) => window.leadConsole!.call('contacts.signUp', { id }), ids[4]!);
  await page.getByRole('columnheader', { name: 'Name' }).getByRole('button').click();
  await expect.poll(() => shownNames(page)).toEqual(['Ann Smith', 'Annika Berg', 'Bruno Evans', 'Carla Diaz', 'Dmitri Olsen']);
  // Carla's box, then shift on Dmitri's (a range of two), then Ann's on its own
  await page.getByLabel('Select Carla Diaz').check();
  await page.getByLabel('Select Dmitri Olsen').click({ modifiers: ['Shift'] });
  await page.getByLabel('Select Ann Smith').check();
  await expect(page.getByTestId('selected-count')).toHaveText('3 selected');

  await page.getByRole('button', { name: 'Set stage ▾' }).click();
  await page.getByTestId('bulk-stage-menu').getByRole('button', { name: 'Signed up' }).click();
  // Dmitri is signed up already
  await expect(page.getByTestId('confirm-dialog')).toContainText('Sign up 2 contacts (1 already signed up).');
  await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Sign up (2)' }).click();
  for (const name of ['Ann Smith', 'Carla Diaz', 'Dmitri Olsen']) {
    await expect(page.getByTestId('lead-row').filter({ hasText: name }).locator('.lead-col-stage')).toHaveText('Signed up');
  }
  await expect(page.getByTestId('lead-row').filter({ hasText: 'Annika Berg' }).locator('.lead-col-stage')).toHaveText('Lead');

  // moving them back is a demotion: the confirmation says so
  await page.getByRole('checkbox', { name: 'Select all matching contacts' }).check();
  await expect(page.getByTestId('selected-count')).toHaveText('5 selected');
  await page.getByRole('button', { name: 'Set stage ▾' }).click();
  await page.getByTestId('bulk-stage-menu').getByRole('button', { name: 'Lead' }).click();
  await expect(page.getByTestId('confirm-dialog')).toContainText('Set 3 contacts to Lead? 2 are already there. This moves 3 contacts back to an earlier stage.');
  await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Set 3 contacts to Lead' }).click();
  await expect(page.getByTestId('toasts')).toContainText('3 contacts set to Lead.');
  await expect(page.locator('.lead-col-stage', { hasText: 'Signed up' })).toHaveCount(0);
});

test('j/k move the highlighted row and Enter opens the contact', async ({ page }) => {
  await open(page, PEOPLE);
  await page.getByRole('columnheader', { name: 'Name' }).getByRole('button').click();
  await expect.poll(() => shownNames(page)).toEqual(['Ann Smith', 'Annika Berg', 'Bruno Evans', 'Carla Diaz', 'Dmitri Olsen']);
  // the header button has focus after the click; give it back to the page, as after a click elsewhere
  await page.getByTestId('page-title').click();

  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('k');
  const active = page.locator('[data-testid="lead-row"][aria-selected="true"]');
  await expect(active).toHaveCount(1);
  await expect(active).toHaveAttribute('data-row-index', '1');
  await expect(active).toContainText('Annika Berg');
  await page.keyboard.press('ArrowDown');
  await expect(active).toContainText('Bruno Evans');

  // Space selects the highlighted row
  await page.keyboard.press('Space');
  await expect(page.getByLabel('Select Bruno Evans')).toBeChecked();

  await page.keyboard.press('Enter');
  await expect(page.getByTestId('contact-panel')).toBeVisible();
  expect(page.url()).toContain('contact=');

  // the ? list names the table's keys
  await page.getByTestId('page-title').click();
  await page.keyboard.press('?');
  const help = page.getByTestId('shortcuts-dialog');
  await expect(help).toContainText('Next lead');
  await expect(help).toContainText('Previous lead');
  await expect(help).toContainText('Open the highlighted lead');
  await expect(help).toContainText('Search leads');
});

test('a row whose contact changes while the button is held is neither opened nor ticked on release', async ({ page }) => {
  await open(page, PEOPLE);
  // newest first: the last one seeded is the first row
  const first = page.locator('[data-testid="lead-row"][data-row-index="0"]');
  await expect(first).toContainText('Dmitri Olsen');
  const press = async (target: Locator) => {
    const box = (await target.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
  };
  // the page has handled the release (its click) once two frames have been drawn after it
  const settled = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

  // pressed on Dmitri; a contact created meanwhile (another window, a sync) takes the first row
  await press(first.locator('.lead-name'));
  await seed(page, [{ name: 'Eve Newcomer' }]);
  await expect(first).toContainText('Eve Newcomer');
  await page.mouse.up();
  await settled();
  await expect(page.getByTestId('contact-panel')).toHaveCount(0);
  expect(page.url()).not.toContain('contact=');

  // the same for the row's checkbox
  await press(first.getByRole('checkbox'));
  await seed(page, [{ name: 'Fay Later' }]);
  await expect(first).toContainText('Fay Later');
  await page.mouse.up();
  await settled();
  await expect(page.getByLabel('Select Fay Later')).not.toBeChecked();
  await expect(page.getByLabel('Select Eve Newcomer')).not.toBeChecked();
  await expect(page.getByTestId('bulk-bar')).toHaveCount(0);

  // a click on what the row shows still opens it
  await first.locator('.lead-name').click();
  await expect(page.getByTestId('contact-panel')).toBeVisible();
  await expect(page.getByTestId('contact-panel')).toContainText('Fay Later');
});

test('a few hundred rows scroll smoothly to the last one', async ({ page }) => {
  await page.goto(app.openUrl);
  await expect(count(page)).toHaveText('0 contacts');
  const n = 300;
  await seed(
    page,
    Array.from({ length: n }, (_, i) => ({ name: `Person ${String(i).padStart(3, '0')}` })),
  );
  await expect(count(page)).toHaveText('300 contacts');
  await page.getByRole('columnheader', { name: 'Name' }).getByRole('button').click();
  await expect(grid(page)).toHaveAttribute('aria-rowcount', String(n + 1));
  // only a window of rows is in the DOM
  await expect(page.locator('[data-testid="lead-row"][data-row-index="0"]')).toContainText('Person 000');
  expect(await page.locator('[data-testid="lead-row"], [data-testid="lead-row-placeholder"]').count()).toBeLessThan(80);

  // the scroll height stands for every row
  const { scrollHeight, clientHeight } = await grid(page).evaluate((el) => ({ scrollHeight: el.scrollHeight, clientHeight: el.clientHeight }));
  expect(scrollHeight).toBeGreaterThanOrEqual(n * 36);

  // scroll down in steps, like a wheel would, then jump to the end
  for (let y = 0; y < scrollHeight / 2; y += clientHeight) await grid(page).evaluate((el, top) => el.scrollTo(0, top), y);
  await grid(page).evaluate((el) => el.scrollTo(0, el.scrollHeight));
  const lastRow = page.locator(`[data-testid="lead-row"][data-row-index="${n - 1}"]`);
  // (seeding a few hundred records keeps the engine busy for a while on a loaded machine)
  await expect(lastRow).toContainText('Person 299', { timeout: 15_000 });
  await expect(lastRow).toBeInViewport();
  await expect(page.getByTestId('lead-row-placeholder')).toHaveCount(0);
});
