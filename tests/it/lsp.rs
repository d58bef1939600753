//! `seg lsp` driven as an editor drives it: the real binary, JSON-RPC with
//! Content-Length framing over its stdin and stdout.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use insta_cmd::get_cargo_bin;
use serde_json::{Value, json};

use super::support::fixture;

/// How long a reply may take (a check describes the sources with DuckDB).
const PATIENCE: Duration = Duration::from_secs(30);

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    /// Notifications that came while waiting for something else.
    pending: Vec<Value>,
    next_id: i64,
    /// The folder's URI, written `file:///[dir]` in snapshots.
    root: String,
}

impl Client {
    fn start(dir: &Path) -> Client {
        Client::start_with(dir, &[])
    }

    fn start_with(dir: &Path, args: &[&str]) -> Client {
        let mut child = Command::new(get_cargo_bin("seg"))
            .arg("lsp")
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("seg lsp starts");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (send, messages) = channel();
        std::thread::spawn(move || {
            while let Some(message) = read_message(&mut stdout) {
                if send.send(message).is_err() {
                    break;
                }
            }
        });
        let root = uri(dir).trim_end_matches('/').to_string();
        let mut client = Client {
            child,
            stdin,
            messages,
            pending: Vec::new(),
            next_id: 0,
            root,
        };
        let init = client.request(
            "initialize",
            json!({"processId": null, "rootUri": client.root, "capabilities": {}}),
        );
        assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The reply's `result`; an error reply fails the test.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let reply = self.reply(method, params);
        assert!(reply.get("error").is_none(), "{method}: {reply}");
        reply["result"].clone()
    }

    /// The whole reply, `result` or `error`.
    fn reply(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.next(method);
            if message["id"] == id {
                return message;
            }
            self.pending.push(message);
        }
    }

    fn next(&mut self, waiting_for: &str) -> Value {
        match self.messages.recv_timeout(PATIENCE) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => panic!("no {waiting_for} within {PATIENCE:?}"),
            Err(RecvTimeoutError::Disconnected) => {
                panic!("seg lsp hung up waiting for {waiting_for}")
            }
        }
    }

    /// The next diagnostics published for a file.
    fn diagnostics(&mut self, file: &str) -> Value {
        let uri = format!("{}/{file}", self.root);
        let is_it = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        };
        if let Some(i) = self.pending.iter().position(is_it) {
            return self.pending.remove(i)["params"]["diagnostics"].clone();
        }
        loop {
            let message = self.next("publishDiagnostics");
            if is_it(&message) {
                return message["params"]["diagnostics"].clone();
            }
            self.pending.push(message);
        }
    }

    fn document(&self, file: &str) -> Value {
        json!({"uri": format!("{}/{file}", self.root)})
    }

    fn at(&self, file: &str, line: u32, character: u32) -> Value {
        json!({"textDocument": self.document(file), "position": {"line": line, "character": character}})
    }

    /// JSON with this run's folder written `[dir]`.
    fn portable(&self, value: &Value) -> String {
        serde_json::to_string_pretty(value)
            .unwrap()
            .replace(&self.root, "file:///[dir]")
    }

    /// `shutdown`, `exit`, and the exit status.
    fn stop(mut self) -> std::process::ExitStatus {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(started.elapsed() < PATIENCE, "seg lsp did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn read_message(stdout: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if stdout.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    stdout.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn uri(path: &Path) -> String {
    let path = std::fs::canonicalize(path).unwrap();
    let mut text = String::from("file://");
    for &b in path.to_string_lossy().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            text.push(b as char);
        } else {
            text.push_str(&format!("%{b:02X}"));
        }
    }
    text
}

const SOURCES: &str = "\
source customers from \"customers.csv\" key customer_id
source orders from \"orders.csv\" by customer_id at ordered_at

metric frequency = count(orders)
metric monetary = sum(orders.amount)
score value = quintile(monetary)
";

/// A Chinese label and an emoji before the misspelt name, so its column
/// is right only when counted in UTF-16 units (`frequncy` starts at unit
/// 18, byte 26).
const RULES: &str = "\
tier \"高价值🎉\" when frequncy >= 2 and region = \"north\"
tier B    otherwise
tag top when tier = \"B\" and value >= 4 and monetary > 10
describe tier \"高价值🎉\" as \"Our best\", colour teal
";

/// A rule set of two files in a folder of its own, with the data.
fn rule_set() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for data in ["customers.csv", "orders.csv"] {
        std::fs::copy(fixture("data").join(data), dir.path().join(data)).unwrap();
    }
    std::fs::write(dir.path().join("sources.seg"), SOURCES).unwrap();
    std::fs::write(dir.path().join("rules.seg"), RULES).unwrap();
    dir
}

fn open(client: &mut Client, file: &str, text: &str) {
    let document = json!({"uri": client.document(file)["uri"], "languageId": "seg", "version": 1, "text": text});
    client.notify("textDocument/didOpen", json!({"textDocument": document}));
}

/// The labels of completion items, in the order the server sorts them.
fn labels(items: &Value) -> Vec<String> {
    let mut items: Vec<&Value> = items.as_array().unwrap().iter().collect();
    items.sort_by_key(|i| {
        i["sortText"]
            .as_str()
            .unwrap_or(i["label"].as_str().unwrap())
            .to_string()
    });
    items
        .iter()
        .map(|i| {
            format!(
                "{} ({})",
                i["label"].as_str().unwrap(),
                i["detail"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn an_editor_session_from_a_typo_to_its_fix() {
    let dir = rule_set();
    let mut client = Client::start(dir.path());
    open(&mut client, "rules.seg", RULES);

    // The typo, where it is, with its code and did-you-mean; the other
    // file of the rule set is clean.
    let diagnostics = client.diagnostics("rules.seg");
    assert_eq!(diagnostics.as_array().unwrap().len(), 1, "{diagnostics}");
    let typo = &diagnostics[0];
    assert_eq!(typo["code"], "E101");
    assert_eq!(
        typo["range"],
        json!({"start": {"line": 0, "character": 18}, "end": {"line": 0, "character": 26}})
    );
    assert!(
        typo["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `frequency`?"),
        "{typo}"
    );
    assert_eq!(client.diagnostics("sources.seg"), json!([]));
    insta::assert_snapshot!("lsp_typo", client.portable(&diagnostics));

    // Its quick fix writes the suggestion in its place.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": client.document("rules.seg"), "range": typo["range"], "context": {"diagnostics": [typo]}}),
    );
    assert_eq!(actions[0]["title"], "E101: change to `frequency`");
    let edit = &actions[0]["edit"]["changes"][format!("{}/rules.seg", client.root)][0];
    assert_eq!(edit["newText"], "frequency");
    assert_eq!(edit["range"], typo["range"]);

    // Inside a condition: the rule set's names, the customer columns with
    // their types as DuckDB read them, then the functions.
    let inside = client.request("textDocument/completion", client.at("rules.seg", 0, 36));
    let inside = labels(&inside);
    assert!(
        inside.contains(&"region (customers: VARCHAR)".to_string()),
        "{inside:#?}"
    );
    insta::assert_snapshot!("lsp_completion_in_condition", inside.join("\n"));
    // After `tier = `: the labels of `tier`, quoted.
    let compared = client.request("textDocument/completion", client.at("rules.seg", 2, 20));
    assert_eq!(
        labels(&compared),
        ["高价值🎉 (label of tier)", "B (label of tier)"]
    );
    assert_eq!(compared[0]["textEdit"]["newText"], "\"高价值🎉\"");
    // After `orders.`: the columns of orders.
    let columns = client.request("textDocument/completion", client.at("sources.seg", 4, 29));
    assert_eq!(
        labels(&columns)[..4],
        [
            "order_id (orders: BIGINT)",
            "customer_id (orders: BIGINT)",
            "ordered_at (orders: TIMESTAMP)",
            "amount (orders: DOUBLE)"
        ]
    );
    // At the start of a line: the line forms, and the segmentations.
    let starts = labels(&client.request("textDocument/completion", client.at("rules.seg", 4, 0)));
    assert_eq!(
        starts.first().map(String::as_str),
        Some("as of (the date the rules are evaluated at)")
    );
    assert!(
        starts.contains(&"tier (segmentation: another rule)".to_string()),
        "{starts:#?}"
    );

    // Hover: a metric's definition, a column's type and source, a label's
    // description, and the explanation of the diagnostic's code.
    let hover = |client: &mut Client, line, character| {
        let reply = client.request(
            "textDocument/hover",
            client.at("rules.seg", line, character),
        );
        reply["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    let monetary = hover(&mut client, 2, 48);
    assert!(
        monetary.starts_with("```seg\nmetric monetary = sum(orders.amount)\n```"),
        "{monetary}"
    );
    let region = hover(&mut client, 0, 41);
    assert!(
        region.starts_with("column `region` of `customers` ("),
        "{region}"
    );
    assert!(region.ends_with("customers.csv): **VARCHAR**"), "{region}");
    let label = hover(&mut client, 3, 17);
    assert!(
        label.contains("Our best") && label.contains("colour: `teal`"),
        "{label}"
    );
    let explained = hover(&mut client, 0, 20);
    assert!(explained.contains("## E101"), "{explained}");

    // Definition across files, and every reference.
    let definition = client.request("textDocument/definition", client.at("rules.seg", 2, 48));
    assert_eq!(definition["uri"], format!("{}/sources.seg", client.root));
    assert_eq!(
        definition["range"]["start"],
        json!({"line": 4, "character": 7})
    );
    let references = client.request(
        "textDocument/references",
        json!({"textDocument": client.document("sources.seg"), "position": {"line": 4, "character": 9}, "context": {"includeDeclaration": true}}),
    );
    insta::assert_snapshot!("lsp_references", client.portable(&references));

    // Rename a metric from a use in one file: its definition in the other
    // and every use change; a name that is not one is refused.
    let rename = client.request(
        "textDocument/rename",
        json!({"textDocument": client.document("rules.seg"), "position": {"line": 2, "character": 48}, "newName": "spend"}),
    );
    insta::assert_snapshot!("lsp_rename", client.portable(&sorted_changes(&rename)));
    let refused = client.reply(
        "textDocument/rename",
        json!({"textDocument": client.document("rules.seg"), "position": {"line": 2, "character": 48}, "newName": "big spend"}),
    );
    assert_eq!(
        refused["error"]["message"],
        "`big spend` is not a name a metric can have"
    );

    // Formatting: `seg fmt`'s layout, as one edit.
    let formatted = client.request("textDocument/formatting", json!({"textDocument": client.document("rules.seg"), "options": {"tabSize": 4, "insertSpaces": true}}));
    insta::assert_snapshot!("lsp_formatting", formatted[0]["newText"].as_str().unwrap());

    // The outline and the workspace's symbols.
    let outline = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": client.document("rules.seg")}),
    );
    insta::assert_snapshot!("lsp_outline", client.portable(&outline));
    let found = client.request("workspace/symbol", json!({"query": "freq"}));
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    assert_eq!(
        found[0]["location"]["uri"],
        format!("{}/sources.seg", client.root)
    );

    // Semantic tokens, decoded: line, column, length (UTF-16), type.
    let tokens = client.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": client.document("rules.seg")}),
    );
    insta::assert_snapshot!(
        "lsp_semantic_tokens",
        decode_tokens(&tokens["data"], &RULES.lines().collect::<Vec<_>>())
    );

    // Fixing the typo clears its diagnostic; the score then has its range.
    let fixed = RULES.replace("frequncy", "frequency");
    let change = json!({"textDocument": {"uri": client.document("rules.seg")["uri"], "version": 2}, "contentChanges": [{"text": fixed}]});
    client.notify("textDocument/didChange", change);
    assert_eq!(client.diagnostics("rules.seg"), json!([]));
    let value = hover(&mut client, 2, 30);
    assert!(
        value.contains("score from **1 to 5**: 5 the best, 1 the worst"),
        "{value}"
    );

    assert!(client.stop().success());
}

/// A rename's edits, by file and position.
fn sorted_changes(edit: &Value) -> Value {
    let mut changes: Vec<(String, Value)> = edit["changes"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(uri, edits)| {
            let mut edits = edits.as_array().unwrap().clone();
            edits.sort_by_key(|e| {
                (
                    e["range"]["start"]["line"].as_u64(),
                    e["range"]["start"]["character"].as_u64(),
                )
            });
            (uri.clone(), Value::Array(edits))
        })
        .collect();
    changes.sort_by(|a, b| a.0.cmp(&b.0));
    Value::Array(
        changes
            .into_iter()
            .map(|(uri, edits)| json!({"uri": uri, "edits": edits}))
            .collect(),
    )
}

/// `line:column text type` for each token.
fn decode_tokens(data: &Value, lines: &[&str]) -> String {
    let types = [
        "keyword",
        "namespace",
        "parameter",
        "variable",
        "enum",
        "enumMember",
        "property",
        "function",
        "string",
        "number",
        "comment",
    ];
    let numbers: Vec<u64> = data
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect();
    let (mut line, mut column) = (0, 0);
    let mut out = String::new();
    for token in numbers.chunks(5) {
        if token[0] > 0 {
            line += token[0];
            column = token[1];
        } else {
            column += token[1];
        }
        let units: Vec<u16> = lines[line as usize].encode_utf16().collect();
        let text =
            String::from_utf16(&units[column as usize..(column + token[2]) as usize]).unwrap();
        let modifiers = match token[4] {
            0 => "",
            1 => " declaration",
            2 => " readonly",
            _ => " declaration readonly",
        };
        out.push_str(&format!(
            "{line}:{column} {text} {}{modifiers}\n",
            types[token[3] as usize]
        ));
    }
    out
}

#[test]
fn a_file_with_syntax_errors_still_has_diagnostics_and_answers() {
    let dir = rule_set();
    let mut client = Client::start(dir.path());
    let broken = "metric frequency_x = (count(orders) +\ntier A when\nmetric ok = 1\n";
    std::fs::write(dir.path().join("broken.seg"), broken).unwrap();
    open(&mut client, "broken.seg", broken);
    let diagnostics = client.diagnostics("broken.seg");
    let codes: Vec<&str> = diagnostics
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["E001", "E001"], "{diagnostics}");
    // The statements that parse are still there for the outline, and a
    // request anywhere in the broken ones gets an answer, not a crash.
    let outline = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": client.document("broken.seg")}),
    );
    let names: Vec<&str> = outline
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ok"]);
    for (line, character) in [(0, 38), (1, 11), (0, 0), (9, 9)] {
        client.request(
            "textDocument/completion",
            client.at("broken.seg", line, character),
        );
        client.request(
            "textDocument/hover",
            client.at("broken.seg", line, character),
        );
        client.request(
            "textDocument/definition",
            client.at("broken.seg", line, character),
        );
    }
    let formatted = client.request("textDocument/formatting", json!({"textDocument": client.document("broken.seg"), "options": {"tabSize": 4, "insertSpaces": true}}));
    assert_eq!(
        formatted,
        json!([]),
        "a file that does not parse is left alone"
    );
    assert!(client.stop().success());
}

/// The TextMate grammar of the VS Code extension knows every keyword of
/// the grammar (`kw_` rules), as a whole word in one of its patterns.
#[test]
fn the_editor_grammar_highlights_every_keyword() {
    let grammar = std::fs::read_to_string("grammar/seg.pest").unwrap();
    let textmate = std::fs::read_to_string("editors/vscode/syntaxes/seg.tmLanguage.json").unwrap();
    let textmate: Value = serde_json::from_str(&textmate).unwrap();
    let mut patterns = Vec::new();
    collect_matches(&textmate, &mut patterns);
    let alternatives: Vec<&str> = patterns
        .iter()
        .flat_map(|p| p.split(['(', ')', '|']))
        .map(|a| {
            a.trim_start_matches("?:")
                .trim_start_matches("\\b")
                .trim_end_matches("\\b")
        })
        .collect();
    let mut missing = Vec::new();
    for line in grammar.lines().filter(|l| l.starts_with("kw_")) {
        for (i, keyword) in line.split('"').enumerate() {
            if i % 2 == 1 && !alternatives.contains(&keyword) {
                missing.push(keyword.to_string());
            }
        }
    }
    assert!(missing.is_empty(), "not highlighted: {missing:?}");
}

fn collect_matches(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("match" | "begin", Value::String(s)) => out.push(s.clone()),
                    _ => collect_matches(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_matches(v, out)),
        _ => {}
    }
}

/// The columns are read once and kept; a source file that changes on disk
/// is described again (here: a column added), and the rule set checked.
#[test]
fn a_source_file_that_changes_is_described_again() {
    let dir = rule_set();
    let mut client = Client::start(dir.path());
    open(&mut client, "rules.seg", RULES);
    client.diagnostics("rules.seg");
    let completion = |client: &mut Client| {
        labels(&client.request("textDocument/completion", client.at("rules.seg", 0, 36)))
    };
    assert!(
        !completion(&mut client)
            .iter()
            .any(|l| l.starts_with("loyalty"))
    );

    let customers = dir.path().join("customers.csv");
    let csv = std::fs::read_to_string(&customers).unwrap();
    let mut lines = csv.lines();
    let mut grown = format!("{},loyalty\n", lines.next().unwrap());
    for line in lines {
        grown.push_str(&format!("{line},7\n"));
    }
    std::fs::write(&customers, grown).unwrap();
    // Later than the first read for certain, however coarse the clock.
    let later = std::time::SystemTime::now() + Duration::from_secs(5);
    let file = std::fs::File::options()
        .write(true)
        .open(&customers)
        .unwrap();
    file.set_modified(later).unwrap();
    let changed =
        json!({"changes": [{"uri": format!("{}/customers.csv", client.root), "type": 2}]});
    client.notify("workspace/didChangeWatchedFiles", changed);
    client.diagnostics("rules.seg");
    assert!(completion(&mut client).contains(&"loyalty (customers: BIGINT)".to_string()));
    assert!(client.stop().success());
}

#[test]
fn a_score_shows_its_bucket_edges_from_the_last_run_with_db() {
    let dir = rule_set();
    let fixed = RULES.replace("frequncy", "frequency");
    std::fs::write(dir.path().join("rules.seg"), &fixed).unwrap();
    let run = Command::new(get_cargo_bin("seg"))
        .current_dir(dir.path())
        .args([
            "run",
            ".",
            "--db",
            "seg.duckdb",
            "--as-of",
            "2025-07-01",
            "--quiet",
        ])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let mut client = Client::start_with(dir.path(), &["--db", "seg.duckdb"]);
    open(&mut client, "rules.seg", &fixed);
    assert_eq!(client.diagnostics("rules.seg"), json!([]));
    // monetary before 2025-07-01, by hand: customer 5 has no orders (0),
    // 4 has 15, 2 has 35, 1 has 120.50 + 80 + 200, 6 has 500, 3 has
    // 999 + 60 + 60. Quintiles of six by 5 * (rank - 1) // 6 + 1: the two
    // lowest in bucket 1, then one in each.
    let reply = client.request("textDocument/hover", client.at("rules.seg", 2, 30));
    let value = reply["contents"]["value"].as_str().unwrap_or("");
    assert!(
        value.ends_with(
            "buckets in run 1 (as of 2025-07-01):\n\
             - 1: 0 to 15 (2 customers)\n\
             - 2: 35 to 35 (1 customer)\n\
             - 3: 400.50 to 400.50 (1 customer)\n\
             - 4: 500 to 500 (1 customer)\n\
             - 5: 1119 to 1119 (1 customer)"
        ),
        "{value}"
    );
    assert!(client.stop().success());
}
