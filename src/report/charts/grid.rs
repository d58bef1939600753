//! The R × F heat map: customers and the average metric per cell, with
//! each segment's region outlined over it.

use super::{at, count, heat, ink, number, open, rect, text};
use crate::report::model::Grid;
use crate::report::text as words;

const CELL: f64 = 96.0;
const LEFT: f64 = 40.0;
const TOP: f64 = 10.0;

/// `data-mark="cell"` for each of the n × n cells, `data-mark="segment"`
/// for each segment's outline (one path per label found in the grid).
pub fn grid(g: &Grid) -> String {
    let n = g.buckets.max(1);
    let size = CELL * f64::from(n);
    let mut out = open(
        LEFT + size + 10.0,
        TOP + size + 40.0,
        "grid",
        &g.segmentation,
    );
    let largest = g
        .cells
        .iter()
        .map(|c| c.customers)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let cell_at =
        |row: u32, column: u32| g.cells.iter().find(|c| c.row == row && c.column == column);
    // Row 1 at the bottom, column 1 at the left.
    let corner = |row: u32, column: u32| {
        (
            LEFT + CELL * f64::from(column - 1),
            TOP + CELL * f64::from(n - row),
        )
    };
    for row in 1..=n {
        for column in 1..=n {
            let (x, y) = corner(row, column);
            let cell = cell_at(row, column);
            let customers = cell.map_or(0, |c| c.customers);
            let share = customers as f64 / largest;
            let average = cell.and_then(|c| c.average).map(number);
            let tip = words::cell_at(
                (&g.rows, row),
                (&g.columns, column),
                &words::cell_tip(&count(customers), average.as_deref()),
            );
            out.push_str(&rect(Some("cell"), x, y, CELL, CELL, &heat(share), &tip));
            let class = ink(share);
            out.push_str(&text(
                x + CELL / 2.0,
                y + CELL / 2.0 + 2.0,
                "middle",
                &format!("{class} big"),
                &count(customers),
            ));
            if let Some(a) = &average {
                out.push_str(&text(
                    x + CELL / 2.0,
                    y + CELL / 2.0 + 20.0,
                    "middle",
                    &format!("{class} small"),
                    a,
                ));
            }
        }
        let (_, y) = corner(row, 1);
        out.push_str(&text(
            LEFT - 8.0,
            y + CELL / 2.0 + 4.0,
            "end",
            "axis",
            &row.to_string(),
        ));
    }
    for column in 1..=n {
        let (x, _) = corner(1, column);
        out.push_str(&text(
            x + CELL / 2.0,
            TOP + size + 18.0,
            "middle",
            "axis",
            &column.to_string(),
        ));
    }
    out.push_str(&text(
        LEFT + size / 2.0,
        TOP + size + 36.0,
        "middle",
        "axis",
        &g.columns,
    ));
    out.push_str(&text(12.0, TOP + size / 2.0, "middle", "axis", &g.rows));
    out.push_str(&outlines(g, n));
    out.push_str("</svg>\n");
    out
}

/// One path per label: the sides of its cells that border another label,
/// an empty cell or the edge of the grid; its name in its top-left cell.
fn outlines(g: &Grid, n: u32) -> String {
    let label_at = |row: u32, column: u32| -> Option<&str> {
        g.cells
            .iter()
            .find(|c| c.row == row && c.column == column)
            .and_then(|c| c.label.as_deref())
    };
    let mut labels: Vec<&str> = Vec::new();
    for row in (1..=n).rev() {
        for column in 1..=n {
            if let Some(l) = label_at(row, column)
                && !labels.contains(&l)
            {
                labels.push(l);
            }
        }
    }
    let mut out = String::new();
    for label in labels {
        let mut d = String::new();
        let mut first: Option<(f64, f64)> = None;
        for row in 1..=n {
            for column in 1..=n {
                if label_at(row, column) != Some(label) {
                    continue;
                }
                let x = LEFT + CELL * f64::from(column - 1);
                let y = TOP + CELL * f64::from(n - row);
                if first.is_none_or(|(fx, fy)| y < fy || (y == fy && x < fx)) {
                    first = Some((x, y));
                }
                let other = |r: u32, c: u32| {
                    r < 1 || c < 1 || r > n || c > n || label_at(r, c) != Some(label)
                };
                let mut side = |x1: f64, y1: f64, x2: f64, y2: f64| {
                    d.push_str(&format!("M{} {}L{} {}", at(x1), at(y1), at(x2), at(y2)));
                };
                if other(row + 1, column) {
                    side(x, y, x + CELL, y);
                }
                if other(row.wrapping_sub(1), column) {
                    side(x, y + CELL, x + CELL, y + CELL);
                }
                if other(row, column.wrapping_sub(1)) {
                    side(x, y, x, y + CELL);
                }
                if other(row, column + 1) {
                    side(x + CELL, y, x + CELL, y + CELL);
                }
            }
        }
        out.push_str(&format!(
            "<path data-mark=\"segment\" data-label=\"{}\" class=\"segment\" d=\"{d}\"><title>{}</title></path>\n",
            crate::report::escape(label),
            crate::report::escape(label)
        ));
        if let Some((x, y)) = first {
            out.push_str(&text(x + 4.0, y + 13.0, "start", "segment-name", label));
        }
    }
    out
}
