// SPDX-License-Identifier: MIT
// Sampling heap profiles: the loader on hand-written and malformed input, DevTools' Bottom-up,
// Top-down and flame chart numbers, the comparison, and the real profiles of tests/data (written by
// `node --heap-prof` of several versions) against sums computed here by a walker of their own.
#include "heapscope/sampling_profile.h"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace heapscope;

namespace {

// A node as JSON: {"callFrame":{...},"selfSize":S,"id":I,"children":[...]}.
std::string node(int id, const std::string& fn, int line, long self, const std::string& children = "",
                 const std::string& url = "file:///app.js", int scriptId = 7) {
    return "{\"callFrame\":{\"functionName\":\"" + fn + "\",\"scriptId\":\"" + std::to_string(scriptId) +
           "\",\"url\":\"" + url + "\",\"lineNumber\":" + std::to_string(line) +
           ",\"columnNumber\":4},\"selfSize\":" + std::to_string(self) + ",\"id\":" + std::to_string(id) +
           ",\"children\":[" + children + "]}";
}

SamplingProfilePtr load(const std::string& json) {
    auto r = loadSamplingProfileFromMemory(json, "mem.heapprofile");
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message());
    return r.ok() ? r.value() : nullptr;
}

Error loadError(const std::string& json) {
    auto r = loadSamplingProfileFromMemory(json, "bad.heapprofile");
    EXPECT_FALSE(r.ok());
    return r.ok() ? Error{} : r.error();
}

// (root) -> main(1) -> a(10) -> b(20, self 100)
//                   -> b(20, self 30) -> a(10, self 5) -> a(10, self 7)      [recursion of a]
//        -> idle(2, self 0) -> nothing(3, self 0)                            [pruned]
//        -> (anonymous)(4, self 11)
std::string sample() {
    const std::string tree =
        node(1, "(root)", -1, 0,
             node(2, "main", 1, 0,
                  node(3, "a", 10, 0, node(4, "b", 20, 100)) + "," +
                      node(5, "b", 20, 30, node(6, "a", 10, 5, node(7, "a", 10, 7)))) +
                 "," + node(8, "idle", 2, 0, node(9, "nothing", 3, 0)) + "," + node(10, "", 4, 11),
             "", 0);
    return "{\"head\":" + tree +
           ",\"samples\":[{\"size\":60,\"nodeId\":4,\"ordinal\":1},{\"size\":40,\"nodeId\":4,\"ordinal\":2},"
           "{\"size\":30,\"nodeId\":5,\"ordinal\":3},{\"size\":12,\"nodeId\":7,\"ordinal\":4}],"
           "\"startTime\":1,\"endTime\":2}";
}

std::uint32_t nodeWithId(const SamplingProfile& p, std::uint64_t id) {
    for (std::uint32_t i = 0; i < p.nodeCount(); ++i)
        if (p.nodeId[i] == id)
            return i;
    return kNoIndex;
}

const BottomUpRow* rowNamed(const SamplingProfile& p, const std::vector<BottomUpRow>& rows,
                            const std::string& name) {
    for (const auto& r : rows)
        if (p.displayName(r.function) == name)
            return &r;
    return nullptr;
}

} // namespace

TEST(SamplingProfile, SelfTotalAndPruning) {
    auto p = load(sample());
    ASSERT_TRUE(p);
    EXPECT_EQ(p->nodeCount(), 10u);
    EXPECT_EQ(p->totalBytes(), 153u);
    EXPECT_EQ(p->totalSize[nodeWithId(*p, 2)], 142u);
    EXPECT_EQ(p->totalSize[nodeWithId(*p, 5)], 42u);
    EXPECT_EQ(p->selfSize[nodeWithId(*p, 5)], 30u);
    EXPECT_FALSE(p->visible(nodeWithId(*p, 8)));
    EXPECT_FALSE(p->visible(nodeWithId(*p, 9)));
    // the head's visible children: main and the anonymous function, in file order
    ASSERT_EQ(p->childStart[1] - p->childStart[0], 2u);
    EXPECT_EQ(p->nodeId[p->childList[p->childStart[0]]], 2u);
    EXPECT_EQ(p->nodeId[p->childList[p->childStart[0] + 1]], 10u);
    EXPECT_EQ(p->sampleCount[nodeWithId(*p, 4)], 2u);
    EXPECT_EQ(p->sampleBytes[nodeWithId(*p, 4)], 100u);
    EXPECT_EQ(p->sampleNode.size(), 4u);
    EXPECT_EQ(p->maxDepth, 4u);
    EXPECT_EQ(p->displayName(p->function[nodeWithId(*p, 10)]), "(anonymous)");
    EXPECT_EQ(p->location(p->function[nodeWithId(*p, 3)]), "file:///app.js:11");
}

TEST(SamplingProfile, BottomUpAsDevTools) {
    auto p = load(sample());
    ASSERT_TRUE(p);
    auto rows = bottomUpFunctions(*p);
    // functions of visible nodes only: main, a, b, (anonymous); idle and nothing are pruned
    ASSERT_EQ(rows.size(), 4u);
    const BottomUpRow* a = rowNamed(*p, rows, "a");
    const BottomUpRow* b = rowNamed(*p, rows, "b");
    const BottomUpRow* m = rowNamed(*p, rows, "main");
    ASSERT_TRUE(a && b && m);
    EXPECT_EQ(a->self, 12u);
    // DevTools adds the nested a's total again (its recursion check never matches): 100 + 12 + 7
    EXPECT_EQ(a->total, 119u);
    EXPECT_EQ(b->self, 130u);
    EXPECT_EQ(b->total, 142u);
    EXPECT_EQ(m->self, 0u);
    EXPECT_EQ(m->total, 142u);
    EXPECT_FALSE(m->hasCallers);
    EXPECT_TRUE(a->hasCallers);
    EXPECT_EQ(b->samples, 3u);
    sortBottomUp(rows, false);
    EXPECT_EQ(p->displayName(rows[0].function), "b");
    EXPECT_EQ(p->displayName(rows[1].function), "a");

    // callers of b: a (the focus node 4, self 100) and main (node 5, self 30, total 42)
    auto callers = bottomUpCallers(*p, *rowNamed(*p, rows, "b"));
    ASSERT_EQ(callers.size(), 2u);
    const BottomUpRow* ca = rowNamed(*p, callers, "a");
    const BottomUpRow* cm = rowNamed(*p, callers, "main");
    ASSERT_TRUE(ca && cm);
    EXPECT_EQ(ca->self, 100u);
    EXPECT_EQ(ca->total, 100u);
    EXPECT_EQ(cm->self, 30u);
    EXPECT_EQ(cm->total, 42u);
    EXPECT_FALSE(cm->hasCallers); // main's caller is the head
    // b <- a <- main
    auto next = bottomUpCallers(*p, *ca);
    ASSERT_EQ(next.size(), 1u);
    EXPECT_EQ(p->displayName(next[0].function), "main");
    EXPECT_EQ(next[0].self, 100u);
    EXPECT_TRUE(bottomUpCallers(*p, next[0]).empty());

    // callers of a: a (node 7 called by 6) and b (node 6 called by 5) and main (node 3)
    auto ac = bottomUpCallers(*p, *rowNamed(*p, rows, "a"));
    ASSERT_EQ(ac.size(), 3u);
    EXPECT_EQ(rowNamed(*p, ac, "main")->self, 0u);
    EXPECT_EQ(rowNamed(*p, ac, "main")->total, 100u);
    EXPECT_EQ(rowNamed(*p, ac, "b")->self, 5u);
    EXPECT_EQ(rowNamed(*p, ac, "b")->total, 12u);
    EXPECT_EQ(rowNamed(*p, ac, "a")->self, 7u);
    EXPECT_EQ(rowNamed(*p, ac, "a")->total, 7u);
}

TEST(SamplingProfile, FlameChart) {
    auto p = load(sample());
    ASSERT_TRUE(p);
    auto entries = flameChart(*p);
    // every visible node, pre-order
    ASSERT_EQ(entries.size(), 8u);
    EXPECT_EQ(entries[0].node, 0u);
    std::vector<std::uint64_t> ids, starts, levels;
    for (const auto& e : entries) {
        ids.push_back(p->nodeId[e.node]);
        starts.push_back(e.start);
        levels.push_back(e.level);
    }
    EXPECT_EQ(ids, (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6, 7, 10}));
    EXPECT_EQ(starts, (std::vector<std::uint64_t>{0, 0, 0, 0, 100, 100, 100, 142}));
    EXPECT_EQ(levels, (std::vector<std::uint64_t>{0, 1, 2, 3, 2, 3, 4, 1}));
}

TEST(SamplingProfile, Diff) {
    auto base = load(sample());
    std::string grown = sample();
    grown.replace(grown.find("\"selfSize\":100"), 14, "\"selfSize\":400");
    auto p = load(grown);
    ASSERT_TRUE(base && p);
    auto rows = diffProfiles(*base, *p);
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[0].name, "b");
    EXPECT_EQ(rows[0].selfDelta(), 300);
    EXPECT_EQ(rows[0].totalDelta(), 300);
    EXPECT_EQ(rows[1].name, "a");
    EXPECT_EQ(rows[1].selfDelta(), 0);
    EXPECT_EQ(rows[1].totalDelta(), 300);
    EXPECT_EQ(rows[1].baseTotal, 119u);
}

TEST(SamplingProfile, OldFormatWithFrameFieldsOnTheNode) {
    // DevTools still reads it: the call frame's fields on the node, lines and columns 1-based
    auto p = load("{\"head\":{\"functionName\":\"(root)\",\"scriptId\":0,\"url\":\"\",\"lineNumber\":0,"
                  "\"columnNumber\":0,\"selfSize\":0,\"id\":1,\"children\":[{\"functionName\":\"main\","
                  "\"scriptId\":3,\"url\":\"app.js\",\"lineNumber\":10,\"columnNumber\":5,\"selfSize\":100,"
                  "\"id\":2,\"children\":[]}]}}");
    ASSERT_TRUE(p);
    ASSERT_EQ(p->nodeCount(), 2u);
    const ProfileFunction& f = p->functions[p->function[1]];
    EXPECT_EQ(p->displayName(p->function[1]), "main");
    EXPECT_EQ(f.line, 9);
    EXPECT_EQ(f.column, 4);
    EXPECT_EQ(p->str(f.scriptId), "3");
    EXPECT_EQ(p->location(p->function[1]), "app.js:10");
    EXPECT_EQ(p->functions[p->function[0]].line, -1);
    EXPECT_EQ(p->totalBytes(), 100u);
}

TEST(SamplingProfile, DeepTreeLoadsWithoutRecursion) {
    // 200,000 levels: a recursive parser would overflow the stack
    const int depth = 200000;
    std::string json = "{\"head\":";
    for (int i = 1; i <= depth; ++i)
        json += "{\"callFrame\":{\"functionName\":\"f\",\"scriptId\":1,\"url\":\"\",\"lineNumber\":0,"
                "\"columnNumber\":0},"
                "\"selfSize\":1,\"id\":" +
                std::to_string(i) + ",\"children\":[";
    for (int i = 1; i <= depth; ++i)
        json += "]}";
    json += "}";
    auto p = load(json);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->nodeCount(), std::size_t(depth));
    EXPECT_EQ(p->totalBytes(), std::uint64_t(depth));
    EXPECT_EQ(p->maxDepth, std::uint32_t(depth - 1));
    auto rows = bottomUpFunctions(*p);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].self, std::uint64_t(depth - 1));
    EXPECT_EQ(flameChart(*p).size(), std::size_t(depth));
}

TEST(SamplingProfile, ErrorsNameTheByte) {
    const std::string ok = sample();
    {
        // truncated after a key
        const auto cut = ok.find("\"selfSize\":30") + 11;
        Error e = loadError(ok.substr(0, cut));
        EXPECT_EQ(e.offset, std::int64_t(cut));
        EXPECT_NE(e.reason.find("ends"), std::string::npos) << e.message();
    }
    {
        // a node id used twice (not an ancestor): the second "id" value
        std::string t = ok;
        const auto at = t.find("\"id\":10");
        t.replace(at, 7, "\"id\":4 ");
        Error e = loadError(t);
        EXPECT_EQ(e.offset, std::int64_t(at + 5)) << e.message();
        EXPECT_NE(e.reason.find("node id 4 is used by two nodes"), std::string::npos) << e.message();
    }
    {
        // a cycle: node 7 claims the id of its ancestor 5
        std::string t = ok;
        const auto at = t.find("\"id\":7");
        t.replace(at, 6, "\"id\":5");
        Error e = loadError(t);
        EXPECT_EQ(e.offset, std::int64_t(at + 5));
        EXPECT_NE(e.reason.find("appears again inside its own subtree"), std::string::npos) << e.message();
    }
    {
        std::string t = ok;
        const auto at = t.find("{\"size\":12,\"nodeId\":7");
        t.replace(t.find("\"nodeId\":7"), 10, "\"nodeId\":99");
        // V8 writes such samples: they load, are counted and named in a warning
        auto p = load(t);
        ASSERT_TRUE(p);
        EXPECT_EQ(p->outsideSamples, 1u);
        EXPECT_EQ(p->outsideSampleBytes, 12u);
        EXPECT_EQ(p->sampleNode[3], kNoIndex);
        ASSERT_EQ(p->warnings.size(), 1u);
        EXPECT_NE(p->warnings[0].find("node id 99 at byte " + std::to_string(at)), std::string::npos)
            << p->warnings[0];
    }
    {
        std::string t = ok;
        const auto at = t.find("\"children\":[") + 11;
        t.replace(at - 11, 12, "\"children\":7");
        Error e = loadError(t);
        EXPECT_EQ(e.offset, std::int64_t(at));
        EXPECT_NE(e.reason.find("\"children\" must be an array, not a number"), std::string::npos)
            << e.message();
    }
    {
        std::string t = ok;
        const auto at = t.find("\"selfSize\":30") + 11;
        t.replace(at, 2, "-3");
        Error e = loadError(t);
        EXPECT_EQ(e.offset, std::int64_t(at));
        EXPECT_NE(e.reason.find("\"selfSize\" must be an integer of 0 or more"), std::string::npos)
            << e.message();
    }
    {
        Error e = loadError("{\"head\":{\"selfSize\":1,\"id\":1,\"children\":[]}}");
        EXPECT_EQ(e.offset, 8);
        EXPECT_NE(e.reason.find("no \"callFrame\""), std::string::npos) << e.message();
    }
    {
        Error e = loadError("{\"snapshot\":{}}");
        EXPECT_NE(e.reason.find("heap snapshot"), std::string::npos) << e.message();
    }
    {
        Error e = loadError("[1,2]");
        EXPECT_EQ(e.offset, 0);
    }
    {
        Error e = loadError(ok + "x");
        EXPECT_EQ(e.offset, std::int64_t(ok.size()));
    }
}

TEST(SamplingProfile, Sniffing) {
    EXPECT_TRUE(looksLikeSamplingProfile(" {\n \"head\":{"));
    EXPECT_FALSE(looksLikeSamplingProfile("{\"snapshot\":{"));
    EXPECT_FALSE(looksLikeSamplingProfile(""));
    EXPECT_TRUE(isSamplingProfileFile(std::string(HEAPSCOPE_TEST_DATA) + "/sampling-node20.heapprofile.gz"));
    EXPECT_FALSE(isSamplingProfileFile(std::string(HEAPSCOPE_TEST_DATA) + "/tiny-node20.heapsnapshot.gz"));
    // by name when the bytes say nothing (broken), by the bytes when they say a heap snapshot
    const std::string dir = std::string(HEAPSCOPE_MALFORMED_DIR) + "/../profiles/";
    EXPECT_TRUE(isSamplingProfileFile(dir + "empty.heapprofile"));
    EXPECT_TRUE(isSamplingProfileFile(dir + "not-an-object.heapprofile"));
    EXPECT_FALSE(isSamplingProfileFile(dir + "heap-snapshot.heapprofile"));
    EXPECT_FALSE(isSamplingProfileFile(dir + "does-not-exist.json"));
}

// ---- the real profiles, against a walker of this test's own (simdjson's DOM, an explicit stack) ----

namespace {

std::string gunzip(const std::string& path) {
    gzFile f = gzopen(path.c_str(), "rb");
    std::string out;
    char buf[1 << 16];
    int n;
    while (f && (n = gzread(f, buf, sizeof buf)) > 0)
        out.append(buf, std::size_t(n));
    if (f)
        gzclose(f);
    return out;
}

struct Expect {
    std::uint64_t total = 0;
    std::uint64_t samples = 0;
    std::uint64_t outsideSamples = 0;
    std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> functions; // callUID -> self, total
    std::map<std::uint64_t, std::uint64_t> nodeTotal;                         // id -> total
};

Expect walk(const std::string& json) {
    Expect x;
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.parse(json);
    struct N {
        simdjson::dom::element e;
        std::string uid;
        std::uint64_t self, total, id;
        int parent;
        bool isHead;
    };
    std::vector<N> all;
    std::vector<std::pair<simdjson::dom::element, int>> stack{{doc["head"], -1}};
    while (!stack.empty()) {
        auto [e, parent] = stack.back();
        stack.pop_back();
        simdjson::dom::object cf = e["callFrame"];
        std::string scriptId;
        if (cf["scriptId"].is_string())
            scriptId = std::string(std::string_view(cf["scriptId"]));
        else
            scriptId = std::to_string(std::int64_t(cf["scriptId"]));
        const std::string uid = std::string(std::string_view(cf["functionName"])) + "@" + scriptId + ":" +
                                std::to_string(std::int64_t(cf["lineNumber"])) + ":" +
                                std::to_string(std::int64_t(cf["columnNumber"]));
        const std::uint64_t self = std::uint64_t(e["selfSize"]);
        all.push_back({e, uid, self, self, std::uint64_t(e["id"]), parent, parent < 0});
        const int me = int(all.size()) - 1;
        for (simdjson::dom::element c : simdjson::dom::array(e["children"]))
            stack.push_back({c, me});
    }
    // children come after their parent in `all`: add totals from the back
    for (std::size_t i = all.size(); i-- > 0;)
        if (all[i].parent >= 0)
            all[all[i].parent].total += all[i].total;
    x.total = all[0].total;
    for (const auto& n : all) {
        x.nodeTotal[n.id] = n.total;
        if (n.isHead || n.total == 0) // DevTools prunes branches without any self size
            continue;
        auto& f = x.functions[n.uid];
        f.first += n.self;
        f.second += n.total;
    }
    for (auto s : simdjson::dom::array(doc["samples"])) {
        ++x.samples;
        if (!x.nodeTotal.count(std::uint64_t(s["nodeId"])))
            ++x.outsideSamples;
    }
    return x;
}

std::vector<std::string> realProfiles() {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(HEAPSCOPE_TEST_DATA)) {
        const std::string name = e.path().filename().string();
        if (name.rfind("sampling-", 0) == 0 && name.find(".heapprofile") != std::string::npos)
            out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

TEST(SamplingProfileFixtures, SizesMatchAnIndependentWalk) {
    const auto files = realProfiles();
    ASSERT_GE(files.size(), 5u); // Node 18, 20, 22, 24 and Chromium
    for (const std::string& path : files) {
        SCOPED_TRACE(path);
        auto r = loadSamplingProfile(path);
        ASSERT_TRUE(r.ok()) << r.error().message();
        const SamplingProfile& p = *r.value();
        const Expect x = walk(gunzip(path));
        EXPECT_EQ(p.totalBytes(), x.total);
        EXPECT_GT(p.totalBytes(), 1000000u);
        EXPECT_EQ(p.sampleNode.size(), x.samples);
        std::uint64_t counted = 0;
        for (std::uint32_t c : p.sampleCount)
            counted += c;
        EXPECT_EQ(counted + p.outsideSamples, x.samples);
        EXPECT_EQ(p.outsideSamples, x.outsideSamples);
        for (std::uint32_t i = 0; i < p.nodeCount(); ++i)
            EXPECT_EQ(p.totalSize[i], x.nodeTotal.at(p.nodeId[i])) << "node id " << p.nodeId[i];

        auto rows = bottomUpFunctions(p);
        EXPECT_EQ(rows.size(), x.functions.size());
        std::uint64_t selfSum = 0;
        for (const auto& row : rows) {
            const auto& f = p.functions[row.function];
            const std::string uid = p.strings[f.name] + "@" + p.strings[f.scriptId] + ":" +
                                    std::to_string(f.line) + ":" + std::to_string(f.column);
            ASSERT_TRUE(x.functions.count(uid)) << uid;
            EXPECT_EQ(row.self, x.functions.at(uid).first) << uid;
            EXPECT_EQ(row.total, x.functions.at(uid).second) << uid;
            selfSum += row.self;
            // the callers of a row never add up to more than the row
            std::uint64_t callerSelf = 0;
            for (const auto& c : bottomUpCallers(p, row))
                callerSelf += c.self;
            EXPECT_LE(callerSelf, row.self) << uid;
        }
        // every byte is some function's self size (the head has none)
        EXPECT_EQ(selfSum, p.totalBytes());
        // Top-down: a visible node's total is its self plus its visible children's totals
        for (std::uint32_t n = 0; n < p.nodeCount(); ++n) {
            if (!p.visible(n))
                continue;
            std::uint64_t sum = p.selfSize[n];
            for (std::uint32_t c = p.childStart[n]; c < p.childStart[n + 1]; ++c)
                sum += p.totalSize[p.childList[c]];
            EXPECT_EQ(sum, p.totalSize[n]);
        }
        // the workload's functions are there; in Node, makeRecords with Record below it (Chromium's
        // optimizing compiler inlines the constructor)
        bool records = false;
        for (const auto& row : rows)
            if (p.displayName(row.function) == "makeRecords") {
                records = true;
                if (path.find("-node") != std::string::npos)
                    EXPECT_GT(row.total, row.self);
            }
        EXPECT_TRUE(records);
    }
}

TEST(SamplingProfileFixtures, DiffOfTwoRuns) {
    auto a = loadSamplingProfile(std::string(HEAPSCOPE_TEST_DATA) + "/sampling-node20.heapprofile.gz");
    auto b = loadSamplingProfile(std::string(HEAPSCOPE_TEST_DATA) + "/sampling-node20-more.heapprofile.gz");
    ASSERT_TRUE(a.ok() && b.ok());
    auto rows = diffProfiles(*a.value(), *b.value());
    ASSERT_FALSE(rows.empty());
    // the run with three times the strings: the string functions change most
    const auto& top = rows[0];
    EXPECT_TRUE(top.name == "makeStrings" || top.name == "repeat") << top.name;
    EXPECT_GT(top.selfDelta(), 1000000);
    // each row's sizes are those of the Bottom-up rows of its function in either profile
    std::map<std::string, std::uint64_t> selfA;
    for (const auto& r : bottomUpFunctions(*a.value()))
        selfA[a.value()->displayName(r.function) + "|" +
              a.value()->strings[a.value()->functions[r.function].url] + ":" +
              std::to_string(a.value()->functions[r.function].line) + ":" +
              std::to_string(a.value()->functions[r.function].column)] += r.self;
    std::uint64_t baseSelf = 0, self = 0;
    for (const auto& r : rows) {
        const std::string key =
            r.name + "|" + r.url + ":" + std::to_string(r.line) + ":" + std::to_string(r.column);
        EXPECT_EQ(r.baseSelf, selfA.count(key) ? selfA[key] : 0u) << key;
        baseSelf += r.baseSelf;
        self += r.self;
    }
    EXPECT_EQ(baseSelf, a.value()->totalBytes());
    EXPECT_EQ(self, b.value()->totalBytes());
}

// The malformed profiles of tests/malformed/profiles (make_malformed_profiles.py): each fails with
// the stage, byte offset and reason its expected.tsv lists.
TEST(SamplingProfile, MalformedSuite) {
    const std::string dir = std::string(HEAPSCOPE_MALFORMED_DIR) + "/../profiles";
    std::ifstream in(dir + "/expected.tsv");
    ASSERT_TRUE(in) << dir;
    std::string line;
    int cases = 0;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#')
            continue;
        std::vector<std::string> cols;
        std::stringstream ss(line);
        for (std::string col; std::getline(ss, col, '\t');)
            cols.push_back(col);
        ASSERT_EQ(cols.size(), 4u) << line;
        SCOPED_TRACE(cols[0]);
        ++cases;
        auto r = loadSamplingProfile(dir + "/" + cols[0]);
        ASSERT_FALSE(r.ok());
        const Error& e = r.error();
        EXPECT_EQ(e.file, dir + "/" + cols[0]);
        EXPECT_EQ(e.stage, cols[1]) << e.message();
        if (cols[2] != "*")
            EXPECT_EQ(e.offset, std::stoll(cols[2])) << e.message();
        EXPECT_NE(e.reason.find(cols[3]), std::string::npos) << e.message();
    }
    EXPECT_GE(cases, 20);
}

// ---- DevTools' own numbers: tests/data/sampling-*.devtools.json.gz, written by DevTools' profile
// grid code (tests/data/gen/profile-oracle) with every Bottom-up row expanded to the end ----

namespace {

std::string callUid(const SamplingProfile& p, std::uint32_t f) {
    const ProfileFunction& fn = p.functions[f];
    return p.strings[fn.name] + "@" + p.strings[fn.scriptId] + ":" + std::to_string(fn.line) + ":" +
           std::to_string(fn.column);
}

// The rows DevTools made, in its order, against the core's, recursively; `path` names the row.
void compareBottomUp(const SamplingProfile& p, const std::vector<BottomUpRow>& rows,
                     simdjson::dom::array expected, const std::string& path, int& compared) {
    ASSERT_EQ(rows.size(), expected.size()) << path;
    std::size_t i = 0;
    for (simdjson::dom::element e : expected) {
        const BottomUpRow& row = rows[i++];
        const std::string where = path + " > " + std::string(std::string_view(e["name"]));
        EXPECT_EQ(callUid(p, row.function), std::string_view(e["callUID"])) << where;
        EXPECT_EQ(p.displayName(row.function), std::string_view(e["name"])) << where;
        EXPECT_EQ(row.self, std::uint64_t(e["self"])) << where;
        EXPECT_EQ(row.total, std::uint64_t(e["total"])) << where;
        ++compared;
        simdjson::dom::array callers;
        if (e["callers"].get(callers) == simdjson::SUCCESS) {
            EXPECT_TRUE(row.hasCallers) << where;
            compareBottomUp(p, bottomUpCallers(p, row), callers, where, compared);
        } else {
            EXPECT_TRUE(bottomUpCallers(p, row).empty()) << where;
        }
    }
}

void compareTopDown(const SamplingProfile& p, std::uint32_t node, simdjson::dom::array expected,
                    const std::string& path, int& compared) {
    ASSERT_EQ(std::size_t(p.childStart[node + 1] - p.childStart[node]), expected.size()) << path;
    std::uint32_t c = p.childStart[node];
    for (simdjson::dom::element e : expected) {
        const std::uint32_t child = p.childList[c++];
        const std::string where = path + " > " + std::string(std::string_view(e["name"]));
        EXPECT_EQ(callUid(p, p.function[child]), std::string_view(e["callUID"])) << where;
        EXPECT_EQ(p.selfSize[child], std::uint64_t(e["self"])) << where;
        EXPECT_EQ(p.totalSize[child], std::uint64_t(e["total"])) << where;
        ++compared;
        simdjson::dom::array children;
        if (e["children"].get(children) == simdjson::SUCCESS)
            compareTopDown(p, child, children, where, compared);
        else
            EXPECT_EQ(p.childStart[child + 1], p.childStart[child]) << where;
    }
}

} // namespace

TEST(SamplingProfileFixtures, DevToolsBottomUpAndTopDown) {
    // every sampling-X[.ordinals-MIN-MAX].devtools.json.gz against sampling-X.heapprofile.gz
    int files = 0, ranges = 0, all = 0;
    for (const auto& entry : std::filesystem::directory_iterator(HEAPSCOPE_TEST_DATA)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind("sampling-", 0) != 0 || name.find(".devtools.json.gz") == std::string::npos)
            continue;
        SCOPED_TRACE(name);
        ++files;
        const std::string json = gunzip(entry.path().string());
        simdjson::dom::parser parser;
        simdjson::dom::element doc = parser.parse(json);
        const std::string profilePath =
            std::string(HEAPSCOPE_TEST_DATA) + "/" + std::string(std::string_view(doc["file"]));
        auto r = loadSamplingProfile(profilePath);
        ASSERT_TRUE(r.ok()) << r.error().message();
        std::uint64_t minOrdinal = 0, maxOrdinal = 0;
        if (!doc["minOrdinal"].is_null()) {
            minOrdinal = std::uint64_t(doc["minOrdinal"]);
            maxOrdinal = std::uint64_t(doc["maxOrdinal"]);
            ++ranges;
        }
        const SamplingProfilePtr selected = selectOrdinals(r.value(), minOrdinal, maxOrdinal);
        const SamplingProfile& p = *selected;
        if (minOrdinal || maxOrdinal)
            EXPECT_LT(p.totalBytes(), r.value()->totalBytes());
        EXPECT_EQ(p.totalBytes(), std::uint64_t(doc["total"]));
        int compared = 0;
        compareBottomUp(p, bottomUpFunctions(p), doc["bottomUp"], "bottom-up", compared);
        compareTopDown(p, 0, doc["topDown"], "top-down", compared);
        EXPECT_GT(compared, 20);
        all += compared;
    }
    EXPECT_GE(files, 8);
    EXPECT_GE(ranges, 2);
    EXPECT_GT(all, 1000);
}
