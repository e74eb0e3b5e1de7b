//! `memcg replay FILE.csv --plot OUT.svg`: why memcg decided what it decided, as a picture.
//!
//! Draws usage (grey), the unreclaimable signal (blue), its floor (green), the limit (red), the
//! fitted trend at the first leak verdict extended to the limit (orange, dashed), and marks the
//! first verdict and the onset. Plain SVG, no dependency.

use std::fmt::Write as _;

use memcg_core::trend::Assessment;

/// One replayed row.
pub(crate) struct Point {
    pub(crate) t: f64,
    pub(crate) usage: f64,
    pub(crate) a: Assessment,
}

const W: f64 = 960.0;
const H: f64 = 480.0;
const ML: f64 = 80.0;
const MR: f64 = 20.0;
const MT: f64 = 40.0;
const MB: f64 = 50.0;

fn mib(b: f64) -> f64 {
    b / 1_048_576.0
}

/// Renders the SVG.
pub(crate) fn svg(title: &str, pts: &[Point]) -> String {
    let mut s = String::new();
    let t0 = pts.first().map_or(0.0, |p| p.t);
    let t1 = pts.last().map_or(1.0, |p| p.t).max(t0 + 1.0);
    let limit = pts
        .iter()
        .rev()
        .find_map(|p| p.a.limit_bytes)
        .map(|l| l as f64);
    let ymax = pts
        .iter()
        .map(|p| p.usage.max(p.a.signal_bytes as f64))
        .fold(limit.unwrap_or(0.0), f64::max)
        .max(1.0)
        * 1.05;
    let x = |t: f64| ML + (t - t0) / (t1 - t0) * (W - ML - MR);
    let y = |v: f64| H - MB - (v / ymax).clamp(0.0, 1.2) * (H - MT - MB);
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, r#"<rect width="{W}" height="{H}" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{}" y="22" font-size="15" font-weight="bold">{}</text>"#,
        ML,
        xml_escape(title)
    );
    // Axes and grid.
    for i in 0..=5 {
        let v = ymax * f64::from(i) / 5.0;
        let yy = y(v);
        let _ = writeln!(
            s,
            r##"<line x1="{ML}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#e5e5e5"/><text x="{:.1}" y="{:.1}" text-anchor="end">{:.0} MiB</text>"##,
            W - MR,
            ML - 6.0,
            yy + 4.0,
            mib(v)
        );
    }
    for i in 0..=6 {
        let t = t0 + (t1 - t0) * f64::from(i) / 6.0;
        let xx = x(t);
        let _ = writeln!(
            s,
            r#"<text x="{xx:.1}" y="{:.1}" text-anchor="middle">{:.0} s</text>"#,
            H - MB + 18.0,
            t
        );
    }
    let _ = writeln!(
        s,
        r#"<line x1="{ML}" y1="{}" x2="{}" y2="{}" stroke="black"/><line x1="{ML}" y1="{MT}" x2="{ML}" y2="{}" stroke="black"/>"#,
        H - MB,
        W - MR,
        H - MB,
        H - MB
    );
    let poly = |s: &mut String, f: &dyn Fn(&Point) -> f64, color: &str, width: f64| {
        let mut d = String::new();
        for p in pts {
            let _ = write!(d, "{:.1},{:.1} ", x(p.t), y(f(p)));
        }
        let _ = writeln!(
            s,
            r#"<polyline points="{d}" fill="none" stroke="{color}" stroke-width="{width}"/>"#
        );
    };
    poly(&mut s, &|p| p.usage, "#9e9e9e", 1.2);
    poly(&mut s, &|p| p.a.floor_bytes as f64, "#2e7d32", 1.5);
    poly(&mut s, &|p| p.a.signal_bytes as f64, "#1565c0", 1.8);
    if let Some(l) = limit {
        let _ = writeln!(
            s,
            r##"<line x1="{ML}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#c62828" stroke-width="1.5"/><text x="{:.1}" y="{:.1}" fill="#c62828" text-anchor="end">limit {:.0} MiB</text>"##,
            y(l),
            W - MR,
            y(l),
            W - MR - 4.0,
            y(l) - 5.0,
            mib(l)
        );
    }
    if let Some(first) = pts.iter().find(|p| p.a.leak) {
        let xx = x(first.t);
        let _ = writeln!(
            s,
            r##"<line x1="{xx:.1}" y1="{MT}" x2="{xx:.1}" y2="{}" stroke="#ef6c00" stroke-dasharray="4 3"/><text x="{:.1}" y="{:.1}" fill="#ef6c00">first leak verdict at {:.1} s{}</text>"##,
            H - MB,
            xx + 4.0,
            MT + 12.0,
            first.t,
            first.a.time_to_limit_s.map_or(String::new(), |ttl| format!(
                ": OOM projected in {ttl:.0} s"
            ))
        );
        // The fitted trend from the verdict: through the floor, and through the recent peak
        // up to the limit at the projected OOM (under a sawtooth the peaks hit it first).
        let slope = first.a.slope_bytes_per_s;
        if let (true, Some(l), Some(ttl)) = (slope > 0.0, limit, first.a.time_to_limit_s) {
            let t_end = first.t + ttl;
            let _ = writeln!(
                s,
                r##"<line x1="{xx:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#ef6c00" stroke-width="2" stroke-dasharray="8 4"/><circle cx="{:.1}" cy="{:.1}" r="4" fill="#ef6c00"/>"##,
                y(l - slope * ttl),
                x(t_end.min(t1)),
                y(l - slope * (t_end - t_end.min(t1))),
                x(t_end.min(t1)),
                y(l - slope * (t_end - t_end.min(t1)))
            );
        }
        if slope > 0.0 {
            let v0 = first.a.floor_bytes as f64;
            let t_end = first
                .a
                .time_to_limit_s
                .map_or(t1, |ttl| (first.t + ttl).min(t1));
            let v_end = v0 + slope * (t_end - first.t);
            let _ = writeln!(
                s,
                r##"<line x1="{xx:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#ef6c00" stroke-width="2" stroke-dasharray="8 4"/>"##,
                y(v0),
                x(t_end),
                y(v_end)
            );
        }
        if let Some(onset) = first.a.onset_s {
            let _ = writeln!(
                s,
                r##"<circle cx="{:.1}" cy="{:.1}" r="4" fill="#6a1b9a"/><text x="{:.1}" y="{:.1}" fill="#6a1b9a">onset</text>"##,
                x(onset),
                y(pts
                    .iter()
                    .find(|p| p.t >= onset)
                    .map_or(0.0, |p| p.a.signal_bytes as f64)),
                x(onset) + 6.0,
                y(pts
                    .iter()
                    .find(|p| p.t >= onset)
                    .map_or(0.0, |p| p.a.signal_bytes as f64))
                    - 6.0
            );
        }
    }
    // Legend.
    let legend = [
        ("#9e9e9e", "usage"),
        ("#1565c0", "unreclaimable (signal)"),
        ("#2e7d32", "floor"),
        ("#c62828", "effective limit"),
        (
            "#ef6c00",
            "trend at the first verdict (floor; peak to limit)",
        ),
    ];
    for (i, (c, label)) in legend.iter().enumerate() {
        let yy = H - MB - 90.0 + 16.0 * i as f64;
        let _ = writeln!(
            s,
            r#"<line x1="{:.1}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="{c}" stroke-width="3"/><text x="{:.1}" y="{:.1}">{label}</text>"#,
            W - MR - 330.0,
            W - MR - 308.0,
            W - MR - 302.0,
            yy + 4.0
        );
    }
    s.push_str("</svg>\n");
    s
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
