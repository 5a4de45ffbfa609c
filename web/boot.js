// Starts start-up's critical path while the page is still being parsed: the two workers, the
// model's bytes, and the compile of ONNX Runtime's WASM (14 MB: start-up's longest step).
// - inference_worker.js runs ONNX Runtime; analysis_worker.js reads and preprocesses the files and
//   turns the network's outputs into results; they talk over their own channel.
// - ONNX Runtime would begin its compile only after its code had loaded inside the worker; compiled
//   here, on the page's otherwise idle start, the module goes to the worker ready to instantiate
//   (ort_precompiled.js). A WebAssembly.Module is shared with a worker, not copied.
// app.js (analysis.js) adopts the analysis worker and the messages it sent before app.js was there.
(() => {
  const timeline = { worker_requested: performance.now() };
  try {
    // Requested first, the model (1 MB) before ONNX Runtime's WASM (14 MB): the browser opens
    // only a few connections to a host at once, and the session needs both.
    // The model's bytes are handed over (not copied) as they arrive; null lets the worker fetch
    // them itself and report what went wrong.
    const modelBytes = fetch('model/model.onnx', { priority: 'high' })
      .then((response) => { timeline.model_response = performance.now(); return response.ok ? response.arrayBuffer() : null; })
      .catch(() => null)
      .then((buffer) => {
        timeline.model_posted = performance.now();
        return buffer;
      });
    // Compiled while it downloads (streaming) where the host labels it application/wasm, else from
    // its bytes. null: the worker compiles it itself and reports what went wrong. The file name
    // is the one ONNX Runtime's glue loads (ORT_WASM_FILE in ort_precompiled.js).
    const ortCompiled = fetch('ort/ort-wasm-simd-threaded.wasm', { priority: 'high' })
      .then((response) => {
        timeline.ort_response = performance.now();
        if (!response.ok) return null;
        if (WebAssembly.compileStreaming && response.headers.get('Content-Type')?.startsWith('application/wasm')) {
          return WebAssembly.compileStreaming(response);
        }
        return response.arrayBuffer().then((bytes) => WebAssembly.compile(bytes));
      })
      .catch(() => null)
      .then((module) => {
        timeline.ort_compiled = performance.now();
        return module;
      });
    const inference = new Worker('inference_worker.js', { type: 'module' });
    const analysis = new Worker('analysis_worker.js', { type: 'module' });
    const channel = new MessageChannel();
    inference.postMessage({ type: 'port', port: channel.port1 }, [channel.port1]);
    analysis.postMessage({ type: 'port', port: channel.port2 }, [channel.port2]);
    modelBytes.then((buffer) => inference.postMessage({ type: 'model-bytes', buffer }, buffer ? [buffer] : []));
    ortCompiled.then((module) => {
      analysis.postMessage({ type: 'go' });
      try {
        inference.postMessage({ type: 'ort-module', module });
      } catch {  // a browser that cannot share a compiled module: the worker compiles it itself
        inference.postMessage({ type: 'ort-module', module: null });
      }
    });
    const early = [];
    analysis.onmessage = (event) => early.push({ type: 'message', data: event.data });
    const failed = (event) => { event.preventDefault(); early.push({ type: 'error', message: event.message }); };
    analysis.onerror = failed;
    inference.onerror = failed;
    window.xrayBoot = { worker: analysis, inference, early, timeline };
  } catch (error) {
    window.xrayBoot = { error: error.message || String(error), timeline };
  }
})();
