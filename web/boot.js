// Starts the analysis worker (analysis_worker.js) while the page is still being parsed: ONNX
// Runtime's compile inside it is start-up's longest step, and a worker takes tens of milliseconds
// to start, which would otherwise only begin once app.js and its modules have loaded.
// app.js (analysis.js) adopts this worker and the messages it sent before app.js was there.
(() => {
  try {
    const requested = performance.now();
    const worker = new Worker('analysis_worker.js', { type: 'module' });
    // The model's bytes are requested from here too, before the worker has even loaded its code,
    // and handed over (not copied) as they arrive; null lets the worker fetch them itself and
    // report what went wrong.
    fetch('model/model.onnx')
      .then((response) => (response.ok ? response.arrayBuffer() : null))
      .catch(() => null)
      .then((buffer) => worker.postMessage({ type: 'model-bytes', buffer }, buffer ? [buffer] : []));
    const early = [];
    worker.onmessage = (event) => early.push({ type: 'message', data: event.data });
    worker.onerror = (event) => { event.preventDefault(); early.push({ type: 'error', message: event.message }); };
    window.xrayBoot = { worker, early, requested };
  } catch (error) {
    // analysis.js starts one itself, and reports what goes wrong
  }
})();
