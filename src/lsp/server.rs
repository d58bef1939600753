//! The loop: messages in, replies and diagnostics out, on one thread.
//!
//! Edits are checked after a pause: each change pushes the deadline
//! [`DEBOUNCE`] on, and when it passes, every rule set that changed is
//! checked with its newest text and its diagnostics published. A request
//! about a rule set that changed meanwhile checks it first, so an answer
//! never comes from older text than the request saw.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::*;
use serde_json::Value;

use super::catalog::ColumnCache;
use super::workspace::{self, RuleSet};
use super::{complete, convert, edit, hover, position, symbols};
use crate::engine::Engine;
use crate::engine::history::{self, LastEdges};

/// How long typing must pause before a rule set is checked again.
pub const DEBOUNCE: Duration = Duration::from_millis(200);

/// What the command line gives the server.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--db`: the database tables are read from (read-only).
    pub db: Option<PathBuf>,
}

pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".into(), "\"".into(), "=".into()]),
            ..Default::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: symbols::legend(),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                ..Default::default()
            },
        )),
        ..Default::default()
    }
}

/// Serves one client until it says `exit` (after `shutdown`) or hangs up.
pub fn serve(connection: &Connection, options: Options) -> Result<(), String> {
    let capabilities = serde_json::to_value(capabilities()).map_err(|e| e.to_string())?;
    let init = connection
        .initialize(capabilities)
        .map_err(|e| e.to_string())?;
    let _: InitializeParams = serde_json::from_value(init).unwrap_or_default();
    let mut server = Server {
        connection,
        options,
        open: HashMap::new(),
        cache: ColumnCache::default(),
        sets: HashMap::new(),
        published: HashMap::new(),
        dirty: BTreeSet::new(),
        deadline: None,
        edges: None,
    };
    server.run()
}

struct Server<'a> {
    connection: &'a Connection,
    options: Options,
    /// Open documents by path, with the editor's text.
    open: HashMap<PathBuf, String>,
    cache: ColumnCache,
    /// The last check of each rule-set folder.
    sets: HashMap<PathBuf, RuleSet>,
    /// The files of each folder that have diagnostics in the editor.
    published: HashMap<PathBuf, Vec<PathBuf>>,
    /// Folders changed since their last check.
    dirty: BTreeSet<PathBuf>,
    deadline: Option<Instant>,
    /// The score edges of `--db`'s last run, and the file's modification
    /// time they were read at.
    edges: Option<(Option<std::time::SystemTime>, Option<LastEdges>)>,
}

impl Server<'_> {
    fn run(&mut self) -> Result<(), String> {
        loop {
            let message = match self.deadline {
                Some(deadline) => match self.connection.receiver.recv_deadline(deadline) {
                    Ok(m) => m,
                    Err(crossbeam_timeout) if crossbeam_timeout.is_timeout() => {
                        self.check_dirty();
                        continue;
                    }
                    Err(_) => return Ok(()),
                },
                None => match self.connection.receiver.recv() {
                    Ok(m) => m,
                    Err(_) => return Ok(()),
                },
            };
            match message {
                Message::Request(request) => {
                    if self
                        .connection
                        .handle_shutdown(&request)
                        .map_err(|e| e.to_string())?
                    {
                        return Ok(());
                    }
                    let response = self.request(request);
                    self.send(Message::Response(response));
                }
                Message::Notification(n) => self.notification(n),
                Message::Response(_) => {}
            }
        }
    }

    fn send(&self, message: Message) {
        let _ = self.connection.sender.send(message);
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(n.params) {
                    self.changed(
                        &p.text_document.uri,
                        Some(p.text_document.text),
                        Duration::ZERO,
                    );
                }
            }
            note::DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(n.params) {
                    // Full sync: the last change is the whole text.
                    let text = p.content_changes.into_iter().last().map(|c| c.text);
                    self.changed(&p.text_document.uri, text, DEBOUNCE);
                }
            }
            note::DidSaveTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidSaveTextDocumentParams>(n.params) {
                    self.changed(&p.text_document.uri, p.text, Duration::ZERO);
                }
            }
            note::DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(n.params)
                    && let Some(path) = convert::path(&p.text_document.uri)
                {
                    self.open.remove(&path);
                    self.mark(&path, Duration::ZERO);
                }
            }
            note::DidChangeWatchedFiles::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidChangeWatchedFilesParams>(n.params) {
                    for change in p.changes {
                        if let Some(path) = convert::path(&change.uri) {
                            self.file_changed(&path);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// A document's new text (`None`: as on disk); its folder is checked
    /// after `delay`.
    fn changed(&mut self, uri: &Uri, text: Option<String>, delay: Duration) {
        let Some(path) = convert::path(uri) else {
            return;
        };
        if let Some(text) = text {
            self.open.insert(path.clone(), text);
        }
        self.mark(&path, delay);
    }

    /// A file changed on disk: a rule file changes its folder's rule set;
    /// any other may be a source of any rule set seen so far.
    fn file_changed(&mut self, path: &Path) {
        if path.extension().is_some_and(|e| e == "seg") {
            self.mark(path, Duration::ZERO);
            return;
        }
        let folders: Vec<PathBuf> = self.sets.keys().cloned().collect();
        for folder in folders {
            self.mark_folder(folder, Duration::ZERO);
        }
    }

    fn mark(&mut self, path: &Path, delay: Duration) {
        if let Some(folder) = path.parent() {
            self.mark_folder(folder.to_path_buf(), delay);
        }
    }

    /// The folder's rule set is checked after `delay`.
    fn mark_folder(&mut self, folder: PathBuf, delay: Duration) {
        self.dirty.insert(folder);
        let deadline = Instant::now() + delay;
        // A later edit moves the check later; an open or save keeps it soon.
        self.deadline = Some(match self.deadline {
            Some(d) if delay.is_zero() => d.min(deadline),
            _ => deadline,
        });
    }

    fn check_dirty(&mut self) {
        self.deadline = None;
        for folder in std::mem::take(&mut self.dirty) {
            self.check(&folder);
        }
    }

    /// Checks a folder's rule set and publishes its diagnostics, file by
    /// file (an empty list for a file whose problems are gone).
    fn check(&mut self, folder: &Path) {
        self.dirty.remove(folder);
        let previous = self.sets.remove(folder).and_then(|s| s.program);
        let db = self.options.db.as_deref();
        let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            workspace::check(folder, &self.open, &self.cache, db, previous)
        }));
        // A bug that panics leaves the folder unchecked, not the editor
        // without a server.
        let Ok(set) = checked else { return };
        let mut by_file: HashMap<PathBuf, Vec<lsp_types::Diagnostic>> = set
            .files
            .iter()
            .map(|(_, f)| (f.path.clone(), Vec::new()))
            .collect();
        for d in &set.diagnostics {
            let Some(label) = &d.primary else { continue };
            let path = set.files.get(label.span.file).path.clone();
            by_file
                .entry(path)
                .or_default()
                .push(convert::diagnostic(&set.files, d));
        }
        for gone in self.published.remove(folder).unwrap_or_default() {
            by_file.entry(gone).or_default();
        }
        let mut paths: Vec<PathBuf> = by_file.keys().cloned().collect();
        paths.sort();
        for path in &paths {
            let params =
                PublishDiagnosticsParams::new(convert::uri(path), by_file[path].clone(), None);
            self.send(Message::Notification(Notification::new(
                note::PublishDiagnostics::METHOD.to_string(),
                params,
            )));
        }
        let with_problems = paths
            .into_iter()
            .filter(|p| !by_file[p].is_empty())
            .collect();
        self.published.insert(folder.to_path_buf(), with_problems);
        self.sets.insert(folder.to_path_buf(), set);
    }

    /// The up-to-date rule set of a document, and the document's file in it.
    fn document(&mut self, uri: &Uri) -> Option<(&RuleSet, crate::source::FileId)> {
        let path = convert::path(uri)?;
        let folder = path.parent()?.to_path_buf();
        if self.dirty.contains(&folder) || !self.sets.contains_key(&folder) {
            self.check(&folder);
        }
        let set = self.sets.get(&folder)?;
        Some((set, set.file(&path)?))
    }

    /// The reply to a request. A bug that panics answers this request
    /// with an error (the panic is on stderr, the editor's log) and the
    /// server goes on.
    fn request(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        let answered =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.answer(request)));
        match answered {
            Ok(Ok(value)) => Response::new_ok(id, value),
            Ok(Err((code, message))) => Response::new_err(id, code as i32, message),
            Err(_) => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                "seg lsp failed on this request: a bug in seg, please report it".into(),
            ),
        }
    }

    fn answer(&mut self, request: Request) -> Result<Value, (ErrorCode, String)> {
        let method = request.method.clone();
        let params = request.params;
        match method.as_str() {
            req::Completion::METHOD => {
                let p: CompletionParams = parse(params)?;
                let at = p.text_document_position;
                let items = self.at(&at, |set, cache, file, offset| {
                    complete::complete(set, cache, file, offset)
                });
                json(&items.map(CompletionResponse::Array))
            }
            req::HoverRequest::METHOD => {
                let p: HoverParams = parse(params)?;
                let edges = self.last_edges();
                let hover = self.at(
                    &p.text_document_position_params,
                    |set, cache, file, offset| {
                        hover::hover(set, cache, file, offset, edges.as_ref())
                    },
                );
                json(&hover.flatten().map(|text| Hover {
                    contents: HoverContents::Markup(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value: text,
                    }),
                    range: None,
                }))
            }
            req::GotoDefinition::METHOD => {
                let p: GotoDefinitionParams = parse(params)?;
                let found = self.at(&p.text_document_position_params, |set, _, file, offset| {
                    edit::definition(set, file, offset)
                });
                json(&found.flatten().map(GotoDefinitionResponse::Scalar))
            }
            req::References::METHOD => {
                let p: ReferenceParams = parse(params)?;
                let declaration = p.context.include_declaration;
                let found = self.at(&p.text_document_position, |set, _, file, offset| {
                    edit::references(set, file, offset, declaration)
                });
                json(&found)
            }
            req::PrepareRenameRequest::METHOD => {
                let p: TextDocumentPositionParams = parse(params)?;
                let found = self.at(&p, |set, _, file, offset| {
                    edit::prepare_rename(set, file, offset)
                });
                match found.flatten() {
                    Some(range) => json(&PrepareRenameResponse::Range(range)),
                    None => Err((ErrorCode::RequestFailed, "only a metric, score, param, tag, segmentation, label or source can be renamed".into())),
                }
            }
            req::Rename::METHOD => {
                let p: RenameParams = parse(params)?;
                let new_name = p.new_name.clone();
                let found = self.at(&p.text_document_position, |set, _, file, offset| {
                    edit::rename(set, file, offset, &new_name)
                });
                match found {
                    Some(Ok(edit)) => json(&edit),
                    Some(Err(why)) => Err((ErrorCode::InvalidParams, why)),
                    None => json(&Value::Null),
                }
            }
            req::Formatting::METHOD => {
                let p: DocumentFormattingParams = parse(params)?;
                let (set, file) = self
                    .document(&p.text_document.uri)
                    .ok_or_else(unknown_document)?;
                match edit::format(set, file) {
                    Ok(edits) => json(&edits),
                    Err(why) => Err((ErrorCode::RequestFailed, why)),
                }
            }
            req::CodeActionRequest::METHOD => {
                let p: CodeActionParams = parse(params)?;
                let uri = p.text_document.uri.clone();
                let actions = edit::quick_fixes(&uri, &p.context.diagnostics);
                json(&actions)
            }
            req::DocumentSymbolRequest::METHOD => {
                let p: DocumentSymbolParams = parse(params)?;
                let (set, file) = self
                    .document(&p.text_document.uri)
                    .ok_or_else(unknown_document)?;
                json(&DocumentSymbolResponse::Nested(symbols::outline(set, file)))
            }
            req::WorkspaceSymbolRequest::METHOD => {
                let p: WorkspaceSymbolParams = parse(params)?;
                self.check_dirty();
                let mut folders: Vec<&PathBuf> = self.sets.keys().collect();
                folders.sort();
                let found: Vec<SymbolInformation> = folders
                    .into_iter()
                    .flat_map(|f| symbols::search(&self.sets[f], &p.query))
                    .collect();
                json(&WorkspaceSymbolResponse::Flat(found))
            }
            req::SemanticTokensFullRequest::METHOD => {
                let p: SemanticTokensParams = parse(params)?;
                let (set, file) = self
                    .document(&p.text_document.uri)
                    .ok_or_else(unknown_document)?;
                json(&SemanticTokensResult::Tokens(SemanticTokens {
                    result_id: None,
                    data: symbols::tokens(set, file),
                }))
            }
            other => Err((
                ErrorCode::MethodNotFound,
                format!("seg lsp does not answer `{other}`"),
            )),
        }
    }

    /// Runs `f` on the document's rule set at the request's position.
    /// The score edges of the last run in `--db`, read again when the file
    /// changed; the ones read before while another process holds it.
    fn last_edges(&mut self) -> Option<LastEdges> {
        let db = self.options.db.as_ref()?;
        let modified = std::fs::metadata(db).and_then(|m| m.modified()).ok();
        if self.edges.as_ref().is_none_or(|(at, _)| *at != modified) {
            let read = Engine::open_read_only(db).and_then(|e| history::last_score_edges(&e));
            if let Ok(edges) = read {
                self.edges = Some((modified, edges));
            }
        }
        self.edges.as_ref().and_then(|(_, e)| e.clone())
    }

    fn at<T>(
        &mut self,
        at: &TextDocumentPositionParams,
        f: impl FnOnce(&RuleSet, &ColumnCache, crate::source::FileId, usize) -> T,
    ) -> Option<T> {
        let path = convert::path(&at.text_document.uri)?;
        let folder = path.parent()?.to_path_buf();
        if self.dirty.contains(&folder) || !self.sets.contains_key(&folder) {
            self.check(&folder);
        }
        let set = self.sets.get(&folder)?;
        let file = set.file(&path)?;
        let offset = position::offset(&set.files.get(file).text, at.position);
        Some(f(set, &self.cache, file, offset))
    }
}

fn parse<T: serde::de::DeserializeOwned>(params: Value) -> Result<T, (ErrorCode, String)> {
    serde_json::from_value(params).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

fn unknown_document() -> (ErrorCode, String) {
    (
        ErrorCode::InvalidParams,
        "not a .seg file seg lsp knows".to_string(),
    )
}

fn json<T: serde::Serialize>(value: &T) -> Result<Value, (ErrorCode, String)> {
    serde_json::to_value(value).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}
