#!/usr/bin/env python3
"""How long `seg lsp` takes to answer, as an editor sees it.

    bench/lsp.py SEG RULES_FOLDER [ROUNDS]

Opens the folder's first rule file, then ROUNDS times changes it (a
misspelt name, then the fixed text) and measures from the didChange
notification to its publishDiagnostics (the 200 ms pause the server waits
for typing to stop included), and a completion and a hover request. Prints
medians in milliseconds. The machine is shared: read the figures as such.
"""
import json, os, statistics, subprocess, sys, time

seg, folder = sys.argv[1], os.path.abspath(sys.argv[2])
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 20
files = sorted(f for f in os.listdir(folder) if f.endswith(".seg"))
path = os.path.join(folder, files[0])
uri = "file://" + path
text = open(path, encoding="utf-8").read()
proc = subprocess.Popen([seg, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
next_id = 0

def send(message):
    body = json.dumps(message).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()

def read():
    length = None
    while True:
        line = proc.stdout.readline().strip()
        if not line:
            break
        if line.startswith(b"Content-Length:"):
            length = int(line.split(b":")[1])
    return json.loads(proc.stdout.read(length))

def request(method, params):
    global next_id
    next_id += 1
    send({"jsonrpc": "2.0", "id": next_id, "method": method, "params": params})
    while True:
        m = read()
        if m.get("id") == next_id:
            return m

def diagnostics():
    while True:
        m = read()
        if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri:
            return m["params"]["diagnostics"]

request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
start = time.perf_counter()
send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
      "params": {"textDocument": {"uri": uri, "languageId": "seg", "version": 1, "text": text}}})
diagnostics()
first = (time.perf_counter() - start) * 1000
changes, completions, hovers = [], [], []
lines = text.splitlines()
line = next(i for i, l in enumerate(lines) if " when " in l or " = " in l)
column = len(lines[line].encode("utf-16-le")) // 2
for r in range(rounds):
    new = text.replace(" when ", " when frequncy > 0 and ", 1) if r % 2 == 0 else text
    start = time.perf_counter()
    send({"jsonrpc": "2.0", "method": "textDocument/didChange",
          "params": {"textDocument": {"uri": uri, "version": r + 2}, "contentChanges": [{"text": new}]}})
    diagnostics()
    changes.append((time.perf_counter() - start) * 1000)
    at = {"textDocument": {"uri": uri}, "position": {"line": line, "character": column}}
    start = time.perf_counter()
    request("textDocument/completion", at)
    completions.append((time.perf_counter() - start) * 1000)
    start = time.perf_counter()
    request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": line, "character": 2}})
    hovers.append((time.perf_counter() - start) * 1000)
request("shutdown", None)
send({"jsonrpc": "2.0", "method": "exit", "params": None})
proc.wait()
print(f"{len(files)} files in {folder}, {rounds} rounds")
print(f"open → diagnostics (first check, DuckDB describes the sources): {first:.0f} ms")
print(f"change → diagnostics (200 ms pause + check): median {statistics.median(changes):.0f} ms")
print(f"completion: median {statistics.median(completions):.1f} ms")
print(f"hover: median {statistics.median(hovers):.1f} ms")
