//! Test cases beside a rule set: `tests/<case>/` folders next to the `.seg`
//! files, each with a small data file per source, an optional `case.json`
//! (as-of date, params) and the stored snapshot of the wide table
//! (`snapshot.txt`, see [`snapshot`]). `seg test` runs the rule set on each
//! case's data and compares.
//!
//! ```text
//! rules/
//!   rfm.seg ...
//!   tests/
//!     two_customers/
//!       customers.csv     one data file per source, named after it
//!       orders.csv        (.csv .tsv .parquet .json; a CSV with only a
//!       case.json         header line is a source with no rows)
//!       snapshot.txt      {"as_of": "2025-06-30"}, params
//! ```
//!
//! Reading the folders is IO at the edge, like `source::read_rule_set`.

pub mod snapshot;

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::semantic::ir::FileFormat;
use crate::semantic::names;

/// The folder of a rule set's cases.
pub const CASES_FOLDER: &str = "tests";
/// A case's settings.
pub const SETTINGS_FILE: &str = "case.json";
/// A case's stored snapshot, and the pending one a run writes beside it.
pub const SNAPSHOT_FILE: &str = "snapshot.txt";
pub const PENDING_FILE: &str = "snapshot.txt.new";

/// One case folder.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub name: String,
    pub dir: PathBuf,
    /// Each source's data file: (source name, as the file names it; path).
    pub data: Vec<(String, PathBuf)>,
    pub as_of: Option<Date>,
    /// `[set]` in `case.json`, as `--set` gives them.
    pub params: Vec<(String, String)>,
}

impl Case {
    pub fn snapshot_path(&self) -> PathBuf {
        self.dir.join(SNAPSHOT_FILE)
    }

    pub fn pending_path(&self) -> PathBuf {
        self.dir.join(PENDING_FILE)
    }

    /// The declared sources this case gives no data for.
    pub fn missing_sources<'a>(&self, declared: &[&'a str]) -> Vec<&'a str> {
        declared
            .iter()
            .filter(|s| !self.data.iter().any(|(name, _)| names::same(name, s)))
            .copied()
            .collect()
    }
}

/// A case folder seg cannot use, said with what to do about it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct CaseError {
    pub path: String,
    pub message: String,
}

/// The cases of a rule set in `rules` (a folder; a single rule file has its
/// folder's), in name order. No `tests/` folder: no cases.
pub fn discover(rules: &Path) -> Result<Vec<Case>, CaseError> {
    let folder = if rules.is_file() {
        rules.parent().unwrap_or(Path::new(".")).to_path_buf()
    } else {
        rules.to_path_buf()
    }
    .join(CASES_FOLDER);
    if !folder.is_dir() {
        return Ok(Vec::new());
    }
    let mut dirs: Vec<PathBuf> = entries(&folder)?
        .into_iter()
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs.iter().map(|dir| read_case(dir)).collect()
}

fn read_case(dir: &Path) -> Result<Case, CaseError> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut data: Vec<(String, PathBuf)> = entries(dir)?
        .into_iter()
        .filter(|p| p.is_file())
        .filter_map(|p| data_source(&p).map(|source| (source, p)))
        .collect();
    data.sort();
    let (as_of, params) = settings(&dir.join(SETTINGS_FILE))?;
    Ok(Case {
        name,
        dir: dir.to_path_buf(),
        data,
        as_of,
        params,
    })
}

/// The source a data file is for: its name up to the first dot, when its
/// extension is a data format (`orders.csv`, `orders.csv.gz`).
fn data_source(path: &Path) -> Option<String> {
    let file = path.file_name()?.to_str()?;
    FileFormat::from_path(file)?;
    let (stem, _) = file.split_once('.')?;
    let own = [SETTINGS_FILE, SNAPSHOT_FILE, PENDING_FILE];
    (!stem.is_empty() && !own.contains(&file)).then(|| stem.to_string())
}

fn entries(dir: &Path) -> Result<Vec<PathBuf>, CaseError> {
    let read = std::fs::read_dir(dir).map_err(|e| io_error(dir, &e))?;
    read.map(|entry| entry.map(|e| e.path()).map_err(|e| io_error(dir, &e)))
        .collect()
}

fn io_error(path: &Path, e: &std::io::Error) -> CaseError {
    CaseError {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Settings {
    as_of: Option<String>,
    #[serde(default)]
    set: serde_json::Map<String, serde_json::Value>,
}

/// `case.json`: `{"as_of": "2025-06-30", "set": {"vip_spend": 8000}}`.
fn settings(path: &Path) -> Result<(Option<Date>, Vec<(String, String)>), CaseError> {
    if !path.exists() {
        return Ok((None, Vec::new()));
    }
    let error = |message: String| CaseError {
        path: path.display().to_string(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| io_error(path, &e))?;
    let settings: Settings = serde_json::from_str(&text).map_err(|e| error(e.to_string()))?;
    let as_of = settings
        .as_of
        .map(|d| {
            let date = (d.len() == 10).then(|| d.parse::<Date>().ok()).flatten();
            date.ok_or_else(|| {
                error(format!(
                    "\"as_of\": \"{d}\": expected a date like \"2025-06-30\""
                ))
            })
        })
        .transpose()?;
    let params = settings
        .set
        .into_iter()
        .map(|(name, value)| {
            let text = match value {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (name, text)
        })
        .collect();
    Ok((as_of, params))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_files_are_named_after_their_source() {
        assert_eq!(
            data_source(Path::new("t/orders.csv")).as_deref(),
            Some("orders")
        );
        assert_eq!(
            data_source(Path::new("t/orders.csv.gz")).as_deref(),
            Some("orders")
        );
        assert_eq!(
            data_source(Path::new("t/客户.parquet")).as_deref(),
            Some("客户")
        );
        assert_eq!(data_source(Path::new("t/case.json")), None);
        assert_eq!(data_source(Path::new("t/snapshot.txt")), None);
        assert_eq!(data_source(Path::new("t/snapshot.txt.new")), None);
        assert_eq!(data_source(Path::new("t/notes.md")), None);
    }

    #[test]
    fn settings_give_the_as_of_date_and_params() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SETTINGS_FILE);
        std::fs::write(
            &path,
            r#"{"as_of": "2025-06-30", "set": {"vip_spend": 8000, "region": "north"}}"#,
        )
        .unwrap();
        let (as_of, params) = settings(&path).unwrap();
        assert_eq!(as_of, Some(jiff::civil::date(2025, 6, 30)));
        assert_eq!(
            params,
            [
                ("region".to_string(), "north".to_string()),
                ("vip_spend".to_string(), "8000".to_string())
            ]
        );
    }

    #[test]
    fn a_wrong_setting_is_an_error_that_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SETTINGS_FILE);
        std::fs::write(&path, r#"{"as_off": "2025-06-30"}"#).unwrap();
        let e = settings(&path).unwrap_err();
        assert!(e.message.contains("as_off"), "{e}");
        std::fs::write(&path, r#"{"as_of": "2025-06-30T10:00:00"}"#).unwrap();
        assert!(
            settings(&path)
                .unwrap_err()
                .message
                .contains("expected a date")
        );
    }
}
