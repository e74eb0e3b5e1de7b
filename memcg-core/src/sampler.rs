//! [`Sampler`]: keeps one cgroup's files open and re-reads them with `pread` into reusable
//! buffers. After the first sample it allocates nothing.

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::read::{
    detect_version, fill, fold_ancestor_max, grown_kernel_buf, names, open_file, pread_all,
    pread_once, v2_ancestor_limit_paths, ReadError,
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
    /// The files' text, one slot per file in one allocation (`spans`: start and capacity of
    /// each slot): the preads land in a few adjacent cache lines instead of nine separate heap
    /// blocks (the sampler bench: 1.11× → 1.09–1.10× the preads alone). Unused (empty) when
    /// the caller passes its own buffer ([`Sampler::read_into_with`]).
    arena: Vec<u8>,
    spans: [(usize, usize); 9],
    lens: [usize; 9],
    ancestors: Vec<(PathBuf, File)>,
    ancestor_buf: Vec<u8>,
}

/// The first size of an arena slot: a single-value file (at most 21 bytes with its newline)
/// fits; `memory.stat`, `memory.events` and `memory.pressure` grow theirs on the first read.
const SLOT_MIN: usize = 64;

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
            arena: Vec::new(),
            spans: [(0, 0); 9],
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
        let mut s = Snapshot::empty(self.version);
        self.read_into(&mut s)?;
        Ok(s)
    }

    /// Takes one sample into `out`, in place: the same result as `*out = self.read()?`
    /// without building a Snapshot (about 3.3 KiB) and moving it out; `memory.stat` is parsed
    /// straight into `out.stat`. The fastest way to sample in a loop (see the sampler bench in
    /// `docs/performance.md`). Every field of `out` is replaced on success; on an error `out`
    /// is partly refilled and should not be used (keep the previous sample elsewhere if it is
    /// needed after a failed read).
    ///
    /// ```no_run
    /// use memcg_core::{sampler::Sampler, Snapshot};
    /// let mut sampler = Sampler::open("/sys/fs/cgroup/memory/mygroup")?;
    /// let mut snap: Snapshot = sampler.read()?;
    /// loop {
    ///     sampler.read_into(&mut snap)?;
    ///     println!("{} bytes", snap.usage_bytes);
    ///     # break;
    /// }
    /// # Ok::<(), memcg_core::ReadError>(())
    /// ```
    ///
    /// # Errors
    /// As [`Self::read`].
    pub fn read_into(&mut self, out: &mut Snapshot) -> Result<(), ReadError> {
        let mut arena = core::mem::take(&mut self.arena);
        let r = self.read_into_with(out, &mut arena);
        self.arena = arena;
        r
    }

    /// [`Self::read_into`], reading the files into `scratch` instead of the Sampler's own
    /// buffer. A process sampling many cgroups (the exporter: thousands) keeps one `scratch`
    /// for all its Samplers, so each costs its open files and a few hundred bytes instead of
    /// a few KiB of text buffer; `scratch` grows to the largest need and is then reused
    /// without allocating. A Sampler used only this way never allocates its own buffer.
    ///
    /// # Errors
    /// As [`Self::read`].
    pub fn read_into_with(
        &mut self,
        out: &mut Snapshot,
        scratch: &mut Vec<u8>,
    ) -> Result<(), ReadError> {
        let names = names(self.version);
        let need = self.spans.iter().map(|s| s.1).sum::<usize>();
        if scratch.len() < need {
            scratch.resize(need, 0);
        }
        // One pread per file into its slot of `scratch` (a kernel file's read that leaves
        // room is the whole file); a regular file (a copy) gets a second pread to see its end.
        // A slot that turns out too small is doubled (the slots re-laid out) and every file is
        // read again, so that one sample is one moment.
        'again: loop {
            for (i, kept) in self.files.iter().enumerate() {
                let Some(k) = kept else { continue };
                // Errors name the file relative to the directory, rebased below: no per-file
                // PathBuf is kept or built on the steady path.
                let name = Path::new(names[i]);
                let (start, cap) = self.spans[i];
                let slot = scratch.get_mut(start..start + cap).unwrap_or_default();
                let got = match pread_once(&k.file, slot, 0, name) {
                    Ok(Some(n)) if !k.kernel => {
                        let rest = slot.get_mut(n..).unwrap_or_default();
                        match pread_once(&k.file, rest, n as u64, name) {
                            Ok(Some(0)) => Ok(Some(n)),
                            Ok(_) => Ok(None),
                            Err(e) => Err(e),
                        }
                    }
                    r => r,
                };
                match got.map_err(|e| e.rebase(&self.dir))? {
                    Some(n) => self.lens[i] = n,
                    None => {
                        let grown = grown_kernel_buf(cap, name)
                            .map_err(|e| e.rebase(&self.dir))?
                            .max(SLOT_MIN);
                        self.spans[i].1 = grown;
                        let mut at = 0;
                        for span in &mut self.spans {
                            span.0 = at;
                            at += span.1;
                        }
                        if scratch.len() < at {
                            scratch.resize(at, 0);
                        }
                        continue 'again;
                    }
                }
            }
            break;
        }
        let mut ancestors = None;
        for (p, f) in &self.ancestors {
            pread_all(f, &mut self.ancestor_buf, p)?;
            ancestors = fold_ancestor_max(ancestors, p, &self.ancestor_buf)?;
        }
        let files: [Option<&[u8]>; 9] = std::array::from_fn(|i| {
            self.files[i].as_ref().map(|_| {
                let start = self.spans[i].0;
                scratch.get(start..start + self.lens[i]).unwrap_or_default()
            })
        });
        fill(out, self.version, &self.dir, &files, ancestors)
    }
}
