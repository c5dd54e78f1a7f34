#!/usr/bin/env bash
# A short run of every harness, for CI: tests/fuzz/smoke.sh <build dir> [seconds each, default 60].
# The build dir is one configured with -DALETHEIA_FUZZ=ON. Fails on the first finding; the input
# that caused it is left in <build dir>/fuzz/<harness>/artifacts/.
set -euo pipefail
build=$1; seconds=${2:-60}
here=$(cd "$(dirname "$0")" && pwd)
for name in safetensors model_config tokenizer jsonl experiment peft probe_scores plan checkpoint_state; do
  echo "== fuzz smoke: $name (${seconds} s)"
  log="$build/fuzz/$name.smoke.log"; mkdir -p "$build/fuzz"
  rc=0; "$here/run.sh" "$build" "$name" "$seconds" >"$log" 2>&1 || rc=$?
  grep -E '^stat::number_of_executed_units|^Done' "$log" || true
  [ $rc -eq 0 ] || { tail -n 60 "$log"; echo "fuzz smoke: $name found a problem (log: $log)"; exit 1; }
done
