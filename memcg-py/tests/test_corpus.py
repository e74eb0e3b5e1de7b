"""The vendored conformance corpus: the expected values of memcg-core/tests/corpus/expected.json,
and every memory file parses or raises ParseError."""

import json
from pathlib import Path
from typing import Any, Dict, List

import pytest

import memcg
from conftest import CORPUS, corpus_files, read_files

EXPECTED: List[Dict[str, Any]] = json.loads((CORPUS / "expected.json").read_text())
PRESENT = [e for e in EXPECTED if (CORPUS / e["dir"]).is_dir()]


def test_expected_json_is_present() -> None:
    # Directories of the expected values that are not vendored (non-permissive sources) are
    # skipped; most are here.
    assert len(PRESENT) >= 20


def _snapshot_for(entry: Dict[str, Any]) -> "tuple[memcg.Snapshot, List[str]]":
    """A Snapshot of the directory; files that do not parse are dropped (and returned)."""
    d = CORPUS / entry["dir"]
    v = entry["version"]
    files = read_files(d, v)
    dropped = []
    for name, data in list(files.items()):
        try:
            memcg.parse(name, data, version=v)
        except memcg.ParseError:
            dropped.append(name)
            del files[name]
    usage = "memory.current" if v == 2 else "memory.usage_in_bytes"
    if usage not in files:
        # A stat-only sample: the usage-independent fields are still derived.
        assert entry["usage"] is None
        files[usage] = b"0\n"
    return memcg.Snapshot.from_files(v, files), dropped


@pytest.mark.parametrize("entry", PRESENT, ids=[e["dir"] for e in PRESENT])
def test_expected_values(entry: Dict[str, Any]) -> None:
    snap, dropped = _snapshot_for(entry)
    v = entry["version"]
    assert snap.version == v
    # Files memcg refuses are exactly those the expected values call unparseable.
    notes = " ".join(entry.get("notes", []))
    for name in dropped:
        key = {"memory.max_usage_in_bytes": "max_usage", "memory.use_hierarchy": "use_hierarchy"}.get(name, name)
        assert key in notes, f"{name} refused but expected.json does not say it is unparseable"
    if entry["usage"] is not None:
        assert snap.usage_bytes == entry["usage"]
        assert snap.working_set_bytes == entry["working_set"]
    if entry["limit_unlimited"] is None:
        assert (snap.limit_bytes, snap.limit_unlimited) == (None, False)
    else:
        assert snap.limit_unlimited is entry["limit_unlimited"]
        assert snap.limit_bytes == entry["limit"]
    assert snap.anon_bytes == entry["anon"]
    assert snap.file_bytes == entry["file"]
    assert snap.swap_bytes == entry["swap"]
    assert snap.oom_kills == entry["oom_kill"]
    assert snap.peak_bytes == entry["max_usage"]
    assert snap.max_events == (entry["failcnt"] if v == 1 else entry["max_events"])
    inactive = snap.stat.get("total_inactive_file" if v == 1 else "inactive_file")
    assert inactive == entry["inactive_file"]
    d = snap.to_dict()
    assert d["usage_bytes"] == snap.usage_bytes and d["anon_bytes"] == entry["anon"]


def test_read_snapshot_of_a_corpus_directory() -> None:
    d = CORPUS / "telegraf" / "v2"
    snap = memcg.read_snapshot(str(d))
    assert (snap.usage_bytes, snap.working_set_bytes, snap.limit_bytes) == (13071106048, 10135646208, 103079215104)
    assert memcg.Cgroup(d).snapshot().to_dict() == snap.to_dict()


MEMORY_FILES = [
    p
    for p in corpus_files()
    if p.name in memcg.FILE_NAMES or (p.name == "memory" and p.parent.name == "pressure")
]


def test_corpus_has_memory_files() -> None:
    assert len(MEMORY_FILES) > 200


@pytest.mark.parametrize("path", MEMORY_FILES, ids=[str(p.relative_to(CORPUS)) for p in MEMORY_FILES])
def test_every_memory_file_parses_or_raises_parse_error(path: Path) -> None:
    data = path.read_bytes()
    for version in (1, 2):
        try:
            r = memcg.parse(str(path), data, version=version)
        except memcg.ParseError as e:
            assert 1 <= e.line and 0 <= e.offset <= len(data)
            assert e.kind in memcg.FILE_NAMES
        else:
            assert isinstance(r, (memcg.KeyedFile, memcg.ValueFile, memcg.LimitFile, memcg.Pressure))
            assert isinstance(r.to_dict(), dict)


@pytest.mark.parametrize(
    ("rel", "line", "offset"),
    [
        ("below/edge-cases/memory-stat-garbage-line/memory.stat", 2, 13),
        ("below/edge-cases/memory-stat-empty/memory.stat", 1, 0),
        ("below/edge-cases/memory-current-float/memory.current", 1, 4),
        ("below/edge-cases/memory-current-empty/memory.current", 1, 0),
        ("below/edge-cases/memory-max-negative/memory.max", 1, 0),
        ("below/edge-cases/cgroup-stat-garbage/cgroup.stat", 1, 15),
        ("below/edge-cases/memory-numa-stat-garbage/memory.numa_stat", 1, 5),
        ("tikv/memory-max/overflow-u64/memory.max", 1, 0),
        ("tikv/memory-max/fraction/memory.max", 1, 1),
    ],
)
def test_edge_cases_fail_where_expected(rel: str, line: int, offset: int) -> None:
    path = CORPUS / rel
    with pytest.raises(memcg.ParseError) as info:
        memcg.parse(path.name, path.read_bytes())
    assert (info.value.line, info.value.offset) == (line, offset), str(info.value)


def test_edge_cases_that_parse() -> None:
    slab = memcg.parse("memory.stat", (CORPUS / "below/edge-cases/memory-stat-u64-overflow-i64/memory.stat").read_bytes())
    assert slab.slab == 14914318128160131214
    assert memcg.parse("memory.max", (CORPUS / "tikv/memory-max/max/memory.max").read_bytes()).unlimited
    assert memcg.parse("memory.max", (CORPUS / "tikv/memory-max/20GiB/memory.max").read_bytes()).value == 21474836480
