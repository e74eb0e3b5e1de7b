//! Faults, for real where this machine allows it.
//!
//! - Live cgroup v1 (root and a v1 memory hierarchy; skipped with a message otherwise): the
//!   cgroup removed between samples gives a typed `Gone` error and leaves the detector's state
//!   intact; a process OOM-killed inside the cgroup raises `oom_kills` and resets the detector.
//! - Copies of cgroup directories: files that vanish between samples, a file replaced by a
//!   directory, directories holding only some files (older kernels), a `memory.stat` with
//!   thousands of unknown keys (bounded time, and no allocation growth across samples: the
//!   counting allocator of `tests/alloc.rs`).
//! - Interrupted (`EINTR`) and short reads go through the `ReadAt` seam of `pread_all`:
//!   `src/read.rs`'s unit tests (`cargo test -p memcg-core --lib read::`).

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use memcg_core::sampler::Sampler;
use memcg_core::trend::LeakDetector;
use memcg_core::{Limit, ReadError, Snapshot, Version};

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

fn allocs<R>(f: impl FnOnce() -> R) -> (u64, R) {
    let before = ALLOCS.with(Cell::get);
    let r = std::hint::black_box(f());
    (ALLOCS.with(Cell::get) - before, r)
}

// ---------------------------------------------------------------------------------------------
// Live v1 cgroups.

/// A child cgroup with its processes; killed and removed on drop.
struct Cg {
    dir: PathBuf,
    children: Vec<Child>,
}

impl Cg {
    fn new(parent: &Path, name: &str, limit: u64) -> Cg {
        let dir = parent.join(format!("memcg-faults-{name}-{}", std::process::id()));
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("memory.limit_in_bytes"), limit.to_string()).unwrap();
        Cg {
            dir,
            children: Vec::new(),
        }
    }

    /// Starts `python3 -c py` inside the cgroup.
    fn spawn(&mut self, py: &str) -> usize {
        let child = Command::new("/bin/sh")
            .arg("-c")
            .arg("echo $$ > \"$0\" && exec python3 -c \"$1\"")
            .arg(self.dir.join("cgroup.procs"))
            .arg(py)
            .spawn()
            .unwrap();
        self.children.push(child);
        self.children.len() - 1
    }

    fn kill_all(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
        self.children.clear();
    }
}

impl Drop for Cg {
    fn drop(&mut self) {
        self.kill_all();
        for _ in 0..100 {
            if std::fs::remove_dir(&self.dir).is_ok() || !self.dir.exists() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        eprintln!("WARNING: could not remove {}", self.dir.display());
    }
}

fn wait_for(mut f: impl FnMut() -> bool) -> bool {
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(20) {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

fn python_available() -> bool {
    let ok = Command::new("python3")
        .arg("-c")
        .arg("pass")
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("SKIP: live fault tests need python3 for their workloads");
    }
    ok
}

const HOLD_16M: &str = "b = bytearray(16 << 20)\nfor i in range(0, len(b), 4096): b[i] = 1\nimport time; time.sleep(120)";

#[test]
fn live_cgroup_removed_between_samples_is_gone_and_keeps_the_detector() {
    let Some(parent) = common::writable_v1_parent("live fault tests") else {
        return;
    };
    if !python_available() {
        return;
    }
    let mut cg = Cg::new(&parent, "gone", 64 << 20);
    cg.spawn(HOLD_16M);
    let mut s = Sampler::open(&cg.dir).unwrap();
    assert!(
        wait_for(|| s
            .read()
            .is_ok_and(|x| x.anon_bytes.unwrap_or(0) >= 16 << 20)),
        "the workload's 16 MiB never showed up"
    );
    let mut det = LeakDetector::default();
    let mut last = None;
    for i in 0..5 {
        let snap = s.read().unwrap();
        let a = det.update(f64::from(i), &snap).unwrap();
        assert_eq!(a.age_s, f64::from(i));
        last = Some(snap);
    }
    // The workload ends and the cgroup is removed while the sampler holds its files open.
    cg.kill_all();
    assert!(wait_for(|| std::fs::remove_dir(&cg.dir).is_ok()));
    for _ in 0..3 {
        let e = s.read().unwrap_err();
        assert!(e.is_gone(), "expected Gone, got {e:?}");
        assert!(e.to_string().contains("gone"), "{e}");
    }
    // The detector never saw a zero: its history goes on from the last real sample.
    let a = det.update(5.0, &last.unwrap()).unwrap();
    assert_eq!(a.age_s, 5.0, "the detector lost its state: {a:?}");
    // A fresh look at the removed directory is a typed error too, never a Snapshot of zeros.
    assert!(Snapshot::read_dir(&cg.dir).is_err());
    assert!(Sampler::open(&cg.dir).is_err());
}

#[test]
fn live_oom_kill_raises_oom_kills_and_resets_the_detector() {
    let Some(parent) = common::writable_v1_parent("live fault tests") else {
        return;
    };
    if !python_available() {
        return;
    }
    let mut cg = Cg::new(&parent, "oom", 48 << 20);
    // A survivor holding 16 MiB, so the signal is not zero before and after the kill.
    cg.spawn(HOLD_16M);
    let mut s = Sampler::open(&cg.dir).unwrap();
    assert!(wait_for(|| s
        .read()
        .is_ok_and(|x| x.anon_bytes.unwrap_or(0) >= 16 << 20)));
    let mut det = LeakDetector::default();
    let before = s.read().unwrap();
    assert_eq!(before.oom_kills, Some(0));
    for i in 0..10 {
        let a = det.update(f64::from(i), &s.read().unwrap()).unwrap();
        assert_eq!(a.age_s, f64::from(i));
    }
    // A second process allocates past the limit: the OOM killer takes it.
    let hog = cg.spawn("b = bytearray(96 << 20)\nfor i in range(0, len(b), 4096): b[i] = 1");
    let status = cg.children[hog].wait().unwrap();
    assert!(!status.success(), "the hog should have been OOM-killed");
    assert!(wait_for(|| s.read().is_ok_and(|x| x.oom_kills >= Some(1))));
    let after = s.read().unwrap();
    assert!(after.oom_kills >= Some(1), "{:?}", after.oom_kills);
    assert!(after.max_events > before.max_events);
    let a = det.update(10.0, &after).unwrap();
    assert_eq!(a.age_s, 0.0, "an OOM kill must reset the detector: {a:?}");
    assert!(!a.leak);
    // And it carries on from there.
    let a = det.update(11.0, &s.read().unwrap()).unwrap();
    assert_eq!(a.age_s, 1.0);
}

// ---------------------------------------------------------------------------------------------
// Copies of cgroup directories.

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let d = std::env::temp_dir().join(format!("memcg-faults-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        Scratch(d)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (n, c) in files {
        std::fs::write(dir.join(n), c).unwrap();
    }
}

const V1_FULL: &[(&str, &str)] = &[
    ("memory.usage_in_bytes", "104857600\n"),
    ("memory.limit_in_bytes", "209715200\n"),
    ("memory.max_usage_in_bytes", "157286400\n"),
    ("memory.failcnt", "3\n"),
    (
        "memory.stat",
        "cache 0\nrss 52428800\nshmem 0\ntotal_cache 1048576\ntotal_rss 52428800\ntotal_shmem 0\ntotal_swap 0\ntotal_inactive_file 1048576\nhierarchical_memory_limit 209715200\n",
    ),
    ("memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n"),
    ("memory.use_hierarchy", "1\n"),
];

#[test]
fn files_that_vanish_between_samples() {
    let s = Scratch::new("vanish");
    let dir = &s.0;
    write(dir, V1_FULL);
    let full = Snapshot::read_dir(dir).unwrap();
    assert_eq!(full.oom_kills, Some(2));
    // An optional file vanishes: its fields become absent (None), never zero, never an error.
    std::fs::remove_file(dir.join("memory.oom_control")).unwrap();
    let snap = Snapshot::read_dir(dir).unwrap();
    assert_eq!(snap.oom_kills, None);
    assert_eq!(snap.usage_bytes, full.usage_bytes);
    std::fs::remove_file(dir.join("memory.stat")).unwrap();
    let snap = Snapshot::read_dir(dir).unwrap();
    assert_eq!((snap.anon_bytes, snap.file_bytes), (None, None));
    // A Sampler keeps its files open: on a copy an unlinked file still reads (on cgroupfs
    // the kernel answers ENODEV instead: the live test above); a new file is not picked up.
    write(dir, V1_FULL);
    let mut sampler = Sampler::open(dir).unwrap();
    std::fs::remove_file(dir.join("memory.stat")).unwrap();
    assert_eq!(sampler.read().unwrap(), full);
    // The usage file vanishes: a typed error, not a Snapshot of zeros.
    std::fs::remove_file(dir.join("memory.usage_in_bytes")).unwrap();
    let e = Snapshot::read_dir(dir).unwrap_err();
    assert!(matches!(e, ReadError::NotACgroup { .. }), "{e:?}");
    let e = Sampler::open(dir).unwrap_err();
    assert!(matches!(e, ReadError::NotACgroup { .. }), "{e:?}");
    // The whole directory vanishes.
    std::fs::remove_dir_all(dir).unwrap();
    assert!(Snapshot::read_dir(dir).is_err());
    assert!(Sampler::open(dir).is_err());
}

#[test]
fn a_file_replaced_by_a_directory_is_a_typed_error() {
    let s = Scratch::new("replaced");
    let dir = &s.0;
    write(dir, V1_FULL);
    for victim in [
        "memory.stat",
        "memory.usage_in_bytes",
        "memory.limit_in_bytes",
    ] {
        std::fs::remove_file(dir.join(victim)).unwrap();
        std::fs::create_dir(dir.join(victim)).unwrap();
        let e = Snapshot::read_dir(dir).unwrap_err();
        assert!(
            matches!(&e, ReadError::NotRegular { what: "directory", path } if path.ends_with(victim)),
            "{victim}: {e:?}"
        );
        std::fs::remove_dir(dir.join(victim)).unwrap();
        write(dir, V1_FULL);
    }
    // Unreadable in another way: root ignores mode bits, so an empty file (the kernel's answer
    // while a cgroup is being torn down) stands in; it is a parse error naming the file.
    std::fs::write(dir.join("memory.limit_in_bytes"), "").unwrap();
    let e = Snapshot::read_dir(dir).unwrap_err();
    let pe = e.parse_error().expect("a parse error");
    assert_eq!(pe.reason, memcg_core::Reason::Empty);
    assert!(e.to_string().contains("memory.limit_in_bytes"), "{e}");
}

#[test]
fn directories_with_only_some_files() {
    let s = Scratch::new("partial");
    // v1 with the usage file only (a minimal bind mount).
    let d1 = s.0.join("v1-min");
    std::fs::create_dir(&d1).unwrap();
    write(&d1, &[("memory.usage_in_bytes", "4096\n")]);
    let snap = Snapshot::read_dir(&d1).unwrap();
    assert_eq!(snap.version, Version::V1);
    assert_eq!(snap.usage_bytes, 4096);
    assert_eq!(snap.limit_bytes, None, "absent, not unlimited and not zero");
    assert_eq!(snap.effective_limit_bytes, None);
    assert_eq!(
        (snap.oom_kills, snap.max_events, snap.peak_bytes),
        (None, None, None)
    );
    assert_eq!(snap.working_set_bytes, 4096);
    // v1 without memsw (swap accounting off) and without kmem: no swap limit.
    let d1b = s.0.join("v1-noswap");
    std::fs::create_dir(&d1b).unwrap();
    write(&d1b, V1_FULL);
    let snap = Snapshot::read_dir(&d1b).unwrap();
    assert_eq!(snap.swap_limit_bytes, None);
    assert_eq!(snap.limit_bytes, Some(Limit::Bytes(209_715_200)));
    // v2 before 5.19 (no memory.peak), without swap files (no swap accounting), no PSI.
    let d2 = s.0.join("v2-old");
    std::fs::create_dir(&d2).unwrap();
    write(
        &d2,
        &[
            ("memory.current", "8192\n"),
            ("memory.max", "max\n"),
            ("memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n"),
            (
                "memory.stat",
                "anon 4096\nfile 4096\ninactive_file 4096\nshmem 0\n",
            ),
        ],
    );
    let snap = Snapshot::read_dir(&d2).unwrap();
    assert_eq!(snap.version, Version::V2);
    assert_eq!(snap.peak_bytes, None);
    assert_eq!(snap.swap_bytes, None);
    assert_eq!(snap.swap_limit_bytes, None);
    assert_eq!(snap.pressure, None);
    assert_eq!(snap.limit_bytes, Some(Limit::Unlimited));
    assert_eq!(snap.working_set_bytes, 4096);
    // The Sampler agrees on every partial directory, and stays allocation-free on them.
    for d in [&d1, &d1b, &d2] {
        let mut sampler = Sampler::open(d).unwrap();
        let first = sampler.read().unwrap();
        assert_eq!(first, Snapshot::read_dir(d).unwrap());
        let (n, again) = allocs(|| sampler.read().unwrap());
        assert_eq!(again, first);
        assert_eq!(n, 0, "{}: {n} allocations in the steady state", d.display());
    }
}

#[test]
fn a_very_large_memory_stat_is_bounded_and_allocation_free_across_samples() {
    let s = Scratch::new("large-stat");
    let dir = &s.0;
    write(dir, V1_FULL);
    // The real keys, then 5000 keys no kernel prints (~170 KiB).
    let mut stat = String::from(V1_FULL[4].1);
    for i in 0..5000 {
        stat.push_str(&format!("future_counter_number_{i:05} {}\n", i * 4096));
    }
    assert!(stat.len() > 150_000 && stat.len() < 1 << 20);
    std::fs::write(dir.join("memory.stat"), &stat).unwrap();

    let mut sampler = Sampler::open(dir).unwrap();
    let first = sampler.read().unwrap();
    assert_eq!(first.anon_bytes, Some(52_428_800));
    assert_eq!(
        first.extra_stat.entries().len(),
        32,
        "the inline store is full"
    );
    assert_eq!(
        first.extra_stat.dropped,
        5000 - 32,
        "the rest is counted, not lost silently"
    );
    let t = Instant::now();
    let mut det = LeakDetector::default();
    for i in 0..20 {
        let (n, snap) = allocs(|| sampler.read().unwrap());
        assert_eq!(n, 0, "sample {i}: {n} allocations");
        assert_eq!(snap, first);
        let (n, a) = allocs(|| det.update(f64::from(i), &snap).unwrap());
        assert_eq!(n, 0, "detector update {i}: {n} allocations");
        assert!(a.slope_bytes_per_s.is_finite());
    }
    // Bounded time: 20 samples of a 170 KiB file, unoptimised build, on a shared machine.
    assert!(
        t.elapsed() < Duration::from_secs(10),
        "20 samples took {:?}",
        t.elapsed()
    );
    // read_dir gives the same answer.
    assert_eq!(Snapshot::read_dir(dir).unwrap(), first);
}
