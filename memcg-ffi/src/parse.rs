//! Parsers over caller buffers: one function per file kind, plus the kind-generic single-value
//! parsers and the key/value iterator.

use core::ffi::{c_char, c_int, c_void};

use memcg_core::grammar::KeyValues;
use memcg_core::{parse, v1, v2, FileKind, ParseError, Pressure, Reason};

use crate::mirror::{
    memcg_parse_reason, memcg_v1_memory_stat, memcg_v1_oom_control, memcg_v2_cgroup_stat,
    memcg_v2_memory_events, memcg_v2_memory_stat, memcg_v2_swap_events,
};
use crate::types::memcg_status::{self, *};
use crate::types::{
    bytes, guard, memcg_limit, memcg_opt_u64, memcg_parse_error, nonnull, snprint,
    write_parse_error,
};

/// One line of a PSI file (`some` or `full`).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct memcg_pressure_line {
    /// Share of the last 10 s stalled, percent (0.00–100.00).
    pub avg10: f64,
    /// Share of the last 60 s stalled, percent.
    pub avg60: f64,
    /// Share of the last 300 s stalled, percent.
    pub avg300: f64,
    /// Total stall time, microseconds. Absent only in the pre-upstream format (`aggr`).
    pub total_us: memcg_opt_u64,
}

impl From<&memcg_core::PressureLine> for memcg_pressure_line {
    fn from(l: &memcg_core::PressureLine) -> Self {
        memcg_pressure_line {
            avg10: l.avg10,
            avg60: l.avg60,
            avg300: l.avg300,
            total_us: l.total_us.into(),
        }
    }
}

/// A parsed PSI file: `memory.pressure`, `/proc/pressure/memory` (`memcg_core::Pressure`).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct memcg_pressure {
    /// Time in which at least one task stalled.
    pub some: memcg_pressure_line,
    /// Whether the file has a `full` line (memory PSI always does).
    pub has_full: bool,
    /// Time in which all non-idle tasks stalled; zeroes when `has_full` is false.
    pub full: memcg_pressure_line,
    /// Pre-upstream format only: the `aggr` total, microseconds.
    pub aggr_us: memcg_opt_u64,
    /// Pre-upstream format only: count of unlabelled lines after `full`.
    pub extra_lines: u32,
}

impl From<&Pressure> for memcg_pressure {
    fn from(p: &Pressure) -> Self {
        memcg_pressure {
            some: (&p.some).into(),
            has_full: p.full.is_some(),
            full: p.full.as_ref().map(Into::into).unwrap_or_default(),
            aggr_us: p.aggr_us.into(),
            extra_lines: p.extra_lines,
        }
    }
}

/// Shared body of the typed parsers: checks the arguments, parses, converts, writes.
///
/// # Safety
/// As for every exported parser: `data` valid for `len` bytes, `out` valid for a write,
/// `err_out` NULL or valid for a write.
unsafe fn parse_into<T, C>(
    data: *const u8,
    len: usize,
    out: *mut C,
    err_out: *mut memcg_parse_error,
    parse: impl FnOnce(&[u8]) -> Result<T, ParseError>,
    convert: impl FnOnce(&T) -> C,
) -> memcg_status {
    let out = nonnull!(out);
    // SAFETY: the caller's contract on `data`/`len`.
    let input = match unsafe { bytes(data, len) } {
        Ok(b) => b,
        Err(s) => return s,
    };
    match parse(input) {
        Ok(v) => {
            // SAFETY: `out` is non-NULL and valid for writes (caller's contract).
            unsafe { out.write(convert(&v)) };
            MEMCG_OK
        }
        Err(e) => {
            // SAFETY: the caller's contract on `err_out`.
            unsafe { write_parse_error(err_out, &e) };
            MEMCG_PARSE_ERROR
        }
    }
}

/// A C mirror of a core keyed struct (`memcg_core::keyed_file!`): `N` `memcg_opt_u64` fields
/// in the order of the core type's `KEYS`, then `unknown_keys: u32`.
///
/// # Safety
/// Implementors are `#[repr(C)]`, start with exactly `N` `memcg_opt_u64` fields in the core's
/// `KEYS` order and have an `unknown_keys: u32` field: `parse_keyed_into` writes field `i`
/// through a pointer to the struct's first `N × 16` bytes. `keyed_mirror!` checks the count
/// and the offset of `unknown_keys` at compile time; `mirror::tests` checks the order.
pub(crate) unsafe trait KeyedMirror: Default {
    /// The number of leading `memcg_opt_u64` fields.
    const N: usize;
    /// The struct's `unknown_keys` counter.
    fn unknown_keys_mut(&mut self) -> &mut u32;
}

/// Implements [`KeyedMirror`] for a C mirror of a core keyed type, with the layout checks.
macro_rules! keyed_mirror {
    ($($c:ty => $core:ty),* $(,)?) => {$(
        const _: () = assert!(
            core::mem::offset_of!($c, unknown_keys)
                == <$core>::KEYS.len() * core::mem::size_of::<memcg_opt_u64>(),
            "a keyed C mirror must be KEYS.len() memcg_opt_u64 fields, then unknown_keys"
        );
        // SAFETY: `#[repr(C)]` (see mirror.rs), `unknown_keys` right after `KEYS.len()`
        // 16-byte fields (asserted above; repr(C) puts no padding between fields of one
        // type), which are all `memcg_opt_u64` in `KEYS` order (`mirror::tests`).
        unsafe impl KeyedMirror for $c {
            const N: usize = <$core>::KEYS.len();
            fn unknown_keys_mut(&mut self) -> &mut u32 {
                &mut self.unknown_keys
            }
        }
    )*};
}

keyed_mirror! {
    memcg_v1_memory_stat => v1::MemoryStat,
    memcg_v1_oom_control => v1::OomControl,
    memcg_v2_memory_stat => v2::MemoryStat,
    memcg_v2_memory_events => v2::MemoryEvents,
    memcg_v2_swap_events => v2::MemorySwapEvents,
    memcg_v2_cgroup_stat => v2::CgroupStat,
}

/// Shared body of the keyed parsers: the core's grammar (`grammar::parse_keyed`, the same
/// function the core types' `parse` runs) and key lookup (`key_index`), storing each value
/// straight into the C struct. The core type's `parse` followed by a field-by-field
/// conversion cost about 1.18× the Rust parse (a paired bench); writing into the C layout
/// removes the conversion. Same results and errors as `<core type>::parse` (a repeated key is
/// `DuplicateKey` at its first repetition, after any syntax error), checked by the C tests and
/// `tests::keyed_into_matches_the_core`.
///
/// # Safety
/// As for every exported parser: `data` valid for `len` bytes, `out` valid for a write,
/// `err_out` NULL or valid for a write.
unsafe fn parse_keyed_into<C: KeyedMirror>(
    data: *const u8,
    len: usize,
    out: *mut C,
    err_out: *mut memcg_parse_error,
    kind: FileKind,
    key_index: fn(&[u8]) -> Option<usize>,
) -> memcg_status {
    let out = nonnull!(out);
    // SAFETY: the caller's contract on `data`/`len`.
    let input = match unsafe { bytes(data, len) } {
        Ok(b) => b,
        Err(s) => return s,
    };
    let mut v = C::default();
    let mut unknown = 0u32;
    let mut dup: Option<usize> = None;
    let parsed = {
        // SAFETY: `C: KeyedMirror` starts with `C::N` `memcg_opt_u64` fields and no padding
        // between them, so its first `N × 16` bytes are a `[memcg_opt_u64; N]`; `v` is a
        // live local borrowed only through this slice until the block ends.
        let fields = unsafe {
            core::slice::from_raw_parts_mut(
                core::ptr::addr_of_mut!(v).cast::<memcg_opt_u64>(),
                C::N,
            )
        };
        memcg_core::grammar::parse_keyed(kind, input, |k, value| {
            match key_index(k).and_then(|i| fields.get_mut(i)) {
                Some(f) => {
                    if f.present && dup.is_none() {
                        dup = Some(k.as_ptr() as usize - input.as_ptr() as usize);
                    }
                    *f = memcg_opt_u64 {
                        present: true,
                        value,
                    };
                }
                None => unknown = unknown.saturating_add(1),
            }
        })
    };
    let err = match (parsed, dup) {
        (Err(e), _) => e,
        (Ok(()), Some(off)) => ParseError::at(kind, input, off, Reason::DuplicateKey),
        (Ok(()), None) => {
            *v.unknown_keys_mut() = unknown;
            // SAFETY: `out` is non-NULL and valid for writes (caller's contract).
            unsafe { out.write(v) };
            return MEMCG_OK;
        }
    };
    // SAFETY: the caller's contract on `err_out`.
    unsafe { write_parse_error(err_out, &err) };
    MEMCG_PARSE_ERROR
}

/// Parses a v1 `memory.stat`. Negative counters (per-CPU drift) read as 0.
///
/// `data`/`len`: the file's bytes (a trailing newline is optional; `data` must not be NULL,
/// even when `len` is 0). On `MEMCG_OK`, `*out` is written; on `MEMCG_PARSE_ERROR`,
/// `*err_out` (if not NULL) says where and why, and `*out` is untouched. Does not allocate.
/// Thread-safe (touches only its arguments).
///
/// # Safety
/// `data` is valid for reads of `len` bytes; `out` is valid for a write; `err_out` is NULL or
/// valid for a write.
#[no_mangle]
pub unsafe extern "C" fn memcg_v1_memory_stat_parse(
    data: *const u8,
    len: usize,
    out: *mut memcg_v1_memory_stat,
    err_out: *mut memcg_parse_error,
) -> memcg_status {
    // SAFETY: forwarded caller contract.
    guard(|| unsafe {
        parse_keyed_into(
            data,
            len,
            out,
            err_out,
            v1::MemoryStat::KIND,
            v1::MemoryStat::key_index,
        )
    })
}

/// Parses a v1 `memory.oom_control`.
///
/// `data`/`len`: the file's bytes (a trailing newline is optional; `data` must not be NULL,
/// even when `len` is 0). On `MEMCG_OK`, `*out` is written; on `MEMCG_PARSE_ERROR`,
/// `*err_out` (if not NULL) says where and why, and `*out` is untouched. Does not allocate.
/// Thread-safe (touches only its arguments).
///
/// # Safety
/// `data` is valid for reads of `len` bytes; `out` is valid for a write; `err_out` is NULL or
/// valid for a write.
#[no_mangle]
pub unsafe extern "C" fn memcg_v1_oom_control_parse(
    data: *const u8,
    len: usize,
    out: *mut memcg_v1_oom_control,
    err_out: *mut memcg_parse_error,
) -> memcg_status {
    // SAFETY: forwarded caller contract.
    guard(|| unsafe {
        parse_keyed_into(
            data,
            len,
            out,
            err_out,
            v1::OomControl::KIND,
            v1::OomControl::key_index,
        )
    })
}

/// Parses a v2 `memory.stat`.
///
/// `data`/`len`: the file's bytes (a trailing newline is optional; `data` must not be NULL,
/// even when `len` is 0). On `MEMCG_OK`, `*out` is written; on `MEMCG_PARSE_ERROR`,
/// `*err_out` (if not NULL) says where and why, and `*out` is untouched. Does not allocate.
/// Thread-safe (touches only its arguments).
///
/// # Safety
/// `data` is valid for reads of `len` bytes; `out` is valid for a write; `err_out` is NULL or
/// valid for a write.
#[no_mangle]
pub unsafe extern "C" fn memcg_v2_memory_stat_parse(
    data: *const u8,
    len: usize,
    out: *mut memcg_v2_memory_stat,
    err_out: *mut memcg_parse_error,
) -> memcg_status {
    // SAFETY: forwarded caller contract.
    guard(|| unsafe {
        parse_keyed_into(
            data,
            len,
            out,
            err_out,
            v2::MemoryStat::KIND,
            v2::MemoryStat::key_index,
        )
    })
}

/// Parses a v2 `memory.events`.
///
/// `data`/`len`: the file's bytes (a trailing newline is optional; `data` must not be NULL,
/// even when `len` is 0). On `MEMCG_OK`, `*out` is written; on `MEMCG_PARSE_ERROR`,
/// `*err_out` (if not NULL) says where and why, and `*out` is untouched. Does not allocate.
/// Thread-safe (touches only its arguments).
///
/// # Safety
/// `data` is valid for reads of `len` bytes; `out` is valid for a write; `err_out` is NULL or
/// valid for a write.
#[no_mangle]
pub unsafe extern "C" fn memcg_v2_memory_events_parse(
    data: *const u8,
    len: usize,
    out: *mut memcg_v2_memory_events,
    err_out: *mut memcg_parse_error,
) -> memcg_status {
    // SAFETY: forwarded caller contract.
    guard(|| unsafe {
        parse_keyed_into(
            data,
            len,
            out,
            err_out,
            v2::MemoryEvents::KIND,
            v2::MemoryEvents::key_index,
        )
    })
}

/// Parses a v2 `memory.swap.events`.
///
/// `data`/`len`: the file's bytes (a trailing newline is optional; `data` must not be NULL,
/// even when `len` is 0). On `MEMCG_OK`, `*out` is written; on `MEMCG_PARSE_ERROR`,
/// `*err_out` (if not NULL) says where and why, and `*out` is untouched. Does not allocate.
/// Thread-safe (touches only its arguments).
///
/// # Safety
/// `data` is valid for reads of `len` bytes; `out` is valid for a write; `err_out` is NULL or
/// valid for a write.
#[no_mangle]
pub unsafe extern "C" fn memcg_v2_swap_events_parse(
    data: *const u8,
    len: usize,
    out: *mut memcg_v2_swap_events,
    err_out: *mut memcg_parse_error,
) -> memcg_status {
    // SAFETY: forwarded caller contract.
    guard(|| unsafe {
        parse_keyed_into(
            data,
            len,
            out,
            err_out,
            v2::MemorySwapEvents::KIND,
            v2::MemorySwapEvents::key_index,
        )
    })
}

/// Parses a v2 `cgroup.stat`.
///
/// `data`/`len`: the file's bytes (a trailing newline is optional; `data` must not be NULL,
/// even when `len` is 0). On `MEMCG_OK`, `*out` is written; on `MEMCG_PARSE_ERROR`,
/// `*err_out` (if not NULL) says where and why, and `*out` is untouched. Does not allocate.
/// Thread-safe (touches only its arguments).
///
/// # Safety
/// `data` is valid for reads of `len` bytes; `out` is valid for a write; `err_out` is NULL or
/// valid for a write.
#[no_mangle]
pub unsafe extern "C" fn memcg_v2_cgroup_stat_parse(
    data: *const u8,
    len: usize,
    out: *mut memcg_v2_cgroup_stat,
    err_out: *mut memcg_parse_error,
) -> memcg_status {
    // SAFETY: forwarded caller contract.
    guard(|| unsafe {
        parse_keyed_into(
            data,
            len,
            out,
            err_out,
            v2::CgroupStat::KIND,
            v2::CgroupStat::key_index,
        )
    })
}

/// Parses a PSI file: `memory.pressure` of a cgroup or `/proc/pressure/memory` (also the
/// pre-upstream `aggr` format).
///
/// `data`/`len`: the file's bytes (a trailing newline is optional; `data` must not be NULL,
/// even when `len` is 0). On `MEMCG_OK`, `*out` is written; on `MEMCG_PARSE_ERROR`,
/// `*err_out` (if not NULL) says where and why, and `*out` is untouched. Does not allocate.
/// Thread-safe (touches only its arguments).
///
/// # Safety
/// `data` is valid for reads of `len` bytes; `out` is valid for a write; `err_out` is NULL or
/// valid for a write.
#[no_mangle]
pub unsafe extern "C" fn memcg_pressure_parse(
    data: *const u8,
    len: usize,
    out: *mut memcg_pressure,
    err_out: *mut memcg_parse_error,
) -> memcg_status {
    // SAFETY: forwarded caller contract.
    guard(|| unsafe {
        parse_into(data, len, out, err_out, Pressure::parse, |v| {
            memcg_pressure::from(v)
        })
    })
}

/// Parses a v2 `memory.events.local` (same keys as `memory.events`, this cgroup only) into a
/// `memcg_v2_memory_events`.
///
/// Arguments, results and thread safety as `memcg_v2_memory_events_parse`.
///
/// # Safety
/// `data` is valid for reads of `len` bytes; `out` is valid for a write; `err_out` is NULL or
/// valid for a write.
#[no_mangle]
pub unsafe extern "C" fn memcg_v2_memory_events_local_parse(
    data: *const u8,
    len: usize,
    out: *mut memcg_v2_memory_events,
    err_out: *mut memcg_parse_error,
) -> memcg_status {
    guard(|| {
        // SAFETY: forwarded caller contract.
        unsafe {
            parse_keyed_into(
                data,
                len,
                out,
                err_out,
                v2::MemoryEventsLocal::KIND,
                v2::MemoryEventsLocal::key_index,
            )
        }
    })
}

/// The core file kind of a raw C value.
pub(crate) fn kind_of(kind: u32) -> Option<FileKind> {
    FileKind::ALL.iter().copied().find(|k| *k as u32 == kind)
}

/// Parses a single-value counter file of the given kind (a `memcg_file_kind` value):
/// v2 `memory.current`, `memory.peak`, `memory.swap.current`, `memory.swap.peak`,
/// `memory.zswap.current`, `memory.oom.group`; v1 `memory.usage_in_bytes`,
/// `memory.max_usage_in_bytes`, `memory.failcnt`, `memory.memsw.*` / `memory.kmem.*` /
/// `memory.kmem.tcp.*` usage, max usage and failcnt, `memory.swappiness`,
/// `memory.use_hierarchy`.
///
/// On `MEMCG_OK`, `*value_out` is written. `MEMCG_UNSUPPORTED_KIND` for any other kind (limit
/// files go to `memcg_limit_parse`). An empty file, a negative number, a fraction or a value
/// above 2^64 − 1 is `MEMCG_PARSE_ERROR`. Does not allocate. Thread-safe.
///
/// # Safety
/// `data` is valid for reads of `len` bytes; `value_out` is valid for a write; `err_out` is
/// NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn memcg_counter_parse(
    kind: u32,
    data: *const u8,
    len: usize,
    value_out: *mut u64,
    err_out: *mut memcg_parse_error,
) -> memcg_status {
    guard(|| {
        let Some(k) = kind_of(kind) else {
            return MEMCG_UNSUPPORTED_KIND;
        };
        if !is_counter(k) {
            return MEMCG_UNSUPPORTED_KIND;
        }
        // SAFETY: forwarded caller contract.
        unsafe {
            parse_into(
                data,
                len,
                value_out,
                err_out,
                |b| parse(k, b),
                |p| p.counter().unwrap_or(0),
            )
        }
    })
}

fn is_counter(k: FileKind) -> bool {
    use FileKind as K;
    matches!(
        k,
        K::V2MemoryCurrent
            | K::V2MemoryPeak
            | K::V2MemoryOomGroup
            | K::V2MemorySwapCurrent
            | K::V2MemorySwapPeak
            | K::V2MemoryZswapCurrent
            | K::V1UsageInBytes
            | K::V1MaxUsageInBytes
            | K::V1Failcnt
            | K::V1MemswUsageInBytes
            | K::V1MemswMaxUsageInBytes
            | K::V1MemswFailcnt
            | K::V1KmemUsageInBytes
            | K::V1KmemMaxUsageInBytes
            | K::V1KmemFailcnt
            | K::V1KmemTcpUsageInBytes
            | K::V1KmemTcpMaxUsageInBytes
            | K::V1KmemTcpFailcnt
            | K::V1Swappiness
            | K::V1UseHierarchy
    )
}

fn is_limit(k: FileKind) -> bool {
    use FileKind as K;
    matches!(
        k,
        K::V2MemoryMin
            | K::V2MemoryLow
            | K::V2MemoryHigh
            | K::V2MemoryMax
            | K::V2MemorySwapHigh
            | K::V2MemorySwapMax
            | K::V2MemoryZswapMax
            | K::V1LimitInBytes
            | K::V1SoftLimitInBytes
            | K::V1MemswLimitInBytes
            | K::V1KmemLimitInBytes
            | K::V1KmemTcpLimitInBytes
    )
}

/// Parses a limit file of the given kind (a `memcg_file_kind` value): v2 `memory.max`,
/// `memory.high`, `memory.low`, `memory.min`, `memory.swap.max`, `memory.swap.high`,
/// `memory.zswap.max` (`max` is unlimited); v1 `memory.limit_in_bytes`,
/// `memory.soft_limit_in_bytes`, `memory.memsw.limit_in_bytes`,
/// `memory.kmem.limit_in_bytes`, `memory.kmem.tcp.limit_in_bytes` (values at or above 2^62,
/// and `-1`, are unlimited, whatever the page size).
///
/// On `MEMCG_OK`, `*out` is written with `kind` `MEMCG_LIMIT_BYTES` or
/// `MEMCG_LIMIT_UNLIMITED` (never `MEMCG_LIMIT_ABSENT`: the file was there).
/// `MEMCG_UNSUPPORTED_KIND` for any other kind. Does not allocate. Thread-safe.
///
/// # Safety
/// `data` is valid for reads of `len` bytes; `out` is valid for a write; `err_out` is NULL or
/// valid for a write.
#[no_mangle]
pub unsafe extern "C" fn memcg_limit_parse(
    kind: u32,
    data: *const u8,
    len: usize,
    out: *mut memcg_limit,
    err_out: *mut memcg_parse_error,
) -> memcg_status {
    guard(|| {
        let Some(k) = kind_of(kind) else {
            return MEMCG_UNSUPPORTED_KIND;
        };
        if !is_limit(k) {
            return MEMCG_UNSUPPORTED_KIND;
        }
        // SAFETY: forwarded caller contract.
        unsafe {
            parse_into(
                data,
                len,
                out,
                err_out,
                |b| parse(k, b),
                |p| memcg_limit::from(p.limit()),
            )
        }
    })
}

/// Called by `memcg_keyed_foreach` for each `key value` pair. `key` points into the caller's
/// buffer and is **not** NUL-terminated: it is `key_len` bytes long (print it with
/// `"%.*s", (int)key_len, key`). Return 0 to continue, anything else to stop. The callback
/// must not unwind (no C++ exception, no `longjmp` out of it).
#[allow(non_camel_case_types)]
pub type memcg_keyed_cb = Option<
    unsafe extern "C" fn(
        key: *const c_char,
        key_len: usize,
        value: u64,
        userdata: *mut c_void,
    ) -> c_int,
>;

/// Calls `cb` for every `key value` pair of a flat-keyed file, in file order, including keys
/// memcg has no field for (a newer kernel's keys). `kind` (a `memcg_file_kind` value) must be
/// one of `MEMCG_FILE_V1_MEMORY_STAT`, `MEMCG_FILE_V1_OOM_CONTROL`,
/// `MEMCG_FILE_V2_MEMORY_STAT`, `MEMCG_FILE_V2_MEMORY_EVENTS`,
/// `MEMCG_FILE_V2_MEMORY_EVENTS_LOCAL`, `MEMCG_FILE_V2_MEMORY_SWAP_EVENTS`,
/// `MEMCG_FILE_V2_CGROUP_STAT`; it names the file in errors. Values follow the counter rule
/// (a negative value reads as 0).
///
/// Returns `MEMCG_OK` when every pair was visited or the callback stopped early;
/// `MEMCG_PARSE_ERROR` at the first malformed line (the pairs before it were visited) or for
/// an empty file. Duplicate keys are visited, not reported (the typed parsers report them).
/// Does not allocate. Thread-safe.
///
/// # Safety
/// `data` is valid for reads of `len` bytes; `cb` is a valid function; `err_out` is NULL or
/// valid for a write; `userdata` is passed through untouched.
#[no_mangle]
pub unsafe extern "C" fn memcg_keyed_foreach(
    kind: u32,
    data: *const u8,
    len: usize,
    cb: memcg_keyed_cb,
    userdata: *mut c_void,
    err_out: *mut memcg_parse_error,
) -> memcg_status {
    guard(|| {
        let Some(cb) = cb else {
            return MEMCG_NULL_ARGUMENT;
        };
        let Some(k) = kind_of(kind) else {
            return MEMCG_UNSUPPORTED_KIND;
        };
        use FileKind as K;
        if !matches!(
            k,
            K::V1MemoryStat
                | K::V1OomControl
                | K::V2MemoryStat
                | K::V2MemoryEvents
                | K::V2MemoryEventsLocal
                | K::V2MemorySwapEvents
                | K::V2CgroupStat
        ) {
            return MEMCG_UNSUPPORTED_KIND;
        }
        // SAFETY: the caller's contract on `data`/`len`.
        let input = match unsafe { bytes(data, len) } {
            Ok(b) => b,
            Err(s) => return s,
        };
        let mut any = false;
        for pair in KeyValues::new(k, input) {
            match pair {
                Ok((key, value)) => {
                    any = true;
                    // SAFETY: `key` is a live sub-slice of the caller's buffer; `cb` is a
                    // valid function (caller's contract).
                    let stop = unsafe { cb(key.as_ptr().cast(), key.len(), value, userdata) };
                    if stop != 0 {
                        return MEMCG_OK;
                    }
                }
                Err(e) => {
                    // SAFETY: the caller's contract on `err_out`.
                    unsafe { write_parse_error(err_out, &e) };
                    return MEMCG_PARSE_ERROR;
                }
            }
        }
        if !any {
            let e = ParseError::at(k, input, 0, Reason::Empty);
            // SAFETY: the caller's contract on `err_out`.
            unsafe { write_parse_error(err_out, &e) };
            return MEMCG_PARSE_ERROR;
        }
        MEMCG_OK
    })
}

/// `memcg_parse_error` as read from caller memory (enums as plain integers).
#[repr(C)]
struct ParseErrorIn {
    kind: u32,
    reason: u32,
    line: u32,
    offset: u64,
}

const _: () = {
    assert!(core::mem::size_of::<ParseErrorIn>() == core::mem::size_of::<memcg_parse_error>());
    assert!(core::mem::align_of::<ParseErrorIn>() == core::mem::align_of::<memcg_parse_error>());
};

/// Formats a parse error as one line of text, like `snprintf`: writes at most `buf_len − 1`
/// bytes and a terminating NUL into `buf` (nothing when `buf_len` is 0, and `buf` may then be
/// NULL), and stores the full length, without the NUL, in `*len_out` (if not NULL). Example:
/// `memory.stat (cgroup v2): line 2, byte 12: invalid number`.
///
/// `MEMCG_INVALID_ARGUMENT` if `err->kind` or `err->reason` is not a value memcg knows.
/// Does not allocate. Thread-safe.
///
/// # Safety
/// `err` is valid for reads; `buf` is valid for writes of `buf_len` bytes (or NULL with
/// `buf_len` 0); `len_out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn memcg_parse_error_format(
    err: *const memcg_parse_error,
    buf: *mut c_char,
    buf_len: usize,
    len_out: *mut usize,
) -> memcg_status {
    guard(|| {
        let err = nonnull!(err);
        if buf.is_null() && buf_len != 0 {
            return MEMCG_NULL_ARGUMENT;
        }
        // SAFETY: non-NULL, valid for reads (caller's contract); same layout as
        // memcg_parse_error with the enums read as integers.
        let raw = unsafe { err.cast::<ParseErrorIn>().read() };
        let (Some(kind), Some(reason)) =
            (kind_of(raw.kind), memcg_parse_reason::to_core(raw.reason))
        else {
            return MEMCG_INVALID_ARGUMENT;
        };
        let e = ParseError {
            kind,
            line: raw.line,
            offset: usize::try_from(raw.offset).unwrap_or(usize::MAX),
            reason,
        };
        // SAFETY: `buf` valid for `buf_len` bytes or NULL with 0 (checked above).
        let n = unsafe { snprint(buf, buf_len, format_args!("{e}")) };
        if !len_out.is_null() {
            // SAFETY: non-NULL, valid for writes (caller's contract).
            unsafe { len_out.write(n) };
        }
        MEMCG_OK
    })
}

#[cfg(test)]
mod tests {
    //! The keyed parsers write straight into the C layout (`parse_keyed_into`); these tests
    //! hold them to exactly what the core type's `parse` plus the `From` conversion gives, on
    //! every key alone (the field order), on the vendored corpus and on mutations of it.
    use super::*;
    use std::path::Path;

    type FfiParse<C> =
        unsafe extern "C" fn(*const u8, usize, *mut C, *mut memcg_parse_error) -> memcg_status;

    /// The FFI result on `input` equals the core's parse + `From`, value or error.
    fn same<T, C>(
        input: &[u8],
        ffi: FfiParse<C>,
        core_parse: fn(&[u8]) -> Result<T, ParseError>,
        convert: fn(&T) -> C,
    ) -> bool
    where
        C: Default + PartialEq + core::fmt::Debug,
    {
        let mut got = C::default();
        let mut err = memcg_parse_error::from(&ParseError::at(
            FileKind::V1MemoryStat,
            b"",
            0,
            Reason::Empty,
        ));
        // SAFETY: valid buffer, struct and error out-pointers.
        let st = unsafe { ffi(input.as_ptr(), input.len(), &mut got, &mut err) };
        match core_parse(input) {
            Ok(v) => {
                assert_eq!(st, MEMCG_OK, "{:?}", String::from_utf8_lossy(input));
                assert_eq!(got, convert(&v), "{:?}", String::from_utf8_lossy(input));
                true
            }
            Err(e) => {
                assert_eq!(
                    st,
                    MEMCG_PARSE_ERROR,
                    "{:?}",
                    String::from_utf8_lossy(input)
                );
                assert_eq!(err, memcg_parse_error::from(&e));
                assert_eq!(got, C::default(), "*out is untouched on an error");
                false
            }
        }
    }

    /// Every key alone, then all keys (the field order matches `KEYS`), then `input` and
    /// mutations of it. Returns how many of the inputs parsed.
    fn check<T, C>(
        keys: &[&str],
        inputs: &[Vec<u8>],
        ffi: FfiParse<C>,
        core_parse: fn(&[u8]) -> Result<T, ParseError>,
        convert: fn(&T) -> C,
    ) -> usize
    where
        C: Default + PartialEq + core::fmt::Debug,
    {
        let mut all = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            let line = format!("{k} {}\n", i + 1);
            assert!(same(line.as_bytes(), ffi, core_parse, convert), "{k}");
            all.extend_from_slice(line.as_bytes());
        }
        assert!(same(&all, ffi, core_parse, convert));
        all.extend_from_slice(format!("{} 7\n", keys[0]).as_bytes());
        assert!(!same(&all, ffi, core_parse, convert), "a repeated key");
        let mut ok = 0;
        for input in inputs {
            ok += usize::from(same(input, ffi, core_parse, convert));
            // Truncations, a byte flipped here and there, a line repeated.
            let mut seed = input.len() as u64 | 1;
            for _ in 0..64 {
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let at = (seed >> 33) as usize % (input.len() + 1);
                same(&input[..at], ffi, core_parse, convert);
                let mut m = input.clone();
                if let Some(b) = m.get_mut(at) {
                    *b = (seed >> 17) as u8;
                }
                same(&m, ffi, core_parse, convert);
                let line_end = input[at..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(input.len(), |p| at + p + 1);
                let mut d = input[..line_end].to_vec();
                d.extend_from_slice(&input[at..]);
                same(&d, ffi, core_parse, convert);
            }
        }
        ok
    }

    /// Every vendored corpus file named `name`.
    fn corpus(name: &str) -> Vec<Vec<u8>> {
        fn walk(dir: &Path, name: &str, out: &mut Vec<Vec<u8>>) {
            let Ok(rd) = std::fs::read_dir(dir) else {
                return;
            };
            for e in rd.flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, name, out);
                } else if p.file_name().is_some_and(|n| n == name) {
                    out.push(std::fs::read(&p).expect("a corpus file reads"));
                }
            }
        }
        let mut out = Vec::new();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../memcg-core/tests/corpus");
        walk(&root, name, &mut out);
        out
    }

    #[test]
    fn keyed_into_matches_the_core() {
        let n = check(
            v1::MemoryStat::KEYS,
            &corpus("memory.stat"),
            memcg_v1_memory_stat_parse,
            v1::MemoryStat::parse,
            |v| memcg_v1_memory_stat::from(v),
        );
        assert!(n >= 10, "{n} v1 memory.stat corpus files parsed");
        let n = check(
            v2::MemoryStat::KEYS,
            &corpus("memory.stat"),
            memcg_v2_memory_stat_parse,
            v2::MemoryStat::parse,
            |v| memcg_v2_memory_stat::from(v),
        );
        assert!(n >= 10, "{n} v2 memory.stat corpus files parsed");
        let n = check(
            v1::OomControl::KEYS,
            &corpus("memory.oom_control"),
            memcg_v1_oom_control_parse,
            v1::OomControl::parse,
            |v| memcg_v1_oom_control::from(v),
        );
        assert!(n >= 1, "{n} memory.oom_control corpus files parsed");
        let n = check(
            v2::MemoryEvents::KEYS,
            &corpus("memory.events"),
            memcg_v2_memory_events_parse,
            v2::MemoryEvents::parse,
            |v| memcg_v2_memory_events::from(v),
        );
        assert!(n >= 1, "{n} memory.events corpus files parsed");
        assert_eq!(v2::MemoryEventsLocal::KEYS, v2::MemoryEvents::KEYS);
        check(
            v2::MemoryEventsLocal::KEYS,
            &corpus("memory.events.local"),
            memcg_v2_memory_events_local_parse,
            v2::MemoryEventsLocal::parse,
            |e| memcg_v2_memory_events {
                low: e.low.into(),
                high: e.high.into(),
                max: e.max.into(),
                oom: e.oom.into(),
                oom_kill: e.oom_kill.into(),
                oom_group_kill: e.oom_group_kill.into(),
                sock_throttled: e.sock_throttled.into(),
                unknown_keys: e.unknown_keys,
            },
        );
        check(
            v2::MemorySwapEvents::KEYS,
            &corpus("memory.swap.events"),
            memcg_v2_swap_events_parse,
            v2::MemorySwapEvents::parse,
            |v| memcg_v2_swap_events::from(v),
        );
        check(
            v2::CgroupStat::KEYS,
            &corpus("cgroup.stat"),
            memcg_v2_cgroup_stat_parse,
            v2::CgroupStat::parse,
            |v| memcg_v2_cgroup_stat::from(v),
        );
    }
}
