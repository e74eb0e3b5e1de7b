"""Shared paths and helpers for the memcg Python tests."""

import csv
import os
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import pytest

import memcg

REPO = Path(__file__).resolve().parents[2]
CORE_TESTS = REPO / "memcg-core" / "tests"
CORPUS = CORE_TESTS / "corpus"
TRACES = CORE_TESTS / "traces-v2"

V2_SNAPSHOT_FILES = (
    "memory.current",
    "memory.max",
    "memory.high",
    "memory.peak",
    "memory.stat",
    "memory.events",
    "memory.swap.current",
    "memory.swap.max",
    "memory.pressure",
)
V1_SNAPSHOT_FILES = (
    "memory.usage_in_bytes",
    "memory.limit_in_bytes",
    "memory.max_usage_in_bytes",
    "memory.failcnt",
    "memory.stat",
    "memory.oom_control",
    "memory.use_hierarchy",
    "memory.memsw.limit_in_bytes",
    "memory.pressure",
)


def read_files(d: Path, version: int) -> Dict[str, bytes]:
    """The Snapshot files present in `d`."""
    names = V2_SNAPSHOT_FILES if version == 2 else V1_SNAPSHOT_FILES
    return {n: (d / n).read_bytes() for n in names if (d / n).is_file()}


def trace_rows(name: str) -> Iterator[Tuple[float, Dict[str, bytes]]]:
    """(t_seconds, v2 files) per row of a trace CSV, rebuilt as the kernel prints them."""
    with open(TRACES / name, newline="") as f:
        for row in csv.DictReader(f):
            files: Dict[str, List[str]] = {}
            single: Dict[str, bytes] = {}
            psi: Dict[str, str] = {}
            for col, cell in row.items():
                if col == "t_seconds" or cell == "":
                    continue
                if col.startswith("memory.pressure."):
                    psi[col[len("memory.pressure.") :]] = cell
                    continue
                for keyed in ("memory.stat.", "memory.events.", "memory.swap.events."):
                    if col.startswith(keyed):
                        files.setdefault(keyed[:-1], []).append(f"{col[len(keyed):]} {cell}")
                        break
                else:
                    single[col] = cell.encode() + b"\n"
            out = dict(single)
            for k, lines in files.items():
                out[k] = ("\n".join(lines) + "\n").encode()
            if psi:
                out["memory.pressure"] = "".join(
                    f"{w} avg10={psi[w + '_avg10']} avg60={psi[w + '_avg60']} "
                    f"avg300={psi[w + '_avg300']} total={psi[w + '_total']}\n"
                    for w in ("some", "full")
                ).encode()
            snap_files = {k: v for k, v in out.items() if k in V2_SNAPSHOT_FILES}
            yield float(row["t_seconds"]), snap_files


@pytest.fixture(scope="session")
def own_cgroup() -> memcg.Cgroup:
    return memcg.Cgroup.current()


def corpus_files() -> List[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.is_file())


os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(REPO / "target" / "hypothesis"))
