//! Detection tests: every labelled trace (tests/traces-v2, traces-v1, traces-synth) replayed
//! through the LeakDetector, plus property checks of each estimator.
//!
//! `cargo test -p memcg-core --test detection`

#[path = "tools/eval.rs"]
mod eval;

use memcg_core::trace::{replay, TraceReader, TraceWriter};
use memcg_core::trend::{
    mann_kendall, time_to_limit, DetectorConfig, FloorTracker, Holt, LeakDetector, LinearFit,
    OnsetDetector, State, TheilSen, TrendError, WindowedOls,
};
use memcg_core::{Snapshot, V1Files, V2Files};
use proptest::prelude::*;

const MIB: f64 = 1048576.0;

fn v2(anon: u64, limit: &str) -> Snapshot {
    let stat = format!("anon {anon}\nfile 0\nkernel 0\nshmem 0\nslab_reclaimable 0\n");
    let cur = anon.to_string();
    Snapshot::from_v2(&V2Files {
        current: cur.as_bytes(),
        max: Some(limit.as_bytes()),
        stat: Some(stat.as_bytes()),
        ..V2Files::default()
    })
    .unwrap()
}

// ---------------------------------------------------------------------------------------------
// The labelled traces.

#[test]
fn there_are_traces_of_every_set() {
    let t = eval::traces();
    for set in ["traces-v2", "traces-v1", "traces-synth"] {
        let n = t.iter().filter(|x| x.set == set).count();
        assert!(n >= 10, "{set}: only {n} traces");
    }
}

#[test]
fn every_leak_that_ooms_is_caught_before_the_oom() {
    let mut missed = Vec::new();
    let mut caught = 0;
    for tr in eval::traces().iter().filter(|t| eval::must_alert(t)) {
        let (o, _) = eval::run_memcg(tr, DetectorConfig::default());
        match o.first_alert_s {
            Some(t) if t < tr.stop_s() => caught += 1,
            _ => missed.push(tr.name.clone()),
        }
    }
    assert!(missed.is_empty(), "missed leaks: {missed:?}");
    assert!(caught >= 12, "only {caught} OOM leaks in the corpus");
}

#[test]
fn no_false_alarm_on_any_clean_trace() {
    let mut alarms = Vec::new();
    for tr in eval::traces().iter().filter(|t| eval::clean(t)) {
        let (o, _) = eval::run_memcg(tr, DetectorConfig::default());
        if let Some(t) = o.first_alert_s {
            alarms.push(format!("{} at {t}", tr.name));
        }
    }
    assert!(alarms.is_empty(), "false alarms: {alarms:?}");
}

#[test]
fn no_stale_alarm_after_a_restart() {
    for tr in eval::traces()
        .iter()
        .filter(|t| t.labels.restart_at_s.is_some())
    {
        let (o, all) = eval::run_memcg(tr, DetectorConfig::default());
        assert!(
            !o.alert_after_restart,
            "{}: still leaking after restart",
            tr.name
        );
        let r = tr.labels.restart_at_s.unwrap();
        let last = all.last().unwrap();
        assert!(last.0 > r + 60.0);
        assert_ne!(last.1.state, State::Leaking, "{}", tr.name);
    }
}

#[test]
fn median_time_to_oom_error_at_first_alert_is_under_25_percent() {
    let errs: Vec<f64> = eval::traces()
        .iter()
        .filter(|t| eval::must_alert(t))
        .filter_map(|tr| {
            eval::run_memcg(tr, DetectorConfig::default())
                .0
                .tto_error(tr)
        })
        .collect();
    assert!(errs.len() >= 12);
    let med = eval::median(errs.clone()).unwrap();
    assert!(med <= 0.25, "median TTO error {med:.3}: {errs:?}");
    // And no single projection is off by more than a factor of two.
    assert!(errs.iter().all(|&e| e < 1.0), "{errs:?}");
}

#[test]
fn memcg_beats_the_predict_linear_baseline() {
    let traces = eval::traces();
    let clean: Vec<_> = traces.iter().filter(|t| eval::clean(t)).collect();
    let ours = clean
        .iter()
        .filter(|t| {
            eval::run_memcg(t, DetectorConfig::default())
                .0
                .first_alert_s
                .is_some()
        })
        .count();
    let theirs = clean
        .iter()
        .filter(|t| {
            eval::run_baseline(
                t,
                eval::BaselineSeries::Usage,
                eval::BaselineRule::Projection,
            )
            .first_alert_s
            .is_some()
        })
        .count();
    assert_eq!(ours, 0);
    assert!(theirs >= 5, "baseline false alarms: {theirs}");
}

#[test]
fn no_nan_or_infinity_ever_leaves_the_detector() {
    for tr in eval::traces() {
        let (o, all) = eval::run_memcg(&tr, DetectorConfig::default());
        assert!(!o.non_finite, "{}", tr.name);
        assert!(all.iter().all(|(_, a)| eval::finite(a)), "{}", tr.name);
    }
}

#[test]
fn the_onset_of_a_late_leak_is_found() {
    for tr in eval::traces()
        .iter()
        .filter(|t| eval::must_alert(t) && t.labels.leak_onset_s.is_some_and(|o| o >= 30.0))
    {
        let (o, all) = eval::run_memcg(tr, DetectorConfig::default());
        let t = o.first_alert_s.unwrap();
        let a = all.iter().find(|(x, _)| *x == t).unwrap().1;
        let onset = a.onset_s.expect("onset at the alert");
        let truth = tr.labels.leak_onset_s.unwrap();
        assert!(
            (onset - truth).abs() < 20.0,
            "{}: onset {onset} vs {truth}",
            tr.name
        );
    }
}

#[test]
fn v2_leak_01_is_called_with_the_right_slope() {
    let tr = eval::traces()
        .into_iter()
        .find(|t| t.name == "01_linear_oom")
        .unwrap();
    let (o, all) = eval::run_memcg(&tr, DetectorConfig::default());
    let t = o.first_alert_s.unwrap();
    assert!(t <= 40.0, "{t}");
    let a = all.iter().find(|(x, _)| *x == t).unwrap().1;
    let rate = tr.labels.leak_rate;
    assert!((a.slope_bytes_per_s - rate).abs() < 0.15 * rate, "{a:?}");
    assert!(a.slope_low <= a.slope_bytes_per_s && a.slope_bytes_per_s <= a.slope_high);
    let (lo, hi) = (
        a.time_to_limit_low_s.unwrap(),
        a.time_to_limit_high_s.unwrap(),
    );
    assert!(lo <= a.time_to_limit_s.unwrap() && a.time_to_limit_s.unwrap() <= hi);
}

#[test]
fn memory_high_gives_an_earlier_horizon() {
    let tr = eval::traces()
        .into_iter()
        .find(|t| t.name == "10_high_throttle")
        .unwrap();
    let (_, all) = eval::run_memcg(&tr, DetectorConfig::default());
    // Before throttling starts (memory.high = 96 MiB, reached near 85 s).
    let a = all.iter().find(|(t, _)| *t >= 60.0).unwrap().1;
    let th = a.time_to_high_s.expect("time to memory.high");
    assert!((th - 25.0).abs() < 10.0, "{th}");
    assert_eq!(a.time_to_limit_s, None, "memory.max is max");
}

// ---------------------------------------------------------------------------------------------
// The detector's contract.

#[test]
fn time_going_backwards_is_an_error_and_leaves_the_state_unchanged() {
    let mut d = LeakDetector::default();
    for k in 0..100 {
        d.update(k as f64, &v2((100 + k) << 20, "1073741824"))
            .unwrap();
    }
    let before = format!("{d:?}");
    let e = d.update(50.0, &v2(1 << 20, "1073741824")).unwrap_err();
    assert_eq!(
        e,
        TrendError::TimeWentBackwards {
            previous: 99.0,
            t: 50.0
        }
    );
    assert_eq!(format!("{d:?}"), before);
    assert_eq!(
        d.update(f64::NAN, &v2(1, "1")).unwrap_err(),
        TrendError::NonFiniteTime
    );
    assert_eq!(format!("{d:?}"), before);
    assert!(d.update(99.0, &v2(199 << 20, "1073741824")).is_ok());
}

#[test]
fn replay_reports_time_going_backwards_with_its_line() {
    let csv = "t_seconds,memory.current,memory.stat.anon\n1,10,10\n2,10,10\n1.5,10,10\n3,10,10\n";
    let rows: Vec<_> = replay(csv.as_bytes(), DetectorConfig::default())
        .unwrap()
        .collect();
    assert!(rows[0].is_ok() && rows[1].is_ok() && rows[3].is_ok());
    let e = rows[2].as_ref().unwrap_err();
    assert_eq!(e.line(), 4);
}

#[test]
fn state_fits_in_8_kib() {
    let n = std::mem::size_of::<LeakDetector>();
    println!("size_of::<LeakDetector>() = {n}");
    assert!(n <= 8192, "LeakDetector is {n} bytes");
}

#[test]
fn a_constant_series_never_leaks() {
    for limit in ["max", "268435456"] {
        let mut d = LeakDetector::default();
        for k in 0..3000 {
            let a = d.update(k as f64 * 0.5, &v2(100 << 20, limit)).unwrap();
            assert_ne!(a.state, State::Leaking);
            assert_ne!(a.state, State::Growing);
            assert!(!a.imminent_oom);
            assert_eq!(a.time_to_limit_s, None);
        }
    }
}

#[test]
fn an_oom_kill_resets_the_detector() {
    let mut d = LeakDetector::default();
    let snap = |anon: u64, kills: u64| {
        let stat = format!("anon {anon}\n");
        let ev = format!("oom_kill {kills}\n");
        let cur = anon.to_string();
        Snapshot::from_v2(&V2Files {
            current: cur.as_bytes(),
            max: Some(b"268435456"),
            stat: Some(stat.as_bytes()),
            events: Some(ev.as_bytes()),
            ..V2Files::default()
        })
        .unwrap()
    };
    let mut last = None;
    for k in 0..200 {
        let t = k as f64;
        last = Some(
            d.update(t, &snap((20 << 20) + (t * MIB) as u64, 0))
                .unwrap(),
        );
    }
    assert_eq!(last.unwrap().state, State::Leaking);
    let a = d.update(200.0, &snap(200 << 20, 1)).unwrap();
    assert_eq!(a.state, State::WarmingUp);
    assert_eq!(a.age_s, 0.0);
}

#[test]
fn long_gaps_and_irregular_sampling_stay_finite() {
    let mut d = LeakDetector::default();
    let mut t = 0.0;
    for k in 0..2000u64 {
        t += [0.1, 0.1, 7.0, 0.0, 60.0, 5000.0][(k % 6) as usize];
        let anon = (50 << 20) + (k % 37) * (1 << 20);
        let a = d.update(t, &v2(anon, "268435456")).unwrap();
        assert!(eval::finite(&a));
    }
}

#[test]
fn the_update_is_fast_enough() {
    // Not a benchmark (see benches/), a guard against accidental quadratic work: the mean cost
    // per update over a long leak at 0.25 s sampling, in a debug or release build.
    let snaps: Vec<Snapshot> = (0..4000u64)
        .map(|k| {
            v2(
                (100 << 20) + k * 50_000 + (k * 7919 % 13) * 300_000,
                "2147483648",
            )
        })
        .collect();
    let mut d = LeakDetector::default();
    let start = std::time::Instant::now();
    for (k, s) in snaps.iter().enumerate() {
        d.update(k as f64 * 0.25, s).unwrap();
    }
    let per = start.elapsed().as_secs_f64() / snaps.len() as f64;
    let budget = if cfg!(debug_assertions) {
        250e-6
    } else {
        20e-6
    };
    println!("{:.0} ns per update", per * 1e9);
    assert!(per < budget, "{:.0} ns per update", per * 1e9);
}

#[test]
fn v1_snapshots_use_rss_not_usage() {
    let stat = b"total_rss 104857600\ntotal_cache 524288000\ntotal_shmem 0\ntotal_swap 0\nhierarchical_memory_limit 1073741824\n";
    let s = Snapshot::from_v1(&V1Files {
        usage_in_bytes: b"629145600",
        limit_in_bytes: Some(b"1073741824"),
        stat: Some(stat),
        ..V1Files::default()
    })
    .unwrap();
    let a = LeakDetector::default().update(0.0, &s).unwrap();
    assert_eq!(a.signal_bytes, 104_857_600);
    assert_eq!(a.limit_bytes, Some(1_073_741_824));
}

// ---------------------------------------------------------------------------------------------
// Trace CSV.

#[test]
fn every_trace_round_trips_through_the_writer() {
    for tr in eval::traces().iter().step_by(3) {
        let text = std::fs::read_to_string(&tr.csv).unwrap();
        let rows: Vec<_> = TraceReader::new(text.as_bytes())
            .unwrap()
            .take(200)
            .collect::<Result<_, _>>()
            .unwrap();
        let mut out = Vec::new();
        let mut w = TraceWriter::new(&mut out);
        for (t, s) in &rows {
            w.write(*t, s).unwrap();
        }
        let back: Vec<_> = TraceReader::new(&out[..])
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(back, rows, "{}", tr.name);
    }
}

#[test]
fn trace_errors_name_the_line_and_column() {
    use memcg_core::trace::TraceError;
    use memcg_core::{FileKind, Reason};
    let bad_cells = "t_seconds,memory.current,memory.stat.anon\n0,1,1\n1,1\n";
    let errs: Vec<_> = TraceReader::new(bad_cells.as_bytes())
        .unwrap()
        .filter_map(Result::err)
        .collect();
    match &errs[..] {
        [TraceError::Format(p)] => {
            assert_eq!(
                (p.kind, p.line, p.reason),
                (FileKind::TraceCsv, 3, Reason::InvalidRow)
            );
        }
        e => panic!("{e:?}"),
    }
    let bad_value = "t_seconds,memory.current,memory.stat.anon,memory.stat.file\n0,1,1,x\n";
    match TraceReader::new(bad_value.as_bytes()).unwrap().next() {
        Some(Err(TraceError::Cell { line, column, .. })) => {
            assert_eq!((line, column.as_str()), (2, "memory.stat.file"));
        }
        e => panic!("{e:?}"),
    }
    let bad_t = "t_seconds,memory.current\nsoon,1\n";
    assert!(matches!(
        TraceReader::new(bad_t.as_bytes()).unwrap().next(),
        Some(Err(TraceError::Format(p))) if p.reason == Reason::InvalidRow && p.line == 2
    ));
    assert!(matches!(
        TraceReader::new("t_seconds,foo\n".as_bytes()),
        Err(TraceError::Format(p)) if p.reason == Reason::MissingKey
    ));
}

#[test]
fn unknown_columns_are_kept() {
    let csv = "t_seconds,memory.usage_in_bytes,memory.stat.total_rss,memory.stat.brand_new,memory.swap.events.fail\n0,100,50,7,3\n";
    let mut r = TraceReader::new(csv.as_bytes()).unwrap();
    let (_, s) = r.next().unwrap().unwrap();
    assert_eq!(s.extra_stat.get("brand_new"), Some(7));
    assert_eq!(r.cell("memory.swap.events.fail"), Some("3"));
    assert_eq!(s.anon_bytes, Some(50));
}

// ---------------------------------------------------------------------------------------------
// Estimators.

proptest! {
    #[test]
    fn ols_slope_is_invariant_to_shifting_time_and_value(
        slope in -1e7f64..1e7,
        t0 in 0f64..2e9,
        y0 in 0f64..1e12,
        noise in proptest::collection::vec(-1000f64..1000.0, 20..60),
    ) {
        let mut a = WindowedOls::<64>::new(1e6);
        let mut b = WindowedOls::<64>::new(1e6);
        for (i, e) in noise.iter().enumerate() {
            let t = i as f64 * 0.5;
            a.push(t, slope * t + e);
            b.push(t0 + t, y0 + slope * t + e);
        }
        let (fa, fb) = (a.fit().unwrap(), b.fit().unwrap());
        prop_assert!((fa.slope - fb.slope).abs() <= 1e-6 * (1.0 + slope.abs()) + 1e-3,
            "{} vs {}", fa.slope, fb.slope);
        prop_assert!((fa.slope_stderr - fb.slope_stderr).abs() <= 1e-3 * (1.0 + fa.slope_stderr));
    }

    #[test]
    fn a_linear_series_gives_its_slope(
        slope in -1e8f64..1e8,
        dt in 0.05f64..60.0,
        n in 5usize..200,
    ) {
        let mut w = WindowedOls::<32>::new(1e9);
        let mut h = Holt::new(5.0, 20.0);
        let mut ts = TheilSen::<16>::new();
        for i in 0..n {
            let t = 1.7e9 + i as f64 * dt;
            // The value from the timestamp as stored (around 1.7e9 s an f64 keeps ~0.24 µs):
            // the series is exactly linear in the times the estimators see.
            let y = 5e11 + slope * (t - 1.7e9);
            w.push(t, y);
            h.update(t, y);
            ts.push(t, y);
        }
        let tol = 1e-6 * slope.abs() + 1e-3;
        prop_assert!((w.fit().unwrap().slope - slope).abs() < tol);
        prop_assert!((h.trend().unwrap() - slope).abs() < tol);
        prop_assert!((ts.slope().unwrap() - slope).abs() < tol);
    }

    #[test]
    fn a_constant_series_has_no_trend(level in 0f64..1e12, n in 4usize..64) {
        let v: Vec<f64> = vec![level; n];
        let mk = mann_kendall(&v).unwrap();
        prop_assert_eq!(mk.s, 0);
        prop_assert!(!mk.increasing(0.05));
        let mut o = OnsetDetector::new(1.0, 10.0, 30.0);
        for i in 0..n { o.update(i as f64, level); }
        prop_assert!(!o.alarm());
        prop_assert_eq!(o.onset_s(), None);
    }

    #[test]
    fn projections_are_finite_or_absent(
        level in -1e13f64..1e13, limit in -1e13f64..1e13,
        s in -1e9f64..1e9, lo in -1e9f64..1e9, hi in -1e9f64..1e9,
    ) {
        let p = time_to_limit(level, limit, s, lo, hi);
        for v in [p.time_s, p.low_s, p.high_s].into_iter().flatten() {
            prop_assert!(v.is_finite() && v >= 0.0);
        }
    }
}

#[test]
fn ols_matches_a_direct_computation() {
    let pts = [(0.0, 1.0), (1.0, 3.0), (2.0, 2.0), (3.0, 5.0), (4.0, 4.0)];
    let mut f = LinearFit::new();
    for (t, y) in pts {
        f.add(t, y);
    }
    let fit = f.fit().unwrap();
    // slope = Sxy / Sxx = 8 / 10
    assert!((fit.slope - 0.8).abs() < 1e-12);
    assert!((fit.intercept - 1.4).abs() < 1e-12);
    // RSS = Syy - slope * Sxy = 10 - 0.8 * 8 = 3.6; se = sqrt(3.6 / 3 / 10)
    assert!((fit.slope_stderr - (0.12f64).sqrt()).abs() < 1e-12);
    // Removing a point is the same as never adding it.
    f.remove(4.0, 4.0);
    let mut g = LinearFit::new();
    for (t, y) in &pts[..4] {
        g.add(*t, *y);
    }
    assert!((f.fit().unwrap().slope - g.fit().unwrap().slope).abs() < 1e-12);
}

#[test]
fn windowed_ols_forgets_old_samples() {
    let mut w = WindowedOls::<1000>::new(10.0);
    for k in 0..100 {
        let t = k as f64;
        w.push(t, if t < 50.0 { 0.0 } else { 3.0 * t });
    }
    assert_eq!(w.len(), 11);
    assert!((w.fit().unwrap().slope - 3.0).abs() < 1e-9);
    assert!(!w.push(10.0, 1.0), "backwards sample rejected");
}

#[test]
fn mann_kendall_matches_a_hand_computation_with_ties() {
    // x = 1 2 2 3: pairs (1,2)+ (1,2)+ (1,3)+ (2,2)0 (2,3)+ (2,3)+  → S = 5
    // Var = [4·3·13 − 2·1·9] / 18 = (156 − 18) / 18
    let mk = mann_kendall(&[1.0, 2.0, 2.0, 3.0]).unwrap();
    assert_eq!(mk.s, 5);
    assert!((mk.var_s - 138.0 / 18.0).abs() < 1e-12);
    // An autocorrelated random walk: the Hamed–Rao factor widens the variance.
    let mut x = 0.0;
    let mut v = Vec::new();
    let mut seed = 7u64;
    for _ in 0..60 {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
        x += ((seed >> 33) as f64 / (1u64 << 31) as f64) - 0.5;
        v.push(x);
    }
    let mk = mann_kendall(&v).unwrap();
    assert!(mk.autocorrelation_factor >= 1.0);
    assert!(mk.p_value > 0.0 && mk.p_value <= 1.0);
}

#[test]
fn theil_sen_ignores_a_step_outlier_and_mann_kendall_sees_the_trend() {
    let mut ts = TheilSen::<20>::new();
    for k in 0..20 {
        let t = k as f64;
        let y = 2.0 * t + if k == 7 || k == 13 { 500.0 } else { 0.0 };
        ts.push(t, y);
    }
    assert!((ts.slope().unwrap() - 2.0).abs() < 1e-9);
    assert!(ts.mann_kendall().unwrap().increasing(0.01));
}

#[test]
fn floor_tracker_follows_the_troughs_of_a_sawtooth() {
    let mut f = FloorTracker::<32>::new(0.2, MIB, 5.0, 600.0, 1.5);
    let mut last = 0.0;
    for k in 0..1200 {
        let t = k as f64 * 0.25;
        let y = (100.0 + 0.5 * t + 80.0 * (t % 12.0) / 12.0) * MIB;
        f.update(t, y);
        last = f.floor().unwrap();
    }
    assert!((f.period_s().unwrap() - 12.0).abs() < 0.5);
    // the trough of the last cycle: 100 + 0.5 * 288 MiB
    assert!((last / MIB - 244.0).abs() < 1.0, "{}", last / MIB);
}

#[test]
fn onset_detector_dates_a_late_start() {
    let mut o = OnsetDetector::new(0.01 * MIB, 8.0 * MIB, 20.0);
    for k in 0..400 {
        let t = k as f64 * 0.5;
        // warm-up to 40 s, plateau, then a leak from 120 s
        let y = if t < 40.0 {
            t
        } else if t < 120.0 {
            40.0
        } else {
            40.0 + (t - 120.0)
        };
        o.update(t, y * MIB);
    }
    assert_eq!(o.onset_s(), Some(120.0));
    assert!(o.alarm());
}
