//! `/proc/<pid>/mountinfo`: the mounts of a mount namespace (`man 5 proc`).
//!
//! ```text
//! 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
//! (1)(2)(3)   (4)   (5)      (6)      (7)   (8) (9)    (10)         (11)
//! ```
//!
//! (1) mount ID, (2) parent ID, (3) major:minor, (4) root of the mount inside its filesystem,
//! (5) mount point, (6) per-mount options, (7) zero or more optional fields, (8) the ` - `
//! separator, (9) filesystem type, (10) source, (11) superblock options.
//!
//! The kernel escapes space, tab, newline and backslash in paths as `\040`, `\011`, `\012`
//! and `\134`. [`Mount`] keeps the fields exactly as written; [`unescape`] (an iterator) and
//! [`unescape_into`] (into a caller buffer) decode them without allocating.
//!
//! Fields are separated by runs of spaces (copies of the file sometimes have two), leading
//! indentation, blank lines, `\r\n` and a missing final newline are accepted. A line without
//! superblock options is an error, as in uber-go/automaxprocs.
//!
//! ```
//! use memcg_core::proc::mountinfo;
//! let file = b"25 21 0:22 / /sys/fs/cgroup/tab\\011tab rw,nosuid - cgroup2 cgroup2 rw\n";
//! let m = mountinfo::mounts(file).next().unwrap()?;
//! assert!(m.is_cgroup2());
//! assert_eq!(m.mount_point, b"/sys/fs/cgroup/tab\\011tab");
//! let mut buf = [0u8; 64];
//! assert_eq!(mountinfo::unescape_into(m.mount_point, &mut buf), Ok(&b"/sys/fs/cgroup/tab\ttab"[..]));
//! # Ok::<(), memcg_core::ParseError>(())
//! ```

use super::{error, parse_u32, RawLines};
use crate::error::{FileKind, ParseError, Reason};

const KIND: FileKind = FileKind::ProcMountinfo;

/// One line of `/proc/<pid>/mountinfo`, borrowed from the input. Path fields are still
/// escaped (see [`unescape`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Mount<'a> {
    /// (1) Unique ID of the mount.
    pub mount_id: u32,
    /// (2) ID of the parent mount.
    pub parent_id: u32,
    /// (3) Major device number of the filesystem.
    pub major: u32,
    /// (3) Minor device number of the filesystem.
    pub minor: u32,
    /// (4) The directory of the filesystem that forms the root of this mount, escaped. For a
    /// cgroup filesystem mounted inside a cgroup namespace or bind-mounted from a sub-tree
    /// this is the cgroup path the mount shows (for example the container's cgroup).
    pub root: &'a [u8],
    /// (5) The mount point, relative to the reader's root, escaped.
    pub mount_point: &'a [u8],
    /// (6) Per-mount options (`rw,nosuid,…`).
    pub options: &'a [u8],
    /// (7) The optional fields (`shared:5 master:1`), space-separated, possibly empty.
    pub optional_fields: &'a [u8],
    /// (9) Filesystem type (`cgroup`, `cgroup2`, `ext4`, …).
    pub fstype: &'a [u8],
    /// (10) Filesystem-specific source (`cgroup`, `none`, `/dev/sda1`), escaped.
    pub source: &'a [u8],
    /// (11) Superblock options (`rw,memory`, `rw,nsdelegate`): the rest of the line, since a
    /// few filesystems (cifs) print spaces in them unescaped.
    pub super_options: &'a [u8],
    /// 1-based line number of this mount in the file.
    pub line: u32,
    /// Byte offset of the start of this line (after any indentation) in the file.
    pub offset: usize,
}

impl<'a> Mount<'a> {
    /// `true` for a cgroup v2 mount: filesystem type exactly `cgroup2` (the source is
    /// irrelevant; `foo` with source `cgroup2` is not a cgroup mount).
    #[must_use]
    pub fn is_cgroup2(&self) -> bool {
        self.fstype == b"cgroup2"
    }

    /// `true` for a cgroup v1 mount: filesystem type exactly `cgroup`.
    #[must_use]
    pub fn is_cgroup1(&self) -> bool {
        self.fstype == b"cgroup"
    }

    /// The superblock options one by one.
    pub fn super_option_names(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.super_options
            .split(|&b| b == b',')
            .filter(|o| !o.is_empty())
    }

    /// `true` if the superblock options contain `option` exactly.
    #[must_use]
    pub fn has_super_option(&self, option: &[u8]) -> bool {
        self.super_option_names().any(|o| o == option)
    }

    /// `true` for the cgroup v1 hierarchy that carries the `memory` controller (filesystem
    /// type `cgroup` and `memory` among the superblock options, alone or co-mounted).
    ///
    /// ```
    /// # use memcg_core::proc::mountinfo;
    /// let f = b"38 31 0:33 / /sys/fs/cgroup/cpu,memory rw - cgroup cgroup rw,cpu,memory\n";
    /// assert!(mountinfo::mounts(f).next().unwrap()?.is_memory_v1());
    /// # Ok::<(), memcg_core::ParseError>(())
    /// ```
    #[must_use]
    pub fn is_memory_v1(&self) -> bool {
        self.is_cgroup1() && self.has_super_option(b"memory")
    }

    /// The optional fields one by one (`shared:5`, `master:1`).
    pub fn optional_field_names(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.optional_fields
            .split(|&b| b == b' ')
            .filter(|o| !o.is_empty())
    }

    /// The un-escaped root (see [`unescape`]).
    #[must_use]
    pub fn root_unescaped(&self) -> Unescape<'a> {
        unescape(self.root)
    }

    /// The un-escaped mount point (see [`unescape`]).
    #[must_use]
    pub fn mount_point_unescaped(&self) -> Unescape<'a> {
        unescape(self.mount_point)
    }
}

/// Iterator over the mounts of a mountinfo file. See [`mounts`].
///
/// After a malformed line it yields that line's error and then continues with the next line.
#[derive(Debug, Clone)]
pub struct Mounts<'a> {
    input: &'a [u8],
    lines: RawLines<'a>,
}

/// Iterates over the mounts of a `/proc/<pid>/mountinfo` file, without allocating.
///
/// # Errors
/// Each malformed line yields a [`ParseError`] of kind [`FileKind::ProcMountinfo`]:
/// [`Reason::InvalidField`] for a missing field, a missing ` - ` separator or a bad
/// `major:minor` (offset: where the field was expected);
/// [`Reason::InvalidNumber`] / [`Reason::Overflow`] for a bad ID; [`Reason::InvalidByte`]
/// for a NUL byte.
///
/// ```
/// use memcg_core::{proc::mountinfo, Reason};
/// // No superblock options after the source.
/// let err = mountinfo::mounts(b"1 0 8:1 / / rw,noatime shared:1 - ext4 /dev/sda1\n")
///     .next().unwrap().unwrap_err();
/// assert_eq!((err.line, err.offset, err.reason), (1, 48, Reason::InvalidField));
/// ```
#[must_use]
pub fn mounts(input: &[u8]) -> Mounts<'_> {
    Mounts {
        input,
        lines: RawLines::new(input),
    }
}

impl<'a> Iterator for Mounts<'a> {
    type Item = Result<Mount<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        let line = self.lines.next()?;
        Some(parse_line(self.input, line.offset, line.text, line.line))
    }
}

/// Space-separated fields of one line, with their offsets in the line.
struct Fields<'a> {
    text: &'a [u8],
    pos: usize,
}

impl<'a> Fields<'a> {
    /// The next field and its offset, or `Err(offset)` (end of line) if there is none.
    fn next_field(&mut self) -> Result<(usize, &'a [u8]), usize> {
        while self.text.get(self.pos) == Some(&b' ') {
            self.pos += 1;
        }
        if self.pos >= self.text.len() {
            return Err(self.text.len());
        }
        let start = self.pos;
        let len = self.text[start..]
            .iter()
            .position(|&b| b == b' ')
            .unwrap_or(self.text.len() - start);
        self.pos = start + len;
        Ok((start, &self.text[start..start + len]))
    }
}

fn parse_line<'a>(
    input: &'a [u8],
    offset: usize,
    text: &'a [u8],
    line: u32,
) -> Result<Mount<'a>, ParseError> {
    let err = |at: usize, reason| error(KIND, input, offset + at, reason);
    if let Some(i) = text.iter().position(|&b| b == 0) {
        return Err(err(i, Reason::InvalidByte));
    }
    let mut f = Fields { text, pos: 0 };
    let mut field = || f.next_field().map_err(|at| err(at, Reason::InvalidField));
    let num = |(at, s): (usize, &[u8])| parse_u32(s).map_err(|(i, r)| err(at + i, r));

    let mount_id = num(field()?)?;
    let parent_id = num(field()?)?;
    let (dev_at, dev) = field()?;
    let Some(colon) = dev.iter().position(|&b| b == b':') else {
        return Err(err(dev_at + dev.len(), Reason::InvalidField));
    };
    let major = num((dev_at, &dev[..colon]))?;
    let minor = num((dev_at + colon + 1, &dev[colon + 1..]))?;
    let (_, root) = field()?;
    let (_, mount_point) = field()?;
    let (_, options) = field()?;
    // Optional fields, up to the `-` separator.
    let mut opt_start = None;
    let mut opt_end = 0;
    loop {
        let (at, s) = field()?;
        if s == b"-" {
            break;
        }
        opt_start.get_or_insert(at);
        opt_end = at + s.len();
    }
    let optional_fields = match opt_start {
        Some(start) => &text[start..opt_end],
        None => &[][..],
    };
    let (_, fstype) = field()?;
    let (_, source) = field()?;
    // The superblock options are the rest of the line: some filesystems (cifs `unc=\\srv\a b`)
    // print them with unescaped spaces.
    let (at, _) = field()?;
    let super_options = &text[at..];
    Ok(Mount {
        mount_id,
        parent_id,
        major,
        minor,
        root,
        mount_point,
        options,
        optional_fields,
        fstype,
        source,
        super_options,
        line,
        offset,
    })
}

/// Iterator over the bytes of an escaped mountinfo field, decoded. See [`unescape`].
#[derive(Debug, Clone)]
pub struct Unescape<'a> {
    rest: &'a [u8],
}

/// Decodes the kernel's octal escapes (`\040` space, `\011` tab, `\012` newline, `\134`
/// backslash; any `\` followed by three octal digits up to `\377`) lazily, without
/// allocating. A backslash not followed by three octal digits is kept as is.
///
/// ```
/// use memcg_core::proc::mountinfo::unescape;
/// let s: Vec<u8> = unescape(br"/mnt/a\040b\134c").collect();
/// assert_eq!(s, b"/mnt/a b\\c");
/// ```
#[must_use]
pub fn unescape(escaped: &[u8]) -> Unescape<'_> {
    Unescape { rest: escaped }
}

/// The value of `\ooo` at the start of `s`, if `s` starts with one.
fn octal_escape(s: &[u8]) -> Option<u8> {
    match s {
        [b'\\', a @ b'0'..=b'3', b @ b'0'..=b'7', c @ b'0'..=b'7', ..] => {
            Some(((a - b'0') << 6) | ((b - b'0') << 3) | (c - b'0'))
        }
        _ => None,
    }
}

impl Iterator for Unescape<'_> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        if let Some(b) = octal_escape(self.rest) {
            self.rest = &self.rest[4..];
            return Some(b);
        }
        let (&b, rest) = self.rest.split_first()?;
        self.rest = rest;
        Some(b)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.rest.len().div_ceil(4), Some(self.rest.len()))
    }
}

impl core::iter::FusedIterator for Unescape<'_> {}

/// The caller's buffer is too small for the un-escaped field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error("buffer of {capacity} bytes too small for the un-escaped field ({needed} bytes)")]
pub struct BufferTooSmall {
    /// Size of the buffer given.
    pub capacity: usize,
    /// Size the un-escaped field needs.
    pub needed: usize,
}

/// Un-escapes `escaped` into `buf` and returns the filled prefix. Needs at most
/// `escaped.len()` bytes.
///
/// # Errors
/// [`BufferTooSmall`] if `buf` cannot hold the result (nothing useful is left in `buf`).
///
/// ```
/// use memcg_core::proc::mountinfo::{unescape_into, BufferTooSmall};
/// let mut buf = [0u8; 32];
/// assert_eq!(unescape_into(br"/a\040b", &mut buf), Ok(&b"/a b"[..]));
/// assert_eq!(
///     unescape_into(br"/a\040b", &mut [0u8; 2]),
///     Err(BufferTooSmall { capacity: 2, needed: 4 }),
/// );
/// ```
pub fn unescape_into<'b>(escaped: &[u8], buf: &'b mut [u8]) -> Result<&'b [u8], BufferTooSmall> {
    let mut n = 0;
    for b in unescape(escaped) {
        if n < buf.len() {
            buf[n] = b;
        }
        n += 1;
    }
    if n > buf.len() {
        return Err(BufferTooSmall {
            capacity: buf.len(),
            needed: n,
        });
    }
    Ok(&buf[..n])
}
