//! What differs between SQL engines, as a few small questions with default
//! (ANSI, mostly DuckDB) answers. Each engine's SQL is printed from seg's
//! own tree through these hooks; no dialect rewrites another's text.
//!
//! Three kinds of hook: leaf hooks (quoting, type names, functions spelled
//! differently), statement hooks (scratch tables, replacing a table, the
//! run log's parameters) and capability flags the run loop reads.

mod duckdb;
mod spark;

pub use duckdb::DuckDb;
pub use spark::{Spark, TableFormat};

use jiff::civil::Date;

use super::compute::Ranks;
use super::quote;
use crate::semantic::ir::{FileFormat, ReadOptions, SinceUnit, TimeUnit};

/// What an engine can do, read by the run loop and the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// A run is one transaction: published tables are replaced in place
    /// inside it. Without, new versions are written under staging names
    /// and swapped in as the last step ([`staged`]).
    pub transactions: bool,
    /// `UPDATE ... FROM`, which the membership history is brought up to
    /// date with. Without it the history tables exist (the since-dates read
    /// them) but a run does not write them.
    pub update: bool,
    /// `COPY ... TO` a file; without it the engine fetches the rows and
    /// seg writes the file.
    pub copy_to_file: bool,
    /// How scores rank the customers: by windows over them, or, where a
    /// window without `PARTITION BY` runs in one task, from a count per
    /// distinct value.
    pub ranks: Ranks,
}

/// The name a table's new version is written under, on an engine without
/// transactions, until it is swapped in.
pub fn staged(table: &str) -> String {
    format!("seg$new${table}")
}

pub trait Dialect {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            transactions: true,
            update: true,
            copy_to_file: true,
            ranks: Ranks::Windows,
        }
    }

    /// A type name of seg's SQL (DuckDB's spelling: `VARCHAR`, `INTEGER`,
    /// `VARCHAR[]`, ...) in this engine's spelling.
    fn type_name(&self, ty: &str) -> String {
        ty.to_string()
    }

    /// A function of seg's SQL (DuckDB's name) by this engine's name.
    fn function(&self, name: &'static str) -> &'static str {
        name
    }

    /// Printed after every `ORDER BY` item, in queries and windows: the
    /// language sorts missing values last whatever the direction. DuckDB
    /// does so by default (`NULLS LAST` for ascending and descending), so
    /// its text leaves it out.
    fn nulls_last(&self) -> &'static str {
        ""
    }

    /// `round(value, digits)` as DuckDB rounds: half away from zero on the
    /// binary value of a double (2.675 is 2.67), exactly on a decimal.
    fn round(&self, value: &str, digits: &str) -> String {
        format!("round({value}, {digits})")
    }

    /// What follows a CTE's name when it must be computed once.
    fn materialized_cte(&self) -> &'static str {
        " AS MATERIALIZED ("
    }

    /// The `n`th (from 1) bound parameter of a statement.
    fn parameter(&self, n: usize) -> String {
        let _ = n;
        "?".to_string()
    }

    /// Creates (or replaces) the table `name` (quoted already) from the
    /// query that follows the returned text; `temp`: a scratch table of
    /// the run. May be more than one statement (`;` and a line break).
    fn create_table_as(&self, name: &str, temp: bool) -> String {
        if temp {
            format!("CREATE OR REPLACE TEMP TABLE {name} AS\n")
        } else {
            format!("CREATE OR REPLACE TABLE {name} AS\n")
        }
    }

    /// Creates the table `name` (quoted) from the query that follows, if
    /// it does not exist yet.
    fn create_table_if_missing_as(&self, name: &str) -> String {
        format!("CREATE TABLE IF NOT EXISTS {name} AS")
    }

    /// Creates (or replaces) an empty table with these `columns` (the text
    /// between the parentheses); `if_missing`: keeps one that exists.
    fn create_table(&self, name: &str, columns: &str, if_missing: bool) -> String {
        if if_missing {
            format!("CREATE TABLE IF NOT EXISTS {name} ({columns})")
        } else {
            format!("CREATE OR REPLACE TABLE {name} ({columns})")
        }
    }

    /// Puts the new version of a published table (`staged`, quoted) in
    /// place of the previous one (`table`), on an engine without
    /// transactions.
    fn swap_in(&self, table: &str, staged: &str) -> String {
        format!("DROP TABLE IF EXISTS {table};\nALTER TABLE {staged} RENAME TO {table}")
    }

    /// Adds a column to a table if it has none of that name (quoted name,
    /// type); `None`: the engine cannot, and the table keeps its columns.
    fn add_column(&self, table: &str, column: &str, ty: &str) -> Option<String> {
        Some(format!(
            "ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {ty}"
        ))
    }

    /// The rows of a list of records given as a JSON text literal (quoted
    /// already), one column per field, as a relation.
    fn records_relation(&self, json: &str, fields: &[(&str, &str)]) -> String {
        format!(
            "(SELECT unnest(CAST(CAST({json} AS JSON) AS {}), recursive := true))",
            self.records_type(fields)
        )
    }

    fn identifier(&self, name: &str) -> String {
        quote::identifier(name)
    }

    fn string(&self, text: &str) -> String {
        quote::string(text)
    }

    fn date(&self, date: Date) -> String {
        format!("DATE {}", quote::string(&date.to_string()))
    }

    /// A relation reading a data file, text files as `read` says (the
    /// checker gives read options only to CSV and TSV files).
    fn read_file(&self, path: &str, format: FileFormat, read: &ReadOptions) -> String;

    /// Whole days / months / years from `from` to `to` (both dates).
    fn since(&self, unit: SinceUnit, from: &str, to: &str) -> String;

    /// A length of time to add to a date or timestamp.
    fn interval(&self, amount: u64, unit: TimeUnit) -> String {
        let unit = match unit {
            TimeUnit::Day => "DAY",
            TimeUnit::Week => "WEEK",
            TimeUnit::Month => "MONTH",
            TimeUnit::Year => "YEAR",
        };
        format!("INTERVAL {amount} {unit}")
    }

    /// The integer division operator (rounding toward zero on positives).
    fn integer_division(&self) -> &'static str;

    /// The aggregate continuous percentile of `input` over the rows of a
    /// group (standard SQL's `percentile_cont ... WITHIN GROUP`).
    fn percentile(&self, input: &str, fraction: &str) -> String {
        format!("percentile_cont({fraction}) WITHIN GROUP (ORDER BY {input})")
    }

    /// A relation with its timestamp-with-time-zone `columns` (quoted
    /// already) turned into plain UTC timestamps.
    fn without_zones(&self, relation: &str, columns: &[String]) -> String;

    /// The most frequent value of `column` in a group, ties going to the
    /// smallest value, over the rows where `filter` holds (all without one).
    fn mode(&self, column: &str, filter: Option<&str>) -> String;

    /// The value of `column` in the group's row with the smallest `order`
    /// (the largest when `latest`), ties going to the smallest value, over
    /// the rows where `filter` holds.
    fn first_by(&self, column: &str, order: &str, latest: bool, filter: Option<&str>) -> String;

    /// Whether `/` of two decimals gives a decimal here (its quotient
    /// rounded to a few places, as on Spark), so the dividend is cast to a
    /// double first: seg's `/` is DuckDB's, a division of doubles.
    fn divides_decimals_as_decimals(&self) -> bool {
        false
    }

    /// A decimal type exact enough for money and counts alike, to sum
    /// floating-point columns in an order-independent way.
    fn exact_decimal(&self) -> &'static str {
        "DECIMAL(38, 10)"
    }

    /// A customer's tags as a list, in order: each `(holds, name)` of the
    /// rule-made tags whose condition holds (or that `manual` holds, a
    /// hand-assigned tag of a rule tag's name being that tag), then the
    /// other names of `manual`, a sorted list without duplicates (empty
    /// when the customer has none). `name`s are quoted already.
    fn tag_list(&self, rule_tags: &[(String, String)], manual: Option<&str>) -> String;

    /// The elements of a list, one row each (in a select list, keeping the
    /// list's order).
    fn unnest(&self, list: &str) -> String;

    /// An aggregate: the distinct values of a text expression over the
    /// rows of a group where `filter` holds, sorted, as a list.
    fn text_set(&self, text: &str, filter: Option<&str>) -> String;

    /// The sorted union of such lists.
    fn text_set_union(&self, lists: &[String]) -> String;

    /// An empty list of text values.
    fn empty_text_list(&self) -> &'static str;

    /// The type of a list of records with these fields (name, type).
    fn records_type(&self, fields: &[(&str, &str)]) -> String;

    /// A list of records read from the `n`th bound parameter, holding JSON.
    fn records_parameter(&self, n: usize, fields: &[(&str, &str)]) -> String;

    /// Copies a table to a file, as CSV with a header line or as Parquet.
    fn copy_to_file(&self, table: &str, path: &str, csv: bool) -> String;

    /// A number in (0, 1) drawn from a hash of a text: the same text gives
    /// the same number (kmeans seeding). DuckDB's 64-bit `hash`, its top
    /// 53 bits as a fraction; another engine names its own hash.
    fn unit_hash(&self, text: &str) -> String {
        format!("((CAST(hash({text}) >> 11 AS DOUBLE) + 0.5) / 9007199254740992.0)")
    }
}
