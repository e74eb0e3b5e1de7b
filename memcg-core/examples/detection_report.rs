//! Prints `docs/detection.md`'s per-trace table: memcg's LeakDetector against a
//! `predict_linear` baseline on every labelled trace.
//!
//! `cargo run -p memcg-core --example detection_report --release`
//! (`-- --verbose` adds memcg's assessment every 10 s of each trace).

#[path = "../tests/tools/eval.rs"]
mod eval;

use eval::{BaselineRule, BaselineSeries, Outcome, Trace};
use memcg_core::trend::DetectorConfig;

const MIB: f64 = 1048576.0;
/// The slope baseline's threshold: 0.5 MiB/s.
const SLOPE_THRESHOLD: f64 = 0.5 * MIB;

fn cell(tr: &Trace, o: &Outcome) -> String {
    let alert = match o.first_alert_s {
        None => "—".to_string(),
        Some(t) => format!("{t:.1}"),
    };
    let verdict = if eval::must_alert(tr) {
        match o.first_alert_s {
            Some(_) => match o.tto_error(tr) {
                Some(e) => format!("caught, TTO err {:.0} %", e * 100.0),
                None => "caught, no TTO".into(),
            },
            None => "**missed**".into(),
        }
    } else if eval::clean(tr) {
        if o.first_alert_s.is_some() {
            "**false alarm**".into()
        } else {
            "ok".into()
        }
    } else if o.alert_after_restart {
        "alert, **stale after restart**".into()
    } else if o.first_alert_s.is_some() {
        "alert".into()
    } else {
        "no alert".into()
    };
    format!("{alert} ({verdict})")
}

fn main() {
    let verbose = std::env::args().any(|a| a == "--verbose");
    let traces = eval::traces();
    let cfg = DetectorConfig::default();
    println!("| set | trace | leak | onset s | OOM s | memcg first alert s (verdict) | delay s | memcg imminent_oom from s | predict_linear usage | predict_linear working set | deriv(usage) > 0.5 MiB/s |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    let mut stats: [(usize, usize, usize, usize, Vec<f64>); 4] = Default::default();
    for tr in &traces {
        let (m, all) = eval::run_memcg(tr, cfg);
        let outs = [
            m,
            eval::run_baseline(tr, BaselineSeries::Usage, BaselineRule::Projection),
            eval::run_baseline(tr, BaselineSeries::WorkingSet, BaselineRule::Projection),
            eval::run_baseline(
                tr,
                BaselineSeries::Usage,
                BaselineRule::Slope(SLOPE_THRESHOLD),
            ),
        ];
        for (s, o) in stats.iter_mut().zip(&outs) {
            if eval::must_alert(tr) {
                s.0 += 1;
                if o.first_alert_s.is_some() {
                    s.1 += 1;
                }
                if let Some(e) = o.tto_error(tr) {
                    s.4.push(e);
                }
            }
            if eval::clean(tr) {
                s.2 += 1;
                if o.first_alert_s.is_some() {
                    s.3 += 1;
                }
            }
        }
        let opt = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{v:.1}"));
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            tr.set,
            tr.name,
            if tr.labels.leak {
                format!("{:.2} MiB/s", tr.labels.leak_rate / MIB)
            } else {
                "no".into()
            },
            opt(tr.labels.leak_onset_s),
            opt(tr.labels.oom_at_s),
            cell(tr, &outs[0]),
            opt(outs[0].delay(tr)),
            opt(outs[0].first_imminent_s),
            cell(tr, &outs[1]),
            cell(tr, &outs[2]),
            cell(tr, &outs[3]),
        );
        if verbose {
            for (t, a) in all.iter().filter(|(t, _)| (t % 10.0) < 0.25) {
                eprintln!(
                    "  {} t={t:.1} {:?} sig={:.1} floor={:.1} slope={:.3} ttl={:?} onset={:?} imm={}",
                    tr.name,
                    a.state,
                    a.signal_bytes as f64 / MIB,
                    a.floor_bytes as f64 / MIB,
                    a.slope_bytes_per_s / MIB,
                    a.time_to_limit_s.map(|v| v.round()),
                    a.onset_s.map(|v| v.round()),
                    a.imminent_oom
                );
            }
        }
    }
    println!();
    println!("| detector | leaks caught before OOM | false alarms on clean traces | median TTO error at first alert |");
    println!("|---|---|---|---|");
    let names = [
        "memcg LeakDetector (defaults)",
        "predict_linear(usage[60s], 300) ≥ limit",
        "predict_linear(working_set[60s], 300) ≥ limit",
        "deriv(usage[60s]) > 0.5 MiB/s",
    ];
    for (n, s) in names.iter().zip(stats) {
        let med = eval::median(s.4).map_or("—".into(), |m| format!("{:.0} %", m * 100.0));
        println!("| {n} | {}/{} | {}/{} | {med} |", s.1, s.0, s.3, s.2);
    }
}
