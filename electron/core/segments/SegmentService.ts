// Saved segments (built-ins included) with live counts, the table read through a segment or an
// ad hoc rule, and the resolution of "which contacts" for bulk actions and exports.
import type { MethodOutput, ParsedInput } from '../../../shared/api';
import { AppError } from '../../../shared/errors';
import { BUILTIN_SEGMENTS, builtinSegmentRules, type BuiltinSegment, type Segment, type SegmentCondition, type SegmentRule } from '../../../shared/segments';
import type { ContactSort, SegmentRow } from '../db/SegmentRepository';
import { compileRule, withArchived, type CompiledWhere } from '../db/segmentSql';
import { iso, toContact } from '../db/rows';
import type { ServiceContext } from '../ServiceContext';

/** Which contacts a bulk action or an export is about (the contract's ContactTarget). */
export type ContactTarget = { kind: 'ids'; ids: string[] } | { kind: 'segment'; segmentId: string } | { kind: 'rule'; rule: SegmentRule };

/** The table's filters beside a segment: each becomes one more condition ANDed to the rule. */
type ListFilter = ParsedInput<'contacts.list'>['filter'];

const BUILTIN_ID_PREFIX = 'builtin:';
export const builtinSegmentId = (key: BuiltinSegment) => `${BUILTIN_ID_PREFIX}${key}`;

const isBuiltin = (value: string | null): value is BuiltinSegment => (BUILTIN_SEGMENTS as readonly string[]).includes(value ?? '');

export class SegmentService {
  constructor(readonly ctx: ServiceContext) {}

  /** Built-in segments are stored on first use; one a user edited is never overwritten. */
  private ensureBuiltins(): void {
    const { store } = this.ctx;
    const rules = builtinSegmentRules();
    const missing = BUILTIN_SEGMENTS.filter((key) => !store.segments.byId(builtinSegmentId(key)));
    if (missing.length === 0) return;
    const at = this.ctx.now();
    store.transaction(() => {
      // created one millisecond apart so they keep the order of BUILTIN_SEGMENTS
      missing.forEach((key, i) => {
        const { name, rule } = rules[key];
        store.segments.insertIfMissing({ id: builtinSegmentId(key), name, rule: JSON.stringify(rule), builtin: key, created_at: at + i, updated_at: at + i });
      });
    });
  }

  /** The compiled rule, measured from now; archived contacts left out unless `archived` is 'only' (the Archived view). */
  whereOf(rule: SegmentRule, archived: 'hide' | 'only' = 'hide'): CompiledWhere {
    return withArchived(compileRule(rule, { now: this.ctx.now(), me: this.ctx.me }), archived, this.ctx.store.contacts.anyArchived());
  }

  /** A saved segment's rule (built-ins are there even before the first list). */
  private ruleOf(segmentId: string, field: string): SegmentRule {
    let row = this.ctx.store.segments.byId(segmentId);
    if (!row && segmentId.startsWith(BUILTIN_ID_PREFIX)) {
      this.ensureBuiltins();
      row = this.ctx.store.segments.byId(segmentId);
    }
    if (!row) throw new AppError('NOT_FOUND', `There is no segment with id ${segmentId}.`, { field });
    return JSON.parse(row.rule) as SegmentRule;
  }

  private toSegment(row: SegmentRow, count: number | null): Segment {
    return {
      id: row.id,
      name: row.name,
      rule: JSON.parse(row.rule) as SegmentRule,
      builtin: isBuiltin(row.builtin) ? row.builtin : null,
      count,
      createdAt: iso(row.created_at),
      updatedAt: iso(row.updated_at),
    };
  }

  private countOf(rule: SegmentRule): number | null {
    try {
      return this.ctx.store.segments.count(this.whereOf(rule));
    } catch {
      return null;
    }
  }

  list(_input: ParsedInput<'segments.list'>): MethodOutput<'segments.list'> {
    this.ensureBuiltins();
    const items = this.ctx.store.segments.all().map((row) => this.toSegment(row, this.countOf(JSON.parse(row.rule) as SegmentRule)));
    return { items };
  }

  count({ rule }: ParsedInput<'segments.count'>): MethodOutput<'segments.count'> {
    return { count: this.ctx.store.segments.count(this.whereOf(rule)) };
  }

  save({ id, name, rule }: ParsedInput<'segments.save'>): MethodOutput<'segments.save'> {
    const { store } = this.ctx;
    if (id?.startsWith(BUILTIN_ID_PREFIX)) this.ensureBuiltins();
    const at = this.ctx.now();
    const row = store.transaction(() => {
      if (!id) {
        const created: SegmentRow = { id: this.ctx.newId(), name, rule: JSON.stringify(rule), builtin: null, created_at: at, updated_at: at };
        store.segments.insert(created);
        return created;
      }
      const existing = store.segments.byId(id);
      if (!existing) throw new AppError('NOT_FOUND', `There is no segment with id ${id}.`, { field: 'id' });
      // a built-in keeps its name (the sidebar and the docs refer to it); its rule may change
      const keptName = existing.builtin ? existing.name : name;
      store.segments.update(id, { name: keptName, rule: JSON.stringify(rule), updatedAt: at });
      return store.segments.byId(id)!;
    });
    this.ctx.hub.emit('changed', { entity: 'segment', ids: [row.id], op: 'segment.save' });
    return this.toSegment(row, this.countOf(rule));
  }

  remove({ id }: ParsedInput<'segments.delete'>): MethodOutput<'segments.delete'> {
    const { store } = this.ctx;
    const deleted = store.transaction(() => {
      const row = store.segments.byId(id);
      if (row?.builtin || (id.startsWith(BUILTIN_ID_PREFIX) && isBuiltin(id.slice(BUILTIN_ID_PREFIX.length)))) {
        throw new AppError('VALIDATION', 'Built-in segments cannot be deleted.', { field: 'id' });
      }
      return row ? store.segments.delete(id) : false;
    });
    if (deleted) this.ctx.hub.emit('changed', { entity: 'segment', ids: [id], op: 'segment.delete' });
    return { id, deleted };
  }

  // ---- the table through a segment ------------------------------------------------------------

  /**
   * The rule behind a table view: the segment's rule, the ad hoc rule and the table's own
   * filters and search, all ANDed. Empty filter lists (or lists of every value) filter nothing,
   * as in the table's list.
   */
  viewRule(filter: ListFilter, search: string | undefined): SegmentRule {
    const rules: SegmentRule['rules'] = [];
    if (filter.segmentId) rules.push(this.ruleOf(filter.segmentId, 'filter.segmentId'));
    if (filter.rule) rules.push(filter.rule);
    const conditions: SegmentCondition[] = [];
    if (filter.stage?.length) conditions.push({ field: 'contactStage', in: filter.stage });
    if (filter.role?.length) conditions.push({ field: 'role', in: filter.role });
    if (filter.syncState?.length) conditions.push({ field: 'syncState', in: filter.syncState });
    if (filter.companyId) conditions.push({ field: 'company', op: 'is', companyId: filter.companyId });
    if (filter.owner?.length) conditions.push({ field: 'owner', in: filter.owner });
    if (filter.tag) conditions.push({ field: 'tag', op: 'has', name: filter.tag });
    if (search?.trim()) conditions.push({ field: 'text', value: search.trim() });
    return { op: 'and', rules: [...rules, ...conditions] };
  }

  /** `contacts.list` with a segment or a rule: an exact total and an offset page (no cursor). */
  listContacts(q: ParsedInput<'contacts.list'>): MethodOutput<'contacts.list'> {
    const { store } = this.ctx;
    const where = this.whereOf(this.viewRule(q.filter, q.search), q.filter.archived ? 'only' : 'hide');
    const total = store.segments.count(where);
    const offset = q.offset ?? 0;
    const rows = total > offset ? store.segments.page(where, q.sort as ContactSort, q.limit, offset, total) : [];
    const companies = store.links.companiesOfMany(rows.map((r) => r.pk));
    const tags = store.tags.namesOfMany('contact', rows.map((r) => r.pk));
    return {
      items: rows.map((r) => Object.assign(toContact(r), { companies: companies.get(r.pk) ?? [], tags: tags.get(r.pk) ?? [] })),
      total,
      nextCursor: null,
    };
  }

  // ---- targets of bulk actions and exports ----------------------------------------------------

  /** The WHERE of a segment or rule target (ids have none: use `resolveIds`). */
  whereFor(target: Exclude<ContactTarget, { kind: 'ids' }>): CompiledWhere {
    const rule = target.kind === 'segment' ? this.ruleOf(target.segmentId, 'target.segmentId') : target.rule;
    return this.whereOf(rule);
  }

  /**
   * The contact ids of a target, at most `limit`: given ids that exist, in the given order
   * (duplicates dropped); a segment's or rule's members in pk (capture) order.
   */
  resolveIds(target: ContactTarget, limit = 100_000): string[] {
    const { store } = this.ctx;
    if (target.kind === 'ids') return store.segments.existingIds(target.ids).slice(0, limit);
    return store.segments.ids(this.whereFor(target), limit);
  }
}
