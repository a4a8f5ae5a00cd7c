// Follows a message's events with the browser's own EventSource (token as ?access_token=, as EventSource cannot send
// headers) until the message is done, and prints what it saw. Usage: node eventsource.mjs <gateway-url> <token> <messageId>
import { chromium } from 'playwright-core';

const [url, token, id] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  await page.goto(`${url}/healthz`);   // same origin as the stream
  const seen = await page.evaluate(({ url, token, id }) => new Promise((resolve) => {
    const seen = [];
    const source = new EventSource(`${url}/messages/${id}/events?access_token=${encodeURIComponent(token)}`);
    for (const kind of ['state', 'reply']) {
      source.addEventListener(kind, (e) => {
        const event = JSON.parse(e.data);
        seen.push(`${kind}:${event.state ?? event.output}`);
        if (event.state === 'done') { source.close(); resolve(seen); }
      });
    }
    setTimeout(() => { source.close(); resolve(seen); }, 20000);
  }), { url, token, id });
  console.log(JSON.stringify(seen));
} finally {
  await browser.close();
}
