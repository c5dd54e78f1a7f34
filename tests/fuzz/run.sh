#!/usr/bin/env bash
# Runs one libFuzzer harness for a while: tests/fuzz/run.sh <build dir> <harness> <seconds> [libFuzzer flags]
# (harness: safetensors, model_config, tokenizer, jsonl, experiment, peft, probe_scores, plan,
# checkpoint_state). Seeds: the fixtures of that format, tests/fuzz/corpus/<harness>/ and what
# fuzz_make_seeds writes; the growing corpus and any crash input stay in <build dir>/fuzz/<harness>/.
# Limits that turn a bad input into a finding: 10 s for one input (a hang), 1 GiB for one
# allocation or 2.5 GiB in all (an unbounded allocation).
set -euo pipefail
build=$(realpath "$1"); name=$2; seconds=$3; shift 3
here=$(cd "$(dirname "$0")" && pwd); src=$(cd "$here/../.." && pwd)
work="$build/fuzz/$name"; mkdir -p "$work/corpus" "$work/seeds" "$work/artifacts"
fx="$src/tests/fixtures"
case $name in
  safetensors)  seeds=("$fx"/models/*/reference.safetensors) ;;
  model_config) seeds=("$fx"/models/*/config.json) ;;
  tokenizer)    seeds=("$fx"/tokenizers/small/*.json) ;;
  jsonl)        seeds=("$fx"/text/datasets/*.jsonl) ;;
  experiment)   seeds=("$src"/resources/examples/*.yaml) ;;
  *)            seeds=()  # formats without fixtures: seeds written by the engine's own writers
                if [ ! -d "$build/fuzz/generated/$name" ]; then
                  "$build/tests/fuzz/fuzz_make_seeds" "$build/fuzz/generated" || echo "run.sh: no generated seeds" >&2
                fi ;;
esac
for f in "${seeds[@]}" "$here/corpus/$name"/* "$build/fuzz/generated/$name"/*; do
  [ -f "$f" ] && cp "$f" "$work/seeds/$(echo "$f" | md5sum | cut -c1-12)-$(basename "$f")"
done
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
cd "$work/artifacts"  # libFuzzer writes crash-*/timeout-*/oom-* here
exec "$build/tests/fuzz/fuzz_$name" -max_total_time="$seconds" -timeout=10 -malloc_limit_mb=1024 \
  -rss_limit_mb=2560 -max_len=65536 -dict="$here/dict/$name.dict" -artifact_prefix="$work/artifacts/" \
  -print_final_stats=1 "$@" "$work/corpus" "$work/seeds"
