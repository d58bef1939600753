//! DuckDB, the embedded default: every hook answered as DuckDB spells it.

use super::Dialect;
use crate::semantic::ir::{ColumnKind, FileFormat, ReadOptions, SinceUnit};
use crate::sql::quote;

/// The embedded default.
pub struct DuckDb;

impl Dialect for DuckDb {
    fn read_file(&self, path: &str, format: FileFormat, read: &ReadOptions) -> String {
        // Files matched by a glob may differ in their columns: match them
        // up by name, a column missing from a file reading as NULL.
        let mut options = if path.contains(['*', '?', '[']) {
            ", union_by_name = true".to_string()
        } else {
            String::new()
        };
        if format.is_text() {
            options.push_str(&csv_options(read));
        }
        let path = quote::string(path);
        let tab = if read.delimiter.is_none() {
            ", delim = '\\t'"
        } else {
            ""
        };
        match format {
            FileFormat::Csv => format!("read_csv({path}{options})"),
            FileFormat::Tsv => format!("read_csv({path}{tab}{options})"),
            FileFormat::Parquet => format!("read_parquet({path}{options})"),
            FileFormat::Json => format!("read_json({path}{options})"),
        }
    }

    fn since(&self, unit: SinceUnit, from: &str, to: &str) -> String {
        // `date_sub` counts whole periods (a birthday not yet reached this
        // year does not count); `-` on dates gives days.
        match unit {
            SinceUnit::Day => format!("({to} - {from})"),
            SinceUnit::Month => format!("date_sub('month', {from}, {to})"),
            SinceUnit::Year => format!("date_sub('year', {from}, {to})"),
        }
    }

    fn integer_division(&self) -> &'static str {
        "//"
    }

    fn percentile(&self, input: &str, fraction: &str) -> String {
        format!("quantile_cont({input}, {fraction})")
    }

    fn without_zones(&self, relation: &str, columns: &[String]) -> String {
        let casts: Vec<String> = columns
            .iter()
            .map(|c| format!("CAST({c} AS TIMESTAMP) AS {c}"))
            .collect();
        format!("(SELECT * REPLACE ({}) FROM {relation})", casts.join(", "))
    }

    fn mode(&self, column: &str, filter: Option<&str>) -> String {
        // DuckDB's `mode` keeps the first value seen among equally frequent
        // ones; feeding the values in order makes that the smallest.
        let filter = filter.map_or(String::new(), |f| format!(" FILTER (WHERE {f})"));
        format!("mode({column} ORDER BY {column}){filter}")
    }

    fn first_by(&self, column: &str, order: &str, latest: bool, filter: Option<&str>) -> String {
        // An ordered aggregate: `first` of the values sorted by time, then
        // by value, so equal times give the smallest value.
        let direction = if latest { " DESC" } else { "" };
        let filter = filter.map_or(String::new(), |f| format!(" FILTER (WHERE {f})"));
        format!("first({column} ORDER BY {order}{direction}, {column}){filter}")
    }

    fn tag_list(&self, rule_tags: &[(String, String)], manual: Option<&str>) -> String {
        let holds = |condition: &str, name: &str| match &manual {
            Some(m) => format!("{condition} OR list_contains({m}, {name})"),
            None => condition.to_string(),
        };
        let names: Vec<&str> = rule_tags.iter().map(|(_, name)| name.as_str()).collect();
        let made = (!rule_tags.is_empty()).then(|| {
            let items: Vec<String> = rule_tags
                .iter()
                .map(|(c, name)| format!("CASE WHEN {} THEN {name} END", holds(c, name)))
                .collect();
            format!(
                "list_filter([{}], lambda t: t IS NOT NULL)",
                items.join(", ")
            )
        });
        let extra = manual.map(|m| {
            if names.is_empty() {
                m.to_string()
            } else {
                format!(
                    "list_filter({m}, lambda t: t NOT IN ({}))",
                    names.join(", ")
                )
            }
        });
        match (made, extra) {
            (Some(made), Some(extra)) => format!("list_concat({made}, {extra})"),
            (Some(list), None) | (None, Some(list)) => list,
            (None, None) => self.empty_text_list().to_string(),
        }
    }

    fn empty_text_list(&self) -> &'static str {
        "CAST([] AS VARCHAR[])"
    }

    fn unnest(&self, list: &str) -> String {
        format!("unnest({list})")
    }

    fn text_set(&self, text: &str, filter: Option<&str>) -> String {
        let filter = filter.map_or(String::new(), |f| format!(" FILTER (WHERE {f})"));
        format!("list_sort(list(DISTINCT {text}){filter})")
    }

    fn text_set_union(&self, lists: &[String]) -> String {
        format!("list_sort(list_distinct(flatten([{}])))", lists.join(", "))
    }

    fn records_type(&self, fields: &[(&str, &str)]) -> String {
        let fields: Vec<String> = fields
            .iter()
            .map(|(name, ty)| format!("{} {ty}", quote::identifier(name)))
            .collect();
        format!("STRUCT({})[]", fields.join(", "))
    }

    fn records_parameter(&self, n: usize, fields: &[(&str, &str)]) -> String {
        let _ = n;
        format!("CAST(CAST(? AS JSON) AS {})", self.records_type(fields))
    }

    fn copy_to_file(&self, table: &str, path: &str, csv: bool) -> String {
        let format = if csv {
            "FORMAT csv, HEADER true"
        } else {
            "FORMAT parquet"
        };
        format!(
            "COPY {} TO {} ({format})",
            quote::identifier(table),
            quote::string(path)
        )
    }
}

/// `read_csv`'s parameters for a source's read options, each with a leading
/// comma; empty when none is set.
fn csv_options(read: &ReadOptions) -> String {
    let mut out = String::new();
    let mut text = |name: &str, value: &Option<String>| {
        if let Some(value) = value {
            out.push_str(&format!(", {name} = {}", quote::string(value)));
        }
    };
    text("delim", &read.delimiter);
    text("nullstr", &read.null);
    text("dateformat", &read.date_format);
    text("timestampformat", &read.timestamp_format);
    text("encoding", &read.encoding);
    if let Some(header) = read.header {
        out.push_str(&format!(", header = {header}"));
    }
    if !read.names.is_empty() {
        let names: Vec<String> = read.names.iter().map(|n| quote::string(n)).collect();
        out.push_str(&format!(", names = [{}]", names.join(", ")));
    }
    if !read.types.is_empty() {
        let types: Vec<String> = read
            .types
            .iter()
            .map(|(name, kind)| format!("{}: '{}'", quote::string(name), duckdb_type(*kind)))
            .collect();
        out.push_str(&format!(", types = {{{}}}", types.join(", ")));
    }
    out
}

fn duckdb_type(kind: ColumnKind) -> &'static str {
    match kind {
        ColumnKind::Text => "VARCHAR",
        ColumnKind::Number => "DOUBLE",
        ColumnKind::Date => "DATE",
        ColumnKind::Timestamp => "TIMESTAMP",
        ColumnKind::Bool => "BOOLEAN",
    }
}
