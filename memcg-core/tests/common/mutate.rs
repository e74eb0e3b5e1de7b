//! A deterministic mutator of real cgroup files, shared by the mutation tests of memcg-core
//! (`tests/mutations.rs`, the CLI in `tests/cli.rs`) and memcg-ffi
//! (`memcg-ffi/tests/fuzz_regressions.rs`, through `#[path]`).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// xorshift64*: reproducible from its seed, no dependency.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Bytes that matter to the grammars.
const INTERESTING: &[u8] = b" \n\t\r-=.0123456789+xX\0\xff\x7f_:";

/// Tokens that matter to the grammars and the value ranges.
const TOKENS: &[&[u8]] = &[
    b"max",
    b"18446744073709551615",
    b"18446744073709551616",
    b"99999999999999999999999",
    b"-1",
    b"-307200",
    b"9223372036854771712",
    b"some avg10=",
    b"full ",
    b"total=",
    b"N0=",
    b"anon ",
    b"total_rss ",
    b"\r\n",
    b"  ",
    b"\n\n",
];

/// One to four random edits of `data`: byte flips and replacements, insertions and deletions,
/// tokens, truncation, a duplicated or swapped line, a splice from `other`.
pub fn mutate(rng: &mut Rng, data: &[u8], other: &[u8]) -> Vec<u8> {
    let mut m = data.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(m.len() + 1);
        match rng.below(10) {
            0 => {
                if let Some(b) = m.get_mut(at) {
                    *b ^= 1 << rng.below(8);
                }
            }
            1 => {
                if let Some(b) = m.get_mut(at) {
                    *b = INTERESTING[rng.below(INTERESTING.len())];
                }
            }
            2 => m.insert(at, INTERESTING[rng.below(INTERESTING.len())]),
            3 => {
                let end = (at + 1 + rng.below(16)).min(m.len());
                if at < end {
                    m.drain(at..end);
                }
            }
            4 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                m.splice(at..at, t.iter().copied());
            }
            5 => m.truncate(at),
            6 => {
                // Repeat the line that holds `at`.
                let start = m[..at]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |p| p + 1);
                let end = m[at..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(m.len(), |p| at + p + 1);
                let line = m[start..end].to_vec();
                m.splice(end..end, line);
            }
            7 => {
                // Swap this line with the first.
                let start = m[..at]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |p| p + 1);
                let mut lines: Vec<Vec<u8>> =
                    m.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
                let k = m[..start].iter().filter(|&&b| b == b'\n').count();
                if k < lines.len() {
                    lines.swap(0, k);
                }
                m = lines.join(&b'\n');
            }
            8 => {
                let from = rng.below(other.len() + 1);
                let len = rng.below(64).min(other.len() - from);
                m.splice(at..at, other[from..from + len].iter().copied());
            }
            _ => {
                // A digit run replaced by a long one.
                if let Some(b) = m.get_mut(at) {
                    if b.is_ascii_digit() {
                        m.splice(at..at, b"00000000000000000000".iter().copied());
                    }
                }
            }
        }
    }
    m
}

/// Every regular file under `dir`, recursively, in a stable order.
pub fn all_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.is_file() {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out
}

/// Every file under `dir` (recursively) whose name is a cgroup memory file (or a
/// `/proc/<pid>/cgroup` or mountinfo copy) of at most 64 KiB, with its bytes.
pub fn corpus_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    all_files(dir)
        .into_iter()
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("memory.") || n == "cgroup" || n == "mountinfo")
        })
        .filter_map(|p| {
            let b = std::fs::read(&p).ok()?;
            (b.len() <= 64 * 1024).then_some((p, b))
        })
        .collect()
}
