#!/usr/bin/env bash
# Installs every Debian package Aletheia Studio needs to build, run and test.
# Idempotent: runs `apt-get update` and `apt-get install` only when something is missing.
#
#   install-deps.sh           Debian's packages (libtorch 1.13, CPU): the README's default build
#   install-deps.sh --torch2  the same, plus a virtual environment with PyTorch 2.x from PyPI (a CUDA
#                             libtorch that also runs on CPU) and the pinned reference libraries
#                             (transformers, peft, tokenizers) of packaging/requirements-torch2.txt,
#                             in $ALETHEIA_VENV (default ~/.cache/aletheia/venv), reused when it
#                             already holds exactly those pins. Prints the venv's python last.
#   install-deps.sh --sanitize  the same, plus clang 14 with its sanitizer and libFuzzer runtimes
#                             (.ci/sanitize, tests/fuzz)
set -euo pipefail

torch2=0
sanitize=0
for arg in "$@"; do
  case "$arg" in
    --torch2) torch2=1 ;;
    --sanitize) sanitize=1 ;;
    *) echo "install-deps: unknown option '$arg' (known: --torch2, --sanitize)" >&2; exit 1 ;;
  esac
done
here="$(cd "$(dirname "$0")" && pwd)"

packages=(
  build-essential cmake ninja-build pkg-config ccache
  libtorch-dev
  # c10d's ProcessGroupGloo.hpp includes gloo's headers (core/dist); the library ships with libtorch
  libgloo-dev
  # libtorch's CPU matmuls go through libblas.so.3: without OpenBLAS that is the reference
  # BLAS, about 8x slower on the demo (the OpenMP build shares libtorch's thread pool).
  libopenblas0-openmp
  qt6-base-dev libqcustomplot-dev
  libyaml-cpp-dev nlohmann-json3-dev libpcre2-dev libicu-dev zlib1g-dev
  xvfb xauth imagemagick fonts-dejavu-core
  # The .deb's manual pages (packaging/generate-docs.sh, at `--target package`).
  help2man
)

# ASan/UBSan/libFuzzer runtimes ship with clang's common files (libclang-common-14-dev).
[ "$sanitize" -eq 0 ] || packages+=(clang-14 libclang-common-14-dev)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

# The torch-2 environment is made with the system's python3 and its venv module.
if [ "$torch2" -eq 1 ] && ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  packages+=(python3-venv python3-pip)
  missing+=(python3-venv python3-pip)
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
else
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

[ "$torch2" -eq 1 ] || exit 0

venv="${ALETHEIA_VENV:-$HOME/.cache/aletheia/venv}"
requirements="$here/requirements-torch2.txt"
stamp="$venv/.aletheia-requirements"
if [ -x "$venv/bin/python" ] && cmp -s "$requirements" "$stamp"; then
  echo "install-deps: torch-2 environment $venv is current"
else
  echo "install-deps: creating the torch-2 environment in $venv (PyTorch 2 with CUDA: a few GB)"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$stamp"
fi
"$venv/bin/python" -c 'import torch, transformers, peft, tokenizers; print("install-deps: torch", torch.__version__, "transformers", transformers.__version__, "peft", peft.__version__, "tokenizers", tokenizers.__version__)'
