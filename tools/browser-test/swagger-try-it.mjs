// Opens Swagger UI, authorizes with the operator token, posts a REQCliCommand with "Try it out" and prints the status.
// Usage: node swagger-try-it.mjs <gateway-url> <token> <toNode> <screenshot.png>
import { chromium } from 'playwright-core';

const [url, token, toNode, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  // This machine has no network but loopback: keep Chromium from trying to reach anything else.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
  // The gateway's Content-Security-Policy must not block any part of Swagger UI: Chromium reports each block on the console.
  const blocked = [];
  page.on('console', message => { if (message.text().includes('Content Security Policy')) blocked.push(message.text()); });
  await page.goto(`${url}/swagger/index.html`);
  await page.click('button.authorize');
  await page.fill('.auth-container input', token);
  await page.click('.auth-btn-wrapper button.authorize');
  await page.click('.auth-btn-wrapper button.btn-done');
  const post = page.locator('#operations-Messages-PostMessages');
  await post.locator('.opblock-summary').click();
  await post.locator('button.try-out__btn').click();
  await post.locator('textarea.body-param__text').fill(JSON.stringify(
    { toNode, method: 'REQCliCommand', methodArgs: ['echo', 'hello from Swagger UI'] }, null, 2));
  await post.locator('button.execute').click();
  const status = post.locator('.live-responses-table tbody .response-col_status').first();
  await status.waitFor();
  await post.locator('.live-responses-table').scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshot });
  if (blocked.length > 0) throw new Error(`blocked by the Content-Security-Policy:\n${blocked.join('\n')}`);
  console.log(`status ${(await status.textContent()).trim()}`);
} finally {
  await browser.close();
}
