// Web benchmark (a table, not a test): node bench_web.mjs DIST_DIR IMAGE...
// In headless Chromium here, each cold run in a fresh browser profile:
// - the floor: a bare page that imports ONNX Runtime Web, creates this model's session and runs it
//   once; against it, the page's first result with a file dropped as soon as the page appears
//   (the file waits in the queue until the model is ready); alternated, medians of RUNS each;
// - a batch: all IMAGEs in one drop (images/s, and how long the main thread is ever busy at once);
// - one file at a time: drop-to-result split into read, decode, preprocess, inference (medians);
// - a returning visitor (reload), and the page's weight (bytes and gzipped).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { dropFile, dropFiles, launchChromium, openPage, serveDist } from './harness.mjs';

const RUNS = Number(process.env.XRAY_BENCH_RUNS || 3);
// Files in the cold drop (the first result is the first file's row): 1, or e.g. 12 for a handful.
const COLD_FILES = Number(process.env.XRAY_BENCH_COLD_FILES || 1);
const [distDir, ...images] = process.argv.slice(2);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

const files = [];
const walk = (dir) => { for (const name of readdirSync(dir)) { const p = path.join(dir, name); statSync(p).isDirectory() ? walk(p) : files.push(p); } };
walk(distDir);
let bytes = 0, gzipped = 0;
for (const f of files) { const b = readFileSync(f); bytes += b.length; gzipped += gzipSync(b, { level: 9 }).length; }

// The floor page lives beside a view of dist/ (same origin, same files, same server).
const site = mkdtempSync(path.join(tmpdir(), 'xray-bench-'));
for (const name of readdirSync(distDir)) symlinkSync(path.resolve(distDir, name), path.join(site, name));
const card = JSON.parse(readFileSync(path.join(distDir, 'model/model.json'), 'utf8'));
const { height, width } = card.preprocess;
writeFileSync(path.join(site, 'floor.html'), '<!DOCTYPE html><script type="module" src="floor.mjs"></script>');
// The floor marks when ONNX Runtime hands its WASM to the browser and gets the instance back (a
// wrapper of instantiateStreaming that adds nothing else), to compare with the page's steps.
writeFileSync(path.join(site, 'floor.mjs'), `import * as ort from './ort/ort.wasm.min.mjs';
window.floorMarks = { floor_imported: performance.now() };
const instantiateStreaming = WebAssembly.instantiateStreaming;
WebAssembly.instantiateStreaming = async (...args) => {
  window.floorMarks.floor_instantiate_called = performance.now();
  const result = await instantiateStreaming(...args);
  window.floorMarks.floor_instantiated = performance.now();
  return result;
};
ort.env.wasm.wasmPaths = new URL('./ort/', import.meta.url).href;
ort.env.wasm.numThreads = 1;
const model = new Uint8Array(await (await fetch('model/model.onnx')).arrayBuffer());
window.floorMarks.floor_model_fetched = performance.now();
const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
window.floorMarks.floor_session_created = performance.now();
await session.run({ input: new ort.Tensor('float32', new Float32Array(${height * width}), [1, 1, ${height}, ${width}]) });
window.floorDone = performance.now();
`);

const server = serveDist(site);
const results = {};
try {
  // Cold starts, each in a new browser (a fresh profile: nothing cached, nothing compiled).
  const floor = [], first = [], timelines = [], floorTimelines = [];
  for (let run = 0; run < RUNS; run++) {
    for (const which of ['floor', 'page']) {
      const browser = await launchChromium();
      try {
        const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
        if (which === 'floor') {
          await page.goto(`${server.pageUrl}floor.html`);
          await page.waitForFunction(() => window.floorDone, null, { timeout: 60000, polling: 10 });
          floor.push(await page.evaluate(() => window.floorDone));
          floorTimelines.push(await page.evaluate(() => window.floorMarks));
        } else {
          const cdp = await page.context().newCDPSession(page);
          await page.goto(server.pageUrl, { waitUntil: 'commit' });
          await page.waitForFunction(() => window.xray, null, { timeout: 60000, polling: 5 });
          await dropFiles(cdp, page, images.slice(0, COLD_FILES));
          const timeline = await page.evaluate(() => {
            const t = { ...window.xray.timeline };
            for (const [k, v] of Object.entries(window.xray.results[0]?.timings ?? {})) t[`first_file_${k}`] = v;
            return t;
          });
          first.push(timeline.first_result);
          timelines.push(timeline);
        }
      } finally {
        await browser.close();
      }
    }
  }
  results.floor = median(floor);
  results.first = median(first);
  results.floorRuns = floor;
  // Where the page's cold start goes: each step's median over the runs, in time order.
  const stepMedians = (runs) => [...new Set(runs.flatMap((t) => Object.keys(t)))]
    .map((name) => [name, median(runs.map((t) => t[name]).filter((v) => v !== undefined))]).sort((a, b) => a[1] - b[1]);
  results.timeline = stepMedians(timelines);
  results.floorTimeline = stepMedians(floorTimelines);
  results.firstRuns = first;

  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await openPage(page, server.pageUrl);
    const cdp = await context.newCDPSession(page);
    // A batch in one drop. Main-thread load: the longest task (long-task API, tasks over 50 ms) and
    // the longest gap between animation frames while the batch runs.
    await page.evaluate(() => {
      window.benchTasks = [];
      new PerformanceObserver((list) => { for (const e of list.getEntries()) window.benchTasks.push(e.duration); }).observe({ entryTypes: ['longtask'] });
      window.benchGaps = [];
      let last = performance.now();
      const tick = (t) => { window.benchGaps.push(t - last); last = t; if (!window.benchStop) requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
    });
    const t0 = Date.now();
    await dropFiles(cdp, page, images);
    results.batchSeconds = (Date.now() - t0) / 1000;
    const load = await page.evaluate(() => { window.benchStop = true; return { tasks: window.benchTasks, gaps: window.benchGaps }; });
    results.longestTask = Math.max(0, ...load.tasks);
    results.longTasks = load.tasks.length;
    results.longestGap = Math.max(...load.gaps);
    results.medianGap = median(load.gaps);
    results.batchRows = await page.evaluate(() => window.xray.results.length);
    await page.evaluate(() => Module.xrayClear());

    // One file at a time, as a person drops them: let the previous result finish drawing first.
    const rows = [];
    for (const image of images) {
      await page.waitForTimeout(250);
      const { result, error } = await dropFile(cdp, page, image);
      if (error) throw new Error(`${image}: ${error}`);
      rows.push(result.timings);
    }
    results.single = rows;
    // A returning visitor: the same page loaded again (HTTP cache and compiled-code cache warm).
    await page.reload({ waitUntil: 'commit' });
    await page.waitForFunction(() => window.xray, null, { polling: 5 });
    await dropFiles(cdp, page, [images[0]]);
    results.warm = await page.evaluate(() => window.xray.timeline.first_result);
    results.chromium = browser.version();
  } finally {
    await browser.close();
  }
} finally {
  server.close();
  rmSync(site, { recursive: true, force: true });
}

const m = (key) => median(results.single.map((r) => r[key])).toFixed(1);
const ms = (v) => `${v.toFixed(0).padStart(8)} ms`;
console.log(`web benchmark: ${images.length} images, headless Chromium ${results.chromium}, ONNX Runtime Web on 1 thread, software WebGL`);
console.log('measure                                       value');
console.log(`cold: bare ONNX Runtime page, session + 1 run ${ms(results.floor)}   (floor; runs ${results.floorRuns.map((v) => v.toFixed(0)).join(', ')})`);
console.log(`cold: first result, ${String(COLD_FILES).padStart(2)} file(s) dropped at once ${ms(results.first)}   (runs ${results.firstRuns.map((v) => v.toFixed(0)).join(', ')})`);
console.log(`cold: first result / floor                    ${(results.first / results.floor).toFixed(2).padStart(8)}      (target <= 1.25)`);
const steps = results.timeline.filter(([n]) => !n.startsWith('first_file_'));
const firstFile = results.timeline.filter(([n]) => n.startsWith('first_file_'));
console.log(`cold: the floor's steps (median ms since navigation): ${results.floorTimeline.map(([n, v]) => `${n} ${v.toFixed(0)}`).join(', ')}`);
console.log(`cold: the page's steps (median ms since navigation): ${steps.map(([n, v]) => `${n} ${v.toFixed(0)}`).join(', ')}`);
console.log(`cold: the first file's own times (median ms): ${firstFile.map(([n, v]) => `${n.slice(11)} ${v.toFixed(1)}`).join(', ')}`);
console.log(`reload: first result, file dropped at once    ${ms(results.warm)}   (a returning visitor: the saved copy (service worker), code caches warm)`);
console.log(`batch: ${String(results.batchRows).padStart(3)} files in one drop              ${(results.batchRows / results.batchSeconds).toFixed(1).padStart(8)} images/s  (${results.batchSeconds.toFixed(2)} s; target >= 20)`);
console.log(`batch: longest main-thread task               ${ms(results.longestTask)}   (${results.longTasks} tasks over 50 ms)`);
console.log(`batch: longest gap between frames             ${ms(results.longestGap)}   (median ${results.medianGap.toFixed(1)} ms; target <= 50)`);
console.log(`one at a time: median drop-to-result          ${m('drop_to_result_ms').padStart(8)} ms`);
console.log(`  median file read (browser)                  ${m('read_ms').padStart(8)} ms`);
console.log(`  median decode (WASM)                        ${m('decode_ms').padStart(8)} ms`);
console.log(`  median preprocess (WASM)                    ${m('preprocess_ms').padStart(8)} ms`);
console.log(`  median inference (ORT Web)                  ${m('inference_ms').padStart(8)} ms   (model budget <= 20)`);
console.log(`page weight                                   ${(bytes / 1e6).toFixed(2).padStart(8)} MB   (${files.length} files)`);
console.log(`page weight gzipped                           ${(gzipped / 1e6).toFixed(2).padStart(8)} MB   (target <= 5)`);
