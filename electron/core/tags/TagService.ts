// Tags on one contact or company: the workspace's tags for the autocomplete, a record's tags, and
// putting one on or taking it off, each journalled (and so undoable) like every other change.
import type { MethodOutput, ParsedInput } from '../../../shared/api';
import type { EntityType } from '../../../shared/domain';
import { AppError } from '../../../shared/errors';
import type { ChangeService } from '../changes/ChangeService';
import { FIELD } from '../changes/changeWords';
import type { ChangeRow } from '../db/ChangeRepository';
import type { TagRow } from '../db/TagRepository';
import { TagWriter } from '../records/TagWriter';
import type { ServiceContext } from '../ServiceContext';

interface TaggedRecord {
  pk: number;
  id: string;
  label: string;
}

export class TagService {
  private readonly writer: TagWriter;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly changes: ChangeService,
  ) {
    this.writer = new TagWriter(ctx.store);
  }

  list(): MethodOutput<'tags.list'> {
    return {
      items: this.ctx.store.tags.allWithCounts().map((t) => ({ id: t.id, name: t.name, intercomId: t.intercom_id, contacts: t.contacts, companies: t.companies })),
    };
  }

  of({ type, id }: ParsedInput<'tags.of'>): MethodOutput<'tags.of'> {
    const rec = this.mustGet(type, id);
    return { items: this.ctx.store.tags.of(type, rec.pk).map((t) => ({ id: t.id, name: t.name })) };
  }

  add({ type, id, name, create }: ParsedInput<'tags.add'>): MethodOutput<'tags.add'> {
    const { store } = this.ctx;
    let journalled: ChangeRow | null = null;
    const result = store.transaction(() => {
      const rec = this.mustGet(type, id);
      const at = this.ctx.now();
      if (!create && !store.tags.byName(name)) {
        throw new AppError('NOT_FOUND', `Tag: the workspace has no tag “${name}”; choose Create tag to make it.`, { field: 'name' });
      }
      const started = this.changes.begin();
      const { tag, created } = this.writer.ensure(name, at);
      if (this.writer.tag(type, rec, tag, { at }) === null) return { tag, created, changed: false };
      journalled = this.record(started, type, rec, tag, true);
      return { tag, created, changed: true };
    });
    if (result.changed) this.emit(type, id);
    if (result.created) this.ctx.hub.emit('changed', { entity: 'tag', ids: [result.tag.id], op: 'tag.create' });
    this.changes.announce(journalled);
    return { tag: { id: result.tag.id, name: result.tag.name }, created: result.created, changed: result.changed };
  }

  remove({ type, id, tagId }: ParsedInput<'tags.remove'>): MethodOutput<'tags.remove'> {
    const { store } = this.ctx;
    let journalled: ChangeRow | null = null;
    const changed = store.transaction(() => {
      const rec = this.mustGet(type, id);
      const tag = store.tags.byId(tagId);
      if (!tag) throw new AppError('NOT_FOUND', `Tag: there is no tag with id ${tagId}.`, { field: 'tagId' });
      const started = this.changes.begin();
      if (this.writer.untag(type, rec, tag, { at: this.ctx.now() }) === null) return false;
      journalled = this.record(started, type, rec, tag, false);
      return true;
    });
    if (changed) this.emit(type, id);
    this.changes.announce(journalled);
    return { changed };
  }

  private record(started: ReturnType<ChangeService['begin']>, type: EntityType, rec: TaggedRecord, tag: TagRow, tagged: boolean): ChangeRow {
    return this.changes.record(started, {
      kind: tagged ? `${type}.tag` : `${type}.untag`,
      summary: tagged ? `${rec.label} tagged ${tag.name}` : `Tag ${tag.name} taken off ${rec.label}`,
      records: [{ type, id: rec.id, label: rec.label }],
      fields: [{ type, id: rec.id, field: FIELD.tag(tag.id), before: tagged ? 'untagged' : 'tagged', after: tagged ? 'tagged' : 'untagged' }],
    });
  }

  private mustGet(type: EntityType, id: string): TaggedRecord {
    const { store } = this.ctx;
    if (type === 'contact') {
      const row = store.contacts.byId(id);
      if (!row) throw new AppError('NOT_FOUND', `Contact: there is no contact with id ${id}.`, { field: 'id' });
      return { pk: row.pk, id: row.id, label: row.name ?? row.email ?? row.id };
    }
    const row = store.companies.byId(id);
    if (!row) throw new AppError('NOT_FOUND', `Company: there is no company with id ${id}.`, { field: 'id' });
    return { pk: row.pk, id: row.id, label: row.name };
  }

  private emit(type: EntityType, id: string): void {
    this.ctx.hub.emit('changed', { entity: type, ids: [id], op: 'tag' });
  }
}
