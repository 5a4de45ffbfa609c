// The page's service worker, registered by app.js once the page has started (never during
// start-up): it keeps one complete copy of the page's files, so that the page opens and works
// offline and a returning visitor's page needs no network. A copy is always a whole build: every
// file is checked against the sha256 the build recorded (so model.json and model.onnx can never
// come from two builds), and a new build is saved beside the old one and used once every tab of
// the page has been closed (open pages keep theirs).
// scripts/write_precache.mjs fills in PRECACHE when scripts/build_web.sh assembles dist/; left
// null (the file as it is in web/), this worker does nothing.
const PRECACHE = null;  // {version, files: [{path, sha256}]}

// Caches belong to the origin, not to a scope: a site may hold several copies of the page
// (user.github.io/a/, user.github.io/b/), so the name holds this worker's scope.
const CACHE_PREFIX = `xray-page ${self.registration.scope} `;
const cacheName = PRECACHE ? `${CACHE_PREFIX}${PRECACHE.version}` : '';
const paths = new Set(PRECACHE ? PRECACHE.files.map((f) => f.path) : []);

async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

// Revalidated with the host (cache: 'no-cache'), checked, and kept only if every file is right: a
// failed save leaves no copy, and the page keeps working from the network. A newer build found
// by a page already served from a copy waits a few seconds, so as not to compete with its start.
async function saveCopy() {
  if (self.registration.active) await new Promise((resolve) => setTimeout(resolve, 5000));
  const cache = await caches.open(cacheName);
  try {
    for (const { path, sha256 } of PRECACHE.files) {
      const response = await fetch(new Request(path, { cache: 'no-cache' }));
      if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
      const bytes = await response.arrayBuffer();
      if (await sha256Hex(bytes) !== sha256) {
        throw new Error(`${path} is not the one this build recorded (the site changed while it was being saved)`);
      }
      // Stored anew, not as received: a host that redirected the request (index.html to the
      // folder's URL) gives a response a browser refuses to use for a page.
      await cache.put(path, new Response(bytes, { status: response.status, statusText: response.statusText, headers: response.headers }));
    }
  } catch (error) {
    await caches.delete(cacheName);
    throw error;
  }
}

self.addEventListener('install', (event) => {
  if (PRECACHE) event.waitUntil(saveCopy());
});

// The copies of other builds go once this one is in use.
self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys().then((names) => Promise.all(
    names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== cacheName).map((name) => caches.delete(name)))));
});

// The page's own files from the copy; anything else (and any file missing from it) from the network.
self.addEventListener('fetch', (event) => {
  if (!PRECACHE || event.request.method !== 'GET') return;
  const url = new URL(event.request.url);
  const scope = new URL(self.registration.scope);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  const path = url.pathname.slice(scope.pathname.length) || 'index.html';
  if (!paths.has(path)) return;
  event.respondWith(caches.open(cacheName).then((cache) => cache.match(path))
    .then((copy) => copy ?? fetch(event.request), () => fetch(event.request)));  // storage failing: the network
});
