// Web benchmark (a table, not a test): node bench_web.mjs DIST_DIR IMAGE...
// Time to first result after load, drop-to-result per image split into decode, preprocess and
// inference (medians), and page weight (bytes and gzipped), in headless Chromium here.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { dropFile, launchChromium, openPage, serveDist } from './harness.mjs';

const [distDir, ...images] = process.argv.slice(2);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

const files = [];
const walk = (dir) => { for (const name of readdirSync(dir)) { const p = path.join(dir, name); statSync(p).isDirectory() ? walk(p) : files.push(p); } };
walk(distDir);
let bytes = 0, gzipped = 0;
for (const f of files) { const b = readFileSync(f); bytes += b.length; gzipped += gzipSync(b, { level: 9 }).length; }

const server = serveDist(distDir);
const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await openPage(page, server.pageUrl);
  const cdp = await context.newCDPSession(page);
  const first = await dropFile(cdp, page, images[0]);
  if (first.error) throw new Error(first.error);
  const timeline = await page.evaluate(() => window.xray.timeline);
  // A returning visitor: the same page loaded again (HTTP cache and compiled-code cache warm).
  await page.reload();
  await openPage(page, server.pageUrl);
  await dropFile(cdp, page, images[0]);
  const warm = await page.evaluate(() => window.xray.timeline);
  const rows = [];
  for (const image of images) {
    // A person drops one file at a time: let the previous result finish drawing first (with
    // software WebGL those frames would otherwise delay reading the next file).
    await page.waitForTimeout(250);
    const { result, error } = await dropFile(cdp, page, image);
    if (error) throw new Error(`${image}: ${error}`);
    rows.push(result.timings);
  }
  const m = (key) => median(rows.map((r) => r[key])).toFixed(1);
  console.log(`web benchmark: ${rows.length} images, headless Chromium ${browser.version()}, ONNX Runtime Web on 1 thread`);
  console.log('measure                                   value');
  console.log(`median drop-to-result                  ${m('drop_to_result_ms').padStart(8)} ms   (target <= 50)`);
  console.log(`  median file read (browser)           ${m('read_ms').padStart(8)} ms`);
  console.log(`  median decode (WASM)                 ${m('decode_ms').padStart(8)} ms`);
  console.log(`  median preprocess (WASM)             ${m('preprocess_ms').padStart(8)} ms`);
  console.log(`  median inference (ORT Web)           ${m('inference_ms').padStart(8)} ms   (model budget <= 20)`);
  console.log(`  median analysis after reading        ${m('total_ms').padStart(8)} ms   (decode + preprocess + inference + copies)`);
  console.log(`app ready after navigation             ${timeline.app_ready.toFixed(0).padStart(8)} ms`);
  console.log(`model ready after navigation           ${timeline.model_ready.toFixed(0).padStart(8)} ms`);
  console.log(`first result after navigation          ${timeline.first_result.toFixed(0).padStart(8)} ms   (target <= 2000; file dropped when ready)`);
  console.log(`first result after navigation, reload  ${warm.first_result.toFixed(0).padStart(8)} ms   (cached: a returning visitor)`);
  console.log(`page weight                            ${(bytes / 1e6).toFixed(2).padStart(8)} MB   (${files.length} files)`);
  console.log(`page weight gzipped                    ${(gzipped / 1e6).toFixed(2).padStart(8)} MB   (target <= 5)`);
} finally {
  await browser.close();
  server.close();
}
