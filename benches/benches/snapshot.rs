//! criterion bench target: the `Suite::Snapshot` groups of `benches::contenders`.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion};

fn suite(c: &mut Criterion) {
    benches::run_suite(c, benches::Suite::Snapshot);
}

criterion_group! {
    name = group;
    config = benches::criterion();
    targets = suite
}
criterion_main!(group);
