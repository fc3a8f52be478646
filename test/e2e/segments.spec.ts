// Segments in the sidebar and bulk actions on a segment, driven as a person would: built-ins with
// live counts, a new segment built with AND / OR in the editor (its count following the edits),
// counts that follow a change made elsewhere, a counted and confirmed bulk stage change that Undo
// reverses, and a CSV export whose rows are the segment's members.
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import { consolePerTest, pageApi } from './browserMode';
import { unnamedControls } from './unnamedControls';

const app = consolePerTest();

/** Four leads and two signed-up contacts, all captured now. */
const PEOPLE = [
  { name: 'Ann Smith', stage: 'lead' },
  { name: 'Annika Berg', stage: 'lead' },
  { name: 'Bruno Evans', stage: 'lead' },
  { name: 'Carla Diaz', stage: 'lead' },
  { name: 'Dmitri Olsen', stage: 'signed_up' },
  { name: 'Erin Park', stage: 'signed_up' },
] as const;

async function seed(page: Page): Promise<Record<string, string>> {
  return page.evaluate(async (people) => {
    const ids: Record<string, string> = {};
    for (const p of people) {
      const { contact } = await window.leadConsole!.call('contacts.create', {
        name: p.name,
        email: `${p.name.toLowerCase().replace(' ', '.')}@segments.example`,
        stage: p.stage,
      });
      ids[p.name] = contact.id;
    }
    return ids;
  }, PEOPLE);
}

const segmentItem = (page: Page, name: string) => page.getByTestId('segment-item').filter({ has: page.getByText(name, { exact: true }) });
const segmentCount = (page: Page, name: string) => segmentItem(page, name).getByTestId('segment-count');

async function shownNames(page: Page): Promise<string[]> {
  return page.locator('[data-testid="lead-row"] .lead-name').evaluateAll((els) => els.map((e) => e.textContent ?? '').sort());
}

test('built-in segments count live; a segment made with AND / OR in the editor shows its count as it is edited', async ({ page }) => {
  await page.goto(app.openUrl);
  const ids = await seed(page);
  await expect(segmentCount(page, 'New leads this week')).toHaveText('4');
  await expect(segmentCount(page, 'Signed up, not yet SQL')).toHaveText('2');
  await expect(segmentCount(page, 'Slipping away')).toHaveText('0');

  // a change made elsewhere (here: a script through the API) moves the counts on its own
  await pageApi(page, 'contacts.setStage', { id: ids['Carla Diaz']!, stage: 'signed_up' });
  await expect(segmentCount(page, 'New leads this week')).toHaveText('3');
  await expect(segmentCount(page, 'Signed up, not yet SQL')).toHaveText('3');

  // leads whose name starts with "ann" or "bru": Ann, Annika, Bruno
  await page.getByRole('button', { name: 'New segment' }).click();
  const editor = page.getByTestId('segment-editor');
  await editor.getByLabel('Name').fill('Ann or Bruno, still leads');
  const first = editor.getByTestId('segment-condition').first();
  await first.getByRole('checkbox', { name: 'Lead' }).check();
  await expect(editor.getByTestId('segment-live-count')).toHaveText('3 contacts match');
  await editor.getByRole('button', { name: 'Add OR group' }).click();
  const group = editor.getByTestId('segment-group').nth(1);
  const orFirst = group.getByTestId('segment-condition').first();
  await orFirst.getByLabel('Condition type').selectOption('text');
  // an empty word is refused, and the message names the condition and its input
  await expect(editor.getByTestId('condition-error')).toContainText('Condition 2.1 (Text matches), value: must not be empty');
  await expect(editor.getByTestId('segment-live-count')).toHaveText('Fix the conditions to see how many match.');
  await orFirst.getByLabel('Words').fill('ann');
  await expect(editor.getByTestId('segment-live-count')).toHaveText('2 contacts match');
  await group.getByRole('button', { name: 'Add condition' }).click();
  const orSecond = group.getByTestId('segment-condition').nth(1);
  await orSecond.getByLabel('Condition type').selectOption('text');
  await orSecond.getByLabel('Words').fill('bru');
  await expect(editor.getByTestId('segment-live-count')).toHaveText('3 contacts match');
  expect(await unnamedControls(page), 'segment editor').toEqual([]);
  await editor.getByRole('button', { name: 'Save segment' }).click();
  await expect(editor).toHaveCount(0);
  await expect(segmentCount(page, 'Ann or Bruno, still leads')).toHaveText('3');

  // opening it shows exactly its members, with a chip naming it
  await segmentItem(page, 'Ann or Bruno, still leads').getByTestId('segment-open').click();
  await expect(page.getByTestId('filter-chip')).toHaveText(/Segment: Ann or Bruno, still leads/);
  await expect.poll(() => shownNames(page)).toEqual(['Ann Smith', 'Annika Berg', 'Bruno Evans']);
  // the place is in the URL: a reload shows the segment again
  expect(page.url()).toMatch(/#\/leads\?segment=/);
  await page.reload();
  await expect(page.getByTestId('filter-chip')).toHaveText(/Segment: Ann or Bruno, still leads/);
  await expect(page.getByTestId('contact-count')).toHaveText('3 contacts');
  await expect.poll(() => shownNames(page)).toEqual(['Ann Smith', 'Annika Berg', 'Bruno Evans']);

  // "Slipping away" keeps its name, but its N days can change
  await segmentItem(page, 'Slipping away').getByRole('button', { name: 'Edit segment Slipping away' }).click();
  await expect(editor.getByLabel('Name')).toBeDisabled();
  await expect(editor.getByRole('button', { name: 'Delete…' })).toHaveCount(0);
  await editor.getByLabel('Days').fill('7');
  await editor.getByRole('button', { name: 'Save segment' }).click();
  await expect(editor).toHaveCount(0);
  const saved = await pageApi(page, 'segments.list', {});
  expect(saved.items.find((s) => s.builtin === 'slipping-away')!.rule).toEqual({ op: 'and', rules: [{ field: 'lastActivity', op: 'olderThan', days: 7 }] });

  // a segment of one's own can be deleted: it leaves the sidebar, and the table it filtered
  await segmentItem(page, 'Ann or Bruno, still leads').getByRole('button', { name: 'Edit segment Ann or Bruno, still leads' }).click();
  await editor.getByRole('button', { name: 'Delete…' }).click();
  await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Delete segment' }).click();
  await expect(segmentItem(page, 'Ann or Bruno, still leads')).toHaveCount(0);
  await expect(page.getByTestId('filter-chip')).toHaveCount(0);
  await expect(page.getByTestId('contact-count')).toHaveText('6 contacts');
});

test('a bulk sign-up on a segment says how many first, runs, moves the counts, and Undo restores it', async ({ page }) => {
  await page.goto(app.openUrl);
  await seed(page);
  await expect(segmentCount(page, 'New leads this week')).toHaveText('4');
  await segmentItem(page, 'New leads this week').getByTestId('segment-open').click();
  await expect(page.getByTestId('contact-count')).toHaveText('4 contacts');
  await expect(page.getByTestId('bulk-target')).toHaveText('All 4 in this segment');
  expect(await unnamedControls(page), 'leads with a segment and its bulk bar').toEqual([]);

  await page.getByRole('button', { name: 'Set stage ▾' }).click();
  await page.getByTestId('bulk-stage-menu').getByRole('button', { name: 'Signed up' }).click();
  const confirm = page.getByTestId('confirm-dialog');
  // Signed up is the sign-up itself: they become users
  await expect(confirm).toContainText('Sign up 4 contacts.');
  await confirm.getByRole('button', { name: 'Sign up (4)' }).click();

  // they left the segment: the table and the sidebar follow
  await expect(page.getByTestId('contact-count')).toHaveText('0 contacts');
  await expect(segmentCount(page, 'New leads this week')).toHaveText('0');
  await expect(segmentCount(page, 'Signed up, not yet SQL')).toHaveText('6');

  const undo = page.getByTestId('bulk-undo');
  await expect(undo).toContainText('Signed up 4 contacts of “New leads this week”');
  await undo.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByTestId('toasts')).toContainText('Undone: 4 contacts restored.');
  await expect(page.getByTestId('contact-count')).toHaveText('4 contacts');
  await expect(segmentCount(page, 'New leads this week')).toHaveText('4');
  await expect(segmentCount(page, 'Signed up, not yet SQL')).toHaveText('2');

  // the recent list keeps it, and says it was undone
  await page.getByRole('button', { name: 'Recent bulk actions' }).click();
  await expect(page.getByTestId('bulk-history-item').first()).toContainText('Signed up 4 contacts');
  await expect(page.getByTestId('bulk-history-item').first()).toContainText('Undone');
});

test('Export CSV downloads the segment as the table shows it', async ({ page }) => {
  await page.goto(app.openUrl);
  await seed(page);
  await segmentItem(page, 'Signed up, not yet SQL').getByTestId('segment-open').click();
  await expect(page.getByTestId('contact-count')).toHaveText('2 contacts');
  // sorted by name, and without the Sync column
  await page.getByRole('columnheader', { name: 'Name' }).getByRole('button').click();
  await page.getByRole('button', { name: 'Columns' }).click();
  await page.getByTestId('columns-menu').getByLabel('Sync').uncheck();
  await page.keyboard.press('Escape');

  const downloading = page.waitForEvent('download', { timeout: 15_000 });
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const download = await downloading;
  const text = fs.readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
  const lines = text.trim().split(/\r?\n/);
  expect(lines).toHaveLength(3);
  // the visible columns in the table's order, the hidden Sync column left out; rows in its sort order
  expect(lines[0]!.split(',')).toEqual(['Name', 'Email', 'Role', 'Stage', 'Companies', 'Owner', 'Last activity', 'Created']);
  expect(lines[1]).toMatch(/^Dmitri Olsen,dmitri\.olsen@segments\.example,Lead,Signed up,/);
  expect(lines[2]).toMatch(/^Erin Park,erin\.park@segments\.example,Lead,Signed up,/);
  await expect(page.getByTestId('toasts')).toContainText('Exported 2 rows');
});

test('a selection is linked to a company in bulk, and undone from the recent list', async ({ page }) => {
  await page.goto(app.openUrl);
  await seed(page);
  await pageApi(page, 'companies.create', { name: 'Acme Corp' });
  await expect(page.getByTestId('contact-count')).toHaveText('6 contacts');
  await page.getByLabel('Select Ann Smith').check();
  await page.getByLabel('Select Bruno Evans').check();
  await expect(page.getByTestId('selected-count')).toHaveText('2 selected');

  await page.getByRole('button', { name: 'Link to company ▾' }).click();
  const menu = page.getByTestId('bulk-link-menu');
  await menu.getByLabel('Search companies').fill('acme');
  await menu.getByRole('button', { name: 'Company: Acme Corp' }).click();
  const confirm = page.getByTestId('confirm-dialog');
  await expect(confirm).toContainText('Link to Acme Corp on 2 contacts.');
  await confirm.getByRole('button', { name: 'Link to Acme Corp (2)' }).click();
  for (const name of ['Ann Smith', 'Bruno Evans']) {
    await expect(page.getByTestId('lead-row').filter({ hasText: name }).locator('.lead-col-companies')).toHaveText('Acme Corp');
  }
  await expect(page.getByTestId('bulk-bar')).toHaveCount(0);

  // undone later, from the list of recent bulk actions
  await page.getByTestId('bulk-undo').getByRole('button', { name: 'Dismiss' }).click();
  await page.getByRole('button', { name: 'Recent bulk actions' }).click();
  const item = page.getByTestId('bulk-history-item').first();
  await expect(item).toContainText('Linked 2 selected contacts to Acme Corp');
  await item.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByTestId('toasts')).toContainText('Undone: 2 contacts restored.');
  await expect(item).toContainText('Undone');
  for (const name of ['Ann Smith', 'Bruno Evans']) {
    await expect(page.getByTestId('lead-row').filter({ hasText: name }).locator('.lead-col-companies')).toHaveText('');
  }
});
