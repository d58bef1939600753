//! seg's values in the protocol's terms: file URIs, ranges, diagnostics.

use std::path::{Path, PathBuf};

use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Range, Uri,
};

use super::position;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceMap, Span};

/// The path of a `file://` URI (percent-escapes decoded); `None` for other
/// schemes.
pub fn path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file://host/path`: only the local host's files are ours.
    let rest = &rest[rest.find('/')?..];
    let bytes = rest.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                decoded.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                decoded.push(b);
                i += 1;
            }
        }
    }
    let text = String::from_utf8(decoded).ok()?;
    Some(PathBuf::from(text))
}

/// The `file://` URI of a path, every byte outside the unreserved set and
/// `/` escaped.
pub fn uri(path: &Path) -> Uri {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut text = String::from("file://");
    for &b in absolute.to_string_lossy().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            text.push(b as char);
        } else {
            text.push_str(&format!("%{b:02X}"));
        }
    }
    text.parse().expect("an escaped file URI parses")
}

pub fn range(files: &SourceMap, span: Span) -> Range {
    position::range(&files.get(span.file).text, span.range())
}

pub fn location(files: &SourceMap, span: Span) -> Location {
    Location::new(uri(&files.get(span.file).path), range(files, span))
}

/// A diagnostic as `seg check` gives it: code, message and help; the other
/// places it names as related locations, in whichever file they are.
pub fn diagnostic(files: &SourceMap, d: &Diagnostic) -> lsp_types::Diagnostic {
    let range = d
        .primary
        .as_ref()
        .map_or_else(Range::default, |l| range(files, l.span));
    let mut message = d.message.clone();
    if let Some(label) = d.primary.as_ref().filter(|l| !l.message.is_empty()) {
        message.push_str(&format!(" ({})", label.message));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .secondary
        .iter()
        .map(|l| DiagnosticRelatedInformation {
            location: location(files, l.span),
            message: l.message.clone(),
        })
        .collect();
    lsp_types::Diagnostic {
        range,
        severity: Some(match d.severity() {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.as_str().to_string())),
        source: Some("seg".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}

/// The name a help line suggests: "did you mean `frequency`?" (or, for a
/// label, "did you mean \"A\"?"), in English or Chinese (`i18n`'s
/// `did-you-mean`).
pub fn suggestion(help: &str) -> Option<&str> {
    let after = |prefix: &str| help.find(prefix).map(|i| i + prefix.len());
    let rest = &help[after("did you mean ").or_else(|| after("是不是想写 "))?..];
    let quote = rest.chars().next().filter(|c| matches!(c, '`' | '"'))?;
    let rest = &rest[1..];
    let end = rest.find(quote)?;
    Some(&rest[..end]).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_and_paths_go_there_and_back() {
        let p = Path::new("/tmp/规则 set/a b#1.seg");
        let u = uri(p);
        assert_eq!(
            u.as_str(),
            "file:///tmp/%E8%A7%84%E5%88%99%20set/a%20b%231.seg"
        );
        assert_eq!(path(&u).unwrap(), p);
        assert_eq!(path(&"untitled:Untitled-1".parse().unwrap()), None);
    }

    #[test]
    fn suggestions_are_read_from_help_lines() {
        assert_eq!(
            suggestion("did you mean `frequency`? defined: `a`"),
            Some("frequency")
        );
        assert_eq!(
            suggestion("did you mean \"A\"? the labels of `tier` are"),
            Some("A")
        );
        assert_eq!(suggestion("defined: `a`, `b`"), None);
    }
}
