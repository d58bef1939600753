//! The old rules of `seg diff REV [PATH]`: the rule set at PATH as it is
//! at a revision of its git repository, read with the `git` command.
//!
//! Each file keeps the place it has in the working tree, so relative
//! `from "..."` paths of the old rules resolve against the working tree,
//! as the new rules' do: both sides read the same data.

use std::path::{Path, PathBuf};
use std::process::Command;

use seg::source::{SourceMap, rule_file};

/// Why the old rules could not be read from git (status 2).
#[derive(Debug)]
pub struct GitError {
    pub message: String,
    pub help: String,
}

fn error(message: impl Into<String>, help: impl Into<String>) -> GitError {
    GitError {
        message: message.into(),
        help: help.into(),
    }
}

/// The rule set at `path` (a folder: its `.seg` files; or one `.seg`
/// file) as it is at `revision`.
pub fn read_at(revision: &str, path: &Path) -> Result<SourceMap, GitError> {
    if revision.starts_with('-') {
        return Err(error(
            format!("`{revision}` is not a git revision"),
            "give a branch, tag or commit, e.g. --base main or --base HEAD~1",
        ));
    }
    let folder = if path.is_dir() {
        path
    } else {
        path.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    };
    let top = PathBuf::from(git(folder, &["rev-parse", "--show-toplevel"])?.trim_end());
    let commit = commit(&top, revision)?;
    let relative = within(&top, path)?;
    let files = rule_files(&top, &commit, revision, &relative, path.is_dir())?;
    let mut map = SourceMap::new();
    for name in files {
        let bytes = git_bytes(&top, &["cat-file", "blob", &format!("{commit}:{name}")])?;
        map.add(rule_file(
            format!("{revision}:{name}"),
            &top.join(&name),
            bytes,
        ));
    }
    Ok(map)
}

/// The commit a revision names.
fn commit(top: &Path, revision: &str) -> Result<String, GitError> {
    let spec = format!("{revision}^{{commit}}");
    match git(
        top,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &spec,
        ],
    ) {
        Ok(hash) => Ok(hash.trim().to_string()),
        Err(_) => Err(error(
            format!(
                "there is no revision `{revision}` in the git repository {}",
                top.display()
            ),
            "give a branch, tag or commit, e.g. main, HEAD~1 or origin/main (in CI, fetch it first: actions/checkout with fetch-depth: 0)",
        )),
    }
}

/// `path` relative to the repository's top folder, in git's spelling.
fn within(top: &Path, path: &Path) -> Result<String, GitError> {
    let resolve = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let full = resolve(path);
    let relative = full.strip_prefix(resolve(top)).map_err(|_| {
        error(
            format!(
                "`{}` is not inside the git repository {}",
                path.display(),
                top.display()
            ),
            "give a PATH in the repository's working tree",
        )
    })?;
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Ok(parts.join("/"))
}

/// The names (from the top folder) of the rule files at `relative` in
/// `commit`: the `.seg` files directly in a folder, or the one file.
fn rule_files(
    top: &Path,
    commit: &str,
    revision: &str,
    relative: &str,
    is_folder: bool,
) -> Result<Vec<String>, GitError> {
    let shown = if relative.is_empty() { "." } else { relative };
    let object = format!("{commit}:{relative}");
    if git(top, &["cat-file", "-e", &object]).is_err() {
        return Err(error(
            format!("there is no `{shown}` at revision `{revision}`"),
            "the rule set did not exist then; compare a revision that has it, or two folders: seg diff OLD NEW",
        ));
    }
    if !is_folder {
        return Ok(vec![relative.to_string()]);
    }
    let listing = git(top, &["ls-tree", "-z", &object])?;
    let prefix = if relative.is_empty() {
        String::new()
    } else {
        format!("{relative}/")
    };
    let mut names: Vec<String> = listing
        .split('\0')
        .filter_map(|entry| {
            let (meta, name) = entry.split_once('\t')?;
            let mut meta = meta.split(' ');
            let (mode, kind) = (meta.next()?, meta.next()?);
            (kind == "blob" && mode != "120000" && name.ends_with(".seg"))
                .then(|| format!("{prefix}{name}"))
        })
        .collect();
    names.sort();
    if names.is_empty() {
        return Err(error(
            format!("`{shown}` holds no .seg files at revision `{revision}`"),
            "compare a revision that has the rule set, or two folders: seg diff OLD NEW",
        ));
    }
    Ok(names)
}

fn git(dir: &Path, args: &[&str]) -> Result<String, GitError> {
    git_bytes(dir, args).map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Runs `git -C dir args...` and returns what it printed.
fn git_bytes(dir: &Path, args: &[&str]) -> Result<Vec<u8>, GitError> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                error(
                    "comparing with a git revision needs the `git` command, and it is not installed",
                    "install git, or compare two folders: seg diff OLD NEW",
                )
            } else {
                error(format!("cannot run git: {e}"), "check that git runs: git --version")
            }
        })?;
    if output.status.success() {
        return Ok(output.stdout);
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    if stderr.contains("not a git repository") {
        return Err(error(
            format!("`{}` is not in a git repository", dir.display()),
            "a revision compares the rules with their history: run seg diff inside the repository, or compare two folders: seg diff OLD NEW",
        ));
    }
    Err(error(
        format!("git {} failed: {}", args.join(" "), stderr.trim()),
        "check the repository with git status",
    ))
}
