"""Type stubs for the native module ``memcg._memcg`` (checked by ``mypy.stubtest``)."""

import os
from typing import Any, Dict, List, Literal, Mapping, Optional, Tuple, Union, final, overload

__all__ = [
    "Assessment",
    "Cgroup",
    "CgroupGone",
    "CgroupReadError",
    "DiscoveryError",
    "FILE_NAMES",
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
    "snapshot_json",
    "snapshot_table",
    "watch_header",
    "watch_json",
    "watch_line",
]

__version__: str
FILE_NAMES: Tuple[str, ...]

# ---------------------------------------------------------------------------------- errors

class MemcgError(Exception):
    """Base class of every error memcg raises."""

class ParseError(MemcgError, ValueError):
    """A cgroup file is malformed."""

    kind: str
    version: Optional[int]
    line: int
    offset: int
    reason: str
    path: Optional[str]

class CgroupGone(MemcgError):
    """The cgroup was removed."""

    path: str

class NotACgroup(MemcgError):
    """The directory holds no cgroup memory files."""

    path: str

class CgroupReadError(MemcgError, OSError):
    """Reading a cgroup file failed (permissions, size, other I/O errors)."""

    path: str

class DiscoveryError(MemcgError):
    """A process's or container's memory cgroup could not be found."""

class InvalidTimestamp(MemcgError, ValueError):
    """A timestamp was NaN or infinite."""

class TimeWentBackwards(InvalidTimestamp):
    """A timestamp was earlier than the previous one."""

    previous: float
    t: float

# ----------------------------------------------------------------------------- parsed files

@final
class KeyedFile:
    """A ``key value`` file: one attribute per documented key (``None`` when absent)."""

    @property
    def kind(self) -> str: ...
    @property
    def version(self) -> Optional[int]: ...
    @property
    def unknown(self) -> Dict[str, int]: ...
    @property
    def unknown_keys(self) -> int: ...
    def keys(self) -> List[str]: ...
    def to_dict(self) -> Dict[str, Optional[int]]: ...
    def get(self, key: str, default: Any = None) -> Any: ...
    # pyo3 implements __getattr__ as the tp_getattro slot: stubtest cannot see it (allowlisted).
    def __getattr__(self, name: str) -> Optional[int]: ...
    def __getitem__(self, key: str, /) -> Optional[int]: ...
    def __contains__(self, key: str, /) -> bool: ...

@final
class ValueFile:
    """A file holding one number."""

    @property
    def kind(self) -> str: ...
    @property
    def version(self) -> Optional[int]: ...
    @property
    def value(self) -> int: ...
    def to_dict(self) -> Dict[str, int]: ...
    def __int__(self) -> int: ...

@final
class LimitFile:
    """A limit file: ``value`` is ``None`` when ``unlimited``."""

    @property
    def kind(self) -> str: ...
    @property
    def version(self) -> Optional[int]: ...
    @property
    def value(self) -> Optional[int]: ...
    @property
    def unlimited(self) -> bool: ...
    def to_dict(self) -> Dict[str, Any]: ...

@final
class PressureLine:
    """One PSI line: percentages over 10/60/300 s and the total stall time (µs)."""

    @property
    def avg10(self) -> float: ...
    @property
    def avg60(self) -> float: ...
    @property
    def avg300(self) -> float: ...
    @property
    def total_us(self) -> Optional[int]: ...
    def to_dict(self) -> Dict[str, Any]: ...

@final
class Pressure:
    """Pressure stall information (``memory.pressure``, ``/proc/pressure/memory``)."""

    @property
    def kind(self) -> str: ...
    @property
    def version(self) -> None: ...
    @property
    def some(self) -> PressureLine: ...
    @property
    def full(self) -> Optional[PressureLine]: ...
    @property
    def aggr_us(self) -> Optional[int]: ...
    def to_dict(self) -> Dict[str, Any]: ...

_Data = Union[bytes, bytearray, str]
_KeyedName = Literal[
    "memory.stat",
    "memory.events",
    "memory.events.local",
    "memory.swap.events",
    "memory.numa_stat",
    "memory.oom_control",
    "cgroup.stat",
]
_ValueName = Literal[
    "memory.current",
    "memory.peak",
    "memory.oom.group",
    "memory.swap.current",
    "memory.swap.peak",
    "memory.zswap.current",
    "memory.usage_in_bytes",
    "memory.max_usage_in_bytes",
    "memory.failcnt",
    "memory.memsw.usage_in_bytes",
    "memory.memsw.max_usage_in_bytes",
    "memory.memsw.failcnt",
    "memory.kmem.usage_in_bytes",
    "memory.kmem.max_usage_in_bytes",
    "memory.kmem.failcnt",
    "memory.kmem.tcp.usage_in_bytes",
    "memory.kmem.tcp.max_usage_in_bytes",
    "memory.kmem.tcp.failcnt",
    "memory.swappiness",
    "memory.use_hierarchy",
]
_LimitName = Literal[
    "memory.min",
    "memory.low",
    "memory.high",
    "memory.max",
    "memory.swap.high",
    "memory.swap.max",
    "memory.zswap.max",
    "memory.limit_in_bytes",
    "memory.soft_limit_in_bytes",
    "memory.memsw.limit_in_bytes",
    "memory.kmem.limit_in_bytes",
    "memory.kmem.tcp.limit_in_bytes",
]

@overload
def parse(filename: _KeyedName, data: _Data, *, version: Optional[int] = None) -> KeyedFile: ...
@overload
def parse(filename: _ValueName, data: _Data, *, version: Optional[int] = None) -> ValueFile: ...
@overload
def parse(filename: _LimitName, data: _Data, *, version: Optional[int] = None) -> LimitFile: ...
@overload
def parse(
    filename: Literal["memory.pressure", "/proc/pressure/memory"],
    data: _Data,
    *,
    version: Optional[int] = None,
) -> Pressure: ...
@overload
def parse(
    filename: str, data: _Data, *, version: Optional[int] = None
) -> Union[KeyedFile, ValueFile, LimitFile, Pressure]: ...

# -------------------------------------------------------------------------------- snapshot

@final
class Snapshot:
    """One cgroup's memory accounting at one moment, unified over v1 and v2."""

    @staticmethod
    def from_files(
        version: int, files: Mapping[str, _Data], *, ancestors_limit: Optional[int] = None
    ) -> Snapshot: ...
    @property
    def version(self) -> int: ...
    @property
    def usage_bytes(self) -> int: ...
    @property
    def limit_bytes(self) -> Optional[int]: ...
    @property
    def limit_unlimited(self) -> bool: ...
    @property
    def effective_limit_bytes(self) -> Optional[int]: ...
    @property
    def effective_limit_unlimited(self) -> bool: ...
    @property
    def high_limit_bytes(self) -> Optional[int]: ...
    @property
    def high_limit_unlimited(self) -> bool: ...
    @property
    def swap_limit_bytes(self) -> Optional[int]: ...
    @property
    def swap_limit_unlimited(self) -> bool: ...
    @property
    def peak_bytes(self) -> Optional[int]: ...
    @property
    def working_set_bytes(self) -> int: ...
    @property
    def anon_bytes(self) -> Optional[int]: ...
    @property
    def file_bytes(self) -> Optional[int]: ...
    @property
    def shmem_bytes(self) -> Optional[int]: ...
    @property
    def swap_bytes(self) -> Optional[int]: ...
    @property
    def oom_kills(self) -> Optional[int]: ...
    @property
    def max_events(self) -> Optional[int]: ...
    @property
    def high_events(self) -> Optional[int]: ...
    @property
    def pressure(self) -> Optional[Pressure]: ...
    @property
    def stat(self) -> Dict[str, int]: ...
    @property
    def unreclaimable_bytes(self) -> int: ...
    def to_dict(self) -> Dict[str, Any]: ...

@final
class Cgroup:
    """A cgroup directory kept open; ``snapshot()`` re-reads it (GIL released)."""

    def __new__(cls, path: Union[str, "os.PathLike[str]"]) -> Cgroup: ...
    @staticmethod
    def current() -> Cgroup: ...
    @staticmethod
    def for_pid(pid: int) -> Cgroup: ...
    @staticmethod
    def for_container(id: str) -> Cgroup: ...
    @property
    def path(self) -> str: ...
    @property
    def version(self) -> int: ...
    def snapshot(self) -> Snapshot: ...

def read_snapshot(path: Union[str, "os.PathLike[str]", None] = None) -> Snapshot: ...

# -------------------------------------------------------------------------------- detector

@final
class Assessment:
    """The detector's answer for one sample. No field is ever NaN or infinite."""

    @property
    def state(self) -> Literal["warming_up", "stable", "growing", "leaking"]: ...
    @property
    def leak(self) -> bool: ...
    @property
    def imminent_oom(self) -> bool: ...
    @property
    def slope_bytes_per_s(self) -> float: ...
    @property
    def slope_low(self) -> float: ...
    @property
    def slope_high(self) -> float: ...
    @property
    def time_to_limit_s(self) -> Optional[float]: ...
    @property
    def time_to_limit_low_s(self) -> Optional[float]: ...
    @property
    def time_to_limit_high_s(self) -> Optional[float]: ...
    @property
    def time_to_high_s(self) -> Optional[float]: ...
    @property
    def onset_s(self) -> Optional[float]: ...
    @property
    def signal_bytes(self) -> int: ...
    @property
    def floor_bytes(self) -> int: ...
    @property
    def limit_bytes(self) -> Optional[int]: ...
    @property
    def age_s(self) -> float: ...
    def to_dict(self) -> Dict[str, Any]: ...

@final
class LeakDetector:
    """The streaming leak detector (the core's ``trend::LeakDetector``)."""

    def __new__(
        cls,
        *,
        min_age_s: Optional[float] = None,
        max_window_s: Optional[float] = None,
        min_growth_bytes: Optional[int] = None,
        min_limit_share: Optional[float] = None,
        restart_drop_fraction: Optional[float] = None,
        use_swap: Optional[bool] = None,
    ) -> LeakDetector: ...
    @property
    def config(self) -> Dict[str, Any]: ...
    def update(self, t_seconds: float, snapshot: Snapshot) -> Assessment: ...
    def reset(self) -> None: ...

# ------------------------------------------------------------------- the command's output

def snapshot_json(snapshot: Snapshot, *, pretty: bool = False) -> str: ...
def snapshot_table(snapshot: Snapshot, dir: Optional[str] = None) -> str: ...
def watch_header() -> str: ...
def watch_line(t_seconds: float, snapshot: Snapshot, assessment: Assessment) -> str: ...
def watch_json(t_seconds: float, snapshot: Snapshot, assessment: Assessment) -> str: ...
