//! The C ABI (`memcg-ffi`, linked as an rlib) called with fuzzer buffers, exactly as C would:
//! every parser entry point, a file kind chosen by the first byte (valid or not), the keyed
//! iterator with a callback, error formatting into buffers of every size (including 0), and
//! Snapshot assembly from fuzzed v2 files. Properties: no panic and no memory error (built
//! with AddressSanitizer by `cargo fuzz run ffi`), every status is a known one, an error's
//! offset is within the input, and a formatted error is NUL-terminated within its buffer.
//!
//! Shared by the `ffi` fuzz target and `memcg-ffi/tests/fuzz_regressions.rs` (included with
//! `#[path]`), which replays `fuzz/regressions/ffi/` and the vendored corpus through it.

use core::ffi::{c_char, c_int, c_void};
use core::mem::MaybeUninit;

use memcg::*;

unsafe extern "C" fn count(_k: *const c_char, _len: usize, _v: u64, ud: *mut c_void) -> c_int {
    // SAFETY: `ud` is the `usize` passed below.
    unsafe { *ud.cast::<usize>() += 1 };
    0
}

fn known(status: memcg_status) -> u32 {
    let s = status as u32;
    let text = memcg_status_str(s);
    assert!(!text.is_null());
    s
}

/// Runs the C ABI on one input; panics on a violated property.
pub fn ffi(input: &[u8]) {
    let Some((&sel, data)) = input.split_first() else {
        return;
    };
    let (p, n) = (data.as_ptr(), data.len());
    let mut err = MaybeUninit::<memcg_parse_error>::uninit();
    let check_err = |s: u32, err: &MaybeUninit<memcg_parse_error>| {
        if s == 3 {
            // SAFETY: written on MEMCG_PARSE_ERROR.
            let e = unsafe { err.assume_init() };
            assert!(e.offset as usize <= n, "offset {} beyond {n}", e.offset);
            assert!(e.line >= 1);
            let mut buf = [0 as c_char; 64];
            for cap in [0usize, 1, 7, 64] {
                let mut len = 0usize;
                // SAFETY: valid pointers; `cap` never exceeds the buffer.
                let s = unsafe { memcg_parse_error_format(&e, buf.as_mut_ptr(), cap, &mut len) };
                let _ = known(s);
                if cap > 0 {
                    assert!(buf[..cap].contains(&0), "not NUL-terminated within {cap}");
                }
            }
        }
    };
    // SAFETY (all calls below): pointers are valid for the lengths given, outputs are
    // writable and only read after MEMCG_OK / MEMCG_PARSE_ERROR.
    unsafe {
        let kind = match sel % 4 {
            0 => u32::from(sel),
            1 => u32::from(sel) * 7,
            _ => u32::from_le_bytes([sel, 0, 0, 0]) % 100,
        };
        let mut v = 0u64;
        let s = known(memcg_counter_parse(kind, p, n, &mut v, err.as_mut_ptr()));
        check_err(s, &err);
        let mut l = MaybeUninit::<memcg_limit>::uninit();
        let s = known(memcg_limit_parse(
            kind,
            p,
            n,
            l.as_mut_ptr(),
            err.as_mut_ptr(),
        ));
        check_err(s, &err);
        let mut pairs = 0usize;
        let s = known(memcg_keyed_foreach(
            kind,
            p,
            n,
            Some(count),
            (&mut pairs as *mut usize).cast(),
            err.as_mut_ptr(),
        ));
        check_err(s, &err);
        macro_rules! parse {
            ($f:ident, $t:ty) => {{
                let mut out = MaybeUninit::<$t>::uninit();
                let s = known($f(p, n, out.as_mut_ptr(), err.as_mut_ptr()));
                check_err(s, &err);
                // NULL outputs are refused, never written.
                let s = known($f(p, n, core::ptr::null_mut(), core::ptr::null_mut()));
                assert_ne!(s, 0, "a NULL output accepted");
            }};
        }
        match sel % 8 {
            0 => parse!(memcg_v1_memory_stat_parse, memcg_v1_memory_stat),
            1 => parse!(memcg_v2_memory_stat_parse, memcg_v2_memory_stat),
            2 => parse!(memcg_v1_oom_control_parse, memcg_v1_oom_control),
            3 => parse!(memcg_v2_memory_events_parse, memcg_v2_memory_events),
            4 => parse!(memcg_v2_swap_events_parse, memcg_v2_swap_events),
            5 => parse!(memcg_v2_cgroup_stat_parse, memcg_v2_cgroup_stat),
            6 => parse!(memcg_pressure_parse, memcg_pressure),
            _ => parse!(memcg_v2_memory_events_local_parse, memcg_v2_memory_events),
        }
        // NULL data with a length is refused.
        let s = known(memcg_counter_parse(
            kind,
            core::ptr::null(),
            5,
            &mut v,
            err.as_mut_ptr(),
        ));
        assert_ne!(s, 0);
        // A v2 Snapshot from the input split into files at 0xff bytes.
        let mut parts = data.split(|&b| b == 0xff);
        let mut next = || {
            parts.next().map_or(
                memcg_bytes {
                    data: core::ptr::null(),
                    len: 0,
                },
                |b| memcg_bytes {
                    data: b.as_ptr(),
                    len: b.len(),
                },
            )
        };
        let files = memcg_v2_files {
            current: next(),
            max: next(),
            high: next(),
            peak: next(),
            stat: next(),
            events: next(),
            swap_current: next(),
            swap_max: next(),
            pressure: next(),
            ancestors_limit: memcg_limit::from(None),
        };
        let mut snap = MaybeUninit::<memcg_snapshot>::uninit();
        let s = known(memcg_snapshot_from_v2(
            &files,
            snap.as_mut_ptr(),
            err.as_mut_ptr(),
        ));
        if s == 0 {
            let snap = snap.assume_init();
            let mut c = 0usize;
            let _ = known(memcg_snapshot_stat_count(&snap, &mut c));
            for i in 0..c + 2 {
                let mut k: *const c_char = core::ptr::null();
                let (mut kl, mut val) = (0usize, 0u64);
                let _ = known(memcg_snapshot_stat_get(&snap, i, &mut k, &mut kl, &mut val));
            }
            let mut b = 0u64;
            let _ = known(memcg_snapshot_unreclaimable_bytes(&snap, &mut b));
        }
    }
}
