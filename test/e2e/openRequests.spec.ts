// What a start of the desktop app asks the window to open, on the page's side: a contact opens on
// the Leads screen, a file the main process uploaded opens the import at its mapping (or waits in
// Recent imports while another import is under way), a problem is said in a toast. In the desktop
// app these requests come over IPC from the main process (that leg, with the file checks and the
// upload, is tested with the stand-in Electron in test/main/mainProcess.test.ts); browser mode has
// no second start, so here the same requests are handed to the page's hook, window.leadConsoleOpen,
// after the file is uploaded through the same two API calls the main process makes.
import { expect, test, type Page } from '@playwright/test';
import { consolePerTest, pageApi } from './browserMode';

const app = consolePerTest();

/** Uploads a CSV as the main process does for a file it was given: import.open, then import.chunk. */
async function uploadAsMainDoes(page: Page, fileName: string, text: string): Promise<string> {
  const bytes = Buffer.from(text, 'utf8');
  const job = await pageApi(page, 'import.open', { fileName, size: bytes.length });
  await pageApi(page, 'import.chunk', { importId: job.id, offset: 0, data: bytes.toString('base64') });
  return job.id;
}

test('a contact asked for opens on the Leads screen, from any screen', async ({ page }) => {
  await page.goto(app.openUrl);
  const { contact } = await pageApi(page, 'contacts.create', { name: 'Ada Lovelace', email: 'ada@example.com' });
  await page.evaluate(() => (location.hash = '#/settings'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Settings');
  await page.evaluate((id) => window.leadConsoleOpen!({ kind: 'contact', id }), contact.id);
  await expect(page.getByTestId('contact-panel').getByTestId('contact-title')).toHaveText('Ada Lovelace');
  await expect(page).toHaveURL(new RegExp(`#/leads\\?contact=${contact.id}`));
});

test('a file the app was given opens the import at its mapping; another one waits while that import is under way', async ({ page }) => {
  await page.goto(app.openUrl);
  await expect(page.getByTestId('contact-count')).toHaveText('0 contacts');
  const first = await uploadAsMainDoes(page, 'people.csv', 'Email,Name\nana@example.com,Ana Lima\nbo@example.com,Bo Berg\n');
  await page.evaluate((importId) => window.leadConsoleOpen!({ kind: 'import', importId, fileName: 'people.csv' }), first);
  const mapping = page.getByTestId('import-mapping');
  await expect(mapping).toBeVisible();
  await expect(mapping.getByTestId('import-column')).toHaveCount(2);
  await expect(mapping.locator('[data-testid="import-column"][data-column="Email"]')).toBeVisible();
  await expect(page.getByTestId('import-view')).toContainText('people.csv');

  // the mapping under way stays; the second file is listed, ready to map
  const second = await uploadAsMainDoes(page, 'more.csv', 'Email\ncy@example.com\n');
  await page.evaluate((importId) => window.leadConsoleOpen!({ kind: 'import', importId, fileName: 'more.csv' }), second);
  await expect(page.getByTestId('toasts')).toContainText('“more.csv” is ready to map under Recent imports: finish this import first, then open it there.');
  await expect(mapping.locator('[data-testid="import-column"][data-column="Name"]')).toBeVisible();
});

test('what could not be opened is said in words', async ({ page }) => {
  await page.goto(app.openUrl);
  await expect(page.getByTestId('contact-count')).toHaveText('0 contacts');
  const message = '“/home/ana/Downloads/leads.csv” cannot be imported: there is no such file.';
  await page.evaluate((m) => window.leadConsoleOpen!({ kind: 'problem', message: m }), message);
  await expect(page.getByTestId('toasts')).toContainText(message);
  // only the known shapes are taken, as the preload's filter does
  const refused = await page.evaluate(() => window.leadConsoleOpen!({ kind: 'run', command: 'x' } as never).then(() => 'taken', (e: Error) => e.message));
  expect(refused).toBe('not an open request');
});
