// Settings and the token: the token is write-only from the API's side, kept in a 0600 file in
// browser mode (or encrypted through the OS key store on desktop), and bad settings are refused
// by field with nothing saved.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EncryptedTokenStore, FileTokenStore } from '../../electron/core/settings/TokenStore';
import { coresPerTest, makeTempDir, removeTempDir } from '../helpers/testCore';

const start = coresPerTest();

describe('settings', () => {
  it('starts with the default stage spelling and no token', async () => {
    const t = start();
    const s = await t.api.call('settings.get', {});
    expect(s.stageAttribute).toBe('Stage');
    expect(s.companyStageAttribute).toBe('Company Stage');
    expect(s.stageValues).toEqual({ lead: 'Lead', signed_up: 'Signed up', sql: 'SQL', customer: 'CUST' });
    expect(s.intercom).toMatchObject({ region: 'us', tokenSet: false, tokenStorage: 'file', baseUrl: null, workspace: null });
    expect(s.intercom.tokenFile).toBe(path.join(t.dir, 'intercom-token'));
    expect((await t.api.call('sync.status', {})).state).toBe('not_configured');
  });

  it('keeps the token write-only, in a file only the owner can read, and forgets it on request', async () => {
    const t = start();
    await t.api.call('settings.set', { token: '  secret-token-123  ' });
    const s = await t.api.call('settings.get', {});
    expect(s.intercom.tokenSet).toBe(true);
    expect(JSON.stringify(s)).not.toContain('secret-token-123');
    const file = s.intercom.tokenFile!;
    expect(fs.readFileSync(file, 'utf8')).toBe('secret-token-123');
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    // the token is not in the database either
    expect(fs.readFileSync(t.core.dbFile).includes(Buffer.from('secret-token-123'))).toBe(false);
    expect((await t.api.call('sync.status', {})).state).toBe('idle');

    await t.api.call('settings.set', { token: null });
    expect((await t.api.call('settings.get', {})).intercom.tokenSet).toBe(false);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('saves region, base URL and stage values, and says what changed', async () => {
    const t = start();
    const res = await t.api.call('settings.set', { region: 'eu', baseUrl: 'http://127.0.0.1:9/', stageValues: { customer: 'Customer' } });
    expect(res.changed.sort()).toEqual(['baseUrl', 'region', 'stageValues']);
    const s = await t.api.call('settings.get', {});
    expect(s.intercom).toMatchObject({ region: 'eu', baseUrl: 'http://127.0.0.1:9/', baseUrlSource: 'settings' });
    expect(s.stageValues.customer).toBe('Customer');
    expect((await t.api.call('settings.set', { region: 'eu' })).changed).toEqual([]);
  });

  it('refuses bad settings by field and saves none of them', async () => {
    const t = start();
    const before = await t.api.call('settings.get', {});
    const cases: Array<[unknown, string]> = [
      [{ stageValues: { sql: 'CUST' } }, 'stageValues.sql'],
      [{ stageValues: { signed_up: 'Lead' } }, 'stageValues.signed_up'],
      [{ stageValues: { lead: '' } }, 'stageValues.lead'],
      [{ stageAttribute: '' }, 'stageAttribute'],
      // Intercom refuses one name in both people and company data
      [{ companyStageAttribute: 'stage' }, 'companyStageAttribute'],
      [{ stageAttribute: 'Company Stage' }, 'stageAttribute'],
      [{ baseUrl: 'ftp://example.com' }, 'baseUrl'],
      [{ region: 'mars' }, 'region'],
      [{ token: '' }, 'token'],
      [{ token: 'x'.repeat(1001) }, 'token'],
      [{ region: 'eu', stageValues: { customer: 'SQL' } }, 'stageValues.customer'],
      [{ surprise: 1 }, 'surprise'],
    ];
    for (const [input, field] of cases) {
      const err = await t.fail('settings.set', input);
      expect(err.code, JSON.stringify(input)).toBe('VALIDATION');
      expect(err.field, JSON.stringify(input)).toBe(field);
    }
    expect(await t.api.call('settings.get', {})).toEqual(before);
  });

  it('a start option address wins over the screen and says where it comes from', async () => {
    const t = start(undefined, undefined, { intercom: { baseUrl: 'http://127.0.0.1:9', source: 'start-option' } });
    await t.api.call('settings.set', { baseUrl: 'https://proxy.example.com' });
    const s = await t.api.call('settings.get', {});
    expect(s.intercom).toMatchObject({ baseUrl: 'http://127.0.0.1:9', baseUrlSource: 'start-option' });
  });

  it('testing the connection without a token names the token field', async () => {
    const t = start();
    const err = await t.fail('sync.testConnection', {});
    expect(err).toMatchObject({ code: 'VALIDATION', field: 'token' });
  });
});

describe('token stores', () => {
  it('the encrypted store keeps only ciphertext on disk and reads back through the cipher', () => {
    const dir = makeTempDir();
    try {
      const cipher = {
        encrypt: (s: string) => Buffer.from([...Buffer.from(s)].map((b) => b ^ 0x5a)),
        decrypt: (b: Buffer) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString(),
      };
      const store = new EncryptedTokenStore(dir, cipher);
      store.set('tok-abc');
      expect(fs.readFileSync(store.file).toString()).not.toContain('tok-abc');
      expect(store.get()).toBe('tok-abc');
      // a key store that cannot decrypt (another user, a reset keyring) reads as "no token"
      const broken = new EncryptedTokenStore(dir, { ...cipher, decrypt: () => { throw new Error('bad key'); } });
      expect(broken.get()).toBeNull();
      store.set(null);
      expect(store.get()).toBeNull();
    } finally {
      removeTempDir(dir);
    }
  });

  it('the file store survives a reopen and ignores surrounding whitespace', () => {
    const dir = makeTempDir();
    try {
      new FileTokenStore(dir).set('abc');
      fs.appendFileSync(path.join(dir, 'intercom-token'), '\n');
      expect(new FileTokenStore(dir).get()).toBe('abc');
    } finally {
      removeTempDir(dir);
    }
  });
});
