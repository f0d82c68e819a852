//! The page's charts as inline SVG, written with maud so that every text from the data is
//! escaped. Each chart has a `<title>` (its text equivalent, with the numbers) and is drawn on
//! a zero-based scale: a bar's length is its value.
//!
//! Sizes are in the viewBox's units; the page scales each chart to its box.

use maud::{Markup, html};

use super::shown;
use crate::metrics::Unit;

/// A value with its interval, as a chart draws it; `None` is n/a (drawn as a gap, never 0).
#[derive(Clone, Debug)]
pub struct Point {
    pub label: String,
    pub value: Option<f64>,
    pub ci: Option<(f64, f64)>,
}

impl Point {
    /// `12.3% (10.1%–14.0%)`, or `n/a`.
    fn text(&self, unit: Unit) -> String {
        match (self.value, self.ci) {
            (Some(_), Some((low, high))) => format!(
                "{} ({}–{})",
                shown(self.value, unit),
                shown(Some(low), unit),
                shown(Some(high), unit)
            ),
            _ => shown(self.value, unit),
        }
    }

    /// The largest and smallest numbers drawn: the value and its interval's ends.
    fn extent(&self) -> impl Iterator<Item = f64> {
        let ci = self.ci.into_iter().flat_map(|(l, h)| [l, h]);
        self.value.into_iter().chain(ci)
    }
}

/// A linear scale from values `lo..hi` (0 among them) to positions `from..to`.
#[derive(Clone, Copy)]
pub(super) struct Scale {
    pub(super) lo: f64,
    pub(super) hi: f64,
    from: f64,
    to: f64,
}

impl Scale {
    /// A scale holding 0 and every value, its ends rounded out to [`ticks`].
    pub(super) fn over(values: impl Iterator<Item = f64>, from: f64, to: f64) -> Scale {
        let (mut lo, mut hi) = (0.0_f64, 0.0_f64);
        for v in values.filter(|v| v.is_finite()) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        if hi - lo <= 0.0 {
            hi = lo + 1.0;
        }
        let step = step(hi - lo);
        Scale {
            lo: (lo / step).floor() * step,
            hi: (hi / step).ceil() * step,
            from,
            to,
        }
    }

    pub(super) fn at(&self, v: f64) -> f64 {
        self.from + (v - self.lo) / (self.hi - self.lo) * (self.to - self.from)
    }

    /// Round values from `lo` to `hi`, about five.
    pub(super) fn ticks(&self) -> Vec<f64> {
        let step = step(self.hi - self.lo);
        let n = ((self.hi - self.lo) / step).round() as i64;
        (0..=n).map(|i| self.lo + i as f64 * step).collect()
    }
}

/// A round step (1, 2 or 5 × 10^k) that cuts `span` into about five.
pub(super) fn step(span: f64) -> f64 {
    let raw = span / 5.0;
    let power = 10f64.powf(raw.log10().floor());
    let m = raw / power;
    let nice = if m <= 1.0 {
        1.0
    } else if m <= 2.0 {
        2.0
    } else if m <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

/// A tick's label in the value's unit: `25%`, `1,200`, `0.5`.
pub(super) fn tick(v: f64, unit: Unit, step: f64) -> String {
    let v = if v.abs() < step * 1e-9 { 0.0 } else { v };
    match unit {
        Unit::Rate if step * 100.0 >= 1.0 => format!("{:.0}%", v * 100.0),
        Unit::Rate => format!("{:.1}%", v * 100.0),
        _ if step >= 1.0 => thousands(v),
        _ => format!("{v:.2}"),
    }
}

/// A whole number with thousands separated by commas.
fn thousands(v: f64) -> String {
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 && digits != "0" {
        out.insert(0, '-');
    }
    out
}

/// `label` cut to `max` characters with an ellipsis (the full text is in the chart's title).
fn cut(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        return label.to_string();
    }
    let kept: String = label.chars().take(max.saturating_sub(1)).collect();
    format!("{kept}…")
}

/// The value against its benchmark band: the band (dashed edge; open to the right for `>= low`),
/// the value as a bar and its interval as a whisker.
pub fn bullet(name: &str, point: &Point, band: (f64, Option<f64>), unit: Unit) -> Markup {
    let (w, h) = (300.0, 50.0);
    let high = band.1.unwrap_or(band.0 * 1.5);
    let scale = Scale::over(point.extent().chain([band.0, high]), 16.0, w - 18.0);
    let band_text = match band.1 {
        Some(hi) => format!("{}–{}", shown(Some(band.0), unit), shown(Some(hi), unit)),
        None => format!(">= {}", shown(Some(band.0), unit)),
    };
    let title = format!(
        "{name}: {} against the benchmark {band_text}",
        point.text(unit)
    );
    let band_end = band.1.map_or(scale.hi, |hi| hi);
    let step = step(scale.hi - scale.lo);
    html! {
        svg.bullet viewBox={"0 0 " (w) " " (h)} role="img" aria-label=(title) {
            title { (title) }
            rect.bench x=(f(scale.at(band.0))) y="2" width=(f(scale.at(band_end) - scale.at(band.0))) height="22" {}
            @if let Some(v) = point.value {
                rect.value x=(f(scale.at(0.0).min(scale.at(v)))) y="9" width=(f((scale.at(v) - scale.at(0.0)).abs())) height="8" {}
            }
            @if let Some((lo, hi)) = point.ci {
                line.whisker x1=(f(scale.at(lo))) x2=(f(scale.at(hi))) y1="13" y2="13" {}
                line.whisker x1=(f(scale.at(lo))) x2=(f(scale.at(lo))) y1="9" y2="17" {}
                line.whisker x1=(f(scale.at(hi))) x2=(f(scale.at(hi))) y1="9" y2="17" {}
            }
            line.axis x1=(f(scale.at(scale.lo))) x2=(f(scale.at(scale.hi))) y1="26" y2="26" {}
            @for t in scale.ticks() {
                text.tick x=(f(scale.at(t))) y="43" text-anchor="middle" { (tick(t, unit, step)) }
            }
        }
    }
}

/// A value per period: a line through the values with the interval as a band, a gap where a
/// period has no value (n/a), a dot per value.
pub fn trend(name: &str, points: &[Point], unit: Unit) -> Markup {
    let (w, h) = (520.0, 250.0);
    let (left, right, top, bottom) = (58.0, 26.0, 12.0, 44.0);
    let y = Scale::over(points.iter().flat_map(Point::extent), h - bottom, top);
    let x = |i: usize| match points.len() {
        0 | 1 => (left + w - right) / 2.0,
        n => left + i as f64 * (w - right - left) / (n - 1) as f64,
    };
    // Runs of periods with values: each a path of the line and a polygon of the band.
    let mut runs: Vec<Vec<usize>> = Vec::new();
    for (i, p) in points.iter().enumerate() {
        match (p.value, runs.last_mut()) {
            (Some(_), Some(run)) if run.last() == Some(&(i.wrapping_sub(1))) => run.push(i),
            (Some(_), _) => runs.push(vec![i]),
            (None, _) => {}
        }
    }
    let line = |run: &[usize]| -> String {
        let at: Vec<String> = (run.iter())
            .map(|&i| format!("{},{}", f(x(i)), f(y.at(points[i].value.unwrap_or(0.0)))))
            .collect();
        format!("M{}", at.join(" L"))
    };
    let band = |run: &[usize]| -> Option<String> {
        let cis: Option<Vec<(f64, f64)>> = run.iter().map(|&i| points[i].ci).collect();
        let cis = cis?;
        let upper = run
            .iter()
            .zip(&cis)
            .map(|(&i, c)| format!("{},{}", f(x(i)), f(y.at(c.1))));
        let lower =
            (run.iter().zip(&cis).rev()).map(|(&i, c)| format!("{},{}", f(x(i)), f(y.at(c.0))));
        Some(upper.chain(lower).collect::<Vec<_>>().join(" "))
    };
    // At most about six period labels.
    let every = points.len().div_ceil(6).max(1);
    let gaps = points.iter().filter(|p| p.value.is_none()).count();
    let title = format!(
        "{name} per period: {}{}",
        (points.iter())
            .map(|p| format!("{} {}", p.label, p.text(unit)))
            .collect::<Vec<_>>()
            .join("; "),
        match gaps {
            0 => String::new(),
            n => format!(" ({n} without a value, shown as gaps)"),
        }
    );
    let step = step(y.hi - y.lo);
    html! {
        svg.chart viewBox={"0 0 " (w) " " (h)} role="img" aria-label=(format!("{name} per period")) {
            title { (title) }
            @for t in y.ticks() {
                line.grid x1=(left) x2=(w - right) y1=(f(y.at(t))) y2=(f(y.at(t))) {}
                text.tick x=(left - 6.0) y=(f(y.at(t) + 4.0)) text-anchor="end" { (tick(t, unit, step)) }
            }
            @for run in &runs {
                @if let Some(polygon) = band(run) {
                    polygon.band points=(polygon) {}
                }
            }
            @for run in &runs {
                path.line d=(line(run)) {}
            }
            @for (i, p) in points.iter().enumerate() {
                @if let Some(v) = p.value {
                    circle.value cx=(f(x(i))) cy=(f(y.at(v))) r="3" {
                        title { (p.label) ": " (p.text(unit)) }
                    }
                }
                @if i % every == 0 {
                    text.tick x=(f(x(i))) y=(h - bottom + 16.0) text-anchor="middle" { (cut(&p.label, 10)) }
                }
            }
            line.axis x1=(left) x2=(w - right) y1=(f(y.at(0.0))) y2=(f(y.at(0.0))) {}
        }
    }
}

/// A bar per group, from 0 to its value (left of 0 for a negative one), its interval as a
/// whisker, the value written after it; n/a written at 0.
pub fn bars(name: &str, points: &[Point], unit: Unit) -> Markup {
    let (w, row, label_w, value_w) = (520.0, 26.0, 130.0, 84.0);
    let h = row * points.len() as f64 + 28.0;
    let x = Scale::over(points.iter().flat_map(Point::extent), label_w, w - value_w);
    let title = format!(
        "{name} by group: {}",
        (points.iter())
            .map(|p| format!("{} {}", p.label, p.text(unit)))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let step = step(x.hi - x.lo);
    let zero = x.at(0.0);
    html! {
        svg.chart viewBox={"0 0 " (w) " " (h)} role="img" aria-label=(format!("{name} by group")) {
            title { (title) }
            @for t in x.ticks() {
                line.grid x1=(f(x.at(t))) x2=(f(x.at(t))) y1="0" y2=(h - 24.0) {}
                text.tick x=(f(x.at(t))) y=(h - 8.0) text-anchor="middle" { (tick(t, unit, step)) }
            }
            @for (i, p) in points.iter().enumerate() {
                @let top = i as f64 * row;
                @let mid = top + row / 2.0;
                g {
                    title { (p.label) ": " (p.text(unit)) }
                    text x=(label_w - 8.0) y=(f(mid + 4.0)) text-anchor="end" { (cut(&p.label, 15)) }
                    @match p.value {
                        Some(v) => {
                            rect class=(if v < 0.0 { "neg" } else { "value" }) x=(f(zero.min(x.at(v)))) y=(f(top + 5.0)) width=(f((x.at(v) - zero).abs())) height=(row - 10.0) {}
                            text x=(f(w - value_w + 6.0)) y=(f(mid + 4.0)) { (shown(Some(v), unit)) }
                        }
                        None => {
                            text.tick x=(f(zero + 4.0)) y=(f(mid + 4.0)) { "n/a" }
                        }
                    }
                    @if let Some((lo, hi)) = p.ci {
                        line.whisker x1=(f(x.at(lo))) x2=(f(x.at(hi))) y1=(f(mid)) y2=(f(mid)) {}
                        line.whisker x1=(f(x.at(lo))) x2=(f(x.at(lo))) y1=(f(mid - 5.0)) y2=(f(mid + 5.0)) {}
                        line.whisker x1=(f(x.at(hi))) x2=(f(x.at(hi))) y1=(f(mid - 5.0)) y2=(f(mid + 5.0)) {}
                    }
                }
            }
            line.axis x1=(f(zero)) x2=(f(zero)) y1="0" y2=(h - 24.0) {}
        }
    }
}

/// A coordinate with at most one decimal (the page stays small).
pub(super) fn f(v: f64) -> String {
    let text = format!("{v:.1}");
    match text.strip_suffix(".0") {
        Some(whole) => whole.to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_start_at_zero_and_end_on_a_round_tick() {
        let s = Scale::over([0.27, 0.92].into_iter(), 0.0, 100.0);
        assert_eq!((s.lo, s.hi), (0.0, 1.0));
        assert_eq!(s.ticks(), vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]);
        let s = Scale::over([-120.0, 340.0].into_iter(), 0.0, 100.0);
        assert_eq!((s.lo, s.hi), (-200.0, 400.0));
        assert!((s.at(0.0) - 100.0 / 3.0).abs() < 1e-9);
        // All values n/a or 0: a scale still.
        let s = Scale::over(std::iter::empty(), 0.0, 10.0);
        assert_eq!((s.lo, s.hi), (0.0, 1.0));
    }

    #[test]
    fn ticks_are_written_in_the_values_unit() {
        assert_eq!(tick(0.25, Unit::Rate, 0.05), "25%");
        assert_eq!(tick(0.005, Unit::Rate, 0.005), "0.5%");
        assert_eq!(tick(1200.0, Unit::Money, 200.0), "1,200");
        assert_eq!(tick(-1500.0, Unit::Money, 500.0), "-1,500");
        assert_eq!(tick(0.5, Unit::Number, 0.1), "0.50");
    }

    #[test]
    fn a_missing_period_is_a_gap_in_the_line_not_a_zero() {
        let p = |label: &str, value| Point {
            label: label.into(),
            value,
            ci: None,
        };
        let chart = trend(
            "aov",
            &[
                p("a", Some(2.0)),
                p("b", None),
                p("c", Some(4.0)),
                p("d", Some(3.0)),
            ],
            Unit::Money,
        )
        .into_string();
        // Two runs: a alone (a path of one point), then c and d.
        assert_eq!(chart.matches("<path").count(), 2, "{chart}");
        assert_eq!(chart.matches("<circle").count(), 3, "{chart}");
        assert!(
            chart.contains("(1 without a value, shown as gaps)"),
            "{chart}"
        );
    }
}
