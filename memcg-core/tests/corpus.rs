//! Conformance: every file of the corpus parses (or fails exactly as documented), and every
//! directory of `expected.json` gives the values peers (cAdvisor, runc, kubelet) derive.
//!
//! The corpus is vendored in `tests/corpus/` (permissively licensed files only). The GPL
//! folders (`oomd/`, `openjdk/`) are read from `../shared/corpus` when it exists; the test
//! says so when it skips them.

use std::path::{Path, PathBuf};

use memcg_core::{parse, FileKind, Limit, Reason, Snapshot, V1Files, V2Files};
use serde_json::Value;

fn vendored() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn shared() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    p.is_dir().then_some(p)
}

/// Where a corpus-relative path lives: vendored, or in ../shared (GPL folders).
fn locate(rel: &str) -> Option<PathBuf> {
    let v = vendored().join(rel);
    if v.exists() {
        return Some(v);
    }
    shared().map(|s| s.join(rel)).filter(|p| p.exists())
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// The version of a memory file: from its directory's other files, else from its path.
fn version_of(path: &Path) -> u8 {
    let dir = path.parent().unwrap_or(Path::new("."));
    let s = path.to_string_lossy();
    if dir.join("memory.usage_in_bytes").exists()
        || dir.join("memory.limit_in_bytes").exists()
        || s.contains("v1")
        || s.contains("/memory/")
        || s.contains("diamond")
        || s.contains("clickhouse/v1")
    {
        1
    } else {
        2
    }
}

/// Files that must NOT parse, with the exact error: (corpus path, line, offset, reason).
const EXPECTED_ERRORS: &[(&str, u32, usize, Reason)] = &[
    // below: "garbage" is not a number.
    (
        "below/edge-cases/cgroup-stat-garbage/cgroup.stat",
        1,
        15,
        Reason::InvalidNumber,
    ),
    (
        "below/edge-cases/memory-current-empty/memory.current",
        1,
        0,
        Reason::Empty,
    ),
    (
        "below/edge-cases/memory-current-float/memory.current",
        1,
        4,
        Reason::InvalidNumber,
    ),
    // The kernel prints `max`, never -1, in a v2 limit file.
    (
        "below/edge-cases/memory-max-negative/memory.max",
        1,
        0,
        Reason::InvalidNumber,
    ),
    (
        "below/edge-cases/memory-numa-stat-garbage/memory.numa_stat",
        1,
        5,
        Reason::InvalidField,
    ),
    (
        "below/edge-cases/memory-stat-empty/memory.stat",
        1,
        0,
        Reason::Empty,
    ),
    (
        "below/edge-cases/memory-stat-garbage-line/memory.stat",
        2,
        13,
        Reason::MissingValue,
    ),
    // cAdvisor reads an empty memory.events as zeros; memcg refuses to turn nothing into 0.
    (
        "cadvisor/memory-events/empty-file/memory.events",
        1,
        0,
        Reason::Empty,
    ),
    // Three lines `0`, `-1`, `2`: not a single value.
    (
        "telegraf/memory/memory.max_usage_in_bytes",
        2,
        2,
        Reason::TrailingData,
    ),
    (
        "telegraf/memory/memory.use_hierarchy",
        1,
        2,
        Reason::InvalidNumber,
    ),
    (
        "tikv/memory-max/fraction/memory.max",
        1,
        1,
        Reason::InvalidNumber,
    ),
    (
        "tikv/memory-max/minus-one/memory.max",
        1,
        0,
        Reason::InvalidNumber,
    ),
    (
        "tikv/memory-max/negative-overflow/memory.max",
        1,
        0,
        Reason::InvalidNumber,
    ),
    (
        "tikv/memory-max/overflow-u64/memory.max",
        1,
        0,
        Reason::Overflow,
    ),
];

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root)
        .unwrap_or(p)
        .to_string_lossy()
        .into_owned()
}

fn check_tree(root: &Path, only: Option<&[&str]>) -> (usize, usize) {
    let mut files = Vec::new();
    match only {
        Some(dirs) => {
            for d in dirs {
                walk(&root.join(d), &mut files);
            }
        }
        None => walk(root, &mut files),
    }
    files.sort();
    let (mut ok, mut err) = (0, 0);
    for f in files {
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let v = version_of(&f);
        let Some(kind) = FileKind::from_name(name, v) else {
            continue;
        };
        if matches!(kind, FileKind::ProcCgroup | FileKind::ProcMountinfo) {
            continue;
        }
        let bytes = std::fs::read(&f).unwrap();
        let r = rel(root, &f);
        match (
            parse(kind, &bytes),
            EXPECTED_ERRORS.iter().find(|e| e.0 == r),
        ) {
            (Ok(parsed), None) => {
                ok += 1;
                // Rendering back and parsing again gives the same value (numa_stat renders
                // totals only: per-node values and foreign lines are not kept in the struct).
                if matches!(
                    kind,
                    FileKind::V1MemoryNumaStat | FileKind::V2MemoryNumaStat
                ) {
                    continue;
                }
                let rendered = parsed.to_string();
                let again = parse(kind, rendered.as_bytes())
                    .unwrap_or_else(|e| panic!("{r}: re-parse of {rendered:?}: {e}"));
                assert_eq!(again, parsed, "{r}: render/parse round trip");
            }
            (Err(e), Some(&(_, line, offset, reason))) => {
                err += 1;
                assert_eq!(e.kind, kind, "{r}");
                assert_eq!((e.line, e.offset, e.reason), (line, offset, reason), "{r}");
            }
            (Ok(p), Some(_)) => panic!("{r}: expected an error, parsed {p:?}"),
            (Err(e), None) => panic!("{r}: {e}"),
        }
    }
    (ok, err)
}

#[test]
fn every_vendored_file_parses_or_fails_as_documented() {
    let (ok, err) = check_tree(&vendored(), None);
    assert!(ok >= 400, "only {ok} files parsed");
    assert_eq!(err, EXPECTED_ERRORS.len());
}

#[test]
fn gpl_corpus_files_parse_when_shared_is_present() {
    let Some(root) = shared() else {
        eprintln!("SKIP: ../shared/corpus not present; oomd/ and openjdk/ are not vendored (GPL)");
        return;
    };
    let (ok, err) = check_tree(&root, Some(&["oomd", "openjdk"]));
    assert!(ok >= 100, "only {ok} oomd/openjdk files parsed");
    assert_eq!(err, 0);
}

#[test]
fn v1_numa_extra_keys_are_kept_not_errors() {
    let b = std::fs::read(
        vendored().join("opencontainers-cgroups/fs-v1-numa/extra-keys/memory.numa_stat"),
    )
    .unwrap();
    let n = memcg_core::v1::NumaStat::parse(&b).unwrap();
    assert_eq!(n.foreign_lines, 2);
    assert_eq!(n.total, None);
    let lines: Vec<_> = memcg_core::v1::NumaStat::lines(&b)
        .map(|l| l.unwrap())
        .collect();
    assert_eq!(lines[2].key, b"whatever");
    assert_eq!(lines[2].total, Some(100));
    assert_eq!(n.unknown_keys, 1);
}

#[test]
fn golang_v1_numbers() {
    let read = |p: &str| std::fs::read(vendored().join(p)).unwrap();
    let lim = |b: &[u8]| memcg_core::v1::LimitInBytes::parse(b).map(|l| l.0);
    assert_eq!(
        lim(&read("golang-go/v1-number/missing-newline/value")),
        Ok(Limit::Bytes(500_000))
    );
    assert_eq!(
        lim(&read("golang-go/v1-number/disabled/value")),
        Ok(Limit::Unlimited)
    );
    assert_eq!(
        lim(&read("golang-go/v1-number/MaxInt64/value")),
        Ok(Limit::Unlimited)
    );
    let e = lim(&read("golang-go/v1-number/not-a-number/value")).unwrap_err();
    assert_eq!((e.offset, e.reason), (3, Reason::InvalidNumber));
    assert_eq!(
        lim(&read("telegraf/broken/memory.limit_in_bytes")),
        Ok(Limit::Bytes(1))
    );
    let e = lim(&read("telegraf/broken/malformed.file")).unwrap_err();
    assert_eq!((e.offset, e.reason), (0, Reason::InvalidNumber));
    // 2^62 cut, whatever the page size.
    assert_eq!(lim(b"9223372036854710272\n"), Ok(Limit::Unlimited));
    assert_eq!(
        lim(b"4611686018427387903\n"),
        Ok(Limit::Bytes(4_611_686_018_427_387_903))
    );
    // TiKV keeps the raw v1 sentinel in a v2-named file; a v2 reader sees a byte count.
    let b = read("tikv/memory-max/v1-unlimited-pagealigned/memory.max");
    assert_eq!(
        memcg_core::v2::MemoryMax::parse(&b).map(|m| m.0),
        Ok(Limit::Bytes(9_223_372_036_854_771_712))
    );
    let b = read("tikv/memory-max/max/memory.max");
    assert_eq!(
        memcg_core::v2::MemoryMax::parse(&b).map(|m| m.0),
        Ok(Limit::Unlimited)
    );
    let b = read("below/edge-cases/memory-stat-u64-overflow-i64/memory.stat");
    assert_eq!(
        memcg_core::v2::MemoryStat::parse(&b).unwrap().slab,
        Some(14_914_318_128_160_131_214)
    );
}

fn num(v: &Value, k: &str) -> Option<u64> {
    v.get(k).and_then(Value::as_u64)
}

fn read_opt(dir: &Path, name: &str) -> Option<Vec<u8>> {
    std::fs::read(dir.join(name)).ok()
}

/// Snapshot fields for a directory without a usage file: the stat-derived values only.
fn stat_only(dir: &Path, version: u8) -> Snapshot {
    let stat = read_opt(dir, "memory.stat");
    let hier = read_opt(dir, "memory.use_hierarchy");
    if version == 1 {
        Snapshot::from_v1(&V1Files {
            usage_in_bytes: b"0",
            stat: stat.as_deref(),
            use_hierarchy: hier.as_deref(),
            ..V1Files::default()
        })
        .unwrap()
    } else {
        Snapshot::from_v2(&V2Files {
            current: b"0",
            stat: stat.as_deref(),
            ..V2Files::default()
        })
        .unwrap()
    }
}

#[test]
fn expected_json_directories() {
    let expected: Vec<Value> =
        serde_json::from_slice(&std::fs::read(vendored().join("expected.json")).unwrap()).unwrap();
    let (mut full, mut stat_dirs, mut skipped) = (0, 0, Vec::new());
    for e in &expected {
        let rel = e["dir"].as_str().unwrap();
        let Some(dir) = locate(rel) else {
            skipped.push(rel.to_string());
            continue;
        };
        let version = num(e, "version").unwrap() as u8;
        if rel == "telegraf/memory" {
            // Deliberately broken fixture: memory.max_usage_in_bytes holds three lines. peers
            // read it as "unparseable → null"; memcg reports the malformed file instead.
            let err = Snapshot::read_dir(&dir).unwrap_err();
            let pe = err.parse_error().unwrap();
            assert_eq!(pe.kind, FileKind::V1MaxUsageInBytes, "{rel}");
            continue;
        }
        let has_usage = e["usage"].is_u64();
        let snap = if has_usage {
            full += 1;
            Snapshot::read_dir(&dir).unwrap_or_else(|err| panic!("{rel}: {err}"))
        } else {
            stat_dirs += 1;
            stat_only(&dir, version)
        };
        assert_eq!(snap.version.number(), version, "{rel}: version");
        assert_eq!(snap.anon_bytes, num(e, "anon"), "{rel}: anon");
        assert_eq!(snap.file_bytes, num(e, "file"), "{rel}: file");
        assert_eq!(snap.swap_bytes, num(e, "swap"), "{rel}: swap");
        let inactive = match &snap.stat {
            memcg_core::Stat::V1(s) => s.total_inactive_file,
            memcg_core::Stat::V2(s) => s.inactive_file,
            memcg_core::Stat::None => None,
        };
        assert_eq!(inactive, num(e, "inactive_file"), "{rel}: inactive_file");
        if !has_usage {
            continue;
        }
        assert_eq!(Some(snap.usage_bytes), num(e, "usage"), "{rel}: usage");
        assert_eq!(
            Some(snap.working_set_bytes),
            num(e, "working_set"),
            "{rel}: working_set"
        );
        let limit = match e["limit_unlimited"].as_bool() {
            Some(true) => Some(Limit::Unlimited),
            Some(false) => num(e, "limit").map(Limit::Bytes),
            None => None,
        };
        assert_eq!(snap.limit_bytes, limit, "{rel}: limit");
        assert_eq!(snap.oom_kills, num(e, "oom_kill"), "{rel}: oom_kill");
        let max_events = if version == 1 {
            num(e, "failcnt")
        } else {
            num(e, "max_events")
        };
        assert_eq!(snap.max_events, max_events, "{rel}: failcnt / max events");
        assert_eq!(snap.peak_bytes, num(e, "max_usage"), "{rel}: peak");
    }
    if !skipped.is_empty() {
        eprintln!(
            "SKIP: {} expected.json directories need ../shared/corpus (GPL, not vendored): {skipped:?}",
            skipped.len()
        );
    }
    assert!(full >= 15, "{full} full directories checked");
    assert!(stat_dirs >= 10, "{stat_dirs} stat-only directories checked");
}

#[test]
fn peers_disagree_working_set_floor() {
    // inactive_file (5307346944) > usage (4194304): cAdvisor floors at 0, docker keeps usage.
    let s = Snapshot::read_dir(vendored().join("opencontainers-cgroups/fs2-example")).unwrap();
    assert_eq!(s.usage_bytes, 4_194_304);
    assert_eq!(s.working_set_bytes, 0);
}

#[test]
fn use_hierarchy_zero_picks_plain_keys() {
    let s = Snapshot::read_dir(
        vendored().join("elastic-agent-system-metrics/docker/sys/fs/cgroup/memory"),
    )
    .unwrap();
    assert_eq!(s.anon_bytes, Some(18_067_456));
    assert_eq!(s.file_bytes, Some(170_680_320));
    // Working set still uses total_inactive_file, as cAdvisor does.
    assert_eq!(s.working_set_bytes, 484_491_264 - 40_706_048);
}

#[test]
fn richest_v2_directory() {
    let dir = vendored().join("elastic-agent-system-metrics/docker2/sys/fs/cgroup/user.slice/user-1000.slice/session-520.scope");
    let s = Snapshot::read_dir(&dir).unwrap();
    assert_eq!(s.usage_bytes, 10_498_404_352);
    assert_eq!(s.swap_bytes, Some(17_715_200));
    assert_eq!(s.working_set_bytes, 3_812_655_104);
    assert!(s.pressure.is_some());
    assert!(s.stat_entries().count() >= 40);
}

#[test]
fn v2_real_kernel_directories() {
    let root = vendored().join("v2-real-6.1");
    // 01_linear_oom: memory.max = 200M; near the limit anon dominates.
    let near = Snapshot::read_dir(root.join("01_linear_oom/near-limit")).unwrap();
    assert_eq!(near.limit_bytes, Some(Limit::Bytes(200 << 20)));
    assert_eq!(near.effective_limit_bytes, Some(Limit::Bytes(200 << 20)));
    assert!(near.usage_bytes <= 200 << 20);
    let anon = near.anon_bytes.unwrap();
    assert!(anon > 150 << 20 && anon <= near.usage_bytes, "anon {anon}");
    let after = Snapshot::read_dir(root.join("01_linear_oom/after-oom")).unwrap();
    assert_eq!(after.oom_kills, Some(1));
    // 10_high_throttle: memory.high = 96M.
    let over = Snapshot::read_dir(root.join("10_high_throttle/over-high")).unwrap();
    assert_eq!(over.high_limit_bytes, Some(Limit::Bytes(96 << 20)));
    assert!(over.high_events.unwrap() > 0);
    // 05_pagecache_write: page cache fills to the limit, the signal stays small.
    let at = Snapshot::read_dir(root.join("05_pagecache_write/at-limit")).unwrap();
    assert_eq!(at.limit_bytes, Some(Limit::Bytes(96 << 20)));
    assert!(at.file_bytes.unwrap() > 60 << 20);
    assert!(at.unreclaimable_bytes() < 20 << 20);
    // Every key of the 6.1 memory.stat is a named field: nothing lands in extra_stat.
    assert_eq!(at.extra_stat.entries().len(), 0);
}

/// `Sampler::read_into` refills one Snapshot in place: going through every readable
/// expected.json directory in turn (v1 and v2 mixed, with and without unknown `memory.stat`
/// keys, with and without optional files), each refill equals a fresh `read_dir` of that
/// directory — nothing of the previous sample survives.
#[test]
fn read_into_a_reused_snapshot_equals_a_fresh_read() {
    use memcg_core::sampler::Sampler;
    let expected: Vec<Value> =
        serde_json::from_slice(&std::fs::read(vendored().join("expected.json")).unwrap()).unwrap();
    let mut dirs: Vec<PathBuf> = expected
        .iter()
        .filter(|e| e["usage"].is_u64())
        .filter_map(|e| locate(e["dir"].as_str()?))
        .filter(|d| Snapshot::read_dir(d).is_ok())
        .collect();
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus-local/v1-real-6.18.44");
    dirs.extend(
        ["anon-32m", "pagecache-40m", "shmem-24m", "oom-killed"]
            .iter()
            .map(|d| local.join(d)),
    );
    assert!(dirs.len() >= 8, "{} directories", dirs.len());
    // And copies with keys a newer kernel might print (kept in `extra_stat`).
    let tmp = std::env::temp_dir().join(format!("memcg-read-into-{}", std::process::id()));
    for (i, src) in [dirs[0].clone(), local.join("anon-32m")].iter().enumerate() {
        let dst = tmp.join(i.to_string());
        std::fs::create_dir_all(&dst).unwrap();
        for e in std::fs::read_dir(src).unwrap().flatten() {
            if e.path().is_file() {
                std::fs::copy(e.path(), dst.join(e.file_name())).unwrap();
            }
        }
        let mut stat = std::fs::read(dst.join("memory.stat")).unwrap();
        stat.extend_from_slice(b"made_up_key 42\nanother_new_key 7\n");
        std::fs::write(dst.join("memory.stat"), stat).unwrap();
        dirs.insert(2 * i + 1, dst);
    }
    let mut extras = 0;
    let mut snap = Snapshot::read_dir(&dirs[0]).unwrap();
    // Half of the reads go through one scratch buffer shared by every Sampler.
    let mut scratch = Vec::new();
    for round in 0..2 {
        for (i, d) in dirs.iter().enumerate() {
            let fresh = Snapshot::read_dir(d).unwrap();
            extras += usize::from(!fresh.extra_stat.entries().is_empty());
            let mut s = Sampler::open(d).unwrap();
            if i % 2 == 0 {
                s.read_into(&mut snap)
            } else {
                s.read_into_with(&mut snap, &mut scratch)
            }
            .unwrap_or_else(|e| panic!("{}: {e}", d.display()));
            assert_eq!(snap, fresh, "{} (round {round})", d.display());
        }
        dirs.reverse();
    }
    std::fs::remove_dir_all(&tmp).unwrap();
    assert_eq!(
        extras, 4,
        "directories with unknown memory.stat keys, over two rounds"
    );
}
