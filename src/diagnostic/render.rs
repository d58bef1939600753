//! Rendering diagnostics: one renderer per output format. This is the only
//! place that turns a [`Diagnostic`] into text.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan};

use super::excerpt::Excerpt;
use super::{Diagnostic, Severity};
use crate::source::{SourceMap, Span};

/// How human-readable output looks.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub colour: bool,
    pub width: usize,
}

impl Style {
    /// Stable output for tests and logs: no colour, fixed width.
    pub const PLAIN: Style = Style {
        colour: false,
        width: 100,
    };
}

/// Renders diagnostics as miette reports, each followed by a blank line.
pub fn human(diagnostics: &[Diagnostic], files: &SourceMap, style: Style) -> String {
    let theme = if style.colour {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false);
    let mut out = String::new();
    for d in diagnostics {
        let report = Report::new(d, files);
        // Writing into a String cannot fail.
        let _ = handler.render_report(&mut out, &report);
        out.push('\n');
    }
    out
}

/// One line of totals, e.g. "2 errors, 1 warning".
pub fn totals(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    crate::i18n::tr!("totals", errors = errors, warnings = warnings)
}

/// A diagnostic in the JSON output, for editors and CI.
#[derive(Debug, serde::Serialize)]
pub struct JsonDiagnostic {
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub end_line: Option<usize>,
    pub end_column: Option<usize>,
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub label: Option<String>,
    pub help: Option<String>,
    pub related: Vec<JsonLocation>,
}

#[derive(Debug, serde::Serialize)]
pub struct JsonLocation {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

pub fn json(diagnostics: &[Diagnostic], files: &SourceMap) -> Vec<JsonDiagnostic> {
    diagnostics
        .iter()
        .map(|d| {
            let place = d.primary.as_ref().map(|l| {
                let file = files.get(l.span.file);
                let (line, column) = file.line_col(l.span.start as usize);
                let (end_line, end_column) = file.line_col(l.span.end as usize);
                (file.name.clone(), line, column, end_line, end_column)
            });
            JsonDiagnostic {
                file: place.as_ref().map(|p| p.0.clone()),
                line: place.as_ref().map(|p| p.1),
                column: place.as_ref().map(|p| p.2),
                end_line: place.as_ref().map(|p| p.3),
                end_column: place.as_ref().map(|p| p.4),
                code: d.code.as_str(),
                severity: d.severity(),
                message: d.message.clone(),
                label: d.primary.as_ref().map(|l| l.message.clone()),
                help: d.help.clone(),
                related: d
                    .secondary
                    .iter()
                    .map(|l| {
                        let file = files.get(l.span.file);
                        let (line, column) = file.line_col(l.span.start as usize);
                        JsonLocation {
                            file: file.name.clone(),
                            line,
                            column,
                            message: l.message.clone(),
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

/// A diagnostic with the lines of its file it shows, in the shape miette
/// renders. Secondary labels in the primary's file are drawn beside it;
/// those in other files become related reports with their own excerpt.
struct Report<'a> {
    severity: miette::Severity,
    code: &'static str,
    message: String,
    help: Option<String>,
    source: Option<Excerpt<'a>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report<'a>>,
}

impl<'a> Report<'a> {
    fn new(d: &Diagnostic, files: &'a SourceMap) -> Report<'a> {
        let severity = match d.severity() {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        };
        let mut report = Report {
            severity,
            code: d.code.as_str(),
            message: d.message.clone(),
            help: d.help.clone(),
            source: None,
            labels: Vec::new(),
            related: Vec::new(),
        };
        let Some(primary) = &d.primary else {
            for l in &d.secondary {
                report.related.push(Report::note(l.span, &l.message, files));
            }
            return report;
        };
        let (beside, elsewhere): (Vec<_>, Vec<_>) = d
            .secondary
            .iter()
            .partition(|l| l.span.file == primary.span.file);
        let spans: Vec<Span> = std::iter::once(primary)
            .chain(beside.iter().copied())
            .map(|l| l.span)
            .collect();
        let excerpt = Excerpt::new(files.get(primary.span.file), &spans);
        report.labels.push(LabeledSpan::new_primary_with_span(
            Some(primary.message.clone()),
            excerpt.span(primary.span),
        ));
        for l in beside {
            report.labels.push(LabeledSpan::new_with_span(
                Some(l.message.clone()),
                excerpt.span(l.span),
            ));
        }
        for l in elsewhere {
            report.related.push(Report::note(l.span, &l.message, files));
        }
        report.source = Some(excerpt);
        report
    }

    fn note(span: Span, message: &str, files: &'a SourceMap) -> Report<'a> {
        let excerpt = Excerpt::new(files.get(span.file), &[span]);
        Report {
            severity: miette::Severity::Advice,
            code: "",
            message: message.to_string(),
            help: None,
            labels: vec![LabeledSpan::new_primary_with_span(
                Some("here".to_string()),
                excerpt.span(span),
            )],
            source: Some(excerpt),
            related: Vec::new(),
        }
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(self.code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        (!self.labels.is_empty()).then(|| Box::new(self.labels.iter().cloned()) as Box<_>)
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        (!self.related.is_empty())
            .then(|| Box::new(self.related.iter().map(|r| r as &dyn miette::Diagnostic)) as Box<_>)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;
    use crate::source::FileId;

    #[test]
    fn a_diagnostic_far_along_a_long_line_shows_a_window_of_it() {
        let line = format!(
            "tag t when region in ({}) and x > nothing",
            "\"r\", ".repeat(90_000)
        );
        let files = SourceMap::from_text("long.seg", &format!("as of 2025-06-30\n{line}\n"));
        let at = files.get(FileId(0)).text.find("nothing").unwrap();
        let d = Diagnostic::new(Code::UnknownName, "`nothing` is not defined")
            .at(Span::new(FileId(0), at, at + 7), "unknown name")
            .also(Span::new(FileId(0), 17, 20), "the rule");
        let out = human(&[d], &files, Style::PLAIN);
        assert!(out.len() < 2_000, "{out}");
        assert!(
            out.contains(&format!("[long.seg:2:{}]", at - 17 + 1)),
            "{out}"
        );
        assert!(out.contains("x > nothing"), "{out}");
        assert!(out.contains('…'), "{out}");
    }
}
