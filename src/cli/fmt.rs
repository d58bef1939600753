//! `seg fmt`: rewrites rule files in the canonical layout; `--check` only
//! shows what would change; `-` formats stdin to stdout.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use seg::format::{self, Refusal};
use seg::source::{SourceFile, SourceMap, read_rule_set};

use super::args::{FmtArgs, Format};
use super::{CLEAN, RULE_ERRORS, output};

pub fn run(args: FmtArgs) -> u8 {
    let stdin = args.path.as_os_str() == "-";
    let loaded = if stdin {
        read_stdin()
    } else {
        read_rule_set(&args.path).map_err(|e| {
            let d = e.diagnostic();
            output::usage(d.message, d.help)
        })
    };
    let files = match loaded {
        Ok(files) => files,
        Err(status) => return status,
    };
    let mut tally = Tally::default();
    for ((_, file), outcome) in files.iter().zip(format::format(&files)) {
        let status = one_file(file, outcome, &args, &files, &mut tally);
        tally.status = tally.status.max(status);
    }
    if !stdin {
        output::stderr(&tally.line(files.len(), args.check));
    }
    tally.status
}

/// Writes, shows or reports one file's outcome; its exit status.
fn one_file(
    file: &SourceFile,
    outcome: Result<String, Refusal>,
    args: &FmtArgs,
    files: &SourceMap,
    tally: &mut Tally,
) -> u8 {
    let stdin = args.path.as_os_str() == "-";
    match outcome {
        Ok(formatted) if stdin && !args.check => {
            output::stdout(&formatted);
            CLEAN
        }
        Ok(formatted) if formatted == file.text => CLEAN,
        Ok(formatted) if args.check => {
            output::stdout(&diff(&file.name, &file.text, &formatted));
            tally.changed += 1;
            RULE_ERRORS
        }
        Ok(formatted) => rewrite(file, &formatted, tally),
        Err(Refusal::Syntax(diagnostics)) => {
            output::diagnostics(&diagnostics, files, Format::Human);
            tally.refused += 1;
            RULE_ERRORS
        }
        Err(Refusal::Unsafe(why)) => output::usage(
            format!("seg fmt left `{}` alone: {why}", file.name),
            Some("this is a bug in seg fmt; please report it with the file".into()),
        ),
    }
}

#[derive(Default)]
struct Tally {
    changed: usize,
    refused: usize,
    status: u8,
}

impl Tally {
    /// `formatted 2 of 7 files (1 left alone: it does not parse)`.
    fn line(&self, files: usize, check: bool) -> String {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let mut line = if check {
            format!(
                "{} of {files} file{} would be reformatted",
                self.changed,
                plural(files)
            )
        } else {
            format!(
                "reformatted {} of {files} file{}",
                self.changed,
                plural(files)
            )
        };
        if self.refused > 0 {
            line.push_str(&format!(
                "; {} left alone: {} not parse",
                self.refused,
                if self.refused == 1 {
                    "it does"
                } else {
                    "they do"
                }
            ));
        }
        line.push('\n');
        line
    }
}

/// The rule text on stdin, as one file named `<stdin>`: a byte-order mark
/// is dropped, and text that is not UTF-8 is reported by the parser.
fn read_stdin() -> Result<SourceMap, u8> {
    let mut bytes = Vec::new();
    if let Err(e) = std::io::stdin().lock().read_to_end(&mut bytes) {
        return Err(output::usage(format!("cannot read stdin: {e}"), None));
    }
    let bytes = bytes
        .strip_prefix("\u{feff}".as_bytes())
        .unwrap_or(&bytes[..]);
    let (text, invalid_at) = match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), None),
        Err(e) => (
            String::from_utf8_lossy(bytes).into_owned(),
            Some(e.valid_up_to()),
        ),
    };
    let mut file = SourceFile::new("<stdin>", "<stdin>", text);
    file.invalid_utf8_at = invalid_at;
    let mut files = SourceMap::new();
    files.add(file);
    Ok(files)
}

/// How long the diff of one file may search for the smallest diff. Only a
/// huge file that changes on nearly every line needs longer (the cost grows
/// with its lines times its changes); its diff is then correct but longer
/// than it need be.
const DIFF_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(1);

/// A unified diff from the file to its formatted text.
fn diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::configure()
        .timeout(DIFF_TIMEOUT)
        .diff_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(name, &format!("{name} (formatted)"))
        .to_string()
}

fn rewrite(file: &SourceFile, formatted: &str, tally: &mut Tally) -> u8 {
    match write_atomically(&file.path, formatted) {
        Ok(()) => {
            output::stderr(&format!("reformatted {}\n", file.name));
            tally.changed += 1;
            CLEAN
        }
        Err(e) => output::usage(
            format!("cannot write `{}`: {e}", file.name),
            Some("the file is unchanged".into()),
        ),
    }
}

/// Writes `text` to a new file beside `path` and renames it over `path`,
/// so the file is whole, old or new, whatever happens. A symbolic link
/// stays one: its target is what is written.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let path = std::fs::canonicalize(path)?;
    let temporary = temporary_name(&path);
    let written = (|| {
        let mut file = std::fs::File::create_new(&temporary)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::set_permissions(&temporary, std::fs::metadata(&path)?.permissions())?;
        std::fs::rename(&temporary, &path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// `.name.seg.seg-fmt-<pid>` in the same folder: not a `.seg` file, so a
/// rule set read meanwhile never sees it.
fn temporary_name(path: &Path) -> PathBuf {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    path.with_file_name(format!(".{name}.seg-fmt-{}", std::process::id()))
}
