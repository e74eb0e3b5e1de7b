"""python -m memcg: the memcg command's output, through the binding."""

import json
import subprocess
import sys
from pathlib import Path
from typing import List

import memcg
from conftest import CORPUS, read_files

TELEGRAF_V2 = CORPUS / "telegraf" / "v2"


def run(args: List[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-W", "error", "-m", "memcg", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
    )


def test_snapshot_json(tmp_path: Path) -> None:
    p = run(["snapshot", "--json", str(TELEGRAF_V2)], tmp_path)
    assert p.returncode == 0, p.stderr
    assert p.stdout.count("\n") == 1  # one line, as `memcg snapshot --json` prints it
    out = json.loads(p.stdout)
    assert out["version"] == 2
    assert out["usage_bytes"] == 13071106048
    assert out["working_set_bytes"] == 10135646208
    assert out["limit_bytes"] == 103079215104
    assert out["anon_bytes"] == 2471755776 and out["file_bytes"] == 8532865024
    assert out["swap_bytes"] == 0 and out["oom_kills"] == 0 and out["max_events"] == 0
    assert out == memcg.Snapshot.from_files(2, read_files(TELEGRAF_V2, 2)).to_dict()


def test_snapshot_table(tmp_path: Path) -> None:
    p = run(["snapshot", str(TELEGRAF_V2)], tmp_path)
    assert p.returncode == 0, p.stderr
    from memcg._memcg import snapshot_table

    snap = memcg.read_snapshot(TELEGRAF_V2)
    assert p.stdout == snapshot_table(snap, str(TELEGRAF_V2))
    assert "usage" in p.stdout and "12.17 GiB" in p.stdout


def test_snapshot_of_this_process(tmp_path: Path) -> None:
    p = run(["snapshot", "--json"], tmp_path)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["usage_bytes"] > 0


def test_watch(tmp_path: Path) -> None:
    p = run(["watch", str(TELEGRAF_V2), "--json", "--count", "3", "--interval", "0.05"], tmp_path)
    assert p.returncode == 0, p.stderr
    lines = [json.loads(x) for x in p.stdout.splitlines()]
    assert len(lines) == 3
    assert [x["t_seconds"] for x in lines] == sorted(x["t_seconds"] for x in lines)
    for x in lines:
        assert x["usage_bytes"] == 13071106048 and "state" in x and "stat" not in x
    p = run(["watch", str(TELEGRAF_V2), "--count", "2", "--interval", "0.05"], tmp_path)
    assert p.returncode == 0, p.stderr
    banner, header, *rows = p.stdout.splitlines()
    from memcg._memcg import watch_header

    assert banner == f"watching {TELEGRAF_V2} every 0.05 s"
    assert header == watch_header()
    assert len(rows) == 2 and all("warming_up" in r or "stable" in r or "growing" in r or "leaking" in r for r in rows)


def test_errors(tmp_path: Path) -> None:
    p = run(["snapshot", str(tmp_path / "nope")], tmp_path)
    assert p.returncode == 1
    assert p.stderr == f"memcg: error: {tmp_path / 'nope'}: No such file or directory (os error 2)\n"
    p = run(["snapshot", str(tmp_path)], tmp_path)
    assert p.returncode == 1 and "not a memory cgroup" in p.stderr
    p = run(["frobnicate"], tmp_path)
    assert p.returncode == 2
    p = run(["watch", "--interval", "0"], tmp_path)
    assert p.returncode == 2


def _rust_cli() -> Path:
    import os

    import pytest

    env = os.environ.get("MEMCG_BIN")
    if env and Path(env).is_file():
        return Path(env)
    pytest.skip("set MEMCG_BIN to the `memcg` binary (tests/run.sh builds it) to compare outputs")
    raise AssertionError  # unreachable


PARITY_DIRS = [
    TELEGRAF_V2,
    CORPUS / "elastic-agent-system-metrics/docker/sys/fs/cgroup/memory",
    CORPUS / "elastic-agent-system-metrics/docker2/sys/fs/cgroup/user.slice/user-1000.slice/session-520.scope",
    CORPUS / "opencontainers-cgroups/fs-v1-example",
]


def test_same_output_as_the_rust_command(tmp_path: Path) -> None:
    memcg_bin = _rust_cli()
    cases = [[*flags, str(d)] for d in PARITY_DIRS for flags in (["snapshot", "--json"], ["snapshot"])]
    cases += [["snapshot", str(tmp_path / "nope")], ["snapshot", str(tmp_path)]]
    for args in cases:
        rust = subprocess.run([str(memcg_bin), *args], capture_output=True, text=True, timeout=60)
        py = run(args, tmp_path)
        assert (py.returncode, py.stdout, py.stderr) == (rust.returncode, rust.stdout, rust.stderr), args
    # This process's cgroup is live: the same cgroup and the same keys, in the same order.
    rust = subprocess.run([str(memcg_bin), "snapshot", "--json"], capture_output=True, text=True, timeout=60)
    py = run(["snapshot", "--json"], tmp_path)
    assert list(json.loads(py.stdout)) == list(json.loads(rust.stdout))
    rust = subprocess.run([str(memcg_bin), "snapshot"], capture_output=True, text=True, timeout=60)
    py = run(["snapshot"], tmp_path)
    assert py.stdout.splitlines()[0] == rust.stdout.splitlines()[0]  # the cgroup row
    args = ["watch", str(TELEGRAF_V2), "--count", "2", "--interval", "0.05"]
    rust = subprocess.run([str(memcg_bin), *args], capture_output=True, text=True, timeout=60)
    py = run(args, tmp_path)
    assert py.stdout.splitlines()[:2] == rust.stdout.splitlines()[:2]
    assert len(py.stdout.splitlines()) == len(rust.stdout.splitlines()) == 4
    rust_json = [json.loads(x) for x in subprocess.run([str(memcg_bin), *args, "--json"], capture_output=True, text=True, timeout=60).stdout.splitlines()]
    py_json = [json.loads(x) for x in run([*args, "--json"], tmp_path).stdout.splitlines()]
    assert [sorted(x) for x in py_json] == [sorted(x) for x in rust_json]
    for a, b in zip(py_json, rust_json):
        assert {k: v for k, v in a.items() if k not in ("t_seconds", "age_s")} == {k: v for k, v in b.items() if k not in ("t_seconds", "age_s")}
