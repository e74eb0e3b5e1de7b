//! Python bindings for memcg: the native module `memcg._memcg`, re-exported by the `memcg`
//! package (`memcg-py/python/memcg/__init__.py`).
//!
//! The bindings are thin (DESIGN.md, "Bindings are thin"): they convert types and map errors;
//! every parser, derivation and estimator is `memcg-core`'s. Built by maturin as an `abi3`
//! wheel (one wheel for CPython ≥ 3.8).

mod cgroup;
mod detector;
mod errors;
mod json;
mod parsed;
mod report;
mod snapshot;

use pyo3::prelude::*;

/// The native module. Import `memcg`, not this.
#[pymodule(name = "_memcg")]
fn memcg_native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(m)?;
    parsed::register(m)?;
    m.add_class::<snapshot::PySnapshot>()?;
    m.add_class::<cgroup::PyCgroup>()?;
    m.add_function(wrap_pyfunction!(cgroup::read_snapshot, m)?)?;
    m.add_class::<detector::PyLeakDetector>()?;
    m.add_class::<detector::PyAssessment>()?;
    report::register(m)?;
    Ok(())
}
