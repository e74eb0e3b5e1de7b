//! Turns a recorded v2 trace (the CSV format of `docs/formats.md`) into Snapshots, by
//! rendering each row back into the kernel's file format and parsing it with
//! [`Snapshot::from_v2`], so the detector benches see exactly what a live sampler would give.

use std::fmt::Write as _;

use memcg_core::{Snapshot, V2Files};

use crate::fixtures;

/// Loads a v2 trace (relative to `memcg-core/tests`) as `(t_seconds, Snapshot)` pairs. Rows
/// that do not parse are skipped.
///
/// # Panics
/// If the file cannot be read.
#[must_use]
pub fn load_v2_trace(rel: &str) -> Vec<(f64, Snapshot)> {
    let text = String::from_utf8(fixtures::load(rel)).expect("utf-8 trace");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let mut out = Vec::new();
    for row in lines {
        let cells: Vec<&str> = row.split(',').collect();
        let Some(t) = cells.first().and_then(|c| c.parse::<f64>().ok()) else {
            continue;
        };
        let (mut current, mut max, mut high, mut swap, mut swap_max) =
            (None, None, None, None, None);
        let (mut stat, mut events) = (String::new(), String::new());
        for (h, c) in header.iter().zip(&cells).skip(1) {
            if c.is_empty() {
                continue;
            }
            match *h {
                "memory.current" => current = Some(format!("{c}\n")),
                "memory.max" => max = Some(format!("{c}\n")),
                "memory.high" => high = Some(format!("{c}\n")),
                "memory.swap.current" => swap = Some(format!("{c}\n")),
                "memory.swap.max" => swap_max = Some(format!("{c}\n")),
                _ => {
                    if let Some(k) = h.strip_prefix("memory.stat.") {
                        let _ = writeln!(stat, "{k} {c}");
                    } else if let Some(k) = h.strip_prefix("memory.events.") {
                        let _ = writeln!(events, "{k} {c}");
                    }
                }
            }
        }
        let Some(current) = current else { continue };
        let files = V2Files {
            current: current.as_bytes(),
            max: max.as_deref().map(str::as_bytes),
            high: high.as_deref().map(str::as_bytes),
            peak: None,
            stat: (!stat.is_empty()).then_some(stat.as_bytes()),
            events: (!events.is_empty()).then_some(events.as_bytes()),
            swap_current: swap.as_deref().map(str::as_bytes),
            swap_max: swap_max.as_deref().map(str::as_bytes),
            pressure: None,
            ancestors_limit: None,
        };
        if let Ok(s) = Snapshot::from_v2(&files) {
            out.push((t, s));
        }
    }
    out
}
