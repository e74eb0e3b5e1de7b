#![no_main]
//! The C ABI fuzz target: see `memcg_fuzz::ffi_check` for what is called and asserted.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| memcg_fuzz::ffi_check::ffi(input));
