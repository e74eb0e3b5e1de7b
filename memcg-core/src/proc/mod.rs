//! `/proc/<pid>/cgroup` and `/proc/<pid>/mountinfo`.
//!
//! Both parsers are `no_std` and allocation-free: they borrow the file's bytes and yield one
//! borrowed entry per line. Errors are [`ParseError`]s naming [`FileKind::ProcCgroup`] or
//! [`FileKind::ProcMountinfo`], the 1-based line and the byte offset.
//!
//! The std layer that turns these entries into a cgroup directory is [`crate::discovery`]
//! (feature `std`).
//!
//! ```
//! use memcg_core::proc::{cgroup, mountinfo};
//! let cg = b"4:memory:/docker/abc\n0::/\n";
//! assert_eq!(cgroup::memory_v1_path(cg)?, Some(&b"/docker/abc"[..]));
//!
//! let mi = b"35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n";
//! let m = mountinfo::mounts(mi).next().unwrap()?;
//! assert!(m.is_memory_v1());
//! assert_eq!(m.mount_point, b"/sys/fs/cgroup/memory");
//! # Ok::<(), memcg_core::ParseError>(())
//! ```

pub mod cgroup;
pub mod mountinfo;

use crate::error::{FileKind, ParseError, Reason};

/// One physical line of a proc file: its start offset in the input and its content, without
/// the newline, one trailing `\r`, or leading spaces and tabs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawLine<'a> {
    /// Offset of `text` (after the indentation) in the whole input.
    pub offset: usize,
    /// The line's content.
    pub text: &'a [u8],
    /// 1-based line number.
    pub line: u32,
}

/// Splits an input into lines, skipping blank (or whitespace-only) lines.
#[derive(Debug, Clone)]
pub(crate) struct RawLines<'a> {
    input: &'a [u8],
    pos: usize,
    line: u32,
}

impl<'a> RawLines<'a> {
    pub(crate) fn new(input: &'a [u8]) -> Self {
        RawLines {
            input,
            pos: 0,
            line: 0,
        }
    }
}

impl<'a> Iterator for RawLines<'a> {
    type Item = RawLine<'a>;

    fn next(&mut self) -> Option<RawLine<'a>> {
        while self.pos < self.input.len() {
            let rest = &self.input[self.pos..];
            let len = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            let start = self.pos;
            self.pos += len + 1;
            self.line = self.line.saturating_add(1);
            let mut line = &rest[..len];
            let mut skip = 0;
            while let [b' ' | b'\t', tail @ ..] = line {
                line = tail;
                skip += 1;
            }
            if let [head @ .., b'\r'] = line {
                line = head;
            }
            if !line.is_empty() {
                return Some(RawLine {
                    offset: start + skip,
                    text: line,
                    line: self.line,
                });
            }
        }
        None
    }
}

/// Builds a [`ParseError`] at `offset` of `input`.
pub(crate) fn error(kind: FileKind, input: &[u8], offset: usize, reason: Reason) -> ParseError {
    ParseError::at(kind, input, offset, reason)
}

/// Parses a decimal `u32`; `Err((index, reason))` names the bad byte.
pub(crate) fn parse_u32(s: &[u8]) -> Result<u32, (usize, Reason)> {
    let v = crate::grammar::parse_u64(s)?;
    u32::try_from(v).map_err(|_| (0, Reason::Overflow))
}
