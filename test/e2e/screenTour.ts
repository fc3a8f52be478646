// Every screen and dialog of the console, each reached the way a person would, on the sandbox's
// demo workspace: the list the accessibility check (a11y.spec.ts) and the screenshots
// (screenshots.spec.ts) walk.
import { expect, type Page } from '@playwright/test';
import { pageApi, startBrowserMode, type RunningConsole } from './browserMode';

export interface Demo {
  app: RunningConsole;
  contactId: string;
  companyId: string;
}

export interface Stop {
  name: string;
  /** Opens the screen or dialog from a freshly loaded console and waits for its content. */
  open(page: Page, demo: Demo): Promise<void>;
}

/** A console on the sandbox's demo workspace, pulled in full. */
export async function startDemo(page: Page): Promise<Demo> {
  const app = await startBrowserMode(undefined, ['--sandbox']);
  await page.goto(app.openUrl);
  await expect(page.getByTestId('sync-state')).toHaveText('Synced', { timeout: 30_000 });
  await expect.poll(async () => (await pageApi(page, 'sync.status', {})).initialImport, { timeout: 30_000 }).toBe('done');
  const companies = await pageApi(page, 'companies.list', { limit: 20 });
  const company = companies.items.find((c) => c.userCount > 0) ?? companies.items[0]!;
  const contacts = await pageApi(page, 'contacts.list', { filter: { companyId: company.id }, limit: 5 });
  const contact = contacts.items.find((c) => c.email) ?? (await pageApi(page, 'contacts.list', { limit: 5 })).items[0]!;
  return { app, contactId: contact.id, companyId: company.id };
}

const go = (page: Page, hash: string) => page.evaluate((h) => (location.hash = h), hash);
const TEMPLATE = 'Hi {{first_name | fallback: "there"}}, a quick note about {{company_name}}.';
const CSV = 'Email,Full Name,Company,Plan\nann@example.com,Ann Archer,Northwind,pro\nbob@example.com,Bob Baker,,\nnot-an-email,Carl Cole,Acme,free\n';

async function openRecord(page: Page, demo: Demo) {
  await go(page, `#/leads?contact=${demo.contactId}`);
  await expect(page.getByTestId('contact-panel').getByTestId('contact-messages')).toBeVisible();
}

async function openImportMapping(page: Page) {
  await go(page, '#/import');
  await page.getByTestId('import-file-input').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV, 'utf8') });
  await expect(page.getByTestId('import-mapping')).toBeVisible();
}

export const TOUR: readonly Stop[] = [
  { name: 'leads', open: async (page) => void (await expect(page.getByTestId('lead-row').first()).toBeVisible()) },
  { name: 'record', open: openRecord },
  {
    name: 'record-composer',
    open: async (page, demo) => {
      await openRecord(page, demo);
      const messages = page.getByTestId('contact-panel').getByTestId('contact-messages');
      await messages.getByTestId('send-message-open').click();
      await messages.getByLabel('Message text').fill(TEMPLATE);
      await expect(messages.getByTestId('composer-preview-item')).toHaveCount(1);
    },
  },
  {
    name: 'companies',
    open: async (page) => {
      await go(page, '#/companies');
      await expect(page.getByTestId('company-table')).toBeVisible();
    },
  },
  {
    name: 'company',
    open: async (page, demo) => {
      await go(page, `#/companies?company=${demo.companyId}`);
      await expect(page.getByTestId('company-panel')).toBeVisible();
    },
  },
  {
    name: 'funnel',
    open: async (page) => {
      await go(page, '#/funnel');
      await expect(page.getByTestId('funnel-view')).toBeVisible();
      await expect(page.getByTestId('funnel-stage-table').or(page.getByTestId('funnel-empty')).first()).toBeVisible();
    },
  },
  {
    name: 'segment-editor',
    open: async (page) => {
      await page.getByRole('button', { name: 'New segment' }).click();
      await expect(page.getByTestId('segment-editor')).toBeVisible();
    },
  },
  {
    name: 'import',
    open: async (page) => {
      await go(page, '#/import');
      await expect(page.getByTestId('import-view')).toBeVisible();
    },
  },
  { name: 'import-mapping', open: openImportMapping },
  {
    name: 'import-preview',
    open: async (page) => {
      await openImportMapping(page);
      await page.getByTestId('import-preview-button').click();
      await expect(page.getByTestId('import-preview')).toBeVisible();
    },
  },
  {
    name: 'outbox',
    open: async (page) => {
      await go(page, '#/outbox');
      await expect(page.getByTestId('outbox-view')).toBeVisible();
    },
  },
  {
    name: 'conflicts',
    open: async (page) => {
      await go(page, '#/conflicts');
      await expect(page.getByTestId('conflicts-view')).toBeVisible();
    },
  },
  {
    name: 'recent-actions',
    open: async (page, demo) => {
      // one change of the person's own, so the list has something to offer undo for
      await pageApi(page, 'contacts.update', { id: demo.contactId, patch: { phone: '+1 555 0142' } });
      await go(page, '#/recent');
      await expect(page.getByTestId('recent-actions').getByTestId('recent-action').first()).toBeVisible();
    },
  },
  {
    name: 'duplicates',
    open: async (page, demo) => {
      // a second Ana: the demo contact's email again, in capitals
      const { email } = await pageApi(page, 'contacts.get', { id: demo.contactId });
      await pageApi(page, 'contacts.create', { name: 'Second Copy', email: email!.toUpperCase() });
      await go(page, '#/duplicates');
      await expect(page.getByTestId('duplicate-group').first()).toBeVisible();
    },
  },
  {
    name: 'merge-dialog',
    open: async (page, demo) => {
      const { email } = await pageApi(page, 'contacts.get', { id: demo.contactId });
      const dupes = await pageApi(page, 'contacts.duplicates', { reason: 'email' });
      if (!dupes.groups.some((g) => g.key.toLowerCase() === email!.toLowerCase())) {
        await pageApi(page, 'contacts.create', { name: 'Second Copy', email: email!.toUpperCase() });
      }
      await go(page, '#/duplicates');
      await page.getByTestId('duplicate-merge').first().click();
      await expect(page.getByTestId('merge-dialog').getByTestId('merge-intercom')).toBeVisible();
    },
  },
  {
    name: 'settings',
    open: async (page) => {
      await go(page, '#/settings');
      await expect(page.getByTestId('settings-view')).toBeVisible();
    },
  },
  {
    name: 'new-lead',
    open: async (page) => {
      await expect(page.getByTestId('lead-row').first()).toBeVisible();
      await page.locator('body').press('n');
      await expect(page.getByRole('dialog')).toBeVisible();
      await page.keyboard.type('Sam Fair');
    },
  },
  {
    name: 'bulk-message',
    open: async (page) => {
      const rows = page.getByTestId('lead-row');
      await expect(rows.first()).toBeVisible();
      for (let i = 0; i < 3; i++) await rows.nth(i).getByRole('checkbox').check();
      // at 1024 the bar has no room for every action: Send message… is then under More (ui/OverflowRow)
      const bar = page.getByTestId('bulk-bar');
      const send = bar.getByRole('button', { name: 'Send message…' });
      await expect(bar).toBeVisible();
      if (!(await send.isVisible())) await bar.getByTestId('toolbar-more').click();
      await send.click();
      const dialog = page.getByTestId('bulk-message-dialog');
      await dialog.getByLabel('Message text').fill(TEMPLATE);
      await expect(dialog.getByTestId('composer-preview-item')).toHaveCount(3);
    },
  },
  {
    name: 'bulk-confirm',
    open: async (page) => {
      const rows = page.getByTestId('lead-row');
      await expect(rows.first()).toBeVisible();
      for (let i = 0; i < 2; i++) await rows.nth(i).getByRole('checkbox').check();
      await page.getByRole('button', { name: 'Set stage ▾' }).click();
      await page.getByTestId('bulk-stage-menu').getByRole('button', { name: 'Signed up' }).click();
      await expect(page.getByTestId('confirm-dialog')).toBeVisible();
    },
  },
  {
    name: 'shortcuts',
    open: async (page) => {
      await expect(page.getByTestId('lead-row').first()).toBeVisible();
      await page.locator('body').press('?');
      await expect(page.getByTestId('shortcuts-dialog')).toBeVisible();
    },
  },
];

/** Loads the console afresh (no dialog or panel left from the stop before) on the Leads screen. */
export async function reload(page: Page, demo: Demo): Promise<void> {
  // a goto that changes only the hash would keep the page (and its open dialogs and wizards)
  await page.goto('about:blank');
  await page.goto(demo.app.openUrl);
  await expect(page.getByTestId('lead-row').first()).toBeVisible();
}
