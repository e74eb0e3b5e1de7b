"""``python -m memcg snapshot|watch``: what the ``memcg`` command prints, through the binding.

The renderings are the core's (``memcg_core::report``); this module only mirrors the command's
control flow (``memcg-core/src/bin/memcg/main.rs``): the same lines, the same exit statuses
(0 success, 1 runtime error, 2 usage error).
"""

import argparse
import os
import sys
import time
from typing import List, Optional

from . import Cgroup, LeakDetector, MemcgError
from ._memcg import snapshot_json, snapshot_table, watch_header, watch_json, watch_line


def _rust_float(x: float) -> str:
    """A float as Rust's `Display` prints it (`1`, `0.5`)."""
    s = repr(x)
    return s[:-2] if s.endswith(".0") else s


def _open(path: Optional[str]) -> Cgroup:
    if path is not None:
        return Cgroup(path)
    try:
        return Cgroup.current()
    except MemcgError as e:
        raise _Failure(f"cannot find this process's cgroup: {e}") from None


class _Failure(Exception):
    """A runtime error, printed as the command prints it."""


def _snapshot(args: argparse.Namespace) -> None:
    cg = _open(args.dir)
    snap = cg.snapshot()
    if args.json:
        print(snapshot_json(snap))
    else:
        sys.stdout.write(snapshot_table(snap, cg.path))


def _watch(args: argparse.Namespace) -> None:
    cg = _open(args.dir)
    det = LeakDetector()
    start = time.monotonic()
    if not args.json:
        print(f"watching {cg.path} every {_rust_float(args.interval)} s")
        print(watch_header())
    n = 0
    next_t = start
    while args.count is None or n < args.count:
        snap = cg.snapshot()
        t = time.monotonic() - start
        a = det.update(t, snap)
        print(watch_json(t, snap, a) if args.json else watch_line(t, snap, a), flush=True)
        n += 1
        next_t += args.interval
        if args.count is not None and n >= args.count:
            break
        time.sleep(max(0.0, next_t - time.monotonic()))


def _seconds(s: str) -> float:
    try:
        v = float(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {s!r}") from None
    if not v > 0 or v != v or v == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds: {s!r}")
    return v


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m memcg",
        description="Read a cgroup's memory accounting; watch it for leaks. "
        "DIR defaults to this process's cgroup.",
    )
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("snapshot", help="print one Snapshot")
    s.add_argument("dir", nargs="?", metavar="DIR", help="cgroup directory")
    s.add_argument("--json", action="store_true", help="print the Snapshot as JSON")
    s.set_defaults(func=_snapshot)
    w = sub.add_parser("watch", help="sample, assess, print a line per sample")
    w.add_argument("dir", nargs="?", metavar="DIR", help="cgroup directory")
    w.add_argument("--interval", type=_seconds, default=1.0, metavar="S", help="seconds between samples (default 1)")
    w.add_argument("--count", type=int, default=None, metavar="N", help="stop after N samples")
    w.add_argument("--json", action="store_true", help="print JSON lines")
    w.set_defaults(func=_watch)
    return p


def main(argv: Optional[List[str]] = None) -> int:
    """Runs the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        args.func(args)
        sys.stdout.flush()
    except (MemcgError, _Failure) as e:
        print(f"memcg: error: {e}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # A closed stdout (`python -m memcg watch | head`) is not an error worth reporting.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
