// Prints the decode + preprocess table from Google Benchmark JSON (native) and the WASM
// timing's JSON lines. usage: node preprocess_table.mjs NATIVE.json WASM.jsonl
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const [nativePath, wasmPath] = process.argv.slice(2);
const native = new Map();
for (const b of JSON.parse(readFileSync(nativePath, 'utf8')).benchmarks) {
  const [stage, name] = b.name.split('/');
  const row = native.get(name) ?? {};
  row[stage] = b.real_time;  // milliseconds (benchmarks run with kMillisecond)
  native.set(name, row);
}
const rows = readFileSync(wasmPath, 'utf8').trim().split('\n').map((line) => JSON.parse(line)).map((w) => {
  const n = native.get(basename(w.file));
  return { name: basename(w.file), size: `${w.width}x${w.height}`, pixels: w.width * w.height,
           nd: n.decode, nt: n.preprocess, wd: w.decode_ms, wt: w.total_ms };
});
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const f = (x) => x.toFixed(1).padStart(8);
console.log(`${'image'.padEnd(34)}${'size'.padStart(11)}  native decode  native total  wasm decode  wasm total   (ms)`);
for (const r of rows) console.log(`${r.name.padEnd(34)}${r.size.padStart(11)}  ${f(r.nd)}      ${f(r.nt)}      ${f(r.wd)}     ${f(r.wt)}`);
const typical = rows.filter((r) => r.pixels > 1.5e6 && r.pixels < 2.6e6);
for (const [label, set] of [['median, all images', rows], ['median, 1.5-2.6 MP (~1600x1300)', typical]]) {
  if (!set.length) continue;
  console.log(`${label.padEnd(34)}${String(set.length).padStart(11)}  ${f(median(set.map((r) => r.nd)))}      ${f(median(set.map((r) => r.nt)))}      ${f(median(set.map((r) => r.wd)))}     ${f(median(set.map((r) => r.wt)))}`);
}
console.log('targets for a typical 1,600x1,300 gray JPEG: native total <= 15 ms, WASM total <= 25 ms');
