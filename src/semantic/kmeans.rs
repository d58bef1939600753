//! `segmentation cluster = kmeans(5, recency, frequency, monetary) log
//! monetary seed 7`: a segmentation whose labels are the clusters `1`..`k`
//! the engine computes from its inputs (`engine/kmeans.rs`).
//!
//! To the rest of seg it is an ordinary segmentation: its rules are
//! `cluster "1" when <the computed cluster> = "1"` and so on, reading the
//! column [`ir::cluster_column`], so labels, counts, history and conditions
//! need nothing of their own. A condition may name a cluster by its number
//! (`cluster = 3`): it means the label `"3"`.

use super::ir::{self, ExprKind, SegmentRule, Value, cluster_column};
use super::resolve::Scope;
use super::{Checker, DefKind, Type};
use crate::diagnostic::{Code, Diagnostic};
use crate::i18n::tr;
use crate::source::Span;
use crate::syntax::ast::KmeansDecl;

/// The most clusters a kmeans segmentation may have.
pub const MAX_CLUSTERS: usize = 20;

/// The seed when none is written.
const DEFAULT_SEED: u64 = 1;

impl Checker<'_> {
    /// Resolves a kmeans segmentation (definition `def`): its inputs, each a
    /// number, and its rules.
    pub(super) fn kmeans(&mut self, decl: &KmeansDecl, def: usize) -> ir::NodeKind {
        let k = self.cluster_count(decl);
        let mut inputs = Vec::new();
        for input in &decl.inputs {
            if inputs
                .iter()
                .any(|(n, _): &(String, ir::Expr)| *n == input.text)
            {
                self.report(
                    kmeans_error(input.span, tr!("kmeans-input", text = input.text.as_str()))
                        .help(tr!("kmeans-input.help")),
                );
                continue;
            }
            let value = self.expr_of_name(input);
            if !value.ty.fits(Type::Number) {
                self.report(
                    kmeans_error(
                        input.span,
                        tr!(
                            "kmeans-input-2",
                            text = input.text.as_str(),
                            ty = value.ty.to_string()
                        ),
                    )
                    .help(tr!("kmeans-input-2.help")),
                );
            }
            inputs.push((input.text.clone(), value));
        }
        let log = self.logged_inputs(decl, &inputs);
        let seed = self.seed(decl);
        self.clusters.push(ir::Kmeans {
            node: def,
            k,
            inputs,
            log,
            seed,
        });
        let hidden = ir::Expr {
            kind: ExprKind::Column(cluster_column(&decl.name.text)),
            ty: Type::Text,
            nullable: true,
        };
        let rules = (1..=k)
            .map(|c| SegmentRule {
                label: c.to_string(),
                condition: Some(ir::Expr {
                    kind: ExprKind::Binary {
                        op: ir::BinaryOp::Eq,
                        left: Box::new(hidden.clone()),
                        right: Box::new(ir::Expr {
                            kind: ExprKind::Literal(Value::Text(c.to_string())),
                            ty: Type::Text,
                            nullable: false,
                        }),
                    },
                    ty: Type::Bool,
                    nullable: false,
                }),
            })
            .collect();
        ir::NodeKind::Segmentation(rules)
    }

    fn expr_of_name(&mut self, name: &crate::syntax::ast::Name) -> ir::Expr {
        let written = crate::syntax::ast::Expr {
            kind: crate::syntax::ast::ExprKind::Name(name.clone()),
            span: name.span,
        };
        self.expr(&written, Scope::Customer)
    }

    /// `k`: a whole number from 2 to [`MAX_CLUSTERS`].
    fn cluster_count(&mut self, decl: &KmeansDecl) -> usize {
        let (text, span) = (&decl.k.text, &decl.k.span);
        match text.parse::<usize>() {
            Ok(k) if (2..=MAX_CLUSTERS).contains(&k) => k,
            _ => {
                self.report(
                    kmeans_error(*span, tr!("kmeans-input-3", text = text.to_string()))
                        .help(tr!("kmeans-input-3.help", max = MAX_CLUSTERS.to_string())),
                );
                2
            }
        }
    }

    /// Which inputs `log` names (each must be an input).
    fn logged_inputs(&mut self, decl: &KmeansDecl, inputs: &[(String, ir::Expr)]) -> Vec<bool> {
        let mut log = vec![false; inputs.len()];
        for name in &decl.log {
            match inputs.iter().position(|(n, _)| *n == name.text) {
                Some(i) => log[i] = true,
                None => {
                    let names: Vec<&str> = inputs.iter().map(|(n, _)| n.as_str()).collect();
                    self.report(
                        kmeans_error(name.span, tr!("kmeans-input-4", text = name.text.as_str()))
                            .help(tr!("kmeans-input-4.help", names = names.join(", "))),
                    );
                }
            }
        }
        log
    }

    fn seed(&mut self, decl: &KmeansDecl) -> u64 {
        let Some(seed) = &decl.seed else {
            return DEFAULT_SEED;
        };
        let (text, span) = (&seed.text, &seed.span);
        text.parse().unwrap_or_else(|_| {
            self.report(
                kmeans_error(*span, tr!("kmeans-input-5", text = text.to_string()))
                    .help(tr!("kmeans-input-5.help")),
            );
            DEFAULT_SEED
        })
    }

    /// The number of clusters of definition `d`, if it is a kmeans.
    pub(super) fn clusters_of(&self, d: usize) -> Option<usize> {
        let DefKind::Kmeans(decl) = &self.defs[d].kind else {
            return None;
        };
        Some(
            decl.k
                .text
                .parse::<usize>()
                .ok()
                .filter(|k| (2..=MAX_CLUSTERS).contains(k))
                .unwrap_or(MAX_CLUSTERS),
        )
    }

    /// `cluster = 3`: a number compared with a kmeans segmentation names
    /// its label `"3"`; E333 unless it is one of 1..k. `None` when
    /// `subject` is no kmeans or `value` no number.
    pub(super) fn cluster_number(
        &mut self,
        subject: &ir::Expr,
        value: &ir::Expr,
        span: Span,
    ) -> Option<ir::Expr> {
        let (ExprKind::Node(d), ExprKind::Literal(Value::Number(n))) = (&subject.kind, &value.kind)
        else {
            return None;
        };
        let k = self.clusters_of(*d)?;
        let label = n.parse::<usize>().ok().filter(|c| (1..=k).contains(c));
        if label.is_none() {
            let name = self.defs[*d].name.clone();
            self.report(
                Diagnostic::new(
                    Code::NoSuchCluster,
                    tr!(
                        "no-such-cluster",
                        name = name.to_string(),
                        k = k.to_string(),
                        n = n.to_string()
                    ),
                )
                .at(span, tr!("no-such-cluster.label"))
                .help(tr!("no-such-cluster.help", k = k.to_string())),
            );
        }
        Some(ir::Expr {
            kind: ExprKind::Literal(Value::Text(label.unwrap_or(1).to_string())),
            ty: Type::Text,
            nullable: false,
        })
    }
}

impl Checker<'_> {
    /// `expect cluster "3" under 40%`, `expects cluster 3`: a cluster by
    /// its number.
    pub(super) fn cluster_subject(
        &mut self,
        d: usize,
        label: &crate::syntax::ast::Name,
    ) -> Option<super::ir::Subject> {
        let number = ir::Expr {
            kind: ExprKind::Literal(Value::Number(label.text.clone())),
            ty: Type::Number,
            nullable: false,
        };
        let subject = ir::Expr {
            kind: ExprKind::Node(d),
            ty: Type::Text,
            nullable: true,
        };
        let before = self.diagnostics.len();
        self.cluster_number(&subject, &number, label.span)?;
        (self.diagnostics.len() == before).then(|| super::ir::Subject::Label {
            segmentation: d,
            label: label.text.clone(),
        })
    }
}

fn kmeans_error(span: Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Code::KmeansInput, message).at(span, tr!("kmeans-input.label"))
}
