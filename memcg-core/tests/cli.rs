//! The `memcg` command end to end, as a user runs it (needs `--features cli`).
#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn memcg(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_memcg"))
        .args(args)
        .output()
        .expect("run memcg")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn corpus(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(rel)
}

#[test]
fn snapshot_json_matches_expected_json() {
    let expected: Vec<Value> =
        serde_json::from_slice(&std::fs::read(corpus("expected.json")).unwrap()).unwrap();
    let mut checked = 0;
    for e in &expected {
        let rel = e["dir"].as_str().unwrap();
        let dir = corpus(rel);
        if !dir.exists() || !e["usage"].is_u64() || rel == "telegraf/memory" {
            continue;
        }
        let o = memcg(&["snapshot", dir.to_str().unwrap(), "--json"]);
        assert!(o.status.success(), "{rel}: {}", stderr(&o));
        let j: Value = serde_json::from_str(&stdout(&o)).unwrap();
        // The DESIGN.md field names, in order.
        let keys: Vec<&str> = j.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "version",
                "usage_bytes",
                "limit_bytes",
                "effective_limit_bytes",
                "peak_bytes",
                "working_set_bytes",
                "anon_bytes",
                "file_bytes",
                "shmem_bytes",
                "swap_bytes",
                "oom_kills",
                "max_events",
                "high_events",
                "pressure",
                "stat"
            ]
        );
        assert_eq!(j["version"], e["version"], "{rel}");
        assert_eq!(j["usage_bytes"], e["usage"], "{rel}");
        assert_eq!(j["working_set_bytes"], e["working_set"], "{rel}");
        assert_eq!(j["anon_bytes"], e["anon"], "{rel}");
        assert_eq!(j["file_bytes"], e["file"], "{rel}");
        assert_eq!(j["swap_bytes"], e["swap"], "{rel}");
        assert_eq!(j["oom_kills"], e["oom_kill"], "{rel}");
        assert_eq!(j["peak_bytes"], e["max_usage"], "{rel}");
        // null where absent or unlimited.
        assert_eq!(j["limit_bytes"], e["limit"], "{rel}");
        assert!(!j["stat"].as_object().unwrap().is_empty(), "{rel}");
        checked += 1;
    }
    assert!(checked >= 15, "{checked}");
}

#[test]
fn snapshot_table_and_own_cgroup() {
    let o = memcg(&["snapshot"]);
    if !o.status.success() {
        eprintln!(
            "SKIP: no memory cgroup for this process here: {}",
            stderr(&o)
        );
        return;
    }
    let t = stdout(&o);
    assert!(
        t.contains("usage") && t.contains("working set") && t.contains("MiB"),
        "{t}"
    );
    let o = memcg(&["snapshot", corpus("telegraf/v2").to_str().unwrap()]);
    assert!(
        stdout(&o).contains("96.00 GiB (103079215104 bytes)"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn errors_are_clear_with_exit_codes() {
    let o = memcg(&["snapshot", "/nonexistent-memcg-dir"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("/nonexistent-memcg-dir: No such file or directory"));
    let o = memcg(&["snapshot", "/tmp"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not a memory cgroup directory"));
    let o = memcg(&["snapshot", corpus("telegraf/memory").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("memory.max_usage_in_bytes (cgroup v1): line 2, byte 2"),
        "{}",
        stderr(&o)
    );
    let o = memcg(&["snapshot", "--count", "3"]);
    assert_eq!(o.status.code(), Some(2));
    let o = memcg(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown command"));
    let o = memcg(&["replay", "/nonexistent.csv"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn replay_separates_leak_from_page_cache() {
    let traces = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/traces-v2");
    let o = memcg(&[
        "replay",
        traces.join("01_linear_oom.csv").to_str().unwrap(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 509);
    let first = rows
        .iter()
        .find(|r| r["leak"] == true)
        .expect("a leak verdict");
    let t = first["t_seconds"].as_f64().unwrap();
    // OOM at 125.0 s (traces-v2/01_linear_oom.json).
    assert!(t < 125.0, "first alert at {t}");
    let ttl = first["time_to_limit_s"].as_f64().unwrap();
    let err = (t + ttl - 125.0).abs() / (125.0 - t);
    assert!(err < 0.25, "time-to-OOM error {err} at t={t}");
    for k in [
        "state",
        "slope_bytes_per_s",
        "slope_low",
        "slope_high",
        "onset_s",
        "signal_bytes",
    ] {
        assert!(first.get(k).is_some(), "{k}");
    }
    let o = memcg(&[
        "replay",
        traces.join("05_pagecache_write.csv").to_str().unwrap(),
        "--json",
    ]);
    assert!(o.status.success());
    assert!(
        stdout(&o).lines().all(|l| !l.contains("\"leak\":true")),
        "page cache called a leak"
    );
}

#[test]
fn replay_plot_writes_an_svg() {
    let traces = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/traces-v2");
    let out = std::env::temp_dir().join(format!("memcg-plot-{}.svg", std::process::id()));
    let o = memcg(&[
        "replay",
        traces.join("04_sawtooth_leak_oom.csv").to_str().unwrap(),
        "--plot",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(svg.starts_with("<svg"));
    assert!(svg.contains("first leak verdict at"));
    assert!(svg.contains("limit 180 MiB"));
    let _ = std::fs::remove_file(&out);
    let o = memcg(&["replay", "x.csv", "--plot", "out.jpg"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--plot writes SVG or PNG"));
}

/// Pixels of each colour in a `--plot OUT.png` of `trace`.
fn png_colours(trace: &str) -> std::collections::HashMap<u32, usize> {
    let traces = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/traces-v2");
    let out = std::env::temp_dir().join(format!("memcg-plot-{}-{trace}.png", std::process::id()));
    let o = memcg(&[
        "replay",
        traces.join(trace).to_str().unwrap(),
        "--plot",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let dec = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&out).unwrap()));
    let mut r = dec.read_info().unwrap();
    let mut buf = vec![0; r.output_buffer_size().unwrap()];
    let info = r.next_frame(&mut buf).unwrap();
    let _ = std::fs::remove_file(&out);
    assert_eq!((info.width, info.height), (960, 480));
    assert_eq!(info.color_type, png::ColorType::Rgb);
    let mut n = std::collections::HashMap::new();
    for p in buf[..info.buffer_size()].chunks(3) {
        *n.entry(u32::from(p[0]) << 16 | u32::from(p[1]) << 8 | u32::from(p[2]))
            .or_insert(0) += 1;
    }
    n
}

#[test]
fn replay_plot_writes_a_png_that_shows_the_verdict() {
    let (red, orange, blue, green) = (0xc6_2828, 0xef_6c00, 0x15_65c0, 0x2e_7d32);
    let leak = png_colours("04_sawtooth_leak_oom.csv");
    // The limit line across the plot, the signal and its floor, and the verdict (its dashed
    // marker, the trend lines, the label) in orange.
    assert!(leak[&red] > 800, "{:?}", leak.get(&red));
    assert!(leak[&blue] > 2000 && leak[&green] > 500);
    assert!(leak[&orange] > 1500, "{:?}", leak.get(&orange));
    // Page cache filling up to the limit: no verdict, so only the legend's orange swatch.
    let cache = png_colours("05_pagecache_write.csv");
    let swatch = cache.get(&orange).copied().unwrap_or(0);
    assert!(
        swatch < 150,
        "{swatch} orange pixels without a leak verdict"
    );
}

#[test]
fn record_then_replay_round_trip() {
    let own = memcg(&["snapshot"]);
    let dir = if own.status.success() {
        None
    } else {
        Some(corpus("v2-real-6.1/01_linear_oom/near-limit"))
    };
    let out = std::env::temp_dir().join(format!("memcg-cli-test-{}.csv", std::process::id()));
    let mut args = vec!["record"];
    let d;
    if let Some(p) = &dir {
        d = p.to_str().unwrap().to_string();
        args.push(&d);
    }
    let o_path = out.to_str().unwrap().to_string();
    args.extend(["--out", &o_path, "--interval", "0.2", "--duration", "1"]);
    let o = memcg(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("t_seconds,"), "{}", lines[0]);
    assert!(lines.len() >= 5, "{} rows", lines.len());
    let o = memcg(&["replay", &o_path, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), lines.len() - 1);
    let _ = std::fs::remove_file(&out);
}

#[test]
fn watch_prints_json_lines() {
    let dir = corpus("v2-real-6.1/10_high_throttle/over-high");
    let o = memcg(&[
        "watch",
        dir.to_str().unwrap(),
        "--count",
        "3",
        "--interval",
        "0.1",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["state"], "warming_up");
    assert!(rows[2]["usage_bytes"].as_u64().unwrap() > 0);
    assert!(rows[2]["t_seconds"].as_f64().unwrap() >= 0.2);
}

#[test]
fn run_reports_a_verdict_or_a_clear_error() {
    let o = memcg(&["run", "--limit", "64M", "--interval", "0.2", "--", "true"]);
    if !o.status.success() {
        let e = stderr(&o);
        assert!(e.contains("cannot") || e.contains("not enabled"), "{e}");
        eprintln!("SKIP: memcg run cannot create cgroups here: {e}");
        return;
    }
    let t = stdout(&o);
    assert!(t.contains("exited with status 0"), "{t}");
    assert!(t.contains("verdict: no leak detected"), "{t}");
}

#[path = "common/mutate.rs"]
mod mutate;

/// Real v1 and v2 directories with one file mutated (the mutator of `tests/mutations.rs`),
/// through `memcg snapshot DIR` and `--json`: exit 0 with a Snapshot, or exit 1 with one
/// `memcg: …` line naming the directory's file — never a panic (101) or a signal. 300
/// directories, 600 runs (each run is a process; the 100,000-mutation volume runs through the
/// same code in `tests/mutations.rs`).
#[test]
fn mutated_directories_give_a_snapshot_or_a_clear_error() {
    let sources = [
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus-local/v1-real-6.18.44/anon-32m"),
        corpus("v2-real-6.1/01_linear_oom/near-limit"),
        corpus("elastic-agent-system-metrics/docker2/sys/fs/cgroup/user.slice/user-1000.slice/session-520.scope"),
    ];
    let tmp = std::env::temp_dir().join(format!("memcg-cli-mutations-{}", std::process::id()));
    let mut rng = mutate::Rng(0x636c_695f_6d75_7461);
    let (mut ok, mut failed) = (0, 0);
    for i in 0..300 {
        let src = &sources[i % sources.len()];
        let files = mutate::corpus_files(src);
        assert!(!files.is_empty(), "{}", src.display());
        let dst = tmp.join(i.to_string());
        std::fs::create_dir_all(&dst).unwrap();
        let victim = rng.below(files.len());
        for (k, (p, bytes)) in files.iter().enumerate() {
            let name = p.file_name().unwrap();
            let out = if k == victim {
                let other = &files[rng.below(files.len())].1;
                mutate::mutate(&mut rng, bytes, other)
            } else {
                bytes.clone()
            };
            std::fs::write(dst.join(name), out).unwrap();
        }
        let victim_name = files[victim]
            .0
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        for json in [false, true] {
            let d = dst.to_str().unwrap();
            let o = if json {
                memcg(&["snapshot", d, "--json"])
            } else {
                memcg(&["snapshot", d])
            };
            match o.status.code() {
                Some(0) => {
                    assert!(!o.stdout.is_empty());
                    ok += 1;
                }
                Some(1) => {
                    let e = stderr(&o);
                    assert!(e.starts_with("memcg: "), "{e}");
                    assert_eq!(e.lines().count(), 1, "{e}");
                    assert!(e.contains(d), "the error names the directory: {e}");
                    if e.contains(" line ") {
                        assert!(e.contains(&victim_name), "{victim_name}: {e}");
                    }
                    failed += 1;
                }
                other => panic!(
                    "{} ({victim_name} mutated): exit {other:?}\n{}",
                    dst.display(),
                    stderr(&o)
                ),
            }
        }
        std::fs::remove_dir_all(&dst).unwrap();
    }
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(ok > 30 && failed > 30, "{ok} snapshots, {failed} errors");
}
