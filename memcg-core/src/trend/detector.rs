//! The leak detector: combines the [floor tracker](super::FloorTracker), the
//! [onset detector](super::OnsetDetector), least squares ([`super::LinearFit`]), Holt's trend
//! ([`super::Holt`]) and the [time-to-limit projection](super::time_to_limit) over a
//! fixed-size multi-resolution history. See `docs/detection.md` for the design, the measured
//! results and the limits.

use super::floor::FloorTracker;
use super::history::History;
use super::holt::Holt;
use super::math::{finite_or, sqrt};
use super::ols::LinearFit;
use super::onset::OnsetDetector;
use super::projection::time_to_limit;
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
    /// Shortest floor window, seconds (default 5): the floor is the minimum over at least this
    /// long, and over 1.5 sawtooth periods once falls are seen.
    pub floor_min_window_s: f64,
    /// A drop between two samples larger than this share of the signal marks a sawtooth fall
    /// (a GC cycle) (default 0.2).
    pub fall_fraction: f64,
    /// Evidence in proportion to the horizon: a window must cover this share of the projected
    /// time to the limit (default 0.25) …
    pub horizon_share: f64,
    /// … capped at this many seconds (default 240). Without a limit, growth must persist this
    /// long to be called a leak.
    pub horizon_cap_s: f64,
    /// `imminent_oom` is raised when the fast trend reaches the limit within this many seconds
    /// (default 30) …
    pub imminent_horizon_s: f64,
    /// … and the signal's recent peak is above this share of the limit (default 0.7).
    pub imminent_fill: f64,
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
            floor_min_window_s: 5.0,
            fall_fraction: 0.2,
            horizon_share: 0.25,
            horizon_cap_s: 240.0,
            imminent_horizon_s: 30.0,
            imminent_fill: 0.7,
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

/// Buckets of the multi-resolution history.
const HIST_K: usize = 120;
/// Buckets per resolution level (the newest `HIST_PER_LEVEL` are `HIST_BASE_S` wide).
const HIST_PER_LEVEL: usize = 24;
/// Width of the newest buckets, seconds.
const HIST_BASE_S: f64 = 1.0;
/// Segments a window is split into for the persistence test.
const SEGMENTS: usize = 5;
/// Every increment between segment floors must be at least this share of the largest.
const PERSIST_RATIO: f64 = 0.2;
/// Growth ratio between windows tried.
const WINDOW_GROWTH: f64 = 2.0;
/// Saturation: increments shrinking at least this fast (per segment) suggest a plateau …
const SATURATION_RATIO: f64 = 0.9;
/// … which is a warm-up when it (plus the sawtooth amplitude) stays under this share of the
/// limit.
const SATURATION_MARGIN: f64 = 0.9;
/// Drift of the onset detector, as a share of `min_growth_bytes` per second.
const ONSET_DRIFT_SHARE: f64 = 0.0005;
/// The onset resets after this many floor windows without any rise of the floor …
const ONSET_QUIET_WINDOWS: f64 = 2.0;
/// … and at least this many sample intervals.
const ONSET_QUIET_SAMPLES: f64 = 8.0;
/// The slope is fitted over at least this many sample intervals.
const FIT_MIN_SAMPLES: f64 = 12.0;

/// The windows are re-evaluated at most this often (seconds); between evaluations the verdict
/// is kept and only the level, peak and projection follow each sample.
const EVAL_EVERY_S: f64 = 2.0;
/// Most windows tried per evaluation.
const MAX_WINDOWS: usize = 12;

/// What one window says.
#[derive(Debug, Clone, Copy, Default)]
struct WindowCheck {
    /// Persistent, large enough, long enough for the horizon.
    candidate: bool,
    /// Increments shrink towards a plateau under the limit.
    saturated: bool,
    /// Some growth.
    growing: bool,
}

/// The verdict over all windows.
#[derive(Debug, Clone, Copy, Default)]
struct WindowVerdict {
    leak: bool,
    growing: bool,
}

/// The streaming leak detector. Fixed-size state (see `size_of`, under 8 KiB), no allocation,
/// O(history buckets) per update.
///
/// It watches [`Snapshot::unreclaimable_bytes`] (not usage: page cache grows to the limit and
/// is reclaimed), takes its floor under a sawtooth, and calls a leak only for growth that
/// persists in every segment of a window long enough for the projected horizon, is not one step
/// and does not saturate below the limit. See `docs/detection.md`.
///
/// ```
/// use memcg_core::trend::{LeakDetector, State};
/// use memcg_core::{Snapshot, V2Files};
/// let mut det = LeakDetector::default();
/// let mut last = None;
/// for k in 0..=400 {
///     let t = k as f64 * 0.25;
///     // 20 MiB + 2 MiB/s of anonymous memory, limit 256 MiB
///     let anon = (20u64 << 20) + (t * 2.0 * 1048576.0) as u64;
///     let stat = format!("anon {anon}\nfile 0\nshmem 0\nkernel 0\nslab_reclaimable 0\n");
///     let snap = Snapshot::from_v2(&V2Files {
///         current: format!("{anon}").as_bytes(),
///         max: Some(b"268435456"),
///         stat: Some(stat.as_bytes()),
///         ..V2Files::default()
///     })?;
///     last = Some(det.update(t, &snap)?);
/// }
/// let a = last.unwrap();
/// assert_eq!(a.state, State::Leaking);
/// // at t = 100 s the signal is 220 MiB: 36 MiB to go at 2 MiB/s
/// let ttl = a.time_to_limit_s.unwrap();
/// assert!((ttl - 18.0).abs() < 2.0, "{ttl}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct LeakDetector {
    config: DetectorConfig,
    last_t: Option<f64>,
    first_t: f64,
    last_y: f64,
    last_oom_kills: Option<u64>,
    peak: f64,
    hist: History<HIST_K>,
    floor: FloorTracker<32>,
    onset: OnsetDetector,
    holt: Holt,
    leaking: bool,
    last_pass_t: f64,
    last_eval_t: f64,
    last_sample_t: Option<f64>,
    mean_dt: f64,
    cached: WindowVerdict,
    cached_fit: Option<(f64, f64)>,
}

impl Default for LeakDetector {
    fn default() -> Self {
        LeakDetector::new(DetectorConfig::default())
    }
}

fn limit_of(snap: &Snapshot, use_swap: bool) -> Option<f64> {
    let base = snap.effective_limit_bytes.and_then(|l| l.bytes())?;
    let swap = if use_swap {
        snap.swap_limit_bytes.and_then(|l| l.bytes()).unwrap_or(0)
    } else {
        0
    };
    Some(base.saturating_add(swap) as f64)
}

impl LeakDetector {
    /// A detector with `config`.
    #[must_use]
    pub fn new(config: DetectorConfig) -> Self {
        let min_growth = config.min_growth_bytes as f64;
        LeakDetector {
            config,
            last_t: None,
            first_t: 0.0,
            last_y: 0.0,
            last_oom_kills: None,
            peak: 0.0,
            hist: History::new(HIST_BASE_S, HIST_PER_LEVEL),
            floor: FloorTracker::new(
                finite_or(config.fall_fraction, 0.2),
                1_048_576.0,
                finite_or(config.floor_min_window_s, 5.0),
                finite_or(config.max_window_s, 3600.0) / (SEGMENTS as f64),
                1.5,
            ),
            onset: OnsetDetector::new(
                ONSET_DRIFT_SHARE * min_growth,
                min_growth,
                ONSET_QUIET_WINDOWS * finite_or(config.floor_min_window_s, 5.0),
            ),
            holt: Holt::new(2.0, 5.0),
            leaking: false,
            last_pass_t: 0.0,
            last_eval_t: f64::NEG_INFINITY,
            last_sample_t: None,
            mean_dt: 0.0,
            cached: WindowVerdict::default(),
            cached_fit: None,
        }
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &DetectorConfig {
        &self.config
    }

    /// Forgets all history (as after a restart).
    pub fn reset(&mut self) {
        let last_t = self.last_t;
        *self = LeakDetector::new(self.config);
        // Keep the clock so that time still may not go backwards.
        self.last_t = last_t;
        self.hist.clear();
    }

    fn history_empty(&self) -> bool {
        self.hist.buckets().is_empty()
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
        }
        let t = t_seconds;
        let signal = if self.config.use_swap {
            snap.unreclaimable_bytes()
        } else {
            snap.unreclaimable_bytes()
                .saturating_sub(snap.swap_bytes.unwrap_or(0))
        };
        let y = signal as f64;
        let limit = limit_of(snap, self.config.use_swap);
        let min_growth = self.config.min_growth_bytes as f64;

        // Restarts: an OOM kill, the signal collapsing, or a gap longer than the window.
        let oom_rose = matches!((self.last_oom_kills, snap.oom_kills), (Some(a), Some(b)) if b > a);
        let collapsed = !self.history_empty()
            && self.peak >= min_growth
            && y < finite_or(self.config.restart_drop_fraction, 0.25) * self.peak;
        let gap = self
            .last_t
            .is_some_and(|p| t - p > finite_or(self.config.max_window_s, 3600.0));
        if oom_rose || collapsed || gap {
            self.reset();
        }
        self.last_oom_kills = snap.oom_kills;
        self.last_t = Some(t);

        // An empty cgroup before anything ran in it carries no information.
        if self.history_empty() && signal == 0 {
            return Ok(self.quiet(t, signal, limit, snap));
        }
        if self.history_empty() {
            self.first_t = t;
        }
        self.last_y = y;
        self.peak = self.peak.max(y);
        self.floor.update(t, y);
        let floor = self.floor.floor().unwrap_or(y);
        self.holt.update(t, y);
        if let Some(p) = self.last_sample_t {
            let dt = (t - p).clamp(0.0, 3600.0);
            self.mean_dt = if self.mean_dt > 0.0 {
                0.9 * self.mean_dt + 0.1 * dt
            } else {
                dt
            };
        }
        self.last_sample_t = Some(t);
        self.onset.set_quiet_s(
            (ONSET_QUIET_WINDOWS * self.floor.window_s()).max(ONSET_QUIET_SAMPLES * self.mean_dt),
        );
        self.onset.update(t, floor);
        let closed = self
            .hist
            .push(t, y, floor, finite_or(self.config.max_window_s, 3600.0));

        let wf = self.floor.window_s();
        let age = t - self.first_t;
        let recent_peak = self.hist.max_since(t - wf.max(2.0)).unwrap_or(y).max(y);

        if (closed && t - self.last_eval_t >= EVAL_EVERY_S) || self.cached_fit.is_none() {
            self.last_eval_t = t;
            self.cached = self.evaluate(t, limit, recent_peak, floor);
            self.cached_fit = self.slope_fit(t, floor);
        }
        let verdict = self.cached;
        let min_age = finite_or(self.config.min_age_s, 30.0).max(2.0 * wf);
        let hold = (SEGMENTS as f64 * wf).max(min_age);
        if verdict.leak {
            self.last_pass_t = t;
        }
        let warming = age < min_age;
        self.leaking = !warming && (verdict.leak || (self.leaking && t - self.last_pass_t < hold));

        let (slope, se) = self.cached_fit.unwrap_or((0.0, 0.0));
        let slope = finite_or(slope, 0.0);
        let se = finite_or(se, 0.0);
        let (slope_low, slope_high) = (slope - 2.0 * se, slope + 2.0 * se);
        let state = if warming {
            State::WarmingUp
        } else if self.leaking {
            State::Leaking
        } else if verdict.growing {
            State::Growing
        } else {
            State::Stable
        };
        let growing = matches!(state, State::Growing | State::Leaking);
        let proj = match limit {
            Some(l) if growing => time_to_limit(recent_peak, l, slope, slope_low, slope_high),
            _ => Default::default(),
        };
        let high = snap
            .high_limit_bytes
            .and_then(|h| h.bytes())
            .map(|h| h as f64);
        let to_high = match high {
            Some(h) if growing => {
                time_to_limit(recent_peak, h, slope, slope_low, slope_high).time_s
            }
            _ => None,
        };
        let imminent = match (limit, self.holt.trend()) {
            (Some(l), Some(tr)) if tr > 0.0 && l > 0.0 => {
                let fill = recent_peak / l;
                let ttl = (l - recent_peak).max(0.0) / tr;
                fill >= self.config.imminent_fill && ttl <= self.config.imminent_horizon_s
            }
            _ => false,
        };
        Ok(Assessment {
            state,
            leak: state == State::Leaking,
            imminent_oom: imminent,
            slope_bytes_per_s: slope,
            slope_low: finite_or(slope_low, 0.0),
            slope_high: finite_or(slope_high, 0.0),
            time_to_limit_s: proj.time_s,
            time_to_limit_low_s: proj.low_s,
            time_to_limit_high_s: proj.high_s,
            time_to_high_s: to_high,
            onset_s: if growing { self.onset_s(t) } else { None },
            signal_bytes: signal,
            floor_bytes: floor.max(0.0) as u64,
            limit_bytes: limit.map(|l| l as u64),
            age_s: finite_or(age, 0.0).max(0.0),
        })
    }

    fn quiet(&self, t: f64, signal: u64, limit: Option<f64>, _snap: &Snapshot) -> Assessment {
        let _ = t;
        Assessment {
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
            limit_bytes: limit.map(|l| l as u64),
            age_s: 0.0,
        }
    }

    fn onset_s(&self, t: f64) -> Option<f64> {
        let o = self.onset.onset_s()?;
        // The floor lags the signal by up to one floor window.
        let o = (o - self.floor.window_s()).max(self.first_t);
        (o <= t).then_some(o)
    }

    /// Least squares on the floor since the onset (at least the shortest window).
    fn slope_fit(&self, t: f64, floor: f64) -> Option<(f64, f64)> {
        let wf = self.floor.window_s();
        let shortest = (SEGMENTS as f64 * wf).max(finite_or(self.config.min_age_s, 30.0));
        let min_span = (2.0 * wf).max(10.0).max(FIT_MIN_SAMPLES * self.mean_dt);
        let from = match self.onset.onset_s() {
            Some(o) if t - o >= min_span => o,
            Some(o) => o.min(t - min_span),
            None => t - shortest.max(min_span),
        };
        let mut acc = LinearFit::new();
        for bk in self.hist.buckets().iter().rev() {
            if bk.t_end < from {
                break;
            }
            acc.add(bk.t_end, bk.floor);
        }
        if self.hist.buckets().last().map(|b| b.t_end) != Some(t) {
            acc.add(t, floor);
        }
        let f = acc.fit()?;
        Some((f.slope, f.slope_stderr))
    }

    /// Tries windows from the shortest allowed to the whole history. A window that passes is
    /// vetoed when a longer window, mostly after the onset of the growth, saw it saturate.
    fn evaluate(&self, t: f64, limit: Option<f64>, recent_peak: f64, floor: f64) -> WindowVerdict {
        let wf = self.floor.window_s();
        // The first floor window of history has no floor yet (and holds start-up transients):
        // no window starts inside it.
        let age = t - self.hist.t_start - wf;
        let w_min = (SEGMENTS as f64 * wf).max(finite_or(self.config.min_age_s, 30.0));
        let w_max = age.min(finite_or(self.config.max_window_s, 3600.0));
        let mut out = WindowVerdict::default();
        if w_max < w_min * 0.999 {
            return out;
        }
        let growth_start = self.onset.onset_s().map_or(self.hist.t_start, |o| o - wf);
        let mut ws = [(0.0, WindowCheck::default()); MAX_WINDOWS];
        let mut n = 0;
        let mut w = w_min;
        while n < MAX_WINDOWS {
            ws[n] = (w, self.window(t, w, limit, recent_peak, floor));
            n += 1;
            if w >= w_max {
                break;
            }
            w = (w * WINDOW_GROWTH).min(w_max);
        }
        let mut vetoed = false;
        for &(w, c) in ws[..n].iter().rev() {
            out.growing |= c.growing;
            out.leak |= c.candidate && !c.saturated && !vetoed;
            // A longer window counts when at least half of it follows the onset of growth.
            if c.saturated && t - 0.5 * w >= growth_start {
                vetoed = true;
            }
        }
        out
    }

    fn window(
        &self,
        t: f64,
        w: f64,
        limit: Option<f64>,
        recent_peak: f64,
        floor: f64,
    ) -> WindowCheck {
        let cfg = &self.config;
        let a = t - w;
        let seg = w / SEGMENTS as f64;
        let mut f = [f64::INFINITY; SEGMENTS];
        // When each segment's minimum was seen (the middle of its bucket).
        let mut tf = [0.0; SEGMENTS];
        let inv_seg = 1.0 / seg;
        let buckets = self.hist.buckets();
        let mut start = self.hist.t_start;
        // Walk from the newest bucket back; `start` of bucket i is the end of bucket i − 1.
        for i in (0..buckets.len()).rev() {
            let bk = &buckets[i];
            if i > 0 {
                start = buckets[i - 1].t_end;
            } else {
                start = self.hist.t_start.min(start);
            }
            let mid = 0.5 * (start + bk.t_end);
            if mid < a {
                break;
            }
            let k = (((mid - a) * inv_seg) as usize).min(SEGMENTS - 1);
            if bk.min < f[k] {
                f[k] = bk.min;
                tf[k] = mid;
            }
        }
        if f.iter().any(|v| !v.is_finite()) {
            return WindowCheck::default();
        }
        // Growth per segment, as a rate between the times the minima were seen (so that where
        // the sampling puts a segment's first sample does not add jitter), times the segment.
        let mut d = [0.0; SEGMENTS - 1];
        for k in 0..SEGMENTS - 1 {
            let dt = tf[k + 1] - tf[k];
            d[k] = if dt > 0.05 * seg {
                (f[k + 1] - f[k]) / dt * seg
            } else {
                f[k + 1] - f[k]
            };
        }
        let growth = f[SEGMENTS - 1] - f[0];
        let dmax = d.iter().copied().fold(f64::MIN, f64::max);
        let dmin = d.iter().copied().fold(f64::MAX, f64::min);
        let min_growth = cfg.min_growth_bytes as f64;
        let share = limit.map_or(0.0, |l| finite_or(cfg.min_limit_share, 0.02) * l);
        let big_enough = growth >= min_growth && growth >= share;
        let persistent = dmin > 0.0 && dmin >= PERSIST_RATIO * dmax;
        let growing = growth >= 0.5 * min_growth && d.iter().filter(|&&x| x > 0.0).count() >= 3;
        // Slope between the first and last segment centres.
        let slope = growth.max(0.0) / (w * (SEGMENTS as f64 - 1.0) / SEGMENTS as f64);
        let cap = finite_or(cfg.horizon_cap_s, 240.0);
        let hshare = finite_or(cfg.horizon_share, 0.25);
        let horizon_ok = slope > 0.0
            && match limit {
                Some(l) => {
                    let ttl = (l - recent_peak).max(0.0) / slope;
                    w >= (hshare * ttl).min(cap)
                }
                None => w >= cap,
            };
        // Saturation: increments shrinking geometrically towards a plateau under the limit.
        // Per-segment ratio r from the later half of the increments against the earlier half
        // (r² for four increments), robust to one noisy increment.
        let (early, late) = (d[0] + d[1], d[2] + d[3]);
        let saturated = late > 0.0 && late < early && {
            let r = sqrt(late / early);
            r < SATURATION_RATIO && {
                // The last increment of a geometric series with this ratio, and its tail.
                let last = late * r / (1.0 + r);
                let rest = last * r / (1.0 - r);
                let plateau = f[SEGMENTS - 1] + rest + (recent_peak - floor).max(0.0);
                match limit {
                    Some(l) => plateau < SATURATION_MARGIN * l,
                    None => true,
                }
            }
        };
        WindowCheck {
            candidate: persistent && big_enough && horizon_ok,
            saturated,
            growing,
        }
    }
}
