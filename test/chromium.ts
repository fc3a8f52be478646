// The Chromium that the end-to-end tests and the console benchmark drive, and its launch
// arguments, written once for both.
import fs from 'node:fs';

/** Debian's Chromium (`apt-get install chromium`) or CHROMIUM_PATH, where it exists; else undefined (Playwright's own). */
export function systemChromium(): string | undefined {
  const candidate = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  return fs.existsSync(candidate) ? candidate : undefined;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
