//! `seg check`: every problem in a rule set, in one pass.

use seg::Checked;
use seg::engine::Engine;
use seg::semantic::{Mode, Settings};
use seg::source::{SourceMap, read_rule_set};

use super::args::{CheckArgs, Format, RuleArgs};
use super::output;

pub fn run(args: CheckArgs) -> u8 {
    let engine = match open_for_reading(&args.rules) {
        Ok(e) => e,
        Err(status) => return status,
    };
    let (files, checked) = match load(&args.rules, Mode::Check, &engine) {
        Ok(x) => x,
        Err(status) => return status,
    };
    output::diagnostics(&checked.diagnostics, &files, args.format);
    if args.format == Format::Human {
        let n = files.len();
        output::stderr(&format!(
            "checked {n} file{} in {}: {}\n",
            if n == 1 { "" } else { "s" },
            args.rules.path.display(),
            output::totals(&checked.diagnostics)
        ));
    }
    output::status(&checked.diagnostics)
}

/// The database to read tables from (read-only), or an in-memory one.
pub fn open_for_reading(args: &RuleArgs) -> Result<Engine, u8> {
    let engine = match &args.db {
        Some(db) => Engine::open_read_only(db),
        None => Engine::in_memory(),
    };
    engine.map_err(|e| output::failure(&e))
}

/// Reads and checks the rule set. Errors reading the files themselves end
/// the command with status 2.
pub fn load(args: &RuleArgs, mode: Mode, engine: &Engine) -> Result<(SourceMap, Checked), u8> {
    let files = read_rule_set(&args.path).map_err(|e| {
        let help = match e {
            seg::source::LoadError::Empty { .. }
            | seg::source::LoadError::Missing { .. }
            | seg::source::LoadError::NotRules { .. } => Some(
                "give a folder of .seg files (every .seg file in it is one rule set) or one .seg file, e.g. `seg check rules`"
                    .to_string(),
            ),
            seg::source::LoadError::Io { .. } => None,
        };
        output::usage(e.to_string(), help)
    })?;
    let mut settings = Settings::new(mode, today());
    settings.as_of = args.as_of;
    settings.params = args.params.clone();
    settings.sources = args.sources.clone();
    let checked = seg::check(&files, engine, &settings);
    Ok((files, checked))
}

/// Today in UTC: the bundled DuckDB has no time zones, so seg decides.
pub fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
}
