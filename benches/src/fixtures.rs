//! The fixture files the benches read, all real files from the conformance corpus, and the
//! live cgroup of this machine the sampler benches read.

use std::path::{Path, PathBuf};

/// `memcg-core/tests`, where the corpus lives.
#[must_use]
pub fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../memcg-core/tests")
}

/// A real v2 cgroup (kernel 6.x, a systemd session scope; 53-key `memory.stat`, 1007 bytes,
/// with `memory.numa_stat`, `memory.events`, `memory.pressure`, `memory.swap.*`).
pub const V2_DIR: &str = "corpus/elastic-agent-system-metrics/docker2/sys/fs/cgroup/user.slice/user-1000.slice/session-520.scope";

/// A real v1 cgroup captured on this project's machine (kernel 6.18, a child cgroup holding
/// 32 MiB of anonymous memory; 42-key `memory.stat`, 750 bytes).
pub const V1_DIR: &str = "corpus-local/v1-real-6.18.44/anon-32m";

/// A second real v1 `memory.stat` (a Docker container on an older kernel; 32 keys, 671 bytes).
pub const V1_DOCKER_STAT: &str = "corpus/elastic-agent-system-metrics/docker/sys/fs/cgroup/memory/docker/b29faf21b7eff959f64b4192c34d5d67a707fe8561e9eaa608cb27693fba4242/memory.stat";

/// A corpus file path, relative to `memcg-core/tests`.
#[must_use]
pub fn path(rel: &str) -> PathBuf {
    tests_dir().join(rel)
}

/// Reads a corpus file (relative to `memcg-core/tests`).
///
/// # Panics
/// If the file cannot be read (the corpus is part of the repository).
#[must_use]
pub fn load(rel: &str) -> Vec<u8> {
    let p = path(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Reads `name` inside a corpus directory, `None` if the file is absent.
#[must_use]
pub fn load_in(dir: &str, name: &str) -> Option<Vec<u8>> {
    std::fs::read(path(dir).join(name)).ok()
}

/// The live memory cgroup the sampler benches read: `$MEMCG_BENCH_CGROUP` if set, else this
/// process's own memory cgroup (the `memory:` line of `/proc/self/cgroup` under
/// `/sys/fs/cgroup/memory` on v1, the `0::` line under `/sys/fs/cgroup` on v2). `None` if no
/// such directory holds `memory.usage_in_bytes` or `memory.current`.
#[must_use]
pub fn live_cgroup() -> Option<PathBuf> {
    let ok =
        |p: &Path| p.join("memory.usage_in_bytes").exists() || p.join("memory.current").exists();
    if let Some(p) = std::env::var_os("MEMCG_BENCH_CGROUP") {
        let p = PathBuf::from(p);
        return ok(&p).then_some(p);
    }
    let text = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let mut v2 = None;
    for line in text.lines() {
        let mut parts = line.splitn(3, ':');
        let (_, ctrl, rel) = (parts.next()?, parts.next()?, parts.next()?);
        let rel = rel.trim_start_matches('/');
        if ctrl.split(',').any(|c| c == "memory") {
            let p = Path::new("/sys/fs/cgroup/memory").join(rel);
            if ok(&p) {
                return Some(p);
            }
        } else if ctrl.is_empty() {
            v2 = Some(Path::new("/sys/fs/cgroup").join(rel));
        }
    }
    v2.filter(|p| ok(p))
}

/// The v2 trace the detector benches replay (a sawtooth with a leak ending in an OOM kill,
/// recorded on a real v2 kernel, 586 samples).
pub const TRACE: &str = "traces-v2/04_sawtooth_leak_oom.csv";
