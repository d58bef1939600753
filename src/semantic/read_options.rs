//! A source's read options (`with delimiter ";", no header, ...`): checked
//! once here, and carried on its [`Location`] so that the checker's
//! `DESCRIBE` and the run read the file the same way.

use super::Checker;
use super::ir::{ColumnKind, Location, ReadOptions};
use crate::diagnostic::{Code, Diagnostic};
use crate::i18n::tr;
use crate::source::Span;
use crate::syntax::ast::{ColumnType, ReadOption, ReadOptionKind};

/// The encodings the bundled DuckDB reads without an extension.
const ENCODINGS: &[&str] = &["utf-8", "utf-16", "latin-1"];

impl Checker<'_> {
    /// The read options of a source's `with` clause, each checked.
    pub(super) fn read_options(&mut self, written: &[ReadOption]) -> ReadOptions {
        let mut read = ReadOptions::default();
        let mut seen: Vec<(&'static str, Span)> = Vec::new();
        for option in written {
            let words = option.kind.words();
            if let Some((_, first)) = seen.iter().find(|(w, _)| *w == words) {
                let d = Diagnostic::new(
                    Code::ReadOptionValue,
                    tr!("read-option-value", words = words.to_string()),
                )
                .at(option.span, tr!("read-option-value.label"))
                .also(*first, tr!("read-option-value.also"))
                .help(tr!("read-option-value.help"));
                self.report(d);
                continue;
            }
            seen.push((words, option.span));
            self.read_option(&option.kind, option.span, &mut read);
        }
        if read.header == Some(false) && read.names.is_empty() {
            if let Some((_, span)) = seen.iter().find(|(w, _)| *w == "header") {
                self.report(
                    value_error(*span, "a file without a header line needs its column names")
                        .help(tr!("read-option-value.help-2")),
                );
            }
        }
        read
    }

    fn read_option(&mut self, kind: &ReadOptionKind, span: Span, read: &mut ReadOptions) {
        match kind {
            ReadOptionKind::Delimiter(d) if d.chars().count() == 1 => {
                read.delimiter = Some(d.clone());
            }
            ReadOptionKind::Delimiter(d) => self.report(
                value_error(span, format!("the delimiter `{d}` is not one character"))
                    .help(tr!("read-option-value.help-3")),
            ),
            ReadOptionKind::Header(h) => read.header = Some(*h),
            ReadOptionKind::Null(n) => read.null = Some(n.clone()),
            ReadOptionKind::DateFormat(f) | ReadOptionKind::TimestampFormat(f)
                if !f.contains('%') =>
            {
                self.report(
                    value_error(span, format!("`{f}` is not a date format"))
                        .help(tr!("read-option-value.help-4")),
                );
            }
            ReadOptionKind::DateFormat(f) => read.date_format = Some(f.clone()),
            ReadOptionKind::TimestampFormat(f) => read.timestamp_format = Some(f.clone()),
            ReadOptionKind::Encoding(e) => read.encoding = self.encoding(e, span),
            ReadOptionKind::Columns(columns) => {
                read.names = columns.iter().map(|c| c.column.text.clone()).collect();
                read.types = self.column_types(columns, false);
            }
            ReadOptionKind::Types(columns) => read.types = self.column_types(columns, true),
        }
    }

    /// An encoding DuckDB reads, in its spelling; E331 for any other.
    fn encoding(&mut self, written: &str, span: Span) -> Option<String> {
        let folded = written.to_ascii_lowercase().replace('_', "-");
        let known = match folded.as_str() {
            "utf8" | "utf-8" => "utf-8",
            "utf16" | "utf-16" => "utf-16",
            "latin1" | "latin-1" | "iso-8859-1" => "latin-1",
            _ => {
                let from = if folded.starts_with("gb") {
                    written.to_ascii_uppercase()
                } else {
                    "<encoding>".to_string()
                };
                self.report(
                    Diagnostic::new(
                        Code::UnsupportedEncoding,
                        tr!("unsupported-encoding", written = written.to_string()),
                    )
                    .at(
                        span,
                        tr!(
                            "unsupported-encoding.label",
                            join = ENCODINGS.join(", ").to_string()
                        ),
                    )
                    .help(tr!("unsupported-encoding.help", from = from.to_string())),
                );
                return None;
            }
        };
        Some(known.to_string())
    }

    /// The typed columns of `columns (...)` or `types (...)` (where every
    /// column needs its type).
    fn column_types(&mut self, columns: &[ColumnType], typed: bool) -> Vec<(String, ColumnKind)> {
        let mut out = Vec::new();
        let mut seen: Vec<&ColumnType> = Vec::new();
        for column in columns {
            let name = &column.column;
            if let Some(first) = seen.iter().find(|c| c.column.text == name.text) {
                self.report(
                    Diagnostic::new(
                        Code::ReadOptionValue,
                        tr!("read-option-value-2", text = name.text.to_string()),
                    )
                    .at(name.span, tr!("read-option-value-2.label"))
                    .also(first.column.span, tr!("read-option-value-2.also"))
                    .help(tr!("read-option-value-2.help")),
                );
                continue;
            }
            seen.push(column);
            match &column.ty {
                None if typed => self.report(
                    value_error(name.span, format!("`{}` has no type", name.text)).help(tr!(
                        "read-option-value-2.help-2",
                        text = name.text.to_string(),
                        type_words = type_words().to_string()
                    )),
                ),
                None => {}
                Some(ty) => match ColumnKind::from_word(&ty.text) {
                    Some(kind) => out.push((name.text.clone(), kind)),
                    None => self.report(
                        value_error(ty.span, format!("`{}` is not a type", ty.text)).help(tr!(
                            "read-option-value-2.help-3",
                            type_words = type_words().to_string()
                        )),
                    ),
                },
            }
        }
        out
    }

    /// E329 for options on a source whose location is not a text file.
    pub(super) fn check_read_format(&mut self, location: &Location, options: Span) {
        let what = match location {
            Location::File { format, .. } if format.is_text() => return,
            Location::File { .. } => "this file carries its own column names and types",
            Location::Table(_) => "a table carries its own column names and types",
        };
        self.report(
            Diagnostic::new(
                Code::ReadOptionFormat,
                tr!(
                    "read-option-format",
                    describe = location.describe().to_string()
                ),
            )
            .at(options, what)
            .help(tr!("read-option-format.help")),
        );
    }
}

fn value_error(span: Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Code::ReadOptionValue, message).at(span, tr!("read-option-value-3.label"))
}

fn type_words() -> String {
    let words: Vec<String> = ColumnKind::NAMES
        .iter()
        .map(|(w, _)| format!("`{w}`"))
        .collect();
    words.join(", ")
}
