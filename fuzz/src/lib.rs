//! Shared checks for the memcg fuzz targets.
//!
//! Every target is a two-line wrapper around one function of [`checks`]. The same module is
//! compiled into `memcg-core/tests/fuzz_regressions.rs` (with `#[path]`), so plain
//! `cargo test` replays every input kept under `fuzz/regressions/<target>/` through exactly
//! the code the fuzzer ran.
pub mod checks;
pub mod ffi_check;
