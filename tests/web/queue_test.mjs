// The page's queue (web/queue.js) under node, without a browser: a drop after Stop is analysed,
// every file gets exactly one row in drop order, and a failure while making one row costs that
// row only.   node queue_test.mjs
import { AnalysisQueue } from '../../web/queue.js';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let failures = 0;
const fail = (message) => { console.log(`FAIL: ${message}`); failures++; };

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
  queue.add(['a1', 'a2', 'a3', 'a4'].map((path) => ({ path })));
  await sleep(10);
  queue.stop();  // a1 and a2 are with the worker: they finish; a3 and a4 are stopped
  await sleep(20);
  queue.add(['b1', 'b2'].map((path) => ({ path })));  // dropped after Stop: analysed
  for (let i = 0; i < 100 && queue.running; i++) await sleep(20);
  return rows;
}

const expected = ['a1: ok', 'a2: ok', 'a3: not analysed: stopped', 'a4: not analysed: stopped', 'b1: ok', 'b2: ok'];
const rows = await scenario();
if (rows.join('|') !== expected.join('|')) fail(`Stop, then a drop: got ${JSON.stringify(rows)}`);
const withFailure = await scenario({ failOn: 'a2' });
const wanted = ['a1: ok', 'a2: not shown: out of memory', ...expected.slice(2)];
if (withFailure.join('|') !== wanted.join('|')) fail(`a row that fails to be made: got ${JSON.stringify(withFailure)}`);
console.log(failures ? `queue: ${failures} failures` : 'queue: a drop after Stop is analysed; a failed row costs that row only');
process.exit(failures ? 1 : 0);
