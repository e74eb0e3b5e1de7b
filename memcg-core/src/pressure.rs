//! Pressure stall information (PSI): `memory.pressure` in a v2 cgroup and
//! `/proc/pressure/memory` for the whole machine.
//!
//! ```text
//! some avg10=0.00 avg60=0.00 avg300=0.00 total=0
//! full avg10=0.00 avg60=0.00 avg300=0.00 total=0
//! ```
//!
//! `avg*` are the percentages of wall time in which some (or all) tasks stalled on memory over
//! the last 10, 60 and 300 s; `total` is the cumulative stall time in **microseconds**. The
//! `full` line is absent from `cpu.pressure` before kernel 5.13 and always present for memory.
//! The pre-upstream format that oomd still reads (`aggr <us>`, then `some a b c` and `full a b
//! c` without labels) is accepted too: its averages fill `avg*`, `total_us` stays `None` and
//! the `aggr` value goes to [`Pressure::aggr_us`].

use crate::error::{FileKind, ParseError, Reason};
use crate::grammar::{parse_u64, Lines};

/// One PSI line (`some` or `full`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PressureLine {
    /// Share of the last 10 s stalled, percent (0.00–100.00).
    pub avg10: f64,
    /// Share of the last 60 s stalled, percent.
    pub avg60: f64,
    /// Share of the last 300 s stalled, percent.
    pub avg300: f64,
    /// Total stall time since boot or cgroup creation, microseconds. `None` only in the
    /// pre-upstream format.
    pub total_us: Option<u64>,
}

/// A parsed PSI file.
///
/// ```
/// use memcg_core::Pressure;
/// let p = Pressure::parse(b"some avg10=1.50 avg60=0.25 avg300=0.00 total=123456\n\
///                           full avg10=0.00 avg60=0.00 avg300=0.00 total=789\n")?;
/// assert_eq!(p.some.avg10, 1.5);
/// assert_eq!(p.some.total_us, Some(123456));
/// assert_eq!(p.full.map(|f| f.total_us), Some(Some(789)));
/// # Ok::<(), memcg_core::ParseError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Pressure {
    /// Time in which at least one task stalled.
    pub some: PressureLine,
    /// Time in which all non-idle tasks stalled (absent from `cpu.pressure` before 5.13).
    pub full: Option<PressureLine>,
    /// Pre-upstream format only: the `aggr` total, microseconds.
    pub aggr_us: Option<u64>,
    /// Pre-upstream format only: count of unlabelled lines (`0 0 0`) after `full`.
    pub extra_lines: u32,
}

const POW10: [f64; 19] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18,
];

/// Parses a non-negative decimal with an optional fraction (`12.34`). `Err` holds the offset of
/// the bad byte.
fn parse_decimal(s: &[u8]) -> Result<f64, (usize, Reason)> {
    let (int, frac) = match s.iter().position(|&b| b == b'.') {
        Some(d) => (&s[..d], Some(&s[d + 1..])),
        None => (s, None),
    };
    let i = parse_u64(int)?;
    // The averages are percentages (0.00–100.00). An integer part beyond 2^53 cannot be held
    // exactly by an f64 and would print back as a different number (u64::MAX renders as
    // 18446744073709551616, which overflows on re-reading: found by fuzzing); refuse it.
    if i > 1 << 53 {
        return Err((0, Reason::Overflow));
    }
    let mut v = i as f64;
    if let Some(frac) = frac {
        if frac.is_empty() {
            return Err((int.len() + 1, Reason::InvalidNumber));
        }
        let take = frac.len().min(18);
        let f = parse_u64(&frac[..take]).map_err(|(j, r)| (int.len() + 1 + j, r))?;
        if let Some(j) = frac[take..].iter().position(|b| !b.is_ascii_digit()) {
            return Err((int.len() + 1 + take + j, Reason::InvalidNumber));
        }
        v += f as f64 / POW10[take];
    }
    Ok(v)
}

#[derive(Clone, Copy, PartialEq)]
enum Which {
    Some,
    Full,
}

fn parse_line(
    kind: FileKind,
    input: &[u8],
    rest: &[u8],
    rest_offset: usize,
) -> Result<PressureLine, ParseError> {
    let err = |off: usize, r| ParseError::at(kind, input, off, r);
    let mut line = PressureLine::default();
    let mut seen = [false; 4];
    let mut labelled = None;
    let mut pos = 0usize;
    let mut idx = 0usize;
    while pos < rest.len() {
        let tok_len = rest[pos..]
            .iter()
            .position(|&b| b == b' ' || b == b'\t')
            .unwrap_or(rest.len() - pos);
        let tok = &rest[pos..pos + tok_len];
        let tok_off = rest_offset + pos;
        pos += tok_len;
        while pos < rest.len() && (rest[pos] == b' ' || rest[pos] == b'\t') {
            pos += 1;
        }
        let eq = tok.iter().position(|&b| b == b'=');
        match (labelled, eq) {
            (None, Some(_)) => labelled = Some(true),
            (None, None) => labelled = Some(false),
            (Some(true), None) | (Some(false), Some(_)) => {
                return Err(err(tok_off, Reason::InvalidPressure))
            }
            _ => {}
        }
        let (slot, val, val_off) = match eq {
            Some(e) => {
                let slot = match &tok[..e] {
                    b"avg10" => 0,
                    b"avg60" => 1,
                    b"avg300" => 2,
                    b"total" => 3,
                    _ => return Err(err(tok_off, Reason::InvalidPressure)),
                };
                (slot, &tok[e + 1..], tok_off + e + 1)
            }
            None => {
                if idx >= 3 {
                    return Err(err(tok_off, Reason::InvalidPressure));
                }
                (idx, tok, tok_off)
            }
        };
        idx += 1;
        if seen[slot] {
            return Err(err(tok_off, Reason::DuplicateKey));
        }
        seen[slot] = true;
        if slot == 3 {
            let t = parse_u64(val).map_err(|(i, r)| {
                let i = if r == Reason::Overflow { 0 } else { i };
                err(val_off + i, r)
            })?;
            line.total_us = Some(t);
        } else {
            let v = parse_decimal(val).map_err(|(i, r)| {
                let i = if r == Reason::Overflow { 0 } else { i };
                err(val_off + i, r)
            })?;
            match slot {
                0 => line.avg10 = v,
                1 => line.avg60 = v,
                _ => line.avg300 = v,
            }
        }
    }
    let need = if labelled == Some(false) { 3 } else { 4 };
    if seen[..need].iter().any(|s| !s) {
        return Err(err(rest_offset + rest.len(), Reason::InvalidPressure));
    }
    Ok(line)
}

impl Pressure {
    /// The file kind, for errors.
    pub const KIND: FileKind = FileKind::Pressure;

    /// Parses a PSI file (`memory.pressure`, `/proc/pressure/memory`, or any
    /// `*.pressure` file of the same format).
    ///
    /// # Errors
    /// [`ParseError`]: empty input, no `some` line, a line that is neither `some` nor `full`,
    /// a missing `avg10=`/`avg60=`/`avg300=`/`total=`, or a bad number.
    pub fn parse(input: &[u8]) -> Result<Self, ParseError> {
        let kind = FileKind::Pressure;
        let mut some: Option<PressureLine> = None;
        let mut full: Option<PressureLine> = None;
        let mut aggr = None;
        let mut extra = 0u32;
        let mut any = false;
        for l in Lines::new(kind, input) {
            let l = l?;
            any = true;
            let which = match l.key {
                b"some" => Which::Some,
                b"full" => Which::Full,
                b"aggr" => {
                    let v = parse_u64(l.rest)
                        .map_err(|(i, r)| ParseError::at(kind, input, l.rest_offset + i, r))?;
                    aggr = Some(v);
                    continue;
                }
                k if aggr.is_some() && k.first().is_some_and(u8::is_ascii_digit) => {
                    extra = extra.saturating_add(1);
                    continue;
                }
                _ => {
                    return Err(ParseError::at(
                        kind,
                        input,
                        l.key_offset,
                        Reason::InvalidPressure,
                    ))
                }
            };
            let parsed = parse_line(kind, input, l.rest, l.rest_offset)?;
            let slot = if which == Which::Some {
                &mut some
            } else {
                &mut full
            };
            if slot.replace(parsed).is_some() {
                return Err(ParseError::at(
                    kind,
                    input,
                    l.key_offset,
                    Reason::DuplicateKey,
                ));
            }
        }
        if !any {
            return Err(ParseError::at(kind, input, 0, Reason::Empty));
        }
        let Some(some) = some else {
            return Err(ParseError::at(kind, input, 0, Reason::MissingKey));
        };
        Ok(Pressure {
            some,
            full,
            aggr_us: aggr,
            extra_lines: extra,
        })
    }
}

impl core::fmt::Display for Pressure {
    /// Renders the file in the format it was read from: upstream (`some avg10=… total=…`, the
    /// averages with two decimals as the kernel prints them) or pre-upstream (`aggr`, then
    /// unlabelled averages).
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let legacy = self.some.total_us.is_none();
        if let (true, Some(a)) = (legacy, self.aggr_us) {
            writeln!(f, "aggr {a}")?;
        }
        let mut line = |name: &str, l: &PressureLine| match l.total_us {
            Some(t) => writeln!(
                f,
                "{name} avg10={:.2} avg60={:.2} avg300={:.2} total={t}",
                l.avg10, l.avg60, l.avg300
            ),
            None => writeln!(f, "{name} {:.2} {:.2} {:.2}", l.avg10, l.avg60, l.avg300),
        };
        line("some", &self.some)?;
        if let Some(full) = &self.full {
            line("full", full)?;
        }
        if legacy {
            for _ in 0..self.extra_lines {
                writeln!(f, "0 0 0")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals() {
        assert_eq!(parse_decimal(b"0.00"), Ok(0.0));
        assert_eq!(parse_decimal(b"12.34"), Ok(12.34));
        assert_eq!(parse_decimal(b"100"), Ok(100.0));
        assert_eq!(parse_decimal(b"1."), Err((2, Reason::InvalidNumber)));
        assert_eq!(parse_decimal(b"1.2x"), Err((3, Reason::InvalidNumber)));
        assert_eq!(
            parse_decimal(b"18446744073709551615"),
            Err((0, Reason::Overflow))
        );
        assert_eq!(
            parse_decimal(b"9007199254740992.00"),
            Ok(9_007_199_254_740_992.0)
        );
    }

    #[test]
    fn legacy_and_errors() {
        let p = Pressure::parse(
            b"aggr 128544748770\nsome 1.11 2.22 3.33\nfull 4.44 5.55 6.66\n0 0 0\n0 0 0\n",
        )
        .unwrap();
        assert_eq!(p.aggr_us, Some(128_544_748_770));
        assert_eq!(p.some.avg60, 2.22);
        assert_eq!(p.some.total_us, None);
        assert_eq!(p.extra_lines, 2);
        let e = Pressure::parse(b"some avg10=0.00 avg60=0.00 avg300=0.00\n").unwrap_err();
        assert_eq!(
            (e.line, e.offset, e.reason),
            (1, 38, Reason::InvalidPressure)
        );
        let e = Pressure::parse(b"full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n").unwrap_err();
        assert_eq!(e.reason, Reason::MissingKey);
        let e = Pressure::parse(b"some avg10=0.00 avg60=0.x0 avg300=0.00 total=0\n").unwrap_err();
        assert_eq!((e.offset, e.reason), (24, Reason::InvalidNumber));
    }
}
