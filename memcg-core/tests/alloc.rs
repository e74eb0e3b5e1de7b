//! Zero allocation, proved: a counting global allocator asserts that every parser,
//! Snapshot-from-bytes, the LeakDetector's update and the Sampler's steady state allocate
//! nothing.
//!
//! The counter is per thread, so the test harness's other threads do not disturb it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::{Path, PathBuf};

use memcg_core::sampler::Sampler;
use memcg_core::trend::{DetectorConfig, LeakDetector};
use memcg_core::{parse, FileKind, Snapshot, V1Files, V2Files};

struct Counting;

thread_local! {
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator; the thread-local counter is const-initialised, so
// touching it never allocates (and `try_with` tolerates thread teardown).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by `f` on this thread.
fn allocs<R>(f: impl FnOnce() -> R) -> (u64, R) {
    let before = ALLOCS.with(Cell::get);
    let r = std::hint::black_box(f());
    (ALLOCS.with(Cell::get) - before, r)
}

fn corpus(rel: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn every_parser_allocates_nothing() {
    let v2dir = "elastic-agent-system-metrics/docker2/sys/fs/cgroup/user.slice/user-1000.slice/session-520.scope";
    let v1dir = "elastic-agent-system-metrics/docker/sys/fs/cgroup/memory/docker/b29faf21b7eff959f64b4192c34d5d67a707fe8561e9eaa608cb27693fba4242";
    let cases: Vec<(FileKind, Vec<u8>)> = vec![
        (
            FileKind::V2MemoryStat,
            corpus(&format!("{v2dir}/memory.stat")),
        ),
        (
            FileKind::V2MemoryEvents,
            corpus(&format!("{v2dir}/memory.events")),
        ),
        (
            FileKind::V2MemoryEventsLocal,
            corpus(&format!("{v2dir}/memory.events.local")),
        ),
        (
            FileKind::V2MemoryCurrent,
            corpus(&format!("{v2dir}/memory.current")),
        ),
        (
            FileKind::V2MemoryMax,
            corpus(&format!("{v2dir}/memory.max")),
        ),
        (
            FileKind::V2MemoryHigh,
            corpus(&format!("{v2dir}/memory.high")),
        ),
        (
            FileKind::V2MemoryLow,
            corpus(&format!("{v2dir}/memory.low")),
        ),
        (
            FileKind::V2MemoryMin,
            corpus(&format!("{v2dir}/memory.min")),
        ),
        (
            FileKind::V2MemorySwapCurrent,
            corpus(&format!("{v2dir}/memory.swap.current")),
        ),
        (
            FileKind::V2MemorySwapMax,
            corpus(&format!("{v2dir}/memory.swap.max")),
        ),
        (
            FileKind::V2MemorySwapEvents,
            corpus(&format!("{v2dir}/memory.swap.events")),
        ),
        (
            FileKind::Pressure,
            corpus(&format!("{v2dir}/memory.pressure")),
        ),
        (
            FileKind::V2MemoryNumaStat,
            corpus("below/v2-numa/memory.numa_stat"),
        ),
        (
            FileKind::V2CgroupStat,
            b"nr_descendants 3\nnr_dying_descendants 0\n".to_vec(),
        ),
        (FileKind::V2MemoryPeak, corpus("telegraf/v2/memory.peak")),
        (
            FileKind::V2MemoryOomGroup,
            corpus("telegraf/v2/memory.oom.group"),
        ),
        (
            FileKind::V2MemorySwapHigh,
            corpus("telegraf/v2/memory.swap.high"),
        ),
        (
            FileKind::V2MemoryZswapCurrent,
            corpus("below/edge-cases/memory-zswap-current/memory.zswap.current"),
        ),
        (FileKind::V2MemoryZswapMax, b"max\n".to_vec()),
        (FileKind::V2MemorySwapPeak, b"4096\n".to_vec()),
        (
            FileKind::V1MemoryStat,
            corpus(&format!("{v1dir}/memory.stat")),
        ),
        (
            FileKind::V1UsageInBytes,
            corpus(&format!("{v1dir}/memory.usage_in_bytes")),
        ),
        (
            FileKind::V1LimitInBytes,
            corpus(&format!("{v1dir}/memory.limit_in_bytes")),
        ),
        (
            FileKind::V1MaxUsageInBytes,
            corpus(&format!("{v1dir}/memory.max_usage_in_bytes")),
        ),
        (
            FileKind::V1Failcnt,
            corpus(&format!("{v1dir}/memory.failcnt")),
        ),
        (
            FileKind::V1SoftLimitInBytes,
            corpus(&format!("{v1dir}/memory.soft_limit_in_bytes")),
        ),
        (
            FileKind::V1MemswUsageInBytes,
            corpus(&format!("{v1dir}/memory.memsw.usage_in_bytes")),
        ),
        (
            FileKind::V1MemswLimitInBytes,
            corpus(&format!("{v1dir}/memory.memsw.limit_in_bytes")),
        ),
        (
            FileKind::V1MemswMaxUsageInBytes,
            corpus(&format!("{v1dir}/memory.memsw.max_usage_in_bytes")),
        ),
        (
            FileKind::V1MemswFailcnt,
            corpus(&format!("{v1dir}/memory.memsw.failcnt")),
        ),
        (
            FileKind::V1KmemUsageInBytes,
            corpus(&format!("{v1dir}/memory.kmem.usage_in_bytes")),
        ),
        (
            FileKind::V1KmemLimitInBytes,
            corpus(&format!("{v1dir}/memory.kmem.limit_in_bytes")),
        ),
        (
            FileKind::V1KmemMaxUsageInBytes,
            corpus(&format!("{v1dir}/memory.kmem.max_usage_in_bytes")),
        ),
        (
            FileKind::V1KmemFailcnt,
            corpus(&format!("{v1dir}/memory.kmem.failcnt")),
        ),
        (
            FileKind::V1KmemTcpUsageInBytes,
            corpus(&format!("{v1dir}/memory.kmem.tcp.usage_in_bytes")),
        ),
        (
            FileKind::V1KmemTcpLimitInBytes,
            corpus(&format!("{v1dir}/memory.kmem.tcp.limit_in_bytes")),
        ),
        (
            FileKind::V1KmemTcpMaxUsageInBytes,
            corpus(&format!("{v1dir}/memory.kmem.tcp.max_usage_in_bytes")),
        ),
        (
            FileKind::V1KmemTcpFailcnt,
            corpus(&format!("{v1dir}/memory.kmem.tcp.failcnt")),
        ),
        (
            FileKind::V1OomControl,
            corpus(&format!("{v1dir}/memory.oom_control")),
        ),
        (
            FileKind::V1Swappiness,
            corpus(&format!("{v1dir}/memory.swappiness")),
        ),
        (
            FileKind::V1UseHierarchy,
            corpus(&format!("{v1dir}/memory.use_hierarchy")),
        ),
        (
            FileKind::V1MemoryNumaStat,
            corpus("cgroups-rs/v1-numa/hierarchical/memory.numa_stat"),
        ),
    ];
    // Every parseable kind is covered.
    for k in FileKind::ALL {
        if !matches!(
            k,
            FileKind::ProcCgroup | FileKind::ProcMountinfo | FileKind::TraceCsv
        ) {
            assert!(cases.iter().any(|(c, _)| c == k), "{k:?} not covered");
        }
    }
    for (kind, bytes) in &cases {
        let (n, r) = allocs(|| parse(*kind, bytes));
        assert!(r.is_ok(), "{kind:?}: {r:?}");
        assert_eq!(n, 0, "{kind:?} allocated {n} times");
        // Errors do not allocate either.
        let (n, r) = allocs(|| parse(*kind, b"x=1 N0=q\n"));
        assert!(r.is_err());
        assert_eq!(n, 0, "{kind:?} error path allocated {n} times");
    }
    // The borrowing iterator over unknown keys.
    let stat = corpus(&format!("{v2dir}/memory.stat"));
    let (n, count) = allocs(|| memcg_core::v2::MemoryStat::unknown(&stat).count());
    assert_eq!((n, count), (0, 0));
    let (n, count) =
        allocs(|| memcg_core::grammar::KeyValues::new(FileKind::V2MemoryStat, &stat).count());
    assert_eq!(n, 0);
    assert!(count > 40);
}

#[test]
fn snapshot_from_bytes_allocates_nothing() {
    let d = "elastic-agent-system-metrics/docker2/sys/fs/cgroup/user.slice/user-1000.slice/session-520.scope";
    let f = |n: &str| corpus(&format!("{d}/{n}"));
    let (cur, max, high, stat, events, swap, swapmax, psi) = (
        f("memory.current"),
        f("memory.max"),
        f("memory.high"),
        f("memory.stat"),
        f("memory.events"),
        f("memory.swap.current"),
        f("memory.swap.max"),
        f("memory.pressure"),
    );
    let (n, s) = allocs(|| {
        Snapshot::from_v2(&V2Files {
            current: &cur,
            max: Some(&max),
            high: Some(&high),
            stat: Some(&stat),
            events: Some(&events),
            swap_current: Some(&swap),
            swap_max: Some(&swapmax),
            pressure: Some(&psi),
            ..V2Files::default()
        })
    });
    assert_eq!(n, 0);
    assert_eq!(s.unwrap().usage_bytes, 10_498_404_352);
    // A newer kernel's extra keys are kept inline, still without allocating.
    let mut stat2 = stat.clone();
    stat2.extend_from_slice(b"brand_new_key 42\n");
    let (n, s) = allocs(|| {
        Snapshot::from_v2(&V2Files {
            current: &cur,
            stat: Some(&stat2),
            ..V2Files::default()
        })
    });
    assert_eq!(n, 0);
    assert_eq!(s.unwrap().extra_stat.get("brand_new_key"), Some(42));

    let d1 = "elastic-agent-system-metrics/amzn2/sys/fs/cgroup/memory/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod7a96c459_d529_44ae_9f99_90d3798d6426.slice/cri-containerd-1d3d308a7d48a27814a68bf33a44acf4441c9c02463ca0bc1cdfdc8c0b4a8496.scope";
    let g = |n: &str| corpus(&format!("{d1}/{n}"));
    let (u, l, st) = (
        g("memory.usage_in_bytes"),
        g("memory.limit_in_bytes"),
        g("memory.stat"),
    );
    let (n, s) = allocs(|| {
        Snapshot::from_v1(&V1Files {
            usage_in_bytes: &u,
            limit_in_bytes: Some(&l),
            stat: Some(&st),
            ..V1Files::default()
        })
    });
    assert_eq!(n, 0);
    assert_eq!(s.unwrap().working_set_bytes, 1_137_303_552);
}

#[test]
fn detector_update_allocates_nothing() {
    let mut det = LeakDetector::new(DetectorConfig::default());
    let cur = b"104857600\n";
    let mut total = 0;
    for i in 0..2000u64 {
        let stat = format!(
            "anon {}\nfile 1000\nshmem 0\nkernel 0\n",
            50_000_000 + i * 100_000
        );
        let max = b"209715200\n";
        let snap = Snapshot::from_v2(&V2Files {
            current: cur,
            max: Some(max),
            stat: Some(stat.as_bytes()),
            ..V2Files::default()
        })
        .unwrap();
        let (n, r) = allocs(|| det.update(i as f64 * 0.5, &snap));
        assert!(r.is_ok());
        total += n;
    }
    assert_eq!(total, 0, "LeakDetector::update allocated");
}

fn own_memory_cgroup() -> Option<PathBuf> {
    memcg_core::discovery::self_cgroup()
        .ok()
        .map(|f| f.dir)
        .filter(|d| d.join("memory.usage_in_bytes").exists() || d.join("memory.current").exists())
}

#[test]
fn sampler_steady_state_allocates_nothing() {
    let Some(dir) = own_memory_cgroup() else {
        eprintln!("SKIP: this process's memory cgroup is not readable here");
        return;
    };
    let mut s = Sampler::open(&dir).unwrap();
    // The first read sizes the buffers.
    s.read().unwrap();
    s.read().unwrap();
    let (n, r) = allocs(|| {
        let mut last = 0;
        for _ in 0..200 {
            last = s.read().map(|snap| snap.usage_bytes).unwrap_or(0);
        }
        last
    });
    assert!(r > 0, "usage read as 0 from {}", dir.display());
    assert_eq!(n, 0, "Sampler::read allocated {n} times in 200 samples");
    let mut snap = s.read().unwrap();
    let (n, r) = allocs(|| {
        for _ in 0..200 {
            if s.read_into(&mut snap).is_err() {
                return 0;
            }
        }
        snap.usage_bytes
    });
    assert!(r > 0, "usage read as 0 from {}", dir.display());
    assert_eq!(
        n, 0,
        "Sampler::read_into allocated {n} times in 200 samples"
    );
    // Two Samplers sharing one scratch buffer (the exporter's way).
    let mut other = Sampler::open(&dir).unwrap();
    let mut scratch = Vec::new();
    other.read_into_with(&mut snap, &mut scratch).unwrap();
    s.read_into_with(&mut snap, &mut scratch).unwrap();
    let (n, r) = allocs(|| {
        for _ in 0..100 {
            for sampler in [&mut s, &mut other] {
                if sampler.read_into_with(&mut snap, &mut scratch).is_err() {
                    return 0;
                }
            }
        }
        snap.usage_bytes
    });
    assert!(r > 0, "usage read as 0 from {}", dir.display());
    assert_eq!(
        n, 0,
        "Sampler::read_into_with allocated {n} times in 200 samples"
    );
}
