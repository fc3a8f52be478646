// Starting states for a sandbox: empty, a small believable demo workspace for new users, or
// N generated contacts for benchmarks (built straight into the store, no API validation).
import { createRandom, type Random } from './faults';
import type { Role, Scalar } from './model';
import type { Workspace } from './Workspace';

export type SandboxSeed = 'empty' | 'demo' | { contacts: number; companies?: number; withStageAttributes?: boolean };

const DAY = 86_400;

const FIRST = ['Ava', 'Liam', 'Maya', 'Noah', 'Zoe', 'Ethan', 'Ines', 'Omar', 'Lena', 'Hugo', 'Sofia', 'Marco', 'Priya', 'Jonas', 'Chloe', 'Tariq', 'Nora', 'Felix', 'Aiko', 'Mateo'];
const LAST = ['Fischer', 'Okafor', 'Lindqvist', 'Moreau', 'Tanaka', 'Silva', 'Novak', 'Haddad', 'Brennan', 'Kowalski', 'Rossi', 'Jensen', 'Mehta', 'Dubois', 'Walsh', 'Schmidt', 'Costa', 'Nakamura', 'Reyes', 'Andersen'];

const DEMO_COMPANIES: { company_id: string; name: string; domain: string; plan: string; size: number; industry: string; spend: number; stage: 'SQL' | 'CUST' }[] = [
  { company_id: 'acme-logistics', name: 'Acme Logistics', domain: 'acme-logistics.com', plan: 'Growth', size: 120, industry: 'Logistics', spend: 900, stage: 'CUST' },
  { company_id: 'brightpath', name: 'Brightpath Learning', domain: 'brightpath.io', plan: 'Starter', size: 35, industry: 'Education', spend: 0, stage: 'SQL' },
  { company_id: 'northwind', name: 'Northwind Traders', domain: 'northwind.co', plan: 'Enterprise', size: 800, industry: 'Retail', spend: 4200, stage: 'CUST' },
  { company_id: 'kelp-labs', name: 'Kelp Labs', domain: 'kelplabs.dev', plan: 'Starter', size: 12, industry: 'Software', spend: 0, stage: 'SQL' },
  { company_id: 'harbor-health', name: 'Harbor Health', domain: 'harborhealth.org', plan: 'Growth', size: 260, industry: 'Healthcare', spend: 1500, stage: 'CUST' },
  { company_id: 'fjord-analytics', name: 'Fjord Analytics', domain: 'fjord.ai', plan: 'Growth', size: 48, industry: 'Software', spend: 0, stage: 'SQL' },
  { company_id: 'copperline', name: 'Copperline Energy', domain: 'copperline.energy', plan: 'Enterprise', size: 1500, industry: 'Energy', spend: 6100, stage: 'CUST' },
  { company_id: 'tandem-studio', name: 'Tandem Studio', domain: 'tandem.studio', plan: 'Starter', size: 8, industry: 'Design', spend: 0, stage: 'SQL' },
];

export function applySeed(ws: Workspace, seed: SandboxSeed | undefined): void {
  if (seed === undefined || seed === 'empty') return;
  if (seed === 'demo') return seedDemo(ws);
  seedGenerated(ws, seed);
}

/** About 40 contacts and 8 companies, as a small sales team's workspace would look. */
function seedDemo(ws: Workspace): void {
  const now = ws.nowSec();
  ws.defineAttribute('contact', 'Stage', 'string', { description: 'Sales stage, written by Lead Console' });
  ws.defineAttribute('company', 'Company Stage', 'string', { description: 'Sales stage of the company, written by Lead Console' });
  const companies = DEMO_COMPANIES.map((c, i) =>
    ws.insertCompany({
      company_id: c.company_id,
      name: c.name,
      plan: c.plan,
      size: c.size,
      website: `https://${c.domain}`,
      industry: c.industry,
      monthly_spend: c.spend,
      remote_created_at: now - (700 - i * 40) * DAY,
      created_at: now - (200 - i * 15) * DAY,
      custom_attributes: { 'Company Stage': c.stage },
    }),
  );
  // 24 users, three per company, then 16 leads; oldest first so creation order is plausible
  const demoIds: { id: string; isUser: boolean; i: number }[] = [];
  const team = ws.team();
  for (let i = 0; i < 40; i++) {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[(i * 7) % LAST.length]!;
    const isUser = i < 24;
    const co = isUser ? DEMO_COMPANIES[i % DEMO_COMPANIES.length]! : undefined;
    const createdAt = now - (180 - i * 4) * DAY - ((i * 3_607) % DAY);
    const custom: Record<string, Scalar | null> = {};
    if (isUser && i % 4 !== 3) custom.Stage = 'Signed up';
    if (!isUser && i % 3 !== 2) custom.Stage = 'Lead';
    const role: Role = isUser ? 'user' : 'lead';
    // a third each: the connected admin's, a colleague's, nobody's
    const owner = i % 3 === 2 ? null : Number(team[i % 3 === 0 ? 0 : 1]!.id);
    const contact = ws.insertContact(
      {
        role,
        owner_id: owner,
        name: `${first} ${last}`,
        email: co ? `${first.toLowerCase()}.${last.toLowerCase()}@${co.domain}` : `${first.toLowerCase()}${last.toLowerCase().slice(0, 3)}${i}@${i % 2 ? 'gmail.com' : 'outlook.com'}`,
        external_id: isUser ? `u-${1001 + i}` : null,
        phone: i % 5 === 0 ? `+1 555 01${String(i).padStart(2, '0')}` : null,
        created_at: createdAt,
        updated_at: createdAt + (i % 6) * DAY,
        last_seen_at: now - (i % 9) * DAY,
        custom_attributes: custom,
        companyIds: co ? [companies[i % companies.length]!.id] : [],
      },
      createdAt * 1000,
    );
    demoIds.push({ id: contact.id, isUser, i });
  }
  seedDemoActivity(ws, demoIds, now);
}

const REFERRERS = ['google.com', 'google.com', 'linkedin.com', 'news.ycombinator.com', 'g2.com', 'twitter.com', null] as const;
const LANDING_PAGES = ['/', '/pricing', '/features', '/blog/lead-scoring', '/demo'] as const;
const PAGES = ['/pricing', '/features', '/docs/getting-started', '/blog/lead-scoring', '/integrations', '/customers'] as const;
/** The demo's activity is the same on every start: its own stream, apart from the workspace's ids. */
const DEMO_ACTIVITY_SEED = 20_261_206;
const ACTIVITY_DAYS = 42;

/**
 * Six weeks of page views and product events spread over the demo's contacts: a first visit with
 * a referrer and landing page (the first touch), a few later page views, sign-up and product events
 * for users; about a quarter went quiet more than 30 days ago (Slipping away), and a few never came
 * back after their first visit.
 */
function seedDemoActivity(ws: Workspace, contacts: { id: string; isUser: boolean; i: number }[], now: number): void {
  const random = createRandom(DEMO_ACTIVITY_SEED);
  const pick = <T>(list: readonly T[], r: Random) => list[Math.floor(r() * list.length)]!;
  for (const c of contacts) {
    const quiet = c.i % 4 === 1; // last seen more than 30 days ago
    const newest = quiet ? 31 + Math.floor(random() * 8) : Math.floor(random() * 10);
    const oldest = Math.max(newest + 1, ACTIVITY_DAYS - Math.floor(random() * 6));
    const at = (daysAgo: number) => now - daysAgo * DAY - Math.floor(random() * DAY);
    const event = (name: string, daysAgo: number, metadata: Record<string, Scalar>) => ws.createEvent({ id: c.id, event_name: name, created_at: at(daysAgo), metadata });
    const referrer = pick(REFERRERS, random);
    const landing = pick(LANDING_PAGES, random);
    event('page-view', oldest, { url: landing, landing_page: landing, ...(referrer ? { referrer } : {}) });
    const views = 1 + Math.floor(random() * 6);
    for (let v = 0; v < views; v++) event('page-view', newest + Math.floor(random() * (oldest - newest)), { url: pick(PAGES, random) });
    if (random() < 0.5) event('viewed-pricing', newest + Math.floor(random() * (oldest - newest)), { plan: pick(['Starter', 'Growth', 'Enterprise'], random) });
    if (c.isUser) {
      event('signed-up', oldest - 1 > newest ? oldest - 1 : oldest, { source: referrer ?? 'direct' });
      event('created-project', newest, { projects: 1 + Math.floor(random() * 5) });
      if (random() < 0.4) event('invited-teammate', newest, { invited: 1 + Math.floor(random() * 3) });
    }
  }
}

/** N contacts in well under a second per 100,000: ids and strings only, no validation. */
function seedGenerated(ws: Workspace, seed: { contacts: number; companies?: number; withStageAttributes?: boolean }): void {
  const n = Math.max(0, Math.floor(seed.contacts));
  const m = Math.max(0, Math.floor(seed.companies ?? 0));
  const stages = seed.withStageAttributes === true;
  const now = ws.nowSec();
  if (stages) {
    ws.defineAttribute('contact', 'Stage', 'string');
    ws.defineAttribute('company', 'Company Stage', 'string');
  }
  const companyIds: string[] = [];
  for (let j = 0; j < m; j++) {
    const co = ws.insertCompany({
      company_id: `company-${j + 1}`,
      name: `${LAST[j % LAST.length]} ${['Group', 'Labs', 'Systems', 'Partners', 'Works'][j % 5]} ${j + 1}`,
      created_at: now - 400 * DAY + j,
      custom_attributes: stages ? { 'Company Stage': j % 3 === 0 ? 'CUST' : 'SQL' } : {},
    });
    companyIds.push(co.id);
  }
  // Spread creation over the past year, strictly increasing with position
  const span = 365 * DAY;
  for (let i = 0; i < n; i++) {
    const createdAt = now - DAY - span + Math.floor((i * span) / Math.max(1, n));
    const isLead = i % 3 === 2;
    ws.insertContact(
      {
        role: isLead ? 'lead' : 'user',
        name: `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`,
        email: isLead ? `lead${i + 1}@example.net` : `user${i + 1}@example.com`,
        external_id: isLead ? null : `user-${i + 1}`,
        created_at: createdAt,
        custom_attributes: stages && i % 2 === 0 ? { Stage: isLead ? 'Lead' : 'Signed up' } : undefined,
        companyIds: !isLead && m > 0 ? [companyIds[i % m]!] : undefined,
      },
      createdAt * 1000,
    );
  }
}
