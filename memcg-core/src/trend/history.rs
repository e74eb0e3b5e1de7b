//! A fixed-size, multi-resolution history of a signal (an exponential histogram): the newest
//! buckets are `base_s` wide; when more than `per_level` buckets share a level, the two oldest
//! of that level merge into one of the next level (twice as long). `K` buckets then cover about
//! `per_level · base_s · 2^(K/per_level)` seconds, with a resolution proportional to the age —
//! the leak detector's windows (a share of the age) always see about the same number of
//! buckets.

/// One bucket: the samples in `(previous bucket's t_end, t_end]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Bucket {
    /// Time of the last sample.
    pub t_end: f64,
    /// Minimum of the signal.
    pub min: f64,
    /// Maximum of the signal.
    pub max: f64,
    /// The floor tracker's value at `t_end`.
    pub floor: f64,
    level: u8,
}

const EMPTY: Bucket = Bucket {
    t_end: 0.0,
    min: 0.0,
    max: 0.0,
    floor: 0.0,
    level: 0,
};

#[derive(Debug, Clone)]
pub(crate) struct History<const K: usize> {
    b: [Bucket; K],
    len: usize,
    /// Start of the open (newest) bucket.
    open_start: f64,
    /// Start of the history (the first sample still covered).
    pub t_start: f64,
    base_s: f64,
    per_level: usize,
}

impl<const K: usize> History<K> {
    pub(crate) fn new(base_s: f64, per_level: usize) -> Self {
        History {
            b: [EMPTY; K],
            len: 0,
            open_start: 0.0,
            t_start: 0.0,
            base_s,
            per_level: per_level.max(2),
        }
    }

    pub(crate) fn clear(&mut self) {
        self.len = 0;
    }

    pub(crate) fn buckets(&self) -> &[Bucket] {
        &self.b[..self.len]
    }

    /// Adds a sample; returns `true` when it opened a new bucket (the previous one closed).
    pub(crate) fn push(&mut self, t: f64, y: f64, floor: f64, max_age_s: f64) -> bool {
        if K == 0 {
            return false;
        }
        if self.len == 0 {
            self.t_start = t;
            self.open_start = t;
            self.b[0] = Bucket {
                t_end: t,
                min: y,
                max: y,
                floor,
                level: 0,
            };
            self.len = 1;
            return false;
        }
        let last = &mut self.b[self.len - 1];
        if t < self.open_start + self.base_s {
            last.t_end = t;
            last.min = last.min.min(y);
            last.max = last.max.max(y);
            last.floor = floor;
            return false;
        }
        self.compact();
        if self.len == K {
            self.remove(0);
        }
        self.b[self.len] = Bucket {
            t_end: t,
            min: y,
            max: y,
            floor,
            level: 0,
        };
        self.len += 1;
        self.open_start = t;
        // Forget what is older than max_age_s.
        while self.len > 2 && self.b[0].t_end < t - max_age_s {
            self.remove(0);
        }
        true
    }

    fn remove(&mut self, i: usize) {
        if i >= self.len {
            return;
        }
        self.t_start = if i == 0 {
            self.b[0].t_end
        } else {
            self.t_start
        };
        self.b.copy_within(i + 1..self.len, i);
        self.len -= 1;
    }

    /// Merges the two oldest buckets of any level that holds more than `per_level`. Levels
    /// never increase from older to newer buckets, so each level is one contiguous run.
    fn compact(&mut self) {
        let mut i = 0;
        while i < self.len {
            let level = self.b[i].level;
            let mut j = i;
            while j < self.len && self.b[j].level == level {
                j += 1;
            }
            if j - i > self.per_level && i + 1 < self.len {
                let (a, c) = (self.b[i], self.b[i + 1]);
                self.b[i] = Bucket {
                    t_end: c.t_end,
                    min: a.min.min(c.min),
                    max: a.max.max(c.max),
                    floor: c.floor,
                    level: level.saturating_add(1),
                };
                self.remove(i + 1);
                // The merged bucket may overflow the level above: start over from the top.
                i = 0;
                continue;
            }
            i = j;
        }
    }

    /// Maximum over the buckets that end after `since`.
    pub(crate) fn max_since(&self, since: f64) -> Option<f64> {
        let mut m: Option<f64> = None;
        for bk in self.b[..self.len].iter().rev() {
            if bk.t_end < since {
                break;
            }
            m = Some(m.map_or(bk.max, |v: f64| v.max(bk.max)));
        }
        m
    }
}
