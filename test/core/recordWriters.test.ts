// The record writers on a real store: every contact or company write goes through one of them,
// the funnel columns come from the insert trigger alone, and the methods the sync calls (records
// first seen in Intercom, Intercom's values, the Intercom id) keep history, search and sync state
// in step without queueing anything.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CompanyWriter } from '../../electron/core/records/CompanyWriter';
import { ContactWriter } from '../../electron/core/records/ContactWriter';
import { startCore, TEST_ACTOR, type TestCore } from '../helpers/testCore';

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
  afterEach(() => t.dispose());

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

  it('a local contact learns its Intercom id: the sync state moves from local to synced', () => {
    const { store } = t.core;
    const at = Date.UTC(2024, 0, 3);
    const { pk } = store.transaction(() => contacts.create({ ...fields, stage: 'lead' }, { id: 'c-3', at, actor: TEST_ACTOR }));
    store.db.prepare(`UPDATE outbox SET status = 'done'`).run();
    expect(store.contacts.byPk(pk)!.sync_state).toBe('local');
    store.transaction(() => contacts.setRemote(store.contacts.byPk(pk)!, 'ic-3', '{}'));
    expect(store.contacts.byPk(pk)).toMatchObject({ intercom_id: 'ic-3', sync_state: 'synced' });
  });
});
