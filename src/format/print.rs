//! Printing a file: statements and comments to lines, then each run of
//! statements lined up in columns, trailing comments in one column per run,
//! and blank lines between sections.

use unicode_width::UnicodeWidthStr;

use super::shape::Shape;
use super::tokens::{self, Kind, Token};

/// The indentation of a statement's continuation lines.
const CONTINUATION: &str = "    ";

/// The fewest spaces before a trailing comment.
const MIN_GAP: usize = 2;

/// A statement (its tokens, comments inside it and its trailing comment
/// included) or a comment on a line of its own, in file order.
pub struct Item {
    /// The author left a blank line before it.
    pub blank_before: bool,
    pub body: Body,
}

pub enum Body {
    Comment(Token),
    Statement(Vec<Token>, Shape),
}

/// One line of the output.
struct Row {
    blank_before: bool,
    indent: &'static str,
    /// The code in columns: only a statement's first line has more than one.
    columns: Vec<String>,
    comment: Option<Comment>,
    /// The run the line's statement belongs to; `None` for a comment line
    /// between statements.
    run: Option<usize>,
}

struct Comment {
    text: String,
    /// Spaces before it as written; `None` on a line of its own.
    gap: Option<usize>,
}

pub fn print(items: &[Item]) -> String {
    let mut rows = rows(items);
    let runs = rows.iter().filter_map(|r| r.run).max().map_or(0, |n| n + 1);
    line_up_columns(&mut rows, runs);
    let code: Vec<String> = rows.iter().map(code).collect();
    let comment_columns = comment_columns(&rows, &code, runs);
    let mut out = String::new();
    for (row, code) in rows.iter().zip(code) {
        if row.blank_before {
            out.push('\n');
        }
        out.push_str(row.indent);
        out.push_str(&code);
        if let Some(comment) = &row.comment {
            if comment.gap.is_some() {
                let column = row.run.map_or(0, |r| comment_columns[r]);
                let width = row.indent.width() + code.width();
                out.push_str(&" ".repeat(column.saturating_sub(width).max(MIN_GAP)));
            }
            out.push_str(&comment.text);
        }
        out.push('\n');
    }
    out
}

/// The lines, with runs numbered and a blank line on each side of a
/// segmentation's rules.
fn rows(items: &[Item]) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    // The run and shape of the last statement, and the row after it.
    let mut last: Option<(usize, &Shape)> = None;
    let mut after_last = 0;
    let mut runs = 0;
    for item in items {
        let mut blank = item.blank_before && !rows.is_empty();
        match &item.body {
            Body::Comment(token) => rows.push(Row {
                blank_before: blank,
                indent: "",
                columns: Vec::new(),
                comment: Some(Comment {
                    text: token.text.clone(),
                    gap: None,
                }),
                run: None,
            }),
            Body::Statement(tokens, shape) => {
                let run = match last {
                    Some((run, previous)) if previous.run == shape.run => run,
                    Some((_, previous)) => {
                        if previous.own_section || shape.own_section {
                            blank |= separate(&mut rows[after_last..]);
                        }
                        runs += 1;
                        runs - 1
                    }
                    None => {
                        runs += 1;
                        runs - 1
                    }
                };
                let mut lines = statement_rows(tokens, &shape.columns, run);
                lines[0].blank_before = blank;
                rows.extend(lines);
                after_last = rows.len();
                last = Some((run, shape));
            }
        }
    }
    rows
}

/// Puts a blank line at the start of `between` (the comment lines between
/// two sections) unless there is one; `true` when the next statement's
/// own line has to take it, there being no comment between.
fn separate(between: &mut [Row]) -> bool {
    if between.iter().any(|r| r.blank_before) {
        return false;
    }
    match between.first_mut() {
        Some(row) => {
            row.blank_before = true;
            false
        }
        None => true,
    }
}

/// A statement's lines: its tokens with one space or none between them,
/// the author's line breaks kept (continuation lines indented the same),
/// and comments where they were.
fn statement_rows(tokens: &[Token], columns: &[usize], run: usize) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut line = String::new();
    let mut starts = Vec::new();
    let mut pending = columns.iter().peekable();
    let mut previous: Option<&Token> = None;
    let mut previous_is_sign = false;
    let finish = |line: &mut String,
                  starts: &mut Vec<usize>,
                  comment: Option<Comment>,
                  rows: &mut Vec<Row>| {
        let first = rows.is_empty();
        rows.push(Row {
            blank_before: false,
            indent: if first { "" } else { CONTINUATION },
            columns: split(line, starts),
            comment,
            run: Some(run),
        });
        line.clear();
        starts.clear();
    };
    for token in tokens {
        if token.kind == Kind::Comment {
            let trailing = token.newlines == 0 && !line.is_empty();
            if !trailing && !line.is_empty() {
                finish(&mut line, &mut starts, None, &mut rows);
            }
            let gap = trailing.then_some(token.gap);
            let comment = Some(Comment {
                text: token.text.clone(),
                gap,
            });
            finish(&mut line, &mut starts, comment, &mut rows);
            continue;
        }
        if token.newlines > 0 && !line.is_empty() {
            finish(&mut line, &mut starts, None, &mut rows);
        }
        if let Some(previous) = previous.filter(|_| !line.is_empty()) {
            line.push_str(tokens::separator(previous, previous_is_sign, token));
        }
        while rows.is_empty() && pending.next_if(|&&c| token.start >= c).is_some() {
            starts.push(line.len());
        }
        line.push_str(&token.text);
        previous_is_sign = tokens::is_sign(previous, token);
        previous = Some(token);
    }
    if !line.is_empty() {
        finish(&mut line, &mut starts, None, &mut rows);
    }
    rows
}

/// Cuts a line at the byte offsets where its columns start.
fn split(line: &str, starts: &[usize]) -> Vec<String> {
    let mut columns = Vec::new();
    let mut from = 0;
    for &start in starts.iter().chain(&[line.len()]) {
        columns.push(line[from..start].trim().to_string());
        from = start;
    }
    if starts.is_empty() || line.is_empty() {
        columns.retain(|c| !c.is_empty());
    }
    columns
}

/// Pads every column but a line's last to the widest in its run, measured
/// in display columns (a Chinese character takes two).
fn line_up_columns(rows: &mut [Row], runs: usize) {
    let mut widths: Vec<Vec<usize>> = vec![Vec::new(); runs];
    for row in rows.iter() {
        let Some(run) = row.run else { continue };
        let widths = &mut widths[run];
        for (i, column) in padded(&row.columns).iter().enumerate() {
            if widths.len() <= i {
                widths.push(0);
            }
            widths[i] = widths[i].max(column.width());
        }
    }
    for row in rows.iter_mut() {
        let Some(run) = row.run else { continue };
        let last = row.columns.len().saturating_sub(1);
        for (column, width) in row.columns[..last].iter_mut().zip(&widths[run]) {
            let padding = width - column.width();
            column.push_str(&" ".repeat(padding));
        }
    }
}

/// The columns that are padded: all but the last.
fn padded(columns: &[String]) -> &[String] {
    &columns[..columns.len().saturating_sub(1)]
}

/// A row's code: its columns, one space apart.
fn code(row: &Row) -> String {
    row.columns.join(" ")
}

/// Where the trailing comments of each run start: as far right as the
/// author put the furthest of them from its code (so lining them up twice
/// gives the same), and at least [`MIN_GAP`] spaces after every line's code.
fn comment_columns(rows: &[Row], code: &[String], runs: usize) -> Vec<usize> {
    let mut columns = vec![0; runs];
    for (row, code) in rows.iter().zip(code) {
        let (Some(run), Some(gap)) = (row.run, row.comment.as_ref().and_then(|c| c.gap)) else {
            continue;
        };
        let column = row.indent.width() + code.width() + gap.max(MIN_GAP);
        columns[run] = columns[run].max(column);
    }
    columns
}
