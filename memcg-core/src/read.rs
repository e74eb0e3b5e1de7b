//! Reading a [`Snapshot`] from a cgroup directory (std).

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::{FileExt, FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::error::{FileKind, ParseError};
use crate::limit::Limit;
use crate::snapshot::{Snapshot, V1Files, V2Files, Version, V1_FILES, V2_FILES};
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
    /// A file is not a regular file: a symbolic link (which could point anywhere outside the
    /// directory), a directory, a FIFO (which would block), a device or a socket. memcg
    /// opens cgroup files with `O_NOFOLLOW` and reads regular files only, so a hostile bind
    /// mount or copy cannot make it read elsewhere or hang. Copy the real file in its place.
    #[error("{path}: refused: {what}, not a regular file")]
    NotRegular {
        /// The file.
        path: PathBuf,
        /// What was found instead (`"symbolic link"`, `"directory"`, `"FIFO"`, …).
        what: &'static str,
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

    /// Prefixes the error's path with `dir` (readers that keep only file names call this on
    /// the error path, so that the steady state holds no per-file `PathBuf`).
    pub(crate) fn rebase(self, dir: &Path) -> ReadError {
        match self {
            ReadError::Gone { path } => ReadError::Gone {
                path: dir.join(path),
            },
            ReadError::NotACgroup { path } => ReadError::NotACgroup {
                path: dir.join(path),
            },
            ReadError::Parse { path, error } => ReadError::Parse {
                path: dir.join(path),
                error,
            },
            ReadError::TooLarge { path, limit } => ReadError::TooLarge {
                path: dir.join(path),
                limit,
            },
            ReadError::NotRegular { path, what } => ReadError::NotRegular {
                path: dir.join(path),
                what,
            },
            ReadError::Io { path, source } => ReadError::Io {
                path: dir.join(path),
                source,
            },
            other @ ReadError::Discovery(_) => other,
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

/// Positioned reads: what [`pread_all`] needs of a file. A seam for tests (interrupted and
/// short reads); [`File`] is the only implementation outside tests.
pub(crate) trait ReadAt {
    /// Reads into `buf` from `offset` (`pread(2)`).
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize>;
}

impl ReadAt for File {
    #[inline]
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        FileExt::read_at(self, buf, offset)
    }
}

/// Reads the whole of `file` from offset 0 into `buf` (cleared first) with `pread`, retrying on
/// `EINTR` and short reads. Grows `buf` only if the file is larger than its capacity; refuses
/// (without reading further) a file larger than [`MAX_FILE_BYTES`].
pub(crate) fn pread_all<R: ReadAt + ?Sized>(
    file: &R,
    buf: &mut Vec<u8>,
    path: &Path,
) -> Result<(), ReadError> {
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
            // `len <= MAX_FILE_BYTES` here (a longer read returned above), so this reserves
            // at least one byte.
            buf.reserve(len.max(256).min(MAX_FILE_BYTES + 1 - len));
        }
        // Read at most one byte past the cap: enough to tell "exactly the cap" from "larger".
        let cap = buf.capacity().min(MAX_FILE_BYTES + 1);
        buf.resize(cap, 0);
        match file.read_at(&mut buf[len..], len as u64) {
            Ok(0) => {
                buf.truncate(len);
                return Ok(());
            }
            Ok(n) => {
                buf.truncate(len + n);
                if buf.len() > MAX_FILE_BYTES {
                    buf.clear();
                    return Err(ReadError::TooLarge {
                        path: path.to_path_buf(),
                        limit: MAX_FILE_BYTES,
                    });
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => buf.truncate(len),
            Err(e) => {
                buf.truncate(len);
                return Err(ReadError::io(path, e));
            }
        }
    }
}

/// One `pread` of a kernel pseudo-file (cgroupfs, procfs: `st_size` 0) from `offset` (0 for
/// a whole file) into `buf` (`EINTR` retried): `Some(length)` when it left room, `None` when it filled `buf` (the file
/// may be longer: grow and read again from offset 0). The kernel's seq_file read fills the
/// caller's buffer until the end of the text, so a read that leaves room is the whole file:
/// the probe read that [`pread_all`] makes to see end-of-file would make the kernel generate
/// the text a second time (the sampler bench measured it at +20 %).
pub(crate) fn pread_once<R: ReadAt + ?Sized>(
    file: &R,
    buf: &mut [u8],
    offset: u64,
    path: &Path,
) -> Result<Option<usize>, ReadError> {
    loop {
        match file.read_at(buf, offset) {
            Ok(n) if n < buf.len() => return Ok(Some(n)),
            Ok(_) => return Ok(None),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(ReadError::io(path, e)),
        }
    }
}

/// The next size of a kernel-file buffer of `len` bytes that a read filled: doubled, up to
/// [`MAX_FILE_BYTES`] + 1 (a read that fills that is [`ReadError::TooLarge`]).
pub(crate) fn grown_kernel_buf(len: usize, path: &Path) -> Result<usize, ReadError> {
    if len > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
            limit: MAX_FILE_BYTES,
        });
    }
    Ok((len * 2).min(MAX_FILE_BYTES + 1))
}

/// Opens one cgroup file beneath its directory: `O_NOFOLLOW` (a symbolic link is refused, not
/// followed), `O_NONBLOCK` (a FIFO cannot block the open) and `O_NOCTTY`, then checks that it
/// is a regular file no larger than [`MAX_FILE_BYTES`] (cgroupfs reports 0 or 4096; the read
/// itself is capped too). `Ok(None)` if it does not exist.
pub(crate) fn open_file(path: &Path) -> Result<Option<File>, ReadError> {
    let f = match OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(ReadError::NotRegular {
                path: path.to_path_buf(),
                what: "symbolic link",
            })
        }
        Err(e) => return Err(ReadError::io(path, e)),
    };
    let meta = f.metadata().map_err(|e| ReadError::io(path, e))?;
    let ft = meta.file_type();
    if !ft.is_file() {
        let what = if ft.is_dir() {
            "directory"
        } else if ft.is_fifo() {
            "FIFO"
        } else if ft.is_socket() {
            "socket"
        } else if ft.is_char_device() || ft.is_block_device() {
            "device"
        } else {
            "special file"
        };
        return Err(ReadError::NotRegular {
            path: path.to_path_buf(),
            what,
        });
    }
    if meta.len() > MAX_FILE_BYTES as u64 {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
            limit: MAX_FILE_BYTES,
        });
    }
    Ok(Some(f))
}

/// Reads an optional file: `Ok(false)` if it does not exist.
pub(crate) fn read_optional(path: &Path, buf: &mut Vec<u8>) -> Result<bool, ReadError> {
    match open_file(path)? {
        Some(f) => pread_all(&f, buf, path).map(|()| true),
        None => Ok(false),
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

/// The files of one version, in order.
pub(crate) fn names(v: Version) -> &'static [&'static str; 9] {
    match v {
        Version::V1 => &V1_FILES,
        Version::V2 => &V2_FILES,
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

/// Parses one ancestor's `memory.max` (`bytes`, read from `path`) and folds it into the running
/// minimum `acc`: the effective limit of a v2 cgroup. Shared by `read_dir` and the sampler.
pub(crate) fn fold_ancestor_max(
    acc: Option<Limit>,
    path: &Path,
    bytes: &[u8],
) -> Result<Option<Limit>, ReadError> {
    let l = v2::MemoryMax::parse(bytes)
        .map_err(|error| ReadError::Parse {
            path: path.to_path_buf(),
            error,
        })?
        .0;
    Ok(Some(acc.map_or(l, |a| a.min(l))))
}

/// Builds a Snapshot from the buffers of one version's files (`present[i]` tells whether file
/// `i` of [`names`] exists). The first file is required.
pub(crate) fn build(
    version: Version,
    dir: &Path,
    files: &[Option<&[u8]>; 9],
    ancestors: Option<Limit>,
) -> Result<Snapshot, ReadError> {
    let mut s = Snapshot::empty(version);
    fill(&mut s, version, dir, files, ancestors)?;
    Ok(s)
}

/// [`build`] into an existing Snapshot, in place (see `Snapshot::fill_v2`).
pub(crate) fn fill(
    out: &mut Snapshot,
    version: Version,
    dir: &Path,
    files: &[Option<&[u8]>; 9],
    ancestors: Option<Limit>,
) -> Result<(), ReadError> {
    let get = |i: usize| files[i];
    let first = files[0].unwrap_or(&[]);
    let res = match version {
        Version::V2 => out.fill_v2(&V2Files {
            current: first,
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
        Version::V1 => out.fill_v1(&V1Files {
            usage_in_bytes: first,
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
                let mut buf = Vec::new();
                let mut acc = None;
                for p in v2_ancestor_limit_paths(dir) {
                    if read_optional(&p, &mut buf)? {
                        acc = fold_ancestor_max(acc, &p, &buf)?;
                    }
                }
                acc
            }
            Version::V1 => None,
        };
        let files: [Option<&[u8]>; 9] =
            std::array::from_fn(|i| present[i].then(|| bufs[i].as_slice()));
        build(version, dir, &files, ancestors)
    }
}

#[cfg(test)]
mod tests {
    //! The `pread_all` seam: interrupted, short, endless and failing reads. The real-file
    //! faults (vanished files, directories in place of files, the 2 MiB cap, a cgroup removed
    //! while sampled) are in `tests/faults.rs` and `tests/hostile.rs`.
    use super::*;
    use std::cell::Cell;

    /// Serves `len` bytes of a pattern, `chunk` bytes at most per call, failing with `EINTR`
    /// every `eintr`-th call; after `len` bytes, `fail` (if any) instead of EOF.
    struct Scripted {
        len: usize,
        chunk: usize,
        eintr: usize,
        fail: Option<i32>,
        calls: Cell<usize>,
    }

    impl ReadAt for Scripted {
        fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
            let n = self.calls.get() + 1;
            self.calls.set(n);
            if self.eintr > 0 && n % self.eintr == 0 {
                return Err(io::Error::from_raw_os_error(libc::EINTR));
            }
            let off = usize::try_from(offset).unwrap();
            if off >= self.len {
                return match self.fail {
                    Some(errno) => Err(io::Error::from_raw_os_error(errno)),
                    None => Ok(0),
                };
            }
            let k = buf.len().min(self.chunk).min(self.len - off);
            for (i, b) in buf[..k].iter_mut().enumerate() {
                *b = pattern(off + i);
            }
            Ok(k)
        }
    }

    fn pattern(i: usize) -> u8 {
        b"0123456789\n"[i % 11]
    }

    fn scripted(len: usize, chunk: usize, eintr: usize) -> Scripted {
        Scripted {
            len,
            chunk,
            eintr,
            fail: None,
            calls: Cell::new(0),
        }
    }

    #[test]
    fn interrupted_and_short_reads_give_the_whole_file() {
        for (len, chunk, eintr) in [(0, 1, 2), (1, 1, 2), (9000, 7, 3), (70_000, 4096, 2)] {
            let r = scripted(len, chunk, eintr);
            let mut buf = Vec::new();
            pread_all(&r, &mut buf, Path::new("x")).unwrap();
            assert_eq!(buf.len(), len);
            assert!(buf.iter().enumerate().all(|(i, &b)| b == pattern(i)));
        }
    }

    /// The sampler's loop over one file: `pread_once`, growing by `grown_kernel_buf`.
    fn read_kernel(r: &Scripted, buf: &mut Vec<u8>) -> Result<usize, ReadError> {
        loop {
            if let Some(n) = pread_once(r, &mut buf[..], 0, Path::new("k"))? {
                return Ok(n);
            }
            let grown = grown_kernel_buf(buf.len(), Path::new("k"))?.max(64);
            buf.resize(grown, 0);
        }
    }

    #[test]
    fn kernel_reads_take_one_pread_and_grow_when_full() {
        // A whole file in one read (as seq_file serves it), EINTR retried.
        let r = scripted(100, usize::MAX, 0);
        let mut buf = vec![0; 256];
        assert_eq!(read_kernel(&r, &mut buf).unwrap(), 100);
        assert_eq!(r.calls.get(), 1);
        assert!(buf[..100].iter().enumerate().all(|(i, &b)| b == pattern(i)));
        let r = scripted(5000, usize::MAX, 2);
        assert_eq!(read_kernel(&r, &mut buf).unwrap(), 5000);
        assert!(buf[..5000]
            .iter()
            .enumerate()
            .all(|(i, &b)| b == pattern(i)));
        // The steady state reuses the buffer.
        let (ptr, len) = (buf.as_ptr(), buf.len());
        let r = scripted(4000, usize::MAX, 0);
        assert_eq!(read_kernel(&r, &mut buf).unwrap(), 4000);
        assert_eq!((buf.as_ptr(), buf.len()), (ptr, len));
        // From an empty buffer; and a file that never ends is refused at the cap.
        assert_eq!(
            read_kernel(&scripted(7, usize::MAX, 0), &mut Vec::new()).unwrap(),
            7
        );
        let e = read_kernel(&scripted(usize::MAX, usize::MAX, 0), &mut Vec::new()).unwrap_err();
        assert!(matches!(e, ReadError::TooLarge { .. }));
    }

    #[test]
    fn a_reused_buffer_is_cleared_and_not_regrown() {
        let mut buf = Vec::with_capacity(8192);
        let ptr = buf.as_ptr();
        pread_all(&scripted(5000, 100, 5), &mut buf, Path::new("x")).unwrap();
        pread_all(&scripted(10, 3, 2), &mut buf, Path::new("x")).unwrap();
        assert_eq!(buf, b"0123456789");
        assert_eq!(buf.as_ptr(), ptr, "buffer reallocated");
    }

    #[test]
    fn an_endless_file_is_refused_at_the_cap() {
        let r = scripted(usize::MAX, 1 << 16, 0);
        let mut buf = Vec::new();
        let e = pread_all(&r, &mut buf, Path::new("zero")).unwrap_err();
        assert!(matches!(e, ReadError::TooLarge { limit, .. } if limit == MAX_FILE_BYTES));
        assert!(buf.is_empty());
        assert!(
            buf.capacity() <= 2 * (MAX_FILE_BYTES + 1),
            "{}",
            buf.capacity()
        );
        // Bounded work: the buffer doubles from 4 KiB, then 64 KiB reads up to the cap.
        assert!(r.calls.get() <= 64, "{} reads", r.calls.get());
    }

    #[test]
    fn a_file_of_exactly_the_cap_is_read() {
        let mut buf = Vec::new();
        pread_all(
            &scripted(MAX_FILE_BYTES, 1 << 16, 0),
            &mut buf,
            Path::new("x"),
        )
        .unwrap();
        assert_eq!(buf.len(), MAX_FILE_BYTES);
        let e = pread_all(
            &scripted(MAX_FILE_BYTES + 1, 1 << 16, 0),
            &mut buf,
            Path::new("x"),
        );
        assert!(matches!(e, Err(ReadError::TooLarge { .. })));
    }

    #[test]
    fn errors_are_typed() {
        for (errno, gone) in [
            (libc::ENODEV, true),
            (libc::ENOENT, true),
            (libc::EIO, false),
        ] {
            let mut r = scripted(100, 10, 0);
            r.fail = Some(errno);
            let e = pread_all(&r, &mut Vec::new(), Path::new("f")).unwrap_err();
            assert_eq!(e.is_gone(), gone, "{errno}: {e:?}");
            if !gone {
                assert!(matches!(e, ReadError::Io { .. }));
            }
        }
    }
}
