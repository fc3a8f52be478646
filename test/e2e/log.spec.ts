// Settings' log in the browser-mode console: the start-up line and the file's path, and a sync
// run with the demo workspace showing up after it ends, with no contact's email in any line.
import { expect, test } from '@playwright/test';
import path from 'node:path';
import { consolePerTest, pageApi } from './browserMode';

const app = consolePerTest(['--sandbox']);

test('the log section shows the start-up and each sync run, and where the file is', async ({ page }) => {
  await page.goto(app.openUrl);
  await page.locator('body').press(',');
  const section = page.getByTestId('settings-log');
  await expect(section).toBeVisible();
  await expect(page.getByTestId('log-file')).toHaveText(path.join(app.dataDir, 'logs', 'lead-console.log'));
  const lines = page.getByTestId('log-lines');
  await expect(lines).toContainText(/INFO {2}start version=\S+ mode=browser dataDir=/);
  await expect(lines).toContainText('intercom=sandbox');

  // a run (the sandbox's first pull of its demo contacts) is there once it ended
  await pageApi(page, 'contacts.create', { name: 'Logan Logwood', email: 'logan.logwood@example.test' });
  await pageApi(page, 'sync.now', {});
  await expect(lines).toContainText(/INFO {2}sync\.end run=\d+ state=idle .*changed\.contact=\d+/, { timeout: 30_000 });
  await expect(lines).not.toContainText('@');
  await expect(lines).not.toContainText('Logwood');
  await expect(page.getByTestId('log-copy')).toBeEnabled();
});
