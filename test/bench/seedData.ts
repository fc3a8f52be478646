// Repeatable fake leads for the benchmark: a seeded PRNG drives names, emails, stages, roles,
// companies and times, so two runs on the same sizes build byte-identical stores.
import type { SeedCompany, SeedContact } from './SeedLoader';

/** sfc32: small, fast and good enough for test data; the same seed gives the same stream. */

/** The admin ids the seeded contacts are owned by. */
export const BENCH_OWNERS = ['7000101', '7000102', '7000103'] as const;
export function prng(seed: number): () => number {
  let a = 0x9e3779b9 ^ seed;
  let b = 0x243f6a88 ^ (seed * 31);
  let c = 0xb7e15162;
  let d = 1;
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

const FIRST = `James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara Richard Susan
Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew Lisa Anthony Betty Mark Margaret Donald Sandra Steven
Ashley Paul Kimberly Andrew Emily Joshua Donna Kenneth Michelle Kevin Carol Brian Amanda George Melissa Edward Deborah
Maria Mario Marie Marina Mariana Marius Marta Martin Marco Mateo Mia Mohammed Muhammad Mei Mika Milan Miguel Monique
Sofia Lucas Emma Noah Olivia Liam Ava Ethan Isabella Lena Jonas Hannah Felix Clara Paul Anna Leon Ines Tiago Joao
Ana Pedro Lucia Javier Carmen Diego Elena Pablo Chiara Luca Giulia Matteo Francesca Lorenzo Aisha Omar Fatima Yusuf
Priya Rahul Ananya Arjun Wei Jing Hiroshi Yuki Sakura Kenji Min-jun Seo-yeon Olga Ivan Natalia Dmitri Katarzyna Piotr
Zofia Jan Eva Lars Ingrid Sven Astrid Niamh Sean Siobhan Connor Chloe Louis Camille Hugo Manon Amelie Noe Zeynep Emre
Ayse Mehmet Kwame Ama Chidi Ngozi Thabo Lerato Diego Valentina Santiago Camila Renata Rafael Beatriz Ilse Bram Femke`
  .split(/\s+/);
const LAST = `Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson
Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker
Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter
Roberts Muller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Rossi Russo Ferrari Esposito Bianchi
Romano Colombo Ricci Marino Greco Dubois Durand Lefebvre Moreau Laurent Simon Michel Leroy Fernandes Silva Santos
Oliveira Souza Costa Pereira Almeida Kowalski Nowak Wisniewski Novak Svoboda Horvath Nagy Popescu Ivanov Petrov Smirnov
Jensen Nielsen Hansen Johansson Andersson Karlsson Virtanen Korhonen Murphy Kelly OBrien Byrne Walsh Tanaka Suzuki
Takahashi Watanabe Kim Park Choi Chen Wang Li Zhang Liu Singh Patel Sharma Gupta Khan Ali Ahmed Hassan Yilmaz Kaya
Demir Okafor Mensah Diallo Mbeki Dlamini Haddad Mansour Cohen Levi Friedman Morales Castillo Ortiz Gutierrez Mendoza
Marquez Molina Maier Marx Mayer Mertens Maes Mulder Meijer Moller Magnusson Makinen Moretti Mancini Mazur Malinowski`
  .split(/\s+/);
const PERSONAL_DOMAINS = ['gmail.com', 'outlook.com', 'yahoo.com', 'hotmail.com', 'proton.me', 'icloud.com', 'gmx.de', 'web.de', 'orange.fr', 'mail.ru'];
const CO_A = `Acme Blue Bright Cedar Clear Cloud Copper Crimson Delta Ember Evergreen Falcon First Granite Harbor Helix
Horizon Iron Juniper Keystone Lumen Maple Meridian Metro Monarch Nimbus North Nova Oak Orbit Pacific Pine Pioneer Prism
Quantum Rapid Red Ridge River Sierra Silver Spark Stone Summit Sun Terra Tidal True Union Vector Vertex Vista Willow Zen`
  .split(/\s+/);
const CO_B = `Analytics Apps Bank Bio Cloud Commerce Consulting Data Design Dynamics Energy Foods Freight Health Labs
Legal Logistics Media Metrics Mobility Networks Partners Pay Robotics Security Software Solutions Studio Systems Tech
Travel Ventures Works`.split(/\s+/);
const PLANS = ['free', 'starter', 'pro', 'business', 'enterprise'];

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** A v4-shaped UUID from the PRNG (z.uuid() accepts it as a local id). */
function uuid(r: () => number): string {
  const hex = (n: number) => Math.floor(r() * 16 ** n).toString(16).padStart(n, '0');
  const variant = (8 + Math.floor(r() * 4)).toString(16);
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
}

const ascii = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** The store's "now": fixed, so times (and thus sort orders) repeat run to run. */
export const SEED_NOW = Date.UTC(2025, 5, 1);
const THREE_YEARS = 3 * 365 * 24 * 3600 * 1000;

export interface SeedPlan {
  contacts: number;
  /** One company per this many contacts. */
  contactsPerCompany: number;
}

export function companyCount(plan: SeedPlan): number {
  return Math.max(1, Math.round(plan.contacts / plan.contactsPerCompany));
}

export function* companies(plan: SeedPlan, seed = 1): Generator<SeedCompany> {
  const r = prng(seed);
  const n = companyCount(plan);
  for (let i = 0; i < n; i++) {
    const created = SEED_NOW - THREE_YEARS * r();
    const updated = created + (SEED_NOW - created) * r();
    const stageRoll = r();
    const synced = r() < 0.6;
    const suffix = i >= CO_A.length * CO_B.length ? ` ${Math.floor(i / (CO_A.length * CO_B.length)) + 1}` : '';
    yield {
      id: uuid(r),
      external_id: r() < 0.9 ? `co_${(100000 + i).toString(36)}` : null,
      intercom_id: synced ? `ic_co_${i.toString(16).padStart(12, '0')}` : null,
      name: `${CO_A[i % CO_A.length]} ${CO_B[Math.floor(i / CO_A.length) % CO_B.length]}${suffix}`,
      plan: r() < 0.8 ? pick(r, PLANS) : null,
      monthly_spend: r() < 0.7 ? Math.round(r() * 5000 * 100) / 100 : null,
      stage: stageRoll < 0.5 ? null : stageRoll < 0.8 ? 'sql' : 'customer',
      custom_attributes: r() < 0.3 ? JSON.stringify({ industry: pick(r, CO_B), seats: Math.floor(r() * 500) }) : '{}',
      created_at: Math.round(created),
      updated_at: Math.round(updated),
      sync_state: synced ? (r() < 0.9 ? 'synced' : 'pending') : 'local',
    };
  }
}

/**
 * Contacts in batches. About 30% are users (signed up, with the customer's user id), 90% of
 * users and 8% of leads belong to a company, 9% have an email and no name, 3% a name and no email.
 */
export function* contactBatches(plan: SeedPlan, companyPks: readonly number[], batchSize: number, seed = 2): Generator<SeedContact[]> {
  const r = prng(seed);
  let batch: SeedContact[] = [];
  for (let i = 0; i < plan.contacts; i++) {
    const first = pick(r, FIRST);
    const last = pick(r, LAST);
    const isUser = r() < 0.3;
    const shape = r();
    const hasName = shape >= 0.09;
    const hasEmail = shape < 0.97;
    const companyPk = (isUser ? r() < 0.9 : r() < 0.08) ? companyPks[Math.floor(r() * companyPks.length)]! : undefined;
    const second = companyPk !== undefined && r() < 0.03 ? companyPks[Math.floor(r() * companyPks.length)]! : undefined;
    let email: string | null = null;
    if (hasEmail) {
      const f = ascii(first);
      const l = ascii(last);
      const n = Math.floor(r() * 100);
      const local = pick(r, [`${f}.${l}`, `${f[0]}${l}`, `${f}_${l}${n}`, `${f}${l}`, `${f}.${l}${n}`, `${l}.${f}`]);
      const domain = companyPk !== undefined && r() < 0.7 ? `co${companyPk}.example.com` : pick(r, PERSONAL_DOMAINS);
      email = `${local}@${domain}`;
    }
    const created = SEED_NOW - THREE_YEARS * r();
    const updated = created + (SEED_NOW - created) * r() * r();
    const sync = r();
    const syncState = sync < 0.35 ? 'local' : sync < 0.9 ? 'synced' : sync < 0.98 ? 'pending' : 'failed';
    batch.push({
      id: uuid(r),
      role: isUser ? 'user' : 'lead',
      email,
      name: hasName ? `${first} ${last}` : null,
      phone: r() < 0.4 ? `+${1 + Math.floor(r() * 98)} ${Math.floor(100 + r() * 900)} ${Math.floor(1000000 + r() * 9000000)}` : null,
      visitor_id: !isUser && r() < 0.6 ? `v_${i.toString(36)}_${Math.floor(r() * 1e9).toString(36)}` : null,
      external_id: isUser ? `u_${i.toString(36)}` : null,
      intercom_id: syncState === 'local' || (syncState === 'failed' && r() < 0.5) ? null : `ic_${i.toString(16).padStart(12, '0')}`,
      stage: isUser ? 'signed_up' : 'lead',
      custom_attributes: r() < 0.25 ? JSON.stringify({ source: pick(r, ['ads', 'webinar', 'referral', 'organic']), score: Math.floor(r() * 100) }) : '{}',
      created_at: Math.round(created),
      updated_at: Math.round(updated),
      last_activity_at: r() < 0.7 ? Math.round(updated + (SEED_NOW - updated) * r()) : null,
      sync_state: syncState,
      // from the position, not the random stream (the other columns stay as they were): a team
      // of three owns three contacts in four
      owner_id: i % 4 === 3 ? null : BENCH_OWNERS[i % 4]!,
      company_pks: second !== undefined && second !== companyPk ? [companyPk!, second] : companyPk !== undefined ? [companyPk] : [],
    });
    if (batch.length === batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}
