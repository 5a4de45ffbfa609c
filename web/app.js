// The page's glue. The images never leave the browser: each file goes to the analysis worker (the
// same C++ preprocessing as the trainer; ONNX Runtime Web in the inference worker beside it), the
// result into the results table and to the WASM app to draw. Everything is loaded from this page's own folder.
import { Analyser, showOnApp, verdictOf, withString } from './analysis.js';
import { FOLDER_RULE, filesFromDrop, filesFromFolderInput, filesFromInput } from './file_sources.js';
import { formatScore } from './format.js';
import { AnalysisQueue } from './queue.js';
import { Results } from './results.js';

// window.xray: the page's state for scripts and tests. timeline: milliseconds since navigation.
// analysed: how many files have a row (result or error), for scripts to wait on.
// lastResult: the last analysed file's result, null when it failed (lastError then says why).
// results: one row per file; resultsCsv(): the same as `xray predict`'s CSV.
// oodGate: {output, limit} when the model has an out-of-distribution gate, else null.
// modelPanel: the lines the model panel draws on the canvas (it has no DOM text).
// selected: the row shown above the table (-1: none); shown: what is shown for it.
// offline: whether the page is saved for offline use (see keepOfflineCopy).
const xray = { ready: false, lastResult: null, lastError: null, modelCard: null, timeline: window.xrayBoot?.timeline ?? {}, analysed: 0,
               oodGate: null, modelPanel: [], results: [], selected: -1, shown: null, offline: null, resultsCsv: () => results.csv() };
window.xray = xray;
// boot.js has started the workers, the model's download and ONNX Runtime's compile (start-up's
// critical path); their start-up steps join the page's timeline (ms since this page's navigation).
const analyser = new Analyser({
  onMarks: (marks) => { for (const [name, at] of Object.entries(marks)) xray.timeline[name] = at - performance.timeOrigin; },
});
const resultRegion = document.getElementById('result');
const summaryRegion = document.getElementById('summary');
const results = new Results(document.getElementById('results-table'), () => xray.oodGate);
xray.results = results.rows;
let app = null;        // the Emscripten module (xray-app.js), once it runs
// Files are analysed and get their rows once the model is ready: the worker applies the card's
// rule, so rows need no app. The app (the canvas) draws them once it has the model card.
const modelReady = analyser.ready.then((model) => {
  xray.modelCard = JSON.parse(model.card);
  xray.oodGate = model.gate;
  xray.timeline.model_ready = performance.now();
  return model;
});
modelReady.catch(() => {});  // each waiting file reports it
let firstRowMade;
const firstRow = new Promise((resolve) => { firstRowMade = resolve; });
const loadingLine = document.getElementById('loading');

function announce(text) {
  resultRegion.textContent = text;
}

function setStatus(text, isError = false) {
  if (app) withString(app, text, (ptr) => app._xray_set_status(ptr, isError ? 1 : 0));
}

// Messages said before the app is there wait for it (the first ones: a page is not a log);
// without the app (no WebGL2) they go to an HTML list, the latest ones kept.
const earlyReports = [];
let pageMessages = null;
function report(message) {
  if (pageMessages) {
    pageMessages.append(Object.assign(document.createElement('li'), { textContent: message }));
    while (pageMessages.children.length > 50) pageMessages.firstElementChild.remove();
    return;
  }
  if (!app) {
    if (earlyReports.length < 20) earlyReports.push(message);
    return;
  }
  try {
    withString(app, message, (ptr) => app._xray_report_error(ptr));
  } catch (error) {
    console.warn(`${message} (not shown: ${error.message || error})`);
  }
}

// What the live region says about a shown file: the verdict, or why there is none.
function verdictText(r) {
  if (!r.outOfDistribution) return `${r.label} ${r.probability.toFixed(4)}`;
  return r.inColour ? `NOT A CHEST X-RAY (in colour: ${(100 * r.colourFraction).toFixed(0)}% of its pixels)`
                    : `NOT A CHEST X-RAY (score ${formatScore(r.oodScore)}, limit ${formatScore(xray.oodGate.limit)})`;
}

// Once the app has no memory for another row, its table keeps the rows it has (the same first rows
// as the page's, so a row chosen on the canvas is still the right file) and gets no more.
let canvasTableFull = false;
// The canvas takes rows and the shown file once the app has the model card (a row's label colour
// and the verdict it draws follow the card's threshold); until then they wait in results.rows and
// waitingToBeShown.
let canvasHasCard = false;

function addToCanvas(row, index, show) {
  if (!canvasHasCard || canvasTableFull) return;
  let appIndex = -1;
  try {
    appIndex = withString(app, row.file, (name) => withString(app, row.error ?? '', (error) =>
      app._xray_add_row(name, error, row.probability ?? NaN, row.outOfDistribution ? 1 : 0, row.oodScore ?? NaN,
                        row.timings.total_ms, show ? 1 : 0)));
  } catch {
    // no memory even for the row's strings: the same as a row the app could not keep
  }
  if (appIndex !== index) {
    canvasTableFull = true;
    report(`not enough memory in this browser tab to list more than ${index} files on the canvas; ` +
           'every file is still in the results (Save CSV, and the table read to screen readers)');
  }
}

function addRow(row, file, show) {
  const index = results.add(row, file);
  // Without the app (no WebGL2), the row still reaches window.xray.results, the CSV and the HTML table.
  addToCanvas(row, index, show);
  if (show) { xray.selected = index; results.markSelected(index); }
  xray.analysed++;
  firstRowMade();
}

// A file's name and why it cannot be shown replace whatever the app showed.
function showErrorOnCanvas(path, text) {
  withString(app, path, (name) => withString(app, text, (message) => app._xray_show_error(name, message)));
}

// The shown file: {path, result} or {path, error}, drawn by the app, or kept for it until it runs
// (only the last one: one picture in memory).
let waitingToBeShown = null;
function showOnCanvas(shown) {
  if (!canvasHasCard) { waitingToBeShown = shown; return; }
  if (shown.error !== undefined) { showErrorOnCanvas(shown.path, shown.error); return; }
  try {
    showOnApp(app, shown.path, shown.result, xray.oodGate);
  } catch (error) {
    // no memory for the picture: the verdict is in its row; the previous picture must not stay
    try { showErrorOnCanvas(shown.path, `${error.message || error} (the result is in the table)`); } catch { /* nothing more to do */ }
  }
}

// One waiting file, sent to the worker now; its row is added by finishEntry, in drop order.
function startEntry(entry) {
  if (entry.error) return Promise.resolve({ error: entry.error });
  return analyser.analyse(entry.file, entry.show).then((result) => ({ result }), (error) => ({ error: error.message || String(error) }));
}

// One file's outcome becomes its row. A failure of any kind is that file's row.
function finishEntry(entry, outcome) {
  const show = entry.show;
  const end = performance.now();
  let row, shownText;
  if (outcome.result) {
    const r = verdictOf(outcome.result);
    row = { file: entry.path, probability: r.probability, label: r.label, outOfDistribution: r.outOfDistribution,
            oodScore: r.oodScore, colourFraction: r.colourFraction, error: null,
            timings: { ...r.timings, drop_to_result_ms: end - entry.droppedAt } };
    xray.timeline.first_result ??= end;
    xray.lastResult = { ...row, inColour: r.inColour };
    xray.lastError = null;
    shownText = verdictText(xray.lastResult);
    if (show) showOnCanvas({ path: entry.path, result: outcome.result });
  } else {
    const error = outcome.error;
    row = { file: entry.path, probability: null, label: null, outOfDistribution: null, oodScore: null, colourFraction: null, error,
            timings: { total_ms: 0, drop_to_result_ms: end - entry.droppedAt } };
    xray.lastResult = null;
    xray.lastError = `${entry.path}: ${error}`;
    shownText = `error: ${xray.lastError}`;
    // The shown file's error also goes to the messages panel; the others' are in their rows (a
    // folder of 10,000 bad files would bury every other message).
    if (show) {
      showOnCanvas({ path: entry.path, error });
      report(xray.lastError);
    }
  }
  addRow(row, entry.file, show);
  if (show) {
    xray.shown = { file: row.file, text: shownText };
    announce(shownText);
    // Until the app draws it, the verdict is written in the page itself.
    if (!app) loadingLine.textContent = `${row.file}: ${shownText}. Opening the viewer…`;
  }
}

// A selected row: its file is read and analysed again to show its image and heatmap (only the
// shown file's pixels are kept). A failed row shows its reason, never another file's picture.
async function showRow(index) {
  const row = results.rows[index];
  if (!row) return;
  xray.selected = index;
  results.markSelected(index);
  let text;
  if (row.error !== null) {
    showErrorOnCanvas(row.file, row.error);
    text = `error: ${row.file}: ${row.error}`;
  } else {
    try {
      const result = await analyser.analyse(results.files[index], true);
      showOnApp(app, row.file, result, xray.oodGate);
      text = verdictText(verdictOf(result));
    } catch (error) {
      const message = `${error.message || error} (it was analysed before)`;
      showErrorOnCanvas(row.file, message);
      text = `error: ${row.file}: ${message}`;
    }
  }
  xray.shown = { file: row.file, text };
  announce(`${index + 1} of ${results.rows.length}: ${row.file}: ${text}`);
}

function notAnalysed(entry, reason) {
  addRow({ file: entry.path, probability: null, label: null, outOfDistribution: null, oodScore: null, colourFraction: null, error: reason,
           timings: { total_ms: 0 } }, entry.file, false);
}

// The live summary is spoken at most every few seconds while a batch runs, and once at its end.
let lastSpoken = 0;
function progress(done, total, running) {
  if (app) app._xray_set_progress(done, total, running ? 1 : 0);
  const now = performance.now();
  if (!running) results.flush();
  if (!running && results.rows.length) summaryRegion.textContent = `Done. ${results.summary(xray.modelCard?.labels ?? ['NORMAL', 'PNEUMONIA'])}`;
  else if (running && now - lastSpoken > 5000) { lastSpoken = now; summaryRegion.textContent = `Analysing: ${done} of ${total}`; }
}

const queue = new AnalysisQueue({ ready: modelReady, start: startEntry, finish: finishEntry, showRow, notAnalysed, progress });

function enqueue(files) {
  const droppedAt = performance.now();
  xray.timeline.first_drop ??= droppedAt;
  queue.add(files.map((f) => ({ ...f, droppedAt })));
}

function saveCsv() {
  const url = URL.createObjectURL(new Blob([results.csv()], { type: 'text/csv' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: 'xray-results.csv' });
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function clearResults() {
  if (queue.running) {
    summaryRegion.textContent = 'Results are kept while files are being analysed; stop them first.';
    return;
  }
  results.clear();
  xray.selected = -1;
  canvasTableFull = false;
  if (app) app._xray_clear_results();
  summaryRegion.textContent = 'Results cleared.';
}

// Arrow keys, Page Up/Down, Home/End move the table's selection wherever the focus is (the
// canvas cannot hold focus for screen readers). They are taken before the app's own keyboard
// handling, which would otherwise move ImGui's focus at the same time.
const SELECTION_KEYS = { ArrowUp: -1, ArrowDown: 1, PageUp: -10, PageDown: 10, Home: -1e9, End: 1e9 };
function onSelectionKey(event) {
  const delta = SELECTION_KEYS[event.key];
  if (delta === undefined || !app || !results.rows.length || event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.target instanceof HTMLElement && event.target.matches('input[type=text], textarea, select')) return;
  event.preventDefault();
  event.stopImmediatePropagation();
  app._xray_select_step(delta);
}

function installInputs() {
  window.addEventListener('keydown', onSelectionKey, true);
  // Drops and choices join the queue in the order they were made, though a big folder takes
  // longer to list than a file dropped or chosen after it.
  let arrivals = Promise.resolve();
  const inOrder = (step) => {
    arrivals = arrivals.then(step).catch((error) => console.warn(`files could not be queued: ${error.message || error}`));
  };
  const fileInput = document.getElementById('file-input');
  fileInput.addEventListener('change', () => {
    const files = filesFromInput(fileInput);  // taken now: the input is emptied below
    if (files.length) inOrder(() => enqueue(files));
    fileInput.value = '';
  });
  const folderInput = document.getElementById('folder-input');
  folderInput.addEventListener('change', () => {
    const files = filesFromFolderInput(folderInput);
    if (files.length) inOrder(() => enqueue(files));
    else if (folderInput.files.length) report(`the folder holds no image files (${FOLDER_RULE})`);
    folderInput.value = '';
  });
  document.getElementById('save-csv').addEventListener('click', saveCsv);
  document.getElementById('stop').addEventListener('click', () => queue.stop());
  document.getElementById('clear').addEventListener('click', clearResults);
  let depth = 0;  // dragenter/dragleave fire for every child element
  const hover = (on) => app && app._xray_set_drag_hover(on ? 1 : 0);
  window.addEventListener('dragenter', (e) => { e.preventDefault(); depth++; hover(true); });
  window.addEventListener('dragleave', (e) => { e.preventDefault(); if (--depth <= 0) { depth = 0; hover(false); } });
  window.addEventListener('dragover', (e) => { e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; });
  window.addEventListener('drop', (e) => {
    e.preventDefault();
    depth = 0;
    // No redraw now: the app clears the highlight when it reads the file, and a frame drawn in
    // between would only delay reading it.
    const listed = filesFromDrop(e.dataTransfer);  // takes the items now, lists folders later
    inOrder(() => listed.then(({ files, emptyFolders, unreadFolders }) => {
      for (const name of emptyFolders) report(`${name}: no image files in this folder (${FOLDER_RULE})`);
      for (const { name, reason } of unreadFolders) report(`${name}: the browser could not list this folder to the end (${reason})`);
      if (files.length) enqueue(files);
      else {
        hover(false);
        if (!emptyFolders.length && !unreadFolders.length) report('nothing to read in what was dropped; drop image files or a folder');
      }
    }, (error) => {
      hover(false);
      report(`what was dropped could not be read (${error.message || error})`);
    }));
  });
}

function loadApp() {
  return new Promise((resolve, reject) => {
    window.Module = {
      canvas: document.getElementById('canvas'),
      onAppReady: () => resolve(window.Module),
      onAppFailed: (reason) => reject(Object.assign(new Error('this browser cannot show WebGL2 graphics, which this page needs'), { reason })),
      printErr: (text) => console.warn(text),
      // Called by the app (results_table.cpp): a row chosen by click or key, the table's buttons.
      xraySelectRow: (index) => queue.select(index),
      xrayStop: () => queue.stop(),
      xraySaveCsv: saveCsv,
      xrayClear: clearResults,
    };
    const script = document.createElement('script');
    script.src = 'xray-app.js';
    script.onerror = () => reject(new Error('xray-app.js could not be loaded'));
    document.body.appendChild(script);
  });
}

// The app's model panel says whether the gate runs (the worker decides it the same way: the card
// gives a limit and model.onnx has the output it names); a card and a graph that disagree are
// said, not guessed around. Returns a note for the status line.
function setUpOodGate(outputNames) {
  const output = app.UTF8ToString(app._xray_model_ood_output());
  const inOnnx = outputNames.includes(output);
  app._xray_set_ood_in_onnx(inOnnx ? 1 : 0);
  if (xray.oodGate) return '';
  if (xray.modelCard.ood) {
    console.warn(`model.json describes an out-of-distribution gate that cannot run (output "${output}" ${inOnnx ? 'present' : 'missing'} in model.onnx)`);
    return 'The out-of-distribution gate cannot run (see the model panel). ';
  }
  return 'No out-of-distribution check in this model. ';
}

// Without the app nothing can be drawn: the page says why in HTML, and files dropped are still
// analysed, their results listed in the page's own table (index.html) and exported by Save CSV.
function appFailed(error) {
  if (error.reason === 'no-webgl2') document.body.classList.add('no-webgl');
  document.getElementById('no-webgl').textContent =
    `This page cannot show its viewer: ${error.message}. Files dropped here are still analysed: their results are listed below, and Save CSV exports them.`;
  document.body.classList.add('app-failed');
  announce(`error: ${error.message}`);
  pageMessages = document.getElementById('page-messages');
  for (const message of earlyReports.splice(0)) report(message);
}

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
// The app starts once the model is ready (at most APP_WAIT_MS, for a slow network), and after the
// first file's row when a file is already waiting (at most FIRST_ROW_WAIT_MS): on a small machine
// its WASM and first frames would otherwise slow ONNX Runtime's start and the first inference by
// about as much as they cost. Until then the page writes what it is doing (index.html #loading).
const APP_WAIT_MS = 1500, FIRST_ROW_WAIT_MS = 1000;
const OFFLINE_COPY_DELAY_MS = 3000;  // after the model is ready

async function main() {
  installInputs();
  modelReady.catch((error) => {
    announce(`error: ${error.message}`);
    loadingLine.textContent = `The model could not be loaded: ${error.message}`;
  });
  await Promise.race([modelReady.catch(() => {}), delay(APP_WAIT_MS)]);
  if (queue.running) await Promise.race([firstRow, delay(FIRST_ROW_WAIT_MS)]);
  try {
    app = await loadApp();
  } catch (error) {
    appFailed(error);
    return;
  }
  // The app is adopted at once (messages, progress, drag feedback); a slow model only holds back
  // its card, the rows and the shown file.
  xray.timeline.app_ready = performance.now();
  document.body.classList.add('app-ready');
  for (const message of earlyReports.splice(0)) report(message);
  if (queue.running) progress(queue.done, queue.total, true);
  const wake = () => app._xray_wake();
  for (const type of ['pointermove', 'pointerdown', 'pointerup', 'wheel', 'keydown', 'keyup', 'focus']) {
    window.addEventListener(type, wake, { passive: true });
  }
  if (!xray.modelCard) setStatus('Loading the classifier (ONNX Runtime Web and the model)…');
  let status, modelOk = false;
  try {
    const model = await modelReady;
    if (!withString(app, model.card, (ptr) => app._xray_set_model_card(ptr))) {
      throw new Error('model/model.json is not a usable model card');
    }
    const gateNote = setUpOodGate(model.outputNames);
    xray.modelPanel = JSON.parse(app.UTF8ToString(app._xray_model_panel()));
    status = `Model ready: input ${app._xray_model_width()}x${app._xray_model_height()}, ONNX Runtime Web ${model.version} on ${model.threads} thread(s) in a worker. ${gateNote}Drop X-rays or a folder, or use Open.`;
    modelOk = true;
  } catch (error) {
    status = `The model could not be loaded: ${error.message}`;
    announce(`error: ${error.message}`);
  }
  // At once (no await from here): the canvas gets the rows and the shown file made before it had the card.
  setStatus(status, !modelOk);
  canvasHasCard = true;
  results.rows.forEach((row, index) => addToCanvas(row, index, index === xray.selected));
  if (waitingToBeShown) showOnCanvas(waitingToBeShown);
  waitingToBeShown = null;
  xray.ready = modelOk;
}

// The offline copy (service_worker.js): saved once the page has started, never beside start-up;
// only where the browser allows service workers (https, localhost). window.xray.offline says
// 'saving', 'saved', or why not.
function keepOfflineCopy() {
  if (!('serviceWorker' in navigator)) {
    xray.offline = 'unavailable (service workers need https or localhost)';
    return;
  }
  xray.offline = 'saving';
  navigator.serviceWorker.register('service_worker.js').then((registration) => {
    const worker = registration.installing ?? registration.waiting ?? registration.active;
    const older = () => registration.active && registration.active !== worker;
    const follow = () => {
      if (worker.state === 'activated') xray.offline = 'saved';
      else if (worker.state === 'installed' && older()) xray.offline = 'saved (a newer build: used once every tab of the page is closed)';
      else if (worker.state === 'redundant') {
        xray.offline = registration.active ? 'saved (a newer build could not be saved; the one saved before is used)'
                                           : 'not saved (a file could not be saved; see the console)';
      } else xray.offline = 'saving';
    };
    worker.addEventListener('statechange', follow);
    follow();
  }, (error) => {
    xray.offline = `not saved: ${error.message || error}`;
    console.warn(`the page could not be saved for offline use: ${error.message || error}`);
  });
}
modelReady.then(() => delay(OFFLINE_COPY_DELAY_MS)).then(keepOfflineCopy, () => {});

main();
