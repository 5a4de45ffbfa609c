// The analysis worker: reads each file and runs the trainer's preprocessing (xray-worker.wasm, the
// same C++ as `xray predict`), sends the model input to the inference worker (inference_worker.js,
// ONNX Runtime Web on its own thread) and turns its outputs into the file's result with the card's
// rule. The page's main thread only draws and answers input: a batch never waits for a frame, a
// frame never waits for a file, and the next file is read while this one's inference runs.
// In (from boot.js), once each: {type: 'port', port} (the inference worker's channel) and
// {type: 'go'} (ONNX Runtime's WASM is compiled: this worker's own start may begin).
// Out, once: {type: 'ready', card, outputNames, version, threads, gate} or {type: 'failed', message};
// gate: {output, limit} when the out-of-distribution gate runs, else null.
// In: {id, file, show}, read in arrival order; out: {id, result} or {id, error}.

// Start-up's steps, in milliseconds since the epoch (performance.timeOrigin differs between a
// worker and its page); the page turns them into its own timeline (window.xray.timeline).
const marks = { worker_created: performance.timeOrigin };
const mark = (name) => { marks[name] = performance.timeOrigin + performance.now(); };
mark('worker_started');

// Started once ONNX Runtime's WASM is compiled (boot.js says when): on two cores, this worker's
// own start would otherwise slow that compile, start-up's longest step; ONNX Runtime's session,
// created next on the inference worker's thread, leaves the other core free for it.
let receiveGo;
const go = new Promise((resolve) => { receiveGo = resolve; });
const preprocessingModule = go.then(() => import('./xray-worker.js'));
// From the inference worker: model.onnx's bytes (a copy, for the checksum), then its session.
let receivePort, receiveModelBytes, receiveSession;
const inference = new Promise((resolve) => { receivePort = resolve; });
const onnxBytes = new Promise((resolve) => { receiveModelBytes = resolve; });
const sessionInfo = new Promise((resolve) => { receiveSession = resolve; });

// The preprocessing module holds the checked model card: files can be read (rejected when the
// model fails to load before that).
let markPreprocessingReady, markPreprocessingFailed;
const preprocessingReady = new Promise((resolve, reject) => { markPreprocessingReady = resolve; markPreprocessingFailed = reject; });
preprocessingReady.catch(() => {});
let wasm = null;     // the preprocessing module
let gateRuns = false;  // the out-of-distribution gate applies (the card has one, model.onnx its output)
let oodOutput = '';

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

// The card, the preprocessing module and the checksum, while the inference worker starts ONNX
// Runtime (start-up's longest step).
async function loadModel() {
  const preprocessing = preprocessingModule.then((module) => module.default());
  preprocessing.then(() => mark('worker_preprocessing_ready'), () => {});
  await go;
  const cardText = await fetchOk('model/model.json', (r) => r.text());
  let card;
  try { card = JSON.parse(cardText); } catch (error) { throw new Error(`model/model.json is not JSON (${error.message})`); }
  wasm = await preprocessing;
  if (!withString(cardText, (ptr) => wasm._xw_set_card(ptr))) throw new Error(wasm.UTF8ToString(wasm._xw_last_error()));
  markPreprocessingReady();
  const bytes = await onnxBytes;
  if (!bytes) throw new Error((await sessionInfo).message ?? 'model/model.onnx could not be read');
  await checkModelFile(card, bytes);
  const session = await sessionInfo;
  Object.assign(marks, session.marks);
  if (session.type !== 'session') throw new Error(session.message);
  // The gate runs when the card describes one and model.onnx computes its score.
  oodOutput = wasm.UTF8ToString(wasm._xw_ood_output());
  gateRuns = wasm._xw_has_ood_gate() === 1 && session.outputNames.includes(oodOutput);
  mark('worker_ready');
  return { type: 'ready', card: cardText, outputNames: session.outputNames, version: session.version, threads: session.threads,
           gate: gateRuns ? { output: oodOutput, limit: wasm._xw_ood_limit() } : null, marks };
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

// Second half, when the inference worker answers: the card's verdict on its outputs.
// result: probability, the verdict ({label, outOfDistribution, inColour, oodScore}), the other
// one-number outputs by name (the gate's score among them), the class activation map and the
// picture when shown, timings (total_ms: this file's own work, not its waits in the queues).
function resultOf(prepared, answer) {
  const { p, readMs, prepareMs } = prepared;
  const scores = {};
  for (const [name, output] of Object.entries(answer.outputs)) if (output.data.length === 1) scores[name] = Number(output.data[0]);
  const probability = answer.outputs.probability.data[0];
  // A missing or NaN score under a gate is flagged (nothing vouches for the image).
  const oodScore = gateRuns ? (scores[oodOutput] ?? NaN) : null;
  const bits = wasm._xw_verdict(probability, oodScore ?? NaN, p.colourFraction, gateRuns ? 1 : 0);
  const verdict = { label: wasm.UTF8ToString(wasm._xw_label(bits & 4 ? 1 : 0)), outOfDistribution: (bits & 1) !== 0,
                    inColour: (bits & 2) !== 0, oodScore };
  const transfer = [];
  let cam = null;
  const camOutput = answer.outputs.cam;
  if (prepared.message.show && camOutput) {
    const [, , height, width] = camOutput.dims;
    cam = { data: camOutput.data, width, height };
    transfer.push(cam.data.buffer);
  }
  if (p.display) transfer.push(p.display.pixels.buffer);
  const result = { probability, verdict, scores, colourFraction: p.colourFraction, display: p.display, cam,
                   timings: { read_ms: readMs, decode_ms: p.decodeMs, preprocess_ms: p.preprocessMs, inference_ms: answer.inferenceMs,
                              total_ms: prepareMs + answer.inferenceMs } };
  return { result, transfer };
}

const model = loadModel();
model.catch((error) => markPreprocessingFailed(error));
model.then((ready) => self.postMessage(ready), (error) => self.postMessage({ type: 'failed', message: error.message || String(error) }));

// Files waiting for the inference worker's answer, by id. Inputs ahead of the network: one until
// the first answer (reading more would take the processor from ONNX Runtime's start and the first
// inference, and one is all the first result needs), then two (one running, the next ready), so
// that reading and inference overlap.
const waitingForInference = new Map();
let answeredOnce = false;
const inputsAhead = () => (answeredOnce ? 2 : 1);
let answered;  // resolves at the inference worker's next message
let nextAnswer = new Promise((resolve) => { answered = resolve; });
function signalAnswer() {
  answered();
  nextAnswer = new Promise((resolve) => { answered = resolve; });
}

function receiveAnswer(answer) {
  if (answer.type === 'model-bytes') return receiveModelBytes(answer.buffer ? new Uint8Array(answer.buffer) : null);
  if (answer.type === 'session' || answer.type === 'session-failed') return receiveSession(answer);
  if (answer.marks) Object.assign(marks, answer.marks);
  const prepared = waitingForInference.get(answer.id);
  waitingForInference.delete(answer.id);
  answeredOnce = true;
  signalAnswer();
  if (!prepared) return;
  // Results only once the model is checked (its checksum) and ready.
  model.then(() => {
    if (answer.error !== undefined) return self.postMessage({ id: answer.id, error: answer.error, ms: prepared.prepareMs });
    try {
      const { result, transfer } = resultOf(prepared, answer);
      if (!marks.worker_first_result) {
        mark('worker_first_result');
        self.postMessage({ type: 'marks', marks });
      }
      self.postMessage({ id: answer.id, result }, transfer);
    } catch (error) {  // e.g. a model without a "probability" output: this file's error, not a stalled queue
      self.postMessage({ id: answer.id, error: `the model's outputs could not be read (${error.message || error})` });
    }
  }, (error) => self.postMessage({ id: answer.id, error: `the model is not loaded (${error.message || error})` }));
}

// Files are read one at a time in arrival order (a folder must not be read all at once) once the
// card is known, also while ONNX Runtime is still starting, and at most inputsAhead() ahead of
// the network; the inference worker runs them in arrival order.
let turn = Promise.resolve();
self.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'port') {
    message.port.onmessage = (e) => receiveAnswer(e.data);
    receivePort(message.port);
    return;
  }
  if (message.type === 'go') {
    receiveGo();
    return;
  }
  turn = turn.then(async () => {
    try {
      await preprocessingReady;
    } catch (error) {
      return self.postMessage({ id: message.id, error: `the model is not loaded (${error.message || error})` });
    }
    while (waitingForInference.size >= inputsAhead()) await nextAnswer;
    const prepared = await prepare(message);
    if (prepared.error !== undefined) return self.postMessage({ id: message.id, error: prepared.error, ms: prepared.prepareMs });
    if (!marks.worker_first_prepared) mark('worker_first_prepared');
    waitingForInference.set(message.id, prepared);
    const input = prepared.p.tensor;
    prepared.p.tensor = null;  // handed over
    (await inference).postMessage({ id: message.id, input, dims: [1, 1, wasm._xw_model_height(), wasm._xw_model_width()] }, [input.buffer]);
  }).catch((error) => {  // this file's error; the next files still go
    waitingForInference.delete(message.id);
    self.postMessage({ id: message.id, error: error.message || String(error) });
  });
};
