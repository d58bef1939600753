//! The base table of a run ([`crate::sql::BASE`]: every customer with the
//! aggregates of their facts) kept between the runs of `seg watch`, so that
//! a save that changes only later definitions (a param, a label's
//! condition, a tag) skips scanning and aggregating the sources.
//!
//! A kept base is a DuckDB file in a folder of the watch's own, named by a
//! fingerprint: the base's SQL text (the sources' locations, the as-of
//! date, every aggregate with its `where` and window) and, for each file
//! source, the size, modification time and inode of every file it can
//! read. A rule set with a table source is never reused: nothing cheap
//! says whether a table changed.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{Engine, EngineError};
use crate::semantic::Program;
use crate::semantic::ir::{Location, pattern_reach};
use crate::sql::{self, DuckDb, Plan};

/// A folder holding at most one kept base.
#[derive(Debug, Clone)]
pub struct BaseCache {
    dir: PathBuf,
}

/// The base file for one fingerprint.
#[derive(Debug)]
pub(crate) struct Entry {
    path: PathBuf,
    /// Whether it is there, from an earlier run.
    pub kept: bool,
}

/// A globbed folder with more files than this is not fingerprinted (its
/// base is computed every time).
const MAX_FILES: usize = 10_000;

/// The schema a kept base is attached as, for one statement at a time.
const ATTACHED: &str = "seg$kept";

impl BaseCache {
    /// Keeps bases in `dir`, which must be the caller's own (its other
    /// `base-*.duckdb` files are removed) and which the engine must be
    /// allowed to write ([`Engine::allow_writes_to`]).
    pub fn new(dir: &Path) -> BaseCache {
        BaseCache {
            dir: dir.to_path_buf(),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The entry of this run's base, `None` when it cannot be fingerprinted.
    pub(crate) fn entry(&self, program: &Program, plan: &Plan) -> Option<Entry> {
        let fingerprint = fingerprint(program, plan)?;
        let path = self.dir.join(format!("base-{}.duckdb", &fingerprint[..24]));
        Some(Entry {
            kept: path.is_file(),
            path,
        })
    }
}

impl Entry {
    /// Makes the kept base the run's base table; `false` if it cannot be
    /// read (the run then computes it).
    pub(crate) fn load(&self, engine: &Engine) -> bool {
        let path = self.path.display().to_string();
        let attach = sql::attach(&DuckDb, &path, ATTACHED, true);
        if engine.execute("reading the kept base", &attach).is_err() {
            return false;
        }
        let copied = engine.execute("reading the kept base", &sql::base_from(&DuckDb, ATTACHED));
        let _ = engine.execute("reading the kept base", &sql::detach(&DuckDb, ATTACHED));
        copied.is_ok()
    }

    /// Keeps the run's base table for the next run, in place of any other:
    /// written under a temporary name, then renamed.
    pub(crate) fn save(&self, engine: &Engine, cache: &BaseCache) -> Result<(), EngineError> {
        let partial = self.path.with_extension("partial");
        let _ = std::fs::remove_file(&partial);
        let attach = sql::attach(&DuckDb, &partial.display().to_string(), ATTACHED, false);
        engine.execute("keeping the base", &attach)?;
        let copied = engine.execute("keeping the base", &sql::base_into(&DuckDb, ATTACHED));
        engine.execute("keeping the base", &sql::detach(&DuckDb, ATTACHED))?;
        copied?;
        let error = |e: std::io::Error| EngineError::Write {
            path: self.path.display().to_string(),
            message: e.to_string(),
        };
        std::fs::rename(&partial, &self.path).map_err(error)?;
        for old in std::fs::read_dir(&cache.dir).map_err(error)?.flatten() {
            let name = old.file_name().to_string_lossy().into_owned();
            if name.starts_with("base-") && old.path() != self.path {
                let _ = std::fs::remove_file(old.path());
            }
        }
        Ok(())
    }
}

/// The base's SQL and the state of every file it reads, hashed; `None` for
/// a table source or a folder too large to list.
fn fingerprint(program: &Program, plan: &Plan) -> Option<String> {
    let mut hash = Sha256::new();
    hash.update(plan.base.sql.as_bytes());
    for source in std::iter::once(&program.customers).chain(&program.facts) {
        let Location::File { path, .. } = &source.location else {
            return None;
        };
        let reach = pattern_reach(path);
        let mut files = Vec::new();
        if reach.globbed {
            list(&reach.fixed, &mut files)?;
        } else {
            files.push(reach.written.clone());
        }
        files.sort();
        for file in files {
            hash.update(file.as_os_str().as_encoded_bytes());
            hash.update(stat(&file).as_bytes());
        }
    }
    Some(hash.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Every file below `dir`, or `None` past [`MAX_FILES`].
fn list(dir: &Path, files: &mut Vec<PathBuf>) -> Option<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Some(()); // no folder: nothing to read, as DuckDB will find
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            list(&path, files)?;
        } else {
            files.push(path);
        }
        if files.len() > MAX_FILES {
            return None;
        }
    }
    Some(())
}

/// Size, modification time and inode of a file ("-" when it is missing):
/// a save rewrites the file or replaces it by a new one, and either shows.
fn stat(path: &Path) -> String {
    use std::os::unix::fs::MetadataExt;
    match std::fs::metadata(path) {
        Ok(m) => format!(
            "|{}|{}.{}|{}|{}.{}\n",
            m.len(),
            m.mtime(),
            m.mtime_nsec(),
            m.ino(),
            m.ctime(),
            m.ctime_nsec()
        ),
        Err(_) => "|-\n".to_string(),
    }
}
