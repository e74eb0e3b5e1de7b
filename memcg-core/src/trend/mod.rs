//! Streaming trend estimators and the [`LeakDetector`].
//!
//! Every estimator here is `no_std`, keeps fixed-size state, and does not allocate. Each is
//! usable on its own:
//!
//! | estimator | what it gives |
//! |---|---|
//! | [`WindowedOls`], [`LinearFit`] | least-squares slope, its standard error, intercept (`predict_linear`) |
//! | [`Holt`] | Holt's level and trend for irregular sampling |
//! | [`TheilSen`] | robust median-of-pairwise-slopes, Sen's interval |
//! | [`mann_kendall`] | Mann–Kendall trend test (ties, Hamed–Rao autocorrelation correction) |
//! | [`FloorTracker`] | the floor under a GC sawtooth, the sawtooth period |
//! | [`OnsetDetector`] | when growth began (one-sided CUSUM / Page–Hinkley) |
//! | [`time_to_limit`] | time to a limit with an interval |
//!
//! `docs/estimators.md` describes each with its references.

mod detector;
mod floor;
mod history;
mod holt;
mod mann_kendall;
mod math;
mod ols;
mod onset;
mod projection;
mod theil_sen;

pub use detector::{Assessment, DetectorConfig, LeakDetector, State, TrendError};
pub use floor::FloorTracker;
pub use holt::Holt;
pub use mann_kendall::{mann_kendall, MannKendall, MANN_KENDALL_MAX};
pub use ols::{Fit, LinearFit, WindowedOls};
pub use onset::OnsetDetector;
pub use projection::{time_to_limit, Projection, MAX_PROJECTION_S};
pub use theil_sen::{TheilSen, THEIL_SEN_MAX};
