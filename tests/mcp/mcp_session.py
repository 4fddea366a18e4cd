#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A scripted session with `heapscope-cli mcp`: the handshake, tools/list, the tools on the
fixtures (their JSON equal to the CLI's --json for the same data), and malformed messages, each
answered with the proper error while the server stays up; it exits 0 at the end of its input.

usage: mcp_session.py HEAPSCOPE_CLI DATA_DIR
"""
import json
import os
import subprocess
import sys
import tempfile

CLI, DATA = sys.argv[1], sys.argv[2]
TINY = os.path.join(DATA, "tiny-node20.heapsnapshot.gz")
LEAK_A = os.path.join(DATA, "leak-A-node20.heapsnapshot.gz")
LEAK_B = os.path.join(DATA, "leak-B-node20.heapsnapshot.gz")
SERIES = [os.path.join(DATA, f"leak2-{x}-node20.heapsnapshot.gz") for x in "ABC"]
TOOLS = {"open_snapshot", "close_snapshot", "list_snapshots", "summary", "node", "retainer_paths",
         "compare", "statistics", "trend", "leaks"}

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def cli_json(*args):
    out = subprocess.run([CLI, *args], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


server = subprocess.Popen([CLI, "mcp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
notifications = []
next_id = [0]


def send_line(line):
    server.stdin.write(line + "\n")
    server.stdin.flush()


def receive():
    """The next response; notifications met on the way are kept."""
    while True:
        line = server.stdout.readline()
        if not line:
            raise SystemExit("FAIL: the server closed its output (exit status %s)" % server.poll())
        check(line.endswith("\n") and "\n" not in line[:-1], "one message a line")
        message = json.loads(line)
        check(message.get("jsonrpc") == "2.0", "jsonrpc 2.0 in every message")
        if "id" in message:
            return message
        notifications.append(message)


def request(method, params=None, id=None):
    next_id[0] += 1
    rid = next_id[0] if id is None else id
    message = {"jsonrpc": "2.0", "id": rid, "method": method}
    if params is not None:
        message["params"] = params
    send_line(json.dumps(message))
    response = receive()
    check(response["id"] == rid, f"{method}: the answer carries the request's id")
    return response


def error_code(response):
    return response.get("error", {}).get("code")


def call(name, arguments=None, progress=None):
    params = {"name": name, "arguments": arguments or {}}
    if progress is not None:
        params["_meta"] = {"progressToken": progress}
    response = request("tools/call", params)
    check("result" in response, f"{name}: a result")
    return response["result"]


def structured(name, result):
    check(result.get("isError") is False, f"{name}: not an error ({result.get('content')})")
    data = result.get("structuredContent")
    texts = [c for c in result.get("content", []) if c.get("type") == "text"]
    check(len(texts) == 1 and json.loads(texts[0]["text"]) == data, f"{name}: the text block holds the same JSON")
    return data


def tool_error(name, result, fragment):
    check(result.get("isError") is True, f"{name}: isError ({result})")
    text = " ".join(c.get("text", "") for c in result.get("content", []))
    check(fragment in text, f"{name}: message names '{fragment}' ({text})")


def still_up():
    check(request("ping").get("result") == {}, "ping answered: the server is still up")


# -- the handshake --------------------------------------------------------------------------
init = request("initialize", {"protocolVersion": "2025-11-25", "capabilities": {},
                              "clientInfo": {"name": "mcp_session.py", "version": "1"}})
check(init["result"]["protocolVersion"] == "2025-11-25", "initialize: the client's revision")
check("tools" in init["result"]["capabilities"], "initialize: tools capability")
check(init["result"]["serverInfo"]["name"] == "heapscope", "initialize: serverInfo")
send_line(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}))
older = request("initialize", {"protocolVersion": "2024-11-05", "capabilities": {},
                               "clientInfo": {"name": "x", "version": "1"}})
check(older["result"]["protocolVersion"] == "2024-11-05", "initialize: an older supported revision")
unknown = request("initialize", {"protocolVersion": "1999-01-01", "capabilities": {},
                                 "clientInfo": {"name": "x", "version": "1"}})
check(unknown["result"]["protocolVersion"] == "2025-11-25", "initialize: the latest for an unknown revision")
check(error_code(request("initialize", {"capabilities": {}})) == -32602, "initialize without protocolVersion")
still_up()

tools = request("tools/list")["result"]["tools"]
check({t["name"] for t in tools} == TOOLS, f"tools/list names ({[t['name'] for t in tools]})")
for t in tools:
    check(t["inputSchema"].get("type") == "object", f"{t['name']}: inputSchema is an object schema")
    check(bool(t.get("description")), f"{t['name']}: a description")

# -- malformed messages ---------------------------------------------------------------------
send_line('{"jsonrpc": "2.0", "id": 99, "method": "ping"')  # cut short
r = receive()
check(r["id"] is None and error_code(r) == -32700, "bad JSON: parse error -32700 with id null")
send_line("this is not json")
check(error_code(receive()) == -32700, "text: parse error")
send_line("[]")
check(error_code(receive()) == -32600, "a batch: invalid request")
send_line('{"jsonrpc": "2.0", "id": 7}')
check(error_code(receive()) == -32600, "no method: invalid request")
send_line('{"jsonrpc": "1.0", "id": 8, "method": "ping"}')
check(error_code(receive()) == -32600, "jsonrpc 1.0: invalid request")
check(error_code(request("resources/list")) == -32601, "unknown method: -32601")
# The stateless revision (2026-07-28): server/discover, and requests that name it in _meta.
MODERN = {"io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {}}
discover = request("server/discover", {"_meta": MODERN})["result"]
check(discover.get("supportedVersions") == ["2026-07-28"] and discover.get("resultType") == "complete",
      f"server/discover: the stateless revision ({discover})")
check("tools" in discover.get("capabilities", {}) and discover.get("cacheScope") in ("public", "private"),
      "server/discover: capabilities and cache hints")
modern_list = request("tools/list", {"_meta": MODERN})["result"]
check(modern_list.get("resultType") == "complete" and len(modern_list["tools"]) == len(TOOLS),
      "tools/list in the stateless revision: resultType")
check(isinstance(modern_list.get("ttlMs"), int), "tools/list in the stateless revision: ttlMs")
unsupported = request("tools/list", {"_meta": {"io.modelcontextprotocol/protocolVersion": "2099-01-01"}})
check(error_code(unsupported) == -32022 and unsupported["error"]["data"] ==
      {"requested": "2099-01-01", "supported": ["2026-07-28"]}, f"an unsupported revision in _meta: -32022 ({unsupported})")
modern_call = request("tools/call", {"name": "list_snapshots", "arguments": {}, "_meta": MODERN})["result"]
check(modern_call.get("resultType") == "complete" and modern_call.get("structuredContent") == {"snapshots": []},
      f"tools/call in the stateless revision ({modern_call})")
check(error_code(request("tools/call", {"arguments": {}})) == -32602, "tools/call without name: -32602")
check(error_code(request("tools/call", {"name": 5})) == -32602, "tools/call with a number as name: -32602")
check(error_code(request("tools/call", {"name": "summary", "arguments": [1]})) == -32602,
      "tools/call with arguments not an object: -32602")
check(error_code(request("tools/call", "summary")) == -32602, "params not an object: -32602")
send_line(json.dumps({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 12345}}))
still_up()

tool_error("no_such_tool", call("no_such_tool"), "unknown tool 'no_such_tool'")
tool_error("summary", call("summary", {"handle": "one"}), "'handle' must be an integer")
tool_error("summary", call("summary", {"handle": 1}), "no open snapshot with handle 1")
tool_error("open_snapshot", call("open_snapshot", {"path": 17}), "'path' must be a string")
tool_error("open_snapshot", call("open_snapshot", {}), "'path' is required")
tool_error("open_snapshot", call("open_snapshot", {"path": TINY, "bogus": 1}), "unknown argument 'bogus'")
with tempfile.NamedTemporaryFile("w", suffix=".heapsnapshot", delete=False) as f:
    f.write('{"nodes": [1, 2, 3]}\n')
    not_snapshot = f.name
try:
    result = call("open_snapshot", {"path": not_snapshot})
    cli = subprocess.run([CLI, "info", not_snapshot], capture_output=True, text=True)
    check(cli.returncode == 1, "the CLI refuses the file that is not a snapshot")
    tool_error("open_snapshot", result, cli.stderr.strip().removeprefix("heapscope-cli: "))
finally:
    os.unlink(not_snapshot)
tool_error("open_snapshot", call("open_snapshot", {"path": os.path.join(DATA, "no-such-file.heapsnapshot")}),
           "no-such-file.heapsnapshot")
tool_error("trend", call("trend", {"paths": [TINY]}), "at least two")
still_up()

# -- the tools on the fixtures, against the CLI's --json ----------------------------------------
before = len(notifications)
opened = structured("open_snapshot", call("open_snapshot", {"path": TINY}, progress="load-1"))
info = cli_json("info", TINY, "--json")
check(opened["handle"] == 1, "open_snapshot: handle 1")
for key in ("file", "file_size", "gzip", "node_count", "edge_count"):
    check(opened[key] == info[key], f"open_snapshot: {key} as info --json")
progress = [n["params"] for n in notifications[before:] if n.get("method") == "notifications/progress"]
check(len(progress) >= 1, "open_snapshot: progress notifications")
check(all(p["progressToken"] == "load-1" for p in progress), "progress: the request's token")
check(all(a["progress"] < b["progress"] for a, b in zip(progress, progress[1:])), "progress: increasing")
check(progress[-1]["progress"] == progress[-1]["total"], "progress: ends at the total before the answer")
again = structured("open_snapshot", call("open_snapshot", {"path": TINY}))
check(again["handle"] == 1 and again["already_open"] is True, "open_snapshot: an open file keeps its handle")

full = cli_json("summary", TINY, "--json")
page1 = structured("summary", call("summary", {"handle": 1, "top": 3}))
page2 = structured("summary", call("summary", {"handle": 1, "top": 3, "offset": page1["next_offset"]}))
check(page1["totals"] == full["totals"] and page1["file"] == full["file"], "summary: totals as summary --json")
check(page1["classes"] == full["classes"][:3], "summary: first page as summary --json")
check(page2["classes"] == full["classes"][3:6] and page2["offset"] == 3, "summary: second page")
last = structured("summary", call("summary", {"handle": 1, "offset": len(full["classes"]) - 1}))
check(len(last["classes"]) == 1 and last["next_offset"] is None, "summary: the last page has no next_offset")
filtered = cli_json("summary", TINY, "--json", "--filter", "duplicatedStrings", "--top", "5")
check(structured("summary", call("summary", {"handle": 1, "filter": "duplicatedStrings", "top": 5}))["classes"] ==
      filtered["classes"], "summary: a filter as summary --filter")
tool_error("summary", call("summary", {"handle": 1, "filter": "noSuchFilter"}), "unknown filter 'noSuchFilter'")
tool_error("summary", call("summary", {"handle": 1, "top": -1}), "'top' must be an integer")
realm_key = cli_json("realms", TINY, "--json")["filters"][0]["filter"]
realm_cli = cli_json("summary", TINY, "--json", "--filter", realm_key, "--top", "4")
realm_mcp = structured("summary", call("summary", {"handle": 1, "filter": realm_key, "top": 4}))
check(realm_mcp["classes"] == realm_cli["classes"] and realm_mcp["totals"] == realm_cli["totals"],
      "summary: a realm filter as summary --filter")
bad_realm = subprocess.run([CLI, "summary", TINY, "--filter", "nativeContext_1"], capture_output=True, text=True)
tool_error("summary", call("summary", {"handle": 1, "filter": "nativeContext_1"}),
           bad_realm.stderr.strip().removeprefix("heapscope-cli: "))

nodes = structured("node", call("node", {"handle": 1, "ids": [1, "@3", 999999999]}))
check(nodes["nodes"] == cli_json("node", TINY, "1,3", "--json"), "node: as node --json")
check(nodes["missing"] == [999999999], "node: missing ids listed")
tool_error("node", call("node", {"handle": 1, "ids": [999999999]}), "no object with id @999999999")
tool_error("node", call("node", {"handle": 1, "ids": "1"}), "'ids' must be an array")
tool_error("node", call("node", {"handle": 1, "ids": [True]}), "is not an object id")

statistics = structured("statistics", call("statistics", {"handle": 1}))
check(statistics == cli_json("stats", TINY, "--json"), "statistics: as stats --json")

a = structured("open_snapshot", call("open_snapshot", {"path": LEAK_A}))["handle"]
b = structured("open_snapshot", call("open_snapshot", {"path": LEAK_B}))["handle"]
listed = structured("list_snapshots", call("list_snapshots"))["snapshots"]
check([s["handle"] for s in listed] == [1, a, b], "list_snapshots: three open")
diff = cli_json("diff", LEAK_A, LEAK_B, "--json", "--top", "8")
cmp1 = structured("compare", call("compare", {"base": a, "handle": b, "top": 4}))
cmp2 = structured("compare", call("compare", {"base": a, "handle": b, "top": 4, "offset": 4}))
check(cmp1["totals"] == diff["totals"] and cmp1["warnings"] == diff["warnings"], "compare: totals as diff --json")
check(cmp1["classes"] + cmp2["classes"] == diff["classes"], "compare: two pages as diff --json")
with_ids = structured("compare", call("compare", {"base": a, "handle": b, "top": 1, "ids": True}))
check("new_ids" in with_ids["classes"][0], "compare: ids on request")
some_id = with_ids["classes"][0]["new_ids"][0]
paths = structured("retainer_paths", call("retainer_paths", {"handle": b, "id": f"@{some_id}", "max": 2}))
check(paths == cli_json("paths", LEAK_B, str(some_id), "--max", "2", "--format", "json"),
      "retainer_paths: as paths --format json")
check(len(paths["paths"]) >= 1, "retainer_paths: a path")
tool_error("retainer_paths", call("retainer_paths", {"handle": b, "id": 4294967295}), "no object with id")

trend_cli = cli_json("trend", *SERIES, "--json", "--top", "5")
before = len(notifications)
trend = structured("trend", call("trend", {"paths": SERIES, "top": 5}, progress=77))
progress = [n["params"] for n in notifications[before:] if n.get("method") == "notifications/progress"]
check(len(progress) >= 1 and all(p["progressToken"] == 77 for p in progress), "trend: progress")
check(progress[-1]["progress"] == progress[-1]["total"], "trend: progress ends at the total")
check(trend["classes"] == trend_cli["classes"] and trend["leaks"] == trend_cli["leaks"], "trend: as trend --json")
leaks = structured("leaks", call("leaks", {"paths": SERIES, "top": 2, "min_growth": 1}))
check(leaks["leaks"] == cli_json("leaks", *SERIES, "--json")["leaks"] and len(leaks["leaks"]) > 0,
      "leaks: as leaks --json")

# A call cancelled while it waits behind another gets no answer; the next one does.
def tools_call(rid, name, arguments):
    send_line(json.dumps({"jsonrpc": "2.0", "id": rid, "method": "tools/call",
                          "params": {"name": name, "arguments": arguments}}))


tools_call("slow", "trend", {"paths": SERIES, "top": 1})
tools_call("cancelled", "list_snapshots", {})
send_line(json.dumps({"jsonrpc": "2.0", "method": "notifications/cancelled",
                      "params": {"requestId": "cancelled", "reason": "test"}}))
tools_call("after", "list_snapshots", {})
answered = [receive()["id"], receive()["id"]]
check(answered == ["slow", "after"], f"a cancelled call is not answered ({answered})")

closed = structured("close_snapshot", call("close_snapshot", {"handle": a}))
check(closed == {"handle": a, "closed": True}, "close_snapshot")
tool_error("summary", call("summary", {"handle": a}), f"no open snapshot with handle {a}")
check([s["handle"] for s in structured("list_snapshots", call("list_snapshots"))["snapshots"]] == [1, b],
      "list_snapshots after close")
still_up()

# -- end of input: a clean exit ---------------------------------------------------------------
server.stdin.close()
try:
    status = server.wait(timeout=60)
except subprocess.TimeoutExpired:
    server.kill()
    status = None
check(status == 0, f"exit status 0 at the end of input ({status})")
check(server.stdout.read() == "", "nothing after the last answer")

if failures:
    print(f"{len(failures)} check(s) failed", file=sys.stderr)
    sys.exit(1)
print("mcp session: all checks passed")
