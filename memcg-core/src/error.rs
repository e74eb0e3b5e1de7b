//! Typed parse errors: which file, which line, which byte, and why.

use core::fmt;

/// Every kind of file memcg parses. Used to name the file in a [`ParseError`] and to dispatch
/// a parse by file name ([`crate::FileKind::from_name`]).
///
/// The discriminants are stable (they cross the C ABI as `uint32_t`) and never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
#[repr(u32)]
pub enum FileKind {
    /// v2 `memory.current` (bytes).
    V2MemoryCurrent = 1,
    /// v2 `memory.min` (bytes or `max`).
    V2MemoryMin = 2,
    /// v2 `memory.low` (bytes or `max`).
    V2MemoryLow = 3,
    /// v2 `memory.high` (bytes or `max`).
    V2MemoryHigh = 4,
    /// v2 `memory.max` (bytes or `max`).
    V2MemoryMax = 5,
    /// v2 `memory.peak` (bytes, kernel ≥ 5.19).
    V2MemoryPeak = 6,
    /// v2 `memory.oom.group` (0 or 1).
    V2MemoryOomGroup = 7,
    /// v2 `memory.events` (event counts).
    V2MemoryEvents = 8,
    /// v2 `memory.events.local` (event counts, this cgroup only).
    V2MemoryEventsLocal = 9,
    /// v2 `memory.stat` (bytes and event counts).
    V2MemoryStat = 10,
    /// v2 `memory.numa_stat` (bytes per NUMA node).
    V2MemoryNumaStat = 11,
    /// v2 `memory.swap.current` (bytes).
    V2MemorySwapCurrent = 12,
    /// v2 `memory.swap.high` (bytes or `max`).
    V2MemorySwapHigh = 13,
    /// v2 `memory.swap.max` (bytes or `max`).
    V2MemorySwapMax = 14,
    /// v2 `memory.swap.peak` (bytes, kernel ≥ 6.5).
    V2MemorySwapPeak = 15,
    /// v2 `memory.swap.events` (event counts).
    V2MemorySwapEvents = 16,
    /// v2 `memory.zswap.current` (bytes).
    V2MemoryZswapCurrent = 17,
    /// v2 `memory.zswap.max` (bytes or `max`).
    V2MemoryZswapMax = 18,
    /// `memory.pressure` or `/proc/pressure/memory` (PSI).
    Pressure = 19,
    /// v2 `cgroup.stat`.
    V2CgroupStat = 20,
    /// v1 `memory.usage_in_bytes`.
    V1UsageInBytes = 40,
    /// v1 `memory.limit_in_bytes`.
    V1LimitInBytes = 41,
    /// v1 `memory.max_usage_in_bytes`.
    V1MaxUsageInBytes = 42,
    /// v1 `memory.failcnt`.
    V1Failcnt = 43,
    /// v1 `memory.soft_limit_in_bytes`.
    V1SoftLimitInBytes = 44,
    /// v1 `memory.stat`.
    V1MemoryStat = 45,
    /// v1 `memory.numa_stat` (pages per NUMA node).
    V1MemoryNumaStat = 46,
    /// v1 `memory.memsw.usage_in_bytes`.
    V1MemswUsageInBytes = 47,
    /// v1 `memory.memsw.limit_in_bytes`.
    V1MemswLimitInBytes = 48,
    /// v1 `memory.memsw.max_usage_in_bytes`.
    V1MemswMaxUsageInBytes = 49,
    /// v1 `memory.memsw.failcnt`.
    V1MemswFailcnt = 50,
    /// v1 `memory.kmem.usage_in_bytes`.
    V1KmemUsageInBytes = 51,
    /// v1 `memory.kmem.limit_in_bytes`.
    V1KmemLimitInBytes = 52,
    /// v1 `memory.kmem.max_usage_in_bytes`.
    V1KmemMaxUsageInBytes = 53,
    /// v1 `memory.kmem.failcnt`.
    V1KmemFailcnt = 54,
    /// v1 `memory.kmem.tcp.usage_in_bytes`.
    V1KmemTcpUsageInBytes = 55,
    /// v1 `memory.kmem.tcp.limit_in_bytes`.
    V1KmemTcpLimitInBytes = 56,
    /// v1 `memory.kmem.tcp.max_usage_in_bytes`.
    V1KmemTcpMaxUsageInBytes = 57,
    /// v1 `memory.kmem.tcp.failcnt`.
    V1KmemTcpFailcnt = 58,
    /// v1 `memory.oom_control`.
    V1OomControl = 59,
    /// v1 `memory.swappiness`.
    V1Swappiness = 60,
    /// v1 `memory.use_hierarchy`.
    V1UseHierarchy = 61,
    /// `/proc/<pid>/cgroup`.
    ProcCgroup = 80,
    /// `/proc/<pid>/mountinfo`.
    ProcMountinfo = 81,
    /// A trace CSV file.
    TraceCsv = 90,
}

impl FileKind {
    /// Every file kind, in discriminant order.
    pub const ALL: &'static [FileKind] = &[
        FileKind::V2MemoryCurrent,
        FileKind::V2MemoryMin,
        FileKind::V2MemoryLow,
        FileKind::V2MemoryHigh,
        FileKind::V2MemoryMax,
        FileKind::V2MemoryPeak,
        FileKind::V2MemoryOomGroup,
        FileKind::V2MemoryEvents,
        FileKind::V2MemoryEventsLocal,
        FileKind::V2MemoryStat,
        FileKind::V2MemoryNumaStat,
        FileKind::V2MemorySwapCurrent,
        FileKind::V2MemorySwapHigh,
        FileKind::V2MemorySwapMax,
        FileKind::V2MemorySwapPeak,
        FileKind::V2MemorySwapEvents,
        FileKind::V2MemoryZswapCurrent,
        FileKind::V2MemoryZswapMax,
        FileKind::Pressure,
        FileKind::V2CgroupStat,
        FileKind::V1UsageInBytes,
        FileKind::V1LimitInBytes,
        FileKind::V1MaxUsageInBytes,
        FileKind::V1Failcnt,
        FileKind::V1SoftLimitInBytes,
        FileKind::V1MemoryStat,
        FileKind::V1MemoryNumaStat,
        FileKind::V1MemswUsageInBytes,
        FileKind::V1MemswLimitInBytes,
        FileKind::V1MemswMaxUsageInBytes,
        FileKind::V1MemswFailcnt,
        FileKind::V1KmemUsageInBytes,
        FileKind::V1KmemLimitInBytes,
        FileKind::V1KmemMaxUsageInBytes,
        FileKind::V1KmemFailcnt,
        FileKind::V1KmemTcpUsageInBytes,
        FileKind::V1KmemTcpLimitInBytes,
        FileKind::V1KmemTcpMaxUsageInBytes,
        FileKind::V1KmemTcpFailcnt,
        FileKind::V1OomControl,
        FileKind::V1Swappiness,
        FileKind::V1UseHierarchy,
        FileKind::ProcCgroup,
        FileKind::ProcMountinfo,
        FileKind::TraceCsv,
    ];

    /// The file's name as the kernel spells it (`"memory.stat"`, `"mountinfo"`, …).
    ///
    /// v1 and v2 `memory.stat` and `memory.numa_stat` share a name; [`FileKind::version`]
    /// tells them apart.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            FileKind::V2MemoryCurrent => "memory.current",
            FileKind::V2MemoryMin => "memory.min",
            FileKind::V2MemoryLow => "memory.low",
            FileKind::V2MemoryHigh => "memory.high",
            FileKind::V2MemoryMax => "memory.max",
            FileKind::V2MemoryPeak => "memory.peak",
            FileKind::V2MemoryOomGroup => "memory.oom.group",
            FileKind::V2MemoryEvents => "memory.events",
            FileKind::V2MemoryEventsLocal => "memory.events.local",
            FileKind::V2MemoryStat | FileKind::V1MemoryStat => "memory.stat",
            FileKind::V2MemoryNumaStat | FileKind::V1MemoryNumaStat => "memory.numa_stat",
            FileKind::V2MemorySwapCurrent => "memory.swap.current",
            FileKind::V2MemorySwapHigh => "memory.swap.high",
            FileKind::V2MemorySwapMax => "memory.swap.max",
            FileKind::V2MemorySwapPeak => "memory.swap.peak",
            FileKind::V2MemorySwapEvents => "memory.swap.events",
            FileKind::V2MemoryZswapCurrent => "memory.zswap.current",
            FileKind::V2MemoryZswapMax => "memory.zswap.max",
            FileKind::Pressure => "memory.pressure",
            FileKind::V2CgroupStat => "cgroup.stat",
            FileKind::V1UsageInBytes => "memory.usage_in_bytes",
            FileKind::V1LimitInBytes => "memory.limit_in_bytes",
            FileKind::V1MaxUsageInBytes => "memory.max_usage_in_bytes",
            FileKind::V1Failcnt => "memory.failcnt",
            FileKind::V1SoftLimitInBytes => "memory.soft_limit_in_bytes",
            FileKind::V1MemswUsageInBytes => "memory.memsw.usage_in_bytes",
            FileKind::V1MemswLimitInBytes => "memory.memsw.limit_in_bytes",
            FileKind::V1MemswMaxUsageInBytes => "memory.memsw.max_usage_in_bytes",
            FileKind::V1MemswFailcnt => "memory.memsw.failcnt",
            FileKind::V1KmemUsageInBytes => "memory.kmem.usage_in_bytes",
            FileKind::V1KmemLimitInBytes => "memory.kmem.limit_in_bytes",
            FileKind::V1KmemMaxUsageInBytes => "memory.kmem.max_usage_in_bytes",
            FileKind::V1KmemFailcnt => "memory.kmem.failcnt",
            FileKind::V1KmemTcpUsageInBytes => "memory.kmem.tcp.usage_in_bytes",
            FileKind::V1KmemTcpLimitInBytes => "memory.kmem.tcp.limit_in_bytes",
            FileKind::V1KmemTcpMaxUsageInBytes => "memory.kmem.tcp.max_usage_in_bytes",
            FileKind::V1KmemTcpFailcnt => "memory.kmem.tcp.failcnt",
            FileKind::V1OomControl => "memory.oom_control",
            FileKind::V1Swappiness => "memory.swappiness",
            FileKind::V1UseHierarchy => "memory.use_hierarchy",
            FileKind::ProcCgroup => "cgroup",
            FileKind::ProcMountinfo => "mountinfo",
            FileKind::TraceCsv => "trace.csv",
        }
    }

    /// The cgroup version this file belongs to: `Some(1)`, `Some(2)`, or `None` for files
    /// that are not version-specific (PSI, proc files, traces).
    #[must_use]
    pub const fn version(self) -> Option<u8> {
        match self as u32 {
            1..=18 | 20 => Some(2),
            40..=61 => Some(1),
            _ => None,
        }
    }

    /// Looks a file kind up by the file's name (the last path component is enough:
    /// `"memory.stat"`, `"/sys/fs/cgroup/memory.max"`). `version` disambiguates the names
    /// both versions share (`memory.stat`, `memory.numa_stat`); it is ignored otherwise.
    /// `"pressure"`/`"memory"` under `/proc/pressure/` map to [`FileKind::Pressure`].
    ///
    /// ```
    /// use memcg_core::FileKind;
    /// assert_eq!(FileKind::from_name("memory.stat", 1), Some(FileKind::V1MemoryStat));
    /// assert_eq!(FileKind::from_name("/sys/fs/cgroup/memory.stat", 2), Some(FileKind::V2MemoryStat));
    /// assert_eq!(FileKind::from_name("memory.limit_in_bytes", 2), Some(FileKind::V1LimitInBytes));
    /// assert_eq!(FileKind::from_name("memory.bogus", 2), None);
    /// ```
    #[must_use]
    pub fn from_name(name: &str, version: u8) -> Option<FileKind> {
        if name == "/proc/pressure/memory" || name.ends_with("/pressure/memory") {
            return Some(FileKind::Pressure);
        }
        let base = match name.rfind('/') {
            Some(i) => &name[i + 1..],
            None => name,
        };
        match base {
            "memory.stat" => Some(if version == 1 {
                FileKind::V1MemoryStat
            } else {
                FileKind::V2MemoryStat
            }),
            "memory.numa_stat" => Some(if version == 1 {
                FileKind::V1MemoryNumaStat
            } else {
                FileKind::V2MemoryNumaStat
            }),
            _ => FileKind::ALL.iter().copied().find(|k| k.name() == base),
        }
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.version() {
            Some(v) => write!(f, "{} (cgroup v{v})", self.name()),
            None => f.write_str(self.name()),
        }
    }
}

/// Why a parse failed. Each variant's doc says what was expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
#[repr(u32)]
pub enum Reason {
    /// The file was empty (or only whitespace). The kernel never prints an empty memory file;
    /// an empty read usually means the cgroup is being removed. Re-read or treat as gone.
    Empty = 1,
    /// A number was expected and something else was found (a letter, a `.`, a sign where
    /// none is allowed). Check that the right file was read.
    InvalidNumber = 2,
    /// A number does not fit in 64 bits (above 18446744073709551615).
    Overflow = 3,
    /// A `key value` line had no value.
    MissingValue = 4,
    /// A line had a key but no separator, or more fields than the format allows.
    InvalidLine = 5,
    /// A NUL byte (or another control byte) where text was expected.
    InvalidByte = 6,
    /// A line is longer than any the kernel prints (4096 bytes).
    LineTooLong = 7,
    /// A PSI line lacked one of `avg10=`, `avg60=`, `avg300=`, `total=`, or began with
    /// neither `some` nor `full`.
    InvalidPressure = 8,
    /// A required key or line is missing (for example the `some` line of a PSI file).
    MissingKey = 9,
    /// A single-value file held more than one line.
    TrailingData = 10,
    /// A field of a `/proc/<pid>/cgroup` or mountinfo line is missing or malformed.
    InvalidField = 11,
    /// A key appears twice in one file.
    DuplicateKey = 12,
    /// A file is larger than memcg reads (see `MAX_FILE_BYTES` in the sampler).
    TooLarge = 13,
    /// Bytes that are not UTF-8 where text was required (paths, CSV headers).
    InvalidUtf8 = 14,
    /// A trace row has a different number of cells than its header, or a bad timestamp.
    InvalidRow = 15,
}

impl Reason {
    /// A one-line human description.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Reason::Empty => "empty file",
            Reason::InvalidNumber => "invalid number",
            Reason::Overflow => "number does not fit in 64 bits",
            Reason::MissingValue => "missing value",
            Reason::InvalidLine => "malformed line",
            Reason::InvalidByte => "unexpected control byte",
            Reason::LineTooLong => "line too long",
            Reason::InvalidPressure => "malformed pressure (PSI) line",
            Reason::MissingKey => "required key missing",
            Reason::TrailingData => "unexpected data after the value",
            Reason::InvalidField => "malformed field",
            Reason::DuplicateKey => "duplicate key",
            Reason::TooLarge => "file too large",
            Reason::InvalidUtf8 => "invalid UTF-8",
            Reason::InvalidRow => "malformed row",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A malformed input: the file kind, the 1-based line, the byte offset from the start of the
/// input, and the reason.
///
/// ```
/// use memcg_core::{v2, FileKind, Reason};
/// let err = v2::MemoryStat::parse(b"anon 1\nfile x\n").unwrap_err();
/// assert_eq!(err.kind, FileKind::V2MemoryStat);
/// assert_eq!((err.line, err.offset, err.reason), (2, 12, Reason::InvalidNumber));
/// assert_eq!(err.to_string(), "memory.stat (cgroup v2): line 2, byte 12: invalid number");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[error("{kind}: line {line}, byte {offset}: {reason}")]
pub struct ParseError {
    /// Which file was being parsed.
    pub kind: FileKind,
    /// 1-based line number of the offending byte.
    pub line: u32,
    /// 0-based byte offset of the offending byte from the start of the input.
    pub offset: usize,
    /// What was wrong.
    pub reason: Reason,
}

impl ParseError {
    /// Builds an error at `offset` in `input`, computing the line number.
    #[must_use]
    pub fn at(kind: FileKind, input: &[u8], offset: usize, reason: Reason) -> Self {
        let offset = offset.min(input.len());
        let line = input[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
        ParseError {
            kind,
            line: u32::try_from(line).unwrap_or(u32::MAX),
            offset,
            reason,
        }
    }
}
