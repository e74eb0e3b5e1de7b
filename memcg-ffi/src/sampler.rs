//! `memcg_sampler`: one cgroup kept open, re-read without allocating.

use core::ffi::c_char;

use memcg_core::sampler::Sampler;

use crate::snapshot::{dir_arg, memcg_snapshot, resolve, write_snapshot};
use crate::types::memcg_status::{self, *};
use crate::types::{guard, nonnull};

/// A kept-open view of one cgroup directory (opaque). Create it with `memcg_sampler_open`,
/// read it with `memcg_sampler_read`, free it with `memcg_sampler_free`.
///
/// Thread safety: a sampler may be moved to another thread, but must not be used by two
/// threads at once (`memcg_sampler_read` mutates its buffers); give each thread its own.
pub struct memcg_sampler {
    inner: Sampler,
}

/// Opens the cgroup directory `dir` (NULL: this process's own memory cgroup) and keeps its
/// memory files open. On `MEMCG_OK`, `*out` receives a new sampler, to be freed with
/// `memcg_sampler_free`; on error `*out` is untouched. Errors: `MEMCG_NOT_A_CGROUP`,
/// `MEMCG_GONE`, `MEMCG_PERMISSION_DENIED`, `MEMCG_IO_ERROR`, `MEMCG_DISCOVERY_FAILED`.
/// Allocates. Thread-safe.
///
/// # Safety
/// `dir` is NULL or a valid NUL-terminated path; `out` is valid for a write.
#[no_mangle]
pub unsafe extern "C" fn memcg_sampler_open(
    dir: *const c_char,
    out: *mut *mut memcg_sampler,
) -> memcg_status {
    guard(|| {
        let out = nonnull!(out);
        // SAFETY: the caller's contract on `dir`.
        let dir = match resolve(unsafe { dir_arg(dir) }) {
            Ok(d) => d,
            Err(s) => return s,
        };
        match Sampler::open(&dir) {
            Ok(inner) => {
                let p = Box::into_raw(Box::new(memcg_sampler { inner }));
                // SAFETY: non-NULL, valid for writes (caller's contract).
                unsafe { out.write(p) };
                MEMCG_OK
            }
            Err(e) => memcg_status::from(&e),
        }
    })
}

/// Takes one sample: re-reads the kept-open files (`pread` from offset 0) into `*out`. After
/// the first read it does not allocate. Errors: `MEMCG_GONE` once the cgroup is removed
/// (never a zero), `MEMCG_PARSE_ERROR`, `MEMCG_IO_ERROR`, `MEMCG_TOO_LARGE`; `*out` is then
/// untouched. Not thread-safe for one sampler (see `memcg_sampler`).
///
/// # Safety
/// `sampler` is a live pointer from `memcg_sampler_open`, not used concurrently; `out` is
/// valid for a write.
#[no_mangle]
pub unsafe extern "C" fn memcg_sampler_read(
    sampler: *mut memcg_sampler,
    out: *mut memcg_snapshot,
) -> memcg_status {
    guard(|| {
        let sampler = nonnull!(sampler);
        let out = nonnull!(out);
        // SAFETY: a live sampler from memcg_sampler_open, used by this thread only.
        let s = unsafe { &mut *sampler };
        match s.inner.read() {
            Ok(snap) => {
                // SAFETY: the caller's contract on `out`.
                unsafe { write_snapshot(out, &snap) };
                MEMCG_OK
            }
            Err(e) => memcg_status::from(&e),
        }
    })
}

/// The cgroup version of the sampled directory (1 or 2) into `*version_out`. Thread-safe
/// against other readers of the same sampler, not against `memcg_sampler_read`.
///
/// # Safety
/// `sampler` is a live pointer from `memcg_sampler_open`; `version_out` is valid for a write.
#[no_mangle]
pub unsafe extern "C" fn memcg_sampler_version(
    sampler: *const memcg_sampler,
    version_out: *mut u32,
) -> memcg_status {
    guard(|| {
        let sampler = nonnull!(sampler);
        let version_out = nonnull!(version_out);
        // SAFETY: a live sampler; shared read.
        let v = unsafe { &*sampler }.inner.version().number();
        // SAFETY: non-NULL, valid for writes (caller's contract).
        unsafe { version_out.write(u32::from(v)) };
        MEMCG_OK
    })
}

/// Closes the files and frees the sampler. NULL is a no-op. The pointer must not be used
/// again.
///
/// # Safety
/// `sampler` is NULL or a live pointer from `memcg_sampler_open`, freed once.
#[no_mangle]
pub unsafe extern "C" fn memcg_sampler_free(sampler: *mut memcg_sampler) {
    if sampler.is_null() {
        return;
    }
    let _ = guard(|| {
        // SAFETY: a live pointer from Box::into_raw in memcg_sampler_open, freed once.
        drop(unsafe { Box::from_raw(sampler) });
        MEMCG_OK
    });
}
