// The analysis worker: ONNX Runtime Web and the trainer's preprocessing (xray-worker.wasm, the same
// C++ as `xray predict`) run here, beside the page's main thread, which only draws and answers
// input. So a batch never waits for a frame, and a frame never waits for a file.
// Out, once: {type: 'ready', card, outputNames, version, threads} or {type: 'failed', message}.
// In, once: {type: 'model-bytes', buffer} (model.onnx's bytes, or null to fetch them here).
// In: {id, file, show}, handled one at a time in arrival order; out: {id, result} or {id, error}.

// Start-up's steps, in milliseconds since the epoch (performance.timeOrigin differs between a
// worker and its page); the page turns them into its own timeline (window.xray.timeline).
const marks = { worker_created: performance.timeOrigin };
const mark = (name) => { marks[name] = performance.timeOrigin + performance.now(); };
mark('worker_started');

// First of all, before any code arrives: ONNX Runtime Web and the preprocessing module are
// requested at once, beside the model's bytes (static imports would hold everything until both
// modules had loaded).
// model.onnx's bytes come from the page (boot.js fetches them while this worker starts), or, when
// the page sends none, from here.
let receiveModelBytes;
const onnxBytes = new Promise((resolve) => { receiveModelBytes = resolve; })
  .then((buffer) => buffer ? new Uint8Array(buffer) : fetchOk('model/model.onnx', async (r) => new Uint8Array(await r.arrayBuffer())));
onnxBytes.then(() => mark('worker_model_fetched'), () => {});
const ortModule = import('./ort/ort.wasm.min.mjs');
const preprocessingModule = import('./xray-worker.js');

let ort = null;      // ONNX Runtime Web, once imported
let markPreprocessingReady;  // the preprocessing module holds the checked model card: files can be read
const preprocessingReady = new Promise((resolve) => { markPreprocessingReady = resolve; });
let session = null;  // ONNX Runtime Web session
let wasm = null;     // the preprocessing module

async function fetchOk(url, read) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return read(response);
}

// model.json records model.onnx's SHA-256: a stale or damaged copy (a cache, a partial upload)
// must not give silently wrong answers. crypto.subtle exists only in secure contexts (https,
// localhost); elsewhere the shared library's SHA-256 (in the preprocessing module) does it.
async function sha256Hex(bytes) {
  if (self.crypto?.subtle) {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  }
  const ptr = wasm._malloc(bytes.length);
  if (!ptr) throw new Error('not enough memory in this browser tab to check model.onnx');
  try {
    wasm.HEAPU8.set(bytes, ptr);
    return wasm.UTF8ToString(wasm._xw_sha256_hex(ptr, bytes.length));
  } finally { wasm._free(ptr); }
}

async function checkModelFile(card, bytes) {
  const want = card.files?.['model.onnx']?.sha256;
  if (!want) throw new Error('model/model.json does not record the sha256 of model.onnx');
  const have = await sha256Hex(bytes);
  if (have !== want) throw new Error(`model/model.onnx does not match model.json (sha256 ${have.slice(0, 12)}..., expected ${want.slice(0, 12)}...)`);
}

function withString(text, use) {
  const size = wasm.lengthBytesUTF8(text) + 1;
  const ptr = wasm._malloc(size);
  if (!ptr) throw new Error('not enough memory in this browser tab');
  wasm.stringToUTF8(text, ptr, size);
  try { return use(ptr); } finally { wasm._free(ptr); }
}

// ONNX Runtime's WASM (14 MB to compile) is the longest step of start-up: the session is created
// the moment model.onnx arrives, which starts that compile; the card, the checksum and the
// preprocessing module are read meanwhile.
async function loadModel() {
  ort = await ortModule;
  ort.env.wasm.wasmPaths = new URL('./ort/', import.meta.url).href;
  // Threads need cross-origin isolation, which plain static hosts do not give; one thread works anywhere.
  ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  const created = onnxBytes.then((bytes) => ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] }));
  created.then(() => mark('worker_session_created'), () => {});
  created.catch(() => {});  // reported below, after the checksum's verdict
  const preprocessing = preprocessingModule.then((module) => module.default());
  preprocessing.then(() => mark('worker_preprocessing_ready'), () => {});
  const cardText = await fetchOk('model/model.json', (r) => r.text());
  let card;
  try { card = JSON.parse(cardText); } catch (error) { throw new Error(`model/model.json is not JSON (${error.message})`); }
  wasm = await preprocessing;
  await checkModelFile(card, await onnxBytes);
  if (!withString(cardText, (ptr) => wasm._xw_set_card(ptr))) throw new Error(wasm.UTF8ToString(wasm._xw_last_error()));
  markPreprocessingReady();
  session = await created;
  mark('worker_ready');
  return { type: 'ready', card: cardText, outputNames: session.outputNames, version: ort.env.versions?.web ?? '', threads: ort.env.wasm.numThreads,
           marks };
}

// The page has checked the size already (analysis.js).
async function readFile(file) {
  if (!file) throw new Error('the file could not be read');
  try {
    return new Uint8Array(await file.arrayBuffer());
  } catch (error) {
    throw new Error(`the file could not be read (${error.message || error.name})`);
  }
}

// The bytes through the C++ preprocessing: the model input and what the page needs to know.
// show: the gray picture too, scaled for display.
function preprocess(bytes, show) {
  const input = wasm._malloc(Math.max(1, bytes.length));
  if (!input) throw new Error(`not enough memory in this browser tab to read ${(bytes.length / 1e6).toFixed(0)} MB`);
  wasm.HEAPU8.set(bytes, input);
  let tensorPtr;
  try {
    tensorPtr = wasm._xw_preprocess(input, bytes.length, show ? 1 : 0);
  } finally {
    wasm._free(input);
  }
  if (!tensorPtr) throw new Error(wasm.UTF8ToString(wasm._xw_last_error()));
  const tensor = wasm.HEAPF32.slice(tensorPtr / 4, tensorPtr / 4 + wasm._xw_tensor_size());  // a copy: ORT may keep it
  let display = null;
  if (show) {
    const width = wasm._xw_display_width(), height = wasm._xw_display_height(), ptr = wasm._xw_display_pixels();
    display = { pixels: wasm.HEAPU8.slice(ptr, ptr + width * height), width, height, sourceWidth: wasm._xw_source_width(),
                sourceHeight: wasm._xw_source_height(), format: wasm.UTF8ToString(wasm._xw_source_format()) };
  }
  return { tensor, display, colourFraction: wasm._xw_colour_fraction(), decodeMs: wasm._xw_decode_ms(), preprocessMs: wasm._xw_preprocess_ms() };
}

// One file, first half: read and preprocess. -> {message, p, readMs, prepareMs} or {message, error}.
async function prepare(message) {
  const start = performance.now();
  try {
    const bytes = await readFile(message.file);
    const readMs = performance.now() - start;
    const p = preprocess(bytes, message.show);
    return { message, p, readMs, prepareMs: performance.now() - start };
  } catch (error) {
    return { message, error: error.message || String(error), prepareMs: performance.now() - start };
  }
}

// Second half: the network. result: probability, the other one-number outputs by name (the
// gate's score among them), the class activation map and the picture when shown, timings
// (total_ms: this file's own work, not its wait in the queue).
async function run({ message, p, readMs, prepareMs, error }) {
  const { id, show } = message;
  if (error !== undefined) {
    self.postMessage({ id, error, ms: prepareMs });
    return;
  }
  const inferStart = performance.now();
  try {
    const outputs = await session.run({ input: new ort.Tensor('float32', p.tensor, [1, 1, wasm._xw_model_height(), wasm._xw_model_width()]) });
    const inferenceMs = performance.now() - inferStart;
    if (!marks.worker_first_result) {
      mark('worker_first_result');
      self.postMessage({ type: 'marks', marks });
    }
    const scores = {};
    for (const [name, tensor] of Object.entries(outputs)) if (tensor.data.length === 1) scores[name] = Number(tensor.data[0]);
    const transfer = [];
    let cam = null;
    if (show && outputs.cam) {
      const [, , height, width] = outputs.cam.dims;
      cam = { data: Float32Array.from(outputs.cam.data), width, height };
      transfer.push(cam.data.buffer);
    }
    if (p.display) transfer.push(p.display.pixels.buffer);
    const result = { probability: outputs.probability.data[0], scores, colourFraction: p.colourFraction, display: p.display, cam,
                     timings: { read_ms: readMs, decode_ms: p.decodeMs, preprocess_ms: p.preprocessMs, inference_ms: inferenceMs,
                                total_ms: prepareMs + performance.now() - inferStart } };
    self.postMessage({ id, result }, transfer);
  } catch (error) {
    self.postMessage({ id, error: error.message || String(error), ms: prepareMs + performance.now() - inferStart });
  }
}

const model = loadModel();
model.then((ready) => self.postMessage(ready), (error) => self.postMessage({ type: 'failed', message: error.message || String(error) }));
let turn = model.catch(() => {});
// The first file that arrives while ONNX Runtime is still being set up is read and preprocessed
// at once (only that one: a folder dropped early must not be held in memory), so that its
// result follows the session by one inference.
let preparedEarly = false;
self.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'model-bytes') {
    receiveModelBytes(message.buffer);
    return;
  }
  let prepared = null;
  if (!session && !preparedEarly) {
    preparedEarly = true;
    prepared = preprocessingReady.then(() => prepare(message));
  }
  turn = turn.then(async () => {
    if (!session) return self.postMessage({ id: message.id, error: 'the model is not loaded' });
    return run(await (prepared ?? prepare(message)));
  });
};
