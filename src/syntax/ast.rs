//! The syntax tree of a rule set: what was written, with a span on every
//! node and every comment kept. Names are not resolved yet.

use jiff::civil::Date;

use crate::source::{FileId, Span};

/// All files of a rule set.
#[derive(Debug, Clone, PartialEq)]
pub struct Ast {
    pub files: Vec<FileAst>,
    /// Names that statements with syntax errors seem to define. Later stages
    /// accept references to them silently, so one typo is one error.
    pub unparsed_names: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FileAst {
    pub file: FileId,
    pub statements: Vec<Statement>,
    /// Every `#` comment of the file, in order. A formatter interleaves them
    /// with the statements by position.
    pub comments: Vec<Comment>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub span: Span,
    /// The text after `#`, as written.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub kind: StatementKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StatementKind {
    Source(SourceDecl),
    AsOf(AsOf),
    Param(ParamDecl),
    Metric(MetricDecl),
    Score(ScoreDecl),
    TagsFrom(TagsFrom),
    Tag(TagDecl),
    Describe(Describe),
    Example(Example),
    Expect(Expect),
    Kmeans(KmeansDecl),
    Rule(SegmentRule),
}

/// `segmentation cluster = kmeans(5, recency, frequency, monetary) log monetary seed 7`
#[derive(Debug, Clone, PartialEq)]
pub struct KmeansDecl {
    pub name: Name,
    /// The number of clusters, as written.
    pub k: Name,
    pub inputs: Vec<Name>,
    /// Inputs taken as `ln(1 + x)` before they are standardised.
    pub log: Vec<Name>,
    pub seed: Option<Name>,
}

/// A name or label as written. `quoted` labels were written in quotes, and
/// `quoted` names of columns in brackets (`[Order Date]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub text: String,
    pub span: Span,
    pub quoted: bool,
}

/// `source orders from "orders.parquet" by customer_id at ordered_at`
#[derive(Debug, Clone, PartialEq)]
pub struct SourceDecl {
    pub name: Name,
    pub options: Vec<SourceOption>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SourceOption {
    pub kind: SourceOptionKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SourceOptionKind {
    /// `from "path"`: a file, relative to the rule file's folder.
    File(String),
    /// `from table name`: a table in the database given with `--db`.
    Table(Name),
    Key(Name),
    By(Name),
    At(Name),
    /// `with delimiter ";", no header, ...`: how a text file is read.
    Read(Vec<ReadOption>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReadOption {
    pub kind: ReadOptionKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ReadOptionKind {
    Delimiter(String),
    /// `header` (true) or `no header` (false).
    Header(bool),
    Null(String),
    DateFormat(String),
    TimestampFormat(String),
    Encoding(String),
    /// `columns (customer_id text, amount)`: every column, in order.
    Columns(Vec<ColumnType>),
    /// `types (customer_id text)`: the types of columns named in the header.
    Types(Vec<ColumnType>),
}

impl ReadOptionKind {
    /// The option's words, for messages.
    pub fn words(&self) -> &'static str {
        match self {
            ReadOptionKind::Delimiter(_) => "delimiter",
            ReadOptionKind::Header(_) => "header",
            ReadOptionKind::Null(_) => "null",
            ReadOptionKind::DateFormat(_) => "date format",
            ReadOptionKind::TimestampFormat(_) => "timestamp format",
            ReadOptionKind::Encoding(_) => "encoding",
            ReadOptionKind::Columns(_) => "columns",
            ReadOptionKind::Types(_) => "types",
        }
    }
}

/// `amount number` in `columns (...)` or `types (...)`.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnType {
    pub column: Name,
    /// The type as written (`text`, `number`, ...), checked later.
    pub ty: Option<Name>,
}

/// `as of 2025-06-30`
#[derive(Debug, Clone, PartialEq)]
pub struct AsOf {
    pub date: Date,
    pub date_span: Span,
}

/// `param vip_spend = 5000`
#[derive(Debug, Clone, PartialEq)]
pub struct ParamDecl {
    pub name: Name,
    pub value: Literal,
    pub value_span: Span,
}

/// `metric monetary = sum(orders.amount)`
#[derive(Debug, Clone, PartialEq)]
pub struct MetricDecl {
    pub name: Name,
    pub expr: Expr,
}

/// `score r = quintile(recency, lower_is_better) where frequency > 0`
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreDecl {
    pub name: Name,
    pub expr: Expr,
    pub subset: Option<Expr>,
}

/// `tags from crm_tags.tag`
#[derive(Debug, Clone, PartialEq)]
pub struct TagsFrom {
    pub source: Name,
    pub column: Name,
}

/// `tag high_spender when monetary > 1000`
#[derive(Debug, Clone, PartialEq)]
pub struct TagDecl {
    pub name: Name,
    pub condition: Expr,
}

/// `describe tag high_spender as "...", category value, colour red`
#[derive(Debug, Clone, PartialEq)]
pub struct Describe {
    pub subject: Subject,
    pub items: Vec<DescribeItem>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Subject {
    Tag(Name),
    Label { segmentation: Name, label: Name },
}

#[derive(Debug, Clone, PartialEq)]
pub struct DescribeItem {
    pub kind: DescribeItemKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DescribeItemKind {
    Description(String),
    Category(Name),
    Colour(Name),
}

/// `example "big spender": monetary 6000 expects tier A, not tag unhappy`
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// The name in quotes.
    pub name: Name,
    pub givens: Vec<Given>,
    pub outcomes: Vec<Outcome>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Given {
    pub kind: GivenKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum GivenKind {
    /// `tag key_account`: a hand-assigned tag.
    Tag(Name),
    /// `monetary 6000`, `percentile(monetary, 0.9) = 5000`: the target is
    /// a name or a call; `None` for `missing`.
    Value {
        target: Expr,
        value: Option<Literal>,
        value_span: Span,
    },
}

/// `tier A`, `tag high_spender`, `not tag unhappy`
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub negated: bool,
    pub subject: Subject,
    pub span: Span,
}

/// `expect ...`: a property of the computed table.
#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    pub kind: ExpectKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExpectKind {
    /// `expect tier A between 5% and 15%`, `expect tag x under 10%`
    Share {
        subject: Subject,
        bound: ShareBound,
        bound_span: Span,
    },
    /// `expect no customer where <condition>`
    NoCustomer { condition: Expr },
    /// `expect every customer [where <condition>] has <name>`
    Every { condition: Option<Expr>, has: Name },
}

#[derive(Debug, Clone, PartialEq)]
pub enum ShareBound {
    Between(Percent, Percent),
    /// Strictly below.
    Under(Percent),
    /// Strictly above.
    Over(Percent),
    AtMost(Percent),
    AtLeast(Percent),
}

/// `15%`: the digits as written and the value (15.0).
#[derive(Debug, Clone, PartialEq)]
pub struct Percent {
    pub text: String,
    pub value: f64,
    pub span: Span,
}

/// `tier A when frequency >= 10`, or `tier C otherwise` (no condition).
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentRule {
    pub segmentation: Name,
    pub label: Name,
    pub condition: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Literal(Literal),
    Name(Name),
    /// `orders.amount`, `customers.region`
    Qualified {
        source: Name,
        column: Name,
    },
    Unary {
        op: UnaryOp,
        expr: Box<Expr>,
    },
    Binary {
        left: Box<Expr>,
        op: BinaryOp,
        right: Box<Expr>,
    },
    Call {
        function: Name,
        args: Vec<Argument>,
    },
    IsMissing {
        expr: Box<Expr>,
        negated: bool,
    },
    InList {
        expr: Box<Expr>,
        items: Vec<Expr>,
        negated: bool,
    },
    Between {
        expr: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
        negated: bool,
    },
    /// `first_order within 30 days`
    Within {
        expr: Box<Expr>,
        period: Period,
    },
    /// `quintile(recency) within region`: a score or percentile per group.
    WithinGroup {
        expr: Box<Expr>,
        group: Name,
    },
    /// `email ends with "@example.com"`
    TextTest {
        expr: Box<Expr>,
        op: TextOp,
        pattern: Box<Expr>,
    },
    /// `segment = "vip" ignoring case`
    IgnoringCase(Box<Expr>),
    /// `30 days`, in `first_order + 30 days`
    Duration(Period),
}

/// The text tests: `contains`, `starts with`, `ends with`, `matches`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextOp {
    Contains,
    StartsWith,
    EndsWith,
    /// A pattern where `*` stands for any text and `?` for one character.
    Matches,
}

impl TextOp {
    pub fn words(self) -> &'static str {
        match self {
            TextOp::Contains => "contains",
            TextOp::StartsWith => "starts with",
            TextOp::EndsWith => "ends with",
            TextOp::Matches => "matches",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Neg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "=",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
        }
    }
}

/// An argument of a call: a value with an optional `where` filter (only
/// aggregates accept one), or a time window `last 90 days`.
#[derive(Debug, Clone, PartialEq)]
pub struct Argument {
    pub kind: ArgumentKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ArgumentKind {
    Value { expr: Expr, filter: Option<Expr> },
    Window(Window),
}

/// A time window of an aggregate: `last 90 days` (up to the as-of date) or
/// `90 to 30 days ago` (from 90 days before it to 30 days before it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// How far back the window starts.
    pub from: Period,
    /// How far back it ends; `None`: at the as-of date.
    pub to: Option<Period>,
}

/// `90 days`, `3 months`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub amount: u32,
    pub unit: TimeUnit,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    Day,
    Week,
    Month,
    Year,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// The digits as written (`0.90`), and their value.
    Number {
        text: String,
        value: f64,
    },
    Text(String),
    Date(Date),
    Bool(bool),
}

impl Ast {
    /// The names of the declared sources, for callers that supply data.
    pub fn source_names(&self) -> Vec<&str> {
        self.files
            .iter()
            .flat_map(|f| &f.statements)
            .filter_map(|s| match &s.kind {
                StatementKind::Source(d) => Some(d.name.text.as_str()),
                _ => None,
            })
            .collect()
    }
}

impl Expr {
    /// The expressions directly inside this one.
    pub fn children(&self) -> Vec<&Expr> {
        match &self.kind {
            ExprKind::Literal(_)
            | ExprKind::Name(_)
            | ExprKind::Qualified { .. }
            | ExprKind::Duration(_) => Vec::new(),
            ExprKind::Unary { expr, .. }
            | ExprKind::IsMissing { expr, .. }
            | ExprKind::Within { expr, .. }
            | ExprKind::WithinGroup { expr, .. }
            | ExprKind::IgnoringCase(expr) => vec![expr],
            ExprKind::Binary { left, right, .. }
            | ExprKind::TextTest {
                expr: left,
                pattern: right,
                ..
            } => vec![left, right],
            ExprKind::InList { expr, items, .. } => std::iter::once(&**expr).chain(items).collect(),
            ExprKind::Between {
                expr, low, high, ..
            } => vec![expr, low, high],
            ExprKind::Call { args, .. } => args
                .iter()
                .flat_map(|a| match &a.kind {
                    ArgumentKind::Value { expr, filter } => {
                        std::iter::once(expr).chain(filter).collect()
                    }
                    ArgumentKind::Window(_) => Vec::new(),
                })
                .collect(),
        }
    }

    /// How deeply the expression nests, counted without recursion (so an
    /// absurdly deep one cannot exhaust the stack here).
    pub fn depth(&self) -> usize {
        let mut deepest = 0;
        let mut stack = vec![(self, 1)];
        while let Some((e, d)) = stack.pop() {
            deepest = deepest.max(d);
            stack.extend(e.children().into_iter().map(|c| (c, d + 1)));
        }
        deepest
    }
}

impl Statement {
    /// Drops the statement without recursion, however deeply it nests.
    pub fn discard(self) {
        let mut stack: Vec<Expr> = match self.kind {
            StatementKind::Metric(m) => vec![m.expr],
            StatementKind::Score(s) => std::iter::once(s.expr).chain(s.subset).collect(),
            StatementKind::Tag(t) => vec![t.condition],
            StatementKind::Rule(r) => r.condition.into_iter().collect(),
            StatementKind::Expect(e) => e.kind.into_expressions(),
            StatementKind::Example(e) => e
                .givens
                .into_iter()
                .filter_map(Given::into_target)
                .collect(),
            _ => Vec::new(),
        };
        Expr::discard_all(&mut stack);
    }
}

impl Expr {
    /// Drops expressions without recursion: each node's children are moved
    /// onto `stack` before the node itself goes, so no drop nests.
    pub fn discard_all(stack: &mut Vec<Expr>) {
        while let Some(mut e) = stack.pop() {
            e.take_children(stack);
        }
    }

    /// Moves the children out (leaving leaves in their place).
    fn take_children(&mut self, out: &mut Vec<Expr>) {
        let span = self.span;
        let mut take = |b: &mut Box<Expr>| {
            let leaf = Expr {
                kind: ExprKind::Literal(Literal::Bool(false)),
                span,
            };
            out.push(std::mem::replace(&mut **b, leaf));
        };
        match &mut self.kind {
            ExprKind::Literal(_)
            | ExprKind::Name(_)
            | ExprKind::Qualified { .. }
            | ExprKind::Duration(_) => {}
            ExprKind::Unary { expr, .. }
            | ExprKind::IsMissing { expr, .. }
            | ExprKind::Within { expr, .. }
            | ExprKind::WithinGroup { expr, .. }
            | ExprKind::IgnoringCase(expr) => take(expr),
            ExprKind::Binary { left, right, .. }
            | ExprKind::TextTest {
                expr: left,
                pattern: right,
                ..
            } => {
                take(left);
                take(right);
            }
            ExprKind::InList { expr, items, .. } => {
                take(expr);
                out.append(items);
            }
            ExprKind::Between {
                expr, low, high, ..
            } => {
                take(expr);
                take(low);
                take(high);
            }
            ExprKind::Call { args, .. } => {
                for arg in args.drain(..) {
                    if let ArgumentKind::Value { expr, filter } = arg.kind {
                        out.push(expr);
                        out.extend(filter);
                    }
                }
            }
        }
    }
}

impl StatementKind {
    /// The expressions a statement holds.
    pub fn expressions(&self) -> Vec<&Expr> {
        match self {
            StatementKind::Metric(m) => vec![&m.expr],
            StatementKind::Score(s) => std::iter::once(&s.expr).chain(&s.subset).collect(),
            StatementKind::Tag(t) => vec![&t.condition],
            StatementKind::Rule(r) => r.condition.iter().collect(),
            StatementKind::Expect(e) => e.kind.expressions(),
            StatementKind::Example(e) => e.givens.iter().filter_map(Given::target).collect(),
            _ => Vec::new(),
        }
    }
}

impl ExpectKind {
    pub fn expressions(&self) -> Vec<&Expr> {
        match self {
            ExpectKind::Share { .. } => Vec::new(),
            ExpectKind::NoCustomer { condition } => vec![condition],
            ExpectKind::Every { condition, .. } => condition.iter().collect(),
        }
    }

    fn into_expressions(self) -> Vec<Expr> {
        match self {
            ExpectKind::Share { .. } => Vec::new(),
            ExpectKind::NoCustomer { condition } => vec![condition],
            ExpectKind::Every { condition, .. } => condition.into_iter().collect(),
        }
    }
}

impl Given {
    /// What a value is given to (a name or a call); none for a tag.
    pub fn target(&self) -> Option<&Expr> {
        match &self.kind {
            GivenKind::Value { target, .. } => Some(target),
            GivenKind::Tag(_) => None,
        }
    }

    pub fn into_target(self) -> Option<Expr> {
        match self.kind {
            GivenKind::Value { target, .. } => Some(target),
            GivenKind::Tag(_) => None,
        }
    }
}
