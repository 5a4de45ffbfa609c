// Lets ONNX Runtime Web instantiate a WebAssembly.Module compiled elsewhere (boot.js compiles its
// WASM on the page while this worker starts), instead of downloading and compiling it again.
// ONNX Runtime has no option for a compiled module, only for the binary's bytes
// (env.wasm.wasmBinary), which its Emscripten glue hands to WebAssembly.instantiate. So the bytes
// given are a stand-in, and WebAssembly.instantiate, called with exactly that stand-in, answers
// with an instance of the compiled module; every other call goes through unchanged.

// The file ONNX Runtime Web 1.30's glue loads (ort-wasm-simd-threaded.mjs); boot.js fetches the same.
export const ORT_WASM_FILE = 'ort-wasm-simd-threaded.wasm';

// ort: the imported ONNX Runtime Web; compiled: a promise of the Module, or of null when the page
// could not compile it (this worker then compiles it from ortBaseUrl + ORT_WASM_FILE).
export function usePrecompiledWasm(ort, compiled, ortBaseUrl, mark = () => {}) {
  const standIn = new ArrayBuffer(8);
  const instantiate = WebAssembly.instantiate;
  const module = compiled.then((m) => m ?? compileHere(new URL(ORT_WASM_FILE, ortBaseUrl)));
  WebAssembly.instantiate = function (source, imports) {
    if (source !== standIn && source?.buffer !== standIn) return instantiate.apply(this, arguments);
    WebAssembly.instantiate = instantiate;  // needed once
    mark('worker_ort_instantiate_called');
    return module.then(async (m) => {
      mark('worker_ort_module_here');
      const instance = await instantiate(m, imports);
      mark('worker_ort_instantiated');
      return { module: m, instance };
    });
  };
  ort.env.wasm.wasmBinary = standIn;
}

async function compileHere(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
  if (response.headers.get('Content-Type')?.startsWith('application/wasm')) return WebAssembly.compileStreaming(response);
  return WebAssembly.compile(await response.arrayBuffer());
}
