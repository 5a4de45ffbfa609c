// The page's printf-style formatting (web/format.js printfG) against the C library's %.6g, which
// `xray predict` uses for ood_score: Python's % operator rounds the same way (exact binary value,
// ties to even), so it is the oracle here.   node format_test.mjs
import { execFileSync } from 'node:child_process';
import { printfG } from '../../web/format.js';

const f32 = (v) => Math.fround(v);
const values = [
  0, -0, 1, -1, 0.5, 1e-4, 9.99999e-5, 1.23456789e-5, 123456, 999999.5, 1234567, 1e21, 1e-30, 5e-324,
  // float32 scores whose exact decimal value is a tie at the sixth significant digit
  1000.125, 1000.375, 1000.625, 1000.875, 2047.125, 4095.875, 8191.9375, 12.0000005,
  f32(3.0001), f32(2.63216), f32(0.369), f32(1.7342), f32(294.33), f32(6.1825), f32(1e-7), f32(65504.5),
];
// Plus random float32 values over the scores' range, with the ties of the thousands among them.
let seed = 12345;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
for (let i = 0; i < 4000; i++) values.push(f32(10 ** (random() * 12 - 6)));
for (let i = 0; i < 400; i++) values.push(1000 + Math.floor(random() * 8000) + [0.125, 0.375, 0.625, 0.875][i % 4]);

const script = 'import sys\nfor line in sys.stdin: print("%.6g" % float.fromhex(line.strip()))';
const hex = (v) => {  // the exact double, in Python's float.hex form
  if (v === 0) return Object.is(v, -0) ? '-0x0p+0' : '0x0p+0';
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n, exponent = Number((bits >> 52n) & 0x7ffn), mantissa = bits & ((1n << 52n) - 1n);
  const lead = exponent === 0 ? '0' : '1', e = exponent === 0 ? -1022 : exponent - 1023;
  return `${negative ? '-' : ''}0x${lead}.${mantissa.toString(16).padStart(13, '0')}p${e}`;
};
const expected = execFileSync('python3', ['-c', script], { input: values.map(hex).join('\n') + '\n' }).toString().trim().split('\n');
let failures = 0;
values.forEach((v, i) => {
  const got = printfG(v);
  if (got !== expected[i]) {
    if (failures < 10) console.log(`FAIL: printfG(${v}) = ${got}, printf gives ${expected[i]}`);
    failures++;
  }
});
console.log(failures ? `format_test: ${failures} of ${values.length} differ` : `format_test: ${values.length} values match printf's %.6g`);
process.exit(failures ? 1 : 0);
