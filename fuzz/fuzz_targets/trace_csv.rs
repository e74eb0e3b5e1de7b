#![no_main]
//! See `memcg_fuzz::checks::trace_csv` for what is fuzzed and which properties are asserted.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| memcg_fuzz::checks::trace_csv(data));
