#!/usr/bin/env bash
# The README's main command: set up, build, and run acpctl's main job on this machine.
# For now that is: write an example cluster config and validate it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j "$(nproc)"
acpctl=build/release/acpctl
echo "== acpctl init | acpctl validate -f -"
"$acpctl" init | "$acpctl" validate -f -
