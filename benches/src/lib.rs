//! Benchmark helpers for memcg.
