"""``python -m memcg snapshot|watch``: the ``memcg`` command's output, through the binding."""

import argparse
import sys
import time
from typing import List, Optional

from . import Cgroup, LeakDetector, MemcgError
from ._memcg import snapshot_json, snapshot_table, watch_header, watch_json, watch_line


def _open(path: Optional[str]) -> Cgroup:
    return Cgroup(path) if path is not None else Cgroup.current()


def _snapshot(args: argparse.Namespace) -> int:
    cg = _open(args.dir)
    snap = cg.snapshot()
    if args.json:
        print(snapshot_json(snap))
    else:
        sys.stdout.write(snapshot_table(snap, cg.path))
    return 0


def _watch(args: argparse.Namespace) -> int:
    cg = _open(args.dir)
    det = LeakDetector()
    if not args.json:
        print(watch_header(), flush=True)
    start = time.monotonic()
    n = 0
    while args.count is None or n < args.count:
        if n:
            time.sleep(max(0.0, start + n * args.interval - time.monotonic()))
        t = time.monotonic() - start
        snap = cg.snapshot()
        a = det.update(t, snap)
        print(watch_json(t, snap, a) if args.json else watch_line(t, snap, a), flush=True)
        n += 1
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m memcg",
        description="Read a cgroup's memory accounting; watch it for leaks.",
    )
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("snapshot", help="print one Snapshot")
    s.add_argument("dir", nargs="?", help="cgroup directory (default: this process's cgroup)")
    s.add_argument("--json", action="store_true", help="print the Snapshot as JSON")
    s.set_defaults(func=_snapshot)
    w = sub.add_parser("watch", help="sample, assess, print a line per sample")
    w.add_argument("dir", nargs="?", help="cgroup directory (default: this process's cgroup)")
    w.add_argument("--interval", type=float, default=1.0, metavar="S", help="seconds between samples (default 1)")
    w.add_argument("--count", type=int, default=None, metavar="N", help="stop after N samples")
    w.add_argument("--json", action="store_true", help="print JSON lines")
    w.set_defaults(func=_watch)
    return p


def main(argv: Optional[List[str]] = None) -> int:
    """Runs the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    if getattr(args, "interval", 1.0) <= 0:
        print("memcg: --interval must be > 0", file=sys.stderr)
        return 2
    try:
        return int(args.func(args))
    except MemcgError as e:
        print(f"memcg: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
