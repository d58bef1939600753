//! A glob of text files as Spark's CSV reader takes it: the columns of one
//! file's header line, and every other file's values by position. DuckDB
//! reads a glob by column name (`union_by_name`), so files whose header
//! lines differ (a column added in June) would give other values on Spark,
//! silently. Such a glob is refused when the source is described.
//!
//! Only a glob on a path seg can list is compared (a server on this
//! machine, or a shared mount); a URL (`s3://...`) is read as written.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use globset::GlobBuilder;

use crate::semantic::ir::{FileFormat, Location, is_glob, pattern_reach};

/// Why a text-file glob cannot be read on Spark as it is on DuckDB: two of
/// its files whose header lines differ, named with their headers.
pub fn differing_headers(location: &Location) -> Option<String> {
    let Location::File { path, format, read } = location else {
        return None;
    };
    let pattern = path.to_string_lossy();
    let text_file = !matches!(format, FileFormat::Parquet);
    if !text_file || read.header == Some(false) || !is_glob(&pattern) || pattern.contains("://") {
        return None;
    }
    let matcher = GlobBuilder::new(&pattern)
        .literal_separator(true)
        .build()
        .ok()?
        .compile_matcher();
    let reach = pattern_reach(path);
    let mut files = Vec::new();
    list_files(&reach.fixed, depth_below(&pattern), &mut files);
    files.sort();
    let mut headers = files
        .into_iter()
        .filter(|f| matcher.is_match(f))
        .filter_map(|f| header_line(&f).map(|h| (f, h)));
    let (first, first_header) = headers.next()?;
    let (other, other_header) = headers.find(|(_, h)| *h != first_header)?;
    Some(format!(
        "the files of this glob do not share one header line: `{}` has `{first_header}`, \
         `{}` has `{other_header}`. Spark's CSV reader takes the columns of a glob from one \
         file and the other files' values by position (DuckDB by name), so it would read \
         other values; give every file the same header line, or run this rule set on \
         DuckDB (docs/spark.md)",
        shown(&first, &reach.fixed),
        shown(&other, &reach.fixed)
    ))
}

/// A matched file as the message names it: from the pattern's folder on
/// (the source's label shows the pattern).
fn shown(file: &Path, folder: &Path) -> String {
    file.strip_prefix(folder)
        .unwrap_or(file)
        .display()
        .to_string()
}

/// How many folder levels below its fixed part a pattern reaches: `None`
/// for `**`, which reaches every level.
fn depth_below(pattern: &str) -> Option<usize> {
    if pattern.contains("**") {
        return None;
    }
    let parts: Vec<&str> = pattern.split('/').collect();
    let first_wild = parts.iter().position(|p| is_glob(p))?;
    Some(parts.len() - first_wild)
}

fn list_files(folder: &Path, depth: Option<usize>, files: &mut Vec<PathBuf>) {
    if depth == Some(0) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            list_files(&path, depth.map(|d| d - 1), files);
        } else {
            files.push(path);
        }
    }
}

/// A file's first line, without a byte-order mark and line end; `None`
/// when it cannot be read (the reader reports that itself).
fn header_line(file: &Path) -> Option<String> {
    let mut line = String::new();
    BufReader::new(std::fs::File::open(file).ok()?)
        .take(64 * 1024)
        .read_line(&mut line)
        .ok()?;
    let line = line.strip_prefix('\u{feff}').unwrap_or(&line);
    Some(line.trim_end_matches(['\r', '\n']).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::ir::ReadOptions;

    fn glob(dir: &Path, pattern: &str) -> Location {
        Location::File {
            path: dir.join(pattern),
            format: FileFormat::Csv,
            read: ReadOptions::default(),
        }
    }

    #[test]
    fn files_with_one_header_are_read_and_a_different_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("2025-05.csv"), "id,amount\n1,2\n").unwrap();
        std::fs::write(dir.path().join("2025-06.csv"), "\u{feff}id,amount\r\n3,4\n").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "anything\n").unwrap();
        assert_eq!(differing_headers(&glob(dir.path(), "*.csv")), None);

        std::fs::write(dir.path().join("2025-07.csv"), "id,amount,coupon\n5,6,x\n").unwrap();
        let refused = differing_headers(&glob(dir.path(), "*.csv")).unwrap();
        assert!(
            refused.contains("2025-05.csv` has `id,amount`")
                && refused.contains("2025-07.csv` has `id,amount,coupon`"),
            "{refused}"
        );
        // One file, or a file without a header line: nothing to compare.
        assert_eq!(differing_headers(&glob(dir.path(), "2025-07.csv")), None);
    }

    #[test]
    fn a_pattern_reaches_the_levels_it_names() {
        assert_eq!(depth_below("/data/*.csv"), Some(1));
        assert_eq!(depth_below("/data/*/orders.csv"), Some(2));
        assert_eq!(depth_below("/data/**/orders.csv"), None);
    }
}
