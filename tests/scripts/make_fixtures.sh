#!/usr/bin/env bash
# make_fixtures.sh MAKE_FIXTURES OUTDIR: fixture images for the bit-identity, CLI and fuzz tests.
# make-fixtures writes PNG/BMP/PGM/PPM/baseline RGB JPEG and the bad inputs; cjpeg (Debian's
# libjpeg-turbo-progs) adds the grayscale and progressive JPEGs stb_image_write cannot make.
set -euo pipefail
generator=$1
out=$2
rm -rf "$out" "$out.fuzz-seeds"
mkdir -p "$out" "$out.fuzz-seeds"
"$generator" "$out"
command -v cjpeg >/dev/null || { echo "error: cjpeg not found (scripts/setup.sh installs libjpeg-turbo-progs)" >&2; exit 1; }
for src in "$out"/cjpeg_src_*.src; do
  base=$(basename "$src" .src)
  base=${base#cjpeg_src_}
  base=${base%.*}
  cjpeg -quality 92 -outfile "$out/jpeg_baseline_$base.jpg" "$src"
  cjpeg -quality 92 -progressive -outfile "$out/jpeg_progressive_$base.jpg" "$src"
  rm "$src"
done
# Small files seed the fuzzer's corpus (scripts/fuzz.sh).
find "$out" -type f -size -64k -exec cp {} "$out.fuzz-seeds/" \;
echo "fixtures: $(ls "$out" | wc -l) files in $out, $(ls "$out.fuzz-seeds" | wc -l) fuzz seeds"
