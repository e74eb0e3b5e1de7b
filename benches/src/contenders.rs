//! The registry of benchmark groups and their contenders, shared by the criterion benches
//! (which time them) and the `report` binary (which counts their allocations and prints the
//! table). One group = one file (or one sample), several ways to read it, one baseline.

use std::fs::File;
use std::hint::black_box;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use memcg_core::sampler::Sampler;
use memcg_core::trend::LeakDetector;
use memcg_core::{v1, v2, Pressure, Snapshot, V1Files, V2Files};

use crate::baseline::{self as bl, V1Oom, V1Stat, V2Events, V2Stat};
use crate::fixtures::{self, load, load_in, V1_DIR, V2_DIR};

/// Which bench target a group belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suite {
    /// File parsers on bytes (`benches/parsers.rs`).
    Parse,
    /// A Snapshot from the bytes of a directory's files (`benches/snapshot.rs`).
    Snapshot,
    /// Sampling a live cgroup of this machine (`benches/sampler.rs`).
    Sampler,
    /// The trend estimators and the detector (`benches/trend.rs`).
    Trend,
}

/// What one iteration of a group processes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// One pass over this many bytes of file content (criterion `Throughput::Bytes`).
    Bytes(u64),
    /// One pass over this many samples; the report divides the time by it (criterion
    /// `Throughput::Elements`).
    Samples(u64),
}

/// One way of doing a group's work.
pub struct Contender {
    /// Criterion function id (`[a-z0-9_]`), also the row name in the report.
    pub id: &'static str,
    /// One line: what it does.
    pub about: &'static str,
    /// `true` for memcg's own code (the report checks these allocate nothing).
    pub memcg: bool,
    /// `true` if memcg promises zero allocations for it (the sampler's steady state, the
    /// parsers, Snapshot, the detector; not `Snapshot::read_dir`).
    pub zero_alloc: bool,
    body: Box<dyn FnMut(u64)>,
}

impl std::fmt::Debug for Contender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Contender")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl Contender {
    /// Runs the contender's work `iters` times back to back.
    pub fn run(&mut self, iters: u64) {
        (self.body)(iters);
    }
}

/// A benchmark group.
#[derive(Debug)]
pub struct Group {
    /// Criterion group name (`[a-z0-9_]`).
    pub name: &'static str,
    /// The bench target it belongs to.
    pub suite: Suite,
    /// What it reads (the fixture file or directory).
    pub fixture: String,
    /// Bytes or samples per iteration.
    pub unit: Unit,
    /// The id of the contender the ratios are taken against.
    pub baseline: &'static str,
    /// The contenders, memcg first.
    pub contenders: Vec<Contender>,
}

/// A contender whose work is `f(input)`, with `input` and the result passed through
/// [`black_box`] so that nothing is hoisted out of the loop or optimised away.
fn on_bytes<T>(
    id: &'static str,
    about: &'static str,
    memcg: bool,
    input: &[u8],
    mut f: impl FnMut(&[u8]) -> T + 'static,
) -> Contender {
    let input = input.to_vec();
    Contender {
        id,
        about,
        memcg,
        zero_alloc: memcg,
        body: Box::new(move |n| {
            for _ in 0..n {
                black_box(f(black_box(&input[..])));
            }
        }),
    }
}

/// A memcg parser contender: like [`on_bytes`], after checking that the parse succeeds on
/// this input (a benchmark of the error path would flatter it).
fn memcg_parse<T, E: std::fmt::Debug>(
    about: &'static str,
    input: &[u8],
    mut f: impl FnMut(&[u8]) -> Result<T, E> + 'static,
) -> Contender {
    if let Err(e) = f(input) {
        panic!("{about}: the fixture does not parse: {e:?}");
    }
    on_bytes("memcg", about, true, input, f)
}

/// A C ABI parse contender: `parse` (one of the `memcg_*_parse` exports, called through the
/// `memcg` rlib exactly as C calls `libmemcg`) into a caller-owned `T`: the FFI overhead beside
/// the Rust parse of the same bytes.
fn ffi_parse<T: Default + 'static>(
    about: &'static str,
    input: &[u8],
    parse: unsafe extern "C" fn(
        *const u8,
        usize,
        *mut T,
        *mut memcg::memcg_parse_error,
    ) -> memcg::memcg_status,
) -> Contender {
    let input = input.to_vec();
    let mut out = T::default();
    Contender {
        id: "memcg_ffi",
        about,
        memcg: true,
        zero_alloc: true,
        body: Box::new(move |n| {
            for _ in 0..n {
                let data = black_box(&input[..]);
                // SAFETY: `data` is valid for `len` bytes, `out` is a valid, writable struct,
                // `err_out` may be NULL.
                let st =
                    unsafe { parse(data.as_ptr(), data.len(), &mut out, std::ptr::null_mut()) };
                black_box((st, &out));
            }
        }),
    }
}

/// A contender with its own state (files, a sampler…).
fn stateful(
    id: &'static str,
    about: &'static str,
    memcg: bool,
    zero_alloc: bool,
    mut f: impl FnMut() + 'static,
) -> Contender {
    Contender {
        id,
        about,
        memcg,
        zero_alloc,
        body: Box::new(move |n| {
            for _ in 0..n {
                f();
            }
        }),
    }
}

fn utf8(b: &[u8]) -> &str {
    std::str::from_utf8(b).unwrap_or("")
}

/// Writes `bytes` to a scratch file and opens it, for the cgroups-rs public function that
/// takes a `File`.
fn scratch_file(name: &str, bytes: &[u8]) -> File {
    let dir = std::env::temp_dir().join(format!("memcg-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("scratch file");
    let f = File::open(&p).expect("scratch file");
    let _ = std::fs::remove_file(&p);
    let _ = std::fs::remove_dir(&dir);
    f
}

fn file_group(
    name: &'static str,
    rel: String,
    baseline: &'static str,
    contenders: impl FnOnce(&[u8]) -> Vec<Contender>,
) -> Group {
    let bytes = load(&rel);
    Group {
        name,
        suite: Suite::Parse,
        unit: Unit::Bytes(bytes.len() as u64),
        fixture: rel,
        baseline,
        contenders: contenders(&bytes),
    }
}

fn keyed_baselines<T: bl::ScalarKeys + 'static>(name: &'static str, b: &[u8]) -> Vec<Contender> {
    let file = scratch_file(name, b);
    vec![
        on_bytes(
            "scalar",
            "hand-written: memchr lines, hand-rolled u64, match into a fixed struct",
            false,
            b,
            bl::scalar_keyed::<T>,
        ),
        on_bytes(
            "naive",
            "lines() + split_whitespace() + HashMap<String, u64>",
            false,
            b,
            bl::naive_keyed,
        ),
        on_bytes(
            "cgroups_rs_loop",
            "cgroups-rs flat_keyed_to_hashmap's parse loop, verbatim, on the bytes",
            false,
            b,
            |b| bl::cgroups_rs_flat_keyed_loop(utf8(b)),
        ),
        stateful(
            "cgroups_rs_public",
            "cgroups_rs::flat_keyed_to_hashmap(File): dup + rewind + read + parse",
            false,
            false,
            move || {
                black_box(bl::cgroups_rs_public_flat_keyed(&file));
            },
        ),
    ]
}

/// The parser groups: every file kind on a real corpus file.
#[must_use]
pub fn parse_groups() -> Vec<Group> {
    let v2 = |n: &str| format!("{V2_DIR}/{n}");
    let v1 = |n: &str| format!("{V1_DIR}/{n}");
    vec![
        file_group("v2_memory_stat", v2("memory.stat"), "scalar", |b| {
            let mut c = vec![memcg_parse(
                "memcg_core::v2::MemoryStat::parse",
                b,
                v2::MemoryStat::parse,
            )];
            c.push(ffi_parse(
                "C ABI memcg_v2_memory_stat_parse into a caller-owned struct",
                b,
                memcg::memcg_v2_memory_stat_parse,
            ));
            c.extend(keyed_baselines::<V2Stat>("v2.stat", b));
            c
        }),
        file_group("v1_memory_stat", v1("memory.stat"), "scalar", |b| {
            let mut c = vec![memcg_parse(
                "memcg_core::v1::MemoryStat::parse",
                b,
                v1::MemoryStat::parse,
            )];
            c.push(ffi_parse(
                "C ABI memcg_v1_memory_stat_parse into a caller-owned struct",
                b,
                memcg::memcg_v1_memory_stat_parse,
            ));
            c.extend(keyed_baselines::<V1Stat>("v1.stat", b));
            c
        }),
        file_group("v2_memory_events", v2("memory.events"), "scalar", |b| {
            let mut c = vec![memcg_parse(
                "memcg_core::v2::MemoryEvents::parse",
                b,
                v2::MemoryEvents::parse,
            )];
            c.extend(keyed_baselines::<V2Events>("v2.events", b));
            c
        }),
        file_group("v1_oom_control", v1("memory.oom_control"), "scalar", |b| {
            let mut c = vec![memcg_parse(
                "memcg_core::v1::OomControl::parse",
                b,
                v1::OomControl::parse,
            )];
            c.extend(keyed_baselines::<V1Oom>("v1.oom", b));
            c
        }),
        file_group("pressure", v2("memory.pressure"), "scalar", |b| {
            vec![
                memcg_parse("memcg_core::Pressure::parse", b, Pressure::parse),
                on_bytes(
                    "scalar",
                    "hand-written: memchr lines, key=value tokens, hand-rolled numbers",
                    false,
                    b,
                    bl::scalar_pressure,
                ),
                on_bytes(
                    "naive",
                    "split_whitespace() + split_once('=') + parse::<f64> into maps",
                    false,
                    b,
                    bl::naive_pressure,
                ),
            ]
        }),
        file_group("v2_numa_stat", v2("memory.numa_stat"), "scalar", |b| {
            vec![
                memcg_parse("memcg_core::v2::NumaStat::parse", b, v2::NumaStat::parse),
                on_bytes(
                    "scalar",
                    "hand-written: memchr lines and '=', sums into a fixed array",
                    false,
                    b,
                    |b| bl::scalar_numa(b).map(|l| (l.key.len(), l.total, l.nodes)),
                ),
                on_bytes(
                    "naive",
                    "split_whitespace() + split_once('=') into nested HashMaps",
                    false,
                    b,
                    bl::naive_nested,
                ),
                on_bytes(
                    "cgroups_rs_loop",
                    "cgroups-rs nested_keyed_to_hashmap's parse loop, verbatim",
                    false,
                    b,
                    |b| bl::cgroups_rs_nested_keyed_loop(utf8(b)),
                ),
            ]
        }),
        file_group("v1_numa_stat", v1("memory.numa_stat"), "scalar", |b| {
            vec![
                memcg_parse("memcg_core::v1::NumaStat::parse", b, v1::NumaStat::parse),
                on_bytes(
                    "scalar",
                    "hand-written: memchr lines and '=', into a fixed array",
                    false,
                    b,
                    |b| bl::scalar_numa(b).map(|l| (l.key.len(), l.total, l.nodes)),
                ),
                on_bytes(
                    "naive",
                    "split_whitespace() + split_once('=') into nested HashMaps",
                    false,
                    b,
                    bl::naive_nested,
                ),
            ]
        }),
        file_group("v2_memory_current", v2("memory.current"), "bare_u64", |b| {
            vec![
                memcg_parse(
                    "memcg_core::v2::MemoryCurrent::parse",
                    b,
                    v2::MemoryCurrent::parse,
                ),
                on_bytes(
                    "bare_u64",
                    "from_utf8 + trim_end + str::parse::<u64>",
                    false,
                    b,
                    bl::bare_u64,
                ),
                on_bytes(
                    "scalar_u64",
                    "hand-rolled digit loop, no checks",
                    false,
                    b,
                    bl::scalar_u64,
                ),
            ]
        }),
        file_group("v2_memory_max", v2("memory.max"), "bare_u64", |b| {
            vec![
                memcg_parse("memcg_core::v2::MemoryMax::parse", b, v2::MemoryMax::parse),
                on_bytes(
                    "bare_u64",
                    "from_utf8 + trim_end + (\"max\" or str::parse::<u64>)",
                    false,
                    b,
                    bl::bare_v2_limit,
                ),
                on_bytes(
                    "cgroups_rs",
                    "cgroups_rs::parse_max_value (after from_utf8)",
                    false,
                    b,
                    bl::cgroups_rs_max_value,
                ),
            ]
        }),
        file_group(
            "v1_limit_in_bytes",
            v1("memory.soft_limit_in_bytes"),
            "bare_u64",
            |b| {
                vec![
                    memcg_parse(
                        "memcg_core::v1::SoftLimitInBytes::parse (19 digits, unlimited)",
                        b,
                        v1::SoftLimitInBytes::parse,
                    ),
                    on_bytes(
                        "bare_u64",
                        "from_utf8 + trim_end + str::parse::<u64> + the 2^62 cut",
                        false,
                        b,
                        |b| bl::bare_u64(b).map(|v| v >= 1 << 62),
                    ),
                    on_bytes(
                        "scalar_u64",
                        "hand-rolled digit loop, no checks",
                        false,
                        b,
                        bl::scalar_u64,
                    ),
                ]
            },
        ),
    ]
}

const V2_SNAPSHOT_FILES: [&str; 9] = [
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

const V1_SNAPSHOT_FILES: [&str; 9] = [
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

fn o(x: &Option<Vec<u8>>) -> Option<&[u8]> {
    x.as_deref()
}

fn load_files(dir: &str, names: &[&str; 9]) -> [Option<Vec<u8>>; 9] {
    names.map(|n| load_in(dir, n))
}

fn total(files: &[Option<Vec<u8>>; 9]) -> u64 {
    files.iter().flatten().map(|f| f.len() as u64).sum()
}

/// The Snapshot groups: a whole Snapshot from the bytes of a real directory's files.
#[must_use]
pub fn snapshot_groups() -> Vec<Group> {
    let v2f = load_files(V2_DIR, &V2_SNAPSHOT_FILES);
    let v1f = load_files(V1_DIR, &V1_SNAPSHOT_FILES);
    let (a, b, c) = (v2f.clone(), v2f.clone(), v2f.clone());
    let (d, e, f) = (v1f.clone(), v1f.clone(), v1f.clone());
    vec![
        Group {
            name: "snapshot_v2_from_bytes",
            suite: Suite::Snapshot,
            fixture: format!("{V2_DIR}/{{{}}}", V2_SNAPSHOT_FILES.join(",")),
            unit: Unit::Bytes(total(&v2f)),
            baseline: "scalar",
            contenders: vec![
                stateful(
                    "memcg",
                    "memcg_core::Snapshot::from_v2 over the 9 files",
                    true,
                    true,
                    move || {
                        black_box(
                            Snapshot::from_v2(black_box(&V2Files {
                                current: a[0].as_deref().unwrap_or_default(),
                                max: o(&a[1]),
                                high: o(&a[2]),
                                peak: o(&a[3]),
                                stat: o(&a[4]),
                                events: o(&a[5]),
                                swap_current: o(&a[6]),
                                swap_max: o(&a[7]),
                                pressure: o(&a[8]),
                                ancestors_limit: None,
                            }))
                            .ok(),
                        );
                    },
                ),
                stateful(
                    "scalar",
                    "scalar baselines over the same 9 files",
                    false,
                    false,
                    move || {
                        let f = black_box(&b);
                        black_box((
                            f[0].as_deref().map(bl::scalar_u64),
                            f[1].as_deref().map(bl::bare_v2_limit),
                            f[2].as_deref().map(bl::bare_v2_limit),
                            f[3].as_deref().map(bl::scalar_u64),
                            f[4].as_deref().map(bl::scalar_keyed::<V2Stat>),
                            f[5].as_deref().map(bl::scalar_keyed::<V2Events>),
                            f[6].as_deref().map(bl::scalar_u64),
                            f[7].as_deref().map(bl::bare_v2_limit),
                            f[8].as_deref().map(bl::scalar_pressure),
                        ));
                    },
                ),
                stateful(
                    "naive",
                    "naive baselines (HashMaps, str::parse) over the same 9 files",
                    false,
                    false,
                    move || {
                        let f = black_box(&c);
                        black_box((
                            f[0].as_deref().map(bl::bare_u64),
                            f[1].as_deref().map(bl::bare_v2_limit),
                            f[2].as_deref().map(bl::bare_v2_limit),
                            f[3].as_deref().map(bl::bare_u64),
                            f[4].as_deref().map(bl::naive_keyed),
                            f[5].as_deref().map(bl::naive_keyed),
                            f[6].as_deref().map(bl::bare_u64),
                            f[7].as_deref().map(bl::bare_v2_limit),
                            f[8].as_deref().map(bl::naive_pressure),
                        ));
                    },
                ),
            ],
        },
        Group {
            name: "snapshot_v1_from_bytes",
            suite: Suite::Snapshot,
            fixture: format!("{V1_DIR}/{{{}}}", V1_SNAPSHOT_FILES.join(",")),
            unit: Unit::Bytes(total(&v1f)),
            baseline: "scalar",
            contenders: vec![
                stateful(
                    "memcg",
                    "memcg_core::Snapshot::from_v1 over the 8 files present",
                    true,
                    true,
                    move || {
                        black_box(
                            Snapshot::from_v1(black_box(&V1Files {
                                usage_in_bytes: d[0].as_deref().unwrap_or_default(),
                                limit_in_bytes: o(&d[1]),
                                max_usage_in_bytes: o(&d[2]),
                                failcnt: o(&d[3]),
                                stat: o(&d[4]),
                                oom_control: o(&d[5]),
                                use_hierarchy: o(&d[6]),
                                memsw_limit_in_bytes: o(&d[7]),
                                pressure: o(&d[8]),
                            }))
                            .ok(),
                        );
                    },
                ),
                stateful(
                    "scalar",
                    "scalar baselines over the same files",
                    false,
                    false,
                    move || {
                        let f = black_box(&e);
                        black_box((
                            f[0].as_deref().map(bl::scalar_u64),
                            f[1].as_deref().map(bl::scalar_u64),
                            f[2].as_deref().map(bl::scalar_u64),
                            f[3].as_deref().map(bl::scalar_u64),
                            f[4].as_deref().map(bl::scalar_keyed::<V1Stat>),
                            f[5].as_deref().map(bl::scalar_keyed::<V1Oom>),
                            f[6].as_deref().map(bl::scalar_u64),
                            f[7].as_deref().map(bl::scalar_u64),
                            f[8].as_deref().map(bl::scalar_pressure),
                        ));
                    },
                ),
                stateful(
                    "naive",
                    "naive baselines (HashMaps, str::parse) over the same files",
                    false,
                    false,
                    move || {
                        let f = black_box(&f);
                        black_box((
                            f[0].as_deref().map(bl::bare_u64),
                            f[1].as_deref().map(bl::bare_u64),
                            f[2].as_deref().map(bl::bare_u64),
                            f[3].as_deref().map(bl::bare_u64),
                            f[4].as_deref().map(bl::naive_keyed),
                            f[5].as_deref().map(bl::naive_keyed),
                            f[6].as_deref().map(bl::bare_u64),
                            f[7].as_deref().map(bl::bare_u64),
                            f[8].as_deref().map(bl::naive_pressure),
                        ));
                    },
                ),
            ],
        },
    ]
}

/// The kept-open files of `dir` a Sampler reads (those present), for the pread baselines.
fn open_present(dir: &Path, names: &[&str; 9]) -> Vec<File> {
    names
        .iter()
        .filter_map(|n| File::open(dir.join(n)).ok())
        .collect()
}

/// The sampler group on the live cgroup ([`fixtures::live_cgroup`]); empty if there is none.
#[must_use]
pub fn sampler_groups() -> Vec<Group> {
    let Some(dir) = fixtures::live_cgroup() else {
        eprintln!("memcg benches: no live memory cgroup found; the sampler group is skipped (set MEMCG_BENCH_CGROUP)");
        return Vec::new();
    };
    let Ok(mut sampler) = Sampler::open(&dir) else {
        eprintln!(
            "memcg benches: cannot open {}; the sampler group is skipped",
            dir.display()
        );
        return Vec::new();
    };
    let v1 = sampler.version() == memcg_core::Version::V1;
    let names = if v1 {
        &V1_SNAPSHOT_FILES
    } else {
        &V2_SNAPSHOT_FILES
    };
    let files = open_present(&dir, names);
    let files2 = open_present(&dir, names);
    let mut buf = vec![0u8; 1 << 16];
    let bytes: u64 = files
        .iter()
        .map(|f| f.read_at(&mut buf, 0).unwrap_or(0) as u64)
        .sum();
    let nfiles = files.len();
    let _ = sampler.read();
    let mut sampler_into = match Sampler::open(&dir) {
        Ok(s) => s,
        Err(e) => panic!(
            "the sampler opened {} once and not twice: {e}",
            dir.display()
        ),
    };
    let mut snap = sampler_into.read().ok();
    let (d1, d2): (PathBuf, PathBuf) = (dir.clone(), dir.clone());
    let mut buf1 = vec![0u8; 4096];
    let mut buf2 = vec![0u8; 4096];
    let name = if v1 {
        "sampler_v1_live"
    } else {
        "sampler_v2_live"
    };
    let mut contenders = vec![
        stateful(
            "memcg_sampler",
            "memcg_core::sampler::Sampler::read: pread into kept buffers + Snapshot",
            true,
            true,
            move || {
                black_box(sampler.read().ok());
            },
        ),
        stateful(
            "memcg_sampler_into",
            "memcg_core::sampler::Sampler::read_into: the same, refilling one Snapshot in place",
            true,
            true,
            move || {
                if let Some(s) = snap.as_mut() {
                    black_box(sampler_into.read_into(s).ok());
                }
                black_box(&snap);
            },
        ),
        stateful(
            "memcg_read_dir",
            "memcg_core::Snapshot::read_dir: open + read + close each file + Snapshot",
            true,
            false,
            move || {
                black_box(Snapshot::read_dir(&d1).ok());
            },
        ),
        stateful(
            "preads",
            "the raw cost: one pread per file the Snapshot needs, no parse",
            false,
            false,
            move || {
                for f in &files {
                    black_box(f.read_at(black_box(&mut buf1), 0).ok());
                }
            },
        ),
        stateful(
            "preads_to_eof",
            "pread per file until it returns 0 (what a reader that checks for EOF pays)",
            false,
            false,
            move || {
                for f in &files2 {
                    let n = f.read_at(black_box(&mut buf2), 0).unwrap_or(0);
                    black_box(f.read_at(&mut buf2[n..], n as u64).ok());
                }
            },
        ),
    ];
    // What a sampler with one pread per file would cost: the same preads, then the same
    // Snapshot from the bytes (a diagnostic for the gap between the two above).
    let mut kept: Vec<(usize, File, Vec<u8>, usize)> = names
        .iter()
        .enumerate()
        .filter_map(|(i, n)| Some((i, File::open(dir.join(n)).ok()?, vec![0u8; 4096], 0)))
        .collect();
    contenders.push(stateful(
        "preads_then_parse",
        "one pread per file, then Snapshot::from_v1/from_v2 on the bytes",
        false,
        false,
        move || {
            let mut got: [Option<&[u8]>; 9] = [None; 9];
            for (i, f, b, n) in &mut kept {
                *n = f.read_at(b, 0).unwrap_or(0);
                got[*i] = Some(&b[..*n]);
            }
            let snap = if v1 {
                Snapshot::from_v1(&V1Files {
                    usage_in_bytes: got[0].unwrap_or_default(),
                    limit_in_bytes: got[1],
                    max_usage_in_bytes: got[2],
                    failcnt: got[3],
                    stat: got[4],
                    oom_control: got[5],
                    use_hierarchy: got[6],
                    memsw_limit_in_bytes: got[7],
                    pressure: got[8],
                })
            } else {
                Snapshot::from_v2(&V2Files {
                    current: got[0].unwrap_or_default(),
                    max: got[1],
                    high: got[2],
                    peak: got[3],
                    stat: got[4],
                    events: got[5],
                    swap_current: got[6],
                    swap_max: got[7],
                    pressure: got[8],
                    ancestors_limit: None,
                })
            };
            black_box(snap.ok());
        },
    ));
    if v1 {
        let ctl = cgroups_rs::memory::MemController::new(d2, false);
        contenders.push(stateful(
            "cgroups_rs",
            "cgroups_rs MemController::memory_stat (opens and parses 12 files)",
            false,
            false,
            move || {
                black_box(ctl.memory_stat());
            },
        ));
    }
    vec![Group {
        name,
        suite: Suite::Sampler,
        fixture: format!("{} ({nfiles} files)", dir.display()),
        unit: Unit::Bytes(bytes),
        baseline: "preads",
        contenders,
    }]
}

/// A per-sample contender over the trace's signal (`unreclaimable_bytes` as `f64`).
fn per_sample<S: 'static>(
    id: &'static str,
    about: &'static str,
    signal: &[(f64, f64)],
    fresh: impl Fn() -> S + 'static,
    mut step: impl FnMut(&mut S, f64, f64) + 'static,
) -> Contender {
    let signal = signal.to_vec();
    stateful(id, about, true, true, move || {
        let mut st = fresh();
        for &(t, y) in &signal {
            step(&mut st, black_box(t), black_box(y));
        }
        black_box(&st);
    })
}

/// The trend group: the detector and each estimator, per sample, over a real v2 trace.
#[must_use]
pub fn trend_groups() -> Vec<Group> {
    use memcg_core::trend::{
        mann_kendall, time_to_limit, FloorTracker, Holt, OnsetDetector, TheilSen, WindowedOls,
    };
    let samples = crate::trace::load_v2_trace(fixtures::TRACE);
    let n = samples.len() as u64;
    let s1 = samples.clone();
    let signal: Vec<(f64, f64)> = samples
        .iter()
        .map(|(t, s)| (*t, s.unreclaimable_bytes() as f64))
        .collect();
    let limit = samples
        .iter()
        .find_map(|(_, s)| s.effective_limit_bytes.and_then(|l| l.bytes()))
        .unwrap_or(u64::MAX) as f64;
    vec![Group {
        name: "trend",
        suite: Suite::Trend,
        fixture: format!("{} ({n} samples)", fixtures::TRACE),
        unit: Unit::Samples(n),
        baseline: "signal_only",
        contenders: vec![
            stateful(
                "leak_detector",
                "memcg_core::trend::LeakDetector::update (default config)",
                true,
                true,
                move || {
                    let mut d = LeakDetector::default();
                    for (t, s) in &samples {
                        black_box(d.update(*t, black_box(s)).ok());
                    }
                },
            ),
            per_sample(
                "windowed_ols",
                "WindowedOls<64> (60 s window): push + fit",
                &signal,
                || WindowedOls::<64>::new(60.0),
                |o, t, y| {
                    o.push(t, y);
                    black_box(o.fit());
                },
            ),
            per_sample(
                "holt",
                "Holt (2 s, 5 s): update + trend",
                &signal,
                || Holt::new(2.0, 5.0),
                |h, t, y| {
                    h.update(t, y);
                    black_box(h.trend());
                },
            ),
            per_sample(
                "theil_sen",
                "TheilSen<32>: push + slope (O(N^2) pairs)",
                &signal,
                TheilSen::<32>::new,
                |ts, t, y| {
                    ts.push(t, y);
                    black_box(ts.slope());
                },
            ),
            per_sample(
                "mann_kendall",
                "mann_kendall over the last 32 values",
                &signal,
                || ([0f64; 32], 0usize),
                |(w, i), _t, y| {
                    w[*i % 32] = y;
                    *i += 1;
                    black_box(mann_kendall(&w[..(*i).min(32)]));
                },
            ),
            per_sample(
                "floor",
                "FloorTracker<32> (the detector's parameters): update + floor",
                &signal,
                || FloorTracker::<32>::new(0.2, 1_048_576.0, 5.0, 720.0, 1.5),
                |f, t, y| {
                    f.update(t, y);
                    black_box(f.floor());
                },
            ),
            per_sample(
                "onset",
                "OnsetDetector (Page-Hinkley): update",
                &signal,
                || OnsetDetector::new(4096.0, 8_388_608.0, 10.0),
                |o, t, y| {
                    black_box(o.update(t, y));
                },
            ),
            per_sample(
                "projection",
                "time_to_limit from level and slope interval",
                &signal,
                move || limit,
                |l, _t, y| {
                    black_box(time_to_limit(y, *l, 1e5, 5e4, 2e5));
                },
            ),
            stateful(
                "signal_only",
                "Snapshot::unreclaimable_bytes alone (the signal every detector reads)",
                false,
                false,
                move || {
                    for (_, s) in &s1 {
                        black_box(black_box(s).unreclaimable_bytes());
                    }
                },
            ),
        ],
    }]
}

/// The `/proc` parser groups: `/proc/<pid>/cgroup` and `/proc/<pid>/mountinfo`.
#[must_use]
pub fn proc_groups() -> Vec<Group> {
    use memcg_core::proc::{cgroup, mountinfo};
    let mut g = vec![
        file_group(
            "proc_cgroup",
            "corpus/opencontainers-cgroups/proc-self-cgroup/hybrid/cgroup".into(),
            "scalar",
            |b| {
                vec![
                    memcg_parse("memcg_core::proc::cgroup::MemoryPaths::parse", b, |b| {
                        cgroup::MemoryPaths::parse(b)
                            .map(|p| (p.v1.map(|e| e.path.len()), p.v2.map(|e| e.path.len())))
                    }),
                    on_bytes(
                        "scalar",
                        "hand-written: memchr lines and ':', find the memory and 0:: entries",
                        false,
                        b,
                        |b| {
                            let (a, c) = bl::scalar_proc_cgroup(b);
                            (a.map(<[u8]>::len), c.map(<[u8]>::len))
                        },
                    ),
                    on_bytes(
                        "naive",
                        "lines() + splitn(3, ':') into Vec<(String, Vec<String>, String)>",
                        false,
                        b,
                        bl::naive_proc_cgroup,
                    ),
                ]
            },
        ),
        file_group(
            "proc_mountinfo",
            "corpus/opencontainers-cgroups/mountinfo/systemdMountinfo/mountinfo".into(),
            "scalar",
            |b| {
                vec![
                    memcg_parse("memcg_core::proc::mountinfo::mounts, every mount", b, |b| {
                        mountinfo::mounts(b).try_fold(0usize, |n, m| {
                            m.map(|m| n + usize::from(m.is_cgroup1() || m.is_cgroup2()))
                        })
                    }),
                    on_bytes(
                        "scalar",
                        "hand-written: memchr lines, split on ' ', find ' - ' and the fs type",
                        false,
                        b,
                        bl::scalar_mountinfo,
                    ),
                    on_bytes(
                        "naive",
                        "lines() + split_whitespace() into Vec<String> per mount",
                        false,
                        b,
                        bl::naive_mountinfo,
                    ),
                ]
            },
        ),
    ];
    for x in &mut g {
        x.suite = Suite::Parse;
    }
    g
}

/// Every group of `suite`.
#[must_use]
pub fn groups(suite: Suite) -> Vec<Group> {
    match suite {
        Suite::Parse => {
            let mut g = parse_groups();
            g.extend(proc_groups());
            g
        }
        Suite::Snapshot => snapshot_groups(),
        Suite::Sampler => {
            let mut g = sampler_groups();
            g.extend(fleet_groups());
            g
        }
        Suite::Trend => trend_groups(),
    }
}

/// Every group of every suite, in report order.
#[must_use]
pub fn all_groups() -> Vec<Group> {
    [Suite::Parse, Suite::Snapshot, Suite::Sampler, Suite::Trend]
        .into_iter()
        .flat_map(groups)
        .collect()
}

/// A generated tree of `n` v2 cgroups on a tmpfs (`/dev/shm`), removed when dropped.
struct Tree {
    root: PathBuf,
    dirs: Vec<PathBuf>,
}

impl Tree {
    /// Copies the vendored real v2 directory `v2-real-6.1/01_linear_oom/near-limit` into `n`
    /// Kubernetes-shaped cgroup directories, as `memcg-core/tests/e2e/exporter_budget.sh`
    /// does for the exporter binary. `None` (with a message) where `/dev/shm` is unusable.
    fn generate(n: usize) -> Option<Tree> {
        let src = fixtures::path("corpus/v2-real-6.1/01_linear_oom/near-limit");
        let files: Vec<(std::ffi::OsString, Vec<u8>)> = std::fs::read_dir(&src)
            .ok()?
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("memory."))
            .filter_map(|e| Some((e.file_name(), std::fs::read(e.path()).ok()?)))
            .collect();
        let root = Path::new("/dev/shm").join(format!("memcg-bench-tree-{}", std::process::id()));
        let tree = Tree {
            root: root.clone(),
            dirs: Vec::with_capacity(n),
        };
        let mut tree = tree;
        std::fs::create_dir_all(&root).ok()?;
        std::fs::write(root.join("cgroup.controllers"), "memory cpu io\n").ok()?;
        for i in 0..n {
            let d = root.join(format!(
                "kubepods.slice/pod{}.slice/cri-containerd-{i:064x}.scope",
                i % 50
            ));
            std::fs::create_dir_all(&d).ok()?;
            for (name, bytes) in &files {
                std::fs::write(d.join(name), bytes).ok()?;
            }
            tree.dirs.push(d);
        }
        Some(tree)
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Cgroups in the fleet group.
pub const FLEET_CGROUPS: usize = 1000;

/// The exporter's sampling pass over 1,000 cgroups (issue: under 5 % of one core at one pass
/// per second, i.e. a pass under 50 ms), on a tree generated on a tmpfs: what `memcg
/// exporter` does per pass, minus the label formatting of a scrape — each cgroup's kept-open
/// Sampler reads into one shared buffer and Snapshot, and its LeakDetector is updated. Beside
/// it: the same with `Snapshot::read_dir` (open-read-close) per cgroup. Per sample: one
/// cgroup. A tmpfs file costs less to read than a cgroupfs one (no text to generate); the
/// kernel's share on a real node is the sampler group's.
#[must_use]
pub fn fleet_groups() -> Vec<Group> {
    let Some(tree) = Tree::generate(FLEET_CGROUPS) else {
        eprintln!("memcg benches: cannot generate a cgroup tree under /dev/shm; the fleet group is skipped");
        return Vec::new();
    };
    let mut samplers = Vec::with_capacity(tree.dirs.len());
    for d in &tree.dirs {
        match Sampler::open(d) {
            Ok(s) => samplers.push(s),
            Err(e) => {
                eprintln!("memcg benches: {e}; the fleet group is skipped (raise `ulimit -n`?)");
                return Vec::new();
            }
        }
    }
    let mut detectors: Vec<LeakDetector> = (0..samplers.len())
        .map(|_| LeakDetector::new(memcg_core::trend::DetectorConfig::default()))
        .collect();
    let mut scratch = Vec::new();
    let mut snap = Snapshot::empty(memcg_core::Version::V2);
    let mut t = 0.0;
    let dirs = tree.dirs.clone();
    let mut pass = move || {
        t += 1.0;
        for (s, d) in samplers.iter_mut().zip(&mut detectors) {
            if s.read_into_with(&mut snap, &mut scratch).is_ok() {
                black_box(d.update(t, &snap).ok());
            }
        }
    };
    pass();
    let tree = std::sync::Arc::new(tree);
    let keep = std::sync::Arc::clone(&tree);
    vec![Group {
        name: "exporter_pass_1000",
        suite: Suite::Sampler,
        fixture: format!(
            "{} generated v2 cgroups under {}",
            FLEET_CGROUPS,
            tree.root.display()
        ),
        unit: Unit::Samples(FLEET_CGROUPS as u64),
        baseline: "memcg_exporter_pass",
        contenders: vec![
            stateful(
                "memcg_exporter_pass",
                "1,000 kept Samplers into one shared buffer + 1,000 LeakDetector::update",
                true,
                true,
                move || {
                    let _ = &keep;
                    pass();
                },
            ),
            stateful(
                "read_dir_pass",
                "1,000 Snapshot::read_dir (open + read + close per file), no detector",
                false,
                false,
                move || {
                    let _ = &tree;
                    for d in &dirs {
                        black_box(Snapshot::read_dir(d).ok());
                    }
                },
            ),
        ],
    }]
}
