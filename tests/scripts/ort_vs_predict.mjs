// node ort_vs_predict.mjs MODEL_DIR PREDICTIONS.csv TENSOR_DIR
// For each scored row of `xray predict`'s CSV, runs MODEL_DIR/model.onnx in ONNX Runtime on the
// tensor `xray-preprocess --spec MODEL_DIR/model.json` wrote for that file (TENSOR_DIR/NAME.f32)
// and requires the same probability within 1e-5 and, for a model with the out-of-distribution
// gate, the same ood_score within 1e-4 (relative, absolute below 1) and the same flag: the path the web page takes,
// against the CLI.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const ort = createRequire(path.join(here, '../../web/package.json'))('onnxruntime-node');
const [modelDir, csvPath, tensorDir] = process.argv.slice(2);
const card = JSON.parse(readFileSync(path.join(modelDir, 'model.json'), 'utf8'));
const { width, height } = card.preprocess;
const session = await ort.InferenceSession.create(path.join(modelDir, 'model.onnx'));
const limit = card.ood?.limit;
let worst = 0, worstOod = 0, worstFar = 0, flagMismatches = 0, count = 0;
for (const line of readFileSync(csvPath, 'utf8').trim().split('\n').slice(1)) {
  const [file, probability, , flagged, oodScore] = line.split(',');
  if (!probability) continue;
  const b = readFileSync(path.join(tensorDir, path.basename(file) + '.f32'));
  const input = new ort.Tensor('float32', new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4), [1, 1, height, width]);
  const out = await session.run({ input });
  worst = Math.max(worst, Math.abs(out.probability.data[0] - Number(probability)));
  if (limit !== undefined) {
    const s = out.ood_score.data[0];
    // Relative from 1 up (1 = the validation films' 99th percentile), absolute below; the bound
    // holds up to twice the limit, where the gate decides. Far beyond it (a checkerboard at 3.6x
    // the limit) the two runtimes' convolutions differ enough to reach ~2e-4: 1e-3 there.
    const diff = Math.abs(s - Number(oodScore)) / Math.max(1, Math.abs(s));
    if (s <= 2 * limit) worstOod = Math.max(worstOod, diff);
    else worstFar = Math.max(worstFar, diff);
    if ((s > limit ? '1' : '0') !== flagged) flagMismatches++;
  }
  count++;
}
console.log(`ONNX Runtime vs xray predict: ${count} images, max |difference| ${worst.toExponential(2)} (CSV has 6 decimals)` +
  (limit !== undefined ? `; ood_score max relative difference ${worstOod.toExponential(2)} up to twice the limit, ${worstFar.toExponential(2)} beyond; flag mismatches ${flagMismatches}` : '; no OOD gate'));
process.exit(count > 0 && worst <= 1e-5 && worstOod <= 1e-4 && worstFar <= 1e-3 && flagMismatches === 0 ? 0 : 1);
