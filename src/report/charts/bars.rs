//! Horizontal bars (a label's customers, its metric, a tag's customers)
//! and stacked columns (a segmentation's sizes run by run).

use super::{at, count, open, rect, text};
use crate::report::model::Run;
use crate::report::text as words;

/// The largest value of some bars, to scale them by.
pub fn largest(rows: &[Bar]) -> f64 {
    rows.iter().map(|b| b.value).fold(0.0_f64, f64::max)
}

/// One bar: its name, its length, the value written after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub name: String,
    pub value: f64,
    pub shown: String,
    pub colour: String,
    pub tip: String,
}

const WIDTH: f64 = 640.0;
const NAMES: f64 = 170.0;
const ROW: f64 = 26.0;

/// Bars, one row each, scaled so that `largest` fills the width (charts
/// that are read together share it); every bar is a `mark`.
pub fn bars(chart: &str, mark: &str, label: &str, rows: &[Bar], largest: f64) -> String {
    let height = ROW * rows.len().max(1) as f64 + 8.0;
    let room = WIDTH - NAMES - 130.0;
    let mut out = open(WIDTH, height, chart, label);
    for (i, bar) in rows.iter().enumerate() {
        let y = 4.0 + ROW * i as f64;
        let length = if largest > 0.0 {
            room * bar.value.max(0.0) / largest
        } else {
            0.0
        };
        out.push_str(&text(NAMES - 8.0, y + 17.0, "end", "name", &bar.name));
        out.push_str(&rect(
            Some(mark),
            NAMES,
            y + 4.0,
            length,
            ROW - 8.0,
            &bar.colour,
            &bar.tip,
        ));
        out.push_str(&text(
            NAMES + length + 6.0,
            y + 17.0,
            "start",
            "value",
            &bar.shown,
        ));
    }
    out.push_str("</svg>\n");
    out
}

/// A segmentation's sizes run by run: a column per run, a block per
/// label with customers (`data-mark="run-segment"`), in `labels`' order
/// and colours.
pub fn run_sizes(segmentation: &str, runs: &[Run], labels: &[(Option<String>, String)]) -> String {
    let height = 240.0;
    let plot = 200.0;
    let left = 10.0;
    let column = ((WIDTH - left) / runs.len().max(1) as f64).min(90.0);
    let largest = runs.iter().map(|r| r.customers).max().unwrap_or(0).max(1) as f64;
    let mut out = open(WIDTH, height, "run-sizes", segmentation);
    for (i, run) in runs.iter().enumerate() {
        let x = left + column * i as f64;
        let mut top = plot;
        for (label, fill) in labels {
            let customers = run
                .labels
                .iter()
                .find(|(s, l, _)| s == segmentation && l == label)
                .map_or(0, |(_, _, n)| *n);
            if customers == 0 {
                continue;
            }
            let h = plot * customers as f64 / largest;
            top -= h;
            let name = label.clone().unwrap_or_else(words::no_label);
            let tip = words::run_tip(
                &words::run_name(run.run_id, &run.as_of),
                &words::size_tip(
                    &name,
                    &count(customers),
                    customers as f64 / run.customers.max(1) as f64,
                ),
            );
            out.push_str(&rect(
                Some("run-segment"),
                x + 4.0,
                top,
                column - 8.0,
                h,
                fill,
                &tip,
            ));
        }
        out.push_str(&text(
            x + column / 2.0,
            plot + 16.0,
            "middle",
            "axis",
            &format!("{}", run.run_id),
        ));
        out.push_str(&text(
            x + column / 2.0,
            plot + 30.0,
            "middle",
            "axis small",
            &run.as_of,
        ));
    }
    out.push_str(&format!(
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" class=\"axis-line\"/>\n",
        at(left),
        at(plot),
        at(WIDTH),
        at(plot)
    ));
    out.push_str("</svg>\n");
    out
}
