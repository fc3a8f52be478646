// Import rollback at any time, against the sandbox: before the push nothing reaches Intercom;
// after it, the contacts the import created are archived there and the fields it changed are put
// back there too; a field edited since is kept and listed; companies Intercom has stay, unlinked;
// events stay in Intercom and the confirmation says so. After each, once synced, the store and
// the sandbox hold the same contacts with the same values, and nothing is left in the outbox.
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../electron/sandbox';
import { IMPORT_CHUNK_ROWS } from '../../electron/core/import/ImportService';
import { DEFAULT_STAGE_VALUES } from '../../shared/domain';
import { storeVsIntercom } from '../helpers/storeVsIntercom';
import { coresPerTest, TestClock, type TestCore } from '../helpers/testCore';
import { contactsCsv, runImport, upload, waitForRows } from './fixtures/import/importHarness';

const core = coresPerTest();
let sb: Sandbox | null = null;
afterEach(async () => {
  await sb?.close();
  sb = null;
});

async function rig(): Promise<{ t: TestCore; sb: Sandbox }> {
  sb = await startSandbox({ searchLagMs: 0, randomSeed: 7, rateLimit: { limit: 100_000, windowMs: 1000 } });
  const t = core(undefined, new TestClock(), {
    intercom: { baseUrl: sb.url, source: 'start-option', token: sb.token },
    autoSync: false,
    sync: { client: { timeoutMs: 5000, backoff: { baseMs: 5, maxMs: 50 } } },
  });
  return { t, sb };
}

/** Runs the sync engine, as the app would, until nothing waits. */
async function sync(t: TestCore, runs = 20): Promise<void> {
  for (let i = 0; i < runs; i++) {
    const s = await t.core.sync.runOnce();
    if (s.pending === 0 && s.state === 'idle') return;
  }
  throw new Error('the sync did not settle');
}

const STAGE_OF: Record<string, string> = Object.fromEntries(Object.entries(DEFAULT_STAGE_VALUES).map(([k, v]) => [v, k]));

/** Every local contact is a live Intercom contact with the same values, and no other is live there. */
function expectStoreEqualsSandbox(t: TestCore, sandbox: Sandbox): void {
  const local = t.core.store.db
    .prepare('SELECT intercom_id, name, email, phone, stage, custom_attributes FROM contacts ORDER BY intercom_id')
    .all() as { intercom_id: string; name: string; email: string; phone: string; stage: string; custom_attributes: string }[];
  const remote = sandbox.workspace.contacts().sort((a, b) => a.id.localeCompare(b.id));
  expect(remote.map((c) => c.id)).toEqual(local.map((c) => c.intercom_id));
  remote.forEach((c, i) => {
    const { Stage, ...attrs } = c.custom_attributes as Record<string, unknown>;
    const l = local[i]!;
    expect({ name: c.name, email: c.email, phone: c.phone, stage: STAGE_OF[String(Stage)] ?? 'lead', attrs }).toEqual({
      name: l.name,
      email: l.email,
      phone: l.phone,
      stage: l.stage,
      attrs: JSON.parse(l.custom_attributes),
    });
  });
  // nothing waits or was refused: the outbox holds no stale entry
  expect(t.core.store.outbox.counts()).toEqual({ waiting: 0, failed: 0 });
}

const contactByEmail = async (t: TestCore, email: string) => (await t.api.call('contacts.list', { search: email, limit: 1 })).items[0];

const UPDATE_FILE = 'email,name,phone,stage,tier\nana@example.com,Ana Imported,+1 555 0199,Signed up,new\nnew@example.com,New One,,,x\n';

async function seedAna(t: TestCore) {
  return (await t.api.call('contacts.create', { email: 'ana@example.com', name: 'Ana Lima', phone: '+1 555 0100', customAttributes: { tier: 'old' } })).contact;
}

describe('import rollback at any time', () => {
  it('before the push: nothing of the import reaches Intercom', async () => {
    const { t, sb } = await rig();
    const ana = await seedAna(t);
    await sync(t);
    const before = t.core.store.fingerprint();
    const { job } = await runImport(t, 'people.csv', UPDATE_FILE, { duplicates: 'update' });
    expect(job).toMatchObject({ state: 'done', created: 1, updated: 1, rollbackable: true, rollbackBlockedReason: null });
    const refused = await t.fail('import.rollback', { importId: job.id });
    expect(refused.code).toBe('CONFIRM_REQUIRED');
    expect(refused.message).toContain('The 1 contact it created is removed here.');
    expect(refused.message).not.toMatch(/archived|importId/);
    const rolled = await t.api.call('import.rollback', { importId: job.id, confirm: true });
    expect(rolled).toMatchObject({ state: 'rolled_back', rollbackable: false, rollbackResult: { kept: [], contactsArchived: 0 } });
    expect(t.core.store.fingerprint()).toEqual(before);
    await sync(t);
    expect(sb.workspace.contacts({ includeArchived: true }).map((c) => c.email)).toEqual(['ana@example.com']);
    expect(sb.workspace.contacts()[0]).toMatchObject({ name: 'Ana Lima', phone: '+1 555 0100' });
    expect((await t.api.call('contacts.get', { id: ana.id })).name).toBe('Ana Lima');
    expectStoreEqualsSandbox(t, sb);
  });

  it('after the push: archives the contacts it created in Intercom and puts the fields it changed back there', async () => {
    const { t, sb } = await rig();
    const ana = await seedAna(t);
    await sync(t);
    const { job } = await runImport(t, 'people.csv', UPDATE_FILE, { duplicates: 'update' });
    await sync(t);
    const anaRemote = () => sb.workspace.contacts().find((c) => c.email === 'ana@example.com')!;
    expect(anaRemote()).toMatchObject({ name: 'Ana Imported', phone: '+1 555 0199', custom_attributes: { Stage: 'Signed up', tier: 'new' } });
    const created = sb.workspace.contacts().find((c) => c.email === 'new@example.com')!;

    const refused = await t.fail('import.rollback', { importId: job.id });
    expect(refused.message).toContain('The 1 contact it created is removed here; 1 of them is in Intercom and will be archived there.');
    expect(refused.message).toContain('in Intercom too for 1 record it had reached');
    const rolled = await t.api.call('import.rollback', { importId: job.id, confirm: true });
    expect(rolled.rollbackResult).toMatchObject({ kept: [], contactsArchived: 1, eventsInIntercom: 0 });
    expect(rolled.rollbackResult!.summary).toContain('1 contact it created removed (1 archived in Intercom)');
    expect(await contactByEmail(t, 'new@example.com')).toBeUndefined();
    // locally at once, in Intercom once it syncs
    expect(await t.api.call('contacts.get', { id: ana.id })).toMatchObject({ name: 'Ana Lima', phone: '+1 555 0100', stage: 'lead', customAttributes: { tier: 'old' } });
    await sync(t);
    expect(sb.workspace.contact(created.id)).toMatchObject({ archived: true });
    expect(anaRemote()).toMatchObject({ name: 'Ana Lima', phone: '+1 555 0100', custom_attributes: { Stage: 'Lead', tier: 'old' } });
    // the stage move back is in the history as an undo
    const { history } = await t.api.call('contacts.get', { id: ana.id });
    expect(history[0]).toMatchObject({ fromStage: 'signed_up', toStage: 'lead', actor: 'tester@example.test (undo)' });
    expectStoreEqualsSandbox(t, sb);
    // a later pull does not bring the archived contact back
    await sync(t);
    expect(await contactByEmail(t, 'new@example.com')).toBeUndefined();
  });

  it('rollback after an edit (the reported case): the edit is kept and listed, and the store equals Intercom after the sync', async () => {
    const { t, sb } = await rig();
    const ana = await seedAna(t);
    await sync(t);
    const { job } = await runImport(t, 'people.csv', UPDATE_FILE, { duplicates: 'update' });
    await sync(t);
    await t.api.call('contacts.update', { id: ana.id, patch: { name: 'Ana Edited' } });
    const rolled = await t.api.call('import.rollback', { importId: job.id, confirm: true });
    expect(rolled.rollbackResult!.kept).toEqual(['Name of Ana Edited: changed since, kept']);
    expect(rolled.rollbackResult!.summary).toContain('1 field changed since kept');
    expect(await t.api.call('contacts.get', { id: ana.id })).toMatchObject({ name: 'Ana Edited', phone: '+1 555 0100', stage: 'lead' });
    await sync(t);
    expect(sb.workspace.contacts().find((c) => c.email === 'ana@example.com')).toMatchObject({ name: 'Ana Edited', phone: '+1 555 0100' });
    expectStoreEqualsSandbox(t, sb);
    expect((await t.api.call('sync.status', {})).pending).toBe(0);
    // what the rollback did is kept with the import: the report says it after a restart too
    t.dispose();
    const again = t.reopen();
    try {
      expect((await again.api.call('import.status', { importId: job.id })).rollbackResult).toEqual(rolled.rollbackResult);
    } finally {
      again.dispose();
    }
  });

  it('rollback after an edit, before anything was pushed: the same, and the import never reaches Intercom', async () => {
    const { t, sb } = await rig();
    const ana = await seedAna(t);
    await sync(t);
    const { job } = await runImport(t, 'people.csv', UPDATE_FILE, { duplicates: 'update' });
    await t.api.call('contacts.update', { id: ana.id, patch: { name: 'Ana Edited' } });
    const rolled = await t.api.call('import.rollback', { importId: job.id, confirm: true });
    expect(rolled.rollbackResult!.kept).toEqual(['Name of Ana Edited: changed since, kept']);
    await sync(t);
    expect(sb.workspace.contacts({ includeArchived: true })).toEqual([
      expect.objectContaining({ name: 'Ana Edited', phone: '+1 555 0100', custom_attributes: expect.objectContaining({ tier: 'old', Stage: 'Lead' }) }),
    ]);
    expectStoreEqualsSandbox(t, sb);
  });

  it('after the push, with faults on (lost answers, errors): Intercom ends equal to the store, each created contact archived once', async () => {
    const { t, sb } = await rig();
    const people = [];
    for (let i = 1; i <= 10; i++) people.push((await t.api.call('contacts.create', { email: `p${i}@example.com`, name: `P ${i}`, customAttributes: { tier: 'old' } })).contact);
    await sync(t);
    const lines = ['email,name,tier'];
    for (let i = 1; i <= 10; i++) lines.push(`p${i}@example.com,P ${i} Imported,new`);
    for (let i = 1; i <= 20; i++) lines.push(`n${i}@example.com,N ${i},x`);
    const { job } = await runImport(t, 'mixed.csv', `${lines.join('\n')}\n`, { duplicates: 'update' });
    expect(job).toMatchObject({ created: 20, updated: 10 });
    sb.setFaults({ dropAfterCommitRate: 0.3, errorRate: 0.2 });
    await sync(t, 60).catch(() => undefined);
    // someone edits two of them meanwhile; the rollback goes while the faults go on
    await t.api.call('contacts.update', { id: people[0]!.id, patch: { name: 'P 1 Edited' } });
    await t.api.call('contacts.update', { id: people[1]!.id, patch: { customAttributes: { tier: 'gold' } } });
    const rolled = await t.api.call('import.rollback', { importId: job.id, confirm: true });
    expect(rolled.rollbackResult!.kept.sort()).toEqual(['Attribute tier of P 2 Imported: changed since, kept', 'Name of P 1 Edited: changed since, kept']);
    await sync(t, 60).catch(() => undefined);
    sb.setFaults({ dropAfterCommitRate: 0, errorRate: 0 });
    // entries the faults deferred come due as the clock moves on
    t.clock.step = 60_000;
    await sync(t, 60);
    expectStoreEqualsSandbox(t, sb);
    // every new contact once in Intercom, archived
    const made = sb.workspace.contacts({ includeArchived: true }).filter((c) => c.email?.startsWith('n'));
    expect(made).toHaveLength(20);
    expect(made.every((c) => c.archived)).toBe(true);
    expect(await contactByEmail(t, 'p3@example.com')).toMatchObject({ name: 'P 3', customAttributes: { tier: 'old' } });
  });

  it('deletes in Intercom a company it created that Intercom has, with the links it made; a later pull does not bring it back', async () => {
    const { t, sb } = await rig();
    const ana = await seedAna(t);
    await sync(t);
    const { job } = await runImport(t, 'companies.csv', 'company name,email\nBeta,ana@example.com\n', { kind: 'companies', duplicates: 'update' });
    expect(job).toMatchObject({ state: 'done', rollbackWarning: expect.stringContaining('Companies it created that are in Intercom are deleted there') });
    expect(job.rollbackWarning).not.toContain('cannot archive companies');
    await sync(t);
    const beta = sb.workspace.companies().find((c) => c.name === 'Beta')!;
    const anaId = t.core.store.contacts.byId(ana.id)!.intercom_id!;
    expect(beta.contactIds).toContain(anaId);

    const refused = await t.fail('import.rollback', { importId: job.id });
    expect(refused.message).toContain('1 company it created is in Intercom and will be deleted there');
    expect(refused.message).not.toContain('cannot archive companies');
    const rolled = await t.api.call('import.rollback', { importId: job.id, confirm: true });
    expect(rolled.rollbackResult).toMatchObject({ companiesKept: [] });
    expect(rolled.rollbackResult!.summary).toContain('1 company it created removed (1 deleted in Intercom)');
    expect((await t.api.call('contacts.get', { id: ana.id })).companies).toEqual([]);
    expect((await t.api.call('companies.list', { search: 'beta', limit: 1 })).total).toBe(0);
    await sync(t);
    expect(sb.workspace.company(beta.id)).toBeUndefined();
    expect(sb.workspace.contact(anaId)!.companies?.data ?? []).toEqual([]);
    expect((await t.api.call('companies.list', { search: 'beta', limit: 1 })).total).toBe(0);
    expectStoreEqualsSandbox(t, sb);
    expect(await storeVsIntercom(t, sb)).toEqual([]);
  });

  it('keeps a company it created that was changed since, and deletes the one that was not', async () => {
    const { t, sb } = await rig();
    await seedAna(t);
    await sync(t);
    const { job } = await runImport(t, 'companies.csv', 'company name,email\nBeta,ana@example.com\nGamma,\n', { kind: 'companies', duplicates: 'update' });
    await sync(t);
    const gamma = (await t.api.call('companies.list', { search: 'gamma', limit: 1 })).items[0]!;
    await t.api.call('companies.update', { id: gamma.id, patch: { plan: 'pro' } });
    await sync(t);

    const rolled = await t.api.call('import.rollback', { importId: job.id, confirm: true });
    expect(rolled.rollbackResult).toMatchObject({ companiesKept: ['Gamma'] });
    await sync(t);
    expect(sb.workspace.companies().map((c) => [c.name, c.plan?.name ?? null])).toEqual([['Gamma', 'pro']]);
    expect(await storeVsIntercom(t, sb)).toEqual([]);
  });

  it('keeps a company it created that was linked to another contact since, and lists it', async () => {
    const { t, sb } = await rig();
    const ana = await seedAna(t);
    const bo = (await t.api.call('contacts.create', { name: 'Bo', email: 'bo@example.com' })).contact;
    await sync(t);
    const { job } = await runImport(t, 'companies.csv', 'company name,email\nBeta,ana@example.com\n', { kind: 'companies', duplicates: 'update' });
    await sync(t);
    const betaId = (await t.api.call('companies.list', { search: 'beta', limit: 1 })).items[0]!.id;
    await t.api.call('companies.link', { contactId: bo.id, companyId: betaId });
    await sync(t);

    const rolled = await t.api.call('import.rollback', { importId: job.id, confirm: true });
    expect(rolled.rollbackResult).toMatchObject({ companiesKept: ['Beta'] });
    expect(rolled.rollbackResult!.summary).toContain('changed or linked to other contacts since');
    expect((await t.api.call('contacts.get', { id: ana.id })).companies).toEqual([]);
    expect((await t.api.call('contacts.get', { id: bo.id })).companies.map((c) => c.name)).toEqual(['Beta']);
    await sync(t);
    expect(sb.workspace.companies().map((c) => c.name)).toEqual(['Beta']);
    expectStoreEqualsSandbox(t, sb);
    expect(await storeVsIntercom(t, sb)).toEqual([]);
  });

  it('events cannot be removed from Intercom: the job and the confirmation say so, and the result counts them', async () => {
    const { t, sb } = await rig();
    await seedAna(t);
    await sync(t);
    const { job } = await runImport(t, 'events.csv', 'email,event,time\nana@example.com,page_view,2024-01-01T00:00:00Z\nana@example.com,demo_booked,2024-01-02T00:00:00Z\n', {
      kind: 'events',
    });
    expect(job).toMatchObject({ state: 'done', created: 2 });
    expect(job.rollbackWarning).toBe('Events cannot be removed from Intercom: those this import already sent stay there.');
    // not sent yet: nothing stays
    const early = (await t.fail('import.rollback', { importId: job.id })).message;
    expect(early).toContain('None of the 2 events it recorded has reached Intercom yet, so all are removed.');
    expect(early).not.toContain('cannot remove events');
    await sync(t);
    expect(sb.workspace.events().map((e) => e.event_name).sort()).toEqual(['demo_booked', 'page_view']);
    const refused = await t.fail('import.rollback', { importId: job.id });
    expect(refused).toMatchObject({ code: 'CONFIRM_REQUIRED', details: expect.objectContaining({ eventsInIntercom: 2 }) });
    expect(refused.message).toContain('2 events it sent to Intercom stay there: Intercom cannot remove events.');
    const rolled = await t.api.call('import.rollback', { importId: job.id, confirm: true });
    expect(rolled.rollbackResult).toMatchObject({ eventsInIntercom: 2 });
    expect(rolled.rollbackResult!.summary).toContain('2 events stay in Intercom, which cannot remove events');
    expectStoreEqualsSandbox(t, sb);
  });

  it('is not offered while the import runs (pause first, in words), and is once it is paused', async () => {
    const { t } = await rig();
    const uploaded = await upload(t, 'big.csv', contactsCsv(IMPORT_CHUNK_ROWS * 2));
    const { mapping } = await t.api.call('import.analyse', { importId: uploaded.id, kind: 'contacts' });
    const started = await t.api.call('import.start', { importId: uploaded.id, kind: 'contacts', mapping, duplicates: 'skip' });
    expect(started).toMatchObject({ state: 'running', rollbackable: false, rollbackBlockedReason: 'The import is running: pause it first, then roll it back.' });
    const refused = await t.fail('import.rollback', { importId: started.id, confirm: true });
    expect(refused).toMatchObject({ code: 'VALIDATION', message: 'The import is running: pause it first, then roll it back.' });
    await waitForRows(t, started.id, 1);
    const paused = await t.api.call('import.pause', { importId: started.id });
    expect(paused).toMatchObject({ state: 'interrupted', rollbackable: true, rollbackBlockedReason: null });
    const rolled = await t.api.call('import.rollback', { importId: started.id, confirm: true });
    expect(rolled).toMatchObject({ rollbackable: false, rollbackBlockedReason: 'It has been rolled back already.' });
  });
});
