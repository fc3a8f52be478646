// Builds the app once before the end-to-end tests if the sources changed since the last build.
export default async function globalSetup() {
  const { ensureBuilt } = await import('../../electron/launcher/build.mjs');
  ensureBuilt({ quiet: true });
}
