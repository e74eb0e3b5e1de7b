//! Small `no_std` math helpers (through `libm`).

/// Square root; 0 for negative or NaN input.
#[inline]
pub(crate) fn sqrt(x: f64) -> f64 {
    if x > 0.0 {
        libm::sqrt(x)
    } else {
        0.0
    }
}

/// `e^x`.
#[inline]
pub(crate) fn exp(x: f64) -> f64 {
    libm::exp(x)
}

/// Two-sided p-value of a standard normal statistic `z`: `erfc(|z| / √2)`.
#[inline]
pub(crate) fn two_sided_p(z: f64) -> f64 {
    if !z.is_finite() {
        return if z.is_nan() { 1.0 } else { 0.0 };
    }
    libm::erfc(z.abs() / core::f64::consts::SQRT_2).clamp(0.0, 1.0)
}

/// `x` if finite, else `fallback`.
#[inline]
pub(crate) fn finite_or(x: f64, fallback: f64) -> f64 {
    if x.is_finite() {
        x
    } else {
        fallback
    }
}
