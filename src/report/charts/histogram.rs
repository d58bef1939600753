//! A metric's histogram, with its score's bucket edges (dashed) and
//! percentiles (dotted) marked.

use super::{at, count, number, open, rect, text};
use crate::report::model::Distribution;
use crate::report::text as words;

const WIDTH: f64 = 640.0;
const LEFT: f64 = 20.0;
const RIGHT: f64 = 20.0;
const PLOT: f64 = 170.0;
const TOP: f64 = 24.0;

/// `data-mark="bin"` per bin, `"edge"` per bucket edge, `"percentile"`
/// per percentile.
pub fn histogram(d: &Distribution) -> String {
    let height = TOP + PLOT + 30.0;
    let mut out = open(WIDTH, height, "histogram", &d.metric);
    let (Some(first), Some(last)) = (d.bins.first(), d.bins.last()) else {
        out.push_str("</svg>\n");
        return out;
    };
    let (low, high) = (first.low, last.high);
    let span = if high > low { high - low } else { 1.0 };
    let x_of = |v: f64| LEFT + (WIDTH - LEFT - RIGHT) * ((v - low) / span).clamp(0.0, 1.0);
    let largest = d.bins.iter().map(|b| b.customers).max().unwrap_or(0).max(1) as f64;
    let bottom = TOP + PLOT;
    for bin in &d.bins {
        let (x1, x2) = if high > low {
            (x_of(bin.low), x_of(bin.high))
        } else {
            (LEFT, WIDTH - RIGHT)
        };
        let h = PLOT * bin.customers as f64 / largest;
        let tip = words::bin_tip(&number(bin.low), &number(bin.high), &count(bin.customers));
        out.push_str(&rect(
            Some("bin"),
            x1 + 0.5,
            bottom - h,
            (x2 - x1 - 1.0).max(0.5),
            h,
            "#4e79a7",
            &tip,
        ));
    }
    let line = |mark: &str, class: &str, v: f64, tip: &str| {
        let x = at(x_of(v));
        format!(
            "<line data-mark=\"{mark}\" class=\"{class}\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\"><title>{}</title></line>\n",
            at(TOP - 6.0),
            at(bottom),
            crate::report::escape(tip)
        )
    };
    for edge in &d.edges {
        out.push_str(&line("edge", "edge", *edge, &number(*edge)));
    }
    for (name, value) in &d.percentiles {
        out.push_str(&line(
            "percentile",
            "percentile",
            *value,
            &format!("{name} = {}", number(*value)),
        ));
        out.push_str(&text(
            x_of(*value),
            TOP - 10.0,
            "middle",
            "axis small",
            name,
        ));
    }
    out.push_str(&text(LEFT, bottom + 16.0, "start", "axis", &number(low)));
    out.push_str(&text(
        WIDTH - RIGHT,
        bottom + 16.0,
        "end",
        "axis",
        &number(high),
    ));
    out.push_str("</svg>\n");
    out
}
