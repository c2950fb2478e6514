#!/usr/bin/env bash
# Installs what is missing, builds OMNI (release) and runs its main job on built-in defaults:
#   1. OmniSim's home-cluster study: exo's ring-memory-weighted placement against the other
#      strategies for Llama-3.1-8B on a MacBook Air, a Mac mini, a gaming PC and two Raspberry Pis
#      (prints the comparison table; results, plots and traces land in Results/home-cluster-8b/).
#   2. The bundled omni-shakespeare model answering a prompt on this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/setup.sh
command -v swift >/dev/null || export PATH="/opt/swift/usr/bin:$PATH"
swift build -c release >&2
.build/release/omni-sim Experiments/home-cluster-8b.json
echo
echo "omni generate (bundled omni-shakespeare model):"
.build/release/omni generate --prompt "${1:-Tell me of love and the sea}" --max-tokens 96 --temperature 0.8 --top-p 0.95 --seed 7
