//! criterion bench target: the `Suite::Trend` groups of `benches::contenders`.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion};

fn suite(c: &mut Criterion) {
    benches::run_suite(c, benches::Suite::Trend);
}

criterion_group! {
    name = group;
    config = benches::criterion();
    targets = suite
}
criterion_main!(group);
