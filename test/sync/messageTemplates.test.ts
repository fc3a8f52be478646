// Message templates end to end: saved templates (migration 0009), the preview with its missing
// count, and a single or bulk send rendered per contact, so what the sandbox Intercom receives is
// exactly the text the preview showed.
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../electron/sandbox';
import { MESSAGE_HOLD_MS } from '../../shared/domain';
import { ApiError } from '../../shared/client';
import { setNow } from '../helpers/activityData';
import { makeTempDir, removeTempDir, startCore, TestClock, type TestCore } from '../helpers/testCore';

const T0 = Date.parse('2024-05-01T09:00:00Z');
let sb: Sandbox | undefined;
let t: TestCore | undefined;
afterEach(async () => {
  if (t) {
    t.dispose();
    removeTempDir(t.dir);
  }
  t = undefined;
  await sb?.close();
  sb = undefined;
});

async function setup() {
  const clock = new TestClock();
  sb = await startSandbox({ searchLagMs: 0, randomSeed: 11, now: clock.now, rateLimit: { limit: 1_000_000, windowMs: 10_000 } });
  t = startCore(makeTempDir(), clock, {
    intercom: { baseUrl: sb.url, source: 'start-option', token: sb.token },
    autoSync: false,
    sync: { client: { timeoutMs: 5000, backoff: { baseMs: 5, maxMs: 50 } } },
  });
  setNow(clock, T0);
  const api = t.api;
  const { contact: ana } = await api.call('contacts.create', { name: 'Ana Lima', email: 'ana@example.test', customAttributes: { plan: 'Pro' } });
  const { contact: bo } = await api.call('contacts.create', { email: 'bo@example.test' });
  const { contact: cy } = await api.call('contacts.create', { name: 'Cy Cole' });
  const acme = await api.call('companies.create', { name: 'Acme' });
  await api.call('companies.link', { contactId: ana.id, companyId: acme.id });
  await t.core.sync.runOnce();
  return { api, clock, ana, bo, cy };
}

const BODY = 'Hi {{first_name | fallback: "there"}}, {{company_name}} is on {{custom.plan}}.';

describe('message templates', () => {
  it('saves, lists, renames and deletes templates; refuses an unknown placeholder by name', { timeout: 30_000 }, async () => {
    const { api } = await setup();
    const saved = await api.call('templates.save', { name: 'Welcome', channel: 'inapp', body: BODY });
    const renamed = await api.call('templates.save', { id: saved.id, name: 'Welcome back', channel: 'email', subject: 'Hello {{name}}', body: BODY });
    expect(renamed).toMatchObject({ id: saved.id, name: 'Welcome back', subject: 'Hello {{name}}' });
    expect((await api.call('templates.list', {})).items.map((x) => x.name)).toEqual(['Welcome back']);
    const bad = await api.call('templates.save', { name: 'Bad', channel: 'inapp', body: 'Hi {{frist_name}}' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ApiError);
    expect(bad).toMatchObject({ code: 'VALIDATION', field: 'body' });
    expect((bad as Error).message).toContain('{{frist_name}}');
    const dup = await api.call('templates.save', { name: 'WELCOME BACK', channel: 'inapp', body: 'x' }).catch((e: unknown) => e);
    expect(dup).toMatchObject({ code: 'CONFLICT', field: 'name' });
    expect((await api.call('templates.delete', { id: saved.id })).deleted).toBe(true);
    expect((await api.call('templates.list', {})).items).toEqual([]);
  });

  it('previews the first messages and counts who lacks a value without a fallback', { timeout: 30_000 }, async () => {
    const { api, ana, bo, cy } = await setup();
    const p = await api.call('templates.preview', { target: { kind: 'ids', ids: [ana.id, bo.id, cy.id] }, channel: 'inapp', body: BODY, limit: 2 });
    expect(p.items.map((i) => i.body)).toEqual(['Hi Ana, Acme is on Pro.', 'Hi there,  is on .']);
    expect(p.items[1]!.missing).toEqual(['{{company_name}}', '{{custom.plan}}']);
    expect(p).toMatchObject({ recipients: 3, missingCount: 2 });
    expect(p.missing).toEqual([
      { placeholder: '{{company_name}}', count: 2 },
      { placeholder: '{{custom.plan}}', count: 2 },
    ]);
    // an email goes only to those with an address
    const email = await api.call('templates.preview', { target: { kind: 'ids', ids: [ana.id, bo.id, cy.id] }, channel: 'email', subject: 'For {{name | fallback: "you"}}', body: 'Hi' });
    expect(email.recipients).toBe(2);
    expect(email.items.map((i) => i.subject)).toEqual(['For Ana Lima', 'For you']);
  });

  it('sends what the preview showed: one contact and a bulk, rendered per contact, reach Intercom as rendered text', { timeout: 60_000 }, async () => {
    const { api, clock, ana, bo, cy } = await setup();
    const at = setNow(clock, T0 + 60_000);
    const one = await api.call('messages.send', { contactId: ana.id, channel: 'email', subject: 'Plan {{custom.plan}}', body: BODY });
    expect(one).toMatchObject({ subject: 'Plan Pro', body: 'Hi Ana, Acme is on Pro.' });
    const preview = await api.call('templates.preview', { target: { kind: 'ids', ids: [bo.id, cy.id] }, channel: 'inapp', body: 'Hello {{first_name | fallback: "there"}}' });
    const run = await api.call('bulk.run', { target: { kind: 'ids', ids: [bo.id, cy.id] }, action: { type: 'message', channel: 'inapp', body: 'Hello {{first_name | fallback: "there"}}' }, confirm: true });
    expect(run.touched).toBe(2);
    // a message that renders to nothing is not sent
    const empty = await api.call('bulk.run', { target: { kind: 'ids', ids: [bo.id] }, action: { type: 'message', channel: 'inapp', body: '{{name}}' }, dryRun: true });
    expect(empty).toMatchObject({ touched: 0, skipped: [{ reason: 'the message would be empty: no value for its placeholders', count: 1 }] });

    setNow(clock, at + MESSAGE_HOLD_MS);
    await t!.core.sync.runOnce();
    const got = sb!.workspace.messages().map((m) => ({ subject: m.subject, body: m.body }));
    expect(got).toEqual(
      expect.arrayContaining([
        { subject: 'Plan Pro', body: 'Hi Ana, Acme is on Pro.' },
        ...preview.items.map((i) => ({ subject: null, body: i.body })),
      ]),
    );
    expect(got).toHaveLength(3);
    expect(preview.items.map((i) => i.body)).toEqual(['Hello there', 'Hello Cy']);
  });
});
