// The outbox view: what waits for Intercom, oldest first, per record, in plain words, with the
// same count as the status bar. Records are made through the page's API client, as a script would.
import { expect, test, type Page } from '@playwright/test';
import { consolePerTest } from './browserMode';

const app = consolePerTest();

test.beforeEach(async ({ page }) => {
  await page.goto(app.openUrl);
  await expect(page.getByTestId('status-bar')).toBeVisible();
});

const openOutbox = (page: Page) => page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Outbox', exact: true }).click();

test('a fresh store has an empty outbox that says what it is for', async ({ page }) => {
  await openOutbox(page);
  await expect(page.getByTestId('outbox-empty')).toHaveText('Nothing waits for Intercom. Every change you make is kept here until it is sent.');
  await expect(page.getByTestId('outbox-total')).toHaveText('0 changes not sent yet');
  await expect(page.getByTestId('outbox-sync-note')).toContainText('Not connected to Intercom');
  await expect(page.getByTestId('outbox-count')).toHaveText('Nothing waits for Intercom');
  await page.getByLabel('Failed').check();
  await expect(page.getByTestId('outbox-empty')).toContainText('Nothing failed.');
});

test('changes are listed oldest first, per record, in plain words, with the status bar count', async ({ page }) => {
  await openOutbox(page);
  await expect(page.getByTestId('outbox-empty')).toBeVisible();

  const ids = await page.evaluate(async () => {
    const api = window.leadConsole!;
    const ann = (await api.call('contacts.create', { name: 'Ann', email: 'ann@example.com' })).contact;
    const acme = await api.call('companies.create', { name: 'Acme <b>Ltd</b>' });
    const bob = (await api.call('contacts.create', { email: 'bob@example.com' })).contact;
    await api.call('contacts.update', { id: ann.id, patch: { name: 'Ann Smith', email: 'ann.smith@example.com' } });
    await api.call('contacts.setStage', { id: ann.id, stage: 'signed_up' });
    await api.call('companies.link', { contactId: ann.id, companyId: acme.id });
    await api.call('contacts.signUp', { id: bob.id, externalId: 'u-1' });
    await api.call('companies.setStage', { id: acme.id, stage: 'sql' });
    return { ann: ann.id, acme: acme.id, bob: bob.id };
  });

  // refreshed by the pushed `changed` events, without a reload
  const total = page.getByTestId('outbox-total');
  await expect(total).toHaveText('8 changes not sent yet');
  await expect(page.getByTestId('outbox-count')).toHaveText('8 changes wait for Intercom');

  const groups = page.getByTestId('outbox-group');
  await expect(groups).toHaveCount(3);
  // groups in the order of each record's first change; the label is the record's current name
  await expect(groups.nth(0)).toHaveAttribute('data-entity-id', ids.ann);
  await expect(groups.nth(1)).toHaveAttribute('data-entity-id', ids.acme);
  await expect(groups.nth(2)).toHaveAttribute('data-entity-id', ids.bob);

  const ops = (i: number) => groups.nth(i).getByTestId('outbox-entry').locator('.outbox-op');
  await expect(ops(0)).toHaveText(['Created', 'Updated name, email', 'Stage Lead → Signed up', 'Linked to company Acme <b>Ltd</b>']);
  await expect(ops(1)).toHaveText(['Created', 'Stage set to SQL']);
  await expect(ops(2)).toHaveText(['Created', 'Signed up as user u-1']);
  await expect(groups.nth(0).getByRole('heading')).toContainText('Ann Smith');
  await expect(groups.nth(0).getByRole('heading')).toContainText('Contact');
  await expect(groups.nth(1).getByRole('heading')).toContainText('Acme <b>Ltd</b>');
  await expect(groups.nth(1).getByRole('heading')).toContainText('Company');
  await expect(groups.nth(2).getByRole('heading')).toContainText('bob@example.com');
  // markup in a name is text
  expect(await page.locator('.outbox b').count()).toBe(0);

  // every entry says its status, when, and how often it was tried
  const first = groups.nth(0).getByTestId('outbox-entry').first();
  await expect(first).toContainText('Pending');
  await expect(first).toContainText('Not tried yet');
  await expect(first.locator('time')).toHaveAttribute('datetime', /^\d{4}-\d\d-\d\dT/);

  // oldest first within each record
  for (let g = 0; g < 3; g++) {
    const seqs = (await groups.nth(g).getByTestId('outbox-entry').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq')))));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  }

  await page.screenshot({ path: test.info().outputPath('outbox.png') });

  // a new change arrives on its own
  await page.evaluate((id) => window.leadConsole!.call('contacts.update', { id, patch: { phone: '+1 555 0100' } }), ids.bob);
  await expect(total).toHaveText('9 changes not sent yet');
  await expect(ops(2)).toHaveText(['Created', 'Signed up as user u-1', 'Updated phone']);
  await expect(page.getByTestId('outbox-count')).toHaveText('9 changes wait for Intercom');

  // the record opens in the side panel
  await groups.nth(0).getByRole('button', { name: /Ann Smith/ }).click();
  await expect(page.getByTestId('contact-panel')).toBeVisible();
  await groups.nth(1).getByRole('button', { name: /Acme/ }).click();
  await expect(page.getByTestId('company-panel')).toBeVisible();
});

test('a long outbox loads 200 at a time', async ({ page }) => {
  await page.evaluate(async () => {
    for (let i = 0; i < 205; i++) await window.leadConsole!.call('contacts.create', { name: `Lead ${String(i).padStart(3, '0')}` });
  });
  await openOutbox(page);
  await expect(page.getByTestId('outbox-total')).toHaveText('205 changes not sent yet');
  await expect(page.getByTestId('outbox-entry')).toHaveCount(200);
  await expect(page.getByTestId('outbox-group').first()).toContainText('Lead 000');
  await page.getByTestId('outbox-load-more').click();
  await expect(page.getByTestId('outbox-entry')).toHaveCount(205);
  await expect(page.getByTestId('outbox-group').last()).toContainText('Lead 204');
  await expect(page.getByTestId('outbox-load-more')).toHaveCount(0);
});
