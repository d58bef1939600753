//! The last whole-program checks, and assembling the [`ir::Program`] when
//! the rules hold together.

use std::collections::HashMap;

use super::declare::Declarations;
use super::order::renumber;
use super::{Checker, SourceInfo, Type, ir};

impl<'a> Checker<'a> {
    pub(super) fn finish(&mut self, declarations: &Declarations<'a>) -> Option<ir::Program> {
        self.check_hidden_columns();
        // Before the order: a `percentile(...)` in an expectation is one
        // more definition.
        let hand_tags = !declarations.tags_from.is_empty();
        let mut examples = self.examples(&declarations.examples, hand_tags);
        let mut expectations = self.expectations(&declarations.expects, hand_tags);
        let order = self.order();
        let manual_tags = self.manual.clone();
        let catalogue = self.catalogue(&declarations.describes, &manual_tags);
        self.check_output_names();

        let customers = self.customers?;
        if self.defs.iter().any(|d| d.resolved.is_none()) {
            return None;
        }
        let mut not_facts = self.lookups.clone();
        not_facts.push(customers);
        let facts = FactIndex::new(self.sources.len(), &not_facts);
        let position = positions(&order);
        super::examples::renumber(&mut examples, &position);
        super::expect::renumber(&mut expectations, &position);
        let mut program = ir::Program {
            as_of: self.as_of,
            as_of_origin: self.as_of_origin,
            customers: program_source(&self.sources[customers]),
            customer_columns: self.customer_columns.clone(),
            facts: facts
                .sources()
                .map(|s| program_source(&self.sources[s]))
                .collect(),
            aggregates: self
                .aggregates
                .iter()
                .map(|a| ir::Aggregate {
                    source: facts.of(a.source),
                    ..a.clone()
                })
                .collect(),
            nodes: self.ordered_nodes(&order),
            params: self.program_params(),
            manual_tags: manual_tags
                .into_iter()
                .map(|m| ir::ManualTags {
                    source: facts.of(m.source),
                    column: m.column,
                })
                .collect(),
            lookups: self.program_lookups(&facts),
            catalogue,
            examples,
            expectations,
            rules_hash: super::rules_hash(self.files),
            clusters: self.program_clusters(&order),
        };
        super::header_only::type_columns(&mut program);
        self.diagnostics
            .extend(super::examples::missing_dataset_values(&program));
        Some(program)
    }

    /// The resolved definitions in dependency order, their references
    /// renumbered to positions in that order.
    fn ordered_nodes(&self, order: &[usize]) -> Vec<ir::Node> {
        let position = positions(order);
        order
            .iter()
            .map(|&d| {
                let def = &self.defs[d];
                let mut kind = def.resolved.clone().expect("every definition resolved");
                renumber(&mut kind, &position);
                ir::Node {
                    name: def.name.clone(),
                    kind,
                    declared: d,
                }
            })
            .collect()
    }

    /// The lookup tables, each with the fact sources that read it.
    fn program_lookups(&self, facts: &FactIndex) -> Vec<ir::Lookup> {
        self.lookups
            .iter()
            .map(|&l| {
                let mut joined: Vec<(usize, Vec<String>)> = Vec::new();
                for (f, _, column) in self.lookup_uses.iter().filter(|u| u.1 == l) {
                    let f = facts.of(*f);
                    match joined.iter_mut().find(|(g, _)| *g == f) {
                        Some((_, columns)) => columns.push(column.clone()),
                        None => joined.push((f, vec![column.clone()])),
                    }
                }
                joined.sort();
                ir::Lookup {
                    source: program_source(&self.sources[l]),
                    joined,
                }
            })
            .collect()
    }

    /// The kmeans segmentations, renumbered to positions in `order`.
    fn program_clusters(&self, order: &[usize]) -> Vec<ir::Kmeans> {
        let position = positions(order);
        self.clusters
            .iter()
            .cloned()
            .map(|mut k| {
                k.node = position[k.node];
                for (_, e) in &mut k.inputs {
                    e.walk_mut(|e| {
                        if let ir::ExprKind::Node(d) = &mut e.kind {
                            *d = position[*d];
                        }
                    });
                }
                k
            })
            .collect()
    }

    fn program_params(&self) -> Vec<ir::Param> {
        self.params
            .iter()
            .map(|p| ir::Param {
                name: p.name.clone(),
                value: p.value.clone(),
                overridden: p.overridden,
            })
            .collect()
    }
}

/// Each definition's position in `order`.
fn positions(order: &[usize]) -> Vec<usize> {
    let mut position = vec![0; order.len()];
    for (i, &d) in order.iter().enumerate() {
        position[d] = i;
    }
    position
}

/// Sources are numbered in declaration order while checking; the program
/// numbers its fact sources without the customer source.
struct FactIndex {
    facts: HashMap<usize, usize>,
    order: Vec<usize>,
}

impl FactIndex {
    fn new(sources: usize, not_facts: &[usize]) -> Self {
        let order: Vec<usize> = (0..sources).filter(|s| !not_facts.contains(s)).collect();
        let facts = order.iter().enumerate().map(|(f, &s)| (s, f)).collect();
        FactIndex { facts, order }
    }

    /// The fact index of a (fact) source.
    fn of(&self, source: usize) -> usize {
        self.facts[&source]
    }

    /// The fact sources, in fact order.
    fn sources(&self) -> impl Iterator<Item = usize> + '_ {
        self.order.iter().copied()
    }
}

fn program_source(s: &SourceInfo) -> ir::Source {
    ir::Source {
        name: s.name.clone(),
        location: s.location.clone(),
        key: s.key.clone().or(s.by.clone()).unwrap_or_default(),
        at: s.at.clone(),
        zoned: s.zoned.clone(),
        header_only: s
            .header_only
            .as_ref()
            .map(|columns| columns.iter().map(|c| (c.clone(), Type::Unknown)).collect()),
        loaded: None,
    }
}
