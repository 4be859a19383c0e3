// The explorer in headless Chromium: a URL state with a fixed dt reproduces the core's escape times
// (docs/theory.md §6 reference values), toggling the objective changes the landscape, the URL state round-trips
// (expressions with '+' included), bad URL values are reported without a blank page, and the lecture page
// with three embedded instances works, theme=light gives a white page with the app in the light palette, and
// text grows with a 1080-pixel-high figure. Fails on any console error or failed request.
// usage: node explorer.mjs SITE_DIR OUT_DIR
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, pngStats, serve } from './browser.mjs';

const [site, outDir] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const server = await serve(site);
const { browser, context, page, problems } = await launch();
const failures = [];
const check = (ok, what) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failures.push(what); };
const relClose = (a, b, tol) => Math.abs(a - b) <= tol * Math.abs(b);
const snapshot = (p) => p.evaluate(() => window.grassflow.get());
async function waitFor(p, predicate, what, timeout = 60000) {
  const start = Date.now();
  for (;;) {
    const s = await snapshot(p);
    if (predicate(s)) return s;
    if (Date.now() - start > timeout) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(s).slice(0, 400)}`);
    await p.waitForTimeout(100);
  }
}

try {
  // 1. A fixed-dt URL state reproduces the reference escape times of staircase2 (joint, C(0) = I/d, d = 1000).
  await page.goto(`${server.url}index.html#link=preset%3Astaircase2&d=1000&init=isotropic&dt=0.1&panels=controls,cosines,loss,landscape,link,matrix`);
  await page.waitForFunction(() => window.grassflow && window.grassflow.ready === true, null, { timeout: 60000 });
  let s = await waitFor(page, (x) => x.t >= 8, 't >= 8');
  check(s.escape_times.length === 2 && relClose(s.escape_times[0], 3.449434632, 1e-8) && relClose(s.escape_times[1], 6.900705689, 1e-8),
        `staircase2 escapes at the reference times 3.449434632, 6.900705689 (got ${s.escape_times})`);
  check(s.cosines[0] > 0.999 && s.cosines[1] > 0.9, `cosines moved to the pole (got ${s.cosines})`);
  const shot = await page.screenshot();
  writeFileSync(join(outDir, 'explorer-joint.png'), shot);
  check(!pngStats(shot).blank, 'the explorer screenshot is not blank');
  console.log(`     frame CPU time: median ${s.frame_ms.median.toFixed(2)} ms, p95 ${s.frame_ms.p95.toFixed(2)} ms; landscape ${s.landscape.compute_ms.toFixed(2)} ms`);

  // 2. Toggling the objective changes the landscape (joint and planted differ on this slice).
  const jointLandscape = s.landscape;
  await page.evaluate(() => window.grassflow.set({ objective: 'planted' }));
  s = await waitFor(page, (x) => x.landscape && x.landscape.for.startsWith('planted'), 'the planted landscape');
  check(s.landscape.min !== jointLandscape.min || s.landscape.max !== jointLandscape.max,
        `the landscape changes with the objective (joint [${jointLandscape.min}, ${jointLandscape.max}], planted [${s.landscape.min}, ${s.landscape.max}])`);
  writeFileSync(join(outDir, 'explorer-planted.png'), await page.screenshot());

  // 2b. Finite samples in the browser (WebAssembly SIMD kernels): training on n samples follows the flow.
  await page.evaluate(() => window.grassflow.set({ objective: 'joint', d: 50, n: 5000, dt: 0.2 }));
  s = await waitFor(page, (x) => x.samples && x.samples.t >= 12, 'training to reach t = 12');
  check(s.samples.cosines[0] > 0.9 && s.samples.escape_times[0] !== null,
        `training on n = 5000 samples learns the first direction (cosines ${s.samples.cosines}, ${s.samples.description})`);

  // 3. URL round trip through hashchange, with an expression that contains '+' and '*'.
  await page.evaluate(() => { location.hash = `link=${encodeURIComponent('z1+z1*z2')}&d=500&objective=planted&dt=0.05`; });
  s = await waitFor(page, (x) => x.hash.includes('d=500'), 'the new hash');
  check(s.hash.includes('link=z1%2Bz1*z2') && s.problems.length === 0, `expression survives the URL (hash ${s.hash})`);
  const hash = await page.evaluate(() => location.hash.slice(1));
  check(hash === s.hash, `location.hash is the canonical state (${hash})`);

  // 4. Bad values are reported and replaced by defaults; the page keeps rendering.
  await page.evaluate(() => { location.hash = 'd=-4&objective=banana&bogus=1'; });
  s = await waitFor(page, (x) => x.problems.length > 0, 'problems to be reported');
  check(s.problems.length === 3 && s.objective === 'joint', `bad URL values reported (${s.problems.join(' / ')})`);
  await page.evaluate(() => { location.hash = `link=${encodeURIComponent('z1+(')}`; });
  s = await waitFor(page, (x) => x.problems.some((m) => m.includes('position')), 'the expression error');
  check(typeof s.t === 'number', `a malformed expression keeps the last good experiment (${s.problems[0]})`);

  // 4b. A URL that decodes to invalid UTF-8 is reported, and the scripting API keeps answering.
  await page.evaluate(() => { location.hash = 'link=%FF'; });
  s = await waitFor(page, (x) => x.problems.length > 0 && !x.problems[0].includes('z1+('), 'the invalid escape to be reported');
  check(s.problems[0].includes('expression'), `invalid UTF-8 in the URL is reported, the API keeps answering (${s.problems[0]})`);
  const setReply = await page.evaluate(() => window.grassflow.set({ d: 'abc' }));
  check(setReply && setReply.problems.some((m) => m.includes("URL d: 'abc'")), 'grassflow.set resolves to the new snapshot with its problems');
  // 4c. Calls that are not the API's: rejected or thrown with a message naming the call, the state kept.
  const misuse = await page.evaluate(async () => {
    const caught = async (f) => { try { await f(); return 'no error'; } catch (e) { return `${e.name}: ${e.message}`; } };
    return {
      nullState: await caught(() => window.grassflow.set(null)),
      numberState: await caught(() => window.grassflow.set(42)),
      unknownEvent: await caught(() => window.grassflow.on('escpae', () => {})),
      notAFunction: await caught(() => window.grassflow.on('escape', 'alert')),
      after: await window.grassflow.get(),
    };
  });
  check(misuse.nullState.startsWith('TypeError: grassflow.set') && misuse.nullState.includes('not null'),
        `grassflow.set(null) is rejected (${misuse.nullState})`);
  check(misuse.numberState.includes('not 42'), `grassflow.set(42) is rejected (${misuse.numberState})`);
  check(misuse.unknownEvent.includes("unknown event 'escpae'") && misuse.unknownEvent.includes('escape'),
        `grassflow.on with a misspelt event throws (${misuse.unknownEvent})`);
  check(misuse.notAFunction.includes('must be a function'), `grassflow.on without a function throws (${misuse.notAFunction})`);
  check(misuse.after.hash === setReply.hash, 'the rejected calls left the state as it was');

  // 5. The lecture page: three embedded instances, addressed separately, each stopping at its escapes.
  const lecture = await context.newPage();
  await lecture.goto(`${server.url}examples/lecture.html`);
  await lecture.evaluate(() => {
    window.firstEscape = new Promise((resolve) => window.lectureInstances.trap.on('escape', resolve));
    window.firstPause = new Promise((resolve) => window.lectureInstances.trap.on('paused', resolve));
  });
  const embedMisuse = await lecture.evaluate(async () => {
    const g = window.lectureInstances.trap;
    const caught = async (f) => { try { await f(); return 'no error'; } catch (e) { return `${e.name}: ${e.message}`; } };
    return [await caught(() => g.set(null)), await caught(() => g.on('finish', () => {}))];
  });
  check(embedMisuse[0].startsWith('TypeError: set') && embedMisuse[1].includes("unknown event 'finish'"),
        `embed.js rejects set(null) and on('finish') (${embedMisuse.join(' / ')})`);
  const he3 = await lecture.evaluate(() => window.lectureInstances.he3.get());
  const staircase = await lecture.evaluate(() => window.lectureInstances.staircase.get());
  check(he3.r === 1 && staircase.r === 2 && he3.hash.includes('he3') && !staircase.hash.includes('link='),
        `the embedded instances answer for themselves (r = ${he3.r}: ${he3.hash}; r = ${staircase.r}: ${staircase.hash})`);
  // A figure runs while it is on screen: bring the second one into view.
  await lecture.evaluate(() => document.getElementById('trap').scrollIntoView());
  const escaped = await lecture.evaluate(() => Promise.race([window.firstEscape, new Promise((r) => setTimeout(() => r(null), 30000))]));
  check(escaped && escaped.index === 1 && escaped.objective === 'joint',
        `the trap figure reports the joint escape through on('escape') (${JSON.stringify(escaped)})`);
  const paused = await lecture.evaluate(() => Promise.race([window.firstPause, new Promise((r) => setTimeout(() => r(null), 10000))]));
  check(paused && paused.reason === 'escape' && paused.t === escaped.t, `and pauses at that very time (${JSON.stringify(paused)})`);
  const trap = await lecture.evaluate(() => window.lectureInstances.trap.get());
  const plantedRun = trap.runs.find((run) => run.objective === 'planted');
  check(!trap.playing && plantedRun.escape_times[0] === null && plantedRun.M[0][0] < -0.6,
        `the planted run is trapped (m = ${plantedRun.M[0][0]}) while the figure waits for the next stage`);
  const caption = await lecture.evaluate(() => document.getElementById('trap-caption').textContent);
  check(caption.includes('escaped the equator at t = ') && caption.includes('Next stage'), `the caption follows the events ("${caption}")`);
  writeFileSync(join(outDir, 'lecture.png'), await lecture.screenshot());

  // 6. theme=light: the page is white before the app runs (index.html's script), and so is the app's frame
  // (its most common colour); theme=dark stays dark. At 1920×1080 text is at least 1/60 of the height (18 px).
  const themed = await context.newPage();
  await themed.goto(`${server.url}index.html#link=preset%3Astaircase2&d=1000&init=isotropic&dt=0.1&theme=light`);
  const pageBackground = await themed.evaluate(() => getComputedStyle(document.body).backgroundColor);
  check(pageBackground === 'rgb(255, 255, 255)', `theme=light: the page's background is white before the app runs (${pageBackground})`);
  await themed.waitForFunction(() => window.grassflow && window.grassflow.ready === true, null, { timeout: 60000 });
  s = await waitFor(themed, (x) => x.t >= 8, 't >= 8 (theme=light)');
  const light = await themed.screenshot();
  writeFileSync(join(outDir, 'explorer-light.png'), light);
  const lightStats = pngStats(light);
  check(!lightStats.blank && lightStats.commonest_luminance > 0.9,
        `theme=light: the app's background is white-ish (commonest colour's luminance ${lightStats.commonest_luminance.toFixed(3)})`);
  check(s.hash.includes('theme=light'), `theme=light stays in the hash (${s.hash})`);
  check(s.ui_scale === 1, `at 1280×800 the UI scale is the screen's own (${s.ui_scale})`);
  await themed.close();
  // A new page rather than a resize: resizing a running page raises "Permissions check failed" page errors
  // (Emscripten's GLFW port; not the theme's doing).
  const tall = await context.newPage();
  await tall.setViewportSize({ width: 1920, height: 1080 });
  await tall.goto(`${server.url}index.html#link=preset%3Astaircase2&d=1000&init=isotropic&dt=0.1&theme=light`);
  await tall.waitForFunction(() => window.grassflow && window.grassflow.ready === true, null, { timeout: 60000 });
  s = await waitFor(tall, (x) => x.t >= 4, 't >= 4 (1920×1080)');
  check(15 * s.ui_scale >= 18, `at 1920×1080 the text is ${15 * s.ui_scale} px, at least 1/60 of the height`);
  writeFileSync(join(outDir, 'explorer-light-1080.png'), await tall.screenshot());
  // A theme switched on the open page rebuilds the font texture: before it did, every glyph and filled shape
  // came out black (the dark palette's background is not black: luminance 0.008).
  await tall.evaluate(() => window.grassflow.set({ theme: 'dark' }));
  await tall.waitForTimeout(300);
  const darkStats = pngStats(await tall.screenshot());
  check(darkStats.commonest_luminance < 0.05 && darkStats.commonest_luminance > 0.002 && !darkStats.blank,
        `theme=dark set on the open page: the app's background is dark, not black (luminance ${darkStats.commonest_luminance.toFixed(4)})`);
  await tall.evaluate(() => { location.hash = `${location.hash.slice(1)}&theme=light`; });
  await tall.waitForTimeout(500);
  const relit = await tall.screenshot();
  writeFileSync(join(outDir, 'explorer-light-again.png'), relit);
  const relitStats = pngStats(relit);
  check(relitStats.commonest_luminance > 0.9 && !relitStats.blank,
        `theme=light through the hash of the open page: light again (luminance ${relitStats.commonest_luminance.toFixed(3)})`);
  await tall.close();
} catch (e) {
  check(false, e.message);
}
for (const p of problems) check(false, p);
await browser.close();
server.stop();
console.log(failures.length ? `FAIL explorer: ${failures.length} problem(s)` : 'PASS explorer browser test');
process.exit(failures.length ? 1 : 0);
