//! The charts: each a function from data to one `<svg>` element, drawn
//! in a `viewBox` so it scales to any width (CSS gives it `width: 100%`).
//! Every mark a reader counts carries `data-mark`, and a `<title>` as its
//! tooltip. Text passes through [`escape`] always.

mod bars;
mod flows;
mod grid;
mod histogram;

pub use bars::{Bar, bars, largest, run_sizes};
pub use flows::{matrix, sankey, transitions};
pub use grid::grid;
pub use histogram::histogram;

use super::html::escape;

/// Ten distinguishable colours (Tableau 10), for labels and tags the
/// catalogue gives none.
const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];

/// The catalogue's colour (a `#hex` or a CSS name, as `describe` allows),
/// else the palette's `i`-th.
pub fn colour(given: Option<&str>, i: usize) -> String {
    let safe = |c: &str| {
        let hex = c.len() > 1
            && c.len() <= 9
            && c.starts_with('#')
            && c[1..].chars().all(|ch| ch.is_ascii_hexdigit());
        let name = !c.is_empty() && c.len() <= 20 && c.chars().all(|ch| ch.is_ascii_alphabetic());
        hex || name
    };
    match given {
        Some(c) if safe(c) => c.to_string(),
        _ => PALETTE[i % PALETTE.len()].to_string(),
    }
}

/// A whole number with thousands separators: `12,345`.
pub fn count(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// A value as a reader wants it: whole numbers with separators, others
/// with at most two decimals.
pub fn number(v: f64) -> String {
    if !v.is_finite() {
        return "–".to_string();
    }
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return count(v as i64);
    }
    let text = format!("{v:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A coordinate, short and stable.
fn at(v: f64) -> String {
    let text = format!("{v:.1}");
    text.strip_suffix(".0").unwrap_or(&text).to_string()
}

/// The opening tag of a chart of `width` × `height` units: as wide as
/// the page allows, never wider than its own units in pixels (a small
/// matrix is not blown up).
fn open(width: f64, height: f64, chart: &str, label: &str) -> String {
    format!(
        "<svg class=\"chart\" data-chart=\"{chart}\" viewBox=\"0 0 {w} {}\" style=\"max-width:{w}px\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">\n",
        at(height),
        escape(label),
        w = at(width),
    )
}

/// A rectangle; with a mark, it is one of the chart's marks.
fn rect(mark: Option<&str>, x: f64, y: f64, w: f64, h: f64, fill: &str, tip: &str) -> String {
    let mark = mark.map_or(String::new(), |m| format!(" data-mark=\"{m}\""));
    format!(
        "<rect{mark} x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}</title></rect>\n",
        at(x),
        at(y),
        at(w.max(0.0)),
        at(h.max(0.0)),
        escape(fill),
        escape(tip)
    )
}

/// Text at a point: `anchor` is start, middle or end.
fn text(x: f64, y: f64, anchor: &str, class: &str, content: &str) -> String {
    format!(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" class=\"{class}\">{}</text>\n",
        at(x),
        at(y),
        escape(content)
    )
}

/// Dark text on light fills, light text on dark ones (`share` of the
/// heat scale).
fn ink(share: f64) -> &'static str {
    if share > 0.55 { "ink-light" } else { "ink" }
}

/// A blue of the heat scale: white at 0, deep blue at 1.
fn heat(share: f64) -> String {
    let s = share.clamp(0.0, 1.0);
    let mix = |from: f64, to: f64| (from + (to - from) * s).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(247.0, 8.0),
        mix(251.0, 81.0),
        mix(255.0, 156.0)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(count(-4200), "-4,200");
        assert_eq!(number(12.5), "12.5");
        assert_eq!(number(3.14159), "3.14");
        assert_eq!(number(2000.0), "2,000");
    }

    #[test]
    fn colours_are_the_catalogues_or_the_palettes_never_markup() {
        assert_eq!(colour(Some("#2ca02c"), 0), "#2ca02c");
        assert_eq!(colour(Some("grey"), 0), "grey");
        assert_eq!(colour(None, 1), PALETTE[1]);
        assert_eq!(colour(Some("red\"><script>"), 2), PALETTE[2]);
        assert_eq!(colour(Some("#zz"), 11), PALETTE[1]);
    }

    #[test]
    fn the_heat_scale_runs_from_white_to_blue() {
        assert_eq!(heat(0.0), "#f7fbff");
        assert_eq!(heat(1.0), "#08519c");
        assert_eq!(heat(7.0), "#08519c");
    }
}
