//! Finding the memory cgroup directory of this process, a PID or a container.
//!
//! The directory comes from two files: `/proc/<pid>/cgroup` (which cgroup the process is in,
//! per hierarchy) and `/proc/self/mountinfo` (where each hierarchy is mounted). [`resolve`]
//! is the pure function that combines them; [`self_cgroup`], [`pid_cgroup`] and
//! [`cgroup_root`] read the files and call it; [`container_cgroup`] searches the memory
//! hierarchy for a container's directory. `docs/discovery.md` describes every case.
//!
//! - **v1**: the line whose controller list contains `memory`, joined to the mount of the
//!   `cgroup` filesystem whose superblock options contain `memory`.
//! - **v2**: the `0::` line, joined to the `cgroup2` mount.
//! - **hybrid** (both): the v1 `memory` line wins over `0::`, as in the Go runtime; the v2
//!   entry is used only when no v1 hierarchy has the memory controller.
//! - **cgroup namespaces and bind mounts**: a mount's root field is the cgroup the mount
//!   shows; the directory is the mount point plus the cgroup path minus that root. When the
//!   path is not under the root (`/../..`, a sibling container's cgroup, a relative path) the
//!   mount point itself is returned.
//! - Several mounts of one hierarchy: a mount whose root contains the path wins, then one
//!   under `/sys/fs/cgroup`, then the first in the file.
//!
//! ```
//! use memcg_core::{discovery, Version};
//! let cgroup = b"4:memory:/docker/abc\n0::/\n";
//! let mountinfo = b"35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n";
//! let found = discovery::resolve(cgroup, mountinfo)?;
//! assert_eq!(found.dir, std::path::Path::new("/sys/fs/cgroup/memory/docker/abc"));
//! assert_eq!(found.version, Version::V1);
//! # Ok::<(), discovery::DiscoveryError>(())
//! ```

use std::collections::VecDeque;
use std::ffi::OsString;
use std::io;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use crate::error::ParseError;
use crate::proc::cgroup::MemoryPaths;
use crate::proc::mountinfo::{self, Mount};
use crate::snapshot::Version;

/// How many directory levels below the hierarchy's mount point [`container_cgroup`]
/// searches. Kubernetes containers sit 4 levels deep
/// (`kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod….slice/cri-containerd-….scope`);
/// nested runtimes add a few.
pub const MAX_SEARCH_DEPTH: usize = 8;

/// The shortest container ID prefix [`container_cgroup`] accepts (the 12 characters `docker
/// ps` shows).
pub const MIN_ID_PREFIX: usize = 12;

/// A memory cgroup directory and the version of its hierarchy.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Found {
    /// The directory (`/sys/fs/cgroup/memory/docker/<id>`, `/sys/fs/cgroup/user.slice/…`).
    pub dir: PathBuf,
    /// v1 (the `memory` controller hierarchy) or v2 (the unified hierarchy).
    pub version: Version,
}

/// Why a cgroup directory could not be found. Each variant's message says what to check.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DiscoveryError {
    /// `/proc/<pid>/cgroup` or mountinfo is malformed; the [`ParseError`] names the file,
    /// line and byte.
    #[error("malformed proc file: {0}")]
    Parse(#[from] ParseError),
    /// A proc file or directory could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// `/proc/<pid>/cgroup` does not exist: no such process (or it exited).
    #[error("no process with PID {pid} (/proc/{pid}/cgroup does not exist)")]
    PidNotFound {
        /// The PID asked for.
        pid: u32,
    },
    /// `/proc/<pid>/cgroup` has neither a v1 line with the `memory` controller nor a v2
    /// `0::` line: the kernel has no memory controller enabled (`cgroup_disable=memory`?).
    #[error(
        "no memory cgroup: /proc/<pid>/cgroup has neither a v1 line with the memory controller \
         nor a v2 `0::` line"
    )]
    NoMemoryController,
    /// The process is in a memory cgroup of this version, but no such hierarchy is mounted
    /// in this mount namespace. Mount it (`mount -t cgroup -o memory cgroup
    /// /sys/fs/cgroup/memory` or `mount -t cgroup2 none /sys/fs/cgroup`) or run in the host's
    /// mount namespace.
    #[error(
        "the memory cgroup is cgroup v{}, but mountinfo has no {} mount",
        .version.number(),
        if *.version == Version::V1 { "`cgroup` filesystem with the `memory` option" } else { "`cgroup2` filesystem" }
    )]
    NotMounted {
        /// The version the process's cgroup belongs to.
        version: Version,
    },
    /// Neither a cgroup v1 `memory` hierarchy nor a cgroup2 filesystem is mounted.
    #[error(
        "no memory controller mounted: mountinfo has neither a `cgroup` filesystem with the \
         `memory` option nor a `cgroup2` filesystem"
    )]
    NoCgroupMount,
    /// The container ID is not 12 to 64 hexadecimal characters.
    #[error("invalid container ID {id:?}: expected 12 to 64 hexadecimal characters")]
    InvalidContainerId {
        /// The ID given.
        id: String,
    },
    /// No directory under the hierarchy is named after the container. Check the ID (`docker
    /// ps --no-trunc`, `crictl ps`) and that the container is running on this host.
    #[error(
        "container {id} not found: no cgroup directory named after it under {} (searched {depth} levels)",
        .root.display()
    )]
    ContainerNotFound {
        /// The ID given.
        id: String,
        /// The directory searched.
        root: PathBuf,
        /// How many levels were searched.
        depth: usize,
    },
    /// The ID prefix matches more than one container; give more characters.
    #[error(
        "container ID prefix {id} is ambiguous: it matches {} and {}",
        .first.display(),
        .second.display()
    )]
    AmbiguousContainer {
        /// The ID prefix given.
        id: String,
        /// One matching directory.
        first: PathBuf,
        /// Another matching directory, of a different container.
        second: PathBuf,
    },
}

impl DiscoveryError {
    fn io(path: &Path, source: io::Error) -> Self {
        DiscoveryError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Finds the memory cgroup directory from the contents of a `/proc/<pid>/cgroup` file and a
/// `/proc/self/mountinfo` file. Pure: touches no file, so any pair of captured files can be
/// resolved.
///
/// The v1 `memory` line wins over the v2 `0::` line (hybrid hosts). Among the mounts of the
/// chosen hierarchy, one whose root contains the cgroup path wins, then one under
/// `/sys/fs/cgroup`, then the first. The directory is the mount point (un-escaped) joined
/// with the cgroup path minus the mount's root, or the mount point itself when the path is
/// not under the root (cgroup namespaces: `/../..`).
///
/// # Errors
/// [`DiscoveryError::Parse`] for a malformed line in either file,
/// [`DiscoveryError::NoMemoryController`] when the cgroup file lists no memory hierarchy,
/// [`DiscoveryError::NotMounted`] when that hierarchy has no mount.
///
/// ```
/// use memcg_core::{discovery, Version};
/// // A v2-only host, the process in the root cgroup (single line, no final newline).
/// let cgroup = b"0::/\n";
/// let mountinfo = b"28 21 0:25 / /sys/fs/cgroup rw shared:4 - cgroup2 none rw,nsdelegate";
/// let found = discovery::resolve(cgroup, mountinfo)?;
/// assert_eq!(found.dir, std::path::Path::new("/sys/fs/cgroup"));
/// assert_eq!(found.version, Version::V2);
///
/// assert!(matches!(
///     discovery::resolve(b"1:cpu:/\n", mountinfo),
///     Err(discovery::DiscoveryError::NoMemoryController)
/// ));
/// # Ok::<(), discovery::DiscoveryError>(())
/// ```
pub fn resolve(cgroup_file: &[u8], mountinfo: &[u8]) -> Result<Found, DiscoveryError> {
    let paths = MemoryPaths::parse(cgroup_file)?;
    let (path, version) = match (paths.v1, paths.v2) {
        (Some(e), _) => (e.path, Version::V1),
        (None, Some(e)) => (e.path, Version::V2),
        (None, None) => return Err(DiscoveryError::NoMemoryController),
    };
    let mut best: Option<((bool, bool), Mount<'_>, Vec<u8>)> = None;
    for m in mountinfo::mounts(mountinfo) {
        let m = m?;
        let wanted = match version {
            Version::V1 => m.is_memory_v1(),
            Version::V2 => m.is_cgroup2(),
        };
        if !wanted {
            continue;
        }
        let root: Vec<u8> = m.root_unescaped().collect();
        let rank = (
            relative(path, &root).is_some(),
            under_sys_fs_cgroup(m.mount_point),
        );
        if best.as_ref().map_or(true, |(r, _, _)| rank > *r) {
            best = Some((rank, m, root));
        }
    }
    let Some((_, mount, root)) = best else {
        return Err(DiscoveryError::NotMounted { version });
    };
    let mount_point = unescaped_path(mount.mount_point);
    let dir = match relative(path, &root) {
        Some(rel) if !rel.is_empty() => {
            mount_point.join(Path::new(std::ffi::OsStr::from_bytes(rel)))
        }
        _ => mount_point,
    };
    Ok(Found { dir, version })
}

/// The mount point of the memory hierarchy, from the contents of a mountinfo file: the v1
/// `memory` hierarchy if one is mounted (hybrid hosts), else the `cgroup2` mount. Among
/// several mounts, one with root `/` wins, then one under `/sys/fs/cgroup`, then the first.
///
/// # Errors
/// [`DiscoveryError::Parse`] for a malformed line, [`DiscoveryError::NoCgroupMount`] if
/// neither is mounted.
///
/// ```
/// use memcg_core::{discovery, Version};
/// let mi = b"25 21 0:22 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n\
///            49 22 0:37 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n";
/// let (root, version) = discovery::memory_mount(mi)?;
/// assert_eq!((root.as_path(), version), (std::path::Path::new("/sys/fs/cgroup/memory"), Version::V1));
/// # Ok::<(), discovery::DiscoveryError>(())
/// ```
pub fn memory_mount(mountinfo: &[u8]) -> Result<(PathBuf, Version), DiscoveryError> {
    let mut best: Option<((bool, bool, bool), Mount<'_>)> = None;
    for m in mountinfo::mounts(mountinfo) {
        let m = m?;
        let v1 = m.is_memory_v1();
        if !v1 && !m.is_cgroup2() {
            continue;
        }
        let rank = (v1, m.root == b"/", under_sys_fs_cgroup(m.mount_point));
        if best.as_ref().map_or(true, |(r, _)| rank > *r) {
            best = Some((rank, m));
        }
    }
    match best {
        Some(((v1, _, _), m)) => Ok((
            unescaped_path(m.mount_point),
            if v1 { Version::V1 } else { Version::V2 },
        )),
        None => Err(DiscoveryError::NoCgroupMount),
    }
}

/// The memory cgroup directory of this process, from `/proc/self/cgroup` and
/// `/proc/self/mountinfo`.
///
/// # Errors
/// See [`resolve`]; [`DiscoveryError::Io`] if a proc file cannot be read.
///
/// ```no_run
/// let found = memcg_core::discovery::self_cgroup()?;
/// let snapshot = memcg_core::Snapshot::read_dir(&found.dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn self_cgroup() -> Result<Found, DiscoveryError> {
    let cgroup = read(Path::new("/proc/self/cgroup"))?;
    let mountinfo = read(Path::new("/proc/self/mountinfo"))?;
    resolve(&cgroup, &mountinfo)
}

/// The memory cgroup directory of process `pid`, from `/proc/<pid>/cgroup` and this
/// process's `/proc/self/mountinfo` (the directory must be reachable from here; the kernel
/// prints the PID's cgroup path relative to this process's cgroup namespace).
///
/// # Errors
/// [`DiscoveryError::PidNotFound`] if there is no such process; otherwise as
/// [`self_cgroup`].
///
/// ```no_run
/// let found = memcg_core::discovery::pid_cgroup(1)?;
/// println!("{} (cgroup v{})", found.dir.display(), found.version.number());
/// # Ok::<(), memcg_core::discovery::DiscoveryError>(())
/// ```
pub fn pid_cgroup(pid: u32) -> Result<Found, DiscoveryError> {
    let path = PathBuf::from(format!("/proc/{pid}/cgroup"));
    let cgroup = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound || e.raw_os_error() == Some(3) => {
            return Err(DiscoveryError::PidNotFound { pid });
        }
        Err(e) => return Err(DiscoveryError::io(&path, e)),
    };
    let mountinfo = read(Path::new("/proc/self/mountinfo"))?;
    resolve(&cgroup, &mountinfo)
}

/// The mount point of the memory hierarchy on this host and its version (see
/// [`memory_mount`]): `/sys/fs/cgroup/memory` (v1, hybrid) or `/sys/fs/cgroup` (v2).
///
/// # Errors
/// [`DiscoveryError::NoCgroupMount`], [`DiscoveryError::Parse`], [`DiscoveryError::Io`].
///
/// ```no_run
/// let (root, version) = memcg_core::discovery::cgroup_root()?;
/// # Ok::<(), memcg_core::discovery::DiscoveryError>(())
/// ```
pub fn cgroup_root() -> Result<(PathBuf, Version), DiscoveryError> {
    memory_mount(&read(Path::new("/proc/self/mountinfo"))?)
}

/// The memory cgroup directory of a container, by its ID or an ID prefix of at least 12
/// hexadecimal characters: searches the memory hierarchy ([`cgroup_root`]) up to
/// [`MAX_SEARCH_DEPTH`] levels for a directory named after the container (see
/// [`find_container`] for the names recognised).
///
/// # Errors
/// [`DiscoveryError::InvalidContainerId`], [`DiscoveryError::ContainerNotFound`],
/// [`DiscoveryError::AmbiguousContainer`], or an error of [`cgroup_root`].
///
/// ```no_run
/// let found = memcg_core::discovery::container_cgroup("1c8fa019edd4")?;
/// # Ok::<(), memcg_core::discovery::DiscoveryError>(())
/// ```
pub fn container_cgroup(id: &str) -> Result<Found, DiscoveryError> {
    validate_id(id)?;
    let (root, version) = cgroup_root()?;
    let dir = find_container(&root, id)?;
    Ok(Found { dir, version })
}

/// Searches the tree under `root` (breadth-first, up to [`MAX_SEARCH_DEPTH`] levels,
/// without following symbolic links) for the directory of the container whose ID starts with
/// `id` (at least 12 hexadecimal characters, case-insensitive).
///
/// A directory belongs to a container when its name, minus a `.scope` suffix, ends with a
/// 64-hex-character ID after a `-`, a `:` or nothing: Docker (`docker-<id>.scope`,
/// `docker/<id>`), containerd/CRI (`cri-containerd-<id>.scope`, `kubepods/…/<id>`,
/// `…slice:cri-containerd:<id>`), CRI-O (`crio-<id>.scope`), Podman (`libpod-<id>.scope`)
/// and other systemd scopes. `*-conmon-<id>.scope` (the monitor process of Podman/CRI-O) is
/// not the container and is skipped. The shallowest match wins; the search does not descend
/// into a match.
///
/// # Errors
/// [`DiscoveryError::InvalidContainerId`], [`DiscoveryError::ContainerNotFound`],
/// [`DiscoveryError::AmbiguousContainer`] (two different IDs share the prefix),
/// [`DiscoveryError::Io`] if `root` cannot be read (unreadable sub-directories are skipped).
///
/// ```
/// # let root = std::env::temp_dir().join(format!("memcg-doc-find-{}", std::process::id()));
/// let id = "1c8fa019edd4b9d4b2856f4932c55929c5c118c808ed5faee9a135ca6e84b039";
/// std::fs::create_dir_all(root.join(format!("system.slice/docker-{id}.scope")))?;
/// let dir = memcg_core::discovery::find_container(&root, "1c8fa019edd4")?;
/// assert!(dir.ends_with(format!("system.slice/docker-{id}.scope")));
/// # std::fs::remove_dir_all(&root)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn find_container(root: &Path, id: &str) -> Result<PathBuf, DiscoveryError> {
    validate_id(id)?;
    let mut found: Option<(PathBuf, Vec<u8>)> = None;
    let mut queue: VecDeque<(PathBuf, usize)> = VecDeque::new();
    queue.push_back((root.to_path_buf(), 0));
    while let Some((dir, depth)) = queue.pop_front() {
        if depth >= MAX_SEARCH_DEPTH {
            continue;
        }
        let rd = match std::fs::read_dir(&dir) {
            Ok(rd) => rd,
            Err(e) if depth == 0 => return Err(DiscoveryError::io(&dir, e)),
            Err(_) => continue,
        };
        let mut children: Vec<(OsString, PathBuf)> = rd
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| (e.file_name(), e.path()))
            .collect();
        children.sort();
        for (name, path) in children {
            match container_id_of(name.as_bytes()) {
                Some(full) if starts_with_ignore_case(full, id.as_bytes()) => match &found {
                    None => found = Some((path, full.to_ascii_lowercase())),
                    Some((first, first_id)) if !first_id.eq_ignore_ascii_case(full) => {
                        return Err(DiscoveryError::AmbiguousContainer {
                            id: id.to_owned(),
                            first: first.clone(),
                            second: path,
                        });
                    }
                    Some(_) => {}
                },
                _ => queue.push_back((path, depth + 1)),
            }
        }
    }
    found
        .map(|(p, _)| p)
        .ok_or_else(|| DiscoveryError::ContainerNotFound {
            id: id.to_owned(),
            root: root.to_path_buf(),
            depth: MAX_SEARCH_DEPTH,
        })
}

/// The 64-hex-character container ID a cgroup directory name carries, if any.
fn container_id_of(name: &[u8]) -> Option<&[u8]> {
    let name = name.strip_suffix(b".scope").unwrap_or(name);
    if name.windows(7).any(|w| w == b"conmon-") {
        return None;
    }
    let start = name
        .iter()
        .rposition(|&b| b == b'-' || b == b':')
        .map_or(0, |i| i + 1);
    let id = &name[start..];
    (id.len() == 64 && id.iter().all(u8::is_ascii_hexdigit)).then_some(id)
}

fn starts_with_ignore_case(full: &[u8], prefix: &[u8]) -> bool {
    full.len() >= prefix.len() && full[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn validate_id(id: &str) -> Result<(), DiscoveryError> {
    let ok = (MIN_ID_PREFIX..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_hexdigit());
    if ok {
        Ok(())
    } else {
        Err(DiscoveryError::InvalidContainerId { id: id.to_owned() })
    }
}

/// `path` relative to the mount `root` (without a leading `/`), or `None` when `path` is not
/// an absolute, `..`-free path under `root`.
fn relative<'p>(path: &'p [u8], root: &[u8]) -> Option<&'p [u8]> {
    let has_dots = |p: &[u8]| p.split(|&b| b == b'/').any(|c| c == b".." || c == b".");
    if path.first() != Some(&b'/') || has_dots(path) || has_dots(root) {
        return None;
    }
    let mut root = root;
    while let [head @ .., b'/'] = root {
        root = head;
    }
    let rest = path.strip_prefix(root)?;
    match rest {
        [] => Some(rest),
        // `//etc` would join as the absolute `/etc`, replacing the mount point (found by
        // fuzzing): drop every leading slash.
        [b'/', ..] => Some(&rest[rest.iter().take_while(|&&b| b == b'/').count()..]),
        _ => None,
    }
}

/// `true` if the (escaped) mount point is `/sys/fs/cgroup` or below it.
fn under_sys_fs_cgroup(mount_point: &[u8]) -> bool {
    mount_point
        .strip_prefix(b"/sys/fs/cgroup")
        .is_some_and(|rest| rest.is_empty() || rest[0] == b'/')
}

fn unescaped_path(escaped: &[u8]) -> PathBuf {
    PathBuf::from(OsString::from_vec(mountinfo::unescape(escaped).collect()))
}

fn read(path: &Path) -> Result<Vec<u8>, DiscoveryError> {
    std::fs::read(path).map_err(|e| DiscoveryError::io(path, e))
}
