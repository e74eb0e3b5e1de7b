//! Parse any cgroup memory file by kind: [`parse`] returns a [`Parsed`].

use crate::error::{FileKind, ParseError, Reason};
use crate::{v1, v2, Pressure};

/// The result of [`parse`]: one variant per file kind, holding that file's type.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Parsed {
    /// [`v2::MemoryCurrent`]
    V2MemoryCurrent(v2::MemoryCurrent),
    /// [`v2::MemoryMin`]
    V2MemoryMin(v2::MemoryMin),
    /// [`v2::MemoryLow`]
    V2MemoryLow(v2::MemoryLow),
    /// [`v2::MemoryHigh`]
    V2MemoryHigh(v2::MemoryHigh),
    /// [`v2::MemoryMax`]
    V2MemoryMax(v2::MemoryMax),
    /// [`v2::MemoryPeak`]
    V2MemoryPeak(v2::MemoryPeak),
    /// [`v2::MemoryOomGroup`]
    V2MemoryOomGroup(v2::MemoryOomGroup),
    /// [`v2::MemoryEvents`]
    V2MemoryEvents(v2::MemoryEvents),
    /// [`v2::MemoryEventsLocal`]
    V2MemoryEventsLocal(v2::MemoryEventsLocal),
    /// [`v2::MemoryStat`]
    V2MemoryStat(v2::MemoryStat),
    /// [`v2::NumaStat`]
    V2MemoryNumaStat(v2::NumaStat),
    /// [`v2::MemorySwapCurrent`]
    V2MemorySwapCurrent(v2::MemorySwapCurrent),
    /// [`v2::MemorySwapHigh`]
    V2MemorySwapHigh(v2::MemorySwapHigh),
    /// [`v2::MemorySwapMax`]
    V2MemorySwapMax(v2::MemorySwapMax),
    /// [`v2::MemorySwapPeak`]
    V2MemorySwapPeak(v2::MemorySwapPeak),
    /// [`v2::MemorySwapEvents`]
    V2MemorySwapEvents(v2::MemorySwapEvents),
    /// [`v2::MemoryZswapCurrent`]
    V2MemoryZswapCurrent(v2::MemoryZswapCurrent),
    /// [`v2::MemoryZswapMax`]
    V2MemoryZswapMax(v2::MemoryZswapMax),
    /// [`Pressure`]
    Pressure(Pressure),
    /// [`v2::CgroupStat`]
    V2CgroupStat(v2::CgroupStat),
    /// [`v1::UsageInBytes`]
    V1UsageInBytes(v1::UsageInBytes),
    /// [`v1::LimitInBytes`]
    V1LimitInBytes(v1::LimitInBytes),
    /// [`v1::MaxUsageInBytes`]
    V1MaxUsageInBytes(v1::MaxUsageInBytes),
    /// [`v1::Failcnt`]
    V1Failcnt(v1::Failcnt),
    /// [`v1::SoftLimitInBytes`]
    V1SoftLimitInBytes(v1::SoftLimitInBytes),
    /// [`v1::MemoryStat`]
    V1MemoryStat(v1::MemoryStat),
    /// [`v1::NumaStat`]
    V1MemoryNumaStat(v1::NumaStat),
    /// [`v1::MemswUsageInBytes`]
    V1MemswUsageInBytes(v1::MemswUsageInBytes),
    /// [`v1::MemswLimitInBytes`]
    V1MemswLimitInBytes(v1::MemswLimitInBytes),
    /// [`v1::MemswMaxUsageInBytes`]
    V1MemswMaxUsageInBytes(v1::MemswMaxUsageInBytes),
    /// [`v1::MemswFailcnt`]
    V1MemswFailcnt(v1::MemswFailcnt),
    /// [`v1::KmemUsageInBytes`]
    V1KmemUsageInBytes(v1::KmemUsageInBytes),
    /// [`v1::KmemLimitInBytes`]
    V1KmemLimitInBytes(v1::KmemLimitInBytes),
    /// [`v1::KmemMaxUsageInBytes`]
    V1KmemMaxUsageInBytes(v1::KmemMaxUsageInBytes),
    /// [`v1::KmemFailcnt`]
    V1KmemFailcnt(v1::KmemFailcnt),
    /// [`v1::KmemTcpUsageInBytes`]
    V1KmemTcpUsageInBytes(v1::KmemTcpUsageInBytes),
    /// [`v1::KmemTcpLimitInBytes`]
    V1KmemTcpLimitInBytes(v1::KmemTcpLimitInBytes),
    /// [`v1::KmemTcpMaxUsageInBytes`]
    V1KmemTcpMaxUsageInBytes(v1::KmemTcpMaxUsageInBytes),
    /// [`v1::KmemTcpFailcnt`]
    V1KmemTcpFailcnt(v1::KmemTcpFailcnt),
    /// [`v1::OomControl`]
    V1OomControl(v1::OomControl),
    /// [`v1::Swappiness`]
    V1Swappiness(v1::Swappiness),
    /// [`v1::UseHierarchy`]
    V1UseHierarchy(v1::UseHierarchy),
}

/// Parses `input` as a file of `kind`. Allocation-free.
///
/// ```
/// use memcg_core::{parse, FileKind, Parsed};
/// let kind = FileKind::from_name("memory.events", 2).unwrap();
/// match parse(kind, b"low 0\nhigh 0\nmax 5\noom 1\noom_kill 1\n")? {
///     Parsed::V2MemoryEvents(e) => assert_eq!(e.max, Some(5)),
///     other => panic!("unexpected {other:?}"),
/// }
/// # Ok::<(), memcg_core::ParseError>(())
/// ```
///
/// # Errors
/// The file's [`ParseError`]; [`Reason::InvalidField`] at offset 0 for the kinds that are not
/// single structs (`/proc/<pid>/cgroup`, mountinfo and trace CSV: use [`crate::proc`] and the
/// trace reader).
pub fn parse(kind: FileKind, input: &[u8]) -> Result<Parsed, ParseError> {
    match kind {
        FileKind::V2MemoryCurrent => v2::MemoryCurrent::parse(input).map(Parsed::V2MemoryCurrent),
        FileKind::V2MemoryMin => v2::MemoryMin::parse(input).map(Parsed::V2MemoryMin),
        FileKind::V2MemoryLow => v2::MemoryLow::parse(input).map(Parsed::V2MemoryLow),
        FileKind::V2MemoryHigh => v2::MemoryHigh::parse(input).map(Parsed::V2MemoryHigh),
        FileKind::V2MemoryMax => v2::MemoryMax::parse(input).map(Parsed::V2MemoryMax),
        FileKind::V2MemoryPeak => v2::MemoryPeak::parse(input).map(Parsed::V2MemoryPeak),
        FileKind::V2MemoryOomGroup => {
            v2::MemoryOomGroup::parse(input).map(Parsed::V2MemoryOomGroup)
        }
        FileKind::V2MemoryEvents => v2::MemoryEvents::parse(input).map(Parsed::V2MemoryEvents),
        FileKind::V2MemoryEventsLocal => {
            v2::MemoryEventsLocal::parse(input).map(Parsed::V2MemoryEventsLocal)
        }
        FileKind::V2MemoryStat => v2::MemoryStat::parse(input).map(Parsed::V2MemoryStat),
        FileKind::V2MemoryNumaStat => v2::NumaStat::parse(input).map(Parsed::V2MemoryNumaStat),
        FileKind::V2MemorySwapCurrent => {
            v2::MemorySwapCurrent::parse(input).map(Parsed::V2MemorySwapCurrent)
        }
        FileKind::V2MemorySwapHigh => {
            v2::MemorySwapHigh::parse(input).map(Parsed::V2MemorySwapHigh)
        }
        FileKind::V2MemorySwapMax => v2::MemorySwapMax::parse(input).map(Parsed::V2MemorySwapMax),
        FileKind::V2MemorySwapPeak => {
            v2::MemorySwapPeak::parse(input).map(Parsed::V2MemorySwapPeak)
        }
        FileKind::V2MemorySwapEvents => {
            v2::MemorySwapEvents::parse(input).map(Parsed::V2MemorySwapEvents)
        }
        FileKind::V2MemoryZswapCurrent => {
            v2::MemoryZswapCurrent::parse(input).map(Parsed::V2MemoryZswapCurrent)
        }
        FileKind::V2MemoryZswapMax => {
            v2::MemoryZswapMax::parse(input).map(Parsed::V2MemoryZswapMax)
        }
        FileKind::Pressure => Pressure::parse(input).map(Parsed::Pressure),
        FileKind::V2CgroupStat => v2::CgroupStat::parse(input).map(Parsed::V2CgroupStat),
        FileKind::V1UsageInBytes => v1::UsageInBytes::parse(input).map(Parsed::V1UsageInBytes),
        FileKind::V1LimitInBytes => v1::LimitInBytes::parse(input).map(Parsed::V1LimitInBytes),
        FileKind::V1MaxUsageInBytes => {
            v1::MaxUsageInBytes::parse(input).map(Parsed::V1MaxUsageInBytes)
        }
        FileKind::V1Failcnt => v1::Failcnt::parse(input).map(Parsed::V1Failcnt),
        FileKind::V1SoftLimitInBytes => {
            v1::SoftLimitInBytes::parse(input).map(Parsed::V1SoftLimitInBytes)
        }
        FileKind::V1MemoryStat => v1::MemoryStat::parse(input).map(Parsed::V1MemoryStat),
        FileKind::V1MemoryNumaStat => v1::NumaStat::parse(input).map(Parsed::V1MemoryNumaStat),
        FileKind::V1MemswUsageInBytes => {
            v1::MemswUsageInBytes::parse(input).map(Parsed::V1MemswUsageInBytes)
        }
        FileKind::V1MemswLimitInBytes => {
            v1::MemswLimitInBytes::parse(input).map(Parsed::V1MemswLimitInBytes)
        }
        FileKind::V1MemswMaxUsageInBytes => {
            v1::MemswMaxUsageInBytes::parse(input).map(Parsed::V1MemswMaxUsageInBytes)
        }
        FileKind::V1MemswFailcnt => v1::MemswFailcnt::parse(input).map(Parsed::V1MemswFailcnt),
        FileKind::V1KmemUsageInBytes => {
            v1::KmemUsageInBytes::parse(input).map(Parsed::V1KmemUsageInBytes)
        }
        FileKind::V1KmemLimitInBytes => {
            v1::KmemLimitInBytes::parse(input).map(Parsed::V1KmemLimitInBytes)
        }
        FileKind::V1KmemMaxUsageInBytes => {
            v1::KmemMaxUsageInBytes::parse(input).map(Parsed::V1KmemMaxUsageInBytes)
        }
        FileKind::V1KmemFailcnt => v1::KmemFailcnt::parse(input).map(Parsed::V1KmemFailcnt),
        FileKind::V1KmemTcpUsageInBytes => {
            v1::KmemTcpUsageInBytes::parse(input).map(Parsed::V1KmemTcpUsageInBytes)
        }
        FileKind::V1KmemTcpLimitInBytes => {
            v1::KmemTcpLimitInBytes::parse(input).map(Parsed::V1KmemTcpLimitInBytes)
        }
        FileKind::V1KmemTcpMaxUsageInBytes => {
            v1::KmemTcpMaxUsageInBytes::parse(input).map(Parsed::V1KmemTcpMaxUsageInBytes)
        }
        FileKind::V1KmemTcpFailcnt => {
            v1::KmemTcpFailcnt::parse(input).map(Parsed::V1KmemTcpFailcnt)
        }
        FileKind::V1OomControl => v1::OomControl::parse(input).map(Parsed::V1OomControl),
        FileKind::V1Swappiness => v1::Swappiness::parse(input).map(Parsed::V1Swappiness),
        FileKind::V1UseHierarchy => v1::UseHierarchy::parse(input).map(Parsed::V1UseHierarchy),
        FileKind::ProcCgroup | FileKind::ProcMountinfo | FileKind::TraceCsv => {
            Err(ParseError::at(kind, input, 0, Reason::InvalidField))
        }
    }
}

impl Parsed {
    /// The value of a single-value counter file (`memory.current`, `memory.usage_in_bytes`,
    /// `memory.failcnt`, …); `None` for other kinds.
    ///
    /// ```
    /// use memcg_core::{parse, FileKind};
    /// assert_eq!(parse(FileKind::V2MemoryCurrent, b"4096\n")?.counter(), Some(4096));
    /// assert_eq!(parse(FileKind::V2MemoryMax, b"max\n")?.counter(), None);
    /// # Ok::<(), memcg_core::ParseError>(())
    /// ```
    #[must_use]
    pub fn counter(&self) -> Option<u64> {
        Some(match *self {
            Parsed::V2MemoryCurrent(v) => v.0,
            Parsed::V2MemoryPeak(v) => v.0,
            Parsed::V2MemoryOomGroup(v) => v.0,
            Parsed::V2MemorySwapCurrent(v) => v.0,
            Parsed::V2MemorySwapPeak(v) => v.0,
            Parsed::V2MemoryZswapCurrent(v) => v.0,
            Parsed::V1UsageInBytes(v) => v.0,
            Parsed::V1MaxUsageInBytes(v) => v.0,
            Parsed::V1Failcnt(v) => v.0,
            Parsed::V1MemswUsageInBytes(v) => v.0,
            Parsed::V1MemswMaxUsageInBytes(v) => v.0,
            Parsed::V1MemswFailcnt(v) => v.0,
            Parsed::V1KmemUsageInBytes(v) => v.0,
            Parsed::V1KmemMaxUsageInBytes(v) => v.0,
            Parsed::V1KmemFailcnt(v) => v.0,
            Parsed::V1KmemTcpUsageInBytes(v) => v.0,
            Parsed::V1KmemTcpMaxUsageInBytes(v) => v.0,
            Parsed::V1KmemTcpFailcnt(v) => v.0,
            Parsed::V1Swappiness(v) => v.0,
            Parsed::V1UseHierarchy(v) => v.0,
            _ => return None,
        })
    }

    /// The limit of a limit file (`memory.max`, `memory.limit_in_bytes`, …); `None` for other
    /// kinds.
    ///
    /// ```
    /// use memcg_core::{parse, FileKind, Limit};
    /// assert_eq!(parse(FileKind::V2MemoryMax, b"max\n")?.limit(), Some(Limit::Unlimited));
    /// assert_eq!(parse(FileKind::V2MemoryCurrent, b"1\n")?.limit(), None);
    /// # Ok::<(), memcg_core::ParseError>(())
    /// ```
    #[must_use]
    pub fn limit(&self) -> Option<crate::Limit> {
        Some(match *self {
            Parsed::V2MemoryMin(v) => v.0,
            Parsed::V2MemoryLow(v) => v.0,
            Parsed::V2MemoryHigh(v) => v.0,
            Parsed::V2MemoryMax(v) => v.0,
            Parsed::V2MemorySwapHigh(v) => v.0,
            Parsed::V2MemorySwapMax(v) => v.0,
            Parsed::V2MemoryZswapMax(v) => v.0,
            Parsed::V1LimitInBytes(v) => v.0,
            Parsed::V1SoftLimitInBytes(v) => v.0,
            Parsed::V1MemswLimitInBytes(v) => v.0,
            Parsed::V1KmemLimitInBytes(v) => v.0,
            Parsed::V1KmemTcpLimitInBytes(v) => v.0,
            _ => return None,
        })
    }

    /// The kind of file this value came from.
    #[must_use]
    pub fn kind(&self) -> FileKind {
        match self {
            Parsed::V2MemoryCurrent(_) => FileKind::V2MemoryCurrent,
            Parsed::V2MemoryMin(_) => FileKind::V2MemoryMin,
            Parsed::V2MemoryLow(_) => FileKind::V2MemoryLow,
            Parsed::V2MemoryHigh(_) => FileKind::V2MemoryHigh,
            Parsed::V2MemoryMax(_) => FileKind::V2MemoryMax,
            Parsed::V2MemoryPeak(_) => FileKind::V2MemoryPeak,
            Parsed::V2MemoryOomGroup(_) => FileKind::V2MemoryOomGroup,
            Parsed::V2MemoryEvents(_) => FileKind::V2MemoryEvents,
            Parsed::V2MemoryEventsLocal(_) => FileKind::V2MemoryEventsLocal,
            Parsed::V2MemoryStat(_) => FileKind::V2MemoryStat,
            Parsed::V2MemoryNumaStat(_) => FileKind::V2MemoryNumaStat,
            Parsed::V2MemorySwapCurrent(_) => FileKind::V2MemorySwapCurrent,
            Parsed::V2MemorySwapHigh(_) => FileKind::V2MemorySwapHigh,
            Parsed::V2MemorySwapMax(_) => FileKind::V2MemorySwapMax,
            Parsed::V2MemorySwapPeak(_) => FileKind::V2MemorySwapPeak,
            Parsed::V2MemorySwapEvents(_) => FileKind::V2MemorySwapEvents,
            Parsed::V2MemoryZswapCurrent(_) => FileKind::V2MemoryZswapCurrent,
            Parsed::V2MemoryZswapMax(_) => FileKind::V2MemoryZswapMax,
            Parsed::Pressure(_) => FileKind::Pressure,
            Parsed::V2CgroupStat(_) => FileKind::V2CgroupStat,
            Parsed::V1UsageInBytes(_) => FileKind::V1UsageInBytes,
            Parsed::V1LimitInBytes(_) => FileKind::V1LimitInBytes,
            Parsed::V1MaxUsageInBytes(_) => FileKind::V1MaxUsageInBytes,
            Parsed::V1Failcnt(_) => FileKind::V1Failcnt,
            Parsed::V1SoftLimitInBytes(_) => FileKind::V1SoftLimitInBytes,
            Parsed::V1MemoryStat(_) => FileKind::V1MemoryStat,
            Parsed::V1MemoryNumaStat(_) => FileKind::V1MemoryNumaStat,
            Parsed::V1MemswUsageInBytes(_) => FileKind::V1MemswUsageInBytes,
            Parsed::V1MemswLimitInBytes(_) => FileKind::V1MemswLimitInBytes,
            Parsed::V1MemswMaxUsageInBytes(_) => FileKind::V1MemswMaxUsageInBytes,
            Parsed::V1MemswFailcnt(_) => FileKind::V1MemswFailcnt,
            Parsed::V1KmemUsageInBytes(_) => FileKind::V1KmemUsageInBytes,
            Parsed::V1KmemLimitInBytes(_) => FileKind::V1KmemLimitInBytes,
            Parsed::V1KmemMaxUsageInBytes(_) => FileKind::V1KmemMaxUsageInBytes,
            Parsed::V1KmemFailcnt(_) => FileKind::V1KmemFailcnt,
            Parsed::V1KmemTcpUsageInBytes(_) => FileKind::V1KmemTcpUsageInBytes,
            Parsed::V1KmemTcpLimitInBytes(_) => FileKind::V1KmemTcpLimitInBytes,
            Parsed::V1KmemTcpMaxUsageInBytes(_) => FileKind::V1KmemTcpMaxUsageInBytes,
            Parsed::V1KmemTcpFailcnt(_) => FileKind::V1KmemTcpFailcnt,
            Parsed::V1OomControl(_) => FileKind::V1OomControl,
            Parsed::V1Swappiness(_) => FileKind::V1Swappiness,
            Parsed::V1UseHierarchy(_) => FileKind::V1UseHierarchy,
        }
    }
}

impl core::fmt::Display for Parsed {
    /// Renders the value back in the kernel's format.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Parsed::V2MemoryCurrent(v) => core::fmt::Display::fmt(v, f),
            Parsed::V2MemoryMin(v) => core::fmt::Display::fmt(v, f),
            Parsed::V2MemoryLow(v) => core::fmt::Display::fmt(v, f),
            Parsed::V2MemoryHigh(v) => core::fmt::Display::fmt(v, f),
            Parsed::V2MemoryMax(v) => core::fmt::Display::fmt(v, f),
            Parsed::V2MemoryPeak(v) => core::fmt::Display::fmt(v, f),
            Parsed::V2MemoryOomGroup(v) => core::fmt::Display::fmt(v, f),
            Parsed::V2MemoryEvents(v) => core::fmt::Display::fmt(v, f),
            Parsed::V2MemoryEventsLocal(v) => core::fmt::Display::fmt(v, f),
            Parsed::V2MemoryStat(v) => core::fmt::Display::fmt(v, f),
            Parsed::V2MemoryNumaStat(v) => core::fmt::Display::fmt(v, f),
            Parsed::V2MemorySwapCurrent(v) => core::fmt::Display::fmt(v, f),
            Parsed::V2MemorySwapHigh(v) => core::fmt::Display::fmt(v, f),
            Parsed::V2MemorySwapMax(v) => core::fmt::Display::fmt(v, f),
            Parsed::V2MemorySwapPeak(v) => core::fmt::Display::fmt(v, f),
            Parsed::V2MemorySwapEvents(v) => core::fmt::Display::fmt(v, f),
            Parsed::V2MemoryZswapCurrent(v) => core::fmt::Display::fmt(v, f),
            Parsed::V2MemoryZswapMax(v) => core::fmt::Display::fmt(v, f),
            Parsed::Pressure(v) => core::fmt::Display::fmt(v, f),
            Parsed::V2CgroupStat(v) => core::fmt::Display::fmt(v, f),
            Parsed::V1UsageInBytes(v) => core::fmt::Display::fmt(v, f),
            Parsed::V1LimitInBytes(v) => core::fmt::Display::fmt(v, f),
            Parsed::V1MaxUsageInBytes(v) => core::fmt::Display::fmt(v, f),
            Parsed::V1Failcnt(v) => core::fmt::Display::fmt(v, f),
            Parsed::V1SoftLimitInBytes(v) => core::fmt::Display::fmt(v, f),
            Parsed::V1MemoryStat(v) => core::fmt::Display::fmt(v, f),
            Parsed::V1MemoryNumaStat(v) => core::fmt::Display::fmt(v, f),
            Parsed::V1MemswUsageInBytes(v) => core::fmt::Display::fmt(v, f),
            Parsed::V1MemswLimitInBytes(v) => core::fmt::Display::fmt(v, f),
            Parsed::V1MemswMaxUsageInBytes(v) => core::fmt::Display::fmt(v, f),
            Parsed::V1MemswFailcnt(v) => core::fmt::Display::fmt(v, f),
            Parsed::V1KmemUsageInBytes(v) => core::fmt::Display::fmt(v, f),
            Parsed::V1KmemLimitInBytes(v) => core::fmt::Display::fmt(v, f),
            Parsed::V1KmemMaxUsageInBytes(v) => core::fmt::Display::fmt(v, f),
            Parsed::V1KmemFailcnt(v) => core::fmt::Display::fmt(v, f),
            Parsed::V1KmemTcpUsageInBytes(v) => core::fmt::Display::fmt(v, f),
            Parsed::V1KmemTcpLimitInBytes(v) => core::fmt::Display::fmt(v, f),
            Parsed::V1KmemTcpMaxUsageInBytes(v) => core::fmt::Display::fmt(v, f),
            Parsed::V1KmemTcpFailcnt(v) => core::fmt::Display::fmt(v, f),
            Parsed::V1OomControl(v) => core::fmt::Display::fmt(v, f),
            Parsed::V1Swappiness(v) => core::fmt::Display::fmt(v, f),
            Parsed::V1UseHierarchy(v) => core::fmt::Display::fmt(v, f),
        }
    }
}
