// Where Lead Console keeps its data when no --data folder is given: the OS's per-user app data
// folder, the same one Electron's app.getPath('userData') returns for this product name, so the
// desktop app and browser mode open the same store.
import os from 'node:os';
import path from 'node:path';

export const PRODUCT_NAME = 'Lead Console';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', PRODUCT_NAME);
  if (platform === 'win32') return path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), PRODUCT_NAME);
}
