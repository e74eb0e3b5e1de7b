//! Shared by `tests/detection.rs` and `examples/detection_report.rs`: replays every labelled
//! trace (traces-v2, traces-v1, traces-synth) through the LeakDetector and through a
//! `predict_linear` baseline, and scores them.
#![allow(dead_code)]

use std::fs;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use memcg_core::trace::TraceReader;
use memcg_core::trend::{Assessment, DetectorConfig, LeakDetector, State, WindowedOls};

/// The labels of one trace (the JSON keys of traces-v2/README.md).
#[derive(Debug, Clone)]
pub struct Labels {
    pub leak: bool,
    pub leak_rate: f64,
    pub leak_onset_s: Option<f64>,
    pub oom_at_s: Option<f64>,
    pub workload_exit_s: Option<f64>,
    pub restart_at_s: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct Trace {
    pub set: &'static str,
    pub name: String,
    pub csv: PathBuf,
    pub labels: Labels,
}

impl Trace {
    /// Where a replay stops: the OOM kill, else the workload's exit, else the end.
    pub fn stop_s(&self) -> f64 {
        self.labels
            .oom_at_s
            .or(self.labels.workload_exit_s)
            .unwrap_or(f64::INFINITY)
    }
}

fn f(v: &serde_json::Value, k: &str) -> Option<f64> {
    v.get(k).and_then(|x| x.as_f64())
}

pub fn traces() -> Vec<Trace> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut out = Vec::new();
    for set in ["traces-v2", "traces-v1", "traces-synth"] {
        let dir = root.join(set);
        let Ok(rd) = fs::read_dir(&dir) else { continue };
        let mut names: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "csv"))
            .collect();
        names.sort();
        for csv in names {
            let json = csv.with_extension("json");
            let Ok(text) = fs::read_to_string(&json) else {
                continue;
            };
            let v: serde_json::Value = serde_json::from_str(&text).expect("labels JSON");
            out.push(Trace {
                set,
                name: csv.file_stem().unwrap().to_string_lossy().into_owned(),
                csv,
                labels: Labels {
                    leak: v.get("leak").and_then(|x| x.as_bool()).unwrap_or(false),
                    leak_rate: f(&v, "leak_rate_bytes_per_s").unwrap_or(0.0),
                    leak_onset_s: f(&v, "leak_onset_s"),
                    oom_at_s: f(&v, "oom_at_s"),
                    workload_exit_s: f(&v, "workload_exit_s"),
                    restart_at_s: f(&v, "restart_at_s"),
                },
            });
        }
    }
    out
}

/// What one detector did on one trace.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// First time the alert was raised.
    pub first_alert_s: Option<f64>,
    /// Projected time to OOM at the first alert.
    pub ttl_at_alert_s: Option<f64>,
    /// Samples with the alert raised, before `stop`.
    pub alert_samples: usize,
    /// Alert raised after a restart (stale).
    pub alert_after_restart: bool,
    /// Samples replayed.
    pub samples: usize,
    /// Some output was NaN or infinite.
    pub non_finite: bool,
    /// First time `imminent_oom` was raised.
    pub first_imminent_s: Option<f64>,
}

impl Outcome {
    /// Relative error of the time-to-OOM projection at the first alert.
    pub fn tto_error(&self, tr: &Trace) -> Option<f64> {
        let oom = tr.labels.oom_at_s?;
        let t = self.first_alert_s?;
        let ttl = self.ttl_at_alert_s?;
        let actual = oom - t;
        (actual > 0.0).then(|| (ttl - actual).abs() / actual)
    }

    /// Detection delay from the leak's onset.
    pub fn delay(&self, tr: &Trace) -> Option<f64> {
        Some(self.first_alert_s? - tr.labels.leak_onset_s?)
    }
}

pub fn finite(a: &Assessment) -> bool {
    let opt = |o: Option<f64>| o.map_or(true, f64::is_finite);
    a.slope_bytes_per_s.is_finite()
        && a.slope_low.is_finite()
        && a.slope_high.is_finite()
        && opt(a.time_to_limit_s)
        && opt(a.time_to_limit_low_s)
        && opt(a.time_to_limit_high_s)
        && opt(a.time_to_high_s)
        && opt(a.onset_s)
        && a.age_s.is_finite()
}

/// Replays a trace through memcg's detector.
pub fn run_memcg(tr: &Trace, config: DetectorConfig) -> (Outcome, Vec<(f64, Assessment)>) {
    let file = fs::File::open(&tr.csv).expect("trace file");
    let reader = TraceReader::new(BufReader::new(file)).expect("trace header");
    let mut det = LeakDetector::new(config);
    let mut out = Outcome::default();
    let mut all = Vec::new();
    let stop = tr.stop_s();
    for row in reader {
        let (t, snap) = row.expect("trace row");
        if t >= stop {
            break;
        }
        let a = det.update(t, &snap).expect("monotonic trace");
        out.samples += 1;
        if !finite(&a) {
            out.non_finite = true;
        }
        if a.imminent_oom && out.first_imminent_s.is_none() {
            out.first_imminent_s = Some(t);
        }
        if a.state == State::Leaking {
            out.alert_samples += 1;
            if out.first_alert_s.is_none() {
                out.first_alert_s = Some(t);
                out.ttl_at_alert_s = a.time_to_limit_s;
            }
            if tr.labels.restart_at_s.is_some_and(|r| t > r + 60.0) {
                out.alert_after_restart = true;
            }
        }
        all.push((t, a));
    }
    (out, all)
}

/// Which series the `predict_linear` baseline watches.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BaselineSeries {
    Usage,
    WorkingSet,
}

/// Which rule raises the baseline's alert.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BaselineRule {
    /// `predict_linear(x[60s], 300) >= limit`.
    Projection,
    /// `deriv(x[60s]) > threshold` (bytes/s).
    Slope(f64),
}

/// The Prometheus-style baseline: least squares over the last 60 s.
pub fn run_baseline(tr: &Trace, series: BaselineSeries, rule: BaselineRule) -> Outcome {
    let file = fs::File::open(&tr.csv).expect("trace file");
    let reader = TraceReader::new(BufReader::new(file)).expect("trace header");
    let mut w = WindowedOls::<1024>::new(60.0);
    let mut out = Outcome::default();
    let stop = tr.stop_s();
    let mut first_t = None;
    for row in reader {
        let (t, snap) = row.expect("trace row");
        if t >= stop {
            break;
        }
        let first = *first_t.get_or_insert(t);
        let y = match series {
            BaselineSeries::Usage => snap.usage_bytes,
            BaselineSeries::WorkingSet => snap.working_set_bytes,
        } as f64;
        w.push(t, y);
        out.samples += 1;
        // Prometheus needs the range to be (nearly) full before the rule means anything.
        if t - first < 60.0 {
            continue;
        }
        let Some(fit) = w.fit() else { continue };
        let limit = snap
            .effective_limit_bytes
            .and_then(|l| l.bytes())
            .map(|l| l as f64);
        let alert = match rule {
            BaselineRule::Projection => limit.is_some_and(|l| fit.predict(t + 300.0) >= l),
            BaselineRule::Slope(th) => fit.slope > th,
        };
        if alert {
            out.alert_samples += 1;
            if out.first_alert_s.is_none() {
                out.first_alert_s = Some(t);
                out.ttl_at_alert_s = match limit {
                    Some(l) if fit.slope > 0.0 => Some(((l - fit.predict(t)) / fit.slope).max(0.0)),
                    _ => None,
                };
            }
            if tr.labels.restart_at_s.is_some_and(|r| t > r + 60.0) {
                out.alert_after_restart = true;
            }
        }
    }
    out
}

/// `true` when the trace's labels say the alert must fire (a leak that OOMs).
pub fn must_alert(tr: &Trace) -> bool {
    tr.labels.leak && tr.labels.oom_at_s.is_some()
}

/// `true` when any alert is a false alarm (a trace without a leak).
pub fn clean(tr: &Trace) -> bool {
    !tr.labels.leak
}

pub fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}
