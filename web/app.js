// The page's glue. The image never leaves the browser: the file's bytes go into the WASM app
// (the same C++ preprocessing as the trainer), the tensor goes to ONNX Runtime Web, the result
// goes back to the app to draw. Everything is loaded from this page's own folder.
import * as ort from './ort/ort.wasm.min.mjs';

// window.xray: the page's state for scripts and tests. timeline: milliseconds since navigation.
// analysed: how many dropped files have been handled (result or error), for scripts to wait on.
// oodGate: {output, limit} when the model has an out-of-distribution gate, else null.
// modelPanel: the lines the model panel draws on the canvas (it has no DOM text).
const xray = { ready: false, lastResult: null, lastError: null, modelCard: null, timeline: {}, analysed: 0,
               oodGate: null, modelPanel: [] };
window.xray = xray;
const resultRegion = document.getElementById('result');
let app = null;        // the Emscripten module (xray-app.js)
let session = null;    // ONNX Runtime Web session
let queue = Promise.resolve();  // files are analysed one at a time, in drop order
let modelCardText = '';
const MAX_FILE_BYTES = 256e6;  // 40 megapixels is at most 160 MB even as 32-bit BMP

function announce(text) {
  resultRegion.textContent = text;
}

function withString(text, use) {
  const size = app.lengthBytesUTF8(text) + 1;
  const ptr = app._malloc(size);
  app.stringToUTF8(text, ptr, size);
  try { return use(ptr); } finally { app._free(ptr); }
}

// The same rule as the app's format_score (model_info.cpp), so the canvas and #result agree.
// (printf: %.0f from 1000, %.3g from 1e9, else %.4g).
function formatScore(value) {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const a = Math.abs(value);
  const exponential = (digits) => Number(value.toPrecision(digits)).toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  if (a >= 1e9) return exponential(3);
  if (a >= 1000) return value.toFixed(0);
  if (a !== 0 && a < 1e-4) return exponential(4);
  return String(Number(value.toPrecision(4)));
}

function setStatus(text, isError = false) {
  if (app) withString(text, (ptr) => app._xray_set_status(ptr, isError ? 1 : 0));
}

function fail(message) {
  xray.lastError = message;
  announce(`error: ${message}`);
  if (app) withString(message, (ptr) => app._xray_report_error(ptr));
}

function loadApp() {
  return new Promise((resolve, reject) => {
    window.Module = {
      canvas: document.getElementById('canvas'),
      onAppReady: () => resolve(window.Module),
      printErr: (text) => console.warn(text),
    };
    const script = document.createElement('script');
    script.src = 'xray-app.js';
    script.onerror = () => reject(new Error('xray-app.js could not be loaded'));
    document.body.appendChild(script);
  });
}

// model.json records model.onnx's SHA-256: a stale or damaged copy (a cache, a partial upload)
// must not give silently wrong answers. crypto.subtle exists only in secure contexts (https,
// localhost); elsewhere the check is skipped and the page says so in the console.
async function checkModelFile(bytes) {
  const want = xray.modelCard.files?.['model.onnx']?.sha256;
  if (!want) throw new Error('model/model.json does not record the sha256 of model.onnx');
  if (!self.crypto?.subtle) { console.warn('not a secure context: model.onnx checksum not verified'); return; }
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const have = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  if (have !== want) throw new Error(`model/model.onnx does not match model.json (sha256 ${have.slice(0, 12)}..., expected ${want.slice(0, 12)}...)`);
}

async function loadModel() {
  const response = await fetch('model/model.json');
  if (!response.ok) throw new Error(`model/model.json: HTTP ${response.status}`);
  modelCardText = await response.text();
  xray.modelCard = JSON.parse(modelCardText);
  ort.env.wasm.wasmPaths = new URL('./ort/', import.meta.url).href;
  // Threads need cross-origin isolation, which plain static hosts do not give; one thread works anywhere.
  ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  const onnx = await fetch('model/model.onnx');
  if (!onnx.ok) throw new Error(`model/model.onnx: HTTP ${onnx.status}`);
  const onnxBytes = new Uint8Array(await onnx.arrayBuffer());
  await checkModelFile(onnxBytes);
  session = await ort.InferenceSession.create(onnxBytes, { executionProviders: ['wasm'] });
}

async function analyse(name, bytes, droppedAt) {
  const start = performance.now();
  const input = app._malloc(Math.max(1, bytes.length));
  if (!input) { fail(`${name}: not enough memory in this browser tab to read ${(bytes.length / 1e6).toFixed(0)} MB`); return; }
  app.HEAPU8.set(bytes, input);
  const tensorPtr = withString(name, (namePtr) => app._xray_preprocess(input, bytes.length, namePtr));
  app._free(input);
  if (!tensorPtr) {
    fail(`${name}: ${app.UTF8ToString(app._xray_last_error())}`);
    return;
  }
  const width = app._xray_model_width(), height = app._xray_model_height();
  const data = app.HEAPF32.slice(tensorPtr / 4, tensorPtr / 4 + app._xray_tensor_size());  // a copy: ORT may keep it
  const decodeMs = app._xray_decode_ms();
  const preprocessMs = app._xray_preprocess_ms();
  const inferStart = performance.now();
  const outputs = await session.run({ input: new ort.Tensor('float32', data, [1, 1, height, width]) });
  const inferenceMs = performance.now() - inferStart;
  const probability = outputs.probability.data[0];
  const cam = outputs.cam.data;
  const [, , camHeight, camWidth] = outputs.cam.dims;
  // Older models have no gate: no score, never flagged. A missing or NaN score under a gate is
  // flagged by the app (it cannot vouch for the image).
  const gate = xray.oodGate;
  const oodScore = gate ? Number(outputs[gate.output]?.data[0] ?? NaN) : null;
  const camPtr = app._malloc(cam.length * 4);
  app.HEAPF32.set(cam, camPtr / 4);
  const flagged = app._xray_show_result(probability, camPtr, camHeight, camWidth, inferenceMs,
                                        gate ? oodScore : NaN, gate ? gate.limit : NaN) !== 0;
  app._free(camPtr);

  const label = app.UTF8ToString(app._xray_model_label(probability >= app._xray_model_threshold() ? 1 : 0));
  const end = performance.now();
  const timings = { decode_ms: decodeMs, preprocess_ms: preprocessMs, inference_ms: inferenceMs, total_ms: end - start,
                    read_ms: start - droppedAt, drop_to_result_ms: end - droppedAt };
  xray.timeline.first_result ??= end;
  const colourFraction = app._xray_colour_fraction();
  xray.lastResult = { file: name, probability, label, timings, outOfDistribution: flagged, oodScore, colourFraction };
  xray.lastError = null;
  const inColour = app._xray_result_in_colour() !== 0;
  announce(flagged ? (inColour ? `NOT A CHEST X-RAY (in colour: ${(100 * colourFraction).toFixed(0)}% of its pixels)`
                               : `NOT A CHEST X-RAY (score ${formatScore(oodScore)}, limit ${formatScore(gate.limit)})`)
                   : `${label} ${probability.toFixed(4)}`);
}

function analyseFile(file) {
  const droppedAt = performance.now();
  queue = queue.then(async () => {
    try {
      if (!xray.ready) { fail('the model is still loading; try again in a moment'); return; }
      if (file.size > MAX_FILE_BYTES) {
        fail(`${file.name}: the file is ${(file.size / 1e6).toFixed(0)} MB; the limit is ${MAX_FILE_BYTES / 1e6} MB (is it an X-ray?)`);
        return;
      }
      await analyse(file.name, new Uint8Array(await file.arrayBuffer()), droppedAt);
    } catch (error) {
      fail(`${file.name}: ${error.message || error}`);
    } finally {
      xray.analysed++;
    }
  });
  return queue;
}
xray.analyseFile = analyseFile;

function installInputs() {
  const input = document.getElementById('file-input');
  input.addEventListener('change', () => {
    if (input.files.length) analyseFile(input.files[0]);
    input.value = '';
  });
  let depth = 0;  // dragenter/dragleave fire for every child element
  const hover = (on) => app && app._xray_set_drag_hover(on ? 1 : 0);
  window.addEventListener('dragenter', (e) => { e.preventDefault(); depth++; hover(true); });
  window.addEventListener('dragleave', (e) => { e.preventDefault(); if (--depth <= 0) { depth = 0; hover(false); } });
  window.addEventListener('dragover', (e) => { e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; });
  window.addEventListener('drop', (e) => {
    e.preventDefault();
    depth = 0;
    const file = e.dataTransfer.files[0];
    // No redraw now: the app clears the highlight when it reads the file, and a frame drawn in
    // between would only delay reading it.
    if (file) analyseFile(file);
    else { hover(false); fail('nothing to read in what was dropped; drop an image file'); }
  });
}

// The gate runs when the card gives a limit and model.onnx has the output it names; a card and
// a graph that disagree are said, not guessed around. Returns a note for the status line.
function setUpOodGate() {
  const limit = app._xray_model_ood_limit();
  const output = app.UTF8ToString(app._xray_model_ood_output());
  const inOnnx = session.outputNames.includes(output);
  app._xray_set_ood_in_onnx(inOnnx ? 1 : 0);
  xray.oodGate = Number.isFinite(limit) && inOnnx ? { output, limit } : null;
  if (xray.oodGate) return '';
  if (xray.modelCard.ood) {
    console.warn(`model.json describes an out-of-distribution gate that cannot run (limit ${limit}, output "${output}" ${inOnnx ? 'present' : 'missing'} in model.onnx)`);
    return 'The out-of-distribution gate cannot run (see the model panel). ';
  }
  return 'No out-of-distribution check in this model. ';
}

async function main() {
  installInputs();
  // The model (14 MB of ONNX Runtime WASM, the network) and the app load at the same time.
  const model = loadModel();
  model.catch(() => {});  // handled below, once the app can show it
  try {
    app = await loadApp();
    xray.timeline.app_ready = performance.now();
    const wake = () => app._xray_wake();
    for (const type of ['pointermove', 'pointerdown', 'pointerup', 'wheel', 'keydown', 'keyup', 'focus']) {
      window.addEventListener(type, wake, { passive: true });
    }
  } catch (error) {
    announce(`error: ${error.message}`);
    return;
  }
  try {
    await model;
    if (!withString(modelCardText, (ptr) => app._xray_set_model_card(ptr))) {
      throw new Error('model/model.json is not a usable model card');
    }
    const gateNote = setUpOodGate();
    xray.modelPanel = JSON.parse(app.UTF8ToString(app._xray_model_panel()));
    xray.timeline.model_ready = performance.now();
    setStatus(`Model ready: input ${app._xray_model_width()}x${app._xray_model_height()}, ONNX Runtime Web ${ort.env.versions?.web ?? ''} on ${ort.env.wasm.numThreads} thread(s). ${gateNote}Drop an X-ray or use Open.`);
    xray.ready = true;
  } catch (error) {
    setStatus(`The model could not be loaded: ${error.message}`, true);
    announce(`error: ${error.message}`);
  }
}

main();
