#!/usr/bin/env bash
# Regenerates completions/ from the CLI itself. Run after adding or changing a command:
#   scripts/gen-completions.sh [path/to/acpctl]
set -euo pipefail
cd "$(dirname "$0")/.."
acpctl=${1:-build/acpctl}
for shell in bash zsh fish; do
  "$acpctl" completion "$shell" > "completions/acpctl.$shell.tmp"
  mv "completions/acpctl.$shell.tmp" "completions/acpctl.$shell"
done
echo "completions/ regenerated from $acpctl"
