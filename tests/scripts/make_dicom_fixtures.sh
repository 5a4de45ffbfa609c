#!/usr/bin/env bash
# make_dicom_fixtures.sh OUT_DIR [ORIGINALS_DIR]: DICOM test files, made with Debian's tools.
#   OUT_DIR/fixtures: pydicom writes uncompressed files (make_dicom_fixtures.py; real radiographs too
#     when ORIGINALS_DIR exists); dcmtk compresses some: JPEG lossless SV1 (dcmcjpeg), process 14
#     with predictors 2-7 and point transforms (+el +sv N +pt N), lossy 8-bit baseline, extended and
#     progressive JPEG (+eb, +ee, +ep), RLE (dcmcrle); img2dcm wraps the
#     first original JPEG unchanged (real_baseline.dcm; OUT_DIR/original.jpeg is that JPEG).
#   OUT_DIR/bad: malformed files every reader must refuse (make_bad_dicom.py).
# Used by dicom_test.sh and, for fuzzing seeds, by scripts/fuzz.sh.
set -euo pipefail
out=$1
originals=${2:-}
scripts=$(cd "$(dirname "$0")" && pwd)
python=/usr/bin/python3
for tool in dcmcjpeg dcmcrle img2dcm djpeg; do
  command -v $tool >/dev/null || { echo "error: $tool not found: run scripts/setup.sh (dcmtk, libjpeg-turbo-progs)" >&2; exit 1; }
done
$python -c 'import pydicom, numpy' 2>/dev/null ||
  { echo "error: $python cannot import pydicom and numpy: run scripts/setup.sh (python3-pydicom)" >&2; exit 1; }
if [[ -n $originals && ! -d $originals ]]; then
  echo "note: $originals not found: the real-radiograph fixtures are skipped (generated ones still made)"
  originals=
fi
rm -rf "$out/fixtures" "$out/bad" "$out/original.jpeg"
mkdir -p "$out/fixtures" "$out/bad"
fx=$out/fixtures
$python "$scripts/make_dicom_fixtures.py" "$fx" $originals

compress() { local how=$1 src=$2 dst=$3; shift 3; [[ -f $fx/$src ]] && $how "$@" "$fx/$src" "$fx/$dst"; true; }
for f in u16_explicit u12_explicit_window_seq u8_mono1 s12_signed_window rgb_interleaved u16_two_frames real0_u12 real0_u16 real1_u8; do
  compress dcmcjpeg $f.dcm ${f}_sv1.dcm
done
for p in 2 3 4 5 6 7; do
  compress dcmcjpeg u16_explicit.dcm u16_p$p.dcm +el +sv $p
  compress dcmcjpeg real0_u12.dcm real0_u12_p$p.dcm +el +sv $p
done
compress dcmcjpeg u16_explicit.dcm u16_sv1_pt2.dcm +el +sv 1 +pt 2
compress dcmcjpeg real0_u16.dcm real0_u16_p6_pt3.dcm +el +sv 6 +pt 3
# Lossy 8-bit DCT JPEG in its three DICOM syntaxes (baseline, extended, progressive).
compress dcmcjpeg real0_u8.dcm real0_u8_lossy_baseline.dcm +eb
compress dcmcjpeg u8_mono1.dcm u8_mono1_lossy_extended.dcm +ee
compress dcmcjpeg u8_mono1.dcm u8_mono1_lossy_progressive.dcm +ep
for f in u16_explicit u8_mono1 rgb_interleaved s12_signed_window u16_two_frames real1_u16 real0_u16_mono1; do
  compress dcmcrle $f.dcm ${f}_rle.dcm
done
if [[ -n $originals ]]; then
  cp "$(find "$originals" -type f -iname '*.jp*g' | sort | head -1)" "$out/original.jpeg"
  img2dcm -i JPEG "$out/original.jpeg" "$fx/real_baseline.dcm"
fi
$python "$scripts/make_bad_dicom.py" "$fx" "$out/bad"
dcmcjpeg +ee "$fx/u12_implicit_window.dcm" "$out/bad/bad_extended_12bit.dcm"  # 12-bit DCT JPEG: refused
echo "dicom fixtures: $(ls "$fx" | wc -l) in $fx, $(ls "$out/bad" | wc -l) malformed in $out/bad"
