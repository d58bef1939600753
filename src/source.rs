//! Rule-set files and spans into them.
//!
//! A rule set is every `.seg` file of one folder (or a single file). Files are
//! read here, once, at the edge; every later stage refers to text by [`Span`].

use crate::i18n::tr;
use std::fmt;
use std::path::{Path, PathBuf};

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct FileId(pub u32);

/// A byte range in one file. Printed compactly (`0:12-18`) so that AST
/// snapshots stay readable.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }

    /// The smallest span covering both (which must be in the same file).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}-{}", self.file.0, self.start, self.end)
    }
}

/// One rule file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// How the file is named in messages: the path as the user gave it.
    pub name: String,
    /// Where it is on disk, to resolve relative `from "..."` paths.
    pub path: PathBuf,
    pub text: String,
    /// Offsets of the first byte of every line, for line/column lookups.
    line_starts: Vec<usize>,
    /// Byte offset of the first invalid UTF-8 sequence, if the file had one
    /// (it was then decoded lossily and the checker reports it).
    pub invalid_utf8_at: Option<usize>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            name: name.into(),
            path: path.into(),
            text,
            line_starts,
            invalid_utf8_at: None,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.line_of(offset);
        let start = self.line_starts[line];
        let end = offset.min(self.text.len());
        let column = self
            .text
            .get(start..end)
            .map_or(end - start, |s| s.chars().count());
        (line + 1, column + 1)
    }

    /// The 0-based line a byte offset is on.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= offset) - 1
    }

    /// The byte offset where a 0-based line starts; the end of the text for
    /// lines past the last.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len())
    }

    /// The folder relative `from "..."` paths of this file start from.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }
}

/// All files of a rule set, in a stable order (sorted by name).
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The text a span covers.
    pub fn text(&self, span: Span) -> &str {
        &self.get(span.file).text[span.range()]
    }

    /// A single rule file given as text, for tests and tools.
    pub fn from_text(name: &str, text: &str) -> SourceMap {
        let mut map = SourceMap::new();
        map.add(SourceFile::new(name, name, text));
        map
    }
}

/// Why a rule set could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("there is no `{path}`")]
    Missing { path: String },
    #[error("cannot read `{path}`: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("`{path}` holds no .seg files")]
    Empty { path: String },
    #[error("`{path}` is not a .seg file")]
    NotRules { path: String },
}

impl LoadError {
    /// E404, for tools that read diagnostics (`--format json`): the rule set
    /// as a whole could not be read, so the diagnostic has no place.
    pub fn diagnostic(&self) -> crate::diagnostic::Diagnostic {
        use crate::diagnostic::{Code, Diagnostic};
        let d = Diagnostic::new(Code::UnreadableRuleSet, self.to_string());
        match self {
            LoadError::Io { .. } => d,
            _ => d.help(tr!("unreadable-rule-set.help")),
        }
    }
}

/// Reads a rule set: every `.seg` file directly in `path` when it is a
/// folder (sorted by name, so runs are deterministic), or `path` itself.
pub fn read_rule_set(path: &Path) -> Result<SourceMap, LoadError> {
    let io = |e| LoadError::Io {
        path: path.display().to_string(),
        source: e,
    };
    if !path.exists() {
        return Err(LoadError::Missing {
            path: path.display().to_string(),
        });
    }
    let mut paths = Vec::new();
    if path.is_dir() {
        for entry in std::fs::read_dir(path).map_err(io)? {
            let p = entry.map_err(io)?.path();
            if p.extension().is_some_and(|e| e == "seg") && p.is_file() {
                paths.push(p);
            }
        }
        paths.sort();
        if paths.is_empty() {
            return Err(LoadError::Empty {
                path: path.display().to_string(),
            });
        }
    } else if path.extension().is_some_and(|e| e == "seg") {
        paths.push(path.to_path_buf());
    } else {
        return Err(LoadError::NotRules {
            path: path.display().to_string(),
        });
    }

    let mut map = SourceMap::new();
    for p in paths {
        let bytes = std::fs::read(&p).map_err(|e| LoadError::Io {
            path: p.display().to_string(),
            source: e,
        })?;
        map.add(decode(&p, bytes));
    }
    Ok(map)
}

/// Turns file bytes into text: a UTF-8 byte-order mark (left by some Windows
/// editors) is dropped, and invalid UTF-8 is replaced and remembered so the
/// checker can point at it instead of refusing the whole rule set.
fn decode(path: &Path, bytes: Vec<u8>) -> SourceFile {
    rule_file(path.display().to_string(), path, bytes)
}

/// A rule file read from elsewhere than the disk (`seg diff` reads the
/// old rules from git): named `name` in messages, its relative `from`
/// paths starting from `path`'s folder, decoded as [`read_rule_set`]
/// decodes files.
pub fn rule_file(name: String, path: &Path, bytes: Vec<u8>) -> SourceFile {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    match String::from_utf8(bytes) {
        // Old Mac files end lines with a lone carriage return.
        Ok(text) if text.contains('\r') && !text.contains('\n') => {
            SourceFile::new(name, path, text.replace('\r', "\n"))
        }
        Ok(text) => SourceFile::new(name, path, text),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let mut file = SourceFile::new(name, path, text);
            file.invalid_utf8_at = Some(at);
            file
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let file = SourceFile::new("t.seg", "t.seg", "tag 高价值 when x\nmetric y = 1\n");
        assert_eq!(file.line_col(0), (1, 1));
        // "when" starts after "tag 高价值 " = 4 + 3 chars (9 bytes) + 1
        let when = file.text.find("when").unwrap();
        assert_eq!(file.line_col(when), (1, 9));
        let metric = file.text.find("metric").unwrap();
        assert_eq!(file.line_col(metric), (2, 1));
        assert_eq!(file.line_col(file.text.len()), (3, 1));
    }

    #[test]
    fn invalid_utf8_is_decoded_and_remembered() {
        let file = decode(Path::new("x.seg"), b"\xEF\xBB\xBFtag a when b\xFF".to_vec());
        assert!(file.text.starts_with("tag a"));
        assert_eq!(file.invalid_utf8_at, Some(12));
    }
}
