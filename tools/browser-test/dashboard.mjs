// Drives the dashboard at / in headless Chromium: a wrong token gets the 401 message; signed in, both nodes are online;
// `uname -n` runs on both and each output appears under its node; a `sleep 300` is cancelled from its card; the history
// shows the cancelled message's timeline. Screenshots go to <docs>/dashboard-*.png. Prints one JSON line of what it saw.
// Usage: node dashboard.mjs <gateway-url> <token> <node1> <node2> <docs-folder>
import { chromium } from 'playwright-core';
import path from 'node:path';

const [url, token, node1, node2, docs] = process.argv.slice(2);
const timeout = 30000;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  // This machine has no network but loopback: keep Chromium from trying to reach anything else.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.setDefaultTimeout(timeout);
  // Anything the Content-Security-Policy blocks, and any script error, fails the run.
  const problems = [];
  page.on('console', (m) => { if (m.text().includes('Content Security Policy')) problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  const seen = {};

  await page.goto(`${url}/`);
  await page.fill('#token', 'not-the-token');
  await page.click('#signin-form button');
  await page.locator('#signin-error', { hasText: '401' }).waitFor();
  seen.wrongToken = await page.textContent('#signin-error');

  await page.fill('#token', token);
  await page.click('#signin-form button');
  const row = (node) => page.locator(`#fleet-rows tr[data-node="${node}"]`);
  for (const node of [node1, node2]) await row(node).locator('.badge.online').waitFor();
  seen.online = [node1, node2];
  await page.screenshot({ path: path.join(docs, 'dashboard-fleet.png') });

  // uname -n on both nodes: each card fills with its node's output and ends done.
  for (const node of [node1, node2]) await row(node).locator('input[type=checkbox]').check();
  await page.fill('#command', 'uname -n');
  await page.click('#run');
  const card = (node) => page.locator(`.run-result`).first().locator(`.card[data-run-node="${node}"]`);
  seen.uname = {};
  for (const node of [node1, node2]) {
    await card(node).locator('.badge[data-state="done"]').waitFor();
    seen.uname[node] = await card(node).locator('pre.output').textContent();
  }
  await page.screenshot({ path: path.join(docs, 'dashboard-run.png'), fullPage: true });

  // sleep 300 on one node, without a time limit: cancelled from its card once the node has it.
  await row(node2).locator('input[type=checkbox]').uncheck();
  await page.fill('#command', 'sleep 300');
  await page.fill('#timeout', '-1');
  await page.click('#run');
  const sleeping = card(node1);
  await sleeping.locator('.badge[data-state="acked"]').waitFor();
  seen.sleepId = await sleeping.getAttribute('data-message');
  await sleeping.locator('button.cancel').click();
  await sleeping.locator('.badge[data-state="cancelled"]').waitFor();
  seen.cancelled = await sleeping.locator('.note').textContent();

  // The history, filtered to the node, and the cancelled message's timeline.
  await page.click('[data-tab="history"]');
  await page.fill('#history-node', node1);
  await page.click('#history-form button[type=submit]');
  await page.locator(`#history-rows tr[data-message="${seen.sleepId}"]`).click();
  await page.locator('#timeline .timeline .badge[data-state="cancelled"]').waitFor();
  seen.timeline = await page.locator('#timeline .timeline tbody tr').evaluateAll((rows) =>
    rows.map((r) => r.querySelector('.badge')?.textContent ?? r.cells[3].textContent));
  await page.screenshot({ path: path.join(docs, 'dashboard-history.png'), fullPage: true });

  // The error log is live.
  await page.click('[data-tab="errors"]');
  await page.locator('#errors-status', { hasText: 'live' }).waitFor();
  seen.errorLog = await page.textContent('#errors-status');

  // How a typed line becomes argv: quotes and backslashes as a shell takes them, no shell.
  seen.split = await page.evaluate(async () => {
    const { splitCommandLine } = await import('/command-line.js');
    return [`bash -c 'df -h | tail -1'`, String.raw`echo "a \"b\"" c\ d  ''`].map(splitCommandLine);
  });

  if (problems.length > 0) throw new Error(problems.join('\n'));
  console.log(JSON.stringify(seen));
} finally {
  await browser.close();
}
