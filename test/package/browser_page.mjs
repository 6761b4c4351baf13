// Opens a built page in Chromium and prints the text and backend of its #gradient output as JSON:
// `node browser_page.mjs URL`. Used by test_npm_pack.py for the Vite example.
import { chromium } from '@playwright/test';

const browser = await chromium.launch({
  executablePath: process.env.ADLAB_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--disable-gpu', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.goto(process.argv[2]);
  const out = page.locator('#gradient[data-backend]');
  await out.waitFor({ timeout: 30_000 });
  const result = { text: await out.textContent(), backend: await out.getAttribute('data-backend') };
  console.log(JSON.stringify({ ...result, errors }));
} finally {
  await browser.close();
}
