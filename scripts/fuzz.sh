#!/usr/bin/env bash
# Fuzzes decode+preprocess with libFuzzer (clang-14, ASan+UBSan).
# usage: scripts/fuzz.sh [SECONDS] [dicom]   (default 600; "dicom": DICOM seeds only, inputs up to
#        8 KB, its own corpus in build-fuzz/corpus-dicom: many more runs on the DICOM decoders)
# Seeds: the small fixture files the tests make (build/fixtures.fuzz-seeds, from ctest's
# fixtures.make) and small DICOM files (tests/scripts/make_dicom_fixtures.sh), with a dictionary of
# DICOM tags and transfer syntaxes (tests/fuzz/dicom.dict); the corpus grows in build-fuzz/corpus,
# crashes land in build-fuzz/crashes.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
mode=${2:-all}
seeds=build/fixtures.fuzz-seeds
if [[ ! -d $seeds ]]; then
  echo "fuzz: no seeds yet; making the test fixtures first"
  scripts/build.sh native
  ctest --test-dir build -R fixtures.make >/dev/null
fi
out=build-fuzz
mkdir -p "$out/corpus" "$out/crashes" "$out/third_party/include"
# DICOM seeds: generated fixtures at 24x20, compressed and malformed ones included.
if [[ ! -d $out/dicom/fixtures ]]; then
  XRAY_DICOM_FIXTURE_SIZE=24x20 tests/scripts/make_dicom_fixtures.sh "$out/dicom" >/dev/null  # small: fast runs
  mkdir -p "$out/dicom/seeds"
  find "$out/dicom/fixtures" "$out/dicom/bad" -type f -size -64k -exec cp {} "$out/dicom/seeds/" \;
fi
for dir in stb nlohmann; do
  [[ -e $out/third_party/include/$dir ]] || ln -s "/usr/include/$dir" "$out/third_party/include/$dir"
done
sources=(shared/src/*.cpp tests/fuzz/fuzz_preprocess.cpp)
flags=(-std=c++17 -g -O1 -ffp-contract=off -fsanitize=fuzzer,address,undefined
       -fno-sanitize-recover=undefined -Ishared/include -isystem "$out/third_party/include")
if [[ ! -x $out/fuzz_preprocess || -n $(find shared tests/fuzz -newer "$out/fuzz_preprocess" -name '*.[ch]*' | head -n 1) ]]; then
  echo "fuzz: building $out/fuzz_preprocess"
  clang++-14 "${flags[@]}" "${sources[@]}" -o "$out/fuzz_preprocess"
fi
echo "fuzz: running for ${seconds}s"
corpora=("$out/corpus" "$seeds" "$out/dicom/seeds")
max_len=65536
if [[ $mode == dicom ]]; then
  mkdir -p "$out/corpus-dicom"
  corpora=("$out/corpus-dicom" "$out/dicom/seeds")
  max_len=8192
fi
"$out/fuzz_preprocess" "${corpora[@]}" -dict=tests/fuzz/dicom.dict -max_total_time="$seconds" -rss_limit_mb=2048 \
  -malloc_limit_mb=1024 -timeout=10 -max_len="$max_len" -artifact_prefix="$out/crashes/" -print_final_stats=1 \
  2>&1 | tee "$out/last-run.log" | grep -E "^#[0-9]+ +(pulse|DONE)|ERROR|SUMMARY|stat::" || true
status=${PIPESTATUS[0]}
if grep -q "ERROR: libFuzzer\|ERROR: AddressSanitizer\|runtime error" "$out/last-run.log"; then
  echo "fuzz: FOUND A PROBLEM, see $out/last-run.log and $out/crashes/"
  exit 1
fi
echo "fuzz: clean ($(grep -o 'stat::number_of_executed_units: [0-9]*' "$out/last-run.log" | grep -o '[0-9]*$') executions)"
exit "$status"
