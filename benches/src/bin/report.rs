//! Prints the table of medians, ratios and allocation counts from a criterion run.
//!
//! ```text
//! cargo bench -p benches                              # the full run (manual)
//! cargo run -p benches --release --bin report         # the table, as Markdown
//! cargo run -p benches --release --bin report -- --check   # allocation check only (smoke)
//! cargo run -p benches --release --bin report -- --group sampler   # only groups whose name contains "sampler"
//! ```
//!
//! Medians come from `target/criterion/<group>/<contender>/new/estimates.json` (the median of
//! the per-iteration times criterion measured); ratios are taken against the group's baseline
//! in the same run. Allocations are counted here, by running each contender under a counting
//! global allocator after one warm-up call (so the sampler's first-read buffers are not
//! counted, as its steady state is what the promise covers).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use benches::{all_groups, Group, Unit};

struct Counting;

thread_local! {
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: forwards every call to the system allocator unchanged; the thread-local counter is
// const-initialised, so touching it never allocates, and `try_with` tolerates thread teardown.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which we pass on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Calls measured per contender when counting allocations.
const ALLOC_CALLS: u64 = 8;

/// Allocations per unit of work (per file parse, per sample) of a contender.
fn allocs_per_call(g: &mut Group, i: usize) -> f64 {
    let per = match g.unit {
        Unit::Bytes(_) => 1.0,
        Unit::Samples(n) => n as f64,
    };
    let c = &mut g.contenders[i];
    c.run(1);
    let before = ALLOCS.with(Cell::get);
    c.run(ALLOC_CALLS);
    let n = ALLOCS.with(Cell::get) - before;
    n as f64 / ALLOC_CALLS as f64 / per
}

/// Interleaved ("paired") ratios: the contenders of a group take turns, a batch of about
/// `BATCH_NS` each per round, in a rotating order, for `ROUNDS` rounds; each round gives
/// each contender's time divided by the baseline's time in that same round, and the median
/// over the rounds is kept. Load from other processes that comes and goes over seconds hits
/// both sides of each ratio alike, which sequential criterion medians cannot promise on a
/// shared machine.
const ROUNDS: usize = 101;
const BATCH_NS: f64 = 300_000.0;

fn paired_ratios(g: &mut Group) -> Vec<f64> {
    use std::time::Instant;
    let n = g.contenders.len();
    let base = g
        .contenders
        .iter()
        .position(|c| c.id == g.baseline)
        .unwrap_or(0);
    // Calibrate: iterations per batch.
    let iters: Vec<u64> = g
        .contenders
        .iter_mut()
        .map(|c| {
            let t = Instant::now();
            c.run(1);
            let one = t.elapsed().as_nanos().max(1) as f64;
            ((BATCH_NS / one) as u64).clamp(1, 1_000_000)
        })
        .collect();
    let mut ratios = vec![Vec::with_capacity(ROUNDS); n];
    let mut per = vec![0.0f64; n];
    for r in 0..ROUNDS {
        for k in 0..n {
            let i = (r + k) % n;
            let t = Instant::now();
            g.contenders[i].run(iters[i]);
            per[i] = t.elapsed().as_nanos() as f64 / iters[i] as f64;
        }
        for i in 0..n {
            ratios[i].push(per[i] / per[base]);
        }
    }
    ratios
        .into_iter()
        .map(|mut v| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        })
        .collect()
}

/// Median time per unit of work, nanoseconds, from criterion's estimates.
fn median_ns(dir: &Path, g: &Group, id: &str) -> Option<f64> {
    let p = dir.join(g.name).join(id).join("new/estimates.json");
    let text = std::fs::read_to_string(p).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    let ns = v.get("median")?.get("point_estimate")?.as_f64()?;
    Some(match g.unit {
        Unit::Bytes(_) => ns,
        Unit::Samples(n) => ns / n as f64,
    })
}

fn fmt_ns(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}

fn fmt_allocs(a: f64) -> String {
    if a.fract() == 0.0 {
        format!("{a:.0}")
    } else {
        format!("{a:.2}")
    }
}

fn criterion_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"),
        PathBuf::from,
    );
    target.join("criterion")
}

struct Row {
    group: &'static str,
    id: &'static str,
    median: Option<f64>,
    paired: Option<f64>,
}

fn find_paired(rows: &[Row], group: &str, id: &str) -> Option<f64> {
    rows.iter()
        .find(|r| r.group == group && r.id == id)
        .and_then(|r| r.paired)
}

fn find(rows: &[Row], group: &str, id: &str) -> Option<f64> {
    rows.iter()
        .find(|r| r.group == group && r.id == id)
        .and_then(|r| r.median)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = args.iter().any(|a| a == "--check");
    let dir = args
        .iter()
        .position(|a| a == "--criterion")
        .and_then(|i| args.get(i + 1))
        .map_or_else(criterion_dir, PathBuf::from);

    let only = args
        .iter()
        .position(|a| a == "--group")
        .and_then(|i| args.get(i + 1));
    let mut groups = all_groups();
    if let Some(only) = only {
        groups.retain(|g| g.name.contains(only.as_str()));
    }
    let mut rows = Vec::new();
    let mut bad_allocs = Vec::new();
    if !check {
        println!("| group | contender | median | throughput | ratio (criterion medians) | ratio (paired) | allocations |");
        println!("|---|---|---:|---:|---:|---:|---:|");
    }
    for g in &mut groups {
        let base = median_ns(&dir, g, g.baseline);
        let paired = if check { Vec::new() } else { paired_ratios(g) };
        for i in 0..g.contenders.len() {
            let allocs = allocs_per_call(g, i);
            let c = &g.contenders[i];
            if c.zero_alloc && allocs > 0.0 {
                bad_allocs.push(format!(
                    "{}/{}: {} allocations per call",
                    g.name,
                    c.id,
                    fmt_allocs(allocs)
                ));
            }
            let median = median_ns(&dir, g, c.id);
            rows.push(Row {
                group: g.name,
                id: c.id,
                median,
                paired: paired.get(i).copied(),
            });
            if check {
                continue;
            }
            let tp = match (g.unit, median) {
                (Unit::Bytes(b), Some(m)) => {
                    format!("{:.0} MiB/s", b as f64 / m * 1e9 / (1 << 20) as f64)
                }
                (Unit::Samples(_), Some(m)) => format!("{:.2} M samples/s", 1e3 / m),
                _ => "—".into(),
            };
            let ratio = match (median, base) {
                (Some(m), Some(b)) if c.id == g.baseline => {
                    let _ = (m, b);
                    "**1.00 (baseline)**".to_string()
                }
                (Some(m), Some(b)) => format!("{:.2}×", m / b),
                _ => "—".into(),
            };
            let name = if c.memcg {
                format!("**{}**", c.id)
            } else {
                c.id.to_string()
            };
            let pr = if c.id == g.baseline {
                "**1.00 (baseline)**".to_string()
            } else {
                paired
                    .get(i)
                    .map_or_else(|| "—".into(), |p| format!("{p:.2}×"))
            };
            println!(
                "| {} | {} | {} | {} | {} | {} | {} |",
                g.name,
                name,
                median.map_or_else(|| "—".into(), fmt_ns),
                tp,
                ratio,
                pr,
                fmt_allocs(allocs)
            );
        }
    }

    if check {
        for b in &bad_allocs {
            eprintln!("ALLOCATES: {b}");
        }
        let n: usize = groups.iter().map(|g| g.contenders.len()).sum();
        println!(
            "report --check: {n} contenders run, {} memcg paths allocate",
            bad_allocs.len()
        );
        return if bad_allocs.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }

    println!();
    println!("Fixtures:");
    for g in &groups {
        println!("- `{}`: `{}`", g.name, g.fixture);
    }

    // The targets, as ratios in this run: the verdict follows the paired ratio where there is
    // one (it is the one load cannot skew), and the criterion-median ratio is shown beside it.
    println!();
    println!("| target | criterion medians | paired | verdict |");
    println!("|---|---:|---:|---|");
    let target = |what: &str,
                  crit: Option<f64>,
                  paired: Option<f64>,
                  ok: &dyn Fn(f64) -> bool,
                  unit: &str| {
        let show = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| format!("{v:.2}{unit}"));
        let verdict = match paired.or(crit) {
            Some(v) if ok(v) => "met",
            Some(_) => "**not met**",
            None => "not measured",
        };
        println!("| {what} | {} | {} | {verdict} |", show(crit), show(paired));
    };
    let ratio = |g: &str, a: &str, b: &str| Some(find(&rows, g, a)? / find(&rows, g, b)?);
    let pratio =
        |g: &str, a: &str, b: &str| Some(find_paired(&rows, g, a)? / find_paired(&rows, g, b)?);
    for g in ["v2_memory_stat", "v1_memory_stat"] {
        target(
            &format!("{g}: memcg ≤ 1.0× scalar"),
            ratio(g, "memcg", "scalar"),
            pratio(g, "memcg", "scalar"),
            &|v| v <= 1.0,
            "×",
        );
    }
    for g in ["v2_memory_stat", "v1_memory_stat"] {
        target(
            &format!("{g}: C ABI parse ≤ 1.1× the Rust parse"),
            ratio(g, "memcg_ffi", "memcg"),
            pratio(g, "memcg_ffi", "memcg"),
            &|v| v <= 1.1,
            "×",
        );
    }
    for g in ["v2_memory_current", "v2_memory_max", "v1_limit_in_bytes"] {
        target(
            &format!("{g}: memcg ≤ 1.2× bare u64"),
            ratio(g, "memcg", "bare_u64"),
            pratio(g, "memcg", "bare_u64"),
            &|v| v <= 1.2,
            "×",
        );
    }
    let sg = rows
        .iter()
        .find(|r| r.group.starts_with("sampler_"))
        .map(|r| r.group);
    if let Some(sg) = sg {
        target(
            &format!("{sg}: sampler (read_into) ≤ 1.1× sum of preads"),
            ratio(sg, "memcg_sampler_into", "preads"),
            pratio(sg, "memcg_sampler_into", "preads"),
            &|v| v <= 1.1,
            "×",
        );
        target(
            &format!("{sg}: sampler (read, returning a Snapshot) ≤ 1.1× sum of preads"),
            ratio(sg, "memcg_sampler", "preads"),
            pratio(sg, "memcg_sampler", "preads"),
            &|v| v <= 1.1,
            "×",
        );
        target(
            &format!("{sg}: read_dir ÷ sampler ≥ 1.7"),
            ratio(sg, "memcg_read_dir", "memcg_sampler"),
            pratio(sg, "memcg_read_dir", "memcg_sampler"),
            &|v| v >= 1.7,
            "×",
        );
    }
    target(
        "LeakDetector::update ≤ 500 ns per sample (absolute)",
        find(&rows, "trend", "leak_detector"),
        None,
        &|v| v <= 500.0,
        " ns",
    );
    target(
        "exporter_pass_1000: one pass over 1,000 cgroups ≤ 50 ms (< 5 % of a core at 1 pass/s; absolute)",
        find(&rows, "exporter_pass_1000", "memcg_exporter_pass")
            .map(|per_cgroup_ns| per_cgroup_ns * benches::contenders::FLEET_CGROUPS as f64 / 1e6),
        None,
        &|v| v <= 50.0,
        " ms",
    );
    let state = std::mem::size_of::<memcg_core::trend::LeakDetector>() as f64;
    target(
        "LeakDetector state ≤ 8 KiB",
        Some(state),
        None,
        &|v| v <= 8192.0,
        " bytes",
    );
    target(
        "zero allocations on every memcg parse, Snapshot, sampler and detector path",
        Some(bad_allocs.len() as f64),
        None,
        &|v| v == 0.0,
        " paths allocating",
    );

    if let Some((sg, s)) = sg.and_then(|g| Some((g, find(&rows, g, "memcg_sampler")?))) {
        println!();
        println!(
            "Watching 1,000 cgroups once a second with the sampler costs {:.2} ms of CPU per second ({:.3} % of one core); with read_dir, {}.",
            s * 1000.0 / 1e6,
            s * 1000.0 / 1e9 * 100.0,
            find(&rows, sg, "memcg_read_dir")
                .map_or_else(|| "not measured".into(), |r| format!("{:.2} ms ({:.3} %)", r * 1000.0 / 1e6, r * 1000.0 / 1e9 * 100.0))
        );
    }
    for b in &bad_allocs {
        eprintln!("ALLOCATES: {b}");
    }
    ExitCode::SUCCESS
}
