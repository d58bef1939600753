//! pest: the grammar, the Pratt parser for operators, and the walk from
//! pest's pairs to the AST. Nothing outside `syntax/` sees a pest type.

use crate::i18n::tr;
use jiff::civil::Date;
use pest::Parser;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, ConstPrattParser, Op};

use super::ast::*;
use super::expected;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/seg.pest"]
struct SegParser;

/// Operators from the loosest to the tightest binding.
static PRATT: ConstPrattParser<Rule, 21> = ConstPrattParser::new_const(pest::pratt_precedence![
    Op::infix(Rule::or, Assoc::Left),
    Op::infix(Rule::and, Assoc::Left),
    Op::prefix(Rule::not),
    Op::infix(Rule::eq, Assoc::Left)
        | Op::infix(Rule::ne, Assoc::Left)
        | Op::infix(Rule::lt, Assoc::Left)
        | Op::infix(Rule::le, Assoc::Left)
        | Op::infix(Rule::gt, Assoc::Left)
        | Op::infix(Rule::ge, Assoc::Left)
        | Op::postfix(Rule::is_missing)
        | Op::postfix(Rule::in_list)
        | Op::postfix(Rule::between)
        | Op::postfix(Rule::within)
        | Op::postfix(Rule::text_test)
        | Op::postfix(Rule::ignoring_case),
    Op::infix(Rule::add, Assoc::Left) | Op::infix(Rule::sub, Assoc::Left),
    Op::infix(Rule::mul, Assoc::Left) | Op::infix(Rule::div, Assoc::Left),
    Op::prefix(Rule::neg),
    // Binds tightest: `spend >= percentile(spend, 0.9) within region`.
    Op::postfix(Rule::within_group),
]);

/// The most rule calls pest makes for one statement before giving up: far
/// more than any statement a person writes needs (a 360 KB rule takes about
/// a million), few enough that a pathological one ends in seconds.
const CALL_LIMIT: usize = 50_000_000;

/// Sets pest's process-wide options (read when each parse starts).
pub fn configure() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // A backstop behind the depth scan (`depth.rs`): no statement makes
        // pest work without end.
        pest::set_call_limit(std::num::NonZeroUsize::new(CALL_LIMIT));
    });
}

/// Parses one statement whose text starts at byte `offset` of file `file`.
pub fn statement(text: &str, file: FileId, offset: usize) -> Result<Statement> {
    let ctx = Ctx { file, offset };
    let mut pairs = SegParser::parse(Rule::statement, text)
        .map_err(|e| ctx.syntax_error(text, detailed(text).unwrap_or(e)))?;
    let statement = pairs.next().expect("statement rule");
    let inner = statement
        .into_inner()
        .next()
        .expect("a statement has one declaration");
    ctx.statement(inner)
}

/// The error of a statement that does not parse, parsed again with pest's
/// error detail on: the literal tokens ("(", ",") tried at the error, which
/// pest does not list among the expected rules. Collecting them slows every
/// parse down (a third of checking a large rule set), so only statements
/// that fail pay for it.
fn detailed(text: &str) -> Option<pest::error::Error<Rule>> {
    // The setting is process-wide: the lock keeps it on for this parse
    // alone. A parse on another thread meanwhile only collects detail it
    // does not use.
    static DETAIL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _only_one = DETAIL.lock().unwrap_or_else(|e| e.into_inner());
    pest::set_error_detail(true);
    let error = SegParser::parse(Rule::statement, text).err();
    pest::set_error_detail(false);
    error
}

/// Finds the comments of a file: a `#` outside quotes, to the end of its
/// line. A scan instead of a grammar rule: it is one more pass over every
/// file, and pest made it the slowest part of reading a large one.
pub fn comments(text: &str, file: FileId) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut comments = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                let end = bytes[i..]
                    .iter()
                    .position(|&c| c == b'\n' || c == b'\r')
                    .map_or(bytes.len(), |n| i + n);
                comments.push(Comment {
                    span: Span::new(file, i, end),
                    text: text[i + 1..end].to_string(),
                });
                i = end;
            }
            // A quote that does not close on its line is just a character.
            b'"' | b'\'' => i = string_end(bytes, i).unwrap_or(i + 1),
            _ => i += 1,
        }
    }
    comments
}

/// Where the string starting at `start` ends, as the grammar's `string`
/// reads it: on the same line, with `\"`, `\'` and `\\` as escapes.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if matches!(bytes.get(i + 1), Some(b'"' | b'\'' | b'\\')) => i += 2,
            b'\\' | b'\n' | b'\r' => return None,
            c if c == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

struct Ctx {
    file: FileId,
    offset: usize,
}

type Result<T> = std::result::Result<T, Diagnostic>;

impl Ctx {
    fn span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.file, self.offset + s.start(), self.offset + s.end())
    }

    fn statement(&self, pair: Pair<Rule>) -> Result<Statement> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner();
        let kind = match rule {
            Rule::source_decl => {
                skip(&mut inner, Rule::kw_source);
                let name = self.name(inner.next().unwrap());
                let options = inner.map(|p| self.source_option(p)).collect();
                StatementKind::Source(SourceDecl { name, options })
            }
            Rule::kmeans_decl => StatementKind::Kmeans(self.kmeans(inner)),
            Rule::as_of_decl => {
                let date = inner.find(|p| p.as_rule() == Rule::date).unwrap();
                StatementKind::AsOf(AsOf {
                    date_span: self.span(&date),
                    date: self.date(&date)?,
                })
            }
            Rule::param_decl => {
                skip(&mut inner, Rule::kw_param);
                let name = self.name(inner.next().unwrap());
                let value = inner.next().unwrap();
                let value_span = self.span(&value);
                let literal = value.into_inner().next().unwrap();
                StatementKind::Param(ParamDecl {
                    name,
                    value: self.literal(&literal)?,
                    value_span,
                })
            }
            Rule::metric_decl => {
                skip(&mut inner, Rule::kw_metric);
                let name = self.name(inner.next().unwrap());
                let expr = self.expr(inner.next().unwrap())?;
                StatementKind::Metric(MetricDecl { name, expr })
            }
            Rule::score_decl => {
                skip(&mut inner, Rule::kw_score);
                let name = self.name(inner.next().unwrap());
                let expr = self.expr(inner.next().unwrap())?;
                let subset = inner.next().map(|s| self.expr(last(s))).transpose();
                let (expr, subset) = or_discard(expr, subset)?;
                StatementKind::Score(ScoreDecl { name, expr, subset })
            }
            Rule::tags_from_decl => {
                let mut names = inner.filter(|p| p.as_rule() == Rule::name);
                StatementKind::TagsFrom(TagsFrom {
                    source: self.name(names.next().unwrap()),
                    column: self.name(names.next().unwrap()),
                })
            }
            Rule::tag_decl => {
                skip(&mut inner, Rule::kw_tag);
                let name = self.label(inner.next().unwrap());
                skip(&mut inner, Rule::kw_when);
                let condition = self.expr(inner.next().unwrap())?;
                StatementKind::Tag(TagDecl { name, condition })
            }
            Rule::describe_decl => {
                skip(&mut inner, Rule::kw_describe);
                let subject = self.subject(inner.next().unwrap());
                let items = inner.map(|p| self.describe_item(p)).collect();
                StatementKind::Describe(Describe { subject, items })
            }
            Rule::example_decl => StatementKind::Example(self.example(inner)?),
            Rule::expect_decl => {
                skip(&mut inner, Rule::kw_expect);
                StatementKind::Expect(self.expect(inner.next().unwrap())?)
            }
            Rule::segment_rule => {
                let segmentation = self.name(inner.next().unwrap());
                let label = self.label(inner.next().unwrap());
                let tail = inner.next().unwrap();
                let condition = match tail.as_rule() {
                    Rule::when_clause => Some(self.expr(last(tail))?),
                    _ => None,
                };
                StatementKind::Rule(SegmentRule {
                    segmentation,
                    label,
                    condition,
                })
            }
            other => unreachable!("statement {other:?}"),
        };
        Ok(Statement { kind, span })
    }

    fn source_option(&self, pair: Pair<Rule>) -> SourceOption {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        if rule == Rule::read_clause {
            let options = pair
                .into_inner()
                .filter(|p| p.as_rule() != Rule::kw_with)
                .map(|p| self.read_option(p))
                .collect();
            return SourceOption {
                kind: SourceOptionKind::Read(options),
                span,
            };
        }
        let value = last(pair);
        let kind = match rule {
            Rule::from_file => SourceOptionKind::File(unquote(&value)),
            Rule::from_table => SourceOptionKind::Table(self.name(value)),
            Rule::key_clause => SourceOptionKind::Key(self.name(value)),
            Rule::by_clause => SourceOptionKind::By(self.name(value)),
            Rule::at_clause => SourceOptionKind::At(self.name(value)),
            other => unreachable!("source option {other:?}"),
        };
        SourceOption { kind, span }
    }

    /// `segmentation <name> = kmeans(k, inputs...) [log ...] [seed n]`
    fn kmeans(&self, inner: Pairs<Rule>) -> KmeansDecl {
        let mut name = None;
        let mut k = None;
        let mut decl_inputs = Vec::new();
        let mut log = Vec::new();
        let mut seed = None;
        for pair in inner {
            match pair.as_rule() {
                Rule::name if name.is_none() => name = Some(self.name(pair)),
                Rule::name => decl_inputs.push(self.name(pair)),
                Rule::integer => k = Some(self.name(pair)),
                Rule::kmeans_log => log.extend(
                    pair.into_inner()
                        .filter(|p| p.as_rule() == Rule::name)
                        .map(|p| self.name(p)),
                ),
                Rule::kmeans_seed => {
                    seed = Some(self.name(last(pair)));
                }
                _ => {}
            }
        }
        KmeansDecl {
            name: name.expect("a kmeans segmentation has a name"),
            k: k.expect("kmeans has k"),
            inputs: decl_inputs,
            log,
            seed,
        }
    }

    /// One option of `with ...`.
    fn read_option(&self, pair: Pair<Rule>) -> ReadOption {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let text = |pair: Pair<Rule>| unquote(&last(pair));
        let kind = match rule {
            Rule::delimiter_option => ReadOptionKind::Delimiter(text(pair)),
            Rule::no_header_option => ReadOptionKind::Header(false),
            Rule::header_option => ReadOptionKind::Header(true),
            Rule::null_option => ReadOptionKind::Null(text(pair)),
            Rule::date_format_option => ReadOptionKind::DateFormat(text(pair)),
            Rule::timestamp_format_option => ReadOptionKind::TimestampFormat(text(pair)),
            Rule::encoding_option => ReadOptionKind::Encoding(text(pair)),
            Rule::columns_option => ReadOptionKind::Columns(self.column_types(pair)),
            Rule::types_option => ReadOptionKind::Types(self.column_types(pair)),
            other => unreachable!("read option {other:?}"),
        };
        ReadOption { kind, span }
    }

    fn column_types(&self, pair: Pair<Rule>) -> Vec<ColumnType> {
        pair.into_inner()
            .filter(|p| p.as_rule() == Rule::column_type)
            .map(|p| {
                let mut inner = p.into_inner();
                let column = self.name(inner.next().unwrap());
                let ty = inner.next().map(|t| self.name(t));
                ColumnType { column, ty }
            })
            .collect()
    }

    /// `example "name": givens expects outcomes`
    fn example(&self, mut inner: Pairs<Rule>) -> Result<Example> {
        skip(&mut inner, Rule::kw_example);
        let name = self.label(inner.next().unwrap());
        let mut givens = Vec::new();
        let mut outcomes = Vec::new();
        for pair in inner {
            match pair.as_rule() {
                Rule::given => match self.given(pair) {
                    Ok(g) => givens.push(g),
                    Err(d) => {
                        let mut parsed =
                            givens.into_iter().filter_map(Given::into_target).collect();
                        Expr::discard_all(&mut parsed);
                        return Err(d);
                    }
                },
                Rule::outcome => outcomes.push(self.outcome(pair)),
                _ => {}
            }
        }
        Ok(Example {
            name,
            givens,
            outcomes,
        })
    }

    fn given(&self, pair: Pair<Rule>) -> Result<Given> {
        let span = self.span(&pair);
        let inner = pair.into_inner().next().unwrap();
        let kind = match inner.as_rule() {
            Rule::given_tag => GivenKind::Tag(self.label(last(inner))),
            _ => {
                let mut parts = inner.into_inner();
                let mut target = self.primary(parts.next().unwrap())?;
                let mut value = parts.next().unwrap();
                // `percentile(monetary, 0.9) within region = 5000`
                if value.as_rule() == Rule::within_group {
                    let group = self.name(value.into_inner().last().unwrap());
                    let span = target.span.to(group.span);
                    target = Expr {
                        kind: ExprKind::WithinGroup {
                            expr: Box::new(target),
                            group,
                        },
                        span,
                    };
                    value = parts.next().unwrap();
                }
                let value_span = self.span(&value);
                let literal = match value.as_rule() {
                    Rule::kw_missing => None,
                    _ => match self.literal(&value.into_inner().next().unwrap()) {
                        Ok(l) => Some(l),
                        Err(d) => {
                            Expr::discard_all(&mut vec![target]);
                            return Err(d);
                        }
                    },
                };
                GivenKind::Value {
                    target,
                    value: literal,
                    value_span,
                }
            }
        };
        Ok(Given { kind, span })
    }

    fn outcome(&self, pair: Pair<Rule>) -> Outcome {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().peekable();
        let negated = inner.next_if(|p| p.as_rule() == Rule::negated).is_some();
        let first = inner.next().unwrap();
        let subject = if first.as_rule() == Rule::kw_tag {
            Subject::Tag(self.label(inner.next().unwrap()))
        } else {
            Subject::Label {
                segmentation: self.name(first),
                label: self.label(inner.next().unwrap()),
            }
        };
        Outcome {
            negated,
            subject,
            span,
        }
    }

    /// The part of `expect ...` after the keyword.
    fn expect(&self, pair: Pair<Rule>) -> Result<Expect> {
        let rule = pair.as_rule();
        let mut inner = pair.into_inner();
        let kind = match rule {
            Rule::expect_none => ExpectKind::NoCustomer {
                condition: self.expr(inner.find(|p| p.as_rule() == Rule::expr).unwrap())?,
            },
            Rule::expect_every => {
                let mut condition = None;
                let mut has = None;
                for p in inner {
                    match p.as_rule() {
                        Rule::expr => condition = Some(self.expr(p)?),
                        Rule::name => has = Some(self.name(p)),
                        _ => {}
                    }
                }
                ExpectKind::Every {
                    condition,
                    has: has.unwrap(),
                }
            }
            _ => {
                let first = inner.next().unwrap();
                let subject = if first.as_rule() == Rule::kw_tag {
                    Subject::Tag(self.label(inner.next().unwrap()))
                } else {
                    Subject::Label {
                        segmentation: self.name(first),
                        label: self.label(inner.next().unwrap()),
                    }
                };
                let bound = inner.next().unwrap();
                let bound_span = self.span(&bound);
                let bound = bound.into_inner().next().unwrap();
                let kind = bound.as_rule();
                let mut percents = bound
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::percent)
                    .map(|p| self.percent(&p));
                let mut next = || percents.next().unwrap();
                let bound = match kind {
                    Rule::share_between => {
                        let low = next();
                        ShareBound::Between(low, next())
                    }
                    Rule::share_under => ShareBound::Under(next()),
                    Rule::share_over => ShareBound::Over(next()),
                    Rule::share_at_most => ShareBound::AtMost(next()),
                    _ => ShareBound::AtLeast(next()),
                };
                ExpectKind::Share {
                    subject,
                    bound,
                    bound_span,
                }
            }
        };
        Ok(Expect { kind })
    }

    fn percent(&self, pair: &Pair<Rule>) -> Percent {
        let text = pair.as_str().trim_end_matches('%').to_string();
        Percent {
            value: text.parse().unwrap_or(f64::INFINITY),
            text,
            span: self.span(pair),
        }
    }

    fn subject(&self, pair: Pair<Rule>) -> Subject {
        let mut inner = pair.into_inner();
        let first = inner.next().unwrap();
        if first.as_rule() == Rule::kw_tag {
            Subject::Tag(self.label(inner.next().unwrap()))
        } else {
            Subject::Label {
                segmentation: self.name(first),
                label: self.label(inner.next().unwrap()),
            }
        }
    }

    fn describe_item(&self, pair: Pair<Rule>) -> DescribeItem {
        let span = self.span(&pair);
        let item = pair.into_inner().next().unwrap();
        let rule = item.as_rule();
        let value = last(item);
        let kind = match rule {
            Rule::description => DescribeItemKind::Description(unquote(&value)),
            Rule::category => DescribeItemKind::Category(self.label(value)),
            Rule::colour => DescribeItemKind::Colour(self.label(value)),
            other => unreachable!("describe item {other:?}"),
        };
        DescribeItem { kind, span }
    }

    /// A `name`, `segmentation`, `ident`, `function` or `quoted_name` pair.
    fn name(&self, pair: Pair<Rule>) -> Name {
        if pair.as_rule() == Rule::quoted_name {
            let inner = pair.clone().into_inner().next().expect("quoted_inner");
            return Name {
                text: inner.as_str().to_string(),
                span: self.span(&pair),
                quoted: true,
            };
        }
        Name {
            text: pair.as_str().to_string(),
            span: self.span(&pair),
            quoted: false,
        }
    }

    /// A `label` (a name or a string), or a bare `string`.
    fn label(&self, pair: Pair<Rule>) -> Name {
        let pair = match pair.as_rule() {
            Rule::label => pair.into_inner().next().unwrap(),
            _ => pair,
        };
        match pair.as_rule() {
            Rule::string => Name {
                text: unquote(&pair),
                span: self.span(&pair),
                quoted: true,
            },
            _ => self.name(pair),
        }
    }

    fn expr(&self, pair: Pair<Rule>) -> Result<Expr> {
        debug_assert!(matches!(pair.as_rule(), Rule::expr | Rule::bound));
        self.operators(pair.into_inner())
    }

    fn operators(&self, pairs: Pairs<Rule>) -> Result<Expr> {
        PRATT
            .map_primary(|p| self.primary(p))
            .map_prefix(|op, rhs| {
                let rhs = rhs?;
                let op_span = self.span(&op);
                let op = match op.as_rule() {
                    Rule::not => UnaryOp::Not,
                    _ => UnaryOp::Neg,
                };
                Ok(Expr {
                    span: op_span.to(rhs.span),
                    kind: ExprKind::Unary {
                        op,
                        expr: Box::new(rhs),
                    },
                })
            })
            .map_postfix(|lhs, op| {
                let op_span = self.span(&op);
                let (lhs, (operands, negated)) = or_discard(lhs?, self.postfix(op))?;
                let span = lhs.span.to(op_span);
                let expr = Box::new(lhs);
                let kind = match operands {
                    Postfix::IsMissing => ExprKind::IsMissing { expr, negated },
                    Postfix::InList(items) => ExprKind::InList {
                        expr,
                        items,
                        negated,
                    },
                    Postfix::Between(low, high) => ExprKind::Between {
                        expr,
                        low: Box::new(low),
                        high: Box::new(high),
                        negated,
                    },
                    Postfix::Within(period) => ExprKind::Within { expr, period },
                    Postfix::WithinGroup(group) => ExprKind::WithinGroup { expr, group },
                    Postfix::TextTest(op, pattern) => ExprKind::TextTest {
                        expr,
                        op,
                        pattern: Box::new(pattern),
                    },
                    Postfix::IgnoringCase => ExprKind::IgnoringCase(expr),
                };
                Ok(Expr { kind, span })
            })
            .map_infix(|lhs, op, rhs| {
                let (lhs, rhs) = both(lhs, rhs)?;
                let op = match op.as_rule() {
                    Rule::or => BinaryOp::Or,
                    Rule::and => BinaryOp::And,
                    Rule::eq => BinaryOp::Eq,
                    Rule::ne => BinaryOp::Ne,
                    Rule::lt => BinaryOp::Lt,
                    Rule::le => BinaryOp::Le,
                    Rule::gt => BinaryOp::Gt,
                    Rule::ge => BinaryOp::Ge,
                    Rule::add => BinaryOp::Add,
                    Rule::sub => BinaryOp::Sub,
                    Rule::mul => BinaryOp::Mul,
                    Rule::div => BinaryOp::Div,
                    other => unreachable!("infix {other:?}"),
                };
                Ok(Expr {
                    span: lhs.span.to(rhs.span),
                    kind: ExprKind::Binary {
                        left: Box::new(lhs),
                        op,
                        right: Box::new(rhs),
                    },
                })
            })
            .parse(pairs)
    }

    /// What a postfix operator holds besides its operand, and whether it is
    /// negated (`is not missing`, `not in`, `not between`).
    fn postfix(&self, op: Pair<Rule>) -> Result<(Postfix, bool)> {
        let rule = op.as_rule();
        // The words (`is`, `in`, `between`, ...) carry no meaning here.
        let mut inner = op
            .into_inner()
            .filter(|p| {
                !matches!(
                    p.as_rule(),
                    Rule::kw_is
                        | Rule::kw_missing
                        | Rule::kw_in
                        | Rule::kw_between
                        | Rule::kw_and
                        | Rule::kw_within
                )
            })
            .peekable();
        let negated = inner.next_if(|p| p.as_rule() == Rule::negated).is_some();
        let operands = match rule {
            Rule::is_missing => Postfix::IsMissing,
            Rule::in_list => Postfix::InList(all(inner.map(|p| self.expr(p)))?),
            Rule::between => {
                let low = self.expr(inner.next().unwrap());
                let high = self.expr(inner.next().unwrap());
                let (low, high) = both(low, high)?;
                Postfix::Between(low, high)
            }
            Rule::within => {
                let amount = inner.next().unwrap();
                let unit = inner.next().unwrap();
                Postfix::Within(self.period(amount, unit)?)
            }
            Rule::within_group => Postfix::WithinGroup(self.name(inner.next().unwrap())),
            Rule::text_test => {
                let op = inner.next().unwrap();
                let op = match op.into_inner().next().unwrap().as_rule() {
                    Rule::kw_contains => TextOp::Contains,
                    Rule::kw_starts => TextOp::StartsWith,
                    Rule::kw_ends => TextOp::EndsWith,
                    _ => TextOp::Matches,
                };
                Postfix::TextTest(op, self.expr(inner.next().unwrap())?)
            }
            Rule::ignoring_case => Postfix::IgnoringCase,
            other => unreachable!("postfix {other:?}"),
        };
        Ok((operands, negated))
    }

    fn primary(&self, pair: Pair<Rule>) -> Result<Expr> {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::group => {
                // Parentheses only group; the inner expression keeps the
                // outer span so messages underline the parentheses too.
                let inner = self.expr(pair.into_inner().next().unwrap())?;
                return Ok(Expr {
                    kind: inner.kind,
                    span,
                });
            }
            Rule::name | Rule::quoted_name => ExprKind::Name(self.name(pair)),
            Rule::qualified => {
                let mut parts = pair.into_inner();
                ExprKind::Qualified {
                    source: self.name(parts.next().unwrap()),
                    column: self.name(parts.next().unwrap()),
                }
            }
            Rule::duration => ExprKind::Duration(self.duration(&pair)?),
            Rule::call => {
                let mut inner = pair.into_inner();
                let function = self.name(inner.next().unwrap());
                let args = all_arguments(inner.map(|a| self.argument(a)))?;
                ExprKind::Call { function, args }
            }
            _ => ExprKind::Literal(self.literal(&pair)?),
        };
        Ok(Expr { kind, span })
    }

    fn argument(&self, pair: Pair<Rule>) -> Result<Argument> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let first = inner.next().unwrap();
        let kind = if first.as_rule() == Rule::window {
            ArgumentKind::Window(self.window(first)?)
        } else {
            let expr = self.expr(first)?;
            let filter = inner.next().map(|f| self.expr(last(f))).transpose();
            let (expr, filter) = or_discard(expr, filter)?;
            ArgumentKind::Value { expr, filter }
        };
        Ok(Argument { kind, span })
    }

    /// `last 90 days`, or `90 to 30 days ago` (one unit for both ends).
    fn window(&self, pair: Pair<Rule>) -> Result<Window> {
        let mut parts = pair.into_inner();
        let first = parts.next().unwrap();
        if first.as_rule() == Rule::ago_window {
            let words = self.words(&first);
            let [(from, from_span), _, (to, to_span), (unit, unit_span), _] = words[..] else {
                unreachable!("a window reads `N to M unit ago`")
            };
            return Ok(Window {
                from: self.period_of(from, unit, from_span, from_span)?,
                to: Some(self.period_of(to, unit, to_span, unit_span)?),
            });
        }
        let amount = parts.next().unwrap();
        let unit = parts.next().unwrap();
        Ok(Window {
            from: self.period(amount, unit)?,
            to: None,
        })
    }

    /// `30 days`, an atomic pair.
    fn duration(&self, pair: &Pair<Rule>) -> Result<Period> {
        let words = self.words(pair);
        let [(amount, amount_span), (unit, unit_span)] = words[..] else {
            unreachable!("a length of time reads `N unit`")
        };
        self.period_of(amount, unit, amount_span, unit_span)
    }

    /// The words of an atomic pair, each with its span.
    fn words<'p>(&self, pair: &Pair<'p, Rule>) -> Vec<(&'p str, Span)> {
        let text = pair.as_str();
        let start = self.offset + pair.as_span().start();
        text.split_whitespace()
            .map(|w| {
                let at = w.as_ptr() as usize - text.as_ptr() as usize;
                (w, Span::new(self.file, start + at, start + at + w.len()))
            })
            .collect()
    }

    fn period(&self, amount: Pair<Rule>, unit: Pair<Rule>) -> Result<Period> {
        self.period_of(
            amount.as_str(),
            unit.as_str(),
            self.span(&amount),
            self.span(&unit),
        )
    }

    fn period_of(
        &self,
        amount: &str,
        unit: &str,
        amount_span: Span,
        unit_span: Span,
    ) -> Result<Period> {
        let span = amount_span.to(unit_span);
        let value = amount.parse::<u32>().map_err(|_| {
            Diagnostic::new(Code::InvalidLiteral, tr!("invalid-literal"))
                .at(amount_span, tr!("invalid-literal.label"))
        })?;
        let unit = match unit.trim_end_matches('s') {
            "day" => TimeUnit::Day,
            "week" => TimeUnit::Week,
            "month" => TimeUnit::Month,
            _ => TimeUnit::Year,
        };
        Ok(Period {
            amount: value,
            unit,
            span,
        })
    }

    fn literal(&self, pair: &Pair<Rule>) -> Result<Literal> {
        Ok(match pair.as_rule() {
            Rule::number | Rule::negative_number => {
                let text = pair.as_str().to_string();
                let value: f64 = text.parse().unwrap_or(f64::INFINITY);
                if !value.is_finite() {
                    return Err(
                        Diagnostic::new(Code::InvalidLiteral, tr!("invalid-literal-2"))
                            .at(self.span(pair), tr!("invalid-literal-2.label")),
                    );
                }
                Literal::Number { text, value }
            }
            Rule::string => Literal::Text(unquote(pair)),
            Rule::date => Literal::Date(self.date(pair)?),
            Rule::boolean => Literal::Bool(pair.as_str() == "true"),
            other => unreachable!("literal {other:?}"),
        })
    }

    fn date(&self, pair: &Pair<Rule>) -> Result<Date> {
        pair.as_str().parse::<Date>().map_err(|_| {
            Diagnostic::new(
                Code::InvalidLiteral,
                tr!("invalid-literal-3", pair = pair.as_str().to_string()),
            )
            .at(self.span(pair), tr!("invalid-literal-3.label"))
            .help(tr!("invalid-literal-3.help"))
        })
    }

    fn syntax_error(&self, text: &str, error: pest::error::Error<Rule>) -> Diagnostic {
        if let pest::error::ErrorVariant::CustomError { message } = &error.variant {
            return self.too_much_work(text, message);
        }
        let mut pos = match error.location {
            pest::error::InputLocation::Pos(p) => p,
            pest::error::InputLocation::Span((s, _)) => s,
        };
        let mut rules = match &error.variant {
            pest::error::ErrorVariant::ParsingError { positives, .. } => positives.clone(),
            pest::error::ErrorVariant::CustomError { .. } => Vec::new(),
        };
        let attempts = error.parse_attempts();
        let tokens: Vec<String> = attempts
            .as_ref()
            .map(|a| a.expected_tokens().iter().map(|t| t.to_string()).collect())
            .unwrap_or_default();
        // pest places the error where a rule last failed, which can be the
        // start of the statement when only a literal such as `=` failed
        // further on (`metric x-y = 1`): that further place is the one.
        if let Some(a) = &attempts
            && pos == 0
            && a.max_position > pos
            && !tokens.is_empty()
        {
            pos = a.max_position;
            rules.clear();
        }
        let found = found_at(text, pos);
        let at = Span::new(
            self.file,
            self.offset + pos,
            self.offset + pos + found.len(),
        );
        let found_words = if found.is_empty() {
            "the end of the rule".to_string()
        } else if let Some(c) = invisible(found) {
            format!("an invisible character (U+{:04X})", u32::from(c))
        } else {
            format!("`{found}`")
        };

        if pos == 0 {
            let word: String = text.chars().take_while(|c| !c.is_whitespace()).collect();
            return Diagnostic::new(Code::Syntax, tr!("syntax-2", word = word.to_string()))
                .at(at, tr!("syntax-2.label"))
                .help(tr!("syntax-2.help"));
        }
        let expected = expected::describe(&rules, &tokens);
        let first = expected.first().map_or("something else", String::as_str);
        let mut diagnostic = Diagnostic::new(
            Code::Syntax,
            tr!(
                "syntax-3",
                one_of = (expected::one_of(&expected)).to_string(),
                found_words = found_words.to_string()
            ),
        )
        .at(at, tr!("syntax-3.label", first = first.to_string()));
        diagnostic.help = hint(text, pos, found, &rules);
        diagnostic
    }
}

impl Ctx {
    /// pest stopped on its own limits (`CALL_LIMIT`, or the stack it has
    /// left), which only absurd input reaches.
    fn too_much_work(&self, text: &str, why: &str) -> Diagnostic {
        let first_line = text.find('\n').unwrap_or(text.len()).min(text.len());
        let end = (0..=first_line.min(40))
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        // pest's own words name its limit; the label says it plainly.
        let why = match why {
            "call limit reached" => "it takes too many steps to read",
            "stack limit reached" => "it nests too deeply",
            other => other,
        };
        Diagnostic::new(Code::Syntax, tr!("syntax-4"))
            .at(
                Span::new(self.file, self.offset, self.offset + end),
                tr!("syntax-4.label", why = why.to_string()),
            )
            .help(tr!("syntax-4.help"))
    }
}

/// The offending token at `pos`: a word, a quoted string start, or one
/// symbol; empty at the end of the input.
fn found_at(text: &str, pos: usize) -> &str {
    let rest = &text[pos.min(text.len())..];
    let mut chars = rest.char_indices();
    let Some((_, first)) = chars.next() else {
        return "";
    };
    let len = if first.is_alphanumeric() || first == '_' {
        rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len())
    } else {
        let symbol_len = rest
            .find(|c: char| c.is_alphanumeric() || c.is_whitespace() || c == '_' || c == '"')
            .unwrap_or(rest.len());
        symbol_len.max(first.len_utf8()).min(2)
    };
    // Never split a character.
    let mut len = len.min(rest.len());
    while !rest.is_char_boundary(len) {
        len += 1;
    }
    &rest[..len]
}

/// A character that shows as nothing (or as a plain space) but is not
/// whitespace to the parser: a zero-width or no-break space, a BOM.
fn invisible(found: &str) -> Option<char> {
    let c = found.chars().next()?;
    matches!(
        c,
        '\u{00A0}' | '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}' | '\u{202F}'
    )
    .then_some(c)
}

/// The words of the language, which are written in lower case: every
/// keyword of `grammar/seg.pest` (its `kw_` rules, the reserved words, the
/// booleans and the units of time). A test of `seg lsp`, which highlights
/// them, holds it to the grammar.
pub const WORDS: &[&str] = &[
    "source",
    "from",
    "table",
    "key",
    "by",
    "at",
    "as",
    "of",
    "param",
    "metric",
    "score",
    "tags",
    "tag",
    "describe",
    "category",
    "colour",
    "color",
    "when",
    "otherwise",
    "where",
    "last",
    "and",
    "or",
    "not",
    "is",
    "missing",
    "in",
    "between",
    "within",
    "example",
    "expects",
    "expect",
    "no",
    "customer",
    "every",
    "has",
    "under",
    "over",
    "most",
    "least",
    "contains",
    "starts",
    "ends",
    "with",
    "matches",
    "ignoring",
    "case",
    "to",
    "ago",
    "true",
    "false",
    "segmentation",
    "kmeans",
    "log",
    "seed",
    "delimiter",
    "header",
    "null",
    "date",
    "format",
    "timestamp",
    "encoding",
    "columns",
    "types",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
];

/// A help line for the mistakes business users make most.
fn hint(text: &str, pos: usize, found: &str, rules: &[Rule]) -> Option<String> {
    if invisible(found).is_some() {
        return Some(
            "delete it: such characters often come along when text is copied from a web page \
             or a document"
                .to_string(),
        );
    }
    let lower = found.to_lowercase();
    if lower != found && WORDS.contains(&lower.as_str()) {
        return Some(format!(
            "the words of the language are written in lower case: `{lower}`"
        ));
    }
    if found.starts_with('"') || found.starts_with('\'') {
        return Some(
            "text in quotes ends on the same line with the same quote; inside it, write \\\" \
             for a double quote and \\\\ for a backslash"
                .to_string(),
        );
    }
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let before = text[line_start..pos].trim();
    if line_start > 0 && before.is_empty() {
        return Some(
            "an indented line continues the rule above it; start a new rule at the beginning \
             of the line"
                .to_string(),
        );
    }
    if found.starts_with(',') && rules.iter().any(|r| matches!(r, Rule::EOI)) {
        return Some("write numbers without thousands separators: 5000, not 5,000".to_string());
    }
    if found == "&&" || found == "||" {
        return Some("write `and` and `or` as words".to_string());
    }
    let first_word = text.split_whitespace().next().unwrap_or_default();
    const KEYWORDS: [&str; 9] = [
        "source", "param", "metric", "score", "tag", "tags", "describe", "example", "expect",
    ];
    if rules.contains(&Rule::kw_when)
        && !KEYWORDS.contains(&first_word)
        && let Some(keyword) = crate::diagnostic::did_you_mean(first_word, KEYWORDS)
    {
        return Some(format!(
            "`{first_word}` is read as the name of a segmentation; did you mean `{keyword}`?"
        ));
    }
    if first_word == "tags" && rules.contains(&Rule::kw_from) {
        return Some(
            "a rule-made tag is written `tag <name> when <condition>`; `tags from <source>.<column>` \
             reads hand-assigned tags"
                .to_string(),
        );
    }
    let is_rule = !KEYWORDS.contains(&first_word);
    if is_rule && (rules.contains(&Rule::kw_when) || rules.contains(&Rule::when_clause)) {
        return Some(
            "a segmentation rule reads `<segmentation> <label> when <condition>` or \
             `<segmentation> <label> otherwise`; quote labels with spaces: \"Need Attention\""
                .to_string(),
        );
    }
    None
}

/// The operands of a postfix operator.
enum Postfix {
    IsMissing,
    InList(Vec<Expr>),
    Between(Expr, Expr),
    Within(Period),
    WithinGroup(Name),
    TextTest(TextOp, Expr),
    IgnoringCase,
}

// A tree that fails halfway may already be deep (`1 + 1 + ... + 1e999`,
// built without recursion): the parts that did parse are discarded without
// recursion too, instead of being dropped.

/// `kept` and the outcome of `rest`, or the error (with `kept` discarded).
fn or_discard<T>(kept: Expr, rest: Result<T>) -> Result<(Expr, T)> {
    match rest {
        Ok(rest) => Ok((kept, rest)),
        Err(d) => {
            Expr::discard_all(&mut vec![kept]);
            Err(d)
        }
    }
}

/// Both operands, or the first error (with the other operand discarded).
fn both(left: Result<Expr>, right: Result<Expr>) -> Result<(Expr, Expr)> {
    match (left, right) {
        (Ok(l), Ok(r)) => Ok((l, r)),
        (Err(d), other) | (other, Err(d)) => {
            Expr::discard_all(&mut other.into_iter().collect());
            Err(d)
        }
    }
}

/// Every expression, or the first error (with those that parsed discarded).
fn all(items: impl Iterator<Item = Result<Expr>>) -> Result<Vec<Expr>> {
    let mut parsed = Vec::new();
    for item in items {
        match item {
            Ok(e) => parsed.push(e),
            Err(d) => {
                Expr::discard_all(&mut parsed);
                return Err(d);
            }
        }
    }
    Ok(parsed)
}

/// Every argument of a call, or the first error (as [`all`]).
fn all_arguments(args: impl Iterator<Item = Result<Argument>>) -> Result<Vec<Argument>> {
    let mut parsed = Vec::new();
    for arg in args {
        match arg {
            Ok(a) => parsed.push(a),
            Err(d) => {
                let mut exprs = parsed
                    .into_iter()
                    .filter_map(|a: Argument| match a.kind {
                        ArgumentKind::Value { expr, filter } => {
                            Some(std::iter::once(expr).chain(filter))
                        }
                        ArgumentKind::Window(_) => None,
                    })
                    .flatten()
                    .collect();
                Expr::discard_all(&mut exprs);
                return Err(d);
            }
        }
    }
    Ok(parsed)
}

fn skip(pairs: &mut Pairs<Rule>, rule: Rule) {
    if pairs.peek().is_some_and(|p| p.as_rule() == rule) {
        pairs.next();
    }
}

/// The last inner pair: the value of a `keyword value` clause.
fn last(pair: Pair<Rule>) -> Pair<Rule> {
    pair.into_inner().last().expect("clause has a value")
}

/// The text of a `string` pair, with escapes resolved.
fn unquote(pair: &Pair<Rule>) -> String {
    let s = pair.as_str();
    let inner = &s[1..s.len() - 1];
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}
