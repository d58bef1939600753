//! Lookup tables: `source products from "products.csv" key product_id`,
//! read through the fact sources that carry a `product_id`
//! (`sum(orders.amount where products.category = "wine")`).

use super::ir::{self, ExprKind};
use super::resolve::{Scope, error, typed};
use super::{Checker, Type};
use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::i18n::tr;
use crate::source::Span;
use crate::syntax::ast::Name;

impl Checker<'_> {
    /// `products.category` in an aggregate's `where` over a fact source
    /// that has the lookup's key column.
    pub(super) fn lookup_column(
        &mut self,
        lookup: usize,
        column: &Name,
        span: Span,
        scope: Scope,
    ) -> ir::Expr {
        let name = self.sources[lookup].name.clone();
        let key = self.sources[lookup].key.clone().unwrap_or_default();
        let Scope::Facts(fact) = scope else {
            self.report(
                Diagnostic::new(
                    Code::LookupOutsideFacts,
                    tr!(
                        "lookup-outside-facts",
                        text = self.text(span).to_string(),
                        name = name.to_string()
                    ),
                )
                .at(span, tr!("lookup-outside-facts.label"))
                .help(tr!(
                    "lookup-outside-facts.help",
                    key = key.to_string(),
                    name = name.to_string(),
                    text = column.text.to_string()
                )),
            );
            return error();
        };
        let fact_info = &self.sources[fact];
        if fact_info.columns.is_some() && fact_info.column(&key).is_none() {
            let fact_name = fact_info.name.clone();
            let close = did_you_mean(&key, fact_info.column_names().iter().copied());
            let help = match close {
                Some(c) => format!(
                    "did you mean a column `{c}`? `{name}` joins the rows of a fact source by a column named like its key, `{key}`"
                ),
                None => format!(
                    "`{name}` joins the rows of a fact source by a column named like its key, `{key}`; `{fact_name}` has none"
                ),
            };
            self.report(
                Diagnostic::new(
                    Code::LookupWithoutKey,
                    tr!(
                        "lookup-without-key",
                        fact_name = fact_name.to_string(),
                        key = key.to_string(),
                        name = name.to_string()
                    ),
                )
                .at(
                    span,
                    tr!(
                        "lookup-without-key.label",
                        name = name.to_string(),
                        key = key.to_string()
                    ),
                )
                .also(self.sources[lookup].span, tr!("lookup-without-key.also"))
                .help(help),
            );
            return error();
        }
        let info = &self.sources[lookup];
        if info.columns.is_some() && info.column(&column.text).is_none() {
            let d = info.unknown_column(column);
            self.report(d);
            return error();
        }
        let ty = info.column(&column.text).unwrap_or(Type::Unknown);
        let used = (fact, lookup, column.text.clone());
        if !self.lookup_uses.contains(&used) {
            self.lookup_uses.push(used);
        }
        typed(
            ExprKind::Column(ir::lookup_column(&name, &column.text)),
            ty,
            true,
        )
    }

    /// `count(products)`, `tags from products.tag`: a lookup table has no
    /// rows per customer.
    pub(super) fn lookup_aggregated(&mut self, lookup: usize, span: Span) {
        let name = self.sources[lookup].name.clone();
        let key = self.sources[lookup].key.clone().unwrap_or_default();
        self.report(
            Diagnostic::new(
                Code::LookupOutsideFacts,
                tr!(
                    "lookup-outside-facts-2",
                    name = name.to_string(),
                    key = key.to_string()
                ),
            )
            .at(span, tr!("lookup-outside-facts-2.label"))
            .help(tr!(
                "lookup-outside-facts-2.help",
                key = key.to_string(),
                name = name.to_string()
            )),
        );
    }
}
