// Number and text formats shared by the page's outputs, written to match their C++ counterparts
// so that the canvas, the HTML mirror and the CSV agree with the app and with `xray predict`.

// The app's format_score (wasm/app/model_info.cpp): printf %.0f from 1000, %.3g from 1e9, else %.4g.
export function formatScore(value) {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const a = Math.abs(value);
  const exponential = (digits) => Number(value.toPrecision(digits)).toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  if (a >= 1e9) return exponential(3);
  if (a >= 1000) return value.toFixed(0);
  if (a !== 0 && a < 1e-4) return exponential(4);
  return String(Number(value.toPrecision(4)));
}

// printf's %.<digits>g, as `xray predict` writes ood_score (%.6g).
export function printfG(value, digits = 6) {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return '0';
  const [mantissa, exponentText] = value.toExponential(digits - 1).split('e');
  const exponent = Number(exponentText);
  const trim = (text) => (text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text);
  if (exponent < -4 || exponent >= digits) {
    return `${trim(mantissa)}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return trim(value.toFixed(digits - 1 - exponent));
}

// A CSV field as `xray predict` writes one: quoted only when it holds a comma, quote or line break.
export function csvField(text) {
  if (!/[",\n\r]/.test(text)) return text;
  return `"${text.replaceAll('"', '""')}"`;
}

export function megabytes(bytes) {
  return `${(bytes / 1e6).toFixed(0)} MB`;
}
