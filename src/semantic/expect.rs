//! `expect` statements: what must hold of the computed table, resolved
//! against the definitions into [`ir::Expectation`].

use super::Checker;
use super::DefKind;
use super::Entry;
use super::ir::{self, ExpectationKind, ExprKind, ShareBound};
use super::resolve::Scope;
use crate::diagnostic::{Code, Diagnostic};
use crate::i18n::tr;
use crate::source::Span;
use crate::syntax::ast::{self, Percent};

impl Checker<'_> {
    pub(super) fn expectations(
        &mut self,
        expects: &[(&ast::Expect, Span)],
        hand_tags: bool,
    ) -> Vec<ir::Expectation> {
        expects
            .iter()
            .filter_map(|(e, span)| {
                let kind = self.expectation(e, hand_tags)?;
                Some(ir::Expectation {
                    text: self.text(*span),
                    defined_at: self.place(*span),
                    span: *span,
                    kind,
                })
            })
            .collect()
    }

    fn expectation(&mut self, e: &ast::Expect, hand_tags: bool) -> Option<ExpectationKind> {
        match &e.kind {
            ast::ExpectKind::Share {
                subject,
                bound,
                bound_span,
            } => {
                let subject = self.subject(subject, hand_tags);
                let bounds = self.share_bounds(bound, *bound_span);
                let (low, high) = bounds?;
                Some(ExpectationKind::Share {
                    subject: subject?,
                    low,
                    high,
                })
            }
            ast::ExpectKind::NoCustomer { condition } => {
                let c = self.table_condition(condition)?;
                Some(ExpectationKind::NoCustomer(c))
            }
            ast::ExpectKind::Every { condition, has } => {
                let condition = condition.as_ref().map(|c| self.table_condition(c));
                let has = self.has(has);
                Some(ExpectationKind::Every {
                    condition: condition.map_or(Some(None), |c| c.map(Some))?,
                    has: has?,
                })
            }
        }
    }

    /// The bounds as fractions, each checked to be a share.
    fn share_bounds(
        &mut self,
        bound: &ast::ShareBound,
        span: Span,
    ) -> Option<(Option<ShareBound>, Option<ShareBound>)> {
        let mut ok = true;
        let mut share = |p: &Percent, inclusive: bool| {
            ok &= self.percent(p);
            Some(ShareBound {
                fraction: p.value / 100.0,
                inclusive,
            })
        };
        let bounds = match bound {
            ast::ShareBound::Between(low, high) => (share(low, true), share(high, true)),
            ast::ShareBound::Under(p) => (None, share(p, false)),
            ast::ShareBound::Over(p) => (share(p, false), None),
            ast::ShareBound::AtMost(p) => (None, share(p, true)),
            ast::ShareBound::AtLeast(p) => (share(p, true), None),
        };
        if let ast::ShareBound::Between(low, high) = bound
            && ok
            && low.value > high.value
        {
            self.report(
                Diagnostic::new(
                    Code::InvalidShare,
                    tr!(
                        "invalid-share",
                        text = low.text.to_string(),
                        text2 = high.text.to_string()
                    ),
                )
                .at(span, tr!("invalid-share.label"))
                .help(tr!(
                    "invalid-share.help",
                    text = high.text.to_string(),
                    text2 = low.text.to_string()
                )),
            );
            return None;
        }
        ok.then_some(bounds)
    }

    fn percent(&mut self, p: &Percent) -> bool {
        if (0.0..=100.0).contains(&p.value) {
            return true;
        }
        self.report(
            Diagnostic::new(
                Code::InvalidShare,
                tr!("invalid-share-2", text = p.text.to_string()),
            )
            .at(p.span, tr!("invalid-share-2.label"))
            .help(tr!("invalid-share-2.help")),
        );
        false
    }

    /// A condition over the computed table: definitions, params and
    /// dataset-level values, never a customer column or an inline
    /// aggregate (the table holds neither).
    fn table_condition(&mut self, condition: &ast::Expr) -> Option<ir::Expr> {
        let c = self.condition(condition, Scope::Customer);
        let mut outside = None;
        c.walk(|e| match &e.kind {
            ExprKind::Column(name) if outside.is_none() => {
                outside = Some(format!("the customer column `{name}`"));
            }
            ExprKind::Aggregate(_) if outside.is_none() => {
                outside = Some("an aggregate".to_string());
            }
            _ => {}
        });
        let Some(what) = outside else {
            return Some(c);
        };
        self.report(
            Diagnostic::new(
                Code::ExpectationOutsideTable,
                tr!("expectation-outside-table", what = what.to_string()),
            )
            .at(condition.span, tr!("expectation-outside-table.label"))
            .help(tr!("expectation-outside-table.help")),
        );
        None
    }

    /// `has <name>`: a metric, score or segmentation, which can be missing.
    fn has(&mut self, name: &ast::Name) -> Option<usize> {
        match self.names.get(&name.text).copied() {
            Some(Entry::Def(d))
                if matches!(
                    self.defs[d].kind,
                    DefKind::Metric(_)
                        | DefKind::Score(_)
                        | DefKind::Segmentation(_)
                        | DefKind::Kmeans(_)
                ) =>
            {
                Some(d)
            }
            Some(Entry::Def(d)) => {
                let what = self.def_kind_name(d);
                self.report(
                    Diagnostic::new(
                        Code::NotGivable,
                        tr!(
                            "not-givable-4",
                            text = name.text.to_string(),
                            what = what.to_string()
                        ),
                    )
                    .at(name.span, tr!("not-givable-4.label"))
                    .help(tr!("not-givable-4.help")),
                );
                None
            }
            _ if self.unparsed.contains(&name.text) => None,
            _ => {
                let known = self.def_names(|k| {
                    matches!(
                        k,
                        DefKind::Metric(_)
                            | DefKind::Score(_)
                            | DefKind::Segmentation(_)
                            | DefKind::Kmeans(_)
                    )
                });
                self.report(
                    Diagnostic::new(
                        Code::UnknownInExample,
                        tr!("unknown-in-example-4", text = name.text.to_string()),
                    )
                    .at(name.span, tr!("unknown-in-example-4.label"))
                    .help(
                        match self.suggest(&name.text, known.iter().map(String::as_str)) {
                            Some(c) => format!("did you mean `{c}`?"),
                            None => "`has` needs a metric, score or segmentation".to_string(),
                        },
                    ),
                );
                None
            }
        }
    }
}

/// Definition numbers → node positions, in what expectations refer to.
pub(super) fn renumber(expectations: &mut [ir::Expectation], position: &[usize]) {
    for expectation in expectations {
        match &mut expectation.kind {
            ExpectationKind::Share { subject, .. } => {
                super::examples::renumber_subject(subject, position);
            }
            ExpectationKind::Every { has, .. } => *has = position[*has],
            ExpectationKind::NoCustomer(_) => {}
        }
        for e in expectation.kind.exprs_mut() {
            e.walk_mut(|e| {
                if let ExprKind::Node(d) = &mut e.kind {
                    *d = position[*d];
                }
            });
        }
    }
}
