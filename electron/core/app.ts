// The composition root: builds store -> services -> router once, and hands back the three
// things a transport needs (call, events, dispose). No module-level state: a test can build
// as many cores as it likes, each on its own file.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Store } from './db/Store';
import { toOutboxItem } from './db/rows';
import { CompanyService } from './companies/CompanyService';
import { EventHub, type EventListener } from './EventHub';
import { ContactService } from './leads/ContactService';
import { createRouter, type Call, type Handlers } from './router';

export interface CoreOptions {
  /** Folder holding the database (and, in browser mode, bridge.json). */
  dataDir: string;
  /** Database file; default `<dataDir>/lead-console.sqlite`. */
  dbFile?: string;
  mode: 'desktop' | 'browser' | 'test';
  version?: string;
  /** Name recorded in the stage history; default: the OS user name. */
  actor?: string;
  /** Path of a better-sqlite3 native module built for this runtime (Electron). */
  nativeBinding?: string;
  validateOutput?: boolean;
  now?: () => number;
  log?: (message: string, error: unknown) => void;
}

export interface Core {
  call: Call;
  subscribe(listener: EventListener): () => void;
  dispose(): void;
  readonly dbFile: string;
  /** For tests and diagnostics in the main process; never exposed to the renderer. */
  readonly store: Store;
}

export const DB_FILE_NAME = 'lead-console.sqlite';

function defaultActor(): string {
  try {
    return os.userInfo().username || 'local user';
  } catch {
    return 'local user';
  }
}

export function createCore(options: CoreOptions): Core {
  const dbFile = options.dbFile ?? path.join(options.dataDir, DB_FILE_NAME);
  const store = Store.open(dbFile, { nativeBinding: options.nativeBinding });
  const events = new EventHub();
  const actor = options.actor ?? defaultActor();
  const ctx = { store, events, actor, now: options.now ?? Date.now, newId: randomUUID };
  const companies = new CompanyService(ctx);
  const contacts = new ContactService(ctx, companies);

  const handlers: Handlers = {
    'app.info': () => ({
      version: options.version ?? '0.0.0',
      mode: options.mode,
      dataDir: options.dataDir,
      actor,
      schemaVersion: store.schemaVersion,
    }),
    'contacts.create': (i) => contacts.create(i),
    'contacts.get': (i) => contacts.get(i.id),
    'contacts.list': (i) => contacts.list(i),
    'contacts.update': (i) => contacts.update(i),
    'contacts.setStage': (i) => contacts.setStage(i),
    'contacts.setStageMany': (i) => contacts.setStageMany(i),
    'contacts.findMatches': (i) => contacts.findMatches(i),
    'contacts.signUp': (i) => contacts.signUp(i),
    'companies.create': (i) => companies.create(i),
    'companies.get': (i) => companies.get(i.id),
    'companies.list': (i) => companies.list(i),
    'companies.update': (i) => companies.update(i),
    'companies.setStage': (i) => companies.setStage(i),
    'companies.link': (i) => companies.link(i),
    'companies.unlink': (i) => companies.unlink(i),
    'outbox.list': (i) => {
      const page = store.outbox.list(i);
      return { items: page.rows.map(toOutboxItem), total: page.total };
    },
  };

  const call = createRouter(handlers, { validateOutput: options.validateOutput ?? false, log: options.log ?? defaultLog });
  let disposed = false;
  return {
    call,
    subscribe: (l) => events.subscribe(l),
    dispose() {
      if (disposed) return;
      disposed = true;
      events.clear();
      store.close();
    },
    dbFile,
    store,
  };
}

function defaultLog(message: string, error: unknown) {
  console.error(`[lead-console] ${message}:`, error);
}
