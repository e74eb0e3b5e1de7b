//! Replays inputs through the exact checks of the `ffi` fuzz target (`fuzz/src/ffi_check.rs`,
//! included below): every input kept under `fuzz/regressions/ffi/` (a C-ABI crash the fuzzer
//! found, once fixed, is dropped there) and every vendored corpus file, with each possible
//! first byte's choice of file kind. Plain `cargo test` then guards the C ABI against them
//! without nightly or cargo-fuzz.

#[allow(dead_code, clippy::all, clippy::pedantic)]
#[path = "../../fuzz/src/ffi_check.rs"]
mod ffi_check;

#[path = "../../memcg-core/tests/common/mutate.rs"]
mod mutate;

use std::path::Path;

#[test]
fn kept_inputs_and_the_corpus_pass_the_ffi_checks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let kept = mutate::all_files(&root.join("../fuzz/regressions/ffi"));
    let mut corpus = mutate::all_files(&root.join("../memcg-core/tests/corpus"));
    corpus.retain(|p| std::fs::metadata(p).is_ok_and(|m| m.len() <= 64 * 1024));
    assert!(corpus.len() > 100, "{} corpus files", corpus.len());
    let mut n = 0;
    for p in kept.iter().chain(&corpus) {
        let data = std::fs::read(p).unwrap();
        // The target picks a file kind from the first byte: try a spread of them.
        for first in [0u8, 1, 2, 3, 5, 7, 11, 13, 17, 19, 23, 255] {
            let mut input = Vec::with_capacity(data.len() + 1);
            input.push(first);
            input.extend_from_slice(&data);
            if std::panic::catch_unwind(|| ffi_check::ffi(&input)).is_err() {
                panic!("{} (first byte {first}) fails the ffi checks", p.display());
            }
            n += 1;
        }
    }
    eprintln!(
        "{} kept inputs, {} corpus files, {n} runs",
        kept.len(),
        corpus.len()
    );
}

/// 100,000 random mutations of the vendored real files through every C ABI entry point the
/// fuzz target calls (the first byte picks the file kind): only known status codes, errors
/// inside the input, NUL-terminated messages, no panic (the checks of `ffi_check`). The C
/// tests run the C ABI under AddressSanitizer and valgrind; this runs volume.
#[test]
fn a_hundred_thousand_mutations_through_the_c_abi() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../memcg-core/tests");
    let mut files = mutate::corpus_files(&root.join("corpus"));
    files.extend(mutate::corpus_files(&root.join("corpus-local")));
    assert!(files.len() > 200, "{} corpus files", files.len());
    let mut rng = mutate::Rng(0x6666_695f_6d75_7461);
    for _ in 0..100_000 {
        let seed = rng.0;
        let data = &files[rng.below(files.len())].1;
        let other = &files[rng.below(files.len())].1;
        let mut input = vec![rng.next() as u8];
        input.extend(mutate::mutate(&mut rng, data, other));
        if std::panic::catch_unwind(|| ffi_check::ffi(&input)).is_err() {
            panic!(
                "seed {seed}: {:?} fails the ffi checks",
                String::from_utf8_lossy(&input)
            );
        }
    }
}
