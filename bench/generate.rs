//! Generated rule sets of any size, for the front-end benchmark
//! (`bench/frontend.rs`) and the robustness tests (`tests/it/robustness.rs`).
//!
//! Each group of four statements is an aggregate with a filter and a time
//! window, two metrics computed from earlier ones and a tag, about 50 bytes
//! a statement: 60,000 statements make a 3 MB file, as a generated rule set
//! of a large shop would be.

use seg::semantic::ir::Location;
use seg::semantic::{Catalog, Column};

/// The sources a generated rule set starts from.
pub const SOURCES: &str = "\
source customers from \"customers.csv\" key customer_id
source orders from \"orders.csv\" by customer_id at ordered_at
as of 2025-06-30
";

/// A rule set of `n` statements (metrics and tags) after [`SOURCES`], plus
/// one segmentation over them.
pub fn rule_set(n: usize) -> String {
    rule_set_with_errors(n, usize::MAX)
}

/// The same, with a broken statement after every `every` statements: by
/// turns a syntax error and an unknown name, one error each (nothing uses
/// what they define).
pub fn rule_set_with_errors(n: usize, every: usize) -> String {
    let mut out = String::with_capacity(n * 56 + 256);
    out.push_str(SOURCES);
    for i in 0..n {
        out.push_str(&statement(i));
        out.push('\n');
        if i % every == every - 1 {
            out.push_str(&broken(i, i / every));
            out.push('\n');
        }
    }
    let last = n.saturating_sub(1) / 4 * 4;
    out.push_str(&format!(
        "tier A when m{last} > 100\ntier B when m{last} > 10\ntier C otherwise\n"
    ));
    out
}

fn broken(i: usize, k: usize) -> String {
    if k % 2 == 0 {
        format!("metric e{i} = m{} +", i / 4 * 4)
    } else {
        format!("metric e{i} = nothing_{i} * 2")
    }
}

fn statement(i: usize) -> String {
    let group = i / 4 * 4;
    match i % 4 {
        0 => format!(
            "metric m{i} = sum(orders.amount where status = \"paid\", last {} days)",
            1 + i % 365
        ),
        1 => format!("metric m{i} = m{group} * 2 + count(orders)"),
        2 => format!("metric m{i} = m{group} / (m{} + 1)", group + 1),
        _ => format!(
            "tag t{i} when m{} > {i} and region in (\"north\", \"east\")",
            group + 2
        ),
    }
}

/// The columns of the generated sources, as if read from real files.
pub struct Columns;

impl Catalog for Columns {
    fn columns(&self, location: &Location) -> Result<Vec<Column>, String> {
        let name = match location {
            Location::File { path, .. } => path.file_stem().unwrap().to_string_lossy().into_owned(),
            Location::Table(t) => t.clone(),
        };
        let columns: &[(&str, &str)] = match name.as_str() {
            "customers" => &[
                ("customer_id", "BIGINT"),
                ("name", "VARCHAR"),
                ("region", "VARCHAR"),
                ("signup_date", "DATE"),
                ("income", "BIGINT"),
                ("is_vip", "BOOLEAN"),
            ],
            "orders" => &[
                ("order_id", "BIGINT"),
                ("customer_id", "BIGINT"),
                ("ordered_at", "TIMESTAMP"),
                ("amount", "DECIMAL(10,2)"),
                ("status", "VARCHAR"),
                ("channel", "VARCHAR"),
                ("category", "VARCHAR"),
            ],
            _ => return Err(format!("no file `{name}`")),
        };
        Ok(columns
            .iter()
            .map(|(n, t)| Column {
                name: n.to_string(),
                sql_type: t.to_string(),
            })
            .collect())
    }
}
