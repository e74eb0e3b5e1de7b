//! Properties of every trend estimator and of the LeakDetector, on irregularly sampled series:
//!
//! - shifting time and value (any clock origin, any baseline) does not change a slope;
//! - a constant series has slope 0, no onset, a flat floor, no Mann–Kendall trend, and never
//!   leaks;
//! - a linear series of slope `s` gives slope `s` (exactly for least squares and Theil–Sen,
//!   after convergence for Holt, within a few percent for the detector);
//! - projections are finite or absent, never NaN, infinite or negative.

use memcg_core::trend::{
    mann_kendall, time_to_limit, FloorTracker, Holt, LeakDetector, LinearFit, OnsetDetector,
    TheilSen, WindowedOls, MAX_PROJECTION_S,
};
use memcg_core::{Limit, Snapshot, V2Files};
use proptest::prelude::*;

/// Irregular sample times: `n` gaps in [0.1, 5) s after `t0`.
fn times() -> impl Strategy<Value = Vec<f64>> {
    proptest::collection::vec(0.1f64..5.0, 8..64).prop_map(|gaps| {
        let mut t = 0.0;
        gaps.into_iter()
            .map(|g| {
                t += g;
                t
            })
            .collect()
    })
}

/// Noise in [-1, 1] per sample (bytes: small next to any slope used here).
fn noise(n: usize) -> impl Strategy<Value = Vec<f64>> {
    proptest::collection::vec(-1.0f64..1.0, n)
}

fn close(a: f64, b: f64, rel: f64, abs: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()) + abs
}

struct Slopes {
    ols: f64,
    windowed: f64,
    theil_sen: f64,
    holt: f64,
}

fn slopes(ts: &[f64], ys: &[f64]) -> Slopes {
    let mut ols = LinearFit::new();
    let mut win = WindowedOls::<128>::new(1e9);
    let mut tsn = TheilSen::<32>::new();
    let mut holt = Holt::new(2.0, 10.0);
    for (&t, &y) in ts.iter().zip(ys) {
        ols.add(t, y);
        win.push(t, y);
        tsn.push(t, y);
        holt.update(t, y);
    }
    Slopes {
        ols: ols.fit().unwrap().slope,
        windowed: win.fit().unwrap().slope,
        theil_sen: tsn.slope().unwrap(),
        holt: holt.trend().unwrap(),
    }
}

fn v2_snapshot(anon: u64, max: Option<u64>, oom_kills: u64) -> Snapshot {
    let cur = anon.saturating_add(1 << 20).to_string();
    let max = max.map_or_else(|| "max".to_string(), |m| m.to_string());
    let stat = format!("anon {anon}\nfile 1048576\ninactive_file 524288\nshmem 0\n");
    let events = format!("low 0\nhigh 0\nmax 0\noom 0\noom_kill {oom_kills}\n");
    Snapshot::from_v2(&V2Files {
        current: cur.as_bytes(),
        max: Some(max.as_bytes()),
        stat: Some(stat.as_bytes()),
        events: Some(events.as_bytes()),
        ..V2Files::default()
    })
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn slopes_do_not_depend_on_the_clock_origin_or_the_baseline(
        ts in times(),
        slope in -1e6f64..1e6,
        dt in 0.0f64..1e7,
        dy in 0.0f64..1e12,
        seed in noise(64),
    ) {
        let ys: Vec<f64> = ts.iter().zip(&seed).map(|(t, e)| 1e9 + slope * t + 1e3 * e).collect();
        let a = slopes(&ts, &ys);
        let ts2: Vec<f64> = ts.iter().map(|t| t + dt).collect();
        let ys2: Vec<f64> = ys.iter().map(|y| y + dy).collect();
        let b = slopes(&ts2, &ys2);
        // The baseline and the clock shift cost some float precision (values near 1e12,
        // times near 1e7), nothing more.
        let abs = 1e-2;
        prop_assert!(close(a.ols, b.ols, 1e-6, abs), "OLS {} vs {}", a.ols, b.ols);
        prop_assert!(close(a.windowed, b.windowed, 1e-6, abs), "windowed OLS {} vs {}", a.windowed, b.windowed);
        prop_assert!(close(a.theil_sen, b.theil_sen, 1e-6, abs), "Theil-Sen {} vs {}", a.theil_sen, b.theil_sen);
        prop_assert!(close(a.holt, b.holt, 1e-6, abs), "Holt {} vs {}", a.holt, b.holt);
    }

    #[test]
    fn a_constant_series_has_no_slope_no_onset_and_a_flat_floor(
        ts in times(),
        c in 0.0f64..1e12,
    ) {
        let ys = vec![c; ts.len()];
        let s = slopes(&ts, &ys);
        for (name, v) in [("OLS", s.ols), ("windowed OLS", s.windowed), ("Theil-Sen", s.theil_sen), ("Holt", s.holt)] {
            prop_assert!(v.abs() <= 1e-9 * c.max(1.0), "{name}: slope {v} on a constant series");
        }
        let mut onset = OnsetDetector::new(1.0, 1e6, 60.0);
        let mut floor = FloorTracker::<16>::new(0.2, 1e6, 5.0, 3600.0, 1.5);
        for &t in &ts {
            onset.update(t, c);
            floor.update(t, c);
            prop_assert_eq!(floor.floor(), Some(c));
        }
        prop_assert!(!onset.alarm());
        prop_assert_eq!(onset.onset_s(), None);
        let mk = mann_kendall(&ys[..ys.len().min(memcg_core::trend::MANN_KENDALL_MAX)]);
        prop_assert!(mk.is_none_or(|m| !m.increasing(0.05)), "{mk:?}");
    }

    #[test]
    fn a_linear_series_gives_its_slope(ts in times(), slope in -1e7f64..1e7, y0 in 0.0f64..1e10) {
        let ys: Vec<f64> = ts.iter().map(|t| y0 + slope * t).collect();
        let s = slopes(&ts, &ys);
        prop_assert!(close(s.ols, slope, 1e-9, 1e-6), "OLS {} vs {slope}", s.ols);
        prop_assert!(close(s.windowed, slope, 1e-9, 1e-6), "windowed OLS {} vs {slope}", s.windowed);
        prop_assert!(close(s.theil_sen, slope, 1e-9, 1e-6), "Theil-Sen {} vs {slope}", s.theil_sen);
        prop_assert!(close(s.holt, slope, 1e-6, 1e-3), "Holt {} vs {slope}", s.holt);
        // The increasing trend test agrees with the sign (no ties, no noise).
        let n = ys.len().min(memcg_core::trend::MANN_KENDALL_MAX);
        if let Some(mk) = mann_kendall(&ys[..n]) {
            if slope > 1.0 && n >= 10 {
                prop_assert!(mk.increasing(0.05), "{mk:?}");
            }
            if slope < -1.0 {
                prop_assert!(!mk.increasing(0.05), "{mk:?}");
            }
        }
    }

    #[test]
    fn projections_are_finite_or_absent(
        level in prop_oneof![Just(f64::NAN), Just(f64::INFINITY), -1e18f64..1e18],
        limit in prop_oneof![Just(f64::NAN), Just(f64::INFINITY), -1e18f64..1e18],
        slope in prop_oneof![Just(f64::NAN), Just(0.0), Just(1e-300), -1e12f64..1e12],
        lo in -1e12f64..1e12,
        hi in -1e12f64..1e12,
    ) {
        let p = time_to_limit(level, limit, slope, lo.min(hi), lo.max(hi));
        for v in [p.time_s, p.low_s, p.high_s].into_iter().flatten() {
            prop_assert!(v.is_finite() && (0.0..=MAX_PROJECTION_S).contains(&v), "{p:?}");
        }
    }
}

proptest! {
    // The detector keeps an hour of history: fewer, longer cases.
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn a_constant_series_never_leaks(
        anon in 1u64..(64u64 << 30),
        limit in proptest::option::of((1u64 << 20)..(256u64 << 30)),
        gaps in proptest::collection::vec(0.2f64..20.0, 50..400),
    ) {
        let mut det = LeakDetector::default();
        let snap = v2_snapshot(anon, limit, 0);
        let mut t = 1e6;
        for g in gaps {
            t += g;
            let a = det.update(t, &snap).unwrap();
            prop_assert!(!a.leak, "constant {anon} leaks at t={t}: {a:?}");
            prop_assert!(!a.imminent_oom || limit.is_some_and(|l| anon + (1 << 20) >= l), "{a:?}");
            prop_assert!(a.slope_bytes_per_s.abs() <= 1e-6 * anon as f64, "{a:?}");
            prop_assert_eq!(a.time_to_limit_s.filter(|_| limit.is_some_and(|l| l > anon + (1 << 20))), None);
        }
    }

    #[test]
    fn a_linear_ramp_gives_its_slope_and_leaks(
        slope in (64u64 << 10)..(8u64 << 20),
        gaps in proptest::collection::vec(0.5f64..2.0, 400..600),
    ) {
        // Unlimited, so the ramp never meets a limit; long enough to pass every minimum age.
        let mut det = LeakDetector::default();
        let start = 128u64 << 20;
        let mut t = 0.0;
        let mut last = None;
        for g in &gaps {
            t += g;
            let anon = start + (slope as f64 * t) as u64;
            last = Some(det.update(t, &v2_snapshot(anon, None, 0)).unwrap());
        }
        let a = last.unwrap();
        prop_assert!(close(a.slope_bytes_per_s, slope as f64, 0.05, 0.0),
            "slope {} for a ramp of {slope} B/s: {a:?}", a.slope_bytes_per_s);
        prop_assert!(a.slope_low <= a.slope_bytes_per_s && a.slope_bytes_per_s <= a.slope_high, "{a:?}");
        prop_assert!(a.leak, "a steady ramp of {slope} B/s for {t:.0} s is not called a leak: {a:?}");
        prop_assert_eq!(a.time_to_limit_s, None, "no limit, no projection");
    }

    #[test]
    fn the_detector_slope_does_not_depend_on_the_clock_origin(
        slope in (64u64 << 10)..(8u64 << 20),
        t0 in 0.0f64..1e8,
        gaps in proptest::collection::vec(0.5f64..2.0, 100..300),
    ) {
        let run = |origin: f64| {
            let mut det = LeakDetector::default();
            let mut t = 0.0;
            let mut out = Vec::new();
            for g in &gaps {
                t += g;
                let anon = (64u64 << 20) + (slope as f64 * t) as u64;
                out.push(det.update(origin + t, &v2_snapshot(anon, Some(64 << 30), 0)).unwrap());
            }
            out
        };
        let (a, b) = (run(0.0), run(t0));
        for (x, y) in a.iter().zip(&b) {
            prop_assert_eq!(x.state, y.state);
            prop_assert!(close(x.slope_bytes_per_s, y.slope_bytes_per_s, 1e-6, 1e-3), "{x:?} vs {y:?}");
            prop_assert_eq!(x.time_to_limit_s.is_some(), y.time_to_limit_s.is_some());
        }
    }
}

#[test]
fn an_oom_kill_resets_the_detector() {
    let mut det = LeakDetector::default();
    for i in 0..100 {
        let a = det
            .update(f64::from(i), &v2_snapshot(100 << 20, Some(1 << 30), 0))
            .unwrap();
        assert_eq!(a.age_s, f64::from(i));
    }
    let a = det
        .update(100.0, &v2_snapshot(100 << 20, Some(1 << 30), 1))
        .unwrap();
    assert_eq!(a.age_s, 0.0);
    assert_eq!(a.limit_bytes, Some(1 << 30));
    let snap = v2_snapshot(1, None, 1);
    assert_eq!(snap.limit_bytes, Some(Limit::Unlimited));
}

/// Found by fuzzing the detector's configuration: a subnormal floor window made the floor
/// tracker's block width 0, and it doubled 0 forever (a hang in `update`).
#[test]
fn degenerate_floor_windows_do_not_hang() {
    for min_window in [f64::MIN_POSITIVE / 8.0, 5e-324, 1e-300, 1e300, f64::MAX] {
        let mut f = FloorTracker::<32>::new(0.2, 1.0, min_window, 3600.0, 1.5);
        for i in 0..200 {
            f.update(f64::from(i), f64::from(i % 7));
        }
        assert!(f.floor().is_some());
        let config = memcg_core::trend::DetectorConfig {
            floor_min_window_s: min_window,
            ..Default::default()
        };
        let mut det = LeakDetector::new(config);
        for i in 0..200 {
            let a = det
                .update(f64::from(i), &v2_snapshot(100 << 20, Some(1 << 30), 0))
                .unwrap();
            assert!(a.slope_bytes_per_s.is_finite());
        }
    }
}
