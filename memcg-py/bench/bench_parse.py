#!/usr/bin/env python3
"""Benchmark: memcg.parse and a kept Cgroup against the Python people write by hand.

    python memcg-py/bench/bench_parse.py [--quick]

Prints a markdown table of medians (per call) and ratios. Everything runs in one process, one
after the other, so the numbers compare on the same machine state.
"""

import argparse
import os
import platform
import statistics
import sys
import timeit
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

import memcg

REPO = Path(__file__).resolve().parents[2]
V2_STAT = REPO / "memcg-core/tests/corpus/v2-real-6.1/01_linear_oom/near-limit/memory.stat"


def median_us(fn: Callable[[], object], number: int, repeat: int) -> float:
    t = timeit.Timer(fn)
    times = t.repeat(repeat=repeat, number=number)
    return statistics.median(times) / number * 1e6


# ----------------------------------------------------------------- the hand-written Python


def py_parse_stat_str(text: str) -> Dict[str, int]:
    """What services write: a dict from split() lines."""
    return {k: int(v) for k, v in (line.split() for line in text.splitlines())}


def py_parse_stat_bytes(data: bytes) -> Dict[str, int]:
    return {k.decode(): int(v) for k, v in (line.split() for line in data.splitlines())}


def py_read(path: str) -> str:
    with open(path) as f:
        return f.read()


def py_limit(text: str) -> Optional[int]:
    text = text.strip()
    if text == "max":
        return None
    v = int(text)
    return None if v >= 1 << 62 else v


def py_snapshot(d: str, version: int) -> Dict[str, Optional[int]]:
    """A hand-written snapshot: the same files a memcg Snapshot reads, parsed the plain way."""
    if version == 2:
        usage = int(py_read(os.path.join(d, "memory.current")))
        limit = py_limit(py_read(os.path.join(d, "memory.max")))
        stat = py_parse_stat_str(py_read(os.path.join(d, "memory.stat")))
        events = py_parse_stat_str(py_read(os.path.join(d, "memory.events")))
        swap_path = os.path.join(d, "memory.swap.current")
        swap = int(py_read(swap_path)) if os.path.exists(swap_path) else None
        inactive = stat.get("inactive_file", 0)
        return {
            "usage": usage,
            "limit": limit,
            "working_set": max(0, usage - inactive),
            "anon": stat.get("anon"),
            "file": stat.get("file"),
            "swap": swap,
            "oom_kills": events.get("oom_kill"),
        }
    usage = int(py_read(os.path.join(d, "memory.usage_in_bytes")))
    limit = py_limit(py_read(os.path.join(d, "memory.limit_in_bytes")))
    stat = py_parse_stat_str(py_read(os.path.join(d, "memory.stat")))
    oom = py_parse_stat_str(py_read(os.path.join(d, "memory.oom_control")))
    failcnt = int(py_read(os.path.join(d, "memory.failcnt")))
    return {
        "usage": usage,
        "limit": limit,
        "working_set": max(0, usage - stat.get("total_inactive_file", 0)),
        "anon": stat.get("total_rss"),
        "file": stat.get("total_cache"),
        "swap": stat.get("total_swap"),
        "oom_kills": oom.get("oom_kill"),
        "max_events": failcnt,
    }


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    ap.add_argument("--cgroup", help="cgroup directory for the Snapshot rows (default: own)")
    args = ap.parse_args(argv)
    repeat = 5 if args.quick else 15

    data = V2_STAT.read_bytes()
    text = data.decode()
    n_keys = len(data.splitlines())
    assert py_parse_stat_str(text) == {k: v for k, v in memcg.parse("memory.stat", data).to_dict().items() if v is not None}

    cg = memcg.Cgroup(args.cgroup) if args.cgroup else memcg.Cgroup.current()
    stat_path = os.path.join(cg.path, "memory.stat")

    rows: List[Tuple[str, float]] = []
    rows.append((f"`memcg.parse(\"memory.stat\", data)` (v2, {n_keys} keys, {len(data)} B)",
                 median_us(lambda: memcg.parse("memory.stat", data), 20000, repeat)))
    rows.append(("`memcg.parse(\"memory.stat\", data).to_dict()`",
                 median_us(lambda: memcg.parse("memory.stat", data).to_dict(), 20000, repeat)))
    rows.append(("plain Python: `{k: int(v) for k, v in (l.split() for l in text.splitlines())}`",
                 median_us(lambda: py_parse_stat_str(text), 5000, repeat)))
    rows.append(("plain Python on bytes (decode keys)",
                 median_us(lambda: py_parse_stat_bytes(data), 5000, repeat)))
    rows.append((f"`open(\"{stat_path}\").read()` (v{cg.version}, this machine)",
                 median_us(lambda: py_read(stat_path), 2000, repeat)))
    rows.append((f"`Cgroup.snapshot()` (kept open, v{cg.version}, this machine)",
                 median_us(cg.snapshot, 2000, repeat)))
    rows.append(("`memcg.read_snapshot(path)` (opens every file each time)",
                 median_us(lambda: memcg.read_snapshot(cg.path), 1000, repeat)))
    rows.append(("plain Python: open, read and parse the same files",
                 median_us(lambda: py_snapshot(cg.path, cg.version), 1000, repeat)))

    print(f"memcg {memcg.__version__}, CPython {platform.python_version()}, {platform.machine()}, "
          f"{os.cpu_count()} CPUs; median of {repeat} runs\n")
    print("| operation | median per call | vs `memcg.parse` / `Cgroup.snapshot()` |")
    print("|---|---:|---:|")
    parse_us = rows[0][1]
    snap_us = rows[5][1]
    for i, (name, us) in enumerate(rows):
        base = parse_us if i < 5 else snap_us
        print(f"| {name} | {us:.2f} µs | {us / base:.1f}× |")
    ratio = rows[2][1] / parse_us
    print(f"\nmemcg.parse is {ratio:.1f}× faster than the plain Python parse of a v2 memory.stat; "
          f"a kept Cgroup snapshot is {rows[7][1] / snap_us:.1f}× faster than the plain Python "
          f"read-and-parse of the same files.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
