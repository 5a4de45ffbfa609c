// The inference worker: ONNX Runtime Web alone, on its own thread. The analysis worker
// (analysis_worker.js) reads and preprocesses the files and sends their model inputs here, so
// that preprocessing the next file runs beside this file's inference (two cores, two threads),
// and ONNX Runtime's start-up (one long task on this thread) never holds a file back.
// In (from boot.js), once each: {type: 'port', port} (the analysis worker's channel),
// {type: 'model-bytes', buffer} (model.onnx's bytes, or null to fetch them here),
// {type: 'ort-module', module} (ONNX Runtime's WASM compiled by the page, or null to compile it here).
// To the analysis worker, once each: {type: 'model-bytes', buffer} (a copy, for the checksum; null
// when there are none) and {type: 'session', outputNames, version, threads, marks} or
// {type: 'session-failed', message, marks}.
// From it: {id, input, dims}; back: {id, outputs: {name: {data, dims}}, inferenceMs} or {id, error}, in order.

// The glue ONNX Runtime Web 1.30 loads beside ort.wasm.min.mjs (ORT_WASM_FILE's).
const ORT_GLUE_FILE = 'ort-wasm-simd-threaded.mjs';

// No graph rewrites at load: for this small CNN they cost 60-80 ms of every cold start (their
// code runs once, through the browser's lazy WASM compile, on start-up's critical path) and gain
// ~0.6 ms per inference (16.7 -> 16.1 ms here); the outputs are the same (the browser tests compare
// them with `xray predict`); scripts/bench/web.sh measures the cold start and the batch.
const SESSION_OPTIONS = { executionProviders: ['wasm'], graphOptimizationLevel: 'disabled' };

// Start-up's steps, in milliseconds since the epoch (the page turns them into its timeline).
const marks = {};
const mark = (name) => { marks[name] = performance.timeOrigin + performance.now(); };
mark('inference_worker_started');

// Requested before anything else: ONNX Runtime's code, beside the model's bytes and the compiled
// WASM that boot.js sends.
const ortModule = import('./ort/ort.wasm.min.mjs');
const ortPrecompiledModule = import('./ort_precompiled.js');
// ONNX Runtime imports its Emscripten glue only when the session is created; imported now, that
// later import finds it loaded (one module per URL) instead of waiting for a download then.
import(`./ort/${ORT_GLUE_FILE}`).catch(() => {});  // ONNX Runtime reports it if it is missing
let receiveModelBytes, receiveOrtWasm, receivePort;
const modelBytes = new Promise((resolve) => { receiveModelBytes = resolve; }).then(async (buffer) => {
  if (buffer) return new Uint8Array(buffer);
  const response = await fetch('model/model.onnx');
  if (!response.ok) throw new Error(`model/model.onnx: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
});
const ortWasm = new Promise((resolve) => { receiveOrtWasm = resolve; });
const port = new Promise((resolve) => { receivePort = resolve; });

let ort = null;
let session = null;

// The analysis worker gets the bytes (or null) whatever else fails, so that it never waits for them.
const modelBytesShared = modelBytes.then(async (bytes) => {
  mark('worker_model_fetched');
  // ONNX Runtime copies the bytes into its own memory, so this copy is the only one kept.
  const copy = bytes.slice();
  (await port).postMessage({ type: 'model-bytes', buffer: copy.buffer }, [copy.buffer]);
  return bytes;
}, async (error) => {
  (await port).postMessage({ type: 'model-bytes', buffer: null });
  throw error;
});

async function createSession() {
  ort = await ortModule;
  mark('worker_ort_imported');
  ort.env.wasm.wasmPaths = new URL('./ort/', import.meta.url).href;
  // Threads need cross-origin isolation, which plain static hosts do not give; one thread works anywhere.
  ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  (await ortPrecompiledModule).usePrecompiledWasm(ort, ortWasm, ort.env.wasm.wasmPaths, mark);
  const bytes = await modelBytesShared;  // the analysis worker checks them meanwhile
  session = await ort.InferenceSession.create(bytes, SESSION_OPTIONS);
  mark('worker_session_created');
  return { type: 'session', outputNames: session.outputNames, version: ort.env.versions?.web ?? '', threads: ort.env.wasm.numThreads };
}

const started = createSession().catch((error) => ({ type: 'session-failed', message: error.message || String(error) }));
started.then(async (message) => (await port).postMessage({ ...message, marks }));

async function run({ id, input, dims }) {
  const start = performance.now();
  const outputs = await session.run({ input: new ort.Tensor('float32', input, dims) });
  const inferenceMs = performance.now() - start;
  const out = {}, transfer = [];
  for (const [name, tensor] of Object.entries(outputs)) {
    // A copy: ONNX Runtime's own buffer may be reused. Other types than float32 as numbers.
    const data = tensor.data instanceof Float32Array ? Float32Array.from(tensor.data) : Float64Array.from(tensor.data, Number);
    out[name] = { data, dims: tensor.dims };
    transfer.push(data.buffer);
  }
  return { message: { id, outputs: out, inferenceMs }, transfer };
}

// One input at a time, in arrival order, once the session exists.
let turn = started;
function receive(message) {
  turn = turn.then(async () => {
    const channel = await port;
    if (!session) return channel.postMessage({ id: message.id, error: 'the model is not loaded' });
    try {
      const { message: answer, transfer } = await run(message);
      if (!marks.worker_first_inference) {
        mark('worker_first_inference');
        answer.marks = marks;
      }
      channel.postMessage(answer, transfer);
    } catch (error) {
      channel.postMessage({ id: message.id, error: error.message || String(error) });
    }
  });
}

self.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'port') {
    message.port.onmessage = (e) => receive(e.data);
    receivePort(message.port);
  } else if (message.type === 'model-bytes') {
    receiveModelBytes(message.buffer);
  } else if (message.type === 'ort-module') {
    receiveOrtWasm(message.module);
  }
};
