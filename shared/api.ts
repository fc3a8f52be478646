// THE contract between the renderer and the engine: every method, once, with zod input and
// output, and every pushed event. Each domain declares its methods in shared/api/<domain>.ts;
// they are merged here into the one `contract` object, from which preload, router, IPC binding
// and HTTP bridge are derived. No method name is written anywhere else.
import { z } from 'zod';
import { EntityType, SyncStatus } from './domain';
import { ImportJob } from './activity';
import { activityMethods } from './api/activity';
import { adminMethods } from './api/admins';
import { appMethods } from './api/app';
import { backupMethods } from './api/backup';
import { bulkMethods } from './api/bulk';
import { ChangeRecord, changeMethods } from './api/changes';
import { companyMethods } from './api/companies';
import { conflictMethods } from './api/conflicts';
import { contactMethods } from './api/contacts';
import { exportMethods } from './api/export';
import { funnelMethods } from './api/funnel';
import { importMethods } from './api/import';
import { logMethods } from './api/logs';
import { contactMergeMethods } from './api/merges';
import { mergeMethods } from './api/MethodGroup';
import { messageMethods } from './api/messages';
import { noteMethods } from './api/notes';
import { outboxMethods } from './api/outbox';
import { segmentMethods } from './api/segments';
import { settingsMethods } from './api/settings';
import { syncMethods } from './api/sync';
import { tagMethods } from './api/tags';
import { templateMethods } from './api/templates';

export { CONTACT_SORT_FIELDS, ContactDetail } from './api/contacts';
export { COMPANY_SORT_FIELDS, CompanyDetail } from './api/companies';
export { EXPORT_COLUMNS, EXPORT_HEADERS } from './api/export';
export { Backup, BackupReason } from './api/backup';
export { ChangeRecord, CHANGE_KINDS, type ChangeKind } from './api/changes';
export { Me } from './api/admins';
export { Tag } from './api/tags';

export const contract = mergeMethods(
  appMethods,
  contactMethods,
  companyMethods,
  outboxMethods,
  settingsMethods,
  syncMethods,
  conflictMethods,
  messageMethods,
  activityMethods,
  importMethods,
  exportMethods,
  funnelMethods,
  segmentMethods,
  bulkMethods,
  backupMethods,
  changeMethods,
  logMethods,
  templateMethods,
  noteMethods,
  contactMergeMethods,
  adminMethods,
  tagMethods,
);

/** Events the engine pushes to every connected renderer. */
export const events = {
  /** Records changed (locally or by sync); screens showing them should refresh. */
  changed: z.object({
    entity: z.union([EntityType, z.enum(['outbox', 'event', 'segment', 'import', 'bulk', 'template', 'note', 'tag'])]),
    ids: z.array(z.string()),
    op: z.string(),
  }),
  /** The sync's state and progress, pushed on every change of either. */
  sync: SyncStatus,
  /** An import's progress (throttled) and every change of its state. */
  import: ImportJob,
  /** A change a person made (or its undo) was journalled: the toast offers its undo. */
  change: ChangeRecord,
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>;
export type ParsedInput<M extends MethodName> = z.output<Contract[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Contract[M]['output']>;

export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export const METHOD_NAMES = Object.keys(contract) as MethodName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

/** IPC channel for a method; derived, never typed by hand. */
export const ipcChannel = (method: MethodName) => `api:${method}`;
export const IPC_EVENT_CHANNEL = 'api:event';
