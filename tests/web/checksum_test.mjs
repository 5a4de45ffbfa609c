// The page checks model.onnx against the sha256 in model.json before using it, with the browser's
// crypto.subtle where the page is a secure context and with the shared library's SHA-256 (WASM)
// where it is not (plain http on a host name).
//   node checksum_test.mjs DIST_DIR SCRATCH_DIR
// Checks: the shipped files load in both contexts; a model.onnx changed by one byte is refused in
// both, with a message that says what does not match; a missing model.onnx is said, not waited for.
import { cpSync, appendFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { launchChromium, serveDist } from './harness.mjs';

const [distDir, scratch] = process.argv.slice(2);
const damaged = path.join(scratch, 'dist-damaged');
rmSync(damaged, { recursive: true, force: true });
cpSync(distDir, damaged, { recursive: true });
appendFileSync(path.join(damaged, 'model', 'model.onnx'), 'x');
const missing = path.join(scratch, 'dist-missing');
rmSync(missing, { recursive: true, force: true });
cpSync(distDir, missing, { recursive: true });
rmSync(path.join(missing, 'model', 'model.onnx'));

let failures = 0;
const fail = (message) => { console.log(`FAIL: ${message}`); failures++; };
// "xray.test" resolves to 127.0.0.1 but, unlike 127.0.0.1 itself, is not a secure context.
const browser = await launchChromium(['--host-resolver-rules=MAP xray.test 127.0.0.1']);
async function load(dir, host) {
  const server = serveDist(dir);
  try {
    const page = await browser.newPage();
    const url = server.pageUrl.replace('127.0.0.1', host);
    for (let attempt = 0; ; attempt++) {
      try { await page.goto(url); break; } catch (e) { if (attempt > 40) throw e; await new Promise((r) => setTimeout(r, 100)); }
    }
    await page.waitForFunction(() => window.xray && (window.xray.ready || document.getElementById('result').textContent.startsWith('error')),
                               null, { timeout: 60000 });
    const state = await page.evaluate(() => ({ ready: window.xray.ready, secure: window.isSecureContext,
                                               text: document.getElementById('result').textContent }));
    await page.close();
    return state;
  } finally {
    server.close();
  }
}
for (const host of ['127.0.0.1', 'xray.test']) {
  const good = await load(distDir, host);
  const bad = await load(damaged, host);
  const context = good.secure ? 'secure context (crypto.subtle)' : 'not a secure context (WASM SHA-256)';
  if (!good.ready) fail(`${host}: the shipped model did not load: ${good.text}`);
  if (bad.ready || !/model\.onnx does not match model\.json/.test(bad.text)) fail(`${host}: a damaged model.onnx was not refused: ${bad.text}`);
  if (host === 'xray.test' && good.secure) fail('xray.test was a secure context: the WASM path was not exercised');
  console.log(`${host}, ${context}: shipped model loads; damaged model.onnx refused ("${bad.text.slice(0, 90)}...")`);
}
const gone = await load(missing, '127.0.0.1');
if (gone.ready || !/model\.onnx/.test(gone.text)) fail(`a missing model.onnx was not reported: ${gone.text}`);
else console.log(`missing model.onnx reported: "${gone.text}"`);
await browser.close();
rmSync(damaged, { recursive: true, force: true });
rmSync(missing, { recursive: true, force: true });
process.exit(failures ? 1 : 0);
