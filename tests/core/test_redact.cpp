// SPDX-License-Identifier: MIT
// The redacted copy (core/heapscope/redact.h): the names it rewrites, the string table entries that
// are values and names at once, planted secrets, atomic output, and on every real fixture the same
// Summary, distances, retained sizes, Statistics and Comparison as the original.
#include "../real_snapshots.h"
#include "heapscope/analysis.h"
#include "heapscope/comparison.h"
#include "heapscope/contexts.h"
#include "heapscope/redact.h"
#include "test_util.h"

#include <sys/stat.h>

#include <map>
#include <set>

using namespace heapscope;
using namespace heapscope::test;

namespace {

std::optional<std::string> redactWith(RedactRole role, std::string_view text) {
    RedactPlaceholders placeholders; // fresh: the first piece is number 1
    return redactedName(role, text, std::ref(placeholders));
}

std::string p1(std::string_view text) {
    std::string out = "redacted#1";
    out.append(text::utf16Length(text) - out.size(), '.');
    return out;
}

SnapshotPtr load(const std::string& path) {
    auto s = loadSnapshot(path);
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message());
    return s.ok() ? *s : nullptr;
}

AnalysisPtr analyse(SnapshotPtr s) {
    auto a = analyze(std::move(s));
    EXPECT_TRUE(a.ok()) << (a.ok() ? "" : a.error().message());
    return a.ok() ? *a : nullptr;
}

std::string redactTo(const Snapshot& s, const std::string& out, RedactOptions options = {}) {
    auto r = writeRedactedCopy(s, out, options);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message());
    return out;
}

struct FileState {
    std::string bytes;
    timespec mtime{};
};
FileState fileState(const std::string& path) {
    FileState f;
    f.bytes = readFile(path);
    struct stat st {};
    ::stat(path.c_str(), &st);
    f.mtime = st.st_mtim;
    return f;
}
void expectUnchanged(const FileState& before, const std::string& path) {
    const FileState after = fileState(path);
    EXPECT_TRUE(after.bytes == before.bytes) << path << " was modified";
    EXPECT_EQ(after.mtime.tv_sec, before.mtime.tv_sec);
    EXPECT_EQ(after.mtime.tv_nsec, before.mtime.tv_nsec);
}

std::vector<std::string> dirEntries(const TempDir& dir) {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir.path()))
        out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

/// A value's name in a copy: the same length, and another text unless it has nothing to hide.
void expectRedactedValue(std::string_view original, std::string_view copy) {
    if (original.empty() || original == "(concatenated string)" || original == "(sliced string)") {
        EXPECT_EQ(copy, original);
        return;
    }
    EXPECT_EQ(text::utf16Length(copy), text::utf16Length(original)) << original << " -> " << copy;
    if (copy == original && original.find("://") != std::string_view::npos) { // a bare origin
        const std::size_t slash = original.find('/', original.find("://") + 3);
        EXPECT_TRUE(slash == std::string_view::npos || slash + 1 == original.size()) << original;
    } else if (copy == original) { // the digits of a number
        EXPECT_TRUE(original == "true" || original == "false" ||
                    original.find_first_not_of("-+0123456789.eNaIfinty") == std::string_view::npos)
            << original;
    }
}

/// The same graph, ids, sizes and names but for the values: node by node and edge by edge.
void expectSameGraphButValues(const Snapshot& a, const Snapshot& b) {
    ASSERT_EQ(a.nodeCount, b.nodeCount);
    ASSERT_EQ(a.edgeCount, b.edgeCount);
    EXPECT_EQ(a.nodeTypeNames, b.nodeTypeNames);
    EXPECT_EQ(a.edgeTypeNames, b.edgeTypeNames);
    std::size_t valueNames = 0, changedLabels = 0;
    for (NodeOrdinal n : a.nodes()) {
        ASSERT_EQ(a.nodeType[n], b.nodeType[n]);
        ASSERT_EQ(a.nodeId[n], b.nodeId[n]);
        ASSERT_EQ(a.nodeSelfSize[n], b.nodeSelfSize[n]);
        ASSERT_EQ(a.firstEdge[n], b.firstEdge[n]);
        ASSERT_EQ(a.traceNodeId(n), b.traceNodeId(n));
        ASSERT_EQ(a.nodeDetachedness[n], b.nodeDetachedness[n]);
        if (redactRoleOf(a.kind(n)) == RedactRole::Value && a.name(n) != b.name(n)) {
            ++valueNames;
            expectRedactedValue(a.name(n), b.name(n));
        } else if (redactRoleOf(a.kind(n)) == RedactRole::Value) {
            expectRedactedValue(a.name(n), b.name(n)); // "", a bare origin, or a number's digits
        } else if (a.name(n) != b.name(n)) {
            ++changedLabels;
            EXPECT_EQ(text::utf16Length(b.name(n)), text::utf16Length(a.name(n)))
                << a.name(n) << " -> " << b.name(n);
        }
    }
    EXPECT_GT(valueNames, 0u);
    for (EdgeOrdinal e : a.edges()) {
        ASSERT_EQ(a.edgeType[e], b.edgeType[e]);
        ASSERT_EQ(a.edgeTo[e], b.edgeTo[e]);
        if (a.edgeNameText(e) != b.edgeNameText(e)) { // a URL path or a file path
            const std::string o = a.edgeNameText(e), c = b.edgeNameText(e);
            EXPECT_TRUE(o.find("://") != std::string::npos || o[0] == '/' || o.find(":\\") == 1) << o;
            EXPECT_EQ(text::utf16Length(o), text::utf16Length(c)) << o << " -> " << c;
        }
    }
    ASSERT_EQ(a.locations.size(), b.locations.size());
    for (std::size_t i = 0; i < a.locations.size(); ++i) {
        EXPECT_EQ(a.locations[i].node, b.locations[i].node);
        EXPECT_EQ(a.locations[i].scriptId, b.locations[i].scriptId);
        EXPECT_EQ(a.locations[i].line, b.locations[i].line);
        EXPECT_EQ(a.locations[i].column, b.locations[i].column);
    }
    ASSERT_EQ(a.traceFunctionInfos.size(), b.traceFunctionInfos.size());
    for (std::size_t i = 0; i < a.traceFunctionInfos.size(); ++i)
        EXPECT_EQ(a.strings.get(a.traceFunctionInfos[i].name), b.strings.get(b.traceFunctionInfos[i].name));
    EXPECT_EQ(a.traceTree.size(), b.traceTree.size());
    EXPECT_EQ(a.samples.size(), b.samples.size());
    EXPECT_EQ(a.scopeSections.scopes, b.scopeSections.scopes);
    EXPECT_EQ(a.scopeSections.contextVars, b.scopeSections.contextVars);
    EXPECT_EQ(a.scopeSections.uses, b.scopeSections.uses);
}

std::map<std::string, std::tuple<std::uint32_t, std::uint64_t, std::uint64_t, std::int32_t>>
rowsByKey(const Analysis& a, const Aggregates& agg) {
    std::map<std::string, std::tuple<std::uint32_t, std::uint64_t, std::uint64_t, std::int32_t>> out;
    for (const ClassAggregate& c : agg.classes)
        out[a.classes[c.classIndex].key] = {c.count, c.selfSize, c.retainedSize, c.distance};
    return out;
}

void expectSameNumbers(const Analysis& a, const Analysis& b) {
    ASSERT_EQ(a.snapshot->nodeCount, b.snapshot->nodeCount);
    for (NodeOrdinal n : a.snapshot->nodes()) {
        ASSERT_EQ(a.distance[n], b.distance[n]) << "node " << n.value;
        ASSERT_EQ(a.retainedSize[n], b.retainedSize[n]) << "node " << n.value;
        ASSERT_EQ(a.selfSize[n], b.selfSize[n]) << "node " << n.value;
        ASSERT_EQ(a.dominator[n], b.dominator[n]) << "node " << n.value;
        ASSERT_EQ(a.classInfo(n).key, b.classInfo(n).key) << "node " << n.value;
    }
    EXPECT_EQ(a.totalSize, b.totalSize);
    EXPECT_EQ(a.statistics.total, b.statistics.total);
    EXPECT_EQ(a.statistics.nativeTotal, b.statistics.nativeTotal);
    EXPECT_EQ(a.statistics.typedArrays, b.statistics.typedArrays);
    EXPECT_EQ(a.statistics.v8heapTotal, b.statistics.v8heapTotal);
    EXPECT_EQ(a.statistics.code, b.statistics.code);
    EXPECT_EQ(a.statistics.jsArrays, b.statistics.jsArrays);
    EXPECT_EQ(a.statistics.strings, b.statistics.strings);
    EXPECT_EQ(a.statistics.system, b.statistics.system);
    EXPECT_EQ(rowsByKey(a, a.allObjects), rowsByKey(b, b.allObjects));
    EXPECT_EQ(a.allObjects.objectCount, b.allObjects.objectCount);
    EXPECT_EQ(a.allObjects.selfSize, b.allObjects.selfSize);
    // DevTools' duplicated strings filter groups strings by value (a concatenated string by its
    // pieces' texts, cut at 1024 units): equal values have equal placeholders of the same length, so
    // it finds the same strings, but for a concatenated string equal to a string made of other
    // pieces ("[Symbol." + "hasInstance]" and "[Symbol.hasInstance]"): those few may be left out.
    NodeFilter dup;
    dup.named = NamedFilter::DuplicatedStrings;
    auto da = a.filterMask(dup);
    auto db = b.filterMask(dup);
    ASSERT_TRUE(da.ok() && db.ok());
    std::size_t inA = 0, onlyA = 0, onlyB = 0;
    for (std::size_t n = 0; n < da->size(); ++n) {
        inA += (*da)[n];
        onlyA += (*da)[n] && !(*db)[n];
        onlyB += !(*da)[n] && (*db)[n];
    }
    EXPECT_EQ(onlyB, 0u) << inA << " duplicated strings";
    EXPECT_LE(onlyA, std::max<std::size_t>(8, inA / 5)) << inA << " duplicated strings";
    std::printf("duplicated strings: %zu, %zu only in the original, %zu only in the copy\n", inA, onlyA,
                onlyB);
}

using Fixture = RealSnapshot;
class RedactFixtureTest : public ::testing::TestWithParam<Fixture> {};

} // namespace

// --- unit: the names ---

TEST(Redact, ValuesBecomeNumberedPlaceholders) {
    EXPECT_EQ(redactWith(RedactRole::Value, "ghp_secret"), "redacted#1");
    EXPECT_EQ(redactWith(RedactRole::Value, "ghp_secret_token"), "redacted#1......");
    EXPECT_EQ(redactWith(RedactRole::Value, ""), std::nullopt);
    EXPECT_EQ(redactWith(RedactRole::Value, "(concatenated string)"), std::nullopt);
    EXPECT_EQ(redactWith(RedactRole::Value, "(sliced string)"), std::nullopt);
    // a URL keeps its origin, without user and password
    EXPECT_EQ(redactWith(RedactRole::Value, "https://api.example.com:8443/v1/users?key=1"),
              "https://api.example.com:8443/" + p1("v1/users?key=1"));
    EXPECT_EQ(redactWith(RedactRole::Value, "https://bob:hunter2@example.com"),
              "https://example.com/redacted#1.");
    EXPECT_EQ(redactWith(RedactRole::Value, "https://example.com"), std::nullopt);
    EXPECT_EQ(redactWith(RedactRole::Value, "https://example.com/"), std::nullopt);
    // text around a URL is a value of its own
    EXPECT_EQ(redactWith(RedactRole::Value, "see https://example.com/x"), p1("see https://example.com/x"));
}

TEST(Redact, PlaceholdersKeepLengthAndTellValuesApart) {
    RedactPlaceholders p;
    EXPECT_EQ(p("first value", 11), "redacted#1.");
    EXPECT_EQ(p("ab", 2), "A0");
    EXPECT_EQ(p("cd", 2), "A1");
    EXPECT_EQ(p("ab", 2), "A0");
    EXPECT_EQ(p("four", 4), "C000");
    EXPECT_EQ(p("first value", 11), "redacted#1.");
    EXPECT_EQ(p("other value", 11), "redacted#5."); // every piece has a number, short or not
    // UTF-16 units: a lone surrogate or an astral character as a value of length 1 or 2
    EXPECT_EQ(text::utf16Length(p("\xF0\x9F\x98\x80", 2)), 2u);
    // one-unit values: CJK characters, all different
    std::set<std::string> seen;
    for (int i = 0; i < 300; ++i) {
        const std::string v = p("single " + std::to_string(i), 1);
        EXPECT_EQ(text::utf16Length(v), 1u) << i;
        EXPECT_TRUE(seen.insert(v).second) << i;
    }
    EXPECT_EQ(p("single 0", 1), "\xE4\xB8\x80"); // U+4E00
    EXPECT_EQ(p("single 1", 1), "\xE4\xB8\x81");
    // 2-unit values past the letters and digits
    for (int i = 0; i < 100; ++i)
        EXPECT_TRUE(seen.insert(p("pair " + std::to_string(i), 2)).second) << i;
    EXPECT_EQ(p("pair 61", 2), "A\xE4\xB8\x82"); // the 65th: "ab", "cd" and the emoji came first
}

TEST(Redact, NamesKeepAllButUrlPathsPathsAndAttributes) {
    EXPECT_EQ(redactWith(RedactRole::Label, "Window / https://example.com"), std::nullopt);
    EXPECT_EQ(redactWith(RedactRole::Label, "Foo"), std::nullopt);
    EXPECT_EQ(redactWith(RedactRole::Label, "Window / https://example.com/private/page?x=1"),
              "Window / https://example.com/" + p1("private/page?x=1"));
    EXPECT_EQ(redactWith(RedactRole::Label, "<div id=\"user-42\" class=\"x\">"),
              "<div " + p1("id=\"user-42\" class=\"x\"") + ">");
    EXPECT_EQ(redactWith(RedactRole::Label, "Detached <input value=\"secret\">"),
              "Detached <input redacted#1....>");
    EXPECT_EQ(redactWith(RedactRole::Label, "<div>"), std::nullopt);
    EXPECT_EQ(redactWith(RedactRole::Script, "system / Script / http://127.0.0.1:9334/multi-a.js"),
              "system / Script / http://127.0.0.1:9334/redacted#1");
    EXPECT_EQ(redactWith(RedactRole::Script, "/home/alice/project/app.js"), p1("/home/alice/project/app.js"));
    EXPECT_EQ(redactWith(RedactRole::Script, "C:\\Users\\alice\\app.js"), p1("C:\\Users\\alice\\app.js"));
    EXPECT_EQ(redactWith(RedactRole::Script, "node:internal/timers"), std::nullopt);
    EXPECT_EQ(redactWith(RedactRole::Script, "system / SharedFunctionInfo"), std::nullopt);
    EXPECT_EQ(redactWith(RedactRole::Script, "processTicksAndRejections"), std::nullopt);
}

TEST(Redact, KeepPatternIsChecked) {
    EXPECT_EQ(checkKeepPattern("^(GET|POST)$"), "");
    EXPECT_NE(checkKeepPattern("(unclosed"), "");
}

// A string that is both a value (a string node's name) and a property name: the edge keeps the
// name, the node gets a placeholder; equal values get equal placeholders, different ones different.
TEST(Redact, EntryThatIsNameAndValue) {
    MiniSnapshot m = standardMini();
    // strings: 0 "" 1 Foo 2 hello 3 bar 4 x 5 y 6 map 7 v 8 g 9 (GC roots)
    m.nodes[2].name = 4; // the string node's value "x" is also the name of property edges
    m.strings.push_back("other value");
    m.nodes.push_back({tString, 10, 11, 24, 0});
    m.nodes.push_back({tString, 4, 13, 16, 0}); // a second string "x"
    m.nodes[0].edgeCount += 2;
    m.edges.insert(m.edges.begin() + 3, {eElement, 3, 5});
    m.edges.insert(m.edges.begin() + 4, {eElement, 4, 6});
    TempDir dir;
    const std::string in = dir.file("mini.heapsnapshot");
    writeFile(in, m.json());
    auto s = load(in);
    ASSERT_TRUE(s);
    RedactResult result;
    {
        auto r = writeRedactedCopy(*s, dir.file("out.heapsnapshot"));
        ASSERT_TRUE(r.ok()) << r.error().message();
        result = *r;
    }
    auto c = load(dir.file("out.heapsnapshot"));
    ASSERT_TRUE(c);
    expectSameGraphButValues(*s, *c);
    EXPECT_EQ(c->name(NodeOrdinal(2)), c->name(NodeOrdinal(6)));
    EXPECT_NE(c->name(NodeOrdinal(2)), c->name(NodeOrdinal(5)));
    EXPECT_EQ(c->name(NodeOrdinal(2)), "\xE4\xB8\x80"); // "x": one unit
    EXPECT_EQ(c->name(NodeOrdinal(5)), "redacted#2.");
    EXPECT_EQ(c->name(NodeOrdinal(1)), "Foo");
    EXPECT_EQ(c->name(NodeOrdinal(3)), "bar");
    const std::string bytes = readFile(dir.file("out.heapsnapshot"));
    EXPECT_EQ(bytes.find("hello"), std::string::npos); // no longer referenced: blanked
    EXPECT_EQ(bytes.find("other value"), std::string::npos);
    EXPECT_NE(bytes.find("\"x\""), std::string::npos); // still the edges' name
    EXPECT_EQ(result.redactedNodes, 3u);
    EXPECT_EQ(result.placeholders, 2u);
}

// The streaming pass on whitespace anywhere, escapes in strings, sections it does not know (copied
// byte for byte, brackets and quotes inside strings included) and strings before the nodes.
TEST(Redact, CopiesWhatItDoesNotRewrite) {
    MiniSnapshot m = standardMini();
    m.strings[2] = "he said \\\"hi\\\" \\u00e9 \\ud800 ]}";
    auto sections = m.sections();
    sections.insert(sections.begin() + 1, {"strings", m.stringsJson()});
    sections.pop_back();
    sections.push_back({"extra_section", "{\"a\": [1, \"x]}\\\"\", {\"b\": null}], \"c\": -1.5e3}"});
    TempDir dir;
    for (const bool space : {false, true}) {
        const std::string json = space ? spaced(MiniSnapshot::join(sections)) : MiniSnapshot::join(sections);
        const std::string in = dir.file("mini.heapsnapshot");
        writeFile(in, json);
        auto s = load(in);
        ASSERT_TRUE(s);
        auto r = writeRedactedCopy(*s, dir.file("out.heapsnapshot"));
        ASSERT_TRUE(r.ok()) << r.error().message();
        const std::string out = readFile(dir.file("out.heapsnapshot"));
        EXPECT_NE(out.find(space ? "\"extra_section\" \r\n\t:" : "\"extra_section\":"), std::string::npos);
        EXPECT_NE(out.find("\"x]}\\\"\""), std::string::npos) << out;
        EXPECT_EQ(out.find("he said"), std::string::npos);
        auto c = load(dir.file("out.heapsnapshot"));
        ASSERT_TRUE(c);
        expectSameGraphButValues(*s, *c);
        // he said "hi" é, a lone surrogate, ]}: 19 UTF-16 units, and so is its placeholder
        EXPECT_EQ(text::utf16Length(s->name(NodeOrdinal(2))), 19u);
        EXPECT_EQ(c->name(NodeOrdinal(2)), "redacted#1.........");
    }
}

TEST(Redact, RefusesTheInputAndStaysAtomic) {
    MiniSnapshot m = standardMini();
    TempDir dir;
    const std::string in = dir.file("mini.heapsnapshot");
    writeFile(in, m.json());
    auto s = load(in);
    ASSERT_TRUE(s);
    const FileState before = fileState(in);
    // the input itself, by its name or through a link
    auto same = writeRedactedCopy(*s, in);
    ASSERT_FALSE(same.ok());
    EXPECT_NE(same.error().reason.find("input"), std::string::npos);
    ASSERT_EQ(::link(in.c_str(), dir.file("link.heapsnapshot").c_str()), 0);
    EXPECT_FALSE(writeRedactedCopy(*s, dir.file("link.heapsnapshot")).ok());
    expectUnchanged(before, in);
    // a stopped copy leaves an existing output as it was and no temporary file
    const std::string out = dir.file("out.heapsnapshot");
    writeFile(out, "previous contents");
    StopFlag stop;
    stop.requestStop();
    WorkContext ctx;
    ctx.stop = &stop;
    auto stopped = writeRedactedCopy(*s, out, {}, ctx);
    ASSERT_FALSE(stopped.ok());
    EXPECT_TRUE(stopped.error().cancelled);
    EXPECT_EQ(readFile(out), "previous contents");
    EXPECT_EQ(dirEntries(dir),
              (std::vector<std::string>{"link.heapsnapshot", "mini.heapsnapshot", "out.heapsnapshot"}));
    // a folder that does not exist
    EXPECT_FALSE(writeRedactedCopy(*s, dir.file("missing/out.heapsnapshot")).ok());
    // a bad keep pattern
    RedactOptions bad;
    bad.keepStrings = "(";
    EXPECT_FALSE(writeRedactedCopy(*s, out, bad).ok());
    // a file that changed since it was loaded
    MiniSnapshot other = standardMini();
    other.strings.push_back("more");
    writeFile(dir.file("changing.heapsnapshot"), m.json());
    auto s2 = load(dir.file("changing.heapsnapshot"));
    ASSERT_TRUE(s2);
    writeFile(dir.file("changing.heapsnapshot"), other.json());
    auto changed = writeRedactedCopy(*s2, out);
    ASSERT_FALSE(changed.ok());
    EXPECT_NE(changed.error().reason.find("changed"), std::string::npos) << changed.error().reason;
    EXPECT_EQ(readFile(out), "previous contents");
    // and a copy that succeeds replaces it, with nothing else left in the folder
    ASSERT_TRUE(writeRedactedCopy(*s, out).ok());
    EXPECT_NE(readFile(out), "previous contents");
    EXPECT_EQ(dirEntries(dir), (std::vector<std::string>{"changing.heapsnapshot", "link.heapsnapshot",
                                                         "mini.heapsnapshot", "out.heapsnapshot"}));
    expectUnchanged(before, in);
}

// --- the planted secrets (tests/data/gen/secrets.cjs) ---

namespace {
const char* const kPlantedSecrets[] = {
    "ghp_fedcba9876543210-plantd-SECRET",
    "alice.planted@example-secret.com",
    "example-secret.com",
    "planted-secret-path",
    "PlantedQuery",
    "PLANTED-LONG-SECRET",
    "planted-embedded-pass",
    "planted-regex",
    "PLANTED-COMMENT-SECRET-7c1f",
    "planted-secret-alone",
    "PLANTED-CONS-LEFT",
    "PLANTED-CONS-RIGHT",
    "tests/data/gen/secrets.cjs",
};
const char* const kPlantedNames[] = {"PlantedHolder", "apiToken", "contactEmail",
                                     "endpoint",      "excerpt",  "pattern"};
} // namespace

TEST(RedactSecrets, NoPlantedSecretInTheCopy) {
    const std::string in = dataPath("secrets-node20.heapsnapshot.gz");
    const std::string original = gunzip(readFile(in));
    for (const char* secret : kPlantedSecrets)
        ASSERT_NE(original.find(secret), std::string::npos) << "the fixture lost " << secret;
    const FileState before = fileState(in);
    auto s = load(in);
    ASSERT_TRUE(s);
    TempDir dir;
    for (const bool gz : {false, true}) {
        const std::string out = dir.file(gz ? "copy.heapsnapshot.gz" : "copy.heapsnapshot");
        redactTo(*s, out);
        const std::string raw = readFile(out);
        ASSERT_EQ(raw.substr(0, 2) == "\x1f\x8b", gz);
        const std::string bytes = gz ? gunzip(raw) : raw;
        for (const char* secret : kPlantedSecrets)
            EXPECT_EQ(bytes.find(secret), std::string::npos) << secret << " is in the copy";
        for (const char* name : kPlantedNames)
            EXPECT_NE(bytes.find(std::string("\"") + name + "\""), std::string::npos) << name << " was lost";
        // the origin of the URL stays
        EXPECT_NE(bytes.find("\"https://api.example.com/"), std::string::npos);
        auto c = load(out);
        ASSERT_TRUE(c);
        expectSameGraphButValues(*s, *c);
    }
    // --keep-strings keeps the values it matches entirely, and only those
    RedactOptions keep;
    keep.keepStrings = "planted-secret-.*";
    const std::string out = dir.file("kept.heapsnapshot");
    redactTo(*s, out, keep);
    const std::string bytes = readFile(out);
    EXPECT_NE(bytes.find("\"planted-secret-alone\""), std::string::npos);
    EXPECT_EQ(bytes.find("ghp_fedcba9876543210"), std::string::npos);
    EXPECT_EQ(bytes.find("PLANTED-COMMENT-SECRET"), std::string::npos);
    expectUnchanged(before, in);
}

// --- every real fixture: same numbers ---

TEST_P(RedactFixtureTest, SameNumbersAsTheOriginal) {
    const std::string in = dataPath(GetParam().snapshot);
    const FileState before = fileState(in);
    auto s = load(in);
    ASSERT_TRUE(s);
    TempDir dir;
    const std::string out = redactTo(*s, dir.file("copy.heapsnapshot"));
    expectUnchanged(before, in);
    auto c = load(out);
    ASSERT_TRUE(c);
    expectSameGraphButValues(*s, *c);
    auto a = analyse(s);
    auto b = analyse(c);
    ASSERT_TRUE(a && b);
    expectSameNumbers(*a, *b);
    // closure variables no live closure can read: the scopes read ids and positions from the
    // digits of number nodes, which stay
    auto ca = analyzeContexts(*a);
    auto cb = analyzeContexts(*b);
    ASSERT_TRUE(ca.ok() && cb.ok());
    ASSERT_EQ((*ca)->scopes.size(), (*cb)->scopes.size());
    for (std::size_t i = 0; i < (*ca)->scopes.size(); ++i) {
        EXPECT_EQ((*ca)->scopes[i].scopeInfoNodeId, (*cb)->scopes[i].scopeInfoNodeId);
        EXPECT_EQ((*ca)->scopes[i].scopeStart, (*cb)->scopes[i].scopeStart);
        EXPECT_EQ((*ca)->scopes[i].scopeEnd, (*cb)->scopes[i].scopeEnd);
    }
    EXPECT_EQ((*ca)->scriptsWithoutScopes.size(), (*cb)->scriptsWithoutScopes.size());
}

INSTANTIATE_TEST_SUITE_P(RedactFixtures, RedactFixtureTest,
                         ::testing::Values(kRealSnapshots[0], kRealSnapshots[1], kRealSnapshots[2],
                                           kRealSnapshots[3], kRealSnapshots[4], kRealSnapshots[5],
                                           kRealSnapshots[6], kRealSnapshots[7], kRealSnapshots[8],
                                           kRealSnapshots[9], kRealSnapshots[10], kRealSnapshots[11],
                                           kRealSnapshots[12], kRealSnapshots[13], kRealSnapshots[14],
                                           kRealSnapshots[15], kRealSnapshots[16], kRealSnapshots[17],
                                           Fixture{"closures-multi-chromium.heapsnapshot.gz", ""},
                                           Fixture{"closures-leak-chromium.heapsnapshot.gz", ""},
                                           Fixture{"secrets-node20.heapsnapshot.gz", ""}),
                         [](const ::testing::TestParamInfo<Fixture>& info) {
                             std::string n = info.param.snapshot;
                             n = n.substr(0, n.find('.'));
                             for (char& ch : n)
                                 if (!std::isalnum(static_cast<unsigned char>(ch)))
                                     ch = '_';
                             return n;
                         });

// The Comparison of two redacted copies equals the original pair's (ids are kept).
TEST(RedactPairs, ComparisonOfRedactedCopies) {
    TempDir dir;
    for (auto [baseName, currentName] :
         {std::pair{"leak-A-node20.heapsnapshot.gz", "leak-B-node20.heapsnapshot.gz"},
          std::pair{"mixed-pair-node26-A.heapsnapshot.gz", "mixed-pair-node26-B.heapsnapshot.gz"}}) {
        auto base = load(dataPath(baseName));
        auto current = load(dataPath(currentName));
        ASSERT_TRUE(base && current);
        auto rBase = load(redactTo(*base, dir.file("base.heapsnapshot")));
        auto rCurrent = load(redactTo(*current, dir.file("current.heapsnapshot")));
        ASSERT_TRUE(rBase && rCurrent);
        auto original = compare(analyse(base), analyse(current));
        auto redacted = compare(analyse(rBase), analyse(rCurrent));
        ASSERT_TRUE(original.ok() && redacted.ok());
        const Comparison& o = **original;
        const Comparison& r = **redacted;
        ASSERT_EQ(o.classes.size(), r.classes.size()) << baseName;
        for (std::size_t i = 0; i < o.classes.size(); ++i) {
            EXPECT_EQ(o.classes[i].key, r.classes[i].key);
            EXPECT_EQ(o.classes[i].newCount, r.classes[i].newCount);
            EXPECT_EQ(o.classes[i].deletedCount, r.classes[i].deletedCount);
            EXPECT_EQ(o.classes[i].allocSize, r.classes[i].allocSize);
            EXPECT_EQ(o.classes[i].freedSize, r.classes[i].freedSize);
            EXPECT_EQ(o.classes[i].newNodes, r.classes[i].newNodes);
        }
        EXPECT_EQ(o.totals.newCount, r.totals.newCount);
        EXPECT_EQ(o.totals.deletedCount, r.totals.deletedCount);
        EXPECT_EQ(o.totals.allocSize, r.totals.allocSize);
        EXPECT_EQ(o.totals.freedSize, r.totals.freedSize);
        EXPECT_GT(o.totals.newCount, 0u);
    }
}
