//! Going to a name's definition, finding its uses, renaming it across the
//! rule set, formatting with `seg fmt`, and the quick fixes of
//! did-you-mean diagnostics.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Diagnostic, Location, NumberOrString, Range,
    TextEdit, Uri, WorkspaceEdit,
};

use super::index::{Kind, Occurrence};
use super::workspace::RuleSet;
use super::{convert, position, words};
use crate::format::{self, Refusal};
use crate::source::{FileId, SourceMap};

pub fn definition(set: &RuleSet, file: FileId, offset: usize) -> Option<Location> {
    let o = set.index.at(file, offset)?;
    let d = set.index.definition(o)?;
    Some(convert::location(&set.files, d.span))
}

pub fn references(
    set: &RuleSet,
    file: FileId,
    offset: usize,
    with_definition: bool,
) -> Vec<Location> {
    let Some(o) = set.index.at(file, offset) else {
        return Vec::new();
    };
    set.index
        .references(o)
        .filter(|r| with_definition || r.defines.is_none())
        .map(|r| convert::location(&set.files, r.span))
        .collect()
}

/// What a rename at the offset would rename: a name the rules define.
fn renamed(set: &RuleSet, file: FileId, offset: usize) -> Option<&Occurrence> {
    let o = set.index.at(file, offset)?;
    (o.kind.is_defined_in_rules() && set.index.definition(o).is_some()).then_some(o)
}

pub fn prepare_rename(set: &RuleSet, file: FileId, offset: usize) -> Option<Range> {
    renamed(set, file, offset).map(|o| convert::range(&set.files, o.inner()))
}

/// Every occurrence renamed; a label that is no longer a name is quoted
/// where it was written bare.
pub fn rename(
    set: &RuleSet,
    file: FileId,
    offset: usize,
    new_name: &str,
) -> Result<WorkspaceEdit, String> {
    let o = renamed(set, file, offset).ok_or("only a name the rules define can be renamed")?;
    let quotable = matches!(o.kind, Kind::Label | Kind::Tag);
    if new_name.is_empty()
        || new_name.contains(['"', '\n', '\\'])
        || (!quotable && !words::is_name(new_name))
    {
        return Err(format!(
            "`{new_name}` is not a name a {} can have",
            o.kind.word()
        ));
    }
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for r in set.index.references(o) {
        let (span, text) = if r.quoted {
            (r.inner(), new_name.to_string())
        } else if words::is_name(new_name) {
            (r.span, new_name.to_string())
        } else {
            (r.span, format!("\"{new_name}\""))
        };
        let uri = convert::uri(&set.files.get(span.file).path);
        changes
            .entry(uri)
            .or_default()
            .push(TextEdit::new(convert::range(&set.files, span), text));
    }
    Ok(WorkspaceEdit::new(changes))
}

/// The file in `seg fmt`'s layout, as one edit (none when it is already);
/// nothing for a file that does not parse (its diagnostics say why).
pub fn format(set: &RuleSet, file: FileId) -> Result<Vec<TextEdit>, String> {
    let source = set.files.get(file);
    let mut one = SourceMap::new();
    one.add(source.clone());
    match format::format(&one).pop() {
        Some(Ok(text)) if text == source.text => Ok(Vec::new()),
        Some(Ok(text)) => {
            let whole = position::range(&source.text, 0..source.text.len());
            Ok(vec![TextEdit::new(whole, text)])
        }
        Some(Err(Refusal::Syntax(_))) | None => Ok(Vec::new()),
        Some(Err(Refusal::Unsafe(why))) => Err(format!("seg fmt left the file alone: {why}")),
    }
}

/// For each diagnostic of seg whose help suggests a name, the edit that
/// writes it in place of the misspelt one.
pub fn quick_fixes(uri: &Uri, diagnostics: &[Diagnostic]) -> Vec<CodeActionOrCommand> {
    diagnostics
        .iter()
        .filter(|d| d.source.as_deref() == Some("seg"))
        .filter_map(|d| {
            let help = d.message.split_once("\nhelp: ")?.1;
            let name = convert::suggestion(help)?;
            let code = match &d.code {
                Some(NumberOrString::String(c)) => c.clone(),
                _ => return None,
            };
            let edit = TextEdit::new(d.range, name.to_string());
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("{code}: change to `{name}`"),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                edit: Some(WorkspaceEdit::new(HashMap::from([(
                    uri.clone(),
                    vec![edit],
                )]))),
                is_preferred: Some(true),
                ..Default::default()
            }))
        })
        .collect()
}
