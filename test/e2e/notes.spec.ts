// Notes on the lead page and the company timeline, with the built-in sandbox workspace: the team's
// notes read from Intercom when the record opens (author and time); a note written offline waits,
// is edited in place and deleted while it waits; online it goes to Intercom once and then says it
// can no longer be edited; adding one is undone from its toast; a company's timeline shows its
// users' notes, each naming its contact and author.
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { consolePerTest, pageApi } from './browserMode';

const app = consolePerTest(['--sandbox']);

interface SandboxNoteState {
  contactId: string;
  body: string;
  authorId: string;
}

async function control(page: Page, method: 'GET' | 'POST', route: string, body?: unknown): Promise<unknown> {
  const sandboxUrl = (await pageApi(page, 'settings.get', {})).intercom.baseUrl!;
  const token = fs.readFileSync(path.join(app.dataDir, 'sandbox-control-token'), 'utf8');
  const res = await fetch(`${sandboxUrl}/_sandbox/${route}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, route).toBe(200);
  return res.json();
}

const sandboxNotes = async (page: Page, intercomId: string) =>
  ((await control(page, 'GET', 'state')) as { notes: SandboxNoteState[] }).notes.filter((n) => n.contactId === intercomId);

async function synced(page: Page) {
  await page.goto(app.openUrl);
  await expect(page.getByTestId('sync-state')).toHaveText('Synced', { timeout: 30_000 });
  await expect.poll(async () => (await pageApi(page, 'sync.status', {})).initialImport, { timeout: 30_000 }).toBe('done');
}

async function openContact(page: Page, id: string) {
  await page.evaluate((x) => {
    location.hash = `#/leads?contact=${x}`;
  }, id);
}

test('the lead page reads the team’s notes, keeps an offline note waiting with edit and delete, then sends it once', async ({ page }) => {
  await synced(page);
  const { items } = await pageApi(page, 'contacts.list', { filter: { syncState: ['synced'] }, limit: 5 });
  const contact = items[0]!;
  const intercomId = contact.intercomId!;
  await control(page, 'POST', 'remote-create-note', { contactId: intercomId, body: '<p>Met her at the fair.</p><p>Budget in Q3.</p>' });

  await openContact(page, contact.id);
  const notes = page.getByTestId('contact-panel').getByTestId('contact-notes');
  const team = notes.getByTestId('note').filter({ hasText: 'Met her at the fair.' });
  await expect(team).toBeVisible({ timeout: 15_000 });
  await expect(team.getByTestId('note-body')).toHaveText('Met her at the fair.\nBudget in Q3.');
  await expect(team).toContainText('Kim Keller');
  await expect(team.getByTestId('note-state')).toHaveText('From Intercom');
  await expect(team.getByTestId('note-edit')).toHaveCount(0);
  await expect(notes.getByTestId('notes-pull')).toHaveText('1 new note from Intercom');
  // and in the record's timeline, with its author
  const timeline = page.getByTestId('contact-panel').getByTestId('timeline');
  await expect(timeline.locator('[data-kind="note"]').first()).toContainText('Note by Kim Keller');

  // offline: the note waits, can be edited and deleted
  await pageApi(page, 'sync.setOnline', { online: false });
  const form = notes.getByTestId('note-form');
  await form.getByLabel('New note').fill('Called: wants a demo on Monday');
  await form.getByRole('button', { name: 'Add note' }).click();
  const mine = notes.getByTestId('note').filter({ hasText: 'wants a demo' });
  await expect(mine.getByTestId('note-state')).toHaveText('Waits for Intercom');
  await expect(page.getByTestId('sync-state')).not.toHaveText('Synced');
  await mine.getByTestId('note-edit').click();
  await mine.getByLabel('Note text').fill('Called: wants a demo on Tuesday');
  await mine.getByRole('button', { name: 'Save' }).click();
  await expect(mine.getByTestId('note-body')).toHaveText('Called: wants a demo on Tuesday');
  // one outbox entry, whatever the edits
  const outbox = await pageApi(page, 'outbox.list', { entityId: contact.id, limit: 20 });
  expect(outbox.items.filter((e) => e.op === 'contact.note')).toHaveLength(1);

  await form.getByLabel('New note').fill('Typo note');
  await form.getByLabel('New note').press('Control+Enter');
  const typo = notes.getByTestId('note').filter({ hasText: 'Typo note' });
  await expect(typo.getByTestId('note-state')).toHaveText('Waits for Intercom');
  await typo.getByTestId('note-delete').click();
  await expect(typo).toHaveCount(0);

  // online: it goes out once, and says it can no longer be edited
  await pageApi(page, 'sync.setOnline', { online: true });
  await pageApi(page, 'sync.now', {});
  await expect(mine.getByTestId('note-state')).toHaveText('In Intercom', { timeout: 20_000 });
  await expect(mine.getByTestId('note-edit')).toHaveCount(0);
  await expect(mine.getByTestId('note-locked')).toContainText('Intercom’s notes cannot be edited or deleted after they are sent');
  await expect(page.getByTestId('sync-state')).toHaveText('Synced', { timeout: 20_000 });
  const remote = await sandboxNotes(page, intercomId);
  expect(remote.map((n) => n.body).sort()).toEqual(['<p>Called: wants a demo on Tuesday</p>', '<p>Met her at the fair.</p><p>Budget in Q3.</p>']);
});

test('adding a note is undone from its toast before it syncs', async ({ page }) => {
  await synced(page);
  const { items } = await pageApi(page, 'contacts.list', { filter: { syncState: ['synced'] }, limit: 5 });
  const contact = items[1]!;
  await pageApi(page, 'sync.setOnline', { online: false });
  await openContact(page, contact.id);
  const notes = page.getByTestId('contact-panel').getByTestId('contact-notes');
  await notes.getByLabel('New note').fill('Wrong contact, sorry');
  await notes.getByRole('button', { name: 'Add note' }).click();
  await expect(notes.getByTestId('note').filter({ hasText: 'Wrong contact' })).toBeVisible();
  const offer = page.getByTestId('change-undo');
  await expect(offer).toContainText('Note added to');
  await offer.getByRole('button', { name: /Undo/ }).click();
  await expect(page.getByTestId('undo-result')).toContainText('Nothing of it had reached Intercom.');
  await expect(notes.getByTestId('note').filter({ hasText: 'Wrong contact' })).toHaveCount(0);
  await pageApi(page, 'sync.setOnline', { online: true });
  await pageApi(page, 'sync.now', {});
  await expect(page.getByTestId('sync-state')).toHaveText('Synced', { timeout: 20_000 });
  expect((await sandboxNotes(page, contact.intercomId!)).map((n) => n.body)).toEqual([]);
});

test('a company’s timeline shows its users’ notes, naming the contact and the author', async ({ page }) => {
  await synced(page);
  const companies = await pageApi(page, 'companies.list', { limit: 50 });
  const company = companies.items.find((c) => c.userCount >= 2)!;
  const detail = await pageApi(page, 'companies.get', { id: company.id });
  const [first, second] = detail.users;
  await pageApi(page, 'notes.add', { contactId: first!.id, note: 'Champion: signs off on the budget' });
  const secondIntercomId = (await pageApi(page, 'contacts.get', { id: second!.id })).intercomId!;
  await control(page, 'POST', 'remote-create-note', { contactId: secondIntercomId, body: 'Asked about SSO' });
  await pageApi(page, 'notes.pull', { contactId: second!.id });

  await page.evaluate((x) => {
    location.hash = `#/companies?company=${x}`;
  }, company.id);
  const timeline = page.getByTestId('company-panel').getByTestId('timeline');
  const notes = timeline.locator('[data-kind="note"]');
  await expect(notes).toHaveCount(2, { timeout: 15_000 });
  const champion = notes.filter({ hasText: 'Champion: signs off on the budget' });
  await expect(champion.getByTestId('timeline-contact')).toHaveText(first!.name ?? first!.email!);
  await expect(champion.getByTestId('timeline-note-author')).toHaveText(`by ${(await pageApi(page, 'app.info', {})).actor}`);
  const sso = notes.filter({ hasText: 'Asked about SSO' });
  await expect(sso.getByTestId('timeline-contact')).toHaveText(second!.name ?? second!.email!);
  await expect(sso.getByTestId('timeline-note-author')).toHaveText('by Kim Keller');
});
