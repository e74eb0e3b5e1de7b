//! criterion bench target: the `Suite::Sampler` groups of `benches::contenders`.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion};

fn suite(c: &mut Criterion) {
    benches::run_suite(c, benches::Suite::Sampler);
}

criterion_group! {
    name = group;
    config = benches::criterion();
    targets = suite
}
criterion_main!(group);
