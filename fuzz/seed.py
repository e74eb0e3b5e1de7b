#!/usr/bin/env python3
"""Seeds fuzz/corpus/<target>/ from the conformance corpus and the v2 traces.

    python3 fuzz/seed.py            # from the repository root or from fuzz/

Inputs come from memcg-core/tests/corpus/, memcg-core/tests/corpus-local/ and
memcg-core/tests/traces-v2/. Targets that pick a file kind with their first byte
(flat_keyed, single_value, numa_stat) get that byte prepended; snapshot_dir and detector
get the binary layouts decoded by `fuzz/src/checks.rs` (`split_files`, `detector`).
Existing corpus files are kept; seeds are named by content hash, so reruns add nothing twice.
"""
import csv
import hashlib
import os
import struct
import sys

FUZZ = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(FUZZ)
CORE_TESTS = os.path.join(ROOT, "memcg-core", "tests")
CORPORA = [os.path.join(CORE_TESTS, "corpus"), os.path.join(CORE_TESTS, "corpus-local")]
TRACES = os.path.join(CORE_TESTS, "traces-v2")
OUT = os.path.join(FUZZ, "corpus")

# The order of `checks::FLAT_KEYED`.
FLAT_KEYED = ["memory.events", "memory.events.local", "memory.swap.events", "cgroup.stat",
              "memory.oom_control"]
# The order of `checks::single_value_kinds()` (FileKind::ALL minus the keyed, numa, PSI and
# proc kinds). tests/fuzz_regressions.rs checks that this list matches.
SINGLE_VALUE = [
    "memory.current", "memory.min", "memory.low", "memory.high", "memory.max", "memory.peak",
    "memory.oom.group", "memory.swap.current", "memory.swap.high", "memory.swap.max",
    "memory.swap.peak", "memory.zswap.current", "memory.zswap.max",
    "memory.usage_in_bytes", "memory.limit_in_bytes", "memory.max_usage_in_bytes",
    "memory.failcnt", "memory.soft_limit_in_bytes",
    "memory.memsw.usage_in_bytes", "memory.memsw.limit_in_bytes",
    "memory.memsw.max_usage_in_bytes", "memory.memsw.failcnt",
    "memory.kmem.usage_in_bytes", "memory.kmem.limit_in_bytes",
    "memory.kmem.max_usage_in_bytes", "memory.kmem.failcnt",
    "memory.kmem.tcp.usage_in_bytes", "memory.kmem.tcp.limit_in_bytes",
    "memory.kmem.tcp.max_usage_in_bytes", "memory.kmem.tcp.failcnt",
    "memory.swappiness", "memory.use_hierarchy",
]
V1_FILES = ["memory.usage_in_bytes", "memory.limit_in_bytes", "memory.max_usage_in_bytes",
            "memory.failcnt", "memory.stat", "memory.oom_control", "memory.use_hierarchy",
            "memory.memsw.limit_in_bytes", "memory.pressure"]
V2_FILES = ["memory.current", "memory.max", "memory.high", "memory.peak", "memory.stat",
            "memory.events", "memory.swap.current", "memory.swap.max", "memory.pressure"]

counts = {}


def put(target, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    p = os.path.join(d, hashlib.sha1(data).hexdigest())
    if not os.path.exists(p):
        with open(p, "wb") as f:
            f.write(data)
        counts[target] = counts.get(target, 0) + 1


def read(p):
    with open(p, "rb") as f:
        return f.read(1 << 16)


def is_v1_dir(files):
    return "memory.usage_in_bytes" in files


def seed_file(path, name, siblings):
    data = read(path)
    if name == "memory.stat":
        # Fixtures do not always keep the sibling files that tell the version: seed both.
        put("v1_memory_stat", data)
        put("v2_memory_stat", data)
    elif name == "memory.numa_stat":
        put("numa_stat", bytes([0 if is_v1_dir(siblings) else 1]) + data)
    elif name in FLAT_KEYED:
        put("flat_keyed", bytes([FLAT_KEYED.index(name)]) + data)
        put("ffi", bytes([FLAT_KEYED.index(name)]) + data)
    elif name in SINGLE_VALUE:
        put("single_value", bytes([SINGLE_VALUE.index(name)]) + data)
        put("ffi", bytes([SINGLE_VALUE.index(name)]) + data)
    elif name == "memory.pressure" or path.endswith("pressure/memory"):
        put("pressure", data)
    elif name == "cgroup" and "proc" in path.split(os.sep) or name.startswith("proc-self-cgroup"):
        put("proc_cgroup", data)
    elif name == "mountinfo":
        put("mountinfo", data)


def seed_dir(dirpath, files):
    if "memory.current" in files:
        version, names = 1, V2_FILES
    elif "memory.usage_in_bytes" in files:
        version, names = 0, V1_FILES
    else:
        return
    mask = 0
    body = b""
    present = [i for i, n in enumerate(names) if n in files]
    for i in present:
        mask |= 1 << i
        data = read(os.path.join(dirpath, names[i]))[:0xFFFF]
        if i == present[-1]:
            body += data
        else:
            body += struct.pack("<H", len(data)) + data
    put("snapshot_dir", bytes([version]) + struct.pack("<H", mask) + body)


def seed_trace(path):
    """A v2 trace as a detector stream: forward time steps, usage and anon set exactly."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    # The first rows only: the reader's cost is per row, and the fuzzer mutates better small.
    with open(path, "rb") as f:
        put("trace_csv", b"".join(f.readlines()[:24]))
    out = bytearray([1])  # v2
    prev_t = None
    for row in rows[:400]:
        try:
            t = float(row["t_seconds"])
            usage = int(row.get("memory.current") or 0)
            anon = int(row.get("memory.stat.anon") or 0)
        except (KeyError, ValueError):
            continue
        dt = 0 if prev_t is None else max(0, min(0xFFFF, round((t - prev_t) * 16)))
        prev_t = t
        # op: forward step (3), set usage (8) and anon (16), each as a raw u64 (mode 0).
        out += bytes([3 | 8 | 16]) + struct.pack("<H", dt)
        out += bytes([0]) + struct.pack("<Q", usage) + bytes([0]) + struct.pack("<Q", anon)
    put("detector", bytes(out))


def main():
    cgroups, mountinfos = [], []
    for base in CORPORA:
        for dirpath, _, files in os.walk(base):
            fs = set(files)
            for name in files:
                p = os.path.join(dirpath, name)
                seed_file(p, name, fs)
                if name == "mountinfo" or "mountinfo" in dirpath.split(os.sep):
                    mountinfos.append(p)
                elif name == "cgroup" or "proc-self-cgroup" in dirpath.split(os.sep):
                    cgroups.append(p)
            seed_dir(dirpath, fs)
            # discovery_resolve: a cgroup file, 0xff, a mountinfo, taken from one directory.
            if "cgroup" in fs and "mountinfo" in fs:
                put("discovery_resolve", read(os.path.join(dirpath, "cgroup")) + b"\xff"
                    + read(os.path.join(dirpath, "mountinfo")))
    # And every cgroup file against a few mountinfo files (v1, v2, hybrid hosts).
    for c in sorted(cgroups):
        for m in sorted(mountinfos)[:6]:
            put("discovery_resolve", read(c) + b"\xff" + read(m))
    if os.path.isdir(TRACES):
        for name in sorted(os.listdir(TRACES)):
            if name.endswith(".csv"):
                seed_trace(os.path.join(TRACES, name))
    for t in sorted(counts):
        print(f"seed: {t}: {counts[t]} new")
    return 0


if __name__ == "__main__":
    sys.exit(main())
