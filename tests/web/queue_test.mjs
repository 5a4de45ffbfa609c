// The page's queue (web/queue.js) under node, without a browser: a drop after Stop is analysed,
// every file gets exactly one row in drop order, and a failure while making one row costs that
// row only.   node queue_test.mjs
import { AnalysisQueue, IN_FLIGHT } from '../../web/queue.js';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let failures = 0;
const fail = (message) => { console.log(`FAIL: ${message}`); failures++; };

// More files than the workers are given at once, so that Stop leaves two of them waiting.
const first = Array.from({ length: IN_FLIGHT + 2 }, (_, i) => `a${i + 1}`);

async function scenario({ failOn = null } = {}) {
  const rows = [];
  const queue = new AnalysisQueue({
    ready: Promise.resolve(),
    start: (entry) => sleep(40).then(() => ({ result: entry.path })),
    finish: (entry) => {
      if (entry.path === failOn) throw new Error('out of memory');
      rows.push(`${entry.path}: ok`);
    },
    showRow: async () => {},
    notAnalysed: (entry, reason) => rows.push(`${entry.path}: ${reason}`),
    progress: () => {},
  });
  queue.add(first.map((path) => ({ path })));
  await sleep(10);
  queue.stop();  // the first IN_FLIGHT are with the workers: they finish; the others are stopped
  await sleep(20);
  queue.add(['b1', 'b2'].map((path) => ({ path })));  // dropped after Stop: analysed
  for (let i = 0; i < 100 && queue.running; i++) await sleep(20);
  return rows;
}

const expected = [...first.map((path, i) => (i < IN_FLIGHT ? `${path}: ok` : `${path}: not analysed: stopped`)), 'b1: ok', 'b2: ok'];
const rows = await scenario();
if (rows.join('|') !== expected.join('|')) fail(`Stop, then a drop: got ${JSON.stringify(rows)}`);
const withFailure = await scenario({ failOn: 'a2' });
const wanted = ['a1: ok', 'a2: not shown: out of memory', ...expected.slice(2)];  // IN_FLIGHT >= 2
if (withFailure.join('|') !== wanted.join('|')) fail(`a row that fails to be made: got ${JSON.stringify(withFailure)}`);
console.log(failures ? `queue: ${failures} failures` : 'queue: a drop after Stop is analysed; a failed row costs that row only');
process.exit(failures ? 1 : 0);
