//! The `memcg` command: snapshots, live leak watching, trace recording and replay, and
//! running a command in a watched child cgroup.

mod args;
mod exporter;
mod plot;
mod run;

use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use memcg_core::report;
use memcg_core::sampler::Sampler;
use memcg_core::trend::{DetectorConfig, LeakDetector};
use memcg_core::Snapshot;

use args::{Args, Command};

const USAGE: &str = "\
memcg — cgroup memory accounting and leak detection

USAGE:
    memcg snapshot [DIR] [--json]
    memcg watch    [DIR] [--interval S] [--count N] [--json]
    memcg record   [DIR] --out FILE.csv [--interval S] [--duration S]
    memcg replay   FILE.csv [--json] [--plot OUT.svg|OUT.png]
    memcg run      [--limit BYTES] [--interval S] [--json] -- CMD [ARGS...]
    memcg exporter [--listen ADDR:PORT] [--root DIR] [--interval S] [--match GLOB]

DIR is a cgroup directory (v1 or v2) or any copy of one; it defaults to this process's own
memory cgroup. BYTES accepts suffixes K, M, G (powers of 1024). The exporter serves
Prometheus metrics for every memory cgroup under --root (default: the memory hierarchy's
mount point) on --listen (default 127.0.0.1:9256); --match keeps cgroups whose path
(relative to the root, starting with /) matches GLOB (`*`, `?`).

Exit status: 0 on success, 1 on a runtime error (printed on stderr), 2 on a usage error.";

/// A failure to report on stderr, with its exit code.
pub(crate) struct Failure {
    pub(crate) message: String,
    pub(crate) code: u8,
}

impl Failure {
    pub(crate) fn runtime(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: 1,
        }
    }
    fn usage(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: 2,
        }
    }
}

impl From<memcg_core::ReadError> for Failure {
    fn from(e: memcg_core::ReadError) -> Self {
        Failure::runtime(e.to_string())
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::runtime(e.to_string())
    }
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let result = match args::parse(&argv) {
        Ok(Args::Help) => {
            println!("{USAGE}");
            Ok(())
        }
        Ok(Args::Version) => {
            println!("memcg {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        Ok(Args::Run(cmd)) => dispatch(cmd),
        Err(msg) => Err(Failure::usage(format!("{msg}\n\n{USAGE}"))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            // A closed stdout (`memcg watch | head`) is not an error worth reporting.
            if !f.message.contains("Broken pipe") {
                eprintln!("memcg: error: {}", f.message);
            }
            ExitCode::from(f.code)
        }
    }
}

fn dispatch(cmd: Command) -> Result<(), Failure> {
    match cmd {
        Command::Snapshot { dir, json } => cmd_snapshot(dir, json),
        Command::Watch {
            dir,
            interval,
            count,
            json,
        } => cmd_watch(dir, interval, count, json),
        Command::Record {
            dir,
            out,
            interval,
            duration,
        } => cmd_record(dir, &out, interval, duration),
        Command::Replay { file, json, plot } => cmd_replay(&file, json, plot.as_deref()),
        Command::Run {
            limit,
            interval,
            json,
            cmd,
        } => run::cmd_run(limit, interval, json, &cmd),
        Command::Exporter {
            listen,
            root,
            interval,
            pattern,
        } => exporter::cmd_exporter(exporter::Options {
            listen,
            root,
            interval,
            pattern,
        }),
    }
}

/// The directory to read: the one given, or this process's own memory cgroup.
pub(crate) fn resolve_dir(dir: Option<PathBuf>) -> Result<PathBuf, Failure> {
    match dir {
        Some(d) => Ok(d),
        None => memcg_core::discovery::self_cgroup()
            .map(|f| f.dir)
            .map_err(|e| Failure::runtime(format!("cannot find this process's cgroup: {e}"))),
    }
}

fn cmd_snapshot(dir: Option<PathBuf>, json: bool) -> Result<(), Failure> {
    let dir = resolve_dir(dir)?;
    let snap = Snapshot::read_dir(&dir)?;
    let mut out = io::stdout().lock();
    if json {
        writeln!(out, "{}", report::snapshot_json(&snap))?;
    } else {
        write!(
            out,
            "{}",
            report::snapshot_table(&snap, Some(&dir.display().to_string()))
        )?;
    }
    Ok(())
}

fn sleep_until(next: Instant) {
    let now = Instant::now();
    if next > now {
        std::thread::sleep(next - now);
    }
}

fn cmd_watch(
    dir: Option<PathBuf>,
    interval: f64,
    count: Option<u64>,
    json: bool,
) -> Result<(), Failure> {
    let dir = resolve_dir(dir)?;
    let mut sampler = Sampler::open(&dir)?;
    let mut det = LeakDetector::new(DetectorConfig::default());
    let start = Instant::now();
    let step = Duration::from_secs_f64(interval);
    let mut out = io::stdout().lock();
    if !json {
        writeln!(out, "watching {} every {interval} s", dir.display())?;
        writeln!(out, "{}", report::watch_header())?;
    }
    let mut n = 0u64;
    let mut next = start;
    loop {
        if count.is_some_and(|c| n >= c) {
            return Ok(());
        }
        let snap = sampler.read()?;
        let t = start.elapsed().as_secs_f64();
        let a = det
            .update(t, &snap)
            .map_err(|e| Failure::runtime(e.to_string()))?;
        if json {
            writeln!(out, "{}", report::watch_json(t, &snap, &a))?;
        } else {
            writeln!(out, "{}", report::watch_line(t, &snap, &a))?;
        }
        out.flush()?;
        n += 1;
        next += step;
        if count.is_some_and(|c| n >= c) {
            return Ok(());
        }
        sleep_until(next);
    }
}

fn cmd_record(
    dir: Option<PathBuf>,
    out_path: &Path,
    interval: f64,
    duration: Option<f64>,
) -> Result<(), Failure> {
    let dir = resolve_dir(dir)?;
    let mut sampler = Sampler::open(&dir)?;
    let file = std::fs::File::create(out_path)
        .map_err(|e| Failure::runtime(format!("{}: {e}", out_path.display())))?;
    let mut writer = memcg_core::trace::TraceWriter::new(io::BufWriter::new(file));
    let start = Instant::now();
    let step = Duration::from_secs_f64(interval);
    let mut next = start;
    let mut rows = 0u64;
    loop {
        let t = start.elapsed().as_secs_f64();
        if duration.is_some_and(|d| t > d) {
            break;
        }
        let snap = match sampler.read() {
            Ok(s) => s,
            Err(e) if e.is_gone() => {
                eprintln!("memcg: cgroup is gone; stopping after {rows} rows");
                break;
            }
            Err(e) => return Err(e.into()),
        };
        writer
            .write(t, &snap)
            .map_err(|e| Failure::runtime(format!("{}: {e}", out_path.display())))?;
        rows += 1;
        next += step;
        sleep_until(next);
    }
    writer
        .flush()
        .map_err(|e| Failure::runtime(format!("{}: {e}", out_path.display())))?;
    eprintln!("memcg: wrote {rows} rows to {}", out_path.display());
    Ok(())
}

fn cmd_replay(file: &Path, json: bool, plot: Option<&Path>) -> Result<(), Failure> {
    let f = std::fs::File::open(file)
        .map_err(|e| Failure::runtime(format!("{}: {e}", file.display())))?;
    let reader: Box<dyn BufRead> = Box::new(BufReader::new(f));
    let mut out = io::stdout().lock();
    if !json {
        writeln!(out, "{}", report::watch_header())?;
    }
    let mut det = LeakDetector::new(DetectorConfig::default());
    let mut points = Vec::new();
    let rows = memcg_core::trace::TraceReader::new(reader)
        .map_err(|e| Failure::runtime(format!("{}: {e}", file.display())))?;
    for row in rows {
        let (t, snap) = row.map_err(|e| Failure::runtime(format!("{}: {e}", file.display())))?;
        let a = det
            .update(t, &snap)
            .map_err(|e| Failure::runtime(format!("{}: t={t}: {e}", file.display())))?;
        if json {
            writeln!(out, "{}", report::assessment_json(t, &a))?;
        } else {
            writeln!(out, "{}", report::watch_line(t, &snap, &a))?;
        }
        if plot.is_some() {
            points.push(plot::Point {
                t,
                usage: snap.usage_bytes as f64,
                a,
            });
        }
    }
    if let Some(p) = plot {
        let title = format!(
            "memcg replay {}",
            file.file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into_owned())
        );
        let bytes = if p.extension().is_some_and(|e| e == "png") {
            plot::png(&title, &points)
                .map_err(|e| Failure::runtime(format!("{}: PNG encoding: {e}", p.display())))?
        } else {
            plot::svg(&title, &points).into_bytes()
        };
        std::fs::write(p, bytes).map_err(|e| Failure::runtime(format!("{}: {e}", p.display())))?;
        eprintln!("memcg: wrote {}", p.display());
    }
    Ok(())
}
