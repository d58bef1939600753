//! An [`EngineError`] in the user's language. The error stays the data
//! the engine made (its `#[error]` text is the English one, for the
//! library's callers); here, at the edge, its message and help are looked
//! up in the catalogues (`engine-...`) with the same values. Its code
//! (`seg::database` ...) does not change. What the engine's values hold
//! (DuckDB's message, a statement's title) stays as the engine wrote it.

use std::fmt;

use seg::engine::EngineError;
use seg::i18n::tr;

/// An error as it is shown: the code, message and help of an
/// [`EngineError`] in the current language.
#[derive(Debug)]
pub struct Said {
    code: String,
    message: String,
    help: Option<String>,
}

impl fmt::Display for Said {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Said {}

impl miette::Diagnostic for Said {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }
}

impl Said {
    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }
}

/// The error in the current language.
pub fn said(e: &EngineError) -> Said {
    use EngineError as E;
    let code = miette::Diagnostic::code(e).map_or_else(String::new, |c| c.to_string());
    // The message `id` and, when it has one, its `.help`.
    let with_help = |message: String, id: &str| (message, Some(tr!(&format!("{id}.help"))));
    let (message, help) = match e {
        E::Open { path, message } => (tr!("engine-open", path = path, message = message), None),
        E::Locked { path, waited_secs } => with_help(
            tr!(
                "engine-locked",
                path = path,
                waited = waited_secs.to_string()
            ),
            "engine-locked",
        ),
        E::Query { what, message } => (tr!("engine-query", what = what, message = message), None),
        E::OutOfMemory { what, message } => with_help(
            tr!("engine-out-of-memory", what = what, message = message),
            "engine-out-of-memory",
        ),
        E::DuplicateKeys {
            key,
            source_name,
            count,
            examples,
        } => with_help(
            tr!(
                "engine-duplicate-keys",
                key = key,
                source = source_name,
                count = count.to_string(),
                examples = examples
            ),
            "engine-duplicate-keys",
        ),
        E::DuplicateLookupKeys {
            key,
            source_name,
            examples,
        } => (
            tr!(
                "engine-duplicate-lookup-keys",
                key = key,
                source = source_name,
                examples = examples
            ),
            Some(tr!(
                "engine-duplicate-lookup-keys.help",
                source = source_name
            )),
        ),
        E::MissingKeys {
            key,
            source_name,
            count,
        } => with_help(
            tr!(
                "engine-missing-keys",
                key = key,
                source = source_name,
                count = count.to_string()
            ),
            "engine-missing-keys",
        ),
        E::ExpectationsFailed { failed } => with_help(
            tr!(
                "engine-expectations-failed",
                count = failed.len().to_string()
            ),
            "engine-expectations-failed",
        ),
        E::Connect { remote, message } => with_help(
            tr!("engine-connect", remote = remote, message = message),
            "engine-connect",
        ),
        E::NotOnSpark { what } => with_help(
            tr!("engine-not-on-spark", what = what),
            "engine-not-on-spark",
        ),
        E::NotUtf8 { file, converted } => with_help(
            tr!("engine-not-utf8", file = file, converted = converted),
            "engine-not-utf8",
        ),
        E::Resources { message } => with_help(
            tr!("engine-resources", message = message),
            "engine-resources",
        ),
        E::Write { path, message } => (tr!("engine-write", path = path, message = message), None),
        E::AllowPath { path, message } => with_help(
            tr!("engine-allow-path", path = path, message = message),
            "engine-allow-path",
        ),
        E::Sandbox { message } => (tr!("engine-sandbox", message = message), None),
        E::Interrupted => with_help(tr!("engine-interrupted"), "engine-interrupted"),
        // Made in the engine's words already (`tr!` where they are made).
        E::History { message, help } | E::Why { message, help } => {
            (message.clone(), Some(help.clone()))
        }
    };
    Said {
        code,
        message,
        help,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> String {
        s.to_string()
    }

    /// In English, every variant says what its `#[error]` and `help` say,
    /// byte for byte, with the same code: the catalogue only moved them.
    #[test]
    fn english_is_the_errors_own_text() {
        let errors = vec![
            EngineError::Open {
                path: text("seg.duckdb"),
                message: text("IO Error"),
            },
            EngineError::Locked {
                path: text("seg.duckdb"),
                waited_secs: 30,
            },
            EngineError::Query {
                what: text("compute"),
                message: text("Binder Error"),
            },
            EngineError::OutOfMemory {
                what: text("compute"),
                message: text("no memory"),
            },
            EngineError::DuplicateKeys {
                key: text("customer_id"),
                source_name: text("customers"),
                count: 2,
                examples: text("`1`, `2`"),
            },
            EngineError::DuplicateLookupKeys {
                key: text("sku"),
                source_name: text("products"),
                examples: text("`a`"),
            },
            EngineError::MissingKeys {
                key: text("customer_id"),
                source_name: text("customers"),
                count: 3,
            },
            EngineError::ExpectationsFailed { failed: Vec::new() },
            EngineError::Connect {
                remote: text("sc://localhost:15002"),
                message: text("refused"),
            },
            EngineError::NotOnSpark {
                what: text("kmeans"),
            },
            EngineError::NotUtf8 {
                file: text("a.csv"),
                converted: text("a.utf8.csv"),
            },
            EngineError::Resources {
                message: text("bad"),
            },
            EngineError::Write {
                path: text("out"),
                message: text("denied"),
            },
            EngineError::AllowPath {
                path: text("data"),
                message: text("no such folder"),
            },
            EngineError::Sandbox {
                message: text("refused"),
            },
            EngineError::Interrupted,
            EngineError::History {
                message: text("no run"),
                help: text("run it"),
            },
            EngineError::Why {
                message: text("no customer"),
                help: text("customers are named by `id`"),
            },
        ];
        for e in &errors {
            let said = said(e);
            assert_eq!(said.message(), e.to_string(), "{e:?}");
            let help = miette::Diagnostic::help(e).map(|h| h.to_string());
            assert_eq!(said.help().map(String::from), help, "{e:?}");
            let code = miette::Diagnostic::code(e).map(|c| c.to_string());
            assert_eq!(Some(said.code.clone()), code, "{e:?}");
        }
    }
}
