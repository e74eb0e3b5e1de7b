//! This process's memory cgroup directory.
//!
//! Temporary, minimal stand-in until `memcg_core::discovery::self_cgroup()` lands on main:
//! the `memory` line of `/proc/self/cgroup` (v1, hybrid hosts included) joined to
//! `/sys/fs/cgroup/memory`, else the `0::` line joined to `/sys/fs/cgroup`. Inside a cgroup
//! namespace the path may be `/` or not exist under the mount: the mount root is then tried.

use std::path::{Path, PathBuf};

fn is_memcg(dir: &Path) -> bool {
    dir.join("memory.usage_in_bytes").is_file() || dir.join("memory.current").is_file()
}

fn join(root: &str, rel: &str) -> PathBuf {
    let mut p = PathBuf::from(root);
    let rel = rel.trim_start_matches('/');
    if !rel.is_empty() {
        p.push(rel);
    }
    p
}

/// The memory cgroup directory of this process, if it can be found.
pub(crate) fn self_cgroup_dir() -> Option<PathBuf> {
    let text = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let mut v1 = None;
    let mut v2 = None;
    for line in text.lines() {
        let mut parts = line.splitn(3, ':');
        let (Some(id), Some(ctrl), Some(path)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        if ctrl.split(',').any(|c| c == "memory") {
            v1 = Some(path.to_string());
        } else if id == "0" && ctrl.is_empty() {
            v2 = Some(path.to_string());
        }
    }
    let mut candidates = Vec::new();
    if let Some(p) = &v1 {
        candidates.push(join("/sys/fs/cgroup/memory", p));
        candidates.push(PathBuf::from("/sys/fs/cgroup/memory"));
    }
    if let Some(p) = &v2 {
        candidates.push(join("/sys/fs/cgroup", p));
        candidates.push(PathBuf::from("/sys/fs/cgroup"));
    }
    candidates.into_iter().find(|d| is_memcg(d))
}
