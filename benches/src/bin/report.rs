//! Prints the table of medians, ratios and allocation counts from a criterion run.
//!
//! ```text
//! cargo bench -p benches                              # the full run (manual)
//! cargo run -p benches --release --bin report         # the table, as Markdown
//! cargo run -p benches --release --bin report -- --check   # allocation check only (smoke)
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

    let mut groups = all_groups();
    let mut rows = Vec::new();
    let mut bad_allocs = Vec::new();
    if !check {
        println!("| group | contender | median | throughput | ratio to baseline | allocations |");
        println!("|---|---|---:|---:|---:|---:|");
    }
    for g in &mut groups {
        let base = median_ns(&dir, g, g.baseline);
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
            println!(
                "| {} | {} | {} | {} | {} | {} |",
                g.name,
                name,
                median.map_or_else(|| "—".into(), fmt_ns),
                tp,
                ratio,
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

    // The targets, as ratios in this run.
    println!();
    println!("| target | measured | verdict |");
    println!("|---|---:|---|");
    let target = |what: &str, v: Option<f64>, ok: &dyn Fn(f64) -> bool, unit: &str| {
        let (m, verdict) = match v {
            Some(v) => (
                format!("{v:.2}{unit}"),
                if ok(v) { "met" } else { "**not met**" },
            ),
            None => ("—".into(), "not measured"),
        };
        println!("| {what} | {m} | {verdict} |");
    };
    let ratio = |g: &str, a: &str, b: &str| Some(find(&rows, g, a)? / find(&rows, g, b)?);
    for g in ["v2_memory_stat", "v1_memory_stat"] {
        target(
            &format!("{g}: memcg ≤ 1.0× scalar"),
            ratio(g, "memcg", "scalar"),
            &|v| v <= 1.0,
            "×",
        );
    }
    for g in ["v2_memory_current", "v2_memory_max", "v1_limit_in_bytes"] {
        target(
            &format!("{g}: memcg ≤ 1.2× bare u64"),
            ratio(g, "memcg", "bare_u64"),
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
            &format!("{sg}: sampler ≤ 1.1× sum of preads"),
            ratio(sg, "memcg_sampler", "preads"),
            &|v| v <= 1.1,
            "×",
        );
        target(
            &format!("{sg}: read_dir ÷ sampler ≥ 1.7"),
            ratio(sg, "memcg_read_dir", "memcg_sampler"),
            &|v| v >= 1.7,
            "×",
        );
    }
    target(
        "LeakDetector::update ≤ 500 ns per sample",
        find(&rows, "trend", "leak_detector"),
        &|v| v <= 500.0,
        " ns",
    );
    let state = std::mem::size_of::<memcg_core::trend::LeakDetector>() as f64;
    target(
        "LeakDetector state ≤ 8 KiB",
        Some(state),
        &|v| v <= 8192.0,
        " bytes",
    );
    target(
        "zero allocations on every memcg parse, Snapshot, sampler and detector path",
        Some(bad_allocs.len() as f64),
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
