//! Real cgroup v1 directories: copies captured on this kind of machine
//! (`tests/tools/capture_v1_dirs.sh`), and live child cgroups created under this process's own
//! memory cgroup (needs root and a v1 memory hierarchy; skipped with a message otherwise).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use memcg_core::sampler::Sampler;
use memcg_core::{Limit, Snapshot, Stat, Version};

fn local(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus-local/v1-real-6.18.44")
        .join(name)
}

#[test]
fn captured_anon_directory() {
    let s = Snapshot::read_dir(local("anon-32m")).unwrap();
    assert_eq!(s.version, Version::V1);
    assert_eq!(s.usage_bytes, 33_816_576);
    assert_eq!(s.limit_bytes, Some(Limit::Bytes(64 << 20)));
    assert_eq!(s.effective_limit_bytes, Some(Limit::Bytes(64 << 20)));
    assert_eq!(s.anon_bytes, Some(33_558_528));
    assert_eq!(s.working_set_bytes, 33_816_576);
    assert_eq!(s.oom_kills, Some(0));
    // The python workload touched 32 MiB of anonymous memory.
    assert!(s.unreclaimable_bytes() >= 32 << 20);
    // memsw limit = limit when no swap limit is set separately: the swap allowance is unlimited.
    assert_eq!(s.swap_limit_bytes, Some(Limit::Unlimited));
}

#[test]
fn captured_pagecache_directory() {
    let s = Snapshot::read_dir(local("pagecache-40m")).unwrap();
    assert_eq!(s.file_bytes, Some(40 << 20));
    assert_eq!(s.anon_bytes, Some(9_428_992));
    assert_eq!(s.working_set_bytes, 10_743_808);
    // Page cache is not in the leak signal.
    assert_eq!(s.unreclaimable_bytes(), 9_428_992);
    let Stat::V1(stat) = s.stat else {
        panic!("v1 stat expected")
    };
    assert_eq!(
        s.working_set_bytes,
        s.usage_bytes - stat.total_inactive_file.unwrap()
    );
}

#[test]
fn captured_shmem_and_oom_directories() {
    let s = Snapshot::read_dir(local("shmem-24m")).unwrap();
    assert_eq!(s.shmem_bytes, Some(24 << 20));
    assert_eq!(s.file_bytes, Some(24 << 20));
    // tmpfs cannot be reclaimed without swap: it is in the signal.
    assert_eq!(s.unreclaimable_bytes(), 24 << 20);
    let o = Snapshot::read_dir(local("oom-killed")).unwrap();
    assert_eq!(o.oom_kills, Some(1));
    assert_eq!(o.peak_bytes, Some(32 << 20));
    assert_eq!(o.max_events, Some(36));
    assert_eq!(o.limit_bytes, Some(Limit::Bytes(32 << 20)));
}

struct Cg {
    dir: PathBuf,
    child: Option<Child>,
}

impl Drop for Cg {
    fn drop(&mut self) {
        if let Some(c) = &mut self.child {
            let _ = c.kill();
            let _ = c.wait();
        }
        for _ in 0..50 {
            if std::fs::remove_dir(&self.dir).is_ok() || !self.dir.exists() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn start(parent: &Path, name: &str, limit: u64, py: &str) -> Cg {
    let dir = parent.join(format!("memcg-test-{name}-{}", std::process::id()));
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("memory.limit_in_bytes"), limit.to_string()).unwrap();
    let child = Command::new("/bin/sh")
        .arg("-c")
        .arg("echo $$ > \"$0\" && exec python3 -c \"$1\"")
        .arg(dir.join("cgroup.procs"))
        .arg(py)
        .spawn()
        .unwrap();
    Cg {
        dir,
        child: Some(child),
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

#[test]
fn live_child_cgroup_sampler_and_gone() {
    let Some(parent) = common::writable_v1_parent("live v1 tests") else {
        return;
    };
    let mut cg = start(
        &parent,
        "sampler",
        48 << 20,
        "b = bytearray(16 << 20)\nfor i in range(0, len(b), 4096): b[i] = 1\nimport time; time.sleep(60)",
    );
    let mut s = Sampler::open(&cg.dir).unwrap();
    assert!(
        wait_for(|| s
            .read()
            .is_ok_and(|x| x.anon_bytes.unwrap_or(0) >= 16 << 20)),
        "the workload's 16 MiB never showed up in {}",
        cg.dir.display()
    );
    let snap = s.read().unwrap();
    assert_eq!(snap.version, Version::V1);
    assert_eq!(snap.limit_bytes, Some(Limit::Bytes(48 << 20)));
    assert!(snap.usage_bytes >= 16 << 20 && snap.usage_bytes <= 48 << 20);
    // read_dir and the sampler agree on the limit and the version.
    let direct = Snapshot::read_dir(&cg.dir).unwrap();
    assert_eq!(direct.limit_bytes, snap.limit_bytes);
    // Kill the workload and remove the cgroup while the sampler keeps its files open.
    if let Some(mut c) = cg.child.take() {
        c.kill().unwrap();
        c.wait().unwrap();
    }
    assert!(wait_for(|| std::fs::remove_dir(&cg.dir).is_ok()));
    let err = s.read().unwrap_err();
    assert!(err.is_gone(), "expected a gone error, got {err}");
    let err = Snapshot::read_dir(&cg.dir).unwrap_err();
    assert!(
        matches!(err, memcg_core::ReadError::Io { .. }),
        "a removed directory is a clear I/O error, got {err}"
    );
}

#[test]
fn live_oom_kill_is_counted() {
    let Some(parent) = common::writable_v1_parent("live v1 tests") else {
        return;
    };
    let mut cg = start(
        &parent,
        "oom",
        24 << 20,
        "b = bytearray(64 << 20)\nfor i in range(0, len(b), 4096): b[i] = 1",
    );
    let status = cg.child.take().map(|mut c| c.wait().unwrap());
    assert!(
        status.is_some_and(|s| !s.success()),
        "the workload should be OOM-killed"
    );
    let snap = Snapshot::read_dir(&cg.dir).unwrap();
    assert_eq!(snap.oom_kills, Some(1));
    assert!(snap.max_events.unwrap() > 0);
    assert_eq!(snap.peak_bytes, Some(24 << 20));
}
