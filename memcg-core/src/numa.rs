//! The grammar of `memory.numa_stat` (v1 and v2), as a borrowing iterator.
//!
//! v2 lines are `key N0=<bytes> N1=<bytes> …`; v1 lines are `key=<pages> N0=<pages> …`
//! (the v1 key carries its total after `=`). v1 kernels with NUMA balancing patches print
//! extra lines without `=` (`numa_locality 0 0 …`, `numa_exectime 0`): they are yielded as
//! [`NumaLine`]s with no total and no nodes, flagged [`NumaLine::foreign`], not errors.

use crate::error::{FileKind, ParseError, Reason};
use crate::grammar::{parse_counter, parse_u64, Lines, RawLine};

/// One line of a `memory.numa_stat` file.
#[derive(Debug, Clone, Copy)]
pub struct NumaLine<'a> {
    /// The key (`anon`, `file`, `total`, `hierarchical_total`, …).
    pub key: &'a [u8],
    /// v1 only: the value after `key=` (pages). `None` on v2.
    pub total: Option<u64>,
    /// `true` for a v1 line without `key=` (a custom kernel's extra statistics): it is kept,
    /// not interpreted.
    pub foreign: bool,
    nodes: &'a [u8],
    nodes_offset: usize,
    kind: FileKind,
    input: &'a [u8],
}

impl<'a> NumaLine<'a> {
    /// The per-node values: `(node id, value)`; bytes on v2, pages on v1.
    #[must_use]
    pub fn nodes(&self) -> NodeValues<'a> {
        NodeValues {
            rest: if self.foreign { &[] } else { self.nodes },
            offset: self.nodes_offset,
            kind: self.kind,
            input: self.input,
        }
    }
}

/// Iterator over the `N<id>=<value>` tokens of one numa_stat line.
#[derive(Debug, Clone)]
pub struct NodeValues<'a> {
    rest: &'a [u8],
    offset: usize,
    kind: FileKind,
    input: &'a [u8],
}

impl Iterator for NodeValues<'_> {
    type Item = Result<(u32, u64), ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        // Skip separators.
        let skip = self
            .rest
            .iter()
            .position(|&b| b != b' ' && b != b'\t')
            .unwrap_or(self.rest.len());
        self.rest = &self.rest[skip..];
        self.offset += skip;
        if self.rest.is_empty() {
            return None;
        }
        let len = self
            .rest
            .iter()
            .position(|&b| b == b' ' || b == b'\t')
            .unwrap_or(self.rest.len());
        let tok = &self.rest[..len];
        let start = self.offset;
        self.rest = &self.rest[len..];
        self.offset += len;
        Some(parse_node_token(tok).map_err(|(i, r)| {
            self.rest = &[];
            ParseError::at(self.kind, self.input, start + i, r)
        }))
    }
}

fn parse_node_token(tok: &[u8]) -> Result<(u32, u64), (usize, Reason)> {
    if tok.first() != Some(&b'N') {
        return Err((0, Reason::InvalidField));
    }
    let eq = tok
        .iter()
        .position(|&b| b == b'=')
        .ok_or((tok.len(), Reason::InvalidField))?;
    let id = parse_u64(&tok[1..eq]).map_err(|(i, _)| (1 + i, Reason::InvalidField))?;
    let id = u32::try_from(id).map_err(|_| (1, Reason::Overflow))?;
    let v = parse_counter(&tok[eq + 1..]).map_err(|(i, r)| {
        let i = if r == Reason::Overflow { 0 } else { i };
        (eq + 1 + i, r)
    })?;
    Ok((id, v))
}

/// Borrowing iterator over the lines of a `memory.numa_stat` file.
#[derive(Debug, Clone)]
pub struct NumaLines<'a> {
    lines: Lines<'a>,
    kind: FileKind,
    input: &'a [u8],
}

impl<'a> NumaLines<'a> {
    /// Iterates `input` as a file of `kind` ([`FileKind::V1MemoryNumaStat`] or
    /// [`FileKind::V2MemoryNumaStat`]).
    #[must_use]
    pub fn new(kind: FileKind, input: &'a [u8]) -> Self {
        NumaLines {
            lines: Lines::new(kind, input),
            kind,
            input,
        }
    }

    fn line(&self, raw: &RawLine<'a>) -> Result<NumaLine<'a>, ParseError> {
        let err = |off: usize, r| ParseError::at(self.kind, self.input, off, r);
        if self.kind == FileKind::V1MemoryNumaStat {
            let Some(eq) = raw.key.iter().position(|&b| b == b'=') else {
                return Ok(NumaLine {
                    key: raw.key,
                    total: None,
                    foreign: true,
                    nodes: raw.rest,
                    nodes_offset: raw.rest_offset,
                    kind: self.kind,
                    input: self.input,
                });
            };
            let total = parse_counter(&raw.key[eq + 1..]).map_err(|(i, r)| {
                let i = if r == Reason::Overflow { 0 } else { i };
                err(raw.key_offset + eq + 1 + i, r)
            })?;
            Ok(NumaLine {
                key: &raw.key[..eq],
                total: Some(total),
                foreign: false,
                nodes: raw.rest,
                nodes_offset: raw.rest_offset,
                kind: self.kind,
                input: self.input,
            })
        } else {
            if raw.rest.is_empty() {
                return Err(err(raw.key_offset + raw.key.len(), Reason::MissingValue));
            }
            Ok(NumaLine {
                key: raw.key,
                total: None,
                foreign: false,
                nodes: raw.rest,
                nodes_offset: raw.rest_offset,
                kind: self.kind,
                input: self.input,
            })
        }
    }
}

impl<'a> Iterator for NumaLines<'a> {
    type Item = Result<NumaLine<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        let raw = match self.lines.next()? {
            Ok(r) => r,
            Err(e) => return Some(Err(e)),
        };
        Some(self.line(&raw))
    }
}

/// Parses a whole numa_stat file, validating every node token, and calls
/// `set(key, total, node_count)` per line that is not foreign (`set` returns `true` for a
/// repeated key, which is an error). On v2 the total is the sum over
/// the nodes; on v1 it is the value after `key=`. Returns the number of foreign lines.
pub(crate) fn parse_numa(
    kind: FileKind,
    input: &[u8],
    mut set: impl FnMut(&[u8], u64, u32) -> bool,
) -> Result<u32, ParseError> {
    let mut any = false;
    let mut foreign = 0u32;
    for line in NumaLines::new(kind, input) {
        let line = line?;
        any = true;
        if line.foreign {
            foreign = foreign.saturating_add(1);
            continue;
        }
        let mut sum: u64 = 0;
        let mut n: u32 = 0;
        for node in line.nodes() {
            let (_, v) = node?;
            sum = sum.saturating_add(v);
            n = n.saturating_add(1);
        }
        if kind == FileKind::V2MemoryNumaStat && n == 0 {
            let off = line.key.as_ptr() as usize - input.as_ptr() as usize + line.key.len();
            return Err(ParseError::at(kind, input, off, Reason::MissingValue));
        }
        let total = line.total.unwrap_or(sum);
        if set(line.key, total, n) {
            let off = line.key.as_ptr() as usize - input.as_ptr() as usize;
            return Err(ParseError::at(kind, input, off, Reason::DuplicateKey));
        }
    }
    if !any {
        return Err(ParseError::at(kind, input, 0, Reason::Empty));
    }
    Ok(foreign)
}
