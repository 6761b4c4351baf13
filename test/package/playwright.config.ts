/**
 * The browser check of the installed wheel: Chromium against the JupyterLab that test_wheel.py
 * starts from a fresh venv (its URL in ADLAB_WHEEL_LAB_URL). Run by test_wheel.py only.
 */
import * as path from 'path';
import { defineConfig } from '@playwright/test';

const ROOT = path.resolve(__dirname, '../..');

export default defineConfig({
  testDir: __dirname,
  testMatch: 'wheel.spec.ts',
  outputDir: path.join(ROOT, 'test-results', 'wheel-artifacts'),
  timeout: 180_000,
  expect: { timeout: 60_000 },
  workers: 1,
  retries: 0,
  use: {
    baseURL: process.env.ADLAB_WHEEL_LAB_URL,
    headless: true,
    viewport: { width: 1280, height: 900 },
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.ADLAB_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--disable-gpu', '--disable-background-networking', '--no-first-run'],
    },
  },
});
