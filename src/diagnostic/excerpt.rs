//! The part of a rule file a diagnostic shows, as miette reads it.
//!
//! miette is given only the lines around a diagnostic's labels, borrowed
//! from the file's text (not a copy of the whole file per diagnostic, which
//! made a 5 MB file with many errors take minutes). A line longer than
//! [`LONG_LINE`] bytes is cut to a window around the first label on it,
//! with `…` for what is left out: miette cannot draw columns past 65,535
//! (it panics), and nobody reads a 360 KB line anyway. Offsets in the
//! excerpt (what miette sees) differ from offsets in the file after a cut;
//! [`Excerpt::span`] maps one to the other, and line and column numbers
//! are reported as in the file.

use std::borrow::Cow;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::source::{SourceFile, Span};

/// Lines up to this many bytes are shown whole.
pub const LONG_LINE: usize = 400;
/// How much of a long line is kept before and after the place shown.
const BEFORE: usize = 120;
const AFTER: usize = 200;
const ELLIPSIS: &str = "…";

#[derive(Debug)]
pub struct Excerpt<'a> {
    name: &'a str,
    text: Cow<'a, str>,
    /// Where the excerpt starts in the file, and on which line.
    start: usize,
    first_line: usize,
    cuts: Vec<Cut>,
}

/// A part of a long line left out (and replaced by an ellipsis).
#[derive(Debug, Clone, Copy)]
struct Cut {
    /// The bytes left out, in the file.
    start: usize,
    end: usize,
    /// The cut is before the part kept on its line, or after it.
    leading: bool,
    /// Its 0-based line.
    line: usize,
}

impl<'a> Excerpt<'a> {
    /// The lines of `file` around `spans` (one line of context each side,
    /// as miette shows).
    pub fn new(file: &'a SourceFile, spans: &[Span]) -> Excerpt<'a> {
        let first = spans.iter().map(|s| file.line_of(s.start as usize)).min();
        let last = spans.iter().map(|s| file.line_of(s.end as usize)).max();
        let first_line = first.unwrap_or(0).saturating_sub(1);
        let start = file.line_start(first_line);
        let end = file.line_start(last.unwrap_or(0) + 2);
        let cuts = cuts(file, first_line..=last.unwrap_or(0) + 1, spans);
        let text = if cuts.is_empty() {
            Cow::Borrowed(&file.text[start..end])
        } else {
            Cow::Owned(cut_text(&file.text, start, end, &cuts))
        };
        Excerpt {
            name: &file.name,
            text,
            start,
            first_line,
            cuts,
        }
    }

    /// A span of the file as miette should see it in this excerpt. A span
    /// that starts or ends in a part left out starts or ends at its `…`.
    pub fn span(&self, span: Span) -> SourceSpan {
        let start = self.offset(span.start as usize, false);
        let end = self.offset(span.end as usize, true).max(start);
        SourceSpan::new(start.into(), end - start)
    }

    /// A byte offset of the file, in the excerpt's own terms (offsets up to
    /// the first cut are the file's). An offset in a part left out is the
    /// start of its ellipsis, or its end for the `end` of a span.
    fn offset(&self, at: usize, end: bool) -> usize {
        let mut shift = 0;
        for cut in &self.cuts {
            if at >= cut.end {
                shift += cut.end - cut.start - ELLIPSIS.len();
            } else if at > cut.start || (at == cut.start && !end) {
                let ellipsis = cut.start - shift;
                return if end {
                    ellipsis + ELLIPSIS.len()
                } else {
                    ellipsis
                };
            } else {
                break;
            }
        }
        at - shift
    }

    /// How many columns of a line were left out before the part kept (less
    /// the ellipsis shown instead), so columns are reported as in the file.
    fn column_shift(&self, line: usize) -> usize {
        self.cuts
            .iter()
            .find(|c| c.line == line && c.leading)
            .map_or(0, |c| c.end - c.start - ELLIPSIS.len())
    }
}

/// Where each long line among `lines` is cut: around the first of `spans`
/// (the primary label comes first) that starts on it, or its start.
fn cuts(file: &SourceFile, lines: std::ops::RangeInclusive<usize>, spans: &[Span]) -> Vec<Cut> {
    let mut cuts = Vec::new();
    for line in lines {
        let start = file.line_start(line);
        let end = line_end(&file.text, start, file.line_start(line + 1));
        if end - start <= LONG_LINE {
            continue;
        }
        let anchor = spans
            .iter()
            .map(|s| s.start as usize)
            .find(|&s| (start..=end).contains(&s))
            .unwrap_or(start);
        let keep_from = boundary(&file.text, anchor.saturating_sub(BEFORE).max(start));
        let keep_to = boundary(&file.text, (anchor + AFTER).min(end));
        if keep_from > start + ELLIPSIS.len() {
            cuts.push(Cut {
                start,
                end: keep_from,
                leading: true,
                line,
            });
        }
        if end > keep_to + ELLIPSIS.len() {
            cuts.push(Cut {
                start: keep_to,
                end,
                leading: false,
                line,
            });
        }
    }
    cuts
}

/// The end of a line's text, before its `\n` (or `\r\n`).
fn line_end(text: &str, start: usize, next: usize) -> usize {
    let line = &text[start..next];
    start + line.trim_end_matches(['\n', '\r']).len()
}

/// The nearest character boundary at or before `at`.
fn boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn cut_text(text: &str, start: usize, end: usize, cuts: &[Cut]) -> String {
    let mut out = String::with_capacity(LONG_LINE * 2);
    let mut at = start;
    for cut in cuts {
        out.push_str(&text[at..cut.start]);
        out.push_str(ELLIPSIS);
        at = cut.end;
    }
    out.push_str(&text[at..end]);
    out
}

impl SourceCode for Excerpt<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        // The excerpt starts `start` bytes into the file (before any cut,
        // excerpt offsets are file offsets).
        let local = SourceSpan::new(
            span.offset()
                .checked_sub(self.start)
                .ok_or(MietteError::OutOfBounds)?
                .into(),
            span.len(),
        );
        let inner =
            self.text
                .as_ref()
                .read_span(&local, context_lines_before, context_lines_after)?;
        let line = inner.line() + self.first_line;
        let column = if context_lines_before == 0 {
            inner.column() + self.column_shift(line)
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            inner.data(),
            SourceSpan::new(
                (inner.span().offset() + self.start).into(),
                inner.span().len(),
            ),
            line,
            column,
            // miette counts lines from the start of its text: the lines
            // before the excerpt count too, so it groups labels the same way.
            inner.line_count() + self.first_line,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn span(start: usize, end: usize) -> Span {
        Span::new(FileId(0), start, end)
    }

    #[test]
    fn short_lines_are_borrowed_whole_with_a_line_of_context() {
        let file = SourceFile::new("t.seg", "t.seg", "a\nb\nc\nd\ne\n");
        let excerpt = Excerpt::new(&file, &[span(4, 5)]);
        assert_eq!(excerpt.text, "b\nc\nd\n");
        assert!(matches!(excerpt.text, Cow::Borrowed(_)));
        assert_eq!(excerpt.offset(4, false), 4);
    }

    #[test]
    fn a_long_line_is_cut_around_the_span() {
        let line = format!("metric m = {}x", "1 + ".repeat(100_000));
        let file = SourceFile::new("t.seg", "t.seg", format!("{line}\n"));
        let x = line.len() - 1;
        let excerpt = Excerpt::new(&file, &[span(x, x + 1)]);
        assert!(excerpt.text.len() < 400, "{}", excerpt.text.len());
        assert!(excerpt.text.starts_with('…') && excerpt.text.ends_with("x\n"));
        let at = excerpt.span(span(x, x + 1));
        assert_eq!(&excerpt.text[at.offset()..at.offset() + 1], "x");
        // miette is told the column in the file.
        let contents = excerpt.read_span(&at, 0, 0).unwrap();
        assert_eq!((contents.line(), contents.column()), (0, x));
    }
}
