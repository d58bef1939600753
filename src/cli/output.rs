//! Writing to the terminal: diagnostics, summaries, errors. Output that is
//! cut short by a closed pipe (`seg compile | head`) is not an error.

use std::io::{IsTerminal, Write};

use seg::diagnostic::{Diagnostic, render};
use seg::engine::EngineError;
use seg::i18n::tr;
use seg::source::SourceMap;
use unicode_width::UnicodeWidthStr;

use super::args::Format;
use super::{CLEAN, FAILURE, RULE_ERRORS};

/// Prints to stdout. A closed pipe (`seg compile | head`) just ends the
/// output; any other failure (a full disk) is an error: exit status 2.
pub fn stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            stderr(&format!(
                "{}\n",
                tr!("output-cannot-write", error = e.to_string())
            ));
            std::process::exit(i32::from(FAILURE));
        }
    }
}

/// Prints to stderr.
pub fn stderr(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
}

fn style() -> render::Style {
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let width = if colour { 120 } else { 100 };
    render::Style { colour, width }
}

/// At most this many diagnostics are drawn for a person; past that, more
/// only scroll the first ones away (and cost time). JSON has them all.
pub const HUMAN_LIMIT: usize = 100;

/// Prints diagnostics: as reports on stderr, or as a JSON array on stdout.
pub fn diagnostics(diagnostics: &[Diagnostic], files: &SourceMap, format: Format) {
    match format {
        Format::Human => {
            if !diagnostics.is_empty() {
                let shown = first_to_show(diagnostics, HUMAN_LIMIT);
                stderr(&render::human(&shown, files, style()));
            }
            if let Some(more) = diagnostics
                .len()
                .checked_sub(HUMAN_LIMIT)
                .filter(|&n| n > 0)
            {
                stderr(&format!(
                    "{}\n\n",
                    tr!("output-more", n = thousands(more as i64))
                ));
            }
        }
        Format::Json => {
            let json = render::json(diagnostics, files);
            stdout(&format!(
                "{}\n",
                serde_json::to_string_pretty(&json).unwrap_or_default()
            ));
        }
    }
}

/// The first `limit` diagnostics to draw, in reading order: errors before
/// warnings when not all fit, so no error hides behind many warnings.
fn first_to_show(diagnostics: &[Diagnostic], limit: usize) -> Vec<Diagnostic> {
    if diagnostics.len() <= limit {
        return diagnostics.to_vec();
    }
    let errors = diagnostics.iter().filter(|d| d.is_error());
    let warnings = diagnostics.iter().filter(|d| !d.is_error());
    let mut shown: Vec<Diagnostic> = errors.chain(warnings).take(limit).cloned().collect();
    seg::diagnostic::sort(&mut shown);
    shown
}

/// The exit status for a set of diagnostics.
pub fn status(diagnostics: &[Diagnostic]) -> u8 {
    let errors: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.is_error()).collect();
    if errors.is_empty() {
        CLEAN
    } else if errors.iter().all(|d| d.code.is_usage()) {
        FAILURE
    } else {
        RULE_ERRORS
    }
}

/// Prints an error that is not about a rule (IO, database, data); an
/// [`EngineError`] in the user's language.
pub fn failure(error: &(dyn miette::Diagnostic + 'static)) -> u8 {
    let as_error: &(dyn std::error::Error + 'static) = error;
    match as_error.downcast_ref::<EngineError>() {
        Some(e) => report(&super::errors::said(e)),
        None => report(error),
    }
}

fn report(error: &dyn miette::Diagnostic) -> u8 {
    let theme = if style().colour {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let mut text = String::new();
    let _ = miette::GraphicalReportHandler::new_themed(theme)
        .with_width(style().width)
        .render_report(&mut text, error);
    stderr(&text);
    FAILURE
}

/// An error message with a help line, as a miette report.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
#[diagnostic(code(seg::usage))]
pub struct Usage {
    pub message: String,
    #[help]
    pub help: Option<String>,
}

pub fn usage(message: impl Into<String>, help: Option<String>) -> u8 {
    failure(&Usage {
        message: message.into(),
        help,
    })
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// Pads to a display width (CJK characters take two columns).
pub fn pad(text: &str, width: usize) -> String {
    let w = text.width();
    format!("{text}{}", " ".repeat(width.saturating_sub(w)))
}

/// Right-aligns to a display width.
pub fn rpad(text: &str, width: usize) -> String {
    format!("{}{text}", " ".repeat(width.saturating_sub(text.width())))
}

pub fn totals(diagnostics: &[Diagnostic]) -> String {
    render::totals(diagnostics)
}
