//! [`Snapshot`]: one cgroup's memory accounting, the same fields for v1 and v2.
//!
//! The derivations follow the tools users compare against:
//!
//! | field | v2 | v1 | as in |
//! |---|---|---|---|
//! | `usage_bytes` | `memory.current` | `memory.usage_in_bytes` | runc, cAdvisor |
//! | `limit_bytes` | `memory.max` | `memory.limit_in_bytes` (≥ 2^62 unlimited) | runc, kubelet |
//! | `effective_limit_bytes` | min `memory.max` over the cgroup and its ancestors | `hierarchical_memory_limit` | kernel semantics |
//! | `peak_bytes` | `memory.peak` | `memory.max_usage_in_bytes` | runc |
//! | `working_set_bytes` | usage − `inactive_file`, floored at 0 | usage − `total_inactive_file`, floored at 0 | cAdvisor, kubelet |
//! | `anon_bytes` | `anon` | `total_rss` (`rss` when `use_hierarchy` is 0 or `total_rss` absent) | cAdvisor |
//! | `file_bytes` | `file` | `total_cache` (likewise) | cAdvisor |
//! | `shmem_bytes` | `shmem` | `total_shmem` (likewise) | |
//! | `swap_bytes` | `memory.swap.current` | `total_swap` (likewise) | cAdvisor |
//! | `oom_kills` | `memory.events` `oom_kill` | `memory.oom_control` `oom_kill` | containerd |
//! | `max_events` | `memory.events` `max` | `memory.failcnt` | cAdvisor |
//! | `high_events` | `memory.events` `high` | — | cAdvisor |
//!
//! Where the peers disagree — working set when `inactive_file` exceeds usage — memcg follows
//! cAdvisor (0); `docker stats` would report the whole usage.

use crate::error::ParseError;
use crate::limit::Limit;
use crate::pressure::Pressure;
use crate::{v1, v2};

/// The cgroup version a [`Snapshot`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Version {
    /// cgroup v1 (the `memory` controller hierarchy).
    V1 = 1,
    /// cgroup v2 (the unified hierarchy).
    V2 = 2,
}

impl Version {
    /// `1` or `2`.
    #[must_use]
    pub const fn number(self) -> u8 {
        self as u8
    }
}

/// The `memory.stat` a [`Snapshot`] was built from, typed by version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stat {
    /// No `memory.stat` was read.
    None,
    /// A v1 `memory.stat`.
    V1(v1::MemoryStat),
    /// A v2 `memory.stat`.
    V2(v2::MemoryStat),
}

/// Longest unknown `memory.stat` key kept inline by [`ExtraStat`].
pub const EXTRA_KEY_MAX: usize = 48;
/// How many unknown `memory.stat` keys a [`Snapshot`] keeps inline.
pub const EXTRA_KEYS_MAX: usize = 32;

/// One unknown `memory.stat` key and its value, stored inline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtraEntry {
    key: [u8; EXTRA_KEY_MAX],
    key_len: u8,
    /// The value (bytes or events, as the kernel defines the key).
    pub value: u64,
}

impl ExtraEntry {
    /// The key. Keys are ASCII in every kernel; a non-UTF-8 key yields `"?"`.
    #[must_use]
    pub fn key(&self) -> &str {
        core::str::from_utf8(&self.key[..usize::from(self.key_len)]).unwrap_or("?")
    }
}

/// The `memory.stat` keys a newer kernel prints that memcg has no field for, kept inline (no
/// allocation) so that a [`Snapshot`] loses nothing. At most [`EXTRA_KEYS_MAX`] keys of at most
/// [`EXTRA_KEY_MAX`] bytes are kept; `dropped` counts the rest (the raw file still has them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtraStat {
    entries: [ExtraEntry; EXTRA_KEYS_MAX],
    len: u8,
    /// Unknown keys that did not fit.
    pub dropped: u32,
}

impl Default for ExtraStat {
    fn default() -> Self {
        ExtraStat {
            entries: [ExtraEntry {
                key: [0; EXTRA_KEY_MAX],
                key_len: 0,
                value: 0,
            }; EXTRA_KEYS_MAX],
            len: 0,
            dropped: 0,
        }
    }
}

impl ExtraStat {
    /// Empties it, leaving it equal to `ExtraStat::default()`.
    fn clear(&mut self) {
        for e in &mut self.entries[..usize::from(self.len)] {
            e.key = [0; EXTRA_KEY_MAX];
            e.key_len = 0;
            e.value = 0;
        }
        self.len = 0;
        self.dropped = 0;
    }

    /// Empties it, then keeps the unknown keys of a `memory.stat` that has `unknown_keys` of
    /// them (the iterator is only walked when there are some: the common case costs nothing).
    fn refill<'a>(
        &mut self,
        unknown_keys: u32,
        unknown: Option<impl Iterator<Item = (&'a [u8], u64)>>,
    ) {
        self.clear();
        if unknown_keys > 0 {
            for (k, v) in unknown.into_iter().flatten() {
                self.push(k, v);
            }
        }
    }

    fn push(&mut self, key: &[u8], value: u64) {
        let n = usize::from(self.len);
        if n >= EXTRA_KEYS_MAX || key.len() > EXTRA_KEY_MAX {
            self.dropped = self.dropped.saturating_add(1);
            return;
        }
        let e = &mut self.entries[n];
        e.key[..key.len()].copy_from_slice(key);
        e.key_len = key.len() as u8;
        e.value = value;
        self.len += 1;
    }

    /// The kept entries, in file order.
    #[must_use]
    pub fn entries(&self) -> &[ExtraEntry] {
        &self.entries[..usize::from(self.len)]
    }

    /// The value of an unknown key, if kept.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<u64> {
        self.entries()
            .iter()
            .find(|e| e.key() == key)
            .map(|e| e.value)
    }
}

/// One cgroup's memory accounting at one moment, unified over v1 and v2.
///
/// Every size is in bytes. `Option` fields are `None` when the file or key they come from is
/// absent; limits are `Option<Limit>` so that absent (`None`), unlimited
/// (`Some(Limit::Unlimited)`) and zero (`Some(Limit::Bytes(0))`) stay distinct. See the
/// module docs for the derivation of each field.
///
/// ```
/// use memcg_core::{Limit, Snapshot, V2Files};
/// let snap = Snapshot::from_v2(&V2Files {
///     current: b"104857600\n",
///     max: Some(b"209715200\n"),
///     stat: Some(b"anon 52428800\nfile 41943040\ninactive_file 31457280\nshmem 0\n"),
///     ..V2Files::default()
/// })?;
/// assert_eq!(snap.usage_bytes, 104_857_600);
/// assert_eq!(snap.limit_bytes, Some(Limit::Bytes(209_715_200)));
/// assert_eq!(snap.working_set_bytes, 104_857_600 - 31_457_280);
/// assert_eq!(snap.anon_bytes, Some(52_428_800));
/// # Ok::<(), memcg_core::ParseError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snapshot {
    /// The cgroup version.
    pub version: Version,
    /// Memory charged to the cgroup (`memory.current` / `memory.usage_in_bytes`), bytes.
    pub usage_bytes: u64,
    /// The cgroup's own hard limit (`memory.max` / `memory.limit_in_bytes`).
    pub limit_bytes: Option<Limit>,
    /// The limit that applies in fact: the smallest `memory.max` over the cgroup and its
    /// ancestors (v2), `hierarchical_memory_limit` (v1).
    pub effective_limit_bytes: Option<Limit>,
    /// v2 `memory.high` (the throttling threshold); `None` on v1.
    pub high_limit_bytes: Option<Limit>,
    /// The swap the cgroup may use: v2 `memory.swap.max`; v1 `memory.memsw.limit_in_bytes` −
    /// `memory.limit_in_bytes`.
    pub swap_limit_bytes: Option<Limit>,
    /// Highest usage recorded (`memory.peak` / `memory.max_usage_in_bytes`), bytes.
    pub peak_bytes: Option<u64>,
    /// usage − inactive file cache, floored at 0 (cAdvisor's and kubelet's working set), bytes.
    pub working_set_bytes: u64,
    /// Anonymous memory (v2 `anon`, v1 `total_rss`), bytes.
    pub anon_bytes: Option<u64>,
    /// Page cache (v2 `file`, v1 `total_cache`), bytes.
    pub file_bytes: Option<u64>,
    /// tmpfs / shared memory (v2 `shmem`, v1 `total_shmem`), bytes.
    pub shmem_bytes: Option<u64>,
    /// Swap used (v2 `memory.swap.current`, v1 `total_swap`), bytes.
    pub swap_bytes: Option<u64>,
    /// Processes killed by the OOM killer (`oom_kill`), events.
    pub oom_kills: Option<u64>,
    /// Times usage hit the hard limit (v2 `memory.events` `max`, v1 `memory.failcnt`), events.
    pub max_events: Option<u64>,
    /// Times the cgroup was throttled above `memory.high` (v2 only), events.
    pub high_events: Option<u64>,
    /// PSI for the cgroup (`memory.pressure`), where the kernel provides it.
    pub pressure: Option<Pressure>,
    /// The full `memory.stat`, typed.
    pub stat: Stat,
    /// `memory.stat` keys memcg has no field for.
    pub extra_stat: ExtraStat,
}

/// Borrowed bytes of a v2 cgroup's files, for [`Snapshot::from_v2`]. `None` means the file is
/// absent; only `current` is required.
#[derive(Debug, Clone, Copy, Default)]
pub struct V2Files<'a> {
    /// `memory.current` (required).
    pub current: &'a [u8],
    /// `memory.max`.
    pub max: Option<&'a [u8]>,
    /// `memory.high`.
    pub high: Option<&'a [u8]>,
    /// `memory.peak`.
    pub peak: Option<&'a [u8]>,
    /// `memory.stat`.
    pub stat: Option<&'a [u8]>,
    /// `memory.events`.
    pub events: Option<&'a [u8]>,
    /// `memory.swap.current`.
    pub swap_current: Option<&'a [u8]>,
    /// `memory.swap.max`.
    pub swap_max: Option<&'a [u8]>,
    /// `memory.pressure`.
    pub pressure: Option<&'a [u8]>,
    /// The effective limit of the parent (the smallest `memory.max` over the ancestors), if
    /// known; combined with `max` into `effective_limit_bytes`.
    pub ancestors_limit: Option<Limit>,
}

/// Borrowed bytes of a v1 cgroup's files, for [`Snapshot::from_v1`]. `None` means the file is
/// absent; only `usage_in_bytes` is required.
#[derive(Debug, Clone, Copy, Default)]
pub struct V1Files<'a> {
    /// `memory.usage_in_bytes` (required).
    pub usage_in_bytes: &'a [u8],
    /// `memory.limit_in_bytes`.
    pub limit_in_bytes: Option<&'a [u8]>,
    /// `memory.max_usage_in_bytes`.
    pub max_usage_in_bytes: Option<&'a [u8]>,
    /// `memory.failcnt`.
    pub failcnt: Option<&'a [u8]>,
    /// `memory.stat`.
    pub stat: Option<&'a [u8]>,
    /// `memory.oom_control`.
    pub oom_control: Option<&'a [u8]>,
    /// `memory.use_hierarchy`.
    pub use_hierarchy: Option<&'a [u8]>,
    /// `memory.memsw.limit_in_bytes`.
    pub memsw_limit_in_bytes: Option<&'a [u8]>,
    /// `memory.pressure` (kernels with PSI for v1 cgroups).
    pub pressure: Option<&'a [u8]>,
}

/// The v2 files a Snapshot reads, in [`V2Files`] order (`memory.current` first, required).
pub const V2_FILES: [&str; 9] = [
    "memory.current",
    "memory.max",
    "memory.high",
    "memory.peak",
    "memory.stat",
    "memory.events",
    "memory.swap.current",
    "memory.swap.max",
    "memory.pressure",
];

/// The v1 files a Snapshot reads, in [`V1Files`] order (`memory.usage_in_bytes` first,
/// required).
pub const V1_FILES: [&str; 9] = [
    "memory.usage_in_bytes",
    "memory.limit_in_bytes",
    "memory.max_usage_in_bytes",
    "memory.failcnt",
    "memory.stat",
    "memory.oom_control",
    "memory.use_hierarchy",
    "memory.memsw.limit_in_bytes",
    "memory.pressure",
];

fn opt<T>(
    bytes: Option<&[u8]>,
    f: impl FnOnce(&[u8]) -> Result<T, ParseError>,
) -> Result<Option<T>, ParseError> {
    bytes.map(f).transpose()
}

fn working_set(usage: u64, inactive_file: Option<u64>) -> u64 {
    match inactive_file {
        Some(i) => usage.saturating_sub(i),
        None => usage,
    }
}

impl Snapshot {
    /// Builds a v2 Snapshot from file bytes. Allocation-free.
    ///
    /// # Errors
    /// The first [`ParseError`] of any file present.
    pub fn from_v2(files: &V2Files<'_>) -> Result<Snapshot, ParseError> {
        let mut s = Snapshot::empty(Version::V2);
        s.fill_v2(files)?;
        Ok(s)
    }

    /// A Snapshot with nothing read yet: usage 0, every optional field absent. A buffer for
    /// [`crate::sampler::Sampler::read_into`] to fill in place.
    ///
    /// ```
    /// let s = memcg_core::Snapshot::empty(memcg_core::Version::V2);
    /// assert_eq!((s.usage_bytes, s.limit_bytes, s.stat), (0, None, memcg_core::Stat::None));
    /// ```
    #[must_use]
    pub fn empty(version: Version) -> Snapshot {
        Snapshot {
            version,
            usage_bytes: 0,
            limit_bytes: None,
            effective_limit_bytes: None,
            high_limit_bytes: None,
            swap_limit_bytes: None,
            peak_bytes: None,
            working_set_bytes: 0,
            anon_bytes: None,
            file_bytes: None,
            shmem_bytes: None,
            swap_bytes: None,
            oom_kills: None,
            max_events: None,
            high_events: None,
            pressure: None,
            stat: Stat::None,
            extra_stat: ExtraStat::default(),
        }
    }

    /// [`Self::from_v2`] in place: `memory.stat` is parsed straight into `self.stat` (about
    /// 1 KiB; the Snapshot is about 3.3 KiB with [`ExtraStat`]) instead of being built, moved
    /// into an `Option`, into [`Stat`] and into the Snapshot — copies that were a third of the
    /// time of a Snapshot built from bytes in a profile. Every field is replaced. On an error,
    /// `self` is partly refilled (see [`crate::sampler::Sampler::read_into`]).
    pub(crate) fn fill_v2(&mut self, files: &V2Files<'_>) -> Result<(), ParseError> {
        let usage = v2::MemoryCurrent::parse(files.current)?.0;
        let limit = opt(files.max, |b| v2::MemoryMax::parse(b).map(|m| m.0))?;
        let high = opt(files.high, |b| v2::MemoryHigh::parse(b).map(|m| m.0))?;
        let peak = opt(files.peak, |b| v2::MemoryPeak::parse(b).map(|m| m.0))?;
        match files.stat {
            None => self.stat = Stat::None,
            Some(b) => {
                if let Stat::V2(st) = &mut self.stat {
                    st.parse_into(b)?;
                } else {
                    self.stat = Stat::V2(v2::MemoryStat::parse(b)?);
                }
            }
        }
        let events = opt(files.events, v2::MemoryEvents::parse)?;
        let swap = opt(files.swap_current, |b| {
            v2::MemorySwapCurrent::parse(b).map(|m| m.0)
        })?;
        let swap_max = opt(files.swap_max, |b| v2::MemorySwapMax::parse(b).map(|m| m.0))?;
        let pressure = opt(files.pressure, Pressure::parse)?;
        let effective = match (limit, files.ancestors_limit) {
            (Some(l), Some(a)) => Some(l.min(a)),
            (l, a) => l.or(a),
        };
        let stat = match &self.stat {
            Stat::V2(st) => Some(st),
            _ => None,
        };
        self.extra_stat.refill(
            stat.map_or(0, |s| s.unknown_keys),
            files.stat.map(|b| v2::MemoryStat::unknown(b).flatten()),
        );
        self.working_set_bytes = working_set(usage, stat.and_then(|s| s.inactive_file));
        self.anon_bytes = stat.and_then(|s| s.anon);
        self.file_bytes = stat.and_then(|s| s.file);
        self.shmem_bytes = stat.and_then(|s| s.shmem);
        self.version = Version::V2;
        self.usage_bytes = usage;
        self.limit_bytes = limit;
        self.effective_limit_bytes = effective;
        self.high_limit_bytes = high;
        self.swap_limit_bytes = swap_max;
        self.peak_bytes = peak;
        self.swap_bytes = swap;
        self.oom_kills = events.and_then(|e| e.oom_kill);
        self.max_events = events.and_then(|e| e.max);
        self.high_events = events.and_then(|e| e.high);
        self.pressure = pressure;
        Ok(())
    }

    /// Builds a Snapshot from files looked up by name ([`V1_FILES`] / [`V2_FILES`]):
    /// `file(name)` returns the bytes of that file, or `None` when it is absent. The bindings
    /// use it to build a Snapshot from a map of file names. Allocation-free.
    ///
    /// ```
    /// use memcg_core::{Snapshot, Version};
    /// let s = Snapshot::from_files(Version::V1, |name| match name {
    ///     "memory.usage_in_bytes" => Some(&b"4096\n"[..]),
    ///     "memory.limit_in_bytes" => Some(&b"9223372036854771712\n"[..]),
    ///     _ => None,
    /// })?;
    /// assert_eq!(s.usage_bytes, 4096);
    /// assert_eq!(s.limit_bytes, Some(memcg_core::Limit::Unlimited));
    /// # Ok::<(), memcg_core::ParseError>(())
    /// ```
    ///
    /// # Errors
    /// The first [`ParseError`] of any file present; a missing usage file reads as an empty
    /// one ([`crate::Reason::Empty`]).
    pub fn from_files<'a>(
        version: Version,
        mut file: impl FnMut(&str) -> Option<&'a [u8]>,
    ) -> Result<Snapshot, ParseError> {
        match version {
            Version::V2 => {
                let [a, b, c, d, e, f, g, h, i] = V2_FILES.map(&mut file);
                Snapshot::from_v2(&V2Files {
                    current: a.unwrap_or(&[]),
                    max: b,
                    high: c,
                    peak: d,
                    stat: e,
                    events: f,
                    swap_current: g,
                    swap_max: h,
                    pressure: i,
                    ancestors_limit: None,
                })
            }
            Version::V1 => {
                let [a, b, c, d, e, f, g, h, i] = V1_FILES.map(&mut file);
                Snapshot::from_v1(&V1Files {
                    usage_in_bytes: a.unwrap_or(&[]),
                    limit_in_bytes: b,
                    max_usage_in_bytes: c,
                    failcnt: d,
                    stat: e,
                    oom_control: f,
                    use_hierarchy: g,
                    memsw_limit_in_bytes: h,
                    pressure: i,
                })
            }
        }
    }

    /// Builds a v1 Snapshot from file bytes. Allocation-free.
    ///
    /// # Errors
    /// The first [`ParseError`] of any file present.
    pub fn from_v1(files: &V1Files<'_>) -> Result<Snapshot, ParseError> {
        let mut s = Snapshot::empty(Version::V1);
        s.fill_v1(files)?;
        Ok(s)
    }

    /// [`Self::from_v1`] in place, as [`Self::fill_v2`].
    pub(crate) fn fill_v1(&mut self, files: &V1Files<'_>) -> Result<(), ParseError> {
        let usage = v1::UsageInBytes::parse(files.usage_in_bytes)?.0;
        let limit = opt(files.limit_in_bytes, |b| {
            v1::LimitInBytes::parse(b).map(|m| m.0)
        })?;
        let peak = opt(files.max_usage_in_bytes, |b| {
            v1::MaxUsageInBytes::parse(b).map(|m| m.0)
        })?;
        let failcnt = opt(files.failcnt, |b| v1::Failcnt::parse(b).map(|m| m.0))?;
        match files.stat {
            None => self.stat = Stat::None,
            Some(b) => {
                if let Stat::V1(st) = &mut self.stat {
                    st.parse_into(b)?;
                } else {
                    self.stat = Stat::V1(v1::MemoryStat::parse(b)?);
                }
            }
        }
        let oom = opt(files.oom_control, v1::OomControl::parse)?;
        let hierarchy = opt(files.use_hierarchy, |b| {
            v1::UseHierarchy::parse(b).map(|m| m.0)
        })?;
        let memsw_limit = opt(files.memsw_limit_in_bytes, |b| {
            v1::MemswLimitInBytes::parse(b).map(|m| m.0)
        })?;
        let pressure = opt(files.pressure, Pressure::parse)?;
        let hier = hierarchy != Some(0);
        // cAdvisor: total_* when use_hierarchy is 1, the plain key otherwise; fall back to the
        // plain key when the total_ key is absent.
        let pick =
            |total: Option<u64>, plain: Option<u64>| if hier { total.or(plain) } else { plain };
        let stat = match &self.stat {
            Stat::V1(st) => Some(st),
            _ => None,
        };
        let effective = stat.and_then(|s| s.hierarchical_limit()).or(limit);
        let swap_limit = match (memsw_limit, limit) {
            (Some(Limit::Unlimited), _) => Some(Limit::Unlimited),
            (Some(Limit::Bytes(m)), Some(Limit::Bytes(l))) => {
                Some(Limit::Bytes(m.saturating_sub(l)))
            }
            (Some(Limit::Bytes(_)), Some(Limit::Unlimited)) => Some(Limit::Bytes(0)),
            (Some(Limit::Bytes(m)), None) => Some(Limit::Bytes(m)),
            (None, _) => None,
        };
        self.extra_stat.refill(
            stat.map_or(0, |s| s.unknown_keys),
            files.stat.map(|b| v1::MemoryStat::unknown(b).flatten()),
        );
        // cAdvisor uses total_inactive_file whatever use_hierarchy says.
        self.working_set_bytes = working_set(usage, stat.and_then(|s| s.total_inactive_file));
        self.anon_bytes = stat.and_then(|s| pick(s.total_rss, s.rss));
        self.file_bytes = stat.and_then(|s| pick(s.total_cache, s.cache));
        self.shmem_bytes = stat.and_then(|s| pick(s.total_shmem, s.shmem));
        self.swap_bytes = stat.and_then(|s| pick(s.total_swap, s.swap));
        self.version = Version::V1;
        self.usage_bytes = usage;
        self.limit_bytes = limit;
        self.effective_limit_bytes = effective;
        self.high_limit_bytes = None;
        self.swap_limit_bytes = swap_limit;
        self.peak_bytes = peak;
        self.oom_kills = oom.and_then(|o| o.oom_kill);
        self.max_events = failcnt;
        self.high_events = None;
        self.pressure = pressure;
        Ok(())
    }

    /// Memory the kernel cannot reclaim without killing or swapping, bytes: what a leak grows.
    ///
    /// v2: `anon + shmem + (kernel − slab_reclaimable) + memory.swap.current` (`kernel` absent
    /// before 5.18: `kernel_stack + pagetables + percpu + vmalloc + slab_unreclaimable`).
    /// v1: `total_rss + total_shmem + total_swap` — v1 has no clean unreclaimable kernel
    /// figure (`usage − rss − cache` grows with the page cache), so a pure kernel-memory leak is
    /// invisible on v1. Falls back to the working set when `memory.stat` is absent.
    #[must_use]
    pub fn unreclaimable_bytes(&self) -> u64 {
        let swap = self.swap_bytes.unwrap_or(0);
        match &self.stat {
            Stat::V2(s) => {
                let kernel = match s.kernel {
                    Some(k) => k.saturating_sub(s.slab_reclaimable.unwrap_or(0)),
                    None => [
                        s.kernel_stack,
                        s.pagetables,
                        s.percpu,
                        s.vmalloc,
                        s.slab_unreclaimable,
                    ]
                    .iter()
                    .map(|v| v.unwrap_or(0))
                    .fold(0u64, u64::saturating_add),
                };
                s.anon
                    .unwrap_or(0)
                    .saturating_add(s.shmem.unwrap_or(0))
                    .saturating_add(kernel)
                    .saturating_add(swap)
            }
            Stat::V1(_) => self
                .anon_bytes
                .unwrap_or(0)
                .saturating_add(self.shmem_bytes.unwrap_or(0))
                .saturating_add(swap),
            Stat::None => self.working_set_bytes,
        }
    }

    /// Every `memory.stat` key with its value, named fields first (kernel order), then the
    /// unknown keys kept in [`Snapshot::extra_stat`]. Allocation-free.
    pub fn stat_entries(&self) -> impl Iterator<Item = (&str, u64)> + '_ {
        let (a, b) = match &self.stat {
            Stat::V1(s) => (Some(s.fields()), None),
            Stat::V2(s) => (None, Some(s.fields())),
            Stat::None => (None, None),
        };
        a.into_iter()
            .flatten()
            .chain(b.into_iter().flatten())
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .chain(self.extra_stat.entries().iter().map(|e| (e.key(), e.value)))
    }
}

#[cfg(feature = "serde")]
mod ser {
    use super::Snapshot;
    use serde::ser::{SerializeMap, SerializeStruct};
    use serde::{Serialize, Serializer};

    struct StatMap<'a>(&'a Snapshot);

    impl Serialize for StatMap<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut m = s.serialize_map(None)?;
            for (k, v) in self.0.stat_entries() {
                m.serialize_entry(k, &v)?;
            }
            m.end()
        }
    }

    impl Serialize for Snapshot {
        /// The JSON shape of `memcg snapshot --json`: the DESIGN.md field names, `null` for
        /// absent or unlimited, `stat` as a key → value object.
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut st = s.serialize_struct("Snapshot", 15)?;
            st.serialize_field("version", &self.version.number())?;
            st.serialize_field("usage_bytes", &self.usage_bytes)?;
            st.serialize_field("limit_bytes", &self.limit_bytes.and_then(|l| l.bytes()))?;
            st.serialize_field(
                "effective_limit_bytes",
                &self.effective_limit_bytes.and_then(|l| l.bytes()),
            )?;
            st.serialize_field("peak_bytes", &self.peak_bytes)?;
            st.serialize_field("working_set_bytes", &self.working_set_bytes)?;
            st.serialize_field("anon_bytes", &self.anon_bytes)?;
            st.serialize_field("file_bytes", &self.file_bytes)?;
            st.serialize_field("shmem_bytes", &self.shmem_bytes)?;
            st.serialize_field("swap_bytes", &self.swap_bytes)?;
            st.serialize_field("oom_kills", &self.oom_kills)?;
            st.serialize_field("max_events", &self.max_events)?;
            st.serialize_field("high_events", &self.high_events)?;
            st.serialize_field("pressure", &self.pressure.map(PressureJson))?;
            st.serialize_field("stat", &StatMap(self))?;
            st.end()
        }
    }

    struct PressureJson(crate::Pressure);

    impl Serialize for PressureJson {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut st = s.serialize_struct("Pressure", 2)?;
            st.serialize_field("some", &self.0.some)?;
            st.serialize_field("full", &self.0.full)?;
            st.end()
        }
    }
}
