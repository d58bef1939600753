//! The snapshot of a test case: the wide table as text a person reads and
//! a reviewer diffs. One block per customer, one line per column:
//!
//! ```text
//! customer 17
//!   frequency = 12
//!   tier      = "A"
//!   tags      = ["high_spender"]
//! ```
//!
//! Values are JSON (strings quoted, so `"12"` and `12` differ), `missing`
//! for a missing value. A change to one customer's one column is a change
//! to one line.

use std::collections::BTreeMap;
use std::fmt::Write;

/// The wide table: column names (the key first) and rows in key order,
/// each value as JSON text (`None`: missing).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Option<String>>>,
}

const MISSING: &str = "missing";

const HEADER: &str = "# seg test snapshot: the wide table, one block per customer.\n\
# `seg test --accept` rewrites it; review a change like a change to the rules.\n";

/// The snapshot text of a table.
pub fn render(table: &Table) -> String {
    let width = table
        .columns
        .iter()
        .skip(1)
        .map(|c| unicode_width::UnicodeWidthStr::width(c.as_str()))
        .max()
        .unwrap_or(0);
    let mut out = String::from(HEADER);
    for row in &table.rows {
        let key = row.first().cloned().flatten();
        let _ = write!(out, "\ncustomer {}\n", key.as_deref().unwrap_or(MISSING));
        for (column, value) in table.columns.iter().zip(row).skip(1) {
            let pad = width - unicode_width::UnicodeWidthStr::width(column.as_str());
            let value = value.as_deref().unwrap_or(MISSING);
            let _ = writeln!(out, "  {column}{} = {value}", " ".repeat(pad));
        }
    }
    out
}

/// One customer's values by column, as a snapshot holds them.
pub type Customers = BTreeMap<String, BTreeMap<String, String>>;

/// Reads a snapshot back: customer key → column → value. Lines it does not
/// understand are an error with their number, so a hand edit gone wrong
/// is not silently read as "no such customer".
pub fn parse(text: &str) -> Result<(Vec<String>, Customers), String> {
    let mut order = Vec::new();
    let mut customers = Customers::new();
    let mut current: Option<String> = None;
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if let Some(key) = line.strip_prefix("customer ") {
            let key = key.trim().to_string();
            order.push(key.clone());
            customers.entry(key.clone()).or_default();
            current = Some(key);
        } else if let (Some(key), Some((column, value))) = (&current, trimmed.split_once(" = ")) {
            let values = customers.entry(key.clone()).or_default();
            values.insert(column.trim_end().to_string(), value.to_string());
        } else {
            return Err(format!(
                "line {}: expected `customer <key>` or `  <column> = <value>`, found `{trimmed}`",
                n + 1
            ));
        }
    }
    Ok((order, customers))
}

/// A table's values as a snapshot holds them: customer key → column → value.
fn by_customer(table: &Table) -> Customers {
    let text = |v: &Option<String>| v.clone().unwrap_or_else(|| MISSING.into());
    table
        .rows
        .iter()
        .map(|row| {
            let key = row.first().map(text).unwrap_or_else(|| MISSING.into());
            let values = table.columns.iter().zip(row).skip(1);
            (key, values.map(|(c, v)| (c.clone(), text(v))).collect())
        })
        .collect()
}

/// What differs between a stored snapshot and a new table.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A customer's column has another value.
    Value {
        customer: String,
        column: String,
        old: String,
        new: String,
    },
    /// A customer only the new table has.
    Added { customer: String },
    /// A customer only the snapshot has.
    Removed { customer: String },
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Change::Value {
                customer,
                column,
                old,
                new,
            } => write!(f, "customer {customer}: {column} {old} → {new}"),
            Change::Added { customer } => write!(f, "customer {customer}: new"),
            Change::Removed { customer } => write!(f, "customer {customer}: gone"),
        }
    }
}

/// Every change from `old` (a stored snapshot) to `new`, in the new
/// table's customer order, then the customers gone. A column one side
/// lacks reads as `missing` there.
pub fn diff(old: &Customers, new: &Table) -> Vec<Change> {
    let mut changes = Vec::new();
    let current = by_customer(new);
    let new_order = new.rows.iter().map(|row| {
        row.first()
            .cloned()
            .flatten()
            .unwrap_or_else(|| MISSING.into())
    });
    for customer in new_order {
        let Some(before) = old.get(&customer) else {
            changes.push(Change::Added { customer });
            continue;
        };
        let after = &current[&customer];
        let columns: std::collections::BTreeSet<&String> =
            before.keys().chain(after.keys()).collect();
        for column in new
            .columns
            .iter()
            .filter(|c| columns.contains(c))
            .chain(before.keys().filter(|c| !new.columns.contains(c)))
        {
            let value = |side: &BTreeMap<String, String>| {
                side.get(column).cloned().unwrap_or_else(|| MISSING.into())
            };
            let (old, new) = (value(before), value(after));
            if old != new {
                changes.push(Change::Value {
                    customer: customer.clone(),
                    column: column.clone(),
                    old,
                    new,
                });
            }
        }
    }
    for customer in old.keys().filter(|c| !current.contains_key(*c)) {
        changes.push(Change::Removed {
            customer: customer.clone(),
        });
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[[&str; 3]]) -> Table {
        Table {
            columns: vec!["id".into(), "tier".into(), "frequency".into()],
            rows: rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|v| (*v != "-").then(|| v.to_string()))
                        .collect()
                })
                .collect(),
        }
    }

    #[test]
    fn renders_one_block_per_customer_with_aligned_columns() {
        let text = render(&table(&[["1", "\"A\"", "12"], ["2", "-", "0"]]));
        assert_eq!(
            text.split_once("\n\n").unwrap().1,
            "customer 1\n  tier      = \"A\"\n  frequency = 12\n\
             \ncustomer 2\n  tier      = missing\n  frequency = 0\n"
        );
    }

    #[test]
    fn a_rendered_table_parses_back() {
        let t = table(&[["1", "\"A\"", "12"], ["2", "-", "0"]]);
        let (order, customers) = parse(&render(&t)).unwrap();
        assert_eq!(order, ["1", "2"]);
        assert_eq!(customers["2"]["tier"], "missing");
        assert!(diff(&customers, &t).is_empty());
    }

    #[test]
    fn diff_names_customer_column_and_both_values() {
        let (_, old) = parse(&render(&table(&[["1", "\"B\"", "5"], ["3", "\"C\"", "1"]]))).unwrap();
        let new = table(&[["1", "\"A\"", "5"], ["2", "\"C\"", "0"]]);
        let changes: Vec<String> = diff(&old, &new).iter().map(|c| c.to_string()).collect();
        assert_eq!(
            changes,
            [
                "customer 1: tier \"B\" → \"A\"",
                "customer 2: new",
                "customer 3: gone"
            ]
        );
    }

    #[test]
    fn a_column_only_one_side_has_reads_as_missing_on_the_other() {
        let (_, old) = parse("customer 1\n  tier = \"A\"\n  gone_metric = 3\n").unwrap();
        let new = Table {
            columns: vec!["id".into(), "tier".into(), "clv".into()],
            rows: vec![vec![
                Some("1".into()),
                Some("\"A\"".into()),
                Some("9.5".into()),
            ]],
        };
        let changes: Vec<String> = diff(&old, &new).iter().map(|c| c.to_string()).collect();
        assert_eq!(
            changes,
            [
                "customer 1: clv missing → 9.5",
                "customer 1: gone_metric 3 → missing"
            ]
        );
    }

    #[test]
    fn a_line_that_is_not_a_snapshot_line_is_an_error_with_its_number() {
        let e = parse("customer 1\n  tier = \"A\"\ntier: A\n").unwrap_err();
        assert!(e.starts_with("line 3:"), "{e}");
    }
}
