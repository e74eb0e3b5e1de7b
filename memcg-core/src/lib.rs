//! # memcg-core
//!
//! Reads Linux cgroup memory accounting — v1 and v2 — without allocating, and tells, while it
//! happens, whether a cgroup is leaking memory and when it will reach its limit.
//!
//! - **Parsers** for every cgroup memory file ([`v1`], [`v2`], [`Pressure`], [`proc`]): each
//!   borrows its input and returns a plain `Copy` struct of `Option<u64>` fields; keys a newer
//!   kernel adds stay reachable through a borrowing iterator ([`grammar::KeyValues`]).
//! - **[`Snapshot`]**: one unified view over v1 and v2, with the derivations of cAdvisor,
//!   kubelet and runc (working set, anon, file, swap, effective limit…).
//! - **[`trend`]**: streaming estimators and the [`trend::LeakDetector`].
//! - With `std`: [`discovery`] of cgroup directories, [`Snapshot::read_dir`], the
//!   [`sampler::Sampler`] (kept-open files, `pread`, no allocation after the first sample) and
//!   the [`trace`] CSV format.
//!
//! ```
//! use memcg_core::{v2, Limit};
//! let stat = v2::MemoryStat::parse(b"anon 1048576\nfile 2097152\ninactive_file 1048576\n")?;
//! assert_eq!(stat.anon, Some(1_048_576));
//! assert_eq!(v2::MemoryMax::parse(b"max\n")?.0, Limit::Unlimited);
//! # Ok::<(), memcg_core::ParseError>(())
//! ```
//!
//! ## Crate features
//!
//! - `std` (default): discovery, reading directories, the sampler, trace CSV.
//! - `serde`: `Serialize` for [`Snapshot`] (the JSON shape of `memcg snapshot --json`), the
//!   parsed structs and [`trend::Assessment`].
//! - `json`: the [`report`] module: the JSON and text renderings of `memcg snapshot`,
//!   `watch` and `replay`, shared by the CLI and the bindings.
//! - `cli`: the `memcg` binary.
//!
//! Without `std` the crate is `#![no_std]` and needs no allocator.
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod error;
pub mod grammar;
#[doc(hidden)]
pub mod keyed;
pub mod limit;
pub mod numa;
pub mod parsed;
pub mod pressure;
pub mod proc;
pub mod snapshot;
pub mod trend;
pub mod v1;
pub mod v2;

#[cfg(feature = "std")]
pub mod discovery;
#[cfg(feature = "std")]
mod read;
#[cfg(feature = "json")]
pub mod report;
#[cfg(feature = "std")]
pub mod sampler;
#[cfg(feature = "std")]
pub mod trace;

pub use error::{FileKind, ParseError, Reason};
pub use limit::Limit;
pub use parsed::{parse, Parsed};
pub use pressure::{Pressure, PressureLine};
#[cfg(feature = "std")]
pub use read::{ReadError, MAX_FILE_BYTES};
pub use snapshot::{ExtraStat, Snapshot, Stat, V1Files, V2Files, Version};

#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
