//! `seg lsp`: the language server. Editors get the diagnostics of
//! `seg check` as the rules are typed, completion, hover, go to definition,
//! references, rename, the outline, formatting and semantic tokens.
//!
//! Everything comes from the library's own stages: each check is
//! `seg::check` on the folder's files (the open ones with their unsaved
//! text), the names and their places come from its syntax tree
//! (`index.rs`), formatting is `format::format`. The protocol's plumbing is
//! `lsp-server` (synchronous, as rust-analyzer uses it); stdio is the
//! caller's (`seg lsp` in the binary).

mod catalog;
mod complete;
mod convert;
mod edit;
mod hover;
mod index;
mod position;
mod server;
mod symbols;
mod words;
mod workspace;

pub use server::{DEBOUNCE, Options, capabilities, serve};
