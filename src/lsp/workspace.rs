//! A rule set as the editor sees it: every `.seg` file of the folder, the
//! open ones with their unsaved text, checked by `seg::check` as `seg check`
//! checks a folder.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::catalog::{ColumnCache, Columns};
use super::index::Index;
use crate::diagnostic::Diagnostic;
use crate::semantic::ir::{FileFormat, Location};
use crate::semantic::{Mode, Program, Settings};
use crate::source::{FileId, SourceMap, rule_file};
use crate::syntax::ast::{Ast, SourceOptionKind, StatementKind};

/// One checked rule set.
pub struct RuleSet {
    pub files: SourceMap,
    pub ast: Ast,
    pub index: Index,
    pub diagnostics: Vec<Diagnostic>,
    /// The program of this check, or of the last check without errors
    /// (types and score ranges for hover and completion while a line is
    /// half typed).
    pub program: Option<Program>,
}

/// The rule set of `folder`, with `open` documents' text in place of what
/// is on disk.
pub fn check(
    folder: &Path,
    open: &HashMap<PathBuf, String>,
    cache: &ColumnCache,
    db: Option<&Path>,
    previous: Option<Program>,
) -> RuleSet {
    let files = read(folder, open);
    let settings = Settings::new(Mode::Check, today());
    let checked = crate::check(&files, &Columns::new(cache, db), &settings);
    let (ast, _) = crate::syntax::parse(&files);
    RuleSet {
        index: Index::build(&ast),
        ast,
        files,
        diagnostics: checked.diagnostics,
        program: checked.program.or(previous),
    }
}

/// Every `.seg` file directly in the folder and every open one in it, by
/// name (as `source::read_rule_set` orders them).
fn read(folder: &Path, open: &HashMap<PathBuf, String>) -> SourceMap {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|p| p.extension().is_some_and(|e| e == "seg") && p.is_file())
        .chain(open.keys().filter(|p| p.parent() == Some(folder)).cloned())
        .collect();
    paths.sort();
    paths.dedup();
    let mut files = SourceMap::new();
    for path in paths {
        let bytes = match open.get(&path) {
            Some(text) => text.clone().into_bytes(),
            None => std::fs::read(&path).unwrap_or_default(),
        };
        files.add(rule_file(path.display().to_string(), &path, bytes));
    }
    files
}

impl RuleSet {
    pub fn file(&self, path: &Path) -> Option<FileId> {
        self.files
            .iter()
            .find(|(_, f)| f.path == path)
            .map(|(id, _)| id)
    }

    /// Where a declared source reads from, as the checker decides it.
    pub fn source_location(&self, name: &str) -> Option<Location> {
        let statement = self
            .ast
            .files
            .iter()
            .flat_map(|f| &f.statements)
            .find_map(|s| match &s.kind {
                StatementKind::Source(d) if crate::semantic::names::same(&d.name.text, name) => {
                    Some((s.span.file, d))
                }
                _ => None,
            });
        let (file, declaration) = statement?;
        let from = declaration.options.iter().find_map(|o| match &o.kind {
            SourceOptionKind::File(path) => Some(Location::file_in(
                self.files.get(file).dir(),
                path,
                FileFormat::from_path(path)?,
            )),
            SourceOptionKind::Table(t) => Some(Location::Table(t.text.clone())),
            _ => None,
        });
        Some(from.unwrap_or_else(|| Location::Table(declaration.name.text.clone())))
    }
}

/// Today in UTC, as `seg check` takes it.
fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
}
