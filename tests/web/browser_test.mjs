// Browser end-to-end test: dist/ served on 127.0.0.1 under a sub-path, driven by playwright-core
// in Debian's Chromium.
//   node browser_test.mjs DIST_DIR EXPECTED.csv GOOD_IMAGE... --bad BAD_IMAGE --out ARTIFACT_DIR
// EXPECTED.csv is `xray predict`'s output for the same model and images: the page must give
// the same probability within 1e-4. Also: a corrupt file shows an error and the page keeps
// working; no request leaves the page's origin and none carries the image; a screenshot.
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, symlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const { chromium } = createRequire(path.join(here, '../../web/package.json'))('playwright-core');

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

// Serve dist/ as https://host/some/sub/path/ would: a symlink below a temporary root.
const root = mkdtempSync(path.join(tmpdir(), 'xray-web-'));
mkdirSync(path.join(root, 'user', 'repo'), { recursive: true });
symlinkSync(path.resolve(distDir), path.join(root, 'user', 'repo', 'demo'));
const port = 20000 + Math.floor(Math.random() * 20000);
const server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', root], { stdio: 'ignore' });
const origin = `http://127.0.0.1:${port}`;
const pageUrl = `${origin}/user/repo/demo/`;

let failures = 0;
const fail = (message) => { console.log(`FAIL: ${message}`); failures++; };
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--enable-unsafe-swiftshader'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 2 });
  const page = await context.newPage();
  const requests = [];
  page.on('request', (r) => requests.push({ url: r.url(), method: r.method(), body: r.postDataBuffer()?.length ?? 0 }));
  page.on('console', (m) => { if (m.type() === 'error') console.log(`browser console: ${m.text()}`); });
  page.on('pageerror', (e) => fail(`page error: ${e.message}`));

  for (let attempt = 0; ; attempt++) {  // the server needs a moment to start
    try { await page.goto(pageUrl); break; } catch (e) { if (attempt > 40) throw e; await new Promise((r) => setTimeout(r, 100)); }
  }
  const loadStart = Date.now();
  await page.waitForFunction(() => window.xray && (window.xray.ready || document.getElementById('result').textContent.startsWith('error')), null, { timeout: 60000 });
  if (!(await page.evaluate(() => window.xray.ready))) throw new Error(`page did not get ready: ${await page.textContent('#result')}`);
  const readyMs = Date.now() - loadStart;

  const cdp = await context.newCDPSession(page);
  const drop = async (file) => {
    const previous = await page.evaluate(() => [window.xray.lastResult, window.xray.lastError]);
    const data = { items: [], files: [path.resolve(file)], dragOperationsMask: 1 };
    for (const type of ['dragEnter', 'dragOver', 'drop']) {
      await cdp.send('Input.dispatchDragEvent', { type, x: 400, y: 400, data });
    }
    await page.waitForFunction(([r, e]) => window.xray.lastResult !== r || window.xray.lastError !== e, previous, { timeout: 30000 });
    return page.evaluate(() => ({ result: window.xray.lastResult, error: window.xray.lastError, text: document.getElementById('result').textContent }));
  };

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
  console.log(`page vs xray predict: ${rows.length} images, max |difference| ${worst.toExponential(2)}; first result ready ${readyMs} ms after load`);
  await page.waitForTimeout(300);  // let the next frames draw the result
  await page.screenshot({ path: path.join(outDir, 'screenshot.png') });

  const foreign = requests.filter((r) => !r.url.startsWith(origin + '/') && !r.url.startsWith('blob:') && !r.url.startsWith('data:'));
  if (foreign.length) fail(`requests outside the page's origin: ${foreign.map((r) => r.url).join(', ')}`);
  const uploads = requests.filter((r) => r.method !== 'GET' || r.body > 0);
  if (uploads.length) fail(`requests that send data: ${uploads.map((r) => `${r.method} ${r.url}`).join(', ')}`);
  const outside = requests.filter((r) => r.url.startsWith(origin) && !r.url.startsWith(pageUrl));
  if (outside.length) fail(`requests outside the page's folder (breaks sub-path hosting): ${outside.map((r) => r.url).join(', ')}`);
  console.log(`requests: ${requests.length}, all from ${pageUrl}, all GET without a body`);
  console.log(JSON.stringify({ timings: rows.map((r) => r.timings) }));
} catch (error) {
  fail(error.stack || String(error));
} finally {
  await browser.close();
  server.kill();
  rmSync(root, { recursive: true, force: true });
}
console.log(failures ? `browser: ${failures} failures` : 'browser: all checks passed');
process.exit(failures ? 1 : 0);
