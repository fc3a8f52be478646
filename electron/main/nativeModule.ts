// better-sqlite3 needs a native module built for Electron's ABI, kept apart from the Node build
// in node_modules that tests and browser mode use. `npm run setup:electron` fetches it into
// .electron-native/<electron version>/; a packaged app carries its own rebuilt copy instead.
import fs from 'node:fs';
import path from 'node:path';

export const ELECTRON_SQLITE_HELP =
  'The Electron build of the database module (better-sqlite3) is missing. Run `npm run setup:electron` ' +
  '(it needs internet access), then `npm start` again. Meanwhile `npm start -- --browser` runs the console in your browser.';

export function electronSqlitePath(projectRoot: string, electronVersion: string): string {
  return path.join(projectRoot, '.electron-native', electronVersion, 'better_sqlite3.node');
}

/** The module's path, or null when it has not been fetched yet. */
export function electronSqliteBinding(projectRoot: string, electronVersion: string): string | null {
  const file = electronSqlitePath(projectRoot, electronVersion);
  return fs.existsSync(file) ? file : null;
}
