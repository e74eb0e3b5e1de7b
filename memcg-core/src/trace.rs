//! The trace CSV format: one header row, one row per sample (see DESIGN.md, "Trace CSV").
//!
//! `t_seconds` (float seconds) first, then one column per value named after the file, keyed
//! files as `FILE.KEY`: `memory.current`, `memory.max` (a number or `max`),
//! `memory.stat.anon`, `memory.events.oom_kill`, … for v2; `memory.usage_in_bytes`,
//! `memory.limit_in_bytes`, `memory.stat.total_rss`, `memory.failcnt`,
//! `memory.oom_control.oom_kill`, … for v1; pressure as `memory.pressure.some_avg10` …
//! `memory.pressure.full_total`. The version follows from the columns (`memory.current` → v2,
//! `memory.usage_in_bytes` → v1). Empty cells are missing values. Unknown columns are kept:
//! unknown `memory.stat.*` keys reach [`Snapshot::extra_stat`], every other cell stays readable
//! through [`TraceReader::cell`]. One memcg-specific column, `effective.memory.max` (v2), carries
//! the effective limit when an ancestor's `memory.max` is lower than the cgroup's own.
//!
//! Rows are turned into a [`Snapshot`] by rendering the cells back into the kernel's file
//! formats (in buffers reused from row to row) and calling [`Snapshot::from_v2`] /
//! [`Snapshot::from_v1`], so every derivation is the one used on live files.
//!
//! ```
//! use memcg_core::trace::{TraceReader, TraceWriter};
//! let csv = "t_seconds,memory.current,memory.max,memory.stat.anon,memory.stat.file,memory.events.oom_kill\n\
//!            0.0,1048576,max,524288,0,0\n\
//!            0.25,2097152,max,1048576,,0\n";
//! let rows: Vec<_> = TraceReader::new(csv.as_bytes())?.collect::<Result<_, _>>()?;
//! assert_eq!(rows.len(), 2);
//! assert_eq!(rows[1].0, 0.25);
//! assert_eq!(rows[1].1.anon_bytes, Some(1048576));
//! assert_eq!(rows[1].1.file_bytes, None); // empty cell = missing
//!
//! // Writing and reading back gives the same snapshots.
//! let mut out = Vec::new();
//! let mut w = TraceWriter::new(&mut out);
//! for (t, s) in &rows {
//!     w.write(*t, s)?;
//! }
//! let again: Vec<_> = TraceReader::new(&out[..])?.collect::<Result<_, _>>()?;
//! assert_eq!(again, rows);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt::Write as _;
use std::io::{BufRead, Write};

use crate::error::{FileKind, ParseError, Reason};
use crate::limit::Limit;
use crate::pressure::Pressure;
use crate::snapshot::{Snapshot, Stat, V1Files, V2Files, Version};
use crate::trend::{Assessment, DetectorConfig, LeakDetector, TrendError};

/// Errors of the trace reader, writer and [`replay`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TraceError {
    /// Reading or writing failed.
    #[error("trace line {line}: {source}")]
    Io {
        /// 1-based line being read (0 when writing).
        line: u64,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The CSV itself is malformed: kind [`FileKind::TraceCsv`], the line, and
    /// [`Reason::InvalidRow`] (wrong cell count, bad `t_seconds`), [`Reason::MissingKey`]
    /// (no `t_seconds` or no usage column in the header) or [`Reason::InvalidUtf8`].
    #[error("{0}")]
    Format(ParseError),
    /// A cell did not parse as the file it names (e.g. `memory.max` = `lots`).
    #[error("trace line {line}, column {column}: {source}")]
    Cell {
        /// 1-based line of the row.
        line: u64,
        /// The column's name (the file name when it cannot be narrowed down).
        column: String,
        /// The parser's error (its line refers to the rendered file, not the CSV).
        #[source]
        source: ParseError,
    },
    /// The detector rejected a row's timestamp ([`replay`] only).
    #[error("trace line {line}: {source}")]
    Trend {
        /// 1-based line of the row.
        line: u64,
        /// The detector's error.
        #[source]
        source: TrendError,
    },
}

impl TraceError {
    /// The 1-based CSV line the error refers to (0 when writing).
    #[must_use]
    pub fn line(&self) -> u64 {
        match self {
            TraceError::Io { line, .. }
            | TraceError::Cell { line, .. }
            | TraceError::Trend { line, .. } => *line,
            TraceError::Format(p) => u64::from(p.line),
        }
    }
}

fn format_err(line: u64, reason: Reason) -> TraceError {
    TraceError::Format(ParseError {
        kind: FileKind::TraceCsv,
        line: u32::try_from(line).unwrap_or(u32::MAX),
        offset: 0,
        reason,
    })
}

/// What a column feeds.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Col {
    Time,
    /// A single-value file.
    Single(Single),
    /// `memory.stat.KEY` (key starts at this byte of the name).
    Stat,
    /// `memory.events.KEY` (v2).
    Events,
    /// `memory.oom_control.KEY` (v1).
    OomControl,
    /// `memory.pressure.{some,full}_{avg10,avg60,avg300,total}`: (line, field).
    Pressure(usize, usize),
    /// Anything else: kept, readable with [`TraceReader::cell`].
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Single {
    Current,
    Max,
    High,
    Peak,
    SwapCurrent,
    SwapMax,
    EffectiveMax,
    Usage,
    Limit,
    MaxUsage,
    Failcnt,
    MemswLimit,
    UseHierarchy,
}

const N_SINGLE: usize = 13;

fn classify(name: &str) -> (Col, usize) {
    let single = |s| (Col::Single(s), 0);
    match name {
        "t_seconds" => (Col::Time, 0),
        "memory.current" => single(Single::Current),
        "memory.max" => single(Single::Max),
        "memory.high" => single(Single::High),
        "memory.peak" => single(Single::Peak),
        "memory.swap.current" => single(Single::SwapCurrent),
        "memory.swap.max" => single(Single::SwapMax),
        "effective.memory.max" => single(Single::EffectiveMax),
        "memory.usage_in_bytes" => single(Single::Usage),
        "memory.limit_in_bytes" => single(Single::Limit),
        "memory.max_usage_in_bytes" => single(Single::MaxUsage),
        "memory.failcnt" => single(Single::Failcnt),
        "memory.memsw.limit_in_bytes" => single(Single::MemswLimit),
        "memory.use_hierarchy" => single(Single::UseHierarchy),
        _ => {
            if let Some(k) = name.strip_prefix("memory.stat.") {
                (Col::Stat, name.len() - k.len())
            } else if let Some(k) = name.strip_prefix("memory.events.") {
                (Col::Events, name.len() - k.len())
            } else if let Some(k) = name.strip_prefix("memory.oom_control.") {
                (Col::OomControl, name.len() - k.len())
            } else if let Some(k) = name.strip_prefix("memory.pressure.") {
                let line = match k.split('_').next() {
                    Some("some") => 0,
                    Some("full") => 1,
                    _ => return (Col::Other, 0),
                };
                let field = match k.split('_').nth(1) {
                    Some("avg10") => 0,
                    Some("avg60") => 1,
                    Some("avg300") => 2,
                    Some("total") => 3,
                    _ => return (Col::Other, 0),
                };
                (Col::Pressure(line, field), 0)
            } else {
                (Col::Other, 0)
            }
        }
    }
}

/// Reads a trace CSV row by row, yielding `(t_seconds, Snapshot)`.
///
/// Buffers are reused from row to row: after the first rows, reading does not allocate.
#[derive(Debug)]
pub struct TraceReader<R> {
    r: R,
    line_no: u64,
    version: Version,
    names: Vec<String>,
    cols: Vec<(Col, usize)>,
    line: String,
    cells: Vec<(usize, usize)>,
    stat: String,
    stat_cols: Vec<usize>,
    events: String,
    oom: String,
    pressure: String,
    done: bool,
}

impl<R: BufRead> TraceReader<R> {
    /// Reads the header.
    ///
    /// # Errors
    /// [`TraceError::Io`], or [`TraceError::Format`] when the header lacks `t_seconds` or a usage
    /// column (`memory.current` / `memory.usage_in_bytes`) ([`Reason::MissingKey`]), or names
    /// a column twice ([`Reason::DuplicateKey`]).
    pub fn new(mut r: R) -> Result<Self, TraceError> {
        let mut header = String::new();
        read_line(&mut r, &mut header, 1)?;
        let names: Vec<String> = header
            .trim_end_matches(['\n', '\r'])
            .split(',')
            .map(|s| s.trim().to_string())
            .collect();
        let cols: Vec<(Col, usize)> = names.iter().map(|n| classify(n)).collect();
        if cols.first().map(|c| c.0) != Some(Col::Time) {
            return Err(format_err(1, Reason::MissingKey));
        }
        // A column named twice has no single meaning (found by fuzzing: two cells of one
        // unknown memory.stat key were both kept, and a write/read round trip changed them).
        let mut sorted: Vec<&str> = names
            .iter()
            .map(String::as_str)
            .filter(|n| !n.is_empty())
            .collect();
        sorted.sort_unstable();
        if sorted.windows(2).any(|w| w[0] == w[1]) {
            return Err(format_err(1, Reason::DuplicateKey));
        }
        let version = if names.iter().any(|n| n == "memory.current") {
            Version::V2
        } else if names.iter().any(|n| n == "memory.usage_in_bytes") {
            Version::V1
        } else {
            return Err(format_err(1, Reason::MissingKey));
        };
        Ok(TraceReader {
            r,
            line_no: 1,
            version,
            names,
            cols,
            line: String::new(),
            cells: Vec::new(),
            stat: String::new(),
            stat_cols: Vec::new(),
            events: String::new(),
            oom: String::new(),
            pressure: String::new(),
            done: false,
        })
    }

    /// The cgroup version the columns name.
    #[must_use]
    pub fn version(&self) -> Version {
        self.version
    }

    /// The header's column names.
    #[must_use]
    pub fn columns(&self) -> &[String] {
        &self.names
    }

    /// The 1-based line of the last row read.
    #[must_use]
    pub fn line(&self) -> u64 {
        self.line_no
    }

    /// The cell of column `name` in the last row read (`None` if the column does not exist or
    /// the cell is empty). This is how columns memcg has no field for stay reachable.
    #[must_use]
    pub fn cell(&self, name: &str) -> Option<&str> {
        let i = self.names.iter().position(|n| n == name)?;
        let &(a, b) = self.cells.get(i)?;
        let c = self.line.get(a..b)?.trim();
        (!c.is_empty()).then_some(c)
    }

    fn cell_at(&self, i: usize) -> Option<&str> {
        cell_in(&self.line, &self.cells, i)
    }

    fn next_row(&mut self) -> Result<Option<(f64, Snapshot)>, TraceError> {
        loop {
            self.line.clear();
            self.line_no += 1;
            let n = read_line(&mut self.r, &mut self.line, self.line_no)?;
            if n == 0 {
                return Ok(None);
            }
            if !self.line.trim().is_empty() {
                break;
            }
        }
        let ln = self.line_no;
        let body = self.line.trim_end_matches(['\n', '\r']);
        self.cells.clear();
        let mut start = 0;
        for (i, b) in body.bytes().enumerate() {
            if b == b',' {
                self.cells.push((start, i));
                start = i + 1;
            }
        }
        self.cells.push((start, body.len()));
        if self.cells.len() != self.cols.len() {
            return Err(format_err(ln, Reason::InvalidRow));
        }
        let t: f64 = self
            .cell_at(0)
            .and_then(|c| c.parse().ok())
            .filter(|t: &f64| t.is_finite())
            .ok_or_else(|| format_err(ln, Reason::InvalidRow))?;

        let mut singles: [Option<&str>; N_SINGLE] = [None; N_SINGLE];
        let (line, cells, names, cols) = (&self.line, &self.cells, &self.names, &self.cols);
        let (stat, stat_cols, events, oom) = (
            &mut self.stat,
            &mut self.stat_cols,
            &mut self.events,
            &mut self.oom,
        );
        stat.clear();
        stat_cols.clear();
        events.clear();
        oom.clear();
        let mut psi = [[None::<&str>; 4]; 2];
        for (i, &(col, key_at)) in cols.iter().enumerate() {
            let Some(cell) = cell_in(line, cells, i) else {
                continue;
            };
            let key = names[i].get(key_at..).unwrap_or("");
            match col {
                Col::Time | Col::Other => {}
                Col::Single(s) => singles[s as usize] = Some(cell),
                Col::Stat => {
                    let _ = writeln!(stat, "{key} {cell}");
                    stat_cols.push(i);
                }
                Col::Events => {
                    let _ = writeln!(events, "{key} {cell}");
                }
                Col::OomControl => {
                    let _ = writeln!(oom, "{key} {cell}");
                }
                Col::Pressure(l, f) => psi[l][f] = Some(cell),
            }
        }
        let pressure_buf = &mut self.pressure;
        pressure_buf.clear();
        let mut have_psi = false;
        for (l, name) in ["some", "full"].iter().enumerate() {
            if let [Some(a), Some(b), Some(c), Some(d)] = psi[l] {
                let _ = writeln!(
                    pressure_buf,
                    "{name} avg10={a} avg60={b} avg300={c} total={d}"
                );
                have_psi |= l == 0;
            }
        }
        let get = |s: Single| singles[s as usize].map(str::as_bytes);
        fn opt(s: &str) -> Option<&[u8]> {
            (!s.is_empty()).then_some(s.as_bytes())
        }
        let pressure = have_psi.then_some(pressure_buf.as_bytes());
        let result = match self.version {
            Version::V2 => {
                let Some(current) = get(Single::Current) else {
                    return Err(format_err(ln, Reason::InvalidRow));
                };
                let ancestors_limit = match get(Single::EffectiveMax) {
                    Some(b) => match crate::limit::parse_v2_limit(FileKind::V2MemoryMax, b) {
                        Ok(l) => Some(l),
                        Err(source) => {
                            return Err(TraceError::Cell {
                                line: ln,
                                column: "effective.memory.max".into(),
                                source,
                            })
                        }
                    },
                    None => None,
                };
                Snapshot::from_v2(&V2Files {
                    current,
                    max: get(Single::Max),
                    high: get(Single::High),
                    peak: get(Single::Peak),
                    stat: opt(stat),
                    events: opt(events),
                    swap_current: get(Single::SwapCurrent),
                    swap_max: get(Single::SwapMax),
                    pressure,
                    ancestors_limit,
                })
            }
            Version::V1 => {
                let Some(usage) = get(Single::Usage) else {
                    return Err(format_err(ln, Reason::InvalidRow));
                };
                Snapshot::from_v1(&V1Files {
                    usage_in_bytes: usage,
                    limit_in_bytes: get(Single::Limit),
                    max_usage_in_bytes: get(Single::MaxUsage),
                    failcnt: get(Single::Failcnt),
                    stat: opt(stat),
                    oom_control: opt(oom),
                    use_hierarchy: get(Single::UseHierarchy),
                    memsw_limit_in_bytes: get(Single::MemswLimit),
                    pressure,
                })
            }
        };
        match result {
            Ok(s) => Ok(Some((t, s))),
            Err(e) => Err(self.cell_err(ln, e)),
        }
    }

    /// Names the column behind a parser error.
    fn cell_err(&self, line: u64, e: ParseError) -> TraceError {
        let column = match e.kind {
            FileKind::V2MemoryStat | FileKind::V1MemoryStat => self
                .stat_cols
                .get((e.line as usize).saturating_sub(1))
                .and_then(|&i| self.names.get(i).cloned()),
            FileKind::V2MemoryEvents => Some("memory.events".to_string()),
            FileKind::V1OomControl => Some("memory.oom_control".to_string()),
            FileKind::Pressure => Some("memory.pressure".to_string()),
            k => Some(k.name().to_string()),
        }
        .unwrap_or_else(|| e.kind.name().to_string());
        TraceError::Cell {
            line,
            column,
            source: e,
        }
    }
}

fn cell_in<'a>(line: &'a str, cells: &[(usize, usize)], i: usize) -> Option<&'a str> {
    let &(a, b) = cells.get(i)?;
    let c = line.get(a..b)?.trim();
    (!c.is_empty()).then_some(c)
}

fn read_line<R: BufRead>(r: &mut R, buf: &mut String, line: u64) -> Result<usize, TraceError> {
    r.read_line(buf).map_err(|source| {
        if source.kind() == std::io::ErrorKind::InvalidData {
            format_err(line, Reason::InvalidUtf8)
        } else {
            TraceError::Io { line, source }
        }
    })
}

impl<R: BufRead> Iterator for TraceReader<R> {
    type Item = Result<(f64, Snapshot), TraceError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.next_row() {
            Ok(Some(row)) => Some(Ok(row)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                // An I/O error ends the stream; a bad row does not.
                if matches!(e, TraceError::Io { .. }) {
                    self.done = true;
                }
                Some(Err(e))
            }
        }
    }
}

/// Writes a trace CSV: the header from the first snapshot, then one row per
/// [`TraceWriter::write`]. What it writes reads back ([`TraceReader`]) into equal snapshots for
/// the fields a snapshot keeps (v1 `memory.memsw.limit_in_bytes` is rebuilt from the swap
/// allowance; v2 events other than `max`, `high`, `oom_kill` are not in a Snapshot).
#[derive(Debug)]
pub struct TraceWriter<W: Write> {
    w: W,
    header: Option<(Version, Vec<String>)>,
    row: String,
}

fn limit_v2(l: Option<Limit>) -> String {
    match l {
        Some(Limit::Unlimited) => "max".into(),
        Some(Limit::Bytes(b)) => b.to_string(),
        None => String::new(),
    }
}

fn limit_v1(l: Option<Limit>) -> String {
    match l {
        Some(Limit::Unlimited) => "9223372036854771712".into(),
        Some(Limit::Bytes(b)) => b.to_string(),
        None => String::new(),
    }
}

fn num(v: Option<u64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn pressure_cells(p: Option<&Pressure>, line: usize, field: usize) -> String {
    let Some(p) = p else {
        return String::new();
    };
    let l = if line == 0 { Some(p.some) } else { p.full };
    let Some(l) = l else {
        return String::new();
    };
    match field {
        0 => format!("{:.2}", l.avg10),
        1 => format!("{:.2}", l.avg60),
        2 => format!("{:.2}", l.avg300),
        _ => num(l.total_us),
    }
}

impl<W: Write> TraceWriter<W> {
    /// A writer over `w`; the header is written with the first row.
    pub fn new(w: W) -> Self {
        TraceWriter {
            w,
            header: None,
            row: String::new(),
        }
    }

    fn columns_for(snap: &Snapshot) -> Vec<String> {
        let mut c: Vec<String> = vec!["t_seconds".into()];
        let fixed: &[&str] = match snap.version {
            Version::V2 => &[
                "memory.current",
                "memory.max",
                "effective.memory.max",
                "memory.high",
                "memory.peak",
                "memory.swap.current",
                "memory.swap.max",
            ],
            Version::V1 => &[
                "memory.usage_in_bytes",
                "memory.limit_in_bytes",
                "memory.max_usage_in_bytes",
                "memory.failcnt",
                "memory.memsw.limit_in_bytes",
                "memory.use_hierarchy",
            ],
        };
        c.extend(fixed.iter().map(|s| s.to_string()));
        c.extend(snap.stat_entries().map(|(k, _)| format!("memory.stat.{k}")));
        match snap.version {
            Version::V2 => c.extend(
                ["max", "high", "oom_kill"]
                    .iter()
                    .map(|k| format!("memory.events.{k}")),
            ),
            Version::V1 => c.push("memory.oom_control.oom_kill".into()),
        }
        for l in ["some", "full"] {
            for f in ["avg10", "avg60", "avg300", "total"] {
                c.push(format!("memory.pressure.{l}_{f}"));
            }
        }
        c
    }

    fn value(snap: &Snapshot, col: &str) -> String {
        match col {
            "memory.current" | "memory.usage_in_bytes" => snap.usage_bytes.to_string(),
            "memory.max" => limit_v2(snap.limit_bytes),
            "effective.memory.max" => {
                if snap.effective_limit_bytes != snap.limit_bytes {
                    limit_v2(snap.effective_limit_bytes)
                } else {
                    String::new()
                }
            }
            "memory.high" => limit_v2(snap.high_limit_bytes),
            "memory.peak" | "memory.max_usage_in_bytes" => num(snap.peak_bytes),
            "memory.swap.current" => num(snap.swap_bytes),
            "memory.swap.max" => limit_v2(snap.swap_limit_bytes),
            "memory.limit_in_bytes" => limit_v1(snap.limit_bytes),
            "memory.failcnt" | "memory.events.max" => num(snap.max_events),
            "memory.events.high" => num(snap.high_events),
            "memory.events.oom_kill" | "memory.oom_control.oom_kill" => num(snap.oom_kills),
            "memory.memsw.limit_in_bytes" => match (snap.swap_limit_bytes, snap.limit_bytes) {
                (Some(Limit::Unlimited), _) => limit_v1(Some(Limit::Unlimited)),
                (Some(Limit::Bytes(s)), Some(Limit::Bytes(l))) => s.saturating_add(l).to_string(),
                (Some(Limit::Bytes(s)), None) => s.to_string(),
                _ => String::new(),
            },
            "memory.use_hierarchy" => match &snap.stat {
                Stat::V1(s) if s.total_rss.is_some() && snap.anon_bytes != s.total_rss => {
                    "0".into()
                }
                _ => String::new(),
            },
            _ => {
                if let Some(k) = col.strip_prefix("memory.stat.") {
                    snap.stat_entries()
                        .find(|(n, _)| *n == k)
                        .map(|(_, v)| v.to_string())
                        .unwrap_or_default()
                } else if let Some(k) = col.strip_prefix("memory.pressure.") {
                    let (l, f) = match classify(&format!("memory.pressure.{k}")).0 {
                        Col::Pressure(l, f) => (l, f),
                        _ => return String::new(),
                    };
                    pressure_cells(snap.pressure.as_ref(), l, f)
                } else {
                    String::new()
                }
            }
        }
    }

    /// Writes one row (and the header before the first). Columns come from the first snapshot;
    /// later snapshots of another version, or with `memory.stat` keys the first lacked, lose
    /// those values (the header cannot change).
    ///
    /// # Errors
    /// [`TraceError::Io`].
    pub fn write(&mut self, t_seconds: f64, snap: &Snapshot) -> Result<(), TraceError> {
        let io = |source| TraceError::Io { line: 0, source };
        if self.header.is_none() {
            let cols = Self::columns_for(snap);
            writeln!(self.w, "{}", cols.join(",")).map_err(io)?;
            self.header = Some((snap.version, cols));
        }
        let Some((version, cols)) = &self.header else {
            return Ok(());
        };
        self.row.clear();
        let _ = write!(self.row, "{t_seconds}");
        for c in cols.iter().skip(1) {
            self.row.push(',');
            if *version == snap.version {
                self.row.push_str(&Self::value(snap, c));
            }
        }
        self.row.push('\n');
        self.w.write_all(self.row.as_bytes()).map_err(io)
    }

    /// Flushes the underlying writer.
    ///
    /// # Errors
    /// [`TraceError::Io`].
    pub fn flush(&mut self) -> Result<(), TraceError> {
        self.w
            .flush()
            .map_err(|source| TraceError::Io { line: 0, source })
    }

    /// The underlying writer.
    pub fn into_inner(self) -> W {
        self.w
    }
}

/// Runs a [`LeakDetector`] over a trace: one `(t_seconds, Assessment)` per row.
///
/// ```
/// let csv = "t_seconds,memory.current,memory.max,memory.stat.anon\n0,100,1000,100\n1,110,1000,110\n";
/// let out: Vec<_> = memcg_core::trace::replay(csv.as_bytes(), Default::default())?
///     .collect::<Result<_, _>>()?;
/// assert_eq!(out.len(), 2);
/// assert_eq!(out[1].1.signal_bytes, 110);
/// # Ok::<(), memcg_core::trace::TraceError>(())
/// ```
///
/// # Errors
/// The header's [`TraceError`]; each item carries its row's error.
pub fn replay<R: BufRead>(r: R, config: DetectorConfig) -> Result<Replay<R>, TraceError> {
    Ok(Replay {
        reader: TraceReader::new(r)?,
        detector: LeakDetector::new(config),
    })
}

/// The iterator of [`replay`].
#[derive(Debug)]
pub struct Replay<R> {
    reader: TraceReader<R>,
    detector: LeakDetector,
}

impl<R: BufRead> Replay<R> {
    /// The reader (for [`TraceReader::cell`] of the last row).
    pub fn reader(&self) -> &TraceReader<R> {
        &self.reader
    }

    /// The detector.
    pub fn detector(&self) -> &LeakDetector {
        &self.detector
    }
}

impl<R: BufRead> Iterator for Replay<R> {
    type Item = Result<(f64, Assessment), TraceError>;

    fn next(&mut self) -> Option<Self::Item> {
        let row = self.reader.next()?;
        Some(row.and_then(|(t, snap)| {
            self.detector
                .update(t, &snap)
                .map(|a| (t, a))
                .map_err(|source| TraceError::Trend {
                    line: self.reader.line(),
                    source,
                })
        }))
    }
}
