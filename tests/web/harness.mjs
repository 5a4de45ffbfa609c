// Shared by the browser test and the web benchmark: serve a dist/ folder on 127.0.0.1 under a
// sub-path (as GitHub Pages would), start Debian's Chromium through playwright-core, drop files.
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, symlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const { chromium } = createRequire(path.join(here, '../../web/package.json'))('playwright-core');

export function serveDist(distDir) {
  const root = mkdtempSync(path.join(tmpdir(), 'xray-web-'));
  mkdirSync(path.join(root, 'user', 'repo'), { recursive: true });
  symlinkSync(path.resolve(distDir), path.join(root, 'user', 'repo', 'demo'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', root], { stdio: 'ignore' });
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    pageUrl: `${origin}/user/repo/demo/`,
    close() { server.kill(); rmSync(root, { recursive: true, force: true }); },
  };
}

export function launchChromium(extraArgs = []) {
  // Headless on a machine with no GPU and no outside network: background networking off, or
  // Chromium keeps trying (and failing) to reach its own services.
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    // --disable-dev-shm-usage: containers often have a tiny /dev/shm, where Chromium crashes.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--enable-unsafe-swiftshader', ...extraArgs],
  });
}

// Navigates, retrying while the server starts.
export async function gotoWhenServing(page, url) {
  for (let attempt = 0; ; attempt++) {
    try { await page.goto(url); return; } catch (e) {
      if (attempt > 40) throw e;
      if (!/ERR_CONNECTION_REFUSED/.test(e.message)) console.log(`page.goto failed (${e.message.split('\n')[0]}); trying again`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

// Opens the page and waits until the model is ready.
export async function openPage(page, url) {
  await gotoWhenServing(page, url);
  await page.waitForFunction(() => window.xray && (window.xray.ready || document.getElementById('result').textContent.startsWith('error')),
                             null, { timeout: 60000 });
  if (!(await page.evaluate(() => window.xray.ready))) throw new Error(`page not ready: ${await page.textContent('#result')}`);
}

// Drops files (or folders) on the page the way a person does (CDP drag events, fast for big
// files) and waits until `count` more files have a row.
export async function dropFiles(cdp, page, files, count = files.length) {
  const before = await page.evaluate(() => window.xray.analysed);
  const data = { items: [], files: files.map((f) => path.resolve(f)), dragOperationsMask: 1 };
  for (const type of ['dragEnter', 'dragOver', 'drop']) await cdp.send('Input.dispatchDragEvent', { type, x: 400, y: 400, data });
  await page.waitForFunction(([n, c]) => window.xray.analysed >= n + c, [before, count], { timeout: 60000 });
}

// Drops one file and returns its result or error.
export async function dropFile(cdp, page, file) {
  await dropFiles(cdp, page, [file]);
  return page.evaluate(() => ({ result: window.xray.lastResult, error: window.xray.lastError, text: document.getElementById('result').textContent }));
}
