//! Finding the memory cgroup directory of this process, a PID or a container.
//! (Interim: the full implementation is being merged.)

use std::path::PathBuf;

use crate::snapshot::Version;

/// A memory cgroup directory and its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The directory.
    pub dir: PathBuf,
    /// The cgroup version.
    pub version: Version,
}

/// Why discovery failed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DiscoveryError(String);

/// The memory cgroup of this process.
///
/// # Errors
/// [`DiscoveryError`] when no memory cgroup is found.
pub fn self_cgroup() -> Result<Found, DiscoveryError> {
    let text =
        std::fs::read_to_string("/proc/self/cgroup").map_err(|e| DiscoveryError(e.to_string()))?;
    for line in text.lines() {
        let mut parts = line.splitn(3, ':');
        let (_, ctl, path) = (parts.next(), parts.next(), parts.next());
        if let (Some(ctl), Some(path)) = (ctl, path) {
            if ctl.split(',').any(|c| c == "memory") {
                return Ok(Found {
                    dir: PathBuf::from("/sys/fs/cgroup/memory").join(path.trim_start_matches('/')),
                    version: Version::V1,
                });
            }
        }
    }
    Err(DiscoveryError("no memory cgroup".into()))
}

/// The memory hierarchy's mount point and version.
///
/// # Errors
/// [`DiscoveryError`] when none is mounted.
pub fn cgroup_root() -> Result<(PathBuf, Version), DiscoveryError> {
    Ok((PathBuf::from("/sys/fs/cgroup/memory"), Version::V1))
}
