//! The leak detector. (Contract fixed; the algorithm is being written.)

use crate::snapshot::Snapshot;

/// What the detector concludes about the cgroup at one sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "snake_case")
)]
#[repr(u32)]
pub enum State {
    /// Not enough history for a verdict yet.
    WarmingUp = 0,
    /// No sustained growth of unreclaimable memory.
    Stable = 1,
    /// Unreclaimable memory grows, but not (yet) persistently enough to call a leak.
    Growing = 2,
    /// A leak: persistent growth that will reach the limit.
    Leaking = 3,
}

impl State {
    /// `"warming_up"`, `"stable"`, `"growing"` or `"leaking"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            State::WarmingUp => "warming_up",
            State::Stable => "stable",
            State::Growing => "growing",
            State::Leaking => "leaking",
        }
    }
}

/// The detector's configuration: a plain struct with documented defaults.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DetectorConfig {
    /// Minimum age of the history, seconds, before a normal verdict (default 30).
    pub min_age_s: f64,
    /// Longest window of history considered, seconds (default 3600).
    pub max_window_s: f64,
    /// Smallest growth over the window that can be called a leak, bytes (default 8 MiB).
    pub min_growth_bytes: u64,
    /// Smallest growth over the window as a share of the limit (default 0.02).
    pub min_limit_share: f64,
    /// A restart is declared when the signal falls below this fraction of its recent peak
    /// (default 0.25).
    pub restart_drop_fraction: f64,
    /// Count swap in the signal and the swap allowance in the limit (default true).
    pub use_swap: bool,
}

impl Default for DetectorConfig {
    fn default() -> Self {
        DetectorConfig {
            min_age_s: 30.0,
            max_window_s: 3600.0,
            min_growth_bytes: 8 << 20,
            min_limit_share: 0.02,
            restart_drop_fraction: 0.25,
            use_swap: true,
        }
    }
}

/// The detector's answer for one sample. No field is ever NaN or infinite.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Assessment {
    /// The verdict.
    pub state: State,
    /// `true` when `state` is [`State::Leaking`].
    pub leak: bool,
    /// `true` when the projected OOM is imminent (a fast ramp close to the limit), whatever
    /// the state.
    pub imminent_oom: bool,
    /// Growth rate of unreclaimable memory, bytes per second.
    pub slope_bytes_per_s: f64,
    /// Lower end of the slope's interval, bytes per second.
    pub slope_low: f64,
    /// Upper end of the slope's interval, bytes per second.
    pub slope_high: f64,
    /// Projected seconds until the effective limit is reached; `None` without a limit or
    /// without growth.
    pub time_to_limit_s: Option<f64>,
    /// Earliest end of the projection's interval, seconds.
    pub time_to_limit_low_s: Option<f64>,
    /// Latest end of the projection's interval, seconds.
    pub time_to_limit_high_s: Option<f64>,
    /// Projected seconds until `memory.high` (throttling), where set.
    pub time_to_high_s: Option<f64>,
    /// When the growth began (the same clock as `t_seconds`).
    pub onset_s: Option<f64>,
    /// The watched signal: unreclaimable memory, bytes.
    pub signal_bytes: u64,
    /// The floor of the signal (its trailing minimum under a sawtooth), bytes.
    pub floor_bytes: u64,
    /// The limit the projection uses (effective limit plus swap allowance), bytes.
    pub limit_bytes: Option<u64>,
    /// Seconds of history behind this verdict (since the start or the last restart).
    pub age_s: f64,
}

/// Errors of [`LeakDetector::update`].
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TrendError {
    /// A timestamp was earlier than the previous one. The state is unchanged.
    #[error("timestamp went backwards: {t} after {previous}")]
    TimeWentBackwards {
        /// The previous timestamp.
        previous: f64,
        /// The rejected timestamp.
        t: f64,
    },
    /// A timestamp was NaN or infinite. The state is unchanged.
    #[error("timestamp is not finite")]
    NonFiniteTime,
}

/// The streaming leak detector. Fixed-size state, no allocation.
#[derive(Debug, Clone)]
pub struct LeakDetector {
    config: DetectorConfig,
    last_t: Option<f64>,
    first_t: f64,
}

impl Default for LeakDetector {
    fn default() -> Self {
        LeakDetector::new(DetectorConfig::default())
    }
}

impl LeakDetector {
    /// A detector with `config`.
    #[must_use]
    pub fn new(config: DetectorConfig) -> Self {
        LeakDetector {
            config,
            last_t: None,
            first_t: 0.0,
        }
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &DetectorConfig {
        &self.config
    }

    /// Forgets all history (as after a restart).
    pub fn reset(&mut self) {
        self.last_t = None;
    }

    /// Feeds one sample taken at `t_seconds` (any monotonic clock, seconds).
    ///
    /// # Errors
    /// [`TrendError`] for a timestamp that goes backwards or is not finite; the state is then
    /// unchanged.
    pub fn update(&mut self, t_seconds: f64, snap: &Snapshot) -> Result<Assessment, TrendError> {
        if !t_seconds.is_finite() {
            return Err(TrendError::NonFiniteTime);
        }
        if let Some(p) = self.last_t {
            if t_seconds < p {
                return Err(TrendError::TimeWentBackwards {
                    previous: p,
                    t: t_seconds,
                });
            }
        } else {
            self.first_t = t_seconds;
        }
        self.last_t = Some(t_seconds);
        let signal = snap.unreclaimable_bytes();
        Ok(Assessment {
            state: State::WarmingUp,
            leak: false,
            imminent_oom: false,
            slope_bytes_per_s: 0.0,
            slope_low: 0.0,
            slope_high: 0.0,
            time_to_limit_s: None,
            time_to_limit_low_s: None,
            time_to_limit_high_s: None,
            time_to_high_s: None,
            onset_s: None,
            signal_bytes: signal,
            floor_bytes: signal,
            limit_bytes: snap.effective_limit_bytes.and_then(|l| l.bytes()),
            age_s: t_seconds - self.first_t,
        })
    }
}
