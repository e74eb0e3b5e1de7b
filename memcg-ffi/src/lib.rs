//! C ABI for memcg: the cgroup memory parsers, `memcg_snapshot`, `memcg_sampler` and
//! `memcg_detector`, for C and C++ agents. The header `include/memcg.h` is generated from
//! this crate by cbindgen; `docs/c-api.md` is the guide.
//!
//! Conventions (as in rustls-ffi):
//! - every fallible call returns a `memcg_status`; `MEMCG_OK` is 0;
//! - outputs go through `*_out` pointers, written only on success;
//! - stateful objects are opaque, created by `memcg_<object>_new`/`_open` and released by
//!   `memcg_<object>_free`; parsed values are caller-owned `#[repr(C)]` structs;
//! - every pointer is checked for NULL; every export runs inside `catch_unwind`, so a panic
//!   becomes `MEMCG_PANIC` and never unwinds into C;
//! - parsers, snapshot building and detector updates do not allocate.
//!
//! All logic lives in `memcg-core`; this crate converts types and maps errors.
#![allow(non_camel_case_types)]
#![deny(missing_docs)]

mod detector;
mod mirror;
mod parse;
mod sampler;
mod snapshot;
mod types;

use core::ffi::{c_char, CStr};

pub use detector::*;
pub use mirror::*;
pub use parse::*;
pub use sampler::*;
pub use snapshot::*;
pub use types::{
    memcg_limit, memcg_limit_kind, memcg_opt_f64, memcg_opt_u64, memcg_parse_error, memcg_status,
};

use types::memcg_status::*;
use types::{guard, nonnull};

/// The library version (`"0.1.0"`), a static NUL-terminated string. Thread-safe.
#[no_mangle]
pub extern "C" fn memcg_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// A static, NUL-terminated, one-line description of a status value; `"unknown status"` for
/// a value this library does not know. Never NULL. Thread-safe.
#[no_mangle]
pub extern "C" fn memcg_status_str(status: u32) -> *const c_char {
    let s: &'static [u8] = match memcg_status::from_u32(status) {
        Some(s) => s.as_cstr(),
        None => b"unknown status\0",
    };
    s.as_ptr().cast()
}

/// Looks a file kind up by file name (the last path component is enough: `"memory.stat"`,
/// `"/sys/fs/cgroup/memory.max"`; `"/proc/pressure/memory"` is `MEMCG_FILE_PRESSURE`).
/// `version` (1 or 2) tells apart the names both versions share (`memory.stat`,
/// `memory.numa_stat`). `MEMCG_NOT_FOUND` for a name memcg does not know. Thread-safe.
///
/// # Safety
/// `name` is a valid NUL-terminated string; `kind_out` is valid for a write.
#[no_mangle]
pub unsafe extern "C" fn memcg_file_kind_from_name(
    name: *const c_char,
    version: u32,
    kind_out: *mut memcg_file_kind,
) -> memcg_status {
    guard(|| {
        let name = nonnull!(name);
        let kind_out = nonnull!(kind_out);
        // SAFETY: a valid NUL-terminated string (caller's contract).
        let Ok(name) = unsafe { CStr::from_ptr(name) }.to_str() else {
            return MEMCG_NOT_FOUND;
        };
        let version = u8::try_from(version).unwrap_or(0);
        match memcg_core::FileKind::from_name(name, version) {
            Some(k) => {
                // SAFETY: non-NULL, valid for writes (caller's contract).
                unsafe { kind_out.write(memcg_file_kind::from_core(k)) };
                MEMCG_OK
            }
            None => MEMCG_NOT_FOUND,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_status() {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let s = guard(|| panic!("boom"));
        std::panic::set_hook(prev);
        assert_eq!(s, MEMCG_PANIC);
    }

    #[test]
    fn every_status_has_a_name() {
        for v in 0..64u32 {
            // SAFETY: memcg_status_str returns a static NUL-terminated string.
            let s = unsafe { CStr::from_ptr(memcg_status_str(v)) }
                .to_str()
                .unwrap();
            assert_eq!(
                memcg_status::from_u32(v).is_none(),
                s == "unknown status",
                "{v}"
            );
        }
    }
}
