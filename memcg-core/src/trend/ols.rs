//! Least-squares line over a time window: slope, its standard error and intercept — what
//! Prometheus `predict_linear` / `deriv` compute, streaming and allocation-free.
//!
//! Two types:
//! - [`LinearFit`]: an accumulator of `(t, y)` points (add and remove), centred on its first
//!   point so that timestamps near 1e9 s and values near 1e12 bytes keep full precision;
//! - [`WindowedOls`]: a ring buffer of the last `N` samples within `window_s` seconds, O(1)
//!   per update (amortised: the sums are rebuilt from the ring every `N` updates, which bounds
//!   the rounding drift of add-then-remove).
//!
//! References: ordinary least squares with the usual slope standard error
//! `se = sqrt(RSS / (n − 2) / Sxx)` (e.g. Montgomery, Peck & Vining, *Introduction to Linear
//! Regression Analysis*, §2.3); Prometheus `predict_linear` (`promql/functions.go`,
//! `linearRegression`), which also centres time on the first sample's timestamp.

use super::math::sqrt;

/// The result of a least-squares fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    /// Slope, units of `y` per second.
    pub slope: f64,
    /// Standard error of the slope (0 with exactly two points or a perfect fit).
    pub slope_stderr: f64,
    /// Fitted value at `t_origin`.
    pub intercept: f64,
    /// The time the intercept refers to (the fit's first point).
    pub t_origin: f64,
    /// Residual standard deviation, units of `y`.
    pub residual_std: f64,
    /// Number of points.
    pub n: u32,
}

impl Fit {
    /// The fitted line's value at `t` (what `predict_linear(v[W], t − now)` returns).
    #[must_use]
    pub fn predict(&self, t: f64) -> f64 {
        self.intercept + self.slope * (t - self.t_origin)
    }
}

/// Sums for a least-squares line, centred on a reference point `(t0, y0)` (the first point
/// added after a [`LinearFit::clear`]). Points may be removed again.
///
/// ```
/// use memcg_core::trend::LinearFit;
/// let mut f = LinearFit::new();
/// for (t, y) in [(1e9, 1e12), (1e9 + 1.0, 1e12 + 10.0), (1e9 + 2.0, 1e12 + 20.0)] {
///     f.add(t, y);
/// }
/// let fit = f.fit().unwrap();
/// assert!((fit.slope - 10.0).abs() < 1e-9);
/// assert!((fit.predict(1e9 + 3.0) - (1e12 + 30.0)).abs() < 1e-3);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LinearFit {
    t0: f64,
    y0: f64,
    n: f64,
    sx: f64,
    sy: f64,
    sxx: f64,
    sxy: f64,
    syy: f64,
}

impl LinearFit {
    /// An empty accumulator.
    #[must_use]
    pub const fn new() -> Self {
        LinearFit {
            t0: 0.0,
            y0: 0.0,
            n: 0.0,
            sx: 0.0,
            sy: 0.0,
            sxx: 0.0,
            sxy: 0.0,
            syy: 0.0,
        }
    }

    /// Forgets every point.
    pub fn clear(&mut self) {
        *self = LinearFit::new();
    }

    /// Number of points.
    #[must_use]
    pub fn len(&self) -> u32 {
        self.n as u32
    }

    /// `true` without points.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.n < 0.5
    }

    /// Adds a point. Non-finite points are ignored.
    pub fn add(&mut self, t: f64, y: f64) {
        if !t.is_finite() || !y.is_finite() {
            return;
        }
        if self.is_empty() {
            *self = LinearFit::new();
            self.t0 = t;
            self.y0 = y;
        }
        let (x, v) = (t - self.t0, y - self.y0);
        self.n += 1.0;
        self.sx += x;
        self.sy += v;
        self.sxx += x * x;
        self.sxy += x * v;
        self.syy += v * v;
    }

    /// Removes a point previously added (the caller guarantees it was).
    pub fn remove(&mut self, t: f64, y: f64) {
        if !t.is_finite() || !y.is_finite() || self.is_empty() {
            return;
        }
        let (x, v) = (t - self.t0, y - self.y0);
        self.n -= 1.0;
        self.sx -= x;
        self.sy -= v;
        self.sxx -= x * x;
        self.sxy -= x * v;
        self.syy -= v * v;
        if self.is_empty() {
            self.clear();
        }
    }

    /// The least-squares line; `None` with fewer than two points or no spread in time.
    #[must_use]
    pub fn fit(&self) -> Option<Fit> {
        if self.n < 1.5 {
            return None;
        }
        let n = self.n;
        let sxx = self.sxx - self.sx * self.sx / n;
        let sxy = self.sxy - self.sx * self.sy / n;
        let syy = self.syy - self.sy * self.sy / n;
        // Relative guard: Sxx is a sum of squares of time offsets.
        if sxx.partial_cmp(&(1e-12 * (1.0 + self.sxx))) != Some(core::cmp::Ordering::Greater) {
            return None;
        }
        let slope = sxy / sxx;
        let rss = (syy - slope * sxy).max(0.0);
        let (slope_stderr, residual_std) = if n > 2.5 {
            let s2 = rss / (n - 2.0);
            (sqrt(s2 / sxx), sqrt(s2))
        } else {
            (0.0, 0.0)
        };
        let mean_x = self.sx / n;
        let mean_y = self.sy / n;
        let intercept = self.y0 + mean_y - slope * mean_x;
        let fit = Fit {
            slope,
            slope_stderr,
            intercept,
            t_origin: self.t0,
            residual_std,
            n: n as u32,
        };
        if fit.slope.is_finite() && fit.intercept.is_finite() && fit.slope_stderr.is_finite() {
            Some(fit)
        } else {
            None
        }
    }
}

/// Least squares over the last `N` samples no older than `window_s` seconds.
///
/// - `N`: capacity of the ring buffer (memory: 16 bytes per sample);
/// - `window_s`: samples older than `t_latest − window_s` are dropped.
///
/// Each [`WindowedOls::push`] is O(1) amortised and never allocates.
///
/// ```
/// use memcg_core::trend::WindowedOls;
/// let mut w = WindowedOls::<8>::new(60.0);
/// for (t, y) in [(0.0, 100.0), (1.0, 110.0), (2.0, 121.0), (3.0, 129.0), (4.0, 140.0)] {
///     w.push(t, y);
/// }
/// let fit = w.fit().unwrap();
/// assert!((fit.slope - 9.9).abs() < 1e-9);
/// assert!(fit.slope_stderr > 0.0 && fit.slope_stderr < 1.0);
/// // predict_linear(v[60s], 10) at t = 4:
/// assert!((fit.predict(14.0) - 238.8).abs() < 1e-9);
/// ```
#[derive(Debug, Clone)]
pub struct WindowedOls<const N: usize> {
    ring: [(f64, f64); N],
    head: usize,
    len: usize,
    window_s: f64,
    acc: LinearFit,
    since_rebuild: usize,
    last_t: Option<f64>,
}

impl<const N: usize> WindowedOls<N> {
    /// An empty window of `window_s` seconds (at most `N` samples).
    #[must_use]
    pub fn new(window_s: f64) -> Self {
        WindowedOls {
            ring: [(0.0, 0.0); N],
            head: 0,
            len: 0,
            window_s: if window_s > 0.0 { window_s } else { f64::MAX },
            acc: LinearFit::new(),
            since_rebuild: 0,
            last_t: None,
        }
    }

    /// Forgets every sample.
    pub fn clear(&mut self) {
        self.head = 0;
        self.len = 0;
        self.acc.clear();
        self.since_rebuild = 0;
        self.last_t = None;
    }

    /// Samples currently in the window.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// `true` without samples.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The oldest sample in the window.
    #[must_use]
    pub fn oldest(&self) -> Option<(f64, f64)> {
        (self.len > 0).then(|| self.ring[self.head])
    }

    /// Adds a sample. Returns `false` (and ignores it) when `t` or `y` is not finite or `t`
    /// is earlier than the previous sample.
    pub fn push(&mut self, t: f64, y: f64) -> bool {
        if N == 0 || !t.is_finite() || !y.is_finite() || self.last_t.is_some_and(|p| t < p) {
            return false;
        }
        self.last_t = Some(t);
        while self.len > 0 && (self.len == N || self.ring[self.head].0 < t - self.window_s) {
            let (ot, oy) = self.ring[self.head];
            self.acc.remove(ot, oy);
            self.head = (self.head + 1) % N;
            self.len -= 1;
        }
        let idx = (self.head + self.len) % N;
        self.ring[idx] = (t, y);
        self.len += 1;
        self.since_rebuild += 1;
        if self.since_rebuild >= N || self.acc.is_empty() {
            self.rebuild();
        } else {
            self.acc.add(t, y);
        }
        true
    }

    fn rebuild(&mut self) {
        self.acc.clear();
        for i in 0..self.len {
            let (t, y) = self.ring[(self.head + i) % N];
            self.acc.add(t, y);
        }
        self.since_rebuild = 0;
    }

    /// The least-squares line over the window; `None` with fewer than two samples.
    #[must_use]
    pub fn fit(&self) -> Option<Fit> {
        self.acc.fit()
    }
}
