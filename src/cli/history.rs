//! `seg history`: label and tag sizes of every run of a database.

use seg::engine::history::{self, RunSizes};
use seg::engine::{Engine, EngineError};
use seg::semantic::Catalog;

use super::CLEAN;
use super::args::{HistoryArgs, TableFormat};
use super::changes::render::csv_line;
use super::output::{self, pad, thousands};

/// Human output shows this many runs unless `--last` says otherwise: a
/// terminal is only so wide.
const HUMAN_RUNS: u64 = 10;

pub fn run(args: HistoryArgs) -> u8 {
    let runs = match read(&args.db) {
        Ok(runs) => runs,
        Err(e) => return output::failure(&e),
    };
    let last = match args.format {
        TableFormat::Human => Some(args.last.unwrap_or(HUMAN_RUNS)),
        _ => args.last,
    };
    let skip = last.map_or(0, |n| runs.len().saturating_sub(n as usize));
    let shown = &runs[skip..];
    let text = match args.format {
        TableFormat::Human => human(shown, runs.len()),
        TableFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(shown).unwrap_or_default()
        ),
        TableFormat::Csv => csv(shown),
    };
    output::stdout(&text);
    CLEAN
}

/// Opens the database only to read it, locked down to itself.
pub fn open(db: &std::path::Path) -> Result<Engine, EngineError> {
    let engine = Engine::open_read_only(db)?;
    if let Some(Some(refusal)) = engine.allow(&[]).into_iter().next() {
        return Err(EngineError::Sandbox { message: refusal });
    }
    Ok(engine)
}

fn read(db: &std::path::Path) -> Result<Vec<RunSizes>, EngineError> {
    history::runs(&open(db)?)
}

/// A row of the table: a label of a segmentation, or a tag.
#[derive(PartialEq)]
enum Row {
    Label(String, Option<String>),
    Tag(String),
}

/// Every label and tag of the runs, newest run's order first, then the
/// names only older runs had (a renamed or removed label).
fn rows(runs: &[RunSizes]) -> (Vec<String>, Vec<Row>) {
    let mut segmentations: Vec<String> = Vec::new();
    let mut labels: Vec<Row> = Vec::new();
    let mut tags: Vec<Row> = Vec::new();
    for run in runs.iter().rev() {
        for l in &run.labels {
            if !segmentations.contains(&l.segmentation) {
                segmentations.push(l.segmentation.clone());
            }
            let row = Row::Label(l.segmentation.clone(), l.label.clone());
            if !labels.contains(&row) {
                labels.push(row);
            }
        }
        for t in &run.tags {
            let row = Row::Tag(t.tag.clone());
            if !tags.contains(&row) {
                tags.push(row);
            }
        }
    }
    // Grouped by segmentation, in the order the segmentations first came.
    let mut ordered = Vec::new();
    for s in &segmentations {
        for row in &labels {
            if matches!(row, Row::Label(seg, _) if seg == s) {
                ordered.push(Row::Label(s.clone(), label_of(row)));
            }
        }
    }
    ordered.extend(tags);
    (segmentations, ordered)
}

fn label_of(row: &Row) -> Option<String> {
    match row {
        Row::Label(_, l) => l.clone(),
        Row::Tag(_) => None,
    }
}

fn size(run: &RunSizes, row: &Row) -> Option<i64> {
    match row {
        Row::Label(s, l) => run
            .labels
            .iter()
            .find(|x| &x.segmentation == s && &x.label == l)
            .map(|x| x.customers),
        Row::Tag(t) => run.tags.iter().find(|x| &x.tag == t).map(|x| x.customers),
    }
}

/// Runs as columns, labels and tags as rows: how each label grew or
/// shrank reads along a line.
fn human(runs: &[RunSizes], total: usize) -> String {
    let (segmentations, rows) = rows(runs);
    let name = |row: &Row| match row {
        Row::Label(_, l) => format!("  {}", l.as_deref().unwrap_or("(no label)")),
        Row::Tag(t) => format!("  {t}"),
    };
    let first = rows
        .iter()
        .map(|r| unicode_width::UnicodeWidthStr::width(name(r).as_str()))
        .chain(segmentations.iter().map(|s| s.len()))
        .max()
        .unwrap_or(0)
        .max(10)
        + 2;
    const COLUMN: usize = 12;
    let line = |title: &str, values: Vec<String>| {
        let mut out = pad(title, first);
        for v in values {
            out.push_str(&format!("{v:>COLUMN$}"));
        }
        out.push('\n');
        out
    };
    let mut out = String::new();
    if runs.len() < total {
        out.push_str(&format!(
            "the last {} of {} runs (--last N for more)\n\n",
            runs.len(),
            total
        ));
    }
    out.push_str(&line(
        "run",
        runs.iter().map(|r| r.run_id.to_string()).collect(),
    ));
    out.push_str(&line(
        "as of",
        runs.iter().map(|r| r.as_of.clone()).collect(),
    ));
    out.push_str(&line(
        "rules",
        runs.iter()
            .map(|r| r.rules_hash.chars().take(8).collect())
            .collect(),
    ));
    out.push_str(&line(
        "customers",
        runs.iter().map(|r| thousands(r.customers)).collect(),
    ));
    let mut group = None;
    for row in &rows {
        let this = match row {
            Row::Label(s, _) => s.clone(),
            Row::Tag(_) => "tags".to_string(),
        };
        if group.as_ref() != Some(&this) {
            out.push('\n');
            out.push_str(&format!("{this}\n"));
            group = Some(this);
        }
        let values = runs
            .iter()
            .map(|r| size(r, row).map_or("-".to_string(), thousands))
            .collect();
        out.push_str(&line(&name(row), values));
    }
    out
}

/// One line per run and label or tag (and the run's customers), for a
/// spreadsheet.
fn csv(runs: &[RunSizes]) -> String {
    let mut out = csv_line(&[
        "run_id",
        "as_of",
        "rules_hash",
        "kind",
        "segmentation",
        "name",
        "customers",
    ]);
    for run in runs {
        let id = run.run_id.to_string();
        let mut line = |kind: &str, segmentation: &str, name: &str, customers: i64| {
            out.push_str(&csv_line(&[
                &id,
                &run.as_of,
                &run.rules_hash,
                kind,
                segmentation,
                name,
                &customers.to_string(),
            ]));
        };
        line("customers", "", "", run.customers);
        for l in &run.labels {
            line(
                "label",
                &l.segmentation,
                l.label.as_deref().unwrap_or(""),
                l.customers,
            );
        }
        for t in &run.tags {
            line("tag", "", &t.tag, t.customers);
        }
    }
    out
}
