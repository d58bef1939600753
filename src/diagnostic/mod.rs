//! Diagnostics as plain data.
//!
//! Every stage reports problems as [`Diagnostic`] values: a stable [`Code`],
//! a message, labelled spans and a help line. Nothing is rendered here; the
//! text of the rule files is attached only when rendering (`render`).

mod codes;
mod excerpt;
pub mod render;

pub use codes::{Code, CodeInfo, explain, markdown};

use crate::i18n::tr;
use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A span with what to say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub message: String,
    /// Where the problem is. `None` for problems on the command line
    /// (`--set`, `--source`) rather than in a rule file.
    pub primary: Option<Label>,
    /// Other places that explain it ("first defined here").
    pub secondary: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
        }
    }

    pub fn severity(&self) -> Severity {
        self.code.info().severity
    }

    pub fn at(mut self, span: Span, label: impl Into<String>) -> Self {
        self.primary = Some(Label {
            span,
            message: label.into(),
        });
        self
    }

    pub fn also(mut self, span: Span, label: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            message: label.into(),
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }
}

/// Sorts diagnostics into reading order: by file, then position, errors
/// before warnings at the same place; problems on the command line first.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| {
        (
            d.primary.as_ref().map(|l| (l.span.file, l.span.start)),
            d.severity(),
            d.code,
        )
    });
}

/// "did you mean `x`?" for a misspelt name, from the names that exist.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = name.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.82)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// Lists candidates for a help line: "`a`, `b` and `c`", at most `limit`
/// (then "and N more").
pub fn list_names<S: AsRef<str>>(names: &[S], limit: usize) -> String {
    let shown: Vec<String> = names
        .iter()
        .take(limit)
        .map(|n| format!("`{}`", n.as_ref()))
        .collect();
    let rest = names.len().saturating_sub(limit);
    let separator = tr!("list-separator");
    match (shown.len(), rest) {
        (0, _) => tr!("list-none"),
        (1, 0) => shown[0].clone(),
        (_, 0) => tr!(
            "list-and",
            first = shown[..shown.len() - 1].join(&separator),
            last = shown[shown.len() - 1].as_str()
        ),
        (_, _) => tr!(
            "list-more",
            shown = shown.join(&separator),
            rest = rest.to_string()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_finds_close_names_only() {
        let names = ["monetary", "frequency", "recency"];
        assert_eq!(did_you_mean("monetry", names), Some("monetary"));
        assert_eq!(did_you_mean("Frequency", names), Some("frequency"));
        assert_eq!(did_you_mean("region", names), None);
    }

    #[test]
    fn list_names_is_short_and_readable() {
        assert_eq!(list_names(&["a"], 5), "`a`");
        assert_eq!(list_names(&["a", "b", "c"], 5), "`a`, `b` and `c`");
        assert_eq!(list_names(&["a", "b", "c"], 2), "`a`, `b` and 1 more");
        assert_eq!(list_names::<&str>(&[], 2), "none");
    }
}
