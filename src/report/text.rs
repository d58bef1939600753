//! Every word the report shows, in one place (English), so that the
//! messages can move into a catalogue of languages as they are.

pub const TITLE: &str = "Segmentation report";
pub const NO_LABEL: &str = "(no label)";
pub const CUSTOMERS: &str = "customers";
pub const SHARE: &str = "share";

pub const SECTION_SEGMENTATIONS: &str = "Segmentations";
pub const SECTION_GRID: &str = "The R × F grid";
pub const SECTION_TAGS: &str = "Tags";
pub const SECTION_DISTRIBUTIONS: &str = "Distributions";
pub const SECTION_HISTORY: &str = "Over time";
pub const SECTION_CATALOGUE: &str = "The catalogue";

pub const SIZES: &str = "Customers per label";
pub const NO_GRID: &str = "No segmentation of these rules reads two scores, so there is no grid.";
pub const GRID_HELP: &str = "Each cell: customers and the average of the metric. The outlines are the segments, from the label the cell's customers hold; an empty cell has none.";
pub const TAG_SIZES: &str = "Customers per tag, by category";
pub const NO_CATEGORY: &str = "(no category)";
pub const OVERLAPS: &str = "Customers carrying both tags (the largest tags)";
pub const NO_TAGS: &str = "No customer carries a tag.";
pub const NO_DISTRIBUTIONS: &str = "No score ranks a metric, so there is nothing to draw.";
pub const EDGES_HELP: &str = "Dashed: the score's bucket edges; dotted: percentiles.";
pub const SIZES_PER_RUN: &str = "Customers per label, run by run";
pub const ONE_RUN: &str = "Only one run has written history: movement needs two.";
pub const TRANSITIONS: &str = "Transition matrix (rows: before, columns: after)";
pub const FLOWS: &str = "Flows";
pub const NAME: &str = "name";
pub const KIND: &str = "kind";
pub const DESCRIPTION: &str = "description";
pub const CATEGORY: &str = "category";
pub const COLOUR: &str = "colour";
pub const RULE: &str = "rule";
pub const DEFINED_AT: &str = "defined at";

/// `run 3 · 1,200 customers · as of 2026-01-01`
pub fn headline(run_id: i64, customers: &str, as_of: &str) -> String {
    format!("run {run_id} · {customers} customers · as of {as_of}")
}

/// The title of a label's metric bars: `monetary per label (sum)`.
pub fn metric_per_label(metric: &str) -> String {
    format!("{metric} per label (sum)")
}

/// `r (rows) × f (columns), labels of rfm`
pub fn grid_axes(rows: &str, columns: &str, segmentation: &str) -> String {
    format!("{rows} (rows, 1 at the bottom) × {columns} (columns), segments of {segmentation}")
}

/// `average monetary`
pub fn average(metric: &str) -> String {
    format!("average {metric}")
}

/// The heading of a histogram: `recency (score r)`.
pub fn distribution(metric: &str, score: Option<&str>) -> String {
    match score {
        Some(score) => format!("{metric} (score {score})"),
        None => metric.to_string(),
    }
}

/// `from run 2 (as of 2025-06-30) to run 3 (as of 2025-07-31)`
pub fn movement(from: i64, from_as_of: &str, to: i64, to_as_of: &str) -> String {
    format!("Movement from run {from} (as of {from_as_of}) to run {to} (as of {to_as_of})")
}

/// A mark's tooltip: `Champions: 1,234 customers (12.3%)`.
pub fn size_tip(name: &str, customers: &str, share: f64) -> String {
    format!("{name}: {customers} customers ({:.1}%)", share * 100.0)
}

/// `12 customers, average 340.5`
pub fn cell_tip(customers: &str, average: Option<&str>) -> String {
    match average {
        Some(a) => format!("{customers} customers, average {a}"),
        None => format!("{customers} customers"),
    }
}

/// `A → B: 12 customers`
pub fn flow_tip(from: &str, to: &str, customers: &str) -> String {
    format!("{from} → {to}: {customers} customers")
}

/// `run 2 (2025-06-30)`
pub fn run_name(run_id: i64, as_of: &str) -> String {
    format!("run {run_id} ({as_of})")
}

/// `12 to 24: 5 customers`
pub fn bin_tip(low: &str, high: &str, customers: &str) -> String {
    format!("{low} to {high}: {customers} customers")
}

// What `seg report` (and `--report` of `seg run` and `seg watch`) says
// on the terminal.

pub const NEEDS_DB: &str = "`seg report` needs the database `seg run` wrote";
pub const NEEDS_DB_HELP: &str = "pass --db <file>, the same --db as the run's";
pub const RULES_HAVE_ERRORS: &str = "no report: the rules have errors";

/// `--metric spend` names no metric of the rules.
pub fn unknown_metric(metric: &str) -> String {
    format!("the rules have no numeric metric `{metric}` to sum per label")
}

/// The metrics `--metric` can name.
pub fn metrics_help(metrics: &[String]) -> String {
    if metrics.is_empty() {
        "the rules define no numeric metric; leave --metric out".to_string()
    } else {
        format!("--metric takes one of: {}", metrics.join(", "))
    }
}

/// The report file cannot be written.
pub fn cannot_write(file: &str, error: &str) -> String {
    format!("cannot write the report `{file}`: {error}")
}

pub const CANNOT_WRITE_HELP: &str = "check that the folder exists and can be written to";

/// `report: report.html (run 3, as of 2026-01-01)`
pub fn written(file: &str, run_id: i64, as_of: &str) -> String {
    format!("report: {file} (run {run_id}, as of {as_of})\n")
}

/// After a run that published, the report failed.
pub const RUN_PUBLISHED: &str = "the run published its tables; only the report was not written";
