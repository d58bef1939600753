//! Stage 2, semantic: [`Ast`] → [`Program`]. Binds every name, checks every
//! type, orders the definitions and reports everything wrong in one pass.
//!
//! No IO happens here: the columns of the sources come through the
//! [`Catalog`] trait, which the engine implements with DuckDB `DESCRIBE`.

mod aggregate;
mod catalogue;
mod clashes;
mod declare;
mod everyday;
mod examples;
mod expect;
mod finish;
mod functions;
mod group;
mod header_only;
pub mod ir;
mod kmeans;
mod lookup;
mod manual;
pub mod names;
mod order;
mod percentile;
mod read_options;
mod resolve;
mod score;
pub mod types;
mod window;

use crate::i18n::tr;
use std::collections::HashMap;

use jiff::civil::Date;
use sha2::{Digest, Sha256};

pub use functions::FUNCTIONS;
pub use ir::Program;
pub use types::Type;

use crate::diagnostic::{self, Diagnostic};
use crate::source::{SourceMap, Span};
use crate::syntax::Ast;
use ir::Location;

/// A column of a source, as the data describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    /// The SQL type, e.g. `VARCHAR` or `DECIMAL(18,2)`.
    pub sql_type: String,
}

/// Where the checker learns the columns of a source.
pub trait Catalog {
    /// Told, once and before any `columns`, every location the rules read.
    /// A sandboxed catalog refuses those outside the folders it may read
    /// (with why, naming the folders) and from then on reads nothing but
    /// the others. One answer per location; `None` allows it.
    fn allow(&self, locations: &[Location]) -> Vec<Option<String>> {
        vec![None; locations.len()]
    }

    /// The columns of the source at `location`, or why they cannot be read.
    fn columns(&self, location: &Location) -> Result<Vec<Column>, String>;

    /// At most `limit` distinct non-missing values of a column, as text,
    /// or why they cannot be read. Only hand-assigned tags are read this
    /// way (W006); a catalog without data does not know them.
    fn distinct_values(
        &self,
        location: &Location,
        column: &str,
        limit: usize,
    ) -> Result<Vec<String>, String> {
        let _ = (location, column, limit);
        Err("the values are not known".to_string())
    }
}

/// A catalog that knows no source, for checks without any data.
pub struct NoData;

impl Catalog for NoData {
    fn columns(&self, _: &Location) -> Result<Vec<Column>, String> {
        Err("no data was given".to_string())
    }
}

/// Whether unreadable sources are a warning (`seg check`) or an error
/// (`seg run`, which needs the data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Check,
    Run,
}

/// What the command line adds to the rules.
#[derive(Debug, Clone)]
pub struct Settings {
    pub mode: Mode,
    /// `--as-of`.
    pub as_of: Option<Date>,
    /// The date to use when neither `--as-of` nor `as of` gives one.
    pub today: Date,
    /// `--set name=value`, in order (a later one wins).
    pub params: Vec<(String, String)>,
    /// `--source name=path-or-table`.
    pub sources: Vec<(String, String)>,
}

impl Settings {
    pub fn new(mode: Mode, today: Date) -> Self {
        Settings {
            mode,
            as_of: None,
            today,
            params: Vec::new(),
            sources: Vec::new(),
        }
    }
}

/// The outcome of checking: a program when there is no error, and every
/// diagnostic, sorted into reading order.
#[derive(Debug)]
pub struct Checked {
    pub program: Option<Program>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The entry of the stage.
pub fn check(ast: &Ast, files: &SourceMap, catalog: &dyn Catalog, settings: &Settings) -> Checked {
    let mut checker = Checker::new(files, catalog, settings);
    checker.unparsed = ast.unparsed_names.clone();
    let declarations = checker.declare(ast);
    checker.manual = checker.manual_tags(&declarations.tags_from);
    checker.resolve_all();
    let program = checker.finish(&declarations);
    let mut diagnostics = checker.diagnostics;
    diagnostic::sort(&mut diagnostics);
    let program = program.filter(|_| !diagnostics.iter().any(Diagnostic::is_error));
    Checked {
        program,
        diagnostics,
    }
}

/// sha256 over the rule files' names (without folders) and texts, so the
/// same rules give the same hash wherever they are checked out.
pub fn rules_hash(files: &SourceMap) -> String {
    let mut named: Vec<(String, &str)> = files
        .iter()
        .map(|(_, f)| {
            let name = f
                .path
                .file_name()
                .map_or_else(|| f.name.clone(), |n| n.to_string_lossy().into_owned());
            (name, f.text.as_str())
        })
        .collect();
    named.sort();
    let mut hasher = Sha256::new();
    for (name, text) in named {
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update(text.as_bytes());
        hasher.update([0]);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The state of one check. Its parts live in the submodules, one concern
/// each: `declare` (names, sources, params), `resolve` (expressions),
/// `order` (dependencies), `catalogue` (descriptions), `finish` (the
/// program).
struct Checker<'a> {
    files: &'a SourceMap,
    catalog: &'a dyn Catalog,
    settings: &'a Settings,
    diagnostics: Vec<Diagnostic>,
    as_of: Date,
    as_of_origin: ir::AsOfOrigin,
    /// Every name defined in the rules, in one namespace.
    names: HashMap<String, Entry>,
    sources: Vec<SourceInfo>,
    customers: Option<usize>,
    /// Lookup tables: sources with a `key` that no fact source's `by`
    /// names (`source products ... key product_id`).
    lookups: Vec<usize>,
    /// The lookup columns each fact source's aggregates read: (fact,
    /// lookup, column), each once.
    lookup_uses: Vec<(usize, usize, String)>,
    params: Vec<ParamInfo>,
    defs: Vec<Def<'a>>,
    /// Definitions being resolved, innermost last (for dependencies).
    resolving: Vec<usize>,
    aggregates: Vec<ir::Aggregate>,
    aggregate_index: HashMap<String, usize>,
    /// `percentile(...)` calls by their text, each computed once.
    datasets: HashMap<String, usize>,
    customer_columns: Vec<String>,
    /// Names already reported as assumed customer columns (W003), once each.
    assumed: Vec<String>,
    /// Names defined by statements that did not parse.
    unparsed: Vec<String>,
    /// Segmentations whose rules are split across files (E304).
    split: Vec<String>,
    /// The names a user defined, sorted (`resolve::defined_names`).
    defined: std::cell::OnceCell<Vec<String>>,
    /// How many more candidates "did you mean" may compare in this check.
    suggestion_budget: std::cell::Cell<usize>,
    /// The `tags from` lines that read, checked before the definitions so
    /// that conditions can use hand-assigned tags.
    manual: Vec<ir::ManualTags>,
    /// The hand-assigned tags in the data (`None`: some tag source cannot
    /// be read), read the first time a condition may use one.
    hand_tags: std::cell::OnceCell<Option<Vec<String>>>,
    /// Names already reported as assumed hand-assigned tags (W009).
    assumed_tags: Vec<String>,
    /// The resolved `kmeans(...)` segmentations, numbered by definition.
    clusters: Vec<ir::Kmeans>,
}

/// Comparisons "did you mean" may make in one check (about half a second's
/// worth): 2,000 unknown names among 1,000 definitions all get theirs.
const SUGGESTION_BUDGET: usize = 2_000_000;

#[derive(Debug, Clone, Copy)]
enum Entry {
    Source(usize),
    Param(usize),
    Def(usize),
}

struct SourceInfo {
    name: String,
    span: Span,
    location: Location,
    key: Option<String>,
    by: Option<String>,
    at: Option<String>,
    /// `None` when the source could not be read.
    columns: Option<Vec<(String, Type)>>,
    /// Columns of floating-point numbers, whose sums depend on the order of
    /// addition.
    floats: Vec<String>,
    /// Timestamps with a time zone, read as UTC timestamps.
    zoned: Vec<String>,
    /// The columns of a header-only text file (`ir::Source::header_only`).
    header_only: Option<Vec<String>>,
}

impl SourceInfo {
    fn column(&self, name: &str) -> Option<Type> {
        self.columns
            .as_ref()?
            .iter()
            .find(|(c, _)| c == name)
            .map(|(_, t)| *t)
    }

    fn column_names(&self) -> Vec<&str> {
        self.columns
            .iter()
            .flatten()
            .map(|(c, _)| c.as_str())
            .collect()
    }

    /// E103 for a column this source does not have, with the real ones.
    fn unknown_column(&self, column: &crate::syntax::ast::Name) -> Diagnostic {
        Diagnostic::new(
            crate::diagnostic::Code::UnknownColumn,
            tr!(
                "mod",
                name = self.name.to_string(),
                text = column.text.to_string()
            ),
        )
        .at(column.span, tr!("mod.label", name = self.name.to_string()))
        .help(declare::column_help(&column.text, &self.column_names()))
    }
}

struct ParamInfo {
    name: String,
    span: Span,
    value: ir::Value,
    overridden: bool,
}

/// A definition before and after resolution.
struct Def<'a> {
    name: String,
    span: Span,
    kind: DefKind<'a>,
    state: DefState,
    resolved: Option<ir::NodeKind>,
    ty: Type,
    nullable: bool,
    /// Definitions this one uses, with where it uses them.
    deps: Vec<(usize, Span)>,
}

enum DefKind<'a> {
    Metric(&'a crate::syntax::ast::MetricDecl),
    Score(&'a crate::syntax::ast::ScoreDecl),
    Segmentation(Vec<&'a crate::syntax::ast::SegmentRule>),
    Tag(&'a crate::syntax::ast::TagDecl),
    Kmeans(&'a crate::syntax::ast::KmeansDecl),
    /// Created while resolving a `percentile(...)` call.
    Dataset,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum DefState {
    Pending,
    Resolving,
    Done,
}

impl<'a> Checker<'a> {
    fn new(files: &'a SourceMap, catalog: &'a dyn Catalog, settings: &'a Settings) -> Self {
        Checker {
            files,
            catalog,
            settings,
            diagnostics: Vec::new(),
            as_of: settings.as_of.unwrap_or(settings.today),
            as_of_origin: if settings.as_of.is_some() {
                ir::AsOfOrigin::CommandLine
            } else {
                ir::AsOfOrigin::Today
            },
            names: HashMap::new(),
            sources: Vec::new(),
            customers: None,
            lookups: Vec::new(),
            lookup_uses: Vec::new(),
            params: Vec::new(),
            defs: Vec::new(),
            resolving: Vec::new(),
            aggregates: Vec::new(),
            aggregate_index: HashMap::new(),
            datasets: HashMap::new(),
            customer_columns: Vec::new(),
            assumed: Vec::new(),
            unparsed: Vec::new(),
            split: Vec::new(),
            defined: std::cell::OnceCell::new(),
            suggestion_budget: std::cell::Cell::new(SUGGESTION_BUDGET),
            manual: Vec::new(),
            hand_tags: std::cell::OnceCell::new(),
            assumed_tags: Vec::new(),
            clusters: Vec::new(),
        }
    }

    fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// The text a span covers, with runs of whitespace (continuation lines)
    /// folded to one space.
    fn text(&self, span: Span) -> String {
        self.files
            .text(span)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// `file:line` of a span, for the catalogue.
    fn place(&self, span: Span) -> String {
        let file = self.files.get(span.file);
        let (line, _) = file.line_col(span.start as usize);
        let name = file
            .path
            .file_name()
            .map_or_else(|| file.name.clone(), |n| n.to_string_lossy().into_owned());
        format!("{name}:{line}")
    }
}
