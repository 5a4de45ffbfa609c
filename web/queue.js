// The files waiting to be analysed, one at a time in drop order, and the row to show after a
// click or an arrow key. Both share the app's preprocessing and the ONNX Runtime session, so one
// loop runs them: a selection goes before the next waiting file, so the page answers at once even
// in the middle of a long batch. Files dropped before the model is ready wait for it.
// A task boundary between files, so input events and frames get their turn even when files fail
// at once. A message, not setTimeout: chained timeouts are held back to 4 ms each.
const channel = new MessageChannel();
const yieldToBrowser = () => new Promise((resolve) => { channel.port1.onmessage = () => resolve(); channel.port2.postMessage(0); });

export class AnalysisQueue {
  // analyse(entry, show) adds the entry's row; showRow(index) shows a row's file;
  // notAnalysed(entry, reason) adds the row of a file that was stopped or could not be started;
  // progress(done, total, running) for the table.
  constructor({ ready, analyse, showRow, notAnalysed, progress }) {
    Object.assign(this, { ready, analyse, showRow, notAnalysed, progress });
    this.waiting = [];
    this.head = 0;
    this.done = 0;
    this.selection = null;
    this.stopRequested = false;
    this.running = false;
  }

  get total() { return this.done + this.waiting.length - this.head; }

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

  stop() {
    if (this.head < this.waiting.length) this.stopRequested = true;
  }

  // Every file gets a row, also those that will not be analysed.
  dropWaiting(reason) {
    while (this.head < this.waiting.length) {
      this.notAnalysed(this.waiting[this.head], reason);
      this.waiting[this.head++] = null;
    }
  }

  async run() {
    if (this.running) return;
    this.running = true;
    try {
      try {
        await this.ready;
      } catch (error) {
        this.dropWaiting(`not analysed: ${error.message}`);
        return;
      }
      while (this.selection !== null || this.head < this.waiting.length) {
        if (this.selection !== null) {
          const index = this.selection;
          this.selection = null;
          await this.showRow(index);
        } else if (this.stopRequested) {
          this.dropWaiting('not analysed: stopped');
        } else {
          const entry = this.waiting[this.head];
          this.waiting[this.head++] = null;  // the File handle is kept by its row, not here
          await this.analyse(entry, entry.show);
          this.done++;
          this.progress(this.done, this.total, this.head < this.waiting.length);
        }
        await yieldToBrowser();
      }
    } finally {
      this.waiting = [];
      this.head = this.done = 0;
      this.stopRequested = false;
      this.running = false;
      this.progress(0, 0, false);
    }
  }
}
