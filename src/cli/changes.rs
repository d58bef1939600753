//! `seg changes`: who moved between labels, and who gained or lost tags,
//! between two runs. The flat forms (CSV, JSON, Markdown) are one row per
//! cell, the shape `seg diff` prints too.

use seg::engine::history::{self, RunSizes};
use seg::engine::{Changes, EngineError, TAG_PREFIX, Transition};

use super::CLEAN;
use super::args::{ChangesArgs, ChangesFormat};
use super::history::open;
use super::output::{self, pad, thousands};

pub fn run(args: ChangesArgs) -> u8 {
    let (changes, context) = match read(&args) {
        Ok(x) => x,
        Err(e) => return output::failure(&e),
    };
    let changes = match &args.segmentation {
        Some(name) => match only(changes, name, &context.runs) {
            Ok(c) => c,
            Err(e) => return output::failure(&e),
        },
        None => changes,
    };
    let text = match args.format {
        ChangesFormat::Human => human(&changes, &context),
        ChangesFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&changes.cells()).unwrap_or_default()
        ),
        ChangesFormat::Csv => csv(&changes),
        ChangesFormat::Markdown => markdown(&changes, &context.runs),
    };
    output::stdout(&text);
    CLEAN
}

/// What a report needs besides the changes: the runs (their dates), and
/// the order of the current rule set's labels.
struct Context {
    runs: Vec<RunSizes>,
    labels: Vec<(String, String)>,
}

fn read(args: &ChangesArgs) -> Result<(Changes, Context), EngineError> {
    let engine = open(&args.db)?;
    let changes = history::changes(&engine, args.from, args.to)?;
    let context = Context {
        runs: history::runs(&engine)?,
        labels: history::label_order(&engine)?,
    };
    Ok((changes, context))
}

/// The changes of one segmentation or tag; a name neither run has is an
/// error that lists the names they have.
fn only(changes: Changes, name: &str, runs: &[RunSizes]) -> Result<Changes, EngineError> {
    let compared: Vec<&RunSizes> = runs
        .iter()
        .filter(|r| Some(r.run_id) == changes.from_run || Some(r.run_id) == changes.to_run)
        .collect();
    let mut known: Vec<String> = Vec::new();
    for run in &compared {
        let names = run
            .labels
            .iter()
            .map(|l| l.segmentation.clone())
            .chain(run.tags.iter().map(|t| format!("{TAG_PREFIX}{}", t.tag)));
        for n in names {
            if !known.contains(&n) {
                known.push(n);
            }
        }
    }
    if !known.iter().any(|k| k == name) {
        let listed: Vec<&str> = known.iter().map(String::as_str).collect();
        let hint = match seg::diagnostic::did_you_mean(name, listed.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? "),
            None => String::new(),
        };
        return Err(EngineError::History {
            message: format!("neither run has a segmentation or tag `{name}`"),
            help: format!(
                "{hint}they have {}",
                seg::diagnostic::list_names(&listed, 12)
            ),
        });
    }
    Ok(changes.only(name))
}

fn run_title(id: Option<i64>, runs: &[RunSizes]) -> String {
    match id {
        None => "before the first run".to_string(),
        Some(id) => match runs.iter().find(|r| r.run_id == id) {
            Some(r) => format!("run {id} (as of {})", r.as_of),
            None => format!("run {id}"),
        },
    }
}

fn title(changes: &Changes, runs: &[RunSizes]) -> String {
    format!(
        "changes from {} to {}",
        run_title(changes.from_run, runs),
        run_title(changes.to_run, runs)
    )
}

fn label(l: Option<&str>) -> &str {
    l.unwrap_or("(none)")
}

/// Per segmentation its matrix (old labels down, new labels across) and
/// the moves with example customers; then per tag who gained and lost it.
fn human(changes: &Changes, context: &Context) -> String {
    let mut out = format!("{}\n", title(changes, &context.runs));
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
        out.push_str(&matrix(s, &cells, &context.labels));
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
        out.push_str("\nno customers, labels or tags in either run\n");
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
fn markdown(changes: &Changes, runs: &[RunSizes]) -> String {
    let cell = |text: &str| text.replace('|', "\\|").replace('\n', " ");
    let mut out = format!("### {}\n\n", cell(&title(changes, runs)));
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
