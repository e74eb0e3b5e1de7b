#!/usr/bin/env python3
"""Record labelled cgroup v1 memory traces for memcg's detection tests.

Run as root on a machine whose memory controller is cgroup v1. For each workload it creates a
child cgroup under this process's own v1 memory cgroup
(``/sys/fs/cgroup/memory/<path of the memory: line of /proc/self/cgroup>/memcg-rec-NAME``),
sets ``memory.limit_in_bytes``, starts the workload (python3, which writes its own pid to
``cgroup.procs`` before exec), samples every 0.25 s ``memory.usage_in_bytes``,
``memory.limit_in_bytes``, ``memory.max_usage_in_bytes``, ``memory.failcnt``,
``memory.memsw.limit_in_bytes``, ``memory.use_hierarchy``, every ``memory.stat`` key and
``memory.oom_control`` into the trace CSV format of DESIGN.md, stops 2 s after the OOM kill or
the workload's exit, writes ``NAME.csv`` + ``NAME.json`` (labels) and removes the cgroup.

The recorder itself stays in the parent cgroup, so its reads are not charged to the child.
Workloads are pure functions of t = now - t0 (re-evaluated every 50 ms): anonymous memory is
held in 1 MiB ``mmap`` chunks, every page written, freed with ``munmap`` (so glibc's malloc
cannot keep freed memory); the page-cache workload writes a file on the root (ext4) file
system. All workloads run concurrently (one sampling thread each) to save time.

Usage: sudo python3 record_v1.py OUT_DIR [NAME ...]
"""
import json
import os
import subprocess
import sys
import threading
import time

MiB = 1 << 20
INTERVAL = 0.25
POST_EXIT = 2.0

# name: (limit bytes, duration s, schedule kind, params, labels)
WORKLOADS = {
    "v1_01_linear_oom": dict(limit=160 * MiB, budget=150, kind="ramp",
                             p=dict(base=8, rate=1.5, onset=0), leak=True),
    "v1_02_fast_leak_oom": dict(limit=256 * MiB, budget=120, kind="ramp",
                                p=dict(base=8, rate=4.0, onset=0), leak=True),
    "v1_03_slow_leak": dict(limit=512 * MiB, budget=140, kind="ramp",
                            p=dict(base=16, rate=0.25, onset=0), leak=True),
    "v1_04_sawtooth": dict(limit=256 * MiB, budget=140, kind="saw",
                           p=dict(lo=20, hi=100, period=10, rate=0.0), leak=False),
    "v1_05_sawtooth_leak_oom": dict(limit=160 * MiB, budget=150, kind="saw",
                                    p=dict(lo=16, hi=76, period=8, rate=0.8), leak=True),
    "v1_06_pagecache_write": dict(limit=96 * MiB, budget=140, kind="cache",
                                  p=dict(base=8, rate=8.0, wrap=256), leak=False),
    "v1_07_two_steps": dict(limit=256 * MiB, budget=140, kind="steps",
                            p=dict(base=16, steps=[[30, 40], [80, 40]]), leak=False),
    "v1_08_warmup_plateau": dict(limit=256 * MiB, budget=140, kind="warmup",
                                 p=dict(base=10, amp=110, tau=30), leak=False),
    "v1_09_bursts": dict(limit=256 * MiB, budget=140, kind="bursts",
                         p=dict(base=20, prob=0.3, lo=5, hi=50, seed=9), leak=False),
    "v1_10_late_onset_oom": dict(limit=128 * MiB, budget=150, kind="ramp",
                                 p=dict(base=14, rate=1.5, onset=50), leak=True),
}

WORKER = r'''
import json, math, mmap, os, random, sys, time
kind, p, t0, budget, cgprocs = sys.argv[1], json.loads(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
MiB = 1 << 20
ONES = b"\x5a" * MiB
chunks = []
def target(t):
    if kind == "ramp":
        return p["base"] + (p["rate"] * (t - p["onset"]) if t > p["onset"] else 0.0)
    if kind == "saw":
        ph = (t % p["period"]) / p["period"]
        return p["lo"] + (p["hi"] - p["lo"]) * ph + p["rate"] * t
    if kind == "steps":
        return p["base"] + sum(a for (at, a) in p["steps"] if t >= at)
    if kind == "warmup":
        return p["base"] + p["amp"] * (1.0 - math.exp(-t / p["tau"]))
    if kind == "bursts":
        r = random.Random(p["seed"] * 100003 + int(t))
        return p["base"] + (r.uniform(p["lo"], p["hi"]) if r.random() < p["prob"] else 0.0)
    return p.get("base", 8)
f = None
if kind == "cache":
    path = "/var/tmp/memcg-rec-cache-%d.bin" % os.getpid()
    f = open(path, "wb", buffering=0)
    block = os.urandom(256 * 1024)
    written = 0.0
while True:
    t = time.monotonic() - t0
    if t >= budget:
        break
    want = int(target(t))
    while len(chunks) < want:
        m = mmap.mmap(-1, MiB)
        m.write(ONES)
        chunks.append(m)
    while len(chunks) > max(want, 0):
        chunks.pop().close()
    if f is not None:
        goal = p["rate"] * t * MiB
        while written < goal:
            if f.tell() >= p["wrap"] * MiB:
                f.seek(0)
            f.write(block)
            written += len(block)
    time.sleep(0.05)
if f is not None:
    f.close()
    os.unlink(path)
'''


def my_memcg():
    with open("/proc/self/cgroup") as fh:
        for line in fh:
            _, ctrls, path = line.rstrip("\n").split(":", 2)
            if "memory" in ctrls.split(","):
                return "/sys/fs/cgroup/memory" + path.rstrip("/")
    raise SystemExit("no v1 memory controller line in /proc/self/cgroup")


def read(d, name):
    try:
        with open(os.path.join(d, name)) as fh:
            return fh.read()
    except OSError:
        return None


def sample(d):
    row = {}
    for f in ("memory.usage_in_bytes", "memory.limit_in_bytes", "memory.max_usage_in_bytes",
              "memory.failcnt", "memory.memsw.limit_in_bytes", "memory.use_hierarchy"):
        v = read(d, f)
        if v is not None:
            row[f] = v.strip()
    for f in ("memory.stat", "memory.oom_control"):
        v = read(d, f)
        if v is None:
            continue
        for line in v.splitlines():
            parts = line.split()
            if len(parts) == 2:
                row[f + "." + parts[0]] = parts[1]
    return row


def record(name, spec, parent, out_dir):
    d = os.path.join(parent, "memcg-rec-" + name)
    if os.path.isdir(d):
        os.rmdir(d)
    os.mkdir(d)
    try:
        with open(os.path.join(d, "memory.limit_in_bytes"), "w") as fh:
            fh.write(str(spec["limit"]))
        rows = []
        t0 = time.monotonic()
        procs_file = os.path.join(d, "cgroup.procs")

        def join():
            with open(procs_file, "w") as fh:
                fh.write(str(os.getpid()))

        proc = subprocess.Popen(
            [sys.executable, "-c", WORKER, spec["kind"], json.dumps(spec["p"]), repr(t0),
             str(spec["budget"]), procs_file],
            preexec_fn=join, stdin=subprocess.DEVNULL)
        k = 0
        exit_t = None
        oom_at = None
        base_oom = None
        while True:
            k += 1
            now = time.monotonic()
            nxt = t0 + k * INTERVAL
            if nxt > now:
                time.sleep(nxt - now)
            t = time.monotonic() - t0
            row = sample(d)
            row["t_seconds"] = "%.3f" % t
            rows.append(row)
            ok = int(row.get("memory.oom_control.oom_kill", "0"))
            if base_oom is None:
                base_oom = ok
            if oom_at is None and ok > base_oom:
                oom_at = round(t, 3)
            if exit_t is None and proc.poll() is not None:
                exit_t = round(t, 3)
            if exit_t is not None and t >= exit_t + POST_EXIT:
                break
            if t > spec["budget"] + 30:
                proc.kill()
        code = proc.wait()
    finally:
        # Kill anything left, then remove the cgroup.
        for pid in (read(d, "cgroup.procs") or "").split():
            try:
                os.kill(int(pid), 9)
            except OSError:
                pass
        for _ in range(50):
            try:
                os.rmdir(d)
                break
            except OSError:
                time.sleep(0.1)
    cols = ["t_seconds"]
    for r in rows:
        for c in r:
            if c not in cols:
                cols.append(c)
    with open(os.path.join(out_dir, name + ".csv"), "w") as fh:
        fh.write(",".join(cols) + "\n")
        for r in rows:
            fh.write(",".join(r.get(c, "") for c in cols) + "\n")
    p = spec["p"]
    rate = p.get("rate", 0.0) if spec["leak"] else 0.0
    labels = dict(
        workload=name, leak=spec["leak"],
        leak_rate_bytes_per_s=int(rate * MiB) if spec["leak"] else 0,
        leak_onset_s=float(p.get("onset", 0.0)) if spec["leak"] else None,
        limit=spec["limit"], oom_at_s=oom_at, workload_exit_s=exit_t,
        end_reason="oom" if oom_at is not None else "exit",
        exit_code=code, kind=spec["kind"], params=p, n_samples=len(rows),
        sample_interval_s=INTERVAL, budget_s=spec["budget"],
        kernel=os.uname().release, environment="cgroup v1, recorded by record_v1.py",
        notes="python3 workload holding 1 MiB mmap chunks (every byte written); schedule "
              "%s %s MiB; the python interpreter adds ~9 MiB of its own" % (spec["kind"], p),
        csv=name + ".csv")
    with open(os.path.join(out_dir, name + ".json"), "w") as fh:
        json.dump(labels, fh, indent=2)
        fh.write("\n")
    print(name, "rows", len(rows), "oom_at", oom_at, "exit", exit_t, flush=True)


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    out_dir = sys.argv[1]
    names = sys.argv[2:] or list(WORKLOADS)
    os.makedirs(out_dir, exist_ok=True)
    parent = my_memcg()
    threads = [threading.Thread(target=record, args=(n, WORKLOADS[n], parent, out_dir))
               for n in names]
    for th in threads:
        th.start()
    for th in threads:
        th.join()


if __name__ == "__main__":
    main()
