//! `memcg.parse`: any cgroup memory file, by name, into a typed object.
//!
//! Four shapes cover every file kind the core parses:
//! - [`KeyedFile`]: `key value` files (`memory.stat`, `memory.events`, `memory.oom_control`,
//!   `cgroup.stat`, `memory.numa_stat`, …), one attribute per key the kernel documents
//!   (`None` when absent) and the keys a newer kernel adds, kept;
//! - [`ValueFile`]: one number (`memory.current`, `memory.usage_in_bytes`, …);
//! - [`LimitFile`]: one limit (`memory.max`, `memory.limit_in_bytes`, …): `value` is `None`
//!   when `unlimited` is `True`, so that absent, unlimited and 0 stay apart;
//! - [`PyPressure`]: PSI (`memory.pressure`, `/proc/pressure/memory`).

use std::borrow::Cow;
use std::sync::{Mutex, PoisonError};

use memcg_core::{parse, v1, v2, FileKind, Limit, Parsed, Pressure, PressureLine};
use pyo3::exceptions::{PyAttributeError, PyKeyError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyString, PyTuple};

use crate::errors;

/// Calls `f` on the bytes of a `bytes`, `bytearray` or `str` object. `bytes` is borrowed, not
/// copied; `str` is encoded as UTF-8.
///
/// # Errors
/// `TypeError` for any other type; whatever `f` returns.
pub fn with_bytes<R>(data: &Bound<'_, PyAny>, f: impl FnOnce(&[u8]) -> PyResult<R>) -> PyResult<R> {
    if let Ok(b) = data.cast::<PyBytes>() {
        return f(b.as_bytes());
    }
    if let Ok(s) = data.cast::<PyString>() {
        let s: Cow<'_, str> = s.to_cow()?;
        return f(s.as_bytes());
    }
    if let Ok(b) = data.cast::<PyByteArray>() {
        let v = b.to_vec();
        return f(&v);
    }
    Err(PyTypeError::new_err(format!(
        "expected bytes or str, got {}",
        data.get_type().name()?
    )))
}

/// Checks a `version=` argument: `None` → 2, else 1 or 2.
///
/// # Errors
/// `ValueError` for any other number.
pub fn check_version(version: Option<u8>) -> PyResult<u8> {
    match version {
        None => Ok(2),
        Some(v @ (1 | 2)) => Ok(v),
        Some(v) => Err(PyValueError::new_err(format!(
            "version must be 1 or 2, not {v}"
        ))),
    }
}

/// Calls `$body` with `$s` bound to the keyed struct inside `$p` and `$T` aliased to its type,
/// for the kinds built by the core's `keyed_file!` (they have `unknown()`); `$other` otherwise.
macro_rules! with_keyed_file {
    ($p:expr, |$s:ident, $T:ident| $body:expr, $other:expr) => {
        match $p {
            Parsed::V2MemoryStat($s) => {
                type $T = v2::MemoryStat;
                $body
            }
            Parsed::V2MemoryEvents($s) => {
                type $T = v2::MemoryEvents;
                $body
            }
            Parsed::V2MemoryEventsLocal($s) => {
                type $T = v2::MemoryEventsLocal;
                $body
            }
            Parsed::V2MemorySwapEvents($s) => {
                type $T = v2::MemorySwapEvents;
                $body
            }
            Parsed::V2CgroupStat($s) => {
                type $T = v2::CgroupStat;
                $body
            }
            Parsed::V1MemoryStat($s) => {
                type $T = v1::MemoryStat;
                $body
            }
            Parsed::V1OomControl($s) => {
                type $T = v1::OomControl;
                $body
            }
            _ => $other,
        }
    };
}

/// Like [`with_keyed_file!`] for every keyed kind, `memory.numa_stat` included.
macro_rules! with_keyed {
    ($p:expr, |$s:ident, $T:ident| $body:expr, $other:expr) => {
        match $p {
            Parsed::V2MemoryNumaStat($s) => {
                type $T = v2::NumaStat;
                $body
            }
            Parsed::V1MemoryNumaStat($s) => {
                type $T = v1::NumaStat;
                $body
            }
            p => with_keyed_file!(p, |$s, $T| $body, $other),
        }
    };
}

/// A `key value` file (`memory.stat`, `memory.events`, `memory.oom_control`, `cgroup.stat`,
/// `memory.swap.events`, `memory.numa_stat`).
///
/// Every key the kernel documents is an attribute (`stat.anon`), `None` when the file does not
/// have it; keys a newer kernel adds are in `unknown` and reachable by `stat["new_key"]` and
/// `getattr`. `to_dict()` gives every key.
#[pyclass(frozen, module = "memcg", skip_from_py_object)]
pub struct KeyedFile {
    parsed: Parsed,
    /// Keys the core has no field for, in file order (only computed when present).
    unknown: Vec<(String, u64)>,
    /// numa_stat only: `nodes`, `foreign_lines`.
    extras: Vec<(&'static str, u64)>,
}

impl KeyedFile {
    fn named(&self) -> Vec<(&'static str, Option<u64>)> {
        with_keyed!(&self.parsed, |s, _T| s.fields().collect(), Vec::new())
    }

    fn lookup(&self, key: &str) -> Option<Option<u64>> {
        let named = with_keyed!(
            &self.parsed,
            |s, T| T::KEYS.contains(&key).then(|| s.get(key)),
            None
        );
        named
            .or_else(|| {
                self.unknown
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| Some(*v))
            })
            .or_else(|| {
                self.extras
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| Some(*v))
            })
    }
}

#[pymethods]
impl KeyedFile {
    /// The file name (`"memory.stat"`, …).
    #[getter]
    fn kind(&self) -> &'static str {
        self.parsed.kind().name()
    }

    /// The cgroup version the file belongs to (1 or 2), `None` if both share it.
    #[getter]
    fn version(&self) -> Option<u8> {
        self.parsed.kind().version()
    }

    /// The keys this file kind documents, in the kernel's order, then the unknown keys.
    fn keys(&self) -> Vec<String> {
        let mut out: Vec<String> = self.named().iter().map(|(k, _)| (*k).to_string()).collect();
        out.extend(self.unknown.iter().map(|(k, _)| k.clone()));
        out
    }

    /// Keys a newer kernel printed that memcg has no field for, with their values.
    #[getter]
    fn unknown<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (k, v) in &self.unknown {
            d.set_item(k, v)?;
        }
        Ok(d)
    }

    /// Every key → value (`None` for a documented key the file lacks), unknown keys included.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (k, v) in self.named() {
            d.set_item(k, v)?;
        }
        for (k, v) in &self.unknown {
            d.set_item(k, v)?;
        }
        for (k, v) in &self.extras {
            d.set_item(*k, v)?;
        }
        Ok(d)
    }

    /// `get(key, default=None)`, as for a dict.
    #[pyo3(signature = (key, default = None))]
    fn get<'py>(
        &self,
        py: Python<'py>,
        key: &str,
        default: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        match self.lookup(key) {
            Some(Some(v)) => Ok(v.into_pyobject(py)?.into_any()),
            _ => Ok(default.unwrap_or_else(|| py.None().into_bound(py))),
        }
    }

    fn __getattr__(&self, name: &str) -> PyResult<Option<u64>> {
        self.lookup(name).ok_or_else(|| {
            PyAttributeError::new_err(format!("{} has no key {name:?}", self.parsed.kind().name()))
        })
    }

    fn __getitem__(&self, key: &str) -> PyResult<Option<u64>> {
        self.lookup(key)
            .ok_or_else(|| PyKeyError::new_err(key.to_string()))
    }

    fn __contains__(&self, key: &str) -> bool {
        self.lookup(key).is_some()
    }

    fn __dir__(&self) -> Vec<String> {
        let mut out = self.keys();
        out.extend(self.extras.iter().map(|(k, _)| (*k).to_string()));
        for m in [
            "kind",
            "version",
            "keys",
            "unknown",
            "to_dict",
            "get",
            "unknown_keys",
        ] {
            out.push(m.to_string());
        }
        out
    }

    /// How many lines held keys memcg has no field for.
    #[getter]
    fn unknown_keys(&self) -> u32 {
        with_keyed!(&self.parsed, |s, _T| s.unknown_keys, 0)
    }

    fn __repr__(&self) -> String {
        let present: Vec<String> = self
            .named()
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| format!("{k}={v}")))
            .take(6)
            .collect();
        let n = self.named().iter().filter(|(_, v)| v.is_some()).count() + self.unknown.len();
        let more = if n > present.len() { ", …" } else { "" };
        format!(
            "<memcg.KeyedFile {} {}{} ({n} keys)>",
            self.parsed.kind(),
            present.join(", "),
            more
        )
    }
}

/// A file holding one number (`memory.current`, `memory.usage_in_bytes`, `memory.failcnt`, …).
#[pyclass(frozen, module = "memcg", skip_from_py_object)]
pub struct ValueFile {
    kind: FileKind,
    /// The number (bytes or events, as the file defines it).
    #[pyo3(get)]
    value: u64,
}

#[pymethods]
impl ValueFile {
    /// The file name.
    #[getter]
    fn kind(&self) -> &'static str {
        self.kind.name()
    }

    /// The cgroup version the file belongs to.
    #[getter]
    fn version(&self) -> Option<u8> {
        self.kind.version()
    }

    /// `{"value": …}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("value", self.value)?;
        Ok(d)
    }

    fn __int__(&self) -> u64 {
        self.value
    }

    fn __repr__(&self) -> String {
        format!("<memcg.ValueFile {} value={}>", self.kind, self.value)
    }
}

/// A limit file (`memory.max`, `memory.high`, `memory.limit_in_bytes`, …).
///
/// `value` is the limit in bytes, `None` when `unlimited` is `True` (v2 `max`; v1 values at or
/// above 2^62 and `-1`). A limit of 0 is `value == 0`, `unlimited == False`.
#[pyclass(frozen, module = "memcg", skip_from_py_object)]
pub struct LimitFile {
    kind: FileKind,
    limit: Limit,
}

#[pymethods]
impl LimitFile {
    /// The file name.
    #[getter]
    fn kind(&self) -> &'static str {
        self.kind.name()
    }

    /// The cgroup version the file belongs to.
    #[getter]
    fn version(&self) -> Option<u8> {
        self.kind.version()
    }

    /// The limit in bytes; `None` when unlimited.
    #[getter]
    fn value(&self) -> Option<u64> {
        self.limit.bytes()
    }

    /// `True` when the file says "no limit".
    #[getter]
    fn unlimited(&self) -> bool {
        self.limit.is_unlimited()
    }

    /// `{"value": …, "unlimited": …}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("value", self.limit.bytes())?;
        d.set_item("unlimited", self.limit.is_unlimited())?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        match self.limit {
            Limit::Unlimited => format!("<memcg.LimitFile {} unlimited>", self.kind),
            Limit::Bytes(b) => format!("<memcg.LimitFile {} value={b}>", self.kind),
        }
    }
}

/// One PSI line (`some` or `full`): stall shares in percent over 10, 60 and 300 s, and the
/// total stall time in microseconds (`None` only in the pre-upstream format).
#[pyclass(frozen, module = "memcg", name = "PressureLine", skip_from_py_object)]
pub struct PyPressureLine {
    inner: PressureLine,
}

#[pymethods]
impl PyPressureLine {
    /// Share of the last 10 s stalled, percent.
    #[getter]
    fn avg10(&self) -> f64 {
        self.inner.avg10
    }
    /// Share of the last 60 s stalled, percent.
    #[getter]
    fn avg60(&self) -> f64 {
        self.inner.avg60
    }
    /// Share of the last 300 s stalled, percent.
    #[getter]
    fn avg300(&self) -> f64 {
        self.inner.avg300
    }
    /// Total stall time, microseconds.
    #[getter]
    fn total_us(&self) -> Option<u64> {
        self.inner.total_us
    }

    /// `{"avg10", "avg60", "avg300", "total_us"}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        pressure_line_dict(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        format!(
            "<memcg.PressureLine avg10={:.2} avg60={:.2} avg300={:.2} total_us={}>",
            self.inner.avg10,
            self.inner.avg60,
            self.inner.avg300,
            self.inner
                .total_us
                .map_or_else(|| "None".to_string(), |t| t.to_string())
        )
    }
}

fn pressure_line_dict<'py>(py: Python<'py>, l: &PressureLine) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("avg10", l.avg10)?;
    d.set_item("avg60", l.avg60)?;
    d.set_item("avg300", l.avg300)?;
    d.set_item("total_us", l.total_us)?;
    Ok(d)
}

/// Pressure stall information (`memory.pressure`, `/proc/pressure/memory`).
#[pyclass(frozen, module = "memcg", name = "Pressure", skip_from_py_object)]
pub struct PyPressure {
    inner: Pressure,
}

impl PyPressure {
    /// Wraps a core [`Pressure`].
    pub fn new(inner: Pressure) -> Self {
        PyPressure { inner }
    }
}

#[pymethods]
impl PyPressure {
    /// `"memory.pressure"`.
    #[getter]
    fn kind(&self) -> &'static str {
        FileKind::Pressure.name()
    }

    /// Always `None`: PSI files are the same in both versions.
    #[getter]
    fn version(&self) -> Option<u8> {
        None
    }

    /// Time in which at least one task stalled.
    #[getter]
    fn some(&self) -> PyPressureLine {
        PyPressureLine {
            inner: self.inner.some,
        }
    }

    /// Time in which all non-idle tasks stalled (`None` if the file has no `full` line).
    #[getter]
    fn full(&self) -> Option<PyPressureLine> {
        self.inner.full.map(|inner| PyPressureLine { inner })
    }

    /// Pre-upstream format only: the `aggr` total, microseconds.
    #[getter]
    fn aggr_us(&self) -> Option<u64> {
        self.inner.aggr_us
    }

    /// `{"some": {...}, "full": {...} | None, "aggr_us": …}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("some", pressure_line_dict(py, &self.inner.some)?)?;
        match &self.inner.full {
            Some(f) => d.set_item("full", pressure_line_dict(py, f)?)?,
            None => d.set_item("full", py.None())?,
        }
        d.set_item("aggr_us", self.inner.aggr_us)?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        let full = self.inner.full.map_or_else(
            || "None".to_string(),
            |f| format!("{:.2}/{:.2}/{:.2}", f.avg10, f.avg60, f.avg300),
        );
        format!(
            "<memcg.Pressure some={:.2}/{:.2}/{:.2} full={full}>",
            self.inner.some.avg10, self.inner.some.avg60, self.inner.some.avg300
        )
    }
}

/// Wraps a parse result in the right Python class.
fn wrap(py: Python<'_>, parsed: Parsed, input: &[u8]) -> PyResult<Py<PyAny>> {
    if let Some(value) = parsed.counter() {
        return Ok(Bound::new(
            py,
            ValueFile {
                kind: parsed.kind(),
                value,
            },
        )?
        .into_any()
        .unbind());
    }
    if let Some(limit) = parsed.limit() {
        return Ok(Bound::new(
            py,
            LimitFile {
                kind: parsed.kind(),
                limit,
            },
        )?
        .into_any()
        .unbind());
    }
    if let Parsed::Pressure(p) = parsed {
        return Ok(Bound::new(py, PyPressure::new(p))?.into_any().unbind());
    }
    let unknown: Vec<(String, u64)> = with_keyed_file!(
        &parsed,
        |s, T| if s.unknown_keys == 0 {
            Vec::new()
        } else {
            T::unknown(input)
                .flatten()
                .map(|(k, v)| (String::from_utf8_lossy(k).into_owned(), v))
                .collect()
        },
        Vec::new()
    );
    let extras = match &parsed {
        Parsed::V2MemoryNumaStat(n) => vec![("nodes", u64::from(n.nodes))],
        Parsed::V1MemoryNumaStat(n) => vec![
            ("nodes", u64::from(n.nodes)),
            ("foreign_lines", u64::from(n.foreign_lines)),
        ],
        _ => Vec::new(),
    };
    Ok(Bound::new(
        py,
        KeyedFile {
            parsed,
            unknown,
            extras,
        },
    )?
    .into_any()
    .unbind())
}

/// The file kinds `parse` accepts (every cgroup memory file and PSI; not `/proc` files or
/// traces).
fn parseable(kind: FileKind) -> bool {
    !matches!(
        kind,
        FileKind::ProcCgroup | FileKind::ProcMountinfo | FileKind::TraceCsv
    )
}

/// Recently used file-name objects and their kinds. Callers pass the same (interned) `str`
/// object on every call, so comparing object identity skips encoding the name and looking it
/// up. The cache holds a strong reference, so an address cannot be reused by another string
/// while it is cached.
struct KindCache {
    entries: Vec<(Py<PyString>, u8, FileKind)>,
    next: usize,
}

const KIND_CACHE_SIZE: usize = 16;

static KIND_CACHE: Mutex<KindCache> = Mutex::new(KindCache {
    entries: Vec::new(),
    next: 0,
});

/// The file kind for `filename` (a name or a path) and `version`.
fn kind_of(filename: &Bound<'_, PyString>, version: u8) -> PyResult<FileKind> {
    {
        let cache = KIND_CACHE.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, _, kind)) = cache
            .entries
            .iter()
            .find(|(n, v, _)| *v == version && n.as_ptr() == filename.as_ptr())
        {
            return Ok(*kind);
        }
    }
    // No Python API runs while the lock is held (a GC-triggered finalizer calling
    // `memcg.parse` would otherwise deadlock on it).
    let name = filename.to_cow()?;
    let kind = FileKind::from_name(&name, version)
        .filter(|k| parseable(*k))
        .ok_or_else(|| {
            PyValueError::new_err(format!(
                "unknown cgroup memory file {name:?} (see memcg.FILE_NAMES)"
            ))
        })?;
    let entry = (filename.clone().unbind(), version, kind);
    let evicted = {
        let mut cache = KIND_CACHE.lock().unwrap_or_else(PoisonError::into_inner);
        if cache.entries.len() < KIND_CACHE_SIZE {
            cache.entries.push(entry);
            None
        } else {
            let i = cache.next;
            cache.next = (i + 1) % KIND_CACHE_SIZE;
            Some(std::mem::replace(&mut cache.entries[i], entry))
        }
    };
    // The evicted name is released after the lock.
    drop(evicted);
    Ok(kind)
}

/// Parses the contents of a cgroup memory file, dispatching on its name.
///
/// `filename` is the file's name or path (`"memory.stat"`, `"/sys/fs/cgroup/memory.max"`,
/// `"/proc/pressure/memory"`); `data` its contents (`bytes`, borrowed without a copy, or
/// `str`). `version` picks between the two `memory.stat` / `memory.numa_stat` formats (default
/// 2) and is ignored for names only one version has.
///
/// Returns a `KeyedFile`, `ValueFile`, `LimitFile` or `Pressure`.
///
/// Raises `memcg.ParseError` (a `ValueError`) with `.kind`, `.line`, `.offset` and `.reason`
/// for malformed input; `ValueError` for a file name memcg does not know.
#[pyfunction]
#[pyo3(name = "parse", signature = (filename, data, *, version = None))]
pub fn parse_file(
    py: Python<'_>,
    filename: &Bound<'_, PyString>,
    data: &Bound<'_, PyAny>,
    version: Option<u8>,
) -> PyResult<Py<PyAny>> {
    let v = check_version(version)?;
    let kind = kind_of(filename, v)?;
    with_bytes(data, |bytes| match parse(kind, bytes) {
        Ok(p) => wrap(py, p, bytes),
        Err(e) => Err(errors::parse_error(py, &e, None)),
    })
}

/// The file names `parse` accepts, as a sorted tuple.
pub fn file_names(py: Python<'_>) -> PyResult<Bound<'_, PyTuple>> {
    let mut names: Vec<&str> = FileKind::ALL
        .iter()
        .copied()
        .filter(|k| parseable(*k))
        .map(FileKind::name)
        .collect();
    names.sort_unstable();
    names.dedup();
    PyTuple::new(py, names)
}

/// Registers the classes and `parse`.
///
/// # Errors
/// If a class cannot be added.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<KeyedFile>()?;
    m.add_class::<ValueFile>()?;
    m.add_class::<LimitFile>()?;
    m.add_class::<PyPressure>()?;
    m.add_class::<PyPressureLine>()?;
    m.add_function(wrap_pyfunction!(parse_file, m)?)?;
    m.add("FILE_NAMES", file_names(m.py())?)?;
    Ok(())
}
