// The store: one database connection and the repositories over it. Services change data only
// inside `transaction`, which is synchronous (no await can slip in between the row, the
// history and the outbox entry) and takes the write lock up front.
import type { Database } from 'better-sqlite3';
import { CompanyRepository } from './CompanyRepository';
import { ContactRepository } from './ContactRepository';
import { fingerprint, type Fingerprint } from './fingerprint';
import { LinkRepository } from './LinkRepository';
import { schemaVersion } from './migrate';
import { closeDatabase, openDatabase, type OpenOptions } from './openDatabase';
import { OutboxRepository } from './OutboxRepository';
import { SettingsRepository } from './SettingsRepository';
import { StageHistoryRepository } from './StageHistoryRepository';

export class Store {
  readonly contacts: ContactRepository;
  readonly companies: CompanyRepository;
  readonly links: LinkRepository;
  readonly history: StageHistoryRepository;
  readonly outbox: OutboxRepository;
  readonly settings: SettingsRepository;

  constructor(readonly db: Database) {
    this.contacts = new ContactRepository(db);
    this.companies = new CompanyRepository(db);
    this.links = new LinkRepository(db);
    this.history = new StageHistoryRepository(db);
    this.outbox = new OutboxRepository(db);
    this.settings = new SettingsRepository(db);
  }

  static open(file: string, options?: OpenOptions): Store {
    return new Store(openDatabase(file, options));
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  get schemaVersion(): number {
    return schemaVersion(this.db);
  }

  fingerprint(): Fingerprint {
    return fingerprint(this.db);
  }

  close(): void {
    closeDatabase(this.db);
  }
}
