#!/usr/bin/env bash
# GPU readiness in one log, on a machine with an NVIDIA GPU and PyTorch 2 (python3 -c 'import torch'):
#   1. builds the engine, CLI and core tests with -DALETHEIA_GUI=OFF against that PyTorch's libtorch
#      (reference tests too when transformers + peft are importable);
#   2. runs the CTest suite there (tst_cuda's CUDA cases run instead of skipping);
#   3. the demo fine-tune on the GPU in bf16 (model.device cuda, train.precision bf16);
#   4. tests/bench/bench_vs_peft.py in bf16 (ours vs peft, uniform and upper-half plans).
# Usage: tools/gpu-check.sh [LOG]   (default $OUT/gpu-check.log, else ./gpu-check.log)
# Extra CMake prefixes (e.g. unpacked -dev packages) come through CMAKE_PREFIX_PATH as usual.
set -uo pipefail
cd "$(dirname "$0")/.."
log=${1:-${OUT:-.}/gpu-check.log}
exec > >(tee "$log") 2>&1
python=${PYTHON:-python3}
step() { echo; echo "== $1 ($(date -u +%H:%M:%S))"; }
status=0

step "machine"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || echo "no nvidia-smi"
nproc; g++ --version | head -1; cmake --version | head -1
"$python" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())' || exit 1
torch_cmake=$("$python" -c 'import torch; print(torch.utils.cmake_prefix_path)')
reference=()
if "$python" -c 'import transformers, peft' 2>/dev/null; then reference=(-DALETHEIA_PYTHON="$(command -v "$python")"); fi

step "configure + build (GUI off)"
SECONDS=0
cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DALETHEIA_GUI=OFF \
  -DCMAKE_PREFIX_PATH="$torch_cmake${CMAKE_PREFIX_PATH:+;$CMAKE_PREFIX_PATH}" "${reference[@]}" || exit 1
cmake --build build-gpu -j"$(nproc)" || exit 1
targets=(aletheia)
[ ${#reference[@]} -gt 0 ] && targets+=(aletheia_ref)
cmake --build build-gpu -j"$(nproc)" --target "${targets[@]}" || exit 1
echo "build took ${SECONDS}s"

step "ctest"
ctest --test-dir build-gpu --output-on-failure -j4 -E '^tst_demo_recipe$' || status=1
ctest --test-dir build-gpu -R '^tst_cuda$' -V | grep -E 'PASS|SKIP|FAIL' || true

step "demo fine-tune on cuda in bf16"
SECONDS=0
./build-gpu/app/aletheia demo --cache "${TMPDIR:-/tmp}/aletheia-gpu-demo" \
  --set model.device=cuda --set train.precision=bf16 || status=1
echo "demo took ${SECONDS}s"

if [ ${#reference[@]} -gt 0 ]; then
  step "bench_vs_peft, bf16 on cuda"
  "$python" tests/bench/bench_vs_peft.py --aletheia-ref build-gpu/tests/reference/aletheia_ref \
    --shape qwen2.5-0.5b --device cuda --dtype bf16 --batch 4 --seq 512 --steps 10 --warmup 3 --rounds 2 || status=1
else
  step "bench_vs_peft skipped: transformers/peft not importable by $python"
fi
step "gpu-check finished, status $status"
exit $status
