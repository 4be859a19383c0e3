// The explorer in the lecture hall, in headless Chromium: the narrative API (reset through the API and the `r`
// key, step(dt), pause-at=escape against the CLI's `flow` for the same state), keyboard focus (hover never
// takes it), no gamepad polling (an idle figure's CPU), and failures that a host page can see: with the
// WebAssembly module missing and with WebGL2 unavailable, get() rejects within 10 s, 'error' is emitted and the
// page shows a readable message; without WebGL2 the module is not even fetched.
// usage: node lecture.mjs SITE_DIR OUT_DIR GRASSFLOW_CLI
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, serve } from './browser.mjs';

const [site, outDir, cli] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const server = await serve(site);
const { browser, context, page, problems } = await launch();
const failures = [];
const check = (ok, what) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failures.push(what); };
const api = (p, call, ...args) => p.evaluate(([c, a]) => window.grassflow[c](...a), [call, args]);
const started = (p) => p.waitForFunction(() => window.grassflow && window.grassflow.ready === true, null, { timeout: 60000 });

try {
  // 1. pause-at=escape stops exactly at each escape time `grassflow flow` reports for the same state.
  const state = 'link=preset%3Astaircase2&d=1000&init=isotropic&speed=2&pause-at=escape';
  const flow = JSON.parse(execFileSync(cli, ['flow', '--link', 'preset:staircase2', '--d', '1000', '--init', 'isotropic', '--objective', 'joint',
                                             '--json']));
  // Gamepad listeners and reads make Chromium poll the gamepad hardware 60 times a second, even for a paused
  // figure: count both (web/main.cpp removes Emscripten's).
  await page.addInitScript(() => {
    window.gamepad = { reads: 0, listeners: 0 };
    const read = navigator.getGamepads.bind(navigator);
    navigator.getGamepads = () => { ++window.gamepad.reads; return read(); };
    const add = window.addEventListener, remove = window.removeEventListener;
    window.addEventListener = function (type, ...rest) { if (/^gamepad/.test(type)) ++window.gamepad.listeners; return add.call(this, type, ...rest); };
    window.removeEventListener = function (type, ...rest) { if (/^gamepad/.test(type)) --window.gamepad.listeners; return remove.call(this, type, ...rest); };
  });
  await page.goto(`${server.url}index.html#${state}`);
  await started(page);
  await page.evaluate(() => {
    window.pauses = [];
    window.grassflow.on('paused', (e) => window.pauses.push(e));
  });
  for (let k = 0; k < 2; ++k) {
    await page.waitForFunction((n) => window.pauses.length > n, k, { timeout: 60000 });
    const s = await api(page, 'get');
    const expected = flow.escape_times[k];
    check(!s.playing && Math.abs(s.t - expected) <= 1e-6 * expected,
          `pause-at=escape stops at escape ${k + 1}: t = ${s.t}, the CLI's flow says ${expected}`);
    if (k === 0) await api(page, 'play');
  }
  writeFileSync(join(outDir, 'lecture-paused-at-escape.png'), await page.screenshot());

  // 2. step(dt) moves t by exactly dt; reset() resolves to t = 0 and keeps the player paused.
  const before = (await api(page, 'get')).t;
  const stepped = await api(page, 'step', 2.5);
  check(Math.abs(stepped.t - (before + 2.5)) <= 1e-12 * stepped.t && !stepped.playing,
        `step(2.5) from t = ${before} gives t = ${stepped.t}`);
  const reset = await api(page, 'reset');
  check(reset.t === 0 && !reset.playing, `reset() resolves to the snapshot at t = 0, still paused (t = ${reset.t})`);
  const again = await api(page, 'step', 1);
  check(again.t === 1, `after reset, step(1) gives t = 1 (${again.t})`);

  // 3. Focus: hovering over the figure does not take the keyboard; a click does, and then `r` resets.
  await page.mouse.move(900, 600);
  await page.waitForTimeout(200);
  check(await page.evaluate(() => document.activeElement !== document.getElementById('canvas')),
        'hovering over the figure leaves the keyboard focus where it was');
  await page.mouse.click(1100, 700);
  check(await page.evaluate(() => document.activeElement === document.getElementById('canvas')),
        'a click inside the figure gives it the keyboard');
  await api(page, 'step', 3);
  await page.keyboard.press('r');
  await page.waitForTimeout(300);
  const afterKey = await api(page, 'get');
  check(afterKey.t === 0 && !afterKey.playing, `the r key resets to t = 0 and keeps paused (t = ${afterKey.t})`);
  const gamepad = await page.evaluate(() => window.gamepad);
  check(gamepad.reads === 0 && gamepad.listeners === 0,
        `no gamepad listener or read after frames and keys (${gamepad.listeners} listeners, ${gamepad.reads} reads)`);
  const bad = await page.evaluate(async () => { try { await window.grassflow.step(-1); return 'no error'; } catch (e) { return `${e.name}: ${e.message}`; } });
  check(bad.startsWith('TypeError') && bad.includes('dt'), `step(-1) is rejected naming dt (${bad})`);
} catch (e) {
  check(false, e.message);
}
for (const p of problems) check(false, p);

// 4. Failures a host page sees: a copy of the site without grassflow.wasm, and a browser without WebGL2.
const broken = mkdtempSync(join(tmpdir(), 'grassflow-broken-'));
cpSync(site, broken, { recursive: true });
rmSync(join(broken, 'grassflow.wasm'));
writeFileSync(join(broken, 'host.html'), `<!doctype html><meta charset="utf-8"><script src="embed.js"></script>
<div id="f" style="width:800px;height:500px"></div>
<script>window.g = grassflow.embed(document.getElementById('f'), {link: 'preset:he3'});
window.errors = []; g.on('error', (e) => window.errors.push(e.message));</script>`);
const brokenServer = await serve(broken);
async function failsReadably(p, what, options = {}) {
  const begin = Date.now();
  const outcome = await p.evaluate(async () => {
    try { await (window.g ? window.g.get() : window.grassflow.get()); return 'resolved'; } catch (e) { return `${e.name}: ${e.message}`; }
  });
  const seconds = (Date.now() - begin) / 1000;
  check(outcome.startsWith('Error') && seconds < 10, `${what}: get() rejects in ${seconds.toFixed(1)} s (${outcome})`);
  if (options.frame) {
    const text = await options.frame.evaluate(() => document.getElementById('error').textContent);
    check(text.length > 20 && !/ASSERTIONS|Aborted|RuntimeError/.test(text), `${what}: the figure says "${text}"`);
  }
}
try {
  const host = await context.newPage();
  await host.goto(`${brokenServer.url}host.html`);
  const frame = host.frames().find((f) => f !== host.mainFrame());
  await failsReadably(host, 'the WebAssembly module missing, embedded', { frame });
  check((await host.evaluate(() => window.errors.length)) === 1, "the embed handle emits 'error' once");
  writeFileSync(join(outDir, 'lecture-missing-wasm.png'), await host.screenshot());
  await host.close();

  const noGl = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await noGl.addInitScript(() => {
    const original = HTMLCanvasElement.prototype.getContext;
    HTMLCanvasElement.prototype.getContext = function (type, ...rest) {
      return type === 'webgl2' ? null : original.call(this, type, ...rest);
    };
  });
  const plain = await noGl.newPage();
  const requested = [];
  plain.on('request', (r) => requested.push(r.url()));
  await plain.goto(`${server.url}index.html`);
  await failsReadably(plain, 'no WebGL2', { frame: plain.mainFrame() });
  check(!requested.some((u) => u.endsWith('.wasm')), `without WebGL2 the wasm is not fetched (${requested.length} requests)`);
  await noGl.close();
} catch (e) {
  check(false, e.message);
}
brokenServer.stop();
rmSync(broken, { recursive: true, force: true });
await browser.close();
server.stop();
console.log(failures.length ? `FAIL lecture: ${failures.length} problem(s)` : 'PASS lecture browser test');
process.exit(failures.length ? 1 : 0);
