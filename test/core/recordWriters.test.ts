// The record writers on a real store: every contact or company write goes through one of them,
// the funnel columns come from the insert trigger alone, and the methods the sync calls (records
// first seen in Intercom, Intercom's values, the Intercom id) keep history, search and sync state
// in step without queueing anything; what an undo calls (withdraw what a change made, put a row
// back) leaves nothing of the change behind.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CompanyWriter } from '../../electron/core/records/CompanyWriter';
import { ContactWriter } from '../../electron/core/records/ContactWriter';
import { removeTempDir, startCore, TEST_ACTOR, type TestCore } from '../helpers/testCore';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Files under electron/ whose text matches. */
function filesMatching(re: RegExp): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
      const child = path.posix.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (/\.tsx?$/.test(entry.name) && re.test(fs.readFileSync(path.join(ROOT, child), 'utf8'))) out.push(child);
    }
  };
  walk('electron');
  return out.sort();
}

describe('one writer per record kind', () => {
  it('inserts contacts and outbox entries in one repository each', () => {
    expect(filesMatching(/INSERT INTO contacts\s*\(/)).toEqual(['electron/core/db/ContactRepository.ts']);
    expect(filesMatching(/INSERT INTO outbox\s*\(/)).toEqual(['electron/core/db/OutboxRepository.ts']);
  });
});

describe('ContactWriter and CompanyWriter', () => {
  let t: TestCore;
  let contacts: ContactWriter;
  let companies: CompanyWriter;
  beforeEach(() => {
    t = startCore();
    contacts = new ContactWriter(t.core.store);
    companies = new CompanyWriter(t.core.store);
  });
  afterEach(() => {
    t.dispose();
    removeTempDir(t.dir);
  });

  const fields = { role: 'lead', email: 'ann@example.test', name: 'Ann', phone: null, visitorId: null, externalId: null, customAttributes: {} };

  it('a contact created with its own creation time gets its funnel columns from the insert trigger', () => {
    const { store } = t.core;
    const createdAt = Date.UTC(2023, 5, 1);
    const at = Date.UTC(2024, 0, 1);
    const w = store.transaction(() => contacts.create({ ...fields, stage: 'signed_up' }, { id: 'c-1', at, actor: TEST_ACTOR, createdAt, hold: 'imp-1' }));
    const row = store.db.prepare('SELECT * FROM contacts WHERE pk = ?').get(w.pk) as Record<string, unknown>;
    expect(row).toMatchObject({ created_at: createdAt, updated_at: at, funnel_rank: 1, funnel_max: 1, stage_entered_at: createdAt, signed_up_at: createdAt, sync_state: 'local' });
    expect(store.history.forEntity('c-1')).toMatchObject([{ fromStage: null, toStage: 'signed_up', at: new Date(createdAt).toISOString() }]);
    const entry = store.outbox.bySeqs([w.seq!])[0]!;
    expect(entry).toMatchObject({ op: 'contact.create', hold: 'imp-1' });
    expect(store.contacts.list({ search: 'ann', filter: {}, sort: { field: 'name', dir: 'asc' }, limit: 10 } as never).rows.map((r) => r.id)).toEqual(['c-1']);
  });

  it('records first seen in Intercom are synced, linked, searchable and in the history, with nothing queued', () => {
    const { store } = t.core;
    const at = Date.UTC(2024, 0, 2);
    const [contactPk] = store.transaction(() => {
      const coPk = companies.insertFromIntercom(
        { id: 'co-1', externalId: 'acme', intercomId: 'ic-co-1', name: 'Acme Widgets', plan: null, monthlySpend: null, stage: 'sql', customAttributes: '{}', createdAt: at, updatedAt: at, syncBase: '{}' },
        'sql',
        'Intercom',
      );
      return contacts.insertFromIntercom(
        [{ id: 'c-2', role: 'user', email: 'bo@example.test', name: 'Bo', phone: null, externalId: 'u-2', intercomId: 'ic-2', stage: 'signed_up', customAttributes: '{}', createdAt: at, updatedAt: at, syncBase: '{}', companies: [{ pk: coPk, name: 'Acme Widgets' }] }],
        'Intercom',
      );
    });
    const row = store.contacts.byPk(contactPk!)!;
    expect(row).toMatchObject({ sync_state: 'synced', intercom_id: 'ic-2' });
    expect(store.db.prepare('SELECT funnel_rank FROM contacts WHERE pk = ?').get(contactPk)).toEqual({ funnel_rank: 2 });
    expect(store.companies.byId('co-1')).toMatchObject({ sync_state: 'synced', user_count: 1 });
    expect(store.history.forEntity('c-2')).toMatchObject([{ toStage: 'signed_up', source: 'intercom' }]);
    expect(store.history.forEntity('co-1')).toMatchObject([{ toStage: 'sql', source: 'intercom' }]);
    expect(store.outbox.counts()).toEqual({ waiting: 0, failed: 0 });
    const found = store.contacts.list({ search: 'widgets', filter: {}, sort: { field: 'name', dir: 'asc' }, limit: 10 } as never);
    expect(found.rows.map((r) => r.id)).toEqual(['c-2']);

    // Intercom renames the company: its user's search entry follows, the history does not move
    store.transaction(() => companies.applyRemote(store.companies.byId('co-1')!, { name: 'Gadgets Inc' }, { updatedAt: at + 1000, stageAt: at + 1000, actor: 'Intercom' }));
    expect(store.contacts.list({ search: 'gadgets', filter: {}, sort: { field: 'name', dir: 'asc' }, limit: 10 } as never).rows.map((r) => r.id)).toEqual(['c-2']);
    expect(store.history.forEntity('co-1')).toHaveLength(1);
    expect(store.outbox.counts()).toEqual({ waiting: 0, failed: 0 });
  });


  it('a contact first seen in Intercom gets the funnel columns the insert trigger gives a contact created here', () => {
    const { store } = t.core;
    const createdAt = Date.UTC(2023, 1, 3);
    const at = Date.UTC(2024, 0, 3);
    const funnel = (pk: number) =>
      store.db.prepare('SELECT funnel_rank, funnel_max, stage_entered_at, signed_up_at, sql_at, customer_at, lead_ms, signed_up_ms, sql_ms FROM contacts WHERE pk = ?').get(pk);
    const coPk = store.transaction(() =>
      companies.insertFromIntercom(
        { id: 'co-9', externalId: 'globex', intercomId: 'ic-co-9', name: 'Globex', plan: null, monthlySpend: null, stage: 'sql', customAttributes: '{}', createdAt: at, updatedAt: at, syncBase: '{}' },
        'sql',
        'Intercom',
      ),
    );
    for (const [i, stage] of (['lead', 'signed_up'] as const).entries()) {
      const local = store.transaction(() => contacts.create({ ...fields, email: `local${i}@example.test`, stage }, { id: `local-${i}`, at, actor: TEST_ACTOR, createdAt }));
      const [remotePk, linkedPk] = store.transaction(() =>
        contacts.insertFromIntercom(
          [
            { id: `ic-${i}`, role: 'lead', email: `remote${i}@example.test`, name: 'R', phone: null, externalId: null, intercomId: `ic-x-${i}`, stage, customAttributes: '{}', createdAt, updatedAt: at, syncBase: '{}', companies: [] },
            { id: `ic-l-${i}`, role: 'user', email: `linked${i}@example.test`, name: 'L', phone: null, externalId: `u-${i}`, intercomId: `ic-y-${i}`, stage, customAttributes: '{}', createdAt, updatedAt: at, syncBase: '{}', companies: [{ pk: coPk, name: 'Globex' }] },
          ],
          'Intercom',
        ),
      );
      expect(funnel(remotePk!)).toEqual(funnel(local.pk));
      expect(funnel(remotePk!)).toMatchObject({ funnel_rank: stage === 'signed_up' ? 1 : 0, stage_entered_at: createdAt, signed_up_at: stage === 'signed_up' ? createdAt : null });
      // a link to a company at SQL moves it on, as for any contact
      expect(funnel(linkedPk!)).toMatchObject({ funnel_rank: 2, funnel_max: 2, stage_entered_at: at, sql_at: at, signed_up_at: stage === 'signed_up' ? createdAt : null });
    }
  });

  it('a new contact with its companies’ stages is inserted where the link triggers would take it, link by link', () => {
    const { store } = t.core;
    const createdAt = Date.UTC(2023, 4, 5);
    const at = Date.UTC(2024, 2, 1);
    const columns = 'funnel_rank, funnel_max, stage_entered_at, signed_up_at, sql_at, customer_at, lead_ms, signed_up_ms, sql_ms';
    const funnel = (pk: number) => store.db.prepare(`SELECT ${columns} FROM contacts WHERE pk = ?`).get(pk);
    const company = (i: number, stage: 'sql' | 'customer') =>
      store.transaction(() =>
        companies.insertFromIntercom(
          { id: `co-s${i}`, externalId: `x${i}`, intercomId: `ic-co-s${i}`, name: `Co ${i}`, plan: null, monthlySpend: null, stage, customAttributes: '{}', createdAt: at, updatedAt: at, syncBase: '{}' },
          stage,
          'Intercom',
        ),
      );
    const sql = { pk: company(1, 'sql'), name: 'Co 1', stage: 'sql' };
    const customer = { pk: company(2, 'customer'), name: 'Co 2', stage: 'customer' };
    const cases = [[], [sql], [customer], [sql, customer], [customer, sql], [sql, sql]];
    let n = 0;
    for (const stage of ['lead', 'signed_up']) {
      for (const links of cases) {
        // the same contact twice: once with the stages (set at insert), once without (the triggers set them)
        const [withStages, byTriggers] = [links, links.map(({ pk, name }) => ({ pk, name }))].map((cos) => {
          n++;
          return store.transaction(() =>
            contacts.insertFromIntercom(
              [{ id: `f-${n}`, role: 'user', email: `f${n}@example.test`, name: 'F', phone: null, externalId: `uf-${n}`, intercomId: `ic-f-${n}`, stage, customAttributes: '{}', createdAt, updatedAt: at, syncBase: '{}', companies: cos }],
              'Intercom',
            ),
          )[0]!;
        });
        expect(funnel(withStages!), `${stage} with ${links.map((l) => l.stage).join(', ')}`).toEqual(funnel(byTriggers!));
      }
    }
    // each company counts each of its users once (a company listed twice is one link)
    expect(store.companies.byId('co-s1')!.user_count).toBe(2 * 2 * 4);
    expect(store.companies.byId('co-s2')!.user_count).toBe(2 * 2 * 3);
  });
  it('a local contact learns its Intercom id: the sync state moves from local to synced', () => {
    const { store } = t.core;
    const at = Date.UTC(2024, 0, 3);
    const { pk } = store.transaction(() => contacts.create({ ...fields, stage: 'lead' }, { id: 'c-3', at, actor: TEST_ACTOR }));
    store.db.prepare(`UPDATE outbox SET status = 'done'`).run();
    expect(store.contacts.byPk(pk)!.sync_state).toBe('local');
    store.transaction(() => contacts.setRemote(store.contacts.byPk(pk)!, 'ic-3', '{}'));
    expect(store.contacts.byPk(pk)).toMatchObject({ intercom_id: 'ic-3', sync_state: 'synced' });
  });

  /** A contact's row as stored, every column. */
  const contactRow = (pk: number) => t.core.store.db.prepare('SELECT * FROM contacts WHERE pk = ?').get(pk) as Record<string, unknown> | undefined;
  const searchHits = (q: string) =>
    t.core.store.contacts.list({ search: q, filter: {}, sort: { field: 'name', dir: 'asc' }, limit: 10 } as never).rows.map((r) => r.id);

  it('withdrawing a contact a change created leaves no row, link, search entry, history or pending entry behind', () => {
    const { store } = t.core;
    const at = Date.UTC(2024, 1, 1);
    const { pk: coPk } = store.transaction(() =>
      companies.create({ externalId: 'acme', name: 'Acme', plan: null, monthlySpend: null, stage: 'sql', customAttributes: {} }, { id: 'co-w', at, actor: TEST_ACTOR }),
    );
    const before = store.fingerprint();

    // an import-like change: a held contact, moved on and linked to the company that was there
    const later = at + 60_000;
    const { pk } = store.transaction(() => {
      const w = contacts.create({ ...fields, stage: 'lead' }, { id: 'c-w', at: later, actor: TEST_ACTOR, hold: 'imp-w' });
      contacts.setStage({ pk: w.pk, id: 'c-w', stage: 'lead' }, 'signed_up', { at: later, actor: TEST_ACTOR, hold: 'imp-w' });
      contacts.link({ pk: w.pk, id: 'c-w' }, { pk: coPk, id: 'co-w' }, { at: later, hold: 'imp-w', fresh: true });
      return w;
    });
    expect(store.companies.byPk(coPk)!.user_count).toBe(1);
    expect(store.history.forEntity('c-w')).toHaveLength(2);
    expect(store.outbox.list({ entityId: 'c-w', limit: 10 }).total).toBe(3);
    expect(searchHits('acme')).toEqual(['c-w']);

    store.transaction(() => contacts.withdrawCreated({ pk, id: 'c-w' }));
    expect(contactRow(pk)).toBeUndefined();
    expect(store.db.prepare('SELECT count(*) AS n FROM contact_companies').get()).toEqual({ n: 0 });
    expect(store.db.prepare('SELECT count(*) AS n FROM contact_search WHERE rowid = ?').get(pk)).toEqual({ n: 0 });
    expect(store.history.forEntity('c-w')).toEqual([]);
    expect(store.outbox.list({ entityId: 'c-w', limit: 10 }).total).toBe(0);
    // the company is as it was: its user count down again, its own entry and history kept
    expect(store.companies.byPk(coPk)!.user_count).toBe(0);
    expect(store.outbox.list({ entityId: 'co-w', limit: 10 }).rows.map((r) => r.op)).toEqual(['company.create']);
    expect(store.fingerprint()).toEqual(before);
  });

  it('withdrawing a company a change created names the contacts whose search entries carried its name', () => {
    const { store } = t.core;
    const at = Date.UTC(2024, 1, 2);
    const { pk } = store.transaction(() => contacts.create({ ...fields, stage: 'lead' }, { id: 'c-x', at, actor: TEST_ACTOR }));
    const before = store.fingerprint();
    // a rollback keeps the rows a change will touch as they were
    const snapshot = store.contacts.snapshot(pk);
    expect(snapshot).toBeDefined();
    const coPk = store.transaction(() => {
      const w = companies.create({ externalId: null, name: 'Zeta Works', plan: null, monthlySpend: null, stage: 'sql', customAttributes: {} }, { id: 'co-x', at, actor: TEST_ACTOR, hold: 'imp-x' });
      contacts.link({ pk, id: 'c-x' }, { pk: w.pk, id: 'co-x' }, { at, hold: 'imp-x' });
      return w.pk;
    });
    expect(searchHits('zeta')).toEqual(['c-x']);

    const linked = store.transaction(() => {
      const withdrawn = companies.withdrawCreated({ pk: coPk, id: 'co-x' });
      contacts.withdrawHeld('imp-x');
      for (const c of withdrawn) contacts.reindex(c);
      return withdrawn;
    });
    expect(linked).toEqual([pk]);
    expect(store.companies.byPk(coPk)).toBeUndefined();
    expect(store.history.forEntity('co-x')).toEqual([]);
    expect(searchHits('zeta')).toEqual([]);
    // the link moved the contact's row (updated_at, funnel): a rollback puts it back from its snapshot
    expect(store.fingerprint()).not.toEqual(before);
    store.transaction(() => {
      contacts.restore(snapshot!);
      contacts.refreshSyncState('c-x');
    });
    expect(store.fingerprint()).toEqual(before);
  });

  it('putting a contact row back from its snapshot brings back its funnel columns and, reindexed, its search entry', () => {
    const { store } = t.core;
    const t0 = Date.UTC(2024, 2, 1);
    const t1 = t0 + 3_600_000;
    const { pk, coPk } = store.transaction(() => ({
      pk: contacts.create({ ...fields, stage: 'lead' }, { id: 'c-s', at: t0, actor: TEST_ACTOR }).pk,
      coPk: companies.create({ externalId: null, name: 'Sigma', plan: null, monthlySpend: null, stage: 'sql', customAttributes: {} }, { id: 'co-s', at: t0, actor: TEST_ACTOR }).pk,
    }));
    const snapshot = store.contacts.snapshot(pk)!;
    const was = contactRow(pk)!;
    expect(was).toMatchObject({ stage: 'lead', funnel_rank: 0, funnel_max: 0, stage_entered_at: t0, signed_up_at: null, sql_at: null });

    // renamed, signed up and linked to a company at stage SQL
    store.transaction(() => {
      contacts.update({ pk, id: 'c-s' }, { name: 'Annabel' }, { name: 'Annabel' }, { at: t1 });
      contacts.setStage({ pk, id: 'c-s', stage: 'lead' }, 'signed_up', { at: t1, actor: TEST_ACTOR });
      contacts.link({ pk, id: 'c-s' }, { pk: coPk, id: 'co-s' }, { at: t1 });
    });
    expect(contactRow(pk)).toMatchObject({ name: 'Annabel', stage: 'signed_up', funnel_rank: 2, funnel_max: 2, signed_up_at: t1, sql_at: t1 });

    // put back while the link is still there: the stage trigger places the row at the company's
    // stage on the way back, and the snapshot wins over it; taking the link back then moves nothing
    store.transaction(() => {
      contacts.restore(snapshot);
      contacts.withdrawLink(pk, coPk);
      contacts.reindex(pk);
    });
    expect(contactRow(pk)).toEqual(was);
    expect(store.companies.byPk(coPk)!.user_count).toBe(0);
    expect(searchHits('annabel')).toEqual([]);
    expect(searchHits('sigma')).toEqual([]);
    expect(searchHits('ann')).toEqual(['c-s']);
  });

  it('withdrawing a range or a hold takes only pending entries of the writer\'s own kind, and the sync state follows', () => {
    const { store } = t.core;
    const at = Date.UTC(2024, 3, 1);
    const { pk } = store.transaction(() => contacts.create({ ...fields, stage: 'lead' }, { id: 'c-r', at, actor: TEST_ACTOR }));
    const { pk: coPk } = store.transaction(() =>
      companies.create({ externalId: null, name: 'Range Co', plan: null, monthlySpend: null, stage: null, customAttributes: {} }, { id: 'co-r', at, actor: TEST_ACTOR }),
    );
    store.db.prepare(`UPDATE outbox SET status = 'done'`).run();
    store.transaction(() => {
      contacts.setRemote(store.contacts.byPk(pk)!, 'ic-r', '{}');
      companies.setRemote(store.companies.byPk(coPk)!, 'ic-co-r', '{}');
    });
    const [first, mid, last] = store.transaction(() => [
      contacts.setStage({ pk, id: 'c-r', stage: 'lead' }, 'signed_up', { at, actor: TEST_ACTOR }).seq!,
      companies.setStage({ pk: coPk, id: 'co-r', stage: null }, 'sql', { at, actor: TEST_ACTOR }).seq!,
      contacts.queue('c-r', 'message.flush', { messageId: 'm-1' }, { at }),
    ]);
    expect(store.contacts.byPk(pk)!.sync_state).toBe('pending');
    expect(store.companies.byPk(coPk)!.sync_state).toBe('pending');

    // one entry of the range was refused by Intercom (the row's sync state not yet told): it stays
    store.db.prepare(`UPDATE outbox SET status = 'failed' WHERE seq = ?`).run(last);
    expect(store.transaction(() => contacts.withdrawQueued(first, last))).toEqual(['c-r']);
    expect(store.outbox.bySeqs([first, mid, last]).map((e) => [e.seq, e.status])).toEqual([
      [mid, 'pending'],
      [last, 'failed'],
    ]);
    expect(store.contacts.byPk(pk)!.sync_state).toBe('failed');
    expect(store.companies.byPk(coPk)!.sync_state).toBe('pending');
    expect(store.transaction(() => companies.withdrawQueued(first, last))).toEqual(['co-r']);
    expect(store.companies.byPk(coPk)!.sync_state).toBe('synced');

    // a hold: the contact's held entries go, the company's held ones stay until its writer withdraws them
    store.transaction(() => {
      contacts.update({ pk, id: 'c-r' }, { name: 'Held' }, { name: 'Held' }, { at, hold: 'h-1' });
      companies.update({ pk: coPk, id: 'co-r' }, { plan: 'pro' }, { plan: 'pro' }, { at, hold: 'h-1' });
    });
    expect(store.transaction(() => contacts.withdrawHeld('h-1'))).toEqual(['c-r']);
    expect(store.outbox.list({ entityId: 'co-r', limit: 10 }).rows).toMatchObject([{ op: 'company.update', hold: 'h-1' }]);
    expect(store.transaction(() => companies.withdrawHeld('h-1'))).toEqual(['co-r']);
    expect(store.outbox.list({ entityId: 'co-r', limit: 10 }).total).toBe(0);
  });
});
