// Browser end-to-end test: dist/ served on 127.0.0.1 under a sub-path, driven by playwright-core
// in Debian's Chromium.
//   node browser_test.mjs DIST_DIR EXPECTED.csv GOOD_IMAGE... --bad BAD_IMAGE --ood NOT_AN_XRAY
//        --out ARTIFACT_DIR [--generated]
// --generated: the good images are generated stand-ins for films (no development X-rays here), which
// a real model's gate may rightly flag: then the page must flag exactly what `xray predict` flags.
// EXPECTED.csv is `xray predict`'s output for the same model and images: the page must give
// the same probability within 1e-4 (and the same out-of-distribution score, when the CSV has
// one). Also: a corrupt file shows an error and the page keeps working; with a gate in the model
// the non-X-ray is flagged and the X-rays are not, without one the page says there is no score;
// the model panel shows the card's evaluations before the in-distribution validation; no request
// leaves the page's origin and none carries the image; screenshots.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropFile, gotoWhenServing, launchChromium, openPage, serveDist } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const ortNode = createRequire(path.join(here, '../../web/package.json'))('onnxruntime-node');
const args = process.argv.slice(2);
const take = (flag) => { const i = args.indexOf(flag); if (i < 0) return null; const v = args[i + 1]; args.splice(i, 2); return v; };
const bad = take('--bad');
const oodImage = take('--ood');
const outDir = take('--out');
const generatedIndex = args.indexOf('--generated');
const generated = generatedIndex >= 0;
if (generated) args.splice(generatedIndex, 1);
const [distDir, expectedCsv, ...goodImages] = args;
mkdirSync(outDir, { recursive: true });

// By column name: predict gains columns (out_of_distribution, ood_score) with the gate.
const expected = new Map();
const [header, ...lines] = readFileSync(expectedCsv, 'utf8').trim().split('\n');
const column = Object.fromEntries(header.split(',').map((name, i) => [name, i]));
for (const line of lines) {
  const cells = line.split(',');
  if (!cells[column.probability]) continue;
  const number = (name) => (column[name] === undefined || cells[column[name]] === '' ? null : Number(cells[column[name]]));
  expected.set(path.resolve(cells[column.path]), { probability: number('probability'), oodScore: number('ood_score'),
                                                   outOfDistribution: number('out_of_distribution') });
}
const DEFAULT_SCOPE = "in-distribution validation (held-out training patients): expect lower on other hospitals' films";
const card = JSON.parse(readFileSync(path.join(distDir, 'model/model.json'), 'utf8'));
// Independent of the page: does the graph itself have the gate's output?
const onnxOutputs = (await ortNode.InferenceSession.create(path.join(distDir, 'model/model.onnx'))).outputNames;
const relativeDiff = (a, b) => Math.abs(a - b) / Math.max(1, Math.abs(b));

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
  // The out-of-distribution gate. Which branch runs depends on the model under test; say which.
  const gate = await page.evaluate(() => window.xray.oodGate);
  const graphHasGate = onnxOutputs.includes(card.ood?.output ?? 'ood_score');
  let worstOod = 0, oodCompared = 0;
  const checkOodScore = (image, result) => {
    const want = expected.get(path.resolve(image))?.oodScore;
    if (want === null || want === undefined) return;
    oodCompared++;
    worstOod = Math.max(worstOod, relativeDiff(result.oodScore, want));
    if (!(relativeDiff(result.oodScore, want) <= 1e-3)) fail(`${path.basename(image)}: page ood_score ${result.oodScore}, xray predict ${want}`);
  };
  if (gate) {
    console.log(`OOD gate branch: the model has "${gate.output}" (limit ${gate.limit}): a synthetic non-X-ray must be flagged, the X-rays not`);
  } else {
    console.log(`OOD gate branch: NO GATE: the model under test has no ood_score output (graph outputs: ${onnxOutputs.join(', ')}${card.ood ? '; the card has an "ood" entry' : ''}); ` +
                'the gate itself is NOT exercised, only that the page reports oodScore === null and never flags');
    if (graphHasGate || card.ood) fail(`the model has a gate (graph output: ${graphHasGate}, card entry: ${!!card.ood}) but the page runs none`);
  }
  if (oodImage) {
    const { result, error, text } = await drop(oodImage);
    if (error || !result) fail(`${oodImage}: ${error}`);
    else if (gate) {
      if (result.outOfDistribution !== true) fail(`synthetic non-X-ray not flagged: oodScore ${result.oodScore}, limit ${gate.limit}`);
      if (typeof result.oodScore !== 'number' || !(result.oodScore > gate.limit)) fail(`synthetic non-X-ray: oodScore ${result.oodScore}, limit ${gate.limit}`);
      if (!/^NOT A CHEST X-RAY \(score \S+, limit \S+\)$/.test(text)) fail(`synthetic non-X-ray: aria-live region says "${text}"`);
      checkOodScore(oodImage, result);
      const want = expected.get(path.resolve(oodImage));
      if (want?.outOfDistribution !== null && want?.outOfDistribution !== undefined && want.outOfDistribution !== 1) {
        fail(`xray predict does not flag the synthetic non-X-ray (out_of_distribution ${want.outOfDistribution})`);
      }
      console.log(`synthetic non-X-ray flagged: "${text}" (classifier alone: ${result.label} ${result.probability.toFixed(4)})`);
    } else {
      if (result.oodScore !== null || result.outOfDistribution !== false) fail(`no gate, yet oodScore ${result.oodScore}, outOfDistribution ${result.outOfDistribution}`);
      if (text !== `${result.label} ${result.probability.toFixed(4)}`) fail(`aria-live region says "${text}"`);
      console.log(`no gate: synthetic non-X-ray answered "${text}", oodScore null as expected`);
    }
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(outDir, 'screenshot-not-xray.png'), scale: 'css' });
  }
  let worst = 0;
  const rows = [];
  for (const image of goodImages) {
    const { result, error, text } = await drop(image);
    if (error || !result) { fail(`${image}: ${error}`); continue; }
    const want = expected.get(path.resolve(image))?.probability;
    const diff = Math.abs(result.probability - want);
    worst = Math.max(worst, diff);
    if (!(diff <= 1e-4)) fail(`${path.basename(image)}: page ${result.probability}, xray predict ${want}`);
    const flaggedByPredict = expected.get(path.resolve(image))?.outOfDistribution === 1;
    if (generated && gate) {
      // Stand-ins: the page and the CLI must agree on the flag, whatever it is.
      if (result.outOfDistribution !== flaggedByPredict) fail(`${path.basename(image)}: page flag ${result.outOfDistribution}, xray predict ${flaggedByPredict}`);
      const wantText = result.outOfDistribution ? /^NOT A CHEST X-RAY/ : new RegExp(`^${result.label} ${result.probability.toFixed(4)}$`);
      if (!wantText.test(text)) fail(`aria-live region says "${text}"`);
    } else {
      if (text !== `${result.label} ${result.probability.toFixed(4)}`) fail(`aria-live region says "${text}"`);
      if (result.outOfDistribution !== false) fail(`${path.basename(image)}: an X-ray flagged as not one (score ${result.oodScore}, limit ${gate?.limit})`);
    }
    if (gate ? typeof result.oodScore !== 'number' : result.oodScore !== null) fail(`${path.basename(image)}: oodScore ${result.oodScore}`);
    if (gate) checkOodScore(image, result);
    rows.push(result);
  }
  console.log(`page vs xray predict: ${rows.length} images, max |difference| ${worst.toExponential(2)}` +
              `${!gate ? '' : oodCompared ? `, ood_score (${oodCompared} files) max relative difference ${worstOod.toExponential(2)}` : ', ood_score not compared (no ood_score column from xray predict)'}; model ready ${readyMs} ms after navigation`);
  if (gate) console.log(`${generated ? 'generated stand-ins (flags must match xray predict)' : 'X-rays'} not flagged: ${rows.filter((r) => r.outOfDistribution === false).length} of ${goodImages.length}, scores ${rows.map((r) => r.oodScore.toPrecision(4)).join(' ')} (limit ${gate.limit})`);

  // The model panel, as drawn: validation labelled in-distribution, the gate when there is one.
  const panel = await page.evaluate(() => window.xray.modelPanel);
  checkPanel(panel, card, gate);
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
  const staleCard = structuredClone(card);
  staleCard.files['model.onnx'].sha256 = '0'.repeat(64);
  writeFileSync(path.join(stale, 'model/model.json'), JSON.stringify(staleCard));
  const staleServer = serveDist(stale);
  const stalePage = await context.newPage();
  await gotoWhenServing(stalePage, staleServer.pageUrl);
  await stalePage.waitForFunction(() => document.getElementById('result').textContent.startsWith('error'), null, { timeout: 60000 });
  const staleText = await stalePage.textContent('#result');
  if (!staleText.includes('model/model.onnx does not match model.json')) fail(`mismatched model.onnx: "${staleText}"`);
  else console.log(`mismatched model.onnx refused: ${staleText}`);
  staleServer.close();
  rmSync(stale, { recursive: true, force: true });

  // Evaluations recorded in the card come first in the panel, most recent first, and the
  // validation figures stay, labelled. model.json is not hashed; model.onnx is left alone.
  const withEvaluations = mkdtempSync(path.join(tmpdir(), 'xray-evaluations-'));
  cpSync(distDir, withEvaluations, { recursive: true, dereference: true });
  const evaluated = structuredClone(card);
  delete evaluated.validation_scope;  // the page's own wording then
  evaluated.evaluations = [
    { data: 'chest_xray', split: 'test', count: 624, date: '2026-11-20T09:00:00Z', threshold: card.threshold,
      metrics: { accuracy: 0.871, recall: 0.99, specificity: 0.671, roc_auc: 0.9612, count: 624 }, out_of_distribution: 3 },
    { data: 'site_b_sample', split: 'val', count: 120, date: '2026-11-27T12:00:00Z', threshold: 0.6,
      metrics: { accuracy: 0.925, recall: 0.961, specificity: 0.889, roc_auc: 0.9734, count: 120 } },
  ];
  writeFileSync(path.join(withEvaluations, 'model/model.json'), JSON.stringify(evaluated, null, 1));
  const evaluationsServer = serveDist(withEvaluations);
  const evaluationsPage = await context.newPage();
  await evaluationsPage.setViewportSize({ width: 1280, height: 1300 });
  await openPage(evaluationsPage, evaluationsServer.pageUrl);
  const evaluationsPanel = await evaluationsPage.evaluate(() => window.xray.modelPanel);
  checkPanel(evaluationsPanel, evaluated, gate);
  const at = (line) => evaluationsPanel.indexOf(line);
  const expectedLines = ['Evaluations (most recent first)', 'site_b_sample, val split', 'images: 120', 'date: 2026-11-27 12:00 UTC',
                         'threshold: 0.6000', 'accuracy: 0.925', 'sensitivity: 0.961', 'specificity: 0.889', 'ROC AUC: 0.9734',
                         'chest_xray, test split', 'images: 624', 'date: 2026-11-20 09:00 UTC',
                         `threshold: ${card.threshold.toFixed(4)}`, 'accuracy: 0.871', 'sensitivity: 0.990', 'specificity: 0.671',
                         'ROC AUC: 0.9612', 'flagged: not X-rays: 3', DEFAULT_SCOPE];
  const missing = expectedLines.filter((line) => at(line) < 0);
  if (missing.length) fail(`model panel with evaluations lacks ${JSON.stringify(missing)}: ${JSON.stringify(evaluationsPanel)}`);
  else if (!(at('site_b_sample, val split') < at('chest_xray, test split') && at('chest_xray, test split') < at(DEFAULT_SCOPE))) {
    fail(`model panel order: newest evaluation, older one, then validation expected: ${JSON.stringify(evaluationsPanel)}`);
  } else {
    console.log(`model panel with evaluations: ${evaluationsPanel.length} lines, evaluations (newest first) before "${DEFAULT_SCOPE}"`);
  }
  await evaluationsPage.waitForTimeout(300);
  await evaluationsPage.screenshot({ path: path.join(outDir, 'screenshot-evaluations.png'), scale: 'css' });
  evaluationsServer.close();
  rmSync(withEvaluations, { recursive: true, force: true });
} catch (error) {
  fail(error.stack || String(error));
} finally {
  await browser.close();
  close();
}
// What every card's panel must show: the validation figures under their scope, the gate's
// limit when there is a gate (or that there is none), and the card's evaluations when present.
function checkPanel(panel, shown, gate) {
  if (!Array.isArray(panel) || panel.length === 0) { fail(`window.xray.modelPanel is ${JSON.stringify(panel)}`); return; }
  const scope = shown.validation_scope || DEFAULT_SCOPE;
  if (shown.validation && !panel.includes(scope)) fail(`model panel does not label the validation "${scope}": ${JSON.stringify(panel)}`);
  const accuracy = shown.validation?.accuracy;
  const shownAccuracy = panel.slice(panel.indexOf(scope)).find((line) => line.startsWith('accuracy: '));
  if (typeof accuracy === 'number' && !(Math.abs(Number(shownAccuracy?.slice(10)) - accuracy) <= 0.0006)) {
    fail(`model panel lacks the validation accuracy ${accuracy}: ${JSON.stringify(panel)}`);
  }
  if (gate) {
    if (!panel.some((line) => line.startsWith('Limit: '))) fail(`model panel does not show the gate's limit: ${JSON.stringify(panel)}`);
    if (shown.ood?.method && !panel.includes(`Method: ${shown.ood.method}`)) fail(`model panel does not show the gate's method: ${JSON.stringify(panel)}`);
  } else if (!shown.ood && !panel.some((line) => line.startsWith('None in this model'))) {
    fail(`model panel does not say there is no out-of-distribution gate: ${JSON.stringify(panel)}`);
  }
  for (const e of (Array.isArray(shown.evaluations) ? shown.evaluations : []).slice(-5)) {
    if (e?.data && !panel.some((line) => line.startsWith(e.data))) fail(`model panel does not show the evaluation on ${e.data}: ${JSON.stringify(panel)}`);
  }
  if (shown.calibration?.method && !panel.some((line) => line.startsWith('Probability calibrated: ') && line.includes(shown.calibration.method))) {
    fail(`model panel does not show the calibration: ${JSON.stringify(panel)}`);
  }
}

console.log(failures ? `browser: ${failures} failures` : 'browser: all checks passed');
process.exit(failures ? 1 : 0);
