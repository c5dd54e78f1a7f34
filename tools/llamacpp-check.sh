#!/usr/bin/env bash
# llama.cpp check of our GGUF exports (not in CI: it builds llama.cpp, minutes on 2 cores).
#
# Builds llama.cpp (CPU only) outside the project, exports a fixture model with a random LoRA
# (aletheia_ref gguf: PEFT adapter + adapter.gguf + base.gguf + merged model.gguf, f32 and q8_0),
# then compares greedy tokens:
#   ours:      `aletheia forward` in a loop (the PEFT adapter, unmerged) on the fixture checkpoint
#   llama.cpp: base.gguf + adapter.gguf (LoRA applied at run time), and the merged model.gguf
# Log: docs/llamacpp-check.log (this script's output). Exit 0 when every f32 pair of token lists
# is equal; q8_0 is reported, not required (quantisation may flip a near tie).
#
# Environment:
#   LLAMA_SRC    llama.cpp sources (default: unpacked from PyPI's llama-cpp-python sdist, which
#                vendors llama.cpp; or check out a git snapshot there:
#                git --git-dir=<snapshot> --work-tree=$LLAMA_SRC checkout -f HEAD)
#   LLAMA_BUILD  build folder (default /tmp/llama.cpp-build)
#   BUILD        our build folder (default build), configured with -DALETHEIA_PYTHON=... so that
#                aletheia_ref exists
#   PYTHON       a python with torch + safetensors (default ~/.cache/aletheia/venv/bin/python)
#   FAMILY       fixture under tests/fixtures/models (default llama); N_NEW tokens (default 24)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
LLAMA_BUILD=${LLAMA_BUILD:-/tmp/llama.cpp-build}
PYTHON=${PYTHON:-$HOME/.cache/aletheia/venv/bin/python}
FAMILY=${FAMILY:-llama}
N_NEW=${N_NEW:-24}
PROMPT=(1 17 42 99 7 230 64 5)
WORK=$(mktemp -d /tmp/llamacpp-check.XXXXXX)
MODEL=$ROOT/tests/fixtures/models/$FAMILY

if [ -z "${LLAMA_SRC:-}" ]; then
    LLAMA_SRC=/tmp/llamacpp/llama_cpp_python-0.3.36/vendor/llama.cpp
    if [ ! -f "$LLAMA_SRC/CMakeLists.txt" ]; then
        mkdir -p /tmp/llamacpp
        "$PYTHON" -m pip download --no-deps --no-binary :all: llama-cpp-python==0.3.36 -d /tmp/llamacpp
        tar -xzf /tmp/llamacpp/llama_cpp_python-0.3.36.tar.gz -C /tmp/llamacpp
    fi
fi
echo "== llama.cpp from $LLAMA_SRC"
if [ ! -f "$LLAMA_BUILD/build.ninja" ]; then
    cmake -S "$LLAMA_SRC" -B "$LLAMA_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLLAMA_CURL=OFF \
        -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
        -DBUILD_SHARED_LIBS=ON >/dev/null
fi
nice -n 10 cmake --build "$LLAMA_BUILD" --target llama -j2 >/dev/null
LIBDIR=$(dirname "$(find "$LLAMA_BUILD" -name 'libllama.so*' | head -1)")
c++ -O2 -std=c++17 "$ROOT/tools/llamacpp-check/greedy.cpp" -I"$LLAMA_SRC/include" -I"$LLAMA_SRC/ggml/include" \
    -L"$LIBDIR" -lllama -Wl,-rpath,"$LIBDIR" -o "$WORK/greedy"

echo "== exporting $FAMILY ($MODEL) with a random LoRA"
cat > "$WORK/plan.yaml" <<'PLAN'
# every attention and MLP projection of every layer, ranks that differ per module
dropout: 0.0
rslora: false
layers:
  0: {q_proj: {r: 8, alpha: 16}, k_proj: {r: 4, alpha: 8}, v_proj: {r: 8, alpha: 16}, o_proj: {r: 8, alpha: 16}}
  1: {gate_proj: {r: 4, alpha: 16}, up_proj: {r: 8, alpha: 16}, down_proj: {r: 8, alpha: 16}}
  2: {q_proj: {r: 2, alpha: 16}, k_proj: {r: 8, alpha: 16}, down_proj: {r: 32, alpha: 16}}
PLAN
for t in f32 q8_0; do
    "$BUILD/tests/reference/aletheia_ref" gguf "$MODEL" "$WORK/plan.yaml" "$WORK/$t" "$t"
done
ls -l "$WORK"/f32/gguf "$WORK"/f32/gguf-merged | sed 's/^/   /'

echo "== ours: greedy with \`aletheia forward\` (PEFT adapter, unmerged), prompt ${PROMPT[*]}"
OURS=$("$PYTHON" - "$BUILD/app/aletheia" "$MODEL" "$WORK/f32/adapter" "$N_NEW" "$WORK" "${PROMPT[@]}" <<'PY'
import json, subprocess, sys
from safetensors.torch import load_file
aletheia, model, adapter, n_new, work = sys.argv[1:6]
ids = [int(x) for x in sys.argv[6:]]
out, margins = [], []
for _ in range(int(n_new)):
    with open(f"{work}/ids.json", "w") as f:
        json.dump([ids + out], f)
    subprocess.run([aletheia, "forward", model, "--ids", f"{work}/ids.json", "--out", f"{work}/o.safetensors",
                    "--adapter", adapter], check=True, capture_output=True)
    logits = load_file(f"{work}/o.safetensors")["logits"][0, -1]
    top = logits.topk(2)
    margins.append((top.values[0] - top.values[1]).item())
    out.append(int(top.indices[0]))
print(" ".join(map(str, out)))
print(f"min top-2 margin {min(margins):.4g}", file=sys.stderr)
PY
)
echo "   $OURS"

status=0
compare() {  # label, expected-equal (1) or informational (0), greedy args...
    local label=$1 required=$2; shift 2
    local got
    got=$("$WORK/greedy" "$@" "$N_NEW" "${PROMPT[@]}" 2>"$WORK/llama.err" | head -1) || { cat "$WORK/llama.err"; status=1; return; }
    local margin
    margin=$("$WORK/greedy" "$@" "$N_NEW" "${PROMPT[@]}" 2>/dev/null | tail -1)
    if [ "$got" = "$OURS" ]; then
        echo "   EQUAL   $label: $got ($margin)"
    else
        echo "   DIFFER  $label: $got ($margin)"
        if [ "$required" = 1 ]; then status=1; fi
    fi
}
echo "== llama.cpp greedy vs ours"
compare "f32 base.gguf + adapter.gguf (LoRA at run time)" 1 "$WORK/f32/gguf/base.gguf" "$WORK/f32/gguf/adapter.gguf"
compare "f32 merged model.gguf" 1 "$WORK/f32/gguf-merged/model.gguf" -
compare "q8_0 base.gguf + adapter.gguf (informational)" 0 "$WORK/q8_0/gguf/base.gguf" "$WORK/q8_0/gguf/adapter.gguf"
compare "q8_0 merged model.gguf (informational)" 0 "$WORK/q8_0/gguf-merged/model.gguf" -
# Without the adapter llama.cpp must differ from the adapted tokens, or the check proves nothing.
compare "f32 base.gguf alone (should DIFFER: the adapter matters)" 0 "$WORK/f32/gguf/base.gguf" -
echo "== result: $([ $status = 0 ] && echo 'f32 tokens equal' || echo 'MISMATCH')"
rm -rf "$WORK"
exit $status
