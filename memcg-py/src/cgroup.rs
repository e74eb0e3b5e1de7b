//! `memcg.Cgroup` (a kept-open cgroup, the core's `Sampler`) and `memcg.read_snapshot`.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError};

use memcg_core::discovery::{self, DiscoveryError, Found};
use memcg_core::sampler::Sampler;
use memcg_core::Snapshot;
use pyo3::prelude::*;

use crate::errors;
use crate::snapshot::PySnapshot;

/// A cgroup directory kept open: `snapshot()` re-reads its files with `pread` into reused
/// buffers (no `open`/`close` per sample), with the GIL released.
///
/// `Cgroup(path)` opens a directory (v1 or v2, detected); `Cgroup.current()`,
/// `Cgroup.for_pid(pid)` and `Cgroup.for_container(id)` find one. Thread-safe.
#[pyclass(frozen, module = "memcg", name = "Cgroup")]
pub struct PyCgroup {
    sampler: Mutex<Sampler>,
    path: String,
    version: u8,
}

impl PyCgroup {
    fn open(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let sampler = py
            .detach(|| Sampler::open(&path))
            .map_err(|e| errors::read_error(py, &e))?;
        Ok(PyCgroup {
            path: sampler.dir().to_string_lossy().into_owned(),
            version: sampler.version().number(),
            sampler: Mutex::new(sampler),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Sampler> {
        self.sampler.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn found(py: Python<'_>, r: Result<Found, DiscoveryError>) -> PyResult<PathBuf> {
    r.map(|f| f.dir)
        .map_err(|e| errors::discovery_error(py, &e))
}

#[pymethods]
impl PyCgroup {
    /// Opens the cgroup directory `path`.
    ///
    /// Raises `NotACgroup` if it holds no memory files, `CgroupGone` if it does not exist.
    #[new]
    fn new(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        PyCgroup::open(py, path)
    }

    /// This process's memory cgroup.
    #[staticmethod]
    fn current(py: Python<'_>) -> PyResult<Self> {
        let dir = found(py, py.detach(discovery::self_cgroup))?;
        PyCgroup::open(py, dir)
    }

    /// The memory cgroup of process `pid`.
    #[staticmethod]
    fn for_pid(py: Python<'_>, pid: u32) -> PyResult<Self> {
        let dir = found(py, py.detach(|| discovery::pid_cgroup(pid)))?;
        PyCgroup::open(py, dir)
    }

    /// The memory cgroup of the container whose ID (or a unique prefix of at least 12
    /// hexadecimal characters) is `id` (Docker, containerd/CRI, CRI-O, Podman layouts).
    #[staticmethod]
    fn for_container(py: Python<'_>, id: &str) -> PyResult<Self> {
        let id = id.to_string();
        let dir = found(py, py.detach(move || discovery::container_cgroup(&id)))?;
        PyCgroup::open(py, dir)
    }

    /// The cgroup directory.
    #[getter]
    fn path(&self) -> &str {
        &self.path
    }

    /// The cgroup version, 1 or 2.
    #[getter]
    fn version(&self) -> u8 {
        self.version
    }

    /// Takes one sample. The GIL is released while the files are read.
    ///
    /// Raises `CgroupGone` once the cgroup is removed, `ParseError` for a malformed file.
    fn snapshot(&self, py: Python<'_>) -> PyResult<PySnapshot> {
        py.detach(|| self.lock().read())
            .map(|inner| PySnapshot { inner })
            .map_err(|e| errors::read_error(py, &e))
    }

    fn __repr__(&self) -> String {
        format!("<memcg.Cgroup v{} {:?}>", self.version, self.path)
    }
}

/// Reads one Snapshot from a cgroup directory (`None`: this process's cgroup), with the GIL
/// released. For repeated reads keep a `Cgroup`.
#[pyfunction]
#[pyo3(signature = (path = None))]
pub fn read_snapshot(py: Python<'_>, path: Option<PathBuf>) -> PyResult<PySnapshot> {
    let res = py.detach(|| {
        let dir = match path {
            Some(p) => p,
            None => discovery::self_cgroup()?.dir,
        };
        Snapshot::read_dir(dir)
    });
    res.map(|inner| PySnapshot { inner })
        .map_err(|e| errors::read_error(py, &e))
}
