//! The outline of a file, the rule set's symbols, and the semantic tokens
//! that let any client colour rule text as the checker reads it.

use lsp_types::{
    DocumentSymbol, SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokensLegend,
    SymbolInformation, SymbolKind,
};

use super::convert;
use super::index::{Kind, Occurrence};
use super::words::{self, Lexeme};
use super::workspace::RuleSet;
use crate::semantic::names;
use crate::source::FileId;

fn symbol_kind(kind: Kind) -> SymbolKind {
    match kind {
        Kind::Source => SymbolKind::STRUCT,
        Kind::Param => SymbolKind::CONSTANT,
        Kind::Metric => SymbolKind::VARIABLE,
        Kind::Score => SymbolKind::NUMBER,
        Kind::Tag => SymbolKind::BOOLEAN,
        Kind::Segmentation => SymbolKind::ENUM,
        Kind::Label => SymbolKind::ENUM_MEMBER,
        Kind::Column => SymbolKind::FIELD,
        Kind::Function | Kind::Unknown => SymbolKind::KEY,
    }
}

/// A file's definitions in order; a segmentation holds its labels.
#[allow(deprecated)] // `DocumentSymbol::deprecated` must be written out.
pub fn outline(set: &RuleSet, file: FileId) -> Vec<DocumentSymbol> {
    let mut out: Vec<DocumentSymbol> = Vec::new();
    for d in set.index.definitions().filter(|d| d.span.file == file) {
        let symbol = |name: &str, detail: &str| DocumentSymbol {
            name: name.to_string(),
            detail: Some(detail.to_string()),
            kind: symbol_kind(d.kind),
            tags: None,
            deprecated: None,
            range: convert::range(&set.files, d.defines.unwrap_or(d.span)),
            selection_range: convert::range(&set.files, d.span),
            children: None,
        };
        match (d.kind, d.owner.as_deref()) {
            (Kind::Label, Some(segmentation)) => {
                let group = out
                    .iter_mut()
                    .rev()
                    .find(|s| s.kind == SymbolKind::ENUM && names::same(&s.name, segmentation));
                match group {
                    Some(group) => {
                        group
                            .children
                            .get_or_insert_with(Vec::new)
                            .push(symbol(&d.name, "label"));
                        group.range.end =
                            convert::range(&set.files, d.defines.unwrap_or(d.span)).end;
                    }
                    None => out.push(symbol(&format!("{segmentation} {}", d.name), "label")),
                }
            }
            (kind, _) => out.push(symbol(&d.name, kind.word())),
        }
    }
    out
}

/// The definitions of the rule set whose name contains `query` (without
/// case); all of them for an empty query.
#[allow(deprecated)] // `SymbolInformation::deprecated` must be written out.
pub fn search(set: &RuleSet, query: &str) -> Vec<SymbolInformation> {
    let query = query.to_lowercase();
    set.index
        .definitions()
        .filter(|d| d.name.to_lowercase().contains(&query))
        .map(|d| SymbolInformation {
            name: d.name.clone(),
            kind: symbol_kind(d.kind),
            tags: None,
            deprecated: None,
            location: convert::location(&set.files, d.span),
            container_name: d.owner.clone(),
        })
        .collect()
}

/// The token types, in legend order.
const TYPES: &[(SemanticTokenType, &[Kind])] = &[
    (SemanticTokenType::KEYWORD, &[]),
    (SemanticTokenType::NAMESPACE, &[Kind::Source]),
    (SemanticTokenType::PARAMETER, &[Kind::Param]),
    (SemanticTokenType::VARIABLE, &[Kind::Metric, Kind::Score]),
    (SemanticTokenType::ENUM, &[Kind::Segmentation]),
    (SemanticTokenType::ENUM_MEMBER, &[Kind::Label, Kind::Tag]),
    (SemanticTokenType::PROPERTY, &[Kind::Column]),
    (SemanticTokenType::FUNCTION, &[Kind::Function]),
    (SemanticTokenType::STRING, &[]),
    (SemanticTokenType::NUMBER, &[]),
    (SemanticTokenType::COMMENT, &[]),
];
const KEYWORD: u32 = 0;
const STRING: u32 = 8;
const NUMBER: u32 = 9;
const COMMENT: u32 = 10;
/// Modifier bits: a name where it is defined; a score (read-only variable).
const DECLARATION: u32 = 1;
const READONLY: u32 = 2;

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TYPES.iter().map(|(t, _)| t.clone()).collect(),
        token_modifiers: vec![
            SemanticTokenModifier::DECLARATION,
            SemanticTokenModifier::READONLY,
        ],
    }
}

fn token_type(o: &Occurrence) -> Option<u32> {
    TYPES
        .iter()
        .position(|(_, kinds)| kinds.contains(&o.kind))
        .map(|i| i as u32)
}

/// Every token of a file, delta-encoded in UTF-16 units as the protocol
/// wants: names by what they name, the rest by what they look like.
pub fn tokens(set: &RuleSet, file: FileId) -> Vec<SemanticToken> {
    let text = &set.files.get(file).text;
    let mut occurrences = set
        .index
        .occurrences
        .iter()
        .filter(|o| o.span.file == file)
        .peekable();
    let mut out = Vec::new();
    let mut previous = lsp_types::Position::new(0, 0);
    let mut walker = super::position::Walker::new(text);
    for (lexeme, range) in words::lex(text) {
        while occurrences
            .peek()
            .is_some_and(|o| (o.span.start as usize) < range.start)
        {
            occurrences.next();
        }
        let named = occurrences
            .peek()
            .filter(|o| o.span.start as usize == range.start)
            .copied();
        let classified = match (named.and_then(|o| token_type(o).map(|t| (o, t))), lexeme) {
            (Some((o, t)), _) => {
                let mut modifiers = if o.defines.is_some() { DECLARATION } else { 0 };
                if o.kind == Kind::Score {
                    modifiers |= READONLY;
                }
                Some((t, modifiers))
            }
            (None, Lexeme::Word) if words::is_keyword(&text[range.clone()]) => Some((KEYWORD, 0)),
            (None, Lexeme::Text) => Some((STRING, 0)),
            (None, Lexeme::Number) => Some((NUMBER, 0)),
            (None, Lexeme::Comment) => Some((COMMENT, 0)),
            _ => None,
        };
        let Some((token_type, modifiers)) = classified else {
            continue;
        };
        let start = walker.to(range.start);
        let length: usize = text[range].chars().map(char::len_utf16).sum();
        let delta_line = start.line - previous.line;
        let delta_start = if delta_line == 0 {
            start.character - previous.character
        } else {
            start.character
        };
        out.push(SemanticToken {
            delta_line,
            delta_start,
            length: length as u32,
            token_type,
            token_modifiers_bitset: modifiers,
        });
        previous = start;
    }
    out
}
