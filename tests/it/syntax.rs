//! The parser: what statements turn into, and what it keeps.

use seg::source::SourceMap;
use seg::syntax::{self, ast::StatementKind};

fn parse(text: &str) -> syntax::Ast {
    let (ast, diagnostics) = syntax::parse(&SourceMap::from_text("t.seg", text));
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    ast
}

#[test]
fn a_whole_rule_set_parses_with_spans_on_every_node() {
    let ast = parse(
        "# how much they spend\n\
         source orders from \"orders.parquet\" by customer_id at ordered_at\n\
         metric monetary = sum(orders.amount where status = \"paid\", last 90 days)\n\
         score r = quintile(recency, lower_is_better) where frequency > 0\n\
         tier \"A+\" when monetary > 5000 and not region in (\"north\", \"east\")\n\
         tier C otherwise  # the rest\n",
    );
    insta::assert_debug_snapshot!(ast);
}

#[test]
fn operators_bind_as_a_reader_expects() {
    // `not` binds looser than comparisons, `and` tighter than `or`,
    // `*` tighter than `+`, and `-` is left-associative.
    let ast = parse("tag t when not a > 1 + 2 * 3 or b - c - d = 0 and e is not missing");
    let StatementKind::Tag(tag) = &ast.files[0].statements[0].kind else {
        panic!("a tag");
    };
    insta::assert_snapshot!(shape(&tag.condition), @"(or (not (> a (+ 1 (* 2 3)))) (and (= (- (- b c) d) 0) (is-not-missing e)))");
}

#[test]
fn between_bounds_do_not_swallow_and() {
    let ast = parse("tag t when age between 18 and 30 and region = \"north\"");
    let StatementKind::Tag(tag) = &ast.files[0].statements[0].kind else {
        panic!("a tag");
    };
    insta::assert_snapshot!(shape(&tag.condition), @r#"(and (between age 18 30) (= region "north"))"#);
}

#[test]
fn text_tests_and_ignoring_case_bind_as_comparisons() {
    // `ignoring case` takes the comparison or text test before it; lengths
    // of time are values; bracketed names are names.
    let ast = parse(
        "tag t when email ends with \"@x.com\" ignoring case and not name contains \"a\" \
         or d + 30 days > as_of and [Order Date] = 1\n\
         tag u when a = \"X\" ignoring case\n",
    );
    let shapes: Vec<String> = ast.files[0]
        .statements
        .iter()
        .map(|s| match &s.kind {
            StatementKind::Tag(tag) => shape(&tag.condition),
            _ => panic!("a tag"),
        })
        .collect();
    assert_eq!(
        shapes,
        [
            "(or (and (ignoring-case (ends with email \"@x.com\")) (not (contains name \"a\"))) \
             (and (> (+ d (30 Day)) as_of) (= [Order Date] 1)))",
            "(ignoring-case (= a \"X\"))",
        ]
    );
}

#[test]
fn indented_lines_continue_a_rule() {
    let ast = parse("tier A when frequency >= 10\n    and monetary > 5000\ntier B otherwise\n");
    assert_eq!(ast.files[0].statements.len(), 2);
}

#[test]
fn comments_are_kept_with_their_places() {
    let ast = parse(
        "# top\nmetric a = 1 # trailing \"#\" in a comment\ntag t when x = \"#e4572e\" # after a string\n",
    );
    let comments: Vec<(&str, u32)> = ast.files[0]
        .comments
        .iter()
        .map(|c| (c.text.as_str(), c.span.start))
        .collect();
    insta::assert_debug_snapshot!(comments, @r##"
    [
        (
            " top",
            0,
        ),
        (
            " trailing \"#\" in a comment",
            19,
        ),
        (
            " after a string",
            72,
        ),
    ]
    "##);
}

#[test]
fn names_and_labels_in_any_script() {
    let ast = parse("价值分层 高价值客户 when 消费金额 > 1000\ntag 'Can\\'t' when x = 1\n");
    let StatementKind::Rule(rule) = &ast.files[0].statements[0].kind else {
        panic!("a rule");
    };
    assert_eq!(rule.segmentation.text, "价值分层");
    assert_eq!(rule.label.text, "高价值客户");
}

/// An expression as a compact s-expression.
fn shape(e: &syntax::ast::Expr) -> String {
    use syntax::ast::{ExprKind as K, Literal, UnaryOp};
    match &e.kind {
        K::Literal(Literal::Number { text, .. }) => text.clone(),
        K::Literal(Literal::Text(t)) => format!("{t:?}"),
        K::Literal(l) => format!("{l:?}"),
        K::Name(n) if n.quoted => format!("[{}]", n.text),
        K::Name(n) => n.text.clone(),
        K::TextTest { expr, op, pattern } => {
            format!("({} {} {})", op.words(), shape(expr), shape(pattern))
        }
        K::IgnoringCase(inner) => format!("(ignoring-case {})", shape(inner)),
        K::Duration(p) => format!("({} {:?})", p.amount, p.unit),
        K::Qualified { source, column } => format!("{}.{}", source.text, column.text),
        K::Unary {
            op: UnaryOp::Not,
            expr,
        } => format!("(not {})", shape(expr)),
        K::Unary {
            op: UnaryOp::Neg,
            expr,
        } => format!("(neg {})", shape(expr)),
        K::Binary { left, op, right } => {
            format!("({} {} {})", op.symbol(), shape(left), shape(right))
        }
        K::IsMissing { expr, negated } => {
            format!(
                "({} {})",
                if *negated {
                    "is-not-missing"
                } else {
                    "is-missing"
                },
                shape(expr)
            )
        }
        K::Between {
            expr, low, high, ..
        } => format!("(between {} {} {})", shape(expr), shape(low), shape(high)),
        other => format!("{other:?}"),
    }
}
