// The activity timeline on the record pages: a visitor's website events become the lead's when it
// is captured, newest first with their metadata and the first touch; stage moves and events made
// elsewhere appear on their own; older items load on request; the Intercom pull says why it
// cannot run when there is no connection; a company's timeline names each user.
import { expect, test, type Page } from '@playwright/test';
import { consolePerTest, pageApi } from './browserMode';

const app = consolePerTest();

async function openConsole(page: Page) {
  await page.goto(app.openUrl);
  await expect(page.getByRole('navigation', { name: 'Sections' })).toBeVisible();
}

async function goToHash(page: Page, hash: string) {
  await page.evaluate((h) => {
    location.hash = h;
  }, hash);
}

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

test("a lead's timeline shows its visitor events, first touch and stage moves, newest first, and refreshes by itself", async ({ page }) => {
  await openConsole(page);
  await pageApi(page, 'events.track', { visitorId: 'v-42', name: 'page_view', at: ago(3), metadata: { referrer: 'https://search.example/', landing_page: '/pricing' }, source: 'website' });
  await pageApi(page, 'events.track', { visitorId: 'v-42', name: 'clicked_demo', at: ago(2), metadata: { button: 'hero', seats: 5 }, source: 'website' });
  const { contact } = await pageApi(page, 'contacts.create', { name: 'Vera Visitor', email: 'vera@example.com', visitorId: 'v-42' });
  await goToHash(page, `#/leads?contact=${contact.id}`);

  const timeline = page.getByTestId('contact-panel').getByTestId('timeline');
  const items = timeline.getByTestId('timeline-item');
  await expect(items).toHaveCount(3);
  await expect(items.nth(0)).toContainText('Added as Lead');
  await expect(items.nth(1).getByTestId('event-name')).toHaveText('clicked_demo');
  await expect(items.nth(1).getByTestId('event-chip')).toHaveText(['button hero', 'seats 5']);
  await expect(items.nth(1)).toContainText('Website');
  await expect(items.nth(2).getByTestId('event-name')).toHaveText('page_view');
  await expect(timeline.getByTestId('first-touch-referrer')).toHaveText('https://search.example/');
  await expect(timeline.getByTestId('first-touch-landing')).toHaveText('/pricing');

  // changes made elsewhere (another window, a script) arrive without a reload
  await pageApi(page, 'contacts.setStage', { id: contact.id, stage: 'signed_up' });
  await pageApi(page, 'events.track', { contactId: contact.id, name: 'invited_team', metadata: { seats: 3 } });
  await expect(items).toHaveCount(5);
  await expect(timeline.getByText('Lead → Signed up')).toBeVisible();
  await expect(timeline.getByTestId('event-name')).toHaveText(['invited_team', 'clicked_demo', 'page_view']);

  // no Intercom connection: the pull says why
  await timeline.getByTestId('timeline-pull').click();
  await expect(timeline.getByTestId('timeline-pull-error')).toContainText('not in Intercom yet');
  await page.screenshot({ path: test.info().outputPath('timeline.png') });
});

test('older activity loads on request, and an empty timeline says so', async ({ page }) => {
  await openConsole(page);
  const { contact } = await pageApi(page, 'contacts.create', { name: 'Busy Bee' });
  for (let i = 0; i < 40; i++) await pageApi(page, 'events.track', { contactId: contact.id, name: `step_${String(i).padStart(2, '0')}`, at: ago(10 - i * 0.1) });
  await goToHash(page, `#/leads?contact=${contact.id}`);
  const timeline = page.getByTestId('contact-panel').getByTestId('timeline');
  const items = timeline.getByTestId('timeline-item');
  await expect(items).toHaveCount(30);
  // the lead was created now, after all of its (back-dated) events
  await expect(items.first()).toContainText('Added as Lead');
  await expect(items.nth(1).getByTestId('event-name')).toHaveText('step_39');
  await timeline.getByTestId('timeline-older').click();
  await expect(items).toHaveCount(41);
  await expect(items.last().getByTestId('event-name')).toHaveText('step_00');
  await expect(timeline.getByTestId('timeline-older')).toHaveCount(0);

  const acme = await pageApi(page, 'companies.create', { name: 'Empty Co' });
  await goToHash(page, `#/companies?company=${acme.id}`);
  await expect(page.getByTestId('company-panel').getByTestId('timeline-empty')).toBeVisible();
});

test("a company's timeline merges its users' activity, naming each user", async ({ page }) => {
  await openConsole(page);
  const ann = (await pageApi(page, 'contacts.create', { name: 'Ann Acme' })).contact;
  const bob = (await pageApi(page, 'contacts.create', { name: 'Bob Acme' })).contact;
  const acme = await pageApi(page, 'companies.create', { name: 'Acme' });
  await pageApi(page, 'companies.link', { contactId: ann.id, companyId: acme.id });
  await pageApi(page, 'companies.link', { contactId: bob.id, companyId: acme.id });
  await pageApi(page, 'events.track', { contactId: ann.id, name: 'ann_did_this', at: ago(1) });
  await pageApi(page, 'events.track', { contactId: bob.id, name: 'bob_did_that', at: ago(2) });
  await goToHash(page, `#/companies?company=${acme.id}`);
  const timeline = page.getByTestId('company-panel').getByTestId('timeline');
  const events = timeline.locator('[data-testid="timeline-item"][data-kind="event"]');
  await expect(events).toHaveCount(2);
  await expect(events.nth(0).getByTestId('timeline-contact')).toHaveText('Ann Acme');
  await expect(events.nth(1).getByTestId('timeline-contact')).toHaveText('Bob Acme');
  await expect(timeline.getByTestId('timeline-pull')).toHaveCount(0);
  // a user's line opens that user
  await events.nth(1).getByTestId('timeline-contact').click();
  await expect(page.getByTestId('contact-panel').getByTestId('contact-title')).toHaveText('Bob Acme');
});
