// The page's side of the analysis worker (analysis_worker.js, which reads each file and runs the
// trainer's preprocessing off the main thread, with ONNX Runtime Web in inference_worker.js
// beside it), a result's row fields, and the way a shown file reaches the app
// (wasm/app/exports.cpp). The image never leaves the browser.
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

export class Analyser {
  // Adopts the analysis worker that boot.js started (it loads the model while the page starts).
  // ready: {card, outputNames, version, threads, gate}, or rejects with the reason.
  // onMarks(marks): the worker's start-up steps ({name: milliseconds since the epoch}).
  constructor({ onMarks } = {}) {
    this.onMarks = onMarks;
    this.pending = new Map();
    this.nextId = 0;
    this.ready = new Promise((resolve, reject) => { this.markReady = resolve; this.markFailed = reject; });
    this.ready.catch(() => {});  // each waiting file reports it
    // The workers boot.js started during parsing (it also sends them the model and ONNX Runtime's
    // compiled WASM).
    const boot = window.xrayBoot;
    this.worker = boot?.worker;
    if (!this.worker) {
      this.failed(boot?.error ?? 'boot.js did not run');
      return;
    }
    this.worker.onmessage = (event) => this.receive(event.data);
    // A worker's error before the model is ready stops the analysis; later, an uncaught error in a
    // worker that keeps running costs at most the file it was on (its own answer says so).
    this.started = false;
    this.ready.then(() => { this.started = true; }, () => {});
    const onError = (event) => {
      event.preventDefault?.();
      if (this.started) console.warn(`analysis worker: ${event.message}`);
      else this.failed(event.message);
    };
    this.worker.onerror = onError;
    boot.inference.onerror = onError;
    for (const early of boot.early) {
      if (early.type === 'message') this.receive(early.data);
      else this.failed(early.message);
    }
  }

  failed(message) {
    const error = new Error(`the analysis could not start (${message || 'the worker did not load'})`);
    this.markFailed(error);
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }

  receive(message) {
    if (message.marks) this.onMarks?.(message.marks);
    if (message.type === 'marks') return;
    if (message.type === 'ready') { this.markReady(message); return; }
    if (message.type === 'failed') { this.markFailed(new Error(message.message)); return; }
    const waiting = this.pending.get(message.id);
    this.pending.delete(message.id);
    if (message.error !== undefined) waiting?.reject(new Error(message.error));
    else waiting?.resolve(message.result);
  }

  // One file -> its result (see analysis_worker.js); rejects with an Error whose message is the
  // file's reason. Files are analysed in the order given. show: with the picture and the heatmap.
  analyse(file, show) {
    if (!this.worker) return Promise.reject(new Error('the analysis could not start'));
    if (file && file.size > MAX_FILE_BYTES) {
      return Promise.reject(new Error(`the file is ${megabytes(file.size)}; the limit is ${megabytes(MAX_FILE_BYTES)} (is it an X-ray?)`));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, file, show });
    });
  }
}

// The worker's result -> the row's fields: {probability, label, outOfDistribution, inColour, oodScore,
// colourFraction, timings}. The worker applied the card's rule; the app is not needed.
export function verdictOf(result) {
  const { probability, verdict, colourFraction, timings } = result;
  return { probability, label: verdict.label, outOfDistribution: verdict.outOfDistribution, inColour: verdict.inColour,
           oodScore: verdict.oodScore, colourFraction, timings };
}

// The app shows this file (image, heatmap, verdict) in place of the last one. gate: {output,
// limit} or null. Throws when the app has no memory for the image.
export function showOnApp(app, name, result, gate) {
  const d = result.display;
  const pixels = app._malloc(Math.max(1, d.pixels.length));
  if (!pixels) throw new Error('not enough memory in this browser tab to show this image');
  app.HEAPU8.set(d.pixels, pixels);
  const kept = withString(app, name, (n) => withString(app, d.format, (format) =>
    app._xray_show_image(n, format, pixels, d.width, d.height, d.sourceWidth, d.sourceHeight)));
  app._free(pixels);
  if (!kept) throw new Error('not enough memory in this browser tab to show this image');
  const cam = result.cam;
  const camPtr = cam ? app._malloc(cam.data.length * 4) : 0;
  if (camPtr) app.HEAPF32.set(cam.data, camPtr / 4);
  const t = result.timings;
  app._xray_show_result(result.probability, camPtr, camPtr ? cam.height : 0, camPtr ? cam.width : 0, t.decode_ms, t.preprocess_ms,
                        t.inference_ms, result.colourFraction, gate ? result.verdict.oodScore : NaN, gate ? gate.limit : NaN);
  app._free(camPtr);
}
