//! The words of the report that take values: each a message of the
//! catalogues (`report-...` in `src/i18n/*.ftl`), with its numbers
//! formatted here as the page shows them in every language. Words
//! without values are looked up where they are shown (`tr!("report-...")`).

use crate::i18n::tr;

/// A label that is none: `(no label)`, as the run's summary says it.
pub fn no_label() -> String {
    tr!("summary-no-label")
}

/// `run 3 · 1,200 customers · as of 2026-01-01`
pub fn headline(run_id: i64, customers: &str, as_of: &str) -> String {
    tr!(
        "report-headline",
        run = run_id.to_string(),
        customers = customers,
        as_of = as_of
    )
}

/// The title of a label's metric bars: `monetary per label (sum)`.
pub fn metric_per_label(metric: &str) -> String {
    tr!("report-metric-per-label", metric = metric)
}

/// `r (rows, 1 at the bottom) × f (columns), segments of rfm`
pub fn grid_axes(rows: &str, columns: &str, segmentation: &str) -> String {
    tr!(
        "report-grid-axes",
        rows = rows,
        columns = columns,
        segmentation = segmentation
    )
}

/// `average monetary`
pub fn average(metric: &str) -> String {
    tr!("report-average", metric = metric)
}

/// The heading of a histogram: `recency (score r)`.
pub fn distribution(metric: &str, score: Option<&str>) -> String {
    match score {
        Some(score) => tr!("report-distribution", metric = metric, score = score),
        None => metric.to_string(),
    }
}

/// `Movement from run 2 (as of 2025-06-30) to run 3 (as of 2025-07-31)`
pub fn movement(from: i64, from_as_of: &str, to: i64, to_as_of: &str) -> String {
    tr!(
        "report-movement",
        from = from.to_string(),
        from_as_of = from_as_of,
        to = to.to_string(),
        to_as_of = to_as_of
    )
}

/// A mark's tooltip: `Champions: 1,234 customers (12.3%)`.
pub fn size_tip(name: &str, customers: &str, share: f64) -> String {
    tr!(
        "report-size-tip",
        name = name,
        customers = customers,
        share = format!("{:.1}", share * 100.0)
    )
}

/// `12 customers, average 340.5`
pub fn cell_tip(customers: &str, average: Option<&str>) -> String {
    match average {
        Some(a) => tr!(
            "report-cell-tip-average",
            customers = customers,
            average = a
        ),
        None => tr!("report-cell-tip", customers = customers),
    }
}

/// A cell's tooltip with its place: `r 3, f 2: 12 customers`.
pub fn cell_at(row: (&str, u32), column: (&str, u32), tip: &str) -> String {
    tr!(
        "report-cell-at",
        rows = row.0,
        row = row.1.to_string(),
        columns = column.0,
        column = column.1.to_string(),
        tip = tip
    )
}

/// A bar's value: `A: 840`.
pub fn value_tip(name: &str, value: &str) -> String {
    tr!("report-value-tip", name = name, value = value)
}

/// A run's part of a tooltip: `run 2 (2025-06-30): A: 5 customers (50.0%)`.
pub fn run_tip(run: &str, tip: &str) -> String {
    tr!("report-run-tip", run = run, tip = tip)
}

/// `A → B: 12 customers`
pub fn flow_tip(from: &str, to: &str, customers: &str) -> String {
    tr!(
        "report-flow-tip",
        from = from,
        to = to,
        customers = customers
    )
}

/// `run 2 (2025-06-30)`
pub fn run_name(run_id: i64, as_of: &str) -> String {
    tr!("report-run-name", run = run_id.to_string(), as_of = as_of)
}

/// `12 to 24: 5 customers`
pub fn bin_tip(low: &str, high: &str, customers: &str) -> String {
    tr!(
        "report-bin-tip",
        low = low,
        high = high,
        customers = customers
    )
}

/// The kind of a catalogue entry (`label`, `tag`), in words; a kind
/// seg does not know is shown as the table has it.
pub fn kind(kind: &str) -> String {
    match kind {
        "label" => tr!("report-kind-label"),
        "tag" => tr!("report-kind-tag"),
        other => other.to_string(),
    }
}

// What `seg report` (and `--report` of `seg run` and `seg watch`) says
// on the terminal.

/// `--metric spend` names no metric of the rules.
pub fn unknown_metric(metric: &str) -> String {
    tr!("report-unknown-metric", metric = metric)
}

/// The metrics `--metric` can name.
pub fn metrics_help(metrics: &[String]) -> String {
    if metrics.is_empty() {
        tr!("report-no-metrics")
    } else {
        tr!(
            "report-metrics-help",
            metrics = metrics.join(&tr!("list-separator"))
        )
    }
}

/// The report file cannot be written.
pub fn cannot_write(file: &str, error: &str) -> String {
    tr!("report-cannot-write", file = file, error = error)
}

/// `report: report.html (run 3, as of 2026-01-01)`
pub fn written(file: &str, run_id: i64, as_of: &str) -> String {
    format!(
        "{}\n",
        tr!(
            "report-written",
            file = file,
            run = run_id.to_string(),
            as_of = as_of
        )
    )
}
