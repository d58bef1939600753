//! `seg diff`: what a rule change would do on the same data, before it
//! ships. Two rule sets (folders or files), or the working tree's rules
//! against the same path at a git revision; both checked, then run in one
//! DuckDB session, and who moved printed as `seg changes` prints it.

mod git;

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use seg::Checked;
use seg::engine::{self, Diff, Engine};
use seg::semantic::ir::Location;
use seg::semantic::{Catalog, Column, Mode, Program};
use seg::source::{SourceMap, read_rule_set};

use super::args::{DiffArgs, Format, RuleArgs};
use super::changes::render::{self, Report};
use super::{CLEAN, check, output};

/// One side of the comparison: where its rules come from, and the files.
struct Side {
    /// `the old rules (HEAD~1:rules)`.
    what: String,
    rules: RuleArgs,
    files: SourceMap,
}

pub fn run(args: DiffArgs) -> u8 {
    let (old, new) = match sides(&args) {
        Ok(sides) => sides,
        Err(status) => return status,
    };
    if let Err(status) = check::one_date(&new.rules, "diff") {
        return status;
    }
    let engine = match check::open_for_reading(&new.rules) {
        Ok(e) => e,
        Err(status) => return status,
    };
    announce(&engine, [&old, &new]);
    let (old_program, new_program) = match (checked(&old, &engine), checked(&new, &engine)) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => return o.err().into_iter().chain(n.err()).max().unwrap_or(CLEAN),
    };
    match engine::diff(&engine, &old_program, &new_program) {
        Ok(diff) => {
            let title = title(&old, &new, &old_program, &new_program);
            output::stdout(&rendered(&diff, &title, args.format));
            CLEAN
        }
        Err(e) => output::failure(&e),
    }
}

fn rendered(diff: &Diff, title: &str, format: super::args::ChangesFormat) -> String {
    let report = Report {
        title,
        labels: &diff.labels,
        empty: "no customers, labels or tags in either rule set",
    };
    render::render(&diff.changes, &report, format)
}

/// `changes from the old rules (HEAD~1:rules) to the new rules (rules), as of 2025-06-30`.
fn title(old: &Side, new: &Side, old_program: &Program, new_program: &Program) -> String {
    let as_of = if old_program.as_of == new_program.as_of {
        format!("as of {}", new_program.as_of)
    } else {
        format!("as of {} and {}", old_program.as_of, new_program.as_of)
    };
    format!("changes from {} to {}, {as_of}", old.what, new.what)
}

/// Where the old rules come from.
enum Old {
    Folder(PathBuf),
    /// The new rules' path at a git revision.
    Revision(String),
}

/// The two sides the arguments name: `OLD NEW`, `REV [PATH]` or
/// `--base REV [PATH]`. A first argument that is no file or folder is a
/// revision.
fn sides(args: &DiffArgs) -> Result<(Side, Side), u8> {
    let here = || PathBuf::from(".");
    let (old, new_path) = match (&args.base, args.rule_sets.as_slice()) {
        (Some(rev), []) => (Old::Revision(rev.clone()), here()),
        (Some(rev), [path]) => (Old::Revision(rev.clone()), path.clone()),
        (Some(_), _) => {
            return Err(output::usage(
                "with --base, give only the rule set of the working tree: seg diff --base REV [PATH]",
                None,
            ));
        }
        (None, [old, new]) if old.exists() => (Old::Folder(old.clone()), new.clone()),
        (None, [rev, path]) => (Old::Revision(text(rev)), path.clone()),
        (None, [one]) if !one.exists() => (Old::Revision(text(one)), here()),
        (None, _) => {
            return Err(output::usage(
                "seg diff compares two rule sets: give both, or a git revision",
                Some("seg diff OLD NEW (folders or .seg files), or seg diff --base main [PATH] for the working tree against a revision".into()),
            ));
        }
    };
    let new = side(
        args,
        &new_path,
        format!("the new rules ({})", new_path.display()),
    )?;
    let old = match old {
        Old::Folder(path) => side(args, &path, format!("the old rules ({})", path.display()))?,
        Old::Revision(rev) => Side {
            what: format!("the old rules ({rev}:{})", new_path.display()),
            rules: args.rules(new_path.clone()),
            files: git::read_at(&rev, &new_path)
                .map_err(|e| output::usage(e.message, Some(e.help)))?,
        },
    };
    Ok((old, new))
}

fn text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// A side read from the disk; a rule set that cannot be read is status 2.
fn side(args: &DiffArgs, path: &Path, what: String) -> Result<Side, u8> {
    let rules = args.rules(path.to_path_buf());
    let files = read_rule_set(path).map_err(|e| check::unreadable(&e, Format::Human))?;
    Ok(Side { what, rules, files })
}

/// Checks one side against the data; prints its diagnostics (saying
/// which side they are about) and gives its program, or the status when
/// it has errors.
fn checked(side: &Side, engine: &Engine) -> Result<Program, u8> {
    let Checked {
        program,
        diagnostics,
    } = seg::check(
        &side.files,
        engine,
        &check::settings(&side.rules, Mode::Run),
    );
    if !diagnostics.is_empty() {
        output::stderr(&format!("{}:\n", side.what));
        output::diagnostics(&diagnostics, &side.files, Format::Human);
    }
    match program {
        Some(p) => Ok(p),
        None => {
            output::stderr(&format!(
                "not compared: {} have errors ({})\n",
                side.what,
                output::totals(&diagnostics)
            ));
            Err(output::status(&diagnostics))
        }
    }
}

/// Locks the engine down to the sources of both sides at once: a
/// connection is locked only once, so the first check must know them all.
/// A first pass over both rule sets only collects where they read.
fn announce(engine: &Engine, sides: [&Side; 2]) {
    let announced = Announced::default();
    for side in sides {
        seg::check(
            &side.files,
            &announced,
            &check::settings(&side.rules, Mode::Check),
        );
    }
    engine.allow(&announced.0.into_inner());
}

/// A catalog that reads nothing and remembers every location announced.
#[derive(Default)]
struct Announced(RefCell<Vec<Location>>);

impl Catalog for Announced {
    fn allow(&self, locations: &[Location]) -> Vec<Option<String>> {
        self.0.borrow_mut().extend(locations.iter().cloned());
        vec![None; locations.len()]
    }

    fn columns(&self, _: &Location) -> Result<Vec<Column>, String> {
        Err("not read in the first pass".into())
    }
}
