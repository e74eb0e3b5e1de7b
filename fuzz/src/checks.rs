//! What each fuzz target runs, and the properties it asserts.
//!
//! This file depends on `memcg_core` and `std` only: `memcg-core/tests/fuzz_regressions.rs`
//! includes it with `#[path]` to replay `fuzz/regressions/<target>/*` under plain
//! `cargo test`. Every function panics (with a message naming the property) when a property
//! fails; libFuzzer records such a panic as a crash.
//!
//! Properties common to every parser:
//! - no panic, whatever the bytes;
//! - an error names the file kind it was asked for, its offset is within the input, and its
//!   line number is the number of `\n` before that offset, plus one;
//! - a parsed value renders (its `Display`, the kernel's format) to text that parses again,
//!   and that second value renders to the same text (render ∘ parse is a fixed point);
//! - the borrowing iterators (`KeyValues`, `NumaLines`) agree with `parse`: same error, same
//!   values, the same count of unknown keys.
#![allow(clippy::missing_panics_doc, dead_code)]

use std::path::{Path, PathBuf};

use memcg_core::grammar::KeyValues;
use memcg_core::trend::{Assessment, LeakDetector, TrendError};
use memcg_core::{
    parse, v1, v2, FileKind, Limit, ParseError, Parsed, Pressure, PressureLine, Reason, Snapshot,
    Stat, V1Files, V2Files, Version,
};

/// Every target name, in the order `fuzz/fuzz_targets/` holds them. `run` dispatches on it.
pub const TARGETS: &[&str] = &[
    "v1_memory_stat",
    "v2_memory_stat",
    "flat_keyed",
    "single_value",
    "pressure",
    "numa_stat",
    "proc_cgroup",
    "mountinfo",
    "discovery_resolve",
    "trace_csv",
    "snapshot_dir",
    "detector",
];

/// Runs the target `name` on `data`. Returns `false` for an unknown target name.
pub fn run(name: &str, data: &[u8]) -> bool {
    match name {
        "v1_memory_stat" => v1_memory_stat(data),
        "v2_memory_stat" => v2_memory_stat(data),
        "flat_keyed" => flat_keyed(data),
        "single_value" => single_value(data),
        "pressure" => pressure(data),
        "numa_stat" => numa_stat(data),
        "proc_cgroup" => proc_cgroup(data),
        "mountinfo" => mountinfo(data),
        "discovery_resolve" => discovery_resolve(data),
        "trace_csv" => trace_csv(data),
        "snapshot_dir" => snapshot_dir(data),
        "detector" => detector(data),
        _ => return false,
    }
    true
}

// ---------------------------------------------------------------------------------------------
// Parser targets.

/// Flat-keyed files other than `memory.stat`.
pub const FLAT_KEYED: &[FileKind] = &[
    FileKind::V2MemoryEvents,
    FileKind::V2MemoryEventsLocal,
    FileKind::V2MemorySwapEvents,
    FileKind::V2CgroupStat,
    FileKind::V1OomControl,
];

/// Every single-value kind (counters and limits, v1 and v2).
pub fn single_value_kinds() -> impl Iterator<Item = FileKind> {
    FileKind::ALL.iter().copied().filter(|k| {
        !matches!(
            k,
            FileKind::V1MemoryStat
                | FileKind::V2MemoryStat
                | FileKind::V1MemoryNumaStat
                | FileKind::V2MemoryNumaStat
                | FileKind::Pressure
                | FileKind::ProcCgroup
                | FileKind::ProcMountinfo
                | FileKind::TraceCsv
        ) && !FLAT_KEYED.contains(k)
    })
}

/// The first byte chooses one of `n` variants; the rest is the input.
fn select(data: &[u8], n: usize) -> (usize, &[u8]) {
    match data.split_first() {
        Some((b, rest)) => (usize::from(*b) % n, rest),
        None => (0, data),
    }
}

/// The checks every error must pass.
pub fn check_error(kind: FileKind, data: &[u8], e: &ParseError) {
    assert_eq!(e.kind, kind, "error names the wrong kind: {e:?}");
    assert!(
        e.offset <= data.len(),
        "error offset {} beyond the input ({} bytes): {e:?}",
        e.offset,
        data.len()
    );
    let line = data[..e.offset].iter().filter(|&&b| b == b'\n').count() + 1;
    assert_eq!(
        e.line as usize, line,
        "line number disagrees with the offset: {e:?}"
    );
    // Display must not panic either.
    let _ = e.to_string();
    let _ = e.reason.to_string();
}

/// Parses `data` as `kind` through `memcg_core::parse` and checks the common properties.
pub fn parse_kind(kind: FileKind, data: &[u8]) -> Option<Parsed> {
    match parse(kind, data) {
        Ok(p) => {
            assert_eq!(p.kind(), kind);
            let r1 = p.to_string();
            if !r1.is_empty() {
                let p2 = parse(kind, r1.as_bytes()).unwrap_or_else(|e| {
                    panic!("{kind:?}: {p:?} renders as {r1:?}, which does not parse: {e}")
                });
                let r2 = p2.to_string();
                assert_eq!(r1, r2, "{kind:?}: render/parse is not a fixed point");
            }
            Some(p)
        }
        Err(e) => {
            check_error(kind, data, &e);
            None
        }
    }
}

/// Checks a flat-keyed file's `KeyValues` iteration against its parse.
fn check_keyed(
    kind: FileKind,
    data: &[u8],
    parsed: Result<(&[&str], u32), ParseError>,
    get: impl Fn(&str) -> Option<u64>,
) {
    let mut items = KeyValues::new(kind, data);
    match parsed {
        Ok((keys, unknown)) => {
            let mut n_unknown = 0u32;
            let mut n = 0usize;
            for item in items {
                let (k, v) = item.unwrap_or_else(|e| {
                    panic!("{kind:?}: parse succeeded but KeyValues fails: {e}")
                });
                n += 1;
                match keys.iter().find(|n| n.as_bytes() == k) {
                    Some(name) => assert_eq!(get(name), Some(v), "{kind:?}: value of {name}"),
                    None => n_unknown += 1,
                }
            }
            assert!(n > 0, "{kind:?}: parse succeeded on a file with no pair");
            assert_eq!(n_unknown, unknown, "{kind:?}: unknown_keys");
        }
        Err(e) => {
            check_error(kind, data, &e);
            match e.reason {
                Reason::Empty => assert!(items.next().is_none(), "Empty but has pairs"),
                Reason::DuplicateKey => {
                    assert!(items.all(|i| i.is_ok()), "DuplicateKey hides an error")
                }
                _ => {
                    let first_err = items.find_map(Result::err);
                    assert_eq!(first_err, Some(e), "{kind:?}: KeyValues and parse disagree");
                }
            }
        }
    }
}

/// v1 `memory.stat`.
pub fn v1_memory_stat(data: &[u8]) {
    let kind = FileKind::V1MemoryStat;
    parse_kind(kind, data);
    let r = v1::MemoryStat::parse(data);
    if let Ok(s) = &r {
        let _ = s.hierarchical_limit();
        for u in v1::MemoryStat::unknown(data) {
            assert!(u.is_ok(), "unknown() fails on a file parse() accepts");
        }
    }
    let get = |k: &str| r.as_ref().ok().and_then(|s| s.get(k));
    check_keyed(
        kind,
        data,
        r.map(|s| (v1::MemoryStat::KEYS, s.unknown_keys)),
        get,
    );
    snapshot_from_bytes(Version::V1, Some(data));
}

/// v2 `memory.stat`.
pub fn v2_memory_stat(data: &[u8]) {
    let kind = FileKind::V2MemoryStat;
    parse_kind(kind, data);
    let r = v2::MemoryStat::parse(data);
    let get = |k: &str| r.as_ref().ok().and_then(|s| s.get(k));
    check_keyed(
        kind,
        data,
        r.map(|s| (v2::MemoryStat::KEYS, s.unknown_keys)),
        get,
    );
    snapshot_from_bytes(Version::V2, Some(data));
}

/// Builds a Snapshot around a `memory.stat` and checks the Snapshot invariants.
fn snapshot_from_bytes(version: Version, stat: Option<&[u8]>) {
    let r = match version {
        Version::V1 => Snapshot::from_v1(&V1Files {
            usage_in_bytes: b"104857600\n",
            stat,
            ..V1Files::default()
        }),
        Version::V2 => Snapshot::from_v2(&V2Files {
            current: b"104857600\n",
            stat,
            ..V2Files::default()
        }),
    };
    if let Ok(s) = r {
        check_snapshot(&s);
    }
}

/// Invariants of every Snapshot.
pub fn check_snapshot(s: &Snapshot) {
    assert!(
        s.working_set_bytes <= s.usage_bytes,
        "working set above usage"
    );
    let _ = s.unreclaimable_bytes();
    let n = s.stat_entries().count();
    let extra = s.extra_stat.entries().len();
    assert!(n >= extra);
    for e in s.extra_stat.entries() {
        assert!(s.extra_stat.get(e.key()).is_some());
    }
    if let Some(p) = &s.pressure {
        check_pressure_values(p);
    }
}

/// `memory.events`, `memory.events.local`, `memory.swap.events`, `cgroup.stat`,
/// `memory.oom_control`.
pub fn flat_keyed(data: &[u8]) {
    let (i, data) = select(data, FLAT_KEYED.len());
    let kind = FLAT_KEYED[i];
    parse_kind(kind, data);
    macro_rules! keyed {
        ($t:ty) => {{
            let r = <$t>::parse(data);
            let get = |k: &str| r.as_ref().ok().and_then(|s| s.get(k));
            check_keyed(kind, data, r.map(|s| (<$t>::KEYS, s.unknown_keys)), get);
        }};
    }
    match kind {
        FileKind::V2MemoryEvents => keyed!(v2::MemoryEvents),
        FileKind::V2MemoryEventsLocal => keyed!(v2::MemoryEventsLocal),
        FileKind::V2MemorySwapEvents => keyed!(v2::MemorySwapEvents),
        FileKind::V2CgroupStat => keyed!(v2::CgroupStat),
        FileKind::V1OomControl => keyed!(v1::OomControl),
        _ => unreachable!(),
    }
}

/// Every single-value file: counters (`memory.current`, `memory.failcnt`, …) and limits
/// (`memory.max`, `memory.limit_in_bytes`, …), v1 and v2.
pub fn single_value(data: &[u8]) {
    let kinds: Vec<FileKind> = single_value_kinds().collect();
    let (i, data) = select(data, kinds.len());
    let kind = kinds[i];
    if let Some(p) = parse_kind(kind, data) {
        // A single value survives the round trip exactly (v1 limits: any value ≥ 2^62 is
        // the same `Unlimited`).
        let again = parse(kind, p.to_string().as_bytes()).expect("re-parse");
        assert_eq!(again, p, "{kind:?}: round trip changed the value");
        // The value is the only token: the trimmed input is digits or `max` or `-1`.
        let trimmed: Vec<u8> = data
            .iter()
            .copied()
            .filter(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
            .collect();
        assert!(
            trimmed == b"max"
                || trimmed == b"-1"
                || (!trimmed.is_empty() && trimmed.iter().all(u8::is_ascii_digit)),
            "{kind:?}: accepted {data:?}"
        );
    }
}

fn check_pressure_values(p: &Pressure) {
    let lines: [Option<&PressureLine>; 2] = [Some(&p.some), p.full.as_ref()];
    for l in lines.into_iter().flatten() {
        for v in [l.avg10, l.avg60, l.avg300] {
            assert!(
                v.is_finite() && v >= 0.0,
                "PSI average {v} is not a finite percentage"
            );
        }
    }
}

/// PSI (`memory.pressure`, `/proc/pressure/memory`).
pub fn pressure(data: &[u8]) {
    if let Some(Parsed::Pressure(p)) = parse_kind(FileKind::Pressure, data) {
        check_pressure_values(&p);
    }
}

/// v1 and v2 `memory.numa_stat`.
pub fn numa_stat(data: &[u8]) {
    let kinds = [FileKind::V1MemoryNumaStat, FileKind::V2MemoryNumaStat];
    let (i, data) = select(data, 2);
    let kind = kinds[i];
    let parsed = parse_kind(kind, data);
    let lines = memcg_core::numa::NumaLines::new(kind, data);
    let mut first_err = None;
    'outer: for line in lines {
        match line {
            Ok(l) => {
                for n in l.nodes() {
                    if let Err(e) = n {
                        first_err = Some(e);
                        break 'outer;
                    }
                }
            }
            Err(e) => {
                first_err = Some(e);
                break;
            }
        }
    }
    match (parsed, first_err) {
        (Some(_), None) => {}
        (Some(p), Some(e)) => panic!("{kind:?}: parse gave {p:?} but the lines fail: {e}"),
        (None, iter_err) => {
            let e = parse(kind, data).unwrap_err();
            if iter_err == Some(e) {
                // The same error both ways.
            } else if let Some(ie) = iter_err {
                // parse stops at the first line it rejects, a repeated key or a v2 line with
                // no node included; the iterator does not know about those, so its first
                // error may only come later.
                assert!(
                    matches!(e.reason, Reason::DuplicateKey | Reason::MissingValue)
                        && e.offset <= ie.offset,
                    "{kind:?}: NumaLines ({ie:?}) and parse ({e:?}) disagree"
                );
            } else {
                assert!(
                    matches!(
                        e.reason,
                        Reason::Empty | Reason::DuplicateKey | Reason::MissingValue
                    ),
                    "{kind:?}: parse fails with {e:?} where the lines do not"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// /proc files and discovery.

/// The fields of two Debug renderings that differ (a Snapshot's Debug is kilobytes long).
fn diff_debug<T: core::fmt::Debug>(a: &T, b: &T) -> String {
    let (a, b) = (format!("{a:?}"), format!("{b:?}"));
    let split = |s: &str| -> Vec<String> { s.split(", ").map(str::to_owned).collect() };
    let (x, y) = (split(&a), split(&b));
    let mut out = String::new();
    for (i, (p, q)) in x.iter().zip(&y).enumerate() {
        if p != q {
            out.push_str(&format!("[{i}] {p} != {q}; "));
        }
    }
    if x.len() != y.len() {
        out.push_str(&format!("({} vs {} fields)", x.len(), y.len()));
    }
    out
}

/// `true` if `part` lies within `whole` (a borrowed field really borrows its input).
fn within(whole: &[u8], part: &[u8]) -> bool {
    let (w, p) = (whole.as_ptr() as usize, part.as_ptr() as usize);
    part.is_empty() || (p >= w && p + part.len() <= w + whole.len())
}

/// `/proc/<pid>/cgroup`: every entry or a typed error; `MemoryPaths` agrees with the entries.
pub fn proc_cgroup(data: &[u8]) {
    use memcg_core::proc::cgroup;
    let mut first_err = None;
    let mut v1 = None;
    let mut v2 = None;
    let lines = data.iter().filter(|&&b| b == b'\n').count() + 1;
    for e in cgroup::entries(data) {
        match e {
            Ok(e) => {
                assert!(within(data, e.controllers) && within(data, e.path));
                assert!(e.offset <= data.len());
                assert!(e.line >= 1 && e.line as usize <= lines, "{e:?}");
                assert!(!e.path.is_empty(), "an entry with an empty path: {e:?}");
                let _ = e.controller_names().count();
                if e.is_v2() {
                    assert!(!e.is_memory_v1());
                    v2.get_or_insert(e);
                } else if e.is_memory_v1() {
                    v1.get_or_insert(e);
                }
            }
            Err(e) => {
                check_error(FileKind::ProcCgroup, data, &e);
                first_err.get_or_insert(e);
            }
        }
    }
    match cgroup::MemoryPaths::parse(data) {
        Ok(p) => {
            assert!(first_err.is_none(), "MemoryPaths hid {first_err:?}");
            assert_eq!((p.v1, p.v2), (v1, v2));
            assert_eq!(cgroup::memory_v1_path(data), Ok(v1.map(|e| e.path)));
            assert_eq!(cgroup::v2_path(data), Ok(v2.map(|e| e.path)));
        }
        Err(e) => assert_eq!(Some(e), first_err, "MemoryPaths and entries disagree"),
    }
}

/// `/proc/<pid>/mountinfo`: every mount or a typed error; un-escaping is bounded and
/// `unescape_into` agrees with `unescape`.
pub fn mountinfo(data: &[u8]) {
    use memcg_core::proc::mountinfo::{mounts, unescape, unescape_into, BufferTooSmall};
    let lines = data.iter().filter(|&&b| b == b'\n').count() + 1;
    let mut buf = [0u8; 64];
    for m in mounts(data) {
        match m {
            Ok(m) => {
                for f in [
                    m.root,
                    m.mount_point,
                    m.options,
                    m.optional_fields,
                    m.fstype,
                    m.source,
                    m.super_options,
                ] {
                    assert!(within(data, f), "a field outside the input: {m:?}");
                    let decoded: Vec<u8> = unescape(f).collect();
                    assert!(decoded.len() <= f.len());
                    match unescape_into(f, &mut buf) {
                        Ok(out) => assert_eq!(out, &decoded[..]),
                        Err(BufferTooSmall { capacity, needed }) => {
                            assert_eq!((capacity, needed), (buf.len(), decoded.len()));
                            assert!(needed > buf.len());
                        }
                    }
                }
                assert!(m.line >= 1 && m.line as usize <= lines);
                assert!(m.offset <= data.len());
                let _ = (m.is_cgroup1(), m.is_cgroup2(), m.is_memory_v1());
                let _ = m.super_option_names().count() + m.optional_field_names().count();
                if m.is_memory_v1() {
                    assert!(m.is_cgroup1());
                }
            }
            Err(e) => check_error(FileKind::ProcMountinfo, data, &e),
        }
    }
    if let Ok((dir, _)) = memcg_core::discovery::memory_mount(data) {
        let _ = dir;
    }
}

/// `discovery::resolve` on a fuzzed `/proc/<pid>/cgroup` and mountinfo (split at the first
/// `0xff` byte): the directory found is a cgroup mount point of the mountinfo, or beneath one
/// by plain components only: a cgroup path with `..` (cgroup namespaces, or a hostile file)
/// never climbs out of the mount.
pub fn discovery_resolve(data: &[u8]) {
    use memcg_core::proc::mountinfo::{mounts, unescape};
    use std::ffi::OsString;
    use std::os::unix::ffi::OsStringExt;
    use std::path::Component;
    let (cg, mi) = match data.iter().position(|&b| b == 0xff) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b"35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n28 21 0:25 / /sys/fs/cgroup/unified rw - cgroup2 none rw\n"[..]),
    };
    let Ok(found) = memcg_core::discovery::resolve(cg, mi) else {
        return;
    };
    let ok = mounts(mi).filter_map(Result::ok).any(|m| {
        let wanted = match found.version {
            Version::V1 => m.is_memory_v1(),
            Version::V2 => m.is_cgroup2(),
        };
        let mp = PathBuf::from(OsString::from_vec(unescape(m.mount_point).collect()));
        wanted
            && found
                .dir
                .strip_prefix(&mp)
                .is_ok_and(|rest| rest.components().all(|c| matches!(c, Component::Normal(_))))
    });
    assert!(
        ok,
        "resolve gave {:?}, not beneath a memory mount",
        found.dir
    );
}

// ---------------------------------------------------------------------------------------------
// Trace CSV.

/// The trace CSV reader: every row is a Snapshot or a typed error with its line; the rows
/// that parse write back (`TraceWriter`) to a CSV that reads again to the same text; replay
/// gives finite assessments.
pub fn trace_csv(data: &[u8]) {
    use memcg_core::trace::{replay, TraceError, TraceReader, TraceWriter};
    let lines = data.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let check_err = |e: &TraceError| {
        assert!(
            e.line() <= lines + 1,
            "error line {} of {lines}: {e}",
            e.line()
        );
        let _ = e.to_string();
        if let TraceError::Format(p) = e {
            assert_eq!(p.kind, FileKind::TraceCsv);
        }
    };
    let reader = match TraceReader::new(data) {
        Ok(r) => r,
        Err(e) => {
            check_err(&e);
            return;
        }
    };
    let version = reader.version();
    let mut rows = Vec::new();
    for item in reader.take(2000) {
        match item {
            Ok((t, s)) => {
                assert!(t.is_finite());
                assert_eq!(s.version, version);
                check_snapshot(&s);
                rows.push((t, s));
            }
            Err(e) => check_err(&e),
        }
    }
    if let Some((_, first)) = rows.first() {
        let write = |rows: &[(f64, Snapshot)]| {
            let mut w = TraceWriter::new(Vec::new());
            for (t, s) in rows {
                w.write(*t, s).expect("write to a Vec");
            }
            w.into_inner()
        };
        let text1 = write(&rows);
        let back: Vec<(f64, Snapshot)> = TraceReader::new(&text1[..])
            .unwrap_or_else(|e| panic!("the writer's header does not read back: {e}"))
            .map(|r| r.unwrap_or_else(|e| panic!("the writer's row does not read back: {e}")))
            .collect();
        assert_eq!(back.len(), rows.len());
        // Exact, except: PSI averages are written with two decimals, as the kernel prints
        // them; and unknown memory.stat keys the Snapshot could not keep inline (more than
        // EXTRA_KEYS_MAX, or longer than EXTRA_KEY_MAX) are counted in `extra_stat.dropped`,
        // not written.
        let mut again = back[0].1;
        if let (Some(a), Some(b)) = (&first.pressure, &mut again.pressure) {
            let pairs = [
                (Some(&a.some), Some(&mut b.some)),
                (a.full.as_ref(), b.full.as_mut()),
            ];
            for (x, y) in pairs {
                if let (Some(x), Some(y)) = (x, y) {
                    for (u, v) in [
                        (x.avg10, &mut y.avg10),
                        (x.avg60, &mut y.avg60),
                        (x.avg300, &mut y.avg300),
                    ] {
                        if (u - *v).abs() <= 0.005 + 1e-9 * u.abs() {
                            *v = u;
                        }
                    }
                }
            }
        }
        if first.extra_stat.dropped == 0 {
            assert!(
                again == *first,
                "the first row changed on a write/read round trip: {}",
                diff_debug(first, &again)
            );
        }
        for ((t1, _), (t2, _)) in rows.iter().zip(&back) {
            assert_eq!(t1.to_bits(), t2.to_bits());
        }
        let text2 = write(&back);
        assert_eq!(text1, text2, "write/read/write is not a fixed point");
    }
    if let Ok(rep) = replay(data, Default::default()) {
        for item in rep.take(2000) {
            match item {
                Ok((_, a)) => check_assessment(&a),
                Err(e) => check_err(&e),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Snapshot from a directory.

const V1_FILES: [&str; 9] = [
    "memory.usage_in_bytes",
    "memory.limit_in_bytes",
    "memory.max_usage_in_bytes",
    "memory.failcnt",
    "memory.stat",
    "memory.oom_control",
    "memory.use_hierarchy",
    "memory.memsw.limit_in_bytes",
    "memory.pressure",
];

const V2_FILES: [&str; 9] = [
    "memory.current",
    "memory.max",
    "memory.high",
    "memory.peak",
    "memory.stat",
    "memory.events",
    "memory.swap.current",
    "memory.swap.max",
    "memory.pressure",
];

/// A scratch directory for this process, emptied of memory files before each run.
fn scratch_dir() -> &'static Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!(
            "memcg-fuzz-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("scratch dir");
        d
    })
}

/// Splits the input into up to nine files: byte 0 bit 0 picks the version, bytes 1–2 are a
/// mask of the files present, then each present file is a 2-byte little-endian length and
/// that many bytes (the last present file takes the rest).
pub fn split_files(data: &[u8]) -> (Version, [Option<&[u8]>; 9]) {
    let version = if data.first().is_some_and(|b| b & 1 == 1) {
        Version::V2
    } else {
        Version::V1
    };
    let mask = u16::from_le_bytes([
        data.get(1).copied().unwrap_or(0xff),
        data.get(2).copied().unwrap_or(0xff),
    ]);
    let mut rest = data.get(3..).unwrap_or(&[]);
    let mut files: [Option<&[u8]>; 9] = [None; 9];
    let last = (0..9).rev().find(|i| mask & (1 << i) != 0);
    for (i, f) in files.iter_mut().enumerate() {
        if mask & (1 << i) == 0 {
            continue;
        }
        if Some(i) == last {
            *f = Some(rest);
            rest = &[];
            continue;
        }
        let len = match rest {
            [a, b, ..] => usize::from(u16::from_le_bytes([*a, *b])),
            _ => 0,
        };
        rest = rest.get(2..).unwrap_or(&[]);
        let len = len.min(rest.len());
        *f = Some(&rest[..len]);
        rest = &rest[len..];
    }
    (version, files)
}

/// Writes fuzzer bytes into a temporary directory's memory files and reads it back three ways:
/// [`Snapshot::read_dir`], the [`memcg_core::sampler::Sampler`] (twice) and
/// `Snapshot::from_v1`/`from_v2` on the same bytes. All must agree, value or error; a missing
/// usage file is an error, never a zero.
pub fn snapshot_dir(data: &[u8]) {
    let (version, files) = split_files(data);
    let dir = scratch_dir();
    for name in V1_FILES.iter().chain(V2_FILES.iter()) {
        let _ = std::fs::remove_file(dir.join(name));
    }
    let names = match version {
        Version::V1 => &V1_FILES,
        Version::V2 => &V2_FILES,
    };
    for (name, bytes) in names.iter().zip(files.iter()) {
        if let Some(b) = bytes {
            std::fs::write(dir.join(name), b).expect("write scratch file");
        }
    }
    let from_dir = Snapshot::read_dir(dir);
    let Some(usage) = files[0] else {
        let e = from_dir.expect_err("a directory without its usage file gave a Snapshot");
        assert!(
            matches!(e, memcg_core::ReadError::NotACgroup { .. }),
            "no usage file: {e:?}"
        );
        return;
    };
    let from_bytes = match version {
        Version::V1 => Snapshot::from_v1(&V1Files {
            usage_in_bytes: usage,
            limit_in_bytes: files[1],
            max_usage_in_bytes: files[2],
            failcnt: files[3],
            stat: files[4],
            oom_control: files[5],
            use_hierarchy: files[6],
            memsw_limit_in_bytes: files[7],
            pressure: files[8],
        }),
        Version::V2 => Snapshot::from_v2(&V2Files {
            current: usage,
            max: files[1],
            high: files[2],
            peak: files[3],
            stat: files[4],
            events: files[5],
            swap_current: files[6],
            swap_max: files[7],
            pressure: files[8],
            ancestors_limit: None,
        }),
    };
    match (&from_dir, &from_bytes) {
        (Ok(a), Ok(b)) => {
            assert!(
                a == b,
                "read_dir and from_bytes disagree: {}",
                diff_debug(a, b)
            );
            check_snapshot(a);
        }
        (Err(memcg_core::ReadError::Parse { path, error }), Err(b)) => {
            assert_eq!(error, b, "read_dir and from_bytes report different errors");
            let i = names
                .iter()
                .position(|n| path.file_name().is_some_and(|f| f == *n))
                .unwrap_or_else(|| panic!("error names a file not read: {path:?}"));
            let bytes = files[i].expect("error names an absent file");
            check_error(error.kind, bytes, error);
        }
        (a, b) => panic!("read_dir gave {a:?}, from_bytes gave {b:?}"),
    }
    let mut sampler = memcg_core::sampler::Sampler::open(dir).expect("Sampler::open");
    assert_eq!(sampler.version(), version);
    for _ in 0..2 {
        let s = sampler.read();
        match (&s, &from_dir) {
            (Ok(a), Ok(b)) => assert!(a == b, "Sampler and read_dir: {}", diff_debug(a, b)),
            (Err(a), Err(b)) => assert_eq!(a.parse_error(), b.parse_error()),
            (a, b) => panic!("Sampler gave {a:?}, read_dir gave {b:?}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The LeakDetector.

struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn u8(&mut self) -> Option<u8> {
        let (b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(*b)
    }
    fn u64(&mut self) -> Option<u64> {
        let mut a = [0u8; 8];
        for x in &mut a {
            *x = self.u8()?;
        }
        Some(u64::from_le_bytes(a))
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes([self.u8()?, self.u8()?]))
    }
    /// A size: small steps most of the time, any u64 sometimes.
    fn size(&mut self, prev: u64) -> Option<u64> {
        let m = self.u8()?;
        Some(match m & 3 {
            0 => self.u64()?,
            1 => prev.saturating_add(u64::from(self.u16()?) << (m >> 4)),
            2 => prev.saturating_sub(u64::from(self.u16()?) << (m >> 4)),
            _ => prev,
        })
    }
}

/// What one sample of the generated stream looks like.
struct Gen {
    version: Version,
    usage: u64,
    anon: u64,
    shmem: u64,
    swap: u64,
    limit: Option<Limit>,
    high: Option<Limit>,
    oom: u64,
}

fn limit_of(c: &mut Cursor<'_>, prev: Option<Limit>) -> Option<Option<Limit>> {
    let m = c.u8()?;
    Some(match m % 5 {
        0 => None,
        1 => Some(Limit::Unlimited),
        2 => Some(Limit::Bytes(c.u64()?)),
        3 => Some(Limit::Bytes(u64::from(c.u16()?) << 20)),
        _ => prev,
    })
}

fn snapshot_of(g: &Gen) -> Snapshot {
    let stat = match g.version {
        Version::V2 => {
            let mut s = v2::MemoryStat::default();
            s.set(b"anon", g.anon);
            s.set(b"shmem", g.shmem);
            s.set(b"file", g.usage.saturating_sub(g.anon));
            Stat::V2(s)
        }
        Version::V1 => {
            let mut s = v1::MemoryStat::default();
            s.set(b"total_rss", g.anon);
            s.set(b"total_shmem", g.shmem);
            s.set(b"total_swap", g.swap);
            Stat::V1(s)
        }
    };
    Snapshot {
        version: g.version,
        usage_bytes: g.usage,
        limit_bytes: g.limit,
        effective_limit_bytes: g.limit,
        high_limit_bytes: g.high,
        swap_limit_bytes: None,
        peak_bytes: Some(g.usage),
        working_set_bytes: g.usage,
        anon_bytes: Some(g.anon),
        file_bytes: Some(g.usage.saturating_sub(g.anon)),
        shmem_bytes: Some(g.shmem),
        swap_bytes: Some(g.swap),
        oom_kills: Some(g.oom),
        max_events: Some(0),
        high_events: None,
        pressure: None,
        stat,
        extra_stat: memcg_core::ExtraStat::default(),
    }
}

/// A configuration field: the default most of the time, else anything (NaN, infinities,
/// zero, negatives, huge values).
fn weird_f64(c: &mut Cursor<'_>, default: f64) -> f64 {
    match c.u8().unwrap_or(0) % 8 {
        0 => f64::NAN,
        1 => f64::INFINITY,
        2 => -1.0,
        3 => 0.0,
        4 => c.u64().map_or(default, f64::from_bits),
        5 => default * f64::from(c.u8().unwrap_or(1)) / 16.0,
        _ => default,
    }
}

fn config_of(c: &mut Cursor<'_>) -> memcg_core::trend::DetectorConfig {
    let d = memcg_core::trend::DetectorConfig::default();
    memcg_core::trend::DetectorConfig {
        min_age_s: weird_f64(c, d.min_age_s),
        max_window_s: weird_f64(c, d.max_window_s),
        min_growth_bytes: match c.u8().unwrap_or(0) % 4 {
            0 => 0,
            1 => c.u64().unwrap_or(u64::MAX),
            _ => d.min_growth_bytes,
        },
        min_limit_share: weird_f64(c, d.min_limit_share),
        restart_drop_fraction: weird_f64(c, d.restart_drop_fraction),
        use_swap: c.u8().unwrap_or(1) & 1 == 1,
        floor_min_window_s: weird_f64(c, d.floor_min_window_s),
        fall_fraction: weird_f64(c, d.fall_fraction),
        horizon_share: weird_f64(c, d.horizon_share),
        horizon_cap_s: weird_f64(c, d.horizon_cap_s),
        imminent_horizon_s: weird_f64(c, d.imminent_horizon_s),
        imminent_fill: weird_f64(c, d.imminent_fill),
    }
}

/// Every float of an Assessment must be finite.
pub fn check_assessment(a: &Assessment) {
    let fields = [
        ("slope_bytes_per_s", Some(a.slope_bytes_per_s)),
        ("slope_low", Some(a.slope_low)),
        ("slope_high", Some(a.slope_high)),
        ("time_to_limit_s", a.time_to_limit_s),
        ("time_to_limit_low_s", a.time_to_limit_low_s),
        ("time_to_limit_high_s", a.time_to_limit_high_s),
        ("time_to_high_s", a.time_to_high_s),
        ("onset_s", a.onset_s),
        ("age_s", Some(a.age_s)),
    ];
    for (name, v) in fields {
        if let Some(v) = v {
            assert!(v.is_finite(), "Assessment.{name} = {v}: {a:?}");
        }
    }
    for (name, v) in [
        ("time_to_limit_s", a.time_to_limit_s),
        ("time_to_high_s", a.time_to_high_s),
    ] {
        if let Some(v) = v {
            assert!(v >= 0.0, "Assessment.{name} = {v} is negative: {a:?}");
        }
    }
    assert!(a.age_s >= 0.0, "negative age: {a:?}");
    assert_eq!(a.leak, a.state == memcg_core::trend::State::Leaking);
}

/// Feeds the LeakDetector an arbitrary stream of (t, Snapshot): no panic, no NaN or infinity
/// in any output, a time that goes backwards or is not finite is an error that leaves the
/// state unchanged.
pub fn detector(data: &[u8]) {
    let mut c = Cursor(data);
    let Some(first) = c.u8() else { return };
    let version = if first & 1 == 1 {
        Version::V2
    } else {
        Version::V1
    };
    let mut det = if first & 2 != 0 {
        LeakDetector::new(config_of(&mut c))
    } else {
        LeakDetector::default()
    };
    let mut last_oom: Option<u64> = None;
    let mut g = Gen {
        version,
        usage: 64 << 20,
        anon: 32 << 20,
        shmem: 0,
        swap: 0,
        limit: Some(Limit::Bytes(512 << 20)),
        high: None,
        oom: 0,
    };
    let mut last_ok: Option<f64> = None;
    let mut t = 0.0f64;
    let mut steps = 0;
    while !c.0.is_empty() && steps < 1024 {
        steps += 1;
        let Some(op) = c.u8() else { break };
        // Time: mostly forward steps, sometimes an arbitrary f64 (NaN, infinities, negatives,
        // subnormals, huge values).
        t = match op & 7 {
            0 => match c.u64() {
                Some(bits) => f64::from_bits(bits),
                None => break,
            },
            1 => t - f64::from(c.u8().unwrap_or(1)),
            2 => t,
            _ => t + f64::from(c.u16().unwrap_or(1)) / 16.0,
        };
        if op & 8 != 0 {
            let Some(u) = c.size(g.usage) else { break };
            g.usage = u;
        }
        if op & 16 != 0 {
            let Some(a) = c.size(g.anon) else { break };
            g.anon = a;
        }
        if op & 32 != 0 {
            let Some(m) = c.u8() else { break };
            match m & 3 {
                0 => g.shmem = c.size(g.shmem).unwrap_or(0),
                1 => g.swap = c.size(g.swap).unwrap_or(0),
                2 => g.limit = limit_of(&mut c, g.limit).unwrap_or(None),
                _ => g.high = limit_of(&mut c, g.high).unwrap_or(None),
            }
        }
        if op & 64 != 0 {
            // An OOM kill (or, rarely, a counter that jumps anywhere).
            g.oom = if op & 128 != 0 {
                c.u64().unwrap_or(0)
            } else {
                g.oom.saturating_add(1)
            };
        }
        let snap = snapshot_of(&g);
        let before = det.clone();
        match det.update(t, &snap) {
            Ok(a) => {
                assert!(t.is_finite(), "non-finite time {t} accepted");
                if let Some(p) = last_ok {
                    assert!(t >= p, "time went backwards ({p} -> {t}) without an error");
                }
                last_ok = Some(t);
                check_assessment(&a);
                if last_oom.is_some_and(|o| g.oom > o) {
                    assert_eq!(
                        a.age_s, 0.0,
                        "an OOM kill did not reset the detector: {a:?}"
                    );
                    assert!(!a.leak, "a leak verdict right after a restart: {a:?}");
                }
                last_oom = Some(g.oom);
            }
            Err(e) => {
                match e {
                    TrendError::NonFiniteTime => {
                        assert!(!t.is_finite(), "finite time {t} refused as non-finite")
                    }
                    TrendError::TimeWentBackwards { previous, t: bad } => {
                        assert!(t.is_finite());
                        assert_eq!(bad.to_bits(), t.to_bits());
                        assert_eq!(Some(previous), last_ok, "previous time");
                        assert!(bad < previous, "{bad} after {previous} refused");
                    }
                    _ => {}
                }
                let _ = e.to_string();
                // The state is unchanged: the next valid sample gives the same answer from the
                // detector as from its copy taken before the refused sample.
                if let Some(p) = last_ok {
                    let mut copy = before;
                    let next = p + 1.0;
                    let a = det
                        .update(next, &snap)
                        .expect("a valid sample after an error");
                    let b = copy.update(next, &snap).expect("a valid sample");
                    assert_eq!(a, b, "a refused sample changed the detector's state");
                    check_assessment(&a);
                    last_ok = Some(next);
                    last_oom = Some(g.oom);
                    t = next;
                }
            }
        }
    }
}
