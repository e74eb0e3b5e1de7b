//! Reading a [`Snapshot`] from a cgroup directory (std).

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use crate::error::{FileKind, ParseError};
use crate::limit::Limit;
use crate::snapshot::{Snapshot, V1Files, V2Files, Version};
use crate::v2;

/// Largest cgroup file memcg reads (1 MiB). The kernel's memory files are a few KiB at most; a
/// larger file is refused with [`ReadError::TooLarge`] rather than read into memory.
pub const MAX_FILE_BYTES: usize = 1 << 20;

/// Why reading a cgroup directory failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The cgroup was removed (the directory or a kept-open file vanished: `ENOENT`, `ENODEV`).
    /// Stop sampling it; detector state is not affected.
    #[error("cgroup is gone: {path}")]
    Gone {
        /// The file or directory that vanished.
        path: PathBuf,
    },
    /// The directory holds neither `memory.current` (v2) nor `memory.usage_in_bytes` (v1).
    /// Point memcg at a cgroup directory with the memory controller enabled.
    #[error("not a memory cgroup directory (no memory.current or memory.usage_in_bytes): {path}")]
    NotACgroup {
        /// The directory.
        path: PathBuf,
    },
    /// A file was malformed.
    #[error("{path}: {error}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Where and why.
        #[source]
        error: ParseError,
    },
    /// A file is larger than [`MAX_FILE_BYTES`].
    #[error("{path}: file larger than {limit} bytes, refused")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The cap.
        limit: usize,
    },
    /// Any other I/O error (permissions, …).
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// This process's, a PID's or a container's cgroup could not be found (see
    /// [`crate::discovery`]).
    #[error("cannot find the memory cgroup: {0}")]
    Discovery(#[from] crate::discovery::DiscoveryError),
}

impl ReadError {
    pub(crate) fn io(path: &Path, e: io::Error) -> ReadError {
        match e.raw_os_error() {
            // ENOENT (2): removed before open; ENODEV (19): removed while a file was open.
            Some(2 | 19) => ReadError::Gone {
                path: path.to_path_buf(),
            },
            _ if e.kind() == io::ErrorKind::NotFound => ReadError::Gone {
                path: path.to_path_buf(),
            },
            _ => ReadError::Io {
                path: path.to_path_buf(),
                source: e,
            },
        }
    }

    /// `true` for [`ReadError::Gone`].
    #[must_use]
    pub fn is_gone(&self) -> bool {
        matches!(self, ReadError::Gone { .. })
    }

    /// The parse error, for [`ReadError::Parse`].
    #[must_use]
    pub fn parse_error(&self) -> Option<&ParseError> {
        match self {
            ReadError::Parse { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// Reads the whole of `file` from offset 0 into `buf` (cleared first) with `pread`, retrying on
/// `EINTR` and short reads. Grows `buf` only if the file is larger than its capacity.
pub(crate) fn pread_all(file: &File, buf: &mut Vec<u8>, path: &Path) -> Result<(), ReadError> {
    buf.clear();
    if buf.capacity() == 0 {
        // Small first: most cgroup files are one number; memory.stat grows it once or twice.
        // The capacity is kept across reads, so the steady state does not allocate, and a
        // sampler per cgroup costs ~4 KiB of buffers rather than 9 pages.
        buf.reserve(256);
    }
    loop {
        let len = buf.len();
        if len == buf.capacity() {
            if len >= MAX_FILE_BYTES {
                return Err(ReadError::TooLarge {
                    path: path.to_path_buf(),
                    limit: MAX_FILE_BYTES,
                });
            }
            buf.reserve(len.max(256));
        }
        let cap = buf.capacity();
        buf.resize(cap, 0);
        match file.read_at(&mut buf[len..], len as u64) {
            Ok(0) => {
                buf.truncate(len);
                return Ok(());
            }
            Ok(n) => buf.truncate(len + n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => buf.truncate(len),
            Err(e) => {
                buf.truncate(len);
                return Err(ReadError::io(path, e));
            }
        }
    }
}

/// Reads an optional file: `Ok(None)` if it does not exist.
pub(crate) fn read_optional(path: &Path, buf: &mut Vec<u8>) -> Result<bool, ReadError> {
    match File::open(path) {
        Ok(f) => pread_all(&f, buf, path).map(|()| true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(ReadError::io(path, e)),
    }
}

/// Which version a directory holds, by the presence of `memory.current` (v2) or
/// `memory.usage_in_bytes` (v1).
pub(crate) fn detect_version(dir: &Path) -> Result<Version, ReadError> {
    if dir.join("memory.current").exists() {
        Ok(Version::V2)
    } else if dir.join("memory.usage_in_bytes").exists() {
        Ok(Version::V1)
    } else if let Err(source) = std::fs::metadata(dir) {
        Err(ReadError::Io {
            path: dir.to_path_buf(),
            source,
        })
    } else {
        Err(ReadError::NotACgroup {
            path: dir.to_path_buf(),
        })
    }
}

/// The v2 files a Snapshot reads, in [`V2Files`] order (after `memory.current`).
pub(crate) const V2_NAMES: [&str; 9] = [
    "memory.current",
    "memory.max",
    "memory.high",
    "memory.peak",
    "memory.stat",
    "memory.events",
    "memory.swap.current",
    "memory.swap.max",
    "memory.pressure",
];

/// The v1 files a Snapshot reads, in [`V1Files`] order.
pub(crate) const V1_NAMES: [&str; 9] = [
    "memory.usage_in_bytes",
    "memory.limit_in_bytes",
    "memory.max_usage_in_bytes",
    "memory.failcnt",
    "memory.stat",
    "memory.oom_control",
    "memory.use_hierarchy",
    "memory.memsw.limit_in_bytes",
    "memory.pressure",
];

/// The files of one version, in order.
pub(crate) fn names(v: Version) -> &'static [&'static str; 9] {
    match v {
        Version::V1 => &V1_NAMES,
        Version::V2 => &V2_NAMES,
    }
}

/// The v2 ancestors of `dir` that hold a `memory.max`, nearest first.
pub(crate) fn v2_ancestor_limit_paths(dir: &Path) -> Vec<PathBuf> {
    let abs = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut out = Vec::new();
    let mut cur = abs.parent();
    while let Some(p) = cur {
        let f = p.join("memory.max");
        if !f.is_file() {
            break;
        }
        out.push(f);
        cur = p.parent();
    }
    out
}

/// Reads the ancestors' `memory.max` files and returns their minimum.
pub(crate) fn ancestors_limit(
    paths: &[PathBuf],
    mut read: impl FnMut(usize, &Path) -> Result<Option<Limit>, ReadError>,
) -> Result<Option<Limit>, ReadError> {
    let mut acc: Option<Limit> = None;
    for (i, p) in paths.iter().enumerate() {
        if let Some(l) = read(i, p)? {
            acc = Some(acc.map_or(l, |a| a.min(l)));
        }
    }
    Ok(acc)
}

/// Builds a Snapshot from the buffers of one version's files (`present[i]` tells whether file
/// `i` of [`names`] exists). The first file is required.
pub(crate) fn build(
    version: Version,
    dir: &Path,
    bufs: &[Vec<u8>; 9],
    present: &[bool; 9],
    ancestors: Option<Limit>,
) -> Result<Snapshot, ReadError> {
    let get = |i: usize| present[i].then(|| bufs[i].as_slice());
    let res = match version {
        Version::V2 => Snapshot::from_v2(&V2Files {
            current: &bufs[0],
            max: get(1),
            high: get(2),
            peak: get(3),
            stat: get(4),
            events: get(5),
            swap_current: get(6),
            swap_max: get(7),
            pressure: get(8),
            ancestors_limit: ancestors,
        }),
        Version::V1 => Snapshot::from_v1(&V1Files {
            usage_in_bytes: &bufs[0],
            limit_in_bytes: get(1),
            max_usage_in_bytes: get(2),
            failcnt: get(3),
            stat: get(4),
            oom_control: get(5),
            use_hierarchy: get(6),
            memsw_limit_in_bytes: get(7),
            pressure: get(8),
        }),
    };
    res.map_err(|error| ReadError::Parse {
        path: dir.join(file_of(version, error.kind)),
        error,
    })
}

fn file_of(version: Version, kind: FileKind) -> &'static str {
    if kind == FileKind::Pressure {
        return "memory.pressure";
    }
    let n = kind.name();
    names(version)
        .iter()
        .copied()
        .find(|x| *x == n)
        .unwrap_or(n)
}

impl Snapshot {
    /// Reads a Snapshot from a cgroup directory (v1 or v2, detected from the files present).
    /// `dir` may be any directory holding cgroup memory files, including a copy. On v2 the
    /// effective limit walks the ancestors that hold a `memory.max`.
    ///
    /// For repeated reads of one cgroup, [`crate::sampler::Sampler`] keeps the files open and
    /// does not allocate.
    ///
    /// # Errors
    /// [`ReadError`]: the directory is not a memory cgroup, is gone, or a file is malformed.
    pub fn read_dir(dir: impl AsRef<Path>) -> Result<Snapshot, ReadError> {
        let dir = dir.as_ref();
        let version = detect_version(dir)?;
        let mut bufs: [Vec<u8>; 9] = Default::default();
        let mut present = [false; 9];
        for (i, name) in names(version).iter().enumerate() {
            let path = dir.join(name);
            present[i] = read_optional(&path, &mut bufs[i])?;
            if i == 0 && !present[0] {
                return Err(ReadError::Gone { path });
            }
        }
        let ancestors = match version {
            Version::V2 => {
                let paths = v2_ancestor_limit_paths(dir);
                let mut buf = Vec::new();
                ancestors_limit(&paths, |_, p| {
                    if !read_optional(p, &mut buf)? {
                        return Ok(None);
                    }
                    v2::MemoryMax::parse(&buf)
                        .map(|m| Some(m.0))
                        .map_err(|error| ReadError::Parse {
                            path: p.to_path_buf(),
                            error,
                        })
                })?
            }
            Version::V1 => None,
        };
        build(version, dir, &bufs, &present, ancestors)
    }
}
