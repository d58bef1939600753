//! A small SQL tree and its printer. Queries are built as values and printed
//! once, formatted, with parentheses only where precedence needs them.

use jiff::civil::Date;

use super::dialect::Dialect;
use super::quote;
use crate::semantic::ir::{FileFormat, ReadOptions, SinceUnit, TimeUnit};

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `"name"` or `"table"."name"`.
    Column(Option<String>, String),
    Str(String),
    /// Digits, as written.
    Number(String),
    Date(Date),
    Bool(bool),
    Null,
    /// `*`, in `count(*)` or `SELECT *`.
    Star,
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Binary(Box<Expr>, Op, Box<Expr>),
    Call(Call),
    /// `CASE [operand] WHEN .. THEN .. [ELSE ..] END`
    Case {
        operand: Option<Box<Expr>>,
        whens: Vec<(Expr, Expr)>,
        otherwise: Option<Box<Expr>>,
    },
    IsNull {
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
    /// `expr LIKE pattern ESCAPE '\'`: the pattern escapes `%`, `_` and
    /// `\` with a backslash.
    Like {
        expr: Box<Expr>,
        pattern: Box<Expr>,
    },
    /// A length of time, added to or taken from a date (dialect-specific).
    Interval(u64, TimeUnit),
    Cast(Box<Expr>, &'static str),
    /// A cast to the engine's exact decimal type, for sums that must not
    /// depend on the order of addition.
    CastExact(Box<Expr>),
    /// Whole periods from one date to another (dialect-specific).
    Since {
        unit: SinceUnit,
        from: Box<Expr>,
        to: Box<Expr>,
    },
    /// An aggregate: the continuous percentile of `input` over the rows
    /// (dialect-specific).
    Percentile {
        input: Box<Expr>,
        fraction: String,
    },
    /// A customer's tags, in catalogue order: the names of the rule-made
    /// tags whose truth value holds, then the hand-assigned ones (`manual`,
    /// a sorted list without duplicates) that no rule tag is named (a
    /// hand-assigned tag with a rule tag's name is that tag).
    TagList {
        rule_tags: Vec<(Expr, String)>,
        manual: Option<Box<Expr>>,
    },
    /// An empty list of text.
    EmptyTextList,
    /// One row per element of a list (in a select list).
    Unnest(Box<Expr>),
    /// An aggregate: the distinct values of `text` over the rows where
    /// `filter` holds, sorted, as a list.
    TextSet {
        text: Box<Expr>,
        filter: Option<Box<Expr>>,
    },
    /// The sorted union of such lists (none of them NULL).
    TextSetUnion(Vec<Expr>),
    /// The most frequent value, ties to the smallest (dialect-specific).
    Mode {
        column: Box<Expr>,
        filter: Option<Box<Expr>>,
    },
    /// An aggregate: the value of the row with the smallest `order` (the
    /// largest when `latest`), ties to the smallest value (dialect-specific).
    FirstBy {
        column: Box<Expr>,
        order: Box<Expr>,
        latest: bool,
        filter: Option<Box<Expr>>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
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
    IntDiv,
}

/// A function call, optionally an aggregate with `DISTINCT` / `FILTER`, or
/// a window function with `OVER`.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: &'static str,
    pub args: Vec<Expr>,
    pub distinct: bool,
    pub filter: Option<Box<Expr>>,
    pub over: Option<Window>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Window {
    pub partition_by: Vec<Expr>,
    pub order_by: Vec<(Expr, bool)>,
}

pub fn col(name: &str) -> Expr {
    Expr::Column(None, name.to_string())
}

pub fn qcol(table: &str, name: &str) -> Expr {
    Expr::Column(Some(table.to_string()), name.to_string())
}

pub fn call(name: &'static str, args: Vec<Expr>) -> Expr {
    Expr::Call(Call {
        name,
        args,
        distinct: false,
        filter: None,
        over: None,
    })
}

pub fn binary(left: Expr, op: Op, right: Expr) -> Expr {
    Expr::Binary(Box::new(left), op, Box::new(right))
}

/// `a AND b AND ...`; `None` for no conditions.
pub fn all(conditions: Vec<Expr>) -> Option<Expr> {
    conditions.into_iter().reduce(|a, b| binary(a, Op::And, b))
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub expr: Expr,
    pub alias: Option<String>,
    pub comment: Option<String>,
}

impl Item {
    pub fn new(expr: Expr) -> Item {
        Item {
            expr,
            alias: None,
            comment: None,
        }
    }

    pub fn named(expr: Expr, alias: &str) -> Item {
        Item {
            expr,
            alias: Some(alias.to_string()),
            comment: None,
        }
    }

    pub fn comment(mut self, comment: impl Into<String>) -> Item {
        self.comment = Some(comment.into());
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Relation {
    /// A CTE or one of seg's own tables.
    Named(String),
    /// A table of the database, maybe schema-qualified (`crm.orders`).
    Table(Vec<String>),
    File {
        path: String,
        format: FileFormat,
        read: ReadOptions,
    },
    /// `base` with these timestamp-with-time-zone columns as plain (UTC)
    /// timestamps.
    WithoutZones {
        base: Box<Relation>,
        columns: Vec<String>,
    },
    /// No rows, with these columns: NULLs, cast where a type is given
    /// (a header-only file, whose types no row tells).
    Empty {
        columns: Vec<(String, Option<&'static str>)>,
    },
    /// Rows given as one JSON list of records with these typed fields,
    /// unnested to one column per field.
    Records {
        fields: Vec<(String, &'static str)>,
        json: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Join {
    /// `LEFT JOIN` keeps every row on the left; `JOIN` only matches.
    pub left: bool,
    pub relation: Relation,
    pub alias: String,
    /// `None`: every row with every row (`CROSS JOIN`).
    pub on: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Select {
    pub distinct: bool,
    pub items: Vec<Item>,
    pub from: Option<(Relation, Option<String>)>,
    pub joins: Vec<Join>,
    pub filter: Option<Expr>,
    pub group_by: Vec<Expr>,
    pub having: Option<Expr>,
    pub order_by: Vec<(Expr, bool)>,
    pub limit: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cte {
    pub name: String,
    pub comments: Vec<String>,
    pub body: Body,
    /// Computed once and kept, however often it is read (without it, an
    /// engine may compute a CTE read twice twice).
    pub materialized: bool,
}

// A handful of bodies per query: their size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Select(Select),
    /// `UNION` (distinct) or `UNION ALL` of selects.
    Union {
        all: bool,
        selects: Vec<Select>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub ctes: Vec<Cte>,
    pub body: Body,
    pub order_by: Vec<(Expr, bool)>,
}

/// Prints SQL in one consistent layout.
pub struct Printer<'d> {
    dialect: &'d dyn Dialect,
    out: String,
}

const INDENT: &str = "    ";

impl<'d> Printer<'d> {
    pub fn new(dialect: &'d dyn Dialect) -> Self {
        Printer {
            dialect,
            out: String::new(),
        }
    }

    pub fn finish(self) -> String {
        self.out
    }

    pub fn comment(&mut self, text: &str) {
        self.out.push_str("-- ");
        self.out.push_str(&quote::comment(text));
        self.out.push('\n');
    }

    pub fn text(&mut self, text: &str) {
        self.out.push_str(text);
    }

    pub fn ident(&mut self, name: &str) {
        let quoted = self.dialect.identifier(name);
        self.out.push_str(&quoted);
    }

    pub fn query(&mut self, q: &Query, depth: usize) {
        if !q.ctes.is_empty() {
            self.line(depth, "WITH");
            for (i, cte) in q.ctes.iter().enumerate() {
                for c in &cte.comments {
                    self.indent(depth);
                    self.comment(c);
                }
                self.indent(depth);
                self.ident(&cte.name);
                self.out.push_str(if cte.materialized {
                    self.dialect.materialized_cte()
                } else {
                    " AS ("
                });
                self.out.push('\n');
                self.body(&cte.body, depth + 1);
                self.indent(depth);
                self.out.push(')');
                if i + 1 < q.ctes.len() {
                    self.out.push(',');
                }
                self.out.push('\n');
            }
        }
        self.body(&q.body, depth);
        if !q.order_by.is_empty() {
            self.indent(depth);
            self.out.push_str("ORDER BY ");
            self.order_list(&q.order_by);
            self.out.push('\n');
        }
    }

    fn body(&mut self, body: &Body, depth: usize) {
        match body {
            Body::Select(s) => self.select(s, depth),
            Body::Union { all, selects } => {
                for (i, s) in selects.iter().enumerate() {
                    if i > 0 {
                        self.line(depth, if *all { "UNION ALL" } else { "UNION" });
                    }
                    self.select(s, depth);
                }
            }
        }
    }

    pub fn select(&mut self, s: &Select, depth: usize) {
        self.line(
            depth,
            if s.distinct {
                "SELECT DISTINCT"
            } else {
                "SELECT"
            },
        );
        for (i, item) in s.items.iter().enumerate() {
            self.indent(depth + 1);
            self.expr(&item.expr);
            if let Some(alias) = &item.alias {
                let plain = matches!(&item.expr, Expr::Column(_, c) if c == alias);
                if !plain {
                    self.out.push_str(" AS ");
                    self.ident(alias);
                }
            }
            if i + 1 < s.items.len() {
                self.out.push(',');
            }
            if let Some(c) = &item.comment {
                self.out.push_str("  -- ");
                self.out.push_str(&quote::comment(c));
            }
            self.out.push('\n');
        }
        if let Some((relation, alias)) = &s.from {
            self.indent(depth);
            self.out.push_str("FROM ");
            self.relation(relation);
            if let Some(alias) = alias {
                self.out.push_str(" AS ");
                self.ident(alias);
            }
            self.out.push('\n');
        }
        for join in &s.joins {
            self.indent(depth);
            self.out.push_str(match (&join.on, join.left) {
                (None, _) => "CROSS JOIN ",
                (Some(_), true) => "LEFT JOIN ",
                (Some(_), false) => "JOIN ",
            });
            self.relation(&join.relation);
            self.out.push_str(" AS ");
            self.ident(&join.alias);
            if let Some(on) = &join.on {
                self.out.push_str(" ON ");
                self.expr(on);
            }
            self.out.push('\n');
        }
        if let Some(f) = &s.filter {
            self.indent(depth);
            self.out.push_str("WHERE ");
            self.expr(f);
            self.out.push('\n');
        }
        if !s.group_by.is_empty() {
            self.indent(depth);
            self.out.push_str("GROUP BY ");
            for (i, e) in s.group_by.iter().enumerate() {
                if i > 0 {
                    self.out.push_str(", ");
                }
                self.expr(e);
            }
            self.out.push('\n');
        }
        if let Some(h) = &s.having {
            self.indent(depth);
            self.out.push_str("HAVING ");
            self.expr(h);
            self.out.push('\n');
        }
        if !s.order_by.is_empty() {
            self.indent(depth);
            self.out.push_str("ORDER BY ");
            self.order_list(&s.order_by);
            self.out.push('\n');
        }
        if let Some(n) = s.limit {
            self.indent(depth);
            self.out.push_str(&format!("LIMIT {n}\n"));
        }
    }

    pub fn relation(&mut self, r: &Relation) {
        match r {
            Relation::Named(name) => self.ident(name),
            Relation::Table(parts) => {
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        self.out.push('.');
                    }
                    self.ident(part);
                }
            }
            Relation::File { path, format, read } => {
                let text = self.dialect.read_file(path, *format, read);
                self.out.push_str(&text);
            }
            Relation::WithoutZones { base, columns } => {
                let mut inner = Printer::new(self.dialect);
                inner.relation(base);
                let columns: Vec<String> =
                    columns.iter().map(|c| self.dialect.identifier(c)).collect();
                let text = self.dialect.without_zones(&inner.out, &columns);
                self.out.push_str(&text);
            }
            Relation::Empty { columns } => {
                self.out.push_str("(SELECT ");
                for (i, (name, ty)) in columns.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    match ty {
                        Some(ty) => {
                            let ty = self.dialect.type_name(ty);
                            self.out.push_str(&format!("CAST(NULL AS {ty})"));
                        }
                        None => self.out.push_str("NULL"),
                    }
                    self.out.push_str(" AS ");
                    self.ident(name);
                }
                self.out.push_str(" LIMIT 0)");
            }
            Relation::Records { fields, json } => {
                let fields: Vec<(&str, &str)> =
                    fields.iter().map(|(n, t)| (n.as_str(), *t)).collect();
                let json = self.dialect.string(json);
                let text = self.dialect.records_relation(&json, &fields);
                self.out.push_str(&text);
            }
        }
    }

    fn order_list(&mut self, items: &[(Expr, bool)]) {
        for (i, (e, desc)) in items.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.expr(e);
            if *desc {
                self.out.push_str(" DESC");
            }
            self.out.push_str(self.dialect.nulls_last());
        }
    }

    fn line(&mut self, depth: usize, text: &str) {
        self.indent(depth);
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn indent(&mut self, depth: usize) {
        for _ in 0..depth {
            self.out.push_str(INDENT);
        }
    }

    /// Prints an expression as a string (for dialect hooks that take text).
    fn render(&self, e: &Expr) -> String {
        let mut p = Printer::new(self.dialect);
        p.expr(e);
        p.out
    }

    pub fn expr(&mut self, e: &Expr) {
        self.expr_in(e, 0);
    }

    /// Prints `e` where the surrounding operator binds with `outer`:
    /// parenthesised when `e` binds more loosely.
    fn expr_in(&mut self, e: &Expr, outer: u8) {
        let own = precedence(e);
        let wrap = own < outer;
        if wrap {
            self.out.push('(');
        }
        match e {
            Expr::Not(inner) => {
                self.out.push_str("NOT ");
                self.expr_in(inner, own);
            }
            Expr::Neg(inner) => {
                self.out.push('-');
                self.expr_in(inner, own + 1);
            }
            Expr::Binary(l, op, r) => self.binary(l, *op, r, own),
            Expr::IsNull { .. }
            | Expr::InList { .. }
            | Expr::Between { .. }
            | Expr::Like { .. } => self.predicate(e, own),
            Expr::Call(c) => self.call(c),
            Expr::Case {
                operand,
                whens,
                otherwise,
            } => self.case(operand.as_deref(), whens, otherwise.as_deref()),
            Expr::Cast(inner, ty) => self.cast(inner, ty),
            Expr::CastExact(inner) => self.cast(inner, self.dialect.exact_decimal()),
            Expr::Since { .. }
            | Expr::Percentile { .. }
            | Expr::Mode { .. }
            | Expr::FirstBy { .. }
            | Expr::TagList { .. }
            | Expr::Unnest(_)
            | Expr::TextSet { .. }
            | Expr::TextSetUnion(_)
            | Expr::EmptyTextList => self.engine_specific(e),
            Expr::Column(..)
            | Expr::Str(_)
            | Expr::Number(_)
            | Expr::Date(_)
            | Expr::Bool(_)
            | Expr::Null
            | Expr::Interval(..)
            | Expr::Star => self.atom(e),
        }
        if wrap {
            self.out.push(')');
        }
    }

    /// Names, literals and `*`.
    fn atom(&mut self, e: &Expr) {
        match e {
            Expr::Column(table, name) => {
                if let Some(t) = table {
                    self.ident(t);
                    self.out.push('.');
                }
                self.ident(name);
            }
            Expr::Str(s) => {
                let s = self.dialect.string(s);
                self.out.push_str(&s);
            }
            Expr::Number(n) => self.out.push_str(n),
            Expr::Date(d) => {
                let d = self.dialect.date(*d);
                self.out.push_str(&d);
            }
            Expr::Bool(b) => self.out.push_str(if *b { "TRUE" } else { "FALSE" }),
            Expr::Interval(n, unit) => {
                let interval = self.dialect.interval(*n, *unit);
                self.out.push_str(&interval);
            }
            Expr::Null => self.out.push_str("NULL"),
            Expr::Star => self.out.push('*'),
            other => unreachable!("not an atom: {other:?}"),
        }
    }

    fn binary(&mut self, l: &Expr, op: Op, r: &Expr, own: u8) {
        if op == Op::Div && self.dialect.divides_decimals_as_decimals() {
            self.cast(l, "DOUBLE");
        } else {
            self.expr_in(l, own);
        }
        let symbol = match op {
            Op::Or => "OR",
            Op::And => "AND",
            Op::Eq => "=",
            Op::Ne => "<>",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Add => "+",
            Op::Sub => "-",
            Op::Mul => "*",
            Op::Div => "/",
            Op::IntDiv => self.dialect.integer_division(),
        };
        self.out.push(' ');
        self.out.push_str(symbol);
        self.out.push(' ');
        // Left-associative: a right operand of equal precedence needs
        // parentheses (a - (b - c)).
        self.expr_in(r, own + 1);
    }

    /// `IS [NOT] NULL`, `[NOT] IN (...)`, `[NOT] BETWEEN`.
    fn predicate(&mut self, e: &Expr, own: u8) {
        match e {
            Expr::IsNull { expr, negated } => {
                self.expr_in(expr, own + 1);
                self.out
                    .push_str(if *negated { " IS NOT NULL" } else { " IS NULL" });
            }
            Expr::InList {
                expr,
                items,
                negated,
            } => {
                self.expr_in(expr, own + 1);
                self.out
                    .push_str(if *negated { " NOT IN (" } else { " IN (" });
                self.list(items);
                self.out.push(')');
            }
            Expr::Between {
                expr,
                low,
                high,
                negated,
            } => {
                self.expr_in(expr, own + 1);
                self.out.push_str(if *negated {
                    " NOT BETWEEN "
                } else {
                    " BETWEEN "
                });
                self.expr_in(low, own + 1);
                self.out.push_str(" AND ");
                self.expr_in(high, own + 1);
            }
            Expr::Like { expr, pattern } => {
                self.expr_in(expr, own + 1);
                self.out.push_str(" LIKE ");
                self.expr_in(pattern, own + 1);
                self.out.push_str(" ESCAPE ");
                let escape = self.dialect.string("\\");
                self.out.push_str(&escape);
            }
            other => unreachable!("not a predicate: {other:?}"),
        }
    }

    fn case(&mut self, operand: Option<&Expr>, whens: &[(Expr, Expr)], otherwise: Option<&Expr>) {
        self.out.push_str("CASE");
        if let Some(operand) = operand {
            self.out.push(' ');
            self.expr(operand);
        }
        for (cond, value) in whens {
            self.out.push_str(" WHEN ");
            self.expr(cond);
            self.out.push_str(" THEN ");
            self.expr(value);
        }
        if let Some(o) = otherwise {
            self.out.push_str(" ELSE ");
            self.expr(o);
        }
        self.out.push_str(" END");
    }

    fn cast(&mut self, inner: &Expr, ty: &str) {
        self.out.push_str("CAST(");
        self.expr(inner);
        self.out.push_str(" AS ");
        let ty = self.dialect.type_name(ty);
        self.out.push_str(&ty);
        self.out.push(')');
    }

    /// Expressions each engine spells its own way: the dialect prints them
    /// from the printed text of their parts.
    fn engine_specific(&mut self, e: &Expr) {
        let d = self.dialect;
        let text = match e {
            Expr::Since { unit, from, to } => d.since(*unit, &self.render(from), &self.render(to)),
            Expr::Percentile { input, fraction } => d.percentile(&self.render(input), fraction),
            Expr::Mode { column, filter } => {
                let filter = filter.as_ref().map(|f| self.render(f));
                d.mode(&self.render(column), filter.as_deref())
            }
            Expr::FirstBy {
                column,
                order,
                latest,
                filter,
            } => {
                let filter = filter.as_ref().map(|f| self.render(f));
                d.first_by(
                    &self.render(column),
                    &self.render(order),
                    *latest,
                    filter.as_deref(),
                )
            }
            Expr::TagList { rule_tags, manual } => {
                let rule_tags: Vec<(String, String)> = rule_tags
                    .iter()
                    .map(|(holds, name)| (self.render(holds), d.string(name)))
                    .collect();
                let manual = manual.as_ref().map(|m| self.render(m));
                d.tag_list(&rule_tags, manual.as_deref())
            }
            Expr::Unnest(list) => d.unnest(&self.render(list)),
            Expr::TextSet { text, filter } => {
                let filter = filter.as_ref().map(|f| self.render(f));
                d.text_set(&self.render(text), filter.as_deref())
            }
            Expr::TextSetUnion(lists) => {
                let lists: Vec<String> = lists.iter().map(|l| self.render(l)).collect();
                d.text_set_union(&lists)
            }
            Expr::EmptyTextList => d.empty_text_list().to_string(),
            other => unreachable!("not engine-specific: {other:?}"),
        };
        self.out.push_str(&text);
    }

    fn list(&mut self, items: &[Expr]) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.expr(item);
        }
    }

    fn call(&mut self, c: &Call) {
        if let ("round", [value, digits], None, None) = (c.name, &c.args[..], &c.filter, &c.over) {
            let text = self
                .dialect
                .round(&self.render(value), &self.render(digits));
            self.out.push_str(&text);
            return;
        }
        self.out.push_str(self.dialect.function(c.name));
        self.out.push('(');
        if c.distinct {
            self.out.push_str("DISTINCT ");
        }
        self.list(&c.args);
        self.out.push(')');
        if let Some(f) = &c.filter {
            self.out.push_str(" FILTER (WHERE ");
            self.expr(f);
            self.out.push(')');
        }
        if let Some(w) = &c.over {
            self.out.push_str(" OVER (");
            let mut first = true;
            if !w.partition_by.is_empty() {
                self.out.push_str("PARTITION BY ");
                self.list(&w.partition_by);
                first = false;
            }
            if !w.order_by.is_empty() {
                if !first {
                    self.out.push(' ');
                }
                self.out.push_str("ORDER BY ");
                self.order_list(&w.order_by);
            }
            self.out.push(')');
        }
    }
}

/// How tightly an expression binds; higher binds tighter.
fn precedence(e: &Expr) -> u8 {
    match e {
        Expr::Binary(_, op, _) => match op {
            Op::Or => 1,
            Op::And => 2,
            Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge => 4,
            Op::Add | Op::Sub => 5,
            Op::Mul | Op::Div | Op::IntDiv => 6,
        },
        Expr::Not(_) => 3,
        Expr::IsNull { .. } | Expr::InList { .. } | Expr::Between { .. } | Expr::Like { .. } => 4,
        Expr::Neg(_) => 7,
        _ => 10,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::dialect::DuckDb;

    fn print(e: &Expr) -> String {
        let mut p = Printer::new(&DuckDb);
        p.expr(e);
        p.finish()
    }

    #[test]
    fn parentheses_only_where_precedence_needs_them() {
        let a = || col("a");
        let b = || col("b");
        let c = || col("c");
        assert_eq!(
            print(&binary(binary(a(), Op::Add, b()), Op::Mul, c())),
            "(\"a\" + \"b\") * \"c\""
        );
        assert_eq!(
            print(&binary(a(), Op::Add, binary(b(), Op::Mul, c()))),
            "\"a\" + \"b\" * \"c\""
        );
        assert_eq!(
            print(&binary(a(), Op::Sub, binary(b(), Op::Sub, c()))),
            "\"a\" - (\"b\" - \"c\")"
        );
        assert_eq!(
            print(&binary(binary(a(), Op::Or, b()), Op::And, c())),
            "(\"a\" OR \"b\") AND \"c\""
        );
        assert_eq!(
            print(&Expr::Not(Box::new(binary(a(), Op::Gt, b())))),
            "NOT \"a\" > \"b\""
        );
        assert_eq!(
            print(&Expr::Not(Box::new(binary(a(), Op::Or, b())))),
            "NOT (\"a\" OR \"b\")"
        );
    }
}
