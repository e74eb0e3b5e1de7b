//! Finding a cgroup directory for this process, a PID or a container.
//!
//! TEMPORARY SHIM: `memcg_core::discovery::{self_cgroup, pid_cgroup, container_cgroup}` is being
//! written in the core; until it lands on `main` this module does the minimum (read
//! `/proc/<pid>/cgroup` and `/proc/self/mountinfo`, join the mount point and the cgroup path,
//! fall back to the mount point inside a cgroup namespace). When the core's functions land,
//! these three functions become re-exports and this file shrinks to nothing.

use std::fs;
use std::path::{Path, PathBuf};

use memcg_core::ReadError;

fn read(path: &Path) -> Result<String, ReadError> {
    fs::read_to_string(path).map_err(|source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\'
            && i + 3 < b.len()
            && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c))
        {
            let v = (b[i + 1] - b'0') * 64 + (b[i + 2] - b'0') * 8 + (b[i + 3] - b'0');
            out.push(v);
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A cgroup mount: (root inside the hierarchy, mount point, is v2).
fn memory_mounts() -> Result<Vec<(String, PathBuf, bool)>, ReadError> {
    let text = read(Path::new("/proc/self/mountinfo"))?;
    let mut out = Vec::new();
    for line in text.lines() {
        let Some((left, right)) = line.split_once(" - ") else {
            continue;
        };
        let l: Vec<&str> = left.split(' ').collect();
        let r: Vec<&str> = right.split(' ').collect();
        if l.len() < 5 || r.len() < 3 {
            continue;
        }
        let (root, mnt) = (unescape(l[3]), PathBuf::from(unescape(l[4])));
        match r[0] {
            "cgroup2" => out.push((root, mnt, true)),
            "cgroup" if r[2].split(',').any(|o| o == "memory") => out.push((root, mnt, false)),
            _ => {}
        }
    }
    // v1 memory mounts first (on hybrid hosts the memory controller lives there), then the
    // ones under /sys/fs/cgroup.
    out.sort_by_key(|(_, m, v2)| (*v2, !m.starts_with("/sys/fs/cgroup")));
    Ok(out)
}

fn is_memcg(dir: &Path) -> bool {
    dir.join("memory.current").is_file() || dir.join("memory.usage_in_bytes").is_file()
}

/// The memory cgroup of process `pid`.
pub fn pid_cgroup(pid: u32) -> Result<PathBuf, ReadError> {
    let text = read(&PathBuf::from(format!("/proc/{pid}/cgroup")))?;
    let mut v1 = None;
    let mut v2 = None;
    for line in text.lines() {
        let mut it = line.splitn(3, ':');
        let (Some(id), Some(ctrls), Some(path)) = (it.next(), it.next(), it.next()) else {
            continue;
        };
        if ctrls.split(',').any(|c| c == "memory") {
            v1 = Some(path.to_string());
        } else if id == "0" && ctrls.is_empty() {
            v2 = Some(path.to_string());
        }
    }
    for (root, mnt, is_v2) in memory_mounts()? {
        let Some(path) = (if is_v2 { &v2 } else { &v1 }) else {
            continue;
        };
        let rel = path
            .strip_prefix(root.as_str())
            .unwrap_or(path)
            .trim_start_matches('/');
        let dir = mnt.join(rel);
        if is_memcg(&dir) {
            return Ok(dir);
        }
        // Inside a cgroup namespace or a container, the mount point is the cgroup itself.
        if is_memcg(&mnt) {
            return Ok(mnt);
        }
    }
    Err(ReadError::Discovery(format!(
        "no memory cgroup directory found for pid {pid}"
    )))
}

/// This process's memory cgroup.
pub fn self_cgroup() -> Result<PathBuf, ReadError> {
    pid_cgroup(std::process::id())
}

fn find_dir(dir: &Path, id: &str, depth: u32) -> Option<PathBuf> {
    if depth == 0 {
        return None;
    }
    let entries = fs::read_dir(dir).ok()?;
    let mut subdirs = Vec::new();
    for e in entries.flatten() {
        if !e.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let p = e.path();
        if e.file_name().to_string_lossy().contains(id) && is_memcg(&p) {
            return Some(p);
        }
        subdirs.push(p);
    }
    subdirs
        .into_iter()
        .find_map(|p| find_dir(&p, id, depth - 1))
}

/// The memory cgroup of the container `id` (a full id or a unique prefix).
pub fn container_cgroup(id: &str) -> Result<PathBuf, ReadError> {
    if id.len() < 4
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(ReadError::Discovery(format!(
            "not a container id: {id:?} (expected at least 4 letters or digits)"
        )));
    }
    for (_, mnt, _) in memory_mounts()? {
        if let Some(p) = find_dir(&mnt, id, 6) {
            return Ok(p);
        }
    }
    Err(ReadError::Discovery(format!(
        "no memory cgroup found for container {id:?}"
    )))
}
