//! Properties: arbitrary bytes never panic any parser (a value or a typed error); rendering a
//! parsed struct back to the kernel's format and parsing it again gives the same struct; the
//! Snapshot formulas hold (working set never exceeds usage; unlimited never becomes 0).

use memcg_core::{
    parse, v1, v2, FileKind, Limit, Pressure, PressureLine, Snapshot, V1Files, V2Files,
};
use proptest::prelude::*;

fn kinds() -> Vec<FileKind> {
    FileKind::ALL
        .iter()
        .copied()
        .filter(|k| {
            !matches!(
                k,
                FileKind::ProcCgroup | FileKind::ProcMountinfo | FileKind::TraceCsv
            )
        })
        .collect()
}

/// Bytes that look like cgroup files: keys, digits, separators, and some noise.
fn cgroupish() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        Just(b"anon".to_vec()),
        Just(b"total_rss".to_vec()),
        Just(b"max".to_vec()),
        Just(b"some".to_vec()),
        Just(b"full".to_vec()),
        Just(b"avg10=".to_vec()),
        Just(b"total=".to_vec()),
        Just(b"N0=".to_vec()),
        Just(b"-".to_vec()),
        Just(b".".to_vec()),
        Just(b" ".to_vec()),
        Just(b"\t".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\0".to_vec()),
        Just(b"18446744073709551616".to_vec()),
        "[0-9]{1,21}".prop_map(String::into_bytes),
        "[a-z_]{1,12}".prop_map(String::into_bytes),
        proptest::collection::vec(any::<u8>(), 0..4),
    ];
    proptest::collection::vec(token, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        for k in kinds() {
            let _ = parse(k, &bytes);
        }
    }

    #[test]
    fn cgroupish_bytes_give_value_or_typed_error(bytes in cgroupish()) {
        for k in kinds() {
            match parse(k, &bytes) {
                Ok(p) => prop_assert_eq!(p.kind(), k),
                Err(e) => {
                    prop_assert_eq!(e.kind, k);
                    prop_assert!(e.offset <= bytes.len());
                    prop_assert!(e.line >= 1);
                    let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
                    prop_assert!(e.line <= lines);
                }
            }
        }
    }

    #[test]
    fn v2_stat_round_trip(values in proptest::collection::vec(proptest::option::of(any::<u64>()), v2::MemoryStat::KEYS.len())) {
        let mut s = v2::MemoryStat::default();
        for (k, v) in v2::MemoryStat::KEYS.iter().zip(&values) {
            if let Some(v) = v {
                s.set(k.as_bytes(), *v);
            }
        }
        let text = s.to_string();
        if values.iter().any(Option::is_some) {
            prop_assert_eq!(v2::MemoryStat::parse(text.as_bytes()).unwrap(), s);
        } else {
            prop_assert!(v2::MemoryStat::parse(text.as_bytes()).is_err());
        }
    }

    #[test]
    fn v1_stat_round_trip(values in proptest::collection::vec(proptest::option::of(any::<u64>()), v1::MemoryStat::KEYS.len())) {
        let mut s = v1::MemoryStat::default();
        for (k, v) in v1::MemoryStat::KEYS.iter().zip(&values) {
            if let Some(v) = v {
                s.set(k.as_bytes(), *v);
            }
        }
        prop_assume!(values.iter().any(Option::is_some));
        prop_assert_eq!(v1::MemoryStat::parse(s.to_string().as_bytes()).unwrap(), s);
    }

    #[test]
    fn events_round_trip(a in any::<u64>(), b in any::<u64>(), c in proptest::option::of(any::<u64>())) {
        let e = v2::MemoryEvents { low: Some(a), high: Some(b), oom_kill: c, ..Default::default() };
        prop_assert_eq!(v2::MemoryEvents::parse(e.to_string().as_bytes()).unwrap(), e);
        let o = v1::OomControl { oom_kill_disable: Some(a % 2), under_oom: Some(0), oom_kill: c, ..Default::default() };
        prop_assert_eq!(v1::OomControl::parse(o.to_string().as_bytes()).unwrap(), o);
    }

    #[test]
    fn limits_round_trip(v in any::<u64>(), unlimited in any::<bool>()) {
        let l = if unlimited { Limit::Unlimited } else { Limit::Bytes(v) };
        let m = v2::MemoryMax(l);
        prop_assert_eq!(v2::MemoryMax::parse(m.to_string().as_bytes()).unwrap(), m);
        let v1l = v1::LimitInBytes(Limit::from_v1_bytes(if unlimited { u64::MAX } else { v }));
        prop_assert_eq!(v1::LimitInBytes::parse(v1l.to_string().as_bytes()).unwrap(), v1l);
        let c = v2::MemoryCurrent(v);
        prop_assert_eq!(v2::MemoryCurrent::parse(c.to_string().as_bytes()).unwrap(), c);
    }

    #[test]
    fn pressure_round_trip(a in 0u32..10000, b in 0u32..10000, c in 0u32..10000, t in any::<u64>(), full in any::<bool>()) {
        let line = PressureLine { avg10: f64::from(a) / 100.0, avg60: f64::from(b) / 100.0, avg300: f64::from(c) / 100.0, total_us: Some(t) };
        let p = Pressure { some: line, full: full.then_some(line), ..Default::default() };
        let back = Pressure::parse(p.to_string().as_bytes()).unwrap();
        prop_assert_eq!(back.some.total_us, Some(t));
        prop_assert!((back.some.avg10 - line.avg10).abs() < 1e-9);
        prop_assert!((back.some.avg300 - line.avg300).abs() < 1e-9);
        prop_assert_eq!(back.full.is_some(), full);
    }

    #[test]
    fn working_set_never_exceeds_usage(usage in any::<u64>(), inactive in proptest::option::of(any::<u64>()), v2 in any::<bool>()) {
        let cur = usage.to_string();
        let stat = inactive.map(|i| format!("inactive_file {i}\ntotal_inactive_file {i}\n"));
        let s = if v2 {
            Snapshot::from_v2(&V2Files { current: cur.as_bytes(), stat: stat.as_deref().map(str::as_bytes), ..V2Files::default() })
        } else {
            Snapshot::from_v1(&V1Files { usage_in_bytes: cur.as_bytes(), stat: stat.as_deref().map(str::as_bytes), ..V1Files::default() })
        }.unwrap();
        prop_assert!(s.working_set_bytes <= s.usage_bytes);
        match inactive {
            None => prop_assert_eq!(s.working_set_bytes, usage),
            Some(i) => prop_assert_eq!(s.working_set_bytes, usage.saturating_sub(i)),
        }
    }

    #[test]
    fn unlimited_never_becomes_zero(raw in (1u64 << 62)..=u64::MAX, usage in any::<u64>()) {
        let cur = usage.to_string();
        let lim = raw.to_string();
        let stat = format!("hierarchical_memory_limit {raw}\n");
        let s = Snapshot::from_v1(&V1Files {
            usage_in_bytes: cur.as_bytes(),
            limit_in_bytes: Some(lim.as_bytes()),
            stat: Some(stat.as_bytes()),
            ..V1Files::default()
        }).unwrap();
        prop_assert_eq!(s.limit_bytes, Some(Limit::Unlimited));
        prop_assert_eq!(s.effective_limit_bytes, Some(Limit::Unlimited));
        let s2 = Snapshot::from_v2(&V2Files { current: cur.as_bytes(), max: Some(b"max\n"), ..V2Files::default() }).unwrap();
        prop_assert_eq!(s2.limit_bytes, Some(Limit::Unlimited));
        prop_assert_eq!(s2.effective_limit_bytes, Some(Limit::Unlimited));
    }

    #[test]
    fn effective_limit_is_the_smallest(own in proptest::option::of(any::<u64>()), anc in proptest::option::of(any::<u64>())) {
        let max = own.map_or_else(|| "max".to_string(), |v| v.to_string());
        let a = anc.map_or(Limit::Unlimited, Limit::Bytes);
        let s = Snapshot::from_v2(&V2Files { current: b"1", max: Some(max.as_bytes()), ancestors_limit: Some(a), ..V2Files::default() }).unwrap();
        let want = own.map_or(Limit::Unlimited, Limit::Bytes).min(a);
        prop_assert_eq!(s.effective_limit_bytes, Some(want));
    }
}

#[test]
fn malformed_inputs_named_in_the_issue() {
    use memcg_core::Reason;
    let cases: &[(FileKind, &[u8], u32, usize, Reason)] = &[
        (
            FileKind::V2MemoryStat,
            b"anon 12a4\n",
            1,
            7,
            Reason::InvalidNumber,
        ),
        (
            FileKind::V2MemoryStat,
            b"anon 99999999999999999999\n",
            1,
            5,
            Reason::Overflow,
        ),
        (
            FileKind::V2MemoryStat,
            b"anon\n",
            1,
            4,
            Reason::MissingValue,
        ),
        (FileKind::V2MemoryStat, b"", 1, 0, Reason::Empty),
        (
            FileKind::V2MemoryStat,
            b"anon 1\nfile\x002\n",
            2,
            11,
            Reason::InvalidByte,
        ),
        (
            FileKind::V2MemoryStat,
            b"anon 1\nanon 2\n",
            2,
            7,
            Reason::DuplicateKey,
        ),
        (FileKind::V2MemoryCurrent, b"\n", 1, 0, Reason::Empty),
        (
            FileKind::V2MemoryMax,
            b"maximum\n",
            1,
            0,
            Reason::InvalidNumber,
        ),
        (
            FileKind::Pressure,
            b"some avg10=0.00 avg60=0.00\n",
            1,
            26,
            Reason::InvalidPressure,
        ),
        (
            FileKind::Pressure,
            b"some avg10=0.00 avg60=0.00 avg300=0.00 total=",
            1,
            45,
            Reason::MissingValue,
        ),
        (
            FileKind::V1MemoryStat,
            b"cache 1\nrss -\n",
            2,
            13,
            Reason::MissingValue,
        ),
    ];
    for (kind, input, line, offset, reason) in cases {
        let e = parse(*kind, input).unwrap_err();
        assert_eq!(
            (e.kind, e.line, e.offset, e.reason),
            (*kind, *line, *offset, *reason),
            "{:?}",
            String::from_utf8_lossy(input)
        );
    }
    // A very long line is refused, not scanned forever.
    let mut long = b"anon ".to_vec();
    long.extend(std::iter::repeat_n(b'1', 10_000));
    let e = parse(FileKind::V2MemoryStat, &long).unwrap_err();
    assert_eq!((e.line, e.offset, e.reason), (1, 4096, Reason::LineTooLong));
}
