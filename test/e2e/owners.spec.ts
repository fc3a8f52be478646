// Owners on screen, with the built-in sandbox (`--sandbox`), whose demo workspace shares its
// contacts among a team of three: the Owner column and its sort, the owner filter with "Me", the
// owner picked on the record page and synced, the bulk "Assign owner" counted, confirmed and
// undone, and "Who you are" in Settings moving "My leads" and the name changes are recorded under.
import { expect, test, type Page } from '@playwright/test';
import { consolePerTest, pageApi } from './browserMode';
import { unnamedControls } from './unnamedControls';

const app = consolePerTest(['--sandbox']);

async function imported(page: Page) {
  await page.goto(app.openUrl);
  await expect.poll(async () => (await pageApi(page, 'sync.status', {})).initialImport, { timeout: 30_000 }).toBe('done');
  await expect.poll(async () => (await pageApi(page, 'admins.list', {})).items.length, { timeout: 30_000 }).toBe(3);
  const team = await pageApi(page, 'admins.list', {});
  return { team: team.items, me: team.me! };
}

const ownerCells = (page: Page) => page.getByTestId('lead-row').locator('.lead-col-owner');
const segmentItem = (page: Page, name: string) => page.getByTestId('segment-item').filter({ has: page.getByText(name, { exact: true }) });

test('the Owner column names the team, sorts, and the owner filter finds my contacts', async ({ page }) => {
  const { me } = await imported(page);
  await expect(page.getByRole('columnheader', { name: 'Owner' })).toBeVisible();
  const mine = (await pageApi(page, 'contacts.list', { filter: { owner: ['me'] }, limit: 100 })).total;
  expect(mine).toBeGreaterThan(5);

  await page.getByRole('button', { name: 'Add filter' }).click();
  await page.getByTestId('add-filter-menu').getByRole('button', { name: 'Owner: Me' }).click();
  await expect(page.getByTestId('filter-chip')).toHaveText(['Owner: Me×']);
  await expect(page.getByTestId('contact-count')).toHaveText(`${mine} contacts`);
  await expect(ownerCells(page).first()).toHaveText(`${me.name} (me)`);
  for (const text of await ownerCells(page).allTextContents()) expect(text).toBe(`${me.name} (me)`);
  await page.getByRole('button', { name: 'Remove filter Owner: Me' }).click();

  // nobody's first, then grouped by owner
  await page.getByRole('columnheader', { name: 'Owner' }).getByRole('button').click();
  await expect(page.getByRole('columnheader', { name: 'Owner' })).toHaveAttribute('aria-sort', 'ascending');
  await expect(ownerCells(page).first()).toHaveText('');
  await page.getByRole('columnheader', { name: 'Owner' }).getByRole('button').click();
  await expect(page.getByRole('columnheader', { name: 'Owner' })).toHaveAttribute('aria-sort', 'descending');
  await expect(ownerCells(page).first()).not.toHaveText('');
  expect(await unnamedControls(page), 'leads with the owner column').toEqual([]);
});

test('the owner set on the record page reaches Intercom; bulk Assign owner is counted, confirmed and undone', async ({ page }) => {
  const { team, me } = await imported(page);
  const robin = team.find((a) => a.name === 'Robin Reyes')!;
  const kai = team.find((a) => a.name === 'Kai Okafor')!;
  const nobodys = (await pageApi(page, 'contacts.list', { filter: { owner: ['none'] }, sort: { field: 'name', dir: 'asc' }, limit: 3 })).items;

  await page.evaluate((id) => {
    location.hash = `#/leads?contact=${id}`;
  }, nobodys[0]!.id);
  const panel = page.getByTestId('contact-panel');
  const owner = panel.getByLabel('Owner');
  await expect(owner).toHaveValue('');
  await owner.selectOption({ label: 'Robin Reyes' });
  await expect(page.getByTestId('toasts')).toContainText('Owner set to Robin Reyes');
  expect(await unnamedControls(page), 'the record page with its owner').toEqual([]);
  await pageApi(page, 'sync.now', {});
  await expect.poll(async () => (await pageApi(page, 'sync.status', {})).pending, { timeout: 20_000 }).toBe(0);
  const synced = await pageApi(page, 'contacts.get', { id: nobodys[0]!.id });
  expect(synced).toMatchObject({ ownerId: robin.id, syncState: 'synced' });
  await page.keyboard.press('Escape');

  // two of nobody's contacts handed to Kai at once
  await page.getByRole('button', { name: 'Add filter' }).click();
  await page.getByTestId('add-filter-menu').getByRole('button', { name: 'Owner: Nobody' }).click();
  await page.getByRole('columnheader', { name: 'Name' }).getByRole('button').click();
  // the filtered, sorted list has settled (its first row is the first of nobody's left) before rows are picked:
  // a check on a row the list is still replacing would pick someone else
  await expect(page.getByTestId('lead-row').first()).toContainText(nobodys[1]!.name!);
  for (const c of nobodys.slice(1, 3)) await page.getByLabel(`Select ${c.name}`).check();
  for (const c of nobodys.slice(1, 3)) await expect(page.getByLabel(`Select ${c.name}`)).toBeChecked();
  await expect(page.getByTestId('bulk-bar')).toContainText('2 selected');
  await page.getByRole('button', { name: 'Assign owner ▾' }).click();
  await page.getByTestId('bulk-owner-menu').getByRole('button', { name: 'Kai Okafor' }).click();
  const confirm = page.getByTestId('confirm-dialog');
  await expect(confirm).toContainText('Assign to Kai Okafor on 2 contacts.');
  await confirm.getByRole('button', { name: 'Assign to Kai Okafor (2)' }).click();
  for (const c of nobodys.slice(1, 3)) await expect.poll(async () => (await pageApi(page, 'contacts.get', { id: c.id })).ownerId).toBe(kai.id);
  // they left the "Nobody" view
  for (const c of nobodys.slice(1, 3)) await expect(page.getByTestId('lead-row').filter({ hasText: c.name! })).toHaveCount(0);

  const undo = page.getByTestId('bulk-undo');
  await expect(undo).toContainText('Assigned 2 selected contacts to Kai Okafor');
  await undo.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByTestId('toasts')).toContainText('Undone: 2 contacts restored.');
  for (const c of nobodys.slice(1, 3)) expect((await pageApi(page, 'contacts.get', { id: c.id })).ownerId).toBeNull();
  expect(me.source).toBe('connection');
});

test('"Who you are" in Settings moves My leads and the name changes are recorded under', async ({ page }) => {
  const { me } = await imported(page);
  const count = async (owner: string) => (await pageApi(page, 'contacts.list', { filter: { owner: [owner] }, limit: 1 })).total;
  await expect(segmentItem(page, 'My leads').getByTestId('segment-count')).toHaveText(String(await count(me.adminId)));

  await page.locator('body').press(',');
  const who = page.getByTestId('setting-me');
  await expect(who).toHaveValue('');
  await expect(who.locator('option').first()).toHaveText(`The connected admin (${me.name})`);
  await who.selectOption({ label: 'Kai Okafor' });
  await expect(page.getByTestId('toasts')).toContainText('You are Kai Okafor now');
  await expect(page.getByTestId('settings-actor')).toHaveText('Kai Okafor');
  expect(await unnamedControls(page), 'settings with who you are').toEqual([]);
  const kaiId = (await pageApi(page, 'settings.get', {})).meAdminId!;
  await expect(segmentItem(page, 'My leads').getByTestId('segment-count')).toHaveText(String(await count(kaiId)));

  await page.locator('body').press('1');
  await segmentItem(page, 'My leads').getByTestId('segment-open').click();
  await expect(page.getByTestId('contact-count')).toHaveText(`${await count(kaiId)} contact${(await count(kaiId)) === 1 ? '' : 's'}`);
});
