//! `memcg.Snapshot`: one cgroup's memory accounting, the same fields for v1 and v2.

use memcg_core::report::{human_bytes, snapshot_json};
use memcg_core::{FileKind, Limit, Snapshot, V1Files, V2Files};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyString};

use crate::errors;
use crate::json::to_py;
use crate::parsed::{check_version, PyPressure};

/// One cgroup's memory accounting at one moment, unified over v1 and v2.
///
/// Sizes are in bytes. A field is `None` when the file or key it comes from is absent; a limit
/// is `None` when absent **or** unlimited, and the matching `*_unlimited` attribute tells the
/// two apart (absent: `False`; unlimited: `True`; a limit of 0 is `0`).
#[pyclass(frozen, module = "memcg", name = "Snapshot", skip_from_py_object)]
pub struct PySnapshot {
    /// The core value.
    pub inner: Snapshot,
}

fn limit_bytes(l: Option<Limit>) -> Option<u64> {
    l.and_then(Limit::bytes)
}

fn limit_unlimited(l: Option<Limit>) -> bool {
    l.is_some_and(Limit::is_unlimited)
}

fn limit_text(l: Option<Limit>) -> String {
    match l {
        None => "None".into(),
        Some(Limit::Unlimited) => "unlimited".into(),
        Some(Limit::Bytes(b)) => human_bytes(b),
    }
}

fn opt_text(v: Option<u64>) -> String {
    v.map_or_else(|| "None".into(), human_bytes)
}

/// Holds the bytes of one file given to `Snapshot.from_files`: a borrowed `bytes` object, or
/// the encoding of a `str`.
enum Held<'py> {
    Bytes(Bound<'py, PyBytes>),
    Owned(Vec<u8>),
}

impl Held<'_> {
    fn as_slice(&self) -> &[u8] {
        match self {
            Held::Bytes(b) => b.as_bytes(),
            Held::Owned(v) => v,
        }
    }
}

fn hold<'py>(name: &str, obj: &Bound<'py, PyAny>) -> PyResult<Held<'py>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Held::Bytes(b.clone()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Held::Owned(s.to_cow()?.as_bytes().to_vec()));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(Held::Owned(b.to_vec()));
    }
    Err(PyTypeError::new_err(format!(
        "files[{name:?}]: expected bytes or str, got {}",
        obj.get_type().name()?
    )))
}

/// The files a Snapshot of `version` reads, in the order of the core's `V2Files`/`V1Files`.
const V2_FILES: [&str; 9] = [
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
const V1_FILES: [&str; 9] = [
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

#[pymethods]
impl PySnapshot {
    /// Builds a Snapshot from file contents, as `memcg_core::Snapshot::from_v1/from_v2` do.
    ///
    /// `files` maps file names to their bytes (or str). v2 reads `memory.current` (required),
    /// `memory.max`, `memory.high`, `memory.peak`, `memory.stat`, `memory.events`,
    /// `memory.swap.current`, `memory.swap.max`, `memory.pressure`; v1 reads
    /// `memory.usage_in_bytes` (required), `memory.limit_in_bytes`,
    /// `memory.max_usage_in_bytes`, `memory.failcnt`, `memory.stat`, `memory.oom_control`,
    /// `memory.use_hierarchy`, `memory.memsw.limit_in_bytes`, `memory.pressure`. Other cgroup
    /// file names are ignored; a name memcg does not know is a `ValueError`.
    ///
    /// `ancestors_limit` (v2 only) is the smallest `memory.max` over the ancestors, in bytes
    /// (`None`: unknown or unlimited); it is combined with `memory.max` into
    /// `effective_limit_bytes`.
    #[staticmethod]
    #[pyo3(signature = (version, files, *, ancestors_limit = None))]
    fn from_files(
        py: Python<'_>,
        version: u8,
        files: &Bound<'_, PyAny>,
        ancestors_limit: Option<u64>,
    ) -> PyResult<PySnapshot> {
        let v = check_version(Some(version))?;
        let wanted: &[&str; 9] = if v == 1 { &V1_FILES } else { &V2_FILES };
        let mut held: [Option<Held<'_>>; 9] = Default::default();
        let items = files.call_method0("items")?;
        for item in items.try_iter()? {
            let (name, data): (Bound<'_, PyString>, Bound<'_, PyAny>) = item?.extract()?;
            let name = name.to_cow()?;
            match wanted.iter().position(|w| *w == name) {
                Some(i) => held[i] = Some(hold(&name, &data)?),
                None if FileKind::from_name(&name, v).is_some() => {}
                None => {
                    return Err(PyValueError::new_err(format!(
                        "unknown cgroup memory file {name:?}"
                    )))
                }
            }
        }
        let get = |i: usize| held[i].as_ref().map(Held::as_slice);
        let Some(first) = get(0) else {
            return Err(PyValueError::new_err(format!(
                "{} is required for a v{v} Snapshot",
                wanted[0]
            )));
        };
        let res = if v == 2 {
            Snapshot::from_v2(&V2Files {
                current: first,
                max: get(1),
                high: get(2),
                peak: get(3),
                stat: get(4),
                events: get(5),
                swap_current: get(6),
                swap_max: get(7),
                pressure: get(8),
                ancestors_limit: ancestors_limit.map(Limit::Bytes),
            })
        } else {
            if ancestors_limit.is_some() {
                return Err(PyValueError::new_err(
                    "ancestors_limit applies to v2 only (v1 reads hierarchical_memory_limit)",
                ));
            }
            Snapshot::from_v1(&V1Files {
                usage_in_bytes: first,
                limit_in_bytes: get(1),
                max_usage_in_bytes: get(2),
                failcnt: get(3),
                stat: get(4),
                oom_control: get(5),
                use_hierarchy: get(6),
                memsw_limit_in_bytes: get(7),
                pressure: get(8),
            })
        };
        res.map(|inner| PySnapshot { inner })
            .map_err(|e| errors::parse_error(py, &e, None))
    }

    /// The cgroup version, 1 or 2.
    #[getter]
    fn version(&self) -> u8 {
        self.inner.version.number()
    }
    /// Memory charged to the cgroup (`memory.current` / `memory.usage_in_bytes`).
    #[getter]
    fn usage_bytes(&self) -> u64 {
        self.inner.usage_bytes
    }
    /// The cgroup's own hard limit; `None` when absent or unlimited.
    #[getter]
    fn limit_bytes(&self) -> Option<u64> {
        limit_bytes(self.inner.limit_bytes)
    }
    /// `True` when the hard limit file says "no limit".
    #[getter]
    fn limit_unlimited(&self) -> bool {
        limit_unlimited(self.inner.limit_bytes)
    }
    /// The limit that applies: the smallest `memory.max` over the cgroup and its ancestors
    /// (v2), `hierarchical_memory_limit` (v1); `None` when unknown or unlimited.
    #[getter]
    fn effective_limit_bytes(&self) -> Option<u64> {
        limit_bytes(self.inner.effective_limit_bytes)
    }
    /// `True` when the effective limit is "no limit".
    #[getter]
    fn effective_limit_unlimited(&self) -> bool {
        limit_unlimited(self.inner.effective_limit_bytes)
    }
    /// v2 `memory.high` (throttling threshold); `None` on v1, when absent, or unlimited.
    #[getter]
    fn high_limit_bytes(&self) -> Option<u64> {
        limit_bytes(self.inner.high_limit_bytes)
    }
    /// `True` when `memory.high` is `max`.
    #[getter]
    fn high_limit_unlimited(&self) -> bool {
        limit_unlimited(self.inner.high_limit_bytes)
    }
    /// The swap the cgroup may use (v2 `memory.swap.max`; v1 memsw limit − limit).
    #[getter]
    fn swap_limit_bytes(&self) -> Option<u64> {
        limit_bytes(self.inner.swap_limit_bytes)
    }
    /// `True` when swap is not limited.
    #[getter]
    fn swap_limit_unlimited(&self) -> bool {
        limit_unlimited(self.inner.swap_limit_bytes)
    }
    /// Highest usage recorded (`memory.peak` / `memory.max_usage_in_bytes`).
    #[getter]
    fn peak_bytes(&self) -> Option<u64> {
        self.inner.peak_bytes
    }
    /// usage − inactive file cache, floored at 0 (cAdvisor's and kubelet's working set).
    #[getter]
    fn working_set_bytes(&self) -> u64 {
        self.inner.working_set_bytes
    }
    /// Anonymous memory (v2 `anon`, v1 `total_rss`).
    #[getter]
    fn anon_bytes(&self) -> Option<u64> {
        self.inner.anon_bytes
    }
    /// Page cache (v2 `file`, v1 `total_cache`).
    #[getter]
    fn file_bytes(&self) -> Option<u64> {
        self.inner.file_bytes
    }
    /// tmpfs / shared memory (v2 `shmem`, v1 `total_shmem`).
    #[getter]
    fn shmem_bytes(&self) -> Option<u64> {
        self.inner.shmem_bytes
    }
    /// Swap used (v2 `memory.swap.current`, v1 `total_swap`).
    #[getter]
    fn swap_bytes(&self) -> Option<u64> {
        self.inner.swap_bytes
    }
    /// Processes killed by the OOM killer.
    #[getter]
    fn oom_kills(&self) -> Option<u64> {
        self.inner.oom_kills
    }
    /// Times usage hit the hard limit (v2 `memory.events` `max`, v1 `memory.failcnt`).
    #[getter]
    fn max_events(&self) -> Option<u64> {
        self.inner.max_events
    }
    /// Times the cgroup was throttled above `memory.high` (v2 only).
    #[getter]
    fn high_events(&self) -> Option<u64> {
        self.inner.high_events
    }
    /// PSI for the cgroup, where the kernel provides it.
    #[getter]
    fn pressure(&self) -> Option<PyPressure> {
        self.inner.pressure.map(PyPressure::new)
    }
    /// Every `memory.stat` key → value (a new dict on each access).
    #[getter]
    fn stat<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (k, v) in self.inner.stat_entries() {
            d.set_item(k, v)?;
        }
        Ok(d)
    }
    /// Memory the kernel cannot reclaim (what a leak grows), the leak detector's signal.
    #[getter]
    fn unreclaimable_bytes(&self) -> u64 {
        self.inner.unreclaimable_bytes()
    }

    /// The JSON object of `memcg snapshot --json`, as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &snapshot_json(&self.inner))
    }

    fn __repr__(&self) -> String {
        let s = &self.inner;
        format!(
            "<memcg.Snapshot v{} usage={} limit={} effective_limit={} working_set={} anon={} \
             file={} swap={} oom_kills={}>",
            s.version.number(),
            human_bytes(s.usage_bytes),
            limit_text(s.limit_bytes),
            limit_text(s.effective_limit_bytes),
            human_bytes(s.working_set_bytes),
            opt_text(s.anon_bytes),
            opt_text(s.file_bytes),
            opt_text(s.swap_bytes),
            s.oom_kills
                .map_or_else(|| "None".to_string(), |n| n.to_string()),
        )
    }
}
