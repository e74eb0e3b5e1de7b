//! Hostile directories stay harmless. memcg reads files that a container runtime, a test
//! fixture or an attacker-controlled bind mount can make strange; none of that may make it
//! read outside the directory it was given, block, read an unbounded file into memory, or
//! write anywhere it was not asked to.
//!
//! - A symbolic link in place of a cgroup file is refused (`O_NOFOLLOW`), not followed, even
//!   when it points at a perfectly valid file: a typed [`ReadError::NotRegular`].
//! - A directory, a FIFO (which would block a plain `open`) in place of a file: refused.
//! - A file larger than `MAX_FILE_BYTES` (1 MiB): refused with [`ReadError::TooLarge`] before
//!   it is read.
//! - `..` and symbolic links in the DIR argument itself: the directory the kernel resolves is
//!   the one read, and only the fixed file names beneath it are opened.
//! - The CLI (when built, `--features cli`) writes nothing but its `--out` file.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use memcg_core::sampler::Sampler;
use memcg_core::{Limit, ReadError, Snapshot};

/// A fresh scratch directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let d = std::env::temp_dir().join(format!("memcg-hostile-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        Scratch(d)
    }
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A minimal v1 cgroup copy in `dir`.
fn v1_copy(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("memory.usage_in_bytes"), "104857600\n").unwrap();
    std::fs::write(dir.join("memory.limit_in_bytes"), "209715200\n").unwrap();
    std::fs::write(
        dir.join("memory.stat"),
        "rss 1048576\ncache 0\ntotal_rss 52428800\ntotal_cache 0\ntotal_inactive_file 0\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("memory.oom_control"),
        "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n",
    )
    .unwrap();
}

/// Both ways of reading a directory must refuse it the same way.
fn both_refuse(dir: &Path) -> ReadError {
    let a = Snapshot::read_dir(dir).expect_err("read_dir accepted a hostile directory");
    let b = Sampler::open(dir).and_then(|mut s| s.read());
    let b = b.expect_err("the Sampler accepted a hostile directory");
    assert_eq!(
        a.to_string(),
        b.to_string(),
        "read_dir and Sampler disagree"
    );
    a
}

#[test]
fn a_symlinked_stat_pointing_outside_is_refused() {
    let s = Scratch::new("symlink");
    let outside = s.path().join("outside");
    v1_copy(&outside);
    // A perfectly valid memory.stat outside the directory, with values that would show.
    std::fs::write(
        outside.join("secret.stat"),
        "total_rss 999999999\ntotal_cache 0\n",
    )
    .unwrap();
    let dir = s.path().join("cg");
    v1_copy(&dir);
    std::fs::remove_file(dir.join("memory.stat")).unwrap();
    std::os::unix::fs::symlink(outside.join("secret.stat"), dir.join("memory.stat")).unwrap();
    let e = both_refuse(&dir);
    match &e {
        ReadError::NotRegular { path, what } => {
            assert_eq!(*what, "symbolic link");
            assert_eq!(path, &dir.join("memory.stat"));
        }
        other => panic!("expected NotRegular, got {other:?}"),
    }
    assert!(e.to_string().contains("symbolic link"), "{e}");
    // Relative and dangling links too, and the required usage file.
    std::fs::remove_file(dir.join("memory.stat")).unwrap();
    std::os::unix::fs::symlink("../outside/memory.stat", dir.join("memory.stat")).unwrap();
    assert!(matches!(both_refuse(&dir), ReadError::NotRegular { .. }));
    std::fs::remove_file(dir.join("memory.stat")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/memory.stat", dir.join("memory.stat")).unwrap();
    assert!(
        matches!(both_refuse(&dir), ReadError::NotRegular { .. }),
        "a dangling link is refused, not taken for an absent file"
    );
    std::fs::remove_file(dir.join("memory.stat")).unwrap();
    std::fs::remove_file(dir.join("memory.usage_in_bytes")).unwrap();
    std::os::unix::fs::symlink(
        outside.join("memory.usage_in_bytes"),
        dir.join("memory.usage_in_bytes"),
    )
    .unwrap();
    assert!(matches!(both_refuse(&dir), ReadError::NotRegular { .. }));
    // Links to devices never get read either (the /dev/zero trap: an endless file).
    std::fs::remove_file(dir.join("memory.usage_in_bytes")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.join("memory.usage_in_bytes")).unwrap();
    assert!(matches!(both_refuse(&dir), ReadError::NotRegular { .. }));
}

#[test]
fn dotdot_and_symlinks_in_dir_read_the_resolved_directory_only() {
    let s = Scratch::new("dotdot");
    // A trap one level up: if memcg ever looked above its directory it would read these.
    v1_copy(s.path());
    std::fs::write(s.path().join("memory.usage_in_bytes"), "1\n").unwrap();
    let dir = s.path().join("cg");
    v1_copy(&dir);
    std::fs::create_dir(dir.join("sub")).unwrap();
    let want = Snapshot::read_dir(&dir).unwrap();
    assert_eq!(want.usage_bytes, 104_857_600);
    // `cg/sub/..` is `cg`.
    let via_dotdot = dir.join("sub").join("..");
    assert_eq!(Snapshot::read_dir(&via_dotdot).unwrap(), want);
    assert_eq!(Sampler::open(&via_dotdot).unwrap().read().unwrap(), want);
    // A symbolic link to the directory is the caller's choice of directory: read, and its
    // files are still opened without following links.
    let link = s.path().join("link-to-cg");
    std::os::unix::fs::symlink(&dir, &link).unwrap();
    assert_eq!(Snapshot::read_dir(&link).unwrap(), want);
    assert_eq!(Sampler::open(&link).unwrap().read().unwrap(), want);
    std::fs::remove_file(dir.join("memory.stat")).unwrap();
    std::os::unix::fs::symlink("../memory.stat", dir.join("memory.stat")).unwrap();
    assert!(matches!(
        Snapshot::read_dir(&link),
        Err(ReadError::NotRegular { .. })
    ));
}

#[test]
fn a_directory_in_place_of_a_file_is_refused() {
    let s = Scratch::new("dir-as-file");
    let dir = s.path().join("cg");
    v1_copy(&dir);
    std::fs::remove_file(dir.join("memory.stat")).unwrap();
    std::fs::create_dir(dir.join("memory.stat")).unwrap();
    match both_refuse(&dir) {
        ReadError::NotRegular { what, .. } => assert_eq!(what, "directory"),
        other => panic!("expected NotRegular, got {other:?}"),
    }
}

#[test]
fn a_fifo_in_place_of_a_file_is_refused_without_blocking() {
    let s = Scratch::new("fifo");
    let dir = s.path().join("cg");
    v1_copy(&dir);
    std::fs::remove_file(dir.join("memory.stat")).unwrap();
    let ok = std::process::Command::new("mkfifo")
        .arg(dir.join("memory.stat"))
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("SKIP: mkfifo is not available");
        return;
    }
    // A plain open(2) of a FIFO blocks until a writer appears: run it on a thread and give
    // it a deadline, so a regression fails instead of hanging the test suite.
    let (tx, rx) = std::sync::mpsc::channel();
    let d = dir.clone();
    std::thread::spawn(move || {
        let _ = tx.send(both_refuse(&d).to_string());
    });
    let msg = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("reading a directory with a FIFO blocked");
    assert!(msg.contains("FIFO"), "{msg}");
}

#[test]
fn a_two_mib_file_is_refused_before_it_is_read() {
    let s = Scratch::new("large");
    let dir = s.path().join("cg");
    v1_copy(&dir);
    // 2 MiB of well-formed unknown keys: only the size is wrong.
    let mut big = Vec::with_capacity(2 << 20);
    let mut i = 0u64;
    while big.len() < 2 << 20 {
        big.extend_from_slice(format!("key_{i:012} {i}\n").as_bytes());
        i += 1;
    }
    std::fs::write(dir.join("memory.stat"), &big).unwrap();
    let t = Instant::now();
    match both_refuse(&dir) {
        ReadError::TooLarge { path, limit } => {
            assert_eq!(path, dir.join("memory.stat"));
            assert_eq!(limit, 1 << 20);
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
    assert!(t.elapsed() < Duration::from_secs(5));
    // One byte under the cap is read.
    big.truncate((1 << 20) - 1);
    let cut = big.iter().rposition(|&b| b == b'\n').unwrap() + 1;
    big.truncate(cut);
    std::fs::write(dir.join("memory.stat"), &big).unwrap();
    let snap = Snapshot::read_dir(&dir).unwrap();
    assert!(snap.extra_stat.dropped > 10_000);
    assert_eq!(snap.limit_bytes, Some(Limit::Bytes(209_715_200)));
}

/// Every file under `root` with its bytes (directories as `None`).
#[cfg(feature = "cli")]
fn tree(root: &Path) -> Vec<(PathBuf, Option<Vec<u8>>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let m = std::fs::symlink_metadata(&p).unwrap();
            if m.is_dir() {
                out.push((p.clone(), None));
                stack.push(p);
            } else if m.is_file() {
                out.push((p.clone(), Some(std::fs::read(&p).unwrap())));
            } else {
                out.push((p, None));
            }
        }
    }
    out.sort();
    out
}

/// Needs the `memcg` binary: built (and this test compiled) with `--features cli`; cargo
/// names the binary's path even when a default-features build did not produce it.
#[cfg(feature = "cli")]
#[test]
fn the_cli_writes_only_its_out_file() {
    let bin = env!("CARGO_BIN_EXE_memcg");
    let s = Scratch::new("cli");
    let dir = s.path().join("cg");
    v1_copy(&dir);
    let cwd = s.path().join("cwd");
    std::fs::create_dir(&cwd).unwrap();
    let before = tree(s.path());
    let run = |args: &[&str]| {
        let out = std::process::Command::new(bin)
            .args(args)
            .current_dir(&cwd)
            .env("HOME", &cwd)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "memcg {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let d = dir.to_str().unwrap();
    run(&["snapshot", d]);
    run(&["snapshot", d, "--json"]);
    run(&["watch", d, "--interval", "0.05", "--count", "3", "--json"]);
    assert_eq!(tree(s.path()), before, "snapshot/watch wrote something");
    let out = s.path().join("trace.csv");
    let o = out.to_str().unwrap();
    run(&[
        "record",
        d,
        "--out",
        o,
        "--interval",
        "0.05",
        "--duration",
        "0.2",
    ]);
    let after: Vec<_> = tree(s.path())
        .into_iter()
        .filter(|(p, _)| p != &out)
        .collect();
    assert_eq!(after, before, "record wrote something besides --out");
    assert!(out.is_file());
    // replay only reads.
    let with_trace = tree(s.path());
    let _ = std::process::Command::new(bin)
        .args(["replay", o, "--json"])
        .current_dir(&cwd)
        .output()
        .unwrap();
    assert_eq!(tree(s.path()), with_trace, "replay wrote something");
    // A hostile directory gives a clear error and writes nothing either.
    std::fs::remove_file(dir.join("memory.stat")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", dir.join("memory.stat")).unwrap();
    let with_link = tree(s.path());
    let r = std::process::Command::new(bin)
        .args(["snapshot", d])
        .current_dir(&cwd)
        .output()
        .unwrap();
    assert!(!r.status.success());
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(err.contains("symbolic link"), "{err}");
    assert!(!String::from_utf8_lossy(&r.stdout).contains("root:"));
    assert_eq!(tree(s.path()), with_link);
}
