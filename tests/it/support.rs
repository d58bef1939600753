//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use seg::Checked;
use seg::diagnostic::render;
use seg::engine::Engine;
use seg::semantic::ir::Location;
use seg::semantic::{Catalog, Column, Mode, Settings};
use seg::source::{SourceMap, read_rule_set};

/// A path under `tests/fixtures`.
pub fn fixture(path: &str) -> PathBuf {
    Path::new("tests/fixtures").join(path)
}

pub fn today() -> jiff::civil::Date {
    jiff::civil::date(2025, 6, 30)
}

pub fn settings(mode: Mode) -> Settings {
    Settings::new(mode, today())
}

/// Reads and checks a fixture rule set against the real data files.
pub fn check_fixture(path: &str, settings: &Settings) -> (SourceMap, Checked) {
    let files = read_rule_set(&fixture(path)).expect("fixture exists");
    let engine = Engine::in_memory().expect("DuckDB opens");
    let checked = seg::check(&files, &engine, settings);
    (files, checked)
}

/// The program of a rule set that must check cleanly; the diagnostics,
/// rendered, as the failure message otherwise.
pub fn program_of(files: &SourceMap, checked: Checked) -> seg::semantic::Program {
    if checked.has_errors() {
        panic!("{}", rendered(files, &checked));
    }
    checked.program.expect("no errors, so a program")
}

/// The codes of the diagnostics, in order.
pub fn codes(checked: &Checked) -> Vec<&'static str> {
    checked
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect()
}

/// Diagnostics as a user sees them, without colour, at a fixed width.
pub fn rendered(files: &SourceMap, checked: &Checked) -> String {
    let mut out = render::human(&checked.diagnostics, files, render::Style::PLAIN);
    out.push_str(&render::totals(&checked.diagnostics));
    out.push('\n');
    out
}

/// Columns for rules written inline in tests, as if from real files.
pub struct Columns;

impl Catalog for Columns {
    fn columns(&self, location: &Location) -> Result<Vec<Column>, String> {
        let name = match location {
            Location::File { path, .. } => path.file_stem().unwrap().to_string_lossy().into_owned(),
            Location::Table(t) => t.clone(),
        };
        let columns: &[(&str, &str)] = match name.as_str() {
            "customers" => &[
                ("customer_id", "BIGINT"),
                ("region", "VARCHAR"),
                ("signup_date", "DATE"),
                ("income", "BIGINT"),
                ("is_vip", "BOOLEAN"),
            ],
            "orders" => &[
                ("order_id", "BIGINT"),
                ("customer_id", "BIGINT"),
                ("ordered_at", "TIMESTAMP"),
                ("amount", "DECIMAL(10,2)"),
                ("status", "VARCHAR"),
                ("channel", "VARCHAR"),
            ],
            _ => return Err(format!("no file `{name}`")),
        };
        Ok(columns
            .iter()
            .map(|(n, t)| Column {
                name: n.to_string(),
                sql_type: t.to_string(),
            })
            .collect())
    }
}

/// The sources every inline test starts from.
pub const SOURCES: &str = "\
source customers from \"customers.csv\" key customer_id
source orders from \"orders.csv\" by customer_id at ordered_at
as of 2025-06-30
";

/// Checks rules written inline (after [`SOURCES`]).
pub fn check_text(rules: &str) -> (SourceMap, Checked) {
    let files = SourceMap::from_text("rules.seg", &format!("{SOURCES}{rules}"));
    let checked = seg::check(&files, &Columns, &settings(Mode::Check));
    (files, checked)
}

/// A query's result as text: a header line, then one line per row, every
/// value as DuckDB prints it (`∅` for a missing value).
pub fn table(db: &Path, sql: &str) -> String {
    let config = duckdb::Config::default()
        .access_mode(duckdb::AccessMode::ReadOnly)
        .unwrap();
    let conn = duckdb::Connection::open_with_flags(db, config).expect("database opens");
    let mut statement = conn
        .prepare(&format!("SELECT COLUMNS(*)::VARCHAR FROM ({sql})"))
        .expect("query prepares");
    let mut rows = statement.query([]).expect("query runs");
    let mut lines = Vec::new();
    while let Some(row) = rows.next().unwrap() {
        let n = row.as_ref().column_count();
        let values: Vec<String> = (0..n)
            .map(|i| {
                row.get::<_, Option<String>>(i)
                    .unwrap()
                    .unwrap_or_else(|| "∅".into())
            })
            .collect();
        lines.push(values.join(" | "));
    }
    let header = rows
        .as_ref()
        .map(|s| s.column_names().join(" | "))
        .unwrap_or_default();
    format!("{header}\n{}", lines.join("\n"))
}
