// Global setup of the slow project: the main-process tests load the built bundle (out/), so it is
// built first when the sources are newer, once for the whole run rather than per test file.
export async function setup(): Promise<void> {
  const { ensureBuilt } = await import('../../electron/launcher/build.mjs');
  ensureBuilt({ quiet: true });
}
