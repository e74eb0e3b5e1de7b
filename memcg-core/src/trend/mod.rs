//! Streaming trend estimators and the [`LeakDetector`].
//!
//! Every estimator here is `no_std`, keeps fixed-size state, and does not allocate.

mod detector;

pub use detector::{Assessment, DetectorConfig, LeakDetector, State, TrendError};
