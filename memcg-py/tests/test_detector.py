"""LeakDetector on synthetic traces and on a real v2 trace."""

import json
import math
from typing import List, Optional

import pytest

import memcg
from conftest import TRACES, trace_rows

MIB = 1 << 20
ASSESSMENT_FIELDS = (
    "state leak imminent_oom slope_bytes_per_s slope_low slope_high time_to_limit_s "
    "time_to_limit_low_s time_to_limit_high_s time_to_high_s onset_s signal_bytes floor_bytes "
    "limit_bytes age_s"
).split()


def v2(anon: int, limit: Optional[int] = 512 * MIB, file: int = 0) -> memcg.Snapshot:
    return memcg.Snapshot.from_files(
        2,
        {
            "memory.current": f"{anon + file}\n",
            "memory.max": "max\n" if limit is None else f"{limit}\n",
            "memory.stat": f"anon {anon}\nfile {file}\ninactive_file {file}\nshmem 0\nkernel 0\n",
            "memory.events": "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n",
        },
    )


def check(a: memcg.Assessment) -> None:
    assert a.state in ("warming_up", "stable", "growing", "leaking")
    assert a.leak == (a.state == "leaking")
    for f in ASSESSMENT_FIELDS:
        v = getattr(a, f)
        if isinstance(v, float):
            assert math.isfinite(v), f
    d = a.to_dict()
    # Every field of the core's Assessment is an attribute (fields may be added later).
    assert set(d) == set(ASSESSMENT_FIELDS), set(d) ^ set(ASSESSMENT_FIELDS)
    for f in ASSESSMENT_FIELDS:
        assert d[f] == getattr(a, f), f


def run(snaps: List[memcg.Snapshot], dt: float = 1.0, **config: object) -> List[memcg.Assessment]:
    det = memcg.LeakDetector(**config)  # type: ignore[arg-type]
    out = []
    for i, s in enumerate(snaps):
        a = det.update(i * dt, s)
        check(a)
        assert a.signal_bytes == s.unreclaimable_bytes
        out.append(a)
    return out


def detector_has_landed() -> bool:
    """The core's detector algorithm (not only its contract) is on main."""
    out = run([v2(100 * MIB + i * MIB) for i in range(300)])
    return any(a.state != "warming_up" for a in out)


def test_config_keywords_and_defaults() -> None:
    det = memcg.LeakDetector()
    cfg = det.config
    assert set(cfg) >= {"min_age_s", "max_window_s", "min_growth_bytes", "min_limit_share", "restart_drop_fraction", "use_swap"}
    custom = memcg.LeakDetector(min_age_s=10.0, max_window_s=600, min_growth_bytes=1, min_limit_share=0.5, restart_drop_fraction=0.1, use_swap=False)
    assert custom.config == {**cfg, "min_age_s": 10.0, "max_window_s": 600.0, "min_growth_bytes": 1, "min_limit_share": 0.5, "restart_drop_fraction": 0.1, "use_swap": False}
    with pytest.raises(ValueError):
        memcg.LeakDetector(min_age_s=float("nan"))
    with pytest.raises(TypeError):
        memcg.LeakDetector(bogus=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        memcg.LeakDetector(30.0)  # type: ignore[misc]


def test_time_errors_leave_the_state_unchanged() -> None:
    det = memcg.LeakDetector()
    det.update(10.0, v2(MIB))
    with pytest.raises(memcg.TimeWentBackwards) as info:
        det.update(5.0, v2(MIB))
    assert (info.value.previous, info.value.t) == (10.0, 5.0)
    assert isinstance(info.value, ValueError) and isinstance(info.value, memcg.MemcgError)
    for bad in (float("nan"), float("inf")):
        with pytest.raises(memcg.InvalidTimestamp):
            det.update(bad, v2(MIB))
    assert det.update(11.0, v2(MIB)).age_s == 1.0
    det.reset()
    # reset() forgets the history but keeps the clock: time still cannot go backwards.
    with pytest.raises(memcg.TimeWentBackwards):
        det.update(0.0, v2(MIB))
    assert det.update(12.0, v2(MIB)).age_s == 0.0


def test_synthetic_traces_invariants() -> None:
    ramp = run([v2(50 * MIB + i * 2 * MIB) for i in range(200)])
    flat = run([v2(200 * MIB + (i % 7) * 4096) for i in range(200)])
    cache = run([v2(50 * MIB, file=i * 2 * MIB) for i in range(200)])
    nolimit = run([v2(50 * MIB + i * MIB, limit=None) for i in range(100)])
    assert ramp[0].state == "warming_up"
    assert all(a.limit_bytes == 512 * MIB for a in ramp)
    assert all(a.time_to_limit_s is None for a in nolimit)
    # Page cache is not the signal.
    assert all(a.signal_bytes == 50 * MIB for a in cache)
    if detector_has_landed():
        assert ramp[-1].leak and ramp[-1].time_to_limit_s is not None
        assert not any(a.leak for a in flat)
        assert not any(a.leak for a in cache)


def _trace(name: str) -> List[memcg.Assessment]:
    det = memcg.LeakDetector()
    out = []
    for t, files in trace_rows(name):
        snap = memcg.Snapshot.from_files(2, files)
        a = det.update(t, snap)
        check(a)
        out.append(a)
    return out


def test_real_v2_traces() -> None:
    meta = json.loads((TRACES / "01_linear_oom.json").read_text())
    leak = _trace("01_linear_oom.csv")
    assert len(leak) == meta["n_samples"]
    assert all(a.limit_bytes == meta["limit"] for a in leak)
    saw = _trace("03_sawtooth.csv")
    if not detector_has_landed():
        pytest.skip("the LeakDetector algorithm is not on main yet (contract only)")
    rows = [t for t, _ in trace_rows("01_linear_oom.csv")]
    first = next(t for t, a in zip(rows, leak) if a.leak)
    assert first < meta["oom_at_s"]
    assert not any(a.leak for a in saw)
