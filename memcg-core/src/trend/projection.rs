//! Time to reach a limit, with an interval, from a level and a slope interval.
//!
//! `t = (limit − level) / slope`; the interval uses the slope's interval
//! `[slope_low, slope_high]`: `low = (limit − level) / slope_high`,
//! `high = (limit − level) / slope_low` (absent when `slope_low ≤ 0`: the limit may never be
//! reached). At or above the limit every value is 0. Results are finite or absent, never NaN or
//! infinite.

/// A projected time to a limit, seconds.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Projection {
    /// Central estimate; `None` without growth.
    pub time_s: Option<f64>,
    /// Earliest (fastest slope) estimate.
    pub low_s: Option<f64>,
    /// Latest (slowest slope) estimate; `None` when the slowest slope is not growth.
    pub high_s: Option<f64>,
}

/// Longest projection reported, seconds (about 31 years); beyond it, "never".
pub const MAX_PROJECTION_S: f64 = 1e9;

fn div(headroom: f64, slope: f64) -> Option<f64> {
    if headroom <= 0.0 {
        return Some(0.0);
    }
    if slope.is_nan() || slope <= 0.0 {
        return None;
    }
    let t = headroom / slope;
    (t.is_finite() && t <= MAX_PROJECTION_S).then_some(t)
}

/// Projects when `level` growing at `slope` (in `[slope_low, slope_high]`) reaches `limit`.
///
/// ```
/// use memcg_core::trend::time_to_limit;
/// let p = time_to_limit(100.0, 200.0, 2.0, 1.0, 4.0);
/// assert_eq!((p.time_s, p.low_s, p.high_s), (Some(50.0), Some(25.0), Some(100.0)));
/// assert_eq!(time_to_limit(100.0, 200.0, 0.0, -1.0, 1.0).time_s, None);
/// assert_eq!(time_to_limit(250.0, 200.0, 1.0, 0.5, 2.0).time_s, Some(0.0));
/// ```
#[must_use]
pub fn time_to_limit(
    level: f64,
    limit: f64,
    slope: f64,
    slope_low: f64,
    slope_high: f64,
) -> Projection {
    if !level.is_finite() || !limit.is_finite() {
        return Projection::default();
    }
    let headroom = limit - level;
    let time_s = div(headroom, slope);
    if time_s.is_none() {
        return Projection::default();
    }
    Projection {
        time_s,
        low_s: div(headroom, slope_high.max(slope)),
        high_s: div(headroom, slope_low.min(slope)),
    }
}
