//! Helpers shared by the integration tests that create real cgroups.

use std::path::PathBuf;

use memcg_core::Version;

/// This process's v1 memory cgroup, if we may create children in it; otherwise prints why the
/// caller skips (`what` names the tests) and returns `None`.
pub fn writable_v1_parent(what: &str) -> Option<PathBuf> {
    let found = match memcg_core::discovery::self_cgroup() {
        Ok(f) => f,
        Err(e) => {
            eprintln!("SKIP: cannot find this process's cgroup: {e}");
            return None;
        }
    };
    if found.version != Version::V1 {
        eprintln!("SKIP: {what} need a cgroup v1 memory hierarchy");
        return None;
    }
    let probe = found
        .dir
        .join(format!("memcg-probe-{}-{what}", std::process::id()).replace(' ', "-"));
    match std::fs::create_dir(&probe) {
        Ok(()) => {
            let _ = std::fs::remove_dir(&probe);
            Some(found.dir)
        }
        Err(e) => {
            eprintln!(
                "SKIP: cannot create child cgroups under {} ({e}): run as root",
                found.dir.display()
            );
            None
        }
    }
}
