// Starts the analysis worker (analysis_worker.js) while the page is still being parsed: ONNX
// Runtime's compile inside it is start-up's longest step, and a worker takes tens of milliseconds
// to start, which would otherwise only begin once app.js and its modules have loaded.
// app.js (analysis.js) adopts this worker and the messages it sent before app.js was there.
(() => {
  try {
    const worker = new Worker('analysis_worker.js', { type: 'module' });
    const early = [];
    worker.onmessage = (event) => early.push({ type: 'message', data: event.data });
    worker.onerror = (event) => { event.preventDefault(); early.push({ type: 'error', message: event.message }); };
    window.xrayBoot = { worker, early };
  } catch (error) {
    // analysis.js starts one itself, and reports what goes wrong
  }
})();
