//! Arrow values from Spark as text, the form the summaries and the
//! differential test read them in.

use arrow::array::Array;
use arrow::record_batch::RecordBatch;
use arrow::util::display::{ArrayFormatter, FormatOptions};

/// One value of a column as text, `None` for NULL. Lists print as
/// `[a, b]`, as DuckDB prints them.
pub fn cell_text(column: &dyn Array, row: usize) -> Option<String> {
    if column.is_null(row) {
        return None;
    }
    let options = FormatOptions::default();
    let formatter = ArrayFormatter::try_new(column, &options).ok()?;
    Some(formatter.value(row).to_string())
}

/// Every row of the batches, each value as text.
pub fn batches_text(batches: &[RecordBatch]) -> Vec<Vec<Option<String>>> {
    let mut rows = Vec::new();
    for batch in batches {
        for row in 0..batch.num_rows() {
            rows.push(
                batch
                    .columns()
                    .iter()
                    .map(|column| cell_text(column.as_ref(), row))
                    .collect(),
            );
        }
    }
    rows
}
