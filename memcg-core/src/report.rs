//! Renderings shared by the `memcg` command and the bindings, so that `memcg snapshot`,
//! `python -m memcg snapshot` and the C example print the same thing.

use core::fmt::Write as _;

use serde_json::{json, Map, Value};

use crate::limit::Limit;
use crate::snapshot::Snapshot;
use crate::trend::Assessment;

/// Formats a byte count with binary units (`512 B`, `1.5 KiB`, `76.5 MiB`, `2.00 GiB`).
///
/// ```
/// assert_eq!(memcg_core::report::human_bytes(1536), "1.50 KiB");
/// assert_eq!(memcg_core::report::human_bytes(512), "512 B");
/// ```
#[must_use]
pub fn human_bytes(b: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if b < 1024 {
        return format!("{b} B");
    }
    let mut v = b as f64 / 1024.0;
    let mut i = 0;
    while v >= 1024.0 && i + 1 < UNITS.len() {
        v /= 1024.0;
        i += 1;
    }
    format!("{v:.2} {}", UNITS[i])
}

/// Formats a duration in seconds (`45 s`, `12 min 5 s`, `3 h 20 min`).
#[must_use]
pub fn human_duration(s: f64) -> String {
    if !s.is_finite() || s < 0.0 {
        return "-".into();
    }
    let total = s.round() as u64;
    if total < 60 {
        format!("{total} s")
    } else if total < 3600 {
        format!("{} min {} s", total / 60, total % 60)
    } else if total < 86_400 {
        format!("{} h {} min", total / 3600, (total % 3600) / 60)
    } else {
        format!("{} d {} h", total / 86_400, (total % 86_400) / 3600)
    }
}

fn limit_text(l: Option<Limit>) -> String {
    match l {
        None => "-".into(),
        Some(Limit::Unlimited) => "unlimited".into(),
        Some(Limit::Bytes(b)) => format!("{} ({b} bytes)", human_bytes(b)),
    }
}

fn opt_bytes(v: Option<u64>) -> String {
    v.map_or_else(|| "-".into(), |b| format!("{} ({b} bytes)", human_bytes(b)))
}

fn opt_count(v: Option<u64>) -> String {
    v.map_or_else(|| "-".into(), |c| c.to_string())
}

/// The JSON object of `memcg snapshot --json`.
#[must_use]
pub fn snapshot_json(snap: &Snapshot) -> Value {
    serde_json::to_value(snap).unwrap_or(Value::Null)
}

/// The readable table of `memcg snapshot` (without `--json`). `dir` is shown when given.
#[must_use]
pub fn snapshot_table(snap: &Snapshot, dir: Option<&str>) -> String {
    let mut out = String::new();
    let mut row = |k: &str, v: String| {
        let _ = writeln!(out, "{k:<22}{v}");
    };
    if let Some(d) = dir {
        row("cgroup", d.to_string());
    }
    row("version", format!("v{}", snap.version.number()));
    row(
        "usage",
        format!(
            "{} ({} bytes)",
            human_bytes(snap.usage_bytes),
            snap.usage_bytes
        ),
    );
    row("limit", limit_text(snap.limit_bytes));
    row("effective limit", limit_text(snap.effective_limit_bytes));
    if snap.high_limit_bytes.is_some() {
        row("memory.high", limit_text(snap.high_limit_bytes));
    }
    row("peak", opt_bytes(snap.peak_bytes));
    row(
        "working set",
        format!(
            "{} ({} bytes)",
            human_bytes(snap.working_set_bytes),
            snap.working_set_bytes
        ),
    );
    row("anon", opt_bytes(snap.anon_bytes));
    row("file (page cache)", opt_bytes(snap.file_bytes));
    row("shmem", opt_bytes(snap.shmem_bytes));
    row("swap", opt_bytes(snap.swap_bytes));
    let u = snap.unreclaimable_bytes();
    row("unreclaimable", format!("{} ({u} bytes)", human_bytes(u)));
    row("oom kills", opt_count(snap.oom_kills));
    row("max events", opt_count(snap.max_events));
    row("high events", opt_count(snap.high_events));
    match &snap.pressure {
        None => row("pressure", "-".into()),
        Some(p) => {
            row(
                "pressure some",
                format!(
                    "avg10 {:.2}% avg60 {:.2}% avg300 {:.2}%",
                    p.some.avg10, p.some.avg60, p.some.avg300
                ),
            );
            if let Some(f) = &p.full {
                row(
                    "pressure full",
                    format!(
                        "avg10 {:.2}% avg60 {:.2}% avg300 {:.2}%",
                        f.avg10, f.avg60, f.avg300
                    ),
                );
            }
        }
    }
    let n = snap.stat_entries().count();
    row("memory.stat", format!("{n} keys (--json shows them)"));
    out
}

/// The JSON object of one `memcg replay --json` row: `t_seconds` plus the Assessment fields.
#[must_use]
pub fn assessment_json(t_seconds: f64, a: &Assessment) -> Value {
    let mut m = Map::new();
    m.insert("t_seconds".into(), json!(t_seconds));
    if let Ok(Value::Object(am)) = serde_json::to_value(a) {
        m.extend(am);
    }
    Value::Object(m)
}

/// The JSON object of one `memcg watch --json` line: `t_seconds`, the Snapshot's main fields
/// and the Assessment fields.
#[must_use]
pub fn watch_json(t_seconds: f64, snap: &Snapshot, a: &Assessment) -> Value {
    let mut m = Map::new();
    m.insert("t_seconds".into(), json!(t_seconds));
    if let Value::Object(s) = snapshot_json(snap) {
        for (k, v) in s {
            if k != "stat" && k != "pressure" {
                m.insert(k, v);
            }
        }
    }
    if let Value::Object(am) = assessment_json(t_seconds, a) {
        m.extend(am);
    }
    Value::Object(m)
}

/// Optional seconds as text.
fn opt_secs(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), human_duration)
}

/// The header line printed before `memcg watch` lines.
#[must_use]
pub fn watch_header() -> String {
    format!(
        "{:>8}  {:>11}  {:>11}  {:>11}  {:>13}  {:>14}  {}",
        "t", "usage", "working set", "signal", "slope", "time to limit", "state"
    )
}

/// One human line of `memcg watch`.
#[must_use]
pub fn watch_line(t_seconds: f64, snap: &Snapshot, a: &Assessment) -> String {
    let slope = a.slope_bytes_per_s;
    let slope_text = if slope.abs() < 1.0 {
        "0 B/s".to_string()
    } else if slope < 0.0 {
        format!("-{}/s", human_bytes(slope.abs() as u64))
    } else {
        format!("{}/s", human_bytes(slope as u64))
    };
    let mut state = a.state.as_str().to_string();
    if a.imminent_oom {
        state.push_str(" (OOM imminent)");
    }
    format!(
        "{:>7.1}s  {:>11}  {:>11}  {:>11}  {:>13}  {:>14}  {}",
        t_seconds,
        human_bytes(snap.usage_bytes),
        human_bytes(snap.working_set_bytes),
        human_bytes(a.signal_bytes),
        slope_text,
        opt_secs(a.time_to_limit_s),
        state
    )
}
