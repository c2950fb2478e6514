#!/usr/bin/env bash
# Installs what is missing, builds OMNI in release mode and runs its main job on the built-in
# default: the bundled omni-shakespeare model answering a prompt on this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/setup.sh
command -v swift >/dev/null || export PATH="/opt/swift/usr/bin:$PATH"
swift build -c release >&2
.build/release/omni generate --prompt "${1:-Tell me of love and the sea}" --max-tokens 96 --temperature 0.8 --top-p 0.95 --seed 7
