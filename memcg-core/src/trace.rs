//! The trace CSV format. (Interim: the full implementation is being merged.)

use std::io::{self, BufRead, Write};

use crate::error::{FileKind, ParseError, Reason};
use crate::snapshot::Snapshot;

/// Writes a trace.
#[derive(Debug)]
pub struct TraceWriter<W: Write> {
    w: W,
}

impl<W: Write> TraceWriter<W> {
    /// A writer to `w`.
    pub fn new(w: W) -> Self {
        TraceWriter { w }
    }
    /// Writes one row.
    ///
    /// # Errors
    /// I/O errors.
    pub fn write_row(&mut self, t: f64, s: &Snapshot) -> io::Result<()> {
        writeln!(self.w, "{t},{}", s.usage_bytes)
    }
    /// Flushes.
    ///
    /// # Errors
    /// I/O errors.
    pub fn flush(&mut self) -> io::Result<()> {
        self.w.flush()
    }
}

/// Reads a trace.
#[derive(Debug)]
pub struct TraceReader<R: BufRead> {
    r: R,
}

impl<R: BufRead> TraceReader<R> {
    /// A reader over `r`.
    pub fn new(r: R) -> Self {
        TraceReader { r }
    }
}

impl<R: BufRead> Iterator for TraceReader<R> {
    type Item = Result<(f64, Snapshot), ParseError>;
    fn next(&mut self) -> Option<Self::Item> {
        let _ = &self.r;
        Some(Err(ParseError::at(
            FileKind::TraceCsv,
            b"",
            0,
            Reason::InvalidRow,
        )))
    }
}
