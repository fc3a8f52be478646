// The funnel screen against a known data set: the stage counts it shows, a click on a bar (and a
// key press on a table number) opening exactly the contacts behind it in the Leads table with a
// chip saying so, and removing the chip. Records are made through the page's own typed client.
import { expect, test, type Page } from '@playwright/test';
import { consolePerTest, pageApi } from './browserMode';
import { unnamedControls } from './unnamedControls';

const app = consolePerTest();

/**
 * Nine contacts: four leads, two signed up without a company, two users of Quartz (SQL) and one
 * of Cobalt (customer, through SQL). Funnel now: 4 / 2 / 2 / 1; reached: 9 / 5 / 3 / 1.
 */
async function seedFunnel(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const api = window.leadConsole!;
    const make = async (name: string) => (await api.call('contacts.create', { name, email: `${name.toLowerCase().replace(' ', '.')}@funnel.example` })).contact.id;
    for (const name of ['Lena Lead', 'Leo Lead', 'Lia Lead', 'Luca Lead']) await make(name);
    for (const name of ['Sam Signed', 'Sara Signed']) await api.call('contacts.setStage', { id: await make(name), stage: 'signed_up' });
    let quartz = '';
    for (const [i, name] of ['Quinn Quartz', 'Quincy Quartz'].entries()) {
      const r = await api.call('contacts.signUp', { id: await make(name), externalId: `user-q${i}`, company: { externalId: 'co-quartz', name: 'Quartz' } });
      quartz = r.company!.id;
    }
    const c = await api.call('contacts.signUp', { id: await make('Cora Cobalt'), externalId: 'user-c0', company: { externalId: 'co-cobalt', name: 'Cobalt' } });
    await api.call('companies.setStage', { id: quartz, stage: 'sql' });
    await api.call('companies.setStage', { id: c.company!.id, stage: 'sql' });
    await api.call('companies.setStage', { id: c.company!.id, stage: 'customer' });
  });
}

/** Names in the Leads table, sorted (the order is the table's business). */
async function shownNames(page: Page): Promise<string[]> {
  return page.locator('[data-testid="lead-row"] .lead-name').evaluateAll((els) => els.map((e) => e.textContent ?? '').sort());
}

async function openFunnel(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Funnel' }).click();
  await expect(page.getByTestId('funnel-view')).toBeVisible();
}

const stageRow = (page: Page, stage: string) => page.getByTestId(`funnel-stage-${stage}`);

test('a new console says the funnel is empty and how to fill it', async ({ page }) => {
  await page.goto(app.openUrl);
  await openFunnel(page);
  await expect(page.getByTestId('funnel-empty')).toContainText('No contacts yet: import or add leads');
  await page.getByTestId('funnel-empty').getByRole('button', { name: 'Import' }).click();
  await expect(page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Import', exact: true })).toHaveAttribute('aria-current', 'page');
});

test('stage counts, then a bar opens exactly its contacts with a removable chip', async ({ page }) => {
  await page.goto(app.openUrl);
  await seedFunnel(page);
  await openFunnel(page);
  await expect(page.getByTestId('funnel-total')).toHaveText('9 contacts');

  const expected = { lead: ['4', '9', '55.6%'], signed_up: ['2', '5', '60%'], sql: ['2', '3', '33.3%'], customer: ['1', '1', ''] } as const;
  for (const [stage, [now, reached, conversion]] of Object.entries(expected)) {
    await expect(stageRow(page, stage).getByTestId('stage-count')).toHaveText(now);
    await expect(stageRow(page, stage).getByTestId('stage-reached')).toHaveText(reached);
    await expect(stageRow(page, stage).getByTestId('stage-conversion')).toHaveText(conversion);
  }
  // the chart draws the same numbers: a bar per stage, with the conversion written on it
  await expect(page.getByTestId('funnel-stages').locator('.funnel-conversion-label').first()).toContainText('55.6% → Signed up');
  await expect(page.getByTestId('funnel-bar-now-lead')).toHaveCount(1);
  expect(await unnamedControls(page), 'funnel screen').toEqual([]);

  // a click on the "there now" bar of Signed up: the two signed up without a company
  await page.getByTestId('funnel-bar-now-signed_up').click();
  await expect(page.getByTestId('leads-view')).toBeVisible();
  await expect(page.getByTestId('contact-count')).toHaveText('2 contacts');
  await expect.poll(() => shownNames(page)).toEqual(['Sam Signed', 'Sara Signed']);
  const chip = page.getByTestId('filter-chip');
  await expect(chip).toHaveText(/Funnel: Signed up/);

  // removing the chip brings everyone back
  await page.getByRole('button', { name: 'Remove filter Funnel: Signed up' }).click();
  await expect(page.getByTestId('filter-chip')).toHaveCount(0);
  await expect(page.getByTestId('contact-count')).toHaveText('9 contacts');
});

test('a cohort bar opens who was captured then and reached the stage; table numbers work by keyboard', async ({ page }) => {
  await page.goto(app.openUrl);
  await seedFunnel(page);
  await openFunnel(page);
  const { cohorts } = await pageApi(page, 'funnel.cohorts', { by: 'week', periods: 12 });
  const index = cohorts.findIndex((c) => c.captured > 0);
  expect(cohorts[index]!.captured).toBe(9);
  expect(cohorts[index]!.reached.sql).toBe(3);

  await page.getByTestId(`funnel-bar-cohort-${index}-sql`).click();
  await expect(page.getByTestId('contact-count')).toHaveText('3 contacts');
  await expect.poll(() => shownNames(page)).toEqual(['Cora Cobalt', 'Quincy Quartz', 'Quinn Quartz']);
  const words = await page.evaluate(
    (from) => `week of ${new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' }).format(new Date(from))}`,
    cohorts[index]!.from,
  );
  await expect(page.getByTestId('filter-chip')).toHaveText(new RegExp(`Funnel: SQL — captured ${words}`));

  // back to the funnel: the same people are one key press away in the table under the chart
  await openFunnel(page);
  const reachedCustomer = page.getByRole('button', { name: 'Show the 1 contact who reached Customer' });
  await reachedCustomer.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('contact-count')).toHaveText('1 contact');
  await expect.poll(() => shownNames(page)).toEqual(['Cora Cobalt']);
  await expect(page.getByTestId('filter-chip')).toHaveText(/Funnel: reached Customer/);
});
