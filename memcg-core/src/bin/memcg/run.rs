//! `memcg run`: start a command in a new child cgroup, watch it live, print a verdict.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

use memcg_core::report::{self, human_bytes, human_duration};
use memcg_core::sampler::Sampler;
use memcg_core::trend::{Assessment, DetectorConfig, LeakDetector, State};
use memcg_core::Version;

use crate::Failure;

/// Removes the child cgroup when dropped (after the command has exited or on an error path).
struct CgroupGuard {
    dir: PathBuf,
}

impl Drop for CgroupGuard {
    fn drop(&mut self) {
        // The kernel refuses rmdir while tasks remain; they are gone by now, but their exit can
        // take a moment to be accounted.
        for _ in 0..50 {
            if std::fs::remove_dir(&self.dir).is_ok() || !self.dir.exists() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        eprintln!(
            "memcg: warning: could not remove {}; remove it with rmdir",
            self.dir.display()
        );
    }
}

fn create_child(
    parent: &Path,
    version: Version,
    limit: Option<u64>,
) -> Result<CgroupGuard, Failure> {
    let name = format!("memcg-run-{}", std::process::id());
    let dir = parent.join(name);
    std::fs::create_dir(&dir).map_err(|e| {
        Failure::runtime(format!(
            "cannot create a child cgroup {}: {e}. `memcg run` needs write access to the \
             cgroup tree (root, or a delegated cgroup on v2)",
            dir.display()
        ))
    })?;
    let guard = CgroupGuard { dir };
    if version == Version::V2 && !guard.dir.join("memory.max").exists() {
        // Enable the memory controller for the parent's children.
        let _ = std::fs::write(parent.join("cgroup.subtree_control"), "+memory");
        if !guard.dir.join("memory.max").exists() {
            return Err(Failure::runtime(format!(
                "the memory controller is not enabled for children of {} (writing +memory to \
                 its cgroup.subtree_control failed: a v2 cgroup with processes cannot delegate \
                 controllers); run memcg from a delegated, empty cgroup",
                parent.display()
            )));
        }
    }
    if let Some(l) = limit {
        let file = match version {
            Version::V1 => "memory.limit_in_bytes",
            Version::V2 => "memory.max",
        };
        std::fs::write(guard.dir.join(file), l.to_string()).map_err(|e| {
            Failure::runtime(format!(
                "cannot set {file} = {l} in {}: {e}",
                guard.dir.display()
            ))
        })?;
    }
    Ok(guard)
}

/// What the run saw, for the verdict.
#[derive(Default)]
struct Summary {
    peak_usage: u64,
    peak_signal: u64,
    first_leak: Option<(f64, Assessment)>,
    last: Option<Assessment>,
    oom_kills: u64,
    samples: u64,
}

/// The command as a short one-line string for messages.
fn display_cmd(cmd: &[String]) -> String {
    let full = cmd.join(" ");
    let first = full.lines().next().unwrap_or("");
    if first.len() < full.len() || first.chars().count() > 60 {
        format!("{}…", first.chars().take(60).collect::<String>())
    } else {
        full
    }
}

pub(crate) fn cmd_run(
    limit: Option<u64>,
    interval: f64,
    json: bool,
    cmd: &[String],
) -> Result<(), Failure> {
    let own = memcg_core::discovery::self_cgroup()
        .map_err(|e| Failure::runtime(format!("cannot find this process's cgroup: {e}")))?;
    let guard = create_child(&own.dir, own.version, limit)?;
    let procs = guard.dir.join("cgroup.procs");
    // The shell writes its own PID into the cgroup, then execs the command: the command and
    // everything it forks are accounted to the child cgroup from their first byte.
    let mut child = Command::new("/bin/sh")
        .arg("-c")
        .arg("echo $$ > \"$0\" && exec \"$@\"")
        .arg(&procs)
        .args(cmd)
        .spawn()
        .map_err(|e| Failure::runtime(format!("cannot start {:?}: {e}", cmd[0])))?;
    let mut sampler = Sampler::open(&guard.dir)?;
    let mut det = LeakDetector::new(DetectorConfig::default());
    let start = Instant::now();
    let step = Duration::from_secs_f64(interval);
    let mut out = io::stdout().lock();
    if !json {
        writeln!(
            out,
            "memcg: running `{}` in {} (limit {})",
            display_cmd(cmd),
            guard.dir.display(),
            limit.map_or_else(|| "inherited".to_string(), human_bytes)
        )?;
        writeln!(out, "{}", report::watch_header())?;
    }
    let mut sum = Summary::default();
    let mut next = start;
    let status: ExitStatus = loop {
        let exited = child.try_wait()?;
        match sampler.read() {
            Ok(snap) => {
                let t = start.elapsed().as_secs_f64();
                if let Ok(a) = det.update(t, &snap) {
                    sum.samples += 1;
                    sum.peak_usage = sum.peak_usage.max(snap.usage_bytes);
                    sum.peak_signal = sum.peak_signal.max(a.signal_bytes);
                    sum.oom_kills = sum.oom_kills.max(snap.oom_kills.unwrap_or(0));
                    if a.leak && sum.first_leak.is_none() {
                        sum.first_leak = Some((t, a));
                    }
                    sum.last = Some(a);
                    if json {
                        writeln!(out, "{}", report::watch_json(t, &snap, &a))?;
                    } else {
                        writeln!(out, "{}", report::watch_line(t, &snap, &a))?;
                    }
                    out.flush()?;
                }
            }
            Err(e) if e.is_gone() => {}
            Err(e) => return Err(e.into()),
        }
        if let Some(s) = exited {
            break s;
        }
        next += step;
        let now = Instant::now();
        if next > now {
            std::thread::sleep(next - now);
        }
    };
    let elapsed = start.elapsed().as_secs_f64();
    verdict(&mut out, cmd, status, elapsed, &sum, json)?;
    drop(guard);
    Ok(())
}

fn verdict(
    out: &mut impl Write,
    cmd: &[String],
    status: ExitStatus,
    elapsed: f64,
    sum: &Summary,
    json: bool,
) -> Result<(), Failure> {
    let leak = sum.first_leak.is_some();
    if json {
        let v = serde_json::json!({
            "verdict": if leak { "leak" } else { "no_leak" },
            "exit_code": status.code(),
            "elapsed_s": elapsed,
            "oom_kills": sum.oom_kills,
            "peak_usage_bytes": sum.peak_usage,
            "peak_signal_bytes": sum.peak_signal,
            "first_leak_t_seconds": sum.first_leak.map(|(t, _)| t),
            "time_to_limit_s_at_first_leak": sum.first_leak.and_then(|(_, a)| a.time_to_limit_s),
        });
        writeln!(out, "{v}")?;
        return Ok(());
    }
    let how = match status.code() {
        Some(c) => format!("exited with status {c}"),
        None => "was killed by a signal".to_string(),
    };
    writeln!(out)?;
    writeln!(
        out,
        "memcg: {:?} {how} after {}",
        cmd.join(" "),
        human_duration(elapsed)
    )?;
    writeln!(
        out,
        "memcg: peak usage {}, peak unreclaimable {}, OOM kills {}",
        human_bytes(sum.peak_usage),
        human_bytes(sum.peak_signal),
        sum.oom_kills
    )?;
    match sum.first_leak {
        Some((t, a)) => {
            let tto = a
                .time_to_limit_s
                .map_or_else(|| "no limit".to_string(), human_duration);
            let verdict_oom = if sum.oom_kills > 0 {
                format!(
                    "; the OOM kill came {} after the first alert",
                    human_duration(elapsed - t)
                )
            } else {
                String::new()
            };
            writeln!(
                out,
                "memcg: verdict: LEAK — first flagged at {t:.1} s, growing {}/s, projected time \
                 to limit then {tto}{verdict_oom}",
                human_bytes(a.slope_bytes_per_s.max(0.0) as u64)
            )?;
        }
        None => {
            let state = sum.last.map_or(State::WarmingUp, |a| a.state);
            writeln!(
                out,
                "memcg: verdict: no leak detected (last state: {})",
                state.as_str()
            )?;
        }
    }
    Ok(())
}
