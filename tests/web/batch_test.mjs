// Browser end-to-end test of a stack of films: dist/ served on 127.0.0.1 under a sub-path, in
// Debian's Chromium through playwright-core.
//   node batch_test.mjs DIST_DIR EXPECTED.csv FILE... --out ARTIFACT_DIR [--generated]
// FILE...: dropped at once (one of them broken); EXPECTED.csv is `xray predict`'s output for them.
// Checks: one row per file with exactly the failures predict has, probabilities and flags equal to
// predict's (1e-4), the CSV export holds the same rows; keyboard selection shows the selected file;
// a folder drop takes its images (with their paths inside the folder) and nothing else; a failed
// file never shows the previous file's image or verdict; a 300 MB file is refused by its size at
// once; Stop gives every file a row; without WebGL2 the page says so in HTML; no page errors and no
// request leaves the origin. --generated: the films are generated stand-ins, which a real model's
// gate may rightly flag: the page must then flag exactly what predict flags.
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dropFiles, launchChromium, openPage, serveDist } from './harness.mjs';

const args = process.argv.slice(2);
const take = (flag) => { const i = args.indexOf(flag); if (i < 0) return null; const v = args[i + 1]; args.splice(i, 2); return v; };
const outDir = take('--out');
const generated = args.includes('--generated');
const [distDir, expectedCsv, ...files] = args.filter((a) => a !== '--generated');
mkdirSync(outDir, { recursive: true });

// A small CSV reader for predict's and the page's files (quoted fields, doubled quotes).
function parseCsv(text) {
  const rows = [];
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; } else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  const [header, ...body] = rows;
  return { header: header.join(','), rows: body.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? '']))) };
}
const expected = new Map(parseCsv(readFileSync(expectedCsv, 'utf8')).rows.map((r) => [path.basename(r.path), r]));

const server = serveDist(distDir);
let failures = 0;
const fail = (message) => { console.log(`FAIL: ${message}`); failures++; };
const browser = await launchChromium();
const temp = mkdtempSync(path.join(tmpdir(), 'xray-batch-'));
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => fail(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') console.log(`browser console: ${m.text()}`); });
  await openPage(page, server.pageUrl);
  const cdp = await context.newCDPSession(page);
  const drop = (paths, count) => dropFiles(cdp, page, paths, count);
  const state = () => page.evaluate(() => ({ results: window.xray.results, selected: window.xray.selected, shown: window.xray.shown,
                                             app: JSON.parse(Module.UTF8ToString(Module._xray_shown())), text: document.getElementById('result').textContent }));

  // 1. All files in one drop.
  const started = Date.now();
  await drop(files, files.length);
  const seconds = (Date.now() - started) / 1000;
  let { results } = await state();
  if (results.length !== files.length) fail(`${files.length} files dropped, ${results.length} rows`);
  let worst = 0;
  for (const row of results) {
    const want = expected.get(path.basename(row.file));
    if (!want) { fail(`row for ${row.file}: not among the dropped files`); continue; }
    if (!!want.error !== (row.error !== null)) fail(`${row.file}: page error ${JSON.stringify(row.error)}, xray predict error ${JSON.stringify(want.error)}`);
    if (want.error) continue;
    const diff = Math.abs(row.probability - Number(want.probability));
    worst = Math.max(worst, diff);
    if (!(diff <= 1e-4)) fail(`${row.file}: page ${row.probability}, xray predict ${want.probability}`);
    if (want.label !== row.label) fail(`${row.file}: page label ${row.label}, xray predict ${want.label}`);
    if (want.out_of_distribution !== '' && Number(want.out_of_distribution) !== (row.outOfDistribution ? 1 : 0)) {
      fail(`${row.file}: page out_of_distribution ${row.outOfDistribution}, xray predict ${want.out_of_distribution}`);
    }
  }
  const order = results.map((r) => path.basename(r.file)), dropOrder = files.map((f) => path.basename(f));
  if (JSON.stringify(order) !== JSON.stringify(dropOrder)) fail(`rows in the order ${order.join(', ')}, dropped as ${dropOrder.join(', ')}`);
  const failed = results.filter((r) => r.error !== null);
  console.log(`one drop of ${files.length} files: ${results.length} rows in ${seconds.toFixed(1)} s, ${failed.length} failed ` +
              `(${failed.map((r) => `${r.file}: ${r.error}`).join('; ')}), max |page - xray predict| ${worst.toExponential(2)}` +
              `${generated ? ' (generated stand-ins)' : ''}`);
  const csv = parseCsv(await page.evaluate(() => window.xray.resultsCsv()));
  if (csv.header !== 'path,probability,label,out_of_distribution,ood_score,error') fail(`CSV header ${csv.header}`);
  if (csv.rows.length !== files.length) fail(`CSV has ${csv.rows.length} rows for ${files.length} files`);
  for (const row of csv.rows) {
    const want = expected.get(path.basename(row.path));
    if (!want) { fail(`CSV row ${row.path} not among the dropped files`); continue; }
    if (!!want.error !== !!row.error) fail(`CSV ${row.path}: error ${JSON.stringify(row.error)}, xray predict ${JSON.stringify(want.error)}`);
    if (!want.error && !(Math.abs(Number(row.probability) - Number(want.probability)) <= 1e-4 && row.label === want.label &&
                         row.out_of_distribution === want.out_of_distribution)) {
      fail(`CSV ${row.path}: ${JSON.stringify(row)}, xray predict ${JSON.stringify(want)}`);
    }
  }
  console.log(`CSV export: ${csv.rows.length} rows, same paths, labels, flags and probabilities as xray predict`);
  // For screen readers: the HTML mirror holds the same rows, and the summary is spoken at the end.
  const mirror = await page.evaluate(() => [...document.querySelectorAll('#results-table tbody tr')].map((tr) => tr.firstElementChild.textContent));
  const summary = await page.textContent('#summary');
  if (JSON.stringify(mirror) !== JSON.stringify(results.map((r) => r.file))) fail(`HTML mirror rows ${JSON.stringify(mirror)}`);
  else if (!summary.startsWith(`Done. ${files.length} files: `) || !summary.includes(`${failed.length} failed`)) fail(`summary says "${summary}"`);
  else console.log(`HTML mirror: ${mirror.length} rows; summary: "${summary}"`);
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(outDir, 'batch-wide.png') });

  // 2. Keyboard: the arrow keys move the selection; the shown file follows, with its own verdict.
  const first = (await state()).selected;
  const waitShown = (index) => page.waitForFunction((i) => window.xray.shown?.file === window.xray.results[i].file &&
                                                     JSON.parse(Module.UTF8ToString(Module._xray_shown())).file === window.xray.results[i].file, index);
  await page.keyboard.press('End');
  await waitShown(results.length - 1);
  await page.keyboard.press('Home');
  await waitShown(0);
  for (let i = 1; i <= 3; i++) {
    await page.keyboard.press('ArrowDown');
    await waitShown(i);
  }
  await page.keyboard.press('ArrowUp');
  await waitShown(2);
  const keyed = await state();
  const want = keyed.results[2];
  if (keyed.selected !== 2) fail(`after Home, 3x Down, Up: row ${keyed.selected} selected, expected 2 (first selected: ${first})`);
  if (want.error === null && (!keyed.app.image || !keyed.text.includes(`${want.file}: `))) fail(`selected row 3 shows ${JSON.stringify(keyed.app)}, says "${keyed.text}"`);
  const errorRow = keyed.results.findIndex((r) => r.error !== null);
  if (errorRow >= 0) {  // a failed row: its reason and no picture
    await page.keyboard.press('Home');
    for (let i = 0; i < errorRow; i++) await page.keyboard.press('ArrowDown');
    await waitShown(errorRow);
    const s = await state();
    if (s.app.image || s.app.result || !s.app.error) fail(`failed row selected: app shows ${JSON.stringify(s.app)}`);
  }
  console.log(`keyboard: Home, End, Up and Down select rows; the shown file follows (${keyed.text})`);
  await page.setViewportSize({ width: 700, height: 900 });
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(outDir, 'batch-narrow.png') });
  await page.setViewportSize({ width: 1280, height: 800 });

  // 3. The stale-result case: a good file, then a broken one alone. The broken one is shown with
  // its reason; the good file's picture and verdict are gone.
  const good = files.find((f) => !expected.get(path.basename(f)).error);
  const bad = files.find((f) => expected.get(path.basename(f)).error);
  await drop([good], 1);
  await drop([bad], 1);
  const stale = await state();
  if (stale.app.file !== path.basename(bad) || stale.app.image || stale.app.result || !stale.app.error) {
    fail(`after a good file, a broken one shows ${JSON.stringify(stale.app)}`);
  } else if (!stale.text.startsWith('error:') || !stale.text.includes(path.basename(bad))) {
    fail(`after a broken file, the live region says "${stale.text}"`);
  } else console.log(`stale result: after ${path.basename(good)}, ${path.basename(bad)} is shown alone with its error`);
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(outDir, 'batch-failed-file.png') });

  // 4. A folder: its images, with their paths inside it; hidden files and other names left out.
  {
    const before = (await state()).results.length;
    const tree = path.join(temp, 'films');
    mkdirSync(path.join(tree, 'ward a', 'day 1'), { recursive: true });
    mkdirSync(path.join(tree, '.cache'), { recursive: true });
    writeFileSync(path.join(tree, 'ward a', 'day 1', 'one.jpeg'), readFileSync(good));
    writeFileSync(path.join(tree, 'ward a', 'two.JPG'), readFileSync(good));
    writeFileSync(path.join(tree, 'scan.dcm'), readFileSync(bad));  // not a DICOM file: taken, then refused by its contents
    writeFileSync(path.join(tree, 'notes.txt'), 'not an image');
    writeFileSync(path.join(tree, '.hidden.jpeg'), readFileSync(good));
    writeFileSync(path.join(tree, '.cache', 'three.jpeg'), readFileSync(good));
    await drop([tree], 3);
    const rows = (await state()).results.slice(before);
    const paths = rows.map((r) => r.file);
    const wantPaths = ['films/scan.dcm', 'films/ward a/day 1/one.jpeg', 'films/ward a/two.JPG'];
    if (JSON.stringify(paths) !== JSON.stringify(wantPaths)) fail(`folder drop gave rows ${JSON.stringify(paths)}, expected ${JSON.stringify(wantPaths)}`);
    else if (rows[0].error === null || rows[1].error !== null || rows[2].error !== null) fail(`folder drop rows: ${JSON.stringify(rows)}`);
    else console.log(`folder drop: ${paths.join(', ')} (hidden files and notes.txt left out; the .dcm refused by its contents: ${rows[0].error})`);
  }

  // 5. A 300 MB file: refused by its size, before it is read, and the page keeps answering.
  const huge = path.join(temp, 'huge.jpeg');
  const fd = openSync(huge, 'w');
  ftruncateSync(fd, 300e6);  // sparse: nothing is written to the disk
  closeSync(fd);
  const t0 = Date.now();
  await drop([huge], 1);
  const hugeMs = Date.now() - t0;
  const hugeRow = (await state()).results.at(-1);
  if (!hugeRow.error?.includes('300 MB; the limit is 256 MB')) fail(`300 MB file: ${JSON.stringify(hugeRow)}`);
  else console.log(`300 MB file refused in ${hugeMs} ms: ${hugeRow.error}`);
  rmSync(huge);

  // 6. Stop: the files not yet analysed still get rows, marked as stopped.
  const before = (await state()).results.length;
  const many = Array.from({ length: 4 }, () => files).flat();
  const dropped = dropFiles(cdp, page, many, 1);
  await dropped;
  // From the keyboard: the HTML Stop button (the canvas's is out of reach of screen readers).
  await page.focus('#stop');
  const stopBox = await page.locator('#stop').boundingBox();
  if (!stopBox || stopBox.x < 0) fail(`the focused Stop button is not on screen (${JSON.stringify(stopBox)})`);
  await page.keyboard.press('Enter');
  await page.waitForFunction((n) => window.xray.results.length >= n && !document.getElementById('summary').textContent.startsWith('Analysing'),
                             before + many.length, { timeout: 60000 });
  const afterStop = (await state()).results.slice(before);
  const stopped = afterStop.filter((r) => r.error === 'not analysed: stopped').length;
  if (afterStop.length !== many.length || stopped === 0) fail(`Stop: ${afterStop.length} rows for ${many.length} files, ${stopped} marked stopped`);
  else console.log(`Stop (the HTML button, from the keyboard) after the first file: ${afterStop.length} rows for ${many.length} files, ${stopped} marked "not analysed: stopped"`);

  const foreign = requests.filter((u) => !u.startsWith(server.pageUrl) && !u.startsWith('blob:') && !u.startsWith('data:'));
  if (foreign.length) fail(`requests outside the page's folder: ${foreign.join(', ')}`);
  // The page's own requests must be the very ones it uses: nothing downloaded twice (the document
  // itself aside: the harness asks for it again when a first navigation fails on a loaded machine).
  const twice = requests.filter((u, i) => requests.indexOf(u) !== i && u !== server.pageUrl);
  if (twice.length) fail(`downloaded more than once: ${[...new Set(twice)].join(', ')}`);
  else console.log(`requests: ${requests.length}, each URL once`);

  // 7. No WebGL2: a readable message in the page, not an endless wait.
  const noGl = await context.newPage();
  await noGl.addInitScript(() => {
    const getContext = HTMLCanvasElement.prototype.getContext;
    HTMLCanvasElement.prototype.getContext = function (type, ...rest) { return type === 'webgl2' ? null : getContext.call(this, type, ...rest); };
  });
  await noGl.goto(server.pageUrl);
  await noGl.waitForFunction(() => document.getElementById('result').textContent.startsWith('error'), null, { timeout: 30000 });
  const message = await noGl.evaluate(() => [getComputedStyle(document.getElementById('no-webgl')).display, document.getElementById('no-webgl').textContent]);
  if (message[0] === 'none' || !message[1].includes('WebGL2')) fail(`without WebGL2 the page shows ${JSON.stringify(message)}`);
  else console.log(`without WebGL2: "${message[1]}"`);
  // ...and files dropped there are still analysed, as `xray predict` does, and listed in the page.
  // The broken file first: it is the shown one, so its error is also said in the page's messages.
  const goodFiles = files.filter((f) => expected.get(path.basename(f))?.error === '').slice(0, 3);
  const brokenFile = files.find((f) => expected.get(path.basename(f))?.error);
  await dropFiles(await context.newCDPSession(noGl), noGl, [brokenFile, ...goodFiles]);
  const noGlState = await noGl.evaluate(() => ({
    rows: window.xray.results.map((r) => ({ file: r.file, probability: r.probability, label: r.label, error: r.error })),
    tableRows: document.querySelectorAll('#results-table tbody tr').length,
    tableShown: document.getElementById('results-table').getBoundingClientRect().height > 20,
    messages: [...document.querySelectorAll('#page-messages li')].map((li) => li.textContent),
  }));
  const goodRows = noGlState.rows.slice(1);
  const noGlGap = Math.max(...goodRows.map((r) => Math.abs(r.probability - Number(expected.get(r.file)?.probability))));
  if (noGlState.rows.length !== goodFiles.length + 1 || noGlState.rows[0].error === null ||
      goodRows.some((r) => r.error !== null || r.label !== expected.get(r.file)?.label) || !(noGlGap <= 1e-4)) {
    fail(`without WebGL2, dropped files gave ${JSON.stringify(noGlState.rows)}`);
  } else if (noGlState.tableRows !== goodFiles.length + 1 || !noGlState.tableShown) {
    fail(`without WebGL2, the page's table shows ${noGlState.tableRows} rows (visible: ${noGlState.tableShown})`);
  } else if (!noGlState.messages.some((m) => m.includes(path.basename(brokenFile)))) {
    fail(`without WebGL2, the broken file's error is not among the page's messages: ${JSON.stringify(noGlState.messages)}`);
  } else {
    console.log(`without WebGL2: ${goodFiles.length + 1} files dropped, analysed and listed in the page (max |page - xray predict| ` +
                `${noGlGap.toExponential(2)}), the broken one's error among the page's messages`);
  }
  await noGl.screenshot({ path: path.join(outDir, 'no-webgl2.png') });

  // 8. A slow model (its download held back 4 s): the viewer starts meanwhile and says it is
  // loading; a file dropped then gets its row once the model is there, and the viewer shows it.
  const slowContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const slow = await slowContext.newPage();
  slow.on('pageerror', (e) => fail(`page error (slow model): ${e.message}`));
  await slow.route('**/model/model.onnx', async (route) => { await new Promise((r) => setTimeout(r, 4000)); await route.continue(); });
  await slow.goto(server.pageUrl);
  await slow.waitForFunction(() => document.body.classList.contains('app-ready'), null, { timeout: 30000 });
  const early = await slow.evaluate(() => ({ ready: window.xray.ready, rows: window.xray.results.length }));
  const goodFile = files.find((f) => expected.get(path.basename(f))?.error === '');
  await dropFiles(await slowContext.newCDPSession(slow), slow, [goodFile]);
  const late = await slow.evaluate(() => ({ row: window.xray.results[0], shown: JSON.parse(Module.UTF8ToString(Module._xray_shown())) }));
  if (early.ready || early.rows) fail(`slow model: the page said ready (${early.ready}) or had rows (${early.rows}) before the model arrived`);
  else if (!late.row || late.row.error !== null || Math.abs(late.row.probability - Number(expected.get(late.row.file)?.probability)) > 1e-4) {
    fail(`slow model: the file dropped while it loaded gave ${JSON.stringify(late.row)}`);
  } else if (late.shown.file !== path.basename(goodFile) || !late.shown.image || !late.shown.result) {
    fail(`slow model: the viewer shows ${JSON.stringify(late.shown)}`);
  } else {
    console.log(`slow model: the viewer started before the model; the file dropped meanwhile got its row and is shown (${late.row.label} ${late.row.probability.toFixed(4)})`);
  }
  await slowContext.close();

  // 9. Offline: the first page saved the page's files once it had started (service_worker.js);
  // with the network off, the page opens from that copy and analyses a file as before.
  await page.waitForFunction(() => window.xray.offline && window.xray.offline !== 'saving', null, { timeout: 60000 });
  const saved = await page.evaluate(() => window.xray.offline);
  if (saved !== 'saved') fail(`offline copy: ${saved}`);
  else {
    await context.setOffline(true);
    try {
      const offline = await context.newPage();
      offline.on('pageerror', (e) => fail(`page error (offline): ${e.message}`));
      await offline.goto(server.pageUrl);
      await offline.waitForFunction(() => window.xray?.ready, null, { timeout: 60000 });
      await dropFiles(await context.newCDPSession(offline), offline, [goodFile]);
      const row = await offline.evaluate(() => window.xray.results[0]);
      if (!row || row.error !== null || Math.abs(row.probability - Number(expected.get(row.file)?.probability)) > 1e-4) {
        fail(`offline: the page gave ${JSON.stringify(row)}`);
      } else {
        console.log(`offline: the page opened from its saved copy with the network off and analysed ${row.file} (${row.label} ${row.probability.toFixed(4)})`);
      }
      await offline.close();
    } finally {
      await context.setOffline(false);
    }
  }
} catch (error) {
  fail(error.stack || String(error));
} finally {
  await browser.close();
  server.close();
  rmSync(temp, { recursive: true, force: true });
}
console.log(failures ? `batch: ${failures} failures` : 'batch: all checks passed');
process.exit(failures ? 1 : 0);
