// Which Intercom host a workspace talks to. Intercom keeps EU and AU data on regional hosts; the
// US host only "attempts to route", so we always pick the regional one (GET /me says which).

export const REGIONS = ['us', 'eu', 'au'] as const;
export type Region = (typeof REGIONS)[number];

export const REGION_HOSTS: Readonly<Record<Region, string>> = {
  us: 'https://api.intercom.io',
  eu: 'https://api.eu.intercom.io',
  au: 'https://api.au.intercom.io',
};

/** The base URL for a workspace; an explicit override (the sandbox, a proxy) wins over the region. */
export function resolveBaseUrl({ region, baseUrl }: { region: Region; baseUrl?: string | null }): string {
  const override = baseUrl?.trim();
  if (!override) return REGION_HOSTS[region];
  let url: URL;
  try {
    url = new URL(override);
  } catch {
    throw new Error(`baseUrl: not a URL: ${JSON.stringify(override)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`baseUrl: must be an http(s) URL, got ${url.protocol.replace(/:$/, '')}`);
  }
  // credentials in the URL would end up in logs and bypass the Bearer token
  if (url.username || url.password) throw new Error('baseUrl: must not contain a user name or password');
  if (url.search || url.hash) throw new Error('baseUrl: must not contain a query or fragment');
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** GET /me's `app.region` ('US' | 'EU' | 'AU', any case); null for anything we do not know. */
export function regionFromApp(appRegion: string): Region | null {
  const r = appRegion.trim().toLowerCase();
  return (REGIONS as readonly string[]).includes(r) ? (r as Region) : null;
}
