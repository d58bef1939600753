// The client: starts `seg lsp` (the `seg.path` setting) for .seg files and
// hands VS Code what it says. Everything else is the server's.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("seg");
  const args = ["lsp"];
  const db = config.get("db");
  if (db) {
    args.push("--db", db);
  }
  const server = { command: config.get("path") || "seg", args };
  client = new LanguageClient(
    "seg",
    "seg",
    { run: server, debug: server },
    {
      documentSelector: [{ scheme: "file", language: "seg" }],
      synchronize: {
        // A source's file changing changes its columns; another rule file
        // changes the rule set.
        fileEvents: vscode.workspace.createFileSystemWatcher("**/*.{seg,csv,tsv,parquet,json,jsonl,ndjson,gz}"),
      },
    },
  );
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("seg")) {
        vscode.window.showInformationMessage("seg: reload the window for the new settings to take effect");
      }
    }),
  );
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
