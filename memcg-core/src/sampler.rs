//! [`Sampler`]: keeps one cgroup's files open and re-reads them with `pread` into reusable
//! buffers. After the first sample it allocates nothing.

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::read::{
    build, detect_version, fold_ancestor_max, names, open_file, pread_all, pread_kernel,
    v2_ancestor_limit_paths, ReadError,
};
use crate::snapshot::{Snapshot, Version};

/// A kept-open view of one cgroup directory.
///
/// `open` detects the version, opens every file the [`Snapshot`] needs (absent optional files
/// are remembered as absent) and, on v2, the `memory.max` of each ancestor. Each
/// [`Sampler::read`] re-reads them from offset 0 (`pread`), so the kernel regenerates the text
/// and no `open`/`close` is paid. A kernel pseudo-file (`st_size` 0, as every cgroupfs file) is
/// read with a single `pread` (see the sampler bench in `docs/performance.md`); a regular file
/// (a copy of a cgroup directory) is read to end-of-file. Buffers are reused: after the first
/// read, sampling allocates nothing (proved by `tests/alloc.rs`).
///
/// When the cgroup is removed, `read` returns [`ReadError::Gone`] — never a zero.
///
/// ```no_run
/// use memcg_core::sampler::Sampler;
/// let mut s = Sampler::open("/sys/fs/cgroup/system.slice/my.service")?;
/// let snap = s.read()?;
/// println!("{} bytes in use", snap.usage_bytes);
/// # Ok::<(), memcg_core::ReadError>(())
/// ```
#[derive(Debug)]
pub struct Sampler {
    dir: PathBuf,
    version: Version,
    files: [Option<Kept>; 9],
    bufs: [Vec<u8>; 9],
    lens: [usize; 9],
    ancestors: Vec<(PathBuf, File)>,
    ancestor_buf: Vec<u8>,
}

/// One kept-open file.
#[derive(Debug)]
struct Kept {
    file: File,
    /// A kernel pseudo-file (`st_size` 0): one `pread` reads it whole.
    kernel: bool,
}

impl Sampler {
    /// Opens the cgroup directory `dir`.
    ///
    /// # Errors
    /// [`ReadError::NotACgroup`], [`ReadError::Gone`] or an I/O error.
    pub fn open(dir: impl AsRef<Path>) -> Result<Sampler, ReadError> {
        let dir = dir.as_ref().to_path_buf();
        let version = detect_version(&dir)?;
        let mut files: [Option<Kept>; 9] = Default::default();
        for (i, name) in names(version).iter().enumerate() {
            let path = dir.join(name);
            files[i] = match open_file(&path)? {
                Some(file) => {
                    let kernel = file.metadata().is_ok_and(|m| m.len() == 0);
                    Some(Kept { file, kernel })
                }
                None => None,
            };
        }
        if files[0].is_none() {
            return Err(ReadError::Gone {
                path: dir.join(names(version)[0]),
            });
        }
        let mut ancestors = Vec::new();
        if version == Version::V2 {
            for p in v2_ancestor_limit_paths(&dir) {
                if let Some(f) = open_file(&p)? {
                    ancestors.push((p, f));
                }
            }
        }
        Ok(Sampler {
            dir,
            version,
            files,
            bufs: Default::default(),
            lens: [0; 9],
            ancestors,
            ancestor_buf: Vec::new(),
        })
    }

    /// The cgroup directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The cgroup version.
    #[must_use]
    pub fn version(&self) -> Version {
        self.version
    }

    /// Takes one sample.
    ///
    /// # Errors
    /// [`ReadError::Gone`] once the cgroup is removed; [`ReadError::Parse`] for a malformed
    /// file; other I/O errors.
    pub fn read(&mut self) -> Result<Snapshot, ReadError> {
        let names = names(self.version);
        for (i, kept) in self.files.iter().enumerate() {
            let Some(k) = kept else { continue };
            // Errors name the file relative to the directory, rebased below: no per-file
            // PathBuf is kept or built on the steady path.
            let name = Path::new(names[i]);
            let buf = &mut self.bufs[i];
            self.lens[i] = if k.kernel {
                pread_kernel(&k.file, buf, name)
            } else {
                pread_all(&k.file, buf, name).map(|()| buf.len())
            }
            .map_err(|e| e.rebase(&self.dir))?;
        }
        let mut ancestors = None;
        for (p, f) in &self.ancestors {
            pread_all(f, &mut self.ancestor_buf, p)?;
            ancestors = fold_ancestor_max(ancestors, p, &self.ancestor_buf)?;
        }
        let files: [Option<&[u8]>; 9] = std::array::from_fn(|i| {
            self.files[i]
                .as_ref()
                .map(|_| &self.bufs[i][..self.lens[i]])
        });
        build(self.version, &self.dir, &files, ancestors)
    }
}
