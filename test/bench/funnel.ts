// The issue's funnel benchmark: with 1M contacts and 10M events, time the funnel (stages,
// cohorts, breakdown by referrer) and each built-in segment's count and first page through the
// real core (`core.call`), median and p95 against the 200 ms target.
//
// The store is seeded through SeedLoader with its funnel columns set: each contact has a story
// (captured as a lead, maybe signed up, maybe linked to a company that is later qualified (SQL)
// and won (customer)), and its funnel columns are computed by migration 0005's own triggers,
// replaying the stories batch by batch on a scratch store (FunnelReplay), so the funnel position
// is derived in one place. The load itself then runs with those triggers off.
// Events (about 10 per contact, a few dozen names, the last 90 days) go in through EventLoader;
// last activity and first touch are derived from the same story, so they agree with the events.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCore, DB_FILE_NAME, type Core } from '../../electron/core/app';
import { SeedLoader, type SeedCompany, type SeedContact, type SeedFunnel, type LoadTimings } from './SeedLoader';
import { EventLoader, type SeedEvent } from './EventLoader';
import { Store } from '../../electron/core/db/Store';
import type { MethodName } from '../../shared/api';
import { BUILTIN_SEGMENTS, builtinSegmentRules } from '../../shared/segments';
import { trackDir, untrackDir } from './cleanup';
import { fmtInt, phaseText } from './report';
import { prng } from './seedData';
import { median, ms, now, percentile } from './stats';

export const FUNNEL_TARGET_MS = 200;
export const DEFAULT_FUNNEL_CONTACTS = 1_000_000;
const EVENTS_PER_CONTACT = 10;
const CONTACTS_PER_COMPANY = 20;
const BATCH = 10_000;

/**
 * The store's "now", and the core's clock while timing: a Wednesday noon, so "this week" is
 * two and a half days old, and every run sees the same segments.
 */
export const FUNNEL_NOW = Date.UTC(2025, 5, 4, 12);
const DAY = 24 * 3600 * 1000;

// ---- the data ---------------------------------------------------------------------------------

const FIRST = 'Ada Ben Cleo Dan Eli Fay Gus Hana Ivo Jun Kai Lea Max Nia Oto Pia Raj Sol Tom Uma Vic Wen Xia Yan Zoe'.split(' ');
const LAST = 'Smith Garcia Müller Rossi Dubois Silva Nowak Tanaka Kim Chen Singh Okafor Haddad Jensen Murphy Novak Ivanova'.split(' ');
const CO_A = 'Acme Blue Cedar Delta Ember Falcon Granite Harbor Iron Juniper Lumen Maple Nimbus Orbit Prism Quartz'.split(' ');
const CO_B = 'Analytics Bank Cloud Data Energy Foods Health Labs Media Pay Robotics Software Systems Travel'.split(' ');
/** First touch: a few dozen referrers and landing pages, some far more common than others. */
const REFERRERS = [
  'google.com', 'direct', 'linkedin.com', 'bing.com', 'twitter.com', 'facebook.com', 'news.ycombinator.com', 'reddit.com',
  'producthunt.com', 'g2.com', 'capterra.com', 'youtube.com', 'duckduckgo.com', 'medium.com', 'github.com', 'stackoverflow.com',
  'newsletter', 'partner-a.example', 'partner-b.example', 'webinar', 'podcast', 'quora.com', 'instagram.com', 'yahoo.com',
  'ecosia.org', 'baidu.com', 'yandex.ru', 'techcrunch.com', 'indiehackers.com', 'slack-community',
];
const LANDING_PAGES = [
  '/', '/pricing', '/features', '/blog/funnel-metrics', '/blog/intercom-sync', '/signup', '/demo', '/integrations/intercom',
  '/customers', '/docs/getting-started', '/compare/spreadsheets', '/webinars/q2', '/security', '/about', '/careers',
  '/blog/lead-scoring', '/templates', '/changelog', '/partners', '/contact', '/use-cases/sales', '/use-cases/support',
  '/ebook/pipeline', '/free-trial',
];
const EVENT_NAMES = [
  'page_view', 'signed_in', 'viewed_pricing', 'viewed_docs', 'started_trial', 'created_project', 'invited_teammate',
  'connected_integration', 'exported_report', 'uploaded_file', 'commented', 'shared_link', 'upgraded_plan', 'opened_email',
  'clicked_email', 'attended_webinar', 'downloaded_ebook', 'requested_demo', 'contacted_support', 'created_api_key',
  'ran_report', 'created_dashboard', 'added_payment_method', 'viewed_changelog', 'searched', 'filtered_list',
  'completed_onboarding', 'visited_blog', 'enabled_2fa', 'archived_project',
];

/** Index into a list, the first entries far more likely (a long tail). */
const skewed = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() ** 2.2 * xs.length)]!;
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
/** An exponentially distributed duration with this mean. */
const expo = (r: () => number, mean: number) => -Math.log(1 - r()) * mean;
const seconds = (t: number) => Math.floor(t / 1000) * 1000;

function uuid(r: () => number): string {
  const hex = (n: number) => Math.floor(r() * 16 ** n).toString(16).padStart(n, '0');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${(8 + Math.floor(r() * 4)).toString(16)}${hex(3)}-${hex(12)}`;
}

/** A company's stage story: created without a stage, qualified (SQL) at `sqlAt`, won at `customerAt`. */
interface CompanyStory {
  row: SeedCompany;
  createdAt: number;
  sqlAt: number | null;
  customerAt: number | null;
}

/** A contact's story: the times the funnel triggers react to. */
export interface ContactStory {
  createdAt: number;
  /** Moved to signed up (and became a user). */
  signedUpAt: number | null;
  /** Links: company index and the time of the link. */
  links: { company: number; at: number }[];
}

export function makeCompanies(n: number, seed: number): CompanyStory[] {
  const r = prng(seed);
  const out: CompanyStory[] = [];
  for (let i = 0; i < n; i++) {
    const createdAt = Math.round(FUNNEL_NOW - 380 * DAY * r());
    // sales qualify about half the companies a few weeks after they appear, and win 45% of those
    let sqlAt: number | null = r() < 0.55 ? Math.round(createdAt + expo(r, 20 * DAY)) : null;
    if (sqlAt !== null && sqlAt >= FUNNEL_NOW) sqlAt = null;
    let customerAt: number | null = sqlAt !== null && r() < 0.45 ? Math.round(sqlAt + expo(r, 35 * DAY)) : null;
    if (customerAt !== null && customerAt >= FUNNEL_NOW) customerAt = null;
    const synced = r() < 0.6;
    out.push({
      createdAt,
      sqlAt,
      customerAt,
      row: {
        id: uuid(r),
        external_id: `fco_${i.toString(36)}`,
        intercom_id: synced ? `ic_fco_${i.toString(16)}` : null,
        name: `${CO_A[i % CO_A.length]} ${CO_B[Math.floor(i / CO_A.length) % CO_B.length]} ${Math.floor(i / (CO_A.length * CO_B.length)) + 1}`,
        plan: pick(r, ['free', 'starter', 'pro', 'business']),
        monthly_spend: customerAt !== null ? Math.round(r() * 500000) / 100 : null,
        stage: customerAt !== null ? 'customer' : sqlAt !== null ? 'sql' : null,
        custom_attributes: '{}',
        created_at: createdAt,
        updated_at: Math.max(createdAt, sqlAt ?? 0, customerAt ?? 0),
        sync_state: synced ? 'synced' : 'local',
      },
    });
  }
  return out;
}

interface Generated {
  contacts: SeedContact[];
  stories: ContactStory[];
  /** Events per contact of the batch, in time order (contact_pk filled in after the insert). */
  events: Omit<SeedEvent, 'contact_pk'>[][];
}

/** Contacts in batches, with their stories and events. */
export function* contactBatches(total: number, companies: readonly CompanyStory[], seed: number): Generator<Generated> {
  const r = prng(seed);
  const windowStart = FUNNEL_NOW - 90 * DAY;
  let batch: Generated = { contacts: [], stories: [], events: [] };
  for (let i = 0; i < total; i++) {
    // captured over the last year, more of them recently (the business grows)
    const createdAt = seconds(FUNNEL_NOW - 365 * DAY * r() ** 1.25);
    let signedUpAt: number | null = r() < 0.38 ? seconds(createdAt + expo(r, 12 * DAY)) : null;
    if (signedUpAt !== null && signedUpAt >= FUNNEL_NOW) signedUpAt = null;
    const isUser = signedUpAt !== null;
    const links: ContactStory['links'] = [];
    if (isUser ? r() < 0.85 : r() < 0.05) {
      const linkTo = (company: number) => {
        // the sign-up links a user; a lead is linked when captured; never before the company exists
        const at = Math.max(signedUpAt ?? createdAt, companies[company]!.createdAt);
        if (at < FUNNEL_NOW && !links.some((l) => l.company === company)) links.push({ company, at });
      };
      linkTo(Math.floor(r() * companies.length));
      if (r() < 0.02) linkTo(Math.floor(r() * companies.length));
    }
    const story: ContactStory = { createdAt, signedUpAt, links };

    // first touch: the visit that brought them (most contacts have one recorded)
    const touched = r() < 0.85;
    const firstSeenAt = touched ? seconds(createdAt - r() * 3600 * 1000) : null;
    const referrer = touched ? skewed(r, REFERRERS) : null;
    const landing = touched ? skewed(r, LANDING_PAGES) : null;

    // activity: active lately, slipping away (nothing for 30+ days), or quiet for the whole window
    const start = Math.max(createdAt, windowStart);
    const kind = r();
    let end = kind < 0.5 ? FUNNEL_NOW - r() * 30 * DAY : kind < 0.8 ? FUNNEL_NOW - (30 + r() * 60) * DAY : null;
    if (end !== null && end <= start) end = FUNNEL_NOW - r() * (FUNNEL_NOW - start);
    if (end === null && createdAt >= windowStart) end = FUNNEL_NOW - r() * (FUNNEL_NOW - start);
    const events: Omit<SeedEvent, 'contact_pk'>[] = [];
    const synced = r() < 0.6;
    const syncState = synced ? 'synced' : 'waiting';
    if (end !== null) {
      const seen = new Set<string>();
      const add = (name: string, at: number, metadata: string | null) => {
        const key = `${name}@${at}`;
        if (seen.has(key)) return;
        seen.add(key);
        events.push({ visitor_id: null, name, at, metadata, source: 'website', sync_state: syncState });
      };
      // the first visit, with its first touch, when it falls inside the kept 90 days
      if (touched && firstSeenAt! >= windowStart) {
        add('page_view', firstSeenAt!, JSON.stringify({ referrer, landing_page: landing }));
      }
      const k = 1 + Math.floor(r() * 22);
      for (let j = 0; j < k; j++) add(skewed(r, EVENT_NAMES), seconds(start + r() * (end - start)), null);
      events.sort((a, b) => a.at - b.at);
    }
    const lastActivityAt = events.length
      ? events[events.length - 1]!.at
      : createdAt < windowStart && r() < 0.7
        ? Math.round(createdAt + r() * (windowStart - createdAt))
        : null;

    const first = pick(r, FIRST);
    const last = pick(r, LAST);
    const hasEmail = r() < 0.95;
    const updatedAt = Math.max(createdAt, signedUpAt ?? 0, ...links.map((l) => l.at));
    const contact: SeedContact = {
      id: uuid(r),
      role: isUser ? 'user' : 'lead',
      email: hasEmail ? `${first}.${last}.${i.toString(36)}@example.com`.toLowerCase() : null,
      name: `${first} ${last}`,
      phone: null,
      visitor_id: !isUser && r() < 0.6 ? `fv_${i.toString(36)}` : null,
      external_id: isUser ? `fu_${i.toString(36)}` : null,
      intercom_id: synced ? `ic_f_${i.toString(16)}` : null,
      stage: isUser ? 'signed_up' : 'lead',
      custom_attributes: r() < 0.3 ? JSON.stringify({ plan_interest: pick(r, ['starter', 'pro', 'business']) }) : '{}',
      created_at: createdAt,
      updated_at: updatedAt,
      last_activity_at: lastActivityAt,
      sync_state: synced ? 'synced' : 'local',
      company_pks: [], // filled with the seeded pks by the caller
      link_times: links.map((l) => l.at),
      first_seen_at: firstSeenAt,
      first_referrer: referrer,
      first_landing_page: landing,
    };
    batch.contacts.push(contact);
    batch.stories.push(story);
    batch.events.push(events);
    if (batch.contacts.length === BATCH) {
      yield batch;
      batch = { contacts: [], stories: [], events: [] };
    }
  }
  if (batch.contacts.length) yield batch;
}

// ---- the funnel columns, from the triggers ---------------------------------------------------------

/** The funnel columns the triggers keep (first touch comes from the story itself). */
type FunnelColumns = Pick<SeedFunnel, 'funnel_rank' | 'funnel_max' | 'stage_entered_at' | 'signed_up_at' | 'sql_at' | 'customer_at'>;

/**
 * Computes contacts' funnel columns with migration 0005's triggers rather than a copy of their
 * rules: each batch of stories is replayed on a scratch store (contacts inserted as leads, then
 * moved, linked, and their companies moved, all in time order; at equal times the contact's own
 * move first, then links, then company moves), the columns read back, and the replay rolled
 * back so the next batch starts from an empty store.
 */
export class FunnelReplay {
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-console-funnel-replay-'));
  private readonly store = Store.open(path.join(this.dir, 'replay.sqlite'));
  private readonly db = this.store.db;
  private readonly insertCompany = this.db.prepare(`INSERT INTO companies (id, name, created_at, updated_at) VALUES (@id, @name, @at, @at)`);
  private readonly moveCompany = this.db.prepare(`UPDATE companies SET stage = @stage, updated_at = @at WHERE pk = @pk`);
  private readonly insertContact = this.db.prepare(`INSERT INTO contacts (id, role, name, stage, created_at, updated_at) VALUES (@id, 'lead', 'x', 'lead', @at, @at)`);
  private readonly signUp = this.db.prepare(`UPDATE contacts SET role = 'user', stage = 'signed_up', updated_at = @at WHERE pk = @pk`);
  private readonly link = this.db.prepare(`INSERT INTO contact_companies (contact_pk, company_pk, created_at) VALUES (@pk, @company, @at)`);
  private readonly read = this.db.prepare(`SELECT funnel_rank, funnel_max, stage_entered_at, signed_up_at, sql_at, customer_at FROM contacts WHERE pk = @pk`);
  /** Time spent replaying, in milliseconds. */
  ms = 0;

  constructor() {
    // only the funnel triggers matter here: the count triggers and the contacts' list indexes
    // would be kept in step for rows that are rolled back anyway
    const extra = this.db
      .prepare(
        `SELECT type, name FROM sqlite_master WHERE (type = 'trigger' AND name NOT LIKE 'funnel\\_%' ESCAPE '\\')
         OR (type = 'index' AND tbl_name = 'contacts' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE %')`,
      )
      .all() as { type: 'trigger' | 'index'; name: string }[];
    for (const x of extra) this.db.exec(`DROP ${x.type.toUpperCase()} "${x.name.replace(/"/g, '""')}"`);
  }

  /** The funnel columns of each story, in order; `ids` are the contacts' ids. */
  columns(stories: readonly ContactStory[], ids: readonly string[], companies: readonly CompanyStory[]): FunnelColumns[] {
    const started = now();
    const used = [...new Set(stories.flatMap((s) => s.links.map((l) => l.company)))];
    const companyPk = new Map<number, number>();
    const contactPk: number[] = [];
    type Op = { at: number; order: number; run: () => void };
    const ops: Op[] = [];
    for (const c of used) {
      const co = companies[c]!;
      if (co.sqlAt !== null) ops.push({ at: co.sqlAt, order: 2, run: () => this.moveCompany.run({ stage: 'sql', at: co.sqlAt, pk: companyPk.get(c) }) });
      if (co.customerAt !== null) ops.push({ at: co.customerAt, order: 2, run: () => this.moveCompany.run({ stage: 'customer', at: co.customerAt, pk: companyPk.get(c) }) });
    }
    stories.forEach((s, i) => {
      ops.push({ at: s.createdAt, order: -1, run: () => (contactPk[i] = Number(this.insertContact.run({ id: ids[i], at: s.createdAt }).lastInsertRowid)) });
      if (s.signedUpAt !== null) ops.push({ at: s.signedUpAt, order: 0, run: () => this.signUp.run({ pk: contactPk[i], at: s.signedUpAt }) });
      for (const l of s.links) ops.push({ at: l.at, order: 1, run: () => this.link.run({ pk: contactPk[i], company: companyPk.get(l.company), at: l.at }) });
    });
    ops.sort((a, b) => a.at - b.at || a.order - b.order);
    this.db.exec('BEGIN');
    try {
      for (const c of used) {
        const co = companies[c]!;
        companyPk.set(c, Number(this.insertCompany.run({ id: co.row.id, name: co.row.name, at: co.createdAt }).lastInsertRowid));
      }
      for (const op of ops) op.run();
      return stories.map((_, i) => this.read.get({ pk: contactPk[i] }) as FunnelColumns);
    } finally {
      this.db.exec('ROLLBACK');
      this.ms += now() - started;
    }
  }

  close(): void {
    this.store.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---- seeding ------------------------------------------------------------------------------------

export interface FunnelSeeded {
  contacts: number;
  companies: number;
  links: number;
  events: number;
  seedSeconds: number;
  phases?: LoadTimings;
  fileMiB: number;
  /** Of seedSeconds, the time spent replaying the stories through the funnel triggers. */
  replaySeconds?: number;
  /** Reused from an earlier run (--funnel-db). */
  reused: boolean;
}

export function seedFunnelStore(file: string, contacts: number): FunnelSeeded {
  const companies = makeCompanies(Math.max(1, Math.round(contacts / CONTACTS_PER_COMPANY)), 11);
  const replay = new FunnelReplay();
  const store = Store.open(file);
  try {
    const seeder = new SeedLoader(store.db);
    const events = new EventLoader(store.db);
    const started = now();
    let lastReport = started;
    const phases = seeder.load(
      (s) => {
        const pks = s.addCompanies(companies.map((c) => c.row));
        for (const batch of contactBatches(contacts, companies, 12)) {
          const funnel = replay.columns(batch.stories, batch.contacts.map((c) => c.id), companies);
          batch.contacts.forEach((c, i) => {
            Object.assign(c, funnel[i]);
            c.company_pks = batch.stories[i]!.links.map((l) => pks[l.company]!);
          });
          const contactPks = s.addContacts(batch.contacts);
          const rows: SeedEvent[] = [];
          batch.events.forEach((list, i) => {
            for (const e of list) {
              (e as SeedEvent).contact_pk = contactPks[i]!;
              rows.push(e as SeedEvent);
            }
          });
          events.add(rows);
          if (now() - lastReport > 10_000) {
            lastReport = now();
            process.stdout.write(`  ... ${fmtInt(s.counts.contacts)} contacts, ${fmtInt(events.count)} events after ${((lastReport - started) / 1000).toFixed(0)} s\n`);
          }
        }
      },
      { funnelColumns: true },
    );
    const seedSeconds = (now() - started) / 1000;
    if (store.contacts.count() !== contacts) throw new Error('seeding lost contacts');
    return {
      contacts,
      companies: seeder.counts.companies,
      links: seeder.counts.links,
      events: events.count,
      seedSeconds,
      phases,
      fileMiB: 0,
      replaySeconds: replay.ms / 1000,
      reused: false,
    };
  } finally {
    store.close();
    replay.close();
  }
}

/**
 * Brings a reused store's indexes and triggers in line with the current migrations (a migration
 * that has not shipped may still change them, under the same schema version): drops the ones
 * that went, builds the new ones. Returns false when the tables differ: the store must be seeded
 * again.
 */
function syncCachedSchema(file: string): boolean {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-console-funnel-schema-'));
  type Entry = { type: string; name: string; tbl_name: string; sql: string | null };
  const schemaOf = (db: Store['db']) =>
    new Map(
      (db.prepare(`SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'`).all() as Entry[]).map((e) => [
        `${e.type} ${e.name}`,
        e,
      ]),
    );
  let fresh: Map<string, Entry>;
  const scratch = Store.open(path.join(dir, 'schema.sqlite'));
  try {
    fresh = schemaOf(scratch.db);
  } finally {
    scratch.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const store = Store.open(file);
  try {
    const cached = schemaOf(store.db);
    const tableSql = (m: Map<string, Entry>) =>
      [...m.values()]
        .filter((e) => e.type === 'table')
        .map((e) => e.sql)
        .sort()
        .join('\n');
    if (tableSql(fresh) !== tableSql(cached)) return false;
    const changed = (key: string) => fresh.get(key)?.sql !== cached.get(key)?.sql;
    const drop = [...cached.values()].filter((e) => (e.type === 'index' || e.type === 'trigger') && e.sql && changed(`${e.type} ${e.name}`));
    const create = [...fresh.values()].filter((e) => (e.type === 'index' || e.type === 'trigger') && e.sql && changed(`${e.type} ${e.name}`));
    if (drop.length === 0 && create.length === 0) return true;
    console.log(`\nFunnel: ${file} predates the current migration: dropping ${drop.map((e) => e.name).join(', ') || 'nothing'}; building ${create.map((e) => e.name).join(', ') || 'nothing'}`);
    const started = now();
    store.db.transaction(() => {
      for (const e of drop) store.db.exec(`DROP ${e.type.toUpperCase()} "${e.name.replace(/"/g, '""')}"`);
      for (const e of create) store.db.exec(e.sql!);
    })();
    store.db.pragma('analysis_limit = 2000');
    store.db.exec('ANALYZE');
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    console.log(`  done in ${((now() - started) / 1000).toFixed(1)} s`);
    return true;
  } finally {
    store.close();
  }
}

// ---- timing -------------------------------------------------------------------------------------

export interface FunnelQueryResult {
  label: string;
  /** What the call answered, in a few words (a count, a number of rows). */
  answer: string;
  median: number;
  p95: number;
  /**
   * CPU time of this process during the call (median): the work itself, which a busy machine
   * does not stretch the way it stretches wall time.
   */
  cpuMedian: number;
}

export interface FunnelResult {
  seeded: FunnelSeeded;
  /** CPU cores, and the 1-minute load average just before timing (other work on the machine). */
  cores: number;
  loadAverage: number;
  reps: number;
  warmup: number;
  queries: FunnelQueryResult[];
}

interface FunnelQuery {
  label: string;
  method: MethodName;
  input: unknown;
  answer: (value: unknown) => string;
}

function funnelQueries(): FunnelQuery[] {
  const rules = builtinSegmentRules();
  const out: FunnelQuery[] = [
    {
      label: 'funnel.get (default)',
      method: 'funnel.get',
      input: {},
      answer: (v) => {
        const f = v as { total: number; stages: { stage: string; count: number }[] };
        return `${fmtInt(f.total)} contacts: ${f.stages.map((s) => `${s.stage} ${fmtInt(s.count)}`).join(', ')}`;
      },
    },
    {
      label: 'funnel.cohorts (week)',
      method: 'funnel.cohorts',
      input: { by: 'week' },
      answer: (v) => `${(v as { cohorts: unknown[] }).cohorts.length} cohorts`,
    },
    {
      label: 'funnel.breakdown (referrer)',
      method: 'funnel.breakdown',
      input: { by: 'referrer' },
      answer: (v) => `${(v as { groups: unknown[] }).groups.length} groups`,
    },
    {
      label: 'segments.list (all, with counts)',
      method: 'segments.list',
      input: {},
      answer: (v) => (v as { items: { name: string; count: number | null }[] }).items.map((s) => `${s.name} ${s.count === null ? '?' : fmtInt(s.count)}`).join(', '),
    },
  ];
  for (const key of BUILTIN_SEGMENTS) {
    const { name, rule } = rules[key];
    out.push({
      label: `count: ${name}`,
      method: 'segments.count',
      input: { rule },
      answer: (v) => fmtInt((v as { count: number }).count),
    });
    out.push({
      label: `first page: ${name}`,
      method: 'contacts.list',
      input: { filter: { segmentId: `builtin:${key}` }, limit: 50 },
      answer: (v) => {
        const p = v as { items: unknown[]; total: number };
        return `${p.items.length} rows of ${fmtInt(p.total)}`;
      },
    });
  }
  return out;
}

async function call(core: Core, method: MethodName, input: unknown): Promise<unknown> {
  const res = await core.call(method, input);
  if (!res.ok) throw new Error(`${method} failed: ${res.error.code} ${res.error.message}`);
  return res.value;
}

export interface FunnelOptions {
  contacts: number;
  reps: number;
  warmup: number;
  keep: boolean;
  /** Seed into (or reuse) this file instead of a temporary one; it is kept. */
  db?: string;
}

export async function runFunnelBench(opts: FunnelOptions): Promise<FunnelResult> {
  const reps = Math.max(20, opts.reps);
  const temp = !opts.db;
  const dir = opts.db ? path.dirname(path.resolve(opts.db)) : fs.mkdtempSync(path.join(os.tmpdir(), 'lead-console-funnel-bench-'));
  if (temp && !opts.keep) trackDir(dir);
  const file = opts.db ? path.resolve(opts.db) : path.join(dir, DB_FILE_NAME);
  try {
    let seeded: FunnelSeeded;
    // a reused store's seeding figures, kept beside it
    const sidecar = `${file}.seeded.json`;
    if (opts.db && fs.existsSync(file) && (!fs.existsSync(sidecar) || !syncCachedSchema(file))) {
      console.log(`\nFunnel: ${file} was not seeded by this bench or its tables differ from the current migrations; seeding it again`);
      for (const f of [file, `${file}-wal`, `${file}-shm`, sidecar]) fs.rmSync(f, { force: true });
    }
    const cached = opts.db && fs.existsSync(file) ? (JSON.parse(fs.readFileSync(sidecar, 'utf8')) as FunnelSeeded) : null;
    if (cached && cached.contacts === opts.contacts) {
      console.log(`\nFunnel: reusing the store ${file} (seeded in ${cached.seedSeconds.toFixed(1)} s by an earlier run)`);
      seeded = { ...cached, reused: true };
    } else {
      if (cached) {
        console.log(`\nFunnel: ${file} holds ${fmtInt(cached.contacts)} contacts, not ${fmtInt(opts.contacts)}; seeding it again`);
        for (const f of [file, `${file}-wal`, `${file}-shm`, sidecar]) fs.rmSync(f, { force: true });
      }
      console.log(`\nFunnel: seeding ${fmtInt(opts.contacts)} contacts and about ${fmtInt(opts.contacts * EVENTS_PER_CONTACT)} events into ${file} ...`);
      seeded = seedFunnelStore(file, opts.contacts);
      if (opts.db) fs.writeFileSync(sidecar, JSON.stringify(seeded));
      console.log(
        `  seeded in ${seeded.seedSeconds.toFixed(1)} s: ${fmtInt(seeded.contacts)} contacts, ${fmtInt(seeded.events)} events, ` +
          `${fmtInt(seeded.links)} links (${phaseText(seeded.phases)}${replayText(seeded)})`,
      );
    }
    seeded.fileMiB = fs.statSync(file).size / 2 ** 20;

    // the core's clock stands at the seed's "now" (and moves with real time from there)
    const loadAverage = os.loadavg()[0]!;
    const t0 = now();
    const core = createCore({ dataDir: dir, dbFile: file, mode: 'test', validateOutput: false, actor: 'bench', now: () => Math.round(FUNNEL_NOW + (now() - t0)) });
    try {
      const queries: FunnelQueryResult[] = [];
      for (const q of funnelQueries()) {
        const answer = q.answer(await call(core, q.method, q.input));
        for (let i = 0; i < opts.warmup; i++) await call(core, q.method, q.input);
        const samples: number[] = [];
        const cpu: number[] = [];
        for (let i = 0; i < reps; i++) {
          const t = now();
          const c = process.cpuUsage();
          await call(core, q.method, q.input);
          samples.push(now() - t);
          const used = process.cpuUsage(c);
          cpu.push((used.user + used.system) / 1000);
        }
        const r = { label: q.label, answer, median: median(samples), p95: percentile(samples, 95), cpuMedian: median(cpu) };
        queries.push(r);
        console.log(`  ${q.label.padEnd(40)} median ${ms(r.median)} ms, p95 ${ms(r.p95)} ms, cpu ${ms(r.cpuMedian)} ms  (${answer})`);
      }
      const result: FunnelResult = { seeded, cores: os.cpus().length, loadAverage, reps, warmup: opts.warmup, queries };
      console.log(`\n${funnelHeading(result)}\n${funnelConsoleTable(result)}`);
      return result;
    } finally {
      core.dispose();
    }
  } finally {
    if (temp) {
      if (opts.keep) console.log(`  kept ${dir}`);
      else fs.rmSync(dir, { recursive: true, force: true });
      untrackDir(dir);
    }
  }
}

// ---- the report ---------------------------------------------------------------------------------

const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
const HEADERS = ['query', 'answer', 'median', 'p95', 'cpu median', `median < ${FUNNEL_TARGET_MS}`, `p95 < ${FUNNEL_TARGET_MS}`];

function cells(q: FunnelQueryResult): string[] {
  return [q.label, q.answer, ms(q.median), ms(q.p95), ms(q.cpuMedian), verdict(q.median < FUNNEL_TARGET_MS), verdict(q.p95 < FUNNEL_TARGET_MS)];
}

/** The replay's share of the seeding, when the store was seeded by this code. */
const replayText = (s: FunnelSeeded) => (s.replaySeconds === undefined ? '' : `; of the rows, replaying the funnel triggers ${s.replaySeconds.toFixed(1)} s`);

export function funnelHeading(r: FunnelResult): string {
  const s = r.seeded;
  const seeding =
    `seeded in ${s.seedSeconds.toFixed(1)} s${s.reused ? ' by an earlier run of the same seed' : ''} ` +
    `(${fmtInt(Math.round((s.contacts + s.events) / s.seedSeconds))} rows/s; ${phaseText(s.phases)}${replayText(s)})`;
  return (
    `${fmtInt(s.contacts)} contacts, ${fmtInt(s.companies)} companies, ${fmtInt(s.links)} links, ${fmtInt(s.events)} events; ` +
    `${seeding}; file ${s.fileMiB.toFixed(0)} MiB; timed on ${r.cores} cores with a load average of ${r.loadAverage.toFixed(1)}; ` +
    `target: under ${FUNNEL_TARGET_MS} ms`
  );
}

export function funnelConsoleTable(r: FunnelResult): string {
  // the answers are long: the console table leaves them out (they are printed per query above)
  const body = r.queries.map((q) => cells(q).filter((_, i) => i !== 1));
  const headers = HEADERS.filter((_, i) => i !== 1);
  const widths = headers.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function funnelMisses(r: FunnelResult): string[] {
  return r.queries
    .filter((q) => !(q.median < FUNNEL_TARGET_MS && q.p95 < FUNNEL_TARGET_MS))
    .map((q) => `funnel: ${q.label}: median ${ms(q.median)} ms, p95 ${ms(q.p95)} ms (target < ${FUNNEL_TARGET_MS} ms)`);
}

export function funnelMarkdown(r: FunnelResult, command: string, date: Date): string {
  const line = (c: string[]) => `| ${c.join(' | ')} |`;
  const misses = funnelMisses(r);
  return [
    `## Funnel and segments: ${fmtInt(r.seeded.contacts)} contacts, ${fmtInt(r.seeded.events)} events`,
    '',
    `Made by \`${command}\` (test/bench/funnel.ts) on ${date.toISOString().slice(0, 10)}. ${funnelHeading(r)}.`,
    '',
    'The store: contacts captured over the year before a fixed "now" (more of them recently); 38% sign up after an ' +
      'exponential wait (mean 12 days), most users and a few leads are linked to one of one company per ' +
      `${CONTACTS_PER_COMPANY} contacts; 55% of companies are qualified (SQL) some weeks after they appear and 45% of those ` +
      'won (customer) later. The funnel columns of migration 0005 are computed by its own triggers, replaying each ' +
      'contact\'s story on a scratch store batch by batch (the triggers are off during the load itself). ' +
      'About 10 events per contact over the last 90 days (30 names, a long tail), with last activity and first touch ' +
      '(30 referrers, 24 landing pages) taken from the same story: half the contacts last active in the last 30 days, ' +
      '30% between 30 and 90 days ago, the rest quiet for the whole 90 days (most with an older last activity). Plain ' +
      'indexes (and the events\' unique ones) are built after the load.',
    '',
    `Timed through the router of a core built by \`createCore\` (\`core.call\`, output validation off, the core's clock ` +
      `at the seed's "now"): ${r.warmup} warm-up runs, then ${r.reps} timed runs of each; median and p95 (nearest rank) in ms. ` +
      'Built-in segments: their count (`segments.count` with the rule) and their first page (`contacts.list` with ' +
      '`filter.segmentId`, 50 rows, the default sort); `segments.list` counts every segment at once. "cpu median" is the ' +
      'CPU time the process spent in the call: on a machine busy with other work (see the load average) wall time ' +
      'stretches, the work does not.',
    '',
    line(HEADERS),
    line(HEADERS.map((_, i) => (i === 0 ? '---' : i === 1 ? '---' : '---:'))),
    ...r.queries.map((q) => line(cells(q))),
    '',
    misses.length ? misses.map((m) => `- MISS ${m}`).join('\n') : 'Every funnel and segment query meets the target.',
  ].join('\n');
}

export const FUNNEL_BEGIN = '<!-- funnel and segments: written by npm run bench (test/bench/funnel.ts) -->';
export const FUNNEL_END = '<!-- end of funnel and segments -->';

/** BENCHMARKS.md without its funnel section, and that section (markers included, or ''). */
export function takeFunnelSection(text: string): { section: string; rest: string } {
  const b = text.indexOf(FUNNEL_BEGIN);
  const e = text.indexOf(FUNNEL_END);
  if (b < 0 || e <= b) return { section: '', rest: text };
  return { section: text.slice(b, e + FUNNEL_END.length), rest: (text.slice(0, b).trimEnd() + '\n\n' + text.slice(e + FUNNEL_END.length).trimStart()).trimEnd() + '\n' };
}

/** Puts the funnel section back before the hand-written notes (or at the end). */
export function putFunnelSection(text: string, section: string, notesMarker: string): string {
  if (!section) return text;
  const at = text.indexOf(notesMarker);
  if (at < 0) return `${text.trimEnd()}\n\n${section}\n`;
  return `${text.slice(0, at).trimEnd()}\n\n${section}\n\n${text.slice(at)}`;
}

export const wrapFunnelSection = (markdown: string) => `${FUNNEL_BEGIN}\n${markdown.trim()}\n${FUNNEL_END}`;
