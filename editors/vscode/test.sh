#!/usr/bin/env bash
# Tests the VS Code extension: the TextMate grammar against the expected
# scopes in tests/*.seg (vscode-tmgrammar-test), then packages it with
# `vsce package` (into a temporary folder: the .vsix is not kept).
# Needs node and npm; fails, never skips, without them. npm's cache is kept
# outside the clone (SEG_NPM_CACHE, default /var/tmp/seg-npm-cache).
set -euo pipefail
cd "$(dirname "$0")"
for tool in node npm; do
  command -v "$tool" > /dev/null || { echo "editors/vscode/test.sh: $tool is missing" >&2; exit 1; }
done
export npm_config_cache="${SEG_NPM_CACHE:-/var/tmp/seg-npm-cache}"
npm ci --no-audit --no-fund --prefer-offline --loglevel=error
npx --no-install vscode-tmgrammar-test 'tests/*.seg'
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
npx --no-install vsce package --out "$out/seg.vsix"
test -s "$out/seg.vsix"
# The package holds the client, the grammar and the language client library.
listing="$(python3 -m zipfile -l "$out/seg.vsix")"
for part in extension/extension.js extension/syntaxes/seg.tmLanguage.json \
  extension/language-configuration.json extension/node_modules/vscode-languageclient/; do
  grep -qF "$part" <<< "$listing" || { echo "seg.vsix lacks $part" >&2; exit 1; }
done
echo "editors/vscode: grammar tests passed, packaged"
