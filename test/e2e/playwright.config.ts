/**
 * Browser end-to-end tests: Galata (JupyterLab's Playwright helpers) driving Debian's Chromium
 * against a JupyterLab started by start-lab.sh. Run from the repo root:
 *   npx playwright test -c test/e2e/playwright.config.ts
 */
import * as path from 'path';
import { defineConfig } from '@playwright/test';

const ROOT = path.resolve(__dirname, '../..');
const PORT = Number(process.env.ADLAB_E2E_PORT ?? 8899);
const CHROMIUM = process.env.ADLAB_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: __dirname,
  testMatch: '**/*.spec.ts',
  // Artifacts of failed tests; a subfolder, because Playwright empties its outputDir at start.
  outputDir: path.join(ROOT, 'test-results', 'e2e-artifacts'),
  reporter: [['list'], ['junit', { outputFile: path.join(ROOT, 'test-results', 'e2e.xml') }]],
  timeout: 180_000,
  expect: { timeout: 60_000 },
  workers: 1,
  fullyParallel: false,
  // One retry on CI, where a run that fails cannot be looked at again: a test that passes on its
  // retry is reported as "flaky" in the summary (and stays visible), a real failure fails twice.
  retries: process.env.CI ? 1 : 0,
  forbidOnly: !!process.env.CI,
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    headless: true,
    viewport: { width: 1280, height: 900 },
    video: 'off',
    trace: 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    // A shell command line: quoted, so a checkout path with spaces works.
    command: JSON.stringify(path.join(ROOT, 'test/e2e/start-lab.sh')),
    url: `http://127.0.0.1:${PORT}/lab`,
    timeout: 120_000,
    reuseExistingServer: !process.env.CI,
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
