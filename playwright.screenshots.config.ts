// `npm run screenshots`: the browser-mode project of playwright.config.ts, for the screenshot
// capture only (kept out of `npm test`, which runs *.spec.ts).
import { defineConfig } from '@playwright/test';
import base from './playwright.config';

export default defineConfig({
  ...base,
  testMatch: /screenshots\.capture\.ts/,
  reporter: [['list']],
  projects: base.projects!.filter((p) => p.name === 'chromium').map((p) => ({ ...p, testIgnore: undefined })),
});
