// Shared harness for the browser tests: serve a folder on 127.0.0.1, launch Debian's Chromium headless with
// SwiftShader WebGL2 (flags from docs/toolchain.md), collect console errors and failed requests.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
  '--disable-quic',
];

/** Serves `dir` with python's http.server on a free port; resolves to {url, stop()}. */
export async function serve(dir) {
  const port = 18000 + Math.floor(Math.random() * 2000);
  const server = spawn('/usr/bin/python3', ['-m', 'http.server', '--bind', '127.0.0.1', '--directory', dir, String(port)],
                       { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 100; ++i) {
    try { if ((await fetch(url)).ok) return { url, stop: () => server.kill() }; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  server.kill();
  throw new Error(`http.server did not start on ${url}`);
}

/** Launches Chromium; returns {browser, page, problems} where problems collects console errors, page errors
 *  and failed requests of every page opened in the context. */
export async function launch() {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS,
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const problems = [];
  const watch = (page) => {
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  };
  context.on('page', watch);
  const page = await context.newPage();
  return { browser, context, page, problems };
}

/** Decodes a PNG buffer and tells whether it has content: distinct colours and contrast; and the WCAG relative
 *  luminance of its commonest colour (the background the figure is drawn on). */
export function pngStats(buffer) {
  const png = PNG.sync.read(buffer);
  const seen = new Map();
  let sum = 0, sum2 = 0, n = 0;
  for (let i = 0; i < png.data.length; i += 4 * 7) {
    const v = png.data[i] * 65536 + png.data[i + 1] * 256 + png.data[i + 2];
    seen.set(v, (seen.get(v) || 0) + 1);
    const g = (png.data[i] + png.data[i + 1] + png.data[i + 2]) / 3;
    sum += g; sum2 += g * g; ++n;
  }
  const std = Math.sqrt(Math.max(0, sum2 / n - (sum / n) ** 2));
  let commonest = 0, most = -1;
  for (const [v, count] of seen) if (count > most) { most = count; commonest = v; }
  const linear = (c) => { c /= 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const commonest_luminance = 0.2126 * linear(commonest >> 16) + 0.7152 * linear((commonest >> 8) & 255) +
                              0.0722 * linear(commonest & 255);
  return { width: png.width, height: png.height, colours: seen.size, std, blank: seen.size < 6 || std < 3,
           commonest_luminance };
}

export function tempProfile() { return mkdtempSync(join(tmpdir(), 'grassflow-chromium-')); }
