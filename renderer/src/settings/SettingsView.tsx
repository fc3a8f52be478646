// Settings: the Intercom connection (a write-only token, region, base URL, a connection test and
// where the token is kept), how stages are spelled in Intercom, and the sync's state with a
// "Sync now", the backups of the store (BackupsSection) and the log (LogSection). The token never
// comes back from the engine: the screen only knows whether one is set.
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import type { MethodOutput } from '../../../shared/api';
import { ApiError } from '../../../shared/client';
import { DEFAULT_COMPANY_STAGE_ATTRIBUTE, DEFAULT_STAGE_ATTRIBUTE, DEFAULT_STAGE_VALUES, REGIONS, type Region, type StageValues } from '../../../shared/domain';
import { useClient } from '../state/ClientContext';
import { useNav } from '../state/navStore';
import { useSync } from '../state/syncStore';
import { syncNow } from '../state/syncNow';
import { describeSync, progressText } from '../state/syncWords';
import { describeError, describeWithoutLabel, toast } from '../state/toastStore';
import { fieldOf } from '../contact/fieldErrors';
import { confirmAction } from '../ui/Dialog';
import { COMPANY_STAGE_LABEL, CONTACT_STAGE_LABEL, plural } from '../ui/labels';
import { PageTitle } from '../ui/PageTitle';
import { When } from '../ui/When';
import './settings.css';
import { CouldNotRead } from '../ui/CouldNotRead';
import { BackupsSection } from './BackupsSection';
import { LogSection } from './LogSection';
import { useTeam, useTeamFeed } from '../state/teamStore';

type Settings = MethodOutput<'settings.get'>;
type TestResult = { ok: true; value: MethodOutput<'sync.testConnection'> } | { ok: false; message: string };

const REGION_LABEL: Record<Region, string> = { us: 'United States (US)', eu: 'Europe (EU)', au: 'Australia (AU)' };
const BASE_URL_SOURCE: Record<NonNullable<Settings['intercom']['baseUrlSource']>, string> = {
  settings: 'set on this screen',
  'start-option': 'given when Lead Console was started (--intercom-url); it wins over this screen',
  environment: 'from the INTERCOM_BASE_URL environment variable; it wins over this screen',
  sandbox: 'the built-in Intercom sandbox (demo mode); it wins over this screen',
};
const STAGE_KEYS: (keyof StageValues)[] = ['lead', 'signed_up', 'sql', 'customer'];
const STAGE_LABEL: Record<keyof StageValues, string> = { ...CONTACT_STAGE_LABEL, ...COMPANY_STAGE_LABEL };

/** An engine error from a connection test, as the person can act on it. */
function describeTestError(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.code === 'AUTH') return `Intercom refused this token. Check that it is an access token of your Intercom app, then save it again. (${e.message})`;
    if (e.code === 'OFFLINE') return `Cannot reach Intercom: check the network, the region and the base URL. (${e.message})`;
    if (e.code === 'INTERCOM') return `Intercom answered with an error: ${e.message}`;
  }
  return describeError(e);
}

/** Where the token is kept, in words. */
function storageText(s: Settings['intercom']): string {
  switch (s.tokenStorage) {
    case 'os-keychain':
      return "The token is encrypted with your system's key store.";
    case 'file':
      return `The token is kept in ${s.tokenFile ?? 'a file in the data folder'}, readable only by your OS user (browser mode has no key store).`;
    case 'memory':
      return 'The token is kept in memory only: it is forgotten when Lead Console stops.';
  }
}

export function SettingsView() {
  const client = useClient();
  const [settings, setSettings] = useState<Settings | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const s = await client.call('settings.get', {});
      setSettings(s);
      setLoadError(null);
      return s;
    } catch (e) {
      setLoadError(describeError(e));
      return null;
    }
  }, [client]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section className="settings" aria-labelledby="settings-title" data-testid="settings-view">
      <PageTitle id="settings-title">Settings</PageTitle>
      {loadError && <CouldNotRead what="settings" error={loadError} retry={() => void load()} />}
      <div className="settings-scroll">
        {settings ? (
          <>
            <NameSection settings={settings} reload={load} />
            <ConnectionSection settings={settings} reload={load} />
            <SyncSection />
            <StagesSection settings={settings} reload={load} />
            <BackupsSection />
            <LogSection />
          </>
        ) : (
          !loadError && <p className="empty">Loading…</p>
        )}
      </div>
    </section>
  );
}

/** "Your name": who changes are recorded under; empty, the connected Intercom admin's name. */
function NameSection({ settings, reload }: { settings: Settings; reload: () => Promise<Settings | null> }) {
  const client = useClient();
  const uid = useId();
  const [name, setName] = useState(settings.yourName ?? '');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const dirty = name.trim() !== (settings.yourName ?? '');
  const admin = settings.intercom.admin;
  const fallback = admin?.name || admin?.email || null;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    try {
      await client.call('settings.set', { yourName: name.trim() || null });
      const s = await reload();
      if (s) setName(s.yourName ?? '');
      setError(null);
      toast.ok(name.trim() ? `Your changes are now recorded as ${name.trim()}` : `Your changes are now recorded as ${s?.actor ?? 'the Intercom admin'}`);
    } catch (err) {
      setError(describeWithoutLabel(err));
    } finally {
      setSaving(false);
    }
  };
  return (
    <section className="settings-section" aria-labelledby={`${uid}-h`} data-testid="settings-name">
      <h2 id={`${uid}-h`}>You</h2>
      <WhoAmI
        settings={settings}
        reload={async () => {
          // choosing who you are gives the history their name: the name field follows
          const s = await reload();
          if (s) setName(s.yourName ?? '');
          return s;
        }}
      />
      <form onSubmit={(e) => void submit(e)} noValidate className="settings-row">
        <div className="settings-grow">
          <label htmlFor={`${uid}-name`}>Your name</label>
          <input
            id={`${uid}-name`}
            value={name}
            maxLength={120}
            placeholder={fallback ?? 'Your name'}
            aria-describedby={`${uid}-help${error ? ` ${uid}-error` : ''}`}
            aria-invalid={error ? true : undefined}
            data-testid="setting-yourName"
            onChange={(e) => {
              setName(e.target.value);
              setError(null);
            }}
          />
          <p id={`${uid}-help`} className="muted settings-help">
            Stage changes and messages are recorded under this name, from now on.{' '}
            {fallback ? `Left empty: the connected Intercom admin, ${fallback}.` : 'Left empty: the Intercom admin, once connected.'} Changes are now recorded as{' '}
            <strong data-testid="settings-actor">{settings.actor}</strong>.
          </p>
          {error && (
            <p id={`${uid}-error`} className="field-error" role="alert">
              {error}
            </p>
          )}
        </div>
        <div className="settings-buttons">
          <button type="submit" disabled={saving || !dirty}>
            Save name
          </button>
        </div>
      </form>
    </section>
  );
}

/** "Who you are" among the team: the connected admin by default; "My leads" and the owner filter's "me". */
function WhoAmI({ settings, reload }: { settings: Settings; reload: () => Promise<Settings | null> }) {
  const client = useClient();
  const uid = useId();
  useTeamFeed();
  const admins = useTeam((s) => s.admins).filter((a) => a.active || a.id === settings.meAdminId);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const connected = settings.intercom.admin;
  const connectedName = connected ? connected.name || connected.email || connected.id : null;
  return (
    <div className="settings-row" data-testid="settings-me">
      <div className="settings-grow">
        <label htmlFor={`${uid}-me`}>Who you are</label>
        <select
          id={`${uid}-me`}
          value={settings.meAdminId ?? ''}
          disabled={saving}
          aria-describedby={`${uid}-me-help${error ? ` ${uid}-me-error` : ''}`}
          aria-invalid={error ? true : undefined}
          data-testid="setting-me"
          onChange={(e) => {
            const meAdminId = e.target.value === '' ? null : e.target.value;
            setSaving(true);
            setError(null);
            client
              .call('settings.set', { meAdminId })
              .then(() => reload())
              .then((s) => toast.ok(`You are ${s?.me?.name ?? s?.me?.email ?? 'the connected admin'} now: “My leads” shows their contacts`))
              .catch((err: unknown) => setError(describeWithoutLabel(err)))
              .finally(() => setSaving(false));
          }}
        >
          <option value="">{connectedName ? `The connected admin (${connectedName})` : 'The connected admin (once connected)'}</option>
          {admins.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name ?? a.email ?? a.id}
            </option>
          ))}
        </select>
        <p id={`${uid}-me-help`} className="muted settings-help">
          Your place in the team (read from Intercom at each sync): “My leads” and the owner filter's “Me” are this admin's contacts, and your changes
          are recorded under their name unless you give one below.
        </p>
        {error && (
          <p id={`${uid}-me-error`} className="field-error" role="alert">
            {error}
          </p>
        )}
      </div>
    </div>
  );
}

function ConnectionSection({ settings, reload }: { settings: Settings; reload: () => Promise<Settings | null> }) {
  const client = useClient();
  const uid = useId();
  const s = settings.intercom;
  const [token, setToken] = useState('');
  const [tokenError, setTokenError] = useState<string | null>(null);
  const [savingToken, setSavingToken] = useState(false);
  const [testing, setTesting] = useState(false);
  const [test, setTest] = useState<TestResult | null>(null);
  const [region, setRegion] = useState<Region>(s.region);
  const [baseUrl, setBaseUrl] = useState(s.baseUrlSource === 'settings' ? (s.baseUrl ?? '') : '');
  const [connErrors, setConnErrors] = useState<{ region?: string; baseUrl?: string; form?: string }>({});
  const [savingConn, setSavingConn] = useState(false);
  const overridden = s.baseUrlSource !== null && s.baseUrlSource !== 'settings';
  const connDirty = region !== s.region || (!overridden && baseUrl.trim() !== (s.baseUrlSource === 'settings' ? (s.baseUrl ?? '') : ''));

  const runTest = async (withToken?: string) => {
    setTesting(true);
    setTest(null);
    try {
      const value = await client.call('sync.testConnection', withToken ? { token: withToken } : {});
      setTest({ ok: true, value });
      // a successful test is remembered (and may set the region); show what the engine now knows
      const next = await reload();
      if (next) setRegion(next.intercom.region);
    } catch (e) {
      setTest({ ok: false, message: describeTestError(e) });
    } finally {
      setTesting(false);
    }
  };

  const saveToken = async (e: FormEvent) => {
    e.preventDefault();
    const t = token.trim();
    if (!t) {
      setTokenError('Access token: paste the token first');
      return;
    }
    setSavingToken(true);
    setTokenError(null);
    try {
      await client.call('settings.set', { token: t });
      setToken('');
      toast.ok('Token saved. Testing the connection…');
      await reload();
      void runTest();
    } catch (err) {
      setTokenError(`Access token: ${describeWithoutLabel(err)}`);
    } finally {
      setSavingToken(false);
    }
  };

  const forgetToken = async () => {
    const ok = await confirmAction({
      title: 'Forget the Intercom token?',
      body: 'Lead Console stops syncing with Intercom until a token is saved again. Nothing is lost: changes keep waiting in the outbox.',
      confirmLabel: 'Forget token',
      danger: true,
    });
    if (!ok) return;
    try {
      await client.call('settings.set', { token: null });
      setTest(null);
      toast.ok('Token forgotten: sync is off until you save a new one');
      await reload();
    } catch (err) {
      toast.error(err);
    }
  };

  const saveConnection = async (e: FormEvent) => {
    e.preventDefault();
    const url = baseUrl.trim();
    if (url && !/^https?:\/\/\S+$/.test(url)) {
      setConnErrors({ baseUrl: 'Base URL: must be an http:// or https:// address' });
      return;
    }
    setSavingConn(true);
    setConnErrors({});
    try {
      const r = await client.call('settings.set', { region, ...(overridden ? {} : { baseUrl: url || null }) });
      toast.ok(r.changed.length > 0 ? 'Connection saved' : 'Nothing changed');
      const next = await reload();
      if (next?.intercom.tokenSet && r.changed.length > 0) void runTest();
    } catch (err) {
      const f = fieldOf(err);
      const text = describeWithoutLabel(err);
      if (f === 'region') setConnErrors({ region: `Region: ${text}` });
      else if (f === 'baseUrl') setConnErrors({ baseUrl: `Base URL: ${text}` });
      else setConnErrors({ form: describeError(err) });
    } finally {
      setSavingConn(false);
    }
  };

  return (
    <section className="settings-section" aria-labelledby={`${uid}-h`} data-testid="settings-connection">
      <h2 id={`${uid}-h`}>Intercom connection</h2>

      <p className={`settings-token-state ${s.tokenSet ? 'ok' : 'muted'}`} data-testid="token-state">
        {s.tokenSet ? 'A token is set.' : 'No token yet.'}
        {s.tokenSet && s.workspace && (
          <span className="muted">
            {' '}
            Last connected to {s.workspace.name} ({s.workspace.idCode}).
          </span>
        )}
      </p>

      <form className="settings-row" onSubmit={(e) => void saveToken(e)} noValidate>
        <div className="field settings-grow">
          <label htmlFor={`${uid}-token`}>
            <span>Access token</span>
          </label>
          <input
            id={`${uid}-token`}
            type="password"
            value={token}
            autoComplete="off"
            spellCheck={false}
            placeholder={s.tokenSet ? 'Paste a new token to replace the saved one' : 'Paste your Intercom access token'}
            aria-invalid={tokenError ? true : undefined}
            aria-describedby={`${uid}-token-help${tokenError ? ` ${uid}-token-error` : ''}`}
            onChange={(e) => {
              setToken(e.target.value);
              setTokenError(null);
            }}
          />
          {tokenError && (
            <p id={`${uid}-token-error`} className="field-error" role="alert">
              {tokenError}
            </p>
          )}
          <p id={`${uid}-token-help`} className="muted settings-help" data-testid="token-storage">
            {storageText(s)} It is never shown again.
          </p>
        </div>
        <div className="settings-buttons">
          <button type="submit" disabled={savingToken || !token.trim()}>
            Save token
          </button>
          {s.tokenSet && (
            <button type="button" className="secondary" onClick={() => void forgetToken()}>
              Forget token…
            </button>
          )}
        </div>
      </form>

      <form onSubmit={(e) => void saveConnection(e)} noValidate>
        <div className="settings-grid">
          <div className="field">
            <label htmlFor={`${uid}-region`}>
              <span>Region</span>
            </label>
            <select
              id={`${uid}-region`}
              value={region}
              onChange={(e) => setRegion(e.target.value as Region)}
              aria-invalid={connErrors.region ? true : undefined}
              aria-describedby={connErrors.region ? `${uid}-region-error` : undefined}
            >
              {REGIONS.map((r) => (
                <option key={r} value={r}>
                  {REGION_LABEL[r]}
                </option>
              ))}
            </select>
            {connErrors.region && (
              <p id={`${uid}-region-error`} className="field-error" role="alert">
                {connErrors.region}
              </p>
            )}
          </div>
          <div className="field">
            <label htmlFor={`${uid}-url`}>
              <span>Base URL</span> <span className="muted">(optional)</span>
            </label>
            <input
              id={`${uid}-url`}
              type="url"
              value={overridden ? (s.baseUrl ?? '') : baseUrl}
              readOnly={overridden}
              placeholder="The region's Intercom address"
              autoComplete="off"
              spellCheck={false}
              aria-invalid={connErrors.baseUrl ? true : undefined}
              aria-describedby={`${uid}-url-help${connErrors.baseUrl ? ` ${uid}-url-error` : ''}`}
              onChange={(e) => {
                setBaseUrl(e.target.value);
                setConnErrors((c) => ({ ...c, baseUrl: undefined }));
              }}
            />
            {connErrors.baseUrl && (
              <p id={`${uid}-url-error`} className="field-error" role="alert">
                {connErrors.baseUrl}
              </p>
            )}
            <p id={`${uid}-url-help`} className="muted settings-help" data-testid="base-url-source">
              {s.baseUrlSource
                ? `Comes from: ${BASE_URL_SOURCE[s.baseUrlSource]}.`
                : 'Empty: Lead Console uses the region’s Intercom address. Set it only for a proxy or a test workspace.'}
            </p>
          </div>
        </div>
        {connErrors.form && (
          <p className="field-error" role="alert">
            {connErrors.form}
          </p>
        )}
        <div className="settings-buttons">
          <button type="submit" className="secondary" disabled={savingConn || !connDirty}>
            Save connection
          </button>
          <button
            type="button"
            onClick={() => void runTest(token.trim() || undefined)}
            disabled={testing || (!s.tokenSet && !token.trim())}
            title={token.trim() ? 'Tests the token typed above, without saving it' : 'Tests the saved token'}
            data-testid="test-connection"
          >
            {testing ? 'Testing…' : token.trim() ? 'Test typed token' : 'Test connection'}
          </button>
        </div>
      </form>

      <div aria-live="polite" data-testid="test-result">
        {test?.ok === true && (
          <div className="settings-result settings-result-ok" role="status">
            <strong>Connected.</strong>
            <dl className="settings-facts">
              <div>
                <dt>Workspace</dt>
                <dd>
                  {test.value.workspace.name} <span className="muted">({test.value.workspace.idCode})</span>
                </dd>
              </div>
              <div>
                <dt>Region</dt>
                <dd>{test.value.workspace.region?.toUpperCase() ?? 'not given'}</dd>
              </div>
              <div>
                <dt>Admin</dt>
                <dd>{[test.value.admin.name, test.value.admin.email].filter(Boolean).join(' · ') || test.value.admin.id}</dd>
              </div>
            </dl>
          </div>
        )}
        {test?.ok === false && (
          <p className="settings-result field-error" role="alert">
            {test.message}
          </p>
        )}
        {!test && s.tokenSet && s.workspace && (
          <dl className="settings-facts muted" data-testid="last-connection">
            <div>
              <dt>Workspace</dt>
              <dd>
                {s.workspace.name} ({s.workspace.idCode})
              </dd>
            </div>
            <div>
              <dt>Region</dt>
              <dd>{s.workspace.region?.toUpperCase() ?? REGION_LABEL[s.region]}</dd>
            </div>
            {s.admin && (
              <div>
                <dt>Admin</dt>
                <dd>{[s.admin.name, s.admin.email].filter(Boolean).join(' · ') || s.admin.id}</dd>
              </div>
            )}
          </dl>
        )}
      </div>
    </section>
  );
}

const IMPORT_WORDS = { not_started: 'Not started', partial: 'Partly done: it goes on with the next run', done: 'Done' } as const;

function SyncSection() {
  const client = useClient();
  const uid = useId();
  const go = useNav((s) => s.go);
  const status = useSync((s) => s.status);
  const online = useSync((s) => s.online);
  const [starting, setStarting] = useState(false);

  const startSync = async () => {
    setStarting(true);
    try {
      await syncNow(client);
    } finally {
      setStarting(false);
    }
  };

  const sentence = status ? describeSync(status, online) : null;
  return (
    <section className="settings-section" aria-labelledby={`${uid}-h`} data-testid="settings-sync">
      <h2 id={`${uid}-h`}>Sync</h2>
      {!status ? (
        <p className="muted">Asking the sync…</p>
      ) : (
        <>
          <p className={`settings-sync-state sync-tone-${sentence!.tone}`} data-testid="settings-sync-state">
            {sentence!.text}
            {/* this page is Settings: point at the section, not at "Settings" */}
            {sentence!.detail && <span className="muted"> — {sentence!.needsSettings ? 'Add an Intercom access token under “Intercom connection” above; until then changes wait here.' : sentence!.detail}</span>}
          </p>
          {status.state === 'syncing' && status.progress && (
            <div className="settings-progress">
              <span>
                {status.progress.label}: {progressText(status.progress).replace(/^Syncing… ?/, '') || 'starting'}
              </span>
              <progress
                className="sync-progress"
                aria-label={status.progress.label}
                max={status.progress.total ?? undefined}
                value={status.progress.total ? Math.min(status.progress.done, status.progress.total) : undefined}
              />
            </div>
          )}
          <dl className="settings-facts">
            <div>
              <dt>Waiting</dt>
              <dd>
                <button type="button" className="link" onClick={() => go('outbox')}>
                  {plural(status.pending, 'change')}
                </button>
              </dd>
            </div>
            <div>
              <dt>Failed</dt>
              <dd className={status.failed > 0 ? 'error' : undefined}>{plural(status.failed, 'change')}</dd>
            </div>
            <div>
              <dt>Conflicts</dt>
              <dd>
                {status.conflicts > 0 ? (
                  <button type="button" className="link" onClick={() => go('conflicts')}>
                    {plural(status.conflicts, 'conflict')}
                  </button>
                ) : (
                  'None'
                )}
              </dd>
            </div>
            <div>
              <dt>Last success</dt>
              <dd>
                <When at={status.lastSuccessAt} empty="Never" />
              </dd>
            </div>
            <div>
              <dt>Last run</dt>
              <dd>
                <When at={status.lastRunAt} empty="Never" />
              </dd>
            </div>
            <div>
              <dt>Next run</dt>
              <dd>
                <When at={status.nextRunAt} empty={status.state === 'syncing' ? 'Running now' : 'Not planned'} />
              </dd>
            </div>
            <div>
              <dt>First import from Intercom</dt>
              <dd data-testid="initial-import">{IMPORT_WORDS[status.initialImport]}</dd>
            </div>
          </dl>
        </>
      )}
      <div className="settings-buttons">
        <button
          type="button"
          onClick={() => void startSync()}
          disabled={starting || !status || status.state === 'not_configured' || status.state === 'syncing'}
          data-testid="sync-now"
        >
          Sync now
        </button>
        {status?.state === 'not_configured' && <span className="muted">Save a token first.</span>}
        {status?.state === 'syncing' && <span className="muted">A sync is running.</span>}
      </div>
    </section>
  );
}

type StageField = 'stageAttribute' | 'companyStageAttribute' | `stageValues.${keyof StageValues}`;

function StagesSection({ settings, reload }: { settings: Settings; reload: () => Promise<Settings | null> }) {
  const client = useClient();
  const uid = useId();
  const [attribute, setAttribute] = useState(settings.stageAttribute);
  const [companyAttribute, setCompanyAttribute] = useState(settings.companyStageAttribute);
  const [values, setValues] = useState<StageValues>(settings.stageValues);
  const [errors, setErrors] = useState<Partial<Record<StageField | 'form', string>>>({});
  const [saving, setSaving] = useState(false);
  const dirty =
    attribute.trim() !== settings.stageAttribute ||
    companyAttribute.trim() !== settings.companyStageAttribute ||
    STAGE_KEYS.some((k) => values[k].trim() !== settings.stageValues[k]);
  const isDefault =
    attribute.trim() === DEFAULT_STAGE_ATTRIBUTE &&
    companyAttribute.trim() === DEFAULT_COMPANY_STAGE_ATTRIBUTE &&
    STAGE_KEYS.every((k) => values[k].trim() === DEFAULT_STAGE_VALUES[k]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found: typeof errors = {};
    if (!attribute.trim()) found.stageAttribute = 'Contact attribute: must not be empty';
    if (!companyAttribute.trim()) found.companyStageAttribute = 'Company attribute: must not be empty';
    for (const k of STAGE_KEYS) if (!values[k].trim()) found[`stageValues.${k}`] = `${STAGE_LABEL[k]}: must not be empty`;
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setSaving(true);
    try {
      const trimmed = Object.fromEntries(STAGE_KEYS.map((k) => [k, values[k].trim()])) as StageValues;
      const r = await client.call('settings.set', { stageAttribute: attribute.trim(), companyStageAttribute: companyAttribute.trim(), stageValues: trimmed });
      toast.ok(r.changed.length > 0 ? 'Stages saved' : 'Nothing changed');
      const next = await reload();
      if (next) {
        setAttribute(next.stageAttribute);
        setCompanyAttribute(next.companyStageAttribute);
        setValues(next.stageValues);
      }
    } catch (err) {
      const f = fieldOf(err);
      const text = describeWithoutLabel(err);
      if (f === 'stageAttribute') setErrors({ stageAttribute: `Contact attribute: ${text}` });
      else if (f === 'companyStageAttribute') setErrors({ companyStageAttribute: `Company attribute: ${text}` });
      else if (f && /^stageValues\.(lead|signed_up|sql|customer)$/.test(f)) {
        const k = f.slice('stageValues.'.length) as keyof StageValues;
        setErrors({ [f]: `${STAGE_LABEL[k]}: ${text}` });
      } else setErrors({ form: describeError(err) });
    } finally {
      setSaving(false);
    }
  };

  const input = (field: StageField, label: string, value: string, onChange: (v: string) => void) => {
    const id = `${uid}-${field}`;
    const err = errors[field];
    return (
      <div className="field" key={field}>
        <label htmlFor={id}>
          <span>{label}</span>
        </label>
        <input
          id={id}
          value={value}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={err ? true : undefined}
          aria-describedby={err ? `${id}-error` : undefined}
          data-testid={`setting-${field}`}
          onChange={(e) => {
            onChange(e.target.value);
            setErrors((x) => ({ ...x, [field]: undefined }));
          }}
        />
        {err && (
          <p id={`${id}-error`} className="field-error" role="alert">
            {err}
          </p>
        )}
      </div>
    );
  };

  return (
    <section className="settings-section" aria-labelledby={`${uid}-h`} data-testid="settings-stages">
      <h2 id={`${uid}-h`}>Stages in Intercom</h2>
      <p className="muted settings-help">
        The custom attributes that carry the stage on Intercom contacts and on companies, and the value each stage has there. They must match what
        your segments and campaigns in Intercom look for. Intercom keeps attribute names unique across people and companies, so the two need
        different names.
      </p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className="settings-grid">
          {input('stageAttribute', 'Contact attribute', attribute, setAttribute)}
          {input('companyStageAttribute', 'Company attribute', companyAttribute, setCompanyAttribute)}
        </div>
        <div className="settings-grid settings-grid-4">
          {STAGE_KEYS.map((k) => input(`stageValues.${k}`, STAGE_LABEL[k], values[k], (v) => setValues((x) => ({ ...x, [k]: v }))))}
        </div>
        {errors.form && (
          <p className="field-error" role="alert">
            {errors.form}
          </p>
        )}
        <div className="settings-buttons">
          <button type="submit" disabled={saving || !dirty}>
            Save stages
          </button>
          {dirty && (
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setAttribute(settings.stageAttribute);
                setCompanyAttribute(settings.companyStageAttribute);
                setValues(settings.stageValues);
                setErrors({});
              }}
            >
              Undo changes
            </button>
          )}
          {!isDefault && (
            <button
              type="button"
              className="link"
              onClick={() => {
                setAttribute(DEFAULT_STAGE_ATTRIBUTE);
                setCompanyAttribute(DEFAULT_COMPANY_STAGE_ATTRIBUTE);
                setValues(DEFAULT_STAGE_VALUES);
                setErrors({});
              }}
            >
              Fill in the defaults
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
