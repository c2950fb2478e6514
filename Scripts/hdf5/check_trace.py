#!/usr/bin/env python3
"""Check an HDF5 file written by OmniHDF5 against the expectation its Swift test wrote.

Usage: check_trace.py FILE EXPECTED.json

EXPECTED.json:
  {"swmr": false,                       # open with h5py swmr=True when true
   "exact": true,                       # the file holds no datasets beyond those listed
   "attributes": {"/obj": {"name": {"dtype": DTYPE, "value": V}}},
   "datasets": {"/obj": {"dtype": DTYPE or [[field, DTYPE], ...],
                          "shape": [...],
                          "values": flat list (numeric) or list of rows (compound),
                          "storage": {"chunks": [...] or null, "maxshape": [... null = unlimited],
                                      "compression": "gzip" or null, "compression_opts": level,
                                      "shuffle": bool}}}   # optional; only listed keys are checked
DTYPE is a numpy dtype string ("<i8", "<f4", "|S6", "|u1") or "str" for HDF5
variable-length strings. Floats compare exactly (float32 widened to float64).
Exit status 0 when everything matches; otherwise 1 with one line per mismatch.
"""
import json
import sys

try:
    import h5py
    import numpy as np
except ImportError as error:  # The Swift test turns this into a failure naming the fix.
    print(f"missing Python module ({error}); run: pip install h5py numpy")
    sys.exit(2)


def dtype_code(dt):
    """'str' for variable-length strings, else numpy's dtype string."""
    if h5py.check_string_dtype(dt) is not None and h5py.check_string_dtype(dt).length is None:
        return "str"
    return dt.str


def describe(dt):
    if dt.names:
        return [[name, dtype_code(dt.fields[name][0])] for name in dt.names]
    return dtype_code(dt)


def plain(value):
    """numpy / bytes values as JSON-comparable Python values."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return plain(value.item())
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def main(argv):
    if len(argv) != 3:
        print(__doc__)
        return 2
    path, expected_path = argv[1], argv[2]
    with open(expected_path, encoding="utf-8") as handle:
        expected = json.load(handle)
    problems = []
    try:
        h5 = h5py.File(path, "r", swmr=bool(expected.get("swmr", False)))
    except Exception as error:  # noqa: BLE001 - report any open failure
        print(f"h5py cannot open {path}: {error}")
        return 1
    with h5:
        found = []
        h5.visititems(lambda name, obj: found.append("/" + name) if isinstance(obj, h5py.Dataset) else None)
        if expected.get("exact", True):
            extra = sorted(set(found) - set(expected.get("datasets", {})))
            if extra:
                problems.append(f"unexpected datasets: {extra}")
        for name, want in expected.get("datasets", {}).items():
            if name not in h5:
                problems.append(f"{name}: missing")
                continue
            data = h5[name]
            if describe(data.dtype) != want["dtype"]:
                problems.append(f"{name}: dtype {describe(data.dtype)} != {want['dtype']}")
                continue
            if "shape" in want and list(data.shape) != want["shape"]:
                problems.append(f"{name}: shape {list(data.shape)} != {want['shape']}")
                continue
            for key, value in want.get("storage", {}).items():
                got_value = getattr(data, key)
                got_value = list(got_value) if isinstance(got_value, tuple) else got_value
                if got_value != value:
                    problems.append(f"{name}: {key} {got_value!r} != {value!r}")
            array = data[()]
            if data.dtype.names:
                got = [[plain(row[field]) for field in data.dtype.names] for row in array]
            else:
                got = plain(np.asarray(array).reshape(-1))
            if got != want["values"]:
                first = next((i for i, (g, w) in enumerate(zip(got, want["values"])) if g != w), min(len(got), len(want["values"])))
                problems.append(f"{name}: values differ ({len(got)} vs {len(want['values'])} items; first difference at {first}: "
                                f"{got[first] if first < len(got) else None} != {want['values'][first] if first < len(want['values']) else None})")
        for name, attrs in expected.get("attributes", {}).items():
            if name not in h5:
                problems.append(f"{name}: missing (attributes)")
                continue
            obj = h5[name]
            for key, want in attrs.items():
                if key not in obj.attrs:
                    problems.append(f"{name}@{key}: missing")
                    continue
                value = obj.attrs[key]
                got_dtype = "str" if isinstance(value, str) or (isinstance(value, np.ndarray) and value.dtype == object) \
                    else np.asarray(value).dtype.str
                if got_dtype != want["dtype"]:
                    problems.append(f"{name}@{key}: dtype {got_dtype} != {want['dtype']}")
                elif plain(value) != want["value"]:
                    problems.append(f"{name}@{key}: {plain(value)!r} != {want['value']!r}")
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
