//! Replays every input kept under `fuzz/regressions/<target>/` through the exact checks the
//! fuzz target runs (`fuzz/src/checks.rs`, included below), so plain `cargo test` guards
//! against every crash the fuzzers ever found. Each file is also replayed from the seeds
//! directory layout the fuzzer uses, so a new regression needs no code: drop the file in.

#[path = "../../fuzz/src/checks.rs"]
mod checks;

use std::path::{Path, PathBuf};

fn regressions_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions")
}

#[test]
fn every_kept_crash_input_passes_its_target() {
    let dir = regressions_dir();
    let mut n = 0;
    let mut targets: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    targets.sort();
    for t in targets {
        let name = t.file_name().unwrap().to_str().unwrap().to_owned();
        let mut files: Vec<_> = std::fs::read_dir(&t)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files {
            let data = std::fs::read(&f).unwrap();
            let ran = std::panic::catch_unwind(|| checks::run(&name, &data));
            match ran {
                Ok(true) => n += 1,
                Ok(false) => panic!("{}: no target named {name:?}", f.display()),
                Err(_) => panic!("{} fails its target {name}", f.display()),
            }
        }
    }
    assert!(n > 0, "no regression input found under {}", dir.display());
    eprintln!("replayed {n} regression inputs");
}

#[test]
fn every_regression_dir_names_a_target() {
    for e in std::fs::read_dir(regressions_dir()).unwrap() {
        let name = e.unwrap().file_name().into_string().unwrap();
        assert!(
            checks::TARGETS.contains(&name.as_str()),
            "fuzz/regressions/{name} is not a target"
        );
    }
}

#[test]
fn every_target_has_a_fuzz_target_file() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/fuzz_targets");
    for t in checks::TARGETS {
        assert!(
            dir.join(format!("{t}.rs")).is_file(),
            "fuzz/fuzz_targets/{t}.rs is missing"
        );
    }
}

/// `fuzz/seed.py` prefixes single-value seeds with the kind's index: its list must follow
/// `checks::single_value_kinds()`.
#[test]
fn seed_script_single_value_order_matches() {
    let script =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seed.py"))
            .unwrap();
    let start = script.find("SINGLE_VALUE = [").expect("SINGLE_VALUE list");
    let end = start + script[start..].find(']').unwrap();
    let names: Vec<&str> = script[start..end].split('"').skip(1).step_by(2).collect();
    let kinds: Vec<&str> = checks::single_value_kinds().map(|k| k.name()).collect();
    assert_eq!(names, kinds);
    let start = script.find("FLAT_KEYED = [").expect("FLAT_KEYED list");
    let end = start + script[start..].find(']').unwrap();
    let names: Vec<&str> = script[start..end].split('"').skip(1).step_by(2).collect();
    let kinds: Vec<&str> = checks::FLAT_KEYED.iter().map(|k| k.name()).collect();
    assert_eq!(names, kinds);
}

/// The seeds themselves (a few per target, built from the conformance corpus) pass, so a
/// property that is wrong about real files fails here and not only under the fuzzer.
#[test]
fn hand_written_inputs_pass_every_target() {
    let inputs: &[&[u8]] = &[
        b"",
        b"\n",
        b"\x00",
        b"\x01anon 4096\nfile 0\n",
        b"\x00total=10 N0=4 N1=6\nanon=3 N0=1 N1=2\n",
        b"\x01anon N0=4096 N1=8192\n",
        b"some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n",
        b"\x04max\n",
        b"\x0e9223372036854771712\n",
        b"\x01\xff\x01\x0212\x02max",
    ];
    for t in checks::TARGETS {
        for i in inputs {
            assert!(checks::run(t, i));
        }
    }
}
