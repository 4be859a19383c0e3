// Browser smoke test: the web build loads in headless Chromium, sets its ready flag after the first frame,
// logs no console error and no failed request, and the canvas screenshot is not blank.
// usage: node smoke.mjs SITE_DIR OUT_DIR
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, pngStats, serve } from './browser.mjs';

const [site, outDir] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const server = await serve(site);
const { browser, page, problems } = await launch();
let failed = false;
try {
  await page.goto(`${server.url}index.html#panels=controls,cosines,loss,landscape,link`);
  await page.waitForFunction(() => window.grassflow && window.grassflow.ready === true, null, { timeout: 60000 });
  await page.waitForTimeout(500);
  const shot = await page.screenshot();
  writeFileSync(join(outDir, 'browser.png'), shot);
  const stats = pngStats(shot);
  console.log(`browser screenshot ${join(outDir, 'browser.png')}: ${stats.width}x${stats.height}, ${stats.colours} colours`);
  if (stats.blank) { console.log('FAIL: the browser screenshot is blank'); failed = true; }
  if (problems.length) { console.log(`FAIL: ${problems.join('\n')}`); failed = true; }
} catch (e) {
  console.log(`FAIL: ${e.message}`);
  if (problems.length) console.log(problems.join('\n'));
  failed = true;
} finally {
  await browser.close();
  server.stop();
}
if (!failed) console.log('PASS browser smoke test');
process.exit(failed ? 1 : 0);
