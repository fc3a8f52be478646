// Undo from the toast, as a salesperson meets it: a stage is changed on the record page, the
// toast offers its undo in words, one click puts the stage back and the result says so; the
// recent actions list it as undone and the stage history shows the undo.
import { expect, test, type Page } from '@playwright/test';
import { consolePerTest, pageApi } from './browserMode';

const app = consolePerTest();

async function openConsole(page: Page) {
  await page.goto(app.openUrl);
  await expect(page.getByRole('navigation', { name: 'Sections' })).toBeVisible();
}

test('a stage changed on the record page is put back by the Undo in the toast', async ({ page }) => {
  await openConsole(page);
  const { contact } = await pageApi(page, 'contacts.create', { name: 'Ana Lima', email: 'ana@example.test' });
  // a lead moved to Signed up (through the API), to be put back to Lead from the record page
  await pageApi(page, 'contacts.setStage', { id: contact.id, stage: 'signed_up', confirm: true });
  await page.evaluate((id) => {
    location.hash = `#/leads?contact=${id}`;
  }, contact.id);
  const panel = page.getByTestId('contact-panel');
  const current = panel.getByTestId('contact-stage-steps').locator('[aria-current="step"]');
  await expect(current).toContainText('Signed up');

  await panel.getByRole('button', { name: 'Demote to Lead' }).click();
  const confirm = page.getByRole('dialog').getByRole('button', { name: 'Demote to Lead' });
  if (await confirm.isVisible()) await confirm.click();
  await expect(current).toContainText('Lead');
  const offer = page.getByTestId('change-undo');
  await expect(offer).toContainText('Stage of Ana Lima set to Lead');
  // still there after 10 s: long enough to notice and reach
  await page.waitForTimeout(10_500);
  await expect(offer).toBeVisible();

  await offer.getByRole('button', { name: /Undo/ }).click();
  await expect(page.getByTestId('undo-result')).toContainText('Undone: Stage of Ana Lima set to Lead.');
  await expect(offer).toBeHidden();
  await expect(current).toContainText('Signed up');
  expect((await pageApi(page, 'contacts.get', { id: contact.id })).stage).toBe('signed_up');
  await expect(panel.getByTestId('contact-history').getByTestId('history-entry').first()).toContainText('(undo)');

  // the recent actions say it was undone, and offer nothing more for it
  await page.getByTestId('nav-recent').click();
  const rows = page.getByTestId('recent-action');
  await expect(rows.first()).toContainText('Undone: Stage of Ana Lima set to Lead');
  await expect(rows.nth(1)).toContainText('Stage of Ana Lima set to Lead');
  await expect(rows.nth(1)).toContainText('Undone');
});
