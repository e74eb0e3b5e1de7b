"""Snapshot, Cgroup and read_snapshot: this machine's cgroup, from_files, errors, threads."""

import json
import math
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import memcg
from conftest import CORPUS, read_files

FIELDS = (
    "version usage_bytes limit_bytes effective_limit_bytes high_limit_bytes swap_limit_bytes "
    "peak_bytes working_set_bytes anon_bytes file_bytes shmem_bytes swap_bytes oom_kills "
    "max_events high_events pressure stat"
).split()


def test_own_cgroup(own_cgroup: memcg.Cgroup) -> None:
    assert os.path.isdir(own_cgroup.path)
    assert own_cgroup.version in (1, 2)
    snap = own_cgroup.snapshot()
    for f in FIELDS:
        getattr(snap, f)
    assert snap.version == own_cgroup.version
    assert snap.usage_bytes > 0
    assert 0 <= snap.working_set_bytes <= snap.usage_bytes
    assert isinstance(snap.stat, dict) and snap.stat
    assert repr(snap).startswith("<memcg.Snapshot v")
    assert repr(own_cgroup).startswith("<memcg.Cgroup v")
    # Repeated reads reuse the open files.
    again = own_cgroup.snapshot()
    assert again.version == snap.version
    assert memcg.read_snapshot().version == snap.version
    assert memcg.read_snapshot(own_cgroup.path).version == snap.version
    assert memcg.Cgroup.for_pid(os.getpid()).path == own_cgroup.path


def test_to_dict_is_the_rust_json() -> None:
    d = CORPUS / "elastic-agent-system-metrics/docker2/sys/fs/cgroup/user.slice/user-1000.slice/session-520.scope"
    snap = memcg.Snapshot.from_files(2, read_files(d, 2))
    from memcg._memcg import snapshot_json

    assert snap.to_dict() == json.loads(snapshot_json(snap))
    assert snap.to_dict() == json.loads(snapshot_json(snap, pretty=False))
    keys = set(snap.to_dict())
    assert keys == set(FIELDS) - {"high_limit_bytes", "swap_limit_bytes"}
    assert snap.to_dict()["stat"] == snap.stat
    assert snap.pressure is not None
    assert snap.to_dict()["pressure"]["some"] == snap.pressure.some.to_dict()


def test_absent_unlimited_and_zero_limits() -> None:
    base = {"memory.current": b"100\n"}
    absent = memcg.Snapshot.from_files(2, base)
    assert (absent.limit_bytes, absent.limit_unlimited) == (None, False)
    assert absent.pressure is None and absent.stat == {} and absent.swap_bytes is None
    unlimited = memcg.Snapshot.from_files(2, {**base, "memory.max": b"max\n"})
    assert (unlimited.limit_bytes, unlimited.limit_unlimited) == (None, True)
    assert unlimited.to_dict()["limit_bytes"] is None
    zero = memcg.Snapshot.from_files(2, {**base, "memory.max": b"0\n", "memory.high": "max"})
    assert (zero.limit_bytes, zero.limit_unlimited) == (0, False)
    assert (zero.high_limit_bytes, zero.high_limit_unlimited) == (None, True)
    eff = memcg.Snapshot.from_files(2, {**base, "memory.max": b"5000\n"}, ancestors_limit=3000)
    assert (eff.limit_bytes, eff.effective_limit_bytes) == (5000, 3000)


def test_from_files_v1() -> None:
    d = CORPUS / "elastic-agent-system-metrics/docker/sys/fs/cgroup/memory"
    snap = memcg.Snapshot.from_files(1, read_files(d, 1))
    # use_hierarchy 0: rss/cache, not total_rss/total_cache (cAdvisor).
    assert (snap.anon_bytes, snap.file_bytes, snap.working_set_bytes) == (18067456, 170680320, 443785216)
    assert snap.limit_unlimited and snap.high_limit_bytes is None


def test_from_files_errors() -> None:
    with pytest.raises(ValueError, match="memory.current is required"):
        memcg.Snapshot.from_files(2, {"memory.max": b"max"})
    with pytest.raises(ValueError, match="unknown cgroup memory file"):
        memcg.Snapshot.from_files(2, {"memory.current": b"1", "memory.typo": b"1"})
    with pytest.raises(ValueError, match="version"):
        memcg.Snapshot.from_files(3, {"memory.current": b"1"})
    with pytest.raises(TypeError):
        memcg.Snapshot.from_files(2, {"memory.current": 1})  # type: ignore[dict-item]
    # Other cgroup files are ignored, so a whole directory can be passed.
    assert memcg.Snapshot.from_files(2, {"memory.current": b"1", "memory.min": b"0"}).usage_bytes == 1
    with pytest.raises(memcg.ParseError) as info:
        memcg.Snapshot.from_files(2, {"memory.current": b"1", "memory.stat": b"anon 1\nfile x\n"})
    assert (info.value.kind, info.value.line, info.value.offset) == ("memory.stat", 2, 12)


def test_read_errors(tmp_path: Path) -> None:
    with pytest.raises(memcg.CgroupReadError) as missing:
        memcg.Cgroup(tmp_path / "nope")
    assert missing.value.path.endswith("nope")
    assert missing.value.errno == 2
    assert str(missing.value) == f"{tmp_path / 'nope'}: No such file or directory (os error 2)"
    assert isinstance(missing.value, OSError)
    with pytest.raises(memcg.NotACgroup):
        memcg.read_snapshot(str(tmp_path))
    (tmp_path / "memory.current").write_bytes(b"12\n")
    (tmp_path / "memory.stat").write_bytes(b"anon 1\nfile x\n")
    with pytest.raises(memcg.ParseError) as bad:
        memcg.read_snapshot(tmp_path)
    assert bad.value.path == str(tmp_path / "memory.stat")
    assert (bad.value.line, bad.value.offset) == (2, 12)
    (tmp_path / "memory.stat").write_bytes(b"anon 1\n")
    cg = memcg.Cgroup(tmp_path)
    assert cg.snapshot().usage_bytes == 12
    (tmp_path / "memory.current").write_bytes(b"13\n")
    assert cg.snapshot().usage_bytes == 13
    for f in tmp_path.iterdir():
        f.unlink()
    # A removed directory: a fresh read fails with the OS error.
    tmp_path.rmdir()
    with pytest.raises(memcg.CgroupReadError):
        memcg.read_snapshot(tmp_path)


def test_kept_open_files_survive_unlink(tmp_path: Path) -> None:
    # memory.stat disappears between the version check and the read (a cgroup being removed).
    (tmp_path / "memory.current").write_bytes(b"12\n")
    cg = memcg.Cgroup(tmp_path)
    (tmp_path / "memory.current").unlink()
    tmp_path.rmdir()
    # The kept descriptor still reads on a regular file system (the kernel answers ENODEV
    # for a removed cgroup, which maps to CgroupGone).
    assert cg.snapshot().usage_bytes == 12
    assert issubclass(memcg.CgroupGone, memcg.MemcgError)


def test_discovery_errors() -> None:
    with pytest.raises(memcg.MemcgError):
        memcg.Cgroup.for_pid(2**31 - 1)
    with pytest.raises(memcg.DiscoveryError):
        memcg.Cgroup.for_container("../../etc")
    with pytest.raises(memcg.DiscoveryError):
        memcg.Cgroup.for_container("ffffffffffffdeadbeef")


def test_threads(own_cgroup: memcg.Cgroup) -> None:
    data = (CORPUS / "telegraf/v2/memory.stat").read_bytes()
    expected = memcg.parse("memory.stat", data).to_dict()

    def work(i: int) -> int:
        det = memcg.LeakDetector()
        for k in range(50):
            snap = own_cgroup.snapshot()
            a = det.update(float(k), snap)
            assert math.isfinite(a.slope_bytes_per_s)
            assert memcg.parse("memory.stat", data).to_dict() == expected
            assert memcg.read_snapshot(own_cgroup.path).version == snap.version
        return i

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert sorted(pool.map(work, range(16))) == list(range(16))


def test_shared_detector_from_threads() -> None:
    det = memcg.LeakDetector()
    snap = memcg.Snapshot.from_files(2, {"memory.current": b"1000\n"})
    import threading

    lock = threading.Lock()
    clock = [0.0]

    def work(_: int) -> None:
        for _ in range(200):
            with lock:
                clock[0] += 1.0
                det.update(clock[0], snap)

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(work, range(4)))
