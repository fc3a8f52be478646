// One test per migration, Signal-style: open a real file at version N-1, put rows in the shape
// of that schema, migrate to N and check the rows survived and the new structure is there.
// Plus the runner's guards: a newer database, a bad migration list, a failing step, a downgrade.
import type { Database } from 'better-sqlite3';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contract } from '../../shared/api';
import { LinkRepository } from '../../electron/core/db/LinkRepository';
import { OutboxRepository } from '../../electron/core/db/OutboxRepository';
import { SettingsRepository } from '../../electron/core/db/SettingsRepository';
import { StageHistoryRepository } from '../../electron/core/db/StageHistoryRepository';
import { Store } from '../../electron/core/db/Store';
import {
  foreignKeyViolations,
  foreignKeysEnabled,
  insertRow,
  integrityCheck,
  journalMode,
  listIndexes,
  listTables,
  selectRows,
  setJournalMode,
  setUserVersion,
  tableInfo,
  userVersion,
} from '../../electron/core/db/inspect';
import { checkMigrations, migrate, type Migration } from '../../electron/core/db/migrate';
import { LATEST_VERSION, MIGRATIONS } from '../../electron/core/db/migrations';
import { closeDatabase, openDatabase } from '../../electron/core/db/openDatabase';
import { makeTempDir, removeTempDir } from '../helpers/testCore';

let dir: string;
let file: string;
const open: Database[] = [];

function openAt(targetVersion?: number, extra: Parameters<typeof openDatabase>[1] = {}): Database {
  const db = openDatabase(file, { ...extra, targetVersion });
  open.push(db);
  return db;
}

beforeEach(() => {
  dir = makeTempDir('lead-console-migrations-');
  file = path.join(dir, 'store.sqlite');
});

afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
  removeTempDir(dir);
});

const T0 = Date.UTC(2024, 0, 1);
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A contact row in the shape every schema version since 1 has. */
function contactRow(n: number, extra: Record<string, unknown> = {}) {
  return {
    id: uuid(n),
    role: 'lead',
    email: `person${n}@example.test`,
    name: `Person ${n}`,
    stage: 'lead',
    created_at: T0 + n,
    updated_at: T0 + n,
    ...extra,
  };
}

function companyRow(n: number, name: string, extra: Record<string, unknown> = {}) {
  return { id: uuid(1000 + n), external_id: `co-${n}`, name, created_at: T0 + n, updated_at: T0 + n, ...extra };
}

const tableNames = (db: Database) => listTables(db).map((t) => t.name);

/** Every plain table's rows (search indexes and their shadow tables left out). */
function snapshot(db: Database): Record<string, Record<string, unknown>[]> {
  return Object.fromEntries(listTables(db).filter((t) => t.type === 'table').map((t) => [t.name, selectRows(db, t.name)]));
}

/**
 * The shape of a test for migration `version` (use it for every new one): a store at the
 * version before, `seed` puts rows in that schema's shape, then the file is reopened at
 * `version`. Gives the migrated database, every table's rows as they were before, and what
 * `seed` returned (pks, ids).
 */
function migrateWithRows<T>(version: number, seed: (db: Database) => T): { db: Database; before: Record<string, Record<string, unknown>[]>; seeded: T } {
  const old = openAt(version - 1);
  expect(userVersion(old)).toBe(version - 1);
  const seeded = seed(old);
  const before = snapshot(old);
  old.close();
  const db = openAt(version);
  expect(userVersion(db)).toBe(version);
  return { db, before, seeded };
}

/** `rows` without the columns a migration added, to compare with the rows from before it. */
function withoutAdded(rows: Record<string, unknown>[], added: string[]): Record<string, unknown>[] {
  return rows.map((row) => Object.fromEntries(Object.entries(row).filter(([col]) => !added.includes(col))));
}
const indexNames = (db: Database, table: string) => listIndexes(db, table).map((i) => i.name);
const fileDigest = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');

describe('migration runner', () => {
  it('lists migrations 1..N in order, and opening without a target reaches the newest', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(LATEST_VERSION).toBe(MIGRATIONS.length);
    const db = openAt();
    expect(userVersion(db)).toBe(LATEST_VERSION);
    // opening again finds nothing to do
    expect(migrate(db, MIGRATIONS)).toEqual([]);
  });

  it('opens in WAL mode with foreign keys enforced', () => {
    const db = openAt();
    expect(journalMode(db)).toBe('wal');
    expect(foreignKeysEnabled(db)).toBe(true);
    // enforced, not just switched on: a link to rows that do not exist is refused
    expect(() => insertRow(db, 'contact_companies', { contact_pk: 4242, company_pk: 4343, created_at: T0 })).toThrow(/FOREIGN KEY/);
    db.close();
    // and the settings hold on the next open of the same file
    const again = openAt();
    expect(journalMode(again)).toBe('wal');
    expect(foreignKeysEnabled(again)).toBe(true);
  });

  it('refuses a database written by a newer build and leaves the file untouched', () => {
    const db = openAt();
    insertRow(db, 'contacts', contactRow(1));
    setUserVersion(db, 99);
    closeDatabase(db);
    const before = fileDigest(file);

    expect(() => openAt()).toThrow(new RegExp(`newer version of Lead Console \\(schema 99; this build knows up to ${LATEST_VERSION}\\)`));
    expect(fileDigest(file)).toBe(before);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it('refuses a newer database that is not in WAL mode without switching its journal', () => {
    const db = openAt();
    expect(setJournalMode(db, 'delete')).toBe('delete');
    setUserVersion(db, LATEST_VERSION + 1);
    db.close();
    const before = fileDigest(file);

    expect(() => openAt()).toThrow(/newer version/);
    // switching to WAL rewrites the file header: a refused file must not even get that
    expect(fileDigest(file)).toBe(before);
  });

  it('refuses a migration list that is not 1, 2, 3 ... in order, before touching the file', () => {
    const [m1, m2, m3] = MIGRATIONS as [Migration, Migration, Migration];
    expect(() => checkMigrations([m1, m3, m2])).toThrow(/has version 3, expected 2/);
    expect(() => checkMigrations([m1, m1])).toThrow(/has version 1, expected 2/);
    expect(() => checkMigrations([m2, m3])).toThrow(/expected 1/);
    expect(() => checkMigrations([m1, m2, m3])).not.toThrow();

    expect(() => openAt(undefined, { migrations: [m1, m3, m2] })).toThrow(/versions must be 1, 2, 3/);
    const db = openAt(0);
    expect(userVersion(db)).toBe(0);
    expect(tableNames(db)).toEqual([]);
  });

  it('runs pending steps in one transaction: a failing step leaves the version and schema as they were', () => {
    openAt(1).close();
    const [m1, m2] = MIGRATIONS as [Migration, Migration];
    const broken: Migration = {
      version: 3,
      name: 'broken',
      up: () => {
        throw new Error('step 3 failed');
      },
    };
    expect(() => openAt(undefined, { migrations: [m1, m2, broken] })).toThrow(/step 3 failed/);
    const db = openAt(1);
    expect(userVersion(db)).toBe(1);
    // step 2 ran before step 3 failed, and was rolled back with it
    expect(tableNames(db)).not.toContain('stage_history');
    expect(tableNames(db)).not.toContain('outbox');
  });

  it('refuses to go backwards (target below the current version)', () => {
    openAt().close();
    expect(() => openAt(2)).toThrow(new RegExp(`cannot migrate from ${LATEST_VERSION} to 2`));
  });
});

describe('0001 contacts-companies', () => {
  it('creates STRICT contacts, companies and links with identity and list indexes', () => {
    const db = openAt(0);
    expect(userVersion(db)).toBe(0);
    expect(tableNames(db)).toEqual([]);

    expect(migrate(db, MIGRATIONS, 1)).toEqual([1]);
    expect(userVersion(db)).toBe(1);

    const tables = listTables(db);
    expect(tables.map((t) => t.name)).toEqual(['companies', 'contact_companies', 'contacts']);
    expect(tables.every((t) => t.strict)).toBe(true);
    expect(tables.find((t) => t.name === 'contact_companies')!.withoutRowid).toBe(true);

    expect(tableInfo(db, 'contacts').map((c) => c.name)).toEqual([
      'pk', 'id', 'role', 'email', 'name', 'phone', 'visitor_id', 'external_id', 'intercom_id', 'stage',
      'custom_attributes', 'created_at', 'updated_at', 'last_activity_at', 'sync_state',
    ]);
    expect(tableInfo(db, 'companies').map((c) => c.name)).toContain('user_count');

    const contactIx = listIndexes(db, 'contacts');
    for (const name of ['contacts_visitor_id', 'contacts_external_id', 'contacts_intercom_id']) {
      expect(contactIx.find((i) => i.name === name), name).toMatchObject({ unique: true, partial: true });
    }
    // every sortable column has an index ending in pk (stable, keyset-able pages)
    for (const cols of [['email', 'pk'], ['name COLLATE NOCASE', 'pk'], ['updated_at', 'pk'], ['created_at', 'pk'], ['phone', 'pk']]) {
      expect(contactIx.some((i) => JSON.stringify(i.columns) === JSON.stringify(cols)), cols.join(',')).toBe(true);
    }
    expect(indexNames(db, 'companies')).toEqual(
      expect.arrayContaining(['companies_external_id', 'companies_intercom_id', 'companies_by_name', 'companies_by_users']),
    );
    expect(listIndexes(db, 'contact_companies').some((i) => i.columns.join(',') === 'company_pk,contact_pk')).toBe(true);

    // rows in the v1 shape go in, and the constraints hold
    const alice = insertRow(db, 'contacts', contactRow(1));
    const bob = insertRow(db, 'contacts', contactRow(2, { visitor_id: null }));
    insertRow(db, 'contacts', contactRow(3, { visitor_id: null })); // many NULL visitor ids are fine
    const acme = insertRow(db, 'companies', companyRow(1, 'Acme'));
    insertRow(db, 'contact_companies', { contact_pk: alice, company_pk: acme, created_at: T0 });
    insertRow(db, 'contact_companies', { contact_pk: bob, company_pk: acme, created_at: T0 });
    expect(selectRows(db, 'contacts')[0]).toMatchObject({ sync_state: 'local', custom_attributes: '{}' });

    expect(() => insertRow(db, 'contacts', contactRow(4, { role: 'admin' }))).toThrow(/CHECK/);
    expect(() => insertRow(db, 'contacts', contactRow(5, { stage: 'customer' }))).toThrow(/CHECK/);
    expect(() => insertRow(db, 'contacts', contactRow(6, { created_at: 'yesterday' }))).toThrow(/cannot store TEXT value in INTEGER column/);
    expect(() => insertRow(db, 'contacts', contactRow(7, { custom_attributes: '{not json' }))).toThrow(/CHECK/);
    expect(() => insertRow(db, 'contacts', contactRow(8, { id: uuid(1) }))).toThrow(/UNIQUE/);
    insertRow(db, 'contacts', contactRow(9, { visitor_id: 'v-1' }));
    expect(() => insertRow(db, 'contacts', contactRow(10, { visitor_id: 'v-1' }))).toThrow(/UNIQUE/);
    expect(() => insertRow(db, 'companies', companyRow(2, 'Acme again', { external_id: 'co-1' }))).toThrow(/UNIQUE/);
    expect(() => insertRow(db, 'companies', companyRow(3, 'Staged', { stage: 'lead' }))).toThrow(/CHECK/);
    expect(() => insertRow(db, 'contact_companies', { contact_pk: alice, company_pk: acme, created_at: T0 })).toThrow(/UNIQUE|PRIMARY/);
    expect(selectRows(db, 'contacts')).toHaveLength(4);
    expect(selectRows(db, 'contact_companies')).toHaveLength(2);
    expect(foreignKeyViolations(db)).toEqual([]);
    expect(integrityCheck(db)).toEqual(['ok']);
  });
});

describe('0002 history-outbox-settings', () => {
  it('keeps v1 rows and adds STRICT stage history, outbox and settings that the repositories can use', () => {
    const db = openAt(1);
    const alice = insertRow(db, 'contacts', contactRow(1, { phone: '+44 20 7946 0000', custom_attributes: '{"plan":"pro"}' }));
    insertRow(db, 'contacts', contactRow(2, { name: null }));
    const acme = insertRow(db, 'companies', companyRow(1, 'Acme', { stage: 'sql', monthly_spend: 99.5 }));
    expect(new LinkRepository(db).link(alice, acme, T0)).toBe(true);
    const v1 = {
      contacts: selectRows(db, 'contacts'),
      companies: selectRows(db, 'companies'),
      contact_companies: selectRows(db, 'contact_companies'),
    };
    expect(v1.companies[0]).toMatchObject({ user_count: 1 });
    db.close();

    const db2 = openAt(2);
    expect(userVersion(db2)).toBe(2);
    for (const [table, rows] of Object.entries(v1)) expect(selectRows(db2, table), table).toEqual(rows);

    const tables = listTables(db2);
    for (const name of ['stage_history', 'outbox', 'settings']) {
      expect(tables.find((t) => t.name === name), name).toMatchObject({ strict: true });
    }
    expect(tableNames(db2)).not.toContain('contact_search');
    expect(indexNames(db2, 'stage_history')).toEqual(['stage_history_by_entity', 'stage_history_by_stage']);
    expect(indexNames(db2, 'outbox')).toEqual(['outbox_by_entity', 'outbox_by_status']);
    expect(listIndexes(db2, 'outbox').find((i) => i.name === 'outbox_by_status')!.columns).toEqual(['status', 'seq']);

    // the v2 repositories work on the migrated file
    const outbox = new OutboxRepository(db2);
    const aliceId = uuid(1);
    const s1 = outbox.append({ entityType: 'contact', entityId: aliceId, op: 'contact.create', payload: { name: 'Person 1' }, at: T0 });
    const s2 = outbox.append({ entityType: 'contact', entityId: aliceId, op: 'contact.update', payload: { phone: null }, at: T0 + 1 });
    expect(s2).toBeGreaterThan(s1);
    const page = outbox.list({ limit: 10 });
    expect(page.total).toBe(2);
    expect(page.rows.map((r) => [r.op, r.status, r.label])).toEqual([
      ['contact.create', 'pending', 'Person 1'],
      ['contact.update', 'pending', 'Person 1'],
    ]);
    const history = new StageHistoryRepository(db2);
    history.add({ entityType: 'contact', entityId: aliceId, fromStage: 'lead', toStage: 'signed_up', at: T0, actor: 'me', source: 'local' });
    expect(history.forEntity(aliceId)).toMatchObject([{ fromStage: 'lead', toStage: 'signed_up', actor: 'me', source: 'local' }]);
    expect(() =>
      history.add({ entityType: 'contact', entityId: aliceId, fromStage: null, toStage: 'lead', at: T0, actor: 'me', source: 'elsewhere' as 'local' }),
    ).toThrow(/CHECK/);
    const settings = new SettingsRepository(db2);
    settings.set('intercom.region', 'eu', T0);
    settings.set('intercom.region', 'us', T0 + 1);
    expect(settings.get('intercom.region')).toBe('us');
    expect(selectRows(db2, 'settings')).toHaveLength(1);
    expect(integrityCheck(db2)).toEqual(['ok']);
  });
});

describe('0003 search-index', () => {
  it('indexes the contacts, companies and links stored at v2 so search finds them', () => {
    const db = openAt(2);
    const jane = insertRow(db, 'contacts', contactRow(1, { name: 'Jane Doe', email: 'jane@acme.test' }));
    const jose = insertRow(db, 'contacts', contactRow(2, { name: 'José Núñez', email: 'jose@globex.test' }));
    insertRow(db, 'contacts', contactRow(3, { name: null, email: 'nameless@initech.test' }));
    insertRow(db, 'contacts', contactRow(4, { name: 'Lonely Lead', email: null }));
    const acme = insertRow(db, 'companies', companyRow(1, 'Acme Rockets'));
    const globex = insertRow(db, 'companies', companyRow(2, 'Globex', { external_id: 'GLX-42' }));
    insertRow(db, 'companies', companyRow(3, 'Umbrella', { external_id: null }));
    const links = new LinkRepository(db);
    links.link(jane, acme, T0);
    links.link(jose, acme, T0);
    links.link(jose, globex, T0);
    const v2Contacts = selectRows(db, 'contacts');
    db.close();

    const db3 = openAt(3);
    expect(userVersion(db3)).toBe(3);
    expect(selectRows(db3, 'contacts')).toEqual(v2Contacts);
    expect(listTables(db3).filter((t) => t.type === 'virtual').map((t) => t.name)).toEqual(['company_search', 'contact_search']);

    const store = new Store(db3);
    // one search entry per stored row, built by the migration itself
    expect(store.fingerprint().counts).toMatchObject({ contacts: 4, contact_search: 4, companies: 3, company_search: 3 });

    const contactQuery = (search: string) => contract['contacts.list'].input.parse({ search, sort: { field: 'name', dir: 'asc' } });
    const names = (search: string) => store.contacts.list(contactQuery(search)).rows.map((r) => r.name ?? r.email);
    expect(names('acme')).toEqual(['Jane Doe', 'José Núñez']); // by company name, from the links
    expect(names('rock')).toEqual(['Jane Doe', 'José Núñez']); // second word of the company name, as a prefix
    expect(names('glob')).toEqual(['José Núñez']); // both the email and the second company
    expect(names('jose nunez')).toEqual(['José Núñez']); // diacritics folded
    expect(names('initech')).toEqual(['nameless@initech.test']); // email only
    expect(names('lonely')).toEqual(['Lonely Lead']); // name only
    expect(names('umbrella')).toEqual([]);

    const companyQuery = (search: string) => contract['companies.list'].input.parse({ search });
    const companyNames = (search: string) => store.companies.list(companyQuery(search)).rows.map((r) => r.name);
    expect(companyNames('um')).toEqual(['Umbrella']);
    expect(companyNames('glx')).toEqual(['Globex']); // by external id
    expect(companyNames('acme roc')).toEqual(['Acme Rockets']);

    // and the repositories keep the index in step from now on
    store.companies.update(acme, { name: 'Rocket Works' });
    for (const pk of store.companies.contactPks(acme)) store.contacts.reindex(pk);
    expect(names('acme')).toEqual(['Jane Doe']); // still in her email, no longer José's companies
    expect(names('works')).toEqual(['Jane Doe', 'José Núñez']);
    expect(integrityCheck(db3)).toEqual(['ok']);
  });
});

describe('0004 sync', () => {
  it('keeps the v3 rows and outbox, and adds the sync columns and tables empty', () => {
    const db = openAt(3);
    insertRow(db, 'contacts', contactRow(1, { intercom_id: 'abc123', sync_state: 'synced' }));
    insertRow(db, 'companies', companyRow(1, 'Acme'));
    db.prepare(`INSERT INTO outbox (entity_type, entity_id, op, payload, created_at, updated_at) VALUES ('contact', ?, 'contact.create', '{}', ?, ?)`).run(uuid(1), T0, T0);
    const v3 = { contacts: selectRows(db, 'contacts'), companies: selectRows(db, 'companies'), outbox: selectRows(db, 'outbox') };
    db.close();

    const db4 = openAt(4);
    expect(userVersion(db4)).toBe(4);
    const strip = (rows: Record<string, unknown>[], col: string) => rows.map(({ [col]: v, ...rest }) => (expect(v).toBeNull(), rest));
    expect(strip(selectRows(db4, 'contacts'), 'sync_base')).toEqual(v3.contacts);
    expect(strip(selectRows(db4, 'companies'), 'sync_base')).toEqual(v3.companies);
    expect(strip(selectRows(db4, 'outbox'), 'not_before')).toEqual(v3.outbox);
    expect(tableNames(db4)).toEqual(expect.arrayContaining(['conflicts', 'messages']));
    expect(selectRows(db4, 'conflicts')).toEqual([]);
    // the checks hold: a base must be JSON, a message a known kind, a conflict a known side
    expect(() => db4.prepare(`UPDATE contacts SET sync_base = 'not json'`).run()).toThrow(/CHECK/);
    expect(() =>
      db4.prepare(`INSERT INTO messages (id, contact_id, kind, status, created_at, actor) VALUES ('m', ?, 'sms', 'queued', 1, 'me')`).run(uuid(1)),
    ).toThrow(/CHECK/);
    expect(() =>
      db4.prepare(`INSERT INTO conflicts (entity_type, entity_id, field, detected_at, resolution) VALUES ('contact', ?, 'name', 1, 'both')`).run(uuid(1)),
    ).toThrow(/CHECK/);
    expect(integrityCheck(db4)).toEqual(['ok']);
  });
});

describe('0005 activity-funnel', () => {
  const FUNNEL_COLUMNS = ['funnel_rank', 'funnel_max', 'stage_entered_at', 'signed_up_at', 'sql_at', 'customer_at', 'first_seen_at', 'first_referrer', 'first_landing_page', 'lead_ms', 'signed_up_ms', 'sql_ms'];

  it('backfills the funnel columns of the v4 contacts from their stage, history and companies', () => {
    const history = (db: Database, type: 'contact' | 'company', id: string, from: string | null, to: string, at: number) =>
      insertRow(db, 'stage_history', { entity_type: type, entity_id: id, from_stage: from, to_stage: to, at, actor: 'me', source: 'local' });
    const link = (db: Database, contactPk: number, companyPk: number, at: number) => insertRow(db, 'contact_companies', { contact_pk: contactPk, company_pk: companyPk, created_at: at });

    const { db, before } = migrateWithRows(5, (v4) => {
      // a lead that never moved
      insertRow(v4, 'contacts', contactRow(1, { updated_at: T0 + 90 }));
      // signed up, with the change in its history
      insertRow(v4, 'contacts', contactRow(2, { stage: 'signed_up', updated_at: T0 + 600 }));
      history(v4, 'contact', uuid(2), 'lead', 'signed_up', T0 + 500);
      // signed up with no history (pulled from Intercom that way): since its creation
      insertRow(v4, 'contacts', contactRow(3, { stage: 'signed_up' }));
      // a lead at an SQL company: SQL from the later of the company's change and the link
      const c4 = insertRow(v4, 'contacts', contactRow(4, { updated_at: T0 + 900 }));
      const acme = insertRow(v4, 'companies', companyRow(1, 'Acme', { stage: 'sql' }));
      history(v4, 'company', uuid(1001), null, 'sql', T0 + 300);
      link(v4, c4, acme, T0 + 400);
      // signed up at a customer company linked before it became SQL, then customer
      const c5 = insertRow(v4, 'contacts', contactRow(5, { stage: 'signed_up' }));
      const globex = insertRow(v4, 'companies', companyRow(2, 'Globex', { stage: 'customer' }));
      history(v4, 'company', uuid(1002), null, 'sql', T0 + 100);
      history(v4, 'company', uuid(1002), 'sql', 'customer', T0 + 200);
      link(v4, c5, globex, T0 + 50);
      insertRow(v4, 'outbox', { entity_type: 'contact', entity_id: uuid(1), op: 'contact.create', payload: '{}', created_at: T0, updated_at: T0 });
    });

    // every v4 row is still there as it was; the new columns are added beside them
    const contacts = selectRows(db, 'contacts');
    expect(withoutAdded(contacts, FUNNEL_COLUMNS)).toEqual(before.contacts);
    for (const table of ['companies', 'contact_companies', 'stage_history', 'settings', 'conflicts', 'messages']) {
      expect(selectRows(db, table), table).toEqual(before[table]);
    }
    expect(withoutAdded(selectRows(db, 'outbox'), ['hold'])).toEqual(before.outbox);
    expect(selectRows(db, 'outbox').map((r) => r.hold)).toEqual([null]);

    const funnel = (n: number) => {
      const row = contacts.find((c) => c.id === uuid(n))!;
      return Object.fromEntries(FUNNEL_COLUMNS.map((c) => [c, row[c]]));
    };
    const noFirstTouch = { first_seen_at: null, first_referrer: null, first_landing_page: null };
    expect(funnel(1)).toEqual({
      funnel_rank: 0, funnel_max: 0, stage_entered_at: T0 + 1, signed_up_at: null, sql_at: null, customer_at: null,
      lead_ms: null, signed_up_ms: null, sql_ms: null, ...noFirstTouch,
    });
    expect(funnel(2)).toEqual({
      funnel_rank: 1, funnel_max: 1, stage_entered_at: T0 + 500, signed_up_at: T0 + 500, sql_at: null, customer_at: null,
      lead_ms: 500 - 2, signed_up_ms: null, sql_ms: null, ...noFirstTouch,
    });
    expect(funnel(3)).toEqual({
      funnel_rank: 1, funnel_max: 1, stage_entered_at: T0 + 3, signed_up_at: T0 + 3, sql_at: null, customer_at: null,
      lead_ms: 0, signed_up_ms: null, sql_ms: null, ...noFirstTouch,
    });
    expect(funnel(4)).toEqual({
      funnel_rank: 2, funnel_max: 2, stage_entered_at: T0 + 400, signed_up_at: null, sql_at: T0 + 400, customer_at: null,
      lead_ms: 400 - 4, signed_up_ms: null, sql_ms: null, ...noFirstTouch,
    });
    expect(funnel(5)).toEqual({
      funnel_rank: 3, funnel_max: 3, stage_entered_at: T0 + 200, signed_up_at: T0 + 5, sql_at: T0 + 100, customer_at: T0 + 200,
      lead_ms: 0, signed_up_ms: 100 - 5, sql_ms: 100, ...noFirstTouch,
    });

    // the new tables start empty and STRICT
    const tables = listTables(db);
    for (const name of ['events', 'event_names', 'segments', 'imports', 'import_rows', 'bulk_actions', 'bulk_items']) {
      expect(tables.find((t) => t.name === name), name).toMatchObject({ strict: true });
      expect(selectRows(db, name), name).toEqual([]);
    }
    expect(indexNames(db, 'contacts')).toEqual(expect.arrayContaining(['contacts_funnel_entered', 'contacts_max_created', 'contacts_lead_ms']));

    // and the triggers keep the backfilled rows moving: the lead signs up, the SQL company pays
    db.prepare('UPDATE contacts SET stage = ?, updated_at = ? WHERE id = ?').run('signed_up', T0 + 2000, uuid(1));
    db.prepare('UPDATE companies SET stage = ?, updated_at = ? WHERE id = ?').run('customer', T0 + 3000, uuid(1001));
    const after = (n: number) => db.prepare('SELECT funnel_rank, funnel_max, stage_entered_at, signed_up_at, customer_at FROM contacts WHERE id = ?').get(uuid(n));
    expect(after(1)).toEqual({ funnel_rank: 1, funnel_max: 1, stage_entered_at: T0 + 2000, signed_up_at: T0 + 2000, customer_at: null });
    expect(after(4)).toEqual({ funnel_rank: 3, funnel_max: 3, stage_entered_at: T0 + 3000, signed_up_at: null, customer_at: T0 + 3000 });
    expect(integrityCheck(db)).toEqual(['ok']);
    expect(foreignKeyViolations(db)).toEqual([]);
  });
});

describe('0006 change-journal', () => {
  it('keeps the v5 rows and adds the STRICT, empty change journal that an undo reads', () => {
    const db = openAt(5);
    insertRow(db, 'contacts', contactRow(1));
    db.prepare(`INSERT INTO outbox (entity_type, entity_id, op, payload, created_at, updated_at) VALUES ('contact', ?, 'contact.create', '{}', ?, ?)`).run(uuid(1), T0, T0);
    const v5 = { contacts: selectRows(db, 'contacts'), outbox: selectRows(db, 'outbox') };
    db.close();

    const db6 = openAt(6);
    expect(userVersion(db6)).toBe(6);
    expect(selectRows(db6, 'contacts')).toEqual(v5.contacts);
    expect(selectRows(db6, 'outbox')).toEqual(v5.outbox);
    const tables = listTables(db6);
    for (const name of ['changes', 'change_records', 'change_fields']) {
      expect(tables.find((t) => t.name === name), name).toMatchObject({ strict: true });
      expect(selectRows(db6, name), name).toEqual([]);
    }
    expect(indexNames(db6, 'change_records')).toEqual(expect.arrayContaining(['change_records_by_entity']));

    // a change with its record and field; values must be JSON, and the change's rows go with it
    const store = new Store(db6);
    const mark = store.changes.mark();
    expect(mark).toEqual({ seq: 1, history: 0 });
    const n = store.changes.insert({
      id: 'c1', kind: 'contact.setStage', summary: 'Stage of Ann set to Signed up', actor: 'me', created_at: T0,
      after_seq: 1, last_seq: 1, after_history: 0, last_history: 0, undo_of: null,
    });
    store.changes.addRecord(n, { entity_type: 'contact', entity_id: uuid(1), label: 'Ann' });
    store.changes.addField(n, { entity_type: 'contact', entity_id: uuid(1), field: 'stage', before: '"lead"', after: '"signed_up"' });
    expect(store.changes.list({ entityId: uuid(1), limit: 5, offset: 0 }).rows.map((r) => r.id)).toEqual(['c1']);
    expect(() => store.changes.addField(n, { entity_type: 'contact', entity_id: uuid(1), field: 'name', before: 'not json', after: null })).toThrow(/CHECK/);
    db6.prepare('DELETE FROM changes WHERE n = ?').run(n);
    expect(selectRows(db6, 'change_fields')).toEqual([]);
    expect(integrityCheck(db6)).toEqual(['ok']);
  });
});

describe('0007 message-hold', () => {
  it('keeps the v6 outbox and messages as they were (released, nothing undone) and adds the hold columns', () => {
    const { db, before } = migrateWithRows(7, (old) => {
      insertRow(old, 'contacts', contactRow(1));
      old.prepare(`INSERT INTO outbox (entity_type, entity_id, op, payload, created_at, updated_at) VALUES ('contact', ?, 'message.send', '{"messageId":"m1"}', ?, ?)`).run(uuid(1), T0, T0);
      old.prepare(`INSERT INTO messages (id, contact_id, kind, channel, body, status, created_at, actor) VALUES ('m1', ?, 'send', 'inapp', 'Hi', 'queued', ?, 'me')`).run(uuid(1), T0);
    });
    const outbox = selectRows(db, 'outbox');
    const messages = selectRows(db, 'messages');
    expect(withoutAdded(outbox, ['release_at'])).toEqual(before.outbox);
    expect(withoutAdded(messages, ['release_at', 'undone_at'])).toEqual(before.messages);
    // an entry from before the hold existed is due at once, and its message cannot be taken back
    expect(outbox.map((r) => r.release_at)).toEqual([null]);
    expect(messages.map((r) => [r.release_at, r.undone_at])).toEqual([[null, null]]);
    expect(indexNames(db, 'outbox')).toContain('outbox_by_release');
    expect(integrityCheck(db)).toEqual(['ok']);
  });
});

describe('0008 import-rollback-result', () => {
  it('keeps the v7 imports as they were, with no rollback result', () => {
    const { db, before } = migrateWithRows(8, (old) => {
      old
        .prepare(`INSERT INTO imports (id, file_name, file_path, size, state, actor, created_at) VALUES ('i1', 'people.csv', '/tmp/x', 10, 'rolled_back', 'me', ?)`)
        .run(T0);
    });
    const imports = selectRows(db, 'imports');
    expect(withoutAdded(imports, ['rollback_result'])).toEqual(before.imports);
    expect(imports.map((r) => r.rollback_result)).toEqual([null]);
    expect(() => db.prepare(`UPDATE imports SET rollback_result = 'not json' WHERE id = 'i1'`).run()).toThrow(/CHECK constraint/);
    expect(integrityCheck(db)).toEqual(['ok']);
  });
});

describe('0009 message-templates', () => {
  it('keeps the v8 rows as they were and adds message templates, one name per template whatever its case', () => {
    const { db, before } = migrateWithRows(9, (old) => {
      insertRow(old, 'contacts', contactRow(1));
      old.prepare(`INSERT INTO messages (id, contact_id, kind, channel, body, status, created_at, actor) VALUES ('m1', ?, 'send', 'inapp', 'Hi', 'queued', ?, 'me')`).run(uuid(1), T0);
    });
    expect(selectRows(db, 'contacts')).toEqual(before.contacts);
    expect(selectRows(db, 'messages')).toEqual(before.messages);
    const add = (id: string, name: string, channel = 'inapp') =>
      db.prepare(`INSERT INTO message_templates (id, name, channel, subject, body, created_at, updated_at, actor) VALUES (?, ?, ?, NULL, 'Hi {{name}}', ?, ?, 'me')`).run(id, name, channel, T0, T0);
    add('t1', 'Welcome');
    expect(() => add('t2', 'WELCOME')).toThrow(/UNIQUE/);
    expect(() => add('t3', 'Other', 'sms')).toThrow(/CHECK/);
    expect(indexNames(db, 'message_templates')).toContain('message_templates_by_name');
    expect(integrityCheck(db)).toEqual(['ok']);
  });
});

describe('0010 owners', () => {
  it('keeps the v9 contacts (owned by nobody), adds the STRICT team table and the owner indexes', () => {
    const { db, before } = migrateWithRows(10, (old) => {
      insertRow(old, 'contacts', contactRow(1));
      insertRow(old, 'contacts', contactRow(2, { stage: 'signed_up', role: 'user' }));
    });
    expect(withoutAdded(selectRows(db, 'contacts'), ['owner_id'])).toEqual(before.contacts);
    expect(selectRows(db, 'contacts').map((r) => r.owner_id)).toEqual([null, null]);
    expect(indexNames(db, 'contacts')).toEqual(expect.arrayContaining(['contacts_by_owner', 'contacts_by_owner_updated']));
    db.prepare(`INSERT INTO admins (id, name, email, active, updated_at) VALUES ('101', 'Sam', 'sam@team.test', 1, ?)`).run(T0);
    expect(() => db.prepare(`INSERT INTO admins (id, name, email, active, updated_at) VALUES ('102', 'Kai', NULL, 2, ?)`).run(T0)).toThrow(/CHECK/);
    expect(() => db.prepare(`INSERT INTO admins (id, name, email, active, updated_at) VALUES ('103', 'Jo', NULL, 1, 'soon')`).run()).toThrow();
    db.prepare(`UPDATE contacts SET owner_id = '101' WHERE id = ?`).run(uuid(1));
    expect(new Store(db).contacts.byId(uuid(1))!.owner_id).toBe('101');
    expect(integrityCheck(db)).toEqual(['ok']);
  });
});

describe('0011 contact-notes', () => {
  it('keeps the v10 rows as they were and adds STRICT notes that go with their contact', () => {
    const { db, before } = migrateWithRows(11, (old) => {
      insertRow(old, 'contacts', contactRow(1));
      insertRow(old, 'contacts', contactRow(2));
    });
    expect(selectRows(db, 'contacts')).toEqual(before.contacts);
    expect(tableNames(db)).toEqual(expect.arrayContaining(['notes', 'notes_wanted']));
    const pk = (n: number) => (db.prepare('SELECT pk FROM contacts WHERE id = ?').get(uuid(n)) as { pk: number }).pk;
    const note = (id: string, contactPk: number, source = 'local', intercomId: string | null = null) =>
      db
        .prepare(`INSERT INTO notes (id, contact_pk, body, author, source, intercom_id, created_at, updated_at) VALUES (?, ?, 'Called', 'me', ?, ?, ?, ?)`)
        .run(id, contactPk, source, intercomId, T0, T0);
    note('n1', pk(1));
    note('n2', pk(1), 'intercom', '901');
    note('n3', pk(2));
    expect(() => note('n4', pk(2), 'intercom', '901')).toThrow(/UNIQUE/);
    expect(() => note('n5', pk(2), 'email')).toThrow(/CHECK/);
    expect(() => note('n6', 999_999)).toThrow(/FOREIGN KEY/);
    db.prepare('INSERT INTO notes_wanted (contact_pk, remote_count, seen_at) VALUES (?, 3, ?)').run(pk(1), T0);
    // a contact's notes and its read-again mark go with its row
    db.prepare('DELETE FROM contacts WHERE id = ?').run(uuid(1));
    expect(selectRows(db, 'notes').map((r) => r.id)).toEqual(['n3']);
    expect(selectRows(db, 'notes_wanted')).toEqual([]);
    expect(indexNames(db, 'notes')).toEqual(expect.arrayContaining(['notes_by_contact', 'notes_by_intercom_id']));
    expect(foreignKeyViolations(db)).toEqual([]);
    expect(integrityCheck(db)).toEqual(['ok']);
  });
});

describe('0014 email-consent', () => {
  it('keeps the v13 contacts as they were, none unsubscribed, and marks a synced store to read consent from Intercom once', () => {
    const { db, before } = migrateWithRows(14, (old) => {
      insertRow(old, 'contacts', contactRow(1));
      insertRow(old, 'contacts', contactRow(2, { intercom_id: 'ic-2', sync_state: 'synced' }));
    });
    const contacts = selectRows(db, 'contacts');
    expect(withoutAdded(contacts, ['unsubscribed_from_emails'])).toEqual(before.contacts);
    expect(contacts.map((r) => r.unsubscribed_from_emails)).toEqual([0, 0]);
    expect(() => db.prepare(`UPDATE contacts SET unsubscribed_from_emails = 2`).run()).toThrow(/CHECK constraint/);
    expect(selectRows(db, 'settings').find((r) => r.key === 'sync.consentBackfill')).toMatchObject({ value: '"pending"' });
    expect(integrityCheck(db)).toEqual(['ok']);
  });

  it('leaves a store that never synced without the mark (its first pull reads every contact)', () => {
    const { db } = migrateWithRows(14, (old) => insertRow(old, 'contacts', contactRow(1)));
    expect(selectRows(db, 'settings').find((r) => r.key === 'sync.consentBackfill')).toBeUndefined();
  });
});

describe('0015 contact-merges', () => {
  it('keeps the v14 contacts as they were, adds the STRICT merge record and the email index whatever its case', () => {
    const { db, before } = migrateWithRows(15, (old) => {
      insertRow(old, 'contacts', contactRow(1));
    });
    expect(selectRows(db, 'contacts')).toEqual(before.contacts);
    expect(listTables(db).find((t) => t.name === 'contact_merges')).toMatchObject({ strict: true });
    expect(selectRows(db, 'contact_merges')).toEqual([]);
    expect(indexNames(db, 'contacts')).toContain('contacts_by_email_nocase');
    const add = (mode: string, saved: string) =>
      db.prepare(`INSERT INTO contact_merges (change_id, from_id, into_id, mode, saved, created_at) VALUES (?, ?, ?, ?, ?, ?)`).run(`c-${mode}`, uuid(2), uuid(1), mode, saved, T0);
    add('merge', '{}');
    expect(() => add('split', '{}')).toThrow(/CHECK/);
    expect(() => add('archive', 'not json')).toThrow(/CHECK/);
    expect(integrityCheck(db)).toEqual(['ok']);
  });
});

describe('0013 archive-erase', () => {
  it('keeps the v12 rows and their counts, adds archived_at, and counts only contacts that are not archived', () => {
    const { db, before } = migrateWithRows(13, (old) => {
      for (const n of [1, 2, 3]) insertRow(old, 'contacts', contactRow(n, n === 3 ? { stage: 'signed_up' } : {}));
    });
    expect(withoutAdded(selectRows(db, 'contacts'), ['archived_at'])).toEqual(before.contacts);
    expect(selectRows(db, 'contact_counts')).toEqual(before.contact_counts);
    const counts = () => db.prepare('SELECT stage, n FROM contact_counts WHERE n > 0 ORDER BY stage').all();
    db.prepare('UPDATE contacts SET archived_at = ? WHERE id = ?').run(T0, uuid(1));
    expect(counts()).toEqual([{ stage: 'lead', n: 1 }, { stage: 'signed_up', n: 1 }]);
    // a stage move of an archived contact leaves the counts alone; its restore counts it again
    db.prepare(`UPDATE contacts SET stage = 'signed_up' WHERE id = ?`).run(uuid(1));
    expect(counts()).toEqual([{ stage: 'lead', n: 1 }, { stage: 'signed_up', n: 1 }]);
    db.prepare('UPDATE contacts SET archived_at = NULL WHERE id = ?').run(uuid(1));
    expect(counts()).toEqual([{ stage: 'lead', n: 1 }, { stage: 'signed_up', n: 2 }]);
    db.prepare('UPDATE contacts SET archived_at = ? WHERE id = ?').run(T0, uuid(2));
    db.prepare('DELETE FROM contacts WHERE id = ?').run(uuid(2));
    expect(counts()).toEqual([{ stage: 'signed_up', n: 2 }]);
    expect(indexNames(db, 'contacts')).toContain('contacts_archived');
    expect(integrityCheck(db)).toEqual(['ok']);
  });
});

describe('0012 tags', () => {
  it('keeps the v11 rows as they were and adds tags and their links, which go with their contact, company or tag', () => {
    const { db, before } = migrateWithRows(12, (old) => {
      insertRow(old, 'contacts', contactRow(1));
      insertRow(old, 'contacts', contactRow(2));
      old.prepare(`INSERT INTO companies (id, name, created_at, updated_at) VALUES (?, 'Acme', ?, ?)`).run(uuid(9), T0, T0);
    });
    expect(selectRows(db, 'contacts')).toEqual(before.contacts);
    expect(selectRows(db, 'companies')).toEqual(before.companies);
    const tag = (id: string, name: string) => db.prepare(`INSERT INTO tags (id, name, intercom_id, created_at) VALUES (?, ?, NULL, ?)`).run(id, name, T0).lastInsertRowid;
    const vip = tag('t1', 'VIP');
    const beta = tag('t2', 'Beta');
    expect(() => tag('t3', 'vip')).toThrow(/UNIQUE/);
    const pk = (id: string) => (db.prepare('SELECT pk FROM contacts WHERE id = ?').get(id) as { pk: number }).pk;
    const co = (db.prepare('SELECT pk FROM companies').get() as { pk: number }).pk;
    for (const [t, c] of [[vip, pk(uuid(1))], [vip, pk(uuid(2))], [beta, pk(uuid(1))]]) db.prepare('INSERT INTO contact_tags (tag_pk, contact_pk, created_at) VALUES (?, ?, ?)').run(t, c, T0);
    db.prepare('INSERT INTO company_tags (tag_pk, company_pk, created_at) VALUES (?, ?, ?)').run(vip, co, T0);
    expect(() => db.prepare('INSERT INTO contact_tags (tag_pk, contact_pk, created_at) VALUES (?, 999, ?)').run(vip, T0)).toThrow(/FOREIGN KEY/);
    expect(indexNames(db, 'contact_tags')).toContain('contact_tags_by_contact');
    expect(indexNames(db, 'company_tags')).toContain('company_tags_by_company');
    // a contact, a company or a tag that goes takes its links with it
    db.prepare('DELETE FROM contact_search WHERE rowid = ?').run(pk(uuid(1)));
    db.prepare('DELETE FROM contacts WHERE id = ?').run(uuid(1));
    expect(db.prepare('SELECT count(*) AS n FROM contact_tags').get()).toEqual({ n: 1 });
    db.prepare('DELETE FROM companies WHERE pk = ?').run(co);
    expect(db.prepare('SELECT count(*) AS n FROM company_tags').get()).toEqual({ n: 0 });
    db.prepare('DELETE FROM tags WHERE pk = ?').run(vip);
    expect(db.prepare('SELECT count(*) AS n FROM contact_tags').get()).toEqual({ n: 0 });
    expect(integrityCheck(db)).toEqual(['ok']);
  });
});
