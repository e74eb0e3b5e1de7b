//! The C entry points that promise not to allocate, called through the Rust symbols with a
//! counting global allocator: parsers, snapshot building and accessors, detector updates,
//! and sampler reads after the first.
#![allow(missing_docs)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::mem::MaybeUninit;
use std::ptr;

use memcg::*;

struct Counting;

thread_local! {
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = COUNT.try_with(|c| c.set(c.get() + 1));
        // SAFETY: forwarded.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        // SAFETY: forwarded.
        unsafe { System.dealloc(p, layout) }
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        let _ = COUNT.try_with(|c| c.set(c.get() + 1));
        // SAFETY: forwarded.
        unsafe { System.realloc(p, layout, size) }
    }
}

#[global_allocator]
static A: Counting = Counting;

fn allocations(f: impl FnOnce()) -> usize {
    let before = COUNT.with(Cell::get);
    f();
    COUNT.with(Cell::get) - before
}

const STAT: &[u8] = b"anon 52428800\nfile 41943040\ninactive_file 31457280\nshmem 0\nnew_key 5\n";

unsafe extern "C" fn count_pairs(
    _k: *const std::ffi::c_char,
    _l: usize,
    _v: u64,
    user: *mut std::ffi::c_void,
) -> std::ffi::c_int {
    // SAFETY: `user` is the &mut usize passed below.
    unsafe { *user.cast::<usize>() += 1 };
    0
}

fn v2_files(current: &[u8], stat: &[u8]) -> memcg_v2_files {
    let b = |s: &[u8]| memcg_bytes {
        data: s.as_ptr(),
        len: s.len(),
    };
    let none = memcg_bytes {
        data: ptr::null(),
        len: 0,
    };
    memcg_v2_files {
        current: b(current),
        max: b(b"209715200\n"),
        high: none,
        peak: none,
        stat: b(stat),
        events: b(b"low 0\nhigh 0\nmax 1\noom 0\noom_kill 0\n"),
        swap_current: none,
        swap_max: none,
        pressure: b(b"some avg10=0.00 avg60=0.00 avg300=0.00 total=1\n"),
        ancestors_limit: memcg_limit {
            kind: memcg_limit_kind::MEMCG_LIMIT_ABSENT,
            bytes: 0,
        },
    }
}

#[test]
fn the_counter_counts() {
    assert_eq!(
        allocations(|| drop(std::hint::black_box(Box::new(1u64)))),
        1
    );
}

#[test]
fn parse_snapshot_and_update_do_not_allocate() {
    let mut stat = MaybeUninit::<memcg_v2_memory_stat>::uninit();
    let mut err = MaybeUninit::<memcg_parse_error>::uninit();
    let mut snap = Box::new(MaybeUninit::<memcg_snapshot>::uninit());
    let mut det: *mut memcg_detector = ptr::null_mut();
    let mut a = MaybeUninit::<memcg_assessment>::uninit();
    // SAFETY: valid out pointer.
    assert_eq!(
        unsafe { memcg_detector_new(ptr::null(), &mut det) },
        memcg_status::MEMCG_OK
    );
    let n = allocations(|| {
        // SAFETY (every call): valid buffers and out pointers.
        unsafe {
            for i in 0..200u64 {
                assert_eq!(
                    memcg_v2_memory_stat_parse(
                        STAT.as_ptr(),
                        STAT.len(),
                        stat.as_mut_ptr(),
                        err.as_mut_ptr()
                    ),
                    memcg_status::MEMCG_OK
                );
                assert_eq!(
                    memcg_v2_memory_stat_parse(
                        b"anon x\n".as_ptr(),
                        7,
                        stat.as_mut_ptr(),
                        err.as_mut_ptr()
                    ),
                    memcg_status::MEMCG_PARSE_ERROR
                );
                let mut pairs = 0usize;
                memcg_keyed_foreach(
                    memcg_file_kind::MEMCG_FILE_V2_MEMORY_STAT as u32,
                    STAT.as_ptr(),
                    STAT.len(),
                    Some(count_pairs),
                    (&mut pairs as *mut usize).cast(),
                    ptr::null_mut(),
                );
                assert_eq!(pairs, 5);
                let mut v = 0u64;
                memcg_counter_parse(
                    memcg_file_kind::MEMCG_FILE_V2_MEMORY_CURRENT as u32,
                    b"4096\n".as_ptr(),
                    5,
                    &mut v,
                    ptr::null_mut(),
                );
                let current = format_u64(104_857_600 + i * 1_048_576);
                let files = v2_files(&current.0[..current.1], STAT);
                assert_eq!(
                    memcg_snapshot_from_v2(&files, snap.as_mut_ptr(), err.as_mut_ptr()),
                    memcg_status::MEMCG_OK
                );
                let mut count = 0usize;
                memcg_snapshot_stat_count(snap.as_ptr(), &mut count);
                let mut value = 0u64;
                assert_eq!(
                    memcg_snapshot_stat_find(snap.as_ptr(), c"new_key".as_ptr(), &mut value),
                    memcg_status::MEMCG_OK
                );
                assert_eq!(
                    memcg_detector_update(det, i as f64, snap.as_ptr(), a.as_mut_ptr()),
                    memcg_status::MEMCG_OK
                );
            }
        }
    });
    // SAFETY: from memcg_detector_new.
    unsafe { memcg_detector_free(det) };
    assert_eq!(n, 0, "allocations on the parse/snapshot/update paths");
}

/// A u64 as decimal text in a stack buffer (no allocation).
fn format_u64(mut v: u64) -> ([u8; 24], usize) {
    let mut tmp = [0u8; 24];
    let mut n = 0;
    loop {
        tmp[n] = b'0' + (v % 10) as u8;
        v /= 10;
        n += 1;
        if v == 0 {
            break;
        }
    }
    let mut out = [0u8; 24];
    for i in 0..n {
        out[i] = tmp[n - 1 - i];
    }
    out[n] = b'\n';
    (out, n + 1)
}

#[test]
fn sampler_reads_after_the_first_do_not_allocate() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../memcg-core/tests/corpus/telegraf/v2");
    let cdir = std::ffi::CString::new(dir.to_str().unwrap()).unwrap();
    let mut s: *mut memcg_sampler = ptr::null_mut();
    let mut snap = Box::new(MaybeUninit::<memcg_snapshot>::uninit());
    // SAFETY: valid path and out pointers.
    unsafe {
        assert_eq!(
            memcg_sampler_open(cdir.as_ptr(), &mut s),
            memcg_status::MEMCG_OK
        );
        assert_eq!(
            memcg_sampler_read(s, snap.as_mut_ptr()),
            memcg_status::MEMCG_OK
        );
    }
    let n = allocations(|| {
        for _ in 0..50 {
            // SAFETY: a live sampler and a valid out pointer.
            assert_eq!(
                unsafe { memcg_sampler_read(s, snap.as_mut_ptr()) },
                memcg_status::MEMCG_OK
            );
        }
    });
    // SAFETY: from memcg_sampler_open.
    unsafe { memcg_sampler_free(s) };
    assert_eq!(n, 0, "allocations in steady-state sampler reads");
}
