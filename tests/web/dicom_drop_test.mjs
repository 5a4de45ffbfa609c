// DICOM in the page: dist/ served on 127.0.0.1 under a sub-path, in Debian's Chromium.
//   node dicom_drop_test.mjs DIST_DIR EXPECTED.csv FILE... --refused FILE --out ARTIFACT_DIR
// FILE...: DICOM files of one radiograph (several syntaxes, one without an extension) dropped at
// once; EXPECTED.csv is `xray predict`'s output for them. Each must get predict's probability
// (within 1e-4) and label; the --refused file (an unsupported transfer syntax) gets a row whose
// error names the syntax, and the files after it still work. No page errors.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { dropFiles, launchChromium, openPage, serveDist } from './harness.mjs';

const args = process.argv.slice(2);
const take = (flag) => { const i = args.indexOf(flag); if (i < 0) return null; const v = args[i + 1]; args.splice(i, 2); return v; };
const outDir = take('--out');
const refused = take('--refused');
const [distDir, expectedCsv, ...files] = args;
mkdirSync(outDir, { recursive: true });

// predict's CSV: path,probability,label,... (the paths here need no quoting)
const expected = new Map(readFileSync(expectedCsv, 'utf8').trim().split('\n').slice(1)
  .map((line) => line.split(',')).map(([file, probability, label]) => [path.basename(file), { probability, label }]));

const server = serveDist(distDir);
let failures = 0;
const fail = (message) => { console.log(`FAIL: ${message}`); failures++; };
const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => fail(`page error: ${e.message}`));
  await openPage(page, server.pageUrl);
  const cdp = await context.newCDPSession(page);
  // The refused file first: the ones after it must still work.
  const dropped = [refused, ...files];
  await dropFiles(cdp, page, dropped, dropped.length);
  const results = await page.evaluate(() => window.xray.results);
  if (results.length !== dropped.length) fail(`${dropped.length} files dropped, ${results.length} rows`);
  let worst = 0;
  for (const row of results) {
    const name = path.basename(row.file);
    if (name === path.basename(refused)) {
      if (!row.error || !/unsupported DICOM transfer syntax 1\.2\.840\.10008\.1\.2\.4\.90 \(JPEG 2000\)/.test(row.error)) {
        fail(`${name}: expected a refusal naming JPEG 2000, got ${JSON.stringify(row.error)}`);
      }
      continue;
    }
    const want = expected.get(name);
    if (!want) { fail(`row for ${name}: not among the dropped files`); continue; }
    if (row.error !== null) { fail(`${name}: ${row.error}`); continue; }
    const diff = Math.abs(row.probability - Number(want.probability));
    worst = Math.max(worst, diff);
    if (!(diff <= 1e-4)) fail(`${name}: page ${row.probability}, xray predict ${want.probability}`);
    if (row.label !== want.label) fail(`${name}: page label ${row.label}, xray predict ${want.label}`);
  }
  await page.screenshot({ path: path.join(outDir, 'dicom-drop.png') });
  console.log(`page: ${files.length} DICOM files equal xray predict (largest difference ${worst.toExponential(2)}); ` +
              `${path.basename(refused)} refused with its syntax named; screenshot ${path.join(outDir, 'dicom-drop.png')}`);
} finally {
  await browser.close();
  server.close();
}
process.exit(failures ? 1 : 0);
