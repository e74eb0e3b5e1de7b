//! `/proc/<pid>/cgroup`: which cgroup a process belongs to, in each hierarchy.
//!
//! Each line is `hierarchy-ID:controller-list:cgroup-path` (`man 7 cgroups`):
//!
//! ```text
//! 4:memory:/kubepods/burstable/pod1/0123…
//! 1:name=systemd:/system.slice/docker.service
//! 0::/user.slice/user-1000.slice/session-1.scope
//! ```
//!
//! - The path is everything after the **second** colon: a path may itself contain colons
//!   (containerd's `…slice:cri-containerd:<id>`).
//! - `0::<path>` (hierarchy 0, empty controller list) is the cgroup v2 (unified) entry; a line
//!   such as `1::/` is *not* v2.
//! - Leading spaces and tabs, blank lines, `\r\n` and a missing final newline are accepted
//!   (copies of the file have all of them).
//!
//! Nothing allocates: [`entries`] borrows the input.
//!
//! ```
//! use memcg_core::proc::cgroup;
//! let file = b"11:memory:/kubepods.slice/a.scope\n1:name=systemd:/x\n0::/\n";
//! let e: Vec<_> = cgroup::entries(file).collect::<Result<_, _>>()?;
//! assert_eq!(e[0].hierarchy_id, 11);
//! assert!(e[0].has_controller(b"memory"));
//! assert_eq!(e[1].controllers, b"name=systemd");
//! assert!(e[2].is_v2());
//! assert_eq!(cgroup::memory_v1_path(file)?, Some(&b"/kubepods.slice/a.scope"[..]));
//! assert_eq!(cgroup::v2_path(file)?, Some(&b"/"[..]));
//! # Ok::<(), memcg_core::ParseError>(())
//! ```

use super::{error, parse_u32, RawLines};
use crate::error::{FileKind, ParseError, Reason};

const KIND: FileKind = FileKind::ProcCgroup;

/// One line of `/proc/<pid>/cgroup`, borrowed from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Entry<'a> {
    /// The hierarchy ID (`0` for the v2 unified hierarchy).
    pub hierarchy_id: u32,
    /// The comma-separated controller list as written (`memory`, `cpu,cpuacct`,
    /// `name=systemd`), empty for the v2 entry.
    pub controllers: &'a [u8],
    /// The cgroup path: everything after the second colon (it may contain colons). The kernel
    /// prints it relative to the reader's cgroup namespace root and without escaping.
    pub path: &'a [u8],
    /// 1-based line number of this entry in the file.
    pub line: u32,
    /// Byte offset of the start of this entry (after any indentation) in the file.
    pub offset: usize,
}

impl<'a> Entry<'a> {
    /// `true` for the cgroup v2 entry: hierarchy ID 0 and an empty controller list (`0::/…`).
    ///
    /// ```
    /// # use memcg_core::proc::cgroup;
    /// let v2 = cgroup::entries(b"0::/a\n").next().unwrap()?;
    /// let not_v2 = cgroup::entries(b"1::/\n").next().unwrap()?;
    /// assert!(v2.is_v2());
    /// assert!(!not_v2.is_v2());
    /// # Ok::<(), memcg_core::ParseError>(())
    /// ```
    #[must_use]
    pub fn is_v2(&self) -> bool {
        self.hierarchy_id == 0 && self.controllers.is_empty()
    }

    /// The controllers of this entry, one by one (`cpu`, `cpuacct`, `name=systemd`).
    pub fn controller_names(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.controllers
            .split(|&b| b == b',')
            .filter(|c| !c.is_empty())
    }

    /// `true` if the controller list names `controller` exactly (`b"memory"` matches
    /// `cpu,memory` but not `name=memory`).
    #[must_use]
    pub fn has_controller(&self, controller: &[u8]) -> bool {
        self.controller_names().any(|c| c == controller)
    }

    /// `true` for a cgroup v1 line whose hierarchy has the `memory` controller.
    #[must_use]
    pub fn is_memory_v1(&self) -> bool {
        self.hierarchy_id != 0 && self.has_controller(b"memory")
    }
}

/// Iterator over the entries of a `/proc/<pid>/cgroup` file. See [`entries`].
///
/// After a malformed line it yields that line's error and then continues with the next line.
#[derive(Debug, Clone)]
pub struct Entries<'a> {
    input: &'a [u8],
    lines: RawLines<'a>,
}

/// Iterates over the entries of a `/proc/<pid>/cgroup` file, without allocating.
///
/// # Errors
/// Each malformed line yields a [`ParseError`] of kind [`FileKind::ProcCgroup`]:
/// [`Reason::InvalidField`] when the line has fewer than two colons or an empty path (the
/// offset points at the end of the line or the missing path), [`Reason::InvalidNumber`] /
/// [`Reason::Overflow`] for a bad hierarchy ID, [`Reason::InvalidByte`] for a NUL byte.
///
/// ```
/// use memcg_core::{proc::cgroup, Reason};
/// let err = cgroup::entries(b"1:cpu:/cpu\ninvalid-line:\n").nth(1).unwrap().unwrap_err();
/// assert_eq!((err.line, err.offset, err.reason), (2, 24, Reason::InvalidField));
/// ```
#[must_use]
pub fn entries(input: &[u8]) -> Entries<'_> {
    Entries {
        input,
        lines: RawLines::new(input),
    }
}

impl<'a> Iterator for Entries<'a> {
    type Item = Result<Entry<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        let line = self.lines.next()?;
        Some(parse_line(self.input, line.offset, line.text, line.line))
    }
}

fn parse_line<'a>(
    input: &'a [u8],
    offset: usize,
    text: &'a [u8],
    line: u32,
) -> Result<Entry<'a>, ParseError> {
    let err = |at: usize, reason| error(KIND, input, offset + at, reason);
    if let Some(i) = text.iter().position(|&b| b == 0) {
        return Err(err(i, Reason::InvalidByte));
    }
    let Some(c1) = text.iter().position(|&b| b == b':') else {
        return Err(err(text.len(), Reason::InvalidField));
    };
    let Some(c2) = text[c1 + 1..]
        .iter()
        .position(|&b| b == b':')
        .map(|i| c1 + 1 + i)
    else {
        return Err(err(text.len(), Reason::InvalidField));
    };
    let hierarchy_id = parse_u32(&text[..c1]).map_err(|(i, r)| err(i, r))?;
    let path = &text[c2 + 1..];
    if path.is_empty() {
        return Err(err(c2 + 1, Reason::InvalidField));
    }
    Ok(Entry {
        hierarchy_id,
        controllers: &text[c1 + 1..c2],
        path,
        line,
        offset,
    })
}

/// The cgroup memberships that matter for memory accounting, read in one pass.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct MemoryPaths<'a> {
    /// The first v1 entry whose hierarchy has the `memory` controller.
    pub v1: Option<Entry<'a>>,
    /// The v2 entry (`0::<path>`).
    pub v2: Option<Entry<'a>>,
}

impl<'a> MemoryPaths<'a> {
    /// Reads the v1 memory entry and the v2 entry of a `/proc/<pid>/cgroup` file.
    ///
    /// # Errors
    /// The first malformed line (see [`entries`]).
    ///
    /// ```
    /// use memcg_core::proc::cgroup::MemoryPaths;
    /// let p = MemoryPaths::parse(b"2:cpu,cpuacct:/a/b/cpu\n0::/a/b/v2\n")?;
    /// assert!(p.v1.is_none());
    /// assert_eq!(p.v2.map(|e| e.path), Some(&b"/a/b/v2"[..]));
    /// # Ok::<(), memcg_core::ParseError>(())
    /// ```
    pub fn parse(input: &'a [u8]) -> Result<Self, ParseError> {
        let mut out = MemoryPaths::default();
        for e in entries(input) {
            let e = e?;
            if e.is_v2() {
                out.v2.get_or_insert(e);
            } else if e.is_memory_v1() {
                out.v1.get_or_insert(e);
            }
        }
        Ok(out)
    }
}

/// The path of the v1 `memory` hierarchy line, if any.
///
/// # Errors
/// The first malformed line (see [`entries`]).
///
/// ```
/// use memcg_core::proc::cgroup;
/// let f = b"11:memory:/system.slice/containerd.service/kubepods-burstable-pod1.slice:cri-containerd:86ac\n";
/// assert_eq!(
///     cgroup::memory_v1_path(f)?,
///     Some(&b"/system.slice/containerd.service/kubepods-burstable-pod1.slice:cri-containerd:86ac"[..]),
/// );
/// # Ok::<(), memcg_core::ParseError>(())
/// ```
pub fn memory_v1_path(input: &[u8]) -> Result<Option<&[u8]>, ParseError> {
    Ok(MemoryPaths::parse(input)?.v1.map(|e| e.path))
}

/// The path of the v2 (`0::`) line, if any.
///
/// # Errors
/// The first malformed line (see [`entries`]).
///
/// ```
/// use memcg_core::proc::cgroup;
/// assert_eq!(cgroup::v2_path(b"0::/user.slice/session-1.scope\n")?, Some(&b"/user.slice/session-1.scope"[..]));
/// assert_eq!(cgroup::v2_path(b"1::/\n")?, None);
/// # Ok::<(), memcg_core::ParseError>(())
/// ```
pub fn v2_path(input: &[u8]) -> Result<Option<&[u8]>, ParseError> {
    Ok(MemoryPaths::parse(input)?.v2.map(|e| e.path))
}
