//! The one rendering of [`Changes`] that `seg changes` and `seg diff`
//! print: per segmentation its transition matrix with example customers,
//! per tag who gained and lost it (human), or one row per cell (JSON, CSV,
//! Markdown for a pull request).

use seg::engine::{Changes, Transition};

use crate::cli::args::ChangesFormat;
use crate::cli::output::{pad, thousands};

/// What a rendering needs besides the changes.
pub struct Report<'a> {
    /// The first line (human) or heading (Markdown): what is compared.
    pub title: &'a str,
    /// The labels in the rules' order: (segmentation, label).
    pub labels: &'a [(String, String)],
    /// Said when there is nothing at all to compare.
    pub empty: &'a str,
}

/// The changes in a format.
pub fn render(changes: &Changes, report: &Report, format: ChangesFormat) -> String {
    match format {
        ChangesFormat::Human => human(changes, report),
        ChangesFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&changes.cells()).unwrap_or_default()
        ),
        ChangesFormat::Csv => csv(changes),
        ChangesFormat::Markdown => markdown(changes, report.title),
    }
}

fn label(l: Option<&str>) -> &str {
    l.unwrap_or("(none)")
}

/// Per segmentation its matrix (old labels down, new labels across) and
/// the moves with example customers; then per tag who gained and lost it.
fn human(changes: &Changes, report: &Report) -> String {
    let mut out = format!("{}\n", report.title);
    let mut segmentations: Vec<&str> = Vec::new();
    for t in &changes.transitions {
        if !segmentations.contains(&t.segmentation.as_str()) {
            segmentations.push(&t.segmentation);
        }
    }
    for s in segmentations {
        let cells: Vec<&Transition> = changes
            .transitions
            .iter()
            .filter(|t| t.segmentation == s)
            .collect();
        if cells.iter().all(|c| c.from == c.to) {
            // A matrix of its diagonal only says nothing a line cannot.
            let kept: i64 = cells.iter().map(|c| c.customers).sum();
            out.push_str(&format!(
                "\n{s}: 0 customers moved ({} kept their label)\n",
                thousands(kept)
            ));
        } else {
            out.push_str(&matrix(s, &cells, report.labels));
        }
    }
    if !changes.tags.is_empty() {
        out.push_str("\ntags\n");
        let width = changes
            .tags
            .iter()
            .map(|t| unicode_width::UnicodeWidthStr::width(t.tag.as_str()))
            .max()
            .unwrap_or(0)
            .max(10)
            + 2;
        for t in &changes.tags {
            let line = format!(
                "  {}{:>8}{}{:>8}{}",
                pad(&t.tag, width),
                format!("+{}", thousands(t.gained)),
                examples(&t.gained_examples),
                format!("-{}", thousands(t.lost)),
                examples(&t.lost_examples)
            );
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    if changes.transitions.is_empty() && changes.tags.is_empty() {
        out.push_str(&format!("\n{}\n", report.empty));
    }
    out
}

/// `  e.g. 3, 5, 9`, padded so the next column lines up.
fn examples(keys: &[String]) -> String {
    if keys.is_empty() {
        return pad("", 30);
    }
    pad(&format!("  e.g. {}", keys.join(", ")), 30)
}

fn matrix(segmentation: &str, cells: &[&Transition], order: &[(String, String)]) -> String {
    // Both axes list every label of either run (in the rules' order),
    // and "(none)" where someone came from or went to no label.
    let mut labels: Vec<&str> = Vec::new();
    for c in cells {
        for l in [c.from.as_deref(), c.to.as_deref()].into_iter().flatten() {
            if !labels.contains(&l) {
                labels.push(l);
            }
        }
    }
    // The rules' order; labels the rules no longer have keep theirs, after.
    labels.sort_by_key(|l| {
        order
            .iter()
            .position(|(s, name)| s == segmentation && name == l)
            .unwrap_or(usize::MAX)
    });
    let axis = |none: bool| -> Vec<Option<&str>> {
        let mut axis: Vec<Option<&str>> = labels.iter().map(|l| Some(*l)).collect();
        if none {
            axis.push(None);
        }
        axis
    };
    let froms = axis(cells.iter().any(|c| c.from.is_none()));
    let tos = axis(cells.iter().any(|c| c.to.is_none()));
    let count = |from: Option<&str>, to: Option<&str>| {
        cells
            .iter()
            .find(|c| c.from.as_deref() == from && c.to.as_deref() == to)
            .map(|c| c.customers)
    };
    let width_of = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    let first = froms
        .iter()
        .map(|f| width_of(label(*f)) + 2)
        .chain([width_of("from \\ to") + 2])
        .max()
        .unwrap_or(0)
        + 2;
    let column = tos
        .iter()
        .map(|t| width_of(label(*t)))
        .chain(cells.iter().map(|c| thousands(c.customers).len()))
        .max()
        .unwrap_or(0)
        + 3;
    let moved: i64 = cells
        .iter()
        .filter(|c| c.from != c.to)
        .map(|c| c.customers)
        .sum();
    let mut out = format!(
        "\n{segmentation}: {} customer{} moved\n",
        thousands(moved),
        if moved == 1 { "" } else { "s" }
    );
    out.push_str(&pad("  from \\ to", first));
    for t in &tos {
        out.push_str(&format!("{:>column$}", label(*t)));
    }
    out.push('\n');
    for f in &froms {
        out.push_str(&pad(&format!("  {}", label(*f)), first));
        for t in &tos {
            let n = count(*f, *t).map_or(".".to_string(), thousands);
            out.push_str(&format!("{n:>column$}"));
        }
        out.push('\n');
    }
    let moves: Vec<&&Transition> = cells.iter().filter(|c| c.from != c.to).collect();
    if !moves.is_empty() {
        out.push('\n');
        let arrows: Vec<String> = moves
            .iter()
            .map(|c| format!("{} → {}", label(c.from.as_deref()), label(c.to.as_deref())))
            .collect();
        let width = arrows.iter().map(|a| width_of(a)).max().unwrap_or(0) + 2;
        for (c, arrow) in moves.iter().zip(&arrows) {
            out.push_str(&format!(
                "  {}{:>10}  e.g. {}\n",
                pad(arrow, width),
                thousands(c.customers),
                c.examples.join(", ")
            ));
        }
    }
    out
}

/// A line of CSV (RFC 4180): a field with a comma, a quote or a line
/// break is quoted, its quotes doubled.
pub fn csv_line(fields: &[&str]) -> String {
    let quoted: Vec<String> = fields
        .iter()
        .map(|f| {
            if f.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f.to_string()
            }
        })
        .collect();
    format!("{}\n", quoted.join(","))
}

/// Examples in one field: keys separated by spaces (a key holding a space
/// is rare; the JSON form has them as a list).
fn joined(examples: &[String]) -> String {
    examples.join(" ")
}

fn csv(changes: &Changes) -> String {
    let mut out = csv_line(&["segmentation", "from", "to", "customers", "examples"]);
    for c in changes.cells() {
        out.push_str(&csv_line(&[
            &c.segmentation,
            c.from.as_deref().unwrap_or(""),
            c.to.as_deref().unwrap_or(""),
            &c.customers.to_string(),
            &joined(&c.examples),
        ]));
    }
    out
}

/// A table for a pull request comment: the moves only (the diagonal is in
/// the CSV and JSON), most first, then the tags.
fn markdown(changes: &Changes, title: &str) -> String {
    let cell = |text: &str| text.replace('|', "\\|").replace('\n', " ");
    let mut out = format!("### {}\n\n", cell(title));
    out.push_str("| segmentation | from | to | customers | examples |\n");
    out.push_str("|---|---|---|---:|---|\n");
    for c in changes.cells().into_iter().filter(|c| c.from != c.to) {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            cell(&c.segmentation),
            cell(label(c.from.as_deref())),
            cell(label(c.to.as_deref())),
            thousands(c.customers),
            cell(&c.examples.join(", "))
        ));
    }
    let mut kept: Vec<(&str, i64)> = Vec::new();
    for t in changes.transitions.iter().filter(|t| t.from == t.to) {
        match kept.iter_mut().find(|(s, _)| *s == t.segmentation) {
            Some((_, n)) => *n += t.customers,
            None => kept.push((&t.segmentation, t.customers)),
        }
    }
    if !kept.is_empty() {
        let kept: Vec<String> = kept
            .iter()
            .map(|(s, n)| format!("{} {}", cell(s), thousands(*n)))
            .collect();
        out.push_str(&format!("\nKept their label: {}.\n", kept.join(", ")));
    }
    out
}
