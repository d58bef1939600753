//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::Command;

use seg::Checked;
use seg::diagnostic::render;
use seg::engine::{self, Engine, EngineError, RunOptions, RunSummary, Silent};
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

/// Diagnostics as a user sees them, without colour, at a fixed width, with
/// this checkout's folder written `[crate]` (before the text is wrapped, so
/// snapshots do not depend on where the clone is).
pub fn rendered(files: &SourceMap, checked: &Checked) -> String {
    let here = env!("CARGO_MANIFEST_DIR");
    let portable = |text: &str| text.replace(here, "[crate]");
    let diagnostics: Vec<_> = checked
        .diagnostics
        .iter()
        .cloned()
        .map(|mut d| {
            d.message = portable(&d.message);
            d.help = d.help.as_deref().map(portable);
            for label in d.primary.iter_mut().chain(&mut d.secondary) {
                label.message = portable(&label.message);
            }
            d
        })
        .collect();
    let mut out = render::human(&diagnostics, files, render::Style::PLAIN);
    out.push_str(&render::totals(&diagnostics));
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
            "crm_tags" => &[("customer_id", "BIGINT"), ("tag", "VARCHAR")],
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

    /// The hand-assigned tags of `crm_tags`, as in tests/fixtures/data.
    fn distinct_values(
        &self,
        location: &Location,
        column: &str,
        _: usize,
    ) -> Result<Vec<String>, String> {
        match location {
            Location::File { path, .. } if path.ends_with("crm_tags.csv") && column == "tag" => {
                Ok(vec!["key_account".into(), "newsletter".into()])
            }
            _ => Err("the values are not known".into()),
        }
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

/// Writes files with DuckDB, for tests that need exact types or many rows:
/// `{dir}` in `sql` stands for `dir`.
pub fn write_data(dir: &Path, sql: &str) {
    let conn = duckdb::Connection::open_in_memory().unwrap();
    conn.execute_batch(&sql.replace("{dir}", &dir.display().to_string()))
        .unwrap();
}

/// Checks the rule set at `rules` (a file or folder) against the data and
/// runs it into `db`, as `seg run` would. Rule errors fail the test.
pub fn run_rule_set(
    rules: &Path,
    db: &Path,
    settings: &Settings,
) -> Result<RunSummary, EngineError> {
    let files = read_rule_set(rules).expect("rule set exists");
    let engine = Engine::open(db).expect("database opens");
    let program = program_of(&files, seg::check(&files, &engine, settings));
    let plan = seg::compile(&program);
    engine::run(&engine, &program, &plan, &RunOptions::default(), &Silent)
}

/// Writes `rules` into `dir` and runs them into `dir/seg.duckdb`.
pub fn try_run_rules(dir: &Path, rules: &str) -> Result<(RunSummary, PathBuf), EngineError> {
    let path = dir.join("rules.seg");
    std::fs::write(&path, rules).unwrap();
    let db = dir.join("seg.duckdb");
    let summary = run_rule_set(&path, &db, &settings(Mode::Run))?;
    Ok((summary, db))
}

pub fn run_rules(dir: &Path, rules: &str) -> (RunSummary, PathBuf) {
    try_run_rules(dir, rules).unwrap()
}

/// Who carries each tag, from the published long table: one line per tag,
/// `tag: id id ...`, tags and ids in order.
pub fn members(db: &Path) -> String {
    table(
        db,
        "SELECT tag || ': ' || string_agg(customer_id::VARCHAR, ' ' ORDER BY customer_id) AS m \
         FROM seg_customer_tags GROUP BY tag ORDER BY tag",
    )
    .lines()
    .skip(1)
    .collect::<Vec<_>>()
    .join("\n")
}

/// A rule set under tests/fixtures/err with the settings its `# seg-test:`
/// line asks for (tests/fixtures/README.md).
pub struct ErrorFixture {
    pub name: String,
    pub files: SourceMap,
    pub settings: Settings,
    /// `--allow-path` folders.
    pub allow: Vec<PathBuf>,
    /// Why the rule set could not be read at all (E404), if it could not.
    pub unreadable: Option<seg::diagnostic::Diagnostic>,
}

/// Every file and folder directly under tests/fixtures/err, in name order.
pub fn error_fixture_paths() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixture("err"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    paths.sort();
    paths
}

impl ErrorFixture {
    /// Reads a fixture; `path` may be absolute (from `insta::glob!`), and
    /// is shown relative to the crate, as `seg check tests/...` would.
    pub fn load(path: &Path) -> ErrorFixture {
        let path = path
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(path);
        let name = path.display().to_string();
        let mut fixture = ErrorFixture {
            name,
            files: SourceMap::default(),
            settings: settings(Mode::Check),
            allow: Vec::new(),
            unreadable: None,
        };
        match read_rule_set(path) {
            Ok(files) => fixture.files = files,
            Err(e) => fixture.unreadable = Some(e.diagnostic()),
        }
        let lines: Vec<String> = fixture
            .files
            .iter()
            .flat_map(|(_, file)| file.text.lines().map(String::from).collect::<Vec<_>>())
            .collect();
        for line in lines {
            if let Some(args) = line.strip_prefix("# seg-test:") {
                fixture
                    .apply(args)
                    .unwrap_or_else(|e| panic!("{}: `{line}`: {e}", fixture.name));
            }
        }
        fixture
    }

    /// Checks the fixture against its data files, as `seg check` (or, with
    /// `run`, `seg run`) would before running.
    pub fn check(&self) -> Checked {
        if let Some(d) = &self.unreadable {
            return Checked {
                program: None,
                diagnostics: vec![d.clone()],
            };
        }
        let mut engine = Engine::in_memory().expect("DuckDB opens");
        engine
            .confine_to(&self.allow)
            .expect("the allowed folders exist");
        seg::check(&self.files, &engine, &self.settings)
    }

    fn apply(&mut self, args: &str) -> Result<(), String> {
        let mut rest = Vec::new();
        let mut words = args.split_whitespace();
        while let Some(word) = words.next() {
            if word == "--allow-path" {
                let dir = words.next().ok_or("`--allow-path` needs a value")?;
                self.allow.push(PathBuf::from(dir));
            } else {
                rest.push(word);
            }
        }
        apply_test_args(&mut self.settings, &rest.join(" "))
    }
}

/// `run`, `--set NAME=VALUE`, `--source NAME=VALUE`, `--as-of DATE`
/// (`--allow-path DIR` is taken by [`ErrorFixture::apply`]).
fn apply_test_args(settings: &mut Settings, args: &str) -> Result<(), String> {
    let mut words = args.split_whitespace();
    while let Some(word) = words.next() {
        let mut value = || words.next().ok_or(format!("`{word}` needs a value"));
        let pair = |v: &str| {
            v.split_once('=')
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .ok_or(format!("`{word} {v}`: expected NAME=VALUE"))
        };
        match word {
            "run" => settings.mode = Mode::Run,
            "--set" => settings.params.push(pair(value()?)?),
            "--source" => settings.sources.push(pair(value()?)?),
            "--as-of" => {
                let date = value()?;
                settings.as_of = Some(date.parse().map_err(|e| format!("{date}: {e}"))?);
            }
            _ => return Err(format!("unknown option `{word}`")),
        }
    }
    Ok(())
}

/// The `seg` binary, without colour.
pub fn seg() -> Command {
    let mut cmd = Command::new(insta_cmd::get_cargo_bin("seg"));
    cmd.env("NO_COLOR", "1");
    // English, whatever the locale of whoever runs the tests.
    for locale in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        cmd.env_remove(locale);
    }
    cmd
}
