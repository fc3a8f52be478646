// The import run: background chunks, pause and resume, an app that closes part way (the core is
// disposed mid-run and reopened), rollback of the whole import back to the exact store it found,
// the outbox hold that keeps an unfinished import away from Intercom, and 100,000 rows.
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../electron/sandbox';
import { IMPORT_CHUNK_ROWS } from '../../electron/core/import/ImportService';
import { coresPerTest, outboxItems, removeTempDir, startCore, TestClock, type TestCore } from '../helpers/testCore';
import { contactsCsv, reportLines, runImport, upload, waitFor, waitForRows } from './fixtures/import/importHarness';

const core = coresPerTest();

async function startContacts(t: TestCore, fileName: string, text: string, duplicates: 'skip' | 'update' | 'create' = 'skip') {
  const job = await upload(t, fileName, text);
  const { mapping } = await t.api.call('import.analyse', { importId: job.id, kind: 'contacts' });
  return t.api.call('import.start', { importId: job.id, kind: 'contacts', mapping, duplicates });
}

const contactTotal = async (t: TestCore) => (await t.api.call('contacts.list', { limit: 1 })).total;

describe('import: pause, resume and an app that closes part way', () => {
  const ROWS = IMPORT_CHUNK_ROWS * 2 + 500;

  it('pauses after a chunk (interrupted), serves other calls meanwhile, and resumes to exact counts', async () => {
    const t = core();
    const started = await startContacts(t, 'big.csv', contactsCsv(ROWS));
    expect(started.state).toBe('running');
    const part = await waitForRows(t, started.id, 1);
    expect(part.state).toBe('running');
    // the core answers while the import runs: a contact typed in now is stored at once
    const typed = await t.api.call('contacts.create', { email: 'typed@example.com', name: 'Typed Meanwhile' });
    const paused = await t.api.call('import.pause', { importId: started.id });
    expect(paused.state).toBe('interrupted');
    expect(paused.rowsDone % IMPORT_CHUNK_ROWS).toBe(0);
    expect(paused.rowsDone).toBeLessThan(ROWS);
    // nothing moves while paused
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect((await t.api.call('import.status', { importId: started.id })).rowsDone).toBe(paused.rowsDone);
    expect(await contactTotal(t)).toBe(paused.rowsDone + 1);
    expect(await t.fail('import.pause', { importId: started.id })).toMatchObject({ code: 'VALIDATION', field: 'importId' });

    const resumed = await t.api.call('import.resume', { importId: started.id });
    expect(resumed.state).toBe('running');
    const done = await waitFor(t, started.id, ['done']);
    expect(done).toMatchObject({ rowsTotal: ROWS, rowsDone: ROWS, created: ROWS, updated: 0, skipped: 0, failed: 0 });
    expect(done.finishedAt).not.toBeNull();
    expect(await contactTotal(t)).toBe(ROWS + 1);
    expect((await reportLines(t, started.id)).items.map((l) => l.row)).toEqual(Array.from({ length: ROWS }, (_, i) => i + 2));
    expect((await t.api.call('contacts.get', { id: typed.contact.id })).name).toBe('Typed Meanwhile');
    // progress went out as `import` events, and the state changes as `changed` for the lists
    const jobs = t.events.filter((e) => e.name === 'import').map((e) => e.payload as { state: string });
    expect(jobs.map((j) => j.state)).toEqual(expect.arrayContaining(['running', 'interrupted', 'done']));
    expect(t.events.some((e) => e.name === 'changed' && (e.payload as { entity: string }).entity === 'import')).toBe(true);
  });

  it('after a crash mid-run the import is interrupted; resuming finishes it without a duplicate', async () => {
    const clock = new TestClock();
    const first = startCore(undefined, clock);
    let second: TestCore | null = null;
    try {
      const started = await startContacts(first, 'crash.csv', contactsCsv(ROWS));
      await waitForRows(first, started.id, 1);
      first.dispose(); // the app closes with the run between chunks
      second = first.reopen();
      const after = await second.api.call('import.status', { importId: started.id });
      expect(after.state).toBe('interrupted');
      expect(after.rowsDone).toBeGreaterThan(0);
      expect(after.created).toBe(after.rowsDone);
      expect(await contactTotal(second)).toBe(after.rowsDone);
      await second.api.call('import.resume', { importId: started.id });
      const done = await waitFor(second, started.id, ['done']);
      expect(done).toMatchObject({ rowsDone: ROWS, created: ROWS, skipped: 0, failed: 0 });
      expect(await contactTotal(second)).toBe(ROWS);
      // every generated user id exactly once
      const page = await second.api.call('contacts.list', { search: 'person 1234', limit: 10 });
      expect(page.items.filter((c) => c.externalId === 'person-1234')).toHaveLength(1);
    } finally {
      second?.dispose();
      removeTempDir(first.dir);
    }
  });
});

describe('import: rollback', () => {
  /** A store with history: contacts, a company with a user, links and stages. */
  async function seedStore(t: TestCore) {
    const acme = await t.api.call('companies.create', { name: 'Acme', externalId: 'acme', stage: 'sql' });
    const ann = (await t.api.call('contacts.create', { email: 'ann@acme.test', name: 'Ann', externalId: 'u-ann' })).contact;
    await t.api.call('companies.link', { contactId: ann.id, companyId: acme.id });
    const bo = (await t.api.call('contacts.create', { email: 'bo@example.com', name: 'Bo', visitorId: 'v-bo' })).contact;
    await t.api.call('contacts.update', { id: bo.id, patch: { customAttributes: { tier: 'old' } } });
    return { acme, ann, bo };
  }

  // creates, updates (fields, stage, identity), a company stage change moving a user's funnel, links
  const FILE = [
    'company id,company name,company stage,plan,email,name,user id,visitor id,tier',
    'acme,Acme,CUST,gold,ann@acme.test,Ann Updated,u-ann,,new',
    'acme,Acme,,,bo@example.com,Bo Linked,,v-bo,',
    'beta,Beta,SQL,,cy@beta.test,Cy,u-cy,v-cy,x',
    'beta,Beta,,,,Dee,,,',
    '',
  ].join('\n');

  it('needs confirming, then restores the store exactly and removes the held outbox entries (interrupted import)', async () => {
    const t = core();
    await seedStore(t);
    const before = t.core.store.fingerprint();
    const outboxBefore = await outboxItems(t);
    // many rows, so the run can be paused part way; then the mixed rows above on top
    const job = await upload(t, 'mixed.csv', FILE + Array.from({ length: IMPORT_CHUNK_ROWS + 10 }, (_, i) => `co-${i},Co ${i},SQL,,p${i}@x.test,P ${i},,,`).join('\n'));
    const { mapping } = await t.api.call('import.analyse', { importId: job.id });
    await t.api.call('import.start', { importId: job.id, kind: 'companies', mapping, duplicates: 'update' });
    await waitForRows(t, job.id, 1);
    const paused = await t.api.call('import.pause', { importId: job.id });
    expect(paused).toMatchObject({ state: 'interrupted', rowsDone: IMPORT_CHUNK_ROWS, updated: 2 });
    expect(t.core.store.fingerprint()).not.toEqual(before);
    const waiting = async () => (await t.api.call('outbox.list', { limit: 1 })).total;
    expect((await waiting()) - outboxBefore.length).toBeGreaterThan(IMPORT_CHUNK_ROWS);

    const refused = await t.fail('import.rollback', { importId: job.id });
    expect(refused).toMatchObject({ code: 'CONFIRM_REQUIRED' });
    expect(refused.message).toMatch(/undoes 2,000 rows/);
    const rolled = await t.api.call('import.rollback', { importId: job.id, confirm: true });
    expect(rolled.state).toBe('rolled_back');
    expect(t.core.store.fingerprint()).toEqual(before);
    expect(await outboxItems(t)).toEqual(outboxBefore);
    expect(await t.fail('import.resume', { importId: job.id })).toMatchObject({ code: 'VALIDATION' });
  });

  it('rolls back a finished import while none of it has gone to Intercom', async () => {
    const t = core();
    const { ann, bo } = await seedStore(t);
    const before = t.core.store.fingerprint();
    const { job } = await runImport(t, 'mixed.csv', FILE, { duplicates: 'update' });
    expect(job).toMatchObject({ state: 'done', created: 2, updated: 2 });
    expect(await t.api.call('contacts.get', { id: ann.id })).toMatchObject({ name: 'Ann Updated' });
    // unknown columns of a companies file are the company's attributes
    const [acme] = (await t.api.call('companies.list', { search: 'acme', limit: 1 })).items;
    expect(acme).toMatchObject({ stage: 'customer', plan: 'gold', customAttributes: { tier: 'new' } });
    expect((await t.api.call('contacts.get', { id: bo.id })).companies.map((c) => c.name)).toEqual(['Acme']);
    await t.api.call('import.rollback', { importId: job.id, confirm: true });
    expect(t.core.store.fingerprint()).toEqual(before);
    expect(await t.api.call('contacts.get', { id: ann.id })).toMatchObject({ name: 'Ann' });
  });

  it('rolls back the events it recorded and gives adopted visits back to their visitor', async () => {
    const t = core();
    await seedStore(t);
    await runImport(t, 'visits.csv', 'visitor id,event,time\nv-new,page_view,2024-01-01T00:00:00Z\nv-bo,page_view,2024-01-02T00:00:00Z\n');
    const before = t.core.store.fingerprint();
    const { job } = await runImport(t, 'lead.csv', 'email,name,visitor id\nnew@example.com,New Lead,v-new\n');
    expect(job.created).toBe(1);
    await t.api.call('import.rollback', { importId: job.id, confirm: true });
    expect(t.core.store.fingerprint()).toEqual(before);
    // v-new's visit waits for its contact again: a new import adopts it once more
    const again = await runImport(t, 'lead.csv', 'email,name,visitor id\nnew@example.com,New Lead,v-new\n');
    const [lead] = (await t.api.call('contacts.list', { search: 'new lead', limit: 2 })).items;
    expect(again.job.created).toBe(1);
    expect((await t.api.call('contacts.timeline', { id: lead!.id, limit: 5 })).items.filter((i) => i.kind === 'event')).toHaveLength(1);
  });
});

describe('import: the outbox hold and Intercom', () => {
  let sb: Sandbox | null = null;
  afterEach(async () => {
    await sb?.close();
    sb = null;
  });

  it('pushes nothing of an unfinished import; a finished one goes out, and its rollback archives its contacts there', { timeout: 120_000 }, async () => {
    sb = await startSandbox({ searchLagMs: 0, randomSeed: 7, rateLimit: { limit: 100_000, windowMs: 1000 } });
    const t = core(undefined, new TestClock(), {
      intercom: { baseUrl: sb.url, source: 'start-option', token: sb.token },
      autoSync: false,
      sync: { client: { timeoutMs: 5000, backoff: { baseMs: 5, maxMs: 50 } } },
    });
    const rows = IMPORT_CHUNK_ROWS + 5;
    const started = await startContacts(t, 'people.csv', contactsCsv(rows));
    await waitForRows(t, started.id, 1);
    await t.api.call('import.pause', { importId: started.id });
    const typed = (await t.api.call('contacts.create', { email: 'typed@example.com', name: 'Typed' })).contact;
    await t.core.sync.runOnce();
    // the typed contact went; none of the import's 2,000 did
    expect(sb.workspace.contacts().map((c) => c.email)).toEqual(['typed@example.com']);
    expect((await t.api.call('contacts.get', { id: typed.id })).syncState).toBe('synced');
    expect((await t.api.call('outbox.list', { status: ['pending'], limit: 1 })).total).toBe(IMPORT_CHUNK_ROWS);

    // rolled back before any of it left: Intercom never hears of it
    await t.api.call('import.rollback', { importId: started.id, confirm: true });
    expect((await t.api.call('outbox.list', { status: ['pending'], limit: 1 })).total).toBe(0);

    // a finished import's entries are released and pushed like typed ones
    const small = await runImport(t, 'few.csv', contactsCsv(3, 'few'));
    expect(small.job.state).toBe('done');
    for (let i = 0; i < 20; i++) {
      const s = await t.core.sync.runOnce();
      if (s.pending === 0 && s.state === 'idle') break;
    }
    expect(sb.workspace.contacts().map((c) => c.email).sort()).toEqual(['few1@example.com', 'few2@example.com', 'few3@example.com', 'typed@example.com']);
    // and then it is still rolled back, as an undo: its contacts are archived in Intercom
    expect(await t.api.call('import.rollback', { importId: small.job.id, confirm: true })).toMatchObject({ state: 'rolled_back', rollbackResult: { contactsArchived: 3 } });
    for (let i = 0; i < 20; i++) {
      const s = await t.core.sync.runOnce();
      if (s.pending === 0 && s.state === 'idle') break;
    }
    expect(sb.workspace.contacts().map((c) => c.email)).toEqual(['typed@example.com']);
  });
});

describe('import: 100,000 rows', () => {
  it('imports all of them', { timeout: 600_000 }, async () => {
    const t = core();
    const rows = 100_000;
    const { job } = await runImport(t, 'hundred-thousand.csv', contactsCsv(rows));
    expect(job).toMatchObject({ state: 'done', rowsTotal: rows, rowsDone: rows, created: rows, failed: 0 });
    expect(await contactTotal(t)).toBe(rows);
    expect((await t.api.call('contacts.list', { filter: { stage: ['signed_up'] }, limit: 1 })).total).toBe(Math.floor(rows / 3));
    expect((await t.api.call('import.report', { importId: job.id, action: ['created'], limit: 1 })).total).toBe(rows);
  });
});
