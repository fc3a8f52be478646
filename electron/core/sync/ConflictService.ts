// Conflicts: fields both the console and Intercom changed since the last sync. Listing them, and
// resolving one by keeping a side: the kept value is written locally and queued for Intercom.
import type { EventPayload, MethodOutput, ParsedInput } from '../../../shared/api';
import type { Conflict, EntityType, OutboxOp } from '../../../shared/domain';
import { AppError } from '../../../shared/errors';
import { fieldLabel } from '../../../shared/fieldLabels';
import type { CompanyWrite } from '../db/CompanyRepository';
import type { ConflictRow } from '../db/ConflictRepository';
import type { ContactWrite } from '../db/ContactRepository';
import { iso, isoOrNull } from '../db/rows';
import type { Store } from '../db/Store';
import { CompanyWriter } from '../records/CompanyWriter';
import { ContactWriter } from '../records/ContactWriter';
import { companyBaseFromRow, contactBaseFromRow } from './mapping';
import { ATTR_PREFIX, baseJson, flatten, parseBase, withAttributes, type FieldValue, type Flat } from './merge';

export interface ConflictServiceOptions {
  now: () => number;
  /** Who resolves, recorded in the stage history. */
  actor: string;
  emit: (payload: EventPayload<'changed'>) => void;
}

const parse = (json: string | null): unknown => (json === null ? null : JSON.parse(json));

export function toConflict(r: ConflictRow): Conflict {
  return {
    id: r.id,
    entityType: r.entity_type,
    entityId: r.entity_id,
    label: r.label,
    field: r.field,
    localValue: parse(r.local_value),
    remoteValue: parse(r.remote_value),
    baseValue: parse(r.base_value),
    detectedAt: iso(r.detected_at),
    resolvedAt: isoOrNull(r.resolved_at),
    resolution: r.resolution,
  };
}

/** The outbox entry that carries one field's value to Intercom, as the services write them. */
function entryFor(entity: EntityType, field: string, value: FieldValue, from: FieldValue): { op: OutboxOp; payload: Record<string, unknown> } {
  if (field === 'stage') return { op: entity === 'contact' ? 'contact.setStage' : 'company.setStage', payload: { from, stage: value } };
  const op: OutboxOp = entity === 'contact' ? 'contact.update' : 'company.update';
  if (field.startsWith(ATTR_PREFIX)) return { op, payload: { customAttributes: { [field.slice(ATTR_PREFIX.length)]: value } } };
  return { op, payload: { [field]: value } };
}

export class ConflictService {
  private readonly contacts: ContactWriter;
  private readonly companies: CompanyWriter;

  constructor(
    private readonly store: Store,
    private readonly o: ConflictServiceOptions,
  ) {
    this.contacts = new ContactWriter(store);
    this.companies = new CompanyWriter(store);
  }

  list(q: ParsedInput<'conflicts.list'>): MethodOutput<'conflicts.list'> {
    const page = this.store.conflicts.list({ entityId: q.entityId, includeResolved: q.includeResolved, limit: q.limit, offset: q.offset });
    return { items: page.rows.map(toConflict), total: page.total };
  }

  /**
   * Keeps one side of a conflict. Either way an outbox entry carrying the kept value is queued
   * after any waiting one, so Intercom ends with the kept value whatever was folded or sent
   * before; the base moves to the remote value (what Intercom holds now), and the record's
   * entries, held back while the conflict was open, may go out again.
   */
  resolve({ id, keep }: ParsedInput<'conflicts.resolve'>): Conflict {
    const { store } = this;
    let seq = 0;
    const resolved = store.transaction(() => {
      const k = store.conflicts.byId(id);
      if (!k) throw new AppError('NOT_FOUND', `There is no conflict with id ${id}.`, { field: 'id' });
      if (k.resolved_at !== null) {
        throw new AppError(
          'CONFLICT',
          `This conflict (${fieldLabel(k.field).toLowerCase()} of ${k.label ?? k.entity_id}) was already resolved on ${iso(k.resolved_at)}, keeping the ${k.resolution} value.`,
          { field: 'id', details: { resolution: k.resolution, resolvedAt: iso(k.resolved_at) } },
        );
      }
      const at = this.o.now();
      const remote = parse(k.remote_value) as FieldValue;
      seq = k.entity_type === 'contact' ? this.resolveContact(k, keep, remote, at) : this.resolveCompany(k, keep, remote, at);
      store.conflicts.resolve(id, keep, at);
      (k.entity_type === 'contact' ? this.contacts : this.companies).refreshSyncState(k.entity_id);
      return toConflict(store.conflicts.byId(id)!);
    });
    this.o.emit({ entity: resolved.entityType, ids: [resolved.entityId], op: 'conflict.resolve' });
    this.o.emit({ entity: 'outbox', ids: [String(seq)], op: 'conflict.resolve' });
    return resolved;
  }

  private resolveContact(k: ConflictRow, keep: 'local' | 'remote', remote: FieldValue, at: number): number {
    const { store } = this;
    const row = store.remote.contactById(k.entity_id);
    if (!row) throw new AppError('NOT_FOUND', `The contact of this conflict no longer exists.`, { field: 'id' });
    const local = flatten(contactBaseFromRow(row))[k.field] ?? null;
    if (keep === 'remote' && local !== remote) {
      if (k.field === 'stage' && remote === null) {
        throw new AppError('VALIDATION', `Intercom holds no stage the console knows for ${k.label ?? k.entity_id}; keep the local one.`, { field: 'keep' });
      }
      if (k.field === 'externalId' && typeof remote === 'string') {
        const holder = store.contacts.byExternalId(remote);
        if (holder && holder.pk !== row.pk) {
          throw new AppError('CONFLICT', `User id ${remote} belongs to another contact (${holder.name ?? holder.email ?? holder.id}).`, {
            field: 'keep',
            details: { existingId: holder.id },
          });
        }
      }
      const write: ContactWrite = {};
      if (k.field.startsWith(ATTR_PREFIX)) write.customAttributes = withAttributes(row.custom_attributes, { [k.field]: remote });
      else if (k.field === 'unsubscribedFromEmails') write.unsubscribedFromEmails = remote === true;
      else write[k.field as 'email' | 'name' | 'phone' | 'externalId' | 'role' | 'stage' | 'ownerId'] = remote as string | null;
      // the value came from Intercom; the choice to take it was this user's (the history's actor)
      this.contacts.applyRemote(row, write, { updatedAt: at, stageAt: at, actor: this.o.actor });
    }
    const kept = keep === 'remote' ? remote : local;
    const entry = entryFor('contact', k.field, kept, keep === 'remote' ? local : remote);
    const seq = this.contacts.queue(row.id, entry.op, entry.payload, { at });
    this.moveBase('contact', row.pk, row.sync_base, flatten(contactBaseFromRow(row)), k.field, remote);
    return seq;
  }

  private resolveCompany(k: ConflictRow, keep: 'local' | 'remote', remote: FieldValue, at: number): number {
    const { store } = this;
    const row = store.remote.companyById(k.entity_id);
    if (!row) throw new AppError('NOT_FOUND', `The company of this conflict no longer exists.`, { field: 'id' });
    const local = flatten(companyBaseFromRow(row))[k.field] ?? null;
    if (keep === 'remote' && local !== remote) {
      const write: CompanyWrite = {};
      if (k.field.startsWith(ATTR_PREFIX)) write.customAttributes = withAttributes(row.custom_attributes, { [k.field]: remote });
      else write[k.field as 'name' | 'plan' | 'monthlySpend' | 'stage'] = remote as string | number | null;
      this.companies.applyRemote(row, write, { updatedAt: at, stageAt: at, actor: this.o.actor });
    }
    const kept = keep === 'remote' ? remote : local;
    const entry = entryFor('company', k.field, kept, keep === 'remote' ? local : remote);
    const seq = this.companies.queue(row.id, entry.op, entry.payload, { at });
    this.moveBase('company', row.pk, row.sync_base, flatten(companyBaseFromRow(row)), k.field, remote);
    return seq;
  }

  /** The base takes the remote value of the field: that is what Intercom holds now. */
  private moveBase(entity: EntityType, pk: number, syncBase: string | null, localFlat: Flat, field: string, remote: FieldValue): void {
    const base = parseBase(syncBase);
    const flat: Flat = { ...(base?.flat ?? localFlat), [field]: remote };
    (entity === 'contact' ? this.contacts : this.companies).setSyncBase(pk, baseJson(flat, base?.meta ?? {}));
  }
}
