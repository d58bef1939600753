//! `seg lsp`: the language server (`seg::lsp`) on stdin and stdout.

use seg::lsp::{Options, serve};

use super::args::LspArgs;
use super::{CLEAN, FAILURE, output};

pub fn run(args: LspArgs) -> u8 {
    let (connection, io) = lsp_server::Connection::stdio();
    let served = serve(&connection, Options { db: args.db });
    drop(connection);
    let joined = io.join().map_err(|e| e.to_string());
    match served.and(joined) {
        Ok(()) => CLEAN,
        Err(e) => {
            output::stderr(&format!("seg lsp: {e}\n"));
            FAILURE
        }
    }
}
