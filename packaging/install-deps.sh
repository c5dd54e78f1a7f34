#!/usr/bin/env bash
# Installs every Debian package Aletheia Studio needs to build, run and test.
# Idempotent: runs `apt-get update` and `apt-get install` only when something is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libtorch-dev
  # libtorch's CPU matmuls go through libblas.so.3: without OpenBLAS that is the reference
  # BLAS, about 8x slower on the demo (the OpenMP build shares libtorch's thread pool).
  libopenblas0-openmp
  qt6-base-dev libqcustomplot-dev
  libyaml-cpp-dev nlohmann-json3-dev libpcre2-dev libicu-dev zlib1g-dev
  xvfb xauth imagemagick fonts-dejavu-core
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
