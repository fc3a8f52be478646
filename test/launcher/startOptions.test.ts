// `npm start` options and the default data folder, shared by the desktop app and browser mode.
import path from 'node:path';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseStartArgs } from '../../electron/startup/cliArgs';
import { defaultDataDir } from '../../electron/startup/paths';
import { hasDisplay } from '../../electron/launcher/electronRuntime.mjs';

describe('parseStartArgs', () => {
  it('reads --browser, --data and --port in both spellings', () => {
    const a = parseStartArgs(['--browser', '--data', 'some/dir', '--port', '5000'], {});
    expect(a).toMatchObject({ browser: true, dataDir: path.resolve('some/dir'), port: 5000 });
    const b = parseStartArgs(['--data=/tmp/x', '--port=0'], {});
    expect(b).toMatchObject({ browser: false, dataDir: '/tmp/x', port: 0 });
  });

  it('defaults to the per-user data folder and no fixed port', () => {
    const a = parseStartArgs([], { XDG_CONFIG_HOME: '/home/u/.cfg' });
    expect(a.port).toBeNull();
    if (process.platform === 'linux') expect(a.dataDir).toBe('/home/u/.cfg/Lead Console');
  });

  it('refuses a bad port or a missing value, naming the option', () => {
    expect(() => parseStartArgs(['--port', 'http'], {})).toThrow(/--port: "http" is not a port number/);
    expect(() => parseStartArgs(['--port', '70000'], {})).toThrow(/--port/);
    expect(() => parseStartArgs(['--data'], {})).toThrow(/--data: needs a value/);
  });

  it('reads the Intercom options: --sandbox (own data folder), --intercom-url and INTERCOM_BASE_URL', () => {
    const a = parseStartArgs(['--sandbox'], { XDG_CONFIG_HOME: '/home/u/.cfg' });
    expect(a.sandbox).toBe(true);
    if (process.platform === 'linux') expect(a.dataDir).toBe('/home/u/.cfg/Lead Console/sandbox');
    expect(parseStartArgs(['--sandbox', '--data', '/tmp/demo'], {}).dataDir).toBe('/tmp/demo');
    expect(parseStartArgs(['--intercom-url', 'http://127.0.0.1:4010/'], {}).intercomUrl).toEqual({ url: 'http://127.0.0.1:4010', source: 'start-option' });
    expect(parseStartArgs([], { INTERCOM_BASE_URL: 'https://proxy.example.com' }).intercomUrl).toEqual({ url: 'https://proxy.example.com', source: 'environment' });
    expect(parseStartArgs([], {}).intercomUrl).toBeNull();
  });

  it('refuses a bad Intercom address or two connections at once, naming the option', () => {
    expect(() => parseStartArgs(['--intercom-url', 'ftp://x'], {})).toThrow(/--intercom-url: "ftp:\/\/x" is not an http/);
    expect(() => parseStartArgs([], { INTERCOM_BASE_URL: 'nope' })).toThrow(/INTERCOM_BASE_URL/);
    expect(() => parseStartArgs(['--sandbox', '--intercom-url', 'http://a.b'], {})).toThrow(/--sandbox: cannot be combined/);
  });

  it('collects what the desktop window is to open, in order: files, --contact and lead-console:// links', () => {
    const a = parseStartArgs(['--data', '/tmp/x', 'people.csv', '--contact', ' ana@example.com ', '--contact=u-1', 'lead-console://contact/abc-123', 'LEAD-CONSOLE://contact/ana%40example.com/'], {});
    expect(a.dataDir).toBe('/tmp/x');
    expect(a.open).toEqual([
      { kind: 'file', path: 'people.csv' },
      { kind: 'contact', ref: 'ana@example.com' },
      { kind: 'contact', ref: 'u-1' },
      { kind: 'contact', ref: 'abc-123' },
      { kind: 'contact', ref: 'ana@example.com' },
    ]);
    // a link to anything else, or a malformed one, asks for no contact: said so by the desktop app
    expect(parseStartArgs(['lead-console://company/1', 'lead-console://contact/%E0%A4%A'], {}).open).toEqual([
      { kind: 'contact', ref: '' },
      { kind: 'contact', ref: '' },
    ]);
    expect(() => parseStartArgs(['--contact'], {})).toThrow(/--contact: needs a value/);
    expect(parseStartArgs([], {}).open).toEqual([]);
  });

  it('ignores switches it does not own (Electron and Chromium add their own)', () => {
    expect(parseStartArgs(['--no-sandbox', '--enable-logging', '--browser'], {}).browser).toBe(true);
  });
});

describe('defaultDataDir', () => {
  it('matches Electron userData for each OS', () => {
    expect(defaultDataDir({}, 'linux')).toBe(path.join(os.homedir(), '.config', 'Lead Console'));
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/x' }, 'linux')).toBe('/x/Lead Console');
    expect(defaultDataDir({}, 'darwin')).toBe(path.join(os.homedir(), 'Library', 'Application Support', 'Lead Console'));
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32')).toBe(path.join('C:\\Users\\u\\AppData\\Roaming', 'Lead Console'));
  });
});

describe('hasDisplay', () => {
  it('needs DISPLAY or WAYLAND_DISPLAY on Linux only', () => {
    expect(hasDisplay({}, 'linux')).toBe(false);
    expect(hasDisplay({ DISPLAY: ':99' }, 'linux')).toBe(true);
    expect(hasDisplay({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toBe(true);
    expect(hasDisplay({}, 'darwin')).toBe(true);
  });
});
