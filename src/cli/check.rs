//! `seg check`: every problem in a rule set, in one pass.

use seg::Checked;
use seg::engine::{Engine, EngineError};
use seg::semantic::{Mode, Settings};
use seg::source::{LoadError, SourceMap, read_rule_set};

use seg::i18n::tr;

use super::args::{AsOf, CheckArgs, Format, RuleArgs};
use super::output;

pub fn run(args: CheckArgs) -> u8 {
    if let Err(status) = one_date(&args.rules, "check") {
        return status;
    }
    let engine = match open_for_reading(&args.rules) {
        Ok(e) => e,
        Err(status) => return status,
    };
    let (files, checked) = match load(&args.rules, Mode::Check, &engine, args.format) {
        Ok(x) => x,
        Err(status) => return status,
    };
    output::diagnostics(&checked.diagnostics, &files, args.format);
    if args.format == Format::Human {
        let n = files.len();
        output::stderr(&format!(
            "{}\n",
            tr!(
                "check-checked",
                n = n,
                path = args.rules.path.display().to_string(),
                totals = output::totals(&checked.diagnostics)
            )
        ));
    }
    output::status(&checked.diagnostics)
}

/// The database to read tables from (read-only), or an in-memory one,
/// confined to the `--allow-path` folders.
pub fn open_for_reading(args: &RuleArgs) -> Result<Engine, u8> {
    let engine = match &args.db {
        Some(db) => Engine::open_read_only(db),
        None => Engine::in_memory(),
    };
    engine
        .and_then(|e| confine(e, args))
        .map_err(|e| output::failure(&e))
}

/// Applies `--allow-path` (and `SEG_ALLOW_PATH`) to an engine.
pub fn confine(mut engine: Engine, args: &RuleArgs) -> Result<Engine, EngineError> {
    engine.confine_to(&args.allowed_folders())?;
    Ok(engine)
}

/// Reads and checks the rule set. Errors reading the files themselves end
/// the command with status 2 (as JSON diagnostics with `--format json`).
pub fn load(
    args: &RuleArgs,
    mode: Mode,
    engine: &Engine,
    format: Format,
) -> Result<(SourceMap, Checked), u8> {
    read_and_check(args, mode, engine).map_err(|e| unreadable(&e, format))
}

/// Reads and checks the rule set; the error is a rule set that cannot be read.
pub fn read_and_check(
    args: &RuleArgs,
    mode: Mode,
    engine: &Engine,
) -> Result<(SourceMap, Checked), LoadError> {
    let files = read_rule_set(&args.path)?;
    let checked = seg::check(&files, engine, &settings(args, mode));
    Ok((files, checked))
}

/// What the arguments ask of the checker (a range of dates: its first).
pub fn settings(args: &RuleArgs, mode: Mode) -> Settings {
    let mut settings = Settings::new(mode, today());
    settings.as_of = args.as_of_date();
    settings.params = args.params.clone();
    settings.sources = args.sources.clone();
    settings
}

/// Refuses `--as-of FROM..TO` where it means nothing: only `seg run`
/// replays dates.
pub fn one_date(args: &RuleArgs, command: &str) -> Result<(), u8> {
    match args.as_of {
        Some(AsOf::Range(..)) => Err(output::usage(
            tr!("one-date", command = command),
            Some(tr!("one-date.help")),
        )),
        _ => Ok(()),
    }
}

/// A rule set that cannot be read: said as a usage error, or as the one
/// JSON diagnostic (E404) for tools.
pub fn unreadable(error: &LoadError, format: Format) -> u8 {
    let diagnostic = error.diagnostic();
    if format == Format::Json {
        let diagnostics = [diagnostic];
        output::diagnostics(&diagnostics, &SourceMap::default(), format);
        return output::status(&diagnostics);
    }
    output::usage(diagnostic.message, diagnostic.help)
}

/// Today in UTC: the bundled DuckDB has no time zones, so seg decides.
pub fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
}
