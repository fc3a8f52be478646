// The store: one database connection and the repositories over it. Services change data only
// inside `transaction`, which is synchronous (no await can slip in between the row, the
// history and the outbox entry) and takes the write lock up front.
import type { Database } from 'better-sqlite3';
import { AdminRepository } from './AdminRepository';
import { BulkRepository } from './BulkRepository';
import { ChangeRepository } from './ChangeRepository';
import { CompanyRepository } from './CompanyRepository';
import { ConflictRepository } from './ConflictRepository';
import { ContactRepository } from './ContactRepository';
import { ErasureRepository } from './ErasureRepository';
import { EventRepository } from './EventRepository';
import { fingerprint, type Fingerprint } from './fingerprint';
import { FunnelRepository } from './FunnelRepository';
import { ImportRepository } from './ImportRepository';
import { LinkRepository } from './LinkRepository';
import { MergeRepository } from './MergeRepository';
import { MessageRepository } from './MessageRepository';
import { NoteRepository } from './NoteRepository';
import { schemaVersion } from './migrate';
import { closeDatabase, openDatabase, openSnapshot, type OpenOptions } from './openDatabase';
import { OutboxRepository } from './OutboxRepository';
import { RemoteRepository } from './RemoteRepository';
import { SegmentRepository } from './SegmentRepository';
import { SettingsRepository } from './SettingsRepository';
import { StageHistoryRepository } from './StageHistoryRepository';
import { SyncRepository } from './SyncRepository';
import { TagRepository } from './TagRepository';
import { TemplateRepository } from './TemplateRepository';

export class Store {
  readonly contacts: ContactRepository;
  readonly companies: CompanyRepository;
  readonly links: LinkRepository;
  readonly history: StageHistoryRepository;
  readonly outbox: OutboxRepository;
  readonly settings: SettingsRepository;
  readonly sync: SyncRepository;
  readonly remote: RemoteRepository;
  readonly conflicts: ConflictRepository;
  readonly messages: MessageRepository;
  readonly events: EventRepository;
  readonly segments: SegmentRepository;
  readonly funnel: FunnelRepository;
  readonly imports: ImportRepository;
  readonly bulk: BulkRepository;
  readonly changes: ChangeRepository;
  readonly templates: TemplateRepository;
  readonly notes: NoteRepository;
  readonly merges: MergeRepository;
  readonly admins: AdminRepository;
  readonly erasure: ErasureRepository;
  readonly tags: TagRepository;

  constructor(readonly db: Database) {
    this.contacts = new ContactRepository(db);
    this.companies = new CompanyRepository(db);
    this.links = new LinkRepository(db);
    this.history = new StageHistoryRepository(db);
    this.outbox = new OutboxRepository(db);
    this.settings = new SettingsRepository(db);
    this.sync = new SyncRepository(db);
    this.remote = new RemoteRepository(db);
    this.conflicts = new ConflictRepository(db);
    this.messages = new MessageRepository(db);
    this.events = new EventRepository(db);
    this.segments = new SegmentRepository(db);
    this.funnel = new FunnelRepository(db);
    this.imports = new ImportRepository(db);
    this.bulk = new BulkRepository(db);
    this.changes = new ChangeRepository(db);
    this.templates = new TemplateRepository(db);
    this.notes = new NoteRepository(db);
    this.merges = new MergeRepository(db);
    this.admins = new AdminRepository(db);
    this.erasure = new ErasureRepository(db);
    this.tags = new TagRepository(db);
  }

  static open(file: string, options?: OpenOptions): Store {
    return new Store(openDatabase(file, options));
  }

  /** A read-only copy in memory, for a disk too full to open the file itself (openSnapshot); null when it would miss changes. */
  static snapshot(file: string, options?: Pick<OpenOptions, 'nativeBinding'>): Store | null {
    const db = openSnapshot(file, options);
    return db ? new Store(db) : null;
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
