//! The Python exception hierarchy and the mapping from the core's errors.
//!
//! ```text
//! MemcgError(Exception)
//! ├── ParseError(MemcgError, ValueError)      .kind .version .line .offset .reason .path
//! ├── CgroupGone(MemcgError)                  .path
//! ├── NotACgroup(MemcgError)                  .path
//! ├── CgroupReadError(MemcgError, OSError)    .path .errno
//! ├── DiscoveryError(MemcgError)
//! └── InvalidTimestamp(MemcgError, ValueError)
//!     └── TimeWentBackwards(InvalidTimestamp)  .previous .t
//! ```
//!
//! The classes are built once per interpreter with `type(name, bases, dict)`, because pyo3's
//! `create_exception!` takes a single base and `ParseError` must be both a `MemcgError` and a
//! `ValueError` (as pydantic-core's `ValidationError` is a `ValueError`). Structured attributes
//! are set on the instance; the class carries typed defaults so that `mypy.stubtest` sees them.

use memcg_core::discovery::DiscoveryError;
use memcg_core::trend::TrendError;
use memcg_core::{ParseError, ReadError};
use pyo3::exceptions::{PyException, PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};
use pyo3::IntoPyObjectExt;

/// The exception classes of the `memcg` package.
pub struct Exceptions {
    /// `memcg.MemcgError`.
    pub base: Py<PyType>,
    /// `memcg.ParseError`.
    pub parse: Py<PyType>,
    /// `memcg.CgroupGone`.
    pub gone: Py<PyType>,
    /// `memcg.NotACgroup`.
    pub not_a_cgroup: Py<PyType>,
    /// `memcg.CgroupReadError`.
    pub read: Py<PyType>,
    /// `memcg.DiscoveryError`.
    pub discovery: Py<PyType>,
    /// `memcg.InvalidTimestamp`.
    pub invalid_time: Py<PyType>,
    /// `memcg.TimeWentBackwards`.
    pub time_backwards: Py<PyType>,
}

static EXCEPTIONS: PyOnceLock<Exceptions> = PyOnceLock::new();

fn new_class<'py>(
    py: Python<'py>,
    name: &str,
    bases: &[&Bound<'py, PyType>],
    doc: &str,
    attrs: &[(&str, Bound<'py, PyAny>)],
) -> PyResult<Py<PyType>> {
    let dict = PyDict::new(py);
    dict.set_item("__module__", "memcg")?;
    dict.set_item("__doc__", doc)?;
    for (k, v) in attrs {
        dict.set_item(*k, v)?;
    }
    let bases = PyTuple::new(py, bases)?;
    let cls = py.get_type::<PyType>().call1((name, bases, dict))?;
    Ok(cls.cast_into::<PyType>()?.unbind())
}

fn build(py: Python<'_>) -> PyResult<Exceptions> {
    let exception = py.get_type::<PyException>();
    let value_error = py.get_type::<PyValueError>();
    let os_error = py.get_type::<PyOSError>();
    let none = py.None().into_bound(py);
    let empty = "".into_pyobject(py)?.into_any();
    let zero = 0u32.into_pyobject(py)?.into_any();
    let zero_f = 0.0f64.into_pyobject(py)?.into_any();

    let base = new_class(
        py,
        "MemcgError",
        &[&exception],
        "Base class of every error memcg raises.",
        &[],
    )?;
    let b = base.bind(py);
    let parse = new_class(
        py,
        "ParseError",
        &[b, &value_error],
        "A cgroup file is malformed.\n\n\
         Attributes: ``kind`` (the file name, e.g. ``\"memory.stat\"``), ``version`` (1, 2 or \
         None for files both versions share), ``line`` (1-based), ``offset`` (0-based byte \
         offset of the offending byte), ``reason`` (a short description) and ``path`` (the \
         file read, or None when bytes were parsed).",
        &[
            ("kind", empty.clone()),
            ("version", none.clone()),
            ("line", zero.clone()),
            ("offset", zero.clone()),
            ("reason", empty.clone()),
            ("path", none.clone()),
        ],
    )?;
    let gone = new_class(
        py,
        "CgroupGone",
        &[b],
        "The cgroup was removed (its directory or a kept-open file vanished). Stop sampling \
         it. Attribute: ``path``.",
        &[("path", empty.clone())],
    )?;
    let not_a_cgroup = new_class(
        py,
        "NotACgroup",
        &[b],
        "The directory holds neither memory.current (v2) nor memory.usage_in_bytes (v1). \
         Attribute: ``path``.",
        &[("path", empty.clone())],
    )?;
    let read = new_class(
        py,
        "CgroupReadError",
        &[b, &os_error],
        "Reading a cgroup file failed (permissions, a file larger than memcg reads, any other \
         I/O error). Also an OSError. Attribute: ``path``.",
        &[("path", empty.clone())],
    )?;
    let discovery = new_class(
        py,
        "DiscoveryError",
        &[b],
        "This process's, a PID's or a container's memory cgroup could not be found.",
        &[],
    )?;
    let invalid_time = new_class(
        py,
        "InvalidTimestamp",
        &[b, &value_error],
        "A timestamp given to LeakDetector.update was NaN or infinite. The detector's state \
         is unchanged.",
        &[],
    )?;
    let time_backwards = new_class(
        py,
        "TimeWentBackwards",
        &[invalid_time.bind(py)],
        "A timestamp given to LeakDetector.update was earlier than the previous one. The \
         detector's state is unchanged. Attributes: ``previous``, ``t`` (seconds).",
        &[("previous", zero_f.clone()), ("t", zero_f)],
    )?;
    Ok(Exceptions {
        base,
        parse,
        gone,
        not_a_cgroup,
        read,
        discovery,
        invalid_time,
        time_backwards,
    })
}

/// The exception classes, built on first use.
///
/// # Errors
/// Only if the interpreter cannot build a class (out of memory).
pub fn exceptions(py: Python<'_>) -> PyResult<&Exceptions> {
    EXCEPTIONS.get_or_try_init(py, || build(py))
}

/// Instantiates `cls(msg)` and sets `attrs` on the instance.
fn raise_with(
    py: Python<'_>,
    cls: &Py<PyType>,
    args: Bound<'_, PyTuple>,
    attrs: &[(&str, Bound<'_, PyAny>)],
) -> PyErr {
    let err = PyErr::from_type(cls.bind(py).clone(), args.unbind());
    let value = err.value(py);
    for (k, v) in attrs {
        if let Err(e) = value.setattr(*k, v) {
            return e;
        }
    }
    err
}

fn to_any<'py, T: IntoPyObject<'py>>(py: Python<'py>, v: T) -> PyResult<Bound<'py, PyAny>> {
    v.into_bound_py_any(py)
}

/// Runs `f`; if building the exception itself failed, that failure is the error raised.
fn build_err(f: impl FnOnce() -> PyResult<PyErr>) -> PyErr {
    f().unwrap_or_else(|e| e)
}

/// `memcg.ParseError` for a core [`ParseError`], with `path` when a file was read.
pub fn parse_error(py: Python<'_>, e: &ParseError, path: Option<&str>) -> PyErr {
    build_err(|| {
        let exc = exceptions(py)?;
        let msg = match path {
            Some(p) => format!("{p}: {e}"),
            None => e.to_string(),
        };
        Ok(raise_with(
            py,
            &exc.parse,
            PyTuple::new(py, [msg])?,
            &[
                ("kind", to_any(py, e.kind.name())?),
                ("version", to_any(py, e.kind.version())?),
                ("line", to_any(py, e.line)?),
                ("offset", to_any(py, e.offset)?),
                ("reason", to_any(py, e.reason.as_str())?),
                ("path", to_any(py, path)?),
            ],
        ))
    })
}

/// The Python exception for a core [`ReadError`].
pub fn read_error(py: Python<'_>, e: &ReadError) -> PyErr {
    build_err(|| {
        let exc = exceptions(py)?;
        let msg = e.to_string();
        Ok(match e {
            ReadError::Gone { path } => raise_with(
                py,
                &exc.gone,
                PyTuple::new(py, [msg])?,
                &[("path", to_any(py, path.to_string_lossy())?)],
            ),
            ReadError::NotACgroup { path } => raise_with(
                py,
                &exc.not_a_cgroup,
                PyTuple::new(py, [msg])?,
                &[("path", to_any(py, path.to_string_lossy())?)],
            ),
            ReadError::Parse { path, error } => {
                parse_error(py, error, Some(&path.to_string_lossy()))
            }
            ReadError::Io { path, source } => {
                // The message is the core's (as the `memcg` command prints it). Only `errno`
                // is set besides `path`: with `strerror`/`filename` set, OSError.__str__ would
                // replace the message with its own "[Errno …]" format.
                let p = path.to_string_lossy();
                raise_with(
                    py,
                    &exc.read,
                    PyTuple::new(py, [msg])?,
                    &[
                        ("path", to_any(py, &*p)?),
                        ("errno", to_any(py, source.raw_os_error())?),
                    ],
                )
            }
            ReadError::TooLarge { path, .. } | ReadError::NotRegular { path, .. } => raise_with(
                py,
                &exc.read,
                PyTuple::new(py, [msg])?,
                &[("path", to_any(py, path.to_string_lossy())?)],
            ),
            ReadError::Discovery(_) => PyErr::from_type(exc.discovery.bind(py).clone(), (msg,)),
            _ => PyErr::from_type(exc.base.bind(py).clone(), (msg,)),
        })
    })
}

/// The Python exception for a core [`DiscoveryError`]: `ParseError` for a malformed proc file,
/// `DiscoveryError` otherwise.
pub fn discovery_error(py: Python<'_>, e: &DiscoveryError) -> PyErr {
    build_err(|| {
        let exc = exceptions(py)?;
        Ok(match e {
            DiscoveryError::Parse(p) => parse_error(py, p, None),
            _ => PyErr::from_type(
                exc.discovery.bind(py).clone(),
                (format!("cannot find the memory cgroup: {e}"),),
            ),
        })
    })
}

/// The Python exception for a core [`TrendError`].
pub fn trend_error(py: Python<'_>, e: &TrendError) -> PyErr {
    build_err(|| {
        let exc = exceptions(py)?;
        let msg = e.to_string();
        Ok(match e {
            TrendError::TimeWentBackwards { previous, t } => raise_with(
                py,
                &exc.time_backwards,
                PyTuple::new(py, [msg])?,
                &[("previous", to_any(py, *previous)?), ("t", to_any(py, *t)?)],
            ),
            TrendError::NonFiniteTime => {
                PyErr::from_type(exc.invalid_time.bind(py).clone(), (msg,))
            }
            _ => PyErr::from_type(exc.base.bind(py).clone(), (msg,)),
        })
    })
}

/// Adds the exception classes to the module.
///
/// # Errors
/// If a class cannot be built or added.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let e = exceptions(py)?;
    m.add("MemcgError", e.base.bind(py))?;
    m.add("ParseError", e.parse.bind(py))?;
    m.add("CgroupGone", e.gone.bind(py))?;
    m.add("NotACgroup", e.not_a_cgroup.bind(py))?;
    m.add("CgroupReadError", e.read.bind(py))?;
    m.add("DiscoveryError", e.discovery.bind(py))?;
    m.add("InvalidTimestamp", e.invalid_time.bind(py))?;
    m.add("TimeWentBackwards", e.time_backwards.bind(py))?;
    Ok(())
}
