//! Collecting declarations: one namespace for every name, the sources and
//! their columns, params with `--set`, the as-of date, and the shape of each
//! segmentation (one file, labels once, `otherwise` last).

use crate::i18n::tr;
use std::collections::HashMap;

use super::ir::{FileFormat, Location, Value};
use super::types::HEADER_ONLY;
use super::{Checker, Def, DefKind, DefState, Entry, Mode, ParamInfo, SourceInfo, Type, types};
use crate::diagnostic::{Code, Diagnostic, did_you_mean, list_names};
use crate::source::Span;
use crate::syntax::ast::{
    self, Ast, Describe, Literal, Name, ReadOption, SourceDecl, SourceOptionKind, StatementKind,
    TagsFrom,
};

/// The clauses of one `source` line, each taken once.
struct Clauses<'d> {
    /// The location of `from ...` and where it is written; no location
    /// when it cannot be used (E308 says why).
    from: Option<(Option<Location>, Span)>,
    key: Option<&'d Name>,
    by: Option<&'d Name>,
    at: Option<&'d Name>,
    /// `with ...`, and where it is written.
    read: Option<(&'d [ReadOption], Span)>,
}

/// A declared source whose columns are still to be read.
pub(super) struct PendingSource<'d> {
    index: usize,
    /// Where its location is written: the `from`, else the source's name.
    from: Span,
    /// False when its `from` cannot be used and nothing overrides it.
    readable: bool,
    key: Option<&'d Name>,
    by: Option<&'d Name>,
    at: Option<&'d Name>,
}

/// What later steps need from the AST besides the definitions.
pub(super) struct Declarations<'a> {
    pub describes: Vec<(&'a Describe, Span)>,
    pub tags_from: Vec<(&'a TagsFrom, Span)>,
    pub examples: Vec<(&'a ast::Example, Span)>,
    pub expects: Vec<(&'a ast::Expect, Span)>,
}

impl<'a> Checker<'a> {
    pub(super) fn declare(&mut self, ast: &'a Ast) -> Declarations<'a> {
        let mut declarations = Declarations {
            describes: Vec::new(),
            tags_from: Vec::new(),
            examples: Vec::new(),
            expects: Vec::new(),
        };
        let mut as_of_span: Option<Span> = None;
        // Segmentation name → index in `defs`, and the span of its first rule.
        let mut segmentations: HashMap<String, usize> = HashMap::new();
        let mut pending = Vec::new();

        for file in &ast.files {
            for statement in &file.statements {
                match &statement.kind {
                    StatementKind::Source(decl) => {
                        pending.extend(self.declare_source(decl, statement.span));
                    }
                    StatementKind::AsOf(as_of) => {
                        if let Some(first) = as_of_span {
                            self.report(
                                Diagnostic::new(
                                    Code::DuplicateDefinition,
                                    tr!("duplicate-definition-2"),
                                )
                                .at(statement.span, tr!("duplicate-definition-2.label"))
                                .also(first, tr!("duplicate-definition-2.also"))
                                .help(tr!("duplicate-definition-2.help")),
                            );
                        } else {
                            as_of_span = Some(statement.span);
                            if self.settings.as_of.is_none() {
                                self.as_of = as_of.date;
                                self.as_of_origin = super::ir::AsOfOrigin::Rules;
                            }
                        }
                    }
                    StatementKind::Param(param) => {
                        let value = match &param.value {
                            Literal::Number { text, .. } => Value::Number(text.clone()),
                            Literal::Text(t) => Value::Text(t.clone()),
                            Literal::Date(d) => Value::Date(*d),
                            Literal::Bool(b) => Value::Bool(*b),
                        };
                        if self.define(&param.name, Entry::Param(self.params.len())) {
                            self.params.push(ParamInfo {
                                name: param.name.text.clone(),
                                span: param.name.span,
                                value,
                                overridden: false,
                            });
                        }
                    }
                    StatementKind::Metric(metric) => {
                        self.add_def(&metric.name, DefKind::Metric(metric));
                    }
                    StatementKind::Score(score) => {
                        self.add_def(&score.name, DefKind::Score(score));
                    }
                    StatementKind::Tag(tag) => {
                        self.add_def(&tag.name, DefKind::Tag(tag));
                    }
                    StatementKind::Rule(rule) => self.declare_rule(rule, &mut segmentations),
                    StatementKind::Kmeans(kmeans) => {
                        self.add_def(&kmeans.name, DefKind::Kmeans(kmeans));
                    }
                    StatementKind::TagsFrom(t) => declarations.tags_from.push((t, statement.span)),
                    StatementKind::Describe(d) => declarations.describes.push((d, statement.span)),
                    StatementKind::Example(e) => declarations.examples.push((e, statement.span)),
                    StatementKind::Expect(e) => declarations.expects.push((e, statement.span)),
                }
            }
        }
        self.choose_customer_source();
        self.describe_sources(pending);
        self.check_segmentations();
        self.check_customer_source();
        self.apply_param_overrides();
        self.check_source_overrides();
        declarations
    }

    /// Adds a name to the one namespace; reports a duplicate and returns
    /// false when it is taken.
    fn define(&mut self, name: &Name, entry: Entry) -> bool {
        if let Some(existing) = self.names.get(&name.text) {
            let (what, first) = match *existing {
                Entry::Source(i) => ("source", self.sources[i].span),
                Entry::Param(i) => ("param", self.params[i].span),
                Entry::Def(i) => (self.def_kind_name(i), self.defs[i].span),
            };
            self.report(
                Diagnostic::new(
                    Code::DuplicateDefinition,
                    tr!("duplicate-definition-3", text = name.text.to_string()),
                )
                .at(name.span, tr!("duplicate-definition-3.label"))
                .also(
                    first,
                    tr!("duplicate-definition-3.also", what = what.to_string()),
                )
                .help(tr!("duplicate-definition-3.help")),
            );
            return false;
        }
        self.names.insert(name.text.clone(), entry);
        true
    }

    pub(super) fn def_kind_name(&self, i: usize) -> &'static str {
        match self.defs[i].kind {
            DefKind::Metric(_) => "metric",
            DefKind::Score(_) => "score",
            DefKind::Segmentation(_) | DefKind::Kmeans(_) => "segmentation",
            DefKind::Tag(_) => "tag",
            DefKind::Dataset => "dataset value",
        }
    }

    fn add_def(&mut self, name: &Name, kind: DefKind<'a>) -> Option<usize> {
        let index = self.defs.len();
        if !self.define(name, Entry::Def(index)) {
            return None;
        }
        self.defs.push(Def {
            name: name.text.clone(),
            span: name.span,
            kind,
            state: DefState::Pending,
            resolved: None,
            ty: Type::Unknown,
            nullable: true,
            deps: Vec::new(),
        });
        Some(index)
    }

    fn declare_rule(
        &mut self,
        rule: &'a ast::SegmentRule,
        segmentations: &mut HashMap<String, usize>,
    ) {
        let head = &rule.segmentation;
        match segmentations.get(&head.text) {
            None => {
                if let Some(i) = self.add_def(head, DefKind::Segmentation(vec![rule])) {
                    segmentations.insert(head.text.clone(), i);
                }
            }
            Some(&i) => {
                let DefKind::Segmentation(rules) = &self.defs[i].kind else {
                    unreachable!("segmentation entries point at segmentations")
                };
                let first = rules[0].segmentation.span;
                if first.file != head.span.file {
                    let other = self.files.get(first.file).name.clone();
                    self.report(
                        Diagnostic::new(
                            Code::SegmentationSplit,
                            tr!("segmentation-split", text = head.text.to_string()),
                        )
                        .at(head.span, tr!("segmentation-split.label"))
                        .also(
                            first,
                            tr!("segmentation-split.also", other = other.to_string()),
                        )
                        .help(tr!("segmentation-split.help")),
                    );
                    self.split.push(head.text.clone());
                    return;
                }
                if let DefKind::Segmentation(rules) = &mut self.defs[i].kind {
                    rules.push(rule);
                }
            }
        }
    }

    /// Labels once each, `otherwise` last, a warning without `otherwise`.
    fn check_segmentations(&mut self) {
        let mut found = Vec::new();
        for def in &self.defs {
            let DefKind::Segmentation(rules) = &def.kind else {
                continue;
            };
            let mut seen: HashMap<&str, Span> = HashMap::new();
            for rule in rules {
                if let Some(first) = seen.get(rule.label.text.as_str()) {
                    found.push(
                        Diagnostic::new(
                            Code::DuplicateLabel,
                            tr!(
                                "duplicate-label",
                                name = def.name.to_string(),
                                text = rule.label.text.to_string()
                            ),
                        )
                        .at(rule.label.span, tr!("duplicate-label.label"))
                        .also(*first, tr!("duplicate-label.also"))
                        .help(tr!("duplicate-label.help")),
                    );
                } else {
                    seen.insert(&rule.label.text, rule.label.span);
                }
            }
            let otherwise = rules.iter().position(|r| r.condition.is_none());
            match otherwise {
                Some(i) if i + 1 < rules.len() => found.push(
                    Diagnostic::new(
                        Code::OtherwiseNotLast,
                        tr!(
                            "otherwise-not-last",
                            name = def.name.to_string(),
                            text = rules[i].label.text.to_string()
                        ),
                    )
                    .at(
                        rules[i].label.span.to(rules[i].segmentation.span),
                        tr!("otherwise-not-last.label"),
                    )
                    .also(
                        rules[i + 1].segmentation.span.to(rules[i + 1].label.span),
                        tr!("otherwise-not-last.also"),
                    )
                    .help(tr!("otherwise-not-last.help")),
                ),
                Some(_) => {}
                // Its `otherwise` may be among the rules in another file.
                None if self.split.contains(&def.name) => {}
                None => found.push(
                    Diagnostic::new(
                        Code::NoOtherwise,
                        tr!("no-otherwise", name = def.name.to_string()),
                    )
                    .at(def.span, tr!("no-otherwise.label"))
                    .help(tr!("no-otherwise.help", name = def.name.to_string())),
                ),
            }
        }
        self.diagnostics.extend(found);
    }

    /// A `source` line: its clauses, its shape and where it is read from.
    /// Its columns are read later, in [`Self::describe_sources`], once every
    /// source is known, so the catalog can allow exactly those.
    fn declare_source(
        &mut self,
        decl: &'a SourceDecl,
        statement: Span,
    ) -> Option<PendingSource<'a>> {
        let name = &decl.name;
        let clauses = self.source_clauses(decl, statement);
        if !self.check_source_shape(name, &clauses) {
            return None;
        }
        let overridden = self.source_override(&name.text);
        let mut readable = overridden.is_some() || !matches!(clauses.from, Some((None, _)));
        // Where the location is written: the `from`, or for `--source` and
        // a default table, the name.
        let from = match (&overridden, &clauses.from) {
            (None, Some((_, span))) => *span,
            _ => name.span,
        };
        let by_override = overridden.is_some();
        let mut location = match (overridden, clauses.from) {
            (Some(loc), _) => loc,
            (None, Some((Some(loc), _))) => loc,
            (None, _) => Location::Table(name.text.clone()),
        };
        if let Some((options, span)) = clauses.read {
            // Options that cannot be used would only make the file fail to
            // read as well: it is not read until they are fixed.
            let reported = self.diagnostics.len();
            let options = self.read_options(options);
            match &mut location {
                Location::File { format, read, .. } if format.is_text() => *read = options,
                // A Parquet file or table given with `--source` is read as it is.
                _ if by_override => {}
                _ => self.check_read_format(&location, span),
            }
            readable &= self.diagnostics.len() == reported;
        }
        self.check_not_seg_table(name, &location);
        let index = self.sources.len();
        if !self.define(name, Entry::Source(index)) {
            return None;
        }
        self.sources.push(SourceInfo {
            name: name.text.clone(),
            span: name.span,
            location,
            key: clauses.key.map(|k| k.text.clone()),
            by: clauses.by.map(|b| b.text.clone()),
            at: clauses.at.map(|a| a.text.clone()),
            columns: None,
            floats: Vec::new(),
            zoned: Vec::new(),
            header_only: None,
        });
        Some(PendingSource {
            index,
            from,
            readable,
            key: clauses.key,
            by: clauses.by,
            at: clauses.at,
        })
    }

    /// The clauses of a source, each taken once (a repeated one is E308).
    fn source_clauses(&mut self, decl: &'a SourceDecl, statement: Span) -> Clauses<'a> {
        let mut clauses = Clauses {
            from: None,
            key: None,
            by: None,
            at: None,
            read: None,
        };
        for option in &decl.options {
            let again = match &option.kind {
                SourceOptionKind::File(_) | SourceOptionKind::Table(_)
                    if clauses.from.is_some() =>
                {
                    "from"
                }
                SourceOptionKind::File(path) => {
                    let location = self.file_location(path, statement, option.span);
                    clauses.from = Some((location, option.span));
                    continue;
                }
                SourceOptionKind::Table(t) => {
                    clauses.from = Some((Some(Location::Table(t.text.clone())), option.span));
                    continue;
                }
                SourceOptionKind::Key(n) if clauses.key.is_none() => {
                    clauses.key = Some(n);
                    continue;
                }
                SourceOptionKind::By(n) if clauses.by.is_none() => {
                    clauses.by = Some(n);
                    continue;
                }
                SourceOptionKind::At(n) if clauses.at.is_none() => {
                    clauses.at = Some(n);
                    continue;
                }
                SourceOptionKind::Read(options) if clauses.read.is_none() => {
                    clauses.read = Some((options, option.span));
                    continue;
                }
                SourceOptionKind::Read(_) => "with",
                SourceOptionKind::Key(_) => "key",
                SourceOptionKind::By(_) => "by",
                SourceOptionKind::At(_) => "at",
            };
            self.report(
                Diagnostic::new(
                    Code::SourceShape,
                    tr!(
                        "source-shape",
                        again = again.to_string(),
                        text = decl.name.text.to_string()
                    ),
                )
                .at(option.span, tr!("source-shape.label"))
                .help(tr!("source-shape.help")),
            );
        }
        clauses
    }

    /// One of `key` (the customer source) and `by` (a fact source). False
    /// when the source cannot be used.
    fn check_source_shape(&mut self, name: &Name, clauses: &Clauses) -> bool {
        match (clauses.key, clauses.by) {
            (Some(k), Some(b)) => {
                self.report(
                    Diagnostic::new(
                        Code::SourceShape,
                        tr!("source-shape-2", text = name.text.to_string()),
                    )
                    .at(k.span.to(b.span), tr!("source-shape-2.label"))
                    .help(tr!("source-shape-2.help")),
                );
                false
            }
            (None, None) => {
                self.report(
                    Diagnostic::new(
                        Code::SourceShape,
                        tr!("source-shape-3", text = name.text.to_string()),
                    )
                    .at(name.span, tr!("source-shape-3.label"))
                    .help(tr!("source-shape-3.help", text = name.text.to_string())),
                );
                false
            }
            (Some(_), None) | (None, Some(_)) => true,
        }
    }

    /// `--source name=...` replaces where the rows come from (the last one wins).
    fn source_override(&self, name: &str) -> Option<Location> {
        self.settings
            .sources
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, value)| override_location(value))
    }

    /// Tables named `seg_...` are the ones seg writes: reading one would
    /// read a previous run's output.
    fn check_not_seg_table(&mut self, name: &Name, location: &Location) {
        let Location::Table(table) = location else {
            return;
        };
        if table
            .rsplit('.')
            .next()
            .is_some_and(|t| t.to_lowercase().starts_with("seg_"))
        {
            self.report(
                Diagnostic::new(
                    Code::SourceShape,
                    tr!(
                        "source-shape-4",
                        text = name.text.to_string(),
                        table = table.to_string()
                    ),
                )
                .at(name.span, tr!("source-shape-4.label"))
                .help(tr!("source-shape-4.help")),
            );
        }
    }

    /// The customer source is the one source with `key`. With several, it
    /// is the one whose key a fact source's `by` names; the others are
    /// lookup tables (`source products ... key product_id`).
    fn choose_customer_source(&mut self) {
        let keyed: Vec<usize> = (0..self.sources.len())
            .filter(|&s| self.sources[s].key.is_some())
            .collect();
        let named_by_facts = |s: usize| {
            let key = self.sources[s].key.as_deref().unwrap_or_default();
            self.sources
                .iter()
                .any(|f| f.by.as_deref().is_some_and(|b| super::names::same(b, key)))
        };
        let customers: Vec<usize> = if keyed.len() > 1 {
            keyed
                .iter()
                .copied()
                .filter(|&s| named_by_facts(s))
                .collect()
        } else {
            keyed.clone()
        };
        if let [c] = customers[..] {
            self.customers = Some(c);
            self.lookups = keyed.into_iter().filter(|&s| s != c).collect();
            return;
        }
        let candidates = if customers.is_empty() {
            keyed
        } else {
            customers
        };
        let Some((&first, others)) = candidates.split_first() else {
            return;
        };
        self.customers = Some(first);
        for &s in others {
            self.report(
                Diagnostic::new(Code::CustomerSource, tr!("customer-source"))
                    .at(self.sources[s].span, tr!("customer-source.label"))
                    .also(self.sources[first].span, tr!("customer-source.also"))
                    .help(tr!("customer-source.help")),
            );
        }
    }

    /// Tells the catalog every location the rules read (a sandboxed one
    /// then reads nothing else), then reads each source's columns.
    fn describe_sources(&mut self, pending: Vec<PendingSource<'a>>) {
        let pending: Vec<PendingSource> = pending.into_iter().filter(|p| p.readable).collect();
        let locations: Vec<Location> = pending
            .iter()
            .map(|p| self.sources[p.index].location.clone())
            .collect();
        let refusals = self.catalog.allow(&locations);
        for (source, refusal) in pending.iter().zip(refusals) {
            match refusal {
                Some(reason) => self.report_not_allowed(source, reason),
                None => {
                    self.read_columns(source);
                    self.check_clause_columns(source);
                }
            }
        }
    }

    fn report_not_allowed(&mut self, pending: &PendingSource, reason: String) {
        let source = &self.sources[pending.index];
        let d = Diagnostic::new(
            Code::PathNotAllowed,
            tr!(
                "path-not-allowed",
                name = source.name.to_string(),
                describe = source.location.describe().to_string()
            ),
        )
        .at(pending.from, tr!("path-not-allowed.label"))
        .help(reason);
        self.report(d);
    }

    /// The columns of a source and their types, from the catalog.
    fn read_columns(&mut self, pending: &PendingSource) {
        let source = &self.sources[pending.index];
        let described = self.catalog.columns(&source.location);
        let (name, location) = (source.name.clone(), source.location.describe());
        match described {
            Ok(columns) => {
                let source = &mut self.sources[pending.index];
                if !columns.is_empty() && columns.iter().all(|c| c.sql_type == HEADER_ONLY) {
                    source.header_only = Some(columns.iter().map(|c| c.name.clone()).collect());
                }
                for c in &columns {
                    if types::is_float(&c.sql_type) {
                        source.floats.push(c.name.clone());
                    }
                    if types::is_zoned(&c.sql_type) {
                        source.zoned.push(c.name.clone());
                    }
                }
                source.columns = Some(
                    columns
                        .into_iter()
                        .map(|c| {
                            let ty = Type::from_sql(&c.sql_type);
                            (c.name, ty)
                        })
                        .collect(),
                );
            }
            Err(reason) => {
                let (code, what) = match self.settings.mode {
                    Mode::Check => (Code::SourceNotChecked, "its columns were not checked"),
                    Mode::Run => (Code::UnreadableSource, "the run cannot start"),
                };
                self.report(
                    Diagnostic::new(
                        code,
                        tr!("declare", name = name.to_string(), what = what.to_string()),
                    )
                    .at(
                        pending.from,
                        tr!("declare.label", location = location.to_string()),
                    )
                    .help(reason),
                );
            }
        }
    }

    /// The key, by and at columns must exist, and `at` must be a time.
    fn check_clause_columns(&mut self, pending: &PendingSource) {
        let info = &self.sources[pending.index];
        if info.columns.is_none() {
            return;
        }
        let mut found = Vec::new();
        for (clause, column) in [("key", pending.key), ("by", pending.by), ("at", pending.at)] {
            let Some(column) = column else { continue };
            match info.column(&column.text) {
                None => found.push(info.unknown_column(column)),
                Some(ty) if clause == "at" && !ty.fits(Type::Date) => {
                    found.push(time_column_type(column, ty, pending.key.is_some()));
                }
                Some(_) => {}
            }
        }
        self.diagnostics.extend(found);
    }

    /// The location of `from "path"`: relative to the rule file's folder,
    /// with the format taken from the extension.
    fn file_location(&mut self, path: &str, statement: Span, at: Span) -> Option<Location> {
        let Some(format) = FileFormat::from_path(path) else {
            self.report(
                Diagnostic::new(
                    Code::SourceShape,
                    tr!("source-shape-5", path = path.to_string()),
                )
                .at(at, tr!("source-shape-5.label"))
                .help(tr!("source-shape-5.help")),
            );
            return None;
        };
        let dir = self.files.get(statement.file).dir();
        Some(Location::file_in(dir, path, format))
    }

    fn check_customer_source(&mut self) {
        let Some(customers) = self.customers else {
            // Even an empty rule set needs its customers: without them there
            // is nothing to run.
            let span = self
                .sources
                .first()
                .map(|s| s.span)
                .or(self.defs.first().map(|d| d.span));
            let mut d = Diagnostic::new(Code::CustomerSource, tr!("customer-source-2"))
                .help(tr!("customer-source-2.help"));
            if let Some(span) = span {
                d = d.at(span, tr!("customer-source-2.label"));
            }
            self.report(d);
            return;
        };
        // Fact sources join on their `by` column: it must be comparable with the key.
        let key_type = {
            let c = &self.sources[customers];
            c.key.as_deref().and_then(|k| c.column(k))
        };
        let mut found = Vec::new();
        for source in &self.sources {
            let (Some(by), Some(key_type)) = (&source.by, key_type) else {
                continue;
            };
            if let Some(by_type) = source.column(by)
                && !by_type.fits(key_type)
            {
                found.push(
                    Diagnostic::new(
                        Code::KeyTypeMismatch,
                        tr!(
                            "key-type-mismatch",
                            name = source.name.to_string(),
                            by = by.to_string(),
                            by_type = by_type.to_string(),
                            key_type = key_type.to_string()
                        ),
                    )
                    .at(source.span, tr!("key-type-mismatch.label"))
                    .also(self.sources[customers].span, tr!("key-type-mismatch.also"))
                    .help(tr!("key-type-mismatch.help")),
                );
            }
        }
        self.diagnostics.extend(found);
    }

    fn apply_param_overrides(&mut self) {
        for (name, raw) in &self.settings.params {
            let Some(param) = self.params.iter_mut().find(|p| &p.name == name) else {
                let names: Vec<&str> = self.params.iter().map(|p| p.name.as_str()).collect();
                let d = Diagnostic::new(
                    Code::UnknownParam,
                    tr!("unknown-param", name = name.to_string()),
                )
                .help(match did_you_mean(name, names.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("the params are {}", list_names(&names, 10)),
                });
                self.diagnostics.push(d);
                continue;
            };
            match parse_value(raw, param.value.ty()) {
                Some(value) => {
                    param.value = value;
                    param.overridden = true;
                }
                None => {
                    let ty = param.value.ty();
                    let d = Diagnostic::new(
                        Code::ParamValue,
                        tr!(
                            "param-value",
                            name = name.to_string(),
                            raw = raw.to_string(),
                            ty = ty.to_string()
                        ),
                    )
                    .at(param.span, tr!("param-value.label", ty = ty.to_string()))
                    .help(match ty {
                        Type::Number => "give a number, like 5000 or 0.25".to_string(),
                        Type::Date => "give a date, like 2025-06-30".to_string(),
                        Type::Bool => "give true or false".to_string(),
                        _ => "give a value of the param's kind".to_string(),
                    });
                    self.diagnostics.push(d);
                }
            }
        }
    }

    fn check_source_overrides(&mut self) {
        for (name, _) in &self.settings.sources {
            if self.sources.iter().any(|s| &s.name == name) {
                continue;
            }
            let names: Vec<&str> = self.sources.iter().map(|s| s.name.as_str()).collect();
            let d = Diagnostic::new(
                Code::UnknownSourceOverride,
                tr!("unknown-source-override", name = name.to_string()),
            )
            .help(match did_you_mean(name, names.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("the sources are {}", list_names(&names, 10)),
            });
            self.diagnostics.push(d);
        }
    }
}

/// `--source name=value`: a file when the value has a known data file
/// extension, otherwise a table in the database.
fn override_location(value: &str) -> Location {
    match FileFormat::from_path(value) {
        Some(format) => Location::File {
            path: value.into(),
            format,
            read: Default::default(),
        },
        None => Location::Table(value.to_string()),
    }
}

/// Parses a `--set` value as the type the param was declared with.
fn parse_value(raw: &str, ty: Type) -> Option<Value> {
    let raw = raw.trim();
    match ty {
        Type::Number => {
            let digits = raw.strip_prefix('-').unwrap_or(raw);
            let valid = !digits.is_empty()
                && digits.split('.').count() <= 2
                && digits
                    .split('.')
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                && raw.parse::<f64>().is_ok_and(f64::is_finite);
            valid.then(|| Value::Number(raw.to_string()))
        }
        Type::Date if raw.len() == 10 => raw.parse().ok().map(Value::Date),
        Type::Date => None,
        Type::Bool => match raw {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        _ => Some(Value::Text(raw.to_string())),
    }
}

/// E313: an `at` column that holds no dates. On the customer source it is
/// when each customer was created, on a fact source when each row happened.
fn time_column_type(column: &Name, ty: Type, customers: bool) -> Diagnostic {
    let (what, help) = if customers {
        (
            "the creation column",
            "`at` on the customer source names the date each customer was created (a sign-up date); leave it out to count every customer at every date",
        )
    } else {
        (
            "the time column",
            "`at` names the column with each row's date or timestamp",
        )
    };
    Diagnostic::new(
        Code::TimeColumnType,
        tr!(
            "time-column-type",
            what = what.to_string(),
            text = column.text.to_string(),
            ty = ty.to_string()
        ),
    )
    .at(column.span, tr!("time-column-type.label"))
    .help(help)
}

/// "did you mean" and the real columns, for an unknown column.
pub(super) fn column_help(name: &str, columns: &[&str]) -> String {
    let list = tr!("help-columns", names = list_names(columns, 12));
    match did_you_mean(name, columns.iter().copied()) {
        Some(s) => format!("{} {list}", tr!("did-you-mean", name = s)),
        None => list,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_values_parse_by_type() {
        assert_eq!(
            parse_value("8000", Type::Number),
            Some(Value::Number("8000".into()))
        );
        assert_eq!(
            parse_value("-0.5", Type::Number),
            Some(Value::Number("-0.5".into()))
        );
        assert_eq!(parse_value("8k", Type::Number), None);
        assert_eq!(parse_value("1e5", Type::Number), None);
        assert_eq!(parse_value("2025-02-30", Type::Date), None);
        assert_eq!(parse_value("yes", Type::Bool), None);
        assert_eq!(
            parse_value("north", Type::Text),
            Some(Value::Text("north".into()))
        );
    }

    #[test]
    fn overrides_with_a_data_extension_are_files() {
        assert!(matches!(
            override_location("x/orders.csv.gz"),
            Location::File {
                format: FileFormat::Csv,
                ..
            }
        ));
        assert_eq!(
            override_location("orders_2024"),
            Location::Table("orders_2024".into())
        );
    }
}
