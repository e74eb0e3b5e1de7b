//! cgroup v2 memory files: one type per file.
//!
//! Units: every `memory.*` size is in **bytes**; event files count events. `max` in a limit
//! file means unlimited ([`Limit::Unlimited`]). See `docs/formats.md` for the kernel versions
//! that print each key.

use crate::error::{FileKind, ParseError};
use crate::keyed::{keyed_file, keyed_storage, single_value, Slot};
use crate::numa::{parse_numa, NumaLines};
#[allow(unused_imports)]
use crate::Limit;

single_value!(
    /// `memory.current`: memory charged to the cgroup and its descendants, bytes.
    MemoryCurrent, u64, FileKind::V2MemoryCurrent
);
single_value!(
    /// `memory.min`: hard memory protection, bytes or `max`.
    MemoryMin, limit_v2, FileKind::V2MemoryMin
);
single_value!(
    /// `memory.low`: best-effort memory protection, bytes or `max`.
    MemoryLow, limit_v2, FileKind::V2MemoryLow
);
single_value!(
    /// `memory.high`: throttling limit, bytes or `max`. Above it the cgroup is throttled and
    /// reclaimed hard, but not OOM-killed.
    MemoryHigh, limit_v2, FileKind::V2MemoryHigh
);
single_value!(
    /// `memory.max`: hard limit, bytes or `max`. Above it the OOM killer runs.
    MemoryMax, limit_v2, FileKind::V2MemoryMax
);
single_value!(
    /// `memory.peak`: the highest `memory.current` seen (kernel ≥ 5.19), bytes.
    MemoryPeak, u64, FileKind::V2MemoryPeak
);
single_value!(
    /// `memory.oom.group`: 1 if the OOM killer kills the whole cgroup at once, else 0.
    MemoryOomGroup, u64, FileKind::V2MemoryOomGroup
);
single_value!(
    /// `memory.swap.current`: swap used by the cgroup and its descendants, bytes.
    MemorySwapCurrent, u64, FileKind::V2MemorySwapCurrent
);
single_value!(
    /// `memory.swap.high`: swap throttling limit (kernel ≥ 5.8), bytes or `max`.
    MemorySwapHigh, limit_v2, FileKind::V2MemorySwapHigh
);
single_value!(
    /// `memory.swap.max`: swap hard limit, bytes or `max`.
    MemorySwapMax, limit_v2, FileKind::V2MemorySwapMax
);
single_value!(
    /// `memory.swap.peak`: the highest `memory.swap.current` seen (kernel ≥ 6.5), bytes.
    MemorySwapPeak, u64, FileKind::V2MemorySwapPeak
);
single_value!(
    /// `memory.zswap.current`: memory used by zswap (kernel ≥ 5.19), bytes.
    MemoryZswapCurrent, u64, FileKind::V2MemoryZswapCurrent
);
single_value!(
    /// `memory.zswap.max`: zswap limit (kernel ≥ 5.19), bytes or `max`.
    MemoryZswapMax, limit_v2, FileKind::V2MemoryZswapMax
);

keyed_file! {
    /// `memory.stat` (v2): the breakdown of the cgroup's memory. Sizes in bytes, the `pg*`,
    /// `workingset_*`, `thp_*`, `numa_*` and `zswp*` keys in events.
    ///
    /// ```
    /// let s = memcg_core::v2::MemoryStat::parse(b"anon 4096\nfile 8192\nnew_key 1\n")?;
    /// assert_eq!((s.anon, s.file, s.shmem), (Some(4096), Some(8192), None));
    /// assert_eq!(s.unknown_keys, 1);
    /// # Ok::<(), memcg_core::ParseError>(())
    /// ```
    pub struct MemoryStat(FileKind::V2MemoryStat) {
        /// `anon`: Anonymous memory (mmap, brk, stacks), bytes.
        anon,
        /// `file`: Page cache (file-backed memory, tmpfs/shmem included), bytes.
        file,
        /// `kernel`: All kernel memory charged to the cgroup (kernel ≥ 5.18), bytes.
        kernel,
        /// `kernel_stack`: Kernel stacks, bytes.
        kernel_stack,
        /// `pagetables`: Page tables, bytes.
        pagetables,
        /// `sec_pagetables`: Secondary page tables (KVM, IOMMU; kernel ≥ 6.1), bytes.
        sec_pagetables,
        /// `percpu`: Per-CPU kernel data structures, bytes.
        percpu,
        /// `sock`: Network transmission buffers, bytes.
        sock,
        /// `vmalloc`: vmalloc'ed kernel memory (kernel ≥ 5.17), bytes.
        vmalloc,
        /// `shmem`: Swap-backed file memory: tmpfs, shm segments, shared anonymous mmap, bytes.
        shmem,
        /// `zswap`: Memory used by the zswap compression backend, bytes.
        zswap,
        /// `zswapped`: Application memory swapped out to zswap, bytes.
        zswapped,
        /// `file_mapped`: Page cache mapped with mmap, bytes.
        file_mapped,
        /// `file_dirty`: Page cache modified but not yet written back, bytes.
        file_dirty,
        /// `file_writeback`: Page cache being written back, bytes.
        file_writeback,
        /// `swapcached`: Swap cached in memory, bytes.
        swapcached,
        /// `anon_thp`: Anonymous memory backed by transparent huge pages, bytes.
        anon_thp,
        /// `file_thp`: Page cache backed by transparent huge pages, bytes.
        file_thp,
        /// `shmem_thp`: shm, tmpfs, shared anonymous mmap backed by transparent huge pages, bytes.
        shmem_thp,
        /// `inactive_anon`: Anonymous and swap-backed memory on the inactive LRU list, bytes.
        inactive_anon,
        /// `active_anon`: Anonymous and swap-backed memory on the active LRU list, bytes.
        active_anon,
        /// `inactive_file`: File-backed memory on the inactive LRU list (reclaimed first), bytes.
        inactive_file,
        /// `active_file`: File-backed memory on the active LRU list, bytes.
        active_file,
        /// `unevictable`: Unevictable memory (mlocked, ramfs), bytes.
        unevictable,
        /// `slab_reclaimable`: Reclaimable slab (dentries, inodes), bytes.
        slab_reclaimable,
        /// `slab_unreclaimable`: Unreclaimable slab, bytes.
        slab_unreclaimable,
        /// `slab`: slab_reclaimable + slab_unreclaimable, bytes.
        slab,
        /// `workingset_refault`: Refaults of previously evicted pages (kernel < 5.9), events.
        workingset_refault,
        /// `workingset_refault_anon`: Refaults of previously evicted anonymous pages, events.
        workingset_refault_anon,
        /// `workingset_refault_file`: Refaults of previously evicted file pages, events.
        workingset_refault_file,
        /// `workingset_activate`: Refaulted pages immediately activated (kernel < 5.9), events.
        workingset_activate,
        /// `workingset_activate_anon`: Refaulted anonymous pages immediately activated, events.
        workingset_activate_anon,
        /// `workingset_activate_file`: Refaulted file pages immediately activated, events.
        workingset_activate_file,
        /// `workingset_restore`: Restored pages detected as active workingset (kernel < 5.9), events.
        workingset_restore,
        /// `workingset_restore_anon`: Restored anonymous pages detected as active workingset, events.
        workingset_restore_anon,
        /// `workingset_restore_file`: Restored file pages detected as active workingset, events.
        workingset_restore_file,
        /// `workingset_nodereclaim`: Shadow-node reclaims, events.
        workingset_nodereclaim,
        /// `pgscan`: Pages scanned (inactive LRU), events.
        pgscan,
        /// `pgsteal`: Pages reclaimed, events.
        pgsteal,
        /// `pgscan_kswapd`: Pages scanned by kswapd, events.
        pgscan_kswapd,
        /// `pgscan_direct`: Pages scanned directly, events.
        pgscan_direct,
        /// `pgscan_khugepaged`: Pages scanned by khugepaged, events.
        pgscan_khugepaged,
        /// `pgsteal_kswapd`: Pages reclaimed by kswapd, events.
        pgsteal_kswapd,
        /// `pgsteal_direct`: Pages reclaimed directly, events.
        pgsteal_direct,
        /// `pgsteal_khugepaged`: Pages reclaimed by khugepaged, events.
        pgsteal_khugepaged,
        /// `pgfault`: Page faults, events.
        pgfault,
        /// `pgmajfault`: Major page faults, events.
        pgmajfault,
        /// `pgrefill`: Pages scanned (active LRU), events.
        pgrefill,
        /// `pgactivate`: Pages moved to the active LRU, events.
        pgactivate,
        /// `pgdeactivate`: Pages moved to the inactive LRU, events.
        pgdeactivate,
        /// `pglazyfree`: Pages postponed to be freed under pressure, events.
        pglazyfree,
        /// `pglazyfreed`: Reclaimed lazyfree pages, events.
        pglazyfreed,
        /// `swpin_zero`: Zero pages swapped in without I/O (kernel ≥ 6.12), events.
        swpin_zero,
        /// `swpout_zero`: Zero pages swapped out without I/O (kernel ≥ 6.12), events.
        swpout_zero,
        /// `zswpin`: Pages moved in from zswap, events.
        zswpin,
        /// `zswpout`: Pages moved out to zswap, events.
        zswpout,
        /// `zswpwb`: Pages written back from zswap to swap, events.
        zswpwb,
        /// `thp_fault_alloc`: Transparent huge pages allocated on fault, events.
        thp_fault_alloc,
        /// `thp_collapse_alloc`: Transparent huge pages allocated by collapsing, events.
        thp_collapse_alloc,
        /// `thp_swpout`: Transparent huge pages swapped out in one piece, events.
        thp_swpout,
        /// `thp_swpout_fallback`: Transparent huge pages split before swap-out, events.
        thp_swpout_fallback,
        /// `numa_pages_migrated`: Pages migrated by NUMA balancing, events.
        numa_pages_migrated,
        /// `numa_pte_updates`: PTEs marked for NUMA hinting faults, events.
        numa_pte_updates,
        /// `numa_hint_faults`: NUMA hinting faults, events.
        numa_hint_faults,
        /// `pgdemote_kswapd`: Pages demoted by kswapd, events.
        pgdemote_kswapd,
        /// `pgdemote_direct`: Pages demoted directly, events.
        pgdemote_direct,
        /// `pgdemote_khugepaged`: Pages demoted by khugepaged, events.
        pgdemote_khugepaged,
        /// `pgpromote_success`: Pages promoted to a faster tier, events.
        pgpromote_success,
        /// `hugetlb`: HugeTLB memory charged (memory_hugetlb_accounting mount option), bytes.
        hugetlb,
    }
}

keyed_file! {
    /// `memory.events`: event counts for the cgroup and its descendants (`memory.events.local`
    /// has the same keys, for this cgroup only: see [`MemoryEventsLocal`]).
    ///
    /// ```
    /// let e = memcg_core::v2::MemoryEvents::parse(b"low 0\nhigh 3\nmax 2\noom 1\noom_kill 1\n")?;
    /// assert_eq!((e.high, e.oom_kill, e.oom_group_kill), (Some(3), Some(1), None));
    /// # Ok::<(), memcg_core::ParseError>(())
    /// ```
    pub struct MemoryEvents(FileKind::V2MemoryEvents) {
        /// `low`: times usage was below `memory.low` yet reclaimed under high pressure.
        low,
        /// `high`: times the cgroup was throttled above `memory.high`.
        high,
        /// `max`: times usage was about to exceed `memory.max`.
        max,
        /// `oom`: times the cgroup hit its limit and an allocation was about to fail.
        oom,
        /// `oom_kill`: processes killed by the OOM killer (kernel ≥ 4.13).
        oom_kill,
        /// `oom_group_kill`: group OOM kills (kernel ≥ 5.17).
        oom_group_kill,
        /// `sock_throttled`: network sockets throttled by memory pressure (kernel ≥ 6.15).
        sock_throttled,
    }
}

keyed_file! {
    /// `memory.events.local`: like [`MemoryEvents`], for this cgroup only.
    pub struct MemoryEventsLocal(FileKind::V2MemoryEventsLocal) {
        /// `low`: see [`MemoryEvents::low`].
        low,
        /// `high`: see [`MemoryEvents::high`].
        high,
        /// `max`: see [`MemoryEvents::max`].
        max,
        /// `oom`: see [`MemoryEvents::oom`].
        oom,
        /// `oom_kill`: see [`MemoryEvents::oom_kill`].
        oom_kill,
        /// `oom_group_kill`: see [`MemoryEvents::oom_group_kill`].
        oom_group_kill,
        /// `sock_throttled`: see [`MemoryEvents::sock_throttled`].
        sock_throttled,
    }
}

keyed_file! {
    /// `memory.swap.events`: swap event counts.
    pub struct MemorySwapEvents(FileKind::V2MemorySwapEvents) {
        /// `high`: times swap usage went over `memory.swap.high`.
        high,
        /// `max`: times swap usage was about to go over `memory.swap.max`.
        max,
        /// `fail`: times a swap allocation failed.
        fail,
    }
}

keyed_file! {
    /// `cgroup.stat`: descendant counts.
    pub struct CgroupStat(FileKind::V2CgroupStat) {
        /// `nr_descendants`: live descendant cgroups.
        nr_descendants,
        /// `nr_dying_descendants`: removed descendants still holding resources.
        nr_dying_descendants,
        /// `nr_subsys_memory`: live memory-controller css in the subtree (kernel ≥ 6.11).
        nr_subsys_memory,
        /// `nr_dying_subsys_memory`: dying memory-controller css (kernel ≥ 6.11).
        nr_dying_subsys_memory,
    }
}

keyed_storage! {
    /// `memory.numa_stat` (v2): per-NUMA-node breakdown, in **bytes**. Each field holds the
    /// sum over the nodes; `nodes` is the node count of the widest line; the per-node values
    /// are read with [`NumaStat::lines`].
    ///
    /// ```
    /// let n = memcg_core::v2::NumaStat::parse(b"anon N0=4096 N1=8192\nfile N0=0 N1=4096\n")?;
    /// assert_eq!((n.anon, n.file, n.nodes), (Some(12288), Some(4096), 2));
    /// # Ok::<(), memcg_core::ParseError>(())
    /// ```
    pub struct NumaStat(FileKind::V2MemoryNumaStat) {
        /// `anon`, bytes.
        anon,
        /// `file`, bytes.
        file,
        /// `kernel_stack`, bytes.
        kernel_stack,
        /// `pagetables`, bytes.
        pagetables,
        /// `sec_pagetables`, bytes.
        sec_pagetables,
        /// `shmem`, bytes.
        shmem,
        /// `file_mapped`, bytes.
        file_mapped,
        /// `file_dirty`, bytes.
        file_dirty,
        /// `file_writeback`, bytes.
        file_writeback,
        /// `swapcached`, bytes.
        swapcached,
        /// `anon_thp`, bytes.
        anon_thp,
        /// `file_thp`, bytes.
        file_thp,
        /// `shmem_thp`, bytes.
        shmem_thp,
        /// `inactive_anon`, bytes.
        inactive_anon,
        /// `active_anon`, bytes.
        active_anon,
        /// `inactive_file`, bytes.
        inactive_file,
        /// `active_file`, bytes.
        active_file,
        /// `unevictable`, bytes.
        unevictable,
        /// `slab_reclaimable`, bytes.
        slab_reclaimable,
        /// `slab_unreclaimable`, bytes.
        slab_unreclaimable,
        /// `hugetlb`, bytes.
        hugetlb;
        /// The number of nodes on the widest line.
        nodes: u32,
    }
}

impl NumaStat {
    /// Parses a v2 `memory.numa_stat`. Every `N<id>=<bytes>` token is checked.
    ///
    /// # Errors
    /// [`ParseError`] naming the line and byte offset of the first bad token.
    pub fn parse(input: &[u8]) -> Result<Self, ParseError> {
        let mut s = NumaStat::default();
        let mut nodes = 0u32;
        parse_numa(FileKind::V2MemoryNumaStat, input, |k, total, n| {
            nodes = nodes.max(n);
            s.set(k, total) == Slot::Duplicate
        })?;
        s.nodes = nodes;
        Ok(s)
    }

    /// Borrowing iterator over the lines of `input`, with per-node values.
    #[must_use]
    pub fn lines(input: &[u8]) -> NumaLines<'_> {
        NumaLines::new(FileKind::V2MemoryNumaStat, input)
    }
}

impl core::fmt::Display for NumaStat {
    /// Renders the totals as a one-node file (`key N0=<bytes>`): per-node values are not kept.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for (k, v) in self.fields() {
            if let Some(v) = v {
                writeln!(f, "{k} N0={v}")?;
            }
        }
        Ok(())
    }
}
