//! `memcg exporter`: a Prometheus exporter for every memory cgroup under a root.
//!
//! One sampling thread walks the cgroup tree each interval, keeps one [`Sampler`] and one
//! [`LeakDetector`] per cgroup (created when a cgroup appears, dropped when it vanishes), and
//! publishes the latest values; the HTTP thread renders them on each scrape, in the Prometheus
//! text format or OpenMetrics when the scraper asks for it.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use memcg_core::sampler::Sampler;
use memcg_core::trend::{Assessment, DetectorConfig, LeakDetector, State};
use memcg_core::{Limit, ReadError, Snapshot, Version};

use crate::Failure;

/// Deepest directory level walked below the root (bounded work on hostile trees).
const MAX_DEPTH: usize = 16;
/// Most cgroups tracked at once (bounded cardinality and memory).
const MAX_CGROUPS: usize = 20_000;

/// Options of `memcg exporter`.
pub(crate) struct Options {
    pub(crate) listen: String,
    pub(crate) root: Option<PathBuf>,
    pub(crate) interval: f64,
    pub(crate) pattern: Option<String>,
}

/// Labels derived from a cgroup path alone.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Labels {
    /// The cgroup path relative to the root, starting with `/` (cAdvisor's `id`).
    pub(crate) id: String,
    /// A 64-hex container ID (Docker, containerd/CRI, CRI-O, Podman), if the path has one.
    pub(crate) container_id: String,
    /// A Kubernetes pod UID, if the path has one (systemd `_` turned back into `-`).
    pub(crate) pod_uid: String,
    /// A systemd unit name (`*.service`, `*.scope`, `*.slice`) for the last component.
    pub(crate) unit: String,
}

fn hex_run(s: &str, len: usize) -> Option<&str> {
    let b = s.as_bytes();
    let mut i = 0;
    while i + len <= b.len() {
        if b[i..i + len].iter().all(u8::is_ascii_hexdigit)
            && (i + len == b.len() || !b[i + len].is_ascii_hexdigit())
            && (i == 0 || !b[i - 1].is_ascii_hexdigit())
        {
            return Some(&s[i..i + len]);
        }
        i += 1;
    }
    None
}

/// Derives the labels of a cgroup from its path relative to the root.
pub(crate) fn labels_for(rel: &str) -> Labels {
    let id = if rel.is_empty() {
        "/".to_string()
    } else {
        format!("/{}", rel.trim_start_matches('/'))
    };
    let last = id.rsplit('/').next().unwrap_or("");
    let container_id = hex_run(last, 64).unwrap_or("").to_string();
    let mut pod_uid = String::new();
    for comp in id.split('/') {
        if let Some(p) = comp.rfind("pod") {
            let rest = comp[p + 3..].trim_end_matches(".slice");
            let cand: String = rest.chars().take(36).collect();
            let norm = cand.replace('_', "-");
            let ok = norm.len() == 36
                && norm.chars().enumerate().all(|(i, c)| {
                    if matches!(i, 8 | 13 | 18 | 23) {
                        c == '-'
                    } else {
                        c.is_ascii_hexdigit()
                    }
                });
            if ok {
                pod_uid = norm;
            }
        }
    }
    let unit = if [".service", ".scope", ".slice"]
        .iter()
        .any(|s| last.ends_with(s))
    {
        last.to_string()
    } else {
        String::new()
    };
    Labels {
        id,
        container_id,
        pod_uid,
        unit,
    }
}

/// A minimal glob: `*` matches any run of characters (including `/`), `?` one character.
pub(crate) fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// How one cgroup is read: kept-open files, or (out of file descriptors) open-read-close.
enum Reader {
    Kept(Box<Sampler>),
    Reopen(PathBuf),
}

impl Reader {
    /// Reads into `snap`; a kept Sampler reads its files into the exporter's one `scratch`
    /// buffer (so 1,000 cgroups do not each keep a few KiB of text).
    fn read(&mut self, snap: &mut Snapshot, scratch: &mut Vec<u8>) -> Result<(), ReadError> {
        match self {
            Reader::Kept(s) => s.read_into_with(snap, scratch),
            Reader::Reopen(d) => Snapshot::read_dir(d).map(|s| *snap = s),
        }
    }
}

struct Tracked {
    labels: Arc<Labels>,
    reader: Reader,
    detector: LeakDetector,
    last: Option<([Option<f64>; FAMILIES.len()], State)>,
}

/// One cgroup's values, computed at sampling time (compact: no Snapshot is kept).
pub(crate) struct Row {
    labels: Arc<Labels>,
    values: [Option<f64>; FAMILIES.len()],
    state: State,
}

/// What a scrape renders.
#[derive(Default)]
pub(crate) struct Published {
    pub(crate) rows: Vec<Row>,
    pub(crate) pass_seconds: f64,
    pub(crate) read_errors: u64,
    pub(crate) tracked: usize,
    pub(crate) passes: u64,
}

fn is_cgroup(dir: &Path, version: Version) -> bool {
    match version {
        Version::V1 => dir.join("memory.usage_in_bytes").is_file(),
        Version::V2 => dir.join("memory.current").is_file(),
    }
}

fn walk(dir: &Path, depth: usize, version: Version, out: &mut Vec<PathBuf>) {
    if out.len() >= MAX_CGROUPS {
        return;
    }
    if is_cgroup(dir, version) {
        out.push(dir.to_path_buf());
    }
    if depth >= MAX_DEPTH {
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        // Directories only, never through symlinks (cgroupfs has none; a copy might).
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            walk(&e.path(), depth + 1, version, out);
        }
    }
}

fn rel_of(root: &Path, dir: &Path) -> String {
    dir.strip_prefix(root)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The sampling state: one entry per cgroup.
pub(crate) struct Exporter {
    root: PathBuf,
    version: Version,
    pattern: Option<String>,
    /// Boxed: a `Tracked` is about 6.3 KiB (the detector is 5.8 KiB) and a hash table keeps
    /// its values inline in a power-of-two bucket array, so 1,000 unboxed cgroups cost a
    /// 2,048-bucket × 6.3 KiB table (13 MiB resident, every page touched) instead of 6.3 MiB.
    tracked: HashMap<PathBuf, Box<Tracked>>,
    read_errors: u64,
    passes: u64,
    /// The one text buffer and the one Snapshot every cgroup is read into, in turn.
    scratch: Vec<u8>,
    snap: Box<Snapshot>,
}

/// The tree is re-walked every this many passes (new cgroups appear within that many
/// intervals); vanished cgroups are dropped at once, on their first failed read.
const RESCAN_EVERY: u64 = 5;

impl Exporter {
    pub(crate) fn new(root: PathBuf, version: Version, pattern: Option<String>) -> Self {
        Exporter {
            root,
            version,
            pattern,
            tracked: HashMap::new(),
            read_errors: 0,
            passes: 0,
            scratch: Vec::new(),
            snap: Box::new(Snapshot::empty(version)),
        }
    }

    /// One pass: discover, sample every cgroup, drop vanished ones.
    pub(crate) fn pass(&mut self, t: f64) -> Published {
        let start = Instant::now();
        if self.passes % RESCAN_EVERY == 0 {
            self.rescan();
        }
        let mut gone = Vec::new();
        let s = &mut *self.snap;
        for (d, tr) in &mut self.tracked {
            match tr.reader.read(s, &mut self.scratch) {
                Ok(()) => match tr.detector.update(t, s) {
                    Ok(a) => {
                        tr.last =
                            Some((std::array::from_fn(|i| (FAMILIES[i].value)(s, &a)), a.state))
                    }
                    Err(_) => self.read_errors += 1,
                },
                Err(e) if e.is_gone() => gone.push(d.clone()),
                Err(_) => self.read_errors += 1,
            }
        }
        for d in gone {
            self.tracked.remove(&d);
        }
        self.passes += 1;
        self.publish(start)
    }

    /// Walks the tree: starts tracking new cgroups, forgets those that vanished.
    fn rescan(&mut self) {
        let mut dirs = Vec::new();
        walk(&self.root, 0, self.version, &mut dirs);
        if let Some(p) = &self.pattern {
            dirs.retain(|d| glob_match(p, &labels_for(&rel_of(&self.root, d)).id));
        }
        let seen: std::collections::HashSet<&PathBuf> = dirs.iter().collect();
        self.tracked.retain(|d, _| seen.contains(d));
        for d in &dirs {
            if self.tracked.contains_key(d) {
                continue;
            }
            let reader = match Sampler::open(d) {
                Ok(s) => Reader::Kept(Box::new(s)),
                Err(ReadError::Io { source, .. }) if source.raw_os_error() == Some(24) => {
                    // EMFILE: out of file descriptors; fall back to open-read-close.
                    Reader::Reopen(d.clone())
                }
                Err(_) => {
                    self.read_errors += 1;
                    continue;
                }
            };
            self.tracked.insert(
                d.clone(),
                Box::new(Tracked {
                    labels: Arc::new(labels_for(&rel_of(&self.root, d))),
                    reader,
                    detector: LeakDetector::new(DetectorConfig::default()),
                    last: None,
                }),
            );
        }
    }

    fn publish(&self, start: Instant) -> Published {
        let mut rows: Vec<Row> = self
            .tracked
            .values()
            .filter_map(|tr| {
                tr.last.map(|(values, state)| Row {
                    labels: Arc::clone(&tr.labels),
                    values,
                    state,
                })
            })
            .collect();
        rows.sort_by(|a, b| a.labels.id.cmp(&b.labels.id));
        Published {
            rows,
            pass_seconds: start.elapsed().as_secs_f64(),
            read_errors: self.read_errors,
            tracked: self.tracked.len(),
            passes: self.passes,
        }
    }
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn label_text(l: &Labels, extra: Option<(&str, &str)>) -> String {
    let mut s = format!("id=\"{}\"", escape(&l.id));
    for (k, v) in [
        ("container_id", &l.container_id),
        ("pod_uid", &l.pod_uid),
        ("unit", &l.unit),
    ] {
        if !v.is_empty() {
            let _ = write!(s, ",{k}=\"{}\"", escape(v));
        }
    }
    if let Some((k, v)) = extra {
        let _ = write!(s, ",{k}=\"{}\"", escape(v));
    }
    s
}

struct Family {
    name: &'static str,
    kind: &'static str,
    help: &'static str,
    value: fn(&Snapshot, &Assessment) -> Option<f64>,
}

fn lim(l: Option<Limit>) -> Option<f64> {
    l.and_then(Limit::bytes).map(|b| b as f64)
}

const FAMILIES: [Family; 22] = [
    Family { name: "container_memory_usage_bytes", kind: "gauge", help: "Current memory usage in bytes, including all memory regardless of when it was accessed (memory.current / memory.usage_in_bytes).", value: |s, _| Some(s.usage_bytes as f64) },
    Family { name: "container_memory_working_set_bytes", kind: "gauge", help: "Current working set in bytes: usage minus inactive file cache, floored at 0 (cAdvisor's definition).", value: |s, _| Some(s.working_set_bytes as f64) },
    Family { name: "container_memory_rss", kind: "gauge", help: "Size of RSS (anonymous memory) in bytes.", value: |s, _| s.anon_bytes.map(|v| v as f64) },
    Family { name: "container_memory_cache", kind: "gauge", help: "Number of bytes of page cache memory.", value: |s, _| s.file_bytes.map(|v| v as f64) },
    Family { name: "container_memory_swap", kind: "gauge", help: "Container swap usage in bytes.", value: |s, _| s.swap_bytes.map(|v| v as f64) },
    Family { name: "container_memory_max_usage_bytes", kind: "gauge", help: "Maximum memory usage recorded in bytes.", value: |s, _| s.peak_bytes.map(|v| v as f64) },
    Family { name: "container_spec_memory_limit_bytes", kind: "gauge", help: "Memory limit for the container in bytes (absent when unlimited).", value: |s, _| lim(s.limit_bytes) },
    // cAdvisor's name has no `_total`; typed gauge so that the exposition stays lint-clean
    // (`promtool check metrics`) while dashboards keep working (`rate()` works on it alike).
    Family { name: "container_memory_failcnt", kind: "gauge", help: "Number of memory usage hits limits (a cumulative count).", value: |s, _| s.max_events.map(|v| v as f64) },
    Family { name: "container_oom_events_total", kind: "counter", help: "Count of out of memory events observed for the container.", value: |s, _| s.oom_kills.map(|v| v as f64) },
    Family { name: "container_pressure_memory_waiting_seconds_total", kind: "counter", help: "Total time duration tasks in the container have waited due to memory pressure (PSI some).", value: |s, _| s.pressure.and_then(|p| p.some.total_us).map(|us| us as f64 / 1e6) },
    Family { name: "container_pressure_memory_stalled_seconds_total", kind: "counter", help: "Total time duration no tasks in the container could make progress due to memory pressure (PSI full).", value: |s, _| s.pressure.and_then(|p| p.full).and_then(|f| f.total_us).map(|us| us as f64 / 1e6) },
    Family { name: "memcg_effective_limit_bytes", kind: "gauge", help: "The limit that applies: the smallest memory.max over the cgroup and its ancestors (v2), hierarchical_memory_limit (v1). Absent when unlimited.", value: |s, _| lim(s.effective_limit_bytes) },
    Family { name: "memcg_unreclaimable_bytes", kind: "gauge", help: "Memory the kernel cannot reclaim (anon + shmem + unreclaimable kernel + swap): the leak detector's signal.", value: |_, a| Some(a.signal_bytes as f64) },
    Family { name: "memcg_unreclaimable_floor_bytes", kind: "gauge", help: "The floor (trailing minimum) of the unreclaimable signal.", value: |_, a| Some(a.floor_bytes as f64) },
    Family { name: "memcg_leak_slope_bytes_per_second", kind: "gauge", help: "Growth rate of unreclaimable memory.", value: |_, a| Some(a.slope_bytes_per_s) },
    Family { name: "memcg_leak_slope_low_bytes_per_second", kind: "gauge", help: "Lower end of the growth rate's interval.", value: |_, a| Some(a.slope_low) },
    Family { name: "memcg_leak_slope_high_bytes_per_second", kind: "gauge", help: "Upper end of the growth rate's interval.", value: |_, a| Some(a.slope_high) },
    Family { name: "memcg_leak", kind: "gauge", help: "1 when the detector calls a leak.", value: |_, a| Some(f64::from(u8::from(a.leak))) },
    Family { name: "memcg_imminent_oom", kind: "gauge", help: "1 when an OOM kill is imminent (a fast ramp close to the limit).", value: |_, a| Some(f64::from(u8::from(a.imminent_oom))) },
    Family { name: "memcg_time_to_limit_seconds", kind: "gauge", help: "Projected seconds until the effective limit is reached (absent without a limit or growth).", value: |_, a| a.time_to_limit_s },
    Family { name: "memcg_time_to_limit_low_seconds", kind: "gauge", help: "Earliest end of the time-to-limit interval.", value: |_, a| a.time_to_limit_low_s },
    Family { name: "memcg_time_to_high_seconds", kind: "gauge", help: "Projected seconds until memory.high (throttling) is reached.", value: |_, a| a.time_to_high_s },
];

const STATES: [State; 4] = [
    State::WarmingUp,
    State::Stable,
    State::Growing,
    State::Leaking,
];

fn fmt_value(v: f64) -> String {
    if v.is_finite() {
        if v.fract() == 0.0 && v.abs() < 1e15 {
            format!("{}", v as i64)
        } else {
            format!("{v}")
        }
    } else {
        "NaN".into()
    }
}

/// Renders the metrics into one string. `openmetrics` selects the OpenMetrics text format.
/// (The server streams the same text in chunks: [`Stream`].)
#[cfg(test)]
pub(crate) fn render(p: &Published, openmetrics: bool) -> String {
    let mut out = String::new();
    for section in 0..=SECTIONS {
        render_section(p, openmetrics, section, 0..p.rows.len(), &mut out);
    }
    out
}

/// Sections of the exposition: one per family, then `memcg_state`, then the exporter's
/// health (and `# EOF` for OpenMetrics) as section `SECTIONS`.
const SECTIONS: usize = FAMILIES.len() + 1;

/// Cgroups rendered per chunk of a streamed scrape.
const CHUNK_ROWS: usize = 64;

/// Appends section `section` for the rows `rows` to `out`; a section's `# HELP`/`# TYPE`
/// lines come with its first rows.
fn render_section(
    p: &Published,
    openmetrics: bool,
    section: usize,
    rows: std::ops::Range<usize>,
    out: &mut String,
) {
    let first = rows.start == 0;
    let rows = p.rows.get(rows).unwrap_or_default();
    if let Some(f) = FAMILIES.get(section) {
        // OpenMetrics names counter families without the `_total` suffix.
        let family = if openmetrics && f.kind == "counter" {
            f.name.trim_end_matches("_total")
        } else {
            f.name
        };
        if first {
            let _ = writeln!(out, "# HELP {family} {}", f.help);
            let _ = writeln!(out, "# TYPE {family} {}", f.kind);
        }
        let suffix = if openmetrics && f.kind == "counter" && !f.name.ends_with("_total") {
            "_total"
        } else {
            ""
        };
        for row in rows {
            if let Some(v) = row.values[section] {
                let _ = writeln!(
                    out,
                    "{}{suffix}{{{}}} {}",
                    f.name,
                    label_text(&row.labels, None),
                    fmt_value(v)
                );
            }
        }
    } else if section == FAMILIES.len() {
        if first {
            let _ = writeln!(
                out,
                "# HELP memcg_state The detector's state: 1 for the current state, 0 for the others."
            );
            let _ = writeln!(out, "# TYPE memcg_state gauge");
        }
        for row in rows {
            for st in STATES {
                let _ = writeln!(
                    out,
                    "memcg_state{{{}}} {}",
                    label_text(&row.labels, Some(("state", st.as_str()))),
                    u8::from(row.state == st)
                );
            }
        }
    } else {
        let health: [(&str, &str, &str, f64); 4] = [
            (
                "memcg_exporter_sample_duration_seconds",
                "gauge",
                "Duration of the last sampling pass over all cgroups.",
                p.pass_seconds,
            ),
            (
                "memcg_exporter_cgroups_tracked",
                "gauge",
                "Cgroups currently tracked.",
                p.tracked as f64,
            ),
            (
                "memcg_exporter_read_errors_total",
                "counter",
                "Reads that failed (other than a cgroup vanishing).",
                p.read_errors as f64,
            ),
            (
                "memcg_exporter_sampling_passes_total",
                "counter",
                "Sampling passes completed.",
                p.passes as f64,
            ),
        ];
        for (name, kind, help, v) in health {
            let family = if openmetrics && kind == "counter" {
                name.trim_end_matches("_total")
            } else {
                name
            };
            let _ = writeln!(out, "# HELP {family} {help}");
            let _ = writeln!(out, "# TYPE {family} {kind}");
            let _ = writeln!(out, "{name} {}", fmt_value(v));
        }
        if openmetrics {
            out.push_str("# EOF\n");
        }
    }
}

/// A scrape's body, rendered [`CHUNK_ROWS`] cgroups at a time as the server sends it: the
/// exposition of 1,000 cgroups is about 7.5 MB of text, which a rendered string held at once
/// (and which glibc then kept resident: the 1,000-cgroup budget measured 16 → 26 MiB after a
/// few scrapes). Streamed, the text in memory is one chunk (~0.5 MB).
pub(crate) struct Stream {
    published: Arc<Published>,
    openmetrics: bool,
    section: usize,
    row: usize,
    buf: String,
    pos: usize,
}

impl Stream {
    pub(crate) fn new(published: Arc<Published>, openmetrics: bool) -> Self {
        Stream {
            published,
            openmetrics,
            section: 0,
            row: 0,
            buf: String::new(),
            pos: 0,
        }
    }
}

impl std::io::Read for Stream {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.pos >= self.buf.len() {
            if self.section > SECTIONS {
                return Ok(0);
            }
            self.buf.clear();
            self.pos = 0;
            let n = self.published.rows.len();
            let end = if self.section < SECTIONS {
                (self.row + CHUNK_ROWS).min(n)
            } else {
                n
            };
            render_section(
                &self.published,
                self.openmetrics,
                self.section,
                self.row..end,
                &mut self.buf,
            );
            if end >= n {
                self.section += 1;
                self.row = 0;
            } else {
                self.row = end;
            }
        }
        let chunk = &self.buf.as_bytes()[self.pos..];
        let k = chunk.len().min(out.len());
        out[..k].copy_from_slice(&chunk[..k]);
        self.pos += k;
        Ok(k)
    }
}

pub(crate) fn cmd_exporter(opts: Options) -> Result<(), Failure> {
    let (root, version) = match opts.root {
        Some(r) => {
            let v = if r.join("memory.current").exists() || r.join("cgroup.controllers").exists() {
                Version::V2
            } else {
                Version::V1
            };
            (r, v)
        }
        None => memcg_core::discovery::cgroup_root()
            .map_err(|e| Failure::runtime(format!("cannot find the cgroup root: {e}")))?,
    };
    if !root.is_dir() {
        return Err(Failure::runtime(format!(
            "--root {}: not a directory",
            root.display()
        )));
    }
    let server = tiny_http::Server::http(&opts.listen)
        .map_err(|e| Failure::runtime(format!("cannot listen on {}: {e}", opts.listen)))?;
    eprintln!(
        "memcg exporter: cgroup v{} root {}, sampling every {} s, serving http://{}/metrics",
        version.number(),
        root.display(),
        opts.interval,
        opts.listen
    );
    let published = Arc::new(Mutex::new(Arc::new(Published::default())));
    let shared = Arc::clone(&published);
    let interval = Duration::from_secs_f64(opts.interval);
    let pattern = opts.pattern.clone();
    std::thread::spawn(move || {
        let mut exp = Exporter::new(root, version, pattern);
        let start = Instant::now();
        let mut next = start;
        loop {
            let p = exp.pass(start.elapsed().as_secs_f64());
            if let Ok(mut g) = shared.lock() {
                *g = Arc::new(p);
            }
            next += interval;
            let now = Instant::now();
            if next > now {
                std::thread::sleep(next - now);
            } else {
                next = now;
            }
        }
    });
    for req in server.incoming_requests() {
        let path = req.url().split('?').next().unwrap_or("").to_string();
        let om = req.headers().iter().any(|h| {
            h.field.equiv("Accept") && h.value.as_str().contains("application/openmetrics-text")
        });
        let resp = match path.as_str() {
            "/metrics" => {
                let current = match published.lock() {
                    Ok(g) => Arc::clone(&g),
                    Err(_) => Arc::new(Published::default()),
                };
                let ctype = if om {
                    "application/openmetrics-text; version=1.0.0; charset=utf-8"
                } else {
                    "text/plain; version=0.0.4; charset=utf-8"
                };
                let h = tiny_http::Header::from_bytes("Content-Type", ctype)
                    .map_err(|()| Failure::runtime("bad header"))?;
                // Chunked transfer encoding: the length is not known before the end.
                let resp = tiny_http::Response::new(
                    tiny_http::StatusCode(200),
                    vec![h],
                    Stream::new(current, om),
                    None,
                    None,
                );
                let _ = req.respond(resp);
                continue;
            }
            "/" => tiny_http::Response::from_string(
                "memcg exporter: metrics at /metrics\n".to_string(),
            ),
            _ => tiny_http::Response::from_string("not found\n".to_string()).with_status_code(404),
        };
        let _ = req.respond(resp);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_from_paths() {
        let l = labels_for("kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod7a96c459_d529_44ae_9f99_90d3798d6426.slice/cri-containerd-1d3d308a7d48a27814a68bf33a44acf4441c9c02463ca0bc1cdfdc8c0b4a8496.scope");
        assert_eq!(l.pod_uid, "7a96c459-d529-44ae-9f99-90d3798d6426");
        assert_eq!(
            l.container_id,
            "1d3d308a7d48a27814a68bf33a44acf4441c9c02463ca0bc1cdfdc8c0b4a8496"
        );
        assert!(l.unit.starts_with("cri-containerd-"));
        let d =
            labels_for("docker/b29faf21b7eff959f64b4192c34d5d67a707fe8561e9eaa608cb27693fba4242");
        assert_eq!(
            d.id,
            "/docker/b29faf21b7eff959f64b4192c34d5d67a707fe8561e9eaa608cb27693fba4242"
        );
        assert_eq!(d.container_id.len(), 64);
        assert_eq!(d.unit, "");
        let s = labels_for("system.slice/nginx.service");
        assert_eq!(
            (s.unit.as_str(), s.container_id.as_str()),
            ("nginx.service", "")
        );
        assert_eq!(labels_for("").id, "/");
    }

    #[test]
    fn globs() {
        assert!(glob_match("/docker/*", "/docker/abc"));
        assert!(glob_match("*nginx*", "/system.slice/nginx.service"));
        assert!(!glob_match("/docker/*", "/system.slice/x"));
        assert!(glob_match("/a?c", "/abc"));
        assert!(glob_match("*", "/"));
    }

    #[test]
    fn renders_corpus_tree() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/corpus/elastic-agent-system-metrics/docker/sys/fs/cgroup/memory");
        let mut e = Exporter::new(root, Version::V1, None);
        let p = e.pass(0.0);
        assert_eq!(p.tracked, 3);
        let text = render(&p, false);
        assert!(
            text.contains("container_memory_usage_bytes{id=\"/\"} 484491264"),
            "{text}"
        );
        assert!(text.contains("container_memory_working_set_bytes{id=\"/docker/b29faf21b7eff959f64b4192c34d5d67a707fe8561e9eaa608cb27693fba4242\",container_id=\"b29faf21b7eff959f64b4192c34d5d67a707fe8561e9eaa608cb27693fba4242\"} 255889408"));
        assert!(text.contains("memcg_state{id=\"/\",state=\"warming_up\"} 1"));
        // Unlimited: no limit series, never a 0.
        assert!(!text.contains("container_spec_memory_limit_bytes{"));
        let om = render(&p, true);
        assert!(om.ends_with("# EOF\n"));
        assert!(om.contains("# TYPE container_oom_events counter"));
        assert!(om.contains("# TYPE memcg_exporter_read_errors counter"));
        assert!(om.contains("memcg_exporter_read_errors_total 0"));
        assert!(text.contains("container_memory_failcnt{id=\"/\"} 0"));
        // Filtering by glob.
        let mut f = Exporter::new(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/corpus/elastic-agent-system-metrics/docker/sys/fs/cgroup/memory"),
            Version::V1,
            Some("/docker/*".into()),
        );
        assert_eq!(f.pass(0.0).tracked, 1);
    }

    /// The streamed body is byte for byte the rendered string, over many chunks, whatever
    /// sizes the server reads it in.
    #[test]
    fn streamed_scrape_equals_the_rendered_text() {
        use std::io::Read;
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/corpus/elastic-agent-system-metrics/docker/sys/fs/cgroup/memory");
        let mut e = Exporter::new(root, Version::V1, None);
        e.pass(0.0);
        let mut p = e.pass(1.0);
        let base: Vec<Row> = std::mem::take(&mut p.rows);
        for i in 0..(3 * CHUNK_ROWS + 5) {
            let r = &base[i % base.len()];
            p.rows.push(Row {
                labels: Arc::new(labels_for(&format!("docker/{i:064x}"))),
                values: r.values,
                state: r.state,
            });
        }
        let p = Arc::new(p);
        for om in [false, true] {
            let text = render(&p, om);
            for read_size in [1, 7, 4096, 1 << 20] {
                let mut s = Stream::new(Arc::clone(&p), om);
                let mut got = Vec::new();
                let mut buf = vec![0u8; read_size];
                loop {
                    let n = s.read(&mut buf).unwrap();
                    if n == 0 {
                        break;
                    }
                    got.extend_from_slice(&buf[..n]);
                }
                assert_eq!(
                    got,
                    text.as_bytes(),
                    "openmetrics={om}, reads of {read_size}"
                );
            }
            assert_eq!(
                text.matches("container_memory_usage_bytes{").count(),
                p.rows.len()
            );
            assert_eq!(text.matches("# TYPE ").count(), FAMILIES.len() + 1 + 4);
        }
        // No rows: every family header still comes, once.
        let empty = Arc::new(Published::default());
        assert_eq!(
            render(&empty, false).matches("# TYPE ").count(),
            FAMILIES.len() + 1 + 4
        );
    }
}
