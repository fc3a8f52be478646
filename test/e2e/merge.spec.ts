// Merging duplicates as a salesperson meets it: the Possible duplicates screen (its empty state,
// a group of two, Merge… with both side by side and a value picked per field, the undo in the
// toast), and Merge into… from a record, which picks the other contact by search and says before
// confirming what Intercom will do (merge a lead into a user, or update one and archive the other).
import { expect, test, type Page } from '@playwright/test';
import { consolePerTest, pageApi } from './browserMode';

async function openConsole(page: Page, url: string) {
  await page.goto(url);
  await expect(page.getByRole('navigation', { name: 'Sections' })).toBeVisible();
}

test.describe('without Intercom', () => {
  const app = consolePerTest();

  test('the duplicates screen groups two contacts, merges them with the picked values, and the toast’s undo brings both back', async ({ page }) => {
    await openConsole(page, app.openUrl);
    await page.getByTestId('nav-duplicates').click();
    await expect(page.getByTestId('duplicates-empty')).toContainText('No possible duplicates');

    const acme = await pageApi(page, 'companies.create', { name: 'Acme' });
    const { contact: lead } = await pageApi(page, 'contacts.create', { email: 'ana@example.test', phone: '+44 20 7946 0001' });
    const { contact: user } = await pageApi(page, 'contacts.create', { role: 'user', externalId: 'u-ana', name: 'Ana Lima', email: 'ANA@example.test' });
    await pageApi(page, 'companies.link', { contactId: lead.id, companyId: acme.id });
    const group = page.getByTestId('duplicate-group');
    await expect(group).toHaveCount(1);
    await expect(group).toContainText('Same email: ana@example.test');
    await expect(group).toContainText('Ana Lima');

    await group.getByTestId('duplicate-merge').click();
    const dialog = page.getByTestId('merge-dialog');
    await expect(dialog).toContainText('ana@example.test (Lead) goes; Ana Lima (User) stays');
    // defaults: a value over none (the lead's phone), the user's over the lead's
    const phone = dialog.locator('[data-field="phone"]');
    await expect(phone.getByTestId('merge-pick-from')).toBeChecked();
    await expect(dialog.locator('[data-field="name"]').getByTestId('merge-pick-into')).toBeChecked();
    await expect(dialog.getByTestId('merge-intercom')).toContainText('has not reached Intercom');
    // the person keeps no phone after all
    await phone.getByTestId('merge-pick-into').check();
    await dialog.getByTestId('merge-confirm').click();
    await expect(dialog).toBeHidden();

    await expect(page.getByTestId('duplicates-empty')).toBeVisible();
    const panel = page.getByTestId('contact-panel');
    await expect(panel.getByTestId('contact-title')).toHaveText('Ana Lima');
    const merged = await pageApi(page, 'contacts.get', { id: user.id });
    expect(merged.phone).toBeNull();
    expect(merged.companies.map((c) => c.name)).toEqual(['Acme']);

    const offer = page.getByTestId('change-undo');
    await expect(offer).toContainText('ana@example.test merged into Ana Lima');
    await offer.getByRole('button', { name: /Undo/ }).click();
    await expect(page.getByTestId('undo-result')).toContainText('Undone: ana@example.test merged into Ana Lima.');
    await expect(group).toHaveCount(1);
    expect((await pageApi(page, 'contacts.get', { id: lead.id })).companies.map((c) => c.name)).toEqual(['Acme']);
  });
});

test.describe('with the sandbox workspace', () => {
  const app = consolePerTest(['--sandbox']);

  test('Merge into… from a record finds the other by search and says what Intercom can do before confirming', async ({ page }) => {
    await openConsole(page, app.openUrl);
    const { contact: lead } = await pageApi(page, 'contacts.create', { name: 'Walk-in Wanda', email: 'wanda@example.test' });
    const { contact: user } = await pageApi(page, 'contacts.create', { role: 'user', externalId: 'u-wanda', name: 'Wanda Web', email: 'wanda.web@example.test' });
    // both in Intercom first (the console syncs after a change)
    await expect
      .poll(async () => Boolean((await pageApi(page, 'contacts.get', { id: lead.id })).intercomId && (await pageApi(page, 'contacts.get', { id: user.id })).intercomId), { timeout: 20_000 })
      .toBe(true);

    await page.evaluate((id) => {
      location.hash = `#/leads?contact=${id}`;
    }, lead.id);
    const panel = page.getByTestId('contact-panel');
    await panel.getByTestId('merge-into').click();
    const dialog = page.getByTestId('merge-dialog');
    await dialog.getByTestId('merge-search').fill('Wanda Web');
    await dialog.getByTestId('merge-candidate').filter({ hasText: 'Wanda Web' }).click();
    const intercom = dialog.getByTestId('merge-intercom');
    await expect(intercom).toHaveAttribute('data-mode', 'merge');
    await expect(intercom).toContainText('In Intercom the lead Walk-in Wanda is merged into the user Wanda Web at the next sync');
    await expect(dialog.locator('[data-field="email"]')).toContainText('wanda@example.test');

    // the other way round Intercom cannot merge: it says so before anything is confirmed
    await dialog.getByTestId('merge-swap').click();
    await expect(intercom).toHaveAttribute('data-mode', 'archive');
    await expect(intercom).toContainText('Intercom cannot merge a user into a lead: at the next sync Walk-in Wanda is updated there');
    await dialog.getByTestId('merge-swap').click();
    await expect(intercom).toHaveAttribute('data-mode', 'merge');

    await dialog.getByTestId('merge-confirm').click();
    await expect(dialog).toBeHidden();
    await expect(panel.getByTestId('contact-title')).toHaveText('Wanda Web');
    // once it has synced, the undo says why it is no longer possible
    await expect
      .poll(async () => (await pageApi(page, 'changes.list', { limit: 5 })).items.find((c) => c.kind === 'contact.merge')?.undoBlockedReason, { timeout: 20_000 })
      .toBe('the merge reached Intercom, which cannot split merged contacts');
    await page.getByTestId('nav-recent').click();
    await expect(page.getByTestId('recent-action').filter({ hasText: 'Walk-in Wanda merged into Wanda Web' })).toContainText(
      'The merge reached Intercom, which cannot split merged contacts',
    );
  });
});
