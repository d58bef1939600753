//! A source's read options (`with delimiter ";", no header, ...`): checked
//! once here, and carried on its [`Location`] so that the checker's
//! `DESCRIBE` and the run read the file the same way.

use super::Checker;
use super::ir::{ColumnKind, Location, ReadOptions};
use crate::diagnostic::{Code, Diagnostic};
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
                let d = Diagnostic::new(Code::ReadOptionValue, format!("`{words}` is given twice"))
                    .at(option.span, "given again")
                    .also(*first, "first given here")
                    .help("give each read option once");
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
                        .help("name its columns in order, with a type where one matters: `columns (customer_id text, ordered_at date, amount number)`"),
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
                    .help("give the one character between values: `delimiter \";\"`, `delimiter \"|\"`, (a .tsv file is read with tabs already)"),
            ),
            ReadOptionKind::Header(h) => read.header = Some(*h),
            ReadOptionKind::Null(n) => read.null = Some(n.clone()),
            ReadOptionKind::DateFormat(f) | ReadOptionKind::TimestampFormat(f)
                if !f.contains('%') =>
            {
                self.report(
                    value_error(span, format!("`{f}` is not a date format"))
                        .help("write the format with % codes: `%d/%m/%Y` for 31/12/2024, `%Y%m%d` for 20241231, `%d.%m.%Y %H:%M` for a date and time"),
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
                        format!("seg cannot read text in the encoding `{written}`"),
                    )
                    .at(span, format!("the encodings seg reads are {}", ENCODINGS.join(", ")))
                    .help(format!("convert the file to UTF-8 once, then drop this option: `iconv -f {from} -t UTF-8 in.csv > out.csv`")),
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
                        format!("the column `{}` is named twice", name.text),
                    )
                    .at(name.span, "named again")
                    .also(first.column.span, "first named here")
                    .help("name each column once"),
                );
                continue;
            }
            seen.push(column);
            match &column.ty {
                None if typed => self.report(
                    value_error(name.span, format!("`{}` has no type", name.text)).help(format!(
                        "give its type after its name, like `{} text`; the types are {}",
                        name.text,
                        type_words()
                    )),
                ),
                None => {}
                Some(ty) => match ColumnKind::from_word(&ty.text) {
                    Some(kind) => out.push((name.text.clone(), kind)),
                    None => self.report(
                        value_error(ty.span, format!("`{}` is not a type", ty.text)).help(format!(
                            "the types are {}; ids with leading zeros are `text`",
                            type_words()
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
                format!(
                    "read options apply to CSV and TSV files, and this source reads {}",
                    location.describe()
                ),
            )
            .at(options, what)
            .help("remove the `with ...` options, or read the CSV file they describe"),
        );
    }
}

fn value_error(span: Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Code::ReadOptionValue, message).at(span, "cannot be used")
}

fn type_words() -> String {
    let words: Vec<String> = ColumnKind::NAMES
        .iter()
        .map(|(w, _)| format!("`{w}`"))
        .collect();
    words.join(", ")
}
