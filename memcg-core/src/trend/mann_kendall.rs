//! The Mann–Kendall trend test, with the variance correction for ties and the Hamed–Rao
//! correction for autocorrelation.
//!
//! For values `x₁ … xₙ` in time order:
//!
//! ```text
//! S      = Σ_{i<j} sign(x_j − x_i)
//! Var(S) = [n(n−1)(2n+5) − Σ_ties t(t−1)(2t+5)] / 18
//! z      = (S − sign(S)) / sqrt(Var*(S))          (continuity correction)
//! p      = erfc(|z| / √2)                         (two-sided)
//! ```
//!
//! Memory series are strongly autocorrelated (a sample is the previous one plus a little), which
//! makes the plain test wildly over-confident. memcg applies the **Hamed–Rao (1998)**
//! correction: the series is detrended with Sen's slope, the autocorrelations `ρ_k` of the ranks
//! of the residuals are computed, those significant at 5 % (`|ρ_k| > 1.96/√n`) enter
//! `n/n* = 1 + 2/(n(n−1)(n−2)) Σ_k (n−k)(n−k−1)(n−k−2) ρ_k`, and `Var*(S) = Var(S) · n/n*`
//! (the factor is floored at 1: the correction only ever widens the variance; pymannkendall's
//! `hamed_rao_modification_test` does not floor it). Prewhitening is not used.
//!
//! At most [`MANN_KENDALL_MAX`] values are used (the oldest are skipped); the work is O(n²) on
//! the stack (about 16 KiB for n = 64).
//!
//! References: H. B. Mann, *Nonparametric tests against trend*, Econometrica 13 (1945);
//! M. G. Kendall, *Rank Correlation Methods* (1975); K. H. Hamed & A. R. Rao, *A modified
//! Mann–Kendall trend test for autocorrelated data*, J. Hydrology 204 (1998).

use super::math::{sqrt, two_sided_p};
use super::theil_sen::median;

/// Most values [`mann_kendall`] looks at.
pub const MANN_KENDALL_MAX: usize = 64;

/// The result of a Mann–Kendall test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MannKendall {
    /// Number of values used.
    pub n: u32,
    /// Kendall's S: concordant minus discordant pairs.
    pub s: i64,
    /// Var(S) with the tie correction.
    pub var_s: f64,
    /// The Hamed–Rao factor `n/n*` (≥ 1) applied to `var_s`.
    pub autocorrelation_factor: f64,
    /// Standardised statistic (continuity-corrected, with the corrected variance).
    pub z: f64,
    /// Two-sided p-value of `z`.
    pub p_value: f64,
}

impl MannKendall {
    /// `true` for a significant increase at level `alpha` (two-sided p below `alpha`, S > 0).
    #[must_use]
    pub fn increasing(&self, alpha: f64) -> bool {
        self.s > 0 && self.p_value < alpha
    }
}

fn sign(x: f64) -> i64 {
    if x > 0.0 {
        1
    } else if x < 0.0 {
        -1
    } else {
        0
    }
}

/// Runs the test on `values` (time order, equally spaced or not: only the order matters).
/// `None` with fewer than 4 values or any non-finite value.
///
/// ```
/// use memcg_core::trend::mann_kendall;
/// let up = [1.0, 2.0, 2.0, 3.0, 5.0, 4.0, 6.0, 7.0, 8.0, 9.0];
/// let mk = mann_kendall(&up).unwrap();
/// assert_eq!(mk.s, 42); // 43 concordant pairs, 1 discordant (5, 4), 1 tie (2, 2)
/// assert!(mk.increasing(0.05));
/// let flat = [3.0, 1.0, 4.0, 1.0, 5.0, 2.0, 3.0, 1.0];
/// assert!(!mann_kendall(&flat).unwrap().increasing(0.05));
/// ```
#[must_use]
pub fn mann_kendall(values: &[f64]) -> Option<MannKendall> {
    let x = if values.len() > MANN_KENDALL_MAX {
        &values[values.len() - MANN_KENDALL_MAX..]
    } else {
        values
    };
    let n = x.len();
    if n < 4 || x.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let mut s: i64 = 0;
    for i in 0..n {
        for j in i + 1..n {
            s += sign(x[j] - x[i]);
        }
    }
    // Ties: each value in a group of size t contributes (t−1)(2t+5), so the group t(t−1)(2t+5).
    let mut ties = 0.0;
    for i in 0..n {
        let c = x.iter().filter(|&&v| v == x[i]).count() as f64;
        ties += (c - 1.0) * (2.0 * c + 5.0);
    }
    let nf = n as f64;
    let var_s = ((nf * (nf - 1.0) * (2.0 * nf + 5.0) - ties) / 18.0).max(0.0);

    // Hamed–Rao: detrend with Sen's slope (on the index), rank, autocorrelate.
    let mut pairs = [0.0; MANN_KENDALL_MAX * (MANN_KENDALL_MAX - 1) / 2];
    let mut m = 0;
    for i in 0..n {
        for j in i + 1..n {
            pairs[m] = (x[j] - x[i]) / (j - i) as f64;
            m += 1;
        }
    }
    let beta = median(&mut pairs[..m]).unwrap_or(0.0);
    let mut resid = [0.0; MANN_KENDALL_MAX];
    for i in 0..n {
        resid[i] = x[i] - beta * i as f64;
    }
    let mut rank = [0.0; MANN_KENDALL_MAX];
    for i in 0..n {
        let less = resid[..n].iter().filter(|&&v| v < resid[i]).count() as f64;
        let eq = resid[..n].iter().filter(|&&v| v == resid[i]).count() as f64;
        rank[i] = less + (eq + 1.0) / 2.0;
    }
    let mean = rank[..n].iter().sum::<f64>() / nf;
    let denom: f64 = rank[..n].iter().map(|r| (r - mean) * (r - mean)).sum();
    let mut factor = 1.0;
    if denom > 0.0 && n >= 3 {
        let bound = 1.96 / sqrt(nf);
        let mut acc = 0.0;
        for k in 1..n {
            let num: f64 = (0..n - k)
                .map(|i| (rank[i] - mean) * (rank[i + k] - mean))
                .sum();
            let rho = num / denom;
            if rho.abs() > bound {
                let nk = (n - k) as f64;
                acc += nk * (nk - 1.0) * (nk - 2.0) * rho;
            }
        }
        factor = 1.0 + 2.0 / (nf * (nf - 1.0) * (nf - 2.0)) * acc;
    }
    if !factor.is_finite() || factor < 1.0 {
        factor = 1.0;
    }
    let var = var_s * factor;
    let z = if var > 0.0 {
        (s - sign(s as f64)) as f64 / sqrt(var)
    } else {
        0.0
    };
    Some(MannKendall {
        n: n as u32,
        s,
        var_s,
        autocorrelation_factor: factor,
        z,
        p_value: two_sided_p(z),
    })
}
