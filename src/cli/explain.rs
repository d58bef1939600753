//! `seg explain`: what a diagnostic code means.

use seg::diagnostic::{self, Code};
use seg::i18n::tr;

use super::args::ExplainArgs;
use super::{CLEAN, output};

pub fn run(args: ExplainArgs) -> u8 {
    if args.all {
        output::stdout(&diagnostic::markdown());
        return CLEAN;
    }
    let Some(query) = args.code else {
        let mut list = String::new();
        for code in Code::ALL {
            let i = code.info();
            list.push_str(&format!("{}  {:<26} {}\n", i.code, i.name, i.summary()));
        }
        output::stdout(&list);
        return CLEAN;
    };
    match Code::find(&query) {
        Some(code) => {
            output::stdout(&diagnostic::explain(code));
            CLEAN
        }
        None => output::usage(
            tr!("explain-unknown-code", query = query.as_str()),
            Some(tr!("explain-unknown-code-help")),
        ),
    }
}
