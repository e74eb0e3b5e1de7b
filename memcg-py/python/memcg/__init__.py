"""memcg: Linux cgroup v1/v2 memory accounting and a leak / time-to-OOM detector.

See ``docs/python.md``. Everything here comes from the native module ``memcg._memcg``.
"""

from ._memcg import (
    FILE_NAMES,
    Assessment,
    Cgroup,
    CgroupGone,
    CgroupReadError,
    DiscoveryError,
    InvalidTimestamp,
    KeyedFile,
    LeakDetector,
    LimitFile,
    MemcgError,
    NotACgroup,
    ParseError,
    Pressure,
    PressureLine,
    Snapshot,
    TimeWentBackwards,
    ValueFile,
    __version__,
    parse,
    read_snapshot,
)

__all__ = [
    "FILE_NAMES",
    "Assessment",
    "Cgroup",
    "CgroupGone",
    "CgroupReadError",
    "DiscoveryError",
    "InvalidTimestamp",
    "KeyedFile",
    "LeakDetector",
    "LimitFile",
    "MemcgError",
    "NotACgroup",
    "ParseError",
    "Pressure",
    "PressureLine",
    "Snapshot",
    "TimeWentBackwards",
    "ValueFile",
    "__version__",
    "parse",
    "read_snapshot",
]
