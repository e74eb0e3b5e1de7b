//! The baselines every memcg parser is measured against, in the same criterion group and on
//! the same bytes:
//!
//! - **naive**: what most Rust code does: `str::lines()` + `split_whitespace()` into a
//!   `HashMap<String, u64>` (allocates one `String` per key and the map).
//! - **cgroups-rs**: the `cgroups-rs` crate (0.3). Its one public flat-keyed parser,
//!   [`cgroups_rs::flat_keyed_to_hashmap`], takes a `std::fs::File`, not bytes: it is measured
//!   on a kept-open copy of the fixture ([`cgroups_rs_public_flat_keyed`], read included), and
//!   its parse loop is also measured alone on the same bytes ([`cgroups_rs_flat_keyed_loop`],
//!   copied verbatim from `cgroups-rs/src/lib.rs`, MIT OR Apache-2.0). Its `memory.stat`
//!   parser (`parse_memory_stat`) is private; it runs the same loop into a
//!   `HashMap<String, u64>`. For limits, its public [`cgroups_rs::parse_max_value`] is used.
//! - **scalar**: a hand-written parser written for this bench, the fastest obvious code with
//!   no validation: a `memchr` line scan, a `memchr` for the separator, a hand-rolled `u64`
//!   loop, and a `match` on the key into a fixed struct of the same `Option<u64>` fields
//!   memcg has. It skips malformed lines silently, reports no error positions, and does not
//!   detect duplicate keys, control bytes or overflow.
//! - **bare u64**: for single-value files, `str::from_utf8` + `trim_end` + `str::parse::<u64>`
//!   (the "bare" parse), and a hand-rolled digit loop.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek};

use memchr::memchr;

/// The naive flat-keyed parse: `lines()` + `split_whitespace()` + `HashMap<String, u64>`.
/// Bad lines are skipped.
#[must_use]
pub fn naive_keyed(input: &[u8]) -> HashMap<String, u64> {
    let mut map = HashMap::new();
    let Ok(text) = std::str::from_utf8(input) else {
        return map;
    };
    for line in text.lines() {
        let mut it = line.split_whitespace();
        if let (Some(k), Some(v)) = (it.next(), it.next()) {
            if let Ok(v) = v.parse::<u64>() {
                map.insert(k.to_string(), v);
            }
        }
    }
    map
}

/// The naive nested-keyed parse (`memory.numa_stat`): one inner map per line.
#[must_use]
pub fn naive_nested(input: &[u8]) -> HashMap<String, HashMap<String, u64>> {
    let mut map = HashMap::new();
    let Ok(text) = std::str::from_utf8(input) else {
        return map;
    };
    for line in text.lines() {
        let mut it = line.split_whitespace();
        let Some(k) = it.next() else { continue };
        let mut inner = HashMap::new();
        for tok in it {
            if let Some((n, v)) = tok.split_once('=') {
                if let Ok(v) = v.parse::<u64>() {
                    inner.insert(n.to_string(), v);
                }
            }
        }
        map.insert(k.to_string(), inner);
    }
    map
}

/// The naive PSI parse: `split_whitespace()`, `split_once('=')`, `str::parse::<f64>()` into a
/// map per line.
#[must_use]
pub fn naive_pressure(input: &[u8]) -> HashMap<String, HashMap<String, f64>> {
    let mut map = HashMap::new();
    let Ok(text) = std::str::from_utf8(input) else {
        return map;
    };
    for line in text.lines() {
        let mut it = line.split_whitespace();
        let Some(k) = it.next() else { continue };
        let mut inner = HashMap::new();
        for tok in it {
            if let Some((n, v)) = tok.split_once('=') {
                if let Ok(v) = v.parse::<f64>() {
                    inner.insert(n.to_string(), v);
                }
            }
        }
        map.insert(k.to_string(), inner);
    }
    map
}

/// `cgroups-rs` 0.3's `flat_keyed_to_hashmap` parse loop, verbatim, on a `&str` (the public
/// function reads a `File` into a `String` first and then runs exactly this).
#[must_use]
pub fn cgroups_rs_flat_keyed_loop(content: &str) -> HashMap<String, i64> {
    let mut h = HashMap::new();
    for line in content.lines() {
        let parts: Vec<&str> = line.split(' ').collect();
        if parts.len() == 2 {
            if let Ok(i) = parts[1].parse::<i64>() {
                h.insert(parts[0].to_string(), i);
            }
        }
    }
    h
}

/// `cgroups-rs` 0.3's `nested_keyed_to_hashmap` parse loop, verbatim, on a `&str`.
#[must_use]
pub fn cgroups_rs_nested_keyed_loop(content: &str) -> HashMap<String, HashMap<String, i64>> {
    let mut h = HashMap::new();
    for line in content.lines() {
        let parts: Vec<&str> = line.split(' ').collect();
        if parts.is_empty() {
            continue;
        }
        let mut th = HashMap::new();
        for item in parts[1..].iter() {
            let fields: Vec<&str> = item.split('=').collect();
            if fields.len() == 2 {
                if let Ok(i) = fields[1].parse::<i64>() {
                    th.insert(fields[0].to_string(), i);
                }
            }
        }
        h.insert(parts[0].to_string(), th);
    }
    h
}

/// The public `cgroups_rs::flat_keyed_to_hashmap`, which takes a `File` by value: `file` is a
/// kept-open copy of the fixture; each call duplicates the descriptor, rewinds it and lets
/// cgroups-rs read and parse it. The `dup`, `lseek`, `read` and `close` are part of the cost.
///
/// # Panics
/// If the descriptor cannot be duplicated or rewound.
#[must_use]
pub fn cgroups_rs_public_flat_keyed(file: &File) -> HashMap<String, i64> {
    let mut f = file.try_clone().expect("dup");
    f.rewind().expect("rewind");
    cgroups_rs::flat_keyed_to_hashmap(f).unwrap_or_default()
}

/// The I/O part of [`cgroups_rs_public_flat_keyed`] alone (dup, rewind, `read_to_string`,
/// close), so that its parse cost can be told apart.
///
/// # Panics
/// If the descriptor cannot be duplicated or rewound.
#[must_use]
pub fn file_read_to_string(file: &File) -> String {
    let mut f = file.try_clone().expect("dup");
    f.rewind().expect("rewind");
    let mut s = String::new();
    f.read_to_string(&mut s).expect("read");
    s
}

/// The scalar `/proc/<pid>/cgroup` parse: the path of the v1 `memory` entry and of the v2
/// `0::` entry, borrowed.
#[must_use]
pub fn scalar_proc_cgroup(input: &[u8]) -> (Option<&[u8]>, Option<&[u8]>) {
    let (mut v1, mut v2) = (None, None);
    let mut rest = input;
    while !rest.is_empty() {
        let end = memchr(b'\n', rest).unwrap_or(rest.len());
        let line = &rest[..end];
        rest = &rest[(end + 1).min(rest.len())..];
        let Some(a) = memchr(b':', line) else {
            continue;
        };
        let Some(b) = memchr(b':', &line[a + 1..]).map(|b| a + 1 + b) else {
            continue;
        };
        let ctrl = &line[a + 1..b];
        let path = &line[b + 1..];
        if ctrl.is_empty() && &line[..a] == b"0" {
            v2 = Some(path);
        } else if v1.is_none() && ctrl.split(|&c| c == b',').any(|c| c == b"memory") {
            v1 = Some(path);
        }
    }
    (v1, v2)
}

/// The naive `/proc/<pid>/cgroup` parse: owned strings for every entry.
#[must_use]
pub fn naive_proc_cgroup(input: &[u8]) -> Vec<(String, Vec<String>, String)> {
    let Ok(text) = std::str::from_utf8(input) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|l| {
            let mut it = l.splitn(3, ':');
            Some((
                it.next()?.to_string(),
                it.next()?.split(',').map(str::to_string).collect(),
                it.next()?.to_string(),
            ))
        })
        .collect()
}

/// The scalar mountinfo parse: counts the cgroup mounts (fs type `cgroup` or `cgroup2`).
#[must_use]
pub fn scalar_mountinfo(input: &[u8]) -> usize {
    let mut n = 0;
    let mut rest = input;
    while !rest.is_empty() {
        let end = memchr(b'\n', rest).unwrap_or(rest.len());
        let line = &rest[..end];
        rest = &rest[(end + 1).min(rest.len())..];
        let Some(sep) = memchr::memmem::find(line, b" - ") else {
            continue;
        };
        let fstype = line[sep + 3..]
            .split(|&b| b == b' ')
            .next()
            .unwrap_or_default();
        if fstype == b"cgroup" || fstype == b"cgroup2" {
            n += 1;
        }
    }
    n
}

/// The naive mountinfo parse: one `Vec<String>` of fields per mount.
#[must_use]
pub fn naive_mountinfo(input: &[u8]) -> Vec<Vec<String>> {
    let Ok(text) = std::str::from_utf8(input) else {
        return Vec::new();
    };
    text.lines()
        .map(|l| l.split_whitespace().map(str::to_string).collect())
        .collect()
}

/// A fixed struct the scalar baseline fills.
pub trait ScalarKeys: Default {
    /// Stores `value` under `key` if the struct has a field for it.
    fn set(&mut self, key: &[u8], value: u64);
}

/// Declares a fixed struct of `Option<u64>` fields and its `match`-on-key setter.
macro_rules! scalar_struct {
    ($(#[$m:meta])* $name:ident { $($f:ident : $lit:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub struct $name { $( pub $f: Option<u64>, )* }

        impl ScalarKeys for $name {
            #[inline]
            fn set(&mut self, key: &[u8], value: u64) {
                match key {
                    $( $lit => self.$f = Some(value), )*
                    _ => {}
                }
            }
        }
    };
}

/// The hand-rolled digit loop of the scalar baseline: no overflow check, no sign, stops at the
/// first non-digit.
#[inline]
#[must_use]
pub fn scalar_u64(s: &[u8]) -> u64 {
    let mut v: u64 = 0;
    for &b in s {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        v = v.wrapping_mul(10).wrapping_add(u64::from(d));
    }
    v
}

/// The scalar flat-keyed parser: `memchr` for `\n`, `memchr` for ` `, [`scalar_u64`], a
/// `match` on the key. Lines without a space are skipped.
#[inline]
#[must_use]
pub fn scalar_keyed<T: ScalarKeys>(input: &[u8]) -> T {
    let mut out = T::default();
    let mut rest = input;
    while !rest.is_empty() {
        let end = memchr(b'\n', rest).unwrap_or(rest.len());
        let line = &rest[..end];
        rest = &rest[(end + 1).min(rest.len())..];
        if let Some(sp) = memchr(b' ', line) {
            out.set(&line[..sp], scalar_u64(&line[sp + 1..]));
        }
    }
    out
}

/// One numa_stat line as the scalar baseline keeps it: the key, the sum over the nodes (or the
/// v1 `key=` total) and the node count.
#[derive(Debug, Clone, Copy, Default)]
pub struct ScalarNumaLine<'a> {
    /// The key.
    pub key: &'a [u8],
    /// The total.
    pub total: u64,
    /// The number of `N<id>=` tokens.
    pub nodes: u32,
}

/// The scalar numa_stat parser: up to 32 lines into a fixed array (no key lookup at all),
/// `memchr` for line ends and `=`, hand-rolled numbers.
#[must_use]
pub fn scalar_numa(input: &[u8]) -> [ScalarNumaLine<'_>; 32] {
    let mut out = [ScalarNumaLine::default(); 32];
    let mut n = 0;
    let mut rest = input;
    while !rest.is_empty() && n < out.len() {
        let end = memchr(b'\n', rest).unwrap_or(rest.len());
        let line = &rest[..end];
        rest = &rest[(end + 1).min(rest.len())..];
        let mut toks = line.split(|&b| b == b' ');
        let Some(first) = toks.next() else { continue };
        let (key, mut total, v1) = match memchr(b'=', first) {
            Some(eq) => (&first[..eq], scalar_u64(&first[eq + 1..]), true),
            None => (first, 0, false),
        };
        let mut nodes = 0;
        for t in toks {
            if let Some(eq) = memchr(b'=', t) {
                if !v1 {
                    total += scalar_u64(&t[eq + 1..]);
                }
                nodes += 1;
            }
        }
        out[n] = ScalarNumaLine { key, total, nodes };
        n += 1;
    }
    out
}

/// One PSI line as the scalar baseline keeps it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ScalarPsiLine {
    /// `avg10`.
    pub avg10: f64,
    /// `avg60`.
    pub avg60: f64,
    /// `avg300`.
    pub avg300: f64,
    /// `total`.
    pub total: u64,
}

fn scalar_decimal(s: &[u8]) -> f64 {
    match memchr(b'.', s) {
        Some(d) => {
            let frac = &s[d + 1..];
            scalar_u64(&s[..d]) as f64 + scalar_u64(frac) as f64 / 10f64.powi(frac.len() as i32)
        }
        None => scalar_u64(s) as f64,
    }
}

/// The scalar PSI parser: `some`/`full` lines, `key=value` tokens by position.
#[must_use]
pub fn scalar_pressure(input: &[u8]) -> [ScalarPsiLine; 2] {
    let mut out = [ScalarPsiLine::default(); 2];
    let mut rest = input;
    while !rest.is_empty() {
        let end = memchr(b'\n', rest).unwrap_or(rest.len());
        let line = &rest[..end];
        rest = &rest[(end + 1).min(rest.len())..];
        let mut toks = line.split(|&b| b == b' ');
        let slot = match toks.next() {
            Some(b"some") => 0,
            Some(b"full") => 1,
            _ => continue,
        };
        let l = &mut out[slot];
        for t in toks {
            let Some(eq) = memchr(b'=', t) else { continue };
            let v = &t[eq + 1..];
            match &t[..eq] {
                b"avg10" => l.avg10 = scalar_decimal(v),
                b"avg60" => l.avg60 = scalar_decimal(v),
                b"avg300" => l.avg300 = scalar_decimal(v),
                b"total" => l.total = scalar_u64(v),
                _ => {}
            }
        }
    }
    out
}

/// The bare `u64` parse of a single-value file: `from_utf8`, `trim_end`, `str::parse`.
#[inline]
#[must_use]
pub fn bare_u64(input: &[u8]) -> Option<u64> {
    std::str::from_utf8(input).ok()?.trim_end().parse().ok()
}

/// The bare parse of a v2 limit file: `max` or [`bare_u64`].
#[inline]
#[must_use]
pub fn bare_v2_limit(input: &[u8]) -> Option<Option<u64>> {
    let s = std::str::from_utf8(input).ok()?.trim_end();
    if s == "max" {
        Some(None)
    } else {
        s.parse().ok().map(Some)
    }
}

/// The public `cgroups_rs::parse_max_value` on the file's bytes (after `from_utf8`, which it
/// needs a `&str` for).
#[must_use]
pub fn cgroups_rs_max_value(input: &[u8]) -> Option<cgroups_rs::MaxValue> {
    cgroups_rs::parse_max_value(std::str::from_utf8(input).ok()?).ok()
}

scalar_struct! {
    /// The v2 `memory.stat` keys memcg names, as a fixed struct.
    V2Stat {
        anon: b"anon",
        file: b"file",
        kernel: b"kernel",
        kernel_stack: b"kernel_stack",
        pagetables: b"pagetables",
        sec_pagetables: b"sec_pagetables",
        percpu: b"percpu",
        sock: b"sock",
        vmalloc: b"vmalloc",
        shmem: b"shmem",
        zswap: b"zswap",
        zswapped: b"zswapped",
        file_mapped: b"file_mapped",
        file_dirty: b"file_dirty",
        file_writeback: b"file_writeback",
        swapcached: b"swapcached",
        anon_thp: b"anon_thp",
        file_thp: b"file_thp",
        shmem_thp: b"shmem_thp",
        inactive_anon: b"inactive_anon",
        active_anon: b"active_anon",
        inactive_file: b"inactive_file",
        active_file: b"active_file",
        unevictable: b"unevictable",
        slab_reclaimable: b"slab_reclaimable",
        slab_unreclaimable: b"slab_unreclaimable",
        slab: b"slab",
        workingset_refault: b"workingset_refault",
        workingset_refault_anon: b"workingset_refault_anon",
        workingset_refault_file: b"workingset_refault_file",
        workingset_activate: b"workingset_activate",
        workingset_activate_anon: b"workingset_activate_anon",
        workingset_activate_file: b"workingset_activate_file",
        workingset_restore: b"workingset_restore",
        workingset_restore_anon: b"workingset_restore_anon",
        workingset_restore_file: b"workingset_restore_file",
        workingset_nodereclaim: b"workingset_nodereclaim",
        pgscan: b"pgscan",
        pgsteal: b"pgsteal",
        pgscan_kswapd: b"pgscan_kswapd",
        pgscan_direct: b"pgscan_direct",
        pgscan_khugepaged: b"pgscan_khugepaged",
        pgsteal_kswapd: b"pgsteal_kswapd",
        pgsteal_direct: b"pgsteal_direct",
        pgsteal_khugepaged: b"pgsteal_khugepaged",
        pgfault: b"pgfault",
        pgmajfault: b"pgmajfault",
        pgrefill: b"pgrefill",
        pgactivate: b"pgactivate",
        pgdeactivate: b"pgdeactivate",
        pglazyfree: b"pglazyfree",
        pglazyfreed: b"pglazyfreed",
        swpin_zero: b"swpin_zero",
        swpout_zero: b"swpout_zero",
        zswpin: b"zswpin",
        zswpout: b"zswpout",
        zswpwb: b"zswpwb",
        thp_fault_alloc: b"thp_fault_alloc",
        thp_collapse_alloc: b"thp_collapse_alloc",
        thp_swpout: b"thp_swpout",
        thp_swpout_fallback: b"thp_swpout_fallback",
        numa_pages_migrated: b"numa_pages_migrated",
        numa_pte_updates: b"numa_pte_updates",
        numa_hint_faults: b"numa_hint_faults",
        pgdemote_kswapd: b"pgdemote_kswapd",
        pgdemote_direct: b"pgdemote_direct",
        pgdemote_khugepaged: b"pgdemote_khugepaged",
        pgpromote_success: b"pgpromote_success",
        hugetlb: b"hugetlb",
    }
}

scalar_struct! {
    /// The v1 `memory.stat` keys memcg names, as a fixed struct.
    V1Stat {
        cache: b"cache",
        rss: b"rss",
        rss_huge: b"rss_huge",
        shmem: b"shmem",
        mapped_file: b"mapped_file",
        dirty: b"dirty",
        writeback: b"writeback",
        swap: b"swap",
        swapcached: b"swapcached",
        pgpgin: b"pgpgin",
        pgpgout: b"pgpgout",
        pgfault: b"pgfault",
        pgmajfault: b"pgmajfault",
        inactive_anon: b"inactive_anon",
        active_anon: b"active_anon",
        inactive_file: b"inactive_file",
        active_file: b"active_file",
        unevictable: b"unevictable",
        workingset_refault: b"workingset_refault",
        workingset_refault_anon: b"workingset_refault_anon",
        workingset_refault_file: b"workingset_refault_file",
        workingset_activate: b"workingset_activate",
        workingset_activate_anon: b"workingset_activate_anon",
        workingset_activate_file: b"workingset_activate_file",
        workingset_restore: b"workingset_restore",
        workingset_restore_anon: b"workingset_restore_anon",
        workingset_restore_file: b"workingset_restore_file",
        workingset_nodereclaim: b"workingset_nodereclaim",
        hierarchical_memory_limit: b"hierarchical_memory_limit",
        hierarchical_memsw_limit: b"hierarchical_memsw_limit",
        total_cache: b"total_cache",
        total_rss: b"total_rss",
        total_rss_huge: b"total_rss_huge",
        total_shmem: b"total_shmem",
        total_mapped_file: b"total_mapped_file",
        total_dirty: b"total_dirty",
        total_writeback: b"total_writeback",
        total_swap: b"total_swap",
        total_swapcached: b"total_swapcached",
        total_pgpgin: b"total_pgpgin",
        total_pgpgout: b"total_pgpgout",
        total_pgfault: b"total_pgfault",
        total_pgmajfault: b"total_pgmajfault",
        total_inactive_anon: b"total_inactive_anon",
        total_active_anon: b"total_active_anon",
        total_inactive_file: b"total_inactive_file",
        total_active_file: b"total_active_file",
        total_unevictable: b"total_unevictable",
        total_workingset_refault: b"total_workingset_refault",
        total_workingset_refault_anon: b"total_workingset_refault_anon",
        total_workingset_refault_file: b"total_workingset_refault_file",
        total_workingset_activate: b"total_workingset_activate",
        total_workingset_activate_anon: b"total_workingset_activate_anon",
        total_workingset_activate_file: b"total_workingset_activate_file",
        total_workingset_restore: b"total_workingset_restore",
        total_workingset_restore_anon: b"total_workingset_restore_anon",
        total_workingset_restore_file: b"total_workingset_restore_file",
        total_workingset_nodereclaim: b"total_workingset_nodereclaim",
    }
}

scalar_struct! {
    /// The v2 `memory.events` keys, as a fixed struct.
    V2Events {
        low: b"low",
        high: b"high",
        max: b"max",
        oom: b"oom",
        oom_kill: b"oom_kill",
        oom_group_kill: b"oom_group_kill",
        sock_throttled: b"sock_throttled",
    }
}

scalar_struct! {
    /// The v1 `memory.oom_control` keys, as a fixed struct.
    V1Oom {
        oom_kill_disable: b"oom_kill_disable",
        under_oom: b"under_oom",
        oom_kill: b"oom_kill",
    }
}
