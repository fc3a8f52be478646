// Compiles a segment rule (shared/segments.ts) to a WHERE fragment over `contacts c` with named
// parameters. Every reader of "which contacts" (segment counts, the table, the funnel, exports,
// bulk actions) goes through here, so a rule means the same thing on every screen.
import { canBeStuck, FUNNEL_RANK, type FunnelStage, type SegmentCondition, type SegmentGroup } from '../../../shared/segments';
import { toFtsQuery } from './searchQuery';

export const MS_PER_DAY = 86_400_000;

/** A WHERE fragment and the values of its `@name` parameters. */
export interface CompiledWhere {
  sql: string;
  params: Record<string, string | number | null>;
}

export interface CompileOptions {
  /** The time "N days ago", "this week" and "this month" are measured from. */
  now: number;
  /** Prefix of the parameter names, so a compiled rule can sit next to other parameters. */
  prefix?: string;
  /** The admin id an owner rule's `me` stands for; null or absent: nobody (`me` matches no contact). */
  me?: string | null;
}

/**
 * A compiled rule with the archived contacts left out ('hide': every view but one; nothing to add
 * while none is archived) or kept alone ('only': the Archived view). By pk, which every index
 * holds, so a count over an index needs no table row for it.
 */
export function withArchived(w: CompiledWhere, mode: 'hide' | 'only', anyArchived: boolean): CompiledWhere {
  if (mode === 'only') return { sql: `(${w.sql}) AND c.archived_at IS NOT NULL`, params: w.params };
  if (!anyArchived) return w;
  return { sql: `(${w.sql}) AND c.pk NOT IN (SELECT pk FROM contacts WHERE archived_at IS NOT NULL)`, params: w.params };
}

/** Everything: the fragment of an empty AND group. */
export const MATCH_ALL: CompiledWhere = { sql: '1', params: {} };

/** Monday 00:00 local time of the week holding `now` (weeks start on Monday). */
export function startOfLocalWeek(now: number): number {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  // getDay: 0 Sunday .. 6 Saturday; Monday-based offset
  d.setDate(d.getDate() - ((d.getDay() + 6) % 7));
  return d.getTime();
}

/** The 1st of the month holding `now`, 00:00 local time. */
export function startOfLocalMonth(now: number): number {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  d.setDate(1);
  return d.getTime();
}

/**
 * A JSON path naming one top-level key, quoted so dots, spaces and brackets in an attribute name
 * are part of the name (SQLite accepts backslash escapes inside a quoted label).
 */
export function attributePath(name: string): string {
  return `$."${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const isGroup = (r: SegmentCondition | SegmentGroup): r is SegmentGroup => 'rules' in r && 'op' in r;

const rankList = (stages: readonly FunnelStage[]) => [...new Set(stages.map((s) => FUNNEL_RANK[s]))].sort().join(', ');

/** Builds one rule's SQL; parameters are numbered in the order conditions appear. */
class Compiler {
  readonly params: Record<string, string | number | null> = {};
  private n = 0;
  constructor(
    private readonly now: number,
    private readonly prefix: string,
    private readonly me: string | null = null,
  ) {}

  /** Binds a value and returns its placeholder. */
  private bind(value: string | number | boolean | null): string {
    const name = `${this.prefix}${this.n++}`;
    this.params[name] = typeof value === 'boolean' ? (value ? 1 : 0) : value;
    return `@${name}`;
  }

  private inList(column: string, values: readonly string[]): string {
    const distinct = [...new Set(values)];
    return `${column} IN (${distinct.map((v) => this.bind(v)).join(', ')})`;
  }

  private daysAgo(days: number): number {
    return this.now - days * MS_PER_DAY;
  }

  group(g: SegmentGroup): string {
    if (g.rules.length === 0) return g.op === 'and' ? '1' : '0';
    const parts = g.rules.map((r) => (isGroup(r) ? this.group(r) : this.condition(r)));
    if (parts.length === 1) return parts[0]!;
    return `(${parts.join(g.op === 'and' ? ' AND ' : ' OR ')})`;
  }

  condition(c: SegmentCondition): string {
    switch (c.field) {
      case 'stage':
        // ranks are small integers from a fixed table: written inline so the planner sees them
        return `c.funnel_rank IN (${rankList(c.in)})`;
      case 'reached':
        return c.reached ? `c.funnel_max >= ${FUNNEL_RANK[c.stage]}` : `c.funnel_max < ${FUNNEL_RANK[c.stage]}`;
      case 'stuck':
        // the final stage is where a contact should stay: nobody is stuck there
        if (!canBeStuck(c.stage)) return '0';
        return `(c.funnel_rank = ${FUNNEL_RANK[c.stage]} AND c.stage_entered_at < ${this.bind(this.daysAgo(c.days))})`;
      case 'contactStage':
        return this.inList('c.stage', c.in);
      case 'role':
        return this.inList('c.role', c.in);
      case 'syncState':
        return this.inList('c.sync_state', c.in);
      case 'company':
        return this.company(c);
      case 'owner': {
        const ids = [...new Set(c.in.flatMap((o) => (o === 'none' ? [] : o === 'me' ? (this.me ? [this.me] : []) : [o])))];
        const tests = [...(ids.length ? [this.inList('c.owner_id', ids)] : []), ...(c.in.includes('none') ? ['c.owner_id IS NULL'] : [])];
        return tests.length === 0 ? '0' : tests.length === 1 ? tests[0]! : `(${tests.join(' OR ')})`;
      }
      case 'companyStage': {
        const stages = c.in.filter((s) => s !== 'none');
        const tests = [...(stages.length ? [this.inList('co.stage', stages)] : []), ...(c.in.includes('none') ? ['co.stage IS NULL'] : [])];
        return `EXISTS (SELECT 1 FROM contact_companies l JOIN companies co ON co.pk = l.company_pk
          WHERE l.contact_pk = c.pk AND (${tests.join(' OR ')}))`;
      }
      case 'attribute':
        return this.attribute(c);
      case 'tag':
        return this.tag(c);
      case 'text': {
        const fts = toFtsQuery(c.value);
        // nothing searchable (only punctuation): no filter, as in the table's search box
        if (!fts) return '1';
        return `c.pk IN (SELECT rowid FROM contact_search WHERE contact_search MATCH ${this.bind(fts)})`;
      }
      case 'lastActivity':
        if (c.op === 'never') return 'c.last_activity_at IS NULL';
        // `<` and `>=` are false for NULL: "older than" means active once, quiet since
        return `c.last_activity_at ${c.op === 'olderThan' ? '<' : '>='} ${this.bind(this.daysAgo(c.days ?? 0))}`;
      case 'created':
        switch (c.op) {
          case 'olderThan':
            return `c.created_at < ${this.bind(this.daysAgo(c.days ?? 0))}`;
          case 'newerThan':
            return `c.created_at >= ${this.bind(this.daysAgo(c.days ?? 0))}`;
          case 'thisWeek':
            return `c.created_at >= ${this.bind(startOfLocalWeek(this.now))}`;
          case 'thisMonth':
            return `c.created_at >= ${this.bind(startOfLocalMonth(this.now))}`;
          case 'between':
            return `(c.created_at >= ${this.bind(Date.parse(c.from!))} AND c.created_at < ${this.bind(Date.parse(c.to!))})`;
        }
        break;
      case 'event': {
        // events of visitors not yet matched to a contact have no contact_pk: keep NULL out of
        // NOT IN, which would otherwise be unknown (false) for every contact
        const events = `SELECT e.contact_pk FROM events e WHERE e.name = ${this.bind(c.name)} AND e.at >= ${this.bind(this.daysAgo(c.days))} AND e.contact_pk IS NOT NULL`;
        return `c.pk ${c.op === 'did' ? 'IN' : 'NOT IN'} (${events})`;
      }
      case 'firstTouch': {
        const column = c.key === 'referrer' ? 'c.first_referrer' : 'c.first_landing_page';
        if (c.op === 'none') return `${column} IS NULL`;
        if (c.op === 'eq') return `${column} = ${this.bind(c.value ?? '')}`;
        return `instr(lower(${column}), lower(${this.bind(c.value ?? '')})) > 0`;
      }
    }
    throw new Error(`unknown segment condition ${JSON.stringify(c)}`);
  }

  private company(c: Extract<SegmentCondition, { field: 'company' }>): string {
    if (c.op === 'any') return 'EXISTS (SELECT 1 FROM contact_companies l WHERE l.contact_pk = c.pk)';
    if (c.op === 'none') return 'NOT EXISTS (SELECT 1 FROM contact_companies l WHERE l.contact_pk = c.pk)';
    const linked = `EXISTS (SELECT 1 FROM contact_companies l WHERE l.contact_pk = c.pk
      AND l.company_pk = (SELECT co.pk FROM companies co WHERE co.id = ${this.bind(c.companyId ?? '')}))`;
    return c.op === 'is' ? linked : `NOT ${linked}`;
  }

  /**
   * Tags: "has X" walks the tag's range of contact_tags' primary key (tag, contact) and looks each
   * contact up by pk, so its cost follows the tag's size, not the table's (fast at a million).
   */
  private tag(c: Extract<SegmentCondition, { field: 'tag' }>): string {
    if (c.op === 'any') return 'EXISTS (SELECT 1 FROM contact_tags ct WHERE ct.contact_pk = c.pk)';
    if (c.op === 'none') return 'NOT EXISTS (SELECT 1 FROM contact_tags ct WHERE ct.contact_pk = c.pk)';
    const tagged = `SELECT ct.contact_pk FROM contact_tags ct WHERE ct.tag_pk = (SELECT t.pk FROM tags t WHERE t.name = ${this.bind(c.name ?? '')} COLLATE NOCASE)`;
    return `c.pk ${c.op === 'has' ? 'IN' : 'NOT IN'} (${tagged})`;
  }

  /**
   * Attributes keep their JSON types: a number matches numbers, a string strings, a boolean
   * true / false (json_extract gives 1 / 0, so the JSON type tells a boolean from a number).
   * `neq` is the negation of `eq`: contacts without the attribute are "not equal" too.
   * `contains` is a case-insensitive (ASCII) substring test on text values.
   */
  private attribute(c: Extract<SegmentCondition, { field: 'attribute' }>): string {
    const path = this.bind(attributePath(c.name));
    const type = `json_type(c.custom_attributes, ${path})`;
    const value = `json_extract(c.custom_attributes, ${path})`;
    const v = c.value;
    const kind = typeof v === 'boolean' ? `${type} IN ('true', 'false')` : typeof v === 'number' ? `${type} IN ('integer', 'real')` : `${type} = 'text'`;
    switch (c.op) {
      case 'exists':
        return `coalesce(${type}, 'null') <> 'null'`;
      case 'notExists':
        return `coalesce(${type}, 'null') = 'null'`;
      case 'eq':
        return `(${kind} AND ${value} = ${this.bind(v ?? null)})`;
      case 'neq':
        return `NOT coalesce(${kind} AND ${value} = ${this.bind(v ?? null)}, 0)`;
      case 'gt':
        return `(${kind} AND ${value} > ${this.bind(v ?? null)})`;
      case 'lt':
        return `(${kind} AND ${value} < ${this.bind(v ?? null)})`;
      case 'contains':
        return `(${type} = 'text' AND instr(lower(${value}), lower(${this.bind(String(v ?? ''))})) > 0)`;
    }
  }
}

/** The rule as a WHERE fragment over `contacts c`. */
export function compileRule(rule: SegmentGroup, options: CompileOptions): CompiledWhere {
  const compiler = new Compiler(options.now, options.prefix ?? 'r', options.me ?? null);
  const sql = compiler.group(rule);
  return { sql, params: compiler.params };
}
