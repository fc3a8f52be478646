// "Forget token" removes every copy kept in the data folder, whichever app forgets it: the desktop
// app (an encrypted file; a fake key store stands in for Electron's safeStorage) and browser mode
// (a plaintext 0600 file) share one folder, and each may find the other's copy there.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EncryptedTokenStore, ENCRYPTED_TOKEN_FILE, FileTokenStore, TOKEN_FILE, type TokenCipher } from '../../electron/core/settings/TokenStore';
import { makeTempDir, removeTempDir, startCore, type TestCore } from '../helpers/testCore';

const cipher: TokenCipher = {
  encrypt: (s) => Buffer.from([...Buffer.from(s)].map((b) => b ^ 0x5a)),
  decrypt: (b) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString(),
};

const dirs: string[] = [];
const cores: TestCore[] = [];
afterEach(() => {
  for (const c of cores.splice(0)) c.dispose();
  for (const d of dirs.splice(0)) removeTempDir(d);
});

function folder(): string {
  const d = makeTempDir();
  dirs.push(d);
  return d;
}

describe('forgetting the token', () => {
  it('in the desktop app also removes the plaintext file browser mode wrote in the same folder', async () => {
    const dir = folder();
    new FileTokenStore(dir).set('browser-mode-token');
    const desktop = new EncryptedTokenStore(dir, cipher);
    desktop.set('desktop-token');
    expect(fs.existsSync(path.join(dir, TOKEN_FILE))).toBe(true);
    expect(fs.existsSync(path.join(dir, ENCRYPTED_TOKEN_FILE))).toBe(true);

    // through the API, as the Settings screen's "Forget token" does
    const t = startCore(dir, undefined, { tokenStore: desktop });
    cores.push(t);
    expect((await t.api.call('settings.get', {})).intercom).toMatchObject({ tokenSet: true, tokenStorage: 'os-keychain' });
    await t.api.call('settings.set', { token: null });
    expect((await t.api.call('settings.get', {})).intercom.tokenSet).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('intercom-token'))).toEqual([]);
    expect(new FileTokenStore(dir).get()).toBeNull();
  });

  it('in browser mode also removes the encrypted file the desktop app wrote', () => {
    const dir = folder();
    new EncryptedTokenStore(dir, cipher).set('desktop-token');
    const browser = new FileTokenStore(dir);
    browser.set('browser-mode-token');
    browser.set(null);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('intercom-token'))).toEqual([]);
    expect(new EncryptedTokenStore(dir, cipher).get()).toBeNull();
  });

  it('leaves the other files of the folder alone, and is fine when there is nothing to remove', () => {
    const dir = folder();
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    new EncryptedTokenStore(dir, cipher).set(null);
    expect(fs.readdirSync(dir)).toEqual(['notes.txt']);
  });
});
