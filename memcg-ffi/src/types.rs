//! Status codes, optional values, limits, parse errors, and the guard every export runs in.

use core::ffi::c_char;
use core::fmt::{self, Write as _};
use std::panic::{catch_unwind, AssertUnwindSafe};

use memcg_core::{Limit, ParseError, ReadError};

use crate::mirror::{memcg_file_kind, memcg_parse_reason};

/// The result of every fallible call. `MEMCG_OK` is 0; every other value names one failure.
/// Values are stable and never reused; new ones may be added, so handle unknown values
/// (`memcg_status_str` names every value this library knows).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum memcg_status {
    /// Success. The `*_out` arguments were written.
    MEMCG_OK = 0,
    /// A required pointer argument was NULL (`data` included, even with `len` 0).
    MEMCG_NULL_ARGUMENT = 1,
    /// An argument is out of its domain: a length above `PTRDIFF_MAX`, a non-finite
    /// configuration value, a `memcg_snapshot` that memcg did not fill.
    MEMCG_INVALID_ARGUMENT = 2,
    /// Malformed input. The `memcg_parse_error *err_out` argument, where the call has one and
    /// it is not NULL, says which file kind, line, byte offset and why.
    MEMCG_PARSE_ERROR = 3,
    /// The directory holds neither `memory.current` (v2) nor `memory.usage_in_bytes` (v1).
    MEMCG_NOT_A_CGROUP = 4,
    /// The cgroup was removed while in use (a kept-open file reads `ENODEV`, or a required
    /// file vanished). Stop sampling it.
    MEMCG_GONE = 5,
    /// Another I/O error while reading the cgroup's files.
    MEMCG_IO_ERROR = 6,
    /// The cgroup's files are not readable by this process.
    MEMCG_PERMISSION_DENIED = 7,
    /// A cgroup file is larger than memcg reads (1 MiB).
    MEMCG_TOO_LARGE = 8,
    /// This process's memory cgroup could not be found: `/proc/self/cgroup` names no memory
    /// hierarchy, `/proc/self/mountinfo` has no mount of it, or a proc file is unreadable.
    MEMCG_DISCOVERY_FAILED = 9,
    /// `memcg_detector_update`: `t_seconds` is earlier than the previous sample's. The
    /// detector's state is unchanged.
    MEMCG_TIME_WENT_BACKWARDS = 10,
    /// `memcg_detector_update`: `t_seconds` is NaN or infinite. The state is unchanged.
    MEMCG_NON_FINITE_TIME = 11,
    /// Nothing by that name: the directory given to `memcg_snapshot_read` or
    /// `memcg_sampler_open` does not exist (`ENOENT`; a cgroup removed *while* sampled is
    /// `MEMCG_GONE`), a `memory.stat` key absent from the snapshot, a snapshot without the
    /// requested `memory.stat` version, an unknown file name.
    MEMCG_NOT_FOUND = 12,
    /// An index is past the end (`memcg_snapshot_stat_get`).
    MEMCG_OUT_OF_RANGE = 13,
    /// The `kind` argument names a file this function does not parse (for example a limit
    /// file passed to `memcg_counter_parse`), or no file at all.
    MEMCG_UNSUPPORTED_KIND = 14,
    /// memcg panicked (a bug). The panic was caught at the boundary; the object involved, if
    /// any, should be freed and not used again.
    MEMCG_PANIC = 15,
    /// An error this version of the C API has no code for (a bug: please report it).
    MEMCG_INTERNAL_ERROR = 16,
}

use memcg_status::*;

impl memcg_status {
    /// A static, NUL-terminated description.
    pub(crate) fn as_cstr(self) -> &'static [u8] {
        match self {
            MEMCG_OK => b"ok\0",
            MEMCG_NULL_ARGUMENT => b"a required pointer argument was NULL\0",
            MEMCG_INVALID_ARGUMENT => b"invalid argument\0",
            MEMCG_PARSE_ERROR => b"malformed cgroup file\0",
            MEMCG_NOT_A_CGROUP => {
                b"not a memory cgroup directory (no memory.current or memory.usage_in_bytes)\0"
            }
            MEMCG_GONE => b"the cgroup is gone\0",
            MEMCG_IO_ERROR => b"I/O error\0",
            MEMCG_PERMISSION_DENIED => b"permission denied\0",
            MEMCG_TOO_LARGE => b"file too large\0",
            MEMCG_DISCOVERY_FAILED => b"cannot find this process's memory cgroup\0",
            MEMCG_TIME_WENT_BACKWARDS => b"timestamp went backwards\0",
            MEMCG_NON_FINITE_TIME => b"timestamp is not finite\0",
            MEMCG_NOT_FOUND => b"not found\0",
            MEMCG_OUT_OF_RANGE => b"index out of range\0",
            MEMCG_UNSUPPORTED_KIND => b"file kind not supported by this function\0",
            MEMCG_PANIC => b"memcg panicked (a bug)\0",
            MEMCG_INTERNAL_ERROR => b"internal error (a bug)\0",
        }
    }

    /// The status of a raw value, if it names one.
    pub(crate) fn from_u32(v: u32) -> Option<Self> {
        const ALL: [memcg_status; 17] = [
            MEMCG_OK,
            MEMCG_NULL_ARGUMENT,
            MEMCG_INVALID_ARGUMENT,
            MEMCG_PARSE_ERROR,
            MEMCG_NOT_A_CGROUP,
            MEMCG_GONE,
            MEMCG_IO_ERROR,
            MEMCG_PERMISSION_DENIED,
            MEMCG_TOO_LARGE,
            MEMCG_DISCOVERY_FAILED,
            MEMCG_TIME_WENT_BACKWARDS,
            MEMCG_NON_FINITE_TIME,
            MEMCG_NOT_FOUND,
            MEMCG_OUT_OF_RANGE,
            MEMCG_UNSUPPORTED_KIND,
            MEMCG_PANIC,
            MEMCG_INTERNAL_ERROR,
        ];
        ALL.iter().copied().find(|s| *s as u32 == v)
    }
}

impl From<&ReadError> for memcg_status {
    fn from(e: &ReadError) -> Self {
        match e {
            ReadError::Gone { .. } => MEMCG_GONE,
            ReadError::NotACgroup { .. } => MEMCG_NOT_A_CGROUP,
            ReadError::Parse { .. } => MEMCG_PARSE_ERROR,
            ReadError::TooLarge { .. } => MEMCG_TOO_LARGE,
            ReadError::Io { source, .. }
                if source.kind() == std::io::ErrorKind::PermissionDenied =>
            {
                MEMCG_PERMISSION_DENIED
            }
            ReadError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                MEMCG_NOT_FOUND
            }
            // A symlink, directory, FIFO or device where a cgroup file should be: refused, an
            // I/O-level problem with the directory the caller gave.
            ReadError::Io { .. } | ReadError::NotRegular { .. } => MEMCG_IO_ERROR,
            ReadError::Discovery(_) => MEMCG_DISCOVERY_FAILED,
            _ => MEMCG_INTERNAL_ERROR,
        }
    }
}

/// An optional unsigned value: `present` is false when the file or key it comes from is
/// absent (and `value` is then 0). Absent and zero stay distinct.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct memcg_opt_u64 {
    /// Whether `value` holds a value.
    pub present: bool,
    /// The value; 0 when `present` is false.
    pub value: u64,
}

impl From<Option<u64>> for memcg_opt_u64 {
    fn from(v: Option<u64>) -> Self {
        memcg_opt_u64 {
            present: v.is_some(),
            value: v.unwrap_or(0),
        }
    }
}

/// An optional real value: `present` is false when there is no value (and `value` is then
/// 0.0). Never NaN or infinite.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct memcg_opt_f64 {
    /// Whether `value` holds a value.
    pub present: bool,
    /// The value; 0.0 when `present` is false.
    pub value: f64,
}

impl From<Option<f64>> for memcg_opt_f64 {
    fn from(v: Option<f64>) -> Self {
        memcg_opt_f64 {
            present: v.is_some(),
            value: v.unwrap_or(0.0),
        }
    }
}

/// What a `memcg_limit` holds.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum memcg_limit_kind {
    /// The limit file (or key) is absent. `bytes` is 0.
    MEMCG_LIMIT_ABSENT = 0,
    /// A limit of `bytes` bytes (0 is a real limit of zero bytes).
    MEMCG_LIMIT_BYTES = 1,
    /// No limit: `max` on v2, a value at or above 2^62 (or `-1`) on v1. `bytes` is 0.
    MEMCG_LIMIT_UNLIMITED = 2,
}

/// A memory limit: absent, unlimited, or a number of bytes. The three cases stay distinct.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct memcg_limit {
    /// Absent, bytes or unlimited.
    pub kind: memcg_limit_kind,
    /// The limit in bytes when `kind` is `MEMCG_LIMIT_BYTES`, else 0.
    pub bytes: u64,
}

impl From<Option<Limit>> for memcg_limit {
    fn from(l: Option<Limit>) -> Self {
        use memcg_limit_kind::*;
        match l {
            None => memcg_limit {
                kind: MEMCG_LIMIT_ABSENT,
                bytes: 0,
            },
            Some(Limit::Unlimited) => memcg_limit {
                kind: MEMCG_LIMIT_UNLIMITED,
                bytes: 0,
            },
            Some(Limit::Bytes(b)) => memcg_limit {
                kind: MEMCG_LIMIT_BYTES,
                bytes: b,
            },
        }
    }
}

/// The layout of `memcg_limit` as read from caller memory: `kind` as a plain integer, so
/// that an out-of-range value is an error, not undefined behaviour.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct LimitIn {
    pub kind: u32,
    pub bytes: u64,
}

const _: () = {
    assert!(core::mem::size_of::<LimitIn>() == core::mem::size_of::<memcg_limit>());
    assert!(core::mem::align_of::<LimitIn>() == core::mem::align_of::<memcg_limit>());
};

impl LimitIn {
    /// `Err(())` for a `kind` outside `memcg_limit_kind`.
    pub(crate) fn to_core(self) -> Result<Option<Limit>, ()> {
        match self.kind {
            0 => Ok(None),
            1 => Ok(Some(Limit::Bytes(self.bytes))),
            2 => Ok(Some(Limit::Unlimited)),
            _ => Err(()),
        }
    }
}

/// Where and why a parse failed. Written through a caller-provided `memcg_parse_error *err_out`
/// (which may be NULL) when a call returns `MEMCG_PARSE_ERROR`; never stored globally.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct memcg_parse_error {
    /// Which file was being parsed.
    pub kind: memcg_file_kind,
    /// Why.
    pub reason: memcg_parse_reason,
    /// 1-based line of the offending byte.
    pub line: u32,
    /// 0-based byte offset of the offending byte from the start of the input.
    pub offset: u64,
}

impl From<&ParseError> for memcg_parse_error {
    fn from(e: &ParseError) -> Self {
        memcg_parse_error {
            kind: memcg_file_kind::from_core(e.kind),
            reason: memcg_parse_reason::from_core(e.reason),
            line: e.line,
            offset: e.offset as u64,
        }
    }
}

/// Writes `e` through `err_out` if it is not NULL.
///
/// # Safety
/// `err_out` is NULL or valid for a write of a `memcg_parse_error`.
pub(crate) unsafe fn write_parse_error(err_out: *mut memcg_parse_error, e: &ParseError) {
    if !err_out.is_null() {
        // SAFETY: non-NULL, and the caller guarantees it is valid for writes.
        unsafe { err_out.write(memcg_parse_error::from(e)) };
    }
}

/// Runs `f` and turns a panic into `MEMCG_PANIC`: no panic ever unwinds into C.
#[inline]
pub(crate) fn guard(f: impl FnOnce() -> memcg_status) -> memcg_status {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(MEMCG_PANIC)
}

/// Evaluates to the value of a pointer argument, or returns `MEMCG_NULL_ARGUMENT`.
macro_rules! nonnull {
    ($p:expr) => {
        if $p.is_null() {
            return $crate::types::memcg_status::MEMCG_NULL_ARGUMENT;
        } else {
            $p
        }
    };
}
pub(crate) use nonnull;

/// The caller's buffer as a slice.
///
/// # Safety
/// `data` is NULL or valid for reads of `len` bytes for `'a`.
pub(crate) unsafe fn bytes<'a>(data: *const u8, len: usize) -> Result<&'a [u8], memcg_status> {
    if data.is_null() {
        return Err(MEMCG_NULL_ARGUMENT);
    }
    if len > isize::MAX as usize {
        return Err(MEMCG_INVALID_ARGUMENT);
    }
    // SAFETY: non-NULL, `len` bytes readable (caller's contract), `len` ≤ isize::MAX.
    Ok(unsafe { core::slice::from_raw_parts(data, len) })
}

/// A `fmt::Write` into a fixed buffer that keeps the first `cap` bytes and counts the rest.
pub(crate) struct Truncating<'a> {
    pub buf: &'a mut [u8],
    pub len: usize,
}

impl fmt::Write for Truncating<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = self.buf.len().saturating_sub(self.len);
        let n = room.min(s.len());
        if n > 0 {
            self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        }
        self.len += s.len();
        Ok(())
    }
}

/// Formats `args` into `buf` (`cap` bytes) the way `snprintf` does: at most `cap − 1` bytes
/// and a NUL; returns the full length.
///
/// # Safety
/// `buf` is NULL (with `cap` 0) or valid for writes of `cap` bytes.
pub(crate) unsafe fn snprint(buf: *mut c_char, cap: usize, args: fmt::Arguments<'_>) -> usize {
    let mut tmp = [0u8; 0];
    let slice: &mut [u8] = if buf.is_null() || cap == 0 {
        &mut tmp
    } else {
        // SAFETY: non-NULL and valid for `cap` bytes (caller's contract).
        unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), cap) }
    };
    let keep = slice.len().saturating_sub(1);
    let mut w = Truncating {
        buf: &mut slice[..keep],
        len: 0,
    };
    let _ = w.write_fmt(args);
    let full = w.len;
    if !slice.is_empty() {
        slice[full.min(keep)] = 0;
    }
    full
}
