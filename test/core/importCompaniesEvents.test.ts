// Importing companies with their users, and activity events (page views by visitor id, with
// referrer and landing page) that join their contact when a contact with that visitor id is
// imported later.
import { describe, expect, it } from 'vitest';
import { coresPerTest, outboxItems } from '../helpers/testCore';
import { fixture, reportLines, runImport, upload, waitFor } from './fixtures/import/importHarness';

const core = coresPerTest();

describe('import: companies with their users', () => {
  it('creates each company once, links its users, sets its stage and reports every row', async () => {
    const t = core();
    const { job, analysis } = await runImport(t, 'accounts.csv', fixture('companies-users.csv'));
    expect(analysis.guessedKind).toBe('companies');
    expect(analysis.mapping).toEqual({
      'company id': 'companyExternalId',
      'company name': 'companyName',
      plan: 'plan',
      mrr: 'monthlySpend',
      'company stage': 'companyStage',
      email: 'email',
      name: 'name',
      'user id': 'externalId',
    });
    expect(job).toMatchObject({ state: 'done', kind: 'companies', rowsTotal: 5, created: 4, updated: 0, skipped: 0, failed: 1 });

    const companies = await t.api.call('companies.list', { limit: 10, sort: { field: 'name', dir: 'asc' } });
    expect(companies.items.map((c) => [c.name, c.externalId, c.stage, c.plan, c.monthlySpend, c.userCount])).toEqual([
      ['Acme Ltd', 'c-1', 'customer', 'pro', 1200.5, 3],
      ['Beta Inc', 'c-2', null, 'free', 0, 0],
    ]);
    const acme = await t.api.call('companies.get', { id: companies.items[0]!.id });
    expect(acme.users.map((u) => u.name).sort()).toEqual(['Ann Acme', 'Bob Acme', 'Cy Acme']);
    expect(acme.history.map((h) => [h.fromStage, h.toStage])).toEqual([
      ['sql', 'customer'],
      [null, 'sql'],
    ]);
    // a user with a user id signed up; one without is a lead
    const people = (await t.api.call('contacts.list', { filter: { companyId: acme.id }, limit: 10, sort: { field: 'name', dir: 'asc' } })).items;
    expect(people.map((p) => [p.name, p.role, p.stage, p.externalId])).toEqual([
      ['Ann Acme', 'user', 'signed_up', 'u-ann'],
      ['Bob Acme', 'user', 'signed_up', 'u-bob'],
      ['Cy Acme', 'lead', 'lead', null],
    ]);
    // the company's name is in its users' search entries
    expect((await t.api.call('contacts.list', { search: 'acme ltd bob', limit: 5 })).items.map((c) => c.name)).toEqual(['Bob Acme']);

    const lines = (await reportLines(t, job.id)).items;
    expect(lines.map((l) => [l.row, l.action, l.entityType])).toEqual([
      [2, 'created', 'contact'],
      [3, 'created', 'contact'],
      [4, 'created', 'company'],
      [5, 'created', 'contact'],
      [6, 'failed', 'contact'],
    ]);
    expect(lines[4]!.reason).toBe('company c-3 does not exist yet; give its name to create it');

    // the outbox holds what typing it in would have queued
    const items = await outboxItems(t);
    expect(items.filter((o) => o.entityId === acme.id).map((o) => o.op)).toEqual(['company.create', 'company.setStage']);
    const ann = people[0]!;
    expect(items.filter((o) => o.entityId === ann.id).map((o) => [o.op, o.payload])).toEqual([
      ['contact.create', expect.objectContaining({ role: 'user', stage: 'signed_up', externalId: 'u-ann' })],
      ['company.link', { companyId: acme.id }],
    ]);
  });

  it('fills in an existing company only in update mode, and never moves a stage back', async () => {
    const t = core();
    const existing = await t.api.call('companies.create', { name: 'Gamma', externalId: 'g-1', stage: 'customer', plan: 'free' });
    const file = 'company id,company name,plan,company stage\ng-1,Gamma,enterprise,SQL\n';
    const skip = await runImport(t, 'g.csv', file);
    expect(skip.job).toMatchObject({ created: 0, updated: 0, skipped: 1 });
    expect((await reportLines(t, skip.job.id)).items[0]!.reason).toBe(`duplicate of ${existing.id} by company id`);
    const update = await runImport(t, 'g.csv', file, { duplicates: 'update' });
    expect(update.job).toMatchObject({ updated: 1 });
    expect((await reportLines(t, update.job.id)).items[0]).toMatchObject({ action: 'updated', reason: 'company stage not moved back from customer' });
    expect(await t.api.call('companies.get', { id: existing.id })).toMatchObject({ plan: 'enterprise', stage: 'customer' });
  });
});

describe('import: activity events', () => {
  it('keeps page views by visitor id and gives them to the contact imported later with that visitor id', async () => {
    const t = core();
    const job = await upload(t, 'visits.csv', fixture('visits.csv'));
    const a = await t.api.call('import.analyse', { importId: job.id });
    expect(a.guessedKind).toBe('events');
    expect(a.mapping).toEqual({
      'visitor id': 'visitorId',
      event: 'eventName',
      timestamp: 'at',
      referrer: 'referrer',
      'landing page': 'landingPage',
      plan: 'metadata:plan',
    });
    const p = await t.api.call('import.preview', { importId: job.id, kind: 'events', mapping: a.mapping, duplicates: 'skip' });
    expect(p).toMatchObject({ rows: 6, valid: 4, invalid: 2, willCreate: 3, willSkip: 1, duplicatesInFile: 1 });
    expect(p.problems).toEqual([
      { row: 6, column: 'visitor id', field: 'visitorId', message: 'an event needs a visitor id, a user id or an email' },
      { row: 7, column: 'timestamp', field: 'at', message: '"yesterday" is not a date (ISO 8601 or Unix seconds)' },
    ]);
    expect(p.mapped[0]).toEqual({
      row: 2,
      visitorId: 'v-100',
      externalId: null,
      email: null,
      name: 'page_view',
      at: '2024-03-01T10:00:00.000Z',
      metadata: { referrer: 'https://google.com', landing_page: '/pricing' },
    });
    await t.api.call('import.start', { importId: job.id, kind: 'events', mapping: a.mapping, duplicates: 'skip' });
    const done = await waitFor(t, job.id, ['done']);
    expect(done).toMatchObject({ created: 3, skipped: 1, failed: 2 });
    expect((await reportLines(t, job.id)).items[1]).toMatchObject({ row: 3, action: 'skipped', entityType: 'event', reason: 'already recorded' });
    // nobody has these visitor ids yet: nothing for Intercom
    expect(await outboxItems(t)).toEqual([]);

    const contacts = await runImport(t, 'leads.csv', 'email,name,visitor id\nvic@example.com,Vic Visitor,v-100\n');
    expect(contacts.job.created).toBe(1);
    const [vic] = (await t.api.call('contacts.list', { search: 'vic', limit: 5 })).items;
    const timeline = await t.api.call('contacts.timeline', { id: vic!.id, limit: 10 });
    expect(timeline.items.filter((i) => i.kind === 'event').map((i) => i.kind === 'event' && [i.event.name, i.event.at, i.event.metadata])).toEqual([
      ['signup_click', '2024-03-01T10:46:40.000Z', { landing_page: '/signup', plan: 'pro' }],
      ['page_view', '2024-03-01T10:00:00.000Z', { referrer: 'https://google.com', landing_page: '/pricing' }],
    ]);
    expect(timeline.firstTouch).toEqual({ at: '2024-03-01T10:00:00.000Z', referrer: 'https://google.com', landingPage: '/pricing' });
    // the adopted events follow the contact's create to Intercom
    expect((await outboxItems(t)).map((o) => o.op)).toEqual(['contact.create', 'event.create', 'event.create']);
  });

  it('puts events of known contacts on them by user id or email, and refuses unknown people without a visitor id', async () => {
    const t = core();
    const { contact } = await t.api.call('contacts.create', { email: 'kim@example.com', name: 'Kim', externalId: 'k-1' });
    const file = ['user id,email,event,time', 'k-1,,login,2024-05-01 08:00', ',KIM@example.com,login,2024-05-02', 'nobody,,login,2024-05-03', ''].join('\n');
    const { job } = await runImport(t, 'logins.csv', file);
    expect(job).toMatchObject({ kind: 'events', created: 2, failed: 1 });
    expect((await reportLines(t, job.id)).items[2]!.reason).toBe('no contact has user id nobody');
    const timeline = await t.api.call('contacts.timeline', { id: contact.id, limit: 10 });
    expect(timeline.items.filter((i) => i.kind === 'event').map((i) => i.at)).toEqual(['2024-05-02T00:00:00.000Z', '2024-05-01T08:00:00.000Z']);
  });
});
