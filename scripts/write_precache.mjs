// Fills in dist/service_worker.js's list of the page's files with their sha256 and the build's
// version (a hash of that list), so the service worker keeps whole, checked builds only.
// usage: node scripts/write_precache.mjs DIST_DIR   (run by scripts/build_web.sh)
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const dist = process.argv[2];
const worker = path.join(dist, 'service_worker.js');
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full);
    else if (full !== worker) files.push({ path: path.relative(dist, full).split(path.sep).join('/'), sha256: createHash('sha256').update(readFileSync(full)).digest('hex') });
  }
};
walk(dist);
const source = readFileSync(worker, 'utf8');
// The worker's own code counts too: a build that changes only the worker is a new build.
const version = createHash('sha256').update(JSON.stringify(files)).update(source).digest('hex').slice(0, 16);
const placeholder = 'const PRECACHE = null;';
if (!source.includes(placeholder)) throw new Error(`${worker}: no "${placeholder}" to fill in`);
writeFileSync(worker, source.replace(placeholder, () => `const PRECACHE = ${JSON.stringify({ version, files })};`));
console.log(`${worker}: ${files.length} files, version ${version}`);
