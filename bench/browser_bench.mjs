// The explorer in Chromium (issue 14), measured by scripts/bench (--only browser): the first frame after load from
// a local server (the median of three loads in fresh contexts, read in the page); the frame's CPU time (the app's
// own measure, snapshot.frame_ms over its last 600 frames) at the default state, and at the same state after a
// one-hour-equivalent run (216,000 player steps from t = 0, the frames of an hour at 60 per second, then playing);
// the CPU used by a page with three embedded figures, all paused, over 10 s (every Chromium process, from /proc);
// and the page's weight (gzip -9 of what the page downloads). Headless Chromium renders WebGL2 with SwiftShader on
// the CPU here: frame times include the app's work, not the GPU's. Prints one JSON object.
// usage: node bench/browser_bench.mjs SITE_DIR
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launch, serve } from '../tests/browser/browser.mjs';

const [site] = process.argv.slice(2);
const server = await serve(site);
const { browser, context, page } = await launch();
const result = {};
const settle = (ms) => new Promise((r) => setTimeout(r, ms));

// CPU seconds of each process of the browser this benchmark launched (the Chromium child of this node process and
// its descendants: other Chromiums on the machine do not count), by pid (utime + stime of /proc/PID/stat, in clock
// ticks of 1/100 s).
function chromiumCpuSeconds() {
  const stats = new Map();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      stats.set(pid, { name, parent: fields[1], seconds: (Number(fields[11]) + Number(fields[12])) / 100 });
    } catch { /* the process ended */ }
  }
  const ours = (pid) => {
    for (let p = pid, hops = 0; p && stats.has(p) && hops < 16; p = stats.get(p).parent, ++hops)
      if (stats.get(p).parent === String(process.pid)) return /chrom/.test(stats.get(p).name);
    return false;
  };
  return new Map([...stats].filter(([pid]) => ours(pid)).map(([pid, s]) => [pid, s.seconds]));
}
// CPU seconds used between two readings by the processes alive at both.
const cpuBetween = (a, b) => [...b].reduce((sum, [pid, s]) => sum + (a.has(pid) ? s - a.get(pid) : 0), 0);

// 1. First frame: from navigation start to the first animation frame after the loading overlay's removal (the
// app removes it when its first frame is drawn; the next animation frame is when the compositor has it), read
// in the page; in three fresh browser contexts (nothing cached: neither the files nor the compiled WebAssembly)
// of the running browser, the median being the result (this VM's speed drifts by tens of percent over minutes).
const firstFrames = [];
for (let i = 0; i < 3; ++i) {
  const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const p = await fresh.newPage();
  await p.addInitScript(() => {
    new MutationObserver((changes, observer) => {
      if (!document.body || document.getElementById('loading') || !window.grassflow?.ready) return;
      observer.disconnect();
      window.firstFrame = { drawn: performance.now() };
      requestAnimationFrame(() => { window.firstFrame.shown = performance.now(); });
    }).observe(document, { childList: true, subtree: true });
  });
  await p.goto(`${server.url}index.html`);
  await p.waitForFunction(() => window.firstFrame?.shown, null, { timeout: 60000 });
  firstFrames.push(await p.evaluate(() => window.firstFrame));
  await fresh.close();
}
result.first_frame_ms = firstFrames.map((f) => f.shown).sort((a, b) => a - b)[1];
result.first_frame_each = firstFrames;
await page.goto(`${server.url}index.html`);
await page.waitForFunction(() => !document.getElementById('loading'), null, { timeout: 60000 });

// 2. Frame CPU time at the default state, playing.
await settle(12000);
result.default_state = (await page.evaluate(() => window.grassflow.get())).frame_ms;

// 3. The same state after a one-hour-equivalent run: from t = 0, 216,000 steps of the player (an hour of frames
// at 60 per second), then playing.
await page.evaluate(() => window.grassflow.pause().then(() => window.grassflow.reset()));
const stepped = await page.evaluate(async () => {
  const begin = performance.now();
  for (let i = 0; i < 216000; ++i) await window.grassflow.step(1e-5);
  return { seconds: (performance.now() - begin) / 1000, t: (await window.grassflow.get()).t };
});
await page.evaluate(() => window.grassflow.play());
await settle(12000);
result.after_one_hour = Object.assign((await page.evaluate(() => window.grassflow.get())).frame_ms,
                                      { steps: 216000, t_before_playing: stepped.t, stepping_seconds: stepped.seconds });
await page.close();

// 4. Three embedded figures, all paused, on a lecture page: CPU over 10 s (after 3 s to settle), next to the
// same page with three iframes of a static file from the same server in their place (Chromium's own idle cost of
// three cross-origin frames, each a renderer process of its own, in this headless, software-rendered setting).
async function idleCoreFraction(html) {
  const p = await context.newPage();
  await p.setContent(html);
  await p.evaluate(() => Promise.all((window.figures || []).map((g) => g.get())));
  await settle(3000);
  const before = chromiumCpuSeconds();
  await settle(10000);
  const fraction = cpuBetween(before, chromiumCpuSeconds()) / 10;
  await p.close();
  return fraction;
}
const text = '<p>A lecture page.</p>';
result.idle_page_with_static_frames_core_fraction = await idleCoreFraction(`<!doctype html>${text}
  ${['a', 'b', 'c'].map(() => `<iframe src="${server.url}embed.js" style="width:100%;height:250px"></iframe>`).join('')}`);
result.idle_three_paused_figures_core_fraction = await idleCoreFraction(`<!doctype html>${text}
  <script src="${server.url}embed.js"></script>
  <div id="a" style="height:250px"></div><div id="b" style="height:250px"></div><div id="c" style="height:250px"></div>
  <script>window.figures = ['a', 'b', 'c'].map((id) => grassflow.embed(document.getElementById(id), {paused: 1}));</script>`);

// 5. Page weight: what index.html downloads, gzip -9.
const files = ['index.html', 'grassflow.js', 'grassflow.wasm', 'embed.js'];
result.page_bytes = Object.fromEntries(files.map((f) => [f, readFileSync(join(site, f)).length]));
result.page_gzip_bytes = files.reduce((sum, f) => sum + gzipSync(readFileSync(join(site, f)), { level: 9 }).length, 0);

result.targets_met = {
  'frame median <= 4 ms (default)': result.default_state.median <= 4,
  'frame p95 <= 8 ms (default)': result.default_state.p95 <= 8,
  'frame median <= 4 ms (one hour)': result.after_one_hour.median <= 4,
  'frame p95 <= 8 ms (one hour)': result.after_one_hour.p95 <= 8,
  'idle three paused figures < 2% of a core': result.idle_three_paused_figures_core_fraction < 0.02,
  'idle three paused figures < 2% of a core, over three static frames':
    result.idle_three_paused_figures_core_fraction - result.idle_page_with_static_frames_core_fraction < 0.02,
  'first frame <= 1.5 s': result.first_frame_ms <= 1500,
  'page <= 1 MB compressed': result.page_gzip_bytes <= 1e6,
};
await browser.close();
server.stop();
console.log(JSON.stringify(result, null, 2));
