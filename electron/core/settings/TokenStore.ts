// Where the Intercom access token lives. It never crosses the API: the renderer only learns
// whether one is set. The desktop app encrypts it with the OS key store (Electron safeStorage,
// handed in as a cipher so this module stays free of Electron); browser mode, which has no key
// store, keeps it in a file that only the OS user can read.
import fs from 'node:fs';
import path from 'node:path';
import { writePrivateFile } from '../files/privateFiles';

export type TokenStorageKind = 'os-keychain' | 'file' | 'memory';

export interface TokenStore {
  readonly kind: TokenStorageKind;
  /** The file holding it, if any (shown on the settings screen). */
  readonly file: string | null;
  get(): string | null;
  set(token: string | null): void;
}

/** The OS key store as the desktop app exposes it (Electron `safeStorage`). */
export interface TokenCipher {
  encrypt(plain: string): Buffer;
  decrypt(encrypted: Buffer): string;
}

export const TOKEN_FILE = 'intercom-token';
export const ENCRYPTED_TOKEN_FILE = 'intercom-token.enc';

/**
 * Forgetting a token removes every copy kept in the data folder: the desktop app and browser mode
 * share it, and the one not running may have left its own (a plaintext file from browser mode
 * beside the desktop app's encrypted one, or the other way round).
 */
function forgetEverywhere(dataDir: string): void {
  for (const name of [TOKEN_FILE, ENCRYPTED_TOKEN_FILE]) fs.rmSync(path.join(dataDir, name), { force: true });
}

function readIfExists(file: string): Buffer | null {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

export class FileTokenStore implements TokenStore {
  readonly kind = 'file' as const;
  readonly file: string;
  constructor(private readonly dataDir: string) {
    this.file = path.join(dataDir, TOKEN_FILE);
  }
  get(): string | null {
    const raw = readIfExists(this.file)?.toString('utf8').trim();
    return raw ? raw : null;
  }
  set(token: string | null): void {
    if (token === null) forgetEverywhere(this.dataDir);
    else writePrivateFile(this.file, token);
  }
}

export class EncryptedTokenStore implements TokenStore {
  readonly kind = 'os-keychain' as const;
  readonly file: string;
  constructor(
    private readonly dataDir: string,
    private readonly cipher: TokenCipher,
  ) {
    this.file = path.join(dataDir, ENCRYPTED_TOKEN_FILE);
  }
  get(): string | null {
    const raw = readIfExists(this.file);
    if (!raw || raw.length === 0) return null;
    try {
      return this.cipher.decrypt(raw) || null;
    } catch {
      // encrypted by another OS user or key store: as good as no token; the screen asks again
      return null;
    }
  }
  set(token: string | null): void {
    if (token === null) forgetEverywhere(this.dataDir);
    else writePrivateFile(this.file, this.cipher.encrypt(token));
  }
}

/** For a run against the built-in sandbox: its token is not worth keeping. */
export class MemoryTokenStore implements TokenStore {
  readonly kind = 'memory' as const;
  readonly file = null;
  constructor(private token: string | null = null) {}
  get(): string | null {
    return this.token;
  }
  set(token: string | null): void {
    this.token = token;
  }
}
