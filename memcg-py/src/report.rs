//! The renderings of the `memcg` command (`memcg_core::report`), so that `python -m memcg`
//! prints what `memcg` prints.

use memcg_core::report;
use pyo3::prelude::*;

use crate::detector::PyAssessment;
use crate::snapshot::PySnapshot;

fn text(v: &serde_json::Value, pretty: bool) -> String {
    let r = if pretty {
        serde_json::to_string_pretty(v)
    } else {
        serde_json::to_string(v)
    };
    r.unwrap_or_else(|_| "null".to_string())
}

/// The JSON text of `memcg snapshot --json` (one line, as the command prints it; indented when
/// `pretty`).
#[pyfunction]
#[pyo3(signature = (snapshot, *, pretty = false))]
pub fn snapshot_json(snapshot: &PySnapshot, pretty: bool) -> String {
    text(&report::snapshot_json(&snapshot.inner), pretty)
}

/// The table of `memcg snapshot` (`dir` is shown when given).
#[pyfunction]
#[pyo3(signature = (snapshot, dir = None))]
pub fn snapshot_table(snapshot: &PySnapshot, dir: Option<&str>) -> String {
    report::snapshot_table(&snapshot.inner, dir)
}

/// The header line of `memcg watch`.
#[pyfunction]
pub fn watch_header() -> String {
    report::watch_header()
}

/// One line of `memcg watch`.
#[pyfunction]
pub fn watch_line(t_seconds: f64, snapshot: &PySnapshot, assessment: &PyAssessment) -> String {
    report::watch_line(t_seconds, &snapshot.inner, &assessment.inner)
}

/// One JSON line of `memcg watch --json`.
#[pyfunction]
pub fn watch_json(t_seconds: f64, snapshot: &PySnapshot, assessment: &PyAssessment) -> String {
    text(
        &report::watch_json(t_seconds, &snapshot.inner, &assessment.inner),
        false,
    )
}

/// Registers the report functions.
///
/// # Errors
/// If a function cannot be added.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(snapshot_json, m)?)?;
    m.add_function(wrap_pyfunction!(snapshot_table, m)?)?;
    m.add_function(wrap_pyfunction!(watch_header, m)?)?;
    m.add_function(wrap_pyfunction!(watch_line, m)?)?;
    m.add_function(wrap_pyfunction!(watch_json, m)?)?;
    Ok(())
}
