//! `memcg replay FILE.csv --plot OUT.svg|OUT.png`: why memcg decided what it decided, as a
//! picture.
//!
//! Draws usage (grey), the unreclaimable signal (blue), its floor (green), the limit (red), the
//! fitted trend at the first leak verdict extended to the limit (orange, dashed), and marks the
//! first verdict and the onset. The figure is a list of [`Shape`]s, rendered either as SVG
//! text or rasterised here into a PNG (lines stamped with round pens, text from the public
//! domain 8×8 bitmap font of `font8x8`, encoded by the `png` crate).

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

/// Horizontal alignment of a text at its x.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Anchor {
    Start,
    Middle,
    End,
}

/// One drawing primitive, in pixels (origin top left). Colours are `0xRRGGBB`.
enum Shape {
    Line {
        from: (f64, f64),
        to: (f64, f64),
        color: u32,
        width: f64,
        /// Dash and gap lengths.
        dash: Option<(f64, f64)>,
    },
    Polyline {
        points: Vec<(f64, f64)>,
        color: u32,
        width: f64,
    },
    Circle {
        center: (f64, f64),
        r: f64,
        color: u32,
    },
    Text {
        at: (f64, f64),
        text: String,
        color: u32,
        anchor: Anchor,
        /// Title size (15 px bold in SVG; the bitmap font at 2×).
        big: bool,
    },
}

const GREY: u32 = 0x9e9e9e;
const BLUE: u32 = 0x1565c0;
const GREEN: u32 = 0x2e7d32;
const RED: u32 = 0xc62828;
const ORANGE: u32 = 0xef6c00;
const PURPLE: u32 = 0x6a1b9a;
const GRID: u32 = 0xe5e5e5;
const BLACK: u32 = 0x000000;

fn line(from: (f64, f64), to: (f64, f64), color: u32, width: f64) -> Shape {
    Shape::Line {
        from,
        to,
        color,
        width,
        dash: None,
    }
}

fn text(at: (f64, f64), text: String, color: u32, anchor: Anchor) -> Shape {
    Shape::Text {
        at,
        text,
        color,
        anchor,
        big: false,
    }
}

/// The figure.
fn shapes(title: &str, pts: &[Point]) -> Vec<Shape> {
    let mut out = Vec::new();
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
    out.push(Shape::Text {
        at: (ML, 22.0),
        text: title.to_string(),
        color: BLACK,
        anchor: Anchor::Start,
        big: true,
    });
    // Axes and grid.
    for i in 0..=5 {
        let v = ymax * f64::from(i) / 5.0;
        let yy = y(v);
        out.push(line((ML, yy), (W - MR, yy), GRID, 1.0));
        out.push(text(
            (ML - 6.0, yy + 4.0),
            format!("{:.0} MiB", mib(v)),
            BLACK,
            Anchor::End,
        ));
    }
    for i in 0..=6 {
        let t = t0 + (t1 - t0) * f64::from(i) / 6.0;
        out.push(text(
            (x(t), H - MB + 18.0),
            format!("{t:.0} s"),
            BLACK,
            Anchor::Middle,
        ));
    }
    out.push(line((ML, H - MB), (W - MR, H - MB), BLACK, 1.0));
    out.push(line((ML, MT), (ML, H - MB), BLACK, 1.0));
    let poly = |f: &dyn Fn(&Point) -> f64, color: u32, width: f64| Shape::Polyline {
        points: pts.iter().map(|p| (x(p.t), y(f(p)))).collect(),
        color,
        width,
    };
    out.push(poly(&|p| p.usage, GREY, 1.2));
    out.push(poly(&|p| p.a.floor_bytes as f64, GREEN, 1.5));
    out.push(poly(&|p| p.a.signal_bytes as f64, BLUE, 1.8));
    if let Some(l) = limit {
        out.push(line((ML, y(l)), (W - MR, y(l)), RED, 1.5));
        out.push(text(
            (W - MR - 4.0, y(l) - 5.0),
            format!("limit {:.0} MiB", mib(l)),
            RED,
            Anchor::End,
        ));
    }
    if let Some(first) = pts.iter().find(|p| p.a.leak) {
        let xx = x(first.t);
        out.push(Shape::Line {
            from: (xx, MT),
            to: (xx, H - MB),
            color: ORANGE,
            width: 1.0,
            dash: Some((4.0, 3.0)),
        });
        out.push(text(
            (xx + 4.0, MT + 12.0),
            format!(
                "first leak verdict at {:.1} s{}",
                first.t,
                first.a.time_to_limit_s.map_or(String::new(), |ttl| format!(
                    ": OOM projected in {ttl:.0} s"
                ))
            ),
            ORANGE,
            Anchor::Start,
        ));
        // The fitted trend from the verdict: through the floor, and through the recent peak
        // up to the limit at the projected OOM (under a sawtooth the peaks hit it first).
        let slope = first.a.slope_bytes_per_s;
        if let (true, Some(l), Some(ttl)) = (slope > 0.0, limit, first.a.time_to_limit_s) {
            let t_end = first.t + ttl;
            let end = (x(t_end.min(t1)), y(l - slope * (t_end - t_end.min(t1))));
            out.push(Shape::Line {
                from: (xx, y(l - slope * ttl)),
                to: end,
                color: ORANGE,
                width: 2.0,
                dash: Some((8.0, 4.0)),
            });
            out.push(Shape::Circle {
                center: end,
                r: 4.0,
                color: ORANGE,
            });
        }
        if slope > 0.0 {
            let v0 = first.a.floor_bytes as f64;
            let t_end = first
                .a
                .time_to_limit_s
                .map_or(t1, |ttl| (first.t + ttl).min(t1));
            let v_end = v0 + slope * (t_end - first.t);
            out.push(Shape::Line {
                from: (xx, y(v0)),
                to: (x(t_end), y(v_end)),
                color: ORANGE,
                width: 2.0,
                dash: Some((8.0, 4.0)),
            });
        }
        if let Some(onset) = first.a.onset_s {
            let at_onset = y(pts
                .iter()
                .find(|p| p.t >= onset)
                .map_or(0.0, |p| p.a.signal_bytes as f64));
            out.push(Shape::Circle {
                center: (x(onset), at_onset),
                r: 4.0,
                color: PURPLE,
            });
            out.push(text(
                (x(onset) + 6.0, at_onset - 6.0),
                "onset".into(),
                PURPLE,
                Anchor::Start,
            ));
        }
    }
    // Legend.
    let legend = [
        (GREY, "usage"),
        (BLUE, "unreclaimable (signal)"),
        (GREEN, "floor"),
        (RED, "effective limit"),
        (ORANGE, "trend at the first verdict (floor; peak to limit)"),
    ];
    for (i, (c, label)) in legend.iter().enumerate() {
        let yy = H - MB - 90.0 + 16.0 * i as f64;
        out.push(line((W - MR - 380.0, yy), (W - MR - 358.0, yy), *c, 3.0));
        out.push(text(
            (W - MR - 352.0, yy + 4.0),
            (*label).to_string(),
            BLACK,
            Anchor::Start,
        ));
    }
    out
}

/// Renders the figure as SVG.
pub(crate) fn svg(title: &str, pts: &[Point]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, r#"<rect width="{W}" height="{H}" fill="white"/>"#);
    for shape in shapes(title, pts) {
        match shape {
            Shape::Line {
                from,
                to,
                color,
                width,
                dash,
            } => {
                let dash = dash.map_or(String::new(), |(a, b)| {
                    format!(r#" stroke-dasharray="{a} {b}""#)
                });
                let _ = writeln!(
                    s,
                    r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#{color:06x}" stroke-width="{width}"{dash}/>"##,
                    from.0, from.1, to.0, to.1
                );
            }
            Shape::Polyline {
                points,
                color,
                width,
            } => {
                let mut d = String::new();
                for (x, y) in points {
                    let _ = write!(d, "{x:.1},{y:.1} ");
                }
                let _ = writeln!(
                    s,
                    r##"<polyline points="{d}" fill="none" stroke="#{color:06x}" stroke-width="{width}"/>"##
                );
            }
            Shape::Circle { center, r, color } => {
                let _ = writeln!(
                    s,
                    r##"<circle cx="{:.1}" cy="{:.1}" r="{r}" fill="#{color:06x}"/>"##,
                    center.0, center.1
                );
            }
            Shape::Text {
                at,
                text,
                color,
                anchor,
                big,
            } => {
                let anchor = match anchor {
                    Anchor::Start => "start",
                    Anchor::Middle => "middle",
                    Anchor::End => "end",
                };
                let size = if big {
                    r#" font-size="15" font-weight="bold""#
                } else {
                    ""
                };
                let _ = writeln!(
                    s,
                    r##"<text x="{:.1}" y="{:.1}" fill="#{color:06x}" text-anchor="{anchor}"{size}>{}</text>"##,
                    at.0,
                    at.1,
                    xml_escape(&text)
                );
            }
        }
    }
    s.push_str("</svg>\n");
    s
}

/// An RGB raster.
struct Canvas {
    w: usize,
    h: usize,
    px: Vec<u8>,
}

impl Canvas {
    fn new(w: usize, h: usize) -> Canvas {
        Canvas {
            w,
            h,
            px: vec![255; w * h * 3],
        }
    }

    fn set(&mut self, x: i64, y: i64, color: u32) {
        if x < 0 || y < 0 || x as usize >= self.w || y as usize >= self.h {
            return;
        }
        let i = (y as usize * self.w + x as usize) * 3;
        self.px[i] = (color >> 16) as u8;
        self.px[i + 1] = (color >> 8) as u8;
        self.px[i + 2] = color as u8;
    }

    /// A filled disc (the pen).
    fn disc(&mut self, cx: f64, cy: f64, r: f64, color: u32) {
        let r = r.max(0.5);
        let (x0, x1) = ((cx - r).floor() as i64, (cx + r).ceil() as i64);
        let (y0, y1) = ((cy - r).floor() as i64, (cy + r).ceil() as i64);
        for y in y0..=y1 {
            for x in x0..=x1 {
                let (dx, dy) = (x as f64 + 0.5 - cx, y as f64 + 0.5 - cy);
                if dx * dx + dy * dy <= r * r {
                    self.set(x, y, color);
                }
            }
        }
    }

    /// A segment stamped with a round pen every half pixel; `dash` skips the gaps, `phase`
    /// carries the dash pattern across the segments of a line.
    fn segment(
        &mut self,
        a: (f64, f64),
        b: (f64, f64),
        color: u32,
        width: f64,
        dash: Option<(f64, f64)>,
    ) {
        if !(a.0.is_finite() && a.1.is_finite() && b.0.is_finite() && b.1.is_finite()) {
            return;
        }
        let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        let steps = (len * 2.0).ceil().max(1.0) as usize;
        for i in 0..=steps {
            let f = i as f64 / steps as f64;
            if let Some((on, off)) = dash {
                if (f * len) % (on + off) >= on {
                    continue;
                }
            }
            self.disc(
                a.0 + (b.0 - a.0) * f,
                a.1 + (b.1 - a.1) * f,
                width / 2.0,
                color,
            );
        }
    }

    /// Text in the 8×8 bitmap font, `scale` pixels per font pixel; `(x, y)` is the baseline
    /// start, as in SVG.
    fn text(&mut self, x: f64, y: f64, s: &str, color: u32, scale: usize, bold: bool) {
        use font8x8::UnicodeFonts as _;
        let top = y as i64 - 7 * scale as i64;
        for (k, ch) in s.chars().enumerate() {
            let glyph = font8x8::BASIC_FONTS
                .get(ch)
                .or_else(|| font8x8::BASIC_FONTS.get('?'))
                .unwrap_or([0; 8]);
            let left = x as i64 + (k * 7 * scale) as i64;
            for (row, bits) in glyph.iter().enumerate() {
                for col in 0..8 {
                    if bits & (1 << col) == 0 {
                        continue;
                    }
                    for dy in 0..scale {
                        for dx in 0..scale + usize::from(bold) {
                            self.set(
                                left + (col * scale + dx) as i64,
                                top + (row * scale + dy) as i64,
                                color,
                            );
                        }
                    }
                }
            }
        }
    }
}

/// Renders the figure as a PNG (RGB, 960×480).
pub(crate) fn png(title: &str, pts: &[Point]) -> Result<Vec<u8>, String> {
    let mut c = Canvas::new(W as usize, H as usize);
    for shape in shapes(title, pts) {
        match shape {
            Shape::Line {
                from,
                to,
                color,
                width,
                dash,
            } => c.segment(from, to, color, width, dash),
            Shape::Polyline {
                points,
                color,
                width,
            } => {
                for w in points.windows(2) {
                    c.segment(w[0], w[1], color, width, None);
                }
            }
            Shape::Circle { center, r, color } => c.disc(center.0, center.1, r, color),
            Shape::Text {
                at,
                text,
                color,
                anchor,
                big,
            } => {
                let scale = if big { 2 } else { 1 };
                let width = (text.chars().count() * 7 * scale) as f64;
                let x = match anchor {
                    Anchor::Start => at.0,
                    Anchor::Middle => at.0 - width / 2.0,
                    Anchor::End => at.0 - width,
                };
                c.text(x, at.1, &text, color, scale, big);
            }
        }
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, c.w as u32, c.h as u32);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().map_err(|e| e.to_string())?;
        w.write_image_data(&c.px).map_err(|e| e.to_string())?;
        w.finish().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
