#!/usr/bin/env bash
# trainer_kill_test.sh XRAY MAKE_DATASET: no failure or kill breaks a model directory.
#  - `xray train` is killed with SIGKILL at named points (XRAY_KILL_AT, model_directory.h): while
#    writing checkpoints during the epochs, while staging model.pt, model.json and model.onnx,
#    just before and just after the new model is swapped in, and at two moments picked by time
#    once training has started.
#    After each kill the directory holds the old model or the new one, complete (the card's
#    sha256 entries match model.pt and model.onnx); then `--resume` finishes with the weights of
#    an uninterrupted run and leaves no temporary behind.
#  - failed runs (empty data, only unreadable images, bad options) leave the old model byte for byte
#    (model.pt, model.json, model.onnx; a fresh run gives up the older run's checkpoint at once);
#  - a model.pt that does not match its card is refused, saying what to do.
set -uo pipefail
xray=$(realpath "$1")
make_dataset=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

"$make_dataset" "$tmp/data" 32 48 > /dev/null || { echo "cannot make the data set"; exit 1; }
train=(train --data "$tmp/data" --epochs 3 --image-size 32 --batch 16 --widths 8,16 --device cpu --threads 1)
"$xray" "${train[@]}" --seed 11 --out "$tmp/old" > /dev/null 2>&1 || { echo "cannot train the old model"; exit 1; }
"$xray" "${train[@]}" --seed 12 --out "$tmp/new" > /dev/null 2>&1 || { echo "cannot train the new model"; exit 1; }
old_weights=$(sha256sum < "$tmp/old/model.pt")
new_weights=$(sha256sum < "$tmp/new/model.pt")
[[ $old_weights != "$new_weights" ]] || { echo "the two seeds gave the same weights"; exit 1; }

card_sha() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["files"][sys.argv[2]]["sha256"])' "$1/model.json" "$2"; }
# Prints old or new, or fails when the directory is not one complete model.
which_model() {
  local dir=$1 f
  for f in model.pt model.json model.onnx; do [[ -s $dir/$f ]] || { echo "missing $f"; return 1; }; done
  for f in model.pt model.onnx; do
    [[ $(card_sha "$dir" $f) == $(sha256sum "$dir/$f" | cut -c1-64) ]] || { echo "$f does not match the card"; return 1; }
  done
  case $(sha256sum < "$dir/model.pt") in
    "$old_weights") echo old ;;
    "$new_weights") echo new ;;
    *) echo "weights of neither run"; return 1 ;;
  esac
}
leftovers() { find "$tmp" -maxdepth 2 \( -name '*.tmp-*' -o -name '.*.staging-*' \) | grep "$1" ; }

# point (XRAY_KILL_AT or "after:SECONDS"), and the model the directory must hold after the kill
kills=("checkpoint old" "checkpoint#2 old" "model.pt old" "model.json old" "model.onnx old" "staged old"
       "swapped new" "after:0.05 any" "after:0.15 any")
i=0
for entry in "${kills[@]}"; do
  read -r point want <<< "$entry"
  dir=$tmp/kill$((i++))
  cp -r "$tmp/old" "$dir"
  if [[ $point == after:* ]]; then
    "$xray" "${train[@]}" --seed 12 --out "$dir" > "$dir.log" 2>&1 &
    pid=$!
    # counted from the moment the run has started training (its "model:" line)
    for _ in $(seq 100); do grep -q "^model:" "$dir.log" 2>/dev/null && break; sleep 0.05; done
    sleep "${point#after:}"
    kill -KILL $pid 2>/dev/null
    wait $pid
    status=$?
  else
    XRAY_KILL_AT=$point "$xray" "${train[@]}" --seed 12 --out "$dir" > "$dir.log" 2>&1
    status=$?
    [[ $status == 137 ]] || fail "XRAY_KILL_AT=$point: exit status $status, expected a SIGKILL (137)"
  fi
  got=$(which_model "$dir") || { fail "killed at $point: $got"; continue; }
  [[ $want == any || $got == "$want" ]] || fail "killed at $point: the directory holds the $got model, expected the $want one"
  "$xray" "${train[@]}" --seed 12 --out "$dir" --resume > "$dir.resume.log" 2>&1 || { cat "$dir.resume.log"; fail "--resume after a kill at $point"; continue; }
  after=$(which_model "$dir") || { fail "resumed after $point: $after"; continue; }
  [[ $after == new ]] || fail "resumed after a kill at $point: the $after model, expected the uninterrupted run's weights"
  [[ -z $(leftovers "kill$((i - 1))") ]] || fail "temporaries left after resuming from a kill at $point: $(leftovers "kill$((i - 1))")"
  echo "killed at $point (exit $status): the $got model, complete; --resume: the new model, complete"
done

# The directory named as "." or through a symbolic link: the real folder gets the new model, the
# link stays a link, and no staging copy is left inside or beside it.
cp -r "$tmp/old" "$tmp/dot"
(cd "$tmp/dot" && "$xray" "${train[@]}" --seed 12 --out . > ../dot.log 2>&1) || fail "train --out . ($(tail -n 2 "$tmp/dot.log"))"
[[ $(which_model "$tmp/dot") == new && -z $(find "$tmp/dot" -name '.*staging*') ]] || fail "train --out . did not leave the new model alone in the folder"
cp -r "$tmp/old" "$tmp/real"
ln -s real "$tmp/link"
"$xray" "${train[@]}" --seed 12 --out "$tmp/link" > "$tmp/link.log" 2>&1 || fail "train --out through a symbolic link"
[[ -L $tmp/link && $(which_model "$tmp/real") == new ]] || fail "through a symbolic link: the link must stay and the real folder get the new model"
[[ -z $(find "$tmp" -maxdepth 1 -name '.*staging*') ]] || fail "staging folders left behind: $(find "$tmp" -maxdepth 1 -name '.*staging*')"
echo "--out . and --out through a symbolic link: the real folder holds the new model, no staging left"

# Failed runs leave the old model byte for byte.
snapshot() { (cd "$1" && sha256sum model.pt model.json model.onnx); }
mkdir -p "$tmp/empty/train/NORMAL" "$tmp/empty/train/PNEUMONIA" "$tmp/junk/train/NORMAL" "$tmp/junk/train/PNEUMONIA"
for k in 1 2 3; do echo "<html>not an image</html>" > "$tmp/junk/train/NORMAL/IM-000$k-0001.jpeg"; cp "$tmp/junk/train/NORMAL/IM-000$k-0001.jpeg" "$tmp/junk/train/PNEUMONIA/person${k}_virus_1.jpeg"; done
cp -r "$tmp/old" "$tmp/keep"
before=$(snapshot "$tmp/keep")
for bad in "--data $tmp/empty" "--data $tmp/junk" "--data $tmp/data --widths 0" "--data $tmp/data --epochs 0" "--data $tmp/nowhere"; do
  # shellcheck disable=SC2086
  "$xray" train $bad --out "$tmp/keep" --image-size 32 --device cpu --threads 1 > "$tmp/bad.log" 2>&1 && fail "train $bad must fail"
  [[ $(snapshot "$tmp/keep") == "$before" ]] || fail "a failed run (train $bad) changed the model directory"
done
echo "failed runs (empty data, unreadable images, bad options, no data folder): the model directory unchanged"

# A model.pt that is not the card's is refused.
cp -r "$tmp/old" "$tmp/mixed"
cp "$tmp/new/model.pt" "$tmp/mixed/model.pt"
out=$("$xray" predict --model "$tmp/mixed" "$tmp/data/test" 2>&1)
[[ $? != 0 && $out == *"does not match the sha256 in model.json"*"restore the whole model directory"* ]] ||
  fail "a model.pt from another run must be refused: $out"
out=$("$xray" export --model "$tmp/mixed" 2>&1)
[[ $? != 0 && $out == *"does not match the sha256"* ]] || fail "export must refuse a mismatched model.pt: $out"

(( failures == 0 )) && echo "trainer kill test: all checks passed" || echo "trainer kill test: $failures failures"
(( failures == 0 ))
