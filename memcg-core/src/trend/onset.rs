//! When did the growth begin? A one-sided CUSUM (the Page–Hinkley form with a fixed reference
//! of zero growth) on the increments of a signal.
//!
//! ```text
//! g_t = max(0, g_{t−1} + (y_t − y_{t−1}) − drift · Δt)
//! ```
//!
//! `g` is the growth accumulated since the signal last stood at its running low (less a
//! tolerated `drift` per second). The onset is the last time `g` was zero; an alarm is raised
//! while `g > threshold`. Flat or falling signals keep `g` at zero, so the onset follows them;
//! once growth stops, `g` drains at `drift` per second, and a signal that has not risen at all
//! for `quiet_s` seconds resets `g` to zero (a warm-up followed by a plateau then does not
//! date a later leak back to the warm-up).
//!
//! References: E. S. Page, *Continuous inspection schemes*, Biometrika 41 (1954); D. V.
//! Hinkley, *Inference about the change-point from cumulative sum tests*, Biometrika 58 (1971)
//! (the change point is estimated as the last zero of the CUSUM).

/// One-sided CUSUM onset detector.
///
/// - `drift`: growth tolerated per second without accumulating (units/s);
/// - `threshold`: accumulated growth that raises the alarm (units);
/// - `quiet_s`: a signal that does not rise for this long resets the statistic.
///
/// ```
/// use memcg_core::trend::OnsetDetector;
/// let mut d = OnsetDetector::new(0.1, 5.0, 10.0);
/// // flat at 10 until t = 20, then +1 per second
/// for k in 0..40 {
///     let t = k as f64;
///     let y = if t < 20.0 { 10.0 } else { 10.0 + (t - 20.0) };
///     d.update(t, y);
/// }
/// assert_eq!(d.onset_s(), Some(20.0));
/// assert!(d.alarm());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OnsetDetector {
    drift: f64,
    threshold: f64,
    quiet_s: f64,
    g: f64,
    last: Option<(f64, f64)>,
    zero_t: f64,
    last_rise_t: f64,
}

impl OnsetDetector {
    /// A detector with the given `drift` (units/s), `threshold` (units) and `quiet_s`
    /// (seconds; non-positive: never reset by quiet).
    #[must_use]
    pub fn new(drift: f64, threshold: f64, quiet_s: f64) -> Self {
        OnsetDetector {
            drift: drift.max(0.0),
            threshold: threshold.max(0.0),
            quiet_s: if quiet_s > 0.0 {
                quiet_s
            } else {
                f64::INFINITY
            },
            g: 0.0,
            last: None,
            zero_t: 0.0,
            last_rise_t: 0.0,
        }
    }

    /// Forgets the history.
    pub fn clear(&mut self) {
        *self = OnsetDetector::new(self.drift, self.threshold, self.quiet_s);
    }

    /// Changes `quiet_s` (e.g. as a sawtooth period is learnt).
    pub fn set_quiet_s(&mut self, quiet_s: f64) {
        if quiet_s > 0.0 {
            self.quiet_s = quiet_s;
        }
    }

    /// Feeds a sample. Non-finite or backwards samples are ignored (`false`).
    pub fn update(&mut self, t: f64, y: f64) -> bool {
        if !t.is_finite() || !y.is_finite() {
            return false;
        }
        match self.last {
            None => {
                self.zero_t = t;
                self.last_rise_t = t;
            }
            Some((pt, py)) => {
                if t < pt {
                    return false;
                }
                if y > py {
                    self.last_rise_t = t;
                }
                let g = self.g + (y - py) - self.drift * (t - pt);
                if g <= 0.0 || t - self.last_rise_t > self.quiet_s {
                    self.g = 0.0;
                    self.zero_t = t;
                } else {
                    self.g = g;
                }
            }
        }
        self.last = Some((t, y));
        true
    }

    /// Accumulated growth above the drift, units.
    #[must_use]
    pub fn statistic(&self) -> f64 {
        self.g
    }

    /// `true` while the accumulated growth exceeds the threshold.
    #[must_use]
    pub fn alarm(&self) -> bool {
        self.g > self.threshold
    }

    /// When the current growth began (the last zero of the CUSUM); `None` while there is no
    /// accumulated growth.
    #[must_use]
    pub fn onset_s(&self) -> Option<f64> {
        (self.g > 0.0).then_some(self.zero_t)
    }
}
