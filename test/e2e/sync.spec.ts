// The sync screens, driven as a salesperson would: the status bar, Settings, the conflicts view
// and the lead page's messages. Without a token (a fresh data folder) the console says it is not
// connected; with the built-in sandbox (`--sandbox`) it syncs with a demo Intercom workspace, where
// a conflict is made through the sandbox's /_sandbox/ control surface and a change is refused.
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { consolePerTest, pageApi } from './browserMode';

const bar = (page: Page) => page.getByTestId('status-bar');
const syncState = (page: Page) => page.getByTestId('sync-state');

test.describe('without a token', () => {
  const app = consolePerTest();

  test.beforeEach(async ({ page }) => {
    await page.goto(app.openUrl);
    await expect(bar(page)).toBeVisible();
  });

  test('the status bar says it is not connected and opens Settings', async ({ page }) => {
    await expect(syncState(page)).toHaveText('Not connected to Intercom');
    await expect(bar(page)).not.toContainText('Synced');
    await pageApi(page, 'contacts.create', { name: 'Waiting Lead' });
    await expect(page.getByTestId('outbox-count')).toHaveText('1 change waits for Intercom');
    await expect(bar(page)).not.toContainText('Synced');

    await syncState(page).click();
    await expect(page.getByTestId('settings-view')).toBeVisible();
    expect(page.url()).toContain('#/settings');
    await expect(page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Settings', exact: true })).toHaveAttribute('aria-current', 'page');
  });

  test('Settings: no token yet, where it would be kept, and stage values saved with errors by the field', async ({ page }) => {
    await page.locator('body').press(',');
    const view = page.getByTestId('settings-view');
    await expect(view).toBeVisible();
    await expect(page.getByTestId('token-state')).toHaveText('No token yet.');
    // browser mode has no key store: a file only this OS user can read
    await expect(page.getByTestId('token-storage')).toContainText('readable only by your OS user (browser mode has no key store)');
    await expect(page.getByTestId('test-connection')).toBeDisabled();
    await expect(page.getByLabel('Access token')).toHaveAttribute('type', 'password');
    await expect(page.getByTestId('settings-sync-state')).toContainText('Not connected to Intercom');
    await expect(page.getByTestId('sync-now')).toBeDisabled();

    // two company stages spelled the same cannot be told apart: refused beside the field
    await page.getByTestId('setting-stageValues.customer').fill('SQL');
    await page.getByRole('button', { name: 'Save stages' }).click();
    await expect(view.getByText(/^Customer: .*already the value of another stage/)).toBeVisible();
    await expect(page.getByTestId('setting-stageValues.customer')).toHaveAttribute('aria-invalid', 'true');
    expect((await pageApi(page, 'settings.get', {})).stageValues.customer).toBe('CUST');

    await page.getByTestId('setting-stageValues.customer').fill('Paying');
    await page.getByRole('button', { name: 'Save stages' }).click();
    await expect(page.getByTestId('toasts')).toContainText('Stages saved');
    expect((await pageApi(page, 'settings.get', {})).stageValues.customer).toBe('Paying');
  });

  test('the conflicts view is a number key away and says when there is nothing to settle', async ({ page }) => {
    await page.locator('body').press('6');
    await expect(page.getByTestId('conflicts-empty')).toContainText('No conflicts');
    expect(page.url()).toContain('#/conflicts');
    await page.locator('body').press('?');
    const list = page.getByTestId('shortcuts-dialog');
    await expect(list).toContainText('Go to Leads, Companies, Funnel, Import, Outbox, Conflicts');
    await expect(list).toContainText('Open Settings');
  });

  test('offline, the status bar says changes wait', async ({ page }) => {
    await page.evaluate(() => {
      Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
      window.dispatchEvent(new Event('offline'));
    });
    await expect(syncState(page)).toHaveText('Offline — changes wait');
  });
});

test.describe('with the sandbox workspace', () => {
  const app = consolePerTest(['--sandbox']);
  test.beforeEach(async ({ page }) => {
    await page.goto(app.openUrl);
    await expect(bar(page)).toBeVisible();
  });

  test('the first import runs, then the bar says Synced; a connection test names the workspace', async ({ page }) => {
    await expect(syncState(page)).toHaveText('Synced', { timeout: 30_000 });
    await expect(page.getByTestId('outbox-count')).toHaveText('Nothing waits for Intercom');

    await page.locator('body').press(',');
    await expect(page.getByTestId('token-state')).toContainText('A token is set.');
    await expect(page.getByTestId('base-url-source')).toContainText('built-in Intercom sandbox');
    await page.getByTestId('test-connection').click();
    const result = page.getByTestId('test-result');
    await expect(result).toContainText('Connected.');
    await expect(result).toContainText('Workspace');
    await expect(result).toContainText('Admin');
    await expect(page.getByTestId('initial-import')).toHaveText('Done');
  });

  test('messages: an email needs a subject; a sent message is listed; a flush waits 15 minutes', async ({ page }) => {
    // the first import brings the sandbox's seeded users
    await expect.poll(async () => (await pageApi(page, 'sync.status', {})).initialImport, { timeout: 30_000 }).toBe('done');
    const users = await pageApi(page, 'contacts.list', { filter: { role: ['user'] }, limit: 50 });
    const user = users.items.find((c) => c.email);
    expect(user, 'the sandbox seeds users with an email').toBeTruthy();
    await page.evaluate((id) => {
      location.hash = `#/leads?contact=${id}`;
    }, user!.id);
    const panel = page.getByTestId('contact-panel');
    const messages = panel.getByTestId('contact-messages');
    await expect(messages).toBeVisible();

    await messages.getByTestId('send-message-open').click();
    const form = messages.getByTestId('send-message-form');
    await form.getByRole('radio', { name: /Email/ }).check();
    await form.getByLabel('Message text').fill('Welcome aboard.');
    await form.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(form.getByText('Subject: an email needs a subject')).toBeVisible();
    await expect(form.getByLabel('Subject')).toHaveAttribute('aria-invalid', 'true');

    await form.getByLabel('Subject').fill('Hello');
    await form.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(form).toBeHidden();
    const first = messages.getByTestId('message').first();
    await expect(first).toContainText('Email: Hello');
    await expect(first.getByTestId('message-status')).toHaveText(/Sending in \d+ s · Undo|Sending…|Sent/);

    await messages.getByTestId('flush-messages').click();
    await expect(messages.getByTestId('flush-messages')).toBeDisabled();
    await expect(messages.getByTestId('flush-hint')).toContainText('Next possible in');
  });
});

test.describe('conflicts and refused changes, with the sandbox workspace', () => {
  const app = consolePerTest(['--sandbox']);
  test.beforeEach(async ({ page }) => {
    await page.goto(app.openUrl);
    await expect(syncState(page)).toHaveText('Synced', { timeout: 30_000 });
  });

  /** A lead created here and synced, so Intercom has it. */
  async function syncedLead(page: Page, name: string) {
    const { contact } = await pageApi(page, 'contacts.create', { name, email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.com` });
    await expect.poll(async () => (await pageApi(page, 'contacts.get', { id: contact.id })).syncState, { timeout: 20_000 }).toBe('synced');
    return pageApi(page, 'contacts.get', { id: contact.id });
  }

  test('a name changed on both sides becomes a conflict; keeping Intercom\'s value settles it everywhere', async ({ page }) => {
    const lead = await syncedLead(page, 'Dana Both');
    const sandboxUrl = (await pageApi(page, 'settings.get', {})).intercom.baseUrl!;
    // the control surface's token, kept where the start banner says
    const control = { Authorization: `Bearer ${fs.readFileSync(path.join(app.dataDir, 'sandbox-control-token'), 'utf8')}` };

    // offline, the name is changed here; meanwhile someone changes it in Intercom
    await pageApi(page, 'sync.setOnline', { online: false });
    await pageApi(page, 'contacts.update', { id: lead.id, patch: { name: 'Dana Here' } });
    const edit = await fetch(`${sandboxUrl}/_sandbox/remote-edit`, {
      method: 'POST',
      headers: { ...control, 'Content-Type': 'application/json' },
      body: JSON.stringify({ contactId: lead.intercomId, patch: { name: 'Dana There' } }),
    });
    expect(edit.ok).toBe(true);
    // the sandbox's search shows an edit after a few seconds, like Intercom's (minutes there)
    await page.waitForTimeout(5_500);
    await pageApi(page, 'sync.setOnline', { online: true });

    const count = page.getByTestId('conflict-count');
    await expect(count).toHaveText('1 conflict', { timeout: 20_000 });
    // the local change waits while the conflict is open: Intercom still has its own value
    const state = await (await fetch(`${sandboxUrl}/_sandbox/state`, { headers: control })).json() as { contacts: Array<{ id: string; name: string }> };
    expect(state.contacts.find((c) => c.id === lead.intercomId)?.name).toBe('Dana There');

    await count.click();
    const conflict = page.getByTestId('conflict');
    await expect(conflict).toHaveCount(1);
    await expect(conflict.getByTestId('conflict-local')).toContainText('Dana Here');
    await expect(conflict.getByTestId('conflict-remote')).toContainText('Dana There');
    await conflict.getByRole('button', { name: /^Keep Intercom's/ }).click();
    await expect(page.getByTestId('conflicts-empty')).toBeVisible();
    await expect(count).toBeHidden();

    await expect.poll(async () => (await pageApi(page, 'contacts.get', { id: lead.id })).name).toBe('Dana There');
    await expect.poll(async () => (await pageApi(page, 'contacts.get', { id: lead.id })).syncState, { timeout: 20_000 }).toBe('synced');
    await expect(syncState(page)).toHaveText('Synced', { timeout: 20_000 });
  });

  test('a change Intercom refuses is shown failed with its reason, and can be discarded after confirming', async ({ page }) => {
    const lead = await syncedLead(page, 'Rita Refused');
    // a number first makes Intercom's attribute numeric; text in it afterwards is refused
    await pageApi(page, 'contacts.update', { id: lead.id, patch: { customAttributes: { score: 5 } } });
    await expect.poll(async () => (await pageApi(page, 'contacts.get', { id: lead.id })).syncState, { timeout: 20_000 }).toBe('synced');
    await pageApi(page, 'contacts.update', { id: lead.id, patch: { customAttributes: { score: 'high' } } });
    await expect.poll(async () => (await pageApi(page, 'contacts.get', { id: lead.id })).syncState, { timeout: 20_000 }).toBe('failed');
    await expect(page.getByTestId('outbox-count')).toContainText('1 failed');
    await expect(syncState(page)).not.toHaveText('Synced');

    await page.locator('body').press('5');
    const entry = page.getByTestId('outbox-group').filter({ hasText: 'Rita Refused' }).getByTestId('outbox-entry').first();
    await page.getByLabel('Failed', { exact: true }).check();
    await expect(entry.getByTestId('outbox-last-error')).toContainText("Intercom refused PUT /contacts/");
    await expect(entry.getByTestId('outbox-last-error')).toContainText("'score' expects a value of type integer");
    // retry sends it again; Intercom refuses again
    await entry.getByTestId('outbox-retry').click();
    await expect.poll(async () => (await pageApi(page, 'outbox.list', { status: ['failed'], limit: 5 })).total, { timeout: 20_000 }).toBe(1);

    await page.getByTestId('outbox-entry').first().getByTestId('outbox-discard').click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText('Discard this change?');
    await dialog.getByRole('button', { name: 'Discard it' }).click();
    await expect.poll(async () => (await pageApi(page, 'outbox.list', { status: ['failed'], limit: 5 })).total).toBe(0);
    await expect(page.getByTestId('outbox-count')).toHaveText('Nothing waits for Intercom');
    await expect.poll(async () => (await pageApi(page, 'contacts.get', { id: lead.id })).syncState).toBe('synced');
  });
});
