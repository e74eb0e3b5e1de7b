//! 100,000 random mutations of the vendored real cgroup files through the Rust API: every one
//! gives a value or a typed `ParseError` that points inside the input — never a panic. The same
//! mutator (`tests/common/mutate.rs`) feeds the C ABI (`memcg-ffi/tests/fuzz_regressions.rs`)
//! and the CLI (`tests/cli.rs`); the Python binding has its own (`memcg-py/tests/test_mutations.py`).
//! A failure prints the seed and the mutated bytes.

#[path = "common/mutate.rs"]
mod mutate;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use memcg_core::{parse, FileKind, Snapshot, Version};
use mutate::{corpus_files, mutate, Rng};

const MUTATIONS: usize = 100_000;

fn check(kind: FileKind, m: &[u8], seed: u64) -> bool {
    match catch_unwind(AssertUnwindSafe(|| parse(kind, m))) {
        Ok(Ok(_)) => true,
        Ok(Err(e)) => {
            assert_eq!(
                e.kind,
                kind,
                "seed {seed}: {:?}",
                String::from_utf8_lossy(m)
            );
            assert!(
                e.offset <= m.len(),
                "seed {seed}: offset {} of {}",
                e.offset,
                m.len()
            );
            let line = m[..e.offset].iter().filter(|&&b| b == b'\n').count() + 1;
            assert_eq!(e.line as usize, line, "seed {seed}: {e}");
            assert!(!e.to_string().is_empty());
            false
        }
        Err(_) => panic!(
            "seed {seed}: {kind:?} panicked on {:?}",
            String::from_utf8_lossy(m)
        ),
    }
}

#[test]
fn a_hundred_thousand_mutations_give_values_or_typed_errors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut files = corpus_files(&root.join("corpus"));
    files.extend(corpus_files(&root.join("corpus-local")));
    // Each file with the kinds it can be read as (v1 and v2 names can differ in meaning).
    let mut inputs: Vec<(FileKind, &[u8])> = Vec::new();
    for (p, bytes) in &files {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let mut kinds: Vec<FileKind> = [1, 2]
            .iter()
            .filter_map(|&v| FileKind::from_name(name, v))
            .collect();
        if name == "cgroup" {
            kinds.push(FileKind::ProcCgroup);
        }
        if name == "mountinfo" {
            kinds.push(FileKind::ProcMountinfo);
        }
        kinds.dedup();
        for k in kinds {
            inputs.push((k, bytes));
        }
    }
    assert!(inputs.len() > 300, "{} corpus inputs", inputs.len());
    let dir: Vec<(String, Vec<u8>)> =
        corpus_files(&root.join("corpus-local/v1-real-6.18.44/anon-32m"))
            .into_iter()
            .filter_map(|(p, b)| Some((p.file_name()?.to_str()?.to_string(), b)))
            .collect();
    let (mut ok, mut err) = (0, 0);
    let mut rng = Rng(0x6d65_6d63_675f_6d75);
    for i in 0..MUTATIONS {
        let seed = rng.0;
        let (kind, data) = inputs[rng.below(inputs.len())];
        let other = inputs[rng.below(inputs.len())].1;
        let m = mutate(&mut rng, data, other);
        if check(kind, &m, seed) {
            ok += 1;
        } else {
            err += 1;
        }
        // Every 50th: a whole Snapshot from a real directory with its memory.stat mutated.
        if i % 50 == 0 {
            let r = catch_unwind(AssertUnwindSafe(|| {
                Snapshot::from_files(Version::V1, |n| {
                    if n == "memory.stat" {
                        return Some(&m[..]);
                    }
                    dir.iter().find(|(f, _)| f == n).map(|(_, b)| &b[..])
                })
            }));
            assert!(r.is_ok(), "seed {seed}: a Snapshot panicked");
        }
    }
    eprintln!("{MUTATIONS} mutations: {ok} values, {err} typed errors");
    assert_eq!(ok + err, MUTATIONS);
    assert!(
        ok > MUTATIONS / 10 && err > MUTATIONS / 10,
        "{ok} values, {err} errors"
    );
}
