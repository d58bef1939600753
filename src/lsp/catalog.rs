//! The columns of the sources, as `seg check` reads them (DuckDB describing
//! each declared file or table), kept between checks: a check while typing
//! describes only the sources whose file changed since.
//!
//! Each check gets a fresh [`Columns`] catalog over the one cache. DuckDB is
//! opened only when something must be described, and, as everywhere, locked
//! down to the sources the rules declare before it reads any.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::engine::Engine;
use crate::semantic::ir::{Location, pattern_reach};
use crate::semantic::{Catalog, Column};

/// What was read of each location, with the modification time it had.
#[derive(Default)]
pub struct ColumnCache {
    columns: RefCell<HashMap<String, (Stamp, Result<Vec<Column>, String>)>>,
    values: RefCell<HashMap<(String, String), (Stamp, Result<Vec<String>, String>)>>,
}

/// When a location last changed: the file's modification time, the
/// folder's for a pattern (a file added or removed), the database's for a
/// table. `None` when it cannot be told: read again every time.
type Stamp = Option<SystemTime>;

impl ColumnCache {
    /// The columns last read for a location, if any.
    pub fn known(&self, location: &Location) -> Option<Vec<Column>> {
        let columns = self.columns.borrow();
        columns.get(&location.describe())?.1.as_ref().ok().cloned()
    }
}

/// The catalog of one check: the cache, and DuckDB when the cache is stale.
pub struct Columns<'a> {
    cache: &'a ColumnCache,
    db: Option<&'a Path>,
    locations: RefCell<Vec<Location>>,
    engine: RefCell<Option<Result<Engine, String>>>,
}

impl<'a> Columns<'a> {
    pub fn new(cache: &'a ColumnCache, db: Option<&'a Path>) -> Self {
        Columns {
            cache,
            db,
            locations: RefCell::new(Vec::new()),
            engine: RefCell::new(None),
        }
    }

    fn stamp(&self, location: &Location) -> Stamp {
        let path: PathBuf = match location {
            Location::File { path, .. } => {
                let reach = pattern_reach(path);
                if reach.globbed {
                    reach.fixed
                } else {
                    path.clone()
                }
            }
            Location::Table(_) => self.db?.to_path_buf(),
        };
        std::fs::metadata(path).and_then(|m| m.modified()).ok()
    }

    /// Runs `read` on DuckDB, opened (and locked down to the announced
    /// locations) on first use.
    fn with_engine<T>(&self, read: impl FnOnce(&Engine) -> Result<T, String>) -> Result<T, String> {
        let mut engine = self.engine.borrow_mut();
        let engine = engine.get_or_insert_with(|| {
            let opened = match self.db {
                Some(db) => Engine::open_read_only(db),
                None => Engine::in_memory(),
            };
            let engine = opened.map_err(|e| e.to_string())?;
            let refused = engine.allow(&self.locations.borrow());
            match refused.into_iter().flatten().next() {
                Some(why) => Err(why),
                None => Ok(engine),
            }
        });
        match engine {
            Ok(engine) => read(engine),
            Err(why) => Err(why.clone()),
        }
    }
}

impl Catalog for Columns<'_> {
    fn allow(&self, locations: &[Location]) -> Vec<Option<String>> {
        *self.locations.borrow_mut() = locations.to_vec();
        vec![None; locations.len()]
    }

    fn columns(&self, location: &Location) -> Result<Vec<Column>, String> {
        let key = location.describe();
        let stamp = self.stamp(location);
        if let Some((seen, columns)) = self.cache.columns.borrow().get(&key)
            && stamp.is_some()
            && *seen == stamp
        {
            return columns.clone();
        }
        let columns = self.with_engine(|engine| engine.columns(location));
        let entry = (stamp, columns.clone());
        self.cache.columns.borrow_mut().insert(key, entry);
        columns
    }

    fn distinct_values(
        &self,
        location: &Location,
        column: &str,
        limit: usize,
    ) -> Result<Vec<String>, String> {
        let key = (location.describe(), column.to_string());
        let stamp = self.stamp(location);
        if let Some((seen, values)) = self.cache.values.borrow().get(&key)
            && stamp.is_some()
            && *seen == stamp
        {
            return values.clone();
        }
        let values = self.with_engine(|engine| engine.distinct_values(location, column, limit));
        self.cache
            .values
            .borrow_mut()
            .insert(key, (stamp, values.clone()));
        values
    }
}
