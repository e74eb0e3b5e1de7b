//! The floor of a signal under a garbage-collection sawtooth: its trailing minimum over a
//! little more than one sawtooth period, with the period learnt from the large falls.
//!
//! A *fall* is a drop between consecutive samples larger than `fall_fraction` of the previous
//! value and than `min_fall`. The period is the longest recent interval between falls (the
//! estimate decays by 0.7 per new fall, so it adapts to a shorter cycle); before the second fall
//! the time from the first sample to the first fall stands in. The floor window is
//! `periods × period`, at least `min_window_s`, at most `max_window_s`; the floor is the minimum
//! over it. Minima are kept per block in a ring of `K` blocks; when the window would need more
//! than `K` blocks the blocks merge pairwise (the block width doubles), so memory stays fixed.
//!
//! Why a floor: under a sawtooth the level is meaningless for leak detection — the *troughs*
//! rise when a managed heap leaks, and the peaks reach the limit first (see
//! `docs/estimators.md`).

/// Trailing minimum under a sawtooth, with period detection. `K` blocks of storage.
///
/// - `fall_fraction`: a fall is a drop of more than this share of the previous value (0.2);
/// - `min_fall`: and of more than this many units (1 MiB for bytes);
/// - `min_window_s` / `max_window_s`: bounds of the floor window;
/// - `periods`: the floor window in sawtooth periods (1.5).
///
/// ```
/// use memcg_core::trend::FloorTracker;
/// let mut f = FloorTracker::<32>::new(0.2, 1.0, 2.0, 600.0, 1.5);
/// // a sawtooth 10 → 50, period 5 s, whose troughs rise by 1 per cycle
/// let mut floors = Vec::new();
/// for k in 0..60 {
///     let t = k as f64 * 0.5;
///     let cycle = (t / 5.0).floor();
///     let y = 10.0 + cycle + 40.0 * (t % 5.0) / 5.0;
///     f.update(t, y);
///     floors.push(f.floor().unwrap());
/// }
/// assert_eq!(f.period_s(), Some(5.0));
/// assert!((f.window_s() - 7.5).abs() < 1e-9);
/// assert_eq!(*floors.last().unwrap(), 15.0); // the trough of the last full cycle
/// ```
#[derive(Debug, Clone)]
pub struct FloorTracker<const K: usize> {
    fall_fraction: f64,
    min_fall: f64,
    min_window_s: f64,
    max_window_s: f64,
    periods: f64,
    // blocks: (start time, minimum)
    blocks: [(f64, f64); K],
    head: usize,
    len: usize,
    block_s: f64,
    first_t: Option<f64>,
    last: (f64, f64),
    last_fall_t: Option<f64>,
    first_fall_t: Option<f64>,
    falls: u32,
    period_s: f64,
    floor: f64,
}

impl<const K: usize> FloorTracker<K> {
    /// A tracker (see the type docs for the parameters).
    #[must_use]
    pub fn new(
        fall_fraction: f64,
        min_fall: f64,
        min_window_s: f64,
        max_window_s: f64,
        periods: f64,
    ) -> Self {
        let min_window_s = if min_window_s > 0.0 {
            min_window_s
        } else {
            1.0
        };
        FloorTracker {
            fall_fraction,
            min_fall,
            min_window_s,
            max_window_s: max_window_s.max(min_window_s),
            periods: if periods > 0.0 { periods } else { 1.5 },
            blocks: [(0.0, 0.0); K],
            head: 0,
            len: 0,
            // Never 0: a subnormal `min_window_s` (from a hostile config) would make it 0, and
            // `push_block` doubles it until it covers the window (found by fuzzing: a hang).
            block_s: (min_window_s / 4.0).max(f64::MIN_POSITIVE),
            first_t: None,
            last: (0.0, 0.0),
            last_fall_t: None,
            first_fall_t: None,
            falls: 0,
            period_s: 0.0,
            floor: 0.0,
        }
    }

    /// Forgets the history (keeps the parameters).
    pub fn clear(&mut self) {
        *self = FloorTracker::new(
            self.fall_fraction,
            self.min_fall,
            self.min_window_s,
            self.max_window_s,
            self.periods,
        );
    }

    /// Feeds a sample; returns `true` when it is a fall. Non-finite or backwards samples are
    /// ignored.
    pub fn update(&mut self, t: f64, y: f64) -> bool {
        if !t.is_finite() || !y.is_finite() || self.first_t.is_some_and(|_| t < self.last.0) {
            return false;
        }
        let mut fell = false;
        if let Some(t0) = self.first_t {
            let drop = self.last.1 - y;
            if drop > self.min_fall && drop > self.fall_fraction * self.last.1.abs() {
                fell = true;
                self.falls = self.falls.saturating_add(1);
                let interval = match self.last_fall_t {
                    Some(p) => t - p,
                    None => {
                        self.first_fall_t = Some(t);
                        t - t0
                    }
                };
                self.period_s = if self.falls <= 2 {
                    interval.max(if self.falls == 2 { 0.0 } else { self.period_s })
                } else {
                    interval.max(0.7 * self.period_s)
                };
                self.last_fall_t = Some(t);
            }
        } else {
            self.first_t = Some(t);
        }
        self.last = (t, y);
        self.push_block(t, y);
        self.floor = self.min_over(t - self.window_s());
        fell
    }

    fn push_block(&mut self, t: f64, y: f64) {
        if K == 0 {
            return;
        }
        // Grow the block width if the window needs more than K blocks.
        while self.window_s() > self.block_s * (K as f64 - 1.0) {
            self.merge_pairs();
        }
        if self.len > 0 {
            let li = (self.head + self.len - 1) % K;
            if t < self.blocks[li].0 + self.block_s {
                if y < self.blocks[li].1 {
                    self.blocks[li].1 = y;
                }
                return;
            }
        }
        if self.len == K {
            self.head = (self.head + 1) % K;
            self.len -= 1;
        }
        self.blocks[(self.head + self.len) % K] = (t, y);
        self.len += 1;
    }

    fn merge_pairs(&mut self) {
        let mut out = 0;
        let mut i = 0;
        while i < self.len {
            let a = self.blocks[(self.head + i) % K];
            let m = if i + 1 < self.len {
                let b = self.blocks[(self.head + i + 1) % K];
                (a.0, a.1.min(b.1))
            } else {
                a
            };
            // out <= i, so this never overwrites an unread block
            self.blocks[(self.head + out) % K] = m;
            out += 1;
            i += 2;
        }
        self.len = out;
        self.block_s *= 2.0;
    }

    fn min_over(&self, since: f64) -> f64 {
        let mut m = self.last.1;
        for i in (0..self.len).rev() {
            let (start, v) = self.blocks[(self.head + i) % K];
            m = m.min(v);
            if start <= since {
                break;
            }
        }
        m
    }

    /// The floor: the minimum over the floor window; `None` before the first sample.
    #[must_use]
    pub fn floor(&self) -> Option<f64> {
        self.first_t.map(|_| self.floor)
    }

    /// The minimum over the last `window_s` seconds (at the block resolution).
    #[must_use]
    pub fn min_since(&self, window_s: f64) -> Option<f64> {
        self.first_t.map(|_| self.min_over(self.last.0 - window_s))
    }

    /// The estimated sawtooth period; `None` before the first fall.
    #[must_use]
    pub fn period_s(&self) -> Option<f64> {
        (self.falls > 0).then_some(self.period_s)
    }

    /// Number of falls seen.
    #[must_use]
    pub fn falls(&self) -> u32 {
        self.falls
    }

    /// Time of the first fall.
    #[must_use]
    pub fn first_fall_s(&self) -> Option<f64> {
        self.first_fall_t
    }

    /// The current floor window, seconds.
    #[must_use]
    pub fn window_s(&self) -> f64 {
        (self.periods * self.period_s).clamp(self.min_window_s, self.max_window_s)
    }
}
