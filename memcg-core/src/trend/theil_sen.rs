//! Theil–Sen robust slope over a bounded window: the median of the slopes of all pairs of
//! samples. Up to 29 % of the points may be arbitrary outliers (a burst, a step) without
//! moving it far; irregular timestamps are fine (each pair uses its own time difference).
//!
//! The window holds at most `N ≤ 32` samples (the pairwise slopes, at most 496, are computed on
//! the stack when asked for, in O(N²)); [`TheilSen::mann_kendall`] runs the
//! [Mann–Kendall test](super::mann_kendall) on the same window.
//!
//! References: H. Theil, *A rank-invariant method of linear and polynomial regression
//! analysis* (1950); P. K. Sen, *Estimates of the regression coefficient based on Kendall's
//! tau*, JASA 63 (1968) — including the rank-based confidence interval of
//! [`TheilSen::slope_interval`].

use super::mann_kendall::{mann_kendall, MannKendall};
use super::math::sqrt;

/// Largest window [`TheilSen`] accepts.
pub const THEIL_SEN_MAX: usize = 32;
const MAX_PAIRS: usize = THEIL_SEN_MAX * (THEIL_SEN_MAX - 1) / 2;

/// Theil–Sen slope over the last `N` samples (2 ≤ `N` ≤ 32, checked at compile time).
///
/// ```
/// use memcg_core::trend::TheilSen;
/// let mut ts = TheilSen::<8>::new();
/// // slope 2 with one wild outlier at t = 3
/// for (t, y) in [(0.0, 0.0), (1.0, 2.0), (2.0, 4.0), (3.0, 1000.0), (4.0, 8.0), (5.0, 10.0)] {
///     ts.push(t, y);
/// }
/// assert_eq!(ts.slope(), Some(2.0));
/// let (lo, hi) = ts.slope_interval(1.96).unwrap();
/// assert!(lo <= 2.0 && 2.0 <= hi);
/// ```
#[derive(Debug, Clone)]
pub struct TheilSen<const N: usize> {
    ring: [(f64, f64); N],
    head: usize,
    len: usize,
}

impl<const N: usize> Default for TheilSen<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> TheilSen<N> {
    const CHECK: () = assert!(N >= 2 && N <= THEIL_SEN_MAX, "TheilSen needs 2 <= N <= 32");

    /// An empty window.
    #[must_use]
    pub fn new() -> Self {
        #[allow(clippy::let_unit_value)]
        let () = Self::CHECK;
        TheilSen {
            ring: [(0.0, 0.0); N],
            head: 0,
            len: 0,
        }
    }

    /// Forgets every sample.
    pub fn clear(&mut self) {
        self.head = 0;
        self.len = 0;
    }

    /// Samples in the window.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// `true` without samples.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds a sample, dropping the oldest when full. Non-finite samples are ignored
    /// (`false`).
    pub fn push(&mut self, t: f64, y: f64) -> bool {
        if !t.is_finite() || !y.is_finite() {
            return false;
        }
        if self.len == N {
            self.head = (self.head + 1) % N;
            self.len -= 1;
        }
        self.ring[(self.head + self.len) % N] = (t, y);
        self.len += 1;
        true
    }

    fn get(&self, i: usize) -> (f64, f64) {
        self.ring[(self.head + i) % N]
    }

    fn pair_slopes(&self, buf: &mut [f64; MAX_PAIRS]) -> usize {
        let mut m = 0;
        for i in 0..self.len {
            let (ti, yi) = self.get(i);
            for j in i + 1..self.len {
                let (tj, yj) = self.get(j);
                let dt = tj - ti;
                if dt != 0.0 && m < MAX_PAIRS {
                    buf[m] = (yj - yi) / dt;
                    m += 1;
                }
            }
        }
        m
    }

    /// The median pairwise slope (units per second); `None` without two distinct timestamps.
    #[must_use]
    pub fn slope(&self) -> Option<f64> {
        let mut buf = [0.0; MAX_PAIRS];
        let m = self.pair_slopes(&mut buf);
        median(&mut buf[..m])
    }

    /// Sen's distribution-free confidence interval for the slope at normal quantile `z`
    /// (1.96 for 95 %), from the ranks of the pairwise slopes; `None` with fewer than three
    /// samples.
    #[must_use]
    pub fn slope_interval(&self, z: f64) -> Option<(f64, f64)> {
        if self.len < 3 {
            return None;
        }
        let mut buf = [0.0; MAX_PAIRS];
        let m = self.pair_slopes(&mut buf);
        if m == 0 {
            return None;
        }
        let s = &mut buf[..m];
        s.sort_unstable_by(f64::total_cmp);
        let n = self.len as f64;
        let var_s = n * (n - 1.0) * (2.0 * n + 5.0) / 18.0;
        let c = z.abs() * sqrt(var_s);
        let lo = libm::floor((m as f64 - c) / 2.0).max(0.0) as usize;
        let hi = libm::ceil((m as f64 + c) / 2.0) as usize;
        Some((s[lo.min(m - 1)], s[hi.min(m - 1)]))
    }

    /// The intercept at the oldest sample's time: the median of `y − slope·(t − t_oldest)`.
    #[must_use]
    pub fn intercept(&self) -> Option<f64> {
        let slope = self.slope()?;
        let t0 = self.get(0).0;
        let mut buf = [0.0; THEIL_SEN_MAX];
        for (i, b) in buf.iter_mut().enumerate().take(self.len) {
            let (t, y) = self.get(i);
            *b = y - slope * (t - t0);
        }
        median(&mut buf[..self.len])
    }

    /// The Mann–Kendall trend test on the window's values (in time order), with the
    /// Hamed–Rao autocorrelation correction.
    #[must_use]
    pub fn mann_kendall(&self) -> Option<MannKendall> {
        let mut buf = [0.0; THEIL_SEN_MAX];
        for (i, b) in buf.iter_mut().enumerate().take(self.len) {
            *b = self.get(i).1;
        }
        mann_kendall(&buf[..self.len])
    }
}

/// Median of a slice (reorders it); `None` when empty or when it holds NaN.
pub(crate) fn median(s: &mut [f64]) -> Option<f64> {
    let m = s.len();
    if m == 0 || s.iter().any(|v| v.is_nan()) {
        return None;
    }
    let (_, hi, _) = s.select_nth_unstable_by(m / 2, f64::total_cmp);
    let hi = *hi;
    if m % 2 == 1 {
        return Some(hi);
    }
    let lo = s[..m / 2].iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Some(lo / 2.0 + hi / 2.0)
}
