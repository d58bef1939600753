//! Whether a batch of file-system events matters to a watched rule set, and
//! what must be redone. Pure: paths in, a verdict out; the watcher does the
//! IO (and asks whether the rule set still exists).

use std::path::{Component, Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};
use seg::semantic::ir::{Location, pattern_reach};

/// What a batch of events means for the rule set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing seg reads changed: a file was only read, an editor wrote a
    /// swap or backup file, something else in a watched folder changed.
    Ignore,
    /// Check and run again; says which of the rules and the data changed.
    Rerun { rules: bool, data: bool },
    /// The rule set (its folder or file) is gone: wait for it to return.
    RulesGone,
}

/// Whether an event only read a file (opened it, closed it unchanged).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Read,
    Change,
}

/// One event: what happened, to which paths (a rename has two).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub kind: Kind,
    pub paths: Vec<PathBuf>,
}

/// A folder to watch, and whether its subfolders too (a `**` glob).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    pub path: PathBuf,
    pub recursive: bool,
}

/// What a rule set reads: the `.seg` files of a folder (or one file) and
/// its file sources, exact files and globs, every path absolute.
#[derive(Debug, Clone)]
pub struct Interest {
    rules: PathBuf,
    rules_is_file: bool,
    files: Vec<PathBuf>,
    globs: Vec<GlobMatcher>,
    folders: Vec<Folder>,
}

impl Interest {
    /// `rules` is the rule set's folder or file, `sources` the locations
    /// the last good check read; relative paths are taken from `cwd`.
    pub fn new(rules: &Path, rules_is_file: bool, sources: &[Location], cwd: &Path) -> Interest {
        let rules = absolute(rules, cwd);
        let mut interest = Interest {
            folders: Vec::new(),
            files: Vec::new(),
            globs: Vec::new(),
            rules_is_file,
            rules: rules.clone(),
        };
        // The parent is watched too, to see the rule set vanish and return.
        if let Some(parent) = rules.parent() {
            interest.watch(parent, false);
        }
        if !rules_is_file {
            interest.watch(&rules, false);
        }
        for location in sources {
            if let Location::File { path, .. } = location {
                interest.add_source(&absolute(path, cwd));
            }
        }
        interest
    }

    fn add_source(&mut self, path: &Path) {
        let reach = pattern_reach(path);
        if !reach.globbed {
            if let Some(parent) = reach.fixed.parent() {
                self.watch(parent, false);
            }
            self.files.push(reach.fixed);
            return;
        }
        let pattern = path.to_string_lossy();
        // `*` stays within one folder, as in DuckDB; `**` crosses folders.
        let glob = GlobBuilder::new(&pattern).literal_separator(true).build();
        let Ok(glob) = glob else { return };
        self.globs.push(glob.compile_matcher());
        let rest = pattern
            .strip_prefix(&*reach.written.to_string_lossy())
            .unwrap_or(&pattern);
        let deeper = rest.trim_start_matches('/').contains('/');
        self.watch(&reach.fixed, deeper);
    }

    fn watch(&mut self, path: &Path, recursive: bool) {
        match self.folders.iter_mut().find(|f| f.path == path) {
            Some(folder) => folder.recursive |= recursive,
            None => self.folders.push(Folder {
                path: path.to_path_buf(),
                recursive,
            }),
        }
    }

    /// The folders to watch for it.
    pub fn folders(&self) -> &[Folder] {
        &self.folders
    }

    /// The rule set's folder or file, absolute.
    pub fn rules(&self) -> &Path {
        &self.rules
    }

    fn is_rules(&self, path: &Path) -> bool {
        if path == self.rules {
            return true;
        }
        !self.rules_is_file && path.parent() == Some(&*self.rules) && is_rule_file(path)
    }

    fn is_data(&self, path: &Path) -> bool {
        self.files.iter().any(|f| f == path) || self.globs.iter().any(|g| g.is_match(path))
    }
}

/// The decision: does this batch matter, and what changed. `rules_exist`
/// is whether the rule set's folder or file is there now.
pub fn decide(interest: &Interest, events: &[Event], rules_exist: bool) -> Verdict {
    let changed = || {
        events
            .iter()
            .filter(|e| e.kind == Kind::Change)
            .flat_map(|e| &e.paths)
    };
    let rules = changed().any(|p| interest.is_rules(p));
    let data = changed().any(|p| interest.is_data(p));
    match (rules || data, rules_exist) {
        (false, _) => Verdict::Ignore,
        (true, false) => Verdict::RulesGone,
        (true, true) => Verdict::Rerun { rules, data },
    }
}

/// Whether seg reads a file of the rules folder: `*.seg`, as
/// `read_rule_set` does, but not an Emacs lock file (`.#tier.seg`). An
/// editor's other files never end in `.seg`: vim's `.tier.seg.swp` and
/// `4913`, backups `tier.seg~`, JetBrains' `tier.seg___jb_tmp___`.
pub fn is_rule_file(path: &Path) -> bool {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    path.extension().is_some_and(|e| e == "seg") && !name.starts_with(".#")
}

/// `path` from `cwd`, with `.` and `..` taken out by name (the paths the
/// watcher reports are built the same way, so they compare equal).
pub fn absolute(path: &Path, cwd: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in cwd.join(path).components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use seg::semantic::ir::FileFormat;

    fn csv(path: &str) -> Location {
        Location::File {
            path: PathBuf::from(path),
            format: FileFormat::Csv,
            read: Default::default(),
        }
    }

    /// `/shop/rules`, reading `/shop/data/customers.csv` and
    /// `/shop/data/orders_*.csv` (given relative to `/shop`).
    fn shop() -> Interest {
        let sources = [csv("data/customers.csv"), csv("rules/../data/orders_*.csv")];
        Interest::new(Path::new("rules"), false, &sources, Path::new("/shop"))
    }

    fn change(paths: &[&str]) -> Event {
        Event {
            kind: Kind::Change,
            paths: paths.iter().map(PathBuf::from).collect(),
        }
    }

    fn read(path: &str) -> Event {
        Event {
            kind: Kind::Read,
            paths: vec![PathBuf::from(path)],
        }
    }

    const RULES: Verdict = Verdict::Rerun {
        rules: true,
        data: false,
    };
    const DATA: Verdict = Verdict::Rerun {
        rules: false,
        data: true,
    };

    #[test]
    fn it_watches_the_rules_their_parent_and_the_data_folders() {
        let shop = shop();
        let folders: Vec<(&str, bool)> = shop
            .folders()
            .iter()
            .map(|f| (f.path.to_str().unwrap(), f.recursive))
            .collect();
        assert_eq!(
            folders,
            [
                ("/shop", false),
                ("/shop/rules", false),
                ("/shop/data", false)
            ]
        );
    }

    #[test]
    fn a_save_in_place_reruns() {
        let events = [
            change(&["/shop/rules/tier.seg"]),
            change(&["/shop/rules/tier.seg"]),
        ];
        assert_eq!(decide(&shop(), &events, true), RULES);
    }

    #[test]
    fn write_temp_then_rename_reruns_on_the_rename_alone() {
        // VS Code and JetBrains write `x.tmp`, then rename it over the file.
        let temp = [
            change(&["/shop/rules/tier.seg.tmp"]),
            change(&["/shop/rules/tier.seg___jb_tmp___"]),
        ];
        assert_eq!(decide(&shop(), &temp, true), Verdict::Ignore);
        let rename = [change(&[
            "/shop/rules/tier.seg.tmp",
            "/shop/rules/tier.seg",
        ])];
        assert_eq!(decide(&shop(), &rename, true), RULES);
    }

    #[test]
    fn vim_writes_a_swap_file_a_probe_and_a_backup_which_are_ignored() {
        let noise = [
            change(&["/shop/rules/.tier.seg.swp"]),
            change(&["/shop/rules/.tier.seg.swx"]),
            change(&["/shop/rules/4913"]),
            change(&["/shop/rules/tier.seg~"]),
            change(&["/shop/rules/.#tier.seg"]),
        ];
        assert_eq!(decide(&shop(), &noise, true), Verdict::Ignore);
        // ... and then the real file, moved aside and written anew.
        let save = [
            change(&["/shop/rules/tier.seg", "/shop/rules/tier.seg~"]),
            change(&["/shop/rules/tier.seg"]),
        ];
        assert_eq!(decide(&shop(), &save, true), RULES);
    }

    #[test]
    fn delete_then_create_reruns_once_the_file_is_back() {
        let deleted = [change(&["/shop/rules/tier.seg"])];
        assert_eq!(decide(&shop(), &deleted, true), RULES);
        let folder_gone = [change(&["/shop/rules/tier.seg"]), change(&["/shop/rules"])];
        assert_eq!(decide(&shop(), &folder_gone, false), Verdict::RulesGone);
    }

    #[test]
    fn reading_a_file_is_not_a_change() {
        // seg's own run opens the rules and the data: that must not loop.
        let reads = [
            read("/shop/rules/tier.seg"),
            read("/shop/data/customers.csv"),
        ];
        assert_eq!(decide(&shop(), &reads, true), Verdict::Ignore);
    }

    #[test]
    fn new_and_deleted_rule_files_rerun_other_files_do_not() {
        assert_eq!(
            decide(&shop(), &[change(&["/shop/rules/new.seg"])], true),
            RULES
        );
        let other = [
            change(&["/shop/rules/notes.txt"]),
            change(&["/shop/rules/sub/x.seg"]),
            change(&["/shop/seg.duckdb"]),
            change(&["/shop/seg.duckdb.wal"]),
            change(&["/shop/rules.seg"]),
        ];
        assert_eq!(decide(&shop(), &other, true), Verdict::Ignore);
    }

    #[test]
    fn a_changed_data_file_or_a_new_file_matching_a_glob_reruns() {
        assert_eq!(
            decide(&shop(), &[change(&["/shop/data/customers.csv"])], true),
            DATA
        );
        assert_eq!(
            decide(&shop(), &[change(&["/shop/data/orders_2026.csv"])], true),
            DATA
        );
        let unrelated = [
            change(&["/shop/data/returns.csv"]),
            change(&["/shop/data/old/orders_2019.csv"]),
        ];
        assert_eq!(decide(&shop(), &unrelated, true), Verdict::Ignore);
        let both = [
            change(&["/shop/data/customers.csv"]),
            change(&["/shop/rules/a.seg"]),
        ];
        assert_eq!(
            decide(&shop(), &both, true),
            Verdict::Rerun {
                rules: true,
                data: true
            }
        );
    }

    #[test]
    fn the_rules_folder_going_and_coming_back() {
        let gone = [change(&["/shop/rules"])];
        assert_eq!(decide(&shop(), &gone, false), Verdict::RulesGone);
        let back = [change(&["/shop/rules"])];
        assert_eq!(decide(&shop(), &back, true), RULES);
    }

    #[test]
    fn a_single_rule_file_is_watched_through_its_folder() {
        let interest = Interest::new(Path::new("/shop/tier.seg"), true, &[], Path::new("/"));
        assert_eq!(interest.folders().len(), 1);
        assert_eq!(interest.folders()[0].path, Path::new("/shop"));
        assert_eq!(
            decide(&interest, &[change(&["/shop/tier.seg"])], true),
            RULES
        );
        assert_eq!(
            decide(&interest, &[change(&["/shop/other.seg"])], true),
            Verdict::Ignore
        );
        assert_eq!(
            decide(&interest, &[change(&["/shop/tier.seg"])], false),
            Verdict::RulesGone
        );
    }

    #[test]
    fn a_glob_across_folders_is_watched_recursively() {
        let sources = [csv("/exports/**/orders.parquet")];
        let interest = Interest::new(Path::new("/r"), false, &sources, Path::new("/"));
        assert!(interest.folders().contains(&Folder {
            path: PathBuf::from("/exports"),
            recursive: true
        }));
        let deep = [change(&["/exports/2026/01/orders.parquet"])];
        assert_eq!(decide(&interest, &deep, true), DATA);
    }
}
