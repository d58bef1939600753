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
    /// The language seg speaks (default: from LC_ALL, LC_MESSAGES, LANG).
    #[arg(long, global = true, value_enum, value_name = "LANG")]
    pub lang: Option<Lang>,
}

/// `--lang`: a language seg speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    /// `--lang`, else the environment's locale.
    pub fn chosen(lang: Option<Lang>) -> seg::i18n::Lang {
        match lang {
            Some(Lang::En) => seg::i18n::Lang::En,
            Some(Lang::Zh) => seg::i18n::Lang::Zh,
            None => seg::i18n::Lang::from_env(|name| std::env::var(name).ok()),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse and check a rule set: names, types, columns. Nothing runs.
    Check(CheckArgs),
    /// Find rules that never match, customers no rule reaches, conditions that never hold. Nothing runs.
    Lint(LintArgs),
    /// Print the SQL a run executes.
    Compile(CompileArgs),
    /// Run a rule set and write the tagged tables.
    Run(RunArgs),
    /// Run a rule set, then again on every saved change (and on a schedule).
    Watch(WatchArgs),
    /// Generate sample data, run the rules in `rules/` on it, print the result.
    Demo(DemoArgs),
    /// Run the rule set's tests: the cases in tests/<case>/ beside the rules.
    Test(TestArgs),
    /// Label and tag sizes of every run of a database.
    History(HistoryArgs),
    /// Who moved between labels, and who gained or lost tags, between two runs.
    Changes(ChangesArgs),
    /// What a rule change would do on the same data: two rule sets, or the working tree against a git revision.
    Diff(DiffArgs),
    /// Explain a diagnostic code (E101, W001 ...).
    Explain(ExplainArgs),
    /// Rewrite rule files in the canonical layout (--check: only show the diff).
    Fmt(FmtArgs),
    /// The language server for editors, over stdin and stdout (see docs/editors.md).
    Lsp(LspArgs),
    /// Why a customer has their labels and tags: every value, rule and comparison.
    Why(WhyArgs),
    /// One self-contained HTML page of the last run: sizes, the R × F grid, tags, distributions, history.
    Report(ReportArgs),
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
    /// The date the run is as of (default: the rules' `as of`, else today, UTC); `seg run` also takes a range, FROM..TO with --step.
    #[arg(long, value_name = "DATE", value_parser = as_of)]
    pub as_of: Option<AsOf>,
    /// Read file sources only from this folder (repeatable; also SEG_ALLOW_PATH, `:`-separated). Default: anywhere.
    #[arg(long = "allow-path", value_name = "DIR")]
    pub allow_paths: Vec<PathBuf>,
}

impl RuleArgs {
    /// The one date the rules are evaluated at: `--as-of`, or the first
    /// date of its range.
    pub fn as_of_date(&self) -> Option<Date> {
        self.as_of.map(|a| match a {
            AsOf::Date(d) | AsOf::Range(d, _) => d,
        })
    }

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
pub struct LintArgs {
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Also report metrics that no rule, score, tag or metric uses (every metric is a column of seg_customers, so by default they count as outputs).
    #[arg(long)]
    pub unused_metrics: bool,
    /// How to print the findings.
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
    /// With --as-of FROM..TO: run at every date from FROM to TO this far apart (1day, 1week, 1month, 3months ...).
    #[arg(long, value_name = "STEP", value_parser = step)]
    pub step: Option<Step>,
    /// How to print the summary.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// How long to wait for the database while another process has it open, then fail (status 2).
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_WAIT)]
    pub wait: u64,
    /// Print nothing but errors and warnings (no summary, no progress bar); --format json still prints the summary.
    #[arg(long, short)]
    pub quiet: bool,
    /// Refuse to publish when an `expect` of the rules fails: exit 1, the previous tables untouched.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub resources: ResourceArgs,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Compute, summarise and compare with the last run, then publish nothing: the database is left as it was (not created if missing).
    #[arg(long)]
    pub dry_run: bool,
    /// After the run, write its HTML report to this file (as `seg report -o FILE`).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

/// How much of the machine DuckDB may use (`seg run`, `seg watch`, `seg demo`).
#[derive(Debug, Args)]
pub struct ResourceArgs {
    /// DuckDB's memory limit: 4GB, 512MB, 8GiB ... (default: 80% of the machine's memory); what does not fit spills to a folder beside the database.
    #[arg(long, value_name = "SIZE", value_parser = memory_size)]
    pub memory_limit: Option<String>,
    /// How many threads DuckDB may use (default: one per core).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
}

/// `seg compile`: the rule set, and which engine's SQL to print.
#[derive(Debug, Args)]
pub struct CompileArgs {
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Whose SQL to print: DuckDB's (what `seg run` executes) or Spark's (`seg run --engine spark`).
    #[arg(long, value_enum, default_value_t = EngineKind::Duckdb)]
    pub dialect: EngineKind,
    /// With --dialect spark: the format its tables are written in.
    #[arg(long, value_enum, default_value_t = TableFormatArg::Parquet)]
    pub table_format: TableFormatArg,
}

/// Where `seg run` computes and publishes: the DuckDB file of --db, or a
/// Spark cluster through Spark Connect.
#[derive(Debug, Args)]
pub struct EngineArgs {
    /// The engine that runs the rules: DuckDB (the --db file) or Apache Spark (through Spark Connect, --remote).
    #[arg(long, value_enum, default_value_t = EngineKind::Duckdb)]
    pub engine: EngineKind,
    /// With --engine spark: the Spark Connect server, e.g. sc://spark-host:15002.
    #[arg(long, value_name = "URL")]
    pub remote: Option<String>,
    /// With --engine spark: the schema (database) the tables are written in; created if missing.
    #[arg(long, value_name = "NAME", default_value = "seg")]
    pub schema: String,
    /// With --engine spark: the format tables are written in (Delta and Iceberg replace each table atomically).
    #[arg(long, value_enum, default_value_t = TableFormatArg::Parquet)]
    pub table_format: TableFormatArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EngineKind {
    Duckdb,
    Spark,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormatArg {
    Parquet,
    Delta,
    Iceberg,
}

impl TableFormatArg {
    pub fn format(self) -> seg::sql::TableFormat {
        match self {
            TableFormatArg::Parquet => seg::sql::TableFormat::Parquet,
            TableFormatArg::Delta => seg::sql::TableFormat::Delta,
            TableFormatArg::Iceberg => seg::sql::TableFormat::Iceberg,
        }
    }
}

/// Seconds a run waits for a database another process has open.
pub const DEFAULT_WAIT: u64 = 5;

#[derive(Debug, Args)]
pub struct WhyArgs {
    /// The customer's key (or, with --where, the rule set's PATH).
    pub customer: Option<String>,
    /// A folder of .seg files (every .seg file in it), or one .seg file.
    pub path: Option<PathBuf>,
    /// The database whose published tables are explained (and tables are read from).
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Override a param: --set vip_spend=8000 (checked against its type).
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = name_value)]
    pub params: Vec<(String, String)>,
    /// Read a source from elsewhere: --source orders=data/orders.csv, or a table name.
    #[arg(long = "source", value_name = "NAME=PATH_OR_TABLE", value_parser = name_value)]
    pub sources: Vec<(String, String)>,
    /// Compute the rules afresh as of this date (nothing is written) instead of reading the published tables.
    #[arg(long, value_name = "DATE", value_parser = date)]
    pub as_of: Option<Date>,
    /// Read file sources only from this folder (repeatable; also SEG_ALLOW_PATH).
    #[arg(long = "allow-path", value_name = "DIR")]
    pub allow_paths: Vec<PathBuf>,
    /// The customers a condition holds for, instead of one customer: --where "tier = 'A'".
    #[arg(long = "where", value_name = "CONDITION")]
    pub condition: Option<String>,
    /// With --where: at most this many customers, by key.
    #[arg(long, default_value_t = 5)]
    pub limit: u64,
    /// How to print the trace.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Also run on a timer: --every 15m (30s, 1h, 1h30m ...).
    #[arg(long, value_name = "DURATION", value_parser = every)]
    pub every: Option<std::time::Duration>,
    /// Also run on a cron schedule, in the machine's local time: --cron "0 6 * * *".
    #[arg(long, value_name = "EXPRESSION", value_parser = cron)]
    pub cron: Option<croner::Cron>,
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
    #[command(flatten)]
    pub resources: ResourceArgs,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// A folder of .seg files (its cases are in PATH/tests/), or one .seg file.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Write the snapshot of every case that changed or is new.
    #[arg(long)]
    pub accept: bool,
    /// How to report: for people, JSON, JUnit XML for CI, GitHub annotations.
    #[arg(long, value_enum, default_value_t = TestFormat::Human)]
    pub format: TestFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    Human,
    Json,
    Junit,
    Github,
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
pub struct DiffArgs {
    /// OLD NEW: two rule sets (folders or .seg files). Or REV [PATH]: PATH (default `.`) against the same path at git revision REV.
    #[arg(value_name = "OLD|REV", num_args = 0..=2)]
    pub rule_sets: Vec<PathBuf>,
    /// The git revision to compare the working tree's PATH with (then only PATH is given): --base main, --base HEAD~1.
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// A DuckDB database to read table sources from; opened read-only, nothing is written.
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Override a param in both rule sets: --set vip_spend=8000.
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = name_value)]
    pub params: Vec<(String, String)>,
    /// Read a source of both rule sets from elsewhere: --source orders=data/orders.csv, or a table name.
    #[arg(long = "source", value_name = "NAME=PATH_OR_TABLE", value_parser = name_value)]
    pub sources: Vec<(String, String)>,
    /// The date both rule sets are evaluated at (default: each one's `as of`, else today, UTC).
    #[arg(long, value_name = "DATE", value_parser = as_of)]
    pub as_of: Option<AsOf>,
    /// Read file sources only from this folder (repeatable; also SEG_ALLOW_PATH).
    #[arg(long = "allow-path", value_name = "DIR")]
    pub allow_paths: Vec<PathBuf>,
    /// How to print who moved.
    #[arg(long, value_enum, default_value_t = ChangesFormat::Human)]
    pub format: ChangesFormat,
}

impl DiffArgs {
    /// The arguments every rule-reading command takes, for one side.
    pub fn rules(&self, path: PathBuf) -> RuleArgs {
        RuleArgs {
            path,
            db: self.db.clone(),
            params: self.params.clone(),
            sources: self.sources.clone(),
            as_of: self.as_of,
            allow_paths: self.allow_paths.clone(),
        }
    }
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A code like E101, or its name like unknown-name.
    pub code: Option<String>,
    /// Print every code (the text of docs/diagnostics.md).
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct FmtArgs {
    /// A folder (every .seg file in it), one .seg file, or `-` to format stdin to stdout.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Write nothing: print a unified diff of what would change, and exit 1 if anything would.
    #[arg(long)]
    pub check: bool,
}

/// `seg report`: the rule set a database was run with, the database, the
/// page to write.
#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub rules: RuleArgs,
    /// The HTML file to write (replaced whole).
    #[arg(long = "output", short = 'o', value_name = "FILE")]
    pub output: PathBuf,
    /// The metric summed per label (default: `monetary`, when the rules have one).
    #[arg(long, value_name = "NAME")]
    pub metric: Option<String>,
}

#[derive(Debug, Args)]
pub struct LspArgs {
    /// The DuckDB database sources that are tables are read from (read-only), as `seg check --db`.
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Speak over stdin and stdout (the only way; editors pass it, so it is accepted).
    #[arg(long, hide = true)]
    pub stdio: bool,
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

/// `--as-of`: one date, or the first and last date of a replay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsOf {
    Date(Date),
    /// `FROM..TO`, both included; never empty.
    Range(Date, Date),
}

fn as_of(s: &str) -> Result<AsOf, String> {
    let Some((from, to)) = s.split_once("..") else {
        return date(s).map(AsOf::Date);
    };
    let (from, to) = (date(from)?, date(to)?);
    if to < from {
        return Err(format!(
            "the range {from}..{to} ends before it starts: give the earlier date first"
        ));
    }
    Ok(AsOf::Range(from, to))
}

/// `--step`: how far apart the dates of a replay are, in days, weeks or
/// calendar months.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub amount: u32,
    pub unit: StepUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepUnit {
    Day,
    Week,
    Month,
}

fn step(s: &str) -> Result<Step, String> {
    let wrong = || format!("expected a step like 1day, 1week, 1month or 3months, got `{s}`");
    let text = s.trim();
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let (amount, unit) = text.split_at(digits);
    let amount: u32 = amount.parse().map_err(|_| wrong())?;
    let unit = match unit.trim() {
        "day" | "days" => StepUnit::Day,
        "week" | "weeks" => StepUnit::Week,
        "month" | "months" => StepUnit::Month,
        _ => return Err(wrong()),
    };
    if amount == 0 {
        return Err(format!("a step of {s} never moves on: give at least 1"));
    }
    Ok(Step { amount, unit })
}

impl Step {
    /// The dates from `from` to `to` (both included when the steps land on
    /// it): `from` plus 0, 1, 2 ... steps. A month step counts from `from`,
    /// each date clamped to the end of a shorter month, so from January 31
    /// it gives February 28 (or 29), March 31, April 30 ...
    pub fn dates(self, from: Date, to: Date) -> Vec<Date> {
        let mut dates = Vec::new();
        for n in 0i64.. {
            let steps = n * i64::from(self.amount);
            let span = match self.unit {
                StepUnit::Day => jiff::Span::new().try_days(steps),
                StepUnit::Week => jiff::Span::new().try_weeks(steps),
                StepUnit::Month => jiff::Span::new().try_months(steps),
            };
            match span.ok().and_then(|span| from.checked_add(span).ok()) {
                Some(date) if date <= to => dates.push(date),
                _ => break,
            }
        }
        dates
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

/// A `humantime` duration of at least a second: `15m`, `1h 30m`, `90s`.
fn every(s: &str) -> Result<std::time::Duration, String> {
    let duration = humantime::parse_duration(s).map_err(|e| format!("{e} (e.g. 30s, 15m, 2h)"))?;
    if duration < std::time::Duration::from_secs(1) {
        return Err("the interval must be at least 1s".into());
    }
    Ok(duration)
}

impl ResourceArgs {
    pub fn resources(&self) -> seg::engine::Resources {
        seg::engine::Resources {
            memory_limit: self.memory_limit.clone(),
            threads: self.threads,
            temp_directory: None,
        }
    }
}

/// `--memory-limit`: a number and one of the units DuckDB reads.
fn memory_size(s: &str) -> Result<String, String> {
    const UNITS: [&str; 9] = ["B", "KB", "MB", "GB", "TB", "KiB", "MiB", "GiB", "TiB"];
    let text = s.trim();
    let number_end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(number_end);
    let unit = UNITS.iter().find(|u| u.eq_ignore_ascii_case(unit.trim()));
    match (number.parse::<f64>(), unit) {
        (Ok(n), Some(unit)) if n > 0.0 => Ok(format!("{number}{unit}")),
        _ => Err(format!(
            "expected a size like 4GB, 512MB or 8GiB (units KB, MB, GB, TB or KiB, MiB, GiB, TiB), got `{s}`"
        )),
    }
}

/// A cron expression of five fields (or six, with seconds first).
fn cron(s: &str) -> Result<croner::Cron, String> {
    s.parse::<croner::Cron>().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date as d;

    #[test]
    fn as_of_takes_a_date_or_a_range_that_is_not_empty() {
        assert_eq!(as_of("2024-03-01"), Ok(AsOf::Date(d(2024, 3, 1))));
        assert_eq!(
            as_of("2024-01-01..2024-12-01"),
            Ok(AsOf::Range(d(2024, 1, 1), d(2024, 12, 1)))
        );
        assert_eq!(
            as_of("2024-05-01..2024-05-01"),
            Ok(AsOf::Range(d(2024, 5, 1), d(2024, 5, 1)))
        );
        assert!(
            as_of("2024-12-01..2024-01-01")
                .unwrap_err()
                .contains("ends before it starts")
        );
        assert!(as_of("2024-01-01..").is_err());
        assert!(as_of("2024-01-01...2024-02-01").is_err());
    }

    #[test]
    fn memory_sizes_have_a_unit_duckdb_reads() {
        assert_eq!(memory_size("4GB"), Ok("4GB".to_string()));
        assert_eq!(memory_size("512 mb"), Ok("512MB".to_string()));
        assert_eq!(memory_size("1.5gib"), Ok("1.5GiB".to_string()));
        for wrong in ["4", "4 gigs", "GB", "0GB", "-1GB", "80%", ""] {
            assert!(memory_size(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn steps_are_days_weeks_or_months() {
        let step_of = |amount, unit| Ok(Step { amount, unit });
        assert_eq!(step("1day"), step_of(1, StepUnit::Day));
        assert_eq!(step("7days"), step_of(7, StepUnit::Day));
        assert_eq!(step("2weeks"), step_of(2, StepUnit::Week));
        assert_eq!(step("1month"), step_of(1, StepUnit::Month));
        assert_eq!(step("3 months"), step_of(3, StepUnit::Month));
        for wrong in ["month", "1year", "1m", "-1day", "1.5days", "0days", ""] {
            assert!(step(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn dates_include_both_ends_and_months_clamp_to_the_month_end() {
        let monthly = Step {
            amount: 1,
            unit: StepUnit::Month,
        };
        assert_eq!(
            monthly.dates(d(2024, 1, 31), d(2024, 5, 31)),
            vec![
                d(2024, 1, 31),
                d(2024, 2, 29),
                d(2024, 3, 31),
                d(2024, 4, 30),
                d(2024, 5, 31)
            ]
        );
        assert_eq!(monthly.dates(d(2024, 1, 1), d(2024, 12, 1)).len(), 12);
        let weekly = Step {
            amount: 1,
            unit: StepUnit::Week,
        };
        // The next step, 2024-01-29, is past the end.
        assert_eq!(
            weekly.dates(d(2024, 1, 1), d(2024, 1, 28)),
            vec![d(2024, 1, 1), d(2024, 1, 8), d(2024, 1, 15), d(2024, 1, 22)]
        );
        let daily = Step {
            amount: 1,
            unit: StepUnit::Day,
        };
        assert_eq!(
            daily.dates(d(2024, 2, 28), d(2024, 2, 28)),
            vec![d(2024, 2, 28)]
        );
        // Near the end of the calendar the steps stop, never wrap.
        assert_eq!(
            monthly.dates(d(9999, 11, 30), d(9999, 12, 31)),
            vec![d(9999, 11, 30), d(9999, 12, 30)]
        );
    }
}
