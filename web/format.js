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

// printf's %.<digits>g, as `xray predict` writes ood_score (%.6g): rounded from the double's
// exact decimal value, ties to even, as the C library does (toPrecision rounds ties up).
export function printfG(value, digits = 6) {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  if (value === 0) return `${sign}0`;
  let [significant, exponent] = roundedDigits(Math.abs(value), digits);
  const trim = (text) => (text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text);
  if (exponent < -4 || exponent >= digits) {
    const mantissa = trim(`${significant[0]}.${significant.slice(1)}`);
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) significant = '0'.repeat(-exponent) + significant;
  const point = Math.max(exponent, 0) + 1;
  return sign + trim(`${significant.slice(0, point)}.${significant.slice(point)}`);
}

// The first `digits` significant digits of a positive finite double, rounded half to even on its
// exact decimal expansion, and the power of ten of the first one: 1234.5 -> ['123450', 3].
function roundedDigits(magnitude, digits) {
  // toFixed(100) rounds at the 100th decimal, which cannot turn a non-tie into a tie: a double
  // from 1e-30 up lies at least about 1e-71 from a sixth-digit tie unless it is one. Smaller
  // numbers go through toExponential (100 significant digits).
  let text;
  if (magnitude < 1e21 && magnitude >= 1e-30) {
    text = magnitude.toFixed(100);
  } else {
    const [m, e] = magnitude.toExponential(99).split('e');  // 100 significant digits: enough to see a tie
    return roundSignificant(m.replace('.', ''), Number(e), digits);
  }
  const [whole, fraction] = text.split('.');
  const all = whole + fraction;
  const first = all.search(/[1-9]/);
  return roundSignificant(all.slice(first), whole.length - first - 1, digits);
}

function roundSignificant(allDigits, exponent, digits) {
  const head = allDigits.slice(0, digits).padEnd(digits, '0'), rest = allDigits.slice(digits);
  const beyondHalf = rest[0] > '5' || (rest[0] === '5' && /[1-9]/.test(rest.slice(1)));
  const tie = rest[0] === '5' && !/[1-9]/.test(rest.slice(1));
  if (!(beyondHalf || (tie && Number(head[head.length - 1]) % 2 === 1))) return [head, exponent];
  const up = (BigInt(head) + 1n).toString();
  return up.length > digits ? [up.slice(0, digits), exponent + 1] : [up, exponent];
}

// A CSV field as `xray predict` writes one: quoted only when it holds a comma, quote or line break.
export function csvField(text) {
  if (!/[",\n\r]/.test(text)) return text;
  return `"${text.replaceAll('"', '""')}"`;
}

export function megabytes(bytes) {
  return `${(bytes / 1e6).toFixed(0)} MB`;
}
