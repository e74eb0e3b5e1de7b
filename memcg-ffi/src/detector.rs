//! `memcg_detector`: the streaming leak / time-to-OOM detector.

use core::ffi::c_char;

use memcg_core::trend::{Assessment, DetectorConfig, LeakDetector, State, TrendError};

use crate::snapshot::{memcg_snapshot, snap_arg};
use crate::types::memcg_status::{self, *};
use crate::types::{guard, memcg_opt_f64, memcg_opt_u64, nonnull};

/// The detector's verdict (`memcg_core::trend::State`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum memcg_state {
    /// Not enough history for a verdict yet.
    MEMCG_STATE_WARMING_UP = 0,
    /// No sustained growth of unreclaimable memory.
    MEMCG_STATE_STABLE = 1,
    /// Unreclaimable memory grows, but not (yet) persistently enough to call a leak.
    MEMCG_STATE_GROWING = 2,
    /// A leak: persistent growth that will reach the limit.
    MEMCG_STATE_LEAKING = 3,
}

impl From<State> for memcg_state {
    fn from(s: State) -> Self {
        match s {
            State::WarmingUp => memcg_state::MEMCG_STATE_WARMING_UP,
            State::Stable => memcg_state::MEMCG_STATE_STABLE,
            State::Growing => memcg_state::MEMCG_STATE_GROWING,
            State::Leaking => memcg_state::MEMCG_STATE_LEAKING,
        }
    }
}

/// The detector's configuration (`memcg_core::trend::DetectorConfig`). Initialise it with
/// `memcg_detector_config_default`, then change the fields you need: fields may be added in
/// later versions, and the default call fills them.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct memcg_detector_config {
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
    /// time to the limit (default 0.25) ...
    pub horizon_share: f64,
    /// ... capped at this many seconds (default 240). Without a limit, growth must persist this
    /// long to be called a leak.
    pub horizon_cap_s: f64,
    /// `imminent_oom` is raised when the fast trend reaches the limit within this many seconds
    /// (default 30) ...
    pub imminent_horizon_s: f64,
    /// ... and the signal's recent peak is above this share of the limit (default 0.7).
    pub imminent_fill: f64,
}

impl From<&DetectorConfig> for memcg_detector_config {
    fn from(c: &DetectorConfig) -> Self {
        memcg_detector_config {
            min_age_s: c.min_age_s,
            max_window_s: c.max_window_s,
            min_growth_bytes: c.min_growth_bytes,
            min_limit_share: c.min_limit_share,
            restart_drop_fraction: c.restart_drop_fraction,
            use_swap: c.use_swap,
            floor_min_window_s: c.floor_min_window_s,
            fall_fraction: c.fall_fraction,
            horizon_share: c.horizon_share,
            horizon_cap_s: c.horizon_cap_s,
            imminent_horizon_s: c.imminent_horizon_s,
            imminent_fill: c.imminent_fill,
        }
    }
}

impl From<&memcg_detector_config> for DetectorConfig {
    // Fields the core adds before this mirror has them keep their defaults.
    #[allow(clippy::needless_update)]
    fn from(c: &memcg_detector_config) -> Self {
        DetectorConfig {
            min_age_s: c.min_age_s,
            max_window_s: c.max_window_s,
            min_growth_bytes: c.min_growth_bytes,
            min_limit_share: c.min_limit_share,
            restart_drop_fraction: c.restart_drop_fraction,
            use_swap: c.use_swap,
            floor_min_window_s: c.floor_min_window_s,
            fall_fraction: c.fall_fraction,
            horizon_share: c.horizon_share,
            horizon_cap_s: c.horizon_cap_s,
            imminent_horizon_s: c.imminent_horizon_s,
            imminent_fill: c.imminent_fill,
            ..DetectorConfig::default()
        }
    }
}

/// The detector's answer for one sample (`memcg_core::trend::Assessment`). No field is ever
/// NaN or infinite. Plain data.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct memcg_assessment {
    /// The verdict.
    pub state: memcg_state,
    /// True when `state` is `MEMCG_STATE_LEAKING`.
    pub leak: bool,
    /// True when the projected OOM is imminent (a fast ramp close to the limit), whatever the
    /// state.
    pub imminent_oom: bool,
    /// Growth rate of unreclaimable memory, bytes per second.
    pub slope_bytes_per_s: f64,
    /// Lower end of the slope's interval, bytes per second.
    pub slope_low: f64,
    /// Upper end of the slope's interval, bytes per second.
    pub slope_high: f64,
    /// Projected seconds until the effective limit is reached; absent without a limit or
    /// without growth.
    pub time_to_limit_s: memcg_opt_f64,
    /// Earliest end of the projection's interval, seconds.
    pub time_to_limit_low_s: memcg_opt_f64,
    /// Latest end of the projection's interval, seconds.
    pub time_to_limit_high_s: memcg_opt_f64,
    /// Projected seconds until `memory.high` (throttling), where set.
    pub time_to_high_s: memcg_opt_f64,
    /// When the growth began (the same clock as `t_seconds`).
    pub onset_s: memcg_opt_f64,
    /// The watched signal: unreclaimable memory, bytes.
    pub signal_bytes: u64,
    /// The floor of the signal (its trailing minimum under a sawtooth), bytes.
    pub floor_bytes: u64,
    /// The limit the projection uses (effective limit plus swap allowance), bytes; absent
    /// when unlimited.
    pub limit_bytes: memcg_opt_u64,
    /// Seconds of history behind this verdict (since the start or the last restart).
    pub age_s: f64,
}

impl From<&Assessment> for memcg_assessment {
    fn from(a: &Assessment) -> Self {
        memcg_assessment {
            state: a.state.into(),
            leak: a.leak,
            imminent_oom: a.imminent_oom,
            slope_bytes_per_s: a.slope_bytes_per_s,
            slope_low: a.slope_low,
            slope_high: a.slope_high,
            time_to_limit_s: a.time_to_limit_s.into(),
            time_to_limit_low_s: a.time_to_limit_low_s.into(),
            time_to_limit_high_s: a.time_to_limit_high_s.into(),
            time_to_high_s: a.time_to_high_s.into(),
            onset_s: a.onset_s.into(),
            signal_bytes: a.signal_bytes,
            floor_bytes: a.floor_bytes,
            limit_bytes: a.limit_bytes.into(),
            age_s: a.age_s,
        }
    }
}

/// The streaming leak detector (opaque). Fixed-size state; `memcg_detector_update` does not
/// allocate.
///
/// Thread safety: a detector may be moved to another thread, but must not be used by two
/// threads at once; keep one detector per watched cgroup, fed by one thread (or behind the
/// caller's lock).
pub struct memcg_detector {
    inner: LeakDetector,
}

/// Writes the default configuration into `*out`. Thread-safe.
///
/// # Safety
/// `out` is valid for a write.
#[no_mangle]
pub unsafe extern "C" fn memcg_detector_config_default(
    out: *mut memcg_detector_config,
) -> memcg_status {
    guard(|| {
        let out = nonnull!(out);
        // SAFETY: non-NULL, valid for writes (caller's contract).
        unsafe { out.write((&DetectorConfig::default()).into()) };
        MEMCG_OK
    })
}

/// Creates a detector with `config` (NULL: the defaults). On `MEMCG_OK`, `*out` receives a
/// new detector, to be freed with `memcg_detector_free`. `MEMCG_INVALID_ARGUMENT` if a
/// floating-point field is NaN, infinite or negative. Allocates (once). Thread-safe.
///
/// # Safety
/// `config` is NULL or valid for reads; `out` is valid for a write.
#[no_mangle]
pub unsafe extern "C" fn memcg_detector_new(
    config: *const memcg_detector_config,
    out: *mut *mut memcg_detector,
) -> memcg_status {
    guard(|| {
        let out = nonnull!(out);
        let config = if config.is_null() {
            DetectorConfig::default()
        } else {
            // SAFETY: non-NULL, valid for reads (caller's contract); plain numbers and a bool.
            let c = unsafe { config.read() };
            let floats = [
                c.min_age_s,
                c.max_window_s,
                c.min_limit_share,
                c.restart_drop_fraction,
                c.floor_min_window_s,
                c.fall_fraction,
                c.horizon_share,
                c.horizon_cap_s,
                c.imminent_horizon_s,
                c.imminent_fill,
            ];
            if floats.iter().any(|f| !f.is_finite() || *f < 0.0) {
                return MEMCG_INVALID_ARGUMENT;
            }
            DetectorConfig::from(&c)
        };
        let p = Box::into_raw(Box::new(memcg_detector {
            inner: LeakDetector::new(config),
        }));
        // SAFETY: non-NULL, valid for writes (caller's contract).
        unsafe { out.write(p) };
        MEMCG_OK
    })
}

/// Feeds one snapshot taken at `t_seconds` (any monotonic clock, in seconds, such as
/// `CLOCK_MONOTONIC`; samples may be irregular) and writes the assessment into `*out`.
/// Errors: `MEMCG_TIME_WENT_BACKWARDS`, `MEMCG_NON_FINITE_TIME` (the detector's state is then
/// unchanged), `MEMCG_INVALID_ARGUMENT` if `snap` was not filled by memcg. Does not allocate.
/// Not thread-safe for one detector (see `memcg_detector`).
///
/// # Safety
/// `detector` is a live pointer from `memcg_detector_new`, not used concurrently; `snap` is
/// valid for reads; `out` is valid for a write.
#[no_mangle]
pub unsafe extern "C" fn memcg_detector_update(
    detector: *mut memcg_detector,
    t_seconds: f64,
    snap: *const memcg_snapshot,
    out: *mut memcg_assessment,
) -> memcg_status {
    guard(|| {
        let detector = nonnull!(detector);
        let out = nonnull!(out);
        // SAFETY: the caller's contract on `snap`.
        let snap = match unsafe { snap_arg(snap) } {
            Ok(s) => s,
            Err(e) => return e,
        };
        // SAFETY: a live detector, used by this thread only.
        let d = unsafe { &mut *detector };
        match d.inner.update(t_seconds, snap) {
            Ok(a) => {
                // SAFETY: non-NULL, valid for writes (caller's contract).
                unsafe { out.write((&a).into()) };
                MEMCG_OK
            }
            Err(TrendError::TimeWentBackwards { .. }) => MEMCG_TIME_WENT_BACKWARDS,
            Err(TrendError::NonFiniteTime) => MEMCG_NON_FINITE_TIME,
            Err(_) => MEMCG_INTERNAL_ERROR,
        }
    })
}

/// Forgets all history, as after a restart of the watched process. Not thread-safe for one
/// detector.
///
/// # Safety
/// `detector` is a live pointer from `memcg_detector_new`, not used concurrently.
#[no_mangle]
pub unsafe extern "C" fn memcg_detector_reset(detector: *mut memcg_detector) -> memcg_status {
    guard(|| {
        let detector = nonnull!(detector);
        // SAFETY: a live detector, used by this thread only.
        unsafe { &mut *detector }.inner.reset();
        MEMCG_OK
    })
}

/// Copies the detector's configuration into `*out`.
///
/// # Safety
/// `detector` is a live pointer from `memcg_detector_new`; `out` is valid for a write.
#[no_mangle]
pub unsafe extern "C" fn memcg_detector_config_get(
    detector: *const memcg_detector,
    out: *mut memcg_detector_config,
) -> memcg_status {
    guard(|| {
        let detector = nonnull!(detector);
        let out = nonnull!(out);
        // SAFETY: a live detector; shared read.
        let c = unsafe { &*detector }.inner.config();
        // SAFETY: non-NULL, valid for writes (caller's contract).
        unsafe { out.write(c.into()) };
        MEMCG_OK
    })
}

/// Frees a detector. NULL is a no-op. The pointer must not be used again.
///
/// # Safety
/// `detector` is NULL or a live pointer from `memcg_detector_new`, freed once.
#[no_mangle]
pub unsafe extern "C" fn memcg_detector_free(detector: *mut memcg_detector) {
    if detector.is_null() {
        return;
    }
    let _ = guard(|| {
        // SAFETY: a live pointer from Box::into_raw in memcg_detector_new, freed once.
        drop(unsafe { Box::from_raw(detector) });
        MEMCG_OK
    });
}

/// `"warming_up"`, `"stable"`, `"growing"` or `"leaking"` (static, NUL-terminated);
/// `"unknown"` for any other value. Thread-safe.
#[no_mangle]
pub extern "C" fn memcg_state_str(state: u32) -> *const c_char {
    let s: &'static [u8] = match state {
        0 => b"warming_up\0",
        1 => b"stable\0",
        2 => b"growing\0",
        3 => b"leaking\0",
        _ => b"unknown\0",
    };
    s.as_ptr().cast()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_names_match_core() {
        for s in [
            State::WarmingUp,
            State::Stable,
            State::Growing,
            State::Leaking,
        ] {
            let c = memcg_state::from(s) as u32;
            assert_eq!(c, s as u32);
            // SAFETY: memcg_state_str returns a static NUL-terminated string.
            let name = unsafe { core::ffi::CStr::from_ptr(memcg_state_str(c)) };
            assert_eq!(name.to_str().unwrap(), s.as_str());
        }
    }

    #[test]
    fn config_round_trips() {
        let d = DetectorConfig::default();
        assert_eq!(DetectorConfig::from(&memcg_detector_config::from(&d)), d);
    }
}
