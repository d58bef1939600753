//! What differs between SQL engines, as a few small questions with default
//! (ANSI) answers. DuckDB is the first dialect; another engine answers the
//! same questions differently and nothing else in `sql/` changes.

use jiff::civil::Date;

use super::quote;
use crate::semantic::ir::{FileFormat, SinceUnit};

pub trait Dialect {
    fn name(&self) -> &'static str;

    fn identifier(&self, name: &str) -> String {
        quote::identifier(name)
    }

    fn string(&self, text: &str) -> String {
        quote::string(text)
    }

    fn date(&self, date: Date) -> String {
        format!("DATE {}", quote::string(&date.to_string()))
    }

    /// A relation reading a data file.
    fn read_file(&self, path: &str, format: FileFormat) -> String;

    /// Whole days / months / years from `from` to `to` (both dates).
    fn since(&self, unit: SinceUnit, from: &str, to: &str) -> String;

    /// The integer division operator (rounding toward zero on positives).
    fn integer_division(&self) -> &'static str;

    /// A continuous percentile of `input` over all rows (a window).
    fn percentile_over_all(&self, input: &str, fraction: &str) -> String {
        format!("percentile_cont({fraction}) WITHIN GROUP (ORDER BY {input}) OVER ()")
    }

    /// A relation with its timestamp-with-time-zone `columns` (quoted
    /// already) turned into plain UTC timestamps.
    fn without_zones(&self, relation: &str, columns: &[String]) -> String;

    /// An empty list of text values.
    fn empty_text_list(&self) -> &'static str;

    /// The most frequent value of `column` in a group, ties going to the
    /// smallest value; `filter` is a complete `FILTER (...)` clause or empty.
    fn mode(&self, column: &str, filter: &str) -> String;
}

/// The embedded default.
pub struct DuckDb;

impl Dialect for DuckDb {
    fn name(&self) -> &'static str {
        "duckdb"
    }

    fn read_file(&self, path: &str, format: FileFormat) -> String {
        // Files matched by a glob may differ in their columns: match them
        // up by name, a column missing from a file reading as NULL.
        let options = if path.contains(['*', '?', '[']) {
            ", union_by_name = true"
        } else {
            ""
        };
        let path = quote::string(path);
        match format {
            FileFormat::Csv => format!("read_csv({path}{options})"),
            FileFormat::Tsv => format!("read_csv({path}, delim = '\\t'{options})"),
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

    fn percentile_over_all(&self, input: &str, fraction: &str) -> String {
        format!("quantile_cont({input}, {fraction}) OVER ()")
    }

    fn without_zones(&self, relation: &str, columns: &[String]) -> String {
        let casts: Vec<String> = columns
            .iter()
            .map(|c| format!("CAST({c} AS TIMESTAMP) AS {c}"))
            .collect();
        format!("(SELECT * REPLACE ({}) FROM {relation})", casts.join(", "))
    }

    fn empty_text_list(&self) -> &'static str {
        "CAST([] AS VARCHAR[])"
    }

    fn mode(&self, column: &str, filter: &str) -> String {
        // DuckDB's `mode` keeps the first value seen among equally frequent
        // ones; feeding the values in order makes that the smallest.
        format!("mode({column} ORDER BY {column}){filter}")
    }
}
