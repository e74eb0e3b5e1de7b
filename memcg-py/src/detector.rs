//! `memcg.LeakDetector` and `memcg.Assessment`: the core's `trend::LeakDetector`, unchanged.

use std::sync::Mutex;

use memcg_core::trend::{Assessment, DetectorConfig, LeakDetector};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::errors;
use crate::json::to_py;
use crate::snapshot::PySnapshot;

/// The streaming leak detector: feed it `(t_seconds, Snapshot)` pairs, get an `Assessment`.
///
/// Keyword arguments mirror the core's `DetectorConfig`; `None` (the default) takes the core's
/// default, which `config` shows. Thread-safe: `update` takes an internal lock.
#[pyclass(frozen, module = "memcg", name = "LeakDetector")]
pub struct PyLeakDetector {
    inner: Mutex<LeakDetector>,
}

fn check_f64(name: &str, v: Option<f64>, default: f64) -> PyResult<f64> {
    match v {
        None => Ok(default),
        Some(x) if x.is_finite() && x >= 0.0 => Ok(x),
        Some(x) => Err(PyValueError::new_err(format!(
            "{name} must be a finite number >= 0, not {x}"
        ))),
    }
}

#[pymethods]
impl PyLeakDetector {
    #[new]
    #[pyo3(signature = (
        *,
        min_age_s = None,
        max_window_s = None,
        min_growth_bytes = None,
        min_limit_share = None,
        restart_drop_fraction = None,
        use_swap = None,
    ))]
    fn new(
        min_age_s: Option<f64>,
        max_window_s: Option<f64>,
        min_growth_bytes: Option<u64>,
        min_limit_share: Option<f64>,
        restart_drop_fraction: Option<f64>,
        use_swap: Option<bool>,
    ) -> PyResult<Self> {
        let d = DetectorConfig::default();
        // `..d` keeps the core's defaults for fields a later core adds.
        #[allow(clippy::needless_update)]
        let config = DetectorConfig {
            min_age_s: check_f64("min_age_s", min_age_s, d.min_age_s)?,
            max_window_s: check_f64("max_window_s", max_window_s, d.max_window_s)?,
            min_growth_bytes: min_growth_bytes.unwrap_or(d.min_growth_bytes),
            min_limit_share: check_f64("min_limit_share", min_limit_share, d.min_limit_share)?,
            restart_drop_fraction: check_f64(
                "restart_drop_fraction",
                restart_drop_fraction,
                d.restart_drop_fraction,
            )?,
            use_swap: use_swap.unwrap_or(d.use_swap),
            ..d
        };
        Ok(PyLeakDetector {
            inner: Mutex::new(LeakDetector::new(config)),
        })
    }

    /// The configuration in effect, as a dict (defaults filled in).
    #[getter]
    fn config<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let c = *self.lock().config();
        let v = serde_json::to_value(c).unwrap_or(serde_json::Value::Null);
        to_py(py, &v)
    }

    /// Feeds one sample taken at `t_seconds` (any monotonic clock, seconds).
    ///
    /// Raises `TimeWentBackwards` when `t_seconds` is earlier than the previous sample and
    /// `InvalidTimestamp` when it is NaN or infinite; the state is then unchanged.
    fn update(
        &self,
        py: Python<'_>,
        t_seconds: f64,
        snapshot: &PySnapshot,
    ) -> PyResult<PyAssessment> {
        let res = self.lock().update(t_seconds, &snapshot.inner);
        res.map(|inner| PyAssessment { inner })
            .map_err(|e| errors::trend_error(py, &e))
    }

    /// Forgets all history (as after a restart).
    fn reset(&self) {
        self.lock().reset();
    }

    fn __repr__(&self) -> String {
        format!("<memcg.LeakDetector {:?}>", self.lock().config())
    }
}

impl PyLeakDetector {
    fn lock(&self) -> std::sync::MutexGuard<'_, LeakDetector> {
        // The detector never panics while locked; recover the state anyway.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The detector's answer for one sample. No field is ever NaN or infinite.
#[pyclass(frozen, module = "memcg", name = "Assessment", skip_from_py_object)]
pub struct PyAssessment {
    /// The core value.
    pub inner: Assessment,
}

#[pymethods]
impl PyAssessment {
    /// `"warming_up"`, `"stable"`, `"growing"` or `"leaking"`.
    #[getter]
    fn state(&self) -> &'static str {
        self.inner.state.as_str()
    }
    /// `True` when `state` is `"leaking"`.
    #[getter]
    fn leak(&self) -> bool {
        self.inner.leak
    }
    /// `True` when the projected OOM is imminent (a fast ramp close to the limit).
    #[getter]
    fn imminent_oom(&self) -> bool {
        self.inner.imminent_oom
    }
    /// Growth rate of unreclaimable memory, bytes per second.
    #[getter]
    fn slope_bytes_per_s(&self) -> f64 {
        self.inner.slope_bytes_per_s
    }
    /// Lower end of the slope's interval, bytes per second.
    #[getter]
    fn slope_low(&self) -> f64 {
        self.inner.slope_low
    }
    /// Upper end of the slope's interval, bytes per second.
    #[getter]
    fn slope_high(&self) -> f64 {
        self.inner.slope_high
    }
    /// Projected seconds until the effective limit; `None` without a limit or growth.
    #[getter]
    fn time_to_limit_s(&self) -> Option<f64> {
        self.inner.time_to_limit_s
    }
    /// Earliest end of the projection's interval, seconds.
    #[getter]
    fn time_to_limit_low_s(&self) -> Option<f64> {
        self.inner.time_to_limit_low_s
    }
    /// Latest end of the projection's interval, seconds.
    #[getter]
    fn time_to_limit_high_s(&self) -> Option<f64> {
        self.inner.time_to_limit_high_s
    }
    /// Projected seconds until `memory.high` (throttling), where set.
    #[getter]
    fn time_to_high_s(&self) -> Option<f64> {
        self.inner.time_to_high_s
    }
    /// When the growth began (the clock of `t_seconds`).
    #[getter]
    fn onset_s(&self) -> Option<f64> {
        self.inner.onset_s
    }
    /// The watched signal: unreclaimable memory, bytes.
    #[getter]
    fn signal_bytes(&self) -> u64 {
        self.inner.signal_bytes
    }
    /// The floor of the signal (its trailing minimum under a sawtooth), bytes.
    #[getter]
    fn floor_bytes(&self) -> u64 {
        self.inner.floor_bytes
    }
    /// The limit the projection uses (effective limit plus swap allowance), bytes.
    #[getter]
    fn limit_bytes(&self) -> Option<u64> {
        self.inner.limit_bytes
    }
    /// Seconds of history behind this verdict.
    #[getter]
    fn age_s(&self) -> f64 {
        self.inner.age_s
    }

    /// Every field, as in `memcg replay --json` (without `t_seconds`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let v = serde_json::to_value(self.inner).unwrap_or(serde_json::Value::Null);
        to_py(py, &v)
    }

    fn __repr__(&self) -> String {
        let a = &self.inner;
        format!(
            "<memcg.Assessment state={} leak={} slope_bytes_per_s={:.1} time_to_limit_s={} \
             signal_bytes={}>",
            a.state.as_str(),
            if a.leak { "True" } else { "False" },
            a.slope_bytes_per_s,
            a.time_to_limit_s
                .map_or_else(|| "None".to_string(), |t| format!("{t:.1}")),
            a.signal_bytes
        )
    }
}
