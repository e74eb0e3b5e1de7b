//! Memory limits: a byte count, or unlimited.

use crate::error::{FileKind, ParseError, Reason};
use crate::grammar::{kernel_single, parse_u64, single_token};

/// v1 limits at or above this value mean "no limit". The kernel prints
/// `PAGE_COUNTER_MAX × PAGE_SIZE` (9223372036854771712 with 4 KiB pages, 9223372036854710272
/// with 64 KiB pages, 9223372036854775807 on old kernels); kubelet uses the same 2^62 cut.
pub const V1_UNLIMITED_CUT: u64 = 1 << 62;

/// A memory limit as a limit file states it.
///
/// `Option<Limit>` keeps the three cases apart: `None` (the file is absent),
/// `Some(Limit::Unlimited)` (`max` on v2, ≥ 2^62 on v1) and `Some(Limit::Bytes(0))` (a limit
/// of zero bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Limit {
    /// A limit in bytes.
    Bytes(u64),
    /// No limit.
    Unlimited,
}

impl Limit {
    /// The limit in bytes, `None` if unlimited.
    ///
    /// ```
    /// use memcg_core::Limit;
    /// assert_eq!(Limit::Bytes(4096).bytes(), Some(4096));
    /// assert_eq!(Limit::Unlimited.bytes(), None);
    /// ```
    #[must_use]
    pub const fn bytes(self) -> Option<u64> {
        match self {
            Limit::Bytes(b) => Some(b),
            Limit::Unlimited => None,
        }
    }

    /// `true` for [`Limit::Unlimited`].
    #[must_use]
    pub const fn is_unlimited(self) -> bool {
        matches!(self, Limit::Unlimited)
    }

    /// The smaller of two limits (unlimited is larger than any byte count).
    #[must_use]
    pub fn min(self, other: Limit) -> Limit {
        core::cmp::min(self, other)
    }

    /// Applies the v1 rule: a byte count at or above [`V1_UNLIMITED_CUT`] is unlimited.
    #[must_use]
    pub const fn from_v1_bytes(b: u64) -> Limit {
        if b >= V1_UNLIMITED_CUT {
            Limit::Unlimited
        } else {
            Limit::Bytes(b)
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Limit {
    /// Bytes as a number, unlimited as `null`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Limit::Bytes(b) => s.serialize_u64(*b),
            Limit::Unlimited => s.serialize_none(),
        }
    }
}

/// Parses a v2 limit file (`memory.max`, `memory.high`, `memory.low`, `memory.min`,
/// `memory.swap.max`, `memory.swap.high`, `memory.zswap.max`): `max` or a `u64`.
///
/// # Errors
/// Empty, negative, non-numeric, overflowing or multi-value input.
pub fn parse_v2_limit(kind: FileKind, input: &[u8]) -> Result<Limit, ParseError> {
    // Fast path: exactly what the kernel prints (`max\n` or digits and `\n`); anything else
    // goes through the general grammar below, which gives the same answer or the error.
    if input == b"max\n" || input == b"max" {
        return Ok(Limit::Unlimited);
    }
    if let Some(v) = kernel_single(input) {
        return Ok(Limit::Bytes(v));
    }
    let (tok, off) = single_token(kind, input)?;
    if tok == b"max" {
        return Ok(Limit::Unlimited);
    }
    parse_u64(tok).map(Limit::Bytes).map_err(|(i, r)| {
        let i = if r == Reason::Overflow { 0 } else { i };
        ParseError::at(kind, input, off + i, r)
    })
}

/// Parses a v1 limit file (`memory.limit_in_bytes`, `memory.soft_limit_in_bytes`,
/// `memory.memsw.limit_in_bytes`, `memory.kmem[.tcp].limit_in_bytes`) or a
/// `hierarchical_*_limit` value: a decimal, with `-1` and values ≥ 2^62 meaning unlimited.
///
/// # Errors
/// Empty, non-numeric, overflowing or multi-value input.
pub fn parse_v1_limit(kind: FileKind, input: &[u8]) -> Result<Limit, ParseError> {
    // Fast path: digits and `\n`, as the kernel prints them (see `parse_v2_limit`).
    if let Some(v) = kernel_single(input) {
        return Ok(Limit::from_v1_bytes(v));
    }
    let (tok, off) = single_token(kind, input)?;
    if tok == b"-1" {
        return Ok(Limit::Unlimited);
    }
    parse_u64(tok).map(Limit::from_v1_bytes).map_err(|(i, r)| {
        let i = if r == Reason::Overflow { 0 } else { i };
        ParseError::at(kind, input, off + i, r)
    })
}
