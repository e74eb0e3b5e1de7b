//! Benchmarks for memcg: every parser on real corpus files, a Snapshot from bytes, the
//! sampler on a live cgroup, and the leak detector on a real trace, each measured in the same
//! criterion group as its baselines, so that the numbers that matter are ratios taken in one
//! run on one (possibly busy) machine.
//!
//! - [`baseline`]: the naive, cgroups-rs and hand-written scalar parsers measured beside memcg.
//! - [`contenders`]: the groups and contenders, shared by the bench targets and `report`.
//! - [`fixtures`]: which corpus files and which live cgroup are read.
//! - [`trace`]: a recorded trace turned into Snapshots for the detector benches.
//!
//! Run `benches/smoke.sh` for a quick pass, `cargo bench -p benches` for the full run, then
//! `cargo run -p benches --release --bin report` for the table (see `docs/performance.md`).

pub mod baseline;
pub mod contenders;
pub mod fixtures;
pub mod trace;

use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};

pub use contenders::{all_groups, groups, Contender, Group, Suite, Unit};

/// The criterion settings every bench target uses: modest, because the machine is shared
/// (ratios within one run are what count, not absolute times).
#[must_use]
pub fn criterion() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(50)
        .noise_threshold(0.05)
}

/// Runs every group of `suite` under criterion: one criterion group per [`Group`], one
/// function per [`Contender`], with `Throughput::Bytes` (file groups) or
/// `Throughput::Elements` (sample groups).
pub fn run_suite(c: &mut Criterion, suite: Suite) {
    for mut g in groups(suite) {
        let mut cg = c.benchmark_group(g.name);
        match g.unit {
            Unit::Bytes(b) => cg.throughput(Throughput::Bytes(b)),
            Unit::Samples(n) => cg.throughput(Throughput::Elements(n)),
        };
        for ct in &mut g.contenders {
            cg.bench_function(ct.id, |b| {
                b.iter_custom(|iters| {
                    let t = Instant::now();
                    ct.run(iters);
                    t.elapsed()
                });
            });
        }
        cg.finish();
    }
}
