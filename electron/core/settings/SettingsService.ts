// Settings the sync depends on: the Intercom connection (region or base URL, the write-only
// token) and how stages are spelled in Intercom. Kept in the settings table, except the token,
// which lives in a TokenStore.
import { ME_ADMIN_KEY } from './meAdmin';
import type { Me, MethodOutput, ParsedInput } from '../../../shared/api';
import { DEFAULT_COMPANY_STAGE_ATTRIBUTE, DEFAULT_STAGE_ATTRIBUTE, DEFAULT_STAGE_VALUES, type Region, type StageValues } from '../../../shared/domain';
import { AppError } from '../../../shared/errors';
import { fieldLabel } from '../../../shared/fieldLabels';
import type { ServiceContext } from '../ServiceContext';
import { resolveBaseUrl } from './hosts';
import type { SyncSettings } from './SyncSettings';
import type { TokenStore } from './TokenStore';

/** A base URL given at start (`--intercom-url`, `INTERCOM_BASE_URL`, `--sandbox`): it wins over the screen's. */
export interface ConnectionOverride {
  baseUrl: string;
  source: 'start-option' | 'environment' | 'sandbox';
}

export interface Connection {
  baseUrl: string;
  token: string;
}

type Output = MethodOutput<'settings.get'>;
export type WorkspaceInfo = NonNullable<Output['intercom']['workspace']>;
export type AdminInfo = NonNullable<Output['intercom']['admin']>;

const KEYS = {
  region: 'intercom.region',
  baseUrl: 'intercom.baseUrl',
  workspace: 'intercom.workspace',
  admin: 'intercom.admin',
  stageAttribute: 'sync.stageAttribute',
  companyStageAttribute: 'sync.companyStageAttribute',
  stageValues: 'sync.stageValues',
  yourName: 'profile.name',
  meAdminId: ME_ADMIN_KEY,
} as const;

/** The name of changes made before anyone is known (no name in Settings, no admin connected yet). */
export const UNKNOWN_ACTOR = 'Lead Console user';

export class SettingsService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly tokens: TokenStore,
    private readonly override: ConnectionOverride | null,
    /** A fixed default name for this process (tests, tools), in place of the admin's; the person's own name still wins. */
    private readonly defaultActor: string | null = null,
  ) {}

  /**
   * Who changes are recorded under, read at each change: the name given in Settings, else this
   * process's default, else the connected Intercom admin (learned from GET /me). Never the OS
   * account: that names a machine, not the person.
   */
  actor(): string {
    const own = this.read<string | null>(KEYS.yourName, null);
    if (own) return own;
    // who I am, chosen among the team: its name is mine
    const chosen = this.chosenAdmin();
    if (chosen) return chosen.name || chosen.email || chosen.id;
    if (this.defaultActor) return this.defaultActor;
    const admin = this.admin();
    return admin?.name || admin?.email || UNKNOWN_ACTOR;
  }

  /** The admin chosen as "me" in Settings, when the team still has it. */
  private chosenAdmin() {
    const id = this.read<string | null>(KEYS.meAdminId, null);
    return id ? this.ctx.store.admins.byId(id) : undefined;
  }

  /**
   * Who I am: the admin chosen in Settings, else the admin the token belongs to (GET /me), named
   * as the team list has it when it does. Null before any connection.
   */
  me(): Me | null {
    const chosen = this.chosenAdmin();
    if (chosen) return { adminId: chosen.id, name: chosen.name, email: chosen.email, source: 'settings' };
    const connected = this.admin();
    if (!connected) return null;
    const listed = this.ctx.store.admins.byId(connected.id);
    return { adminId: connected.id, name: listed?.name ?? connected.name, email: listed?.email ?? connected.email, source: 'connection' };
  }

  /** Who hears which settings changed, after they are saved (the sync engine, which reconnects). */
  private readonly listeners = new Set<(changed: readonly string[]) => void>();

  /** Calls `listener` with the keys of every saved change; returns the unsubscribe. */
  onChange(listener: (changed: readonly string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private read<T>(key: string, fallback: T): T {
    return this.ctx.store.settings.get<T>(key) ?? fallback;
  }

  region(): Region {
    return this.read<Region>(KEYS.region, 'us');
  }

  syncSettings(): SyncSettings {
    return {
      stageAttribute: this.read(KEYS.stageAttribute, DEFAULT_STAGE_ATTRIBUTE),
      companyStageAttribute: this.read(KEYS.companyStageAttribute, DEFAULT_COMPANY_STAGE_ATTRIBUTE),
      stageValues: { ...DEFAULT_STAGE_VALUES, ...this.read<Partial<StageValues>>(KEYS.stageValues, {}) },
    };
  }

  /** Where to connect and with what; null while no token is set. */
  connection(tokenOverride?: string): Connection | null {
    const token = tokenOverride ?? this.tokens.get();
    if (!token) return null;
    const baseUrl = this.override?.baseUrl ?? resolveBaseUrl({ region: this.region(), baseUrl: this.read<string | null>(KEYS.baseUrl, null) });
    return { baseUrl, token };
  }

  get(): Output {
    const stored = this.read<string | null>(KEYS.baseUrl, null);
    const s = this.syncSettings();
    return {
      intercom: {
        region: this.region(),
        baseUrl: this.override?.baseUrl ?? stored,
        baseUrlSource: this.override ? this.override.source : stored ? 'settings' : null,
        tokenSet: this.tokens.get() !== null,
        tokenStorage: this.tokens.kind,
        tokenFile: this.tokens.file,
        workspace: this.read<WorkspaceInfo | null>(KEYS.workspace, null),
        admin: this.read<AdminInfo | null>(KEYS.admin, null),
      },
      stageAttribute: s.stageAttribute,
      companyStageAttribute: s.companyStageAttribute,
      stageValues: s.stageValues,
      yourName: this.read<string | null>(KEYS.yourName, null),
      actor: this.actor(),
      meAdminId: this.read<string | null>(KEYS.meAdminId, null),
      me: this.me(),
    };
  }

  set(input: ParsedInput<'settings.set'>): MethodOutput<'settings.set'> {
    const { store } = this.ctx;
    const changed: string[] = [];
    store.transaction(() => {
      const at = this.ctx.now();
      const current = this.syncSettings();
      if (input.stageValues) {
        const next = { ...current.stageValues, ...input.stageValues };
        checkDistinct(next, input.stageValues);
        if (JSON.stringify(next) !== JSON.stringify(current.stageValues)) {
          store.settings.set(KEYS.stageValues, next, at);
          changed.push('stageValues');
        }
      }
      if (input.stageAttribute !== undefined && input.stageAttribute !== current.stageAttribute) {
        store.settings.set(KEYS.stageAttribute, input.stageAttribute, at);
        changed.push('stageAttribute');
      }
      if (input.companyStageAttribute !== undefined && input.companyStageAttribute !== current.companyStageAttribute) {
        store.settings.set(KEYS.companyStageAttribute, input.companyStageAttribute, at);
        changed.push('companyStageAttribute');
      }
      const contactAttr = input.stageAttribute ?? current.stageAttribute;
      const companyAttr = input.companyStageAttribute ?? current.companyStageAttribute;
      if (contactAttr.toLowerCase() === companyAttr.toLowerCase()) {
        const field = input.companyStageAttribute !== undefined ? 'companyStageAttribute' : 'stageAttribute';
        throw new AppError('VALIDATION', `${fieldLabel(field)}: Intercom keeps attribute names unique across people and companies; give the company stage a name of its own`, { field });
      }
      if (input.meAdminId !== undefined && input.meAdminId !== this.read<string | null>(KEYS.meAdminId, null)) {
        if (input.meAdminId !== null && !store.admins.byId(input.meAdminId)) {
          throw new AppError('VALIDATION', `${fieldLabel('meAdminId')}: there is no admin with id ${input.meAdminId} in the team; sync to refresh the team`, {
            field: 'meAdminId',
          });
        }
        store.settings.set(KEYS.meAdminId, input.meAdminId, at);
        changed.push('meAdminId');
        // the name changes are recorded under follows who I am, unless one is given with it
        if (input.yourName === undefined && this.read<string | null>(KEYS.yourName, null) !== null) {
          store.settings.set(KEYS.yourName, null, at);
          changed.push('yourName');
        }
      }
      if (input.yourName !== undefined) {
        const name = input.yourName?.trim() || null;
        if (name !== this.read<string | null>(KEYS.yourName, null)) {
          store.settings.set(KEYS.yourName, name, at);
          changed.push('yourName');
        }
      }
      if (input.region !== undefined && input.region !== this.region()) {
        store.settings.set(KEYS.region, input.region, at);
        changed.push('region');
      }
      if (input.baseUrl !== undefined && input.baseUrl !== this.read<string | null>(KEYS.baseUrl, null)) {
        try {
          if (input.baseUrl) resolveBaseUrl({ region: this.region(), baseUrl: input.baseUrl });
        } catch (e) {
          throw new AppError('VALIDATION', `${fieldLabel('baseUrl')}: ${(e as Error).message}`, { field: 'baseUrl' });
        }
        store.settings.set(KEYS.baseUrl, input.baseUrl, at);
        changed.push('baseUrl');
      }
      if (input.token !== undefined) {
        // the token file is written last: if it fails, the transaction rolls the rest back
        this.tokens.set(input.token);
        changed.push('token');
      }
      // another token or host may reach another workspace: forget the one we knew
      if (changed.some((k) => k === 'token' || k === 'region' || k === 'baseUrl')) {
        store.settings.set(KEYS.workspace, null, at);
        store.settings.set(KEYS.admin, null, at);
      }
    });
    if (changed.length > 0) for (const l of [...this.listeners]) l(changed);
    // "My leads" and the owner filter's "me" follow who I am
    if (changed.includes('meAdminId')) this.ctx.hub.emit('changed', { entity: 'segment', ids: [], op: 'settings.me' });
    return { changed };
  }

  /** After a successful GET /me: what the screen shows, the admin that sends messages, and the region's host. */
  rememberConnection(workspace: WorkspaceInfo, admin: AdminInfo, region: Region | null): void {
    const { store } = this.ctx;
    store.transaction(() => {
      const at = this.ctx.now();
      store.settings.set(KEYS.workspace, workspace, at);
      store.settings.set(KEYS.admin, admin, at);
      if (region && !this.override && !this.read<string | null>(KEYS.baseUrl, null)) store.settings.set(KEYS.region, region, at);
    });
  }

  admin(): AdminInfo | null {
    return this.read<AdminInfo | null>(KEYS.admin, null);
  }
}

/** Two stages spelled the same in Intercom could not be told apart when they come back. */
function checkDistinct(values: StageValues, given: Partial<StageValues>): void {
  const pairs: [keyof StageValues, keyof StageValues][] = [
    ['lead', 'signed_up'],
    ['sql', 'customer'],
  ];
  for (const [a, b] of pairs) {
    if (values[a] === values[b]) {
      const field = b in given ? b : a;
      throw new AppError('VALIDATION', `${fieldLabel(`stageValues.${field}`)}: "${values[field]}" is already the value of another stage`, { field: `stageValues.${field}` });
    }
  }
}
