// The results of every file since the page opened (or since "Clear"): window.xray.results, the
// CSV export (the columns of `xray predict`), and the HTML mirror of the table for screen readers.
import { csvField, formatScore, printfG } from './format.js';

export const CSV_HEADER = 'path,probability,label,out_of_distribution,ood_score,error';

export class Results {
  constructor(table, gate) {
    this.rows = [];      // window.xray.results
    this.files = [];     // the File behind each row, read again when the row is selected
    this.body = table.querySelector('tbody');
    this.pending = document.createDocumentFragment();  // rows not yet in the mirror
    this.flushTimer = 0;
    this.gate = gate;    // () => the model's gate or null, for the OOD columns
  }

  add(row, file) {
    this.rows.push(row);
    this.files.push(file);
    this.pending.appendChild(this.mirrorRow(row));
    this.flushLater();
    return this.rows.length - 1;
  }

  // The mirror takes new rows once a second: the browser lays the whole table out again each time
  // it changes, which row by row would make a 10,000-file folder slower with every file.
  flushLater() {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => this.flush(), 1000);
  }

  flush() {
    clearTimeout(this.flushTimer);
    this.flushTimer = 0;
    this.body.appendChild(this.pending);  // empties the fragment
  }

  clear() {
    this.flush();
    this.rows.length = 0;
    this.files.length = 0;
    this.body.replaceChildren();
  }

  markSelected(index) {
    if (index >= this.body.children.length) this.flush();
    this.body.querySelector('tr[aria-current]')?.removeAttribute('aria-current');
    this.body.children[index]?.setAttribute('aria-current', 'true');
  }

  // `xray predict`'s CSV: probability %.6f, ood_score %.6g, the OOD columns empty without a gate,
  // a failed file with only its path and error.
  csv() {
    const lines = [CSV_HEADER];
    const gate = this.gate();
    for (const r of this.rows) {
      if (r.error !== null) { lines.push(`${csvField(r.file)},,,,,${csvField(r.error)}`); continue; }
      const ood = gate ? `${r.outOfDistribution ? 1 : 0},${printfG(r.oodScore)}` : ',';
      lines.push(`${csvField(r.file)},${r.probability.toFixed(6)},${r.label},${ood},`);
    }
    return `${lines.join('\n')}\n`;
  }

  // One line for people: "40 files: 25 PNEUMONIA, 12 NORMAL, 2 not chest X-rays, 1 failed".
  summary(labels) {
    const count = (test) => this.rows.filter(test).length;
    const parts = labels.map((label) => `${count((r) => r.error === null && !r.outOfDistribution && r.label === label)} ${label}`);
    const flagged = count((r) => r.error === null && r.outOfDistribution);
    if (flagged) parts.push(`${flagged} not chest X-ray${flagged === 1 ? '' : 's'}`);
    parts.push(`${count((r) => r.error !== null)} failed`);
    return `${this.rows.length} file${this.rows.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
  }

  mirrorRow(r) {
    const tr = document.createElement('tr');
    const verdict = r.error !== null ? 'error' : r.outOfDistribution ? 'not a chest X-ray' : r.label;
    const cells = [r.file, verdict, r.error === null ? r.probability.toFixed(4) : '',
                   r.oodScore === null || r.error !== null ? '' : `${r.outOfDistribution ? 'yes' : 'no'} (score ${formatScore(r.oodScore)})`,
                   r.timings.total_ms.toFixed(0), r.error ?? ''];
    cells.forEach((text, i) => {
      const cell = document.createElement(i === 0 ? 'th' : 'td');
      if (i === 0) cell.scope = 'row';
      cell.textContent = text;
      tr.appendChild(cell);
    });
    return tr;
  }
}
