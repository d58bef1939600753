//! Apache Spark SQL (4.1, through Spark Connect). What differs from DuckDB
//! was measured on seg's own script (`docs/spark.md`); the differences that
//! would give wrong answers silently are answered here first: identifiers
//! in backticks (`"x"` is a string in Spark), backslashes in strings
//! doubled (Spark reads escapes), `NULLS LAST` spelled out (Spark sorts
//! them first ascending), months between dates by the calendar, `round` as
//! DuckDB rounds a double, CSV globs matched by name or refused.

use super::{Capabilities, Dialect, Ranks};
use crate::semantic::ir::{FileFormat, ReadOptions, SinceUnit};

/// The format published and scratch tables are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TableFormat {
    /// Spark's built-in catalog: a table is replaced by dropping it and
    /// creating it again.
    #[default]
    Parquet,
    /// Delta Lake or Iceberg: `CREATE OR REPLACE TABLE`, atomic per table.
    Delta,
    Iceberg,
}

impl TableFormat {
    pub fn name(self) -> &'static str {
        match self {
            TableFormat::Parquet => "parquet",
            TableFormat::Delta => "delta",
            TableFormat::Iceberg => "iceberg",
        }
    }

    /// Whether `CREATE OR REPLACE TABLE` replaces a table in one step.
    pub fn replaces_atomically(self) -> bool {
        self != TableFormat::Parquet
    }
}

/// Spark SQL, its tables written in `format`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Spark {
    pub format: TableFormat,
}

impl Spark {
    fn replace_table(&self, name: &str) -> String {
        let using = self.format.name();
        if self.format.replaces_atomically() {
            format!("CREATE OR REPLACE TABLE {name} USING {using}")
        } else {
            format!("DROP TABLE IF EXISTS {name};\nCREATE TABLE {name} USING {using}")
        }
    }
}

/// One option of Spark's file readers, `'name' = 'value'`.
fn option(name: &str, value: &str) -> String {
    format!("{} = {}", string_literal(name), string_literal(value))
}

/// The options of Spark's CSV reader for a source's read options. The
/// column names and types of `columns (...)`/`types (...)` have no reader
/// option here: the Spark run refuses them (`engine/spark`).
fn csv_options(format: FileFormat, read: &ReadOptions) -> Vec<String> {
    let header = if read.header == Some(false) {
        "false"
    } else {
        "true"
    };
    let mut options = vec![option("header", header), option("inferSchema", "true")];
    match (&read.delimiter, format) {
        (Some(delimiter), _) => options.push(option("sep", delimiter)),
        (None, FileFormat::Tsv) => options.push(option("sep", "\t")),
        (None, _) => {}
    }
    if let Some(null) = &read.null {
        options.push(option("nullValue", null));
    }
    if let Some(f) = &read.date_format {
        options.push(option("dateFormat", &java_pattern(f)));
    }
    if let Some(f) = &read.timestamp_format {
        options.push(option("timestampFormat", &java_pattern(f)));
    }
    if let Some(encoding) = &read.encoding {
        let java = match encoding.as_str() {
            "latin-1" => "ISO-8859-1",
            "utf-16" => "UTF-16",
            _ => "UTF-8",
        };
        options.push(option("encoding", java));
    }
    options
}

/// A strftime format (what seg's `date format` takes, as DuckDB reads it)
/// as the Java date-time pattern Spark's readers take: each directive by
/// its pattern letters, every other character quoted as text.
fn java_pattern(strftime: &str) -> String {
    let mut out = String::new();
    let mut chars = strftime.chars();
    let mut literal = String::new();
    let flush = |out: &mut String, literal: &mut String| {
        if !literal.is_empty() {
            out.push('\'');
            out.push_str(&literal.replace('\'', "''"));
            out.push('\'');
            literal.clear();
        }
    };
    while let Some(c) = chars.next() {
        let letters = match c {
            '%' => match chars.next() {
                Some('Y') => "yyyy",
                Some('y') => "yy",
                Some('m') => "MM",
                Some('-' | '#') => match chars.next() {
                    Some('m') => "M",
                    Some('d') => "d",
                    Some('H') => "H",
                    _ => "",
                },
                Some('d') => "dd",
                Some('e') => "d",
                Some('H') => "HH",
                Some('I') => "hh",
                Some('M') => "mm",
                Some('S') => "ss",
                Some('f') => "SSSSSS",
                Some('p') => "a",
                Some('b') => "MMM",
                Some('B') => "MMMM",
                Some('a') => "EEE",
                Some('A') => "EEEE",
                Some('j') => "DDD",
                Some('z') => "XX",
                Some('%') => {
                    literal.push('%');
                    continue;
                }
                _ => "",
            },
            c if c.is_ascii_alphabetic() || c == '\'' => {
                literal.push(c);
                continue;
            }
            c => {
                flush(&mut out, &mut literal);
                out.push(c);
                continue;
            }
        };
        flush(&mut out, &mut literal);
        out.push_str(letters);
    }
    flush(&mut out, &mut literal);
    out
}

/// seg's own names (`seg$base`, `seg$new$seg_customers`, ...) with `__`
/// for `$`: Spark's session catalog refuses `$` in a table's name
/// (INVALID_SCHEMA_OR_RELATION_NAME, Spark 4.1.1). Every name goes through
/// here, so a table and the references to it stay the same name. (A
/// source column quoted as `"seg$..."` would be renamed too: on Spark
/// such a column is not found, which seg's own prefix is worth.)
fn spark_name(name: &str) -> std::borrow::Cow<'_, str> {
    match name.strip_prefix("seg$") {
        Some(rest) => format!("seg__{}", rest.replace('$', "__")).into(),
        None => name.into(),
    }
}

/// A backquoted identifier, with `` ` `` doubled.
fn backquoted(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    out.push('`');
    for c in name.chars() {
        match c {
            '`' => out.push_str("``"),
            '\0' => out.push('\u{FFFD}'),
            // A statement ends at `;` and a line break (the engine splits a
            // script there): no name may hold a line break.
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('`');
    out
}

/// A string literal: Spark reads backslash escapes, so `\` and `'` are
/// escaped with one, and line breaks are written as escapes (no literal
/// holds a line break, so a script splits safely at `;` + line break).
fn string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

fn filter_clause(filter: Option<&str>) -> String {
    filter.map_or(String::new(), |f| format!(" FILTER (WHERE {f})"))
}

/// Whole months from `f` to `t` by the calendar, as DuckDB's `date_sub`
/// counts them (a month whose day is not reached yet does not count, unless
/// `t` is the last day of its month). `timestampdiff` and `months_between`
/// differ from it on some pairs; this matched on 3000 (docs/spark.md).
fn calendar_months(f: &str, t: &str) -> String {
    format!(
        "CASE WHEN {f} <= {t} \
         THEN (year({t}) * 12 + month({t})) - (year({f}) * 12 + month({f})) \
         - CASE WHEN day({t}) < day({f}) AND {t} <> last_day({t}) THEN 1 ELSE 0 END \
         ELSE -((year({f}) * 12 + month({f})) - (year({t}) * 12 + month({t})) \
         - CASE WHEN day({f}) < day({t}) AND {f} <> last_day({f}) THEN 1 ELSE 0 END) END"
    )
}

impl Dialect for Spark {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            transactions: false,
            update: false,
            copy_to_file: false,
            // Spark runs a window without `PARTITION BY` in one task.
            ranks: Ranks::Counts,
        }
    }

    fn identifier(&self, name: &str) -> String {
        backquoted(&spark_name(name))
    }

    /// `(days + 30) / 365.25` is `INT / DECIMAL(5, 2)` on Spark, a decimal
    /// rounded to 6 places (0.202601 where DuckDB has 0.2026009582...).
    fn divides_decimals_as_decimals(&self) -> bool {
        true
    }

    fn string(&self, text: &str) -> String {
        string_literal(text)
    }

    fn type_name(&self, ty: &str) -> String {
        let ty = ty.trim();
        if let Some(element) = ty.strip_suffix("[]") {
            return format!("ARRAY<{}>", self.type_name(element));
        }
        match ty {
            "VARCHAR" | "TEXT" => "STRING".into(),
            "INTEGER" => "INT".into(),
            // A primary key is DuckDB's guard; Spark has none.
            "BIGINT PRIMARY KEY" => "BIGINT".into(),
            other => other.to_string(),
        }
    }

    fn function(&self, name: &'static str) -> &'static str {
        match name {
            "list_contains" => "array_contains",
            "list_sort" => "array_sort",
            "list_slice" => "slice",
            other => other,
        }
    }

    fn nulls_last(&self) -> &'static str {
        " NULLS LAST"
    }

    fn round(&self, value: &str, digits: &str) -> String {
        // Spark rounds the decimal representation of a double (2.675 is
        // 2.68); scaling first rounds the binary value, as DuckDB does, and
        // is exact on decimals. Negative digits round the same in both.
        match digits.parse::<u32>() {
            Ok(d) if d > 0 => {
                let scale = format!("1{}", "0".repeat(d as usize));
                // Parenthesised both ways: `value` may be `a - b`, and the
                // quotient is an operand of whatever holds the call.
                format!("(round(({value}) * {scale}, 0) / {scale})")
            }
            _ => format!("round({value}, {digits})"),
        }
    }

    fn materialized_cte(&self) -> &'static str {
        // Spark has no such hint: a CTE read twice may be computed twice,
        // with the same result.
        " AS ("
    }

    fn parameter(&self, n: usize) -> String {
        // Named: Spark 4.1 binds five or more `?` out of order (SPARK-58341).
        format!(":p{n}")
    }

    fn create_table_as(&self, name: &str, temp: bool) -> String {
        // Temporary views would expand the whole chain of CTEs at every
        // use; scratch tables are written once, like published ones.
        let _ = temp;
        format!("{} AS\n", self.replace_table(name))
    }

    fn create_table_if_missing_as(&self, name: &str) -> String {
        format!(
            "CREATE TABLE IF NOT EXISTS {name} USING {} AS",
            self.format.name()
        )
    }

    fn create_table(&self, name: &str, columns: &str, if_missing: bool) -> String {
        let using = self.format.name();
        if if_missing {
            format!("CREATE TABLE IF NOT EXISTS {name} ({columns}) USING {using}")
        } else if self.format.replaces_atomically() {
            format!("CREATE OR REPLACE TABLE {name} ({columns}) USING {using}")
        } else {
            format!("DROP TABLE IF EXISTS {name};\nCREATE TABLE {name} ({columns}) USING {using}")
        }
    }

    fn swap_in(&self, table: &str, staged: &str) -> String {
        if self.format.replaces_atomically() {
            // One commit of the table's log: readers see the old version or
            // the new one.
            format!(
                "CREATE OR REPLACE TABLE {table} USING {} AS SELECT * FROM {staged};\n\
                 DROP TABLE IF EXISTS {staged}",
                self.format.name()
            )
        } else {
            // The built-in catalog cannot replace a table: between the drop
            // and the rename (milliseconds, metadata only) the table is
            // missing.
            format!("DROP TABLE IF EXISTS {table};\nALTER TABLE {staged} RENAME TO {table}")
        }
    }

    fn add_column(&self, table: &str, column: &str, ty: &str) -> Option<String> {
        // Spark has no `ADD COLUMN IF NOT EXISTS`; a run log written by
        // Spark has every column from its first run.
        let _ = (table, column, ty);
        None
    }

    fn records_relation(&self, json: &str, fields: &[(&str, &str)]) -> String {
        format!(
            "(SELECT inline(from_json({json}, {})))",
            string_literal(&self.records_type(fields))
        )
    }

    fn read_file(&self, path: &str, format: FileFormat, read: &ReadOptions) -> String {
        // Files matched by a glob are matched up by position in CSV: with
        // the schema not enforced, files whose headers differ fail loudly
        // instead of shifting columns. Parquet files merge their schemas.
        let globbed = path.contains(['*', '?', '[']);
        let path_name = backquoted(path);
        let mut options = Vec::new();
        match format {
            FileFormat::Csv | FileFormat::Tsv => {
                options.extend(csv_options(format, read));
                if globbed {
                    options.push(option("enforceSchema", "false"));
                }
            }
            FileFormat::Parquet if globbed => options.push(option("mergeSchema", "true")),
            FileFormat::Parquet | FileFormat::Json => {}
        }
        let reader = match format {
            FileFormat::Csv | FileFormat::Tsv => "csv",
            FileFormat::Parquet => "parquet",
            FileFormat::Json => "json",
        };
        if options.is_empty() {
            format!("{reader}.{path_name}")
        } else {
            format!("{reader}.{path_name} WITH ({})", options.join(", "))
        }
    }

    fn since(&self, unit: SinceUnit, from: &str, to: &str) -> String {
        match unit {
            SinceUnit::Day => format!("datediff({to}, {from})"),
            SinceUnit::Month => format!("({})", calendar_months(from, to)),
            SinceUnit::Year => format!("({}) div 12", calendar_months(from, to)),
        }
    }

    fn integer_division(&self) -> &'static str {
        "div"
    }

    fn without_zones(&self, relation: &str, columns: &[String]) -> String {
        // The session's time zone is UTC (the engine sets it): zoned
        // timestamps already read as UTC timestamps.
        let _ = columns;
        relation.to_string()
    }

    fn mode(&self, column: &str, filter: Option<&str>) -> String {
        // Deterministic: the lowest of equally frequent values.
        format!("mode({column}, true){}", filter_clause(filter))
    }

    fn first_by(&self, column: &str, order: &str, latest: bool, filter: Option<&str>) -> String {
        // The smallest of (order, value), missing ones last, as DuckDB's
        // `first(... ORDER BY order, value)`; the latest time first by its
        // negated microseconds (a date or a timestamp alike).
        let order = if latest {
            format!("-unix_micros(CAST({order} AS TIMESTAMP))")
        } else {
            order.to_string()
        };
        format!(
            "min_by({column}, struct({order} IS NULL, {order}, {column} IS NULL, {column})){}",
            filter_clause(filter)
        )
    }

    fn tag_list(&self, rule_tags: &[(String, String)], manual: Option<&str>) -> String {
        let holds = |condition: &str, name: &str| match &manual {
            Some(m) => format!("{condition} OR array_contains({m}, {name})"),
            None => condition.to_string(),
        };
        let names: Vec<&str> = rule_tags.iter().map(|(_, name)| name.as_str()).collect();
        let made = (!rule_tags.is_empty()).then(|| {
            let items: Vec<String> = rule_tags
                .iter()
                .map(|(c, name)| format!("CASE WHEN {} THEN {name} END", holds(c, name)))
                .collect();
            format!("filter(array({}), t -> t IS NOT NULL)", items.join(", "))
        });
        let extra = manual.map(|m| {
            if names.is_empty() {
                m.to_string()
            } else {
                format!("filter({m}, t -> NOT t IN ({}))", names.join(", "))
            }
        });
        match (made, extra) {
            (Some(made), Some(extra)) => format!("concat({made}, {extra})"),
            (Some(list), None) | (None, Some(list)) => list,
            (None, None) => self.empty_text_list().to_string(),
        }
    }

    fn empty_text_list(&self) -> &'static str {
        "CAST(array() AS ARRAY<STRING>)"
    }

    fn unnest(&self, list: &str) -> String {
        format!("explode({list})")
    }

    fn text_set(&self, text: &str, filter: Option<&str>) -> String {
        format!("array_sort(collect_set({text}){})", filter_clause(filter))
    }

    fn text_set_union(&self, lists: &[String]) -> String {
        format!(
            "array_sort(array_distinct(flatten(array({}))))",
            lists.join(", ")
        )
    }

    fn records_type(&self, fields: &[(&str, &str)]) -> String {
        let fields: Vec<String> = fields
            .iter()
            .map(|(name, ty)| format!("{}: {}", backquoted(name), self.type_name(ty)))
            .collect();
        format!("ARRAY<STRUCT<{}>>", fields.join(", "))
    }

    fn records_parameter(&self, n: usize, fields: &[(&str, &str)]) -> String {
        format!(
            "from_json({}, {})",
            self.parameter(n),
            string_literal(&self.records_type(fields))
        )
    }

    fn copy_to_file(&self, table: &str, path: &str, csv: bool) -> String {
        // Spark writes no single local file: the engine fetches the rows
        // (`capabilities().copy_to_file` is false) and seg writes it.
        let _ = (path, csv);
        format!("SELECT * FROM {}", backquoted(table))
    }

    fn unit_hash(&self, text: &str) -> String {
        // Spark's `hash` is 32 bits (murmur3): its 64-bit one is `xxhash64`,
        // whose top 53 bits, read unsigned, make the fraction. The numbers
        // differ from DuckDB's (another hash); kmeans is refused on Spark
        // for now (`engine/spark`), this keeps the printed SQL sound.
        format!(
            "((CAST(shiftrightunsigned(xxhash64({text}), 11) AS DOUBLE) + 0.5) / 9007199254740992.0)"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_strings_cannot_be_broken_out_of() {
        assert_eq!(backquoted("tier"), "`tier`");
        assert_eq!(
            backquoted("a`; DROP TABLE x; --"),
            "`a``; DROP TABLE x; --`"
        );
        assert_eq!(backquoted("高价值客户"), "`高价值客户`");
        assert_eq!(string_literal("Can't"), "'Can\\'t'");
        assert_eq!(string_literal("back\\slash"), "'back\\\\slash'");
        // A backslash before the quote cannot escape the escape.
        assert_eq!(string_literal("x\\'); DROP"), "'x\\\\\\'); DROP'");
        assert_eq!(string_literal("two\nlines"), "'two\\nlines'");
    }

    #[test]
    fn strftime_formats_become_java_patterns() {
        assert_eq!(java_pattern("%d/%m/%Y"), "dd/MM/yyyy");
        assert_eq!(java_pattern("%Y-%m-%d %H:%M:%S"), "yyyy-MM-dd HH:mm:ss");
        assert_eq!(java_pattern("%d.%m.%y"), "dd.MM.yy");
        assert_eq!(java_pattern("%Y年%m月%d日"), "yyyy年MM月dd日");
        assert_eq!(java_pattern("%Y-%m-%dT%H:%M"), "yyyy-MM-dd'T'HH:mm");
        assert_eq!(java_pattern("%b %e, %Y"), "MMM d, yyyy");
    }

    #[test]
    fn read_options_become_spark_reader_options() {
        let read = ReadOptions {
            delimiter: Some(";".into()),
            header: Some(false),
            null: Some("N/A".into()),
            date_format: Some("%d/%m/%Y".into()),
            encoding: Some("latin-1".into()),
            ..ReadOptions::default()
        };
        assert_eq!(
            Spark::default().read_file("/d/o.csv", FileFormat::Csv, &read),
            "csv.`/d/o.csv` WITH ('header' = 'false', 'inferSchema' = 'true', 'sep' = ';', \
             'nullValue' = 'N/A', 'dateFormat' = 'dd/MM/yyyy', 'encoding' = 'ISO-8859-1')"
        );
    }

    #[test]
    fn types_take_spark_names() {
        let s = Spark::default();
        assert_eq!(s.type_name("VARCHAR"), "STRING");
        assert_eq!(s.type_name("VARCHAR[]"), "ARRAY<STRING>");
        assert_eq!(s.type_name("INTEGER"), "INT");
        assert_eq!(s.type_name("DECIMAL(38, 10)"), "DECIMAL(38, 10)");
    }

    #[test]
    fn rounding_scales_a_double_as_duckdb_rounds_it() {
        let s = Spark::default();
        assert_eq!(s.round("a - b", "2"), "(round((a - b) * 100, 0) / 100)");
        assert_eq!(s.round("x", "0"), "round(x, 0)");
        assert_eq!(s.round("x", "-2"), "round(x, -2)");
    }
}
