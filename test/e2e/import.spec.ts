// The import wizard, driven as a person would: a hand-made CSV is chosen, its guessed mapping
// checked and one column fixed, the preview shows the bad row by number, the run's report counts
// exactly what was created and skipped and why, the Leads table shows the new people, and a
// roll-back takes them away again. A Windows-1252 file says how it was read.
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { consolePerTest, pageApi } from './browserMode';

/** A file in the data folder that sets the pace of an import run (electron/engine/importGate.ts, read in the engine's worker); absent, runs go freely. */
const GATE_FILE = 'import-gate';
const app = consolePerTest([], { LEAD_CONSOLE_IMPORT_GATE: GATE_FILE });

test.beforeEach(async ({ page }) => {
  await page.goto(app.openUrl);
  await expect(page.getByTestId('status-bar')).toBeVisible();
});

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name, exact: true }).click();
const targetOf = (page: Page, column: string) => page.getByLabel(column, { exact: true });
const count = (page: Page, box: string, key: string) => page.getByTestId(box).locator(`[data-count="${key}"] dd`);

/**
 * Six data rows, numbered as a spreadsheet shows them (the header is row 1): three good ones, a
 * bad email (row 4), the same person as row 2 again (row 5: email differs only in case and a
 * trailing space), and someone already in the store (row 7). Row 2's note holds a line break
 * inside quotes.
 */
const PEOPLE_CSV = [
  'Email,Full Name,Mobile number,Notes',
  'ann@example.com,Ann Archer,+1 555 0101,"Met at the fair',
  'wants a demo"',
  'bob@example.com,Bob Baker,+1 555 0102,',
  'not-an-email,Carl Cole,,typo in the address',
  'ANN@example.com ,Ann Again,,same person',
  'dora@example.com,Dora Dunn,+1 555 0104,',
  'eve@example.com,Eve Evans,,already known',
].join('\r\n');

test('a CSV is mapped, previewed, imported and rolled back; the Leads table follows', async ({ page }) => {
  // Eve is already in Lead Console: her row is a duplicate in the store
  await pageApi(page, 'contacts.create', { name: 'Eve Evans', email: 'eve@example.com' });

  await page.keyboard.press('4');
  const view = page.getByTestId('import-view');
  await expect(view.getByRole('heading', { name: 'Import', level: 1 })).toBeVisible();
  await expect(page.getByTestId('import-recent-empty')).toBeVisible();

  await page.getByTestId('import-file-input').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(PEOPLE_CSV, 'utf8') });

  // the mapping step: kind and columns guessed from the header
  const mapping = page.getByTestId('import-mapping');
  await expect(mapping).toBeVisible();
  await expect(mapping.getByRole('heading')).toContainText('people.csv');
  await expect(mapping.getByRole('heading')).toContainText('6 rows');
  await expect(page.getByTestId('import-encoding-note')).toHaveCount(0);
  await expect(page.getByTestId('import-kind')).toHaveValue('contacts');
  await expect(page.getByTestId('import-column')).toHaveCount(4);
  await expect(targetOf(page, 'Email')).toHaveValue('email');
  await expect(targetOf(page, 'Full Name')).toHaveValue('name');
  await expect(targetOf(page, 'Mobile number')).toHaveValue('attribute:Mobile number');
  await expect(targetOf(page, 'Notes')).toHaveValue('attribute:Notes');
  // sample values per column; the quoted line break is one cell
  const notes = page.locator('[data-testid="import-column"][data-column="Notes"]');
  await expect(notes.locator('.import-sample').first()).toHaveText('Met at the fair ↵ wants a demo');
  await expect(page.getByTestId('import-duplicates').getByLabel(/Skip/)).toBeChecked();
  await expect(page.getByTestId('import-duplicates')).toContainText('by visitor id, then user id, then email');

  // "Mobile number" is the phone, not a custom attribute: fixed by hand
  await targetOf(page, 'Mobile number').selectOption({ label: 'Phone' });
  await expect(targetOf(page, 'Mobile number')).toHaveValue('phone');
  await page.screenshot({ path: test.info().outputPath('import-mapping.png'), fullPage: true });
  await page.getByTestId('import-preview-button').click();

  // the preview: nothing written yet, the bad row named by its number
  const preview = page.getByTestId('import-preview');
  await expect(preview).toBeVisible();
  await expect(count(page, 'import-preview-counts', 'rows')).toHaveText('6');
  await expect(count(page, 'import-preview-counts', 'valid')).toHaveText('5');
  await expect(count(page, 'import-preview-counts', 'invalid')).toHaveText('1');
  await expect(count(page, 'import-preview-counts', 'create')).toHaveText('3');
  await expect(count(page, 'import-preview-counts', 'skip')).toHaveText('2');
  await expect(count(page, 'import-preview-counts', 'dupFile')).toHaveText('1');
  await expect(count(page, 'import-preview-counts', 'dupStore')).toHaveText('1');
  const problems = page.getByTestId('import-problem');
  await expect(problems).toHaveCount(1);
  await expect(problems.first()).toHaveAttribute('data-row', '4');
  await expect(problems.first()).toContainText('Email');
  await expect(problems.first()).toContainText('not-an-email');
  await expect(page.getByTestId('import-mapped')).toContainText('+1 555 0101');
  expect((await pageApi(page, 'contacts.list', {})).total).toBe(1);
  await page.screenshot({ path: test.info().outputPath('import-preview.png'), fullPage: true });

  // back and forth keeps the choices
  await preview.getByRole('button', { name: 'Back to mapping' }).click();
  await expect(targetOf(page, 'Mobile number')).toHaveValue('phone');
  await page.getByTestId('import-preview-button').click();
  await page.getByTestId('import-start').click();

  // the report: exactly what happened, and why
  const report = page.getByTestId('import-report');
  await expect(report).toBeVisible({ timeout: 20_000 });
  await expect(count(page, 'import-summary', 'created')).toHaveText('3');
  await expect(count(page, 'import-summary', 'updated')).toHaveText('0');
  await expect(count(page, 'import-summary', 'skipped')).toHaveText('2');
  await expect(count(page, 'import-summary', 'failed')).toHaveText('1');
  const lines = page.getByTestId('import-report-row');
  await expect(lines).toHaveCount(3);
  await expect(lines.nth(0)).toHaveAttribute('data-row', '4');
  await expect(lines.nth(0)).toHaveAttribute('data-action', 'failed');
  await expect(lines.nth(1)).toHaveAttribute('data-row', '5');
  await expect(lines.nth(1)).toHaveAttribute('data-action', 'skipped');
  await expect(lines.nth(2)).toHaveAttribute('data-row', '7');
  await expect(lines.nth(2)).toHaveAttribute('data-action', 'skipped');
  const why = (i: number) => lines.nth(i).locator('td').nth(2);
  await expect(why(0)).toHaveText('Email: "not-an-email" is not a valid email address');
  // row 5 is Ann again (the contact row 2 made), row 7 is Eve who was there before
  await expect(why(1)).toHaveText('duplicate of row 2 by email');
  await expect(why(2)).toHaveText('duplicate of an existing contact by email');
  // every skipped or failed row is counted under its reason
  await expect(page.getByTestId('import-reason')).toHaveText(['2 duplicate of a record by email', '1 Email: "…" is not a valid email address']);
  // the record a duplicate matched opens from its line
  await lines.nth(2).getByRole('button', { name: 'Open the contact row 7 matched' }).click();
  await expect(page.getByTestId('contact-panel')).toContainText('Eve Evans');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('contact-panel')).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath('import-report.png'), fullPage: true });

  const recent = page.getByTestId('import-recent-item');
  await expect(recent).toHaveCount(1);
  await expect(recent.first()).toHaveAttribute('data-state', 'done');
  await expect(recent.first()).toContainText('3 created · 0 updated · 2 skipped · 1 failed');

  // the Leads table has the new people (and Eve once), with the phone from the fixed column
  await nav(page, 'Leads');
  await expect(page.getByTestId('contact-count')).toHaveText('4 contacts');
  const rows = page.getByTestId('lead-row');
  for (const name of ['Ann Archer', 'Bob Baker', 'Dora Dunn', 'Eve Evans']) await expect(rows.filter({ hasText: name })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'Carl Cole' })).toHaveCount(0);
  await expect(rows.filter({ hasText: 'Ann Again' })).toHaveCount(0);
  const contacts = await pageApi(page, 'contacts.list', { search: 'ann@example.com' });
  expect(contacts.items.map((c) => c.name)).toEqual(['Ann Archer']);
  const ann = await pageApi(page, 'contacts.get', { id: contacts.items[0]!.id });
  expect(ann.phone).toBe('+1 555 0101');
  // the quoted line break is kept as the file has it (CRLF, as spreadsheets write it)
  expect(ann.customAttributes).toMatchObject({ Notes: 'Met at the fair\r\nwants a demo' });

  // coming back shows the report where it was; the roll-back asks first, saying how much it undoes
  await nav(page, 'Import');
  await expect(report).toBeVisible();
  await page.getByTestId('import-rollback').click();
  const confirm = page.getByTestId('confirm-dialog');
  await expect(confirm.getByTestId('rollback-summary')).toHaveText('This undoes 3 contacts from “people.csv”, as one change:');
  // in words, as the engine plans it: nothing has reached Intercom (no sync in this test)
  await expect(confirm.getByTestId('rollback-created')).toHaveText('3 contacts it created will be removed here.');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  expect((await pageApi(page, 'contacts.list', {})).total).toBe(4);
  await page.getByTestId('import-rollback').click();
  await confirm.getByRole('button', { name: 'Roll back 3 contacts' }).click();
  await expect(page.getByTestId('import-rolled-back')).toBeVisible();
  await expect(page.getByTestId('import-rollback-result')).toContainText('Rolled back: 3 contacts it created removed.');
  await expect(recent.first()).toHaveAttribute('data-state', 'rolled_back');
  await expect(page.getByTestId('import-rollback')).toHaveCount(0);

  await nav(page, 'Leads');
  await expect(page.getByTestId('contact-count')).toHaveText('1 contact');
  await expect(rows.filter({ hasText: 'Eve Evans' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'Ann Archer' })).toHaveCount(0);

  // and the wizard starts over for the next file
  await nav(page, 'Import');
  await page.getByTestId('import-another').click();
  await expect(page.getByTestId('import-choose')).toBeVisible();
});

test('a Windows-1252 file says how it was read, its accents come out right, and the wizard runs by keyboard', async ({ page }) => {
  await nav(page, 'Import');
  // "René Müller" and "Zoë" as a spreadsheet on Windows saves them: one byte per letter
  const bytes = Buffer.from('email,name\r\nrene@example.com,Ren\xe9 M\xfcller\r\nzoe@example.com,Zo\xeb\r\n', 'latin1');
  await page.getByTestId('import-file-input').setInputFiles({ name: 'export.csv', mimeType: 'text/csv', buffer: bytes });
  await expect(page.getByTestId('import-mapping')).toBeVisible();
  await expect(page.getByTestId('import-encoding-note')).toContainText('Windows-1252');
  await expect(page.locator('[data-testid="import-column"][data-column="name"] .import-sample')).toHaveText(['René Müller', 'Zoë']);
  // every control of the mapping step has a name a screen reader can read
  const unnamed = await page.getByTestId('import-view').evaluate((view) =>
    [...view.querySelectorAll('input, select, button')]
      .filter((el) => (el as HTMLElement).offsetParent !== null)
      .filter((el) => {
        const labels = (el as HTMLInputElement).labels;
        return !el.getAttribute('aria-label') && !(labels && [...labels].some((l) => l.textContent?.trim())) && !(el.tagName === 'BUTTON' && el.textContent?.trim());
      })
      .map((el) => el.outerHTML.slice(0, 100)),
  );
  expect(unnamed).toEqual([]);

  // by keyboard: Enter on the primary buttons
  await page.getByTestId('import-preview-button').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('import-preview').getByTestId('import-encoding-note')).toContainText('Windows-1252');
  await expect(page.getByTestId('import-mapped')).toContainText('René Müller');
  await expect(page.getByTestId('import-start')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(count(page, 'import-summary', 'created')).toHaveText('2', { timeout: 20_000 });
  await expect(page.getByTestId('import-another')).toBeFocused();
  const people = await pageApi(page, 'contacts.list', { sort: { field: 'name', dir: 'asc' } });
  expect(people.items.map((c) => c.name)).toEqual(['René Müller', 'Zoë']);
});

test('the screen explains itself, refuses files it cannot read and takes one dropped on it; the kind can be changed', async ({ page }) => {
  await nav(page, 'Import');
  await expect(page.getByTestId('import-choose')).toContainText('Drop a file anywhere on this screen');
  await expect(page.getByTestId('import-recent-empty')).toContainText('No imports yet.');

  await page.getByTestId('import-file-input').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47]) });
  await expect(page.getByTestId('import-error')).toContainText('“photo.png” is not a file that can be imported');
  await expect(page.getByTestId('import-choose')).toBeVisible();

  // a file that cannot be read at all says why, here and in the recent list
  await page.getByTestId('import-file-input').setInputFiles({ name: 'blank.csv', mimeType: 'text/csv', buffer: Buffer.from('\n\n') });
  await expect(page.getByTestId('import-upload').getByTestId('import-error')).toHaveText('The file has no header row.');
  const failed = page.getByTestId('import-recent-item').first();
  await expect(failed).toHaveAttribute('data-state', 'failed');
  await expect(failed.getByTestId('import-recent-error')).toHaveText('The file has no header row.');
  await page.getByTestId('import-upload').getByRole('button', { name: 'Choose another file' }).click();
  await expect(page.getByTestId('import-choose')).toBeVisible();

  // a drop anywhere on the screen starts the upload, like the button (JSON lines this time)
  const drop = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['{"name":"Ann","email":"ann@example.com"}\n{"name":"Bob","email":"bob@example.com"}\n'], 'dropped.jsonl'));
    return dt;
  });
  const target = page.getByTestId('import-view');
  await target.dispatchEvent('dragenter', { dataTransfer: drop });
  await target.dispatchEvent('dragover', { dataTransfer: drop });
  await target.dispatchEvent('drop', { dataTransfer: drop });
  await expect(page.getByTestId('import-mapping')).toBeVisible();
  await expect(page.getByTestId('import-mapping').getByRole('heading')).toContainText('dropped.jsonl2 rows, JSON lines');
  await expect(targetOf(page, 'email')).toHaveValue('email');
  await expect(targetOf(page, 'name')).toHaveValue('name');
  await expect(page.getByTestId('import-recent-item')).toHaveCount(2);
  await expect(page.getByTestId('import-recent-item').first()).toHaveAttribute('data-state', 'ready');

  // another kind brings that kind's own guess: for events, unknown columns become metadata
  await page.getByTestId('import-kind').selectOption('events');
  await expect(targetOf(page, 'name')).toHaveValue('metadata:name');
  await expect(targetOf(page, 'email')).toHaveValue('email');
  await expect(page.getByTestId('import-duplicates')).toContainText('same person, name and time');
  await page.getByTestId('import-kind').selectOption('contacts');
  await expect(targetOf(page, 'name')).toHaveValue('name');
});

test('page views with visitor id, referrer and landing page are imported as events', async ({ page }) => {
  // the visitor v-1 is a known lead; v-2 has not left an email yet
  const { contact } = await pageApi(page, 'contacts.create', { name: 'Vera Visitor', email: 'vera@example.com', visitorId: 'v-1' });
  const csv = [
    'visitor_id,event,timestamp,referrer,landing page,utm campaign',
    'v-1,page-view,2026-11-01T10:00:00Z,https://search.example/?q=crm,/pricing,autumn',
    'v-1,page-view,2026-11-01T10:05:00Z,,/signup,',
    'v-2,page-view,2026-11-02T09:00:00Z,https://news.example/,/,',
    'v-2,page-view,2026-11-02T09:00:00Z,https://news.example/,/,',
    ',page-view,2026-11-03T09:00:00Z,,/,',
  ].join('\n');
  await nav(page, 'Import');
  await page.getByTestId('import-file-input').setInputFiles({ name: 'pageviews.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(page.getByTestId('import-kind')).toHaveValue('events');
  await expect(targetOf(page, 'visitor_id')).toHaveValue('visitorId');
  await expect(targetOf(page, 'event')).toHaveValue('eventName');
  await expect(targetOf(page, 'timestamp')).toHaveValue('at');
  await expect(targetOf(page, 'referrer')).toHaveValue('referrer');
  await expect(targetOf(page, 'landing page')).toHaveValue('landingPage');
  await expect(targetOf(page, 'utm campaign')).toHaveValue('metadata:utm campaign');

  await page.getByTestId('import-preview-button').click();
  await expect(count(page, 'import-preview-counts', 'valid')).toHaveText('4');
  await expect(count(page, 'import-preview-counts', 'create')).toHaveText('3');
  await expect(count(page, 'import-preview-counts', 'skip')).toHaveText('1');
  await expect(count(page, 'import-preview-counts', 'dupFile')).toHaveText('1');
  const problem = page.getByTestId('import-problem');
  await expect(problem).toHaveCount(1);
  await expect(problem).toHaveAttribute('data-row', '6');
  await expect(problem).toContainText('an event needs a visitor id, a user id or an email');
  await page.getByTestId('import-start').click();

  await expect(page.getByTestId('import-report')).toBeVisible({ timeout: 20_000 });
  await expect(count(page, 'import-summary', 'created')).toHaveText('3');
  await expect(count(page, 'import-summary', 'skipped')).toHaveText('1');
  await expect(count(page, 'import-summary', 'failed')).toHaveText('1');
  await expect(page.getByTestId('import-report-row')).toHaveCount(2);

  // the known visitor's page views are on her timeline, the first one is her first touch
  const timeline = await pageApi(page, 'contacts.timeline', { id: contact.id });
  const events = timeline.items.filter((i) => i.kind === 'event');
  expect(events).toHaveLength(2);
  expect(timeline.firstTouch).toMatchObject({ referrer: 'https://search.example/?q=crm', landingPage: '/pricing' });
});

/** A header and `n` contacts, about 50 bytes a row. */
function manyPeople(n: number): Buffer {
  const rows = ['email,name,phone'];
  for (let i = 1; i <= n; i++) rows.push(`person${i}@example.com,Person number ${i},+1 555 ${String(i).padStart(6, '0')}`);
  return Buffer.from(rows.join('\n'));
}

test('a large file uploads in pieces and runs in the background; it pauses, and resumes from the recent list', async ({ page }) => {
  test.setTimeout(180_000);
  const file = manyPeople(15_000);
  expect(file.length).toBeGreaterThan(512 * 1024); // more than one upload piece
  await nav(page, 'Import');
  await page.getByTestId('import-file-input').setInputFiles({ name: 'many.csv', mimeType: 'text/csv', buffer: file });
  await expect(page.getByTestId('import-mapping').getByRole('heading')).toContainText('15,000 rows', { timeout: 30_000 });
  await page.getByTestId('import-preview-button').click();
  await expect(count(page, 'import-preview-counts', 'create')).toHaveText('15,000', { timeout: 30_000 });
  // the run writes only the chunks the test lets through, so it is still running whenever the test looks
  const gate = path.join(app.dataDir, GATE_FILE);
  let chunksLetThrough = 1;
  fs.writeFileSync(gate, String(chunksLetThrough));
  await page.getByTestId('import-start').click();

  // progress with rows per second and time left, from the engine's events
  const progress = page.getByTestId('import-progress');
  await expect(progress).toHaveAttribute('data-state', 'running');
  // progress events go out at most every 250 ms: a chunk let through a second later sends one
  await expect(async () => {
    try {
      await expect(page.getByTestId('import-progress-text')).toContainText(/rows\/s · .* left/, { timeout: 1_000 });
    } catch (e) {
      fs.writeFileSync(gate, String(++chunksLetThrough));
      throw e;
    }
  }).toPass({ timeout: 20_000 });
  expect(chunksLetThrough).toBeLessThan(7); // 7 chunks of 2,000 rows would leave little of the 15,000 to resume

  // the rest of the app stays usable, and sees the rows arrive
  await nav(page, 'Leads');
  await expect(page.getByTestId('contact-count')).not.toHaveText('0 contacts', { timeout: 20_000 });
  await expect(page.getByTestId('lead-row').first()).toBeVisible();
  // coming back shows the running import
  await nav(page, 'Import');
  await expect(progress).toHaveAttribute('data-state', 'running');

  await page.getByTestId('import-pause').click();
  await expect(progress).toHaveAttribute('data-state', 'interrupted');
  await expect(page.getByTestId('import-interrupted-note')).toContainText('Stopped after row');
  const job = (await pageApi(page, 'import.list', { limit: 1 })).items[0]!;
  expect(job.state).toBe('interrupted');
  expect(job.rowsDone).toBeGreaterThan(0);
  expect(job.rowsDone).toBeLessThan(15_000);
  expect(job.created).toBe(job.rowsDone);
  await expect(page.getByTestId('import-progress-text')).toContainText(`${job.rowsDone.toLocaleString('en')} of 15,000 rows`);
  expect((await pageApi(page, 'contacts.list', { limit: 1 })).total).toBe(job.rowsDone);

  // the recent list offers resume and roll back for it
  const item = page.getByTestId('import-recent-item').first();
  await expect(item).toHaveAttribute('data-state', 'interrupted');
  await expect(item).toContainText(`${job.rowsDone.toLocaleString('en')} of 15,000 rows done`);
  await expect(item.getByRole('button', { name: 'Roll back many.csv' })).toBeVisible();
  fs.rmSync(gate); // the resumed run goes at full speed
  await item.getByRole('button', { name: 'Resume many.csv' }).click();

  const report = page.getByTestId('import-report');
  await expect(report).toBeVisible({ timeout: 120_000 });
  await expect(count(page, 'import-summary', 'created')).toHaveText('15,000');
  await expect(count(page, 'import-summary', 'skipped')).toHaveText('0');
  await expect(count(page, 'import-summary', 'failed')).toHaveText('0');
  await expect(page.getByTestId('import-all-rows')).toHaveText('Every row was imported: none was skipped and none failed.');
  await expect(item).toHaveAttribute('data-state', 'done');
  expect((await pageApi(page, 'contacts.list', { limit: 1 })).total).toBe(15_000);
});

test('an upload that never finished is removed from the recent list with the keyboard', async ({ page }) => {
  // a client that went away after its first piece: the job stays "uploading"
  const job = await pageApi(page, 'import.open', { fileName: 'half.csv', size: 1000 });
  await pageApi(page, 'import.chunk', { importId: job.id, offset: 0, data: Buffer.from('email,name\n').toString('base64') });
  await nav(page, 'Import');
  const item = page.getByTestId('import-recent-item').first();
  await expect(item).toHaveAttribute('data-state', 'uploading');
  const remove = item.getByRole('button', { name: 'Remove the unfinished upload of half.csv' });
  await remove.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByText('Removed the unfinished upload of “half.csv”.')).toBeVisible();
  // a removed upload leaves the list
  await expect(page.getByTestId('import-recent-item')).toHaveCount(0);
  expect((await pageApi(page, 'import.status', { importId: job.id })).state).toBe('rolled_back');
});

test('a people file with a Company column is contacts; failed rows download to fix and import again', async ({ page }) => {
  const csv = ['email,name,company', 'kim@kel.test,Kim Kay,Kelvin Labs', 'lee@example.com,Lee Lo,', 'bad-address,Max Mo,Kelvin Labs'].join('\n');
  await nav(page, 'Import');
  await page.getByTestId('import-file-input').setInputFiles({ name: 'team.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(page.getByTestId('import-kind')).toHaveValue('contacts');
  await expect(targetOf(page, 'company')).toHaveValue('companyName');
  await page.getByTestId('import-preview-button').click();
  await expect(count(page, 'import-preview-counts', 'valid')).toHaveText('2');
  // the spreadsheet's row: the header is row 1
  await expect(page.getByTestId('import-problem')).toHaveAttribute('data-row', '4');
  await page.getByTestId('import-start').click();
  await expect(page.getByTestId('import-report')).toBeVisible({ timeout: 20_000 });
  await expect(count(page, 'import-summary', 'created')).toHaveText('2');
  await expect(count(page, 'import-summary', 'failed')).toHaveText('1');
  await expect(page.getByTestId('import-report-row')).toHaveAttribute('data-row', '4');
  const kelvin = (await pageApi(page, 'companies.list', {})).items;
  expect(kelvin.map((c) => [c.name, c.userCount])).toEqual([['Kelvin Labs', 1]]);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download failed rows' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^team-failed-rows-.*\.csv$/);
  const text = fs.readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
  expect(text.split('\r\n')).toEqual(['email,name,company,Reason', 'bad-address,Max Mo,Kelvin Labs,"email: ""bad-address"" is not a valid email address"', '']);

  // fixed and imported again: the Reason column is left out, the row goes in
  await page.getByTestId('import-another').click();
  const fixed = text.replace('bad-address', 'max@kel.test');
  await page.getByTestId('import-file-input').setInputFiles({ name: 'team-fixed.csv', mimeType: 'text/csv', buffer: Buffer.from(fixed) });
  await expect(targetOf(page, 'Reason')).toHaveValue('ignore');
  await page.getByTestId('import-preview-button').click();
  await page.getByTestId('import-start').click();
  await expect(count(page, 'import-summary', 'created')).toHaveText('1', { timeout: 20_000 });
  await expect(count(page, 'import-summary', 'failed')).toHaveText('0');
  expect((await pageApi(page, 'companies.list', {})).items.map((c) => [c.name, c.userCount])).toEqual([['Kelvin Labs', 2]]);
});

test('uploads of one file left unstarted are listed once, and each can be removed', async ({ page }) => {
  const upload = async (name: string) => {
    const bytes = Buffer.from('email\nann@example.com\n');
    const job = await pageApi(page, 'import.open', { fileName: name, size: bytes.length });
    await pageApi(page, 'import.chunk', { importId: job.id, offset: 0, data: bytes.toString('base64') });
    await expect.poll(async () => (await pageApi(page, 'import.status', { importId: job.id })).state).toBe('ready');
    return job.id;
  };
  const older = await upload('leads.csv');
  const latest = await upload('leads.csv');
  await upload('other.csv');
  await nav(page, 'Import');
  const items = page.getByTestId('import-recent-item');
  await expect(items).toHaveCount(2);
  await expect(items.first()).toContainText('other.csv');
  await expect(items.nth(1)).toHaveAttribute('data-id', latest);
  await items.nth(1).getByRole('button', { name: 'Remove the upload of leads.csv' }).click();
  await expect(page.getByText('Removed the upload of “leads.csv”.')).toBeVisible();
  expect((await pageApi(page, 'import.status', { importId: latest })).state).toBe('rolled_back');
  // the older one of the same file shows now, and goes the same way
  await expect(items.nth(1)).toHaveAttribute('data-id', older);
  await items.nth(1).getByRole('button', { name: 'Remove the upload of leads.csv' }).click();
  await expect(items).toHaveCount(1);
  expect((await pageApi(page, 'import.status', { importId: older })).state).toBe('rolled_back');
});
