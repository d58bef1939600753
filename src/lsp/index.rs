//! Every name a rule set writes, where, and what it names: the one table
//! go-to-definition, references, rename, hover, symbols and highlighting
//! read. Built from the syntax tree alone, so it is there while a file
//! still has errors; statements it does not know add nothing.

use crate::semantic::names;
use crate::source::{FileId, Span};
use crate::syntax::ast::{
    Ast, BinaryOp, ExpectKind, Expr, ExprKind, GivenKind, Literal, Name, SourceOptionKind,
    Statement, StatementKind, Subject,
};

/// What a name names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Source,
    Param,
    Metric,
    Score,
    Tag,
    Segmentation,
    /// A label of a segmentation (`owner`).
    Label,
    /// A column of a source (`owner`).
    Column,
    Function,
    /// A bare name no definition of the rule set has, and no customer
    /// source to be a column of.
    Unknown,
}

impl Kind {
    pub fn word(self) -> &'static str {
        match self {
            Kind::Source => "source",
            Kind::Param => "param",
            Kind::Metric => "metric",
            Kind::Score => "score",
            Kind::Tag => "tag",
            Kind::Segmentation => "segmentation",
            Kind::Label => "label",
            Kind::Column => "column",
            Kind::Function => "function",
            Kind::Unknown => "name",
        }
    }

    /// Whether the rule author defines it (and so may rename it).
    pub fn is_defined_in_rules(self) -> bool {
        matches!(
            self,
            Kind::Source
                | Kind::Param
                | Kind::Metric
                | Kind::Score
                | Kind::Tag
                | Kind::Segmentation
                | Kind::Label
        )
    }
}

/// One place a name is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Occurrence {
    pub kind: Kind,
    pub name: String,
    /// The segmentation of a label, the source of a column.
    pub owner: Option<String>,
    /// The name as written, quotes or brackets included.
    pub span: Span,
    /// Whether it is written in quotes or brackets.
    pub quoted: bool,
    /// The statement, when this is where the name is defined.
    pub defines: Option<Span>,
}

impl Occurrence {
    /// Whether two occurrences name the same thing.
    pub fn same_target(&self, other: &Occurrence) -> bool {
        let owner = |o: &Occurrence| o.owner.as_deref().map(names::fold);
        self.kind == other.kind
            && names::same(&self.name, &other.name)
            && owner(self) == owner(other)
    }

    /// The span of the name without its quotes or brackets.
    pub fn inner(&self) -> Span {
        if self.quoted && self.span.end - self.span.start >= 2 {
            Span {
                start: self.span.start + 1,
                end: self.span.end - 1,
                ..self.span
            }
        } else {
            self.span
        }
    }
}

#[derive(Debug, Default)]
pub struct Index {
    /// In file order, then by position.
    pub occurrences: Vec<Occurrence>,
    /// The customer source (the one with `key`), whose columns are used by
    /// their bare names.
    pub customer_source: Option<String>,
}

impl Index {
    pub fn build(ast: &Ast) -> Index {
        let mut index = Index::default();
        for file in &ast.files {
            for statement in &file.statements {
                index.statement(statement);
            }
        }
        index.resolve();
        index
            .occurrences
            .sort_by_key(|o| (o.span.file, o.span.start));
        index
    }

    /// Where things are defined.
    pub fn definitions(&self) -> impl Iterator<Item = &Occurrence> {
        self.occurrences.iter().filter(|o| o.defines.is_some())
    }

    /// The name written at a byte offset of a file (its end included, so
    /// a cursor just after a name finds it).
    pub fn at(&self, file: FileId, offset: usize) -> Option<&Occurrence> {
        let offset = offset as u32;
        self.occurrences
            .iter()
            .filter(|o| o.span.file == file && o.span.start <= offset && offset <= o.span.end)
            .min_by_key(|o| o.span.end - o.span.start)
    }

    /// Where what `o` names is defined.
    pub fn definition(&self, o: &Occurrence) -> Option<&Occurrence> {
        self.definitions().find(|d| d.same_target(o))
    }

    /// Every place what `o` names is written, its definition included.
    pub fn references<'a>(&'a self, o: &'a Occurrence) -> impl Iterator<Item = &'a Occurrence> {
        self.occurrences.iter().filter(move |r| r.same_target(o))
    }

    /// The labels of a segmentation, in the order its rules give them.
    pub fn labels(&self, segmentation: &str) -> Vec<&Occurrence> {
        self.definitions()
            .filter(|d| {
                d.kind == Kind::Label
                    && d.owner
                        .as_deref()
                        .is_some_and(|s| names::same(s, segmentation))
            })
            .collect()
    }

    /// The definition of a name used in an expression (one namespace).
    pub fn lookup(&self, name: &str) -> Option<&Occurrence> {
        self.definitions().find(|d| {
            matches!(
                d.kind,
                Kind::Param | Kind::Metric | Kind::Score | Kind::Tag | Kind::Segmentation
            ) && names::same(&d.name, name)
        })
    }

    fn push(&mut self, kind: Kind, name: &Name, owner: Option<&str>, defines: Option<Span>) {
        self.occurrences.push(Occurrence {
            kind,
            name: name.text.clone(),
            owner: owner.map(str::to_string),
            span: name.span,
            quoted: name.quoted,
            defines,
        });
    }

    fn statement(&mut self, statement: &Statement) {
        let here = Some(statement.span);
        match &statement.kind {
            StatementKind::Source(s) => {
                self.push(Kind::Source, &s.name, None, here);
                for option in &s.options {
                    match &option.kind {
                        SourceOptionKind::Key(c) => {
                            self.customer_source.get_or_insert(s.name.text.clone());
                            self.push(Kind::Column, c, Some(&s.name.text), None);
                        }
                        SourceOptionKind::By(c) | SourceOptionKind::At(c) => {
                            self.push(Kind::Column, c, Some(&s.name.text), None)
                        }
                        _ => {}
                    }
                }
            }
            StatementKind::Param(p) => self.push(Kind::Param, &p.name, None, here),
            StatementKind::Metric(m) => self.push(Kind::Metric, &m.name, None, here),
            StatementKind::Score(s) => self.push(Kind::Score, &s.name, None, here),
            StatementKind::Tag(t) => self.push(Kind::Tag, &t.name, None, here),
            StatementKind::TagsFrom(t) => {
                self.push(Kind::Source, &t.source, None, None);
                self.push(Kind::Column, &t.column, Some(&t.source.text), None);
            }
            StatementKind::Rule(r) => {
                let first = !self.occurrences.iter().any(|o| {
                    o.kind == Kind::Segmentation
                        && o.defines.is_some()
                        && names::same(&o.name, &r.segmentation.text)
                });
                self.push(
                    Kind::Segmentation,
                    &r.segmentation,
                    None,
                    if first { here } else { None },
                );
                self.push(Kind::Label, &r.label, Some(&r.segmentation.text), here);
            }
            StatementKind::Describe(d) => self.subject(&d.subject),
            StatementKind::Example(e) => {
                for given in &e.givens {
                    if let GivenKind::Tag(t) = &given.kind {
                        self.push(Kind::Tag, t, None, None);
                    }
                }
                for outcome in &e.outcomes {
                    self.subject(&outcome.subject);
                }
            }
            StatementKind::Expect(e) => match &e.kind {
                ExpectKind::Share { subject, .. } => self.subject(subject),
                ExpectKind::Every { has, .. } => self.push(Kind::Unknown, has, None, None),
                ExpectKind::NoCustomer { .. } => {}
            },
            _ => {}
        }
        for expr in statement.kind.expressions() {
            self.expression(expr);
        }
    }

    fn subject(&mut self, subject: &Subject) {
        match subject {
            Subject::Tag(t) => self.push(Kind::Tag, t, None, None),
            Subject::Label {
                segmentation,
                label,
            } => {
                self.push(Kind::Segmentation, segmentation, None, None);
                self.push(Kind::Label, label, Some(&segmentation.text), None);
            }
        }
    }

    /// The names of an expression, walked without recursion.
    fn expression(&mut self, expr: &Expr) {
        let mut stack = vec![expr];
        while let Some(e) = stack.pop() {
            match &e.kind {
                ExprKind::Name(n) => self.push(Kind::Unknown, n, None, None),
                ExprKind::Qualified { source, column } => {
                    self.push(Kind::Source, source, None, None);
                    self.push(Kind::Column, column, Some(&source.text), None);
                }
                ExprKind::Call { function, .. } => self.push(Kind::Function, function, None, None),
                ExprKind::Binary {
                    left,
                    op: BinaryOp::Eq | BinaryOp::Ne,
                    right,
                } => self.compared_label(left, right),
                _ => {}
            }
            stack.extend(e.children());
        }
    }

    /// `tier = "A"`: the text names a label of `tier` (kept only if `tier`
    /// turns out to be a segmentation).
    fn compared_label(&mut self, left: &Expr, right: &Expr) {
        for (a, b) in [(left, right), (right, left)] {
            if let (ExprKind::Name(segmentation), ExprKind::Literal(Literal::Text(text))) =
                (&a.kind, &b.kind)
            {
                self.occurrences.push(Occurrence {
                    kind: Kind::Label,
                    name: text.clone(),
                    owner: Some(segmentation.text.clone()),
                    span: b.span,
                    quoted: true,
                    defines: None,
                });
            }
        }
    }

    /// Gives bare names their kind: a definition of the rules, else a
    /// column of the customer source. A label compared with something
    /// that is not a segmentation is no label.
    fn resolve(&mut self) {
        let defined: Vec<(Kind, String)> = self
            .definitions()
            .filter(|d| d.kind != Kind::Label && d.kind != Kind::Source)
            .map(|d| (d.kind, d.name.clone()))
            .collect();
        let kind_of = |name: &str| {
            defined
                .iter()
                .find(|(_, n)| names::same(n, name))
                .map(|(k, _)| *k)
        };
        let customers = self.customer_source.clone();
        for o in &mut self.occurrences {
            if o.kind == Kind::Unknown {
                match kind_of(&o.name) {
                    Some(kind) => o.kind = kind,
                    None if customers.is_some() => {
                        o.kind = Kind::Column;
                        o.owner = customers.clone();
                    }
                    None => {}
                }
            }
        }
        self.occurrences.retain(|o| {
            o.kind != Kind::Label
                || o.defines.is_some()
                || o.owner
                    .as_deref()
                    .is_some_and(|s| kind_of(s) == Some(Kind::Segmentation))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceMap;

    fn index(text: &str) -> (SourceMap, Index) {
        let files = SourceMap::from_text("a.seg", text);
        let (ast, _) = crate::syntax::parse(&files);
        let index = Index::build(&ast);
        (files, index)
    }

    const RULES: &str = "source customers from \"c.csv\" key id
source orders from \"o.csv\" by id at ordered_at
metric frequency = count(orders)
metric monetary = sum(orders.amount)
tier A when frequency >= 10 and region = \"north\"
tier B when tier = \"A\" or monetary > 5
describe tier A as \"Best\"
";

    #[test]
    fn names_are_bound_to_what_they_name() {
        let (files, index) = index(RULES);
        let named: Vec<String> = index
            .occurrences
            .iter()
            .map(|o| {
                format!(
                    "{} {}{} {}{}",
                    o.kind.word(),
                    o.owner
                        .as_ref()
                        .map(|s| format!("{s}."))
                        .unwrap_or_default(),
                    o.name,
                    files.text(o.span),
                    if o.defines.is_some() {
                        " (defined)"
                    } else {
                        ""
                    }
                )
            })
            .collect();
        let frequency = index.lookup("FREQUENCY").unwrap();
        assert_eq!(index.references(frequency).count(), 2);
        let a = index.labels("tier")[0];
        // Defined by its rule, named by `tier = "A"` and by `describe`.
        assert_eq!(index.references(a).count(), 3, "{named:#?}");
        assert!(
            named.contains(&"column customers.region region".to_string()),
            "{named:#?}"
        );
        assert!(named.contains(&"column orders.amount amount".to_string()));
        assert!(named.contains(&"segmentation tier tier (defined)".to_string()));
        assert!(!named.iter().any(|n| n.contains("north")), "{named:#?}");
    }
}
