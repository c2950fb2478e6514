#!/usr/bin/env python3
"""Write a small schema-version-1 trace with h5py, independently of OmniHDF5.

Usage: write_trace_h5py.py OUT.h5

Used by the Swift tests to prove that TraceFileReader reads traces from other producers
that follow Docs/trace-schema.md (here with numpy's aligned struct layout, which differs
from OmniHDF5's packed one). Prints nothing on success.
"""
import sys

try:
    import h5py
    import numpy as np
except ImportError as error:
    print(f"missing Python module ({error}); run: pip install h5py numpy")
    sys.exit(2)

STR = h5py.string_dtype("utf-8")


def table(f, name, fields, rows):
    dtype = np.dtype(fields, align=True)
    data = np.array(rows, dtype=dtype)
    return f.create_dataset(name, data=data, maxshape=(None,), chunks=(64,), compression="gzip", shuffle=True)


def main(out):
    with h5py.File(out, "w") as f:
        f.attrs["schema_version"] = np.int64(1)
        f.attrs["omni_version"] = "h5py-writer"
        f.attrs["run_kind"] = "sim"
        f.attrs["command"] = ""
        f.attrs["experiment"] = "Experiments/py.json"
        f.attrs["seed"] = np.uint64(2**64 - 3)
        f.attrs["start_time_unix_ns"] = np.int64(17)
        f.attrs["clock"] = "virtual"
        f.attrs["recorder"] = ""
        table(f, "nodes", [("index", "<i4"), ("name", STR), ("profile_json", STR)],
              [(0, "py-a", "{}"), (1, "py-b", '{"gpu":"ü"}')])
        table(f, "links", [("from", "<i4"), ("to", "<i4"), ("latency_ns", "<i8"), ("bandwidth_bytes_per_s", "<f8")],
              [(0, 1, 1000, 5e8)])
        table(f, "placements", [("epoch", "<i8"), ("node", "<i4"), ("layer_first", "<i4"), ("layer_last", "<i4")],
              [(3, 0, 0, 7), (3, 1, 8, 15)])
        requests = table(f, "requests", [("id", "<i8"), ("origin", "<i4"), ("arrival_ns", "<i8"),
                                         ("first_token_ns", "<i8"), ("finish_ns", "<i8"), ("prompt_tokens", "<i4"),
                                         ("output_tokens", "<i4"), ("status", "<i4"), ("error", STR)],
                         [(5, 1, 10, -1, 99, 4, 0, 2, "timed out")])
        requests.attrs["status_names"] = ["ok", "cancelled", "timeout", "failed", "rejected", "unfinished"]
        events = table(f, "events", [("start_ns", "<i8"), ("end_ns", "<i8"), ("node", "<i4"), ("kind", "<i4"),
                                     ("request", "<i8"), ("token_index", "<i8"), ("bytes", "<i8"),
                                     ("layer_first", "<i4"), ("layer_last", "<i4"), ("peer", "<i4")],
                       [(i * 10, i * 10 + 5, i % 2, i % 4, 5, i, 64 * i, 0, 7, -1) for i in range(300)])
        events.attrs["kind_names"] = ["prefill", "decode", "send", "receive"]
        act = f.create_dataset("activations/5/7", data=np.arange(6, dtype="<f4").reshape(2, 3))
        act.attrs["positions"] = np.array([0, 1], dtype="<i8")
        act.attrs["dtype"] = "bf16"
        act.attrs["shard"] = np.array([0, 7], dtype="<i8")
        act.attrs["node"] = np.int64(0)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
