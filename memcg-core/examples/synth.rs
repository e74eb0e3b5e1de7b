//! Synthetic trace generator: writes labelled cgroup v2 trace CSVs (and a JSON label file per
//! trace, with the keys of `tests/traces-v2`) for the detection tests.
//!
//! `cargo run -p memcg-core --example synth -- memcg-core/tests/traces-synth`
//!
//! Each scenario is a pure function of t plus a seeded pseudo-random noise, so the output is
//! reproducible. A trace whose unreclaimable memory reaches the limit gets an OOM kill
//! (`memory.events.oom_kill` rises at that row, `oom_at_s` in the labels) and ends two samples
//! later.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::Path;

use memcg_core::trace::TraceWriter;
use memcg_core::{Snapshot, V2Files};

const MIB: f64 = 1048576.0;

/// xorshift64*: small, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Roughly normal (sum of uniforms), mean 0, sd 1.
    fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.next()).sum::<f64>() - 6.0
    }
}

/// One sample of a scenario: anonymous and page-cache bytes.
struct Point {
    anon: f64,
    file: f64,
}

struct Scenario {
    name: &'static str,
    notes: &'static str,
    limit_mib: f64,
    dt: f64,
    duration: f64,
    leak_rate_mib: f64,
    leak_onset: Option<f64>,
    restart_at: Option<f64>,
    seed: u64,
    f: fn(f64, &mut Rng) -> Point,
}

fn anon(mib: f64) -> Point {
    Point {
        anon: mib * MIB,
        file: 0.0,
    }
}

fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario {
            name: "synth_01_leak_2mibs",
            notes: "50 MiB + 2 MiB/s leak, noise sd 1 MiB, 1 s sampling, to OOM",
            limit_mib: 512.0,
            dt: 1.0,
            duration: 400.0,
            leak_rate_mib: 2.0,
            leak_onset: Some(0.0),
            restart_at: None,
            seed: 1,
            f: |t, r| anon(50.0 + 2.0 * t + r.normal()),
        },
        Scenario {
            name: "synth_02_slow_leak_5s",
            notes: "100 MiB + 0.2 MiB/s leak, noise sd 2 MiB, 5 s sampling, to OOM",
            limit_mib: 256.0,
            dt: 5.0,
            duration: 1200.0,
            leak_rate_mib: 0.2,
            leak_onset: Some(0.0),
            restart_at: None,
            seed: 2,
            f: |t, r| anon(100.0 + 0.2 * t + 2.0 * r.normal()),
        },
        Scenario {
            name: "synth_03_late_onset",
            notes: "flat 80 MiB for 300 s, then a 1 MiB/s leak to OOM, 2 s sampling",
            limit_mib: 384.0,
            dt: 2.0,
            duration: 900.0,
            leak_rate_mib: 1.0,
            leak_onset: Some(300.0),
            restart_at: None,
            seed: 3,
            f: |t, r| anon(80.0 + (t - 300.0).max(0.0) + 0.5 * r.normal()),
        },
        Scenario {
            name: "synth_04_sawtooth",
            notes: "GC sawtooth 100 -> 300 MiB, period 20 s, no leak, 0.5 s sampling",
            limit_mib: 1024.0,
            dt: 0.5,
            duration: 300.0,
            leak_rate_mib: 0.0,
            leak_onset: None,
            restart_at: None,
            seed: 4,
            f: |t, r| anon(100.0 + 200.0 * ((t + 7.0) % 20.0) / 20.0 + r.normal()),
        },
        Scenario {
            name: "synth_05_sawtooth_rising_floor",
            notes: "sawtooth 100 -> 250 MiB, period 15 s, floor rising 0.5 MiB/s, to OOM at a peak",
            limit_mib: 512.0,
            dt: 1.0,
            duration: 800.0,
            leak_rate_mib: 0.5,
            leak_onset: Some(0.0),
            restart_at: None,
            seed: 5,
            f: |t, r| anon(100.0 + 0.5 * t + 150.0 * (t % 15.0) / 15.0 + r.normal()),
        },
        Scenario {
            name: "synth_06_pagecache",
            notes: "30 MiB anon flat; page cache grows 5 MiB/s until usage sits at the limit",
            limit_mib: 256.0,
            dt: 1.0,
            duration: 300.0,
            leak_rate_mib: 0.0,
            leak_onset: None,
            restart_at: None,
            seed: 6,
            f: |t, r| Point {
                anon: (30.0 + 0.2 * r.normal()) * MIB,
                file: (5.0 * t).min(256.0 - 31.0) * MIB,
            },
        },
        Scenario {
            name: "synth_07_step",
            notes: "50 MiB, one 100 MiB step at 100 s, then flat",
            limit_mib: 256.0,
            dt: 1.0,
            duration: 300.0,
            leak_rate_mib: 0.0,
            leak_onset: None,
            restart_at: None,
            seed: 7,
            f: |t, r| anon(50.0 + if t >= 100.0 { 100.0 } else { 0.0 } + 0.5 * r.normal()),
        },
        Scenario {
            name: "synth_08_warmup",
            notes: "saturating warm-up 20 + 200 (1 - e^(-t/60)) MiB, 2 s sampling",
            limit_mib: 512.0,
            dt: 2.0,
            duration: 500.0,
            leak_rate_mib: 0.0,
            leak_onset: None,
            restart_at: None,
            seed: 8,
            f: |t, r| anon(20.0 + 200.0 * (1.0 - (-t / 60.0).exp()) + 0.5 * r.normal()),
        },
        Scenario {
            name: "synth_09_bursty",
            notes: "100 MiB with bursts of 0-80 MiB lasting 1-5 s about every 10 s; no leak",
            limit_mib: 512.0,
            dt: 1.0,
            duration: 400.0,
            leak_rate_mib: 0.0,
            leak_onset: None,
            restart_at: None,
            seed: 9,
            f: |t, r| {
                // A burst decided per 10 s slot from a hash of the slot (pure in t).
                let slot = (t / 10.0).floor();
                let mut h = Rng(0x9E37_79B9_7F4A_7C15 ^ (slot as u64 + 1).wrapping_mul(7919));
                let start = slot * 10.0 + 5.0 * h.next();
                let len = 1.0 + 4.0 * h.next();
                let size = 80.0 * h.next();
                let burst = if t >= start && t < start + len {
                    size
                } else {
                    0.0
                };
                anon(100.0 + burst + r.normal())
            },
        },
        Scenario {
            name: "synth_10_restart",
            notes: "leak 1 MiB/s from 30 MiB for 120 s, then a restart (back to 30 MiB), flat",
            limit_mib: 512.0,
            dt: 1.0,
            duration: 300.0,
            leak_rate_mib: 1.0,
            leak_onset: Some(0.0),
            restart_at: Some(120.0),
            seed: 10,
            f: |t, r| anon(30.0 + if t < 120.0 { t } else { 0.0 } + 0.3 * r.normal()),
        },
        Scenario {
            name: "synth_11_leak_60s_sampling",
            notes: "200 MiB + 0.05 MiB/s leak sampled every 60 s, to OOM",
            limit_mib: 1024.0,
            dt: 60.0,
            duration: 20000.0,
            leak_rate_mib: 0.05,
            leak_onset: Some(0.0),
            restart_at: None,
            seed: 11,
            f: |t, r| anon(200.0 + 0.05 * t + 2.0 * r.normal()),
        },
        Scenario {
            name: "synth_12_noisy_flat",
            notes: "flat 150 MiB with heavy noise (sd 8 MiB), irregular sampling 0.5-3 s",
            limit_mib: 256.0,
            dt: 0.0,
            duration: 600.0,
            leak_rate_mib: 0.0,
            leak_onset: None,
            restart_at: None,
            seed: 12,
            f: |_, r| anon(150.0 + 8.0 * r.normal()),
        },
    ]
}

fn snapshot(p: &Point, limit: u64, oom_kills: u64) -> Result<Snapshot, memcg_core::ParseError> {
    let anon = p.anon.max(0.0) as u64 & !4095;
    let file = p.file.max(0.0) as u64 & !4095;
    let kernel = 2u64 << 20;
    let usage = anon + file + kernel;
    let stat = format!(
        "anon {anon}\nfile {file}\nkernel {kernel}\nshmem 0\ninactive_file {}\nactive_file {}\nslab_reclaimable 0\n",
        file / 2,
        file - file / 2
    );
    let events = format!("max 0\nhigh 0\noom_kill {oom_kills}\n");
    let current = usage.to_string();
    let max = limit.to_string();
    Snapshot::from_v2(&V2Files {
        current: current.as_bytes(),
        max: Some(max.as_bytes()),
        high: Some(b"max"),
        stat: Some(stat.as_bytes()),
        events: Some(events.as_bytes()),
        swap_current: Some(b"0"),
        swap_max: Some(b"0"),
        ..V2Files::default()
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "memcg-core/tests/traces-synth".into());
    let out = Path::new(&out);
    fs::create_dir_all(out)?;
    for sc in scenarios() {
        let mut rng = Rng(0x1234_5678 ^ sc.seed.wrapping_mul(0x9E37_79B9));
        let limit = (sc.limit_mib * MIB) as u64;
        let csv = fs::File::create(out.join(format!("{}.csv", sc.name)))?;
        let mut w = TraceWriter::new(BufWriter::new(csv));
        let mut t = 0.0;
        let mut oom_at = None;
        let mut exit_at = None;
        let mut rows = 0;
        let mut after = 0;
        while t <= sc.duration {
            let p = (sc.f)(t, &mut rng);
            let oom = oom_at.is_none() && p.anon + 2.0 * MIB >= limit as f64;
            if oom {
                oom_at = Some(t);
            }
            let p = if oom_at.is_some() { anon(0.0) } else { p };
            w.write(t, &snapshot(&p, limit, u64::from(oom_at.is_some()))?)?;
            rows += 1;
            if oom_at.is_some() {
                after += 1;
                if after > 2 {
                    break;
                }
            }
            t += if sc.dt > 0.0 {
                sc.dt
            } else {
                0.5 + 2.5 * rng.next()
            };
            t = (t * 1000.0).round() / 1000.0;
        }
        if oom_at.is_none() {
            exit_at = Some(sc.duration);
        }
        w.flush()?;
        let labels = serde_json::json!({
            "workload": sc.name,
            "leak": sc.leak_rate_mib > 0.0,
            "leak_rate_bytes_per_s": (sc.leak_rate_mib * MIB) as u64,
            "leak_onset_s": sc.leak_onset,
            "limit": limit,
            "oom_at_s": oom_at,
            "workload_exit_s": exit_at,
            "restart_at_s": sc.restart_at,
            "notes": sc.notes,
            "sample_interval_s": if sc.dt > 0.0 { Some(sc.dt) } else { None },
            "n_samples": rows,
            "generator": "cargo run -p memcg-core --example synth",
            "csv": format!("{}.csv", sc.name),
        });
        let mut j = fs::File::create(out.join(format!("{}.json", sc.name)))?;
        writeln!(j, "{}", serde_json::to_string_pretty(&labels)?)?;
        println!("{}: {rows} rows, oom_at {oom_at:?}", sc.name);
    }
    Ok(())
}
