//! What DuckDB may reach. Once a rule set's sources are known, the
//! connection is locked down: external access off except exactly those
//! files (and the folders their globs match in), the database, `--out` and
//! DuckDB's temporary folder. A rule file, or a bug in the SQL seg writes,
//! cannot make it read anything else.
//!
//! On top of that, whoever runs seg may confine file sources to folders of
//! their choice (`--allow-path`): a source outside them is refused before
//! DuckDB ever sees it.

use std::path::{Component, Path, PathBuf};

use crate::semantic::ir::{Location, pattern_reach};

/// The folders file sources must lie in (`--allow-path`), and the folders
/// a run writes to (`--out`).
#[derive(Debug, Default)]
pub struct Sandbox {
    /// Resolved folders; empty: file sources may be anywhere.
    pub confine: Vec<PathBuf>,
    /// Folders seg writes files into.
    pub writes: Vec<PathBuf>,
}

/// What DuckDB is allowed to open once external access is off.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Grants {
    /// Files (and folders DuckDB only lists), exactly.
    pub paths: Vec<String>,
    /// Folders and everything below them.
    pub directories: Vec<String>,
}

impl Sandbox {
    /// Why a source may not be read at `location` (`None`: it may).
    pub fn refusal(&self, location: &Location) -> Option<String> {
        let Location::File { path, .. } = location else {
            return None;
        };
        if self.confine.is_empty() {
            return None;
        }
        let reach = pattern_reach(path);
        let resolved = resolve(&reach.fixed);
        let inside = self.confine.iter().any(|dir| resolved.starts_with(dir));
        if inside && !reach.climbs {
            return None;
        }
        let folders: Vec<String> = self
            .confine
            .iter()
            .map(|d| format!("`{}`", d.display()))
            .collect();
        Some(format!(
            "{} resolves to `{}`; sources may only be read from {} (--allow-path); \
             move the data there, or ask whoever runs seg to allow its folder",
            if reach.climbs {
                "the pattern climbs out of its folder with `..` and"
            } else {
                "it"
            },
            resolved.display(),
            folders.join(", ")
        ))
    }

    /// Everything DuckDB needs to open for these sources, the database and
    /// the temporary folder.
    pub fn grants(&self, sources: &[&Location], db: Option<&Path>, temp: Option<&str>) -> Grants {
        let mut grants = Grants::default();
        for location in sources {
            let Location::File { path, .. } = location else {
                continue;
            };
            let reach = pattern_reach(path);
            grants.paths.extend(reach.listed.iter().map(text));
            let granted = if reach.globbed {
                &mut grants.directories
            } else {
                &mut grants.paths
            };
            granted.push(text(&reach.fixed));
            if reach.written != reach.fixed {
                granted.push(text(&reach.written));
            }
        }
        if let Some(db) = db {
            // DuckDB keeps a database's write-ahead log and spill files beside it.
            for suffix in ["", ".wal", ".wal.checkpoint", ".wal.recovery"] {
                grants.paths.push(format!("{}{suffix}", db.display()));
            }
        }
        grants
            .directories
            .extend(temp.filter(|t| !t.is_empty()).map(String::from));
        grants.directories.extend(self.writes.iter().map(text));
        grants
    }
}

fn text(path: &PathBuf) -> String {
    path.display().to_string()
}

/// A path made absolute, with symbolic links resolved as far as it exists
/// and `..` applied to the rest, which does not exist (so holds no links).
pub fn resolve(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    let base = loop {
        if let Ok(real) = existing.canonicalize() {
            break real;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            // `..` as the last part has no file name: apply it lexically.
            (Some(parent), None) => {
                rest.push("..".into());
                existing = parent;
            }
            (None, _) => break PathBuf::from("/"),
        }
    };
    let mut out = base;
    for part in rest.iter().rev() {
        match Path::new(part).components().next() {
            Some(Component::ParentDir) => {
                out.pop();
            }
            Some(Component::CurDir) | None => {}
            Some(_) => out.push(part),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::ir::FileFormat;

    fn file(path: &str) -> Location {
        Location::File {
            path: path.into(),
            format: FileFormat::Csv,
            read: Default::default(),
        }
    }

    #[test]
    fn climbing_out_of_an_allowed_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let data = resolve(&dir.path().join("data"));
        std::fs::create_dir_all(&data).unwrap();
        let sandbox = Sandbox {
            confine: vec![data.clone()],
            writes: Vec::new(),
        };
        let inside = data.join("orders.csv");
        assert_eq!(sandbox.refusal(&file(&inside.display().to_string())), None);
        let glob = data.join("2025/*.csv");
        assert_eq!(sandbox.refusal(&file(&glob.display().to_string())), None);
        for outside in [
            data.join("../secrets/x.csv"),
            data.join("*/../../x.csv"),
            PathBuf::from("/etc/passwd.csv"),
        ] {
            let refusal = sandbox.refusal(&file(&outside.display().to_string()));
            assert!(
                refusal
                    .as_deref()
                    .is_some_and(|r| r.contains(&*data.to_string_lossy())),
                "{outside:?}: {refusal:?}"
            );
        }
    }

    #[test]
    fn a_symbolic_link_out_of_an_allowed_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let data = resolve(&dir.path().join("data"));
        let secrets = resolve(&dir.path().join("secrets"));
        std::fs::create_dir_all(&data).unwrap();
        std::fs::create_dir_all(&secrets).unwrap();
        std::os::unix::fs::symlink(&secrets, data.join("link")).unwrap();
        let sandbox = Sandbox {
            confine: vec![data.clone()],
            writes: Vec::new(),
        };
        let through_link = data.join("link/x.csv").display().to_string();
        assert!(sandbox.refusal(&file(&through_link)).is_some());
    }

    #[test]
    fn grants_name_files_exactly_and_glob_folders_whole() {
        let sandbox = Sandbox::default();
        let (plain, glob) = (file("d/orders.csv"), file("d/2025/*.csv"));
        let grants = sandbox.grants(&[&plain, &glob], None, None);
        assert_eq!(grants.paths, vec!["d/orders.csv".to_string()]);
        assert_eq!(grants.directories, vec!["d/2025".to_string()]);
        // An escaped folder is matched literally, by listing its parent.
        let escaped = file("r[[]1[]]/orders.csv");
        let grants = sandbox.grants(&[&escaped], None, None);
        assert_eq!(
            grants.paths,
            vec![
                ".".to_string(),
                "r[1]/orders.csv".to_string(),
                "r[[]1[]]/orders.csv".to_string()
            ]
        );
    }
}
