//! `memcg_snapshot`: the unified view, read from a directory or built from bytes.

use core::ffi::{c_char, CStr};
use core::ptr;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use memcg_core::{Snapshot, Stat, V1Files, V2Files};

use crate::mirror::{memcg_v1_memory_stat, memcg_v2_memory_stat};
use crate::parse::memcg_pressure;
use crate::types::memcg_status::{self, *};
use crate::types::{
    guard, memcg_limit, memcg_opt_u64, memcg_parse_error, nonnull, write_parse_error, LimitIn,
};

/// Size, in 64-bit words, of the private part of a `memcg_snapshot`.
pub const MEMCG_SNAPSHOT_PRIVATE_WORDS: usize = 1024;

const MAGIC: u64 = 0x6d65_6d63_6753_6e70 ^ (core::mem::size_of::<Snapshot>() as u64);

const _: () = {
    assert!(core::mem::size_of::<Snapshot>() <= MEMCG_SNAPSHOT_PRIVATE_WORDS * 8);
    assert!(core::mem::align_of::<Snapshot>() <= 8);
};

/// The private part of a `memcg_snapshot`: the library's own copy of the snapshot, which
/// `memcg_detector_update` and the `memcg_snapshot_stat_*` functions read. Do not read or
/// write it; copying the whole `memcg_snapshot` (assignment, `memcpy`) is fine.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct memcg_snapshot_private {
    /// Marks a snapshot filled by memcg.
    pub magic: u64,
    /// Opaque storage.
    pub words: [u64; MEMCG_SNAPSHOT_PRIVATE_WORDS],
}

/// One cgroup's memory accounting at one moment, the same fields for v1 and v2
/// (`memcg_core::Snapshot`). Every size is in bytes. See docs/c-api.md for the file each
/// field comes from.
///
/// Caller-owned plain data (about 8.5 KiB): declare it on the stack or embed it, fill it with
/// `memcg_snapshot_read`, `memcg_sampler_read`, `memcg_snapshot_from_v1` or
/// `memcg_snapshot_from_v2`, copy it freely. The public fields are a copy for reading;
/// changing them changes nothing the library sees (it reads `_private`). A filled snapshot
/// may be read from several threads at once.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct memcg_snapshot {
    /// The cgroup version: 1 or 2.
    pub version: u32,
    /// Memory charged to the cgroup: v2 `memory.current`, v1 `memory.usage_in_bytes`.
    pub usage_bytes: u64,
    /// The cgroup's own hard limit: v2 `memory.max`, v1 `memory.limit_in_bytes`.
    pub limit_bytes: memcg_limit,
    /// The limit that applies in fact: the smallest `memory.max` over the cgroup and its
    /// ancestors (v2), `hierarchical_memory_limit` from `memory.stat` (v1).
    pub effective_limit_bytes: memcg_limit,
    /// v2 `memory.high` (the throttling threshold); absent on v1.
    pub high_limit_bytes: memcg_limit,
    /// The swap the cgroup may use: v2 `memory.swap.max`; v1 `memory.memsw.limit_in_bytes` −
    /// `memory.limit_in_bytes`.
    pub swap_limit_bytes: memcg_limit,
    /// Highest usage recorded: v2 `memory.peak`, v1 `memory.max_usage_in_bytes`.
    pub peak_bytes: memcg_opt_u64,
    /// usage − inactive file cache (v2 `inactive_file`, v1 `total_inactive_file`), floored
    /// at 0: cAdvisor's and kubelet's working set.
    pub working_set_bytes: u64,
    /// Anonymous memory: v2 `anon`, v1 `total_rss` (`rss` when `use_hierarchy` is 0).
    pub anon_bytes: memcg_opt_u64,
    /// Page cache: v2 `file`, v1 `total_cache` (likewise).
    pub file_bytes: memcg_opt_u64,
    /// tmpfs / shared memory: v2 `shmem`, v1 `total_shmem` (likewise).
    pub shmem_bytes: memcg_opt_u64,
    /// Swap used: v2 `memory.swap.current`, v1 `total_swap` (likewise).
    pub swap_bytes: memcg_opt_u64,
    /// Processes killed by the OOM killer: `oom_kill` of v2 `memory.events`, of v1
    /// `memory.oom_control`. Events.
    pub oom_kills: memcg_opt_u64,
    /// Times usage hit the hard limit: v2 `memory.events` `max`, v1 `memory.failcnt`. Events.
    pub max_events: memcg_opt_u64,
    /// Times the cgroup was throttled above `memory.high` (v2 only). Events.
    pub high_events: memcg_opt_u64,
    /// Whether `pressure` holds the cgroup's `memory.pressure` (PSI).
    pub has_pressure: bool,
    /// The cgroup's PSI; zeroes when `has_pressure` is false.
    pub pressure: memcg_pressure,
    /// Private: the library's copy. See `memcg_snapshot_private`.
    pub _private: memcg_snapshot_private,
}

/// Writes `snap` into `*out`.
///
/// # Safety
/// `out` is valid for a write of a `memcg_snapshot`.
pub(crate) unsafe fn write_snapshot(out: *mut memcg_snapshot, snap: &Snapshot) {
    let mut c = memcg_snapshot {
        version: u32::from(snap.version.number()),
        usage_bytes: snap.usage_bytes,
        limit_bytes: snap.limit_bytes.into(),
        effective_limit_bytes: snap.effective_limit_bytes.into(),
        high_limit_bytes: snap.high_limit_bytes.into(),
        swap_limit_bytes: snap.swap_limit_bytes.into(),
        peak_bytes: snap.peak_bytes.into(),
        working_set_bytes: snap.working_set_bytes,
        anon_bytes: snap.anon_bytes.into(),
        file_bytes: snap.file_bytes.into(),
        shmem_bytes: snap.shmem_bytes.into(),
        swap_bytes: snap.swap_bytes.into(),
        oom_kills: snap.oom_kills.into(),
        max_events: snap.max_events.into(),
        high_events: snap.high_events.into(),
        has_pressure: snap.pressure.is_some(),
        pressure: snap.pressure.as_ref().map(Into::into).unwrap_or_default(),
        _private: memcg_snapshot_private {
            magic: MAGIC,
            words: [0; MEMCG_SNAPSHOT_PRIVATE_WORDS],
        },
    };
    // SAFETY: `words` is 8-aligned and large enough for a Snapshot (checked at compile time).
    unsafe { ptr::write(c._private.words.as_mut_ptr().cast::<Snapshot>(), *snap) };
    // SAFETY: the caller's contract on `out`.
    unsafe { out.write(c) };
}

/// The library's copy inside a caller's `memcg_snapshot`, or `None` if it was not filled by
/// memcg.
///
/// # Safety
/// `p` is non-NULL and valid for reads of a `memcg_snapshot` for `'a`, and its private part
/// was either written by `write_snapshot` or does not carry the magic.
pub(crate) unsafe fn core_snapshot<'a>(p: *const memcg_snapshot) -> Option<&'a Snapshot> {
    // SAFETY: `p` valid for reads; only the private part is read, never the public fields
    // (which hold C-written enums).
    let magic = unsafe { ptr::addr_of!((*p)._private.magic).read() };
    if magic != MAGIC {
        return None;
    }
    // SAFETY: the magic says `write_snapshot` stored a Snapshot there, aligned.
    Some(unsafe { &*ptr::addr_of!((*p)._private.words).cast::<Snapshot>() })
}

/// The directory a C path names; `None` for NULL.
///
/// # Safety
/// `dir` is NULL or a valid NUL-terminated string.
pub(crate) unsafe fn dir_arg<'a>(dir: *const c_char) -> Option<&'a Path> {
    if dir.is_null() {
        return None;
    }
    // SAFETY: a valid NUL-terminated string (caller's contract); the borrow does not outlive
    // the call that made it.
    let bytes = unsafe { CStr::from_ptr(dir) }.to_bytes();
    Some(Path::new(OsStr::from_bytes(bytes)))
}

/// The directory to read: `dir`, or this process's memory cgroup when `dir` is NULL.
pub(crate) fn resolve(dir: Option<&Path>) -> Result<PathBuf, memcg_status> {
    match dir {
        Some(d) => Ok(d.to_path_buf()),
        None => memcg_core::discovery::self_cgroup()
            .map(|f| f.dir)
            .map_err(|_| MEMCG_DISCOVERY_FAILED),
    }
}

/// Reads one snapshot of the cgroup directory `dir` (v1 or v2, detected from the files
/// present; any directory holding cgroup memory files works, a copy included). `dir` NULL
/// means this process's own memory cgroup (from `/proc/self/cgroup`).
///
/// On `MEMCG_OK`, `*out` is written. Errors: `MEMCG_NOT_A_CGROUP`, `MEMCG_GONE`,
/// `MEMCG_PARSE_ERROR` (a malformed file), `MEMCG_PERMISSION_DENIED`, `MEMCG_IO_ERROR`,
/// `MEMCG_TOO_LARGE`, `MEMCG_DISCOVERY_FAILED`. Opens, reads and closes every file, and
/// allocates; for repeated reads use a `memcg_sampler`. Thread-safe.
///
/// # Safety
/// `dir` is NULL or a valid NUL-terminated path; `out` is valid for a write.
#[no_mangle]
pub unsafe extern "C" fn memcg_snapshot_read(
    dir: *const c_char,
    out: *mut memcg_snapshot,
) -> memcg_status {
    guard(|| {
        let out = nonnull!(out);
        // SAFETY: the caller's contract on `dir`.
        let dir = match resolve(unsafe { dir_arg(dir) }) {
            Ok(d) => d,
            Err(s) => return s,
        };
        match Snapshot::read_dir(&dir) {
            Ok(s) => {
                // SAFETY: the caller's contract on `out`.
                unsafe { write_snapshot(out, &s) };
                MEMCG_OK
            }
            Err(e) => memcg_status::from(&e),
        }
    })
}

/// A borrowed byte buffer: one cgroup file's contents. `data` NULL means "the file is
/// absent" (then `len` is ignored); `data` non-NULL with `len` 0 is an empty file (an error
/// for every file kind).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct memcg_bytes {
    /// The bytes, or NULL for an absent file.
    pub data: *const u8,
    /// Their count.
    pub len: usize,
}

/// The files of a v1 cgroup, for `memcg_snapshot_from_v1`. Only `usage_in_bytes` is
/// required; zero-initialise the struct (`= {0}`) and set the files you have.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct memcg_v1_files {
    /// `memory.usage_in_bytes` (required).
    pub usage_in_bytes: memcg_bytes,
    /// `memory.limit_in_bytes`.
    pub limit_in_bytes: memcg_bytes,
    /// `memory.max_usage_in_bytes`.
    pub max_usage_in_bytes: memcg_bytes,
    /// `memory.failcnt`.
    pub failcnt: memcg_bytes,
    /// `memory.stat`.
    pub stat: memcg_bytes,
    /// `memory.oom_control`.
    pub oom_control: memcg_bytes,
    /// `memory.use_hierarchy`.
    pub use_hierarchy: memcg_bytes,
    /// `memory.memsw.limit_in_bytes`.
    pub memsw_limit_in_bytes: memcg_bytes,
    /// `memory.pressure` (kernels with PSI for v1 cgroups).
    pub pressure: memcg_bytes,
}

/// The files of a v2 cgroup, for `memcg_snapshot_from_v2`. Only `current` is required;
/// zero-initialise the struct (`= {0}`) and set the files you have.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct memcg_v2_files {
    /// `memory.current` (required).
    pub current: memcg_bytes,
    /// `memory.max`.
    pub max: memcg_bytes,
    /// `memory.high`.
    pub high: memcg_bytes,
    /// `memory.peak`.
    pub peak: memcg_bytes,
    /// `memory.stat`.
    pub stat: memcg_bytes,
    /// `memory.events`.
    pub events: memcg_bytes,
    /// `memory.swap.current`.
    pub swap_current: memcg_bytes,
    /// `memory.swap.max`.
    pub swap_max: memcg_bytes,
    /// `memory.pressure`.
    pub pressure: memcg_bytes,
    /// The smallest `memory.max` over the ancestors, if known (`MEMCG_LIMIT_ABSENT` if not,
    /// which a zero-initialised struct gives); combined with `max` into
    /// `effective_limit_bytes`.
    pub ancestors_limit: memcg_limit,
}

/// `memcg_v2_files` as read from caller memory (the limit kind as a plain integer).
#[repr(C)]
struct V2FilesIn {
    files: [memcg_bytes; 9],
    ancestors_limit: LimitIn,
}

const _: () = {
    assert!(core::mem::size_of::<V2FilesIn>() == core::mem::size_of::<memcg_v2_files>());
    assert!(core::mem::align_of::<V2FilesIn>() == core::mem::align_of::<memcg_v2_files>());
    assert!(core::mem::size_of::<memcg_v1_files>() == 9 * core::mem::size_of::<memcg_bytes>());
};

/// A present file's bytes.
///
/// # Safety
/// `b.data` is NULL or valid for reads of `b.len` bytes for `'a`.
unsafe fn file<'a>(b: memcg_bytes) -> Result<Option<&'a [u8]>, memcg_status> {
    if b.data.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded caller contract.
    unsafe { crate::types::bytes(b.data, b.len) }.map(Some)
}

/// Shared tail of the `from_*` builders.
///
/// # Safety
/// `out` valid for a write; `err_out` NULL or valid for a write.
unsafe fn finish(
    r: Result<Snapshot, memcg_core::ParseError>,
    out: *mut memcg_snapshot,
    err_out: *mut memcg_parse_error,
) -> memcg_status {
    match r {
        Ok(s) => {
            // SAFETY: the caller's contract on `out`.
            unsafe { write_snapshot(out, &s) };
            MEMCG_OK
        }
        Err(e) => {
            // SAFETY: the caller's contract on `err_out`.
            unsafe { write_parse_error(err_out, &e) };
            MEMCG_PARSE_ERROR
        }
    }
}

/// Builds a v1 snapshot from file contents the caller already holds (a copy of a cgroup, a
/// test fixture, files read by the agent's own I/O). Same derivations as
/// `memcg_snapshot_read`. On `MEMCG_OK`, `*out` is written; on `MEMCG_PARSE_ERROR`,
/// `*err_out` (if not NULL) names the first malformed file, line and offset.
/// `MEMCG_NULL_ARGUMENT` if `files->usage_in_bytes.data` is NULL. Does not allocate.
/// Thread-safe.
///
/// # Safety
/// `files` is valid for reads, and each non-NULL `data` in it is valid for reads of its
/// `len` bytes; `out` is valid for a write; `err_out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn memcg_snapshot_from_v1(
    files: *const memcg_v1_files,
    out: *mut memcg_snapshot,
    err_out: *mut memcg_parse_error,
) -> memcg_status {
    guard(|| {
        let files = nonnull!(files);
        let out = nonnull!(out);
        // SAFETY: non-NULL and valid for reads (caller's contract); plain pointers and sizes.
        let f = unsafe { files.read() };
        // SAFETY (all `file` calls): the caller's contract on each buffer.
        let r = (|| -> Result<V1Files<'_>, memcg_status> {
            Ok(V1Files {
                usage_in_bytes: unsafe { file(f.usage_in_bytes) }?.ok_or(MEMCG_NULL_ARGUMENT)?,
                limit_in_bytes: unsafe { file(f.limit_in_bytes) }?,
                max_usage_in_bytes: unsafe { file(f.max_usage_in_bytes) }?,
                failcnt: unsafe { file(f.failcnt) }?,
                stat: unsafe { file(f.stat) }?,
                oom_control: unsafe { file(f.oom_control) }?,
                use_hierarchy: unsafe { file(f.use_hierarchy) }?,
                memsw_limit_in_bytes: unsafe { file(f.memsw_limit_in_bytes) }?,
                pressure: unsafe { file(f.pressure) }?,
            })
        })();
        match r {
            // SAFETY: the caller's contract on `out` and `err_out`.
            Ok(v) => unsafe { finish(Snapshot::from_v1(&v), out, err_out) },
            Err(s) => s,
        }
    })
}

/// Builds a v2 snapshot from file contents the caller already holds. As
/// `memcg_snapshot_from_v1`; `MEMCG_NULL_ARGUMENT` if `files->current.data` is NULL,
/// `MEMCG_INVALID_ARGUMENT` if `files->ancestors_limit.kind` is not a `memcg_limit_kind`.
/// Does not allocate. Thread-safe.
///
/// # Safety
/// `files` is valid for reads, and each non-NULL `data` in it is valid for reads of its
/// `len` bytes; `out` is valid for a write; `err_out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn memcg_snapshot_from_v2(
    files: *const memcg_v2_files,
    out: *mut memcg_snapshot,
    err_out: *mut memcg_parse_error,
) -> memcg_status {
    guard(|| {
        let files = nonnull!(files);
        let out = nonnull!(out);
        // SAFETY: non-NULL and valid for reads (caller's contract); V2FilesIn has the same
        // layout, with the limit kind as an integer.
        let f = unsafe { files.cast::<V2FilesIn>().read() };
        let Ok(ancestors) = f.ancestors_limit.to_core() else {
            return MEMCG_INVALID_ARGUMENT;
        };
        // SAFETY (all `file` calls): the caller's contract on each buffer.
        let r = (|| -> Result<V2Files<'_>, memcg_status> {
            Ok(V2Files {
                current: unsafe { file(f.files[0]) }?.ok_or(MEMCG_NULL_ARGUMENT)?,
                max: unsafe { file(f.files[1]) }?,
                high: unsafe { file(f.files[2]) }?,
                peak: unsafe { file(f.files[3]) }?,
                stat: unsafe { file(f.files[4]) }?,
                events: unsafe { file(f.files[5]) }?,
                swap_current: unsafe { file(f.files[6]) }?,
                swap_max: unsafe { file(f.files[7]) }?,
                pressure: unsafe { file(f.files[8]) }?,
                ancestors_limit: ancestors,
            })
        })();
        match r {
            // SAFETY: the caller's contract on `out` and `err_out`.
            Ok(v) => unsafe { finish(Snapshot::from_v2(&v), out, err_out) },
            Err(s) => s,
        }
    })
}

/// The library's snapshot, or the status to return.
///
/// # Safety
/// `snap` is NULL or valid for reads of a `memcg_snapshot` for `'a`.
pub(crate) unsafe fn snap_arg<'a>(
    snap: *const memcg_snapshot,
) -> Result<&'a Snapshot, memcg_status> {
    if snap.is_null() {
        return Err(MEMCG_NULL_ARGUMENT);
    }
    // SAFETY: non-NULL, valid for reads (caller's contract).
    unsafe { core_snapshot(snap) }.ok_or(MEMCG_INVALID_ARGUMENT)
}

/// Counts the `memory.stat` entries of a snapshot: every key the file had (named fields in
/// kernel order, then keys memcg has no field for, up to 32 of them). 0 when the snapshot has
/// no `memory.stat`. `MEMCG_INVALID_ARGUMENT` if `snap` was not filled by memcg. Does not
/// allocate. Thread-safe.
///
/// # Safety
/// `snap` is valid for reads; `count_out` is valid for a write.
#[no_mangle]
pub unsafe extern "C" fn memcg_snapshot_stat_count(
    snap: *const memcg_snapshot,
    count_out: *mut usize,
) -> memcg_status {
    guard(|| {
        let count_out = nonnull!(count_out);
        // SAFETY: the caller's contract on `snap`.
        let s = match unsafe { snap_arg(snap) } {
            Ok(s) => s,
            Err(e) => return e,
        };
        // SAFETY: non-NULL, valid for writes (caller's contract).
        unsafe { count_out.write(s.stat_entries().count()) };
        MEMCG_OK
    })
}

/// Reads the `index`-th `memory.stat` entry (0 ≤ `index` < `memcg_snapshot_stat_count`).
/// `*key_out` receives a pointer to the key, which is **not** NUL-terminated: its length goes
/// to `*key_len_out`. The key stays valid as long as `*snap` is neither freed nor modified
/// (keys memcg has no field for live inside the snapshot). `MEMCG_OUT_OF_RANGE` past the end.
/// Does not allocate. Thread-safe.
///
/// # Safety
/// `snap` is valid for reads; `key_out`, `key_len_out` and `value_out` are valid for writes.
#[no_mangle]
pub unsafe extern "C" fn memcg_snapshot_stat_get(
    snap: *const memcg_snapshot,
    index: usize,
    key_out: *mut *const c_char,
    key_len_out: *mut usize,
    value_out: *mut u64,
) -> memcg_status {
    guard(|| {
        let key_out = nonnull!(key_out);
        let key_len_out = nonnull!(key_len_out);
        let value_out = nonnull!(value_out);
        // SAFETY: the caller's contract on `snap`.
        let s = match unsafe { snap_arg(snap) } {
            Ok(s) => s,
            Err(e) => return e,
        };
        let Some((k, v)) = s.stat_entries().nth(index) else {
            return MEMCG_OUT_OF_RANGE;
        };
        // SAFETY: all three are non-NULL and valid for writes (caller's contract).
        unsafe {
            key_out.write(k.as_ptr().cast());
            key_len_out.write(k.len());
            value_out.write(v);
        }
        MEMCG_OK
    })
}

/// Looks a `memory.stat` key up by name (a NUL-terminated string such as `"inactive_file"`).
/// `MEMCG_NOT_FOUND` when the file did not have it (or the snapshot has no `memory.stat`).
/// Does not allocate. Thread-safe.
///
/// # Safety
/// `snap` is valid for reads; `key` is a valid NUL-terminated string; `value_out` is valid
/// for a write.
#[no_mangle]
pub unsafe extern "C" fn memcg_snapshot_stat_find(
    snap: *const memcg_snapshot,
    key: *const c_char,
    value_out: *mut u64,
) -> memcg_status {
    guard(|| {
        let key = nonnull!(key);
        let value_out = nonnull!(value_out);
        // SAFETY: the caller's contract on `snap`.
        let s = match unsafe { snap_arg(snap) } {
            Ok(s) => s,
            Err(e) => return e,
        };
        // SAFETY: a valid NUL-terminated string (caller's contract).
        let key = unsafe { CStr::from_ptr(key) }.to_bytes();
        match s.stat_entries().find(|(k, _)| k.as_bytes() == key) {
            Some((_, v)) => {
                // SAFETY: non-NULL, valid for writes (caller's contract).
                unsafe { value_out.write(v) };
                MEMCG_OK
            }
            None => MEMCG_NOT_FOUND,
        }
    })
}

/// Copies the typed v1 `memory.stat` of a v1 snapshot into `*out`. `MEMCG_NOT_FOUND` if the
/// snapshot is v2 or has no `memory.stat`. Does not allocate. Thread-safe.
///
/// # Safety
/// `snap` is valid for reads; `out` is valid for a write.
#[no_mangle]
pub unsafe extern "C" fn memcg_snapshot_v1_stat(
    snap: *const memcg_snapshot,
    out: *mut memcg_v1_memory_stat,
) -> memcg_status {
    guard(|| {
        let out = nonnull!(out);
        // SAFETY: the caller's contract on `snap`.
        let s = match unsafe { snap_arg(snap) } {
            Ok(s) => s,
            Err(e) => return e,
        };
        match &s.stat {
            Stat::V1(st) => {
                // SAFETY: non-NULL, valid for writes (caller's contract).
                unsafe { out.write(st.into()) };
                MEMCG_OK
            }
            _ => MEMCG_NOT_FOUND,
        }
    })
}

/// Copies the typed v2 `memory.stat` of a v2 snapshot into `*out`. `MEMCG_NOT_FOUND` if the
/// snapshot is v1 or has no `memory.stat`. Does not allocate. Thread-safe.
///
/// # Safety
/// `snap` is valid for reads; `out` is valid for a write.
#[no_mangle]
pub unsafe extern "C" fn memcg_snapshot_v2_stat(
    snap: *const memcg_snapshot,
    out: *mut memcg_v2_memory_stat,
) -> memcg_status {
    guard(|| {
        let out = nonnull!(out);
        // SAFETY: the caller's contract on `snap`.
        let s = match unsafe { snap_arg(snap) } {
            Ok(s) => s,
            Err(e) => return e,
        };
        match &s.stat {
            Stat::V2(st) => {
                // SAFETY: non-NULL, valid for writes (caller's contract).
                unsafe { out.write(st.into()) };
                MEMCG_OK
            }
            _ => MEMCG_NOT_FOUND,
        }
    })
}

/// Memory the kernel cannot reclaim without killing or swapping (what a leak grows, and what
/// the detector watches), bytes. v2: `anon + shmem + (kernel − slab_reclaimable) +
/// memory.swap.current`; v1: `total_rss + total_shmem + total_swap` (a pure kernel-memory leak
/// is invisible on v1); the working set without `memory.stat`. Does not allocate. Thread-safe.
///
/// # Safety
/// `snap` is valid for reads; `bytes_out` is valid for a write.
#[no_mangle]
pub unsafe extern "C" fn memcg_snapshot_unreclaimable_bytes(
    snap: *const memcg_snapshot,
    bytes_out: *mut u64,
) -> memcg_status {
    guard(|| {
        let bytes_out = nonnull!(bytes_out);
        // SAFETY: the caller's contract on `snap`.
        let s = match unsafe { snap_arg(snap) } {
            Ok(s) => s,
            Err(e) => return e,
        };
        // SAFETY: non-NULL, valid for writes (caller's contract).
        unsafe { bytes_out.write(s.unreclaimable_bytes()) };
        MEMCG_OK
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_part_fits() {
        // Room to grow: the core Snapshot must stay well inside the private words.
        assert!(core::mem::size_of::<Snapshot>() * 2 <= MEMCG_SNAPSHOT_PRIVATE_WORDS * 8);
    }
}
