//! The resolved program: every name bound, every expression typed, every
//! definition in dependency order. This is what the SQL stage compiles.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use super::types::Type;
use crate::source::Span;

#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    pub as_of: Date,
    pub as_of_origin: AsOfOrigin,
    /// The customer (entity) source: one row per customer.
    pub customers: Source,
    /// Customer columns the rules use, in first-use order.
    pub customer_columns: Vec<String>,
    /// Fact sources, in declaration order.
    pub facts: Vec<Source>,
    /// Aggregates over fact sources, each computed once however often used.
    pub aggregates: Vec<Aggregate>,
    /// Every definition, each after everything it uses.
    pub nodes: Vec<Node>,
    pub params: Vec<Param>,
    pub manual_tags: Vec<ManualTags>,
    /// Lookup tables (`source products ... key product_id`), joined to the
    /// fact sources whose aggregates read their columns.
    pub lookups: Vec<Lookup>,
    pub catalogue: Vec<CatalogueEntry>,
    /// `example` statements, in file order: imaginary customers and what
    /// they should get (run by `seg test`, never by a run).
    pub examples: Vec<Example>,
    /// `expect` statements, in file order: properties of the computed
    /// table, checked by every run and by `seg test` on each case.
    pub expectations: Vec<Expectation>,
    /// sha256 of the rule files (names and text), hex.
    pub rules_hash: String,
    /// `kmeans(...)` segmentations, in declaration order: each is a node
    /// of [`Program::nodes`] whose rules read the cluster the engine
    /// computed into [`cluster_column`].
    pub clusters: Vec<Kmeans>,
}

/// `segmentation cluster = kmeans(5, recency, frequency, monetary) log monetary seed 7`.
#[derive(Debug, Clone, PartialEq)]
pub struct Kmeans {
    /// Index into [`Program::nodes`] of the segmentation.
    pub node: usize,
    pub k: usize,
    /// Each input's name and value.
    pub inputs: Vec<(String, Expr)>,
    /// Per input: taken as `ln(1 + x)` before it is standardised.
    pub log: Vec<bool>,
    pub seed: u64,
}

/// The column of the computed steps holding a kmeans segmentation's
/// cluster number (as text), read by its rules.
pub fn cluster_column(segmentation: &str) -> String {
    format!("seg$cluster:{segmentation}")
}

impl Program {
    /// Whether a run reads the fact source `f`: some aggregate or `tags
    /// from` uses it.
    pub fn reads_fact(&self, f: usize) -> bool {
        self.aggregates.iter().any(|a| a.source == f)
            || self.manual_tags.iter().any(|m| m.source == f)
    }

    /// Every column of the fact source `f` a run reads: its customer and
    /// time columns, what its aggregates aggregate and filter on, and its
    /// hand-assigned tags; each once, in first-use order.
    pub fn fact_columns(&self, f: usize) -> Vec<String> {
        let source = &self.facts[f];
        let mut columns = vec![source.key.clone()];
        columns.extend(source.at.clone());
        for aggregate in self.aggregates.iter().filter(|a| a.source == f) {
            columns.extend(aggregate.column.clone());
            if let Some(filter) = &aggregate.filter {
                filter.walk(|e| {
                    if let ExprKind::Column(c) = &e.kind {
                        columns.push(c.clone());
                    }
                });
            }
        }
        let tags = self.manual_tags.iter().filter(|m| m.source == f);
        columns.extend(tags.map(|m| m.column.clone()));
        // Read through a lookup, not from the fact source itself.
        let through: Vec<String> = self
            .lookups
            .iter()
            .flat_map(|l| {
                l.joined
                    .iter()
                    .filter(|(g, _)| *g == f)
                    .flat_map(|(_, cs)| cs.iter().map(|c| lookup_column(&l.source.name, c)))
            })
            .collect();
        columns.retain(|c| !through.contains(c));
        for l in self
            .lookups
            .iter()
            .filter(|l| l.joined.iter().any(|(g, _)| *g == f))
        {
            columns.push(l.source.key.clone());
        }
        once_each(columns)
    }

    /// Every column of the customer source a run reads: the key, the
    /// creation date and the columns the rules use.
    pub fn customer_source_columns(&self) -> Vec<String> {
        let mut columns = vec![self.customers.key.clone()];
        columns.extend(self.customers.at.clone());
        columns.extend(self.customer_columns.iter().cloned());
        once_each(columns)
    }

    /// The nodes (with their index) in the order the rules declare them.
    pub fn declared(&self) -> Vec<(usize, &Node)> {
        let mut nodes: Vec<(usize, &Node)> = self.nodes.iter().enumerate().collect();
        nodes.sort_by_key(|(_, n)| n.declared);
        nodes
    }
}

/// The names in order, each once (as SQL compares them).
fn once_each(names: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in names {
        if !out.iter().any(|n| super::names::same(n, &name)) {
            out.push(name);
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AsOfOrigin {
    /// `as of` in a rule file.
    Rules,
    /// `--as-of` on the command line.
    CommandLine,
    /// Neither: the date the run started (UTC).
    Today,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub name: String,
    pub location: Location,
    /// The customer key (for the customer source) or the `by` column.
    pub key: String,
    /// The time column (`at`): on a fact source when each row happened, on
    /// the customer source when each customer was created. A run sees only
    /// rows dated before its as-of date (customers with no date count).
    pub at: Option<String>,
    /// Columns of timestamps with a time zone, read as UTC timestamps.
    pub zoned: Vec<String>,
    /// A text file with a header line and no rows: its column names, each
    /// with the type the rules need it as (`semantic/header_only.rs`). It
    /// holds no facts, and is read as an empty relation of those columns.
    pub header_only: Option<Vec<(String, Type)>>,
    /// The temporary table a replay copied this source's rows into, read
    /// instead of `location` (which the run log still records).
    pub loaded: Option<String>,
}

/// Where a source's rows come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    File {
        path: PathBuf,
        format: FileFormat,
        /// How a text file is read (`with delimiter ";", ...`).
        read: ReadOptions,
    },
    /// A table in the database given with `--db`, maybe schema-qualified
    /// (`crm.orders`).
    Table(String),
}

impl Location {
    /// `from "path"` written in a rule file in `dir`. Only the part the
    /// user wrote may glob: when the path is a pattern, the folder part is
    /// escaped, so a folder named `rules[1]*` matches only itself.
    pub fn file_in(dir: &Path, path: &str, format: FileFormat) -> Location {
        let folder = escape_glob(&dir.to_string_lossy());
        Location::File {
            path: Path::new(&folder).join(path),
            format,
            read: ReadOptions::default(),
        }
    }

    /// Where the rows come from, for messages and run metadata.
    pub fn describe(&self) -> String {
        match self {
            Location::File { path, .. } => path.display().to_string(),
            Location::Table(t) => format!("table {t}"),
        }
    }
}

/// Whether DuckDB reads `path` as a glob pattern.
pub fn is_glob(path: &str) -> bool {
    path.contains(['*', '?', '['])
}

/// A folder as a DuckDB glob pattern that matches only itself. DuckDB has
/// no escape character in patterns, but a class of one character matches
/// just that character: `[` is written `[[]`, `*` `[*]`. Parts without a
/// wildcard character are not patterns and stay as they are.
pub fn escape_glob(folder: &str) -> String {
    let parts: Vec<String> = folder
        .split('/')
        .map(|part| {
            if !is_glob(part) {
                return part.to_string();
            }
            let mut out = String::with_capacity(part.len() + 8);
            for c in part.chars() {
                if matches!(c, '*' | '?' | '[' | ']') {
                    out.extend(['[', c, ']']);
                } else {
                    out.push(c);
                }
            }
            out
        })
        .collect();
    parts.join("/")
}

/// What a file pattern can reach, for the sandbox: the fixed part of the
/// path before its first wildcard, unescaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternReach {
    /// The file itself (no wildcard), or the folder the wildcards match in.
    pub fixed: PathBuf,
    /// `fixed` as written in the pattern, escapes and all (DuckDB checks
    /// access to the pattern too before it expands it).
    pub written: PathBuf,
    /// Whether wildcards follow `fixed`.
    pub globbed: bool,
    /// Folders DuckDB lists to match an escaped part literally (their
    /// names only, not their files).
    pub listed: Vec<PathBuf>,
    /// A `..` after a wildcard, which could climb out of `fixed`.
    pub climbs: bool,
}

/// Splits a DuckDB file pattern into what it can reach.
pub fn pattern_reach(pattern: &Path) -> PatternReach {
    let text = pattern.to_string_lossy();
    let mut reach = PatternReach {
        fixed: PathBuf::new(),
        written: PathBuf::new(),
        globbed: false,
        listed: Vec::new(),
        climbs: false,
    };
    if text.starts_with('/') {
        reach.fixed.push("/");
        reach.written.push("/");
    }
    for part in text.split('/').filter(|p| !p.is_empty()) {
        if reach.globbed {
            reach.climbs |= part == "..";
            continue;
        }
        if !is_glob(part) {
            reach.fixed.push(part);
            reach.written.push(part);
            continue;
        }
        let (literal, wild) = unescape_glob(part);
        if wild {
            reach.globbed = true;
            continue;
        }
        {
            let parent = if reach.fixed.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                reach.fixed.clone()
            };
            reach.listed.push(parent);
        }
        reach.fixed.push(literal);
        reach.written.push(part);
    }
    if reach.fixed.as_os_str().is_empty() {
        reach.fixed.push(".");
        reach.written.push(".");
    }
    reach
}

/// One path part without its escapes (classes of one character, see
/// [`escape_glob`]), and whether it has a real wildcard.
fn unescape_glob(part: &str) -> (String, bool) {
    let chars: Vec<char> = part.chars().collect();
    let mut literal = String::with_capacity(part.len());
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '[' if chars.get(i + 2) == Some(&']') => {
                literal.push(chars[i + 1]);
                i += 3;
            }
            '*' | '?' | '[' => return (literal, true),
            c => {
                literal.push(c);
                i += 1;
            }
        }
    }
    (literal, false)
}

/// How a CSV or TSV file is read, where DuckDB's guesses would be wrong:
/// `with delimiter ";", no header, null "NA", date format "%d/%m/%Y",
/// columns (...), types (...)`. Unset options are left to DuckDB's sniffer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReadOptions {
    pub delimiter: Option<String>,
    /// Whether the first line names the columns.
    pub header: Option<bool>,
    /// The text that stands for a missing value.
    pub null: Option<String>,
    pub date_format: Option<String>,
    pub timestamp_format: Option<String>,
    /// `utf-8`, `utf-16` or `latin-1`: the encodings the bundled DuckDB reads.
    pub encoding: Option<String>,
    /// Every column's name, in order (a file without a header line).
    pub names: Vec<String>,
    /// Columns read as a given type instead of the sniffed one.
    pub types: Vec<(String, ColumnKind)>,
}

impl ReadOptions {
    pub fn is_empty(&self) -> bool {
        *self == ReadOptions::default()
    }
}

/// The type a read option gives a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Text,
    Number,
    Date,
    Timestamp,
    Bool,
}

impl ColumnKind {
    /// The words a rule author writes, the first of each being the usual one.
    pub const NAMES: &'static [(&'static str, ColumnKind)] = &[
        ("text", ColumnKind::Text),
        ("number", ColumnKind::Number),
        ("date", ColumnKind::Date),
        ("timestamp", ColumnKind::Timestamp),
        ("bool", ColumnKind::Bool),
    ];

    pub fn from_word(word: &str) -> Option<ColumnKind> {
        let word = word.to_ascii_lowercase();
        ColumnKind::NAMES
            .iter()
            .find(|(w, _)| *w == word)
            .map(|(_, k)| *k)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Csv,
    Tsv,
    Parquet,
    Json,
}

impl FileFormat {
    /// CSV and TSV: the formats read options apply to.
    pub fn is_text(self) -> bool {
        matches!(self, FileFormat::Csv | FileFormat::Tsv)
    }

    /// The format of a file, from its extension (`.csv.gz` counts as csv).
    pub fn from_path(path: &str) -> Option<FileFormat> {
        let lower = path.to_ascii_lowercase();
        let lower = lower.strip_suffix(".gz").unwrap_or(&lower);
        let lower = lower.strip_suffix(".zst").unwrap_or(lower);
        let ext = lower.rsplit('.').next()?;
        Some(match ext {
            "csv" | "txt" => FileFormat::Csv,
            "tsv" => FileFormat::Tsv,
            "parquet" | "pq" => FileFormat::Parquet,
            "json" | "jsonl" | "ndjson" => FileFormat::Json,
            _ => return None,
        })
    }
}

/// An aggregate over a fact source, per customer.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    /// Index into [`Program::facts`].
    pub source: usize,
    pub function: AggregateFunction,
    /// The column aggregated; `None` for `count(orders)` (rows).
    pub column: Option<String>,
    /// The `where` filter, over the source's columns.
    pub filter: Option<Expr>,
    /// Only rows whose time is on or after this date (`last 90 days`).
    pub since: Option<Date>,
    /// Only rows whose time is before this date (`90 to 30 days ago`).
    pub until: Option<Date>,
    pub ty: Type,
    /// The column holds floating-point numbers: a sum must be made exact to
    /// give the same result on every run.
    pub float: bool,
    /// The call as first written, for comments in the SQL.
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AggregateFunction {
    Count,
    Sum,
    Avg,
    Min,
    Max,
    CountDistinct,
    Mode,
    /// The value of the earliest row by the source's time column.
    First,
    /// The value of the latest row by the source's time column.
    Last,
}

impl AggregateFunction {
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "count" => Self::Count,
            "sum" => Self::Sum,
            "avg" => Self::Avg,
            "min" => Self::Min,
            "max" => Self::Max,
            "count_distinct" => Self::CountDistinct,
            "mode" => Self::Mode,
            "first" => Self::First,
            "last" => Self::Last,
            _ => return None,
        })
    }

    /// `count` and `sum` over no rows are 0; the others are missing.
    pub fn zero_when_empty(self) -> bool {
        matches!(self, Self::Count | Self::Sum | Self::CountDistinct)
    }
}

/// A named definition: what the user wrote on one line (or one
/// segmentation's lines), or a dataset-level value used in a condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub name: String,
    pub kind: NodeKind,
    /// Where the definition stands in the rule files (files by name, lines
    /// in order): the order of output columns, tags and summaries.
    pub declared: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Metric(Expr),
    Score(Score),
    /// `percentile(monetary, 0.9)`: one value for the whole customer base,
    /// or with `within region`, one per group of customers.
    DatasetValue {
        input: Expr,
        fraction: f64,
        group: Option<Expr>,
    },
    Segmentation(Vec<SegmentRule>),
    Tag(Expr),
}

impl NodeKind {
    pub fn kind_name(&self) -> &'static str {
        match self {
            NodeKind::Metric(_) => "metric",
            NodeKind::Score(_) => "score",
            NodeKind::DatasetValue { .. } => "dataset value",
            NodeKind::Segmentation(_) => "segmentation",
            NodeKind::Tag(_) => "tag",
        }
    }
}

impl NodeKind {
    /// The expressions a definition is made of: a score's input and subset,
    /// every condition of a segmentation.
    pub fn exprs(&self) -> Vec<&Expr> {
        match self {
            NodeKind::Metric(e) | NodeKind::Tag(e) => vec![e],
            NodeKind::DatasetValue { input, group, .. } => {
                std::iter::once(input).chain(group).collect()
            }
            NodeKind::Score(s) => std::iter::once(&s.input)
                .chain(&s.subset)
                .chain(&s.group)
                .collect(),
            NodeKind::Segmentation(rules) => {
                rules.iter().filter_map(|r| r.condition.as_ref()).collect()
            }
        }
    }

    /// [`NodeKind::exprs`], to change them in place.
    pub fn exprs_mut(&mut self) -> Vec<&mut Expr> {
        match self {
            NodeKind::Metric(e) | NodeKind::Tag(e) => vec![e],
            NodeKind::DatasetValue { input, group, .. } => {
                std::iter::once(input).chain(group).collect()
            }
            NodeKind::Score(s) => std::iter::once(&mut s.input)
                .chain(&mut s.subset)
                .chain(&mut s.group)
                .collect(),
            NodeKind::Segmentation(rules) => rules
                .iter_mut()
                .filter_map(|r| r.condition.as_mut())
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub input: Expr,
    pub buckets: u32,
    pub higher_is_better: bool,
    /// Only customers for whom this holds are scored.
    pub subset: Option<Expr>,
    /// `within region`: each customer is ranked among the customers of
    /// its group only (a customer column or definition; those whose group
    /// is missing get no score).
    pub group: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SegmentRule {
    pub label: String,
    /// `None` for `otherwise`.
    pub condition: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    pub value: Value,
    /// Whether `--set` replaced the value written in the rules.
    pub overridden: bool,
}

/// A lookup table: one row per key (`product_id`), joined to the rows of
/// each fact source that has a column of that name and reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Lookup {
    pub source: Source,
    /// For each fact source (index into [`Program::facts`]) that reads the
    /// lookup: the lookup's columns it reads. A column read through a
    /// lookup is named [`lookup_column`] in the fact row.
    pub joined: Vec<(usize, Vec<String>)>,
}

/// The name a lookup's column has in a fact row joined to it
/// (`products.category`): no column of the fact source is in the way, as
/// the join brings in nothing else.
pub fn lookup_column(lookup: &str, column: &str) -> String {
    format!("{lookup}.{column}")
}

/// `tags from crm_tags.tag`
#[derive(Debug, Clone, PartialEq)]
pub struct ManualTags {
    /// Index into [`Program::facts`].
    pub source: usize,
    pub column: String,
}

/// One row of the tag catalogue: a rule-made tag, a segment label, or a
/// described hand-assigned tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueEntry {
    pub kind: EntryKind,
    /// The segmentation, for a label.
    pub segmentation: Option<String>,
    pub name: String,
    pub category: Option<String>,
    pub description: Option<String>,
    pub colour: Option<String>,
    /// The condition as written (`otherwise` for an otherwise rule).
    pub rule: Option<String>,
    /// `file:line` of the rule.
    pub defined_at: Option<String>,
}

/// `example "name": givens expects outcomes`: one imaginary customer.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub name: String,
    /// `file:line` of the statement.
    pub defined_at: String,
    /// The example's name as written, to point at.
    pub span: Span,
    pub givens: Vec<Given>,
    pub outcomes: Vec<ExpectedOutcome>,
}

/// A value an example gives; `value: None` gives it as missing.
#[derive(Debug, Clone, PartialEq)]
pub struct Given {
    pub target: GivenTarget,
    pub value: Option<Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum GivenTarget {
    /// A metric, score or dataset-level value (index into
    /// [`Program::nodes`]): taken as given, not computed.
    Node(usize),
    /// A column of the customer source the rules use.
    Column(String),
    /// A hand-assigned tag.
    Tag(String),
}

/// What an example expects: a label, or a tag it carries (or, negated,
/// does not).
#[derive(Debug, Clone, PartialEq)]
pub struct ExpectedOutcome {
    pub subject: Subject,
    pub negated: bool,
    /// As written, for reports: `tier A`, `not tag unhappy`.
    pub text: String,
    pub span: Span,
}

/// A label of a segmentation, or a tag.
#[derive(Debug, Clone, PartialEq)]
pub enum Subject {
    /// `segmentation` indexes [`Program::nodes`].
    Label {
        segmentation: usize,
        label: String,
    },
    Tag(String),
}

/// `expect ...`: what must hold of the computed table.
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    /// The statement as written, on one line.
    pub text: String,
    /// `file:line` of the statement.
    pub defined_at: String,
    pub span: Span,
    pub kind: ExpectationKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExpectationKind {
    /// The share of customers with a label or tag lies within bounds.
    Share {
        subject: Subject,
        low: Option<ShareBound>,
        high: Option<ShareBound>,
    },
    /// No customer meets the condition.
    NoCustomer(Expr),
    /// Every customer meeting the condition (all without one) has a value
    /// for the node (a metric, score or label).
    Every { condition: Option<Expr>, has: usize },
}

/// A bound of a share, as a fraction (0.15 for 15%).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShareBound {
    pub fraction: f64,
    /// `between` and `at most`/`at least` include the bound; `under` and
    /// `over` do not.
    pub inclusive: bool,
}

impl ExpectationKind {
    /// The conditions it holds (to renumber their references).
    pub fn exprs_mut(&mut self) -> Vec<&mut Expr> {
        match self {
            ExpectationKind::Share { .. } => Vec::new(),
            ExpectationKind::NoCustomer(e) => vec![e],
            ExpectationKind::Every { condition, .. } => condition.iter_mut().collect(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Label,
    Tag,
    ManualTag,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Digits as written, so SQL gets exactly what the user wrote.
    Number(String),
    Text(String),
    Date(Date),
    Bool(bool),
}

impl Value {
    pub fn ty(&self) -> Type {
        match self {
            Value::Number(_) => Type::Number,
            Value::Text(_) => Type::Text,
            Value::Date(_) => Type::Date,
            Value::Bool(_) => Type::Bool,
        }
    }

    pub fn display(&self) -> String {
        match self {
            Value::Number(n) => n.clone(),
            Value::Text(t) => t.clone(),
            Value::Date(d) => d.to_string(),
            Value::Bool(b) => b.to_string(),
        }
    }
}

/// A typed expression. `nullable` is false only when the value can never be
/// missing; the SQL stage relies on it to keep comparisons two-valued.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Type,
    pub nullable: bool,
}

impl Expr {
    /// The expressions directly inside this one, in reading order. Every
    /// walk over the IR goes through this and [`Expr::children_mut`], so a
    /// new kind of expression is added in one place.
    pub fn children(&self) -> Vec<&Expr> {
        match &self.kind {
            ExprKind::Literal(_)
            | ExprKind::Column(_)
            | ExprKind::Aggregate(_)
            | ExprKind::Node(_)
            | ExprKind::HandTag(_)
            | ExprKind::Error => Vec::new(),
            ExprKind::Not(e) | ExprKind::Neg(e) | ExprKind::Abs(e) => vec![e],
            ExprKind::IsMissing { expr, .. }
            | ExprKind::InList { expr, .. }
            | ExprKind::OnOrAfter { expr, .. }
            | ExprKind::Since { expr, .. }
            | ExprKind::Round { expr, .. }
            | ExprKind::Matches { expr, .. }
            | ExprKind::Shift { expr, .. } => vec![expr],
            ExprKind::Binary { left, right, .. }
            | ExprKind::TextTest {
                expr: left,
                pattern: right,
                ..
            } => vec![left, right],
            ExprKind::Function { args, .. } => args.iter().collect(),
            ExprKind::Between {
                expr, low, high, ..
            } => vec![expr, low, high],
        }
    }

    /// [`Expr::children`], to change them in place.
    pub fn children_mut(&mut self) -> Vec<&mut Expr> {
        match &mut self.kind {
            ExprKind::Literal(_)
            | ExprKind::Column(_)
            | ExprKind::Aggregate(_)
            | ExprKind::Node(_)
            | ExprKind::HandTag(_)
            | ExprKind::Error => Vec::new(),
            ExprKind::Not(e) | ExprKind::Neg(e) | ExprKind::Abs(e) => vec![e],
            ExprKind::IsMissing { expr, .. }
            | ExprKind::InList { expr, .. }
            | ExprKind::OnOrAfter { expr, .. }
            | ExprKind::Since { expr, .. }
            | ExprKind::Round { expr, .. }
            | ExprKind::Matches { expr, .. }
            | ExprKind::Shift { expr, .. } => vec![expr],
            ExprKind::Binary { left, right, .. }
            | ExprKind::TextTest {
                expr: left,
                pattern: right,
                ..
            } => vec![left, right],
            ExprKind::Function { args, .. } => args.iter_mut().collect(),
            ExprKind::Between {
                expr, low, high, ..
            } => vec![expr, low, high],
        }
    }

    /// Calls `f` on this expression and every expression inside it, outer
    /// ones first. An explicit stack, so a deeply nested rule cannot
    /// overflow the call stack.
    pub fn walk<'e>(&'e self, mut f: impl FnMut(&'e Expr)) {
        let mut stack = vec![self];
        while let Some(e) = stack.pop() {
            f(e);
            stack.extend(e.children().into_iter().rev());
        }
    }

    /// [`Expr::walk`], to change each expression in place.
    pub fn walk_mut(&mut self, mut f: impl FnMut(&mut Expr)) {
        let mut stack = vec![self];
        while let Some(e) = stack.pop() {
            f(e);
            stack.extend(e.children_mut().into_iter().rev());
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Literal(Value),
    /// A customer column, or inside an aggregate's filter a fact column.
    Column(String),
    /// Index into [`Program::aggregates`].
    Aggregate(usize),
    /// Index into [`Program::nodes`].
    Node(usize),
    /// Whether the customer carries this hand-assigned tag (`tags from`).
    HandTag(String),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Binary {
        left: Box<Expr>,
        op: BinaryOp,
        right: Box<Expr>,
    },
    IsMissing {
        expr: Box<Expr>,
        negated: bool,
    },
    InList {
        expr: Box<Expr>,
        items: Vec<Value>,
        negated: bool,
    },
    Between {
        expr: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
        negated: bool,
    },
    /// `t within N days`: `t` is on or after this date.
    OnOrAfter {
        expr: Box<Expr>,
        date: Date,
    },
    /// Whole days, months or years from the date of `expr` to the as-of date.
    Since {
        unit: SinceUnit,
        expr: Box<Expr>,
    },
    Round {
        expr: Box<Expr>,
        digits: i32,
    },
    Abs(Box<Expr>),
    /// `if_missing(x, 0)`, `lower(email)`, `days_between(a, b)` ...
    Function {
        function: Function,
        args: Vec<Expr>,
    },
    /// `email ends with "@example.com"`: true or false, false when either
    /// side is missing.
    TextTest {
        op: TextOp,
        expr: Box<Expr>,
        pattern: Box<Expr>,
    },
    /// `sku matches "AB-*"`: the whole text fits the pattern, where `*`
    /// stands for any text and `?` for one character.
    Matches {
        expr: Box<Expr>,
        pattern: String,
        ignore_case: bool,
    },
    /// `first_order + 30 days`: a date moved by whole periods (back when
    /// `amount` is negative).
    Shift {
        expr: Box<Expr>,
        amount: i64,
        unit: TimeUnit,
    },
    /// Stands for an expression that has an error already reported.
    Error,
}

/// The everyday scalar functions. Missing in, missing out: each gives a
/// missing value when an argument it needs is missing (`if_missing` and
/// `if` choose between their arguments instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    /// The first argument that is not missing.
    IfMissing,
    /// `if(condition, then, else)`: a missing condition counts as false.
    If,
    Greatest,
    Least,
    /// Characters in a text.
    Length,
    Lower,
    Upper,
    Year,
    Month,
    Day,
    /// Whole days from the first date to the second.
    DaysBetween,
}

/// The text tests other than `matches`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextOp {
    Contains,
    StartsWith,
    EndsWith,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SinceUnit {
    Day,
    Month,
    Year,
}

pub use crate::syntax::ast::{BinaryOp, TimeUnit};

#[cfg(test)]
mod tests {
    use super::*;

    fn path_of(location: &Location) -> String {
        let Location::File { path, .. } = location else {
            panic!("a file")
        };
        path.display().to_string()
    }

    #[test]
    fn only_the_written_part_of_a_path_may_glob() {
        let dir = Path::new("shop/rules[1]*");
        let plain = Location::file_in(dir, "orders.csv", FileFormat::Csv);
        assert_eq!(path_of(&plain), "shop/rules[[]1[]][*]/orders.csv");
        let glob = Location::file_in(dir, "orders/*.csv", FileFormat::Csv);
        assert_eq!(path_of(&glob), "shop/rules[[]1[]][*]/orders/*.csv");
        // A folder without wildcards, and absolute paths, stay as written.
        let ordinary = Location::file_in(Path::new("a\\b/rules"), "x.csv", FileFormat::Csv);
        assert_eq!(path_of(&ordinary), "a\\b/rules/x.csv");
        let absolute = Location::file_in(dir, "/data/x.csv", FileFormat::Csv);
        assert_eq!(path_of(&absolute), "/data/x.csv");
    }

    #[test]
    fn a_pattern_reaches_its_fixed_folder() {
        let reach = pattern_reach(Path::new("shop/rules[[]1[]][*]/orders/*.csv"));
        assert_eq!(reach.fixed, PathBuf::from("shop/rules[1]*/orders"));
        assert!(reach.globbed && !reach.climbs);
        assert_eq!(reach.listed, vec![PathBuf::from("shop")]);
        let file = pattern_reach(Path::new("/data/x.csv"));
        assert_eq!(file.fixed, PathBuf::from("/data/x.csv"));
        assert!(!file.globbed && file.listed.is_empty());
        assert!(pattern_reach(Path::new("data/*/../../etc/x.csv")).climbs);
    }
}
