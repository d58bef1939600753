//! Arguments, turned into validated values at the edge.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use jiff::civil::Date;
use seg::engine::history::RunRef;

#[derive(Debug, Parser)]
#[command(
    name = "seg",
    version,
    about = "Customer-segmentation rules in plain text, compiled to SQL and run on DuckDB",
    after_help = "Exit status: 0 clean (warnings allowed), 1 errors in the rules, 2 usage, data or IO errors."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse and check a rule set: names, types, columns. Nothing runs.
    Check(CheckArgs),
    /// Print the SQL a run executes.
    Compile(RuleArgs),
    /// Run a rule set and write the tagged tables.
    Run(RunArgs),
    /// Generate sample data, run the rules in `rules/` on it, print the result.
    Demo(DemoArgs),
    /// Label and tag sizes of every run of a database.
    History(HistoryArgs),
    /// Who moved between labels, and who gained or lost tags, between two runs.
    Changes(ChangesArgs),
    /// Explain a diagnostic code (E101, W001 ...).
    Explain(ExplainArgs),
}

/// What every command that reads a rule set takes.
#[derive(Debug, Args)]
pub struct RuleArgs {
    /// A folder of .seg files (every .seg file in it), or one .seg file.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The DuckDB database: sources that are tables are read from it, and `seg run` writes its tables to it.
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Override a param: --set vip_spend=8000 (checked against its type).
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = name_value)]
    pub params: Vec<(String, String)>,
    /// Read a source from elsewhere: --source orders=data/orders.csv, or a table name.
    #[arg(long = "source", value_name = "NAME=PATH_OR_TABLE", value_parser = name_value)]
    pub sources: Vec<(String, String)>,
    /// The date the run is as of (default: the rules' `as of`, else today, UTC).
    #[arg(long, value_name = "DATE", value_parser = date)]
    pub as_of: Option<Date>,
    /// Read file sources only from this folder (repeatable; also SEG_ALLOW_PATH, `:`-separated). Default: anywhere.
    #[arg(long = "allow-path", value_name = "DIR")]
    pub allow_paths: Vec<PathBuf>,
}

impl RuleArgs {
    /// The folders file sources are confined to: every `--allow-path`,
    /// then those of `SEG_ALLOW_PATH`.
    pub fn allowed_folders(&self) -> Vec<PathBuf> {
        let from_env = std::env::var_os("SEG_ALLOW_PATH")
            .map(|v| std::env::split_paths(&v).collect::<Vec<_>>())
            .unwrap_or_default();
        self.allow_paths
            .iter()
            .cloned()
            .chain(from_env.into_iter().filter(|p| !p.as_os_str().is_empty()))
            .collect()
    }
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub rules: RuleArgs,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Also write the wide and long tables to this folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The file format for --out.
    #[arg(long, value_enum, default_value_t = OutFormat::Parquet)]
    pub out_format: OutFormat,
    /// How to print the summary.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many customers to generate (up to 100,000,000).
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    pub customers: u64,
    /// The seed of the generator: the same seed gives the same data.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Where to write the data (DIR/data/*.parquet) and the database (DIR/seg.duckdb).
    #[arg(long, default_value = "demo")]
    pub dir: PathBuf,
    /// The rule set to run.
    #[arg(long, default_value = "rules")]
    pub rules: PathBuf,
    /// How to print the summary.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The database `seg run` wrote.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Only the last N runs (human output: the last 10 unless given).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub last: Option<u64>,
    /// How to print the runs.
    #[arg(long, value_enum, default_value_t = TableFormat::Human)]
    pub format: TableFormat,
}

#[derive(Debug, Args)]
pub struct ChangesArgs {
    /// The database `seg run` wrote.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// The earlier run: a run id, or a date (the last run as of that date or earlier). Default: the run before --to.
    #[arg(long, value_name = "RUN|DATE", value_parser = run_ref)]
    pub from: Option<RunRef>,
    /// The later run: a run id or a date. Default: the last run.
    #[arg(long, value_name = "RUN|DATE", value_parser = run_ref)]
    pub to: Option<RunRef>,
    /// Only this segmentation (or `tag:NAME` for one tag).
    #[arg(long, value_name = "S")]
    pub segmentation: Option<String>,
    /// How to print the changes.
    #[arg(long, value_enum, default_value_t = ChangesFormat::Human)]
    pub format: ChangesFormat,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A code like E101, or its name like unknown-name.
    pub code: Option<String>,
    /// Print every code (the text of docs/diagnostics.md).
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    Human,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChangesFormat {
    Human,
    Json,
    Csv,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutFormat {
    Parquet,
    Csv,
}

fn name_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.to_string()))
        }
        _ => Err(format!("expected NAME=VALUE, got `{s}`")),
    }
}

/// A run id (`12`) or a date (`2026-03-31`).
fn run_ref(s: &str) -> Result<RunRef, String> {
    if let Ok(id) = s.parse::<i64>() {
        return Ok(RunRef::Id(id));
    }
    date(s)
        .map(RunRef::Date)
        .map_err(|_| format!("expected a run id like 12 or a date like 2026-03-31, got `{s}`"))
}

/// Exactly `YYYY-MM-DD`, as in rule files (no time of day).
fn date(s: &str) -> Result<Date, String> {
    let well_formed = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
    well_formed
        .then(|| s.parse::<Date>().ok())
        .flatten()
        .ok_or_else(|| format!("expected a date like 2025-06-30, got `{s}`"))
}
