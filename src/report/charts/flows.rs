//! Movement between two runs: the transition matrix, and the same cells
//! as a flow chart (Sankey-style) from the labels before to those after.

use super::{at, count, heat, ink, open, rect, text};
use crate::report::model::Flow;
use crate::report::text as words;

/// The names of the rows and columns: every label a cell has, in the
/// order given (the rules'), then no label.
fn names(cells: &[&Flow], order: &[Option<String>], before: bool) -> Vec<Option<String>> {
    order
        .iter()
        .filter(|l| {
            cells
                .iter()
                .any(|c| if before { &c.from } else { &c.to } == *l)
        })
        .cloned()
        .collect()
}

fn shown(label: &Option<String>) -> String {
    label.clone().unwrap_or_else(words::no_label)
}

const CELL: f64 = 64.0;
const NAMES: f64 = 150.0;

/// The matrix: a row per label before, a column per label after; each
/// cell with customers is a `data-mark="transition"`.
pub fn transitions(segmentation: &str, cells: &[&Flow], order: &[Option<String>]) -> String {
    matrix("transitions", "transition", segmentation, cells, order)
}

/// A matrix of counts, rows `from` and columns `to` of the cells; a
/// cell with customers is a `mark`, an empty one is drawn blank.
pub fn matrix(
    chart: &str,
    mark: &str,
    label: &str,
    cells: &[&Flow],
    order: &[Option<String>],
) -> String {
    let rows = names(cells, order, true);
    let columns = names(cells, order, false);
    let top = 110.0;
    let width = NAMES + CELL * columns.len() as f64 + 10.0;
    let height = top + CELL * rows.len() as f64 + 10.0;
    let largest = cells.iter().map(|c| c.customers).max().unwrap_or(0).max(1) as f64;
    let mut out = open(width, height, chart, label);
    for (j, to) in columns.iter().enumerate() {
        let x = NAMES + CELL * j as f64 + CELL / 2.0;
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" transform=\"rotate(-40 {} {})\" class=\"name\">{}</text>\n",
            at(x),
            at(top - 8.0),
            at(x),
            at(top - 8.0),
            crate::report::escape(&shown(to))
        ));
    }
    for (i, from) in rows.iter().enumerate() {
        let y = top + CELL * i as f64;
        out.push_str(&text(
            NAMES - 8.0,
            y + CELL / 2.0 + 4.0,
            "end",
            "name",
            &shown(from),
        ));
        for (j, to) in columns.iter().enumerate() {
            let x = NAMES + CELL * j as f64;
            let customers = cells
                .iter()
                .find(|c| &c.from == from && &c.to == to)
                .map_or(0, |c| c.customers);
            if customers == 0 {
                out.push_str(&rect(None, x, y, CELL, CELL, "#ffffff", ""));
                continue;
            }
            let share = customers as f64 / largest;
            let tip = words::flow_tip(&shown(from), &shown(to), &count(customers));
            out.push_str(&rect(Some(mark), x, y, CELL, CELL, &heat(share), &tip));
            out.push_str(&text(
                x + CELL / 2.0,
                y + CELL / 2.0 + 5.0,
                "middle",
                ink(share),
                &count(customers),
            ));
        }
    }
    out.push_str("</svg>\n");
    out
}

const WIDTH: f64 = 640.0;
const NODE: f64 = 14.0;
const GAP: f64 = 10.0;
const PLOT: f64 = 300.0;

/// Nodes for the labels before (left) and after (right), each as tall as
/// its customers (`data-mark="flow-node"`); a band per cell with
/// customers (`data-mark="flow"`).
pub fn sankey(
    segmentation: &str,
    cells: &[&Flow],
    order: &[Option<String>],
    colours: &dyn Fn(&Option<String>) -> String,
) -> String {
    let left = names(cells, order, true);
    let right = names(cells, order, false);
    let total: i64 = cells.iter().map(|c| c.customers).sum();
    let gaps = GAP * (left.len().max(right.len()).max(1) - 1) as f64;
    let scale = (PLOT - gaps) / total.max(1) as f64;
    let (x0, x1) = (NAMES, WIDTH - NAMES);
    let mut out = open(WIDTH, PLOT + 20.0, "sankey", segmentation);
    // Where each node starts, and how far its bands have filled it.
    let place = |side: &[Option<String>], before: bool| -> Vec<(f64, f64)> {
        let mut y = 10.0;
        side.iter()
            .map(|label| {
                let n: i64 = cells
                    .iter()
                    .filter(|c| if before { &c.from } else { &c.to } == label)
                    .map(|c| c.customers)
                    .sum();
                let at = (y, n as f64 * scale);
                y += at.1 + GAP;
                at
            })
            .collect()
    };
    let left_at = place(&left, true);
    let right_at = place(&right, false);
    let mut left_fill: Vec<f64> = left_at.iter().map(|(y, _)| *y).collect();
    let mut right_fill: Vec<f64> = right_at.iter().map(|(y, _)| *y).collect();
    for (i, from) in left.iter().enumerate() {
        for (j, to) in right.iter().enumerate() {
            let Some(cell) = cells.iter().find(|c| &c.from == from && &c.to == to) else {
                continue;
            };
            if cell.customers == 0 {
                continue;
            }
            let h = cell.customers as f64 * scale;
            let (ya, yb) = (left_fill[i], right_fill[j]);
            left_fill[i] += h;
            right_fill[j] += h;
            let (xa, xb, xm) = (x0 + NODE, x1, (x0 + NODE + x1) / 2.0);
            let d = format!(
                "M{} {}C{} {} {} {} {} {}L{} {}C{} {} {} {} {} {}Z",
                at(xa),
                at(ya),
                at(xm),
                at(ya),
                at(xm),
                at(yb),
                at(xb),
                at(yb),
                at(xb),
                at(yb + h),
                at(xm),
                at(yb + h),
                at(xm),
                at(ya + h),
                at(xa),
                at(ya + h)
            );
            let tip = words::flow_tip(&shown(from), &shown(to), &count(cell.customers));
            out.push_str(&format!(
                "<path data-mark=\"flow\" class=\"flow\" d=\"{d}\" fill=\"{}\"><title>{}</title></path>\n",
                colours(from),
                crate::report::escape(&tip)
            ));
        }
    }
    for (side, placed, x, anchor, tx) in [
        (&left, &left_at, x0, "end", x0 - 6.0),
        (&right, &right_at, x1, "start", x1 + NODE + 6.0),
    ] {
        for (label, (y, h)) in side.iter().zip(placed.iter()) {
            let tip = shown(label);
            out.push_str(&rect(
                Some("flow-node"),
                x,
                *y,
                NODE,
                h.max(1.0),
                &colours(label),
                &tip,
            ));
            out.push_str(&text(tx, y + h / 2.0 + 4.0, anchor, "name", &shown(label)));
        }
    }
    out.push_str("</svg>\n");
    out
}
