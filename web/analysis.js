// One file through the app's preprocessing (the trainer's C++, compiled to WASM) and ONNX Runtime
// Web. The image never leaves the browser. Throws an Error whose message is the file's reason.
import { megabytes } from './format.js';

// 40 megapixels is at most 160 MB even as 32-bit BMP: a larger file is refused by its size,
// before a byte of it is read.
export const MAX_FILE_BYTES = 256e6;

export function withString(app, text, use) {
  const size = app.lengthBytesUTF8(text) + 1;
  const ptr = app._malloc(size);
  if (!ptr) throw new Error('not enough memory in this browser tab');
  app.stringToUTF8(text, ptr, size);
  try { return use(ptr); } finally { app._free(ptr); }
}

export async function readFile(file) {
  if (!file) throw new Error('the file could not be read');
  if (file.size > MAX_FILE_BYTES) {
    throw new Error(`the file is ${megabytes(file.size)}; the limit is ${megabytes(MAX_FILE_BYTES)} (is it an X-ray?)`);
  }
  try {
    return new Uint8Array(await file.arrayBuffer());
  } catch (error) {
    throw new Error(`the file could not be read (${error.message || error.name})`);
  }
}

// {app, ort, session, gate} -> the file's result. show: the app shows this file (image, heatmap,
// verdict); otherwise only its row changes.
export async function analyseBytes({ app, ort, session, gate }, name, bytes, show) {
  const input = app._malloc(Math.max(1, bytes.length));
  if (!input) throw new Error(`not enough memory in this browser tab to read ${megabytes(bytes.length)}`);
  app.HEAPU8.set(bytes, input);
  let tensorPtr = 0;
  try {
    tensorPtr = withString(app, name, (namePtr) => app._xray_preprocess(input, bytes.length, namePtr, show ? 1 : 0));
  } finally {
    app._free(input);
  }
  if (!tensorPtr) throw new Error(app.UTF8ToString(app._xray_last_error()));
  const width = app._xray_model_width(), height = app._xray_model_height();
  const data = app.HEAPF32.slice(tensorPtr / 4, tensorPtr / 4 + app._xray_tensor_size());  // a copy: ORT may keep it
  const decodeMs = app._xray_decode_ms();
  const preprocessMs = app._xray_preprocess_ms();
  const colourFraction = app._xray_colour_fraction();
  const inferStart = performance.now();
  const outputs = await session.run({ input: new ort.Tensor('float32', data, [1, 1, height, width]) });
  const inferenceMs = performance.now() - inferStart;
  const probability = outputs.probability.data[0];
  // Older models have no gate: no score, never flagged. A missing or NaN score under a gate is
  // flagged by the app (it cannot vouch for the image).
  const oodScore = gate ? Number(outputs[gate.output]?.data[0] ?? NaN) : null;
  const limit = gate ? gate.limit : NaN;
  let flags;
  if (show) {
    const cam = outputs.cam.data;
    const [, , camHeight, camWidth] = outputs.cam.dims;
    const camPtr = app._malloc(cam.length * 4);
    if (camPtr) app.HEAPF32.set(cam, camPtr / 4);
    flags = app._xray_show_result(probability, camPtr, camPtr ? camHeight : 0, camWidth, inferenceMs, gate ? oodScore : NaN, limit);
    app._free(camPtr);
  } else {
    flags = app._xray_gate_flags(gate ? oodScore : NaN, limit);
  }
  const label = app.UTF8ToString(app._xray_model_label(probability >= app._xray_model_threshold() ? 1 : 0));
  return { probability, label, outOfDistribution: (flags & 1) !== 0, inColour: (flags & 2) !== 0, oodScore, colourFraction,
           timings: { decode_ms: decodeMs, preprocess_ms: preprocessMs, inference_ms: inferenceMs } };
}
