// The files waiting to be analysed, in drop order, and the row to show after a click or an arrow
// key. The workers read one file while running the network on the one before; three are given to
// them at once so that neither waits for the main thread between files, and rows are added in
// drop order. A selection goes before the next waiting file, so the page answers at once even in
// the middle of a long batch.
// A task boundary between files, so input events and frames get their turn even when files fail
// at once. A message, not setTimeout: chained timeouts are held back to 4 ms each.
const channel = new MessageChannel();
const yieldToBrowser = () => new Promise((resolve) => { channel.port1.onmessage = () => resolve(); channel.port2.postMessage(0); });
export const IN_FLIGHT = 3;  // files given to the workers and not yet back: one in inference, one being read, one next

export class AnalysisQueue {
  // start(entry) sends the entry to be analysed and returns a promise of its outcome (never
  // rejected); finish(entry, outcome) adds its row; showRow(index) shows a row's file;
  // notAnalysed(entry, reason) adds the row of a file that was stopped or could not be started;
  // progress(done, total, running) for the table.
  constructor({ ready, start, finish, showRow, notAnalysed, progress }) {
    Object.assign(this, { ready, start, finish, showRow, notAnalysed, progress });
    this.waiting = [];
    this.inFlight = [];  // [{entry, outcome}] in drop order
    this.head = 0;
    this.done = 0;
    this.selection = null;
    this.stopAt = null;  // set by Stop: the waiting files before this index get no analysis
    this.running = false;
  }

  get total() { return this.done + this.inFlight.length + this.waiting.length - this.head; }

  // entries: [{file, path, droppedAt}]; the first of a drop is shown when its turn comes.
  add(entries) {
    entries.forEach((entry, i) => this.waiting.push({ ...entry, show: i === 0 }));
    this.progress(this.done, this.total, true);
    this.run();
  }

  select(index) {
    this.selection = index;
    this.run();
  }

  // Stops the files waiting now; files dropped after Stop are analysed as usual.
  stop() {
    if (this.head < this.waiting.length) this.stopAt = this.waiting.length;
  }

  // Every file gets a row, also those that will not be analysed.
  dropWaiting(reason, until = this.waiting.length) {
    while (this.head < until) {
      this.notAnalysed(this.waiting[this.head], reason);
      this.waiting[this.head++] = null;
    }
  }

  async run() {
    if (this.running) return;
    this.running = true;
    // Files go to the worker at once, also before the model is ready (it waits for the model
    // itself); their rows wait until the page is ready to show them.
    const failure = this.ready.then(() => null, (error) => error);
    try {
      while (this.selection !== null || this.head < this.waiting.length || this.inFlight.length) {
        const stopping = this.stopAt !== null && this.head < this.stopAt;
        const canStart = this.selection === null && !stopping && this.head < this.waiting.length;
        if (canStart && this.inFlight.length < IN_FLIGHT) {
          const entry = this.waiting[this.head];
          this.waiting[this.head++] = null;  // the File handle is kept by its row, not here
          this.inFlight.push({ entry, outcome: this.start(entry) });
          continue;
        }
        if (this.inFlight.length) {  // rows in drop order, also before a selection or a stop
          const error = await failure;
          if (error) {
            for (const { entry } of this.inFlight.splice(0)) this.notAnalysed(entry, `not analysed: ${error.message}`);
            this.dropWaiting(`not analysed: ${error.message}`);
            return;
          }
          const { entry, outcome } = this.inFlight.shift();
          // A failure while making this file's row (out of memory in the app) costs this row only.
          try {
            this.finish(entry, await outcome);
          } catch (error) {
            try { this.notAnalysed(entry, `not shown: ${error.message || error}`); } catch { /* nothing more to do */ }
          }
          this.done++;
          this.progress(this.done, this.total, this.head < this.waiting.length || this.inFlight.length > 0);
        } else if (this.selection !== null) {
          const index = this.selection;
          this.selection = null;
          try {
            await this.showRow(index);
          } catch (error) {
            console.warn(`row ${index + 1} could not be shown again: ${error.message || error}`);
          }
        } else {  // only reached while stopping
          this.dropWaiting('not analysed: stopped', this.stopAt);
          this.stopAt = null;
        }
        await yieldToBrowser();
      }
    } finally {
      this.waiting = [];
      this.inFlight = [];
      this.head = this.done = 0;
      this.stopAt = null;
      this.running = false;
      this.progress(0, 0, false);
    }
  }
}
