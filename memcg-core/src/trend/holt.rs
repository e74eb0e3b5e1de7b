//! Holt's linear trend (double exponential smoothing) for irregular sampling intervals.
//!
//! Level `ℓ` and trend `b` (units per second). For a sample `y` taken `Δt` seconds after the
//! previous one:
//!
//! ```text
//! α = 1 − exp(−Δt / tau_level),  β = 1 − exp(−Δt / tau_trend)
//! ŷ = ℓ + b·Δt
//! ℓ' = ŷ + α (y − ŷ)
//! b' = b + β ((ℓ' − ℓ) / Δt − b)
//! ```
//!
//! The smoothing weights depend on the gap, so a 10 s gap forgets as much as ten 1 s steps:
//! this is the continuous-time form of Wright's extension of Holt's method to irregular
//! intervals. The first sample sets the level, the second the trend. A sample at the same
//! timestamp as the previous one only moves the level (by `α` for `Δt = 0`, i.e. not at all):
//! it is ignored.
//!
//! References: C. C. Holt, *Forecasting seasonals and trends by exponentially weighted moving
//! averages* (1957; Int. J. Forecasting 20, 2004); D. J. Wright, *Forecasting data published
//! at irregular time intervals using an extension of Holt's method*, Management Science
//! 32(4), 1986.

use super::math::exp;

/// Holt's linear trend with time constants instead of per-sample weights.
///
/// - `tau_level`: seconds; how fast the level follows the data (smaller = faster);
/// - `tau_trend`: seconds; how fast the trend follows changes of the level's slope.
///
/// ```
/// use memcg_core::trend::Holt;
/// let mut h = Holt::new(2.0, 10.0);
/// // y = 5 t, sampled irregularly.
/// for t in [0.0, 0.5, 1.0, 3.0, 3.2, 4.0, 7.0, 7.5, 10.0] {
///     h.update(t, 5.0 * t);
/// }
/// assert!((h.trend().unwrap() - 5.0).abs() < 1e-9);
/// assert!((h.forecast(12.0).unwrap() - 60.0).abs() < 1e-6);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Holt {
    tau_level: f64,
    tau_trend: f64,
    level: f64,
    trend: f64,
    last_t: f64,
    n: u32,
}

impl Holt {
    /// A smoother with the given time constants (seconds; non-positive values become 1 s).
    #[must_use]
    pub fn new(tau_level: f64, tau_trend: f64) -> Self {
        let fix = |x: f64| if x > 0.0 && x.is_finite() { x } else { 1.0 };
        Holt {
            tau_level: fix(tau_level),
            tau_trend: fix(tau_trend),
            level: 0.0,
            trend: 0.0,
            last_t: 0.0,
            n: 0,
        }
    }

    /// Forgets the history (keeps the time constants).
    pub fn clear(&mut self) {
        *self = Holt::new(self.tau_level, self.tau_trend);
    }

    /// Feeds a sample. Returns `false` (ignoring it) for non-finite input or a timestamp
    /// earlier than the previous one.
    pub fn update(&mut self, t: f64, y: f64) -> bool {
        if !t.is_finite() || !y.is_finite() || (self.n > 0 && t < self.last_t) {
            return false;
        }
        match self.n {
            0 => {
                self.level = y;
                self.trend = 0.0;
            }
            _ => {
                let dt = t - self.last_t;
                if dt <= 0.0 {
                    return true;
                }
                if self.n == 1 {
                    self.trend = (y - self.level) / dt;
                    self.level = y;
                } else {
                    let a = 1.0 - exp(-dt / self.tau_level);
                    let b = 1.0 - exp(-dt / self.tau_trend);
                    let pred = self.level + self.trend * dt;
                    let level = pred + a * (y - pred);
                    self.trend += b * ((level - self.level) / dt - self.trend);
                    self.level = level;
                }
            }
        }
        self.last_t = t;
        self.n = self.n.saturating_add(1);
        true
    }

    /// The smoothed level at the last sample; `None` before the first sample.
    #[must_use]
    pub fn level(&self) -> Option<f64> {
        (self.n > 0).then_some(self.level)
    }

    /// The smoothed trend, units per second; `None` before the second sample.
    #[must_use]
    pub fn trend(&self) -> Option<f64> {
        (self.n > 1).then_some(self.trend)
    }

    /// The forecast at time `t` (`level + trend · (t − t_last)`).
    #[must_use]
    pub fn forecast(&self, t: f64) -> Option<f64> {
        let tr = self.trend()?;
        Some(self.level + tr * (t - self.last_t))
    }
}
