// node ort_vs_predict.mjs MODEL_DIR PREDICTIONS.csv TENSOR_DIR
// For each scored row of `xray predict`'s CSV, runs MODEL_DIR/model.onnx in ONNX Runtime on the
// tensor `xray-preprocess --spec MODEL_DIR/model.json` wrote for that file (TENSOR_DIR/NAME.f32)
// and requires the same probability within 1e-5: the path the web page takes, against the CLI.
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
let worst = 0, count = 0;
for (const line of readFileSync(csvPath, 'utf8').trim().split('\n').slice(1)) {
  const [file, probability] = line.split(',');
  if (!probability) continue;
  const b = readFileSync(path.join(tensorDir, path.basename(file) + '.f32'));
  const input = new ort.Tensor('float32', new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4), [1, 1, height, width]);
  const out = await session.run({ input });
  worst = Math.max(worst, Math.abs(out.probability.data[0] - Number(probability)));
  count++;
}
console.log(`ONNX Runtime vs xray predict: ${count} images, max |difference| ${worst.toExponential(2)} (CSV has 6 decimals)`);
process.exit(count > 0 && worst <= 1e-5 ? 0 : 1);
