// Browser end-to-end test: dist/ served on 127.0.0.1 under a sub-path, driven by playwright-core
// in Debian's Chromium.
//   node browser_test.mjs DIST_DIR EXPECTED.csv GOOD_IMAGE... --bad BAD_IMAGE --out ARTIFACT_DIR
// EXPECTED.csv is `xray predict`'s output for the same model and images: the page must give
// the same probability within 1e-4. Also: a corrupt file shows an error and the page keeps
// working; no request leaves the page's origin and none carries the image; a screenshot.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dropFile, gotoWhenServing, launchChromium, openPage, serveDist } from './harness.mjs';

const args = process.argv.slice(2);
const take = (flag) => { const i = args.indexOf(flag); if (i < 0) return null; const v = args[i + 1]; args.splice(i, 2); return v; };
const bad = take('--bad');
const outDir = take('--out');
const [distDir, expectedCsv, ...goodImages] = args;
mkdirSync(outDir, { recursive: true });

const expected = new Map();
for (const line of readFileSync(expectedCsv, 'utf8').trim().split('\n').slice(1)) {
  const [file, probability] = line.split(',');
  if (probability) expected.set(path.resolve(file), Number(probability));
}

const { origin, pageUrl, close } = serveDist(distDir);
let failures = 0;
const fail = (message) => { console.log(`FAIL: ${message}`); failures++; };
const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 2 });
  const page = await context.newPage();
  const requests = [];
  page.on('request', (r) => requests.push({ url: r.url(), method: r.method(), body: r.postDataBuffer()?.length ?? 0 }));
  page.on('console', (m) => { if (m.type() === 'error') console.log(`browser console: ${m.text()}`); });
  page.on('pageerror', (e) => fail(`page error: ${e.message}`));

  await openPage(page, pageUrl);
  const readyMs = await page.evaluate(() => Math.round(window.xray.timeline.model_ready));
  const cdp = await context.newCDPSession(page);
  const drop = (file) => dropFile(cdp, page, file);

  // A corrupt file: an error, and the page goes on working.
  if (bad) {
    const { error, text } = await drop(bad);
    if (!error || !text.startsWith('error:')) fail(`corrupt file gave no error (result region: "${text}")`);
    else console.log(`corrupt file refused: ${text}`);
  }
  let worst = 0;
  const rows = [];
  for (const image of goodImages) {
    const { result, error, text } = await drop(image);
    if (error || !result) { fail(`${image}: ${error}`); continue; }
    const want = expected.get(path.resolve(image));
    const diff = Math.abs(result.probability - want);
    worst = Math.max(worst, diff);
    if (!(diff <= 1e-4)) fail(`${path.basename(image)}: page ${result.probability}, xray predict ${want}`);
    if (text !== `${result.label} ${result.probability.toFixed(4)}`) fail(`aria-live region says "${text}"`);
    rows.push(result);
  }
  console.log(`page vs xray predict: ${rows.length} images, max |difference| ${worst.toExponential(2)}; model ready ${readyMs} ms after navigation`);
  await page.waitForTimeout(300);  // let the next frames draw the result
  await page.screenshot({ path: path.join(outDir, 'screenshot.png'), scale: 'css' });
  // HiDPI and resizing: the canvas backing store follows the CSS size times devicePixelRatio.
  await page.setViewportSize({ width: 700, height: 900 });
  await page.waitForTimeout(300);
  const canvas = await page.evaluate(() => [document.getElementById('canvas').width, document.getElementById('canvas').height]);
  if (canvas[0] !== 1400 || canvas[1] !== 1800) fail(`canvas is ${canvas.join('x')} after resizing to 700x900 CSS px at 2x, expected 1400x1800`);
  await page.screenshot({ path: path.join(outDir, 'screenshot-narrow.png'), scale: 'css' });

  const foreign = requests.filter((r) => !r.url.startsWith(origin + '/') && !r.url.startsWith('blob:') && !r.url.startsWith('data:'));
  if (foreign.length) fail(`requests outside the page's origin: ${foreign.map((r) => r.url).join(', ')}`);
  const uploads = requests.filter((r) => r.method !== 'GET' || r.body > 0);
  if (uploads.length) fail(`requests that send data: ${uploads.map((r) => `${r.method} ${r.url}`).join(', ')}`);
  const outside = requests.filter((r) => r.url.startsWith(origin) && !r.url.startsWith(pageUrl));
  if (outside.length) fail(`requests outside the page's folder (breaks sub-path hosting): ${outside.map((r) => r.url).join(', ')}`);
  console.log(`requests: ${requests.length}, all from ${pageUrl}, all GET without a body`);
  console.log(JSON.stringify({ timings: rows.map((r) => r.timings) }));
  // A model.onnx that does not match its card (a stale cache, a partial upload) is refused.
  const stale = mkdtempSync(path.join(tmpdir(), 'xray-stale-'));
  cpSync(distDir, stale, { recursive: true, dereference: true });
  const card = JSON.parse(readFileSync(path.join(stale, 'model/model.json'), 'utf8'));
  card.files['model.onnx'].sha256 = '0'.repeat(64);
  writeFileSync(path.join(stale, 'model/model.json'), JSON.stringify(card));
  const staleServer = serveDist(stale);
  const stalePage = await context.newPage();
  await gotoWhenServing(stalePage, staleServer.pageUrl);
  await stalePage.waitForFunction(() => document.getElementById('result').textContent.startsWith('error'), null, { timeout: 60000 });
  const staleText = await stalePage.textContent('#result');
  if (!staleText.includes('model/model.onnx does not match model.json')) fail(`mismatched model.onnx: "${staleText}"`);
  else console.log(`mismatched model.onnx refused: ${staleText}`);
  staleServer.close();
  rmSync(stale, { recursive: true, force: true });
} catch (error) {
  fail(error.stack || String(error));
} finally {
  await browser.close();
  close();
}
console.log(failures ? `browser: ${failures} failures` : 'browser: all checks passed');
process.exit(failures ? 1 : 0);
