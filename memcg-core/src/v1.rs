//! cgroup v1 memory files: one type per file.
//!
//! Units: sizes in **bytes**, except `memory.numa_stat`, which counts **pages**. Limit files
//! read values at or above 2^62 as [`Limit::Unlimited`] (the kernel prints
//! `PAGE_COUNTER_MAX × PAGE_SIZE`, which depends on the page size). A negative counter in
//! `memory.stat` (per-CPU drift on real kernels prints e.g. `dirty -307200`) reads as 0.

use crate::error::{FileKind, ParseError};
use crate::keyed::{keyed_file, keyed_storage, single_value, Slot};
use crate::numa::{parse_numa, NumaLines};
#[allow(unused_imports)]
use crate::Limit;

single_value!(
    /// `memory.usage_in_bytes`: memory charged to the cgroup (and its descendants when `use_hierarchy` is 1), bytes. The kernel reports it from per-CPU counters, so it is approximate.
    UsageInBytes, u64, FileKind::V1UsageInBytes
);
single_value!(
    /// `memory.limit_in_bytes`: hard limit, bytes; ≥ 2^62 reads as unlimited.
    LimitInBytes, limit_v1, FileKind::V1LimitInBytes
);
single_value!(
    /// `memory.max_usage_in_bytes`: the highest usage recorded, bytes.
    MaxUsageInBytes, u64, FileKind::V1MaxUsageInBytes
);
single_value!(
    /// `memory.failcnt`: times usage hit the limit, events.
    Failcnt, u64, FileKind::V1Failcnt
);
single_value!(
    /// `memory.soft_limit_in_bytes`: soft limit, bytes; ≥ 2^62 reads as unlimited.
    SoftLimitInBytes, limit_v1, FileKind::V1SoftLimitInBytes
);
single_value!(
    /// `memory.memsw.usage_in_bytes`: memory + swap charged, bytes (needs swap accounting).
    MemswUsageInBytes, u64, FileKind::V1MemswUsageInBytes
);
single_value!(
    /// `memory.memsw.limit_in_bytes`: memory + swap limit, bytes; ≥ 2^62 reads as unlimited.
    MemswLimitInBytes, limit_v1, FileKind::V1MemswLimitInBytes
);
single_value!(
    /// `memory.memsw.max_usage_in_bytes`: highest memory + swap usage, bytes.
    MemswMaxUsageInBytes, u64, FileKind::V1MemswMaxUsageInBytes
);
single_value!(
    /// `memory.memsw.failcnt`: times memory + swap hit its limit, events.
    MemswFailcnt, u64, FileKind::V1MemswFailcnt
);
single_value!(
    /// `memory.kmem.usage_in_bytes`: kernel memory charged, bytes.
    KmemUsageInBytes, u64, FileKind::V1KmemUsageInBytes
);
single_value!(
    /// `memory.kmem.limit_in_bytes`: kernel memory limit (deprecated in 5.4+), bytes.
    KmemLimitInBytes, limit_v1, FileKind::V1KmemLimitInBytes
);
single_value!(
    /// `memory.kmem.max_usage_in_bytes`: highest kernel memory usage, bytes.
    KmemMaxUsageInBytes, u64, FileKind::V1KmemMaxUsageInBytes
);
single_value!(
    /// `memory.kmem.failcnt`: times kernel memory hit its limit, events.
    KmemFailcnt, u64, FileKind::V1KmemFailcnt
);
single_value!(
    /// `memory.kmem.tcp.usage_in_bytes`: TCP buffer memory, bytes.
    KmemTcpUsageInBytes, u64, FileKind::V1KmemTcpUsageInBytes
);
single_value!(
    /// `memory.kmem.tcp.limit_in_bytes`: TCP buffer memory limit, bytes.
    KmemTcpLimitInBytes, limit_v1, FileKind::V1KmemTcpLimitInBytes
);
single_value!(
    /// `memory.kmem.tcp.max_usage_in_bytes`: highest TCP buffer memory, bytes.
    KmemTcpMaxUsageInBytes, u64, FileKind::V1KmemTcpMaxUsageInBytes
);
single_value!(
    /// `memory.kmem.tcp.failcnt`: times TCP buffer memory hit its limit, events.
    KmemTcpFailcnt, u64, FileKind::V1KmemTcpFailcnt
);
single_value!(
    /// `memory.swappiness`: 0..=200 (100 before 5.8), a ratio.
    Swappiness, u64, FileKind::V1Swappiness
);
single_value!(
    /// `memory.use_hierarchy`: 1 if usage and limits cover descendants (always 1 since 5.x), else 0.
    UseHierarchy, u64, FileKind::V1UseHierarchy
);

keyed_file! {
    /// `memory.stat` (v1): the cgroup's memory breakdown. Plain keys cover this cgroup only;
    /// `total_*` keys cover the cgroup and its descendants (when `use_hierarchy` is 1). Sizes
    /// in bytes, `pg*` and `workingset_*` in events.
    ///
    /// ```
    /// let s = memcg_core::v1::MemoryStat::parse(b"cache 4096\nrss 8192\ndirty -307200\ntotal_rss 8192\n")?;
    /// assert_eq!((s.rss, s.total_rss, s.dirty, s.swap), (Some(8192), Some(8192), Some(0), None));
    /// # Ok::<(), memcg_core::ParseError>(())
    /// ```
    pub struct MemoryStat(FileKind::V1MemoryStat) {
        /// `cache`: Page cache, including tmpfs (shmem), bytes.
        cache,
        /// `rss`: Anonymous and swap cache memory (not tmpfs), bytes.
        rss,
        /// `rss_huge`: Anonymous transparent huge pages, bytes.
        rss_huge,
        /// `shmem`: Page cache that is swap-backed (tmpfs, shm), bytes.
        shmem,
        /// `mapped_file`: Mapped file memory, bytes.
        mapped_file,
        /// `dirty`: Page cache waiting to be written back, bytes.
        dirty,
        /// `writeback`: Page cache being written back, bytes.
        writeback,
        /// `swap`: Swap used, bytes (absent when swap accounting is off).
        swap,
        /// `swapcached`: Swap cached in memory, bytes.
        swapcached,
        /// `pgpgin`: Pages charged to the cgroup, events.
        pgpgin,
        /// `pgpgout`: Pages uncharged from the cgroup, events.
        pgpgout,
        /// `pgfault`: Page faults, events.
        pgfault,
        /// `pgmajfault`: Major page faults, events.
        pgmajfault,
        /// `inactive_anon`: Anonymous and swap cache memory on the inactive LRU list, bytes.
        inactive_anon,
        /// `active_anon`: Anonymous and swap cache memory on the active LRU list, bytes.
        active_anon,
        /// `inactive_file`: File-backed memory on the inactive LRU list, bytes.
        inactive_file,
        /// `active_file`: File-backed memory on the active LRU list, bytes.
        active_file,
        /// `unevictable`: Memory that cannot be reclaimed (mlocked), bytes.
        unevictable,
        /// `workingset_refault`: Refaults (kernel < 5.9), events.
        workingset_refault,
        /// `workingset_refault_anon`: Anonymous refaults, events.
        workingset_refault_anon,
        /// `workingset_refault_file`: File refaults, events.
        workingset_refault_file,
        /// `workingset_activate`: Refaulted pages activated (kernel < 5.9), events.
        workingset_activate,
        /// `workingset_activate_anon`: Refaulted anonymous pages activated, events.
        workingset_activate_anon,
        /// `workingset_activate_file`: Refaulted file pages activated, events.
        workingset_activate_file,
        /// `workingset_restore`: Restored pages (kernel < 5.9), events.
        workingset_restore,
        /// `workingset_restore_anon`: Restored anonymous pages, events.
        workingset_restore_anon,
        /// `workingset_restore_file`: Restored file pages, events.
        workingset_restore_file,
        /// `workingset_nodereclaim`: Shadow-node reclaims, events.
        workingset_nodereclaim,
        /// `hierarchical_memory_limit`: the smallest `memory.limit_in_bytes` over this cgroup and its ancestors, bytes (≥ 2^62 means unlimited).
        hierarchical_memory_limit,
        /// `hierarchical_memsw_limit`: the same for memory+swap, bytes.
        hierarchical_memsw_limit,
        /// `total_cache`: Hierarchical (this cgroup and its descendants). Page cache, including tmpfs (shmem), bytes.
        total_cache,
        /// `total_rss`: Hierarchical (this cgroup and its descendants). Anonymous and swap cache memory (not tmpfs), bytes.
        total_rss,
        /// `total_rss_huge`: Hierarchical (this cgroup and its descendants). Anonymous transparent huge pages, bytes.
        total_rss_huge,
        /// `total_shmem`: Hierarchical (this cgroup and its descendants). Page cache that is swap-backed (tmpfs, shm), bytes.
        total_shmem,
        /// `total_mapped_file`: Hierarchical (this cgroup and its descendants). Mapped file memory, bytes.
        total_mapped_file,
        /// `total_dirty`: Hierarchical (this cgroup and its descendants). Page cache waiting to be written back, bytes.
        total_dirty,
        /// `total_writeback`: Hierarchical (this cgroup and its descendants). Page cache being written back, bytes.
        total_writeback,
        /// `total_swap`: Hierarchical (this cgroup and its descendants). Swap used, bytes (absent when swap accounting is off).
        total_swap,
        /// `total_swapcached`: Hierarchical (this cgroup and its descendants). Swap cached in memory, bytes.
        total_swapcached,
        /// `total_pgpgin`: Hierarchical (this cgroup and its descendants). Pages charged to the cgroup, events.
        total_pgpgin,
        /// `total_pgpgout`: Hierarchical (this cgroup and its descendants). Pages uncharged from the cgroup, events.
        total_pgpgout,
        /// `total_pgfault`: Hierarchical (this cgroup and its descendants). Page faults, events.
        total_pgfault,
        /// `total_pgmajfault`: Hierarchical (this cgroup and its descendants). Major page faults, events.
        total_pgmajfault,
        /// `total_inactive_anon`: Hierarchical (this cgroup and its descendants). Anonymous and swap cache memory on the inactive LRU list, bytes.
        total_inactive_anon,
        /// `total_active_anon`: Hierarchical (this cgroup and its descendants). Anonymous and swap cache memory on the active LRU list, bytes.
        total_active_anon,
        /// `total_inactive_file`: Hierarchical (this cgroup and its descendants). File-backed memory on the inactive LRU list, bytes.
        total_inactive_file,
        /// `total_active_file`: Hierarchical (this cgroup and its descendants). File-backed memory on the active LRU list, bytes.
        total_active_file,
        /// `total_unevictable`: Hierarchical (this cgroup and its descendants). Memory that cannot be reclaimed (mlocked), bytes.
        total_unevictable,
        /// `total_workingset_refault`: Hierarchical (this cgroup and its descendants). Refaults (kernel < 5.9), events.
        total_workingset_refault,
        /// `total_workingset_refault_anon`: Hierarchical (this cgroup and its descendants). Anonymous refaults, events.
        total_workingset_refault_anon,
        /// `total_workingset_refault_file`: Hierarchical (this cgroup and its descendants). File refaults, events.
        total_workingset_refault_file,
        /// `total_workingset_activate`: Hierarchical (this cgroup and its descendants). Refaulted pages activated (kernel < 5.9), events.
        total_workingset_activate,
        /// `total_workingset_activate_anon`: Hierarchical (this cgroup and its descendants). Refaulted anonymous pages activated, events.
        total_workingset_activate_anon,
        /// `total_workingset_activate_file`: Hierarchical (this cgroup and its descendants). Refaulted file pages activated, events.
        total_workingset_activate_file,
        /// `total_workingset_restore`: Hierarchical (this cgroup and its descendants). Restored pages (kernel < 5.9), events.
        total_workingset_restore,
        /// `total_workingset_restore_anon`: Hierarchical (this cgroup and its descendants). Restored anonymous pages, events.
        total_workingset_restore_anon,
        /// `total_workingset_restore_file`: Hierarchical (this cgroup and its descendants). Restored file pages, events.
        total_workingset_restore_file,
        /// `total_workingset_nodereclaim`: Hierarchical (this cgroup and its descendants). Shadow-node reclaims, events.
        total_workingset_nodereclaim,
    }
}

impl MemoryStat {
    /// `hierarchical_memory_limit` with the v1 unlimited rule applied.
    #[must_use]
    pub fn hierarchical_limit(&self) -> Option<Limit> {
        self.hierarchical_memory_limit.map(Limit::from_v1_bytes)
    }
}

keyed_file! {
    /// `memory.oom_control`.
    ///
    /// ```
    /// let o = memcg_core::v1::OomControl::parse(b"oom_kill_disable 0\nunder_oom 0\noom_kill 3\n")?;
    /// assert_eq!(o.oom_kill, Some(3));
    /// # Ok::<(), memcg_core::ParseError>(())
    /// ```
    pub struct OomControl(FileKind::V1OomControl) {
        /// `oom_kill_disable`: 1 if the OOM killer is disabled for this cgroup.
        oom_kill_disable,
        /// `under_oom`: 1 while the cgroup is under OOM (tasks paused).
        under_oom,
        /// `oom_kill`: processes killed by the OOM killer (kernel ≥ 4.13), events.
        oom_kill,
    }
}

keyed_storage! {
    /// `memory.numa_stat` (v1): per-NUMA-node page counts, in **pages** (not bytes). Each field
    /// holds the `key=<total>` value of its line; per-node values are read with
    /// [`NumaStat::lines`]. Lines without `=` (custom kernels' `numa_locality`,
    /// `numa_exectime`) are counted in `foreign_lines` and kept readable, not errors.
    ///
    /// ```
    /// let n = memcg_core::v1::NumaStat::parse(b"total=10 N0=4 N1=6\nanon=3 N0=1 N1=2\n")?;
    /// assert_eq!((n.total, n.anon, n.nodes), (Some(10), Some(3), 2));
    /// # Ok::<(), memcg_core::ParseError>(())
    /// ```
    pub struct NumaStat(FileKind::V1MemoryNumaStat) {
        /// `total=`: all pages.
        total,
        /// `file=`: file-backed pages.
        file,
        /// `anon=`: anonymous pages.
        anon,
        /// `unevictable=`: unevictable pages.
        unevictable,
        /// `hierarchical_total=`: all pages, with descendants.
        hierarchical_total,
        /// `hierarchical_file=`: file-backed pages, with descendants.
        hierarchical_file,
        /// `hierarchical_anon=`: anonymous pages, with descendants.
        hierarchical_anon,
        /// `hierarchical_unevictable=`: unevictable pages, with descendants.
        hierarchical_unevictable;
        /// The number of nodes on the widest line.
        nodes: u32,
        /// Lines without `key=` (custom kernels' extra statistics).
        foreign_lines: u32,
    }
}

impl NumaStat {
    /// Parses a v1 `memory.numa_stat`. Every `N<id>=<pages>` token is checked.
    ///
    /// # Errors
    /// [`ParseError`] naming the line and byte offset of the first bad token.
    pub fn parse(input: &[u8]) -> Result<Self, ParseError> {
        let mut s = NumaStat::default();
        let mut nodes = 0u32;
        let foreign = parse_numa(FileKind::V1MemoryNumaStat, input, |k, total, n| {
            nodes = nodes.max(n);
            s.set(k, total) == Slot::Duplicate
        })?;
        s.nodes = nodes;
        s.foreign_lines = foreign;
        Ok(s)
    }

    /// Borrowing iterator over the lines of `input`, with per-node values.
    #[must_use]
    pub fn lines(input: &[u8]) -> NumaLines<'_> {
        NumaLines::new(FileKind::V1MemoryNumaStat, input)
    }
}

impl core::fmt::Display for NumaStat {
    /// Renders the totals as a one-node file (`key=<pages> N0=<pages>`).
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for (k, v) in self.fields() {
            if let Some(v) = v {
                writeln!(f, "{k}={v} N0={v}")?;
            }
        }
        Ok(())
    }
}
